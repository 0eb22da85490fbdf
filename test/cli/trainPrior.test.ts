// `ncprop train --prior`: a source trained at run time on a generated benchmark (a tiny ensemble,
// seconds), then a setting of one's own trained by transfer from it: the model folder holds the
// sources it reads and the transfer model, the manifest states the spread calibration
// ("uncalibrated" below 10 rows), predictions load and run; `--prior none` trains an MLP as
// before; a failed transfer leaves the old folder as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../server/src/cli/ncp';
import { loadPredictorSet } from '../../server/src/core/predict/store';
import { TransferPredictor } from '../../server/src/core/predict/transfer';
import { generatedBenchmark, writeGeneratedBenchmark } from './generatedBenchmark';

const dir = mkdtempSync(join(tmpdir(), 'ncp-cli-prior-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function ncp(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdin = new PassThrough();
  stdin.end('');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await main(args, { stdin, stdout, stderr, cwd: dir, stderrIsTTY: false });
  return { code, out, err };
}

/** Rows of a setting of one's own: a generated benchmark's values under another name. */
function writeMine(path: string, rows: number, seed: number): void {
  const b = generatedBenchmark([{ name: 'src-a', metrics: ['acc'] }], rows, seed);
  const lines = b.archs.map((a) => JSON.stringify({ code: a.code, setting: 'mine', task: 'detection', metrics: { ap: (a['src-a'] as number[])[0] * 0.5 + 3 } }));
  writeFileSync(path, lines.join('\n') + '\n');
}

const source = join(dir, 'source');
const tiny = ['--epochs', '3', '--members', '2', '--teacher', '0', '--set', 'trunk=16,head=8'];

test('train --prior: a transfer model beside the sources it reads, calibration in the manifest; --prior none trains an MLP', async () => {
  writeGeneratedBenchmark(join(dir, 'bench.json'), [{ name: 'src-a', metrics: ['acc'] }, { name: 'src-b', metrics: ['acc', 'acc5'] }], 60, 3);
  const s = await ncp(['train', '--data', 'bench.json', '--out', source, '--prior', 'none', ...tiny]);
  assert.equal(s.code, 0, s.err);

  writeMine(join(dir, 'mine20.jsonl'), 20, 11);
  const t = await ncp(['train', '--data', 'mine20.jsonl', '--prior', source, '--out', 'mine']);
  assert.equal(t.code, 0, t.err);
  assert.match(t.err, /'mine': .* over 2 source setting\(s\); spread calibrated on 20 rows \(leave-one-out ±1 \d+%, ±2 \d+%\)/);
  const manifest = JSON.parse(readFileSync(join(dir, 'mine', 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.settings).sort(), ['mine', 'src-a', 'src-b']);
  const e = manifest.settings.mine;
  assert.equal(e.kind, 'transfer');
  assert.deepEqual(e.sources.sort(), ['src-a', 'src-b']);
  assert.equal(e.task, 'detection');
  assert.equal(e.spread[0].calibrated, true);
  assert.ok(e.spread[0].looCoverage1 >= 0.6 && e.spread[0].looCoverage2 >= 0.9, JSON.stringify(e.spread));
  const set = await loadPredictorSet(join(dir, 'mine'));
  const p = set.get('mine');
  assert.ok(p instanceof TransferPredictor);
  const [est] = p.predict(JSON.parse(readFileSync(join(dir, 'mine20.jsonl'), 'utf8').split('\n')[0]).code);
  assert.ok(Number.isFinite(est.mean) && est.std > 0);

  // few rows: trained, but the spread is said to be uncalibrated
  writeMine(join(dir, 'mine6.jsonl'), 6, 12);
  const few = await ncp(['train', '--data', 'mine6.jsonl', '--prior', source, '--out', 'mine6']);
  assert.equal(few.code, 0, few.err);
  assert.match(few.err, /spread uncalibrated \(6 rows; calibration needs 10\)/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'mine6', 'manifest.json'), 'utf8')).settings.mine.spread[0].calibrated, false);

  // --prior none: today's MLP ensemble, no sources copied
  const none = await ncp(['train', '--data', 'mine20.jsonl', '--prior', 'none', '--out', 'scratch', ...tiny]);
  assert.equal(none.code, 0, none.err);
  const m2 = JSON.parse(readFileSync(join(dir, 'scratch', 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(m2.settings), ['mine']);
  assert.equal(m2.settings.mine.kind, undefined);
  assert.equal(m2.settings.mine.members, 2);
});

test('a failed transfer train keeps the old model folder; a missing prior is a usage error', async () => {
  const before = Object.fromEntries(readdirSync(join(dir, 'mine')).map((f) => [f, readFileSync(join(dir, 'mine', f), 'utf8')]));
  writeMine(join(dir, 'mine2.jsonl'), 2, 13);
  const r = await ncp(['train', '--data', 'mine2.jsonl', '--prior', source, '--out', 'mine']);
  assert.equal(r.code, 2);
  assert.match(r.err, /setting 'mine': 2 measured network\(s\); a transfer predictor needs at least 3: measure more networks/);
  const after = Object.fromEntries(readdirSync(join(dir, 'mine')).map((f) => [f, readFileSync(join(dir, 'mine', f), 'utf8')]));
  assert.deepEqual(after, before);
  const u = await ncp(['train', '--data', 'mine20.jsonl', '--prior', 'no-such-folder', '--out', 'x']);
  assert.equal(u.code, 2);
  assert.match(u.err, /--prior: .*no-such-folder/);
});
