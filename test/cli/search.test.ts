import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { findDataDir } from '../../server/src/core/benchmark';
import { cost } from '../../server/src/core/cost';
import { parseCellString } from '../../server/src/core/space/nb201';

const root = join(__dirname, '..', '..');
const dataDir = findDataDir();

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function ncp(args: string[], cwd = root): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const status = await main(args, { stdin: Readable.from(['']), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

/**
 * A training script for the tests: reads the network from stdin, scores it with a made-up
 * formula; its Nth call (counted in a file) misbehaves as `plan` says.
 */
function script(dir: string, plan: Record<number, 'fail' | 'hang' | 'garbage' | 'die' | 'logs'>, delayMs = 0): string {
  const path = join(dir, 'train.js');
  writeFileSync(
    path,
    `const fs = require('fs');
const counter = ${JSON.stringify(join(dir, 'calls'))};
const n = (fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0) + 1;
fs.writeFileSync(counter, String(n));
const plan = ${JSON.stringify(plan)};
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => setTimeout(() => {
  const net = JSON.parse(input);
  const what = plan[n];
  if (what === 'fail') { console.error('CUDA out of memory'); process.exit(3); }
  if (what === 'hang') { setInterval(() => {}, 1000); return; }
  if (what === 'garbage') { console.log('epoch 1 loss 0.3'); console.log('{not json'); return; }
  if (what === 'die') { process.kill(process.pid, 'SIGKILL'); return; }
  if (what === 'logs') console.log('epoch 1/1 done');
  const score = net.space === 'nb201'
    ? net.cell.split('nor_conv_3x3').length * 3 + net.cell.split('nor_conv_1x1').length
    : net.code.reduce((s, v) => s + Math.log(v), 0);
  const metrics = net.space === 'nb201' ? { nb201: { acc: score } } : { seg: { mIoU: score } };
  console.log(JSON.stringify(metrics));
}, ${delayMs}));
`,
  );
  return `"${process.execPath}" "${path}"`;
}

function rows(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('ncp search --measure: failures, a hang (timeout), garbage and a death are recorded, not fatal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-search-cli-'));
  const cmd = script(dir, { 2: 'fail', 3: 'hang', 4: 'garbage', 6: 'die', 7: 'logs' });
  const out = join(dir, 'm.jsonl');
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '9', '--initial', '4', '--batch', '2', '--timeout', '4', '--out', out, '--seed', '1']);
  assert.equal(r.status, 0, r.stderr);
  const rs = rows(out);
  assert.equal(rs.length, 9);
  assert.match(String(rs[1].error), /exited with status 3: CUDA out of memory/);
  assert.match(String(rs[2].error), /timed out after 4 s/);
  assert.match(String(rs[3].error), /no metrics JSON object on stdout/);
  assert.match(String(rs[5].error), /killed by SIGKILL/);
  assert.equal(rs[6].ok, true, 'metrics after log lines are read');
  assert.equal(rs.filter((x) => x.ok === false).length, 4);
  assert.equal(new Set(rs.map((x) => x.cell)).size, 9, 'no network measured twice');
  for (const x of rs) parseCellString(String(x.cell));
  assert.match(r.stdout, /best: nb201\.acc \d+/);
  assert.match(r.stdout, /failed: timed out/);
});

test('ncp search --measure: multi-resolution under a budget, JSON output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-search-cli-'));
  const r = await ncp(['search', '--measure', script(dir, {}), '--to', 'seg.mIoU', '--flops-max', '1.5G', '--queries', '7', '--initial', '3', '--batch', '2', '--json', '--seed', '2']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { code?: number[]; summary?: boolean; best?: { code: number[] } });
  assert.equal(lines.length, 8);
  for (const l of lines.slice(0, 7)) assert.ok(cost(l.code!).flops <= 1.5, `over budget: ${l.code}`);
  assert.equal(lines[7].summary, true);
  assert.equal(lines[7].best!.code.length, 27);
});

