// `ncp/budgetLimits`: the FLOPs budgets a fit can meet, for the client's budget box — at least the
// exact cost of the smallest network in the benchmark's range (0.0108 G), which no search can
// go below. The language's `impossible-budget` diagnostic uses the same network.
import { cost } from '../../core/cost';
import { SMALLEST_CODE } from '../../language/analyze';
import type { RequestHandler } from '../protocol';

export const BUDGET_LIMITS_REQUEST = 'ncp/budgetLimits';

export interface BudgetLimits {
  /** Exact FLOPs (G multiply-accumulates) of the smallest network: a smaller budget cannot be met. */
  minFlopsG: number;
  /** Exact params (M) of the same network. */
  minParamsM: number;
}

let smallest: BudgetLimits | undefined;

export function budgetLimits(): BudgetLimits {
  if (!smallest) {
    const c = cost(SMALLEST_CODE);
    smallest = { minFlopsG: c.flops, minParamsM: c.params };
  }
  return smallest;
}

export const budgetLimitsRequest: RequestHandler = {
  method: BUDGET_LIMITS_REQUEST,
  handle: () => budgetLimits(),
};
