// `ncp propagate`: run a file's propagate blocks, or propagate one code from the command line.
import { resolve } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type CliIO, type Command } from './command';
import { choiceOption, intOption, numberOption } from './options';
import { TARGET_OPTIONS, describeCostTarget, hasTarget, targetOption } from './targetOption';
import { jsonRecord, metricArgument, parseOptions, quantityOption, settingArgument, useModelCatalogue } from './contract';
import { LIMITS } from '../core/limits';
import { DEFAULT_MAX_SECONDS } from '../core/run/budget';
import { BUDGET_OPTIONS, budgetHelp, budgetLimits, startBudget, type BudgetLimits } from './budgetOption';
import { costModelAt, propagate, parseTerm, termLabel, PropagationError, STRATEGIES, type ObjectiveTerm, type Progress, type PropagationResult } from '../core/propagate';
import { resultBlock, resultJson, traceLines } from '../core/propagate/format';
import { CodeFormatError, codeToString, parseCode } from '../core/space/multires';
import { CellFormatError, parseCellString } from '../core/space/nb201';
import { readNcpDocument, unitProblem } from './ncpDocument';
import { isNetworkArg, readNetworkArg } from './networkArgs';
import { InputFileError } from './inputFile';
import { BUILTIN_DEFAULTS, freshName, isProblem, languagePrinter, requestFor, resultTask, type PropagationOptionsNoRun } from '../features/propagation/propagationRequest';
import { loadPredictorSet } from '../core/predict';
import type { PredictorSet } from '../core/predict/types';
import type { CostOptions } from '../core/cost';

const help = `Usage: ${CLI_NAME} propagate FILE.ncp [--name P] [--json] [budget and search options]
       ${CLI_NAME} propagate --from CODE --to TASK|SETTING[.METRIC] [options]

Network Coding Propagation: moves a network's code along the gradients of the accuracy
predictors until the objective stops improving, within an exact FLOPs/params budget.

With FILE.ncp, runs the file's propagate blocks (or only --name P) and prints each result
as a new \`network\` (or \`cell\`) block, with a comment giving the predicted change and the
exact cost change. Progress goes to stderr. The blocks' \`maximize\` lines decide what is
maximised (--to is ignored, with a warning); the budget and search options below override
the blocks' own.

With --from, propagates one network: the benchmark string or 27 integers, FILE.ncp:NAME, or
the structured form (a NAS-Bench-201 cell string, or a cell of a .ncp file, with --to nb201).

Options:
  --name P                 only the propagate block named P (file mode)
  --json                   one JSON line per propagation: start, result (27 integers or
                           the cell string), predicted [{term,start:{mean,std},result:{mean,std}}],
                           objective, flops, params, runs and trace (estimates rounded)
  --from CODE              start network (or cell)
  --to OBJ[,OBJ…]          what to maximise: a task (segmentation, classification, video, or
                           one the models were trained on) or a SETTING, optionally .METRIC
                           and a weight: '0.5*seg-4x.mIoU' (sums of terms), '3ddet.moderate'
  --flops-max X            hard budget on FLOPs with its unit: 2.5G or 2500M (the result
                           always fits; a plain number is refused, both readings shown)
  --params-max X           hard budget on parameters with its unit: 3M or 3000K
  --lambda L               weight of the exact FLOPs (G) subtracted from the objective (default ${BUILTIN_DEFAULTS.lambda})
  --input HxW, --head cls|seg, --classes N
                           the input size, head and classes the budgets, lambda and the printed
                           cost count at (default 128x128, cls, 50: the benchmark's); e.g.
                           --input 512x1024 --head seg for Cityscapes. In a file, a block's
                           \`at 512x1024 seg\` line says the same (these flags override it)
  --strategy S             winner-takes-all (default) or continuous
  --steps N                steps per run (default ${BUILTIN_DEFAULTS.steps})
  --lr X                   continuous: step size in normalised units (default 0.05)
  --restarts R             best of R runs: the start and R−1 perturbed copies (default 1)
  --seed S                 seed of the perturbations (default 0)
  --model DIR              predictor folder (default: NCP_MODELS_DIR, else the shipped
                           predictors; --models is a deprecated alias)
${budgetHelp(DEFAULT_MAX_SECONDS)}
                           (each propagation; over either, it stops with an error)
  -h, --help               this text

Examples:
  ${CLI_NAME} propagate examples/propagate-to-seg.ncp
  ${CLI_NAME} propagate --from 64_64-1_1_4_64-1_2_4_4_32_64-4_3_4_4_4_32_64_128-3_4_4_4_4_4_32_64_128_128-128 \\
                --to segmentation --flops-max 2.5G --restarts 10`;

