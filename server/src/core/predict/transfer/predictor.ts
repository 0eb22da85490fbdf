// A transfer predictor: the Gaussian process of gpFit.ts over a setting of the user's own,
// reading the source predictors' predictions (features.ts). It keeps the user's rows (they are
// in the user's own model folder, never sent anywhere) and refactors its kernel when loaded.
import type { DifferentiablePredictor, Estimate } from '../types';
import { backwardSolve, emptyParts, factorGram, forwardSolve, gramParts, kernelParts, kernelValue, type Calibration, type KernelHyper, type KernelParts, type RowFeatures } from './gpFit';
import { featureGradient, rowFeatures, type FeatureMap } from './features';

/** One metric's fitted model: the chosen kernel, the target standardisation and the spread calibration. */
export interface MetricModel {
  hyper: KernelHyper;
  yMean: number;
  yStd: number;
  calibration: Calibration;
}

/** What a transfer model file holds (besides the sources themselves, which live beside it). */
export interface TransferModel {
  setting: string;
  metrics: string[];
  inputDim: number;
  rows: number[][];
  targets: number[][];
  models: MetricModel[];
}

interface Fitted {
  m: MetricModel;
  L: Float64Array;
  alpha: Float64Array;
  /** Σ_i α_i z_i per block: the linear parts' weights on a new row's features. */
  wSrc: Float64Array;
  wCost: Float64Array;
}

/** Whether features made elsewhere fit n rows of this map (else they are made again). */
function sameShape(f: RowFeatures, n: number, map: FeatureMap): boolean {
  return f.n === n && f.dSrc === map.sources.length && f.zSrc.length === n * f.dSrc && f.zCost.length === n * f.dCost && f.u.length === n * f.dU && f.t.length === n * f.dT && (f.dT > 0) === !!map.trunk;
}

export class TransferPredictor implements DifferentiablePredictor {
  readonly setting: string;
  readonly metrics: readonly string[];
  readonly inputDim: number;
  /** The training rows' features (a fitting worker hands them over with the model). */
  readonly train: RowFeatures;
  private readonly fitted: Fitted[];

