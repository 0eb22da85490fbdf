// Issue 14 items 1 and 3 in the CLI: steps/restarts/epochs over their limits are refused with a
// clear error before anything runs; every run has a time and memory budget (--max-time,
// --max-memory) and reports progress on stderr at least once a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { findDataDir } from '../../server/src/core/benchmark';

const root = join(__dirname, '..', '..');
const dataDir = findDataDir();

class Sink extends Writable {
  text = '';
  lines: { at: number; line: string }[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push({ at: performance.now(), line });
    cb();
  }
}

async function ncp(args: string[], cwd = root) {
  const stdout = new Sink();
  const stderr = new Sink();
  const t0 = performance.now();
  const status = await main(args, { stdin: Readable.from(['']), stdout, stderr, cwd, stderrIsTTY: false });
  return { status, stdout: stdout.text, stderr: stderr.text, lines: stderr.lines, t0, seconds: (performance.now() - t0) / 1000 };
}

const CODE = '64_64-1_1_4_64-1_2_4_4_32_64-4_3_4_4_4_32_64_128-3_4_4_4_4_4_32_64_128_128-128';

for (const args of [
  ['propagate', '--from', CODE, '--to', 'segmentation', '--restarts', '1000000'],
  ['propagate', '--from', CODE, '--to', 'segmentation', '--steps', '1000000000'],
  ['nb201', '--train-samples', '100', '--seed', '0', '--restarts', '1000000'],
  ['nb201', '--train-samples', '100', '--seed', '0', '--starts', '1000000'],
  ['train', '--data', 'x.json', '--out', 'y', '--epochs', '100000'],
  ['train', '--data', 'x.json', '--out', 'y', '--members', '100000'],
]) {
  test(`ncp ${args.join(' ')}: refused at once, naming the flag and its limit`, async () => {
    const r = await ncp(args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${args[args.length - 2]}: the value is at most [\\d,]+, got '${args[args.length - 1]}'`));
    assert.ok(r.seconds < 5);
  });
}

test('ncp propagate FILE: a block with restarts 1000000 is an error located in the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-budget-'));
  const file = join(dir, 'big.ncp');
  writeFileSync(file, `network a = "${CODE}"\npropagate p from a {\n  maximize seg.mIoU\n  restarts 1000000\n}\n`);
  const r = await ncp(['propagate', file]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /big\.ncp:4:12: propagate p: restarts is at most 1,000, got 1000000/);
});

test('ncp propagate --max-time stops a long run with a clear error and progress every second', async () => {
  const r = await ncp(['propagate', '--from', CODE, '--to', 'segmentation', '--restarts', '1000', '--max-time', '2.5']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /propagation stopped: the run took longer than its time budget of 2\.5 s/);
  assert.ok(r.seconds < 15, `${r.seconds} s`);
  const progress = r.lines.filter((l) => /run \d+\/1000 at step/.test(l.line)).map((l) => l.at);
  assert.ok(progress.length >= 2, `progress lines: ${progress.length}\n${r.stderr}`);
  const gaps = [progress[0] - r.t0, ...progress.slice(1).map((t, i) => t - progress[i])];
  // the first line waits for the predictors to load; after it, one a second
  assert.ok(Math.max(...gaps.slice(1)) < 1300, `gaps ${gaps.map((g) => g.toFixed(0)).join(', ')}`);
});

test('ncp propagate --max-memory rejects a non-positive value', async () => {
  const r = await ncp(['propagate', '--from', CODE, '--to', 'segmentation', '--max-memory', '0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--max-memory: expected a number > 0/);
});

test('ncp train --max-time stops training, saves nothing and says so', { skip: dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR)' }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'ncp-budget-train-')), 'models');
  const r = await ncp(['train', '--data', join(dataDir!, 'nasbench-mr.json'), '--out', out, '--settings', 'seg', '--epochs', '5000', '--teacher', '0', '--members', '1', '--max-time', '2']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /ncprop train: stopped, nothing saved: the run took longer than its time budget of 2 s/);
  assert.equal(existsSync(out), false, 'no model folder was written');
  assert.ok(r.seconds < 20);
});
