// The closed loop: measure a few random networks, then repeat — refit the GP ensemble on every
// successful measurement, propagate (winner-takes-all) from many starts under the UCB
// acquisition and the hard budget, drop duplicates and measured networks, pick a diverse batch,
// measure it — until the query budget is spent. Each batch's randomness is seeded by the seed and
// the number of measurements so far, and a batch is chosen at its full size before it is cut to
// the queries left: a run's first N measurements do not depend on the total budget (anytime).
import { costModelAt, propagate } from '../propagate/engine';
import type { CostOptions } from '../cost';
import { spaceOf } from '../propagate/spaces';
import { PropagationCancelled, PropagationError, type CostModel, type ObjectiveTerm } from '../propagate/types';
import type { DifferentiablePredictor } from '../predict/types';
import { makeRng, subSeed } from '../random';
import { BENCHMARK_RANGE, CODE_KINDS, randomCode } from '../space/multires';
import { NB201_EDGE_COUNT, NB201_OP_COUNT } from '../space/nb201';
import { GpEnsemble, UcbPredictor, type SurrogateFit } from './surrogate';
import { objectivePrior, type PriorSource } from './prior';
import { SearchCancelled, SearchError, type Measurement, type SearchOptions, type SearchResult, type SpaceKind } from './types';

export const SEARCH_DEFAULTS = {
  // chosen on the NAS-Bench-201 bench (docs/search.md): a small random design, small batches
  initial: 5,
  batch: 3,
  kappa: 2,
  steps: 30,
  starts: { best: 5, perturbed: 5, random: 10 },
  // a code move is a GP evaluation of 27 positions × 2 directions: fewer starts keep a
  // 100-query multi-resolution search at a few seconds (docs/search.md)
  startsMultires: { best: 3, perturbed: 3, random: 4 },
};

/** Limits on user-typed numbers that drive time and memory (the GP is O(n³) in measurements). */
export const SEARCH_LIMITS = { queries: 1000, batch: 100, starts: 200, steps: 1000 };

export function pointKey(point: readonly number[]): string {
  return point.join(',');
}

/** Σ weight·metric of a measurement, or undefined when it failed or lacks a term's metric. */
export function objectiveValue(m: Measurement, terms: readonly ObjectiveTerm[]): number | undefined {
  if (!m.ok || !m.metrics) return undefined;
  let v = 0;
  for (const t of terms) {
    const x = m.metrics[t.setting]?.[t.metric];
    if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
    v += t.weight * x;
  }
  return v;
}

/** Per-position factor that puts code positions on [0, 1] for the kernel (cells are one-hot already). */
const MULTIRES_SCALE = Float64Array.from(CODE_KINDS, (k) => 1 / (BENCHMARK_RANGE[k].max - BENCHMARK_RANGE[k].min));

export interface Budgeting {
  lambda: number;
  feasible(point: readonly number[]): boolean;
  flops(point: readonly number[]): number;
  /** The exact cost at the input size and head the budget counts at (multires). */
  costModel: CostModel;
}

export function budgeting(space: SpaceKind, o: { flopsMax?: number; paramsMax?: number; lambda?: number; cost?: CostOptions }): Budgeting {
  const lambda = o.lambda ?? 0;
  const costModel = costModelAt(o.cost);
  if (space === 'nb201') return { lambda: 0, feasible: () => true, flops: () => 0, costModel };
  return {
    lambda,
    feasible(p) {
      const c = costModel.cost(p);
      return (o.flopsMax === undefined || c.flops <= o.flopsMax) && (o.paramsMax === undefined || c.params <= o.paramsMax);
    },
    flops: (p) => costModel.cost(p).flops,
    costModel,
  };
}

/** A uniformly random network of the space, shrunk into the budget when it is over. */
export function randomPoint(space: SpaceKind, rand: () => number, b: Budgeting): number[] {
  if (space === 'nb201') return Array.from({ length: NB201_EDGE_COUNT }, () => Math.floor(rand() * NB201_OP_COUNT));
  for (let i = 0; i < 50; i++) {
    const c = randomCode(rand);
    if (b.feasible(c)) return c;
  }
  // shrink a random code one step at a time where it saves the most FLOPs
  let c = randomCode(rand);
  while (!b.feasible(c)) {
    const moves = spaceOf('multires').shrinkMoves(c);
    if (moves.length === 0) break;
    let best = moves[0].to;
    let bf = Infinity;
    for (const m of moves) {
      const f = b.flops(m.to);
      if (f < bf) {
        bf = f;
        best = m.to;
      }
    }
    c = best;
  }
  return c;
}

