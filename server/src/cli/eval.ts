// `ncp eval`: ranking quality (Kendall τ, Spearman ρ), error (MAE) and spread coverage of
// predictors on a benchmark file; with --holdout, trains on the rest first (one command for a
// held-out evaluation), optionally for both recipes side by side.
import type { Writable } from 'node:stream';
import { resolve, basename } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { splitData, trainSettings, scorePredictor, type MetricScore, type TrainingData } from '../core/predict/dataset';
import { AUTHORS_RECIPE, NCP_RECIPE, type TrainConfig } from '../core/predict/train';
import { loadPredictorSet } from '../core/predict/store';
import { progressPrinter } from '../core/predict/progress';
import { initBackend } from '../core/predict/backend';
import type { DifferentiablePredictor } from '../core/predict/types';
import { readTrainingArgs, TRAINING_OPTIONS } from './train';
import { choiceOption } from './options';
import { csvText, jsonRecord, outputMode, parseOptions, useModelCatalogue } from './contract';
import { readManifest } from '../core/predict/store';
import { overlapSplit, trainingNetworks, type Split } from './trainingOverlap';
import type { DataEntry } from '../core/data/types';

const help = `Usage: ${CLI_NAME} eval --data FILE [options]

Scores predictors on the architectures of a benchmark file: per setting and metric,
Kendall τ and Spearman ρ of predicted vs true values, mean absolute error, and how often
the true value lies within ±1 and ±2 spreads of the prediction.

Options:
  --data FILE          benchmark data (default: nasbench-mr.json in NCP_DATA_DIR or
                       ../shared/data): our JSON, an authors' trainval.pkl or their data/
                       folder, or measurements (.jsonl, .csv); repeat to merge. Scoring predictors on the file they
                       were trained on says so: a training-set score.
  --model DIR          predictors to score (default: the shipped ones)
  --holdout F          score only a seeded fraction F of the architectures; without
                       --model, first train on the other 1−F (in memory)
  --split-seed S       seed of that split (default 1)
  --recipe R           what to train with --holdout: ncp (default), authors, or both
                       (then the main metric's τ is printed side by side)
  --epochs N, --members K, --teacher N, --seed S, --set k=v,…
                       training options as in '${CLI_NAME} train'
  --settings a,b       only these settings or tasks
  --new-settings a,b   settings of the data that are new on purpose (else a name close to a
                       known setting or task is refused as a typo)
  --json               one JSON line per recipe, setting and metric:
                       {"models"|"recipe","data","networks","trainingNetworks","split","setting",
                       "metric","n","tau","rho","mae","cov1","cov2"} (split: held-out, training,
                       mixed or other — by the networks scored, not the file's name)
  --csv                the same rows as CSV
  --backend B          auto, wasm, cpu or tensorflow
  -h, --help           this text

Examples:
  ${CLI_NAME} eval --data nasbench-mr.json                                  # shipped models
  ${CLI_NAME} eval --data nasbench-mr.json --holdout 0.2 --split-seed 1 --recipe both
  ${CLI_NAME} eval --data nasbench-mr.json --holdout 0.2 --set dropout=0.1   # a variant of ours`;

type Scores = Map<string, MetricScore[]>;

/** Which rows a score is on: held out from training, the training rows, both, or a file the models never saw. */
/** The networks of the scored rows (each once). */
function scoredEntries(d: TrainingData): DataEntry[] {
  const all = d.dataset?.entries ?? [];
  const rows = new Set<number>();
  for (const s of d.settings) for (const r of s.rows) rows.add(r);
  return [...rows].map((i) => all[i]).filter((e) => e !== undefined);
}

/** Whether `file` (with this holdout) is what the models in `dir` were trained on, from their manifest. */
function splitKind(dir: string, file: string, holdout: number | undefined, splitSeed: number): Split {
  let data: unknown;
  try {
    data = readManifest(dir).data;
  } catch {
    return 'other';
  }
  const runs = [data].flat().filter((d): d is { file?: unknown; holdout?: unknown; splitSeed?: unknown } => !!d && typeof d === 'object');
  const same = runs.filter((d) => d.file === file);
  if (same.length === 0) return 'other';
  const trainedHoldout = same.every((d) => typeof d.holdout === 'number' && d.holdout > 0);
  if (!trainedHoldout) return 'training';
  if (holdout === undefined) return 'mixed';
  return same.every((d) => d.holdout === holdout && (d.splitSeed ?? 1) === splitSeed) ? 'held-out' : 'mixed';
}

function fmt(x: number, d = 3): string {
  return x.toFixed(d);
}

