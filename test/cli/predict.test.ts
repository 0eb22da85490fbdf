// `ncprop train`, `ncprop eval` and `ncprop predict` through the real CLI dispatcher, on a small slice
// (--holdout 0.9 trains on 10% of the architectures) for a few epochs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { findDataDir } from '../../server/src/core/benchmark';

const dataDir = findDataDir();
const skip = dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR or put nasbench-mr.json in ../shared/data)';
const CODE = '32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128';
const CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';

async function ncp(args: string[], stdinText = ''): Promise<{ code: number; out: string; err: string }> {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await main(args, { stdin, stdout, stderr, cwd: process.cwd(), stderrIsTTY: false });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'ncp-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('ncp train → eval → predict on a small slice', { skip }, async () => {
  const mr = join(dataDir!, 'nasbench-mr.json');
  const models = join(dir, 'models');
  const t = await ncp(['train', '--data', mr, '--out', models, '--settings', 'cls-10c,seg', '--epochs', '3', '--members', '2', '--holdout', '0.9', '--seed', '3', '--teacher', '1', '--set', 'dropout=0.1,trunk=64+32,select=tau']);
  assert.equal(t.code, 0, t.err);
  assert.match(t.err, /epoch 3\/3 +loss \d/); // progress on stderr
  assert.match(t.err, /left /);
  const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.settings).sort(), ['cls-10c', 'seg']);
  assert.match(manifest.command, /ncprop train --data .* --seed 3/);
  // --teacher 1: one labelled neighbour per measured network (the Gaussian process's progress first)
  assert.match(t.err, /teacher .*Gaussian processes for 2 settings  step 400\/400/);
  assert.equal(manifest.settings.seg.config.teacher, 1);
  // --set: recipe fields over ours, recorded as trained
  assert.equal(manifest.settings.seg.config.dropout, 0.1);
  assert.deepEqual(manifest.settings.seg.config.trunk, [64, 32]);
  assert.equal(manifest.settings.seg.config.select, 'tau');
  assert.equal(manifest.settings.seg.config.head, 32);

  const e = await ncp(['eval', '--data', mr, '--model', models, '--holdout', '0.9', '--split-seed', '1']);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /held-out 1805 of 2006 archs/);
  assert.match(e.out, /cls-10c +top1 +1805 +0\.\d{3} +0\.\d{3} +\d+\.\d{3} +[01]\.\d\d +[01]\.\d\d/);
  assert.match(e.out, /seg +aAcc/);
  const ej = await ncp(['eval', '--data', mr, '--model', models, '--settings', 'seg', '--json']);
  const rows = ej.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => r.metric), ['mIoU', 'mAcc', 'aAcc']);
  assert.ok(rows.every((r) => r.n === 2006 && r.tau > 0.2 && r.cov2 >= r.cov1));

  const p = await ncp(['predict', '--model', models, '--json', CODE]);
  assert.equal(p.code, 0, p.err);
  const line = JSON.parse(p.out.trim());
  assert.equal(line.code.length, 27);
  assert.deepEqual(Object.keys(line.predictions).sort(), ['cls-10c', 'seg']);
  assert.ok(line.predictions.seg.mIoU.std > 0 && line.predictions.seg.mIoU.mean > 30);

  const s = await ncp(['predict', '--model', models, '--json', '--setting', 'seg'], `${CODE}\n# comment\nnot-a-code\n`);
  assert.equal(s.code, 1); // one bad line
  const lines = s.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(Object.keys(lines[0].predictions), ['seg']);
  assert.match(lines[1].error, /expected/);
  assert.match(s.err, /stdin:3/);

  const c = await ncp(['predict', '--model', models, CELL]);
  assert.equal(c.code, 1);
  assert.match(c.err, /no NAS-Bench-201 predictor/);

  const bad = await ncp(['predict', '--model', models, '--setting', 'nope', CODE]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--setting: unknown setting or task 'nope'/);
  // a task name stands for its main setting; a known setting without a predictor says so
  const task = await ncp(['predict', '--model', models, '--json', '--setting', 'segmentation', CODE]);
  assert.equal(task.code, 0, task.err);
  assert.deepEqual(Object.keys(JSON.parse(task.out).predictions), ['seg']);
  const none = await ncp(['predict', '--model', models, '--setting', 'video', CODE]);
  assert.equal(none.code, 2);
  assert.match(none.err, /--setting: no predictor for 'video'/);
  const typo = await ncp(['predict', '--model', models, '--setting', 'segmentaton', CODE]);
  assert.match(typo.err, /did you mean 'segmentation'\?/);

  // a corrupt model file: clear message, exit 1
  const f = join(models, 'seg.json');
  writeFileSync(f, readFileSync(f, 'utf8').slice(0, 1000));
  const broken = await ncp(['predict', '--model', models, CODE]);
  assert.equal(broken.code, 1);
  assert.match(broken.err, /cannot load predictors: .*seg\.json: checksum mismatch/);
});