/**
 * The random networks of a seed, in order: the loop's initial design is the first `initial` of
 * them; the asynchronous loop draws its further random networks from the same stream, and the
 * bench's random search and evolution draw theirs from it too (common random numbers).
 */
export function designStream(space: SpaceKind, seed: number, b: Budgeting): () => number[] {
  const rand = makeRng(subSeed(seed, 'initial'));
  return () => randomPoint(space, rand, b);
}

function distance(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

export interface Fitted {
  model: GpEnsemble;
  /** Best successful score (objective − λ·flops) so far. */
  best: number;
}

/** Fits the ensemble on every successful measurement (undefined when there are fewer than 2). */
export function fitSurrogate(
  space: SpaceKind,
  measurements: readonly Measurement[],
  terms: readonly ObjectiveTerm[],
  hint?: SurrogateFit,
  /** Predictors as the prior mean (warm start); undefined: the cold loop. */
  prior?: PriorSource,
  /** Made-up values of networks still being measured (the asynchronous loop's pending ones). */
  fantasies: readonly { point: readonly number[]; y: number }[] = [],
): GpEnsemble | undefined {
  const rows: { x: Float64Array; y: number }[] = [];
  const s = spaceOf(space);
  const seen = new Set<string>();
  for (const m of measurements) {
    const y = objectiveValue(m, terms);
    if (y === undefined) continue;
    const key = pointKey(m.point);
    if (seen.has(key)) continue; // a repeated network adds nothing but a singular kernel
    seen.add(key);
    rows.push({ x: s.input(m.point), y });
  }
  if (rows.length < 2) return undefined;
  for (const f of fantasies) {
    const key = pointKey(f.point);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ x: s.input(f.point), y: f.y });
  }
  if (rows.length < 2) return undefined;
  const warm = prior ? objectivePrior(terms, prior, measurements, (p) => s.input(p)) : undefined;
  const d = rows[0].x.length;
  const X = new Float64Array(rows.length * d);
  rows.forEach((r, i) => X.set(r.x, i * d));
  return new GpEnsemble(
    space === 'nb201' ? 'nb201' : 'search',
    'value',
    X,
    rows.length,
    d,
    rows.map((r) => r.y),
    space === 'multires' ? MULTIRES_SCALE : undefined,
    hint,
    warm,
  );
}

export interface Proposal {
  point: number[];
  /** Acquisition (UCB − λ·flops), predicted mean and spread of the objective. */
  acquisition: number;
  mean: number;
  std: number;
}

export interface ProposeOptions {
  space: SpaceKind;
  model: GpEnsemble;
  measurements: readonly Measurement[];
  terms: readonly ObjectiveTerm[];
  budget: Budgeting;
  flopsMax?: number;
  paramsMax?: number;
  count: number;
  kappa: number;
  steps: number;
  starts: { best: number; perturbed: number; random: number };
  rand: () => number;
  seed: number;
  signal?: AbortSignal;
  /** Keys that must not be proposed (measured networks). */
  exclude: ReadonlySet<string>;
  onTick?: () => void;
  /** The acquisition to climb instead of UCB (the asynchronous loop's cost-aware start). */
  acquisition?: DifferentiablePredictor;
}

/**
 * The next networks to measure: local maxima of the acquisition reached by propagation from the
 * best measured networks, perturbed copies of them and random networks; where a run ends on a
 * measured network, its best unmeasured one-move neighbour. Diverse: a network one move from a
 * chosen one is taken only when nothing farther is left.
 */
