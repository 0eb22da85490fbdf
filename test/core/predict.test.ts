// Predictors: training determinism, the typed-array forward/gradient against tfjs and finite
// differences, save/load round trip, and the loader's handling of missing or corrupt files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDataDir, loadMrBenchmark } from '../../server/src/core/benchmark';
import { trainPredictor, trainEnsemble, NCP_RECIPE } from '../../server/src/core/predict/train';
import { loadPredictorSet, savePredictorSet, defaultModelsDir } from '../../server/src/core/predict/store';
import { ModelFormatError, sha256 } from '../../server/src/core/predict/format';
import { kendallTau, spearmanRho, coverage } from '../../server/src/core/predict/metrics';
import { initBackend } from '../../server/src/core/predict/backend';
import { makeRng } from '../../server/src/core/random';
import { randomCode } from '../../server/src/core/space/multires';
import { cellToOneHot, indexToCell } from '../../server/src/core/space/nb201';
import type { EnsemblePredictor } from '../../server/src/core/predict/ensemble';

const dataDir = findDataDir();
const skip = dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR or put nasbench-mr.json in ../shared/data)';

function slice() {
  const b = loadMrBenchmark(join(dataDir!, 'nasbench-mr.json'));
  const archs = b.archs.filter((a) => a.results['cls-10c']).slice(0, 300);
  return { inputs: archs.map((a) => a.code), targets: archs.map((a) => a.results['cls-10c']), all: b.archs };
}

const FAST = { setting: 'cls-10c', metrics: ['top1', 'top5'], epochs: 4, members: 3 };

