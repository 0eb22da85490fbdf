// The measuring runner against what real training scripts do (issue #22): each test failed
// before the runner existed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, logLines, ncp, ncpProcess, rows, script, waitFor } from './helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'ncp-runner-'));

test('a script that logs 400,000 lines before its metrics is measured; output goes to runs/<id>/, the environment names the measurement', async () => {
  const dir = tmp();
  const cmd = script(dir, `process.stdout.write('epoch 1 step 123 loss 0.123456 lr 0.1\\n'.repeat(400000));`);
  const out = join(dir, 'runs.jsonl');
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '2', '--initial', '2', '--out', out, '--seed', '1'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rs = rows(out);
  assert.equal(rs.length, 2);
  assert.deepEqual(rs.map((x) => x.ok), [true, true], JSON.stringify(rs));
  const log = logLines(dir);
  for (const x of rs) {
    const stdout = join(dir, 'runs', String(x.id), 'attempt-1', 'stdout.txt');
    assert.ok(statSync(stdout).size > 10 << 20, 'the whole output is kept');
    const l = log.find((y) => y.cell === x.cell)!;
    assert.equal(l.id, x.id);
    assert.equal(l.attempt, '1');
    assert.equal(l.outDir, join(dir, 'runs', String(x.id), 'attempt-1'));
    assert.equal(JSON.parse(readFileSync(join(dir, 'runs', String(x.id), 'network.json'), 'utf8')).cell, x.cell);
  }
});

test('a script that exits leaving a background child on its stdout is done when it exits; the child is ended', async () => {
  const dir = tmp();
  const cmd = script(dir, `const c = require('child_process').spawn('sleep', ['60'], { stdio: ['ignore', 'inherit', 'inherit'] }); c.unref(); fs.writeFileSync(${JSON.stringify(dir)} + '/bg-' + n, String(c.pid));`);
  const out = join(dir, 'runs.jsonl');
  const t0 = Date.now();
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '2', '--initial', '2', '--timeout', '30', '--out', out], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Date.now() - t0 < 20_000, 'not waiting for the child');
  const rs = rows(out);
  assert.deepEqual(rs.map((x) => x.ok), [true, true], JSON.stringify(rs));
  for (const n of [1, 2]) {
    const pid = Number(readFileSync(join(dir, `bg-${n}`), 'utf8'));
    await waitFor(() => !alive(pid), 5000);
  }
});

test('a typo in the command stops the search after 5 identical failures, quoting the error; --resume --retry-failed measures those networks again', async () => {
  const dir = tmp();
  const out = join(dir, 'runs.jsonl');
  const r = await ncp(['search', '--measure', 'pyhton-no-such-command train.py', '--to', 'nb201', '--queries', '40', '--out', out], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the command seems broken: it failed 5 times in a row with the same error: the command exited with status 127: .*pyhton-no-such-command.*not found/);
  const failed = rows(out);
  assert.ok(failed.length <= 5 && failed.every((x) => x.ok === false), `${failed.length} rows`);
  const fixed = await ncp(['search', '--measure', script(dir), '--to', 'nb201', '--queries', '8', '--out', out, '--resume', '--retry-failed'], dir);
  assert.equal(fixed.status, 0, fixed.stderr);
  assert.match(fixed.stderr, /failed measurement\(s\) will be measured again first/);
  const all = rows(out);
  const latest = new Map(all.map((x) => [x.cell, x]));
  assert.equal(latest.size, 8, 'eight networks');
  for (const f of failed) assert.equal(latest.get(f.cell)!.ok, true, `${String(f.cell)} measured again`);
  assert.ok([...latest.values()].every((x) => x.ok));
  // the earlier folders get new attempts, not new measurements
  for (const f of failed) {
    assert.equal(latest.get(f.cell)!.id, f.id, 'the same measurement');
    assert.equal(latest.get(f.cell)!.attempts, 2);
    assert.ok(existsSync(join(dir, 'runs', String(f.id), 'attempt-2', 'stdout.txt')));
  }
});

test('--retries re-runs infrastructure failures as new attempts after a back-off; garbage output is not retried', async () => {
  const dir = tmp();
  const cmd = script(dir, `if (process.env.NCP_ATTEMPT === '1') { console.error('NCCL error: unhandled system error'); process.exit(1); }
  if (net.cell.includes('skip_connect~0|+|none')) { console.log('not json'); return; }`);
  const out = join(dir, 'runs.jsonl');
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '4', '--initial', '4', '--retries', '2', '--retry-delay', '0.05', '--out', out, '--seed', '4'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rs = rows(out);
  assert.equal(rs.length, 4);
  for (const x of rs) {
    assert.equal(x.attempts, 2, JSON.stringify(x));
    assert.ok(existsSync(join(dir, 'runs', String(x.id), 'attempt-1', 'stderr.txt')));
    assert.match(readFileSync(join(dir, 'runs', String(x.id), 'attempt-1', 'stderr.txt'), 'utf8'), /NCCL/);
  }
  const without = tmp();
  const r2 = await ncp(['search', '--measure', script(without, `if (process.env.NCP_ATTEMPT === '1') process.exit(1);`), '--to', 'nb201', '--queries', '3', '--initial', '3', '--out', join(without, 'm.jsonl')], without);
  assert.equal(r2.status, 1);
  assert.deepEqual(rows(join(without, 'm.jsonl')).map((x) => x.ok), [false, false, false], 'no retries by default');
});

