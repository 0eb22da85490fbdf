// An ensemble of trained members for one setting: the DifferentiablePredictor everyone uses.
// The mean of a prediction is the members' mean; its spread is the members' standard deviation
// times a per-metric calibration factor fitted out-of-bag at training time.
import * as tf from '@tensorflow/tfjs-core';
import type { DifferentiablePredictor, Estimate } from './types';
import { chainToInput, features, rawFeatureMatrix, type FeatureSpec } from './features';
import { MemberRunner, type Dense, type Network } from './network';
import { backendInUse } from './backend';

export interface TargetNorm {
  /** Per metric: outputs are standardised as (y − mean) / std. */
  mean: number[];
  std: number[];
}

/** Batches at least this large go through tfjs; smaller ones through the typed-array path. */
export const TFJS_BATCH = 64;

export class EnsemblePredictor implements DifferentiablePredictor {
  private readonly runners: MemberRunner[];
  private readonly featBuf: Float64Array;
  private readonly outBuf: Float64Array;
  private readonly gradBuf: Float64Array;
  /** Scratch for valueAndGrad/predictMetric: the members' values and the summed feature gradient. */
  private readonly valBuf: Float64Array;
  private readonly gFeatBuf: Float64Array;
  /** Counts forward passes that leave activations behind (see predictMetricLazy). */
  private forwardId = 0;
  private tensors?: { W: tf.Tensor2D; b: tf.Tensor1D; act: Dense['act'] }[][][];

  constructor(
    readonly setting: string,
    readonly metrics: readonly string[],
    readonly spec: FeatureSpec,
    readonly target: TargetNorm,
    readonly members: readonly Network[],
    /** Per metric: multiplies the members' standard deviation. */
    readonly spreadScale: readonly number[],
  ) {
    if (members.length === 0) throw new RangeError(`${setting}: an ensemble needs at least one member`);
    this.runners = members.map((net) => new MemberRunner(net, metrics.length));
    this.featBuf = new Float64Array(spec.mean.length);
    this.outBuf = new Float64Array(metrics.length);
    this.gradBuf = new Float64Array(spec.mean.length);
    this.valBuf = new Float64Array(members.length);
    this.gFeatBuf = new Float64Array(spec.mean.length);
  }

  get inputDim(): number {
    return this.spec.inputDim;
  }

  /** Mean and spread from per-member values (already in original units). */
  private estimate(values: ArrayLike<number>, m: number): Estimate {
    const K = values.length;
    let mean = 0;
    for (let k = 0; k < K; k++) mean += values[k];
    mean /= K;
    let v = 0;
    for (let k = 0; k < K; k++) v += (values[k] - mean) ** 2;
    const std = K > 1 ? Math.sqrt(v / (K - 1)) * this.spreadScale[m] : 0;
    return { mean, std };
  }

  predict(input: ArrayLike<number>): Estimate[] {
    const x = features(this.spec, input, this.featBuf);
    const M = this.metrics.length;
    const K = this.runners.length;
    const vals = new Float64Array(K * M);
    this.forwardId++;
    for (let k = 0; k < K; k++) {
      this.runners[k].forwardAll(x, this.outBuf);
      for (let m = 0; m < M; m++) vals[m * K + k] = this.outBuf[m] * this.target.std[m] + this.target.mean[m];
    }
    const out: Estimate[] = new Array(M);
    for (let m = 0; m < M; m++) out[m] = this.estimate(vals.subarray(m * K, (m + 1) * K), m);
    return out;
  }

  /**
   * The estimate of one metric, equal to predict(input)[metric] but running only the trunk and
   * that metric's head (propagation objectives usually need one metric of a setting).
   */
  predictMetric(input: ArrayLike<number>, metric: number): Estimate {
    this.checkMetric(metric);
    const x = features(this.spec, input, this.featBuf);
    const K = this.runners.length;
    const vals = this.valBuf;
    const s = this.target.std[metric];
    const mu = this.target.mean[metric];
    for (let k = 0; k < K; k++) vals[k] = this.runners[k].forwardMetric(x, metric) * s + mu;
    this.forwardId++;
    return this.estimate(vals, metric);
  }

  /**
   * predictMetric plus a gradient on demand: `grad()` equals valueAndGrad(input, metric).grad.
   * While no other forward pass has run on this predictor since, it only runs the backward
   * passes over the activations the forward left behind (a search that checks a move and takes
   * it pays one forward, not two); otherwise it recomputes.
   */
  predictMetricLazy(input: ArrayLike<number>, metric: number): Estimate & { grad(): Float64Array } {
    const est = this.predictMetric(input, metric);
    const id = this.forwardId;
    const inp = Array.from(input);
    let grad: Float64Array | undefined;
    return {
      mean: est.mean,
      std: est.std,
      grad: () => {
        if (grad) return grad;
        if (this.forwardId !== id) return (grad = this.valueAndGrad(inp, metric).grad);
        const K = this.runners.length;
        const gFeat = this.gFeatBuf;
        gFeat.fill(0);
        const s = this.target.std[metric];
        const gb = this.gradBuf;
        for (let k = 0; k < K; k++) {
          this.runners[k].backwardMetric(metric, gb);
          for (let i = 0; i < gFeat.length; i++) gFeat[i] += (gb[i] * s) / K;
        }
        return (grad = chainToInput(this.spec, inp, gFeat));
      },
    };
  }

  private checkMetric(metric: number): void {
    if (!Number.isInteger(metric) || metric < 0 || metric >= this.metrics.length) {
      throw new RangeError(`${this.setting}: metric index ${metric} out of range 0–${this.metrics.length - 1}`);
    }
  }

