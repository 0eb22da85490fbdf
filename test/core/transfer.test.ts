// Transfer predictors on data made at run time: a source predictor (a known smooth function of
// the code) and a target setting related to it, measured on a few random networks. Checks that
// the transfer beats a model from scratch when the source is related, is not hurt when it is
// not, that its spread is calibrated on the rows (and says so only with enough of them), that
// its gradient matches finite differences, and that it survives a save and load; with a
// trained ensemble as the source, that its trunk activations are read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRng } from '../../server/src/core/random';
import { randomCode, CODE_LENGTH, normalizeCode } from '../../server/src/core/space/multires';
import { cost } from '../../server/src/core/cost';
import { kendallTau, coverage } from '../../server/src/core/predict/metrics';
import type { DifferentiablePredictor, Estimate } from '../../server/src/core/predict/types';
import { buildFeatureMap, fitTransfer, parseTransfer, serializeTransfer, TransferPredictor, MIN_CALIBRATION_ROWS } from '../../server/src/core/predict/transfer';
import { ModelFormatError } from '../../server/src/core/predict/format';
import { EnsemblePredictor } from '../../server/src/core/predict/ensemble';
import { features, fitFeatureSpec } from '../../server/src/core/predict/features';
import type { Dense, Network } from '../../server/src/core/predict/network';
import { TRUNK_SKETCH, rowFeatures } from '../../server/src/core/predict/transfer/features';

/** A source whose main metric is a fixed nonlinear function of the normalised code. */
class FunctionSource implements DifferentiablePredictor {
  readonly metrics = ['m'];
  readonly inputDim = CODE_LENGTH;
  constructor(
    readonly setting: string,
    private readonly w: Float64Array,
  ) {}
  value(x: ArrayLike<number>): number {
    const z = normalizeCode(Array.from(x));
    let s = 0;
    for (let i = 0; i < CODE_LENGTH; i++) s += this.w[i] * z[i];
    return 70 + 5 * Math.tanh(s);
  }
  predict(x: ArrayLike<number>): Estimate[] {
    return [{ mean: this.value(x), std: 0.1 }];
  }
  predictBatch(xs: readonly ArrayLike<number>[]): Estimate[][] {
    return xs.map((x) => this.predict(x));
  }
  valueAndGrad(x: ArrayLike<number>): { mean: number; std: number; grad: Float64Array } {
    const grad = new Float64Array(CODE_LENGTH);
    const h = 1e-4;
    for (let i = 0; i < CODE_LENGTH; i++) {
      const a = Array.from(x);
      const b = Array.from(x);
      a[i] += h;
      b[i] -= h;
      grad[i] = (this.value(a) - this.value(b)) / (2 * h);
    }
    return { mean: this.value(x), std: 0.1, grad };
  }
}

function weights(seed: number): Float64Array {
  const r = makeRng(seed);
  return Float64Array.from({ length: CODE_LENGTH }, () => (r() - 0.5) * 1.5);
}

const related = new FunctionSource('src-a', weights(11));
const unrelated = new FunctionSource('src-b', weights(97));

/** The target: mostly the related source's function, a little log-FLOPs, plus noise. */
function world(n: number, seed: number, noise = 0.3) {
  const r = makeRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const inputs = Array.from({ length: n }, () => randomCode(r));
  const truth = inputs.map((x) => 1.5 * related.value(x) + 0.8 * Math.log(cost(x).flops) - 30);
  const targets = truth.map((t) => [t + noise * gauss()]);
  return { inputs, targets, truth };
}

const test300 = world(300, 5, 0);

function tauOn(p: DifferentiablePredictor): number {
  const pred = p.predictBatch(test300.inputs).map((e) => e[0].mean);
  return kendallTau(pred, test300.truth);
}

/** The gradient at x against central finite differences of the prediction, at the given positions. */
function gradientMatches(p: DifferentiablePredictor, x: number[], grad: ArrayLike<number>, positions: number[]): void {
  const h = 1e-4;
  for (const i of positions) {
    const a = [...x];
    const b = [...x];
    a[i] += h;
    b[i] -= h;
    const fd = (p.predict(a)[0].mean - p.predict(b)[0].mean) / (2 * h);
    assert.ok(Math.abs(fd - grad[i]) <= 1e-4 + 1e-3 * Math.abs(fd), `d/dx${i}: ${grad[i]} vs ${fd}`);
  }
}

