// What a transfer model reads of a network: the source predictors' predictions of their main
// metric (standardised by fixed numbers), log FLOPs/params for network codes, the
// standardised architecture features (features.ts) of the code and, where the sources are
// trained ensembles, their members' trunk activations (the representation each source learned
// of a network; batch norms folded into the layers keep them on a common scale).
import { CODE_LENGTH } from '../../space/multires';
import { cost, costGradient } from '../../cost';
import { chainToInput, features, type FeatureSpec } from '../features';
import type { Dense, Network } from '../network';
import type { DifferentiablePredictor } from '../types';
import type { RowFeatures } from './gpFit';

/** A source predictor and the numbers that standardise its main metric. */
export interface SourceInput {
  setting: string;
  predictor: DifferentiablePredictor;
  mean: number;
  std: number;
}

export interface Standardiser {
  mean: number[];
  std: number[];
}

/** Everything that turns codes into RowFeatures. */
export interface FeatureMap {
  sources: readonly SourceInput[];
  /** log FLOPs and log params standardisation (network codes only; undefined: no cost features). */
  cost?: Standardiser;
  /** The architecture (or raw one-hot) features of the RBF part. */
  spec: FeatureSpec;
  /** Whether rows carry the sources' trunk activations (a kernel weighs them). */
  trunk?: boolean;
}

/** A source ensemble's trunk: its feature spec and each member's trunk layers. */
export interface SourceTrunk {
  spec: FeatureSpec;
  members: readonly (readonly Dense[])[];
}

/** The trunk of a source that is a trained ensemble with hidden trunk layers (else undefined). */
export function trunkOf(p: DifferentiablePredictor): SourceTrunk | undefined {
  const q = p as unknown as { spec?: FeatureSpec; members?: readonly Network[] };
  if (!q.spec || !Array.isArray(q.members)) return undefined;
  const members = q.members.map((n) => n.trunk).filter((t) => t.length > 0);
  return members.length > 0 ? { spec: q.spec, members } : undefined;
}

/** The trunks of a map's sources (those that have one). */
export function sourceTrunks(map: FeatureMap): SourceTrunk[] {
  return map.sources.flatMap((s) => trunkOf(s.predictor) ?? []);
}

/** Number of trunk activations of these trunks. */
export function trunkDim(trunks: readonly SourceTrunk[]): number {
  let d = 0;
  for (const t of trunks) for (const layers of t.members) d += layers[layers.length - 1].outDim;
  return d;
}

/**
 * Most numbers a row keeps of the trunk activations: more are summed into this many by a fixed
 * count sketch (activation i goes, with a hashed sign, into a hashed bucket; scaled by √(P/D) so
 * that squared distances shrink by P/D on average and ℓ_t = 0.5·√P still applies). The shipped
 * set has 8 × 5 × 128 = 5,120 activations: a 1,000-row model predicted 1,000 networks in 14.7 s
 * with all of them (bench/transfer-train-time.ts). Measured on the bench's splits (seeds 1–10,
 * k = 10/20/50), a Gaussian projection to 1,024 numbers changed τ by at most 0.004.
 */
export const TRUNK_SKETCH = 1024;

