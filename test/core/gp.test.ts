// The training-time Gaussian process (gp.ts) and the teacher labels built on it (teacher.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, cholSolve, fitGpHyper, GpRegressor, negLogLikelihood } from '../../server/src/core/predict/gp';
import { fitGpHypers } from '../../server/src/core/predict/gpPool';
import { neighbourCodes, withTeacherLabels, TEACHER_ROW } from '../../server/src/core/predict/teacher';
import { kendallTau } from '../../server/src/core/predict/metrics';
import { loadTrainingData, splitData } from '../../server/src/core/predict/dataset';
import { findDataDir } from '../../server/src/core/benchmark';
import { makeRng } from '../../server/src/core/random';
import { BENCHMARK_RANGE, CODE_KINDS, CODE_LENGTH } from '../../server/src/core/space/multires';
import { join } from 'node:path';
import { BudgetExceeded, RunBudget } from '../../server/src/core/run/budget';

const dataDir = findDataDir();
const skip = dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR or put nasbench-mr.json in ../shared/data)';

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  const r = makeRng(seed);
  return new Float64Array(rows * cols).map(() => 2 * r() - 1);
}

test('cholesky and cholSolve solve a symmetric positive-definite system', () => {
  const n = 40;
  const B = randomMatrix(n, n, 1);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? n : 0;
    for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
    A[i * n + j] = s;
  }
  const b = randomMatrix(n, 2, 2);
  const L = new Float64Array(A);
  cholesky(L, n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(L[i * n + j], 0);
  const x = new Float64Array(b);
  cholSolve(L, n, x, 2);
  for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += A[i * n + k] * x[k * 2 + c];
    assert.ok(Math.abs(s - b[i * 2 + c]) < 1e-9, `row ${i}: ${s} vs ${b[i * 2 + c]}`);
  }
  const bad = new Float64Array([1, 2, 2, 1]);
  assert.throws(() => cholesky(bad, 2), /not positive definite/);
});

test('the marginal-likelihood gradient matches central differences', () => {
  const n = 30;
  const d = 4;
  const X = randomMatrix(n, d, 3);
  const y = new Float64Array(n).map((_, i) => Math.sin(3 * X[i * d]) + 0.3 * X[i * d + 1]);
  const theta = new Float64Array([0.1, -0.2, 0.3, 0.5, 0.2, Math.log(0.05)]);
  const { grad } = negLogLikelihood(theta, X, n, d, y);
  for (let k = 0; k < theta.length; k++) {
    const e = 1e-5;
    const up = new Float64Array(theta);
    const down = new Float64Array(theta);
    up[k] += e;
    down[k] -= e;
    const fd = (negLogLikelihood(up, X, n, d, y).value - negLogLikelihood(down, X, n, d, y).value) / (2 * e);
    assert.ok(Math.abs(fd - grad[k]) < 1e-6 * Math.max(1, Math.abs(fd)), `θ${k}: analytic ${grad[k]} vs numeric ${fd}`);
  }
});

test('the fitted GP finds the relevant feature and predicts unseen points', () => {
  // y depends on feature 0 only (plus a little noise); feature 1 is noise
  const n = 120;
  const d = 2;
  const r = makeRng(5);
  const X = randomMatrix(n + 60, d, 4);
  const f = (i: number) => Math.sin(2 * X[i * d]);
  const y = new Float64Array(n).map((_, i) => f(i) + 0.05 * (r() - 0.5));
  const hyper = fitGpHyper(X.subarray(0, n * d), n, d, y, { steps: 150, seed: 1 });
  assert.ok(hyper.lengthScales[1] > 5 * hyper.lengthScales[0], `length scales ${hyper.lengthScales}`);
  assert.ok(hyper.noise < 0.05, `noise ${hyper.noise}`);
  // a subsample fit refined on every row reports both phases' steps
  let last = [0, 0];
  const refined = fitGpHyper(X.subarray(0, n * d), n, d, y, { steps: 60, subsample: 60, refine: 5, seed: 1, onStep: (s, t) => (last = [s, t]) });
  assert.deepEqual(last, [65, 65]);
  assert.ok(refined.lengthScales[1] > 5 * refined.lengthScales[0], `refined length scales ${refined.lengthScales}`);
  const gp = new GpRegressor(X.subarray(0, n * d), n, d, y, 1, hyper);
  const q = 60;
  const p = gp.predict(X.subarray(n * d), q);
  let err = 0;
  for (let i = 0; i < q; i++) err += (p[i] - f(n + i)) ** 2 / q;
  assert.ok(Math.sqrt(err) < 0.05, `RMS error ${Math.sqrt(err)}`);
});

test('fits in worker threads equal fits in this thread', async () => {
  const n = 60;
  const d = 3;
  const jobs = [1, 2, 3].map((seed) => {
    const X = randomMatrix(n, d, seed);
    return { X, n, d, y: new Float64Array(n).map((_, i) => Math.cos(2 * X[i * d + (seed % d)])), options: { steps: 40, seed } };
  });
  const seen = new Set<number>();
  const here = await fitGpHypers(jobs, { threads: 1 });
  const there = await fitGpHypers(jobs, { threads: 2, onStep: (job) => seen.add(job) });
  assert.deepEqual(there, here);
  assert.deepEqual([...seen].sort(), [0, 1, 2]);
  // each job learnt its own relevant feature
  here.forEach((h, k) => assert.equal(h.lengthScales.indexOf(Math.min(...h.lengthScales)), (k + 1) % d));
});