test('transfer from a related source ranks new networks far better than a model from scratch', () => {
  const w = world(20, 1);
  const base = { setting: 'mine', metrics: ['acc'], inputs: w.inputs, targets: w.targets };
  const transfer = fitTransfer({ ...base, sources: [{ setting: 'src-a', predictor: related }, { setting: 'src-b', predictor: unrelated }] });
  const scratch = fitTransfer({ ...base, sources: [] });
  const tT = tauOn(transfer);
  const tS = tauOn(scratch);
  assert.ok(tT > 0.75, `transfer τ ${tT.toFixed(3)}`);
  assert.ok(tT > tS + 0.15, `transfer τ ${tT.toFixed(3)} vs scratch ${tS.toFixed(3)}`);
  assert.ok(transfer.model.models[0].hyper.src > 0, 'the source was chosen');
});

test('an unrelated source costs at most noise against a model from scratch', () => {
  const w = world(40, 2);
  const base = { setting: 'mine', metrics: ['acc'], inputs: w.inputs, targets: w.targets };
  const scratch = tauOn(fitTransfer({ ...base, sources: [] }));
  const withUnrelated = tauOn(fitTransfer({ ...base, sources: [{ setting: 'src-b', predictor: unrelated }] }));
  assert.ok(withUnrelated > scratch - 0.05, `unrelated-source τ ${withUnrelated.toFixed(3)} vs scratch ${scratch.toFixed(3)}`);
});

test('the spread is calibrated on the rows: held-out coverage near 68% / 95%, and uncalibrated with too few rows', () => {
  const hits1: number[] = [];
  const hits2: number[] = [];
  for (const seed of [1, 2, 3]) {
    const w = world(60, 100 + seed, 1.0);
    const p = fitTransfer({ setting: 'mine', metrics: ['acc'], inputs: w.inputs, targets: w.targets, sources: [{ setting: 'src-a', predictor: related }] });
    const c = p.calibration(0);
    assert.equal(c.calibrated, true);
    assert.equal(c.rows, 60);
    const fresh = world(400, 200 + seed, 1.0);
    const est: Estimate[] = p.predictBatch(fresh.inputs).map((e) => e[0]);
    const y = fresh.targets.map((t) => t[0]);
    hits1.push(coverage(est, y, 1));
    hits2.push(coverage(est, y, 2));
  }
  const c1 = hits1.reduce((a, b) => a + b) / hits1.length;
  const c2 = hits2.reduce((a, b) => a + b) / hits2.length;
  assert.ok(c1 >= 0.6 && c1 <= 0.85, `±1 coverage ${c1.toFixed(2)}`);
  assert.ok(c2 >= 0.9, `±2 coverage ${c2.toFixed(2)}`);
  const few = world(MIN_CALIBRATION_ROWS - 4, 7);
  const small = fitTransfer({ setting: 'mine', metrics: ['acc'], inputs: few.inputs, targets: few.targets, sources: [{ setting: 'src-a', predictor: related }] });
  assert.equal(small.calibration(0).calibrated, false);
});

test('gradient of a transfer prediction matches finite differences', () => {
  const w = world(25, 3);
  const p = fitTransfer({ setting: 'mine', metrics: ['acc'], inputs: w.inputs, targets: w.targets, sources: [{ setting: 'src-a', predictor: related }] });
  const x = Array.from(test300.inputs[0], (v) => v + 0.3);
  const { mean, grad } = p.valueAndGrad(x, 0);
  assert.ok(Math.abs(mean - p.predict(x)[0].mean) < 1e-9);
  gradientMatches(p, x, grad, [0, 3, 9, 17, 26]);
});