export async function propose(o: ProposeOptions): Promise<Proposal[]> {
  const s = spaceOf(o.space);
  const setting = o.space === 'nb201' ? 'nb201' : 'search';
  const acq = o.acquisition ?? new UcbPredictor(setting, o.model, o.kappa);
  const lookup = (name: string) => (name === setting ? acq : undefined);
  const objective = [{ weight: 1, setting, metric: acq.metrics[0] }];
  const scored = o.measurements
    .map((m) => ({ m, v: objectiveValue(m, o.terms) }))
    .filter((r): r is { m: Measurement; v: number } => r.v !== undefined)
    .map((r) => ({ point: r.m.point, score: r.v - o.budget.lambda * o.budget.flops(r.m.point) }))
    .filter((r) => o.budget.feasible(r.point))
    .sort((a, b) => b.score - a.score);
  const top = scored.slice(0, Math.max(1, o.starts.best)).map((r) => r.point);
  const starts: number[][] = [];
  starts.push(...top.slice(0, o.starts.best));
  for (let i = 0; i < o.starts.perturbed && top.length > 0; i++) starts.push(s.perturb(top[i % top.length], o.rand));
  for (let i = 0; i < o.starts.random; i++) starts.push(randomPoint(o.space, o.rand, o.budget));

  const score = (p: readonly number[]): Proposal => {
    const [e] = acq.predict(s.input(p));
    if (o.acquisition) {
      const [m] = o.model.predict(s.input(p));
      return { point: p.slice(), acquisition: e.mean - o.budget.lambda * o.budget.flops(p), mean: m.mean, std: m.std };
    }
    return { point: p.slice(), acquisition: e.mean - o.budget.lambda * o.budget.flops(p), mean: e.mean - o.kappa * e.std, std: e.std };
  };
  const pool = new Map<string, Proposal>();
  const ends: number[][] = [];
  const consider = (p: readonly number[]) => {
    const key = pointKey(p);
    if (pool.has(key) || o.exclude.has(key) || !o.budget.feasible(p)) return;
    pool.set(key, score(p));
  };
  for (let i = 0; i < starts.length; i++) {
    if (o.signal?.aborted) throw new SearchCancelled();
    let res;
    try {
      res = await propagate(
        {
          space: o.space,
          start: starts[i],
          objective,
          lambda: o.space === 'multires' ? o.budget.lambda : undefined,
          flopsMax: o.flopsMax,
          paramsMax: o.paramsMax,
          strategy: 'winner-takes-all',
          steps: o.steps,
          seed: subSeed(o.seed, 'start', i),
          signal: o.signal,
        },
        lookup,
        o.budget.costModel,
      );
    } catch (e) {
      if (e instanceof PropagationCancelled) throw new SearchCancelled();
      throw e;
    }
    o.onTick?.();
    const end = res.result;
    ends.push(end);
    if (!o.exclude.has(pointKey(end))) consider(end);
    else {
      // the run climbed onto a measured network: the acquisition's best step off it
      let best: Proposal | undefined;
      for (const c of s.candidates(end, new Float64Array(s.dim))) {
        const key = pointKey(c.to);
        if (o.exclude.has(key) || !o.budget.feasible(c.to)) continue;
        const p = pool.get(key) ?? score(c.to);
        if (!best || p.acquisition > best.acquisition) best = p;
      }
      if (best) pool.set(pointKey(best.point), best);
    }
  }
  if (pool.size === 0) widen(o, s, ends, pool, score);
  const ranked = [...pool.values()].sort((a, b) => b.acquisition - a.acquisition || (pointKey(a.point) < pointKey(b.point) ? -1 : 1));
  const chosen: Proposal[] = [];
  for (const p of ranked) {
    if (chosen.length >= o.count) break;
    if (chosen.every((c) => distance(c.point, p.point) > 1)) chosen.push(p);
  }
  for (const p of ranked) {
    if (chosen.length >= o.count) break;
    if (!chosen.includes(p)) chosen.push(p);
  }
  return chosen;
}

/** Acquisition evaluations a widening may spend (codes have 54 moves, so two moves is ~3,000). */
const WIDEN_EVALUATIONS = 4000;

/**
 * When every run ended on a measured network whose one-move neighbours are all measured too (a
 * converged search around its best), looks further: the networks two, then three moves from the
 * runs' ends, best by the acquisition; else random unmeasured networks. The search keeps
 * measuring while unmeasured networks are left, instead of stopping short of its query budget.
 */
