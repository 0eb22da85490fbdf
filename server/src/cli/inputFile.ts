// A file named on the command line that cannot be read (missing, a folder, unreadable, too large):
// every command says it the same way — `ncprop CMD: cannot read 'FILE': no such file` — and exits
// with status 2 (the run could not start with the arguments given; docs/cli.md, "Exit status").
import { statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { UsageError } from './command';
import { DataFileUnreadable, type DataError } from '../core/data/types';

/** A named input file could not be read: printed as `ncprop CMD: <message>`, exit status 2, no usage hint. */
export class InputFileError extends Error {}

/** Exit status of a command whose input file could not be read. */
export const UNREADABLE_FILE_STATUS = 2;

/** The one message for a file that could not be read (`why` without the path: 'no such file', …). */
export function cannotRead(file: string, why: string): string {
  return `cannot read '${file}': ${why}`;
}

/** The error to throw for it (the dispatcher prints it and exits with UNREADABLE_FILE_STATUS). */
export function unreadableFile(file: string, why: string): InputFileError {
  return new InputFileError(cannotRead(file, why));
}

/**
 * A data reader's error as the CLI reports it: a file that could not be read at all is an
 * InputFileError (the message above, status 2); bad content stays a usage error naming `flag`.
 */
export function dataArgumentError(flag: string, e: DataError, cwd?: string): Error {
  if (e instanceof DataFileUnreadable && e.file !== undefined) {
    const rel = cwd === undefined ? '' : relative(cwd, e.file);
    return unreadableFile(rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : e.file, e.reason);
  }
  return new UsageError(`${flag}: ${e.message}`);
}

/** Whether a file a command was to write exists and holds something (messages never point at a file that was not written). */
export function fileWritten(path: string | undefined): boolean {
  if (path === undefined) return false;
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}
