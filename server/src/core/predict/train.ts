// Training ensembles with tfjs-core. One member is an MLP: an optional input batch norm, a shared
// trunk (dense → [BN] → swish → dropout), then one head per group of outputs (dense → [BN] →
// swish → dropout → dense). Both the authors' recipe (models/mlp.py, tools/train_predictor.py)
// and our variant are instances; batch norms are folded into the dense layers at export.
import type { RunBudget } from '../run/budget';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend';
import { fitFeatureSpec, rawFeatures, type FeatureKind, type FeatureSpec } from './features';
import { makeRng, permutation, subSeed } from '../random';
import { MemberRunner, type Dense, type Network } from './network';
import { EnsemblePredictor } from './ensemble';
import { cost } from '../cost';
import { kendallTau } from './metrics';

export { kendallTau };
import { CODE_LENGTH } from '../space/multires';

export interface TrainConfig {
  /** Which recipe these options came from (recorded in the manifest). */
  recipe: 'ncp' | 'authors';
  features: FeatureKind;
  members: number;
  epochs: number;
  batchSize: number;
  /** Peak learning rate of the one-cycle schedule (Adam). */
  lr: number;
  /** Trunk widths (the authors: one layer of 256). */
  trunk: number[];
  /** Hidden width of each head (the authors: 128). */
  head: number;
  /** Batch norms after the input and each hidden dense (the authors: yes). */
  batchNorm: boolean;
  dropout: number;
  /** Separate heads for the main metric and the others (else one head for all). */
  splitHeads: boolean;
  /** An extra head that predicts the network's FLOPs and params (multi-task; dropped at export). */
  costHead: boolean;
  /** Loss weight of the main metric relative to the others. */
  mainWeight: number;
  /** Weight of a pairwise ranking loss on the main metric (0: none). */
  rankWeight: number;
  /** Fraction of the training set each member holds out to pick its best epoch. */
  valFraction: number;
  /** Best epoch by the main metric's validation 'mae' (the authors) or Kendall 'tau'. */
  select: 'mae' | 'tau';
  /** Multiplies the ensemble spread so that ~68% of held-out values fall within ±1 spread. */
  calibrate: boolean;
  /** Train all multi-resolution settings of a file jointly (shared trunk, heads per setting). */
  joint: boolean;
  /**
   * Neighbours of the training networks labelled by a Gaussian process (teacher.ts), added to
   * the training rows: this many per measured row (0: none). Network codes only.
   */
  teacher: number;
}

/** The authors' recipe: one MLP, BN, 256 shared units, heads of 128, dropout 0.5, smooth-L1, 200 epochs. */
export const AUTHORS_RECIPE: TrainConfig = {
  recipe: 'authors',
  features: 'code',
  members: 1,
  epochs: 200,
  batchSize: 128,
  lr: 1e-2,
  trunk: [256],
  head: 128,
  batchNorm: true,
  dropout: 0.5,
  splitHeads: true,
  costHead: true,
  mainWeight: 1,
  rankWeight: 0,
  valFraction: 0.2,
  select: 'mae',
  calibrate: false,
  joint: false,
  teacher: 0,
};

/**
 * Ours: an ensemble of 5 smaller members reading architecture features (features.ts 'arch':
 * exact log-costs of the network and its parts, branch work and depth), trained on all
 * multi-resolution settings at once (shared trunk, one small head per setting, best epoch per
 * setting), on measured rows plus 5 Gaussian-process-labelled neighbours of each (teacher.ts).
 * Held-out τ (split 1): 0.716 vs 0.693 for the authors' recipe. Measured steps:
 * 'code+cost' with two 64-wide heads per setting 0.706 → one 32-wide head 0.706 (4× faster to
 * train and to run) → per-part costs 0.709 → branch work and depth 0.712 → teacher labels 0.716.
 * No gain from 10 members, a 256 trunk (+0.001), dropout 0.1, lr 5e-3, batch 32, main weight 4,
 * or fitting each member on all examples with the last epoch (−0.003); with the teacher, none
 * from dropout 0 / 0.1, a 256 trunk, 100 epochs or other neighbour draws (all within ±0.0015).
 */
