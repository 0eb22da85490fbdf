// One step of the loop for a search run by hand (`ncp suggest`, the editor's "Suggest next
// networks"): fit the ensemble on the measurements, propagate under the acquisition and return
// the next networks to measure, each with its predicted value ± spread and expected gain. With
// fewer than two successful measurements there is nothing to fit: random networks within the
// budget, as the loop's initial design.
import type { ObjectiveTerm } from '../propagate/types';
import { makeRng, subSeed } from '../random';
import { SEARCH_DEFAULTS, budgeting, fitSurrogate, objectiveValue, pointKey, propose, randomPoint } from './loop';
import { expectedImprovement } from './surrogate';
import type { Measurement, SpaceKind } from './types';
import type { PriorSource } from './prior';
import { NB201_SIZE } from '../space/nb201';

export interface SuggestOptions {
  space: SpaceKind;
  measurements: readonly Measurement[];
  objective: readonly ObjectiveTerm[];
  flopsMax?: number;
  paramsMax?: number;
  lambda?: number;
  /** Input size, head and classes the budget and lambda count FLOPs at (default: the benchmark's 128×128 classifier). */
  cost?: import('../cost').CostOptions;
  count: number;
  kappa?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Called often while proposing (progress, budget checks; may throw to stop). */
  onTick?: () => void;
  /** Predictors as the surrogate's prior mean (core/search/prior.ts); undefined: the cold loop. */
  prior?: PriorSource;
}

export interface Suggestion {
  point: number[];
  /** Predicted objective ± spread and expected gain over the best measured (undefined for random ones). */
  predicted?: number;
  spread?: number;
  expectedGain?: number;
  /** The acquisition value the proposal won with (undefined for random ones). */
  acquisition?: number;
}

export interface SuggestResult {
  suggestions: Suggestion[];
  /** True when there was too little data to fit, and the suggestions are random networks. */
  random: boolean;
  /** Best measured objective within the budget, if any. */
  best?: number;
  /** Successful measurements of the objective used for the fit. */
  used: number;
}

export async function suggestNext(o: SuggestOptions): Promise<SuggestResult> {
  const seed = o.seed ?? 0;
  const b = budgeting(o.space, { flopsMax: o.flopsMax, paramsMax: o.paramsMax, lambda: o.space === 'multires' ? o.lambda : 0, cost: o.cost });
  const exclude = new Set(o.measurements.flatMap((m) => [pointKey(m.point), ...(m.proposed ? [pointKey(m.proposed)] : [])]));
  let best = -Infinity;
  let used = 0;
  for (const m of o.measurements) {
    const v = objectiveValue(m, o.objective);
    if (v === undefined) continue;
    used++;
    if (b.feasible(m.point)) best = Math.max(best, v);
  }
  const n = o.measurements.length;
  // every cell of NAS-Bench-201 measured: nothing to suggest (a search would only widen in vain)
  if (o.space === 'nb201' && exclude.size >= NB201_SIZE) return { suggestions: [], random: false, used, ...(Number.isFinite(best) ? { best } : {}) };
  const rand = makeRng(subSeed(seed, 'batch', n));
  const model = fitSurrogate(o.space, o.measurements, o.objective, undefined, o.prior);
  if (!model) {
    const out: Suggestion[] = [];
    // bounded: a tiny space with everything measured ends the draw
    for (let tries = 0; out.length < o.count && tries < 50 * o.count; tries++) {
      if (o.signal?.aborted) break;
      o.onTick?.();
      const p = randomPoint(o.space, rand, b);
      const key = pointKey(p);
      if (exclude.has(key) || !b.feasible(p)) continue;
      exclude.add(key);
      out.push({ point: p });
    }
    return { suggestions: out, random: true, used, ...(Number.isFinite(best) ? { best } : {}) };
  }
  // When the runs agree (a smooth objective: every start climbs to the same few networks) one
  // round yields fewer than asked; the next rounds exclude what was chosen, as if it were measured.
  const props: Awaited<ReturnType<typeof propose>> = [];
  for (let round = 0; props.length < o.count && round < o.count; round++) {
    const got = await propose({
      space: o.space,
      model,
      measurements: o.measurements,
      terms: o.objective,
      budget: b,
      flopsMax: o.flopsMax,
      paramsMax: o.paramsMax,
      count: o.count - props.length,
      kappa: o.kappa ?? SEARCH_DEFAULTS.kappa,
      steps: SEARCH_DEFAULTS.steps,
      starts: o.space === 'multires' ? SEARCH_DEFAULTS.startsMultires : SEARCH_DEFAULTS.starts,
      rand,
      seed: subSeed(seed, 'batch', n + round * 100_003),
      signal: o.signal,
      exclude,
      onTick: o.onTick,
    });
    if (got.length === 0) break;
    for (const p of got) exclude.add(pointKey(p.point));
    props.push(...got);
  }
  const suggestions = props.map((p) => ({
    point: p.point,
    predicted: p.mean,
    spread: p.std,
    expectedGain: Number.isFinite(best) ? expectedImprovement(p.mean, p.std, best) : 0,
    acquisition: p.acquisition,
  }));
  return { suggestions, random: false, used, ...(Number.isFinite(best) ? { best } : {}) };
}
