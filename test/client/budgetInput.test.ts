// The fit-a-budget input box's rule (client/src/propagation/budgetInput.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BUDGET_G, parseBudget } from '../../client/src/propagation/budgetInput';

test('budgets in G, with or without a unit, and in M', () => {
  assert.deepEqual(parseBudget('2.5'), { ok: true, value: 2.5 });
  assert.deepEqual(parseBudget(' 2.5 G '), { ok: true, value: 2.5 });
  assert.deepEqual(parseBudget('2.5GMACs'), { ok: true, value: 2.5 });
  assert.deepEqual(parseBudget('1800M'), { ok: true, value: 1.8 });
  assert.deepEqual(parseBudget('.5'), { ok: true, value: 0.5 });
});

test('what is not a budget gets a message saying why', () => {
  for (const [text, why] of [
    ['', /Type a budget/],
    ['lots', /'lots' is not a number/],
    ['-1', /not a number/],
    ['0', /more than 0/],
    ['2.5 T', /not a number/],
    [String(MAX_BUDGET_G + 1), /at most 1000 G/],
    ['1e400', /more than 0|at most/],
  ] as const) {
    const r = parseBudget(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.message, why, text);
  }
});

test("the smallest network's FLOPs (from the server) is the least budget the box accepts", () => {
  const min = 0.010842562; // exact FLOPs of the smallest network of the benchmark's range (ncp/budgetLimits)
  for (const text of ['0.001', '0.0108', '10M']) {
    const r = parseBudget(text, min);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.message, /at least 0\.01085 G: the smallest network of the benchmark's range needs 0\.010843 G/, text);
  }
  assert.deepEqual(parseBudget('0.01085', min), { ok: true, value: 0.01085 });
  assert.deepEqual(parseBudget('11M', min), { ok: true, value: 0.011 });
  // without the server's figure the box still refuses what is not positive
  assert.deepEqual(parseBudget('0.001'), { ok: true, value: 0.001 });
});
