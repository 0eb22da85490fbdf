// The local backend: each attempt is a process group of its own (detached), so that ending it
// also ends whatever the script started. The attempt is over when the command exits — not when
// its output closes (a background child may hold it) — and then what is left of its group is
// killed. stdout and stderr go straight to files (no pipe to drain, no size limit).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { STDERR, STDOUT, type AttemptOutcome, type AttemptSpec, type Backend } from './backend';

/** Process groups started and not yet ended, killed when this process exits for any reason. */
const live = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of live) killGroup(pgid, 'SIGKILL');
  });
}

export function killGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    if (process.platform === 'win32') process.kill(pgid, sig);
    else process.kill(-pgid, sig);
    return true;
  } catch {
    return false; // already gone
  }
}

export function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
}

export interface LocalBackendOptions {
  /** Seconds between SIGTERM and SIGKILL when an attempt is stopped (default 5). */
  grace?: number;
}

const PID_FILE = 'pid';

export class LocalBackend implements Backend {
  readonly name = 'local';
  private readonly grace: number;

  constructor(o: LocalBackendOptions = {}) {
    this.grace = o.grace ?? 5;
  }

  /**
   * An attempt a killed search left running (its group survives a SIGKILL of ours): ended before
   * the measurement starts again. Only when the process is still that attempt's (its environment
   * names the attempt folder), never a process that reused the pid.
   */
  abandon(dir: string): void {
    let pid: number;
    try {
      pid = Number(readFileSync(join(dir, PID_FILE), 'utf8').trim());
    } catch {
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1 || process.platform !== 'linux') return;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.includes(`NCP_OUTPUT_DIR=${dir}`)) killGroup(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }

  run(spec: AttemptSpec): Promise<AttemptOutcome> {
    if (spec.signal?.aborted) return Promise.resolve({ kind: 'interrupted' });
    installExitHook();
    return new Promise((resolve) => {
      let out: number | undefined;
      let err: number | undefined;
      let child: ReturnType<typeof spawn>;
      try {
        out = openSync(join(spec.dir, STDOUT), 'w');
        err = openSync(join(spec.dir, STDERR), 'w');
        child = spawn(spec.command, {
          shell: true,
          cwd: spec.cwd,
          env: { ...process.env, ...spec.env },
          stdio: ['pipe', out, err],
          detached: process.platform !== 'win32',
        });
      } catch (e) {
        resolve({ kind: 'start-error', message: (e as Error).message });
        return;
      } finally {
        // the child has its own copies
        if (out !== undefined) closeSync(out);
        if (err !== undefined) closeSync(err);
      }
      const pid = child.pid;
      if (pid !== undefined) {
        live.add(pid);
        // for a later --resume, should this process be killed without a chance to end the group
        writeFileSync(join(spec.dir, PID_FILE), `${pid}\n`);
      }
      let stopping: 'timeout' | 'interrupted' | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let settled = false;
      const stop = (why: 'timeout' | 'interrupted') => {
        if (stopping || pid === undefined) return;
        stopping = why;
        killGroup(pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), this.grace * 1000);
      };
      const timer = setTimeout(() => stop('timeout'), spec.timeout * 1000);
      const onAbort = () => stop('interrupted');
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (o: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        spec.signal?.removeEventListener('abort', onAbort);
        if (pid !== undefined) {
          // children the command left behind end with it
          killGroup(pid, 'SIGKILL');
          live.delete(pid);
        }
        resolve(o);
      };
      child.stdin?.on('error', () => {}); // a script that never reads stdin closes it early
      child.stdin?.end(spec.network + '\n');
      child.on('error', (e) => finish({ kind: 'start-error', message: e.message }));
      child.on('exit', (code, signal) => {
        if (stopping) return finish({ kind: stopping });
        // through the shell a death by signal N reads as status 128+N
        const sig = signal ?? (code !== null && code > 128 && code < 128 + 65 ? (signalName(code - 128) ?? null) : null);
        finish({ kind: 'exited', code: signal ? null : code, signal: sig });
      });
    });
  }
}
