// Shared pieces of the measuring-runner tests: the CLI in-process and as a process, and training
// scripts that misbehave on purpose.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';

export const root = join(__dirname, '..', '..');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export async function ncp(args: string[], cwd = root): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from(['']), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

/** The CLI as a child process (signals, exit codes). */
export function ncpProcess(dir: string, args: string[]): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const entry = join(dir, 'ncp.cjs');
  writeFileSync(entry, `require(${JSON.stringify(join(root, 'server/src/cli/ncp.ts'))}).runCli();\n`);
  // run from the repository (tsx resolves there); paths in args are absolute
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exited };
}

export function rows(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

export async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A NAS-Bench-201 training script (node): reads the cell from stdin, checks NCP_NETWORK is the
 * same, appends a line to `log` (pid, env, times), then does what `body` says; the default body
 * prints a made-up accuracy. `body` is JavaScript with `net`, `fs`, `n` (this call's number) and
 * `acc` in scope.
 */
export function script(dir: string, body = '', name = 'train.js'): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `const fs = require('fs');
const counter = ${JSON.stringify(join(dir, 'calls'))};
const n = (fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0) + 1;
fs.writeFileSync(counter, String(n));
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const net = JSON.parse(input);
  if (JSON.stringify(JSON.parse(process.env.NCP_NETWORK)) !== JSON.stringify(net)) { console.error('NCP_NETWORK differs from stdin'); process.exit(9); }
  fs.appendFileSync(${JSON.stringify(join(dir, 'log'))}, JSON.stringify({ n, pid: process.pid, cell: net.cell, id: process.env.NCP_MEASUREMENT_ID, attempt: process.env.NCP_ATTEMPT, outDir: process.env.NCP_OUTPUT_DIR, gpu: process.env.CUDA_VISIBLE_DEVICES, start: Date.now() }) + '\\n');
  const acc = 30 + net.cell.split('nor_conv_3x3').length * 3 + net.cell.split('nor_conv_1x1').length;
  ${body}
  console.log(JSON.stringify({ nb201: { acc } }));
});
`,
  );
  return `"${process.execPath}" "${path}"`;
}

export function logLines(dir: string): { n: number; pid: number; cell: string; id: string; attempt: string; outDir: string; gpu?: string; start: number }[] {
  return rows(join(dir, 'log')) as never;
}
