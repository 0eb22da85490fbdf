// What a transfer model reads of a network: the source predictors' predictions of their main
// metric (standardised by fixed numbers), log FLOPs/params for network codes, and the
// standardised architecture features (features.ts) of the code.
import { CODE_LENGTH } from '../../space/multires';
import { cost, costGradient } from '../../cost';
import { chainToInput, features, type FeatureSpec } from '../features';
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
  for (let i = 0; i < n; i++) {
    if (map.cost) {
      const lc = logCost(inputs[i]);
      for (let j = 0; j < 2; j++) zCost[i * 2 + j] = (lc[j] - map.cost.mean[j]) / map.cost.std[j];
    }
    u.set(features(map.spec, inputs[i], buf), i * dU);
  }
  return { n, zSrc, dSrc, zCost, dCost, u, dU };
}

/** Gradients of one code's features with respect to the code, combined with weights on each block. */
export function featureGradient(
  map: FeatureMap,
  x: ArrayLike<number>,
  wSrc: ArrayLike<number>,
  wCost: ArrayLike<number>,
  gU: Float64Array,
): Float64Array {
  // no RBF part (stacking): its chain rule through the architecture features would add zeros
  const g = gU.some((v) => v !== 0) ? chainToInput(map.spec, x, gU) : new Float64Array(x.length);
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
