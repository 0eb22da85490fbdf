// Runs scripts/torch_count.py (PyTorch, forward hooks) on exported network files, all in one
// Python process. For test/core/export and bench/export.ts; PyTorch comes from Debian's
// python3-torch (NCP_PYTHON names another interpreter).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const PYTHON = process.env.NCP_PYTHON ?? (process.platform === 'win32' ? 'python' : '/usr/bin/python3');
const SCRIPT = join(__dirname, 'torch_count.py');

/** Why PyTorch cannot be used here, or undefined when it can. */
export function torchUnavailable(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return undefined;
  return `PyTorch is not importable by ${PYTHON} (${(r.error?.message ?? r.stderr ?? '').trim().split('\n').pop()}); install Debian's python3-torch`;
}

export interface TorchJob {
  file: string;
  input: [number, number];
  /** Run the forward on the CPU (else on the meta device: shapes only). */
  real?: boolean;
}

export interface TorchCount {
  file: string;
  params?: number;
  macs?: number;
  shape?: number[];
  finite?: boolean;
  error?: string;
}

/** Counts every job in one Python process; rejects when the process fails. */
export function torchCount(jobs: TorchJob[], onResult?: (r: TorchCount, done: number) => void): Promise<TorchCount[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: TorchCount[] = [];
    let buf = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() === '') continue;
        const r = JSON.parse(line) as TorchCount;
        out.push(r);
        onResult?.(r, out.length);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(`${PYTHON} ${SCRIPT} exited ${status}: ${err.trim().slice(-2000)}`));
      else resolve(out);
    });
    for (const j of jobs) child.stdin.write(JSON.stringify(j) + '\n');
    child.stdin.end();
  });
}
