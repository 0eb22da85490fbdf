// Reading the .ncp files `check` and `fmt` are given: `-` is standard input; a path goes through
// core/files' bounded read (regular files only, size limit, timeout), so a FIFO or a folder named
// on the command line is reported, never waited on.
import { resolve } from 'node:path';
import { readAll, type CliIO } from './command';
import { FileReadError, readTextFile } from '../core/files';

/** Largest .ncp file read (the 100,000-network benchmark document is 12 MB). */
const MAX_SOURCE_BYTES = 64 * 2 ** 20;

/** The file's text, or why it could not be read (without the path: callers name the file). */
export async function readSourceFile(file: string, io: Pick<CliIO, 'stdin' | 'cwd'>): Promise<{ text: string } | { why: string }> {
  if (file === '-') return { text: await readAll(io.stdin) };
  try {
    return { text: await readTextFile(resolve(io.cwd, file), { maxBytes: MAX_SOURCE_BYTES }) };
  } catch (e) {
    if (e instanceof FileReadError) return { why: e.reason };
    throw e;
  }
}