test('wrong metrics are failed measurements with the reason; a setting of your own is accepted and named; what search writes, suggest/train/--resume read', async () => {
  const dir = tmp();
  const cmd = script(
    dir,
    `if (n === 1) { console.log(JSON.stringify({ seg: { mIoU: 50 } })); return; }
  if (n === 2) { console.log(JSON.stringify({ nb201: { top1: 70 } })); return; }
  if (n === 3) { console.log(JSON.stringify({ nb201: { acc: 4100 } })); return; }
  if (n === 4) { console.log(JSON.stringify({ nb201: { acc: 'high' } })); return; }
  console.log(JSON.stringify({ nb201: { acc }, mine: { score: acc / 10 } })); return;`,
  );
  const out = join(dir, 'runs.jsonl');
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '14', '--initial', '5', '--batch', '3', '--out', out, '--seed', '2'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rs = rows(out);
  assert.match(String(rs[0].error), /bad metrics: the metrics lack setting 'nb201' \(the objective reads nb201\.acc; got 'seg'\)/);
  assert.match(String(rs[1].error), /bad metrics: metrics\.nb201\.top1: 'nb201' has no metric 'top1' \(its metrics: acc\)/);
  assert.match(String(rs[2].error), /bad metrics: metrics\.nb201\.acc = 4100: a percentage is 0–100/);
  assert.match(String(rs[3].error), /bad metrics: metrics\.nb201\.acc must be a finite number, got "high"/);
  assert.ok(rs.slice(4).every((x) => x.ok));
  assert.match(r.stderr, /'mine' is not a known setting: its metrics are taken as your own setting's/);
  const best = /best: (?:[\w.-]+ )?([\d.]+)/.exec(r.stdout);
  assert.ok(best && Number(best[1]) <= 100, r.stdout);
  // the same file, read by the other commands
  const sg = await ncp(['suggest', '--data', out, '--to', 'nb201', '--count', '2', '--json'], dir);
  assert.equal(sg.status, 0, sg.stderr);
  const tr = await ncp(['train', '--data', out, '--out', join(dir, 'models'), '--settings', 'mine', '--epochs', '1', '--members', '1', '--teacher', '0'], dir);
  assert.equal(tr.status, 0, tr.stderr);
  const re = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '15', '--out', out, '--resume'], dir);
  assert.equal(re.status, 0, re.stderr);
  assert.equal(rows(out).length, 15);
});

for (const [sig, status] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`${sig} stops every running measurement's process group, leaves the file whole; --resume measures the cut-short ones once`, async () => {
    const dir = tmp();
    // the first two calls hang with a grandchild; later calls answer at once
    const cmd = script(dir, `if (n <= 2) { const c = require('child_process').spawn('sleep', ['60'], { stdio: 'ignore' }); fs.writeFileSync(${JSON.stringify(dir)} + '/gc-' + n, String(c.pid)); setInterval(() => {}, 1000); return; }`);
    const out = join(dir, 'runs.jsonl');
    const p = ncpProcess(dir, ['search', '--measure', cmd, '--to', 'nb201', '--queries', '4', '--initial', '4', '--jobs', '2', '--out', out, '--seed', '5']);
    await waitFor(() => existsSync(join(dir, 'gc-1')) && existsSync(join(dir, 'gc-2')));
    const started = logLines(dir);
    p.child.kill(sig);
    const e = await p.exited;
    assert.equal(e.code, status, e.stderr);
    assert.match(e.stderr, new RegExp(`stopped by ${sig}; every running measurement was stopped`));
    for (const l of started) await waitFor(() => !alive(l.pid), 10_000);
    for (const n of [1, 2]) await waitFor(() => !alive(Number(readFileSync(join(dir, `gc-${n}`), 'utf8'))), 10_000);
    assert.equal(rows(out).length, 0, 'nothing was measured');
    const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '4', '--initial', '4', '--out', out, '--resume', '--seed', '5'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /2 measurement\(s\) cut short will be measured again first/);
    const rs = rows(out);
    assert.equal(rs.length, 4);
    assert.equal(new Set(rs.map((x) => x.cell)).size, 4, 'none twice');
    const cut = started.map((l) => l.cell);
    for (const c of cut) {
      const row = rs.find((x) => x.cell === c)!;
      assert.ok(row, `${c} measured on resume`);
      assert.equal(row.attempts, 2, 'as the second attempt of its measurement');
    }
  });
}

