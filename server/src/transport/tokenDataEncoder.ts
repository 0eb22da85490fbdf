// The JSON encoder of the stdio writer, which prints a semantic-tokens answer's data (a
// Uint32Array: features/semanticTokens.ts) straight into the message's bytes. JSON.stringify
// would go through the typed array's toJSON, a plain array of the same numbers: for an 11 MB
// document 25 million numbers, ~200 MB and seconds (the answer itself is ~50 MB of text). Every
// other message is encoded as vscode-jsonrpc encodes it.
import type { Message } from 'vscode-languageserver/node';

const MARKER = 'ncp:token-data:8f3c1d';

function digits(v: number): number {
  let d = 1;
  while (v >= 10) {
    v = Math.floor(v / 10);
    d++;
  }
  return d;
}

/** `head[a,b,…]tail`: the numbers as JSON between two texts, in one buffer. */
export function numberArrayBytes(data: Uint32Array, head = '', tail = '', charset: BufferEncoding = 'utf-8'): Buffer {
  const headBytes = Buffer.byteLength(head, charset);
  let size = headBytes + 2 + Math.max(0, data.length - 1) + Buffer.byteLength(tail, charset);
  for (let i = 0; i < data.length; i++) size += digits(data[i]);
  const out = Buffer.allocUnsafe(size);
  let at = out.write(head, 0, charset);
  out[at++] = 91; // [
  for (let i = 0; i < data.length; i++) {
    if (i > 0) out[at++] = 44; // ,
    let v = data[i];
    const end = at + digits(v);
    for (let k = end - 1; k >= at; k--) {
      out[k] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    at = end;
  }
  out[at++] = 93; // ]
  out.write(tail, at, charset);
  return out;
}

export const tokenDataEncoder = {
  name: 'application/json',
  encode(msg: Message, options: { charset: BufferEncoding }): Promise<Uint8Array> {
    try {
      const result = (msg as { result?: unknown }).result;
      const data = result !== null && typeof result === 'object' ? (result as { data?: unknown }).data : undefined;
      if (!(data instanceof Uint32Array)) return Promise.resolve(Buffer.from(JSON.stringify(msg, undefined, 0), options.charset));
      const text = JSON.stringify({ ...msg, result: { ...(result as object), data: MARKER } }, undefined, 0);
      const at = text.indexOf(`"${MARKER}"`);
      return Promise.resolve(numberArrayBytes(data, text.slice(0, at), text.slice(at + MARKER.length + 2), options.charset));
    } catch (e) {
      return Promise.reject(e);
    }
  },
};
