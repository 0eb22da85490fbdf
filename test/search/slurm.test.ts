// The Slurm backend against a real one-node Slurm started by the test (slurmCluster.ts): jobs in
// flight, an interrupt cancels them, a job the scheduler ends is a failed attempt (retried), and
// --resume while the interrupted search's jobs still run re-attaches to them: no network is
// measured twice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLines, ncp, ncpProcess, rows, script, waitFor } from './helpers';
import { slurmSkip, startSlurm, type SlurmCluster } from './slurmCluster';
import { pathToFileURL } from 'node:url';
import { startClient } from '../lsp/harness';

const skip = slurmSkip();
let cluster: SlurmCluster | undefined;
const savedConf = process.env.SLURM_CONF;

before(async () => {
  if (skip) return;
  cluster = await startSlurm();
  process.env.SLURM_CONF = cluster.conf;
});

after(async () => {
  if (savedConf === undefined) delete process.env.SLURM_CONF;
  else process.env.SLURM_CONF = savedConf;
  await cluster?.stop();
});

const tmp = () => mkdtempSync(join(tmpdir(), 'ncp-slurm-search-'));
const queue = () => execFileSync('squeue', ['-h', '--me', '-o', '%i %T'], { encoding: 'utf8' }).trim();

test('--slurm: each measurement a Slurm job, two in flight, job ids kept in the attempt folders', { skip }, async () => {
  const dir = tmp();
  const out = join(dir, 'runs.jsonl');
  const r = await ncp(['search', '--slurm', '--measure', script(dir), '--to', 'nb201', '--queries', '4', '--initial', '4', '--jobs', '2', '--out', out, '--seed', '1'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rs = rows(out);
  assert.equal(rs.length, 4);
  assert.ok(rs.every((x) => x.ok), JSON.stringify(rs));
  for (const x of rs) assert.match(readFileSync(join(dir, 'runs', String(x.id), 'attempt-1', 'slurm-job-id'), 'utf8'), /^\d+\n$/);
  assert.equal(queue(), '', 'no job left');
});

test('--slurm: a job the scheduler ends (scancel from outside) is a failed attempt, measured again under --retries', { skip }, async () => {
  const dir = tmp();
  const out = join(dir, 'runs.jsonl');
  const cmd = script(dir, `if (n === 1) { setInterval(() => {}, 1000); await new Promise(() => {}); }`);
  const search = ncp(['search', '--slurm', '--measure', cmd, '--to', 'nb201', '--queries', '1', '--initial', '1', '--retries', '1', '--retry-delay', '0.1', '--out', out], dir);
  const idFile = join(dir, 'runs', '0001', 'attempt-1', 'slurm-job-id');
  await waitFor(() => existsSync(idFile) && logLines(dir).length === 1);
  const job = readFileSync(idFile, 'utf8').trim();
  // submitted --no-requeue: Slurm itself refuses to requeue it (a requeue would measure it twice)
  const rq = spawnSync('scontrol', ['requeue', job], { encoding: 'utf8' });
  assert.notEqual(rq.status, 0);
  assert.match(rq.stderr, /disabled/);
  execFileSync('scancel', [job]);
  const r = await search;
  assert.equal(r.status, 0, r.stderr);
  const [row] = rows(out);
  assert.equal(row.ok, true);
  assert.equal(row.attempts, 2);
  assert.equal(queue(), '');
});

test('--slurm: an interrupt cancels the running jobs (scancel); --resume measures them', { skip }, async () => {
  const dir = tmp();
  const out = join(dir, 'runs.jsonl');
  const cmd = script(dir, `if (n <= 2) { setInterval(() => {}, 1000); await new Promise(() => {}); }`);
  const p = ncpProcess(dir, ['search', '--slurm', '--measure', cmd, '--to', 'nb201', '--queries', '3', '--initial', '3', '--jobs', '2', '--out', out, '--seed', '2']);
  await waitFor(() => logLines(dir).length === 2);
  p.child.kill('SIGINT');
  const e = await p.exited;
  assert.equal(e.code, 130, e.stderr);
  assert.equal(queue(), '', 'the jobs were cancelled');
  const r = await ncp(['search', '--slurm', '--measure', cmd, '--to', 'nb201', '--queries', '3', '--initial', '3', '--jobs', '2', '--out', out, '--resume', '--seed', '2'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /2 measurement\(s\) cut short will be measured again first/);
  const rs = rows(out);
  assert.equal(rs.length, 3);
  assert.equal(new Set(rs.map((x) => x.cell)).size, 3);
});

test('--slurm: --resume while the killed search\'s jobs still run re-attaches to them; no network is measured twice', { skip }, async () => {
  const dir = tmp();
  const out = join(dir, 'runs.jsonl');
  const cmd = script(dir, `await new Promise((r) => setTimeout(r, 4000));`);
  const p = ncpProcess(dir, ['search', '--slurm', '--measure', cmd, '--to', 'nb201', '--queries', '4', '--initial', '4', '--jobs', '2', '--out', out, '--seed', '3']);
  await waitFor(() => logLines(dir).length === 2);
  p.child.kill('SIGKILL'); // no chance to cancel anything: the jobs run on
  await p.exited;
  assert.match(queue(), /RUNNING/);
  const r = await ncp(['search', '--slurm', '--measure', cmd, '--to', 'nb201', '--queries', '4', '--initial', '4', '--jobs', '2', '--out', out, '--resume', '--seed', '3'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rs = rows(out);
  assert.equal(rs.length, 4);
  assert.ok(rs.every((x) => x.ok));
  const starts = logLines(dir).map((l) => l.cell);
  assert.equal(starts.length, 4, `each network started once: ${starts.join(' ')}`);
  assert.equal(new Set(starts).size, 4);
  assert.ok(rs.every((x) => x.attempts === 1), 'the running jobs were waited for, not started again');
  assert.equal(queue(), '');
});

test('in the editor: a search block with slurm "ARGS" runs each measurement as a Slurm job (Run search)', { skip }, async () => {
  const dir = tmp();
  // The server inherits SLURM_CONF from this process (set in before()).
  const client = await startClient({ initializationOptions: { trusted: true, predictors: false } });
  try {
    const uri = pathToFileURL(join(dir, 'cluster.ncp')).href;
    // The job's name as Slurm ran it: the block's --job-name comes after the search's own.
    const cmd = script(dir, `fs.appendFileSync(${JSON.stringify(join(dir, 'names'))}, String(process.env.SLURM_JOB_NAME) + '\\n');`).replaceAll('"', ''); // a block's string holds no '"' (no spaces in these paths)
    await client.open(uri, `search s {\n  maximize nb201.acc\n  measurements "runs.jsonl"\n  measure "${cmd}"\n  jobs 2\n  batch 2\n  slurm "--job-name=ncp-editor"\n}\n`);
    const out = await client.request<{ ran: boolean; measured?: number; failed?: number }>('workspace/executeCommand', { command: 'ncp.runSearch', arguments: [{ uri, name: 's' }] });
    assert.deepEqual(out, { ran: true, measured: 2, failed: 0 });
    const rs = rows(join(dir, 'runs.jsonl'));
    assert.equal(rs.length, 2);
    for (const x of rs) {
      const job = readFileSync(join(dir, 'runs', String(x.id), 'attempt-1', 'slurm-job-id'), 'utf8').trim();
      assert.match(job, /^\d+$/);
    }
    assert.deepEqual(readFileSync(join(dir, 'names'), 'utf8').trim().split('\n'), ['ncp-editor', 'ncp-editor'], 'sbatch got the block\'s arguments');
    assert.equal(queue(), '', 'no job left');
  } finally {
    await client.stop();
  }
});