  predictBatch(inputs: readonly ArrayLike<number>[]): Estimate[][] {
    if (inputs.length < TFJS_BATCH || backendInUse() === undefined) return inputs.map((x) => this.predict(x));
    return this.predictBatchTf(inputs);
  }

  /** The tfjs path (also used by the benchmark to compare with the typed-array path). */
  predictBatchTf(inputs: readonly ArrayLike<number>[]): Estimate[][] {
    const x = tf.tensor2d(rawFeatureMatrix(this.spec, inputs), [inputs.length, this.spec.mean.length]);
    try {
      return this.predictRawTensor(x);
    } finally {
      x.dispose();
    }
  }

  /**
   * Predictions from a tensor of unstandardised features [N, featureDim] (rawFeatureMatrix; the
   * caller keeps it): a predictor set computes a batch's features once for all its settings.
   */
  predictRawTensor(x: tf.Tensor2D): Estimate[][] {
    const [N, d] = x.shape;
    if (d !== this.spec.mean.length) throw new RangeError(`${this.setting}: expected ${this.spec.mean.length} features, got ${d}`);
    const M = this.metrics.length;
    const K = this.runners.length;
    const tensors = this.weightTensors();
    // all members' outputs side by side, [N, K·M] (metric order within each member): one read-back
    const out = tf.tidy(() => {
      const run = (h: tf.Tensor2D, layers: { W: tf.Tensor2D; b: tf.Tensor1D; act: Dense['act'] }[]) => {
        for (const l of layers) {
          // bias fused into the matMul: one op (and one pass over the activations) fewer per layer
          h = tf.fused.matMul({ a: h, b: l.W, bias: l.b }) as tf.Tensor2D;
          if (l.act === 'swish') h = tf.mul(h, tf.sigmoid(h));
        }
        return h;
      };
      const members = this.members.map((net, k) => {
        const [trunk, ...heads] = tensors[k];
        const t = run(x, trunk);
        const hs = heads.map((layers) => run(t, layers));
        const cat = hs.length === 1 ? hs[0] : tf.concat(hs, 1);
        // reorder head outputs into metric order (nothing to do for one head in order)
        const order = net.heads.flatMap((h) => h.metrics);
        if (order.every((m, i) => m === i)) return cat;
        const perm = Array.from({ length: M }, (_, m) => order.indexOf(m));
        return tf.gather(cat, perm, 1);
      });
      return members.length === 1 ? members[0] : tf.concat(members, 1);
    });
    const data = out.dataSync();
    out.dispose();
    const vals = new Float64Array(K);
    const result: Estimate[][] = new Array(N);
    const KM = K * M;
    for (let i = 0; i < N; i++) {
      const row: Estimate[] = new Array(M);
      for (let m = 0; m < M; m++) {
        for (let k = 0; k < K; k++) vals[k] = data[i * KM + k * M + m] * this.target.std[m] + this.target.mean[m];
        row[m] = this.estimate(vals, m);
      }
      result[i] = row;
    }
    return result;
  }

  /**
   * tfjs copies of the members' layers, with the feature standardisation folded into the layers
   * that read the features: (f − μ)/σ · W + b = f · (W/σ) + (b − (μ/σ) · W).
   */
  private weightTensors() {
    if (!this.tensors) {
      const { mean, std } = this.spec;
      const conv = (l: Dense, first: boolean) => {
        if (!first) return { W: tf.tensor2d(l.W, [l.inDim, l.outDim]), b: tf.tensor1d(l.b), act: l.act };
        const W = new Float32Array(l.W.length);
        const b = Float64Array.from(l.b);
        for (let i = 0; i < l.inDim; i++) {
          for (let j = 0; j < l.outDim; j++) {
            const w = l.W[i * l.outDim + j] / std[i];
            W[i * l.outDim + j] = w;
            b[j] -= mean[i] * w;
          }
        }
        return { W: tf.tensor2d(W, [l.inDim, l.outDim]), b: tf.tensor1d(Float32Array.from(b)), act: l.act };
      };
      this.tensors = this.members.map((net) => [
        net.trunk.map((l, i) => conv(l, i === 0)),
        ...net.heads.map((h) => h.layers.map((l, i) => conv(l, i === 0 && net.trunk.length === 0))),
      ]);
    }
    return this.tensors;
  }

  valueAndGrad(input: ArrayLike<number>, metric: number): { mean: number; std: number; grad: Float64Array } {
    this.checkMetric(metric);
    const x = features(this.spec, input, this.featBuf);
    const K = this.runners.length;
    const gFeat = this.gFeatBuf;
    gFeat.fill(0);
    const vals = this.valBuf;
    const s = this.target.std[metric];
    const gb = this.gradBuf;
    this.forwardId++;
    for (let k = 0; k < K; k++) {
      vals[k] = this.runners[k].valueAndGrad(x, metric, gb) * s + this.target.mean[metric];
      for (let i = 0; i < x.length; i++) gFeat[i] += (gb[i] * s) / K;
    }
    const { mean, std } = this.estimate(vals, metric);
    return { mean, std, grad: chainToInput(this.spec, input, gFeat) };
  }

  /** Frees the tfjs copies of the weights (the typed-array path keeps working). */
  dispose(): void {
    if (this.tensors) tf.dispose(this.tensors.flat(2).flatMap((l) => [l.W, l.b]));
    this.tensors = undefined;
  }
}