  constructor(
    readonly model: TransferModel,
    readonly map: FeatureMap,
    /** The rows' features when already made (by the process that fitted the model): else made here. */
    train?: RowFeatures,
  ) {
    this.setting = model.setting;
    this.metrics = model.metrics;
    this.inputDim = model.inputDim;
    const n = model.rows.length;
    if (n < 1) throw new RangeError(`${model.setting}: a transfer model needs at least one row`);
    this.train = train && sameShape(train, n, map) ? train : rowFeatures(map, model.rows);
    const g = gramParts(this.train);
    this.fitted = model.models.map((m, k) => {
      const L = factorGram(g, n, m.hyper) ?? factorGram(g, n, { ...m.hyper, noise: Math.max(m.hyper.noise, 0.1) });
      if (!L) throw new RangeError(`${model.setting}: the kernel of metric '${model.metrics[k]}' cannot be factored`);
      const alpha = Float64Array.from(model.targets, (t) => (t[k] - m.yMean) / m.yStd);
      forwardSolve(L, n, alpha);
      backwardSolve(L, n, alpha);
      const { dSrc, dCost, zSrc, zCost } = this.train;
      const wSrc = new Float64Array(dSrc);
      const wCost = new Float64Array(dCost);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < dSrc; j++) wSrc[j] += alpha[i] * zSrc[i * dSrc + j];
        for (let j = 0; j < dCost; j++) wCost[j] += alpha[i] * zCost[i * dCost + j];
      }
      return { m, L, alpha, wSrc, wCost };
    });
  }

  /** The spread is calibrated on the user's rows (leave-one-out), per metric. */
  calibration(metric = 0): Calibration {
    return this.model.models[metric].calibration;
  }

  private estimates(f: RowFeatures, i: number, parts: KernelParts): Estimate[] {
    const n = this.train.n;
    kernelParts(f, i, this.train, parts);
    // k(x, x): the linear parts of the row with itself, the RBF at distance 0
    let lin = 0;
    for (let j = 0; j < f.dSrc; j++) lin += f.zSrc[i * f.dSrc + j] ** 2;
    lin = f.dSrc > 0 ? lin / f.dSrc : 0;
    let cst = 0;
    for (let j = 0; j < f.dCost; j++) cst += f.zCost[i * f.dCost + j] ** 2;
    cst = f.dCost > 0 ? cst / f.dCost : 0;
    const k = new Float64Array(n);
    return this.fitted.map(({ m, L, alpha }) => {
      let mu = 0;
      for (let j = 0; j < n; j++) {
        k[j] = kernelValue(m.hyper, parts.lin[j], parts.cost[j], parts.d2[j], parts.d2t[j]);
        mu += k[j] * alpha[j];
      }
      forwardSolve(L, n, k);
      let q = 0;
      for (let j = 0; j < n; j++) q += k[j] * k[j];
      const v = Math.max(kernelValue(m.hyper, lin, cst, 0) - q, 0) + m.hyper.noise;
      return { mean: m.yMean + m.yStd * mu, std: m.yStd * Math.sqrt(v) * m.calibration.scale };
    });
  }

  private check(input: ArrayLike<number>): void {
    if (input.length !== this.inputDim) throw new RangeError(`${this.setting}: predictor input has ${this.inputDim} numbers, got ${input.length}`);
  }

  predict(input: ArrayLike<number>): Estimate[] {
    this.check(input);
    return this.predictBatch([input])[0];
  }

  predictBatch(inputs: readonly ArrayLike<number>[]): Estimate[][] {
    for (const x of inputs) this.check(x);
    const f = rowFeatures(this.map, inputs);
    const n = this.train.n;
    const parts: KernelParts = emptyParts(n);
    return inputs.map((_, i) => this.estimates(f, i, parts));
  }

  valueAndGrad(input: ArrayLike<number>, metric: number): { mean: number; std: number; grad: Float64Array } {
    this.check(input);
    if (!Number.isInteger(metric) || metric < 0 || metric >= this.metrics.length) throw new RangeError(`${this.setting}: metric index ${metric} out of range 0–${this.metrics.length - 1}`);
    const f = rowFeatures(this.map, [input]);
    const n = this.train.n;
    const parts: KernelParts = emptyParts(n);
    const est = this.estimates(f, 0, parts)[metric];
    const { m, alpha, wSrc, wCost } = this.fitted[metric];
    const h = m.hyper;
    const dU = this.train.dU;
    const gU = new Float64Array(dU);
    if (h.rbf > 0) {
      for (let j = 0; j < n; j++) {
        const e = h.rbf * Math.exp(-parts.d2[j] / (2 * h.ls * h.ls)) * alpha[j];
        const c = -e / (h.ls * h.ls);
        for (let t = 0; t < dU; t++) gU[t] += c * (f.u[t] - this.train.u[j * dU + t]);
      }
    }
    const dT = this.train.dT;
    let gT: Float64Array | undefined;
    if (h.trunk && h.trunk > 0 && h.tls && dT > 0) {
      gT = new Float64Array(dT);
      for (let j = 0; j < n; j++) {
        const e = h.trunk * Math.exp(-parts.d2t[j] / (2 * h.tls * h.tls)) * alpha[j];
        const c = -e / (h.tls * h.tls);
        for (let t = 0; t < dT; t++) gT[t] += c * (f.t[t] - this.train.t[j * dT + t]);
      }
    }
    const dSrc = this.train.dSrc;
    const dCost = this.train.dCost;
    const ws = Float64Array.from(wSrc, (w) => (h.src * w) / Math.max(dSrc, 1));
    const wc = Float64Array.from(wCost, (w) => (h.cost * w) / Math.max(dCost, 1));
    const g = featureGradient(this.map, input, ws, wc, gU, gT);
    for (let t = 0; t < g.length; t++) g[t] *= m.yStd;
    return { mean: est.mean, std: est.std, grad: g };
  }
}
