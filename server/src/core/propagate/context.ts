// What both strategies share during one propagation: exact evaluation of discrete points,
// the budget test, the greedy budget repair, cancellation and yielding to the event loop.
import { Objective } from './objective';
import type { SearchSpace } from './spaces';
import { PropagationCancelled, type Budget, type CostModel, type Evaluation, type Move } from './types';

export class RunContext {
  private lastYield = Date.now();

  constructor(
    readonly space: SearchSpace,
    readonly objective: Objective,
    readonly lambda: number,
    readonly budget: Budget,
    readonly costModel: CostModel | undefined,
    readonly signal: AbortSignal | undefined,
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

  evaluate(point: readonly number[]): Evaluation {
    const { terms, value } = this.objective.evaluate(this.space.input(point));
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

  /** Objective values (with the FLOPs term) of many points, batched through the predictors. */
  objectiveBatch(points: readonly number[][]): number[] {
    const values = this.objective.evaluateBatch(points.map((p) => this.space.input(p)));
    if (this.costModel && this.lambda !== 0) {
      for (let k = 0; k < points.length; k++) values[k] -= this.lambda * this.costModel.cost(points[k]).flops;
    }
    return values;
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
   * removes the most budget violation per unit of objective lost, until it fits.
   * The smallest point fits (checked before the search starts), so this terminates.
   */
  repair(point: readonly number[]): { point: number[]; moves: Move[]; points: number[][] } {
    let cur = point.slice();
    const moves: Move[] = [];
    const points: number[][] = [];
    if (!this.costModel || !this.hasBudget) return { point: cur, moves, points };
    let c = this.costModel.cost(cur);
    let v = this.violation(c.flops, c.params);
    if (v === 0) return { point: cur, moves, points };
    let value = this.objectiveBatch([cur])[0];
    while (v > 0) {
      const cands = this.space.shrinkMoves(cur);
      const values = this.objectiveBatch(cands.map((m) => m.to));
      let best = -1;
      let bestScore = -Infinity;
      let bestV = v;
      cands.forEach((m, k) => {
        const cc = this.costModel!.cost(m.to);
        const nv = this.violation(cc.flops, cc.params);
        const saved = v - nv;
        if (saved <= 0) return;
        const lost = value - values[k];
        // An objective gain counts as a tiny loss so the most budget saved still wins ties.
        const score = saved / Math.max(lost, 1e-6);
        if (score > bestScore) {
          bestScore = score;
          best = k;
          bestV = nv;
        }
      });
      if (best < 0) break; // cannot happen when the smallest point fits; the caller re-checks
      moves.push(this.space.describe(cur, cands[best].index, cands[best].to));
      cur = cands[best].to;
      points.push(cur);
      value = values[best];
      v = bestV;
    }
    return { point: cur, moves, points };
  }

  /** Throws when cancelled; lets the event loop run (progress, incoming edits) every ~20 ms. */
  async checkpoint(): Promise<void> {
    if (this.signal?.aborted) throw new PropagationCancelled();
    const now = Date.now();
    if (now - this.lastYield > 20) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastYield = Date.now();
      if (this.signal?.aborted) throw new PropagationCancelled();
    }
  }
}
