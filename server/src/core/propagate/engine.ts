// The propagation engine: validates the request, runs the chosen strategy from the start and
// from perturbed copies of it, and returns the best network with the winning run's trace.
import { cost as exactCost, costGradient as exactCostGradient, type CostOptions } from '../cost';
import { CODE_LAYOUT } from '../space/multires';
import { RunContext } from './context';
import { runContinuous } from './continuous';
import { Objective } from './objective';
import { makeRng } from '../random';
import { LIMITS, overLimitMessage } from '../limits';
import { BudgetExceeded } from '../run/budget';
import { spaceOf } from './spaces';
import { runWinnerTakesAll, type RunOutput } from './winnerTakesAll';
import {
  PropagationError,
  STRATEGIES,
  type CostModel,
  type PredictorLookup,
  type PropagationOptions,
  type PropagationResult,
  type RunSummary,
  type TraceStep,
  RUN_TRACES_LIMIT,
} from './types';

/** The foundation's exact formula (benchmark input 128×128, classification head). */
export const exactCostModel: CostModel = {
  cost: (code) => exactCost(code),
  costGradient: (code) => exactCostGradient(code),
};

/** The exact formula at another input size, head or class count (budgets then count there). */
export function costModelAt(opts: CostOptions | undefined): CostModel {
  if (opts === undefined || (opts.input === undefined && opts.head === undefined && opts.classes === undefined)) return exactCostModel;
  const at = { ...opts };
  return { cost: (code) => exactCost(code, at), costGradient: (code) => exactCostGradient(code, at) };
}

export const DEFAULT_STEPS = 70;

function positiveInt(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min) throw new PropagationError(`${name} must be an integer ≥ ${min}, got ${v}`);
  if (v > max) throw new PropagationError(overLimitMessage(name, max, v));
  return v;
}

function fmt(n: number): string {
  return Number(n.toPrecision(4)).toString();
}

export async function propagate(
  opts: PropagationOptions,
  lookup: PredictorLookup,
  costModel: CostModel = exactCostModel,
): Promise<PropagationResult> {
  try {
    return await propagateWithin(opts, lookup, costModel);
  } catch (e) {
    // Over its time or memory budget: an error the user can act on, like any bad request.
    if (e instanceof BudgetExceeded) throw new PropagationError(`propagation stopped: ${e.message}`);
    throw e;
  }
}

async function propagateWithin(opts: PropagationOptions, lookup: PredictorLookup, costModel: CostModel): Promise<PropagationResult> {
  const space = spaceOf(opts.space);
  const strategy = opts.strategy ?? 'winner-takes-all';
  if (!STRATEGIES.includes(strategy)) throw new PropagationError(`unknown strategy '${strategy}' (use ${STRATEGIES.join(' or ')})`);
  const steps = positiveInt('steps', opts.steps, DEFAULT_STEPS, 0, LIMITS.steps);
  const restarts = positiveInt('restarts', opts.restarts, 1, 1, LIMITS.restarts);
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) throw new PropagationError(`seed must be a number, got ${seed}`);
  const lambda = opts.lambda ?? 0;
  if (!Number.isFinite(lambda) || lambda < 0) throw new PropagationError(`lambda must be a number ≥ 0, got ${lambda}`);
  const lr = opts.lr ?? (opts.space === 'nb201' ? 1 : 0.05);
  if (!Number.isFinite(lr) || lr <= 0) throw new PropagationError(`learning rate must be a positive number, got ${lr}`);
  for (const [name, v] of [['flops budget', opts.flopsMax], ['params budget', opts.paramsMax]] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v <= 0)) throw new PropagationError(`${name} must be a positive number, got ${v}`);
  }
  const budget = { flopsMax: opts.flopsMax, paramsMax: opts.paramsMax };
  const hasBudget = budget.flopsMax !== undefined || budget.paramsMax !== undefined;
  const model = opts.space === 'multires' ? costModel : undefined;
  if (opts.space === 'nb201' && (hasBudget || lambda !== 0)) {
    throw new PropagationError('FLOPs/params budgets and lambda apply to multi-resolution networks, not NAS-Bench-201 cells');
  }

  space.check(opts.start);
  const notes: string[] = [];
  const snapped = space.snap(opts.start);
  const changed = snapped.flatMap((v, i) => (v !== opts.start[i] ? [`${CODE_LAYOUT[i]} ${opts.start[i]}→${v}`] : []));
  if (changed.length > 0) notes.push(`start moved into the benchmark's range: ${changed.join(', ')}`);

  const objective = new Objective(opts.objective, lookup, opts.space);
  const ctx = new RunContext(space, objective, lambda, budget, model, opts.signal, opts.budget);
  if (model && hasBudget) {
    const small = model.cost(space.smallest());
    if (ctx.violation(small.flops, small.params) > 0) {
      const parts = [];
      if (budget.flopsMax !== undefined) parts.push(`flops <= ${budget.flopsMax} G (the smallest network needs ${fmt(small.flops)} G)`);
      if (budget.paramsMax !== undefined) parts.push(`params <= ${budget.paramsMax} M (the smallest network needs ${fmt(small.params)} M)`);
      throw new PropagationError(`no network in the space fits the budget ${parts.join(' and ')}`);
    }
  }

  const startEval = ctx.evaluate(snapped);
  if (!startEval.feasible && startEval.flops !== undefined) {
    notes.push(`the start is over budget (${fmt(startEval.flops)} G MACs, ${fmt(startEval.params ?? 0)} M params): it is first shrunk into the budget`);
  }
  const rand = makeRng(seed);
  const runs: RunSummary[] = [];
  const runTraces: TraceStep[][] = [];
  let best: RunOutput | undefined;
  let bestRestart = 0;
  let bestSoFar = -Infinity;
  for (let r = 0; r < restarts; r++) {
    const from = r === 0 ? snapped : space.perturb(snapped, rand);
    const onStep = (step: number, value: number) => {
      bestSoFar = Math.max(bestSoFar, value);
      opts.onProgress?.({ restart: r, restarts, step, steps, best: bestSoFar });
    };
    await ctx.checkpoint();
    const out =
      strategy === 'continuous'
        ? await runContinuous(ctx, from, r, steps, lr, onStep)
        : await runWinnerTakesAll(ctx, from, r, steps, onStep);
    if (!out.bestEval.feasible) throw new PropagationError('internal error: a run ended over budget'); // repair guarantees this
    const keepAll = restarts <= RUN_TRACES_LIMIT.runs && restarts * (steps + 1) <= RUN_TRACES_LIMIT.steps;
    if (keepAll) runTraces.push(out.trace);
    runs.push({ restart: r, start: from.slice(), result: out.best.slice(), objective: out.bestEval.objective, bestStep: out.bestStep, steps: out.steps });
    bestSoFar = Math.max(bestSoFar, out.bestEval.objective);
    if (!best || out.bestEval.objective > best.bestEval.objective + 1e-12) {
      best = out;
      bestRestart = r;
    }
  }
  if (!best) throw new PropagationError('internal error: no run');
  return {
    space: opts.space,
    strategy,
    start: opts.start.slice(),
    snappedStart: snapped,
    startEval,
    result: best.best.slice(),
    resultEval: best.bestEval,
    bestRestart,
    runs,
    trace: best.trace,
    ...(restarts > 1 && runTraces.length === restarts ? { runTraces } : {}),
    stopReason: best.stopReason,
    notes,
    budget: { flopsMax: opts.flopsMax, paramsMax: opts.paramsMax },
    lambda: opts.lambda ?? 0,
  };
}