test('neighbour codes stay in the benchmark range and differ from a source code in 1–2 dimensions', () => {
  const sources = [
    [32, 32, 1, 1, 32, 2, 2, 2, 32, 64, 3, 3, 2, 2, 32, 64, 96, 1, 4, 2, 2, 2, 32, 64, 96, 128, 128],
    [64, 64, 2, 4, 128, 2, 4, 4, 128, 128, 2, 4, 4, 4, 128, 128, 128, 2, 4, 4, 4, 4, 128, 128, 128, 128, 128],
  ].map((c) => c.map((v, j) => Math.min(BENCHMARK_RANGE[CODE_KINDS[j]].max, Math.max(BENCHMARK_RANGE[CODE_KINDS[j]].min, v))));
  const a = neighbourCodes(sources, 200, 2, 7);
  assert.deepEqual(a, neighbourCodes(sources, 200, 2, 7)); // seeded
  assert.notDeepEqual(a, neighbourCodes(sources, 200, 2, 8));
  let changed = 0;
  for (const c of a) {
    assert.equal(c.length, CODE_LENGTH);
    c.forEach((v, j) => {
      const rg = BENCHMARK_RANGE[CODE_KINDS[j]];
      assert.ok(v >= rg.min && v <= rg.max && (v - rg.min) % rg.step === 0, `dim ${j}: ${v}`);
    });
    const diff = Math.min(...sources.map((s) => s.filter((v, j) => v !== c[j]).length));
    assert.ok(diff <= 2, `differs in ${diff} dimensions`);
    changed += diff > 0 ? 1 : 0;
  }
  assert.ok(changed > 150);
});

test('teacher labels rank held-out networks like their measurements', { skip }, async () => {
  const data = loadTrainingData(join(dataDir!, 'nasbench-mr.json'));
  // 300 training networks, 300 held out; seg, whose targets are nearly noise-free
  const { train, test: held } = splitData(data, 0.85, 2);
  const seg = (d: typeof train) => d.settings.find((s) => s.setting === 'seg')!;
  const few = { ...seg(train), rows: seg(train).rows.slice(0, 300), inputs: seg(train).inputs.slice(0, 300), targets: seg(train).targets.slice(0, 300) };
  const probe = seg(held).inputs.slice(0, 300);
  const truth = seg(held).targets.slice(0, 300).map((t) => t[0]);
  const [taught] = await withTeacherLabels([few], { rows: 50, dims: 2, seed: 1, fit: { steps: 100 } });
  assert.equal(taught.inputs.length, 350);
  assert.deepEqual(taught.inputs.slice(0, 300), few.inputs); // measured rows untouched
  assert.ok(taught.rows.slice(300).every((r) => r === TEACHER_ROW));
  assert.ok(taught.targets.slice(300).every((t) => t.length === 3 && t.every(Number.isFinite)));
  assert.equal((await withTeacherLabels([few], { rows: 0, dims: 2, seed: 1 }))[0].inputs.length, 300); // rows 0: unchanged
  // the same teacher, asked about the held-out networks instead of neighbours
  const [asked] = await withTeacherLabels([few], { rows: 0, dims: 2, seed: 1, fit: { steps: 100 }, at: probe });
  const tau = kendallTau(asked.targets.slice(300).map((t) => t[0]), truth);
  assert.ok(tau > 0.6, `held-out τ of the teacher ${tau}`);
});

test('teacher fits in workers keep reporting progress every second and stop at the run budget', async () => {
  // generated codes and a smooth target: fits long enough (many steps on 600 rows) to outlast the budget
  const base = [32, 32, 1, 1, 32, 2, 2, 2, 32, 64, 3, 3, 2, 2, 32, 64, 96, 1, 4, 2, 2, 2, 32, 64, 96, 128, 128];
  const inputs = neighbourCodes([base], 600, 8, 3);
  const setting = (name: string, k: number) => ({
    setting: name,
    metrics: ['m'],
    rows: inputs.map((_, i) => i),
    inputs,
    targets: inputs.map((c) => [Math.sin(c[k] / 17) + c[k + 1] / 64]),
  });
  const beats: number[] = [];
  const t0 = performance.now();
  await assert.rejects(
    withTeacherLabels([setting('a', 4), setting('b', 8)], {
      rows: 20, dims: 2, seed: 1, threads: 2, fit: { steps: 100_000, subsample: 600 },
      budget: new RunBudget({ maxSeconds: 2.5 }),
      onProgress: () => beats.push(performance.now()),
    }),
    (e: unknown) => e instanceof BudgetExceeded && e.kind === 'time',
  );
  const took = performance.now() - t0;
  assert.ok(took < 8000, `stopped after ${took.toFixed(0)} ms`);
  // no gap of more than about a second between reports (the interval, with slack for a loaded machine)
  const gaps = beats.slice(1).map((t, i) => t - beats[i]);
  assert.ok(beats.length >= 2 && Math.max(...gaps) < 1600, `progress gaps ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`);
});
