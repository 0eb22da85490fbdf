// `ncp train`: trains predictors (one ensemble per setting) on a benchmark file and saves them.
import { existsSync } from 'node:fs';
import { resolve, basename } from 'node:path';
import { dataArgumentError, unreadableFile } from './inputFile';
import { checkData, newSettingsOption } from './dataChecks';
import { CLI_NAME, UsageError, writeLine, type CliIO, type Command } from './command';
import { dataFile, parseOptions, settingListArgument } from './contract';
import { choiceOption, fractionOption, intOption } from './options';
import { BUDGET_OPTIONS, budgetLimits, startBudget } from './budgetOption';
import { BudgetExceeded } from '../core/run/budget';

import { LIMITS } from '../core/limits';
import { recipeOverrides } from './recipeOption';
import { loadTrainingData, splitData, trainSettings, type TrainingData } from '../core/predict/dataset';
import { AUTHORS_RECIPE, NCP_RECIPE, type TrainConfig } from '../core/predict/train';
import { savePredictorSetSafely, outDirProblem, readManifest, loadPredictorSet } from '../core/predict/store';
import { progressPrinter } from '../core/predict/progress';
import { initBackend, BACKEND_CHOICES, type BackendChoice } from '../core/predict/backend';
import { BenchmarkFormatError } from '../core/benchmark';
import { DataError, dataName } from '../core/data';
import { declareSetting, SettingCatalogue } from '../core/settings';
import type { SetPredictor } from '../core/predict/store';
import { defaultModelsDir } from '../core/predict/store';
import { ModelFormatError } from '../core/predict/format';
import { MIN_CALIBRATION_ROWS, MIN_TRANSFER_ROWS, trainTransferSettings, type PriorPredictor, type TransferTrained } from '../core/predict/transfer';
import type { SettingData } from '../core/predict/dataset';

/** Default time budget of a training run: generous (the authors' recipe on every setting takes minutes). */
const TRAIN_MAX_SECONDS = 6 * 3600;

const help = `Usage: ${CLI_NAME} train [--data FILE] --out DIR [options]

Trains one predictor (an ensemble of MLPs) per setting of a benchmark file and saves them
in DIR (a manifest plus one JSON file per setting). FILE is a NAS-Bench-MR file (the 8
multi-resolution settings) or a NAS-Bench-201 file (setting 'nb201', metric 'acc').

Options:
  --data FILE          training data (default: nasbench-mr.json in NCP_DATA_DIR or ../shared/data);
                       our JSON, an authors' trainval.pkl or their data/ folder, or your
                       measurements (.jsonl, .csv; docs/data.md); repeat to merge several
  --out DIR            where to write the models (required); written beside DIR and swapped
                       in only when complete and checked, so a failed run keeps the old set
  --settings a,b       only these settings or tasks (default: all in FILE); a setting the
                       file declares (its 'settings' section) works as a known one
  --new-settings a,b   settings of the data that are new on purpose: a name close to a known
                       setting or task ('Seg', 'sgementation') is refused as a typo otherwise
  --epochs N           epochs per member (default: the recipe's; ours 60, authors' 200)
  --members K          ensemble size (default: ours 5, authors' 1)
  --teacher N          per measured network, N neighbours labelled by a Gaussian process fitted
                       to the data join the training rows (default: ours 5, authors' 0; 0: off)
  --seed S             seed of initialisers, shuffles and dropout (default 1)
  --set k=v,…          any other recipe field over the recipe (the names in the manifest's
                       config), e.g. --set dropout=0.1,trunk=256+128,select=tau
  --recipe R           ncp (ours, default) or authors (models/mlp.py, tools/train_predictor.py)
  --prior DIR|none     train transfer predictors from a model folder's settings (the source):
                       a Gaussian process on the source's predictions, log-costs and the code,
                       trusting the source as far as leave-one-out on your rows confirms it;
                       from 3 rows; spreads calibrated on your rows from ${MIN_CALIBRATION_ROWS} rows on
                       ('uncalibrated' below). Default: the shipped set, for the settings it
                       lacks (settings it has train as with 'none'); 'none': MLP ensembles
                       from scratch for every setting. The source settings are copied into
                       DIR, so that --out holds everything the new settings read
  --holdout F          leave out this fraction of the architectures (seeded by --split-seed),
  --split-seed S       to evaluate on them with '${CLI_NAME} eval --holdout F --split-seed S' (default 1)
  --merge              add to the models already in DIR instead of replacing them
  --max-memory MB      stop (saving nothing) when training uses this much more memory than
                       at its start (default 500)
  --max-time S         stop (saving nothing) after S seconds (default ${TRAIN_MAX_SECONDS})
  --version V          version string of the set (default: today's date)
  --backend B          auto, wasm, cpu or tensorflow (default auto)
  -h, --help           this text

Progress (epochs, loss, validation error, time left) goes to stderr.

Example (the shipped predictors, see scripts/train-shipped.sh):
  ${CLI_NAME} train --data nasbench-mr.json --out server/src/models --seed 1`;

