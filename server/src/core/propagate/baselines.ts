// Baselines the benches hold propagation against: best-improvement hill climbing over one-edge
// changes of a NB201 cell (on the enumerated predictions), and a regularised evolutionary search
// over multi-resolution codes under a hard budget (on the predictors, batched).
import { BENCHMARK_RANGE, CODE_KINDS, CODE_LENGTH, randomCode } from '../space/multires';
import { NB201_EDGE_COUNT, NB201_OP_COUNT, cellToIndex } from '../space/nb201';
import type { CostModel } from './types';

/** Best-improvement hill climb from a cell; `values` holds the predictor's value of every cell. */
export function hillClimbCell(start: readonly number[], values: Float64Array): { cell: number[]; value: number; steps: number } {
  let cur = start.slice();
  let value = values[cellToIndex(cur)];
  let steps = 0;
  for (;;) {
    let best: number[] | undefined;
    let bestValue = value;
    for (let e = 0; e < NB201_EDGE_COUNT; e++) {
      for (let o = 0; o < NB201_OP_COUNT; o++) {
        if (o === cur[e]) continue;
        const n = cur.slice();
        n[e] = o;
        const v = values[cellToIndex(n)];
        if (v > bestValue) {
          bestValue = v;
          best = n;
        }
      }
    }
    if (!best) return { cell: cur, value, steps };
    cur = best;
    value = bestValue;
    steps++;
  }
}

/** Best-of-n random cells' value (random search at n queries). */
export function randomSearchCells(values: Float64Array, n: number, rand: () => number): number {
  let best = -Infinity;
  for (let k = 0; k < n; k++) best = Math.max(best, values[Math.floor(rand() * values.length)]);
  return best;
}


export interface EvolutionOptions {
  evaluations: number;
  flopsMax?: number;
  paramsMax?: number;
  population?: number;
  sample?: number;
  /** Objective of many codes at once (batched predictor calls). */
  score: (codes: number[][]) => number[];
  cost: CostModel;
  rand: () => number;
}

/**
 * Regularised evolution (Real et al., 2019) under a hard budget: a population of feasible codes,
 * tournament parents, one-to-three-position mutations, the oldest member removed each round.
 * Infeasible codes are redrawn and not counted as evaluations.
 */
export function evolutionarySearch(o: EvolutionOptions): { code: number[]; value: number; evaluations: number } {
  const P = o.population ?? 100;
  const S = o.sample ?? 25;
  const ok = (c: number[]) => {
    if (o.flopsMax === undefined && o.paramsMax === undefined) return true;
    const cc = o.cost.cost(c);
    return (o.flopsMax === undefined || cc.flops <= o.flopsMax) && (o.paramsMax === undefined || cc.params <= o.paramsMax);
  };
  const feasibleRandom = (): number[] => {
    for (let tries = 0; tries < 100000; tries++) {
      const c = randomCode(o.rand);
      if (ok(c)) return c;
      // Random codes are mostly large: shrink a random copy towards the minimum until it fits.
      for (let i = 0; i < 60 && !ok(c); i++) {
        const d = Math.floor(o.rand() * CODE_LENGTH);
        const r = BENCHMARK_RANGE[CODE_KINDS[d]];
        c[d] = Math.max(r.min, c[d] - r.step * (1 + Math.floor(o.rand() * 3)));
      }
      if (ok(c)) return c;
    }
    throw new Error('no feasible code found');
  };
  const mutate = (parent: number[]): number[] => {
    for (let tries = 0; tries < 200; tries++) {
      const c = parent.slice();
      const k = 1 + Math.floor(o.rand() * 3);
      for (let j = 0; j < k; j++) {
        const d = Math.floor(o.rand() * CODE_LENGTH);
        const r = BENCHMARK_RANGE[CODE_KINDS[d]];
        const delta = (o.rand() < 0.5 ? -1 : 1) * r.step * (1 + Math.floor(o.rand() * 2));
        c[d] = Math.min(r.max, Math.max(r.min, c[d] + delta));
      }
      if (ok(c)) return c;
    }
    return parent.slice();
  };
  const pop: { code: number[]; value: number }[] = [];
  let best = { code: [] as number[], value: -Infinity };
  let used = 0;
  const add = (codes: number[][]) => {
    const values = o.score(codes);
    codes.forEach((code, i) => {
      pop.push({ code, value: values[i] });
      if (values[i] > best.value) best = { code, value: values[i] };
    });
    used += codes.length;
  };
  add(Array.from({ length: Math.min(P, o.evaluations) }, feasibleRandom));
  const batch = 20;
  while (used < o.evaluations) {
    const children: number[][] = [];
    for (let b = 0; b < Math.min(batch, o.evaluations - used); b++) {
      let parent = pop[Math.floor(o.rand() * pop.length)];
      for (let s = 1; s < S; s++) {
        const c = pop[Math.floor(o.rand() * pop.length)];
        if (c.value > parent.value) parent = c;
      }
      children.push(mutate(parent.code));
    }
    add(children);
    pop.splice(0, Math.max(0, pop.length - P));
  }
  return { ...best, evaluations: used };
}
