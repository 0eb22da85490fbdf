// The Slurm backend: each attempt is a batch job (`sbatch`), so that it outlives the search
// process — a search that is killed (or loses its ssh session) can be resumed and re-attach to
// its jobs by the job ids kept in the attempt folders, and no network is measured twice. (`srun`
// ties the job to a process of ours, and `sbatch --wait` to one waiting process per job; neither
// can be re-attached, and a job's exit status is gone once it leaves the queue when accounting is
// off.) The job runs a small script that feeds the network on stdin, sends stdout/stderr to the
// attempt folder and writes the command's exit status to `exit-status` when it ends: a job that
// leaves the queue without that file was cancelled, preempted, timed out or lost with its node —
// a failed attempt (retried under --retries). Jobs are submitted with --no-requeue; a job that is
// requeued all the same finds itself restarted (SLURM_RESTART_COUNT) and fails at once. One
// `squeue` call serves every waiting job, with a poll interval that backs off (submitit's way).
// An interrupt cancels the running jobs (`scancel`).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STDERR, STDOUT, type AttemptOutcome, type AttemptSpec, type Backend } from './backend';
import { signalName } from './local';

export const JOB_ID_FILE = 'slurm-job-id';
const EXIT_FILE = 'exit-status';
const REQUEUED_FILE = 'requeued';
const INTERRUPTED_FILE = 'interrupted';
/** States of a job that is over (it may still be listed for a while). */
const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED']);

export { splitArgs } from './args';

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: env ?? process.env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && code === 127 ? err.message : '') });
    });
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface SlurmBackendOptions {
  /** sbatch options for every job (partition, gres, time, account, …). */
  sbatchArgs?: readonly string[];
  /** Poll interval bounds in seconds (default 0.5 to 30). */
  pollMin?: number;
  pollMax?: number;
}

export class SlurmBackend implements Backend {
  readonly name = 'slurm';
  private snapshotAt = 0;
  private snapshot: Promise<Map<string, string> | undefined> | undefined;

  constructor(private readonly o: SlurmBackendOptions = {}) {
    for (const a of o.sbatchArgs ?? []) {
      if (/^--(wrap|output|error|parsable|chdir|requeue|array)\b/.test(a) || /^-[oeDa]/.test(a)) throw new Error(`${a}: the search sets this sbatch option itself`);
    }
  }

  /** Whether an attempt folder holds a job of an earlier run to re-attach to. */
  canAttach(dir: string): boolean {
    return existsSync(join(dir, JOB_ID_FILE)) && !existsSync(join(dir, INTERRUPTED_FILE));
  }

  /** Jobs listed by squeue (id → state); one call shared by every job that asks within 0.2 s. */
  private queue(): Promise<Map<string, string> | undefined> {
    const now = Date.now();
    if (this.snapshot && now - this.snapshotAt < 200) return this.snapshot;
    this.snapshotAt = now;
    this.snapshot = run('squeue', ['-h', '--me', '-o', '%i %T']).then((r) => {
      if (r.code !== 0) return undefined; // the controller is busy or down: ask again later
      const m = new Map<string, string>();
      for (const line of r.stdout.split('\n')) {
        const [id, state] = line.trim().split(/\s+/);
        if (id) m.set(id, state ?? '');
      }
      return m;
    });
    return this.snapshot;
  }

  private script(spec: AttemptSpec): string {
    const d = (f: string) => shellQuote(join(spec.dir, f));
    return `#!/bin/sh
# ncprop search: attempt ${spec.attempt} of measurement ${spec.id}
if [ "\${SLURM_RESTART_COUNT:-0}" != "0" ]; then echo "requeued by Slurm (restart \$SLURM_RESTART_COUNT)" > ${d(REQUEUED_FILE)}; exit 1; fi
cd ${shellQuote(spec.cwd)} || exit 1
(
${spec.command}
) < ${d('network.json')} > ${d(STDOUT)} 2> ${d(STDERR)}
s=$?
echo $s > ${d(EXIT_FILE + '.tmp')} && mv ${d(EXIT_FILE + '.tmp')} ${d(EXIT_FILE)}
exit $s
`;
  }

