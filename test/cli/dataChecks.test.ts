// Data checks that know the settings (#27): a known setting's metric names are its own (did you
// mean), a setting name close to a known one is a typo unless declared new, data that cannot
// teach and recipe values out of range are refused before a model folder is touched, and eval on
// a file that lacks a metric scores what it has instead of an internal error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ncprop } from './cliHarness';
import { generatedBenchmark } from './generatedBenchmark';
import { codeToString } from '../../server/src/core/space/multires';

const dir = mkdtempSync(join(tmpdir(), 'ncp-datachecks-'));
const bench = generatedBenchmark([{ name: 'seg', metrics: ['mIoU', 'mAcc', 'aAcc'] }], 40, 3);
const codes = bench.archs.map((a) => codeToString(a.code as number[]));
function csv(name: string, header: string, value: (i: number) => string): string {
  const path = join(dir, name);
  writeFileSync(path, `code,setting,${header}\n${codes.map((c, i) => `${c},${value(i)}`).join('\n')}\n`);
  return path;
}

test("a known setting's metric that is not its own is refused with did-you-mean", async () => {
  const a = csv('miou.csv', 'miou', (i) => `seg,${50 + (i % 7)}`);
  const r = await ncprop(['train', '--data', a, '--out', join(dir, 'm1'), '--epochs', '1', '--members', '1'], dir);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /setting 'seg' has no metric 'miou' \(did you mean 'mIoU'\?\); its metrics: mIoU, mAcc, aAcc/);
  const b = csv('top1.csv', 'top1', (i) => `seg,${50 + (i % 7)}`);
  assert.match((await ncprop(['train', '--data', b, '--out', join(dir, 'm1')], dir)).stderr, /setting 'seg' has no metric 'top1'/);
  assert.equal(existsSync(join(dir, 'm1')), false, 'no model folder touched');
  // the commands that read data without training check the metric names too
  for (const args of [['suggest', '--data', a, '--to', 'seg.mIoU', '--count', '1'], ['predict', '--data', a, codes[0]], ['search', '--data', a, '--to', 'seg.mIoU', '--queries', '2']]) {
    const x = await ncprop(args, dir);
    assert.equal(x.status, 2, `${args[0]}: ${x.stderr}`);
    assert.match(x.stderr, /setting 'seg' has no metric 'miou' \(did you mean 'mIoU'\?\)/, args[0]);
  }
});

test('a setting close to a known one is refused unless declared new', async () => {
  for (const [name, want] of [['Seg', /'Seg' is not a known setting \(did you mean 'seg'\?\)/], ['sgementation', /'sgementation' is not a known setting \(did you mean 'seg'\?\)/]] as const) {
    const f = csv(`${name}.csv`, 'mIoU', (i) => `${name},${50 + (i % 7)}`);
    const r = await ncprop(['train', '--data', f, '--out', join(dir, 'm2'), '--epochs', '1', '--members', '1'], dir);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, want);
    assert.match(r.stderr, /--new-settings/);
  }
  const f = csv('Seg.csv', 'mIoU', (i) => `Seg,${50 + (i % 7) + i / 100}`);
  const ok = await ncprop(['train', '--data', f, '--new-settings', 'Seg', '--out', join(dir, 'm2'), '--epochs', '1', '--members', '1', '--teacher', '0'], dir);
  assert.equal(ok.status, 0, ok.stderr);
  // declared in our JSON's settings section: new on purpose
  writeFileSync(join(dir, 'declared.json'), JSON.stringify({ settings: { Seg: { metrics: ['mIoU'] } }, archs: bench.archs.map((a, i) => ({ code: a.code, flops: a.flops, params: a.params, Seg: [50 + (i % 7)] })) }));
  const j = await ncprop(['eval', '--data', join(dir, 'declared.json'), '--model', join(dir, 'm2'), '--json'], dir);
  assert.equal(j.status, 0, j.stderr);
});

test('search --data, suggest --data and predict --data refuse a look-alike setting too, and take it with --new-settings (#27)', async () => {
  for (const name of ['Seg', 'sgementation']) {
    const f = csv(`${name}-read.csv`, 'mIoU', (i) => `${name},${50 + (i % 7) + i / 100}`);
    const runs: [string, string[]][] = [
      ['search', ['search', '--data', f, '--to', `${name}.mIoU`, '--queries', '3', '--initial', '2']],
      ['suggest', ['suggest', '--data', f, '--to', `${name}.mIoU`, '--count', '1']],
      ['predict', ['predict', '--data', f, '--setting', 'seg', codes[0]]],
    ];
    for (const [command, args] of runs) {
      const refused = await ncprop(args, dir);
      assert.equal(refused.status, 2, `${command} ${name}: ${refused.stderr}`);
      assert.match(refused.stderr, new RegExp(`'${name}' is not a known setting \\(did you mean 'seg'\\?\\); if it is a new one, declare it \\(--new-settings ${name}`), `${command} ${name}`);
      const ok = await ncprop([...args, '--new-settings', name], dir);
      assert.equal(ok.status, 0, `${command} ${name} --new-settings: ${ok.stderr}`);
    }
  }
});