function progressReporter(io: CliIO, label: string) {
  let last = 0;
  let lastLine = Date.now();
  let prev: Progress | undefined;
  const runLine = (p: Progress) => `${label}: run ${p.restart + 1}/${p.restarts} at step ${p.step}/${p.steps}, best objective so far ${p.best.toFixed(2)}`;
  return {
    onProgress(p: Progress) {
      if (io.stderrIsTTY) {
        const now = Date.now();
        if (now - last > 50) {
          io.stderr.write(`\r\x1b[K${runLine(p)}`);
          last = now;
        }
      } else if (prev && p.restart !== prev.restart) {
        // Without a terminal: one line per finished run, and one a second in a long run.
        writeLine(io.stderr, runLine(prev));
        lastLine = Date.now();
      } else if (Date.now() - lastLine >= 1000) {
        writeLine(io.stderr, runLine(p));
        lastLine = Date.now();
      }
      prev = p;
    },
    done(r: PropagationResult) {
      if (!io.stderrIsTTY && prev) writeLine(io.stderr, runLine(prev));
      const line = `${label}: done, ${r.runs.length} run(s), ${r.trace.length - 1} steps in the best one (${r.stopReason === 'converged' ? 'converged' : 'steps used up'}); objective = ${r.resultEval.terms.map((t) => termLabel(t)).join(' + ')}${r.resultEval.flops !== undefined ? ' − lambda·GMACs' : ''}`;
      if (io.stderrIsTTY) io.stderr.write(`\r\x1b[K${line}\n`);
      else writeLine(io.stderr, line);
    },
  };
}

export async function runOne(
  io: CliIO,
  options: PropagationOptionsNoRun,
  predictors: PredictorSet,
  label: string,
  limits: BudgetLimits,
  costAt?: CostOptions,
): Promise<PropagationResult> {
  const rep = progressReporter(io, label);
  const r = await propagate({ ...options, onProgress: rep.onProgress, budget: startBudget(limits) }, (s) => predictors.get(s), costModelAt(costAt));
  rep.done(r);
  for (const n of r.notes) writeLine(io.stderr, `${label}: note: ${n}`);
  return r;
}

/** A propagation's `--json` record (docs/cli-schemas/propagate.schema.json): estimates as {mean, std}, networks with code and string. */
export function propagationRecord(r: PropagationResult, extra: Record<string, unknown>): Record<string, unknown> {
  const j = resultJson(r, extra);
  // mean and spread named as in every command's JSON: {mean, std}
  const predicted = j.predicted.map((p) => ({ term: p.term, start: { mean: p.start, std: p.startStd }, result: { mean: p.result, std: p.resultStd } }));
  // every network with its code and its string (a cell is its string already)
  const strings = r.space === 'multires' ? { startString: codeToString(r.snappedStart), resultString: codeToString(r.result) } : {};
  return { ...j, ...strings, predicted };
}

