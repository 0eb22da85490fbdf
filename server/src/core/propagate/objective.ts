// The objective of a propagation: a weighted sum of predicted metrics over settings, resolved
// against the predictors once so the inner loop only indexes arrays.
import type { DifferentiablePredictor, Estimate } from '../predict/types';
import { activeCatalogue, type SettingCatalogue } from '../settings';
import { PropagationError, type ObjectiveTerm, type PredictorLookup, type TermValue } from './types';

/**
 * Parses `seg.mIoU`, `0.5 * seg-4x.mIoU`, `segmentation`, `seg` (its main metric) or any setting
 * of the catalogue (default: the process's, settings from the data included) into a term.
 */
export function parseTerm(text: string, catalogue: SettingCatalogue = activeCatalogue()): ObjectiveTerm {
  const s = text.trim();
  const m = /^(?:([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*\*\s*)?(\d*[A-Za-z][\w-]*)(?:\.([A-Za-z]\w*))?$/i.exec(s);
  if (!m) throw new PropagationError(`objective term '${s}': expected [WEIGHT *] SETTING[.METRIC], e.g. '0.5 * seg-4x.mIoU'`);
  const weight = m[1] === undefined ? 1 : Number(m[1]);
  const info = catalogue.resolve(m[2]);
  const setting = info?.name ?? m[2];
  let metric = m[3];
  if (metric === undefined) {
    if (!info) throw new PropagationError(`objective term '${s}': unknown setting '${m[2]}'`);
    metric = info.metrics[0];
  }
  return { weight, setting, metric };
}

export function termLabel(t: ObjectiveTerm): string {
  return `${t.weight === 1 ? '' : `${t.weight} * `}${t.setting}.${t.metric}`;
}

/**
 * What a predictor may offer beyond the shared contract (EnsemblePredictor does): one metric's
 * estimate, cheaper than predict() (one head), with its gradient on demand — cheap when asked
 * before the predictor runs again (a search that checks a move and then takes it).
 */
interface LazyMetricPredictor extends DifferentiablePredictor {
  predictMetricLazy(input: ArrayLike<number>, metric: number): Estimate & { grad(): Float64Array };
}

function hasLazyMetric(p: DifferentiablePredictor): p is LazyMetricPredictor {
  return typeof (p as Partial<LazyMetricPredictor>).predictMetricLazy === 'function';
}

interface ResolvedTerm extends ObjectiveTerm {
  predictor: DifferentiablePredictor;
  metricIndex: number;
}

/** Terms bound to their predictors; groups terms by predictor so one predict serves all its metrics. */
export class Objective {
  readonly terms: readonly ResolvedTerm[];
  private readonly groups: { predictor: DifferentiablePredictor; terms: number[] }[];

  constructor(terms: readonly ObjectiveTerm[], lookup: PredictorLookup, expectedInput: 'multires' | 'nb201') {
    if (terms.length === 0) throw new PropagationError('the objective is empty: name at least one metric to maximise');
    this.terms = terms.map((t) => {
      if (!Number.isFinite(t.weight)) throw new PropagationError(`objective term ${termLabel(t)}: the weight must be a finite number`);
      const predictor = lookup(t.setting);
      if (!predictor) throw new PropagationError(`objective term ${termLabel(t)}: no predictor for setting '${t.setting}'`);
      if ((t.setting === 'nb201') !== (expectedInput === 'nb201')) {
        throw new PropagationError(
          `objective term ${termLabel(t)}: setting '${t.setting}' does not predict ${expectedInput === 'nb201' ? 'NAS-Bench-201 cells' : 'multi-resolution networks'}`,
        );
      }
      const metricIndex = predictor.metrics.indexOf(t.metric);
      if (metricIndex < 0) {
        throw new PropagationError(`objective term ${termLabel(t)}: setting '${t.setting}' has no metric '${t.metric}' (metrics: ${predictor.metrics.join(', ')})`);
      }
      return { ...t, predictor, metricIndex };
    });
    const groups = new Map<DifferentiablePredictor, number[]>();
    this.terms.forEach((t, i) => {
      const g = groups.get(t.predictor);
      if (g) g.push(i);
      else groups.set(t.predictor, [i]);
    });
    this.groups = [...groups].map(([predictor, ts]) => ({ predictor, terms: ts }));
    this.lazyGradients = this.groups.every((g) => g.terms.length === 1 && hasLazyMetric(g.predictor));
  }

  /**
   * Whether evaluate() hands out gradients that cost only backward passes when asked for right
   * away; otherwise a search that will need a point's gradient should ask valueAndGrad at once.
   */
  readonly lazyGradients: boolean;

  /**
   * Predictions of every term for one input, their weighted sum, and its gradient on demand
   * (equal to valueAndGrad(input).grad; see LazyMetricPredictor for when it comes cheap).
   */
  evaluate(input: ArrayLike<number>): { terms: TermValue[]; value: number; grad: () => Float64Array } {
    const out: TermValue[] = new Array(this.terms.length);
    const lazy: ((() => Float64Array) | undefined)[] = new Array(this.terms.length).fill(undefined);
    for (const g of this.groups) {
      const p = g.predictor;
      if (g.terms.length === 1 && hasLazyMetric(p)) {
        const t = this.terms[g.terms[0]];
        const e = p.predictMetricLazy(input, t.metricIndex);
        out[g.terms[0]] = { weight: t.weight, setting: t.setting, metric: t.metric, mean: e.mean, std: e.std };
        lazy[g.terms[0]] = e.grad;
        continue;
      }
      const est = p.predict(input);
      for (const i of g.terms) {
        const t = this.terms[i];
        out[i] = { weight: t.weight, setting: t.setting, metric: t.metric, mean: est[t.metricIndex].mean, std: est[t.metricIndex].std };
      }
    }
    let value = 0;
    for (const t of out) value += t.weight * t.mean;
    const copy = Array.from(input);
    let grad: Float64Array | undefined;
    return {
      terms: out,
      value,
      grad: () => {
        if (grad) return grad;
        if (lazy.some((f) => f === undefined)) return (grad = this.valueAndGrad(copy).grad);
        // Same sum, in the same order, as valueAndGrad.
        const g = new Float64Array(copy.length);
        this.terms.forEach((t, k) => {
          const r = lazy[k]!();
          for (let i = 0; i < g.length; i++) g[i] += t.weight * r[i];
        });
        return (grad = g);
      },
    };
  }

  /** Predictions of every term for many inputs at once (batched), and their weighted sums. */
  evaluateBatch(inputs: readonly ArrayLike<number>[]): { terms: TermValue[]; value: number }[] {
    const out = inputs.map(() => ({ terms: new Array<TermValue>(this.terms.length), value: 0 }));
    if (inputs.length === 0) return out;
    for (const g of this.groups) {
      const est = g.predictor.predictBatch(inputs);
      for (let k = 0; k < inputs.length; k++) {
        for (const i of g.terms) {
          const t = this.terms[i];
          const e = est[k][t.metricIndex];
          out[k].terms[i] = { weight: t.weight, setting: t.setting, metric: t.metric, mean: e.mean, std: e.std };
          out[k].value += t.weight * e.mean;
        }
      }
    }
    return out;
  }

  /** Every term's prediction, their weighted sum and its gradient with respect to the predictor input. */
  valueAndGrad(input: ArrayLike<number>): { terms: TermValue[]; value: number; grad: Float64Array } {
    const grad = new Float64Array(input.length);
    const terms: TermValue[] = [];
    let value = 0;
    for (const t of this.terms) {
      const r = t.predictor.valueAndGrad(input, t.metricIndex);
      terms.push({ weight: t.weight, setting: t.setting, metric: t.metric, mean: r.mean, std: r.std });
      value += t.weight * r.mean;
      for (let i = 0; i < grad.length; i++) grad[i] += t.weight * r.grad[i];
    }
    return { terms, value, grad };
  }
}
