// Training/evaluation data from the benchmark files, per setting, with seeded hold-out splits;
// and the loops that train or score a whole set of settings (shared by `ncp train` and `ncp eval`).
import type { RunBudget } from '../run/budget';
import { BenchmarkFormatError, loadMrBenchmark, loadNb201Benchmark } from '../benchmark';
import { cellToOneHot } from '../space/nb201';
import { readFileSync } from 'node:fs';
import { splitIndices } from '../random';
import { trainEnsemble, type TrainConfig, type TrainProgress } from './train';
import { withTeacherLabels } from './teacher';
import type { EnsemblePredictor } from './ensemble';
import type { DifferentiablePredictor } from './types';
import { coverage, kendallTau, meanAbsoluteError, spearmanRho } from './metrics';

export const NB201_SETTING = 'nb201';

export interface SettingData {
  setting: string;
  metrics: string[];
  /** Index of each row in the file's archs (splits are by architecture, the same for every setting). */
  rows: number[];
  inputs: number[][];
  targets: number[][];
}

export interface TrainingData {
  path: string;
  kind: 'mr' | 'nb201';
  /** Architectures in the file. */
  archs: number;
  settings: SettingData[];
}

/** Reads a NAS-Bench-MR or NAS-Bench-201 file (recognised by its fields). */
export function loadTrainingData(path: string): TrainingData {
  let head: unknown;
  try {
    head = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BenchmarkFormatError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const h = head as { settings?: unknown; ops?: unknown };
  if (h && typeof h === 'object' && h.settings) {
    const b = loadMrBenchmark(path);
    const settings = Object.entries(b.settings).map(([setting, info]): SettingData => {
      const rows = b.archs.map((a, i) => (a.results[setting]?.length === info.metrics.length ? i : -1)).filter((i) => i >= 0);
      return {
        setting,
        metrics: [...info.metrics],
        rows,
        inputs: rows.map((i) => b.archs[i].code),
        targets: rows.map((i) => b.archs[i].results[setting]),
      };
    });
    return { path, kind: 'mr', archs: b.archs.length, settings };
  }
  if (h && typeof h === 'object' && h.ops) {
    const b = loadNb201Benchmark(path);
    const rows = b.archs.map((_, i) => i);
    return {
      path,
      kind: 'nb201',
      archs: b.archs.length,
      settings: [{ setting: NB201_SETTING, metrics: ['acc'], rows, inputs: b.archs.map((a) => Array.from(cellToOneHot(a.ops))), targets: b.archs.map((a) => [a.acc]) }],
    };
  }
  throw new BenchmarkFormatError(`${path}: neither a NAS-Bench-MR file ('settings') nor a NAS-Bench-201 file ('ops')`);
}

/** Keeps the rows whose architecture index is in `keep`. */
export function subset(d: SettingData, keep: ReadonlySet<number>): SettingData {
  const pick = d.rows.map((r, i) => (keep.has(r) ? i : -1)).filter((i) => i >= 0);
  return { ...d, rows: pick.map((i) => d.rows[i]), inputs: pick.map((i) => d.inputs[i]), targets: pick.map((i) => d.targets[i]) };
}

/** Seeded split by architecture: the same archs are held out in every setting. */
export function splitData(data: TrainingData, holdout: number, seed: number): { train: TrainingData; test: TrainingData } {
  const { train, holdout: test } = splitIndices(data.archs, holdout, seed);
  const tr = new Set(train);
  const te = new Set(test);
  return {
    train: { ...data, settings: data.settings.map((s) => subset(s, tr)) },
    test: { ...data, settings: data.settings.map((s) => subset(s, te)) },
  };
}

export interface MetricScore {
  metric: string;
  n: number;
  tau: number;
  rho: number;
  mae: number;
  cov1: number;
  cov2: number;
}

/** Scores a predictor on a setting's rows, per metric. */
export function scorePredictor(p: DifferentiablePredictor, d: SettingData): MetricScore[] {
  const est = p.predictBatch(d.inputs);
  return p.metrics.map((metric, m) => {
    const j = d.metrics.indexOf(metric);
    if (j < 0) throw new RangeError(`the data of '${d.setting}' has no metric '${metric}'`);
    const truth = d.targets.map((t) => t[j]);
    const e = est.map((r) => r[m]);
    const mean = e.map((x) => x.mean);
    return {
      metric,
      n: truth.length,
      tau: kendallTau(mean, truth),
      rho: spearmanRho(mean, truth),
      mae: meanAbsoluteError(mean, truth),
      cov1: coverage(e, truth, 1),
      cov2: coverage(e, truth, 2),
    };
  });
}

export interface SetProgress extends TrainProgress {
  /** 'teacher': fitting the teacher's Gaussian process (epoch counts its steps; no loss yet). */
  phase?: 'teacher' | 'train';
  setting: string;
  /** 0-based index of the setting being trained, and how many there are. */
  index: number;
  count: number;
}

export interface TrainedSetting {
  predictor: EnsemblePredictor;
  config: TrainConfig;
  seconds: number;
  bestEpochs: number[];
}

/** The settings with teacher-labelled neighbours added (cfg.teacher per measured row; teacher.ts). */
async function teach(
  settings: SettingData[],
  cfg: TrainConfig,
  opts: { seed: number; onProgress?: (p: SetProgress) => void },
): Promise<SettingData[]> {
  if (!(cfg.teacher > 0)) return settings;
  return withTeacherLabels(settings, {
    rows: Math.round(cfg.teacher * settings[0].inputs.length),
    dims: 2,
    seed: opts.seed,
    onProgress: (p) =>
      opts.onProgress?.({ phase: 'teacher', setting: `${p.settings} setting${p.settings > 1 ? 's' : ''}`, index: 0, count: 1,
        epoch: p.step - 1, epochs: p.steps, member: 0, members: 1, loss: NaN, valMae: NaN }),
  });
}

/** Trains one predictor per setting: in order, or all multi-resolution settings at once (recipe `joint`). */
export async function trainSettings(
  settings: readonly SettingData[],
  opts: { base: TrainConfig; seed: number; overrides?: Partial<TrainConfig>; onProgress?: (p: SetProgress) => void; budget?: RunBudget },
): Promise<TrainedSetting[]> {
  const cfg = { ...opts.base, ...opts.overrides };
  const codes = settings.filter((d) => d.inputs[0]?.length === 27);
  const sameRows = codes.every((d) => d.rows.length === codes[0].rows.length && d.rows.every((r, i) => r === codes[0].rows[i]));
  if (cfg.joint && codes.length > 1 && sameRows) {
    // one ensemble, a trunk shared by every setting and heads per setting
    const tasks: { setting: string; metrics: string[]; cols: number[] }[] = [];
    let c = 0;
    for (const d of codes) {
      tasks.push({ setting: d.setting, metrics: d.metrics, cols: d.metrics.map(() => c++) });
    }
    const measured = codes[0].inputs.length;
    const taught = await teach(codes, cfg, opts);
    opts.budget?.check();
    const targets = taught[0].rows.map((_, i) => taught.flatMap((d) => d.targets[i]));
    const label = `${codes.length} settings jointly`;
    const r = await trainEnsemble(taught[0].inputs, targets, {
      ...opts.overrides,
      measured,
      base: opts.base,
      setting: 'joint',
      metrics: codes.flatMap((d) => d.metrics.map((m) => `${d.setting}/${m}`)),
      tasks,
      seed: opts.seed,
      budget: opts.budget,
      onProgress: (p) => opts.onProgress?.({ ...p, setting: label, index: 0, count: 1 + settings.length - codes.length }),
    });
    const joint = r.predictors.map((predictor, ti) => ({ predictor, config: r.config, seconds: r.seconds / codes.length, bestEpochs: r.perTask[ti].map((m) => m.bestEpoch) }));
    const rest = await trainSettings(
      settings.filter((d) => !codes.includes(d)),
      { ...opts, overrides: { ...opts.overrides, joint: false } },
    );
    return [...joint, ...rest];
  }
  const out: TrainedSetting[] = [];
  for (let index = 0; index < settings.length; index++) {
    const d = settings[index];
    const isCode = d.inputs[0]?.length === 27;
    const over: Partial<TrainConfig> = { ...opts.overrides };
    if (!isCode) over.features = 'raw';
    const [t] = isCode ? await teach([d], cfg, opts) : [d];
    opts.budget?.check();
    const r = await trainEnsemble(t.inputs, t.targets, {
      budget: opts.budget,
      ...over,
      measured: d.inputs.length,
      base: opts.base,
      setting: d.setting,
      metrics: d.metrics,
      seed: opts.seed,
      onProgress: (p) => opts.onProgress?.({ ...p, setting: d.setting, index, count: settings.length }),
    });
    out.push({ predictor: r.predictor, config: r.config, seconds: r.seconds, bestEpochs: r.members.map((m) => m.bestEpoch) });
  }
  return out;
}
