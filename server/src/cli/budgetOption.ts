// `--max-memory MB` and `--max-time S`: the run budget of `ncp propagate`, `ncp nb201` and
// `ncp train` (core/run/budget.ts), parsed the same way for each.
import { RunBudget, DEFAULT_MAX_MEMORY_MB } from '../core/run/budget';
import { numberOption } from './options';

export const BUDGET_OPTIONS = {
  'max-memory': { type: 'string' },
  'max-time': { type: 'string' },
} as const;

export function budgetHelp(defaultSeconds: number): string {
  return [
    `  --max-memory MB          stop when the run uses this much more memory than at its start (default ${DEFAULT_MAX_MEMORY_MB})`,
    `  --max-time S             stop after S seconds (default ${defaultSeconds})`,
  ].join('\n');
}

export interface BudgetLimits {
  maxMemoryMB?: number;
  maxSeconds?: number;
}

/** The limits the flags give (absent flags: the defaults, `defaultSeconds` for time). */
export function budgetLimits(values: { 'max-memory'?: string; 'max-time'?: string }, defaultSeconds: number): BudgetLimits {
  return {
    maxMemoryMB: numberOption(values['max-memory'], '--max-memory', { min: 0, exclusiveMin: true }),
    maxSeconds: numberOption(values['max-time'], '--max-time', { min: 0, exclusiveMin: true }) ?? defaultSeconds,
  };
}

/** A budget starting now. */
export function startBudget(limits: BudgetLimits): RunBudget {
  return new RunBudget(limits);
}
