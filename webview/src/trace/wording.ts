// The trace view's badges in words a person reads (kept apart from the DOM so they are tested
// on their own): "1 run" rather than "1 run, best 0"; "70 steps, stopped at the step limit".
import type { Summary } from './model';

/** "1 run" (no "best 0" when there is nothing to choose from); "10 runs, best: run 3". */
export function runsBadge(s: Pick<Summary, 'runs' | 'bestRestart'>): string {
  return s.runs === 1 ? '1 run' : `${s.runs} runs, best: run ${s.bestRestart}`;
}

/** "1 step, converged"; "70 steps, stopped at the step limit". */
export function stepsBadge(s: Pick<Summary, 'steps' | 'stopReason'>): string {
  return `${s.steps} step${s.steps === 1 ? '' : 's'}, ${s.stopReason === 'converged' ? 'converged' : 'stopped at the step limit'}`;
}