/** Hash of an index (deterministic; the sketch must be the same at fit and load). */
function hash(i: number): number {
  let h = Math.imul(i + 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

interface Sketch {
  bucket: Int32Array;
  /** Sign times the √(P/D) scale. */
  weight: Float64Array;
  dim: number;
}

const sketches = new Map<number, Sketch | undefined>();

/** The count sketch of D activations (undefined: D is small enough to keep as is). */
function sketchOf(D: number): Sketch | undefined {
  if (!sketches.has(D)) {
    if (D <= TRUNK_SKETCH) sketches.set(D, undefined);
    else {
      const P = TRUNK_SKETCH;
      const scale = Math.sqrt(P / D);
      const bucket = new Int32Array(D);
      const weight = new Float64Array(D);
      for (let i = 0; i < D; i++) {
        const h = hash(i);
        bucket[i] = h % P;
        weight[i] = (h >>> 31 ? -1 : 1) * scale;
      }
      sketches.set(D, { bucket, weight, dim: P });
    }
  }
  return sketches.get(D);
}

/** Numbers a row holds of these trunks (the sketch's size above TRUNK_SKETCH). */
export function trunkRowDim(trunks: readonly SourceTrunk[]): number {
  const D = trunkDim(trunks);
  return sketchOf(D)?.dim ?? D;
}

/** The trunk part of one row: the activations, sketched when there are many, at out[offset…]. */
export function trunkRow(trunks: readonly SourceTrunk[], x: ArrayLike<number>, out: Float64Array, offset = 0): void {
  const D = trunkDim(trunks);
  const sk = sketchOf(D);
  if (!sk) return trunkActivations(trunks, x, out, offset);
  const a = new Float64Array(D);
  trunkActivations(trunks, x, a, 0);
  out.fill(0, offset, offset + sk.dim);
  for (let i = 0; i < D; i++) out[offset + sk.bucket[i]] += sk.weight[i] * a[i];
}

/** The gradient of the trunk part of a row (gRow: with respect to its numbers) with respect to x. */
export function trunkRowGradient(trunks: readonly SourceTrunk[], x: ArrayLike<number>, gRow: ArrayLike<number>): Float64Array {
  const D = trunkDim(trunks);
  const sk = sketchOf(D);
  if (!sk) return trunkGradient(trunks, x, gRow);
  const gA = new Float64Array(D);
  for (let i = 0; i < D; i++) gA[i] = sk.weight[i] * gRow[sk.bucket[i]];
  return trunkGradient(trunks, x, gA);
}

/** Float64 copies of layers' weights and biases (the float32 ones are slow to read in a hot loop). */
const wide = new WeakMap<Dense, { W: Float64Array; b: Float64Array }>();

/** One dense layer (row-major [in][out]); keeps the pre-activation when asked. */
function dense(l: Dense, x: Float64Array, pre?: Float64Array): Float64Array {
  let w = wide.get(l);
  if (!w) wide.set(l, (w = { W: Float64Array.from(l.W), b: Float64Array.from(l.b) }));
  const { W, b } = w;
  const outDim = l.outDim;
  const out = Float64Array.from(b);
  for (let i = 0; i < l.inDim; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * outDim;
    for (let j = 0; j < outDim; j++) out[j] += xi * W[row + j];
  }
  if (pre) pre.set(out);
  if (l.act === 'swish') for (let j = 0; j < outDim; j++) out[j] = out[j] / (1 + Math.exp(-out[j]));
  return out;
}

/** The trunk activations of one input, every source and member side by side, written at out[offset…]. */
export function trunkActivations(trunks: readonly SourceTrunk[], x: ArrayLike<number>, out: Float64Array, offset = 0): void {
  let o = offset;
  for (const t of trunks) {
    const f = features(t.spec, x);
    for (const layers of t.members) {
      let h = f;
      for (const l of layers) h = dense(l, h);
      out.set(h, o);
      o += h.length;
    }
  }
}

/** Σ_k g[k]·∂(trunk activation k)/∂x: gT in the layout of trunkActivations. */
export function trunkGradient(trunks: readonly SourceTrunk[], x: ArrayLike<number>, gT: ArrayLike<number>): Float64Array {
  const g = new Float64Array(x.length);
  let o = 0;
  for (const t of trunks) {
    const f = features(t.spec, x);
    const gFeat = new Float64Array(f.length);
    for (const layers of t.members) {
      const pres = layers.map((l) => new Float64Array(l.outDim));
      let h = f;
      layers.forEach((l, k) => (h = dense(l, h, pres[k])));
      let gOut = Float64Array.from({ length: h.length }, (_, j) => gT[o + j]);
      o += h.length;
      for (let k = layers.length - 1; k >= 0; k--) {
        const l = layers[k];
        if (l.act === 'swish') {
          for (let j = 0; j < l.outDim; j++) {
            const s = 1 / (1 + Math.exp(-pres[k][j]));
            gOut[j] *= s + pres[k][j] * s * (1 - s);
          }
        }
        const gIn = new Float64Array(l.inDim);
        for (let i = 0; i < l.inDim; i++) {
          const row = i * l.outDim;
          let a = 0;
          for (let j = 0; j < l.outDim; j++) a += l.W[row + j] * gOut[j];
          gIn[i] = a;
        }
        gOut = gIn;
      }
      for (let i = 0; i < gFeat.length; i++) gFeat[i] += gOut[i];
    }
    const gx = chainToInput(t.spec, x, gFeat);
    for (let i = 0; i < g.length; i++) g[i] += gx[i];
  }
  return g;
}

const TINY = 1e-6;

/** The main-metric mean of one source (one metric's forward pass when the predictor offers it). */
function sourceMean(p: DifferentiablePredictor, x: ArrayLike<number>): number {
  const fast = (p as { predictMetric?: (x: ArrayLike<number>, m: number) => { mean: number } }).predictMetric;
  return typeof fast === 'function' ? fast.call(p, x, 0).mean : p.predict(x)[0].mean;
}

export function logCost(x: ArrayLike<number>): [number, number] {
  const c = cost(x);
  return [Math.log(Math.max(c.flops, TINY)), Math.log(Math.max(c.params, TINY))];
}

/** Features of many codes; the sources predict in one batch each (their fast path). */
export function rowFeatures(map: FeatureMap, inputs: readonly ArrayLike<number>[]): RowFeatures {
  const n = inputs.length;
  const dSrc = map.sources.length;
  const dCost = map.cost ? 2 : 0;
  const dU = map.spec.mean.length;
  const zSrc = new Float64Array(n * dSrc);
  map.sources.forEach((s, j) => {
    const est = n >= 64 ? s.predictor.predictBatch(inputs).map((e) => e[0].mean) : inputs.map((x) => sourceMean(s.predictor, x));
    for (let i = 0; i < n; i++) zSrc[i * dSrc + j] = (est[i] - s.mean) / s.std;
  });
  const zCost = new Float64Array(n * dCost);
  const u = new Float64Array(n * dU);
  const buf = new Float64Array(dU);
  const trunks = map.trunk ? sourceTrunks(map) : [];
  const dT = trunkRowDim(trunks);
  const t = new Float64Array(n * dT);
  for (let i = 0; i < n; i++) {
    if (dT > 0) trunkRow(trunks, inputs[i], t, i * dT);
    if (map.cost) {
      const lc = logCost(inputs[i]);
      for (let j = 0; j < 2; j++) zCost[i * 2 + j] = (lc[j] - map.cost.mean[j]) / map.cost.std[j];
    }
    u.set(features(map.spec, inputs[i], buf), i * dU);
  }
  return { n, zSrc, dSrc, zCost, dCost, u, dU, t, dT };
}

/** Gradients of one code's features with respect to the code, combined with weights on each block. */
export function featureGradient(
  map: FeatureMap,
  x: ArrayLike<number>,
  wSrc: ArrayLike<number>,
  wCost: ArrayLike<number>,
  gU: Float64Array,
  gT?: Float64Array,
): Float64Array {
  // no RBF part (stacking): its chain rule through the architecture features would add zeros
  const g = gU.some((v) => v !== 0) ? chainToInput(map.spec, x, gU) : new Float64Array(x.length);
  if (gT && gT.some((v) => v !== 0)) {
    const gt = trunkRowGradient(sourceTrunks(map), x, gT);
    for (let i = 0; i < g.length; i++) g[i] += gt[i];
  }
  map.sources.forEach((s, j) => {
    if (wSrc[j] === 0) return;
    const sg = s.predictor.valueAndGrad(x, 0).grad;
    for (let i = 0; i < g.length; i++) g[i] += (wSrc[j] * sg[i]) / s.std;
  });
  if (map.cost && x.length === CODE_LENGTH) {
    const { cost: c, dFlops, dParams } = costGradient(x);
    const gf = c.flops > TINY ? wCost[0] / map.cost.std[0] / c.flops : 0;
    const gp = c.params > TINY ? wCost[1] / map.cost.std[1] / c.params : 0;
    for (let i = 0; i < g.length; i++) g[i] += gf * dFlops[i] + gp * dParams[i];
  }
  return g;
}

/** Mean and standard deviation of each column (std floored), for standardisers fitted on rows. */
export function columnStats(cols: number, rows: readonly ArrayLike<number>[]): Standardiser {
  const mean = new Array<number>(cols).fill(0);
  const sq = new Array<number>(cols).fill(0);
  for (const r of rows) {
    for (let j = 0; j < cols; j++) {
      mean[j] += r[j];
      sq[j] += r[j] * r[j];
    }
  }
  const n = Math.max(rows.length, 1);
  return {
    mean: mean.map((m) => m / n),
    std: sq.map((s, j) => {
      const v = Math.sqrt(Math.max(s / n - (mean[j] / n) ** 2, 0));
      return v > 1e-6 ? v : 1;
    }),
  };
}