function printResult(io: CliIO, r: PropagationResult, json: boolean, name: string, source: string, extra: Record<string, unknown>): void {
  if (json) {
    writeLine(io.stdout, jsonRecord(propagationRecord(r, extra)));
    return;
  }
  writeLine(io.stdout, resultBlock(r, name, source, languagePrinter));
  writeLine(io.stdout);
  writeLine(io.stdout, '// trace:');
  for (const l of traceLines(r)) writeLine(io.stdout, `//   ${l}`);
}

export const propagateCommand: Command = {
  name: 'propagate',
  summary: 'propagate a network code towards a task, within a FLOPs budget',
  help,
  async run(args, io) {
    const { values, positionals } = parseOptions('propagate', {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        json: { type: 'boolean' },
        from: { type: 'string' },
        to: { type: 'string' },
        'flops-max': { type: 'string' },
        'params-max': { type: 'string' },
        lambda: { type: 'string' },
        strategy: { type: 'string' },
        steps: { type: 'string' },
        lr: { type: 'string' },
        restarts: { type: 'string' },
        seed: { type: 'string' },
        model: { type: 'string' },
        ...BUDGET_OPTIONS,
        ...TARGET_OPTIONS,
      },
    }, io);
    const costAt = targetOption(values);
    const modelDir = values.model === undefined ? undefined : resolve(io.cwd, values.model);
    const catalogue = useModelCatalogue(modelDir);
    const json = values.json === true;
    const limits = budgetLimits(values, DEFAULT_MAX_SECONDS);
    const strategy = choiceOption(values.strategy, '--strategy', STRATEGIES);
    const overrides = {
      ...(values['flops-max'] !== undefined ? { flopsMax: quantityOption(values['flops-max'], '--flops-max', 'G') } : {}),
      ...(values['params-max'] !== undefined ? { paramsMax: quantityOption(values['params-max'], '--params-max', 'M') } : {}),
      ...(values.lambda !== undefined ? { lambda: numberOption(values.lambda, '--lambda', { min: 0 }) } : {}),
      ...(strategy !== undefined ? { strategy } : {}),
      ...(values.steps !== undefined ? { steps: intOption(values.steps, '--steps', 0, LIMITS.steps) } : {}),
      ...(values.lr !== undefined ? { lr: numberOption(values.lr, '--lr') } : {}),
      ...(values.restarts !== undefined ? { restarts: intOption(values.restarts, '--restarts', 1, LIMITS.restarts) } : {}),
      ...(values.seed !== undefined ? { seed: intOption(values.seed, '--seed', 0) } : {}),
    };

    try {
      if (values.from !== undefined) {
        if (positionals.length > 0) throw new UsageError('give either FILE.ncp or --from CODE, not both');
        if (values.to === undefined) throw new UsageError('--from needs --to (e.g. --to segmentation)');
        let objective: ObjectiveTerm[];
        // unknown names: did you mean, from the models' catalogue (settings from the data included)
        for (const raw of values.to.split(',')) {
          const m = /^(?:.*\*\s*)?(\d*[A-Za-z][\w-]*)(?:\.(\w+))?\s*$/.exec(raw.trim());
          if (!m) continue; // parseTerm says what is wrong with it
          const info = settingArgument(m[1], '--to', catalogue);
          if (m[2] !== undefined) metricArgument(info, m[2], '--to');
        }
        try {
          objective = values.to.split(',').map((t) => parseTerm(t, catalogue));
        } catch (e) {
          throw new UsageError(`--to: ${(e as Error).message}`);
        }
        const cells = objective.some((t) => t.setting === 'nb201');
        let start: number[];
        if (isNetworkArg(values.from)) {
          // FILE.ncp:NAME, a file of one network, or the structured form (networkArgs.ts)
          const found = readNetworkArg(values.from, '--from', io.cwd);
          const bad = found.find((n) => n.error !== undefined);
          if (bad?.fileError) throw new InputFileError(bad.error!);
          if (bad) throw new UsageError(`--from: ${bad.error}`);
          if (found.length !== 1) throw new UsageError(`--from: ${values.from} declares ${found.length} networks: name one (${values.from}:${found[0].input})`);
          const point = cells ? found[0].cell : found[0].code;
          if (!point) throw new UsageError(`--from: '${found[0].input}' is ${cells ? 'a network, not a cell' : 'a cell, not a network'}`);
          start = point;
        } else {
          try {
            start = cells ? parseCellString(values.from) : parseCode(values.from);
          } catch (e) {
            if (e instanceof CodeFormatError || e instanceof CellFormatError) throw new UsageError(`--from: ${e.message}`);
            throw e;
          }
        }
        const predictors = await loadPredictorSet(modelDir);
        const options: PropagationOptionsNoRun = {
          space: cells ? 'nb201' : 'multires',
          start,
          objective,
          lambda: cells ? 0 : BUILTIN_DEFAULTS.lambda,
          strategy: BUILTIN_DEFAULTS.strategy,
          steps: BUILTIN_DEFAULTS.steps,
          ...overrides,
        };
        if (hasTarget(costAt)) {
          if (cells) throw new UsageError('--input, --head and --classes apply to multi-resolution networks, not NAS-Bench-201 cells');
          writeLine(io.stderr, `${CLI_NAME} propagate: FLOPs and params count at ${describeCostTarget(costAt)}`);
        }
        const r = await runOne(io, options, predictors, 'propagate', limits, costAt);
        printResult(io, r, json, `propagated_${resultTask(objective)}`, 'the --from code', {});
        return 0;
      }

      if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give FILE.ncp or --from CODE' : 'give one FILE.ncp');
      if (values.to !== undefined) writeLine(io.stderr, `${CLI_NAME} propagate: warning: --to is ignored with ${positionals[0]}: the file's propagate blocks (their maximize lines) decide; use --from CODE --to ${values.to} to propagate one code`);
      const { analysis } = await readNcpDocument(positionals[0], io);
      const blocks = analysis.ast.declarations.filter((d) => d.kind === 'propagate');
      const chosen = values.name === undefined ? blocks : blocks.filter((d) => d.name === values.name);
      if (chosen.length === 0) {
        const names = blocks.map((b) => b.name).join(', ');
        throw new UsageError(values.name === undefined ? `${positionals[0]} has no propagate block` : `${positionals[0]} has no propagate block '${values.name}'${names ? ` (blocks: ${names})` : ''}`);
      }
      let status = 0;
      let predictors: PredictorSet | undefined;
      for (const decl of chosen) {
        if (decl.kind !== 'propagate') continue;
        const unit = unitProblem(analysis, decl);
        if (unit) {
          writeLine(io.stderr, `${positionals[0]}:${unit.line}:${unit.column}: propagate ${decl.name}: ${unit.message}`);
          status = 1;
          continue;
        }
        const req = requestFor(analysis.ast, analysis.diagnostics, decl);
        if (isProblem(req)) {
          writeLine(io.stderr, `${positionals[0]}:${req.range.start.line + 1}:${req.range.start.character + 1}: ${req.message}`);
          status = 1;
          continue;
        }
        predictors ??= await loadPredictorSet(modelDir);
        try {
          const r = await runOne(io, { ...req.options, ...overrides }, predictors, `propagate ${req.name}`, limits, hasTarget(costAt) ? costAt : req.cost); // the flags, else the block's `input …`
          const name = freshName(analysis.ast, `${req.source}_${resultTask(req.options.objective)}`);
          printResult(io, r, json, name, req.source, { name: req.name, source: req.source });
        } catch (e) {
          if (!(e instanceof PropagationError)) throw e;
          writeLine(io.stderr, `${positionals[0]}:${decl.range.start.line + 1}:${decl.range.start.character + 1}: propagate ${req.name}: ${e.message}`);
          status = 1;
        }
      }
      return status;
    } catch (e) {
      if (e instanceof PropagationError) {
        writeLine(io.stderr, `${CLI_NAME} propagate: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
