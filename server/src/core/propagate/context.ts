// What both strategies share during one propagation: evaluation of discrete points (cached:
// runs revisit points, and the predictors dominate the cost), the budget test, the greedy
// budget repair, cancellation and yielding to the event loop.
import { Objective } from './objective';
import type { SearchSpace } from './spaces';
import { PropagationCancelled, type Budget, type CostModel, type Evaluation, type Move } from './types';
import type { RunBudget } from '../run/budget';

export interface GradEvaluation extends Evaluation {
  /** Gradient of Σ weight·mean (without the FLOPs term) with respect to the predictor input. */
  grad: Float64Array;
}

export class RunContext {
  private lastYield = Date.now();
  private readonly evals = new Map<string, Evaluation>();
  private readonly grads = new Map<string, GradEvaluation>();
  /** Gradients of evaluated points, computed only if asked for. */
  private readonly pendingGrads = new Map<string, () => Float64Array>();

  constructor(
    readonly space: SearchSpace,
    readonly objective: Objective,
    readonly lambda: number,
    readonly budget: Budget,
    readonly costModel: CostModel | undefined,
    readonly signal: AbortSignal | undefined,
    readonly runBudget?: RunBudget,
  ) {}

  get hasBudget(): boolean {
    return this.budget.flopsMax !== undefined || this.budget.paramsMax !== undefined;
  }

  /** Relative amount by which a cost exceeds the budget (0 when within). */
  violation(flops: number, params: number): number {
    let v = 0;
    const { flopsMax, paramsMax } = this.budget;
    if (flopsMax !== undefined && flops > flopsMax) v += (flops - flopsMax) / Math.max(flopsMax, 1e-9);
    if (paramsMax !== undefined && params > paramsMax) v += (params - paramsMax) / Math.max(paramsMax, 1e-9);
    return v;
  }

  private withCost(point: readonly number[], terms: Evaluation['terms'], value: number): Evaluation {
    if (!this.costModel) return { terms, objective: value, feasible: true };
    const c = this.costModel.cost(point);
    return {
      terms,
      objective: value - this.lambda * c.flops,
      flops: c.flops,
      params: c.params,
      feasible: this.violation(c.flops, c.params) === 0,
    };
  }

  evaluate(point: readonly number[]): Evaluation {
    const key = point.join(',');
    const hit = this.evals.get(key);
    if (hit) return hit;
    const { terms, value, grad } = this.objective.evaluate(this.space.input(point));
    const ev = this.withCost(point, terms, value);
    this.evals.set(key, ev);
    this.pendingGrads.set(key, grad);
    return ev;
  }

  /**
   * Evaluation and objective gradient of a discrete point. Asked right after evaluate(point)
   * (a checked move being taken), the gradient costs only the predictors' backward passes.
   */
  evaluateWithGrad(point: readonly number[]): GradEvaluation {
    const key = point.join(',');
    const hit = this.grads.get(key);
    if (hit) return hit;
    const ev = this.evaluate(point);
    const pending = this.pendingGrads.get(key);
    this.pendingGrads.delete(key);
    const grad = pending ? pending() : this.objective.valueAndGrad(this.space.input(point)).grad;
    const gev = { ...ev, grad };
    this.grads.set(key, gev);
    return gev;
  }

  /** Objective values (with the FLOPs term) of many points; uncached ones go in one batch. */
  objectiveBatch(points: readonly number[][]): number[] {
    const keys = points.map((p) => p.join(','));
    const missing = [...new Set(keys.filter((k) => !this.evals.has(k)))];
    if (missing.length > 0) {
      const pts = missing.map((k) => points[keys.indexOf(k)]);
      const res = this.objective.evaluateBatch(pts.map((p) => this.space.input(p)));
      missing.forEach((k, i) => this.evals.set(k, this.withCost(pts[i], res[i].terms, res[i].value)));
    }
    return keys.map((k) => this.evals.get(k)!.objective);
  }

  costOf(point: readonly number[]): { flops: number; params: number } {
    return this.costModel ? this.costModel.cost(point) : { flops: 0, params: 0 };
  }

  feasible(point: readonly number[]): boolean {
    if (!this.costModel || !this.hasBudget) return true;
    const c = this.costModel.cost(point);
    return this.violation(c.flops, c.params) === 0;
  }

  /**
   * Shrinks an over-budget point one valid step at a time, each time at the position that
   * removes the most budget violation per unit of objective lost, until it fits. The loss is
   * first-order, from `grad` (objective gradient on the predictor input near the point), plus
   * the exact FLOPs term. The smallest point fits (checked before the search), so this ends.
   */
  repair(point: readonly number[], grad: ArrayLike<number>): { point: number[]; moves: Move[]; points: number[][] } {
    let cur = point.slice();
    const moves: Move[] = [];
    const points: number[][] = [];
    if (!this.costModel || !this.hasBudget) return { point: cur, moves, points };
    let c = this.costModel.cost(cur);
    let v = this.violation(c.flops, c.params);
    while (v > 0) {
      let best: { index: number; to: number[]; v: number; cost: { flops: number; params: number } } | undefined;
      let bestScore = -Infinity;
      for (const m of this.space.shrinkMoves(cur)) {
        const cc = this.costModel.cost(m.to);
        const nv = this.violation(cc.flops, cc.params);
        const saved = v - nv;
        if (saved <= 0) continue;
        const i = m.index;
        const lost = grad[i] * (cur[i] - m.to[i]) - this.lambda * (c.flops - cc.flops);
        // A move that gains objective counts as a tiny loss: the most budget saved wins.
        const score = saved / Math.max(lost, 1e-6);
        if (score > bestScore) {
          bestScore = score;
          best = { index: i, to: m.to, v: nv, cost: cc };
        }
      }
      if (!best) break; // cannot happen when the smallest point fits; the caller re-checks
      moves.push(this.space.describe(cur, best.index, best.to));
      cur = best.to;
      points.push(cur);
      v = best.v;
      c = best.cost;
    }
    return { point: cur, moves, points };
  }

  /** Throws when cancelled; lets the event loop run (progress, incoming edits) every ~20 ms. */
  async checkpoint(): Promise<void> {
    if (this.signal?.aborted) throw new PropagationCancelled();
    this.runBudget?.check();
    const now = Date.now();
    if (now - this.lastYield > 20) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastYield = Date.now();
      if (this.signal?.aborted) throw new PropagationCancelled();
    }
  }
}