export const NCP_RECIPE: TrainConfig = {
  recipe: 'ncp',
  features: 'arch',
  members: 5,
  epochs: 60,
  // 64, not the authors' 128: twice the steps per epoch, held-out τ +0.004 on split seeds 1 and 2
  batchSize: 64,
  lr: 1e-2,
  trunk: [128],
  head: 32,
  batchNorm: true,
  dropout: 0.2,
  splitHeads: false,
  costHead: false,
  mainWeight: 2,
  rankWeight: 0,
  valFraction: 0.2,
  select: 'mae',
  calibrate: true,
  joint: true,
  teacher: 5,
};

export interface TrainProgress {
  member: number;
  members: number;
  epoch: number;
  epochs: number;
  loss: number;
  /** Validation MAE of the main metric (original units). */
  valMae: number;
}

export interface TrainOptions extends Partial<TrainConfig> {
  setting: string;
  metrics: string[];
  seed: number;
  onProgress?: (p: TrainProgress) => void;
  /** Time and memory budget, checked every step (over it: BudgetExceeded, nothing is returned). */
  budget?: RunBudget;
  /** Base recipe the other options override (default NCP_RECIPE). */
  base?: TrainConfig;
  /**
   * Joint (multi-setting) training: the target columns split into tasks, one predictor per
   * task sharing the trunk, each with its own heads and best epoch. Columns of a task must be
   * contiguous, main metric first. Default: one task, all columns (`setting`, `metrics`).
   */
  tasks?: { setting: string; metrics: string[]; cols: number[] }[];
  /**
   * The first `measured` rows are measurements, the rest teacher labels: only measured rows are
   * held out to pick the best epoch and calibrate the spread. Default: every row.
   */
  measured?: number;
}

const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;

// The K members of an ensemble train together as one batched graph: every weight has a leading
// member axis, so one tfjs op serves all members (op dispatch, not arithmetic, dominates at
// these sizes). Each member still has its own initialisation, validation split, batches and
// dropout masks, and its own best epoch.
interface BnVars {
  gamma: tf.Variable; // [K, 1, dim]
  beta: tf.Variable;
  mean: tf.Variable;
  variance: tf.Variable;
}
interface DenseVars {
  W: tf.Variable; // [K, in, out]
  b: tf.Variable; // [K, 1, out]
  bn?: BnVars;
}
interface Model {
  K: number;
  inBn?: BnVars;
  trunk: DenseVars[];
  heads: { hidden: DenseVars; out: DenseVars; cols: number[] }[];
  outDim: number;
}

// Dense layer with a hand-written gradient, one 2-D matMul per member: on the wasm backend a
// transposed matMul is ~10× slower than an explicit transpose followed by a plain one (10 ms vs
// 1 ms at 128×256×384), and a batched (3-D) matMul ~30× slower than K plain ones.
// (slices: the wasm backend's Unpack and SplitV kernels are slow, ~1–4 ms each)
function perMember(a: tf.Tensor3D): tf.Tensor2D[] {
  const [K, r, c] = a.shape;
  return Array.from({ length: K }, (_, k) => tf.reshape(tf.slice(a, [k, 0, 0], [1, r, c]), [r, c]) as tf.Tensor2D);
}
function joinMembers(parts: tf.Tensor2D[]): tf.Tensor3D {
  return (parts.length === 1 ? tf.expandDims(parts[0], 0) : tf.stack(parts)) as tf.Tensor3D;
}
const denseOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, W, b, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([x, W]);
  const xs = perMember(x);
  const Ws = perMember(W);
  return {
    value: tf.add(joinMembers(xs.map((xk, k) => tf.matMul(xk, Ws[k]))), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sW] = saved as [tf.Tensor3D, tf.Tensor3D];
      const dys = perMember(dy as tf.Tensor3D);
      const sxs = perMember(sx);
      const sWs = perMember(sW);
      return [
        joinMembers(dys.map((d, k) => tf.matMul(d, tf.transpose(sWs[k])))),
        joinMembers(dys.map((d, k) => tf.matMul(tf.transpose(sxs[k]), d))),
        tf.sum(dy, 1, true),
      ];
    },
  };
});