test('ncp train/eval reject bad options with a usage message', async () => {
  // no --data: the data folder's file, said on stderr (here stopped by a misspelt setting)
  const a = await ncp(['train', '--out', dir, '--settings', 'sgx']);
  assert.equal(a.code, 2);
  if (dataDir) assert.match(a.err, /no --data: reading .*nasbench-mr\.json/);
  assert.match(a.err, dataDir ? /--settings: unknown setting or task/ : /--data FILE is required/);
  const b = await ncp(['train', '--data', join(dir, 'nope.json'), '--out', dir]);
  assert.equal(b.code, 2);
  assert.match(b.err, /no such file/);
  const c = await ncp(['eval', '--data', 'x.json', '--holdout', '1.5']);
  assert.equal(c.code, 2);
  assert.match(c.err, /--holdout: expected a fraction/);
  const t = await ncp(['train', '--data', 'x.json', '--out', dir, '--teacher=-1']);
  assert.equal(t.code, 2);
  assert.match(t.err, /--teacher: expected an integer ≥ 0/);
  for (const [set, msg] of [
    ['dropuot=0.1', /--set: unknown recipe field 'dropuot' \(known: features, members/],
    ['dropout=1.5', /--set dropout: expected a number from 0 to 0\.99, got '1\.5'/],
    ['trunk=128+x', /--set trunk: expected layer widths joined by '\+'/],
    ['joint', /--set: expected key=value, got 'joint'/],
    ['select=best', /--set select: expected mae or tau, got 'best'/],
    ['lr=0', /--set lr: expected a number > 0 and ≤ 1, got '0'/],
    ['lr=1e308', /--set lr: expected a number > 0 and ≤ 1, got '1e308'/],
  ] as const) {
    const r = await ncp(['eval', '--data', 'x.json', '--holdout', '0.2', '--set', set]);
    assert.equal(r.code, 2, set);
    assert.match(r.err, msg);
  }
  // a --model folder that is not there is a file that cannot be read: status 2, as in every command
  const d = await ncp(['predict', '--model', join(dir, 'missing'), CODE]);
  assert.equal(d.code, 2);
  assert.match(d.err, /cannot read '.*missing': no such folder/);
  assert.ok(!existsSync(join(dir, 'missing')));
});

test('ncp predict with the shipped predictors: MR codes and NB201 cells', async () => {
  const p = await ncp(['predict', '--json', CODE, CELL]);
  assert.equal(p.code, 0, p.err);
  const [a, b] = p.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(Object.keys(a.predictions).length, 8);
  assert.ok(a.predictions['cls-50-1000'].top1.mean > 30);
  assert.deepEqual(Object.keys(b.predictions), ['nb201']);
  assert.deepEqual(b.ops, [4, 4, 0, 2, 4, 2]);
  assert.ok(b.predictions.nb201.acc.std > 0);
});
