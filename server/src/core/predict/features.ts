// From a predictor's input (a code in its space) to the standardised feature vector its
// networks read, and the chain rule back from feature gradients to input gradients.
import { CODE_LENGTH, CODE_KINDS, BENCHMARK_RANGE } from '../space/multires';
import { cost, costGradient } from '../cost';

/**
 * 'code': the 27 code numbers scaled to [0, 1] over the benchmark range (the authors' input);
 * 'code+cost': the same plus exact log-FLOPs and log-params of the network (cost.ts);
 * 'raw': the input as is (NAS-Bench-201 one-hot, or any vector a caller trains on).
 */
export type FeatureKind = 'code' | 'code+cost' | 'raw';

export interface FeatureSpec {
  kind: FeatureKind;
  /** Length of the predictor's input. */
  inputDim: number;
  /** Per-feature mean and standard deviation over the training set (the networks read (f − mean) / std). */
  mean: number[];
  std: number[];
}

export function featureDim(kind: FeatureKind, inputDim: number): number {
  if (kind === 'raw') return inputDim;
  return kind === 'code+cost' ? CODE_LENGTH + 2 : CODE_LENGTH;
}

const SCALE = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].max - BENCHMARK_RANGE[k].min);
const OFFSET = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].min);

// log of a cost that may come out ≤ 0 for wild relaxed codes: clamp to keep it finite.
const TINY = 1e-6;

/** Unstandardised features of one input. */
export function rawFeatures(kind: FeatureKind, input: ArrayLike<number>, out?: Float64Array): Float64Array {
  const dim = featureDim(kind, input.length);
  const f = out ?? new Float64Array(dim);
  if (kind === 'raw') {
    for (let i = 0; i < dim; i++) f[i] = input[i];
    return f;
  }
  for (let i = 0; i < CODE_LENGTH; i++) f[i] = (input[i] - OFFSET[i]) / SCALE[i];
  if (kind === 'code+cost') {
    const c = cost(input);
    f[CODE_LENGTH] = Math.log(Math.max(c.flops, TINY));
    f[CODE_LENGTH + 1] = Math.log(Math.max(c.params, TINY));
  }
  return f;
}

/** Standardised features, ready for the networks. */
export function features(spec: FeatureSpec, input: ArrayLike<number>, out?: Float64Array): Float64Array {
  checkInput(spec, input);
  const f = rawFeatures(spec.kind, input, out);
  for (let i = 0; i < f.length; i++) f[i] = (f[i] - spec.mean[i]) / spec.std[i];
  return f;
}

/** Turns dValue/d(standardised features) into dValue/d(input). */
export function chainToInput(spec: FeatureSpec, input: ArrayLike<number>, gFeat: Float64Array): Float64Array {
  const g = new Float64Array(spec.inputDim);
  if (spec.kind === 'raw') {
    for (let i = 0; i < spec.inputDim; i++) g[i] = gFeat[i] / spec.std[i];
    return g;
  }
  for (let i = 0; i < CODE_LENGTH; i++) g[i] = gFeat[i] / spec.std[i] / SCALE[i];
  if (spec.kind === 'code+cost') {
    const { cost: c, dFlops, dParams } = costGradient(input);
    // d log(x) = dx / x; zero where the clamp is active.
    const gf = c.flops > TINY ? gFeat[CODE_LENGTH] / spec.std[CODE_LENGTH] / c.flops : 0;
    const gp = c.params > TINY ? gFeat[CODE_LENGTH + 1] / spec.std[CODE_LENGTH + 1] / c.params : 0;
    for (let i = 0; i < CODE_LENGTH; i++) g[i] += gf * dFlops[i] + gp * dParams[i];
  }
  return g;
}

export class InputError extends RangeError {}

function checkInput(spec: FeatureSpec, input: ArrayLike<number>): void {
  if (input.length !== spec.inputDim) {
    throw new InputError(`predictor input has ${spec.inputDim} numbers, got ${input.length}`);
  }
}

/** Mean and std of each feature over a set of inputs (std floored so constant features stay finite). */
export function fitFeatureSpec(kind: FeatureKind, inputs: readonly ArrayLike<number>[]): FeatureSpec {
  if (inputs.length === 0) throw new RangeError('cannot fit features on an empty training set');
  const inputDim = inputs[0].length;
  const dim = featureDim(kind, inputDim);
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const x of inputs) {
    if (x.length !== inputDim) throw new InputError(`training inputs differ in length (${inputDim} vs ${x.length})`);
    const f = rawFeatures(kind, x);
    for (let i = 0; i < dim; i++) {
      mean[i] += f[i];
      sq[i] += f[i] * f[i];
    }
  }
  const n = inputs.length;
  const std = Array.from(mean, (m, i) => Math.sqrt(Math.max(sq[i] / n - (m / n) ** 2, 0)));
  return { kind, inputDim, mean: Array.from(mean, (m) => m / n), std: std.map((s) => (s > 1e-6 ? s : 1)) };
}