function uniform(n: number, bound: number, rand: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * bound;
  return a;
}

/** PyTorch's nn.Linear initialisation (uniform ±1/√fan_in for weights and bias), seeded per member. */
function makeDense(inDim: number, outDim: number, bn: boolean, rands: (() => number)[]): DenseVars {
  const K = rands.length;
  const bound = 1 / Math.sqrt(inDim);
  const W = new Float32Array(K * inDim * outDim);
  const b = new Float32Array(K * outDim);
  rands.forEach((r, k) => {
    W.set(uniform(inDim * outDim, bound, r), k * inDim * outDim);
    b.set(uniform(outDim, bound, r), k * outDim);
  });
  return {
    W: tf.variable(tf.tensor3d(W, [K, inDim, outDim])),
    b: tf.variable(tf.tensor3d(b, [K, 1, outDim])),
    bn: bn ? makeBn(K, outDim) : undefined,
  };
}

function makeBn(K: number, dim: number): BnVars {
  return {
    gamma: tf.variable(tf.ones([K, 1, dim])),
    beta: tf.variable(tf.zeros([K, 1, dim])),
    mean: tf.variable(tf.zeros([K, 1, dim]), false),
    variance: tf.variable(tf.ones([K, 1, dim]), false),
  };
}

function buildModel(inDim: number, groups: number[][], cfg: TrainConfig, rands: (() => number)[]): Model {
  const trunk: DenseVars[] = [];
  let d = inDim;
  for (const w of cfg.trunk) {
    trunk.push(makeDense(d, w, cfg.batchNorm, rands));
    d = w;
  }
  const heads = groups.map((cols) => ({
    hidden: makeDense(d, cfg.head, cfg.batchNorm, rands),
    out: makeDense(cfg.head, cols.length, false, rands),
    cols,
  }));
  return {
    K: rands.length,
    inBn: cfg.batchNorm ? makeBn(rands.length, inDim) : undefined,
    trunk,
    heads,
    outDim: groups.reduce((n, g) => n + g.length, 0),
  };
}

function trainableVars(m: Model): tf.Variable[] {
  const out: tf.Variable[] = [];
  const bn = (b?: BnVars) => b && out.push(b.gamma, b.beta);
  const dense = (l: DenseVars) => {
    out.push(l.W, l.b);
    bn(l.bn);
  };
  bn(m.inBn);
  m.trunk.forEach(dense);
  m.heads.forEach((h) => {
    dense(h.hidden);
    dense(h.out);
  });
  return out;
}

function allVars(m: Model): tf.Variable[] {
  const out = trainableVars(m);
  const stats = (b?: BnVars) => b && out.push(b.mean, b.variance);
  stats(m.inBn);
  m.trunk.forEach((l) => stats(l.bn));
  m.heads.forEach((h) => stats(h.hidden.bn));
  return out;
}

interface Ctx {
  training: boolean;
  dropout: number;
  rand: () => number;
  /** Batch statistics seen in a training pass, to update the running averages after the step. */
  stats: { bn: BnVars; mean: tf.Tensor; variance: tf.Tensor; n: number }[];
}

function batchNorm(x: tf.Tensor3D, bn: BnVars, ctx: Ctx): tf.Tensor3D {
  if (ctx.training) {
    const { mean, variance } = tf.moments(x, 1, true);
    ctx.stats.push({ bn, mean: tf.keep(mean), variance: tf.keep(variance), n: x.shape[1] });
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, BN_EPS))), bn.gamma), bn.beta);
  }
  return tf.add(tf.mul(tf.mul(tf.sub(x, bn.mean), tf.rsqrt(tf.add(bn.variance, BN_EPS))), bn.gamma), bn.beta);
}

