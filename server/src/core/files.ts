// Bounded reads of files the user names (a benchmark path in a setting, a CLI argument): regular
// files only — a FIFO, a device or a folder must not hang or flood anything — checked with fstat
// on a non-blocking descriptor before any byte is read, with a size limit and (async) a timeout.
// Errors say what is wrong with the file, never what is in it.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** Largest file read as text (the benchmark files are about 1 MB). */
export const MAX_TEXT_FILE_BYTES = 256 * 2 ** 20;
export const READ_TIMEOUT_MS = 10_000;

export class FileReadError extends Error {
  constructor(
    message: string,
    /** What is wrong, without the path (for messages that name the file their own way). */
    readonly reason: string,
  ) {
    super(message);
  }
}

// O_NONBLOCK: opening a FIFO for reading then returns at once instead of waiting for a writer.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** What a path that is not a regular file is, for messages ("a folder", "a named pipe (FIFO)", …). */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function checkStats(path: string, st: Stats, maxBytes: number): void {
  if (!st.isFile()) throw new FileReadError(`${path} is ${kindOf(st)}, not a regular file`, `is ${kindOf(st)}, not a regular file`);
  if (st.size > maxBytes) {
    const reason = `is ${(st.size / 2 ** 20).toFixed(1)} MB, over the limit of ${Math.round(maxBytes / 2 ** 20)} MB`;
    throw new FileReadError(`${path} ${reason}`, reason);
  }
}

function openError(path: string, e: unknown): FileReadError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a folder' : ((e as Error).message ?? String(e));
  return new FileReadError(`cannot read ${path}: ${why}`, why);
}

/** The UTF-8 text of a regular file of at most `maxBytes`, read within `timeoutMs`. */
export async function readTextFile(path: string, opts: { maxBytes?: number; timeoutMs?: number } = {}): Promise<string> {
  const maxBytes = opts.maxBytes ?? MAX_TEXT_FILE_BYTES;
  let handle;
  try {
    handle = await open(path, FLAGS);
  } catch (e) {
    throw openError(path, e);
  }
  try {
    checkStats(path, await handle.stat(), maxBytes);
    const signal = AbortSignal.timeout(opts.timeoutMs ?? READ_TIMEOUT_MS);
    try {
      return await handle.readFile({ encoding: 'utf8', signal });
    } catch (e) {
      if ((e as Error).name === 'AbortError' || signal.aborted) throw new FileReadError(`reading ${path} took longer than ${(opts.timeoutMs ?? READ_TIMEOUT_MS) / 1000} s`, `took longer than ${(opts.timeoutMs ?? READ_TIMEOUT_MS) / 1000} s to read`);
      throw openError(path, e);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Synchronous readTextFile for the CLI (no timeout: a regular file's read does not block). */
export function readTextFileSync(path: string, maxBytes = MAX_TEXT_FILE_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (e) {
    throw openError(path, e);
  }
  try {
    const st = fstatSync(fd);
    checkStats(path, st, maxBytes);
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
