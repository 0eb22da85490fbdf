// `ncp search`: the closed loop — choose which networks to measure next, measure them (look-up
// in a benchmark or the user's training script), until the query budget is spent.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { intOption, numberOption } from './options';
import { TARGET_OPTIONS, describeCostTarget, hasTarget, targetOption } from './targetOption';
import { catalogueFromData, jsonRecord, objectiveArgument, parseOptions, quantityOption } from './contract';
import { PropagationError, termLabel } from '../core/propagate';
import { BUILTIN_DEFAULTS } from '../features/propagation/propagationRequest';
import { DataError, loadDataSources, toMrBenchmark, toNb201Benchmark, type Dataset } from '../core/data';
import { DEFAULT_CATALOGUE } from '../core/settings';
import { fmtTime } from '../core/predict/progress';
import { MrBenchmarkMeasurer, Nb201BenchmarkMeasurer } from '../core/search/benchmarkMeasurer';
import { CommandMeasurer } from '../core/search/commandMeasurer';
import { SEARCH_DEFAULTS, SEARCH_LIMITS, budgeting, runSearch, objectiveValue } from '../core/search/loop';
import { appendMeasurement, measurementToRow, MeasurementsFormatError, readMeasurements } from '../core/search/measurementsFile';
import { SearchCancelled, SearchError, type Measurement, type Measurer, type SpaceKind } from '../core/search/types';
import { codeToString } from '../core/space/multires';
import { cellToString } from '../core/space/nb201';

const help = `Usage: ${CLI_NAME} search (--data FILE | --measure CMD) --queries N [options]

Closed-loop propagation: measures a few random networks, then repeatedly fits a predictor
ensemble (Gaussian-process members) on everything measured, propagates from many starts under
an upper-confidence-bound acquisition and the hard budget, and measures the most promising
new networks, until N measurements are made. Prints the best network so far as it goes.

Measuring:
  --data FILE            look networks up in data (for evaluation): NAS-Bench-201 or NAS-Bench-MR,
                         any form the other commands read (our JSON, the authors' pickles or
                         data/ folder, CSV, JSON Lines; repeat to merge); a multi-resolution
                         proposal the data lacks is replaced by the nearest unmeasured network
                         there within the budget (noted); --benchmark is a deprecated alias
  --measure CMD          run CMD (through the shell) once per network: the network as one JSON
                         object on stdin — {"space":"multires","code":[27 integers],"string":"…",
                         "authors":{input_channel, network_setting, last_channel}}
                         or {"space":"nb201","cell":"|…|"} — and its metrics as one JSON object
                         on stdout (the last line that is one): {"seg": {"mIoU": 76.1}}.
                         Failures, garbage, deaths and timeouts are recorded, not fatal.
  --timeout S            seconds per measurement before CMD is killed (default 3600)

Options:
  --queries N            measurements in all, earlier ones included (1–${SEARCH_LIMITS.queries})
  --initial K            random networks measured first (default ${SEARCH_DEFAULTS.initial})
  --batch B              networks proposed per refit (default ${SEARCH_DEFAULTS.batch}, at most ${SEARCH_LIMITS.batch})
  --to OBJ[,OBJ…]        what to maximise, as in propagate: a task (segmentation, …) | SETTING[.METRIC]
                         | '0.5*seg-4x.mIoU'; nb201 for NAS-Bench-201 cells (--objective: the same)
  --flops-max X          hard budget in G multiply-accumulates (2.5, 2.5G or 2500M; multires; never exceeded)
  --params-max X         hard budget in M parameters (3, 3M or 3000K)
  --lambda L             weight of the exact FLOPs subtracted from the objective (default ${BUILTIN_DEFAULTS.lambda}; multires)
  --input HxW, --head cls|seg, --classes N
                         the input size, head and classes the budget and lambda count FLOPs and
                         params at (default 128x128, cls, 50: the benchmark's), e.g. --input
                         512x1024 --head seg; also passed to CMD as "input", "head", "classes"
  --kappa K              weight of the ensemble's spread in the acquisition (default ${SEARCH_DEFAULTS.kappa})
  --seed S               seed (default 0); the same seed and measurements give the same search
  --out FILE             measurements file (JSON Lines), appended as each measurement arrives
  --resume               continue the search in --out: its measurements count and are never repeated
  --json                 JSON Lines: one object per measurement, then a summary object
  -h, --help             this text

Exit status: 0 done, 1 no successful measurement or the search failed, 2 usage, 130 cancelled
(Ctrl-C; the measurements so far are in --out).

Examples:
  ${CLI_NAME} search --data ../shared/data/nasbench201.json --to nb201 --queries 100
  ${CLI_NAME} search --measure 'python train.py' --to seg.mIoU --flops-max 2.5G --queries 50 --out runs.jsonl
  ${CLI_NAME} train --data runs.jsonl --out models/mine     # the measurements are data for the other commands`;

