// The asynchronous loop: N measurements run at once; when one ends, the ensemble is refitted and
// the next network proposed while the others still run (Syne Tune's asynchronous schedulers, Real
// et al.'s asynchronous evolution). Networks being measured are pending: they are never proposed
// again, and the fit pretends to know their values so that the next proposal looks elsewhere —
// the kriging believer (the ensemble's own mean) or a constant liar (the worst value measured);
// bench/parallel.ts measures both. The proposer is an ask/tell object so that a simulator can
// drive it on simulated time; runAsyncSearch drives it on a real measurer. Every proposal's
// randomness is seeded by the seed and the proposal's number: for one seed, the same completion
// order gives the same search.
import { makeRng, subSeed } from '../random';
import { spaceOf } from '../propagate/spaces';
import { SEARCH_DEFAULTS, budgeting, designStream, fitSurrogate, objectiveValue, pointKey, propose, type Budgeting } from './loop';
import { COST_AWARE_DEFAULTS, CostAwareAcquisition, CostPricedUcb, coolAlpha, spaceCost, type CostAwareOptions, type InputCost } from './costAware';
import type { SurrogateFit } from './surrogate';
import { SearchCancelled, SearchError, type Measurement, type SearchOptions, type SearchProgress, type SearchResult } from './types';

/** Most measurements in flight at once. */
export const JOBS_LIMIT = 256;

export class AsyncProposer {
  readonly measurements: Measurement[];
  private readonly measured = new Set<string>();
  private readonly exclude = new Set<string>();
  /** The seed's random networks in order (the initial design first), drawn as needed. */
  private readonly designPoints: number[][] = [];
  private readonly draw: () => number[];
  /** The first `initial` of them: their mean cost is a random network's (the cost-aware start's reference). */
  private readonly initialDesign: number[][];
  private readonly firstQueue: number[][];
  private readonly costAware: CostAwareOptions;
  private readonly cost: InputCost;
  private readonly b: Budgeting;
  private readonly initial: number;
  private asks = 0;
  private hint: SurrogateFit | undefined;
  private hintRows = 0;

  constructor(private readonly o: SearchOptions) {
    this.b = budgeting(o.space, o);
    this.initial = o.initial ?? SEARCH_DEFAULTS.initial;
    this.measurements = [...(o.history ?? [])];
    for (const m of this.measurements) this.note(m);
    this.draw = designStream(o.space, o.seed ?? 0, this.b);
    for (let i = 0; i < this.initial; i++) this.designPoints.push(this.draw());
    this.initialDesign = this.designPoints.slice();
    this.firstQueue = (o.first ?? []).map((p) => p.slice());
    this.costAware = (o.lambda ?? 0) > 0 ? { alpha: 0, share: 0 } : (o.costAware ?? COST_AWARE_DEFAULTS);
    this.cost = spaceCost(o.space, this.b);
  }

  get budget(): Budgeting {
    return this.b;
  }

  private note(m: Measurement): void {
    this.measured.add(pointKey(m.point));
    this.exclude.add(pointKey(m.point));
    if (m.proposed) this.exclude.add(pointKey(m.proposed));
  }

  /** A measurement ended (in the order they end). */
  tell(m: Measurement): void {
    this.measurements.push(m);
    this.note(m);
  }

  /** The next network to measure while `pending` are being measured; undefined when none is left. */
  async ask(pending: readonly (readonly number[])[], signal?: AbortSignal, onTick?: () => void): Promise<number[] | undefined> {
    const o = this.o;
    const ask = this.asks++;
    const seed = o.seed ?? 0;
    const busy = new Set([...this.exclude, ...pending.map(pointKey)]);
    const free = (p: readonly number[]) => !busy.has(pointKey(p)) && this.b.feasible(p);
    while (this.firstQueue.length > 0) {
      const p = this.firstQueue.shift()!;
      if (free(p)) return p;
    }
    // the initial design is started first; after it the ensemble proposes as soon as it can be fitted
    // (with N workers, waiting for `initial` results would start N−1 more random networks); until
    // then, the next networks of the same random stream
    const design = this.designPoints.find(free);
    const model = design || this.measurements.length < (o.modelAfter ?? 2) ? undefined : this.fit(pending);
    if (!model) {
      if (design) return design.slice();
      for (let t = 0; t < 1000; t++) {
        const q = this.draw();
        this.designPoints.push(q);
        if (free(q)) return q.slice();
      }
      return undefined;
    }
    const alpha = coolAlpha(this.costAware, this.measurements.length + pending.length, o.queries);
    let acquisition: CostAwareAcquisition | CostPricedUcb | undefined;
    if (alpha > 0) {
      const values: number[] = [];
      for (const m of this.measurements) {
        const v = objectiveValue(m, o.objective);
        if (v !== undefined && this.b.feasible(m.point)) values.push(v);
      }
      const setting = o.space === 'nb201' ? 'nb201' : 'search';
      if (this.costAware.form === 'ucb') {
        const mean = values.reduce((a, v) => a + v, 0) / values.length;
        const spread = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
        const s = spaceOf(o.space);
        const ref = this.initialDesign.length > 0 ? this.initialDesign.reduce((a, p) => a + this.cost.value(s.input(p)), 0) / this.initialDesign.length : 0;
        if (values.length > 1 && spread > 0 && ref > 0) acquisition = new CostPricedUcb(setting, model, o.kappa ?? SEARCH_DEFAULTS.kappa, alpha * spread, ref, this.cost);
      } else if (values.length > 0) acquisition = new CostAwareAcquisition(setting, model, Math.max(...values), alpha, this.cost);
    }
    const props = await propose({
      space: o.space,
      model,
      measurements: this.measurements,
      terms: o.objective,
      budget: this.b,
      flopsMax: o.flopsMax,
      paramsMax: o.paramsMax,
      count: 1,
      kappa: o.kappa ?? SEARCH_DEFAULTS.kappa,
      steps: o.steps ?? SEARCH_DEFAULTS.steps,
      starts: o.starts ?? (o.space === 'multires' ? SEARCH_DEFAULTS.startsMultires : SEARCH_DEFAULTS.starts),
      rand: makeRng(subSeed(seed, 'async', ask)),
      seed: subSeed(seed, 'async', ask),
      signal,
      exclude: busy,
      onTick,
      acquisition,
    });
    return props[0]?.point;
  }