test('a transfer model survives a save and load, and refuses a source that changed', () => {
  const w = world(12, 4);
  const p = fitTransfer({ setting: 'mine', metrics: ['acc', 'other'], inputs: w.inputs, targets: w.targets.map((t) => [t[0], -t[0]]), sources: [{ setting: 'src-a', predictor: related }] });
  const text = serializeTransfer(p, () => 'abc');
  const back = parseTransfer(text, 'mine.json', (s) => (s === 'src-a' ? { predictor: related, sha256: 'abc' } : undefined));
  const xs = test300.inputs.slice(0, 20);
  const a = p.predictBatch(xs);
  const b = back.predictBatch(xs);
  for (let i = 0; i < xs.length; i++) for (let m = 0; m < 2; m++) assert.ok(Math.abs(a[i][m].mean - b[i][m].mean) < 1e-9 && Math.abs(a[i][m].std - b[i][m].std) < 1e-9);
  assert.throws(() => parseTransfer(text, 'mine.json', () => ({ predictor: related, sha256: 'changed' })), (e: unknown) => e instanceof ModelFormatError && /changed since/.test(e.message));
  assert.throws(() => parseTransfer(text, 'mine.json', () => undefined), (e: unknown) => e instanceof ModelFormatError && /not in the model folder/.test(e.message));
  assert.throws(() => parseTransfer(text.replace('"noise":', '"noise":-'), 'mine.json', () => ({ predictor: related, sha256: 'abc' })), ModelFormatError);
});

test('too few rows is a clear error', () => {
  const w = world(2, 9);
  assert.throws(() => fitTransfer({ setting: 'mine', metrics: ['acc'], inputs: w.inputs, targets: w.targets, sources: [] }), /at least 3/);
});

// A trained ensemble as the source: the transfer model also reads its members' trunk
// activations. The target is a nonlinear function of the trunk that the source's linear head
// does not give, so the trunk kernel is what ranks it.
function trunkSource(H = 8, memberCount = 2): { source: EnsemblePredictor; trunkOfCode: (x: ArrayLike<number>) => number[] } {
  const r = makeRng(31);
  const inputs = Array.from({ length: 200 }, () => randomCode(r));
  const spec = fitFeatureSpec('arch', inputs);
  const d = spec.mean.length;
  const layer = (inDim: number, outDim: number, act: 'swish' | 'linear', scale: number): Dense => ({
    inDim,
    outDim,
    W: Float32Array.from({ length: inDim * outDim }, () => (r() - 0.5) * scale),
    b: Float32Array.from({ length: outDim }, () => (r() - 0.5) * 0.2),
    act,
  });
  const members: Network[] = Array.from({ length: memberCount }, () => ({ trunk: [layer(d, H, 'swish', 0.6)], heads: [{ metrics: [0], layers: [layer(H, 1, 'linear', 1)] }] }));
  const source = new EnsemblePredictor('src-net', ['m'], spec, { mean: [50], std: [5] }, members, [1]);
  const trunkOfCode = (x: ArrayLike<number>) => {
    const f = features(spec, x);
    const l = members[0].trunk[0];
    return Array.from({ length: H }, (_, j) => {
      let p = l.b[j];
      for (let i = 0; i < d; i++) p += f[i] * l.W[i * H + j];
      return p / (1 + Math.exp(-p));
    });
  };
  return { source, trunkOfCode };
}

