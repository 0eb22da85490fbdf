// `ncp search`: the closed loop — choose which networks to measure next, measure them (look-up
// in a benchmark or the user's training script), until the query budget is spent.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkData, newSettingsOption } from './dataChecks';
import { dataArgumentError, fileWritten } from './inputFile';
import { BestSoFar, bestText, rowScore, rowText } from './searchRows';
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { choiceOption, intOption, numberOption } from './options';
import { TARGET_OPTIONS, describeCostTarget, hasTarget, targetOption } from './targetOption';
import { catalogueFromData, jsonRecord, objectiveArgument, parseOptions, quantityOption } from './contract';
import { PropagationError, termLabel } from '../core/propagate';
import { BUILTIN_DEFAULTS } from '../features/propagation/propagationRequest';
import { DataError, loadDataSources, toMrBenchmark, toNb201Benchmark, type Dataset } from '../core/data';
import { DEFAULT_CATALOGUE } from '../core/settings';
import { fmtTime } from '../core/predict/progress';
import { MrBenchmarkMeasurer, Nb201BenchmarkMeasurer } from '../core/search/benchmarkMeasurer';
import { JOBS_LIMIT, runAsyncSearch } from '../core/search/asyncLoop';
import { COST_AWARE_DEFAULTS, COST_AWARE_LIMITS } from '../core/search/costAware';
import { SEARCH_DEFAULTS, SEARCH_LIMITS, budgeting, runSearch } from '../core/search/loop';
import { LIMITS } from '../core/limits';
import type { Backend } from '../core/search/measure/backend';
import { MetricsChecker } from '../core/search/measure/checks';
import { runsDirFor } from '../core/search/measure/folders';
import { LocalBackend } from '../core/search/measure/local';
import { latestPerNetwork, measuringSetup } from '../core/search/measure/measuredSearch';
export { latestPerNetwork };
import { CommandBrokenError } from '../core/search/measure/runner';
import { SlurmBackend, splitArgs } from '../core/search/measure/slurm';
import { appendMeasurement, measurementToRow, MeasurementsFormatError, readMeasurements } from '../core/search/measurementsFile';
import { SearchCancelled, SearchError, type Measurement, type Measurer, type SpaceKind } from '../core/search/types';
import { codeToString } from '../core/space/multires';
import { cellToString } from '../core/space/nb201';
import { PRIOR_HELP, priorOption } from './priorOption';

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
  --new-settings a,b     settings that are new on purpose, in --data or in --measure's output
                         (else a name close to a known setting or task, e.g. Seg, is a typo)
  --measure CMD          run CMD (through the shell) once per network: the network as one JSON
                         object on stdin and in NCP_NETWORK — {"space":"multires","code":[27
                         integers],"string":"…","authors":{input_channel, network_setting,
                         last_channel}} or {"space":"nb201","cell":"|…|"} — and its
                         metrics as the last JSON object it prints on stdout: {"seg": {"mIoU": 76.1}}
                         naming the objective's settings and metrics (a setting of your own is
                         accepted; one whose name is close to a known one, e.g. Seg, is a failed
                         measurement unless in --new-settings). Each measurement runs in its own
                         folder beside --out (runs.jsonl → runs/<id>/attempt-<k>/: stdout.txt,
                         stderr.txt), with NCP_MEASUREMENT_ID, NCP_ATTEMPT and NCP_OUTPUT_DIR set.
                         Failures, garbage, deaths and timeouts are recorded, not fatal.
  --timeout S            seconds per attempt before CMD is stopped (default 3600)
  --jobs N               measurements running at once (default 1; at most ${JOBS_LIMIT}): when one ends
                         the loop refits and proposes the next while the others run
  --pending P            how running networks count in the refit: believer (default: the model's
                         own prediction) or liar (the worst value measured so far)
  --cost-alpha A         with --jobs N > 1, a cost-aware start: propose by expected improvement per
                         FLOPs^A, A cooled to 0 over the first --cost-share of the queries, so that
                         cheap promising networks report first (default ${COST_AWARE_DEFAULTS.alpha}: off; share
                         ${COST_AWARE_DEFAULTS.share}; ignored with --lambda, which prices FLOPs already)
  --cost-share S         share of the queries (0–1) over which the cost-aware start cools
  --gpus LIST            devices to share among the jobs, e.g. 0,1,2,3: each running attempt gets
                         one as CUDA_VISIBLE_DEVICES (--jobs defaults to their number)
  --retries N            attempts more for a failure that looks like the infrastructure's (non-zero
                         exit, signal, timeout, a job the scheduler ended), after a back-off
  --retry-delay S        seconds before the first retry, doubled each time (default 10)
  --broken-after K       stop when K attempts in a row fail with the same error (default 5; 0: never)
  --retry-failed         with --resume: measure the failed measurements in --out again
  --backend B            local (default) or slurm: each attempt a Slurm job (sbatch), N in flight
  --slurm                the same as --backend slurm
  --slurm-args=ARGS      sbatch options for every job (with '=' when they start with a dash),
                         e.g. --slurm-args='--partition=gpu --gres=gpu:1 --time=4:00:00'

