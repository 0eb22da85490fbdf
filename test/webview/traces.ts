// Recorded traces for the view tests and bench, from the real engine: a multi-resolution run with
// restarts (shipped or small trained predictors, else analytic ones), a continuous run, and a
// NAS-Bench-201 cell search with restarts on an additive cell predictor.
import { propagate, type PropagationResult } from '../../server/src/core/propagate';
import { additiveCellPredictor, growingPredictor, quadraticPredictor } from '../core/propagate.fixtures';
import { realTrace } from './realTrace';

export const BUDGET = { flopsMax: 1.2 };
const START = [24, 32, 2, 2, 32, 2, 2, 2, 16, 32, 2, 2, 2, 2, 16, 32, 64, 2, 1, 1, 1, 1, 16, 32, 64, 96, 64];
const TARGET = [16, 48, 1, 3, 24, 3, 2, 3, 32, 48, 2, 3, 3, 3, 40, 48, 56, 3, 2, 2, 2, 2, 32, 48, 64, 80, 96];

export async function analyticTrace(opts: { steps: number; restarts: number; strategy?: 'winner-takes-all' | 'continuous'; budget?: boolean }): Promise<PropagationResult> {
  const seg = quadraticPredictor(TARGET, 'seg');
  const cls = growingPredictor('cls-50-1000');
  return propagate(
    {
      space: 'multires',
      start: START,
      objective: [{ weight: 1, setting: 'seg', metric: 'mIoU' }, { weight: 0.5, setting: 'cls-50-1000', metric: 'mIoU' }],
      lambda: 0.5,
      ...(opts.budget === false ? {} : { flopsMax: BUDGET.flopsMax }),
      steps: opts.steps,
      restarts: opts.restarts,
      strategy: opts.strategy ?? 'winner-takes-all',
      seed: 5,
    },
    (s) => (s === 'seg' ? seg : s === 'cls-50-1000' ? cls : undefined),
  );
}

export async function multiresTrace(): Promise<PropagationResult> {
  const t = await realTrace();
  if ('skip' in t) {
    console.log(`# trace from analytic predictors: ${t.skip}`);
    return analyticTrace({ steps: 24, restarts: 3 });
  }
  return t.result;
}

export async function cellTrace(restarts = 3, steps = 8): Promise<PropagationResult> {
  const table = Array.from({ length: 6 }, (_, e) => Array.from({ length: 5 }, (_, o) => ((e * 3 + o * 7) % 5) - 2));
  const p = additiveCellPredictor(table);
  return propagate({ space: 'nb201', start: [0, 0, 0, 0, 0, 0], objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }], steps, restarts, seed: 2 }, () => p);
}
