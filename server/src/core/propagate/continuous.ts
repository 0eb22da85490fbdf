// Continuous propagation: gradient steps on every position of the relaxed code (normalised
// multi-resolution code, or per-edge softmax logits of a cell), clipped to the range; each step's
// reported network is the rounded code, repaired into the budget when rounding left it over.
import type { RunContext } from './context';
import type { RunOutput } from './winnerTakesAll';
import type { TraceStep } from './types';

/** Steps without a better rounded network before a run stops. */
const PATIENCE = 20;

export async function runContinuous(
  ctx: RunContext,
  start: readonly number[],
  restart: number,
  steps: number,
  lr: number,
  onStep: (step: number, best: number) => void,
): Promise<RunOutput> {
  const { space, costModel } = ctx;
  const trace: TraceStep[] = [];
  const z = space.relax(start);
  let first = start.slice();
  let repaired = 0;
  if (!ctx.feasible(first)) {
    const fix = ctx.repair(first, ctx.evaluateWithGrad(first).grad);
    first = fix.point;
    repaired = fix.moves.length;
  }
  let bestEval = ctx.evaluate(first);
  let best = first;
  let bestStep = 0;
  trace.push({ ...bestEval, restart, step: 0, continuous: space.view(z), rounded: first.slice(), ...(repaired ? { repaired } : {}) });
  let stopReason: 'steps' | 'converged' = 'steps';
  let step = 0;
  while (step < steps) {
    await ctx.checkpoint();
    step++;
    const x = space.relaxedInput(z);
    const { grad } = ctx.objective.valueAndGrad(x);
    const g = space.chain(z, grad);
    if (costModel && ctx.lambda !== 0) {
      const gF = space.chain(z, costModel.costGradient(x).dFlops);
      for (let i = 0; i < g.length; i++) g[i] -= ctx.lambda * gF[i];
    }
    let scale = 0;
    for (let i = 0; i < g.length; i++) scale = Math.max(scale, Math.abs(g[i]));
    if (scale === 0) {
      stopReason = 'converged';
      break;
    }
    // Normalised step: the steepest position moves `lr`, whatever the predictors' scale.
    for (let i = 0; i < z.length; i++) z[i] += (lr * g[i]) / scale;
    space.clip(z);
    if (costModel && ctx.hasBudget) projectIntoBudget(ctx, z);
    let point = space.round(z);
    let fixed = 0;
    if (!ctx.feasible(point)) {
      const fix = ctx.repair(point, grad);
      point = fix.point;
      fixed = fix.moves.length;
    }
    const ev = ctx.evaluate(point);
    trace.push({ ...ev, restart, step, continuous: space.view(z), rounded: point, ...(fixed ? { repaired: fixed } : {}) });
    if (ev.feasible && ev.objective > bestEval.objective + 1e-9) {
      best = point;
      bestEval = ev;
      bestStep = step;
    }
    onStep(step, bestEval.objective);
    if (step - bestStep >= PATIENCE) {
      stopReason = 'converged';
      break;
    }
  }
  return { trace, best, bestEval, bestStep, steps: step, stopReason };
}

/**
 * Pulls a relaxed code that left the budget back onto it: a few Newton steps along the exact
 * cost gradient (the cost is a low-degree polynomial, so this converges fast).
 */
function projectIntoBudget(ctx: RunContext, z: Float64Array): void {
  const { space, costModel, budget } = ctx;
  if (!costModel) return;
  for (let iter = 0; iter < 4; iter++) {
    const x = space.relaxedInput(z);
    const cg = costModel.costGradient(x);
    let moved = false;
    for (const [over, grad] of [
      [budget.flopsMax !== undefined ? cg.cost.flops - budget.flopsMax : 0, cg.dFlops],
      [budget.paramsMax !== undefined ? cg.cost.params - budget.paramsMax : 0, cg.dParams],
    ] as const) {
      if (over <= 0) continue;
      const gz = space.chain(z, grad);
      let n2 = 0;
      for (let i = 0; i < gz.length; i++) n2 += gz[i] * gz[i];
      if (n2 === 0) continue;
      // 10% past the boundary so rounding up rarely needs a repair.
      const t = (over * 1.1) / n2;
      for (let i = 0; i < z.length; i++) z[i] -= t * gz[i];
      moved = true;
    }
    space.clip(z);
    if (!moved) return;
  }
}
