// A real one-node Slurm for the tests (docs: ../shared/docs/slurm-local.md): munged, slurmctld
// and slurmd from Debian's slurm-wlm, started in a scratch folder with a generated configuration
// and free ports, stopped by their pids and removed afterwards. Needs root (the daemons run as
// the test's user, SlurmUser=root). Outside CI a missing Slurm skips the tests with a message; in
// CI (CI=true) it fails them.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface SlurmCluster {
  dir: string;
  conf: string;
  /** Environment for commands that talk to this cluster (SLURM_CONF, munge socket). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function which(cmd: string): string | undefined {
  for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) if (d && existsSync(join(d, cmd))) return join(d, cmd);
  return undefined;
}

/** Why the tests cannot start a Slurm here, or undefined when they can. */
export function slurmMissing(): string | undefined {
  const need = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'];
  const missing = need.filter((c) => !which(c));
  if (missing.length > 0) return `Slurm is not installed (missing ${missing.join(', ')}; apt-get install slurm-wlm)`;
  if (process.getuid?.() !== 0) return 'the one-node Slurm of the tests runs as root';
  return undefined;
}

/** skip option for node:test: a message outside CI; in CI a missing Slurm is a failure. */
export function slurmSkip(): string | false {
  const why = slurmMissing();
  if (!why) return false;
  if (process.env.CI === 'true') return false; // the test then fails on startSlurm
  return `${why} — skipped outside CI`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function pidIn(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`one-node Slurm: ${what} did not happen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startSlurm(): Promise<SlurmCluster> {
  const why = slurmMissing();
  if (why) throw new Error(why);
  const D = mkdtempSync(join(tmpdir(), 'ncp-slurm-'));
  for (const d of ['state', 'spool', 'log', 'munge']) mkdirSync(join(D, d));
  chmodSync(join(D, 'munge'), 0o700);
  const key = join(D, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(D, 'munge', 'munge.socket');
  const pids: string[] = [join(D, 'slurmd.pid'), join(D, 'slurmctld.pid'), join(D, 'munge', 'munged.pid')];
  const stop = async () => {
    for (const f of pids) {
      const pid = pidIn(f);
      if (pid === undefined) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue;
      }
      const t = Date.now();
      while (Date.now() - t < 5000) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended
      }
    }
    rmSync(D, { recursive: true, force: true });
  };
  try {
    execFileSync(which('munged')!, [`--key-file=${key}`, `--socket=${socket}`, `--pid-file=${pids[2]}`, `--log-file=${join(D, 'munge', 'munged.log')}`, `--seed-file=${join(D, 'munge', 'seed')}`, '-f'], { stdio: 'ignore' });
    const H = hostname().split('.')[0];
    const probe = spawnSync(which('slurmd')!, ['-C'], { encoding: 'utf8' }).stdout;
    const cpus = Number(/CPUs=(\d+)/.exec(probe)?.[1] ?? '1');
    const mem = Math.max(256, Math.floor(Number(/RealMemory=(\d+)/.exec(probe)?.[1] ?? '1024') * 0.8));
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const conf = join(D, 'slurm.conf');
    writeFileSync(
      conf,
      `ClusterName=ncptest
SlurmctldHost=${H}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${socket}
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/pgid
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=${pids[1]}
SlurmdPidFile=${pids[0]}
SlurmdSpoolDir=${join(D, 'spool')}
StateSaveLocation=${join(D, 'state')}
SlurmctldLogFile=${join(D, 'log', 'slurmctld.log')}
SlurmdLogFile=${join(D, 'log', 'slurmd.log')}
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldPort=${ctldPort}
SlurmdPort=${dPort}
KillWait=2
MinJobAge=2
NodeName=${H} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${H} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
`,
    );
    const env = { ...process.env, SLURM_CONF: conf };
    execFileSync(which('slurmctld')!, ['-f', conf], { env, stdio: 'ignore' });
    execFileSync(which('slurmd')!, ['-f', conf], { env, stdio: 'ignore' });
    await waitUntil(() => {
      const r = spawnSync(which('sinfo')!, ['-h', '-o', '%T'], { env, encoding: 'utf8' });
      return r.status === 0 && /idle|mixed|allocated/.test(r.stdout);
    }, 30_000, 'the node becoming idle');
    return { dir: D, conf, env, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
