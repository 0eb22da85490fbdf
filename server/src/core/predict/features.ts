// From a predictor's input (a code in its space) to the standardised feature vector its
// networks read, and the chain rule back from feature gradients to input gradients.
import { CODE_LENGTH, CODE_KINDS, BENCHMARK_RANGE, stageOffset } from '../space/multires';
import { cost, costGradient, costPartsGradient, costPartsInto } from '../cost';

/**
 * 'code': the 27 code numbers scaled to [0, 1] over the benchmark range (the authors' input);
 * 'code+cost': the same plus exact log-FLOPs and log-params of the network (cost.ts);
 * 'arch': the code plus log-FLOPs/params of the whole network and of each part (stem, stages,
 *   head), and per resolution branch the log of its convolution work Σ blocks·units·channels²
 *   and of its depth Σ blocks·units — held-out τ +0.006 over 'code+cost' (see NCP_RECIPE);
 * 'raw': the input as is (NAS-Bench-201 one-hot, or any vector a caller trains on).
 */
export type FeatureKind = 'code' | 'code+cost' | 'arch' | 'raw';
export const FEATURE_KINDS: readonly FeatureKind[] = ['code', 'code+cost', 'arch', 'raw'];

export function isFeatureKind(x: unknown): x is FeatureKind {
  return (FEATURE_KINDS as readonly unknown[]).includes(x);
}

export interface FeatureSpec {
  kind: FeatureKind;
  /** Length of the predictor's input. */
  inputDim: number;
  /** Per-feature mean and standard deviation over the training set (the networks read (f − mean) / std). */
  mean: number[];
  std: number[];
}

// 'arch' layout after the code: 7 parts (total, stem, stage 1–4, head) × (log FLOPs, log params),
// then 4 branches × log work, then 4 branches × log depth.
const PARTS = 7;
const BRANCHES = 4;
const ARCH_PARTS = CODE_LENGTH;
const ARCH_WORK = ARCH_PARTS + 2 * PARTS;
const ARCH_DEPTH = ARCH_WORK + BRANCHES;
const ARCH_DIM = ARCH_DEPTH + BRANCHES;
// cost.ts lists the parts stem, stage 1–4, head, then the total; the features put the total first:
// feature pair q reads cost part PART_OF_FEATURE[q]
const PART_OF_FEATURE = [PARTS - 1, 0, 1, 2, 3, 4, 5];

export function featureDim(kind: FeatureKind, inputDim: number): number {
  if (kind === 'raw') return inputDim;
  if (kind === 'arch') return ARCH_DIM;
  return kind === 'code+cost' ? CODE_LENGTH + 2 : CODE_LENGTH;
}

const SCALE = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].max - BENCHMARK_RANGE[k].min);
const OFFSET = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].min);

// log of a cost that may come out ≤ 0 for wild relaxed codes: clamp to keep it finite.
const TINY = 1e-6;

// scratch for the allocation-free feature path
const partFlops = new Float64Array(PARTS);
const partParams = new Float64Array(PARTS);
const work = new Float64Array(BRANCHES);
const depth = new Float64Array(BRANCHES);

/** Per branch: work Σ b·u·c² and depth Σ b·u over the stages that have the branch (into the scratch). */
function branchSums(input: ArrayLike<number>): { work: Float64Array; depth: Float64Array } {
  work.fill(0);
  depth.fill(0);
  for (let k = 1; k <= BRANCHES; k++) {
    const o = stageOffset(k);
    const b = input[o];
    for (let i = 0; i < k; i++) {
      const u = input[o + 1 + i];
      const c = input[o + 1 + k + i];
      work[i] += b * u * c * c;
      depth[i] += b * u;
    }
  }
  return { work, depth };
}

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
  } else if (kind === 'arch') {
    costPartsInto(input, partFlops, partParams);
    for (let q = 0; q < PARTS; q++) {
      const src = PART_OF_FEATURE[q];
      f[ARCH_PARTS + 2 * q] = Math.log(Math.max(partFlops[src], TINY));
      f[ARCH_PARTS + 2 * q + 1] = Math.log(Math.max(partParams[src], TINY));
    }
    branchSums(input);
    for (let i = 0; i < BRANCHES; i++) {
      f[ARCH_WORK + i] = Math.log(Math.max(work[i], TINY));
      f[ARCH_DEPTH + i] = Math.log(Math.max(depth[i], TINY));
    }
  }
  return f;
}

/** Unstandardised features of many inputs, row-major (N × featureDim), for the tfjs batch path. */
export function rawFeatureMatrix(spec: FeatureSpec, inputs: readonly ArrayLike<number>[]): Float32Array {
  const d = spec.mean.length;
  const out = new Float32Array(inputs.length * d);
  const row = new Float64Array(d);
  for (let i = 0; i < inputs.length; i++) {
    checkInput(spec, inputs[i]);
    out.set(rawFeatures(spec.kind, inputs[i], row), i * d);
  }
  return out;
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
  // d log(x) = dx / x; zero where the clamp is active
  const dLog = (j: number, x: number) => (x > TINY ? gFeat[j] / spec.std[j] / x : 0);
  if (spec.kind === 'code+cost') {
    const { cost: c, dFlops, dParams } = costGradient(input);
    const gf = dLog(CODE_LENGTH, c.flops);
    const gp = dLog(CODE_LENGTH + 1, c.params);
    for (let i = 0; i < CODE_LENGTH; i++) g[i] += gf * dFlops[i] + gp * dParams[i];
  } else if (spec.kind === 'arch') {
    const pg = costPartsGradient(input);
    PART_OF_FEATURE.forEach((src, q) => {
      const gf = dLog(ARCH_PARTS + 2 * q, pg.parts[src].flops);
      const gp = dLog(ARCH_PARTS + 2 * q + 1, pg.parts[src].params);
      const df = pg.dFlops[src];
      const dp = pg.dParams[src];
      for (let i = 0; i < CODE_LENGTH; i++) g[i] += gf * df[i] + gp * dp[i];
    });
    const { work, depth } = branchSums(input);
    for (let k = 1; k <= BRANCHES; k++) {
      const o = stageOffset(k);
      const b = input[o];
      for (let i = 0; i < k; i++) {
        const iu = o + 1 + i;
        const ic = o + 1 + k + i;
        const u = input[iu];
        const c = input[ic];
        const gw = dLog(ARCH_WORK + i, work[i]);
        const gd = dLog(ARCH_DEPTH + i, depth[i]);
        g[o] += gw * u * c * c + gd * u;
        g[iu] += gw * b * c * c + gd * b;
        g[ic] += gw * 2 * b * u * c;
      }
    }
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