test('data that cannot teach, and recipe values out of range: refused, the model folder untouched', async () => {
  // a working model folder (trained here), which a refused run must leave as it is
  const out = join(dir, 'kept');
  const seed = csv('seed.csv', 'mIoU', (i) => `seg,${50 + (i % 7) + i / 100}`);
  const t = await ncprop(['train', '--data', seed, '--out', out, '--epochs', '1', '--members', '1', '--teacher', '0'], dir);
  assert.equal(t.status, 0, t.stderr);
  const before = readdirSync(out).map((f) => `${f}:${readFileSync(join(out, f), 'utf8').length}`);
  const constant = csv('constant.csv', 'mIoU', () => 'seg,55');
  const c = await ncprop(['train', '--data', constant, '--out', out, '--epochs', '1'], dir);
  assert.equal(c.status, 2, c.stderr);
  assert.match(c.stderr, /setting 'seg': its main metric 'mIoU' is 55 for all 40 networks: there is nothing to learn/);
  const absurd = join(dir, 'absurd.csv');
  writeFileSync(absurd, `code,setting,mIoU\n${codes.map((x, i) => `${i === 3 ? x.replace(/-\d+$/, '-100000') : x},seg,${50 + (i % 7)}`).join('\n')}\n`);
  const a = await ncprop(['train', '--data', absurd, '--out', out, '--epochs', '1'], dir);
  assert.equal(a.status, 2, a.stderr);
  assert.match(a.stderr, /code position 27 \(\w+\) is 100000, more than 4× the benchmark's largest 128/);
  const good = csv('good.csv', 'mIoU', (i) => `seg,${50 + (i % 7)}`);
  for (const set of ['lr=1e308', 'members=1000', 'trunk=100000', 'teacher=1e9']) {
    const r = await ncprop(['train', '--data', good, '--out', out, '--set', set], dir);
    assert.equal(r.status, 2, `${set}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`--set ${set.split('=')[0]}: `));
  }
  assert.deepEqual(readdirSync(out).map((f) => `${f}:${readFileSync(join(out, f), 'utf8').length}`), before, 'the model folder was not touched');
});

test('eval on a CSV that gives seg only mIoU: scores mIoU, says what it skipped (no internal error)', async () => {
  const f = csv('only-miou.csv', 'mIoU', (i) => `seg,${50 + (i % 7) + i / 50}`);
  const r = await ncprop(['eval', '--data', f, '--json', '--settings', 'seg'], dir);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((x) => x.metric), ['mIoU']);
  assert.match(r.stderr, /setting 'seg': the data has no 'mAcc', 'aAcc': scored mIoU only/);
  assert.doesNotMatch(r.stderr, /internal error|RangeError/);
});

test("eval's training-set warning goes by the networks, not the file's name; JSON fields, not a sentence", async () => {
  const models = join(dir, 'overlap-models');
  const trainFile = csv('trainset.csv', 'mIoU', (i) => `seg,${50 + (i % 7) + i / 100}`);
  const t = await ncprop(['train', '--data', trainFile, '--out', models, '--epochs', '1', '--members', '1', '--teacher', '0'], dir);
  assert.equal(t.status, 0, t.stderr);
  // the same networks under another name
  const renamed = csv('renamed.csv', 'mIoU', (i) => `seg,${50 + (i % 7) + i / 100}`);
  const r = await ncprop(['eval', '--data', renamed, '--model', models, '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const row = JSON.parse(r.stdout.trim().split('\n')[0]);
  assert.equal(row.split, 'training');
  assert.equal(row.networks, 40);
  assert.equal(row.trainingNetworks, 40);
  assert.equal(row.data, 'renamed.csv');
  assert.ok(!('run' in row), 'no sentence field');
  assert.match(r.stderr, /note: training-set score/);
  const text = await ncprop(['eval', '--data', renamed, '--model', models], dir);
  assert.match(text.stdout, /a TRAINING-SET score/);
  const p = await ncprop(['predict', '--data', renamed, '--model', models, '--json', codes[0], codes[1]], dir);
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stderr, /note: 2 of the 2 measured input\(s\) are networks these predictors were trained on/);
  // other networks: held-out
  const other = generatedBenchmark([{ name: 'seg', metrics: ['mIoU'] }], 30, 99);
  const otherFile = join(dir, 'other.csv');
  writeFileSync(otherFile, `code,setting,mIoU\n${other.archs.filter((a) => !codes.includes(codeToString(a.code as number[]))).map((a, i) => `${codeToString(a.code as number[])},seg,${50 + (i % 5) + i / 100}`).join('\n')}\n`);
  const h = await ncprop(['eval', '--data', otherFile, '--model', models, '--json'], dir);
  assert.equal(h.status, 0, h.stderr);
  assert.equal(JSON.parse(h.stdout.trim().split('\n')[0]).split, 'held-out');
});
