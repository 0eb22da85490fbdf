// The CLI's dispatcher in this process, with its output collected (for tests of #27's contract).
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Runs `ncprop ARGS` in this process with `cwd` and standard input `input`. */
export async function ncprop(args: string[], cwd: string, input = ''): Promise<Run> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from([input]), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text };
}