/** Inverted-dropout mask from our seeded stream (tf.dropout's own generator is ~5× slower here). */
function dropoutMask(shape: number[], ctx: Ctx): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const keep = 1 - ctx.dropout;
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) m[i] = ctx.rand() < keep ? 1 / keep : 0;
  return tf.tensor(m, shape);
}

function swish(x: tf.Tensor3D): tf.Tensor3D {
  return tf.mul(x, tf.sigmoid(x));
}

function hidden(x: tf.Tensor3D, l: DenseVars, ctx: Ctx): tf.Tensor3D {
  let h = denseOp(x, l.W, l.b) as tf.Tensor3D;
  if (l.bn) h = batchNorm(h, l.bn, ctx);
  h = swish(h);
  if (ctx.training && ctx.dropout > 0) h = tf.mul(h, dropoutMask(h.shape, ctx)) as tf.Tensor3D;
  return h;
}

/** x: [K, B, d] → [K, B, outDim] (columns in head order). */
function forward(m: Model, x: tf.Tensor3D, ctx: Ctx): tf.Tensor3D {
  let h = m.inBn ? batchNorm(x, m.inBn, ctx) : x;
  for (const l of m.trunk) h = hidden(h, l, ctx);
  const outs = m.heads.map((hd) => denseOp(hidden(h, hd.hidden, ctx), hd.out.W, hd.out.b) as tf.Tensor3D);
  return outs.length === 1 ? outs[0] : tf.concat(outs, 2);
}

/** PyTorch OneCycleLR (cos annealing, pct_start 0.3, div 25, final div 1e4) with β1 cycling 0.95↔0.85. */
export function oneCycle(step: number, total: number, maxLr: number): { lr: number; beta1: number } {
  const initial = maxLr / 25;
  const min = initial / 1e4;
  const end1 = 0.3 * total - 1;
  const cosAnneal = (a: number, b: number, pct: number) => b + ((a - b) / 2) * (1 + Math.cos(Math.PI * pct));
  if (step <= end1) {
    const pct = end1 > 0 ? step / end1 : 1;
    return { lr: cosAnneal(initial, maxLr, pct), beta1: cosAnneal(0.95, 0.85, pct) };
  }
  const pct = (step - end1) / Math.max(total - 1 - end1, 1);
  return { lr: cosAnneal(maxLr, min, Math.min(pct, 1)), beta1: cosAnneal(0.85, 0.95, Math.min(pct, 1)) };
}

/** Adam over all weights at once: the gradients are flattened into one vector (few, large ops). */
class Adam {
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly sizes: number[];
  private b1Prod = 1;
  private b2Prod = 1;
  constructor(private readonly vars: tf.Variable[]) {
    this.sizes = vars.map((v) => v.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.variable(tf.zeros([total]), false);
    this.v = tf.variable(tf.zeros([total]), false);
  }
  step(grads: tf.NamedTensorMap, lr: number, beta1: number, beta2 = 0.999, eps = 1e-8): void {
    this.b1Prod *= beta1;
    this.b2Prod *= beta2;
    const c1 = 1 - this.b1Prod;
    const c2 = 1 - this.b2Prod;
    tf.tidy(() => {
      const g = tf.concat(this.vars.map((w) => tf.reshape(grads[w.name] ?? tf.zerosLike(w), [-1])));
      const m = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2));
      this.m.assign(m);
      this.v.assign(v);
      const upd = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.mul(v, 1 / c2)), eps));
      let off = 0;
      this.vars.forEach((w, i) => {
        w.assign(tf.sub(w, tf.reshape(tf.slice(upd, [off], [this.sizes[i]]), w.shape)));
        off += this.sizes[i];
      });
    });
  }
  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

function pairwiseRankLoss(pred: tf.Tensor3D, y: tf.Tensor3D): tf.Scalar {
  // logistic loss on every ordered pair of a member's batch; pred and y are [K, B, 1]
  const dp = tf.sub(pred, tf.transpose(pred, [0, 2, 1]));
  const sgn = tf.sign(tf.sub(y, tf.transpose(y, [0, 2, 1])));
  return tf.mean(tf.softplus(tf.neg(tf.mul(dp, sgn))));
}

