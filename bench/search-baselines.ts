// Baselines for bench/search.ts, written for the bench: random search, regularized evolution
// (Real et al. 2019) and best-improvement local search (White et al. 2021). Each returns the
// sequence of measured values in query order; a network is measured (costs a query) once — a
// repeat is looked up in what was measured. They work on an abstract space so that the same code
// runs on NAS-Bench-201 cells and on the benchmark networks of the multi-resolution space.
import type { MrBenchmark } from '../server/src/core/benchmark';
import { codeDistance } from '../server/src/core/search/benchmarkMeasurer';
import { BENCHMARK_RANGE, CODE_KINDS } from '../server/src/core/space/multires';

export interface BaselineSpace {
  /** A uniformly random network (its key and value come from measure). */
  random(rand: () => number): number;
  /** A one-move mutation of network i. */
  mutate(i: number, rand: () => number, measured: ReadonlySet<number>): number;
  /** The neighbours local search measures around network i. */
  neighbours(i: number): readonly number[];
  value(i: number): number;
}

/** Bookkeeping shared by the baselines: measured values in order, and the query budget. */
class Tape {
  readonly values: number[] = [];
  readonly seen = new Set<number>();
  constructor(
    private readonly space: BaselineSpace,
    readonly queries: number,
  ) {}
  get full(): boolean {
    return this.values.length >= this.queries;
  }
  /** Value of network i; measuring it (one query) the first time. */
  measure(i: number): number {
    const v = this.space.value(i);
    if (!this.seen.has(i)) {
      this.seen.add(i);
      this.values.push(v);
    }
    return v;
  }
}

export function randomSearch(space: BaselineSpace, queries: number, rand: () => number): number[] {
  const t = new Tape(space, queries);
  for (let guard = 0; !t.full && guard < queries * 100; guard++) t.measure(space.random(rand));
  return t.values;
}

export function regularizedEvolution(space: BaselineSpace, queries: number, pop: number, sample: number, rand: () => number): number[] {
  const t = new Tape(space, queries);
  const population: { i: number; v: number }[] = [];
  for (let guard = 0; population.length < pop && !t.full && guard < pop * 100; guard++) {
    const i = space.random(rand);
    if (t.seen.has(i)) continue;
    population.push({ i, v: t.measure(i) });
  }
  for (let guard = 0; !t.full && guard < queries * 100; guard++) {
    let best: { i: number; v: number } | undefined;
    for (let k = 0; k < sample; k++) {
      const c = population[Math.floor(rand() * population.length)];
      if (!best || c.v > best.v) best = c;
    }
    const child = space.mutate(best!.i, rand, t.seen);
    population.push({ i: child, v: t.measure(child) });
    population.shift();
  }
  return t.values;
}

export function localSearch(space: BaselineSpace, queries: number, rand: () => number): number[] {
  const t = new Tape(space, queries);
  while (!t.full) {
    let cur = space.random(rand);
    let curV = t.measure(cur);
    for (;;) {
      let best = cur;
      let bestV = curV;
      for (const n of space.neighbours(cur)) {
        if (t.full) break;
        const v = t.measure(n);
        if (v > bestV) {
          bestV = v;
          best = n;
        }
      }
      if (best === cur || t.full) break; // a local optimum: restart
      cur = best;
      curV = bestV;
    }
  }
  return t.values;
}

/**
 * The multi-resolution benchmark networks `pool` (indices into bench.archs) as a baseline space
 * (bench/search.ts, bench/search-transfer.ts): a mutation moves one position one step, then
 * takes the nearest pool network not yet measured; neighbours are the 10 nearest pool networks.
 */
export function mrPoolSpace(bench: MrBenchmark, pool: readonly number[], value: (i: number) => number): BaselineSpace {
  const near = new Map<number, number[]>();
  const neighbours = (i: number) => {
    let n = near.get(i);
    if (!n) {
      const code = bench.archs[i].code;
      n = pool
        .filter((j) => j !== i)
        .map((j) => ({ j, d: codeDistance(code, bench.archs[j].code) }))
        .sort((a, c) => a.d - c.d || a.j - c.j)
        .slice(0, 10)
        .map((x) => x.j);
      near.set(i, n);
    }
    return n;
  };
  return {
    random: (rand) => pool[Math.floor(rand() * pool.length)],
    mutate(i, rand, measured) {
      const code = bench.archs[i].code.slice();
      const p = Math.floor(rand() * code.length);
      const r = BENCHMARK_RANGE[CODE_KINDS[p]];
      code[p] = Math.min(r.max, Math.max(r.min, code[p] + (rand() < 0.5 ? -r.step : r.step)));
      let best = i;
      let bd = Infinity;
      for (const j of pool) {
        if (measured.has(j)) continue;
        const d = codeDistance(code, bench.archs[j].code);
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
      return best;
    },
    neighbours,
    value,
  };
}
