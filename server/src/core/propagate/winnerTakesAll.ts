// Winner-takes-all: each step moves one position by one valid step (one op switch on a cell).
// The gradient, scaled to one valid step, ranks the moves; the top of that ranking is checked on
// the predictor before a move is taken (first-order gains are often wrong on these predictors),
// and the best checked move that really improves wins. When none of the shortlist improves, the
// rest are checked, so a run only stops at a point that no single move improves.
import type { GradEvaluation, RunContext } from './context';
import type { Evaluation, TraceStep } from './types';

export interface RunOutput {
  trace: TraceStep[];
  best: number[];
  bestEval: Evaluation;
  bestStep: number;
  steps: number;
  stopReason: 'steps' | 'converged';
}

/**
 * Moves checked on the predictor per round, best first by the gradient; the best of a round that
 * improves is taken, else the next round is checked. Cells: 4 of 24 moves (fewer ends in worse
 * local optima than a best-improvement climb); codes: 1 (the gradient's winner, for speed).
 */
const SHORTLIST_CELLS = 4;
const SHORTLIST_CODES = 1;

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
  let curEval = ctx.evaluateWithGrad(cur);
  trace.push({ ...strip(curEval), restart, step: 0, continuous: cur.slice(), rounded: cur.slice() });
  let step = 0;
  // Over budget: first shrink, one step at a time, where budget saved per objective lost is best.
  while (!curEval.feasible) {
    await ctx.checkpoint();
    const fix = ctx.repair(cur, curEval.grad);
    if (fix.points.length === 0) break;
    step++;
    cur = fix.points[0];
    curEval = ctx.evaluateWithGrad(cur);
    trace.push({ ...strip(curEval), restart, step, continuous: cur.slice(), rounded: cur.slice(), moved: fix.moves[0] });
  }
  let bestStep = step;
  let stopReason: 'steps' | 'converged' = 'steps';
  const shortlist = space.kind === 'nb201' ? SHORTLIST_CELLS : SHORTLIST_CODES;
  const lazy = ctx.objective.lazyGradients;
  while (step < steps) {
    await ctx.checkpoint();
    const cands = space.candidates(cur, curEval.grad);
    const f0 = curEval.flops ?? 0;
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
    for (let from = 0; from < usable.length && taken < 0; from += shortlist) {
      let bestValue = curEval.objective + 1e-9;
      for (let k = from; k < Math.min(from + shortlist, usable.length); k++) {
        // Values only where the predictors allow: the gradient is then computed for the move
        // taken, cheaply if it was checked last.
        const ev = lazy ? ctx.evaluate(usable[k].to) : ctx.evaluateWithGrad(usable[k].to);
        if (ev.objective > bestValue) {
          bestValue = ev.objective;
          taken = k;
        }
      }
    }
    if (taken < 0) {
      stopReason = 'converged';
      break;
    }
    const move = usable[taken];
    step++;
    const moved = space.describe(cur, move.index, move.to);
    cur = move.to;
    curEval = ctx.evaluateWithGrad(cur);
    trace.push({ ...strip(curEval), restart, step, continuous: cur.slice(), rounded: cur.slice(), moved });
    bestStep = step;
    onStep(step, curEval.objective);
  }
  // Every accepted move improves, so the last point is the run's best.
  return { trace, best: cur, bestEval: strip(curEval), bestStep, steps: step, stopReason };
}

/** An evaluation without its gradient (what the trace keeps). */
function strip(e: GradEvaluation): Evaluation {
  const { grad: _grad, ...rest } = e;
  return rest;
}
