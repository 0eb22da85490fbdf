// What `ncprop search` prints per measurement, in the two words every command uses (docs/cli.md,
// "Words"): the *metric* — the measured value of the objective's terms (`seg.mIoU`, or a weighted
// sum) — and the *objective* — what is maximised: the metric − λ·GMACs. "← best so far" and the
// summary's best compare objective with objective, only of networks within the hard budget, and a
// resumed search starts from the best of the rows it resumes.
import type { ObjectiveTerm } from '../core/propagate/types';
import { termLabel } from '../core/propagate';
import { objectiveValue, type Budgeting } from '../core/search/loop';
import type { Measurement } from '../core/search/types';

export interface RowScore {
  /** The measured value of the objective's terms (undefined: failed, or a term not measured). */
  metric?: number;
  /** metric − λ·GMACs: what the search maximises. */
  objective?: number;
  /** Within the hard budgets (over them a network never counts as best). */
  withinBudget: boolean;
}

export function rowScore(m: Measurement, terms: readonly ObjectiveTerm[], b: Budgeting): RowScore {
  const metric = objectiveValue(m, terms);
  const withinBudget = b.feasible(m.point);
  if (metric === undefined) return { withinBudget };
  return { metric, objective: b.lambda > 0 ? metric - b.lambda * b.flops(m.point) : metric, withinBudget };
}

/** The best objective seen so far (seeded with a resumed search's rows). */
export class BestSoFar {
  best: number | undefined;

  constructor(history: readonly Measurement[] = [], terms: readonly ObjectiveTerm[] = [], b?: Budgeting) {
    if (b) for (const m of history) this.offer(rowScore(m, terms, b));
  }

  /** True when `s` is a new best (strictly better, within budget). */
  offer(s: RowScore): boolean {
    if (s.objective === undefined || !s.withinBudget) return false;
    if (this.best !== undefined && s.objective <= this.best) return false;
    this.best = s.objective;
    return true;
  }
}

const fmt = (v: number): string => Number(v.toPrecision(6)).toString();

/** The metric's name as rows show it: `seg.mIoU`, or `0.5*seg.mIoU + …` for a sum. */
export function metricLabel(terms: readonly ObjectiveTerm[]): string {
  return terms.map(termLabel).join(' + ');
}

/** One text row's value part: `seg.mIoU 59.05` or `seg.mIoU 59.05, objective 57.71` (λ > 0), `(over budget)` marked. */
export function rowText(s: RowScore, terms: readonly ObjectiveTerm[], b: Budgeting): string {
  if (s.metric === undefined) return `no value for ${metricLabel(terms)}`;
  const over = s.withinBudget ? '' : ' (over budget)';
  return b.lambda > 0 ? `${metricLabel(terms)} ${fmt(s.metric)}, objective ${fmt(s.objective!)}${over}` : `${metricLabel(terms)} ${fmt(s.metric)}${over}`;
}

/** The summary's best line: the objective, and how it is made of the metric and the cost. */
export function bestText(s: RowScore, terms: readonly ObjectiveTerm[], b: Budgeting, network: string, point: readonly number[]): string {
  if (b.lambda > 0) return `best: objective ${fmt(s.objective!)} = ${metricLabel(terms)} ${fmt(s.metric!)} − ${b.lambda}·${fmt(b.flops(point))} GMACs  ${network}`;
  return `best: ${metricLabel(terms)} ${fmt(s.metric!)}  ${network}`;
}