/** Member k's slice of every variable (weights and batch-norm statistics). */
function snapshotMember(arrays: Float32Array[], vars: tf.Variable[], k: number, K: number): Float32Array[] {
  return vars.map((v, i) => {
    const per = v.size / K;
    return arrays[i].slice(k * per, (k + 1) * per);
  });
}

/** Folds member k's batch norms into its dense layers; drops heads that only predict cost. */
function exportMember(m: Model, vars: tf.Variable[], snap: Float32Array[], taskCols: number[]): Network {
  const get = (v: tf.Variable) => snap[vars.indexOf(v)];
  const bnScaleShift = (bn: BnVars) => {
    const [g, b, mu, v] = [bn.gamma, bn.beta, bn.mean, bn.variance].map(get);
    const s = new Float64Array(g.length);
    const t = new Float64Array(g.length);
    for (let i = 0; i < g.length; i++) {
      s[i] = g[i] / Math.sqrt(v[i] + BN_EPS);
      t[i] = b[i] - mu[i] * s[i];
    }
    return { s, t };
  };
  const toDense = (l: DenseVars, act: Dense['act'], inFold?: { s: Float64Array; t: Float64Array }): Dense => {
    const [, inDim, outDim] = l.W.shape as [number, number, number];
    const W = Float64Array.from(get(l.W));
    const b = Float64Array.from(get(l.b));
    if (inFold) {
      // y = (x·s + t)W + b = x·(diag(s)W) + (tW + b)
      for (let i = 0; i < inDim; i++) {
        for (let j = 0; j < outDim; j++) {
          b[j] += inFold.t[i] * W[i * outDim + j];
          W[i * outDim + j] *= inFold.s[i];
        }
      }
    }
    if (l.bn) {
      const { s, t } = bnScaleShift(l.bn);
      for (let j = 0; j < outDim; j++) {
        for (let i = 0; i < inDim; i++) W[i * outDim + j] *= s[j];
        b[j] = b[j] * s[j] + t[j];
      }
    }
    return { inDim, outDim, W: Float32Array.from(W), b: Float32Array.from(b), act };
  };
  const inFold = m.inBn ? bnScaleShift(m.inBn) : undefined;
  const trunk = m.trunk.map((l, i) => toDense(l, 'swish', i === 0 ? inFold : undefined));
  const heads: Network['heads'] = [];
  for (const h of m.heads) {
    if (!h.cols.every((c) => taskCols.includes(c))) continue; // another task's head, or the cost head
    const first = toDense(h.hidden, 'swish', trunk.length === 0 ? inFold : undefined);
    heads.push({ metrics: h.cols.map((c) => taskCols.indexOf(c)), layers: [first, toDense(h.out, 'linear')] });
  }
  return { trunk, heads };
}

