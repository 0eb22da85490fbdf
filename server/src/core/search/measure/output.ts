// Reading a measurement's output file: the metrics are the last JSON object it printed, on one
// line or (pretty-printed) as the last lines of the output. Only the file's end is read: a script
// may log gigabytes before its metrics.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes read from the end of an output file when looking for the metrics. */
export const TAIL_BYTES = 4 << 20;

/** The last `bytes` of a file as text (empty when it is missing). */
export function readTail(path: string, bytes = TAIL_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const n = Math.min(size, bytes);
    const buf = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const k = readSync(fd, buf, got, n - got, size - n + got);
      if (k === 0) break;
      got += k;
    }
    let text = buf.subarray(0, got).toString('utf8');
    // a cut in the middle of the first line (or of a character) is not output
    if (size > n) text = text.slice(text.indexOf('\n') + 1);
    return text;
  } finally {
    closeSync(fd);
  }
}

export type LastObject = { value: Record<string, unknown> } | { error: string };

/** The last JSON object in the text: a line that is one, or the lines from one starting '{' to the end. */
export function lastJsonObject(text: string): LastObject {
  const lines = text.replace(/\s+$/, '').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const t = lines[i].trim();
    if (!t.startsWith('{')) continue;
    for (const c of [t, i < lines.length - 1 ? lines.slice(i).join('\n') : undefined]) {
      if (c === undefined) continue;
      try {
        const v: unknown = JSON.parse(c);
        if (v && typeof v === 'object' && !Array.isArray(v)) return { value: v as Record<string, unknown> };
      } catch {
        // not this one
      }
    }
  }
  const tail = text.trim().slice(-200);
  return { error: `no metrics JSON object on stdout${tail ? ` (it ended: ${JSON.stringify(tail)})` : ' (it was empty)'}` };
}

/** The last lines of an error output, for a failure's reason. */
export function errorTail(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(-300);
}
