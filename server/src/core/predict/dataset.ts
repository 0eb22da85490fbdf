// Training/evaluation data from the benchmark files, per setting, with seeded hold-out splits;
// and the loops that train or score a whole set of settings (shared by `ncp train` and `ncp eval`).
import type { RunBudget } from '../run/budget';
import { cellToOneHot } from '../space/nb201';
import { DataError, loadDataSources, type Dataset } from '../data';
import { splitIndices } from '../random';
import { trainEnsemble, type TrainConfig, type TrainProgress } from './train';
import { withTeacherLabels } from './teacher';
import type { EnsemblePredictor } from './ensemble';
import type { DifferentiablePredictor } from './types';
import { coverage, kendallTau, meanAbsoluteError, spearmanRho } from './metrics';
import type { SettingData } from './settingData';

export const NB201_SETTING = 'nb201';
/** Fewest training examples (measured plus teacher-labelled) trainEnsemble takes. */
export const MIN_TRAINING_ROWS = 10;

export type { SettingData } from './settingData';

export interface TrainingData {
  path: string;
  kind: 'mr' | 'nb201';
  /** Architectures in the file. */
  archs: number;
  settings: SettingData[];
  /** The data as read (settings with their tasks and labels, every entry). */
  dataset?: Dataset;
}

/** The training view of a dataset: per setting, the rows measured in it (indices into its entries). */
export function toTrainingData(d: Dataset, path = d.sources.join(', ')): TrainingData {
  const settings = d.settings.map((s): SettingData => {
    const rows: number[] = [];
    d.entries.forEach((e, i) => {
      if (e.results[s.name]) rows.push(i);
    });
    return {
      setting: s.name,
      metrics: [...s.metrics],
      task: s.task,
      ...(s.label !== undefined ? { label: s.label } : {}),
      rows,
      inputs: rows.map((i) => (s.space === 'nb201' ? Array.from(cellToOneHot(d.entries[i].code)) : d.entries[i].code)),
      targets: rows.map((i) => d.entries[i].results[s.name]),
    };
  });
  return { path, kind: d.entries.some((e) => e.space === 'multires') ? 'mr' : 'nb201', archs: d.entries.length, settings, dataset: d };
}

/**
 * Reads training data: our JSON (NAS-Bench-MR or NAS-Bench-201), an authors' pickle or their
 * data/ folder, or measurement files (JSON Lines, CSV); several paths are merged. Throws
 * DataError naming the file, row and field of bad data.
 */
export function loadTrainingData(path: string | readonly string[]): TrainingData {
  const paths = typeof path === 'string' ? [path] : path;
  return toTrainingData(loadDataSources(paths), paths.join(', '));
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
  // only the metrics the data measures (a file may give a setting fewer columns than the predictor has)
  return p.metrics.flatMap((metric, m) => {
    const j = d.metrics.indexOf(metric);
    if (j < 0) return [];
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
  opts: { seed: number; onProgress?: (p: SetProgress) => void; budget?: RunBudget },
): Promise<SettingData[]> {
  if (!(cfg.teacher > 0)) return settings;
  return withTeacherLabels(settings, {
    budget: opts.budget,
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
  // before any fitting: a setting with too few measured networks is the data's problem, said as such
  for (const d of settings) {
    const taught = d.inputs[0]?.length === 27 && cfg.teacher > 0 ? Math.round(cfg.teacher * d.inputs.length) : 0;
    if (d.inputs.length + taught < MIN_TRAINING_ROWS) {
      throw new DataError(`setting '${d.setting}': ${d.inputs.length} measured network(s)${taught ? ` (+${taught} teacher-labelled)` : ''}; training needs at least ${MIN_TRAINING_ROWS} examples: measure more networks${d.inputs[0]?.length === 27 ? ' or raise --teacher' : ''}`);
    }
  }
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
