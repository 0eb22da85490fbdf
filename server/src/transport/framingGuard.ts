// Checks the LSP base protocol's framing (`Content-Length: N\r\n\r\n` + N bytes) of the bytes the
// client sends, before vscode-jsonrpc's reader sees them. That reader, given a bad, negative,
// non-numeric or huge length or a header that never ends, reports an error and then waits forever:
// the server stays alive but deaf, so the editor never restarts it. Here any such fault ends with
// `onFault` (the server exits non-zero and the client restarts it). Bytes pass through unchanged.
import { Transform, type TransformCallback } from 'node:stream';

/** Largest message accepted (a 16 MB document is far beyond any real network file). */
export const MAX_MESSAGE_BYTES = 16 * 2 ** 20;
/** Largest header block; real ones are under 100 bytes. */
export const MAX_HEADER_BYTES = 8 * 1024;
/** A message whose body stops arriving for this long is a fault (the client died mid-write). */
export const PARTIAL_MESSAGE_TIMEOUT_MS = 30_000;

export class FramingGuard extends Transform {
  private header: number[] = [];
  /** Body bytes of the current message still to come (0: reading a header). */
  private remaining = 0;
  private failed = false;
  private stall: NodeJS.Timeout | undefined;

  constructor(
    private readonly onFault: (message: string) => void,
    private readonly limits = { maxMessageBytes: MAX_MESSAGE_BYTES, maxHeaderBytes: MAX_HEADER_BYTES, partialTimeoutMs: PARTIAL_MESSAGE_TIMEOUT_MS },
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.failed) return done();
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        continue;
      }
      this.header.push(chunk[i++]);
      const h = this.header;
      const n = h.length;
      if (n >= 4 && h[n - 4] === 13 && h[n - 3] === 10 && h[n - 2] === 13 && h[n - 1] === 10) {
        const fault = this.endHeader(Buffer.from(h).toString('latin1'));
        this.header = [];
        if (fault) return this.fail(fault, done);
      } else if (n > this.limits.maxHeaderBytes) {
        return this.fail(`a message header longer than ${this.limits.maxHeaderBytes} bytes without its end (\\r\\n\\r\\n)`, done);
      }
    }
    this.watchStall();
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    clearTimeout(this.stall);
    done();
  }

  /** Parses one header block; returns the fault, if any, and sets the body length. */
  private endHeader(text: string): string | undefined {
    let length: string | undefined;
    for (const line of text.split('\r\n')) {
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) return `a header line that is not 'Name: value' (${describe(line)})`;
      if (line.slice(0, colon).trim().toLowerCase() === 'content-length') length = line.slice(colon + 1).trim();
    }
    if (length === undefined) return 'a message header without Content-Length';
    if (!/^\d+$/.test(length)) return `Content-Length ${describe(length)} is not a whole number of bytes`;
    const bytes = Number(length);
    if (bytes === 0) return 'Content-Length 0 (an empty message)';
    if (bytes > this.limits.maxMessageBytes) {
      return `a message of ${bytes} bytes, over the limit of ${this.limits.maxMessageBytes} bytes (${Math.round(this.limits.maxMessageBytes / 2 ** 20)} MB)`;
    }
    this.remaining = bytes;
    return undefined;
  }

  /** Mid-message with no more bytes for a long time: the framing is lost (e.g. a length too large). */
  private watchStall(): void {
    clearTimeout(this.stall);
    if (this.remaining === 0 && this.header.length === 0) return;
    this.stall = setTimeout(() => {
      if (!this.failed) this.fail(`a message incomplete for ${this.limits.partialTimeoutMs / 1000} s (${this.remaining} bytes missing)`);
    }, this.limits.partialTimeoutMs);
    this.stall.unref();
  }

  private fail(message: string, done?: TransformCallback): void {
    this.failed = true;
    clearTimeout(this.stall);
    this.onFault(message);
    done?.();
  }
}

/** A short, quoted, printable excerpt of client bytes for an error message (never the whole input). */
function describe(s: string): string {
  const shown = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `'${shown.replace(/[^\x20-\x7e]/g, '?')}'`;
}