  /** The ensemble on what was measured, plus made-up values for the pending networks. */
  private fit(pending: readonly (readonly number[])[]) {
    const o = this.o;
    const n = this.measurements.length;
    if (n === 0) return undefined;
    const reuse = this.hintRows > 0 && n < this.hintRows * 1.2;
    const real = fitSurrogate(o.space, this.measurements, o.objective, reuse ? this.hint : undefined, o.prior);
    if (!real) return undefined;
    if (!reuse) {
      this.hint = real.fit;
      this.hintRows = n;
    }
    const todo = pending.filter((p) => !this.measured.has(pointKey(p)));
    if (todo.length === 0) return real;
    const s = spaceOf(o.space);
    let lie = Infinity;
    if ((o.pending ?? 'believer') === 'liar') {
      for (const m of this.measurements) {
        const v = objectiveValue(m, o.objective);
        if (v !== undefined) lie = Math.min(lie, v);
      }
    }
    const fantasies = todo.map((p) => ({ point: p, y: Number.isFinite(lie) ? lie : real.predictMean(s.input(p)) }));
    return fitSurrogate(o.space, this.measurements, o.objective, real.fit, o.prior, fantasies) ?? real;
  }
}

/**
 * The loop with `jobs` measurements in flight. Stops proposing at the query budget (earlier
 * measurements included) or the deadline, waits for what runs, and returns every measurement in
 * the order they ended. On a cancel or a measurer's error the others are stopped (the signal) and
 * waited for before it throws.
 */
export async function runAsyncSearch(o: SearchOptions, measurer: { measure: import('./types').Measurer['measure'] }): Promise<SearchResult> {
  const jobs = o.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > JOBS_LIMIT) throw new SearchError(`jobs must be an integer from 1 to ${JOBS_LIMIT}, got ${jobs}`);
  const proposer = new AsyncProposer(o);
  const b = proposer.budget;
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const notes: string[] = [];
  let best = -1;
  let bestValue: number | undefined;
  const measurements = proposer.measurements;
  const update = (i: number) => {
    const v = objectiveValue(measurements[i], o.objective);
    if (v === undefined || !b.feasible(measurements[i].point)) return;
    const score = v - b.lambda * b.flops(measurements[i].point);
    if (bestValue === undefined || score > bestValue) {
      bestValue = score;
      best = i;
    }
  };
  measurements.forEach((_, i) => update(i));
  type Done = { token: number; m?: Measurement; e?: unknown };
  const running = new Map<number, { point: number[]; done: Promise<Done>; started: number }>();
  const progress = (phase: SearchProgress['phase']) =>
    o.onProgress?.({ phase, measured: measurements.length, queries: o.queries, best: bestValue, bestPoint: best >= 0 ? measurements[best].point : undefined, running: running.size });
  const timer = setInterval(() => progress('measuring'), 1000);
  let stopReason: SearchResult['stopReason'] = 'queries';
  let exhausted = false;
  let token = 0;
  let failure: unknown;
  try {
    for (;;) {
      while (!exhausted && failure === undefined && !inner.signal.aborted && running.size < jobs && measurements.length + running.size < o.queries) {
        if (o.deadline !== undefined && Date.now() > o.deadline) {
          stopReason = 'deadline';
          notes.push(`stopped proposing at the deadline after ${measurements.length} measurements`);
          exhausted = true;
          break;
        }
        progress(measurements.length >= (o.initial ?? SEARCH_DEFAULTS.initial) ? 'proposing' : 'initial');
        let p: number[] | undefined;
        try {
          p = await proposer.ask([...running.values()].map((r) => r.point), inner.signal, () => undefined);
        } catch (e) {
          if (e instanceof SearchCancelled) break;
          throw e;
        }
        if (!p) {
          notes.push(`no unmeasured network within the budget was found after ${measurements.length} measurements`);
          exhausted = true;
          break;
        }
        const t = token++;
        const point = p;
        const done = measurer.measure(point, { measured: new Set(measurements.map((m) => pointKey(m.point))), feasible: b.feasible, signal: inner.signal }).then(
          (m): Done => ({ token: t, m }),
          (e: unknown): Done => ({ token: t, e }),
        );
        running.set(t, { point, done, started: Date.now() });
      }
      if (running.size === 0) break;
      const r = await Promise.race([...running.values()].map((x) => x.done));
      running.delete(r.token);
      if (r.e !== undefined) {
        // the first error wins; the others are stopped and waited for
        if (failure === undefined) failure = r.e;
        inner.abort();
        continue;
      }
      const m = r.m!;
      if (!b.feasible(m.point)) throw new SearchError('internal error: the measurer returned a network over budget');
      proposer.tell(m);
      update(measurements.length - 1);
      await o.onMeasurement?.(m, measurements.length - 1);
      progress('measuring');
    }
  } finally {
    clearInterval(timer);
    o.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (failure !== undefined) throw failure;
  if (o.signal?.aborted) throw new SearchCancelled();
  progress('done');
  return { measurements, best, bestValue, stopReason, notes };
}