test('ncp search: a kill mid-search loses no measurement; --resume repeats none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-search-cli-'));
  const cmd = script(dir, {}, 150);
  const out = join(dir, 'm.jsonl');
  const entry = join(dir, 'ncp.cjs');
  writeFileSync(entry, `require(${JSON.stringify(join(root, 'server/src/cli/ncp.ts'))}).runCli();\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'search', '--measure', cmd, '--to', 'nb201', '--queries', '12', '--initial', '3', '--batch', '2', '--out', out], { cwd: root, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (!existsSync(out) || rows(out).length < 5)) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await exited;
  const before = readFileSync(out, 'utf8');
  const n = before.trim().split('\n').length;
  assert.ok(n >= 5 && n < 12, `killed after ${n} measurements`);
  const refused = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '12', '--out', out]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /already holds measurements: add --resume/);
  const r = await ncp(['search', '--measure', cmd, '--to', 'nb201', '--queries', '12', '--initial', '3', '--batch', '2', '--out', out, '--resume']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`resuming with ${n} measurement`));
  const after = readFileSync(out, 'utf8');
  assert.ok(after.startsWith(before), 'the earlier measurements are kept as they were');
  const rs = rows(out);
  assert.equal(rs.length, 12);
  assert.equal(new Set(rs.map((x) => x.cell)).size, 12, 'none repeated');
});

test('ncp search / suggest: usage errors name the flag', async () => {
  const a = await ncp(['search', '--to', 'nb201', '--queries', '5']);
  assert.equal(a.status, 2);
  assert.match(a.stderr, /give one of --data FILE or --measure CMD/);
  const b = await ncp(['search', '--measure', 'true', '--to', 'nb201', '--queries', '100000']);
  assert.match(b.stderr, /--queries: at most 1000/);
  const c = await ncp(['search', '--measure', 'true', '--to', 'nb201', '--queries', '5', '--flops-max', '2G']);
  assert.match(c.stderr, /apply to multi-resolution networks/);
  const d = await ncp(['suggest', '--data', 'nope.jsonl', '--count', '3', '--to', 'nb201']);
  assert.equal(d.status, 2);
  assert.match(d.stderr, /cannot read 'nope\.jsonl': no such file/);
});

test('ncp suggest: the next networks from a measurements file, with prediction, spread and gain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-search-cli-'));
  const out = join(dir, 'm.jsonl');
  const r = await ncp(['search', '--measure', script(dir, {}), '--to', 'nb201', '--queries', '8', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const s = await ncp(['suggest', '--data', out, '--count', '3', '--to', 'nb201', '--json']);
  assert.equal(s.status, 0, s.stderr);
  const sug = s.stdout.trim().split('\n').map((l) => JSON.parse(l) as { cell: string; predicted: { mean: number; std: number }; expectedGain: number });
  assert.equal(sug.length, 3);
  const measured = new Set(rows(out).map((x) => x.cell));
  for (const x of sug) {
    assert.ok(!measured.has(x.cell), 'suggests only unmeasured cells');
    assert.deepEqual(Object.keys(x.predicted), ['mean', 'std']);
    assert.ok(Number.isFinite(x.predicted.mean) && x.predicted.std >= 0 && x.expectedGain >= 0);
  }
  const text = await ncp(['suggest', '--data', out, '--count', '2', '--to', 'nb201']);
  assert.match(text.stdout, /^1\. \|.*predicted [\d.]+ ± [\d.]+, expected gain [\d.]+/m);
});

test('ncp search --data (and the deprecated --benchmark) on NAS-Bench-201 and NAS-Bench-MR', { skip: dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR)' }, async () => {
  const a = await ncp(['search', '--benchmark', join(dataDir!, 'nasbench201.json'), '--to', 'nb201', '--queries', '20']);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /best: nb201\.acc 4\d\.\d+ /);
  assert.match(a.stderr, /warning: --benchmark is deprecated; use --data/);
  const b = await ncp(['search', '--data', join(dataDir!, 'nasbench-mr.json'), '--to', 'seg.mIoU', '--flops-max', '2.5G', '--lambda', '0', '--queries', '8', '--json']);
  assert.equal(b.status, 0, b.stderr);
  const lines = b.stdout.trim().split('\n').map((l) => JSON.parse(l) as { code?: number[]; proposed?: number[]; note?: string });
  for (const l of lines.slice(0, -1)) assert.ok(cost(l.code!).flops <= 2.5);
  if (lines.some((l) => l.proposed)) assert.match(b.stderr, /is not in the benchmark: measured the nearest unmeasured one within the budget/);
});

test("a search's measurements file is data: train, eval, predict --data read it; suggest reads CSV too", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-search-data-'));
  // a training script whose 2nd call fails; mIoU a smooth function of the code, within 0–100
  const train = join(dir, 'train.js');
  writeFileSync(
    train,
    `const fs = require('fs');
const counter = ${JSON.stringify(join(dir, 'calls'))};
const n = (fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0) + 1;
fs.writeFileSync(counter, String(n));
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  if (n === 2) { console.error('CUDA out of memory'); process.exit(3); }
  const net = JSON.parse(input);
  const mIoU = 40 + net.code.reduce((s, v) => s + Math.log(v), 0) / 5;
  console.log(JSON.stringify({ seg: { mIoU, mAcc: mIoU + 5, aAcc: 90 } }));
});
`,
  );
  const out = join(dir, 'runs.jsonl');
  const s = await ncp(['search', '--measure', `"${process.execPath}" "${train}"`, '--to', 'segmentation', '--flops-max', '3000M', '--queries', '14', '--initial', '5', '--batch', '3', '--out', out, '--seed', '3'], dir);
  assert.equal(s.status, 0, s.stderr);
  const written = rows(out);
  assert.equal(written.length, 14);
  assert.equal(written[1].ok, false);
  const models = join(dir, 'models');
  const t = await ncp(['train', '--data', out, '--out', models, '--settings', 'seg', '--epochs', '1', '--members', '1', '--teacher', '0'], dir);
  assert.equal(t.status, 0, t.stderr);
  const first = written[0].code as number[];
  const p = await ncp(['predict', '--model', models, '--data', out, '--json', JSON.stringify(first)], dir);
  assert.equal(p.status, 0, p.stderr);
  const measured = (JSON.parse(p.stdout.trim().split('\n')[0]) as { measured: { seg: { mIoU: number } } }).measured;
  assert.ok(Math.abs(measured.seg.mIoU - (written[0].metrics as { seg: { mIoU: number } }).seg.mIoU) < 1e-3, 'the measured value beside the prediction');
  const e = await ncp(['eval', '--data', out, '--model', models, '--json'], dir);
  assert.equal(e.status, 0, e.stderr);
  assert.equal((JSON.parse(e.stdout.trim().split('\n')[0]) as { n: number }).n, 13, 'the 13 successful measurements');

  // the same measurements as a hand-kept CSV: suggest reads it through core/data
  const csv = join(dir, 'runs.csv');
  writeFileSync(csv, ['code,setting,mIoU,mAcc,aAcc', ...written.filter((r) => r.ok).map((r) => { const m = (r.metrics as { seg: Record<string, number> }).seg; return `"${JSON.stringify(r.code)}",seg,${m.mIoU},${m.mAcc},${m.aAcc}`; })].join('\n') + '\n');
  const sg = await ncp(['suggest', '--data', csv, '--to', 'segmentation', '--flops-max', '3G', '--count', '2', '--json'], dir);
  assert.equal(sg.status, 0, sg.stderr);
  const seen = new Set(written.map((r) => JSON.stringify(r.code)));
  for (const l of sg.stdout.trim().split('\n').map((x) => JSON.parse(x) as { code: number[]; predicted: { mean: number; std: number } })) {
    assert.ok(!seen.has(JSON.stringify(l.code)), 'suggests an unmeasured network');
    assert.ok(cost(l.code).flops <= 3 + 1e-9, 'within the budget');
    assert.deepEqual(Object.keys(l.predicted), ['mean', 'std']);
  }
  // the failed network is never suggested again (suggest on the search's own file)
  const sj = await ncp(['suggest', '--data', out, '--to', 'seg.mIoU', '--flops-max', '3G', '--count', '3', '--json'], dir);
  assert.equal(sj.status, 0, sj.stderr);
  for (const l of sj.stdout.trim().split('\n').map((x) => JSON.parse(x) as { code: number[] })) assert.ok(!seen.has(JSON.stringify(l.code)));
  const typo = await ncp(['suggest', '--data', out, '--to', 'seg.mIU', '--count', '1'], dir);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /--to: setting 'seg' has no metric 'mIU' \(did you mean 'mIoU'\?\)/);
  const task = await ncp(['suggest', '--data', out, '--to', 'segmentaton', '--count', '1'], dir);
  assert.equal(task.status, 2);
  assert.match(task.stderr, /--to: unknown setting or task 'segmentaton' \(did you mean 'segmentation'\?\)/);
});
