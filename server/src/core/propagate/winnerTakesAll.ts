// Winner-takes-all: each step moves one position by one valid step (one op switch on a cell).
// The gradient, scaled to one valid step, ranks the moves; the top of that ranking is checked on
// the predictor before a move is taken (first-order gains are often wrong on these predictors),
// and the best checked move that really improves wins. When none of the shortlist improves, the
// rest are checked, so a run only stops at a point that no single move improves.
import type { RunContext } from './context';
import type { Evaluation, TraceStep } from './types';

export interface RunOutput {
  trace: TraceStep[];
  best: number[];
  bestEval: Evaluation;
  bestStep: number;
  steps: number;
  stopReason: 'steps' | 'converged';
}

/** The gradient's shortlist: the best of these (checked on the predictor) is taken, else the best of the rest. */
const FIRST_BATCH = 4;

export async function runWinnerTakesAll(
  ctx: RunContext,
  start: readonly number[],
  restart: number,
  steps: number,
  onStep: (step: number, best: number) => void,
): Promise<RunOutput> {
  const { space } = ctx;
  const trace: TraceStep[] = [];
  let cur = start.slice();
  let curEval = ctx.evaluate(cur);
  trace.push({ ...curEval, restart, step: 0, continuous: cur.slice(), rounded: cur.slice() });
  let step = 0;
  // Over budget: first shrink where FLOPs/params saved per objective lost is best.
  if (!curEval.feasible) {
    const fix = ctx.repair(cur);
    fix.points.forEach((p, k) => {
      step++;
      const ev = ctx.evaluate(p);
      trace.push({ ...ev, restart, step, continuous: p.slice(), rounded: p.slice(), moved: fix.moves[k] });
    });
    cur = fix.point;
    curEval = ctx.evaluate(cur);
  }
  let bestStep = step;
  let stopReason: 'steps' | 'converged' = 'steps';
  const curCost = () => ctx.costOf(cur).flops;
  while (step < steps) {
    await ctx.checkpoint();
    const { grad } = ctx.objective.valueAndGrad(space.input(cur));
    const cands = space.candidates(cur, grad);
    const f0 = ctx.costModel ? curCost() : 0;
    const usable = [];
    for (const c of cands) {
      if (ctx.costModel) {
        const cc = ctx.costModel.cost(c.to);
        if (ctx.hasBudget && ctx.violation(cc.flops, cc.params) > 0) continue; // never leave the budget
        c.linearGain -= ctx.lambda * (cc.flops - f0);
      }
      usable.push(c);
    }
    usable.sort((a, b) => b.linearGain - a.linearGain);
    let taken = -1;
    for (let from = 0; from < usable.length && taken < 0; ) {
      const to = from === 0 ? Math.min(FIRST_BATCH, usable.length) : usable.length;
      const values = ctx.objectiveBatch(usable.slice(from, to).map((c) => c.to));
      let bestValue = curEval.objective + 1e-9;
      for (let k = 0; k < values.length; k++) {
        if (values[k] > bestValue) {
          bestValue = values[k];
          taken = from + k;
        }
      }
      from = to;
    }
    if (taken < 0) {
      stopReason = 'converged';
      break;
    }
    const move = usable[taken];
    step++;
    const moved = space.describe(cur, move.index, move.to);
    cur = move.to;
    curEval = ctx.evaluate(cur);
    trace.push({ ...curEval, restart, step, continuous: cur.slice(), rounded: cur.slice(), moved });
    bestStep = step;
    onStep(step, curEval.objective);
  }
  // Every accepted move improves, so the last point is the run's best.
  return { trace, best: cur, bestEval: curEval, bestStep, steps: step, stopReason };
}