function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}

export function pointText(space: SpaceKind, p: readonly number[]): string {
  return space === 'nb201' ? cellToString(p) : codeToString(p);
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'closed-loop search: choose which networks to measure next, measure them, repeat',
  help,
  async run(args, io) {
    const { values } = parseOptions('search', {
      args,
      allowPositionals: false,
      strict: true,
      options: {
        data: { type: 'string', multiple: true },
        measure: { type: 'string' },
        timeout: { type: 'string' },
        queries: { type: 'string' },
        initial: { type: 'string' },
        batch: { type: 'string' },
        to: { type: 'string' },
        objective: { type: 'string' },
        'flops-max': { type: 'string' },
        'params-max': { type: 'string' },
        lambda: { type: 'string' },
        kappa: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        resume: { type: 'boolean' },
        json: { type: 'boolean' },
        ...TARGET_OPTIONS,
      },
    }, io);
    if ((values.data === undefined) === (values.measure === undefined)) throw new UsageError('give one of --data FILE or --measure CMD');
    if (values.to !== undefined && values.objective !== undefined) throw new UsageError('give --to or --objective, not both');
    const objText = values.to ?? values.objective;
    if (objText === undefined) throw new UsageError('--to is required (e.g. --to seg.mIoU, or --to nb201)');
    // names resolve against the data's settings (look-up), or are open (a training script defines them)
    let data: Dataset | undefined;
    if (values.data !== undefined) {
      try {
        data = loadDataSources(values.data.map((d) => resolve(io.cwd, d)));
      } catch (e) {
        if (e instanceof DataError) throw new UsageError(`--data: ${e.message}`);
        throw e;
      }
    }
    const flag = values.to !== undefined ? '--to' : '--objective';
    const objective = objectiveArgument(objText, flag, data ? catalogueFromData(data) : DEFAULT_CATALOGUE, data === undefined);
    const space: SpaceKind = objective.some((t) => t.setting === 'nb201') ? 'nb201' : 'multires';
    if (space === 'nb201' && objective.some((t) => t.setting !== 'nb201')) throw new UsageError('--to: nb201 cannot be mixed with multi-resolution settings');
    const queries = intOption(values.queries, '--queries', 1);
    if (queries === undefined) throw new UsageError('--queries is required');
    if (queries > SEARCH_LIMITS.queries) throw new UsageError(`--queries: at most ${SEARCH_LIMITS.queries}, got ${queries}`);
    const batch = intOption(values.batch, '--batch', 1);
    if (batch !== undefined && batch > SEARCH_LIMITS.batch) throw new UsageError(`--batch: at most ${SEARCH_LIMITS.batch}, got ${batch}`);
    const initial = intOption(values.initial, '--initial', 1);
    const flopsMax = quantityOption(values['flops-max'], '--flops-max', 'G');
    const paramsMax = quantityOption(values['params-max'], '--params-max', 'M');
    const lambda = numberOption(values.lambda, '--lambda', { min: 0 });
    const kappa = numberOption(values.kappa, '--kappa', { min: 0, max: 100 });
    const seed = intOption(values.seed, '--seed', 0) ?? 0;
    const timeout = numberOption(values.timeout, '--timeout', { min: 0, max: 7 * 24 * 3600, exclusiveMin: true }) ?? 3600;
    if (space === 'nb201' && (flopsMax !== undefined || paramsMax !== undefined || lambda !== undefined)) {
      throw new UsageError('--flops-max, --params-max and --lambda apply to multi-resolution networks, not NAS-Bench-201 cells');
    }
    const costAt = targetOption(values);
    if (space === 'nb201' && hasTarget(costAt)) throw new UsageError('--input, --head and --classes apply to multi-resolution networks, not NAS-Bench-201 cells');
    if (hasTarget(costAt)) writeLine(io.stderr, `${CLI_NAME} search: FLOPs and params count at ${describeCostTarget(costAt)}`);
    if (values.resume && values.out === undefined) throw new UsageError('--resume needs --out FILE (the measurements to continue)');
    const out = values.out === undefined ? undefined : resolve(io.cwd, values.out);
    if (out && !values.resume && existsSync(out) && readFileSync(out, 'utf8').trim() !== '') {
      throw new UsageError(`${values.out} already holds measurements: add --resume to continue that search, or choose another --out`);
    }

    let measurer: Measurer;
    let label: string;
    if (data) {
      try {
        if (space === 'nb201') measurer = new Nb201BenchmarkMeasurer(toNb201Benchmark(data));
        else {
          const mr = new MrBenchmarkMeasurer(toMrBenchmark(data), [...new Set(objective.map((t) => t.setting))]);
          if (mr.usable.length === 0) throw new UsageError(`--data: no network of ${data.sources.join(', ')} has measurements of ${objective.map(termLabel).join(', ')}`);
          measurer = mr;
        }
      } catch (e) {
        if (e instanceof DataError) throw new UsageError(`--data: ${e.message}`);
        throw e;
      }
      label = 'benchmark';
    } else {
      measurer = new CommandMeasurer({ command: values.measure!, space, timeout, cwd: io.cwd, ...(hasTarget(costAt) ? { target: costAt } : {}) });
      label = 'measure';
    }

    let history: Measurement[] = [];
    if (out && values.resume) {
      try {
        const r = readMeasurements(out, { repair: true });
        history = r.measurements;
        for (const n of r.notes) writeLine(io.stderr, `${CLI_NAME} search: note: ${n}`);
      } catch (e) {
        if (e instanceof MeasurementsFormatError) throw new UsageError(e.message);
        throw e;
      }
      writeLine(io.stderr, `${CLI_NAME} search: resuming with ${history.length} measurement(s) from ${values.out}`);
    }

    const json = values.json === true;
    const lambdaUsed = space === 'multires' ? (lambda ?? BUILTIN_DEFAULTS.lambda) : 0;
    const b = budgeting(space, { flopsMax, paramsMax, lambda: lambdaUsed, cost: costAt });
    let bestShown: number | undefined;
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const res = await runSearch(
        {
          space,
          objective,
          lambda: space === 'multires' ? lambdaUsed : undefined,
          flopsMax,
          paramsMax,
          cost: costAt,
          queries,
          initial,
          batch,
          kappa,
          seed,
          history,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'measuring' && p.elapsed !== undefined && io.stderrIsTTY) io.stderr.write(`\r\x1b[K${CLI_NAME} search: measuring ${p.measured + 1}/${p.queries}, ${fmtTime(p.elapsed)}`);
          },
          onMeasurement: (m, i) => {
            if (out) appendMeasurement(out, m);
            if (io.stderrIsTTY) io.stderr.write('\r\x1b[K');
            const v = objectiveValue(m, objective);
            if (json) writeLine(io.stdout, jsonRecord({ index: i + 1, ...measurementToRow(m), value: v }));
            else {
              const what = m.ok ? (v === undefined ? `no value for ${objective.map(termLabel).join(' + ')}` : fmt(v)) : `failed: ${m.error}`;
              let line = `${String(i + 1).padStart(4)}  ${what}  ${pointText(space, m.point)}`;
              // the same score the loop ranks by: objective − λ·GMACs
              const score = v === undefined ? undefined : v - lambdaUsed * b.flops(m.point);
              if (score !== undefined && (bestShown === undefined || score > bestShown)) {
                bestShown = score;
                line += '  ← best so far';
              }
              writeLine(io.stdout, line);
            }
            if (m.note) writeLine(io.stderr, `${CLI_NAME} search: note: ${m.note}`);
          },
        },
        measurer,
      );
      for (const n of res.notes) writeLine(io.stderr, `${CLI_NAME} search: note: ${n}`);
      const best = res.best >= 0 ? res.measurements[res.best] : undefined;
      if (json) {
        writeLine(io.stdout, jsonRecord({ summary: true, measured: res.measurements.length, failed: res.measurements.filter((m) => !m.ok).length, best: best ? { ...measurementToRow(best), value: res.bestValue } : null, stopReason: res.stopReason, measure: label }));
      } else if (best) {
        writeLine(io.stdout, `best: ${fmt(res.bestValue!)} (${objective.map(termLabel).join(' + ')}${lambdaUsed > 0 ? ` − ${lambdaUsed}·GMACs` : ''}) ${pointText(space, best.point)}`);
      } else writeLine(io.stdout, 'best: none (no successful measurement)');
      return best ? 0 : 1;
    } catch (e) {
      if (e instanceof SearchCancelled) {
        writeLine(io.stderr, `${CLI_NAME} search: cancelled; the measurements so far are in ${values.out ?? '(no --out file)'}`);
        return 130;
      }
      if (e instanceof SearchError || e instanceof PropagationError) {
        writeLine(io.stderr, `${CLI_NAME} search: ${e.message}`);
        return 1;
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};