test('--resume after the search was killed (SIGKILL) ends the attempt it left running, then measures that network again', async () => {
  const dir = tmp();
  const cmd = script(dir, `if (n === 1) { setInterval(() => {}, 1000); return; }`);
  const out = join(dir, 'runs.jsonl');
  const p = ncpProcess(dir, ['search', '--measure', cmd, '--to', 'nb201', '--queries', '2', '--initial', '2', '--out', out]);
  await waitFor(() => logLines(dir).length === 1);
  p.child.kill('SIGKILL');
  await p.exited;
  const orphan = logLines(dir)[0].pid;
  assert.ok(alive(orphan), 'a SIGKILL leaves the detached attempt running');
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '2', '--initial', '2', '--out', out, '--resume'], dir);
  assert.equal(r.status, 0, r.stderr);
  await waitFor(() => !alive(orphan), 5000);
  const rs = rows(out);
  assert.equal(rs.length, 2);
  assert.equal(rs.find((x) => x.cell === logLines(dir)[0].cell)!.attempts, 2);
});

test('--jobs 3 --gpus 0,1,2: three at once, each with its own device', async () => {
  const dir = tmp();
  const cmd = script(dir, `await new Promise((r) => setTimeout(r, 1500));`);
  const out = join(dir, 'runs.jsonl');
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '7', '--initial', '3', '--gpus', '0,1,2', '--out', out, '--seed', '6'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rs = rows(out);
  assert.equal(rs.length, 7);
  assert.equal(new Set(rs.map((x) => x.cell)).size, 7);
  const log = logLines(dir).sort((a, b) => a.start - b.start);
  // intervals of ~1.5 s: at each start, the attempts still running use other devices
  let most = 0;
  for (const a of log) {
    const overlapping = log.filter((b) => b.start <= a.start && a.start < b.start + 1400);
    most = Math.max(most, overlapping.length);
    assert.equal(new Set(overlapping.map((b) => b.gpu)).size, overlapping.length, 'one device per running job');
    assert.ok(['0', '1', '2'].includes(String(a.gpu)));
  }
  assert.ok(most >= 2 && most <= 3, `at most 3 at once (saw ${most})`);
});

test('usage: --retry-failed needs --resume; --gpus needs a device per job; runner flags refuse --data', async () => {
  const a = await ncp(['search', '--measure', 'true', '--to', 'nb201', '--queries', '2', '--retry-failed']);
  assert.equal(a.status, 2);
  assert.match(a.stderr, /--retry-failed goes with --resume/);
  const b = await ncp(['search', '--measure', 'true', '--to', 'nb201', '--queries', '2', '--jobs', '4', '--gpus', '0,1']);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /--jobs 4 with 2 device\(s\) in --gpus/);
  const c = await ncp(['search', '--data', '/nonexistent.json', '--to', 'nb201', '--queries', '2', '--retries', '2']);
  assert.equal(c.status, 2);
  writeFileSync(join(tmp(), 'x'), '');
});

test("a look-alike setting in a measuring command's output ('sgementation', 'Seg') is a failed measurement with the suggestion, unless declared via --new-settings (#27)", async () => {
  const dir = tmp();
  const cmd = script(dir, `console.log(JSON.stringify({ nb201: { acc }, [n === 1 ? 'Seg' : 'sgementation']: { mIoU: 50 } })); return;`);
  const out = join(dir, 'runs.jsonl');
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '2', '--initial', '2', '--out', out, '--seed', '1'], dir);
  const rs = rows(out);
  assert.equal(rs.length, 2, r.stderr);
  assert.deepEqual(rs.map((x) => x.ok), [false, false], JSON.stringify(rs));
  assert.match(String(rs[0].error), /bad metrics: setting 'Seg' is not a known setting \(did you mean 'seg'\?\); if it is a new one, declare it \(--new-settings Seg\)/);
  assert.match(String(rs[1].error), /bad metrics: setting 'sgementation' is not a known setting \(did you mean 'seg'\?\)/);
  // declared new: measured, the settings taken as the user's own
  const dir2 = tmp();
  const cmd2 = script(dir2, `console.log(JSON.stringify({ nb201: { acc }, [n === 1 ? 'Seg' : 'sgementation']: { mIoU: 50 } })); return;`);
  const out2 = join(dir2, 'runs.jsonl');
  const ok = await ncp(['search', '--measure', cmd2, '--to', 'nb201', '--queries', '2', '--initial', '2', '--out', out2, '--seed', '1', '--new-settings', 'Seg,sgementation'], dir2);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(rows(out2).map((x) => x.ok), [true, true], JSON.stringify(rows(out2)));
});