function widen(o: ProposeOptions, s: ReturnType<typeof spaceOf>, ends: number[][], pool: Map<string, Proposal>, score: (p: readonly number[]) => Proposal): void {
  let frontier = ends.map((e) => e.slice());
  const visited = new Set(frontier.map(pointKey));
  let spent = 0;
  for (let depth = 1; depth <= 3 && pool.size === 0 && frontier.length > 0; depth++) {
    const next: number[][] = [];
    for (const p of frontier) {
      for (const c of s.candidates(p, new Float64Array(s.dim))) {
        const key = pointKey(c.to);
        if (visited.has(key)) continue;
        visited.add(key);
        next.push(c.to);
        if (o.exclude.has(key) || !o.budget.feasible(c.to)) continue;
        if (spent++ >= WIDEN_EVALUATIONS) break;
        pool.set(key, score(c.to));
      }
    }
    frontier = next;
  }
  for (let t = 0; t < 1000 && pool.size === 0; t++) {
    const p = randomPoint(o.space, o.rand, o.budget);
    const key = pointKey(p);
    if (!o.exclude.has(key) && o.budget.feasible(p)) pool.set(key, score(p));
  }
}

function checkOptions(o: SearchOptions): void {
  const int = (name: string, v: number | undefined, min: number, max: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) throw new SearchError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  };
  int('queries', o.queries, 1, SEARCH_LIMITS.queries);
  int('initial', o.initial, 1, SEARCH_LIMITS.queries);
  int('batch', o.batch, 1, SEARCH_LIMITS.batch);
  int('steps', o.steps, 0, SEARCH_LIMITS.steps);
  if (o.starts) for (const [k, v] of Object.entries(o.starts)) int(`starts.${k}`, v, 0, SEARCH_LIMITS.starts);
  if (o.kappa !== undefined && !(Number.isFinite(o.kappa) && o.kappa >= 0)) throw new SearchError(`kappa must be a number ≥ 0, got ${o.kappa}`);
  if (o.objective.length === 0) throw new SearchError('the objective is empty: name at least one metric to maximise');
  if (o.space === 'nb201' && (o.flopsMax !== undefined || o.paramsMax !== undefined || (o.lambda ?? 0) !== 0)) {
    throw new SearchError('FLOPs/params budgets and lambda apply to multi-resolution networks, not NAS-Bench-201 cells');
  }
  for (const [name, v] of [['flops budget', o.flopsMax], ['params budget', o.paramsMax], ['lambda', o.lambda]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new SearchError(`${name} must be a number ≥ 0, got ${v}`);
  }
  for (const m of o.history ?? []) {
    if (m.space !== o.space) throw new SearchError(`the measurements are of the ${m.space} space, the search is of the ${o.space} space`);
  }
}