  private async submit(spec: AttemptSpec): Promise<{ id: string } | { error: string }> {
    writeFileSync(join(spec.dir, 'network.json'), spec.network + '\n');
    const script = join(spec.dir, 'job.sh');
    writeFileSync(script, this.script(spec), { mode: 0o755 });
    const args = ['--parsable', '--no-requeue', `--job-name=ncp-${spec.id}-${spec.attempt}`, `--output=${join(spec.dir, 'slurm.out')}`, `--chdir=${spec.cwd}`, ...(this.o.sbatchArgs ?? []), script];
    const r = await run('sbatch', args, { ...process.env, ...spec.env });
    const id = r.stdout.trim().split(';')[0];
    if (r.code !== 0 || !/^\d+(_\d+)?$/.test(id)) return { error: `sbatch failed (status ${r.code}): ${(r.stderr || r.stdout).trim().slice(-300)}` };
    const tmp = join(spec.dir, JOB_ID_FILE + '.tmp');
    writeFileSync(tmp, id + '\n');
    renameSync(tmp, join(spec.dir, JOB_ID_FILE));
    return { id };
  }

  private async cancel(id: string): Promise<void> {
    await run('scancel', [id]);
    // wait (a little) until it has left the queue, so that nothing of ours runs on
    for (let i = 0; i < 40; i++) {
      this.snapshotAt = 0;
      const q = await this.queue();
      const st = q?.get(id);
      if (q && (st === undefined || ENDED.has(st))) return;
      await sleep(250);
    }
  }

  async run(spec: AttemptSpec): Promise<AttemptOutcome> {
    if (spec.signal?.aborted) return { kind: 'interrupted' };
    let id: string;
    if (this.canAttach(spec.dir)) id = readFileSync(join(spec.dir, JOB_ID_FILE), 'utf8').trim();
    else {
      const s = await this.submit(spec);
      if ('error' in s) return { kind: 'start-error', message: s.error };
      id = s.id;
    }
    const min = (this.o.pollMin ?? 0.5) * 1000;
    const max = (this.o.pollMax ?? 30) * 1000;
    let interval = min;
    let runningSince: number | undefined;
    let lastState = 'PENDING';
    let unseen = 0;
    for (;;) {
      if (spec.signal?.aborted) {
        writeFileSync(join(spec.dir, INTERRUPTED_FILE), 'interrupted by the search\n');
        await this.cancel(id);
        return { kind: 'interrupted' };
      }
      const q = await this.queue();
      if (q) {
        const st = q.get(id);
        if (st === undefined || ENDED.has(st)) {
          // the status file is written before the job ends; allow a shared file system a moment
          if (!existsSync(join(spec.dir, EXIT_FILE)) && !existsSync(join(spec.dir, REQUEUED_FILE)) && unseen++ < 4) {
            await sleep(500, spec.signal);
            continue;
          }
          if (st !== undefined) lastState = st;
          return this.outcome(spec.dir, id, lastState);
        }
        lastState = st;
        if (st === 'RUNNING' && runningSince === undefined) runningSince = Date.now();
        if (runningSince !== undefined && Date.now() - runningSince > spec.timeout * 1000) {
          await this.cancel(id);
          return { kind: 'timeout' };
        }
      }
      await sleep(interval, spec.signal);
      interval = Math.min(max, interval * 1.5);
    }
  }

  private outcome(dir: string, id: string, state: string): AttemptOutcome {
    if (existsSync(join(dir, REQUEUED_FILE))) return { kind: 'lost', reason: `Slurm job ${id} was requeued (preempted, or its node failed): a failed attempt` };
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, EXIT_FILE), 'utf8').trim();
    } catch {
      return { kind: 'lost', reason: `Slurm job ${id} ended without finishing the command (last state ${state}: cancelled, preempted, out of time or its node lost)` };
    }
    const code = Number(text);
    if (!Number.isInteger(code)) return { kind: 'lost', reason: `Slurm job ${id}: unreadable exit status ${JSON.stringify(text.slice(0, 20))}` };
    const sig = code > 128 && code < 128 + 65 ? (signalName(code - 128) ?? null) : null;
    return { kind: 'exited', code, signal: sig };
  }
}