function gatherRows(src: Float32Array, width: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

function resolveConfig(opts: TrainOptions): TrainConfig {
  const base = opts.base ?? NCP_RECIPE;
  const cfg = { ...base };
  for (const k of Object.keys(base) as (keyof TrainConfig)[]) {
    const v = opts[k];
    if (v !== undefined) (cfg as Record<string, unknown>)[k] = v;
  }
  if (!Number.isInteger(cfg.members) || cfg.members < 1) throw new RangeError(`members must be a positive integer, got ${cfg.members}`);
  if (!Number.isInteger(cfg.epochs) || cfg.epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${cfg.epochs}`);
  return cfg;
}

export interface TrainedPredictor {
  predictor: EnsemblePredictor;
  config: TrainConfig;
  /** Per member: best epoch and its validation MAE of the main metric. */
  members: { bestEpoch: number; valMae: number }[];
  /** Joint training: one predictor per task (predictor is the first), and their member facts. */
  predictors: EnsemblePredictor[];
  perTask: { bestEpoch: number; valMae: number }[][];
  seconds: number;
}

/**
 * Trains an ensemble on (inputs, targets). Inputs are raw codes of any fixed length: 27-number
 * network codes with features 'code' / 'code+cost' / 'arch', or any vector (e.g. the NAS-Bench-201
 * one-hot) with features 'raw'. targets[i][m] is metric m of input i; metrics[0] is the main one.
 */
export async function trainEnsemble(
  inputs: readonly ArrayLike<number>[],
  targets: readonly (readonly number[])[],
  opts: TrainOptions,
): Promise<TrainedPredictor> {
  const t0 = Date.now();
  const cfg = resolveConfig(opts);
  const n = inputs.length;
  const M = opts.metrics.length;
  if (M === 0) throw new RangeError('at least one metric is needed');
  if (targets.length !== n) throw new RangeError(`${n} inputs but ${targets.length} target rows`);
  if (n < 10) throw new RangeError(`need at least 10 training examples, got ${n}`);
  targets.forEach((t, i) => {
    if (t.length !== M || !t.every(Number.isFinite)) throw new RangeError(`targets[${i}]: expected ${M} finite numbers`);
  });
  const inputDim = inputs[0].length;
  if (cfg.features !== 'raw' && inputDim !== CODE_LENGTH) {
    throw new RangeError(`features '${cfg.features}' need ${CODE_LENGTH}-number codes; use features 'raw' for ${inputDim}-number inputs`);
  }
  await initBackend();

  const spec: FeatureSpec = fitFeatureSpec(cfg.features, inputs);
  const costHead = cfg.costHead && cfg.features !== 'raw';
  // Extended targets: the metrics, then log-FLOPs and log-params for the cost head.
  const ext = targets.map((t, i) => {
    if (!costHead) return [...t];
    const c = cost(inputs[i]);
    return [...t, Math.log(c.flops), Math.log(c.params)];
  });
  const E = ext[0].length;
  const tMean = new Array(E).fill(0);
  const tStd = new Array(E).fill(0);
  for (const row of ext) row.forEach((v, j) => (tMean[j] += v / n));
  for (const row of ext) row.forEach((v, j) => (tStd[j] += (v - tMean[j]) ** 2 / n));
  for (let j = 0; j < E; j++) tStd[j] = Math.sqrt(tStd[j]) > 1e-9 ? Math.sqrt(tStd[j]) : 1;

  const tasks = opts.tasks ?? [{ setting: opts.setting, metrics: opts.metrics, cols: Array.from({ length: M }, (_, i) => i) }];
  const groups: number[][] = [];
  for (const t of tasks) {
    if (cfg.splitHeads && t.cols.length > 1) groups.push([t.cols[0]], t.cols.slice(1));
    else groups.push([...t.cols]);
  }
  if (costHead) groups.push([M, M + 1]);
  const colOrder = groups.flat();
  if (colOrder.some((c, i) => c !== i)) throw new RangeError('task columns must be contiguous, in order, covering every metric');
  const mains = tasks.map((t) => t.cols[0]);

  const d = spec.mean.length;
  const X = new Float32Array(n * d);
  const Y = new Float32Array(n * E);
  for (let i = 0; i < n; i++) {
    const f = rawFeatures(cfg.features, inputs[i]);
    for (let k = 0; k < d; k++) X[i * d + k] = (f[k] - spec.mean[k]) / spec.std[k];
    colOrder.forEach((c, k) => (Y[i * E + k] = (ext[i][c] - tMean[c]) / tStd[c]));
  }
  const lossWeights = tf.tensor2d(
    colOrder.map((c) => (mains.includes(c) ? cfg.mainWeight : 1)),
    [1, E],
  );
  const mainCol = mains[0];

  const K = cfg.members;
  const rands = Array.from({ length: K }, (_, k) => makeRng(subSeed(opts.seed, opts.setting, 'member', k)));
  // Each member's own validation split (the authors' best-epoch rule) — also its out-of-bag set.
  const nMeasured = Math.min(n, opts.measured ?? n);
  const nVal = Math.max(1, Math.round(nMeasured * cfg.valFraction));
  const labelled = Array.from({ length: n - nMeasured }, (_, i) => nMeasured + i);
  const splits = rands.map((r) => {
    const perm = permutation(nMeasured, r);
    return { val: perm.slice(0, nVal).sort((a, b) => a - b), fit: [...perm.slice(nVal).sort((a, b) => a - b), ...labelled] };
  });
  const nFit = n - nVal;
  const groupCols = groups.map((g) => g.map((c) => colOrder.indexOf(c)));
  const model = buildModel(d, groupCols, cfg, rands);
  const vars = trainableVars(model);
  const everyVar = allVars(model);
  const adam = new Adam(vars);
  const dropRand = makeRng(subSeed(opts.seed, opts.setting, 'dropout'));
  const ctx: Ctx = { training: true, dropout: cfg.dropout, rand: dropRand, stats: [] };
  const batches: number[][] = [];
  const stepsPerEpoch = Math.ceil(nFit / cfg.batchSize) - (nFit % cfg.batchSize === 1 ? 1 : 0);
  const total = Math.max(1, stepsPerEpoch * cfg.epochs);
  const best = splits.map(() => tasks.map(() => ({ score: Infinity, epoch: -1, mae: Infinity, snap: [] as Float32Array[] })));
  const xVal = tf.tensor3d(gatherRows(X, d, splits.flatMap((sp) => sp.val)), [K, nVal, d]);
  let step = 0;
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const orders = splits.map((sp, k) => permutation(nFit, rands[k]).map((j) => sp.fit[j]));
      batches.length = 0;
      let lossSum = 0;
      let nb = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const B = Math.min(cfg.batchSize, nFit - s * cfg.batchSize);
        const idx = orders.flatMap((o) => o.slice(s * cfg.batchSize, s * cfg.batchSize + B));
        const { lr, beta1 } = oneCycle(step++, total, cfg.lr);
        ctx.training = true;
        const { value, grads } = tf.tidy(() => {
          // gathered on the JS side: tf.gather costs ~3 ms a call on wasm
          const xb = tf.tensor3d(gatherRows(X, d, idx), [K, B, d]);
          const yb = tf.tensor3d(gatherRows(Y, E, idx), [K, B, E]);
          return tf.variableGrads(() => {
            const pred = forward(model, xb, ctx);
            // ×K: each member's gradient is that of its own mean loss
            let loss = tf.mul(tf.losses.huberLoss(yb, pred, lossWeights, 1.0), K) as tf.Scalar;
            if (cfg.rankWeight > 0) {
              const pm = tf.slice(pred, [0, 0, mainCol], [-1, -1, 1]);
              const ym = tf.slice(yb, [0, 0, mainCol], [-1, -1, 1]);
              loss = tf.add(loss, tf.mul(pairwiseRankLoss(pm, ym), cfg.rankWeight * K));
            }
            return loss;
          }, vars);
        });
        adam.step(grads, lr, beta1);
        lossSum += (await value.data())[0] / K;
        nb++;
        if (opts.budget) {
          opts.budget.check();
          // a long epoch still reports every second (the epoch field: epochs completed)
          if (opts.budget.progressDue()) opts.onProgress?.({ member: K - 1, members: K, epoch: epoch - 1, epochs: cfg.epochs, loss: lossSum / nb, valMae: NaN });
        }
        tf.dispose([value, ...Object.values(grads)]);
        // running averages of the batch norms (PyTorch: momentum 0.1, unbiased variance)
        tf.tidy(() => {
          for (const st of ctx.stats) {
            st.bn.mean.assign(tf.add(tf.mul(st.bn.mean, 1 - BN_MOMENTUM), tf.mul(st.mean, BN_MOMENTUM)));
            st.bn.variance.assign(
              tf.add(tf.mul(st.bn.variance, 1 - BN_MOMENTUM), tf.mul(st.variance, (BN_MOMENTUM * st.n) / Math.max(st.n - 1, 1))),
            );
          }
        });
        tf.dispose(ctx.stats.flatMap((st) => [st.mean, st.variance]));
        ctx.stats = [];
      }
      ctx.training = false;
      const valPred = tf.tidy(() => forward(model, xVal, ctx));
      const vp = await valPred.data();
      valPred.dispose();
      let arrays: Float32Array[] | undefined;
      let maeSum = 0;
      for (let k = 0; k < K; k++) {
        tasks.forEach((t, ti) => {
          const c = t.cols[0];
          const yv = splits[k].val.map((i) => targets[i][c]);
          const pm = yv.map((_, r) => vp[(k * nVal + r) * E + c] * tStd[c] + tMean[c]);
          let mae = 0;
          for (let r = 0; r < nVal; r++) mae += Math.abs(pm[r] - yv[r]) / nVal;
          if (ti === 0) maeSum += mae;
          const score = cfg.select === 'tau' ? -kendallTau(pm, yv) : mae;
          if (score < best[k][ti].score) {
            arrays ??= everyVar.map((v) => v.dataSync() as Float32Array);
            best[k][ti] = { score, epoch, mae, snap: snapshotMember(arrays, everyVar, k, K) };
          }
        });
      }
      opts.onProgress?.({ member: K - 1, members: K, epoch, epochs: cfg.epochs, loss: lossSum / Math.max(nb, 1), valMae: maeSum / K });
    }
  } finally {
    adam.dispose();
    tf.dispose([lossWeights, xVal]);
  }
  const predictors = tasks.map((t, ti) => {
    const Mt = t.cols.length;
    const networks = best.map((b) => exportMember(model, everyVar, b[ti].snap, t.cols));
    const norm = { mean: t.cols.map((c) => tMean[c]), std: t.cols.map((c) => tStd[c]) };
    const spreadScale = new Array(Mt).fill(1);
    if (cfg.calibrate && K > 1) {
      // Out-of-bag calibration: each example is scored by the mean of the members that held it
      // out (an honest error) against the full ensemble's spread; the spread is scaled so that
      // the RMS of the standardised error is 1.
      const pred = new EnsemblePredictor(t.setting, t.metrics, spec, norm, networks, spreadScale);
      const oob = new Map<number, Float64Array[]>();
      splits.forEach((sp, k) => {
        const runner = new MemberRunner(networks[k], Mt);
        for (const i of sp.val) {
          const out = new Float64Array(Mt);
          runner.forwardAll(Float64Array.from(X.subarray(i * d, (i + 1) * d)), out);
          const list = oob.get(i) ?? [];
          list.push(out);
          oob.set(i, list);
        }
      });
      const sums = new Array(Mt).fill(0);
      for (const [i, rows] of oob) {
        const full = pred.predict(inputs[i]);
        for (let m = 0; m < Mt; m++) {
          const oobMean = (rows.reduce((a, r) => a + r[m], 0) / rows.length) * norm.std[m] + norm.mean[m];
          sums[m] += ((targets[i][t.cols[m]] - oobMean) / Math.max(full[m].std, 1e-9)) ** 2;
        }
      }
      for (let m = 0; m < Mt; m++) if (oob.size > 0) spreadScale[m] = Math.min(20, Math.max(0.25, Math.sqrt(sums[m] / oob.size)));
    }
    return new EnsemblePredictor(t.setting, t.metrics, spec, norm, networks, spreadScale);
  });
  everyVar.forEach((v) => v.dispose());
  const seconds = (Date.now() - t0) / 1000;
  const perTask = tasks.map((_, ti) => best.map((b) => ({ bestEpoch: b[ti].epoch, valMae: b[ti].mae })));
  return { predictor: predictors[0], predictors, perTask, config: cfg, members: perTask[0], seconds };
}

/**
 * The generic entry point (propagation trains NB201 predictors with it): inputs of any fixed
 * length — 27-number codes get the code features unless `features` says otherwise, anything
 * else is read as is.
 */
export async function trainPredictor(
  inputs: Float64Array[] | number[][],
  targets: number[][],
  opts: TrainOptions,
): Promise<EnsemblePredictor> {
  const dim = inputs.length > 0 ? inputs[0].length : 0;
  const features = opts.features ?? (dim === CODE_LENGTH ? NCP_RECIPE.features : 'raw');
  return (await trainEnsemble(inputs, targets, { ...opts, features })).predictor;
}