export function parseBackend(v: string | undefined): BackendChoice {
  return choiceOption(v, '--backend', BACKEND_CHOICES) ?? 'auto';
}

/** Reads every --data path as one dataset; bad data becomes a usage error naming file, row and field. */
export function readData(paths: readonly string[]): TrainingData {
  for (const p of paths) if (!existsSync(p)) throw unreadableFile(p, 'no such file or folder');
  try {
    return loadTrainingData(paths);
  } catch (e) {
    if (e instanceof DataError) throw dataArgumentError('--data', e);
    if (e instanceof BenchmarkFormatError) throw new UsageError(`--data: ${e.message}`);
    throw e;
  }
}

/** The settings of a data file as a catalogue: what it declares, known names keeping our labels. */
export function dataCatalogue(data: TrainingData): SettingCatalogue {
  return new SettingCatalogue(
    data.settings.map((s) => declareSetting(s.setting, { task: s.task, label: s.label, metrics: s.metrics, space: data.kind === 'nb201' ? 'nb201' : 'multires' })),
  );
}

/** Only the settings `list` names (setting or task names, as the file declares them). */
export function pickSettings(data: TrainingData, list: string | undefined): TrainingData {
  if (list === undefined) return data;
  const names = settingListArgument(list, '--settings', dataCatalogue(data));
  return { ...data, settings: data.settings.filter((s) => names.includes(s.setting)) };
}

/** Options `ncp train` and `ncp eval` share: the data, which settings, and how to train. */
export const TRAINING_OPTIONS = {
  data: { type: 'string', multiple: true },
  settings: { type: 'string' },
  'new-settings': { type: 'string' },
  epochs: { type: 'string' },
  members: { type: 'string' },
  teacher: { type: 'string' },
  set: { type: 'string' },
  seed: { type: 'string' },
  holdout: { type: 'string' },
  'split-seed': { type: 'string' },
  backend: { type: 'string' },
} as const;

export interface TrainingArgs {
  /** The data's name for messages and manifests ('a.json + b.csv'). */
  dataPath: string;
  dataPaths: string[];
  data: TrainingData;
  holdout: number | undefined;
  splitSeed: number;
  seed: number;
  backend: BackendChoice;
  /** --set, then --epochs, --members and --teacher, over the recipe. */
  overrides: Partial<TrainConfig>;
}

