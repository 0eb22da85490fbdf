// `ncp nb201`: NCP on NAS-Bench-201 — train a predictor on N random cells, propagate from K
// random cells, and compare each result with the true accuracy and the predictor's optimum.
import { CLI_NAME, UsageError, writeLine, type Command } from './command';
import { choiceOption, intOption, requiredIntOption } from './options';
import { BenchmarkFormatError } from '../core/benchmark';
import { DataError, loadData, toNb201Benchmark } from '../core/data';
import { dataFile, estimate, jsonRecord, parseOptions } from './contract';
import { cellToOneHot, parseCellString } from '../core/space/nb201';
import { LIMITS } from '../core/limits';
import { BudgetExceeded, DEFAULT_MAX_SECONDS } from '../core/run/budget';
import { BUDGET_OPTIONS, budgetLimits, startBudget } from './budgetOption';
import { runNb201Experiment } from '../core/propagate/nb201Experiment';
import { PropagationError, STRATEGIES } from '../core/propagate';
import { trainPredictor } from '../core/predict';

const help = `Usage: ${CLI_NAME} nb201 [--data FILE] --train-samples N --seed S [options]

Network Coding Propagation on NAS-Bench-201 cells: trains an accuracy predictor on N random
cells of the benchmark (the only benchmark queries used), enumerates all 15,625 cells for the
predictor's global optimum, propagates from K random cells, and reports each result cell with
its predicted and true accuracy and how far (in predicted accuracy) it stayed below the optimum.
Random search with the same N benchmark queries is printed beside it.

Options:
  --data FILE           NAS-Bench-201 data: our JSON, the authors' nas-bench-201/trainval.pkl
                        or their data/ folder (default: nasbench201.json in NCP_DATA_DIR or
                        ../shared/data; --benchmark is a deprecated alias)
  --train-samples N     cells to train the predictor on (e.g. 1000)
  --seed S              seed of the sample, the training and the starts
  --starts K            random start cells (default 10)
  --restarts R          runs per start: the start and R−1 perturbed copies (default 1)
  --strategy S          winner-takes-all (default) or continuous
  --steps N             steps per run (default 70)
  --max-memory MB       stop when the run uses this much more memory than at its start (default 500)
  --max-time S          stop after S seconds (default 600)
  --json                {"optimum":{cell,predicted,true},"results":[{start,cell,predicted,true,steps}],
                         "randomSearch":{queries,true}}
  -h, --help            this text

Example:
  ${CLI_NAME} nb201 --data ../shared/data/nasbench201.json --train-samples 1000 --seed 0 --starts 10 --restarts 10`;