Options:
  --queries N            measurements in all, earlier ones included (1–${SEARCH_LIMITS.queries})
  --initial K            random networks measured first (default ${SEARCH_DEFAULTS.initial})
  --batch B              networks proposed per refit (default ${SEARCH_DEFAULTS.batch}, at most ${SEARCH_LIMITS.batch})
  --to OBJ[,OBJ…]        what to maximise, as in propagate: a task (segmentation, …) | SETTING[.METRIC]
                         | '0.5*seg-4x.mIoU'; nb201 for NAS-Bench-201 cells (--objective: the same)
  --flops-max X          hard budget on FLOPs with its unit (2.5G or 2500M; multires; never exceeded)
  --params-max X         hard budget on parameters with its unit (3M or 3000K)
  --lambda L             weight of the exact FLOPs subtracted from the objective (default ${BUILTIN_DEFAULTS.lambda}; multires)
  --input HxW, --head cls|seg, --classes N
                         the input size, head and classes the budget and lambda count FLOPs and
                         params at (default 128x128, cls, 50: the benchmark's), e.g. --input
                         512x1024 --head seg; also passed to CMD as "input", "head", "classes"
  --kappa K              weight of the ensemble's spread in the acquisition (default ${SEARCH_DEFAULTS.kappa})
  --seed S               seed (default 0); the same seed and measurements give the same search
  --out FILE             measurements file (JSON Lines), appended as each measurement arrives
  --resume               continue the search in --out: its measurements count and are never repeated;
                         measurements an interrupt cut short are measured again (Slurm jobs still
                         queued or running are waited for, not started twice)
  --json                 JSON Lines: one object per measurement, then a summary object
${PRIOR_HELP}
  -h, --help             this text

Exit status: 0 done, 1 no successful measurement, the command seems broken or the search failed,
2 usage, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (every running measurement is stopped; the
measurements so far are in --out).

Examples:
  ${CLI_NAME} search --data ../shared/data/nasbench201.json --to nb201 --queries 100
  ${CLI_NAME} search --measure 'python train.py' --to seg.mIoU --flops-max 2.5G --queries 50 --out runs.jsonl
  ${CLI_NAME} train --data runs.jsonl --out models/mine     # the measurements are data for the other commands`;

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
        jobs: { type: 'string' },
        gpus: { type: 'string' },
        retries: { type: 'string' },
        'retry-delay': { type: 'string' },
        'broken-after': { type: 'string' },
        'retry-failed': { type: 'boolean' },
        backend: { type: 'string' },
        slurm: { type: 'boolean' },
        'slurm-args': { type: 'string' },
        pending: { type: 'string' },
        'cost-alpha': { type: 'string' },
        'cost-share': { type: 'string' },
        prior: { type: 'string' },
        'new-settings': { type: 'string' },
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
        if (e instanceof DataError) throw dataArgumentError('--data', e, io.cwd);
        throw e;
      }
    }
    // a known setting's metrics are its own, a look-alike setting name a typo unless declared (dataChecks.ts)
    const declaredNew = newSettingsOption(values['new-settings']);
    if (data) checkData(data, { declaredNew });
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
    if (values['retry-failed'] && !values.resume) throw new UsageError('--retry-failed goes with --resume (it measures the failures in --out again)');
    const gpus = values.gpus === undefined ? undefined : values.gpus.split(',').map((g) => g.trim());
    if (gpus && (gpus.length === 0 || gpus.length > JOBS_LIMIT || gpus.some((g) => !/^[A-Za-z0-9:-]{1,64}$/.test(g)))) throw new UsageError(`--gpus: a comma-separated list of device ids, e.g. 0,1,2,3, got ${JSON.stringify(values.gpus)}`);
    const jobs = intOption(values.jobs, '--jobs', 1, JOBS_LIMIT) ?? gpus?.length ?? 1;
    if (gpus && jobs > gpus.length) throw new UsageError(`--jobs ${jobs} with ${gpus.length} device(s) in --gpus: give at least one device per job`);
    const retries = intOption(values.retries, '--retries', 0, LIMITS.searchRetries) ?? 0;
    const retryDelay = numberOption(values['retry-delay'], '--retry-delay', { min: 0, max: 3600 }) ?? 10;
    const brokenAfter = intOption(values['broken-after'], '--broken-after', 0, 1000) ?? 5;
    if (values.slurm && values.backend !== undefined && values.backend !== 'slurm') throw new UsageError('--slurm and --backend local contradict each other');
    const backendName = values.slurm ? 'slurm' : (choiceOption(values.backend, '--backend', ['local', 'slurm'] as const) ?? 'local');
    const pendingRule = choiceOption(values.pending, '--pending', ['believer', 'liar'] as const);
    const costAlpha = numberOption(values['cost-alpha'], '--cost-alpha', { min: 0, max: COST_AWARE_LIMITS.alpha });
    const costShare = numberOption(values['cost-share'], '--cost-share', { min: 0, max: 1 });
    const costAware = costAlpha === undefined && costShare === undefined ? undefined : { alpha: costAlpha ?? COST_AWARE_DEFAULTS.alpha, share: costShare ?? COST_AWARE_DEFAULTS.share };
    if (costAware && jobs === 1) throw new UsageError('--cost-alpha and --cost-share apply to --jobs N > 1 (the asynchronous loop)');
    if (values.data !== undefined) {
      for (const f of ['gpus', 'retries', 'retry-delay', 'broken-after', 'retry-failed', 'backend', 'slurm', 'slurm-args'] as const) {
        if (values[f] !== undefined) throw new UsageError(`--${f} applies to --measure (a training command), not --data`);
      }
    }
    const out = values.out === undefined ? undefined : resolve(io.cwd, values.out);
    if (out && !values.resume && existsSync(out) && readFileSync(out, 'utf8').trim() !== '') {
      throw new UsageError(`${values.out} already holds measurements: add --resume to continue that search, or choose another --out`);
    }

    let measurer: Measurer | undefined;
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
        if (e instanceof DataError) throw dataArgumentError('--data', e, io.cwd);
        throw e;
      }
      label = 'benchmark';
    } else label = 'measure';

    let history: Measurement[] = [];
    if (out && values.resume) {
      try {
        const r = readMeasurements(out, { repair: true });
        history = latestPerNetwork(r.measurements);
        for (const n of r.notes) writeLine(io.stderr, `${CLI_NAME} search: note: ${n}`);
      } catch (e) {
        if (e instanceof MeasurementsFormatError) throw new UsageError(e.message);
        throw e;
      }
    }
    // measured first: measurements an interrupt cut short, then (--retry-failed) the failures
    let first: number[][] = [];
    let checker: MetricsChecker | undefined;
    if (values.measure !== undefined) {
      const runsDir = out ? runsDirFor(out) : mkdtempSync(join(tmpdir(), 'ncprop-runs-'));
      if (!out) writeLine(io.stderr, `${CLI_NAME} search: no --out: each measurement's output is in ${runsDir}`);
      let backend: Backend;
      if (backendName === 'slurm') {
        try {
          backend = new SlurmBackend({ sbatchArgs: values['slurm-args'] === undefined ? [] : splitArgs(values['slurm-args']) });
        } catch (e) {
          throw new UsageError(`--slurm-args: ${(e as Error).message}`);
        }
      } else backend = new LocalBackend();
      const setup = measuringSetup({
        space,
        objective,
        catalogue: DEFAULT_CATALOGUE,
        command: values.measure,
        cwd: io.cwd,
        runsDir,
        history,
        resume: values.resume === true,
        retryFailed: values['retry-failed'] === true,
        backend,
        timeout,
        retries,
        retryDelay,
        brokenAfter,
        gpus: backendName === 'slurm' ? undefined : gpus,
        declaredNew,
        ...(hasTarget(costAt) ? { target: costAt } : {}),
      });
      ({ history, first, checker } = setup);
      measurer = setup.runner;
      const { cutShort: cut, retried } = setup;
      if (values.resume && (cut > 0 || retried > 0)) {
        writeLine(io.stderr, `${CLI_NAME} search: ${[cut > 0 ? `${cut} measurement(s) cut short` : '', retried > 0 ? `${retried} failed measurement(s)` : ''].filter(Boolean).join(' and ')} will be measured again first`);
      }
    }
    if (out && values.resume) writeLine(io.stderr, `${CLI_NAME} search: resuming with ${history.length} measurement(s) from ${values.out}`);

    const prior = await priorOption(values.prior, io, 'search');
    const json = values.json === true;
    const lambdaUsed = space === 'multires' ? (lambda ?? BUILTIN_DEFAULTS.lambda) : 0;
    const b = budgeting(space, { flopsMax, paramsMax, lambda: lambdaUsed, cost: costAt });
    // "best so far" compares objectives within the budget, from the resumed rows on (searchRows.ts)
    const bestSoFar = new BestSoFar(history, objective, b);
    const controller = new AbortController();
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (sig: NodeJS.Signals) => {
      stoppedBy ??= sig;
      controller.abort();
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const sig of signals) process.on(sig, onSignal);
    const ownSettingsNamed = new Set<string>();
    try {
      const res = await (jobs > 1 ? runAsyncSearch : runSearch)(
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
          first,
          jobs,
          pending: pendingRule,
          costAware,
          prior,
          signal: controller.signal,
          onProgress: (p) => {
            if (!io.stderrIsTTY || p.phase !== 'measuring') return;
            if (p.running !== undefined) io.stderr.write(`\r\x1b[K${CLI_NAME} search: ${p.measured}/${p.queries} measured, ${p.running} running`);
            else if (p.elapsed !== undefined) io.stderr.write(`\r\x1b[K${CLI_NAME} search: measuring ${p.measured + 1}/${p.queries}, ${fmtTime(p.elapsed)}`);
          },
          onMeasurement: (m, i) => {
            if (out) appendMeasurement(out, m);
            for (const s of checker?.ownSettings ?? []) {
              if (ownSettingsNamed.has(s)) continue;
              ownSettingsNamed.add(s);
              writeLine(io.stderr, `${CLI_NAME} search: note: '${s}' is not a known setting: its metrics are taken as your own setting's`);
            }
            if (io.stderrIsTTY) io.stderr.write('\r\x1b[K');
            const score = rowScore(m, objective, b);
            const isBest = bestSoFar.offer(score);
            if (json) writeLine(io.stdout, jsonRecord({ index: i + 1, ...measurementToRow(m), string: pointText(space, m.point), metric: score.metric ?? null, objective: score.objective ?? null, withinBudget: score.withinBudget, bestSoFar: isBest }));
            else {
              const what = m.ok ? rowText(score, objective, b) : `failed: ${m.error}`;
              writeLine(io.stdout, `${String(i + 1).padStart(4)}  ${what}  ${pointText(space, m.point)}${isBest ? '  ← best so far' : ''}`);
            }
            if (m.note) writeLine(io.stderr, `${CLI_NAME} search: note: ${m.note}`);
          },
        },
        measurer!,
      );
      for (const n of res.notes) writeLine(io.stderr, `${CLI_NAME} search: note: ${n}`);
      const best = res.best >= 0 ? res.measurements[res.best] : undefined;
      if (json) {
        const bs = best ? rowScore(best, objective, b) : undefined;
        writeLine(io.stdout, jsonRecord({ summary: true, measured: res.measurements.length, failed: res.measurements.filter((m) => !m.ok).length, best: best ? { ...measurementToRow(best), string: pointText(space, best.point), metric: bs!.metric, objective: bs!.objective } : null, lambda: lambdaUsed, stopReason: res.stopReason, measure: label }));
      } else if (best) {
        writeLine(io.stdout, bestText(rowScore(best, objective, b), objective, b, pointText(space, best.point), best.point));
      } else writeLine(io.stdout, 'best: none (no successful measurement)');
      return best ? 0 : 1;
    } catch (e) {
      if (e instanceof SearchCancelled) {
        const kept = values.out === undefined ? 'no --out file: the measurements were not kept' : fileWritten(resolve(io.cwd, values.out)) ? `the measurements so far are in ${values.out}` : `no measurement was written (${values.out} was not created)`;
        writeLine(io.stderr, `${CLI_NAME} search: ${stoppedBy ? `stopped by ${stoppedBy}` : 'cancelled'}; every running measurement was stopped; ${kept}${values.measure !== undefined && out ? ' (--resume measures the ones cut short)' : ''}`);
        return stoppedBy === 'SIGTERM' ? 143 : stoppedBy === 'SIGHUP' ? 129 : 130;
      }
      if (e instanceof CommandBrokenError) {
        writeLine(io.stderr, `${CLI_NAME} search: stopped: ${e.message}`);
        writeLine(io.stderr, `${CLI_NAME} search: fix the command, then continue with --resume${out ? '' : ' --out FILE'} (add --retry-failed to measure the failed networks again)`);
        return 1;
      }
      if (e instanceof SearchError || e instanceof PropagationError) {
        writeLine(io.stderr, `${CLI_NAME} search: ${e.message}`);
        return 1;
      }
      throw e;
    } finally {
      for (const sig of signals) process.removeListener(sig, onSignal);
    }
  },
};