/** Checks the shared training options and reads the data they name. */
export function readTrainingArgs(values: { [K in Exclude<keyof typeof TRAINING_OPTIONS, 'data'>]?: string } & { data?: string[] }, io: Pick<CliIO, 'stderr' | 'cwd'>, command: string): TrainingArgs {
  const overrides: Partial<TrainConfig> = recipeOverrides(values.set);
  const epochs = intOption(values.epochs, '--epochs', 1, LIMITS.epochs);
  const members = intOption(values.members, '--members', 1, LIMITS.members);
  if (epochs !== undefined) overrides.epochs = epochs;
  if (members !== undefined) overrides.members = members;
  const teacher = intOption(values.teacher, '--teacher', 0, 100);
  if (teacher !== undefined) overrides.teacher = teacher;
  const seed = intOption(values.seed, '--seed', 0) ?? 1;
  const holdout = fractionOption(values.holdout, '--holdout');
  const splitSeed = intOption(values['split-seed'], '--split-seed', 0) ?? 1;
  const backend = parseBackend(values.backend);
  const dataPaths = values.data && values.data.length > 0 ? values.data.map((d) => dataFile(d, 'mr', command, io)) : [dataFile(undefined, 'mr', command, io)];
  // settings checked against the known ones, and (train) data that cannot teach refused: before any model folder is touched
  const data = pickSettings(checkData(readData(dataPaths), { declaredNew: newSettingsOption(values['new-settings']) }), values.settings);
  if (command === 'train') checkData(data, { declaredNew: newSettingsOption(values['new-settings']), training: true });
  return { dataPath: dataName(dataPaths), dataPaths, data, holdout, splitSeed, seed, backend, overrides };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train accuracy predictors on a benchmark file',
  help,
  async run(args, io) {
    const { values } = parseOptions('train', {
      args,
      options: {
        ...TRAINING_OPTIONS,
        out: { type: 'string' },
        recipe: { type: 'string' },
        merge: { type: 'boolean' },
        version: { type: 'string' },
        prior: { type: 'string' },
        ...BUDGET_OPTIONS,
      },
      allowPositionals: false,
    }, io);
    if (!values.out) throw new UsageError('--out DIR is required');
    const base = choiceOption(values.recipe, '--recipe', ['ncp', 'authors'] as const) === 'authors' ? AUTHORS_RECIPE : NCP_RECIPE;
    const { dataPath, holdout, splitSeed, seed, backend: backendChoice, overrides, ...rest } = readTrainingArgs(values, io, 'train');
    const outDir = resolve(io.cwd, values.out);
    // before any training: an hour of work must not end in "cannot write there"
    const outProblem = outDirProblem(outDir);
    if (outProblem) throw new UsageError(`--out: ${outProblem}`);
    const limits = budgetLimits(values, TRAIN_MAX_SECONDS);
    const data = holdout !== undefined ? splitData(rest.data, holdout, splitSeed).train : rest.data;

    const backend = await initBackend(backendChoice);
    // the prior: which settings train as transfer models, and from what
    const priorArg = values.prior;
    const priorDir = priorArg === undefined ? defaultModelsDir() : priorArg === 'none' ? undefined : resolve(io.cwd, priorArg);
    let prior: PriorPredictor[] = [];
    let priorSet: Awaited<ReturnType<typeof loadPredictorSet>> | undefined;
    if (priorDir !== undefined) {
      try {
        priorSet = await loadPredictorSet(priorDir);
      } catch (e) {
        if (!(e instanceof ModelFormatError)) throw e;
        if (priorArg !== undefined) throw new UsageError(`--prior: ${e.message}`);
        writeLine(io.stderr, `${CLI_NAME} train: the shipped predictors cannot be read (${e.message}); training every setting from scratch`);
      }
      const set = priorSet;
      if (set) prior = set.settings.flatMap((s) => (set.ensemble(s) ? [{ setting: s, predictor: set.ensemble(s)! }] : []));
    }
    const known = new Set(prior.map((p) => p.setting));
    const isTransfer = (d: SettingData) => prior.length > 0 && (priorArg !== undefined || !known.has(d.setting));
    const transferData = data.settings.filter(isTransfer);
    const scratchData = data.settings.filter((d) => !isTransfer(d));
    // before any training: too few rows is the data's problem, said as such
    for (const d of transferData) {
      if (d.inputs.length < MIN_TRANSFER_ROWS) throw new DataError(`setting '${d.setting}': ${d.inputs.length} measured network(s); a transfer predictor needs at least ${MIN_TRANSFER_ROWS}: measure more networks`);
    }
    writeLine(io.stderr, `${CLI_NAME} train: ${data.settings.length} setting(s) from ${basename(dataPath)}, ${scratchData.length ? `recipe '${base.recipe}', backend ${backend}` : ''}${scratchData.length && transferData.length ? '; ' : ''}${transferData.length ? `${transferData.length} by transfer from ${priorDir}` : ''}`);
    const progress = progressPrinter(io.stderr, io.stderrIsTTY);
    const started = Date.now();
    let trained: Awaited<ReturnType<typeof trainSettings>> = [];
    let transferred: TransferTrained[] = [];
    try {
      const budget = startBudget(limits);
      if (scratchData.length) trained = await trainSettings(scratchData, { base, seed, overrides, onProgress: (p) => progress.update(p), budget });
      progress.done();
      transferred = trainTransferSettings(transferData, prior, { seed, onTick: () => budget.check(), onSetting: (s, i, n) => writeLine(io.stderr, `${CLI_NAME} train: transfer ${i + 1}/${n} '${s}'`) });
    } catch (e) {
      progress.done();
      if (e instanceof RangeError && !(e instanceof BudgetExceeded)) {
        writeLine(io.stderr, `${CLI_NAME} train: stopped, nothing saved: ${e.message}`);
        return 1;
      }
      if (!(e instanceof BudgetExceeded)) throw e;
      // Nothing was written: the model folder keeps what it had.
      writeLine(io.stderr, `${CLI_NAME} train: stopped, nothing saved: ${e.message}`);
      return 1;
    }

    let predictors: SetPredictor[] = trained.map((t) => t.predictor);
    const extra: Record<string, Record<string, unknown>> = {};
    // the sources the transfer models read come along (unless a setting trained here replaces one)
    const sourceNames = new Set(transferred.flatMap((t) => t.sources));
    const priorManifest = priorSet?.manifest;
    for (const s of sourceNames) {
      if (predictors.some((p) => p.setting === s)) continue;
      predictors.push(priorSet!.ensemble(s)!);
      const entry = priorManifest?.settings[s] ?? {};
      extra[s] = { ...Object.fromEntries(Object.entries(entry).filter(([k]) => !['file', 'sha256', 'metrics', 'inputDim', 'features', 'members'].includes(k))), copiedFrom: priorDir };
    }
    for (const t of transferred) {
      predictors.push(t.predictor);
      const d = transferData.find((s) => s.setting === t.predictor.setting);
      const info = declareSetting(t.predictor.setting, { task: d?.task, label: d?.label, metrics: [...t.predictor.metrics] });
      const cal = t.predictor.calibration(0);
      const h = t.predictor.model.models[0].hyper;
      const chosen = h.src > 0 && h.rbf > 0 ? 'source + from scratch' : h.src > 0 ? 'source (stacking)' : 'from scratch';
      extra[t.predictor.setting] = {
        task: info.task,
        label: info.label,
        trainedOn: basename(dataPath),
        trainArchs: d?.inputs.length,
        prior: priorDir,
        model: chosen,
        // leave-one-out on the user's rows, with the spread scale fitted on the same rows
        spread: t.predictor.model.models.map((m, k) => ({
          metric: t.predictor.metrics[k],
          calibrated: m.calibration.calibrated,
          scale: Math.round(m.calibration.scale * 1000) / 1000,
          looCoverage1: Math.round(m.calibration.coverage1 * 1000) / 1000,
          looCoverage2: Math.round(m.calibration.coverage2 * 1000) / 1000,
          rows: m.calibration.rows,
        })),
        seconds: Math.round(t.seconds * 10) / 10,
      };
      const covText = cal.calibrated
        ? `spread calibrated on ${cal.rows} rows (leave-one-out ±1 ${(cal.coverage1 * 100).toFixed(0)}%, ±2 ${(cal.coverage2 * 100).toFixed(0)}%)`
        : `spread uncalibrated (${cal.rows} rows; calibration needs ${MIN_CALIBRATION_ROWS})`;
      writeLine(io.stderr, `${CLI_NAME} train: '${t.predictor.setting}': ${chosen} over ${t.sources.length} source setting(s); ${covText}`);
    }
    trained.forEach((t) => {
      const d = data.settings.find((s) => s.setting === t.predictor.setting);
      // the manifest records what the setting is, so every later user (predict, the language
      // server's checks and hovers) knows a setting that came from the data
      const info = declareSetting(t.predictor.setting, { task: d?.task, label: d?.label, metrics: t.predictor.metrics });
      extra[t.predictor.setting] = {
        task: info.task,
        label: info.label,
        trainedOn: basename(dataPath),
        trainArchs: data.settings.find((s) => s.setting === t.predictor.setting)?.inputs.length,
        seconds: Math.round(t.seconds * 10) / 10,
        bestEpochs: t.bestEpochs,
        config: t.config,
      };
    });
    const cmd = [CLI_NAME, 'train', ...args].join(' ');
    let command = cmd;
    // paths: where the training networks are, so eval can tell a training-set score by the networks (trainingOverlap.ts)
    let dataInfo: unknown = { file: basename(dataPath), paths: rest.dataPaths, archs: data.archs, holdout: holdout ?? 0, splitSeed: holdout ? splitSeed : undefined };
    if (values.merge && existsSync(resolve(outDir, 'manifest.json'))) {
      const old = readManifest(outDir);
      const oldSet = await loadPredictorSet(outDir);
      const fresh = new Set(predictors.map((p) => p.setting));
      const kept = oldSet.settings.filter((s) => !fresh.has(s)).map((s) => oldSet.get(s)!);
      for (const k of kept) {
        const reads = 'map' in k ? k.map.sources.map((x) => x.setting).filter((x) => fresh.has(x)) : [];
        if (reads.length) throw new UsageError(`--merge: the transfer model '${k.setting}' in ${outDir} reads ${reads.join(', ')}, which this run replaces; retrain '${k.setting}' too (add its data)`);
      }
      for (const s of kept) extra[s.setting] = Object.fromEntries(Object.entries(old.settings[s.setting]).filter(([k]) => !['file', 'sha256', 'metrics', 'inputDim', 'features', 'members'].includes(k)));
      predictors = [...kept, ...predictors];
      command = `${old.command} && ${cmd}`;
      dataInfo = [old.data, dataInfo].flat();
    }
    const version = values.version ?? new Date().toISOString().slice(0, 10);
    // written beside DIR, checked, then swapped in: a failure here leaves the old set as it was
    await savePredictorSetSafely(outDir, predictors, { version, command, seed, recipe: base.recipe, data: dataInfo, extra });
    const secs = (Date.now() - started) / 1000; // teacher labels included
    writeLine(io.stderr, `${CLI_NAME} train: saved ${trained.length + transferred.length} predictor(s) to ${outDir} in ${secs.toFixed(1)} s`);
    return 0;
  },
};