function printTable(out: Writable, title: string, scores: Scores): void {
  writeLine(out, title);
  writeLine(out, `${'setting'.padEnd(12)} ${'metric'.padEnd(6)} ${'n'.padStart(5)} ${'tau'.padStart(6)} ${'rho'.padStart(6)} ${'MAE'.padStart(7)} ${'±1σ'.padStart(5)} ${'±2σ'.padStart(5)}`);
  for (const [setting, rows] of scores) {
    for (const r of rows) {
      writeLine(
        out,
        `${setting.padEnd(12)} ${r.metric.padEnd(6)} ${String(r.n).padStart(5)} ${fmt(r.tau).padStart(6)} ${fmt(r.rho).padStart(6)} ${fmt(r.mae).padStart(7)} ${fmt(r.cov1, 2).padStart(5)} ${fmt(r.cov2, 2).padStart(5)}`,
      );
    }
  }
  const mains = [...scores.values()].map((r) => r[0]);
  const mean = (f: (s: MetricScore) => number) => mains.reduce((a, s) => a + f(s), 0) / Math.max(mains.length, 1);
  writeLine(
    out,
    `${'mean (main)'.padEnd(12)} ${''.padEnd(6)} ${''.padStart(5)} ${fmt(mean((s) => s.tau)).padStart(6)} ${fmt(mean((s) => s.rho)).padStart(6)} ${''.padStart(7)} ${fmt(mean((s) => s.cov1), 2).padStart(5)} ${fmt(mean((s) => s.cov2), 2).padStart(5)}`,
  );
  writeLine(out);
}

