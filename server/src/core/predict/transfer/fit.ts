// Fitting a transfer predictor on a user's rows of one setting, with other settings' predictors
// as the source: features, the kernel chosen by leave-one-out error on a grid (gpFit.ts), the
// spread calibrated on the leave-one-out z-scores. From 5 rows to thousands: the grid sees at
// most GRID_ROWS rows and the model at most MODEL_ROWS (seeded subsamples).
import { CODE_LENGTH } from '../../space/multires';
import { makeRng, permutation } from '../../random';
import { fitFeatureSpec, type FeatureSpec } from '../features';
import type { DifferentiablePredictor } from '../types';
import { calibrate, chooseHyper, factorGram, gramParts, hyperGrid, leaveOneOut, type CandidateFamily } from './gpFit';
import { columnStats, logCost, rowFeatures, sourceTrunks, type FeatureMap, type SourceInput, type Standardiser } from './features';
import { TransferPredictor, type MetricModel, type TransferModel } from './predictor';

/** Fewest rows a transfer model is fitted on. */
export const MIN_TRANSFER_ROWS = 3;
/** Rows the hyperparameter grid sees. */
export const GRID_ROWS = 300;
/** Rows the model keeps (its kernel is refactored on load: O(n³)). */
export const MODEL_ROWS = 1000;

/** What a predictor used as a source may offer: its training normalisation and features. */
interface SourceFacts {
  target?: { mean: readonly number[]; std: readonly number[] };
  spec?: FeatureSpec;
}

export interface TransferFitOptions {
  setting: string;
  metrics: readonly string[];
  inputs: readonly number[][];
  targets: readonly number[][];
  /** Source predictors (same input space); [] for a model from scratch. */
  sources: readonly { setting: string; predictor: DifferentiablePredictor }[];
  /** Restricts the models the grid chooses from (baselines); default 'auto'. */
  family?: CandidateFamily;
  seed?: number;
  /** Called often (progress, cancellation: may throw). */
  onTick?: () => void;
}

function subsample<T>(rows: readonly T[], max: number, seed: number): number[] {
  if (rows.length <= max) return rows.map((_, i) => i);
  return permutation(rows.length, makeRng(seed)).slice(0, max).sort((a, b) => a - b);
}

/** The feature map of a transfer model: fixed standardisers from the sources where they have them. */
export function buildFeatureMap(sources: TransferFitOptions['sources'], inputs: readonly number[][]): FeatureMap {
  const inputDim = inputs[0].length;
  const isCode = inputDim === CODE_LENGTH;
  const srcs: SourceInput[] = sources.map((s) => {
    const facts = s.predictor as unknown as SourceFacts;
    if (facts.target && facts.target.std[0] > 0) return { setting: s.setting, predictor: s.predictor, mean: facts.target.mean[0], std: facts.target.std[0] };
    const st = columnStats(1, inputs.map((x) => [s.predictor.predict(x)[0].mean]));
    return { setting: s.setting, predictor: s.predictor, mean: st.mean[0], std: st.std[0] };
  });
  const kind = isCode ? 'arch' : 'raw';
  const specs = sources.map((s) => (s.predictor as unknown as SourceFacts).spec).filter((sp): sp is FeatureSpec => !!sp && sp.inputDim === inputDim);
  const spec = specs.find((sp) => sp.kind === kind) ?? fitFeatureSpec(kind, inputs);
  let cost: Standardiser | undefined;
  if (isCode) {
    const withCost = specs.find((sp) => sp.kind === 'arch' || sp.kind === 'code+cost');
    // both kinds put log total FLOPs and params right after the code
    cost = withCost
      ? { mean: [withCost.mean[CODE_LENGTH], withCost.mean[CODE_LENGTH + 1]], std: [withCost.std[CODE_LENGTH], withCost.std[CODE_LENGTH + 1]] }
      : columnStats(2, inputs.map((x) => logCost(x)));
  }
  return { sources: srcs, cost, spec: { ...spec, mean: [...spec.mean], std: [...spec.std] } };
}

function standardise(y: readonly number[]): { mean: number; std: number; z: Float64Array } {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? y.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const std = Math.sqrt(v) > 1e-9 ? Math.sqrt(v) : 1;
  return { mean, std, z: Float64Array.from(y, (t) => (t - mean) / std) };
}

/** Fits a transfer predictor (see the file's head). Throws RangeError on unusable input. */
export function fitTransfer(o: TransferFitOptions): TransferPredictor {
  const n = o.inputs.length;
  if (n < MIN_TRANSFER_ROWS) throw new RangeError(`setting '${o.setting}': ${n} measured network(s); a transfer predictor needs at least ${MIN_TRANSFER_ROWS}`);
  if (o.targets.length !== n) throw new RangeError(`setting '${o.setting}': ${n} inputs but ${o.targets.length} target rows`);
  const inputDim = o.inputs[0].length;
  for (const s of o.sources) {
    const dim = (s.predictor as { inputDim?: number }).inputDim;
    if (dim !== undefined && dim !== inputDim) throw new RangeError(`source '${s.setting}' reads ${dim} numbers, the rows of '${o.setting}' have ${inputDim}`);
  }
  const seed = o.seed ?? 1;
  const keep = subsample(o.inputs, MODEL_ROWS, seed);
  const inputs = keep.map((i) => o.inputs[i]);
  const targets = keep.map((i) => [...o.targets[i]]);
  const map = buildFeatureMap(o.sources, inputs);
  // the sources' trunk activations are read where the grid may weigh them
  map.trunk = (o.family ?? 'auto') === 'auto' && sourceTrunks(map).length > 0;
  const feats = rowFeatures(map, inputs);
  const gridIdx = subsample(inputs, GRID_ROWS, seed + 1);
  const gridFeats = gridIdx.length === inputs.length ? feats : rowFeatures(map, gridIdx.map((i) => inputs[i]));
  const grid = hyperGrid(o.family ?? 'auto', feats);
  if (grid.length === 0) throw new RangeError(`setting '${o.setting}': no candidate model for family '${o.family}' with these sources`);
  const gram = gridIdx.length === inputs.length ? undefined : gramParts(feats);
  const models: MetricModel[] = o.metrics.map((_, k) => {
    const y = standardise(targets.map((t) => t[k]));
    const yGrid = gridIdx.length === inputs.length ? y.z : Float64Array.from(gridIdx, (i) => y.z[i]);
    const choice = chooseHyper(gridFeats, yGrid, grid, o.onTick);
    // the calibration uses the leave-one-out of the model as kept (all its rows)
    let loo = choice.loo;
    if (gram) {
      o.onTick?.();
      const L = factorGram(gram, inputs.length, choice.hyper);
      if (L) loo = leaveOneOut(L, inputs.length, y.z);
    }
    return { hyper: choice.hyper, yMean: y.mean, yStd: y.std, calibration: calibrate(y.z, loo) };
  });
  // a model that weighs no trunk does not compute trunk activations
  map.trunk = models.some((m) => (m.hyper.trunk ?? 0) > 0);
  const model: TransferModel = { setting: o.setting, metrics: [...o.metrics], inputDim, rows: inputs.map((x) => [...x]), targets, models };
  return new TransferPredictor(model, map);
}
