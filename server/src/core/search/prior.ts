// The warm start of the search loop: the objective as the predictors see it, used as the
// surrogate's prior mean (the GP models what the measurements add on top). A term whose setting
// the predictors know reads its predictor; a setting of the user's own reads a transfer model
// fitted, at each refit, on the measurements of that setting (ridge stacking on the other
// settings' predictions and log-costs: few parameters, so the GP on top still has residuals to
// model). No prior when a term can be read neither way.
import type { ObjectiveTerm } from '../propagate/types';
import type { DifferentiablePredictor } from '../predict/types';
import { fitTransfer, sourcesFor, MIN_TRANSFER_ROWS } from '../predict/transfer';
import type { Measurement, PriorSource } from './types';

export type { PriorSource };

/** The prior mean of the objective at a space input, and its gradient. */
export interface SearchPrior {
  value(input: ArrayLike<number>): number;
  valueAndGrad(input: ArrayLike<number>): { value: number; grad: Float64Array };
  /** How each term is read (for logs): 'predictor' or 'transfer (n rows)'. */
  readonly how: string[];
}

/** Rows a transfer prior is fitted on at most (the newest ones are not favoured: a seeded subsample). */
const TRANSFER_PRIOR_ROWS = 300;

function metricIndex(p: DifferentiablePredictor, metric: string): number {
  const i = p.metrics.indexOf(metric);
  return i;
}

/**
 * The prior of an objective, or undefined when a term has no predictor and too few
 * measurements for a transfer model. `inputOf` maps a measured point to the predictor input.
 */
export function objectivePrior(
  terms: readonly ObjectiveTerm[],
  source: PriorSource,
  measurements: readonly Measurement[],
  inputOf: (point: readonly number[]) => Float64Array,
): SearchPrior | undefined {
  const parts: { weight: number; p: DifferentiablePredictor; m: number }[] = [];
  const how: string[] = [];
  for (const t of terms) {
    const known = source.get(t.setting);
    const km = known ? metricIndex(known, t.metric) : -1;
    if (known && km >= 0) {
      parts.push({ weight: t.weight, p: known, m: km });
      how.push(`${t.setting}.${t.metric}: predictor`);
      continue;
    }
    const rows = measurements.filter((m) => m.ok && typeof m.metrics?.[t.setting]?.[t.metric] === 'number');
    if (rows.length < MIN_TRANSFER_ROWS) return undefined;
    const step = Math.max(1, Math.floor(rows.length / TRANSFER_PRIOR_ROWS));
    const used = rows.filter((_, i) => i % step === 0).slice(0, TRANSFER_PRIOR_ROWS);
    const inputs = used.map((m) => Array.from(inputOf(m.point)));
    const sources = sourcesFor(t.setting, inputs[0].length, source.sources);
    if (sources.length === 0) return undefined;
    try {
      const p = fitTransfer({ setting: t.setting, metrics: [t.metric], inputs, targets: used.map((m) => [m.metrics![t.setting][t.metric]]), sources, family: 'stack' });
      parts.push({ weight: t.weight, p, m: 0 });
      how.push(`${t.setting}.${t.metric}: transfer (${used.length} rows)`);
    } catch {
      return undefined;
    }
  }
  return {
    how,
    value(input) {
      let v = 0;
      for (const { weight, p, m } of parts) v += weight * p.predict(input)[m].mean;
      return v;
    },
    valueAndGrad(input) {
      let value = 0;
      const grad = new Float64Array(input.length);
      for (const { weight, p, m } of parts) {
        const r = p.valueAndGrad(input, m);
        value += weight * r.mean;
        for (let i = 0; i < grad.length; i++) grad[i] += weight * r.grad[i];
      }
      return { value, grad };
    },
  };
}

/** A model folder's predictors as a prior (its trained ensembles are the transfer sources). */
export function priorFromSet(
  set: { settings: readonly string[]; get(s: string): DifferentiablePredictor | undefined; ensemble(s: string): (DifferentiablePredictor & { readonly inputDim: number }) | undefined; version: string },
  name = set.version,
): PriorSource {
  const sources = set.settings.flatMap((s) => {
    const p = set.ensemble(s);
    return p ? [{ setting: s, predictor: p }] : [];
  });
  return { get: (s) => set.get(s), sources, name };
}