test("a trained ensemble's trunk: chosen when the target lives in it, with a matching gradient and a save and load", () => {
  const { source, trunkOfCode } = trunkSource();
  const target = (x: ArrayLike<number>) => {
    const h = trunkOfCode(x);
    return 60 + 3 * (h[0] - h[1]) ** 2 + 2 * h[2] * h[3];
  };
  const r = makeRng(41);
  const inputs = Array.from({ length: 60 }, () => randomCode(r));
  const base = { setting: 'mine', metrics: ['acc'], inputs, targets: inputs.map((x) => [target(x)]), sources: [{ setting: 'src-net', predictor: source }] };
  const p = fitTransfer(base);
  assert.ok((p.model.models[0].hyper.trunk ?? 0) > 0, `trunk weight ${p.model.models[0].hyper.trunk}`);
  const fresh = Array.from({ length: 300 }, () => randomCode(r));
  const truth = fresh.map(target);
  const tau = (q: DifferentiablePredictor) => kendallTau(q.predictBatch(fresh).map((e) => e[0].mean), truth);
  const stack = fitTransfer({ ...base, family: 'stack' });
  const scratch = fitTransfer({ ...base, sources: [] });
  assert.ok(tau(p) > tau(stack) + 0.1 && tau(p) > tau(scratch) + 0.1, `trunk τ ${tau(p).toFixed(3)}, stacking ${tau(stack).toFixed(3)}, scratch ${tau(scratch).toFixed(3)}`);
  // gradient through the trunk
  const x = Array.from(fresh[0], (v) => v + 0.3);
  const { mean, grad } = p.valueAndGrad(x, 0);
  assert.ok(Math.abs(mean - p.predict(x)[0].mean) < 1e-9);
  gradientMatches(p, x, grad, [0, 4, 11, 20, 26]);
  // save and load keep the trunk kernel; a version-1 file (no trunk) still loads
  const text = serializeTransfer(p, () => 'abc');
  const back = parseTransfer(text, 'mine.json', () => ({ predictor: source, sha256: 'abc' }));
  const xs = fresh.slice(0, 20);
  const e1 = p.predictBatch(xs);
  const e2 = back.predictBatch(xs);
  for (let i = 0; i < xs.length; i++) assert.ok(Math.abs(e1[i][0].mean - e2[i][0].mean) < 1e-9 && Math.abs(e1[i][0].std - e2[i][0].std) < 1e-9);
  // the rows' features handed over (as the editor's fitting worker does) give the same model;
  // features of another shape are not trusted: made again
  const handed = parseTransfer(text, 'mine.json', () => ({ predictor: source, sha256: 'abc' }), p.train);
  assert.equal(handed.train, p.train);
  assert.ok(Math.abs(handed.predict(xs[0])[0].mean - e1[0][0].mean) < 1e-9);
  const wrong = { ...p.train, n: p.train.n - 1 };
  const remade = parseTransfer(text, 'mine.json', () => ({ predictor: source, sha256: 'abc' }), wrong);
  assert.notEqual(remade.train, wrong);
  assert.ok(Math.abs(remade.predict(xs[0])[0].mean - e1[0][0].mean) < 1e-9);
  const v1 = serializeTransfer(stack, () => 'abc').replace('"formatVersion":2', '"formatVersion":1');
  const old = parseTransfer(v1, 'old.json', () => ({ predictor: source, sha256: 'abc' }));
  assert.ok(Math.abs(old.predict(xs[0])[0].mean - stack.predict(xs[0])[0].mean) < 1e-9);
  assert.throws(() => parseTransfer(text.replace('"formatVersion":2', '"formatVersion":3'), 'mine.json', () => ({ predictor: source, sha256: 'abc' })), /format version 3/);
});

test('below 8 rows a source means ridge stacking, and the uncalibrated spread is only ever widened', () => {
  for (const n of [5, 7]) {
    const w = world(n, 50 + n);
    const p = fitTransfer({ setting: 'mine', metrics: ['acc'], inputs: w.inputs, targets: w.targets, sources: [{ setting: 'src-a', predictor: related }] });
    const h = p.model.models[0].hyper;
    assert.ok(h.src > 0 && h.rbf === 0 && !h.trunk, `${n} rows: ${JSON.stringify(h)}`);
    const c = p.calibration(0);
    assert.equal(c.calibrated, false);
    assert.ok(c.scale >= 1, `scale ${c.scale}`);
  }
  const w = world(8, 58);
  const p = fitTransfer({ setting: 'mine', metrics: ['acc'], inputs: w.inputs, targets: w.targets, sources: [] });
  assert.ok(p.model.models[0].hyper.rbf > 0, 'from scratch keeps its kernel with few rows');
});

test('many trunk activations are sketched into TRUNK_SKETCH numbers; the gradient still matches', () => {
  const { source, trunkOfCode } = trunkSource(400, 3); // 1,200 activations
  const r = makeRng(43);
  const inputs = Array.from({ length: 30 }, () => randomCode(r));
  const targets = inputs.map((x) => [60 + (20 * trunkOfCode(x).reduce((a, v) => a + v * v, 0)) / 400]);
  const map = buildFeatureMap([{ setting: 'src-net', predictor: source }], inputs);
  map.trunk = true;
  assert.equal(rowFeatures(map, inputs.slice(0, 2)).dT, TRUNK_SKETCH);
  const hyper = { src: 1, cost: 0.3, rbf: 0, ls: 7, noise: 0.1, trunk: 1, tls: 0.5 * Math.sqrt(TRUNK_SKETCH) };
  const calibration = { scale: 1, calibrated: false, coverage1: 0, coverage2: 0, rows: inputs.length };
  const p = new TransferPredictor({ setting: 'mine', metrics: ['acc'], inputDim: CODE_LENGTH, rows: inputs, targets, models: [{ hyper, yMean: 60, yStd: 1, calibration }] }, map);
  const x = Array.from(randomCode(r), (v) => v + 0.3);
  const { grad } = p.valueAndGrad(x, 0);
  gradientMatches(p, x, grad, [1, 7, 19, 25]);
});