export const nb201Command: Command = {
  name: 'nb201',
  summary: 'NCP on NAS-Bench-201: train a predictor, propagate cells, compare with the optimum',
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('nb201', {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        data: { type: 'string' },
        'train-samples': { type: 'string' },
        seed: { type: 'string' },
        starts: { type: 'string' },
        restarts: { type: 'string' },
        strategy: { type: 'string' },
        steps: { type: 'string' },
        json: { type: 'boolean' },
        ...BUDGET_OPTIONS,
      },
    }, io);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const trainSamples = requiredIntOption(values['train-samples'], '--train-samples', 1, LIMITS.trainSamples);
    const seed = requiredIntOption(values.seed, '--seed', 0);
    const starts = intOption(values.starts, '--starts', 1, LIMITS.starts) ?? 10;
    const restarts = intOption(values.restarts, '--restarts', 1, LIMITS.restarts) ?? 1;
    const steps = intOption(values.steps, '--steps', 0, LIMITS.steps) ?? 70;
    const strategy = choiceOption(values.strategy, '--strategy', STRATEGIES) ?? 'winner-takes-all';
    const file = dataFile(values.data, 'nb201', 'nb201', io);
    const limits = budgetLimits(values, DEFAULT_MAX_SECONDS);
    let bench;
    try {
      // our JSON, the authors' nas-bench-201/trainval.pkl or their data/ folder
      bench = toNb201Benchmark(loadData(file));
    } catch (e) {
      if (e instanceof BenchmarkFormatError || e instanceof DataError) throw new UsageError(e.message);
      throw e;
    }
    const tty = io.stderrIsTTY;
    let lastLine = Date.now();
    writeLine(io.stderr, `nb201: training a predictor on ${trainSamples} random cells (seed ${seed})…`);
    let ex;
    try {
      const budget = startBudget(limits);
      ex = await runNb201Experiment(bench, (inputs, targets, o) => trainPredictor(inputs, targets, { ...o, budget }), {
        trainSamples,
        seed,
        starts,
        restarts,
        strategy,
        steps,
        budget,
        onProgress: (done, total) => {
          const line = `nb201: propagated ${done}/${total} start(s)`;
          if (tty) io.stderr.write(`\r\x1b[K${line}${done === total ? '\n' : ''}`);
          else if (done === total || Date.now() - lastLine >= 1000) {
            writeLine(io.stderr, line);
            lastLine = Date.now();
          }
        },
      });
    } catch (e) {
      if (e instanceof BudgetExceeded) {
        writeLine(io.stderr, `${CLI_NAME} nb201: stopped: ${e.message}`);
        return 1;
      }
      if (e instanceof PropagationError && e.message.startsWith('propagation stopped:')) {
        writeLine(io.stderr, `${CLI_NAME} nb201: ${e.message}`);
        return 1;
      }
      if (e instanceof PropagationError) throw new UsageError(e.message);
      throw e;
    }
    if (values.json) {
      writeLine(
        io.stdout,
        jsonRecord({
          // estimates as {mean, std}, as in every command (the optimum's spread from the same predictor)
          optimum: { cell: ex.optimum.cell, predicted: estimate(ex.optimum.predicted, ex.predictor.predictBatch([Array.from(cellToOneHot(parseCellString(ex.optimum.cell)))])[0][0].std), true: ex.optimum.true },
          results: ex.results.map((r) => ({ start: r.start, cell: r.cell, predicted: estimate(r.predicted, r.predictedStd), true: r.true, steps: r.steps, gapToOptimum: r.gapToOptimum })),
          randomSearch: ex.randomSearch,
        }),
      );
      return 0;
    }
    const f = (v: number) => v.toFixed(2);
    writeLine(io.stdout, `Predictor trained on ${trainSamples} random cells (seed ${seed}); ${strategy}, ${restarts} run(s) per start, ${steps} steps.`);
    writeLine(io.stdout, `Predictor's global optimum (all 15,625 cells enumerated): ${ex.optimum.cell}`);
    writeLine(io.stdout, `  predicted ${f(ex.optimum.predicted)} %, true ${f(ex.optimum.true)} %`);
    writeLine(io.stdout);
    for (const r of ex.results) {
      writeLine(io.stdout, `${r.start}  →  ${r.cell}`);
      writeLine(io.stdout, `  predicted ${f(r.predicted)} %, true ${f(r.true)} %, ${r.steps} step(s), ${r.gapToOptimum <= 0.1 ? 'at the optimum' : `${f(r.gapToOptimum)} below the optimum`}`);
    }
    const n = ex.results.length;
    const atOpt = ex.results.filter((r) => r.gapToOptimum <= 0.1).length;
    const meanTrue = ex.results.reduce((a, r) => a + r.true, 0) / n;
    writeLine(io.stdout);
    writeLine(io.stdout, `Within 0.1 of the predictor's optimum: ${atOpt}/${n}; mean true accuracy of the results ${f(meanTrue)} %`);
    writeLine(io.stdout, `Random search with the same ${ex.randomSearch.queries} benchmark queries: best true accuracy ${f(ex.randomSearch.true)} %`);
    return 0;
  },
};