export async function runSearch(o: SearchOptions, measurer: { measure: import('./types').Measurer['measure'] }): Promise<SearchResult> {
  checkOptions(o);
  const initial = o.initial ?? SEARCH_DEFAULTS.initial;
  const batch = o.batch ?? SEARCH_DEFAULTS.batch;
  const kappa = o.kappa ?? SEARCH_DEFAULTS.kappa;
  const steps = o.steps ?? SEARCH_DEFAULTS.steps;
  const starts = o.starts ?? (o.space === 'multires' ? SEARCH_DEFAULTS.startsMultires : SEARCH_DEFAULTS.starts);
  const seed = o.seed ?? 0;
  const b = budgeting(o.space, o);
  if (o.space === 'multires' && (o.flopsMax !== undefined || o.paramsMax !== undefined)) {
    const small = b.costModel.cost(spaceOf('multires').smallest());
    if (!b.feasible(spaceOf('multires').smallest())) {
      throw new SearchError(`no network fits the budget (the smallest needs ${small.flops.toPrecision(3)} G MACs, ${small.params.toPrecision(3)} M params)`);
    }
  }
  const measurements: Measurement[] = [...(o.history ?? [])];
  const measured = new Set(measurements.map((m) => pointKey(m.point)));
  // measured networks and proposals a benchmark replaced: never proposed again
  const exclude = new Set(measured);
  for (const m of measurements) if (m.proposed) exclude.add(pointKey(m.proposed));
  const notes: string[] = [];
  let best = -1;
  let bestValue: number | undefined;
  const update = (i: number) => {
    const m = measurements[i];
    const v = objectiveValue(m, o.objective);
    if (v === undefined || !b.feasible(m.point)) return;
    const score = v - b.lambda * b.flops(m.point);
    if (bestValue === undefined || score > bestValue) {
      bestValue = score;
      best = i;
    }
  };
  measurements.forEach((_, i) => update(i));
  const progress = (phase: import('./types').SearchProgress['phase'], elapsed?: number) =>
    o.onProgress?.({ phase, measured: measurements.length, queries: o.queries, best: bestValue, bestPoint: best >= 0 ? measurements[best].point : undefined, elapsed });
  let lastTick = Date.now();
  const tick = (phase: import('./types').SearchProgress['phase']) => {
    const now = Date.now();
    if (now - lastTick >= 250) {
      lastTick = now;
      progress(phase);
    }
  };
  // the initial networks come from one stream, so a resumed run draws the same ones
  const draw = designStream(o.space, seed, b);
  const initialPoints: number[][] = [];
  for (let i = 0; i < initial; i++) initialPoints.push(draw());
  let hint: SurrogateFit | undefined;
  let hintRows = 0;
  let stopReason: SearchResult['stopReason'] = 'queries';
  let fallbackDraw = 0;
  const firstQueue = (o.first ?? []).map((p) => p.slice());

  while (measurements.length < o.queries) {
    if (o.signal?.aborted) throw new SearchCancelled();
    if (o.deadline !== undefined && Date.now() > o.deadline) {
      stopReason = 'deadline';
      notes.push(`stopped at the deadline after ${measurements.length} measurements`);
      break;
    }
    const n = measurements.length;
    let points: number[][];
    const firsts = firstQueue.splice(0).filter((p) => !measured.has(pointKey(p)) && b.feasible(p));
    if (firsts.length > 0) points = firsts;
    else {
    if (n >= initial) progress('fitting');
    const model = n >= initial ? fitSurrogate(o.space, measurements, o.objective, hintRows > 0 && n < hintRows * 1.2 ? hint : undefined, o.prior) : undefined;
    if (!model) {
      progress('initial');
      // still in the initial design, or too few successes to fit: random networks
      points = initialPoints.filter((p) => !measured.has(pointKey(p)));
      if (points.length === 0 || n >= initial) {
        const rand = makeRng(subSeed(seed, 'fallback', fallbackDraw++, n));
        points = [];
        for (let t = 0; t < 1000 && points.length < batch; t++) {
          const p = randomPoint(o.space, rand, b);
          if (!measured.has(pointKey(p)) && !points.some((q) => pointKey(q) === pointKey(p))) points.push(p);
        }
      }
    } else {
      if (!(hintRows > 0 && n < hintRows * 1.2)) {
        hint = model.fit;
        hintRows = n;
      }
      progress('proposing');
      const rand = makeRng(subSeed(seed, 'batch', n));
      const props = await propose({
        space: o.space,
        model,
        measurements,
        terms: o.objective,
        budget: b,
        flopsMax: o.flopsMax,
        paramsMax: o.paramsMax,
        count: batch,
        kappa,
        steps,
        starts,
        rand,
        seed: subSeed(seed, 'batch', n),
        signal: o.signal,
        exclude,
        onTick: () => tick('proposing'),
      });
      points = props.map((p) => p.point);
      if (points.length === 0) {
        notes.push(`no unmeasured network within the budget was found after ${n} measurements`);
        break;
      }
    }
    }
    for (const p of points.slice(0, o.queries - n)) {
      if (o.signal?.aborted) throw new SearchCancelled();
      if (!b.feasible(p)) throw new PropagationError('internal error: a proposal over budget'); // never measured
      if (measured.has(pointKey(p))) continue; // a benchmark replacement may have taken it
      const started = Date.now();
      const timer = setInterval(() => progress('measuring', (Date.now() - started) / 1000), 1000);
      let m: Measurement;
      try {
        m = await measurer.measure(p, { measured, feasible: b.feasible, signal: o.signal });
      } finally {
        clearInterval(timer);
      }
      if (measured.has(pointKey(m.point))) throw new SearchError(`internal error: ${pointKey(m.point)} measured twice`);
      if (!b.feasible(m.point)) throw new SearchError(`internal error: the measurer returned a network over budget`);
      measurements.push(m);
      measured.add(pointKey(m.point));
      exclude.add(pointKey(m.point));
      if (m.proposed) exclude.add(pointKey(m.proposed));
      update(measurements.length - 1);
      await o.onMeasurement?.(m, measurements.length - 1);
      progress('measuring');
    }
  }
  progress('done');
  return { measurements, best, bestValue, stopReason, notes };
}
