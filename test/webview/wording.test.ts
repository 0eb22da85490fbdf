// The trace view's badges (webview/src/trace/wording.ts): words a person reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runsBadge, stepsBadge } from '../../webview/src/trace/wording';

test('one run is "1 run", not "1 run, best 0"; several name the best', () => {
  assert.equal(runsBadge({ runs: 1, bestRestart: 0 }), '1 run');
  assert.equal(runsBadge({ runs: 10, bestRestart: 3 }), '10 runs, best: run 3');
});

test('steps: singular for one, and why the run stopped in words', () => {
  assert.equal(stepsBadge({ steps: 1, stopReason: 'converged' }), '1 step, converged');
  assert.equal(stepsBadge({ steps: 70, stopReason: 'steps' }), '70 steps, stopped at the step limit');
});