function score(get: (s: string) => DifferentiablePredictor | undefined, data: TrainingData, err: (m: string) => void): Scores {
  const out: Scores = new Map();
  for (const d of data.settings) {
    const p = get(d.setting);
    if (!p) {
      err(`no predictor for setting '${d.setting}': skipped`);
      continue;
    }
    if (d.inputs.length < 2) {
      err(`setting '${d.setting}': fewer than 2 architectures to score: skipped`);
      continue;
    }
    // the data may measure fewer metrics than the predictor predicts (a CSV with only mIoU): score those it has
    const missing = p.metrics.filter((m) => !d.metrics.includes(m));
    if (missing.length === p.metrics.length) {
      err(`setting '${d.setting}': the data has none of the predictor's metrics (${p.metrics.join(', ')}; the data has ${d.metrics.join(', ')}): skipped`);
      continue;
    }
    if (missing.length > 0) err(`setting '${d.setting}': the data has no ${missing.map((m) => `'${m}'`).join(', ')}: scored ${p.metrics.filter((m) => d.metrics.includes(m)).join(', ')} only`);
    out.set(d.setting, scorePredictor(p, d));
  }
  return out;
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score predictors: Kendall τ, Spearman ρ, MAE, spread coverage',
  help,
  async run(args, io) {
    const { values } = parseOptions('eval', {
      args,
      options: {
        ...TRAINING_OPTIONS,
        model: { type: 'string' },
        recipe: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
      },
      allowPositionals: false,
    }, io);
    const mode = outputMode(values);
    const recipeName = choiceOption(values.recipe, '--recipe', ['ncp', 'authors', 'both'] as const) ?? 'ncp';
    if (values.model !== undefined && values.recipe !== undefined) throw new UsageError('--recipe trains new predictors; it cannot be combined with --model');
    const { dataPath, data, holdout, splitSeed, seed, backend: backendChoice, overrides } = readTrainingArgs(values, io, 'eval');
    const split = holdout !== undefined ? splitData(data, holdout, splitSeed) : undefined;
    const test = split ? split.test : data;
    const err = (m: string) => writeLine(io.stderr, `${CLI_NAME} eval: ${m}`);
    // `fields`: what the run was, as JSON fields (docs/cli-schemas/eval.schema.json), not a sentence
    const results: { label: string; scores: Scores; split: Split; fields: Record<string, unknown> }[] = [];

    if (values.model !== undefined || holdout === undefined) {
      const modelDir = values.model === undefined ? undefined : resolve(io.cwd, values.model);
      useModelCatalogue(modelDir);
      const set = await loadPredictorSet(modelDir, { backend: backendChoice });
      const where = split ? `held-out ${test.settings[0]?.inputs.length ?? 0} of ${data.archs} archs (--holdout ${holdout}, --split-seed ${splitSeed})` : `all ${data.archs} archs`;
      // by the networks scored (trainingOverlap.ts); by the file's name only when the training data cannot be found
      const scored = scoredEntries(test);
      const byNetworks = overlapSplit(scored, trainingNetworks(set.dir));
      const kind = byNetworks.split !== 'other' ? byNetworks.split : splitKind(set.dir, basename(dataPath), holdout, splitSeed);
      const overlap = byNetworks.split === 'mixed' ? ` (${byNetworks.trained} of the ${scored.length} networks)` : '';
      const note = kind === 'training' ? ': a TRAINING-SET score (these predictors were trained on these networks; score networks they were not trained on for a held-out score)' : kind === 'mixed' ? `: includes training networks${overlap} (score the held-out rows with the --holdout and --split-seed the models were trained with)` : '';
      results.push({
        label: `models ${set.dir} (version ${set.version}) on ${basename(dataPath)}, ${where}${note}`,
        scores: score((s) => set.get(s), test, err),
        split: kind,
        fields: { models: set.dir, version: set.version, data: basename(dataPath), networks: scored.length, trainingNetworks: byNetworks.trained, ...(holdout !== undefined ? { holdout, splitSeed } : {}) },
      });
      if (kind !== 'held-out' && kind !== 'other') err(`note: ${kind === 'training' ? 'training-set score' : `the scored networks include training networks${overlap}`}; see stdout`);
    } else {
      const backend = await initBackend(backendChoice);
      const recipes: TrainConfig[] = recipeName === 'both' ? [NCP_RECIPE, AUTHORS_RECIPE] : [recipeName === 'authors' ? AUTHORS_RECIPE : NCP_RECIPE];
      for (const base of recipes) {
        err(`training recipe '${base.recipe}' on ${split!.train.settings[0]?.inputs.length ?? 0} archs (backend ${backend})`);
        const progress = progressPrinter(io.stderr, io.stderrIsTTY, `[${base.recipe}] `);
        const trained = await trainSettings(split!.train.settings, { base, seed, overrides, onProgress: (p) => progress.update(p) });
        progress.done();
        const byName = new Map(trained.map((t) => [t.predictor.setting, t.predictor]));
        results.push({
          label: `recipe '${base.recipe}' trained on ${split!.train.settings[0]?.inputs.length ?? 0} archs, scored on the held-out ${test.settings[0]?.inputs.length ?? 0} (--holdout ${holdout} --split-seed ${splitSeed} --seed ${seed})`,
          scores: score((s) => byName.get(s), test, err),
          split: 'held-out',
          fields: { recipe: base.recipe, data: basename(dataPath), networks: scoredEntries(test).length, trainingNetworks: 0, holdout, splitSeed, seed },
        });
      }
    }

    if (mode === 'json') {
      for (const r of results) {
        for (const [setting, rows] of r.scores) for (const m of rows) writeLine(io.stdout, jsonRecord({ ...r.fields, split: r.split, setting, ...m }));
      }
      return 0;
    }
    if (mode === 'csv') {
      const rows = results.flatMap((r) => [...r.scores].flatMap(([setting, ms]) => ms.map((m) => [r.fields.models ?? '', r.fields.recipe ?? '', r.fields.data, r.split, setting, m.metric, m.n, m.tau, m.rho, m.mae, m.cov1, m.cov2])));
      io.stdout.write(csvText(['models', 'recipe', 'data', 'split', 'setting', 'metric', 'n', 'tau', 'rho', 'mae', 'cov1', 'cov2'], rows));
      return 0;
    }
    for (const r of results) printTable(io.stdout, r.label, r.scores);
    if (results.length === 2) {
      const [a, b] = results;
      writeLine(io.stdout, `main-metric Kendall τ, side by side (held-out split ${splitSeed})`);
      writeLine(io.stdout, `${'setting'.padEnd(12)} ${'ncp'.padStart(7)} ${'authors'.padStart(7)} ${'Δ'.padStart(7)}`);
      let sa = 0;
      let sb = 0;
      let n = 0;
      for (const [setting, rows] of a.scores) {
        const other = b.scores.get(setting);
        if (!other) continue;
        sa += rows[0].tau;
        sb += other[0].tau;
        n++;
        writeLine(io.stdout, `${setting.padEnd(12)} ${fmt(rows[0].tau).padStart(7)} ${fmt(other[0].tau).padStart(7)} ${(rows[0].tau - other[0].tau >= 0 ? '+' : '') + fmt(rows[0].tau - other[0].tau)}`);
      }
      if (n > 0) writeLine(io.stdout, `${'mean'.padEnd(12)} ${fmt(sa / n).padStart(7)} ${fmt(sb / n).padStart(7)} ${(sa - sb >= 0 ? '+' : '') + fmt((sa - sb) / n)}`);
    }
    return 0;
  },
};
