// Issue 14 item 3: the run budget (core/run/budget.ts) and the engine's use of it. Memory and time
// are injected, so the test is exact; the editor and CLI runs are tested in test/lsp/propagationRuns
// and test/cli/runBudget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunBudget, BudgetExceeded, DEFAULT_MAX_MEMORY_MB } from '../../server/src/core/run/budget';
import { propagate, PropagationError } from '../../server/src/core/propagate';
import type { PredictorLookup } from '../../server/src/core/propagate/types';
import { LIMITS } from '../../server/src/core/limits';
import { growingPredictor } from './propagate.fixtures';

const MB = 2 ** 20;
const START = [64, 64, 1, 4, 64, 1, 4, 4, 32, 64, 4, 4, 4, 4, 32, 64, 128, 3, 4, 4, 4, 4, 32, 64, 128, 128, 128];
const seg = [{ weight: 1, setting: 'seg', metric: 'mIoU' }];
const lookup: PredictorLookup = (s) => (s === 'seg' ? growingPredictor() : undefined);

test('memory: over the budget above the start memory throws BudgetExceeded naming both figures', () => {
  let bytes = 1000 * MB;
  let t = 0;
  const b = new RunBudget({ maxMemoryMB: 100 }, () => bytes, () => t);
  bytes += 99 * MB;
  t += 50;
  b.check();
  bytes += 2 * MB;
  t += 50;
  assert.throws(() => b.check(), (e: unknown) => e instanceof BudgetExceeded && e.kind === 'memory' && /used 101 MB more .* budget of 100 MB/.test(e.message));
  assert.equal(new RunBudget().maxMemoryMB, DEFAULT_MAX_MEMORY_MB);
});

test('time: over maxSeconds throws; progressDue is true once a second', () => {
  let t = 0;
  const b = new RunBudget({ maxSeconds: 2 }, () => 0, () => t);
  t = 999;
  assert.equal(b.progressDue(), false);
  t = 1000;
  assert.equal(b.progressDue(), true);
  assert.equal(b.progressDue(), false);
  t = 2001;
  assert.throws(() => b.check(), (e: unknown) => e instanceof BudgetExceeded && e.kind === 'time' && /time budget of 2 s/.test(e.message));
  assert.throws(() => new RunBudget({ maxSeconds: -1 }), RangeError);
});

test('the engine stops a run that goes over its memory budget with a PropagationError', async () => {
  let bytes = 0;
  let t = 0;
  // memory "grows" 1 MB per check, as a leaking run would
  const budget = new RunBudget({ maxMemoryMB: 50 }, () => (bytes += MB), () => (t += 25));
  await assert.rejects(
    propagate({ space: 'multires', start: START, objective: seg, steps: 70, restarts: 1000, budget }, lookup),
    (e: unknown) => e instanceof PropagationError && /propagation stopped: .*memory budget of 50 MB/.test(e.message),
  );
});

test('the engine refuses steps and restarts over their limits', async () => {
  await assert.rejects(propagate({ space: 'multires', start: START, objective: seg, restarts: LIMITS.restarts + 1 }, lookup), /restarts is at most 1,000/);
  await assert.rejects(propagate({ space: 'multires', start: START, objective: seg, steps: 1e9 }, lookup), /steps is at most 10,000/);
  await assert.rejects(propagate({ space: 'multires', start: START, objective: seg, restarts: 1e308 }, lookup), /restarts is at most/);
});
