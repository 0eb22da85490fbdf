// The shape every `ncp` sub-command shares, so the dispatcher and `--help` treat them alike.
import type { Readable, Writable } from 'node:stream';

/** The command users type (npm's `ncp` is a file-copy tool): every usage line and message says it. */
export const CLI_NAME = 'ncprop';

export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Working directory that relative paths are resolved against. */
  cwd: string;
  /** Whether stderr is a terminal (progress bars redraw in place only then). */
  stderrIsTTY: boolean;
}

export interface Command {
  name: string;
  /** One line for the command list in `ncp --help`. */
  summary: string;
  /** Full text for `ncp <command> --help`. */
  help: string;
  /** Returns the process exit status. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** An error the user caused (bad flag, unreadable file): printed without a stack trace. */
export class UsageError extends Error {}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(text + '\n');
}

/** Reads all of a stream as UTF-8 text. */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