test('metrics on hand-checked series', () => {
  assert.equal(kendallTau([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(kendallTau([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // one discordant pair of 6: (5 − 1) / 6
  assert.ok(Math.abs(kendallTau([1, 2, 3, 4], [1, 3, 2, 4]) - 4 / 6) < 1e-12);
  assert.ok(Math.abs(spearmanRho([1, 2, 3, 4], [1, 3, 2, 4]) - 0.8) < 1e-12);
  assert.equal(coverage([{ mean: 0, std: 1 }, { mean: 0, std: 1 }], [0.5, 1.5], 1), 0.5);
});

test('initBackend reports the backend in use', async () => {
  assert.equal(await initBackend('cpu'), 'cpu');
  assert.equal(await initBackend('wasm'), 'wasm');
  // auto: tfjs-node is not installed here, so wasm
  assert.equal(await initBackend('auto'), 'wasm');
});

let trained: EnsemblePredictor | undefined;

test('same seed → same weights; another seed → other weights', { skip }, async () => {
  const { inputs, targets } = slice();
  const a = await trainPredictor(inputs, targets, { ...FAST, seed: 7 });
  const b = await trainPredictor(inputs, targets, { ...FAST, seed: 7 });
  const c = await trainPredictor(inputs, targets, { ...FAST, seed: 8 });
  assert.deepEqual(a.members[0].trunk[0].W, b.members[0].trunk[0].W);
  assert.deepEqual(a.predict(inputs[0]), b.predict(inputs[0]));
  assert.notDeepEqual(a.members[0].trunk[0].W, c.members[0].trunk[0].W);
  assert.equal(a.members.length, 3);
  trained = a;
});

test('predictions: spread > 0, tfjs batch path agrees with the typed-array path', { skip }, async () => {
  const { all } = slice();
  const p = trained!;
  const codes = all.slice(300, 400).map((a) => a.code);
  const batch = p.predictBatch(codes); // ≥ 64 inputs: tfjs
  codes.forEach((c, i) => {
    const one = p.predict(c);
    for (let m = 0; m < 2; m++) {
      assert.ok(Math.abs(one[m].mean - batch[i][m].mean) < 1e-3, `mean ${one[m].mean} vs ${batch[i][m].mean}`);
      assert.ok(Math.abs(one[m].std - batch[i][m].std) < 1e-3);
      assert.ok(one[m].std > 0);
    }
  });
  assert.throws(() => p.predict([1, 2, 3]), /27 numbers/);
});

test('valueAndGrad: value matches predict, gradient matches finite differences on a relaxed code', { skip }, () => {
  const { inputs } = slice();
  const p = trained!;
  const rand = makeRng(3);
  const x = inputs[5].map((v) => v * (0.9 + 0.2 * rand())); // real-valued
  for (const metric of [0, 1]) {
    const { mean, std, grad } = p.valueAndGrad(x, metric);
    const e = p.predict(x)[metric];
    assert.ok(Math.abs(mean - e.mean) < 1e-9 && Math.abs(std - e.std) < 1e-9);
    assert.equal(grad.length, 27);
    for (const i of [0, 4, 10, 14, 22, 26]) {
      const h = 1e-3 * Math.max(1, Math.abs(x[i]));
      const up = [...x];
      const dn = [...x];
      up[i] += h;
      dn[i] -= h;
      const fd = (p.predict(up)[metric].mean - p.predict(dn)[metric].mean) / (2 * h);
      assert.ok(Math.abs(fd - grad[i]) < 1e-4 + 1e-3 * Math.abs(fd), `d/dx[${i}]: analytic ${grad[i]} vs numeric ${fd}`);
    }
  }
});

test('save → load round trip gives bit-identical predictions', { skip }, async () => {
  const { all } = slice();
  const dir = mkdtempSync(join(tmpdir(), 'ncp-pred-'));
  try {
    savePredictorSet(dir, [trained!], { version: 'test', command: 'test', seed: 7, recipe: 'ncp', data: null });
    const set = await loadPredictorSet(dir);
    assert.deepEqual(set.settings, ['cls-10c']);
    const q = set.get('cls-10c')!;
    const codes = all.slice(0, 100).map((a) => a.code);
    assert.deepEqual(q.predictBatch(codes), trained!.predictBatch(codes));
    for (const c of codes.slice(0, 10)) {
      assert.deepEqual(q.predict(c), trained!.predict(c));
      assert.deepEqual(q.valueAndGrad(c, 0), trained!.valueAndGrad(c, 0));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the loader names the file and the problem for missing or corrupt files', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-bad-'));
  try {
    await assert.rejects(loadPredictorSet(dir), (e: unknown) => e instanceof ModelFormatError && /manifest is missing/.test(e.message));
    savePredictorSet(dir, [trained!], { version: 'test', command: 'test', seed: 7, recipe: 'ncp', data: null });
    const file = join(dir, 'cls-10c.json');
    const good = readFileSync(file, 'utf8');
    // truncated file: caught by the checksum
    writeFileSync(file, good.slice(0, good.length / 2));
    await assert.rejects(loadPredictorSet(dir), (e: unknown) => e instanceof ModelFormatError && /cls-10c\.json: checksum mismatch/.test(e.message));
    // truncated, manifest updated to match: caught by the parser
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const setSha = (text: string) => {
      manifest.settings['cls-10c'].sha256 = sha256(text);
      writeFileSync(manifestPath, JSON.stringify(manifest));
    };
    setSha(good.slice(0, good.length / 2));
    await assert.rejects(loadPredictorSet(dir), (e: unknown) => e instanceof ModelFormatError && /not valid JSON/.test(e.message));
    // weights of the wrong size
    const obj = JSON.parse(good);
    obj.members[0].trunk[0].W = obj.members[0].trunk[0].W.slice(0, 40);
    writeFileSync(file, JSON.stringify(obj));
    setSha(JSON.stringify(obj));
    await assert.rejects(loadPredictorSet(dir), (e: unknown) => e instanceof ModelFormatError && /members\[0\]\.trunk\[0\]\.W: expected \d+ float32 values/.test(e.message));
    // missing model file
    unlinkSync(file);
    await assert.rejects(loadPredictorSet(dir), (e: unknown) => e instanceof ModelFormatError && /model file of setting 'cls-10c' is missing/.test(e.message));
    // manifest that is not JSON
    writeFileSync(manifestPath, '{"format":');
    await assert.rejects(loadPredictorSet(dir), (e: unknown) => e instanceof ModelFormatError && /manifest\.json: not valid JSON/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trainPredictor on NAS-Bench-201-like one-hot inputs (30 numbers, any targets)', async () => {
  // synthetic targets: the point is the 30-dim path, not the benchmark
  const rand = makeRng(11);
  const inputs: number[][] = [];
  const targets: number[][] = [];
  for (let i = 0; i < 400; i++) {
    const cell = indexToCell(Math.floor(rand() * 15625));
    const x = Array.from(cellToOneHot(cell));
    inputs.push(x);
    targets.push([cell.filter((o) => o === 4).length * 5 + cell.filter((o) => o === 3).length * 2 + rand()]);
  }
  const p = await trainPredictor(inputs, targets, { setting: 'nb201', metrics: ['acc'], seed: 1, epochs: 15, members: 3 });
  assert.equal(p.inputDim, 30);
  const r = p.predictBatch(inputs.slice(0, 100));
  assert.ok(kendallTau(r.map((e) => e[0].mean), targets.slice(0, 100).map((t) => t[0])) > 0.5);
  const g = p.valueAndGrad(inputs[0], 0);
  assert.equal(g.grad.length, 30);
});

test('the training entry point rejects bad input with a clear message', async () => {
  await assert.rejects(trainEnsemble([[1, 2]], [[1]], { setting: 's', metrics: ['m'], seed: 1 }), /at least 10/);
  const xs = Array.from({ length: 20 }, () => [1, 2, 3]);
  await assert.rejects(trainEnsemble(xs, xs.map(() => [1, 2]), { setting: 's', metrics: ['m'], seed: 1, features: 'raw' }), /targets\[0\]: expected 1/);
  await assert.rejects(trainEnsemble(xs, xs.map(() => [1]), { setting: 's', metrics: ['m'], seed: 1, features: 'code' }), /need 27-number codes/);
  assert.equal(NCP_RECIPE.members >= 5, true);
});

test('shipped predictors load from the source tree and cover the 8 settings and nb201', async () => {
  const set = await loadPredictorSet();
  assert.equal(set.dir, defaultModelsDir());
  for (const s of ['cls-50-1000', 'cls-50-100', 'cls-10-1000', 'cls-10c', 'seg', 'seg-4x', 'video', 'video-p', 'nb201']) {
    assert.ok(set.get(s), `missing ${s}`);
  }
  assert.ok(set.ensemble('seg')!.members.length >= 5);
  assert.match(set.version, /\S/);
});

test('a set predicts a batch for many settings at once: the same as each setting alone, and as the typed-array path', async () => {
  const set = await loadPredictorSet();
  const rand = makeRng(21);
  const codes = Array.from({ length: 300 }, () => randomCode(rand));
  const all = set.predictBatch(codes);
  // every setting whose input is a 27-number code; nb201 (30-number one-hot) is left out
  assert.deepEqual([...all.keys()], set.settings.filter((s) => s !== 'nb201'));
  for (const [s, rows] of all) {
    const p = set.get(s)!;
    assert.deepEqual(rows, p.predictBatch(codes), `${s}: set batch = setting batch`);
    for (const i of [0, 123, 299]) {
      const one = p.predict(codes[i]);
      one.forEach((e, m) => {
        assert.ok(Math.abs(e.mean - rows[i][m].mean) < 1e-3 * Math.max(1, Math.abs(e.mean)), `${s} code ${i} metric ${m}: ${rows[i][m].mean} vs ${e.mean}`);
        assert.ok(Math.abs(e.std - rows[i][m].std) < 1e-3 * Math.max(1, e.std), `${s} code ${i} metric ${m} spread`);
      });
    }
  }
  const two = set.predictBatch(codes.slice(0, 5), ['seg', 'video']);
  assert.deepEqual([...two.keys()], ['seg', 'video']);
  assert.throws(() => set.predictBatch(codes, ['segmentation']), /no predictor for setting 'segmentation'/);
  assert.throws(() => set.predictBatch([[1, 2, 3], ...codes], ['seg']), /27 numbers, got 3/);
});
