import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propagate, PropagationCancelled, PropagationError, parseTerm, makeRng, type PredictorLookup } from '../../server/src/core/propagate';
import type { DifferentiablePredictor } from '../../server/src/core/predict/types';
import { cost } from '../../server/src/core/cost';
import { BENCHMARK_RANGE, CODE_KINDS, randomCode, snapToRange, validateCode } from '../../server/src/core/space/multires';
import { additiveCellPredictor, growingPredictor, quadraticPredictor } from './propagate.fixtures';
import { join } from 'node:path';
import { findDataDir, loadNb201Benchmark } from '../../server/src/core/benchmark';
import { runNb201Experiment } from '../../server/src/core/propagate/nb201Experiment';
import { cellToIndex, cellToString, parseCellString } from '../../server/src/core/space/nb201';

const lookupOf =
  (...ps: DifferentiablePredictor[]): PredictorLookup =>
  (s) =>
    ps.find((p) => p.setting === s);

const TARGET = [40, 40, 2, 3, 48, 1, 2, 2, 32, 64, 3, 2, 1, 3, 56, 16, 96, 2, 4, 1, 2, 3, 24, 88, 120, 64, 104];
const START = [64, 64, 1, 4, 64, 1, 4, 4, 32, 64, 4, 4, 4, 4, 32, 64, 128, 3, 4, 4, 4, 4, 32, 64, 128, 128, 128];
const seg = [{ weight: 1, setting: 'seg', metric: 'mIoU' }];

function validStep(kind: (typeof CODE_KINDS)[number], a: number, b: number): boolean {
  return Math.abs(a - b) === BENCHMARK_RANGE[kind].step;
}

test('parseTerm reads weights, task aliases and default metrics', () => {
  assert.deepEqual(parseTerm('seg.mIoU'), { weight: 1, setting: 'seg', metric: 'mIoU' });
  assert.deepEqual(parseTerm('0.5 * seg-4x.mIoU'), { weight: 0.5, setting: 'seg-4x', metric: 'mIoU' });
  assert.deepEqual(parseTerm('segmentation'), { weight: 1, setting: 'seg', metric: 'mIoU' });
  assert.deepEqual(parseTerm('classification.top5'), { weight: 1, setting: 'cls-50-1000', metric: 'top5' });
  assert.throws(() => parseTerm('nosuch'), /unknown setting 'nosuch'/);
  assert.throws(() => parseTerm('2 ** seg'), /expected \[WEIGHT \*\]/);
});

test('winner-takes-all climbs a concave predictor to its maximum, one valid step per move', async () => {
  const r = await propagate({ space: 'multires', start: START, objective: seg, strategy: 'winner-takes-all', steps: 200 }, lookupOf(quadraticPredictor(TARGET)));
  assert.deepEqual(r.result, TARGET);
  assert.equal(r.stopReason, 'converged');
  for (let k = 1; k < r.trace.length; k++) {
    const a = r.trace[k - 1].rounded;
    const b = r.trace[k].rounded;
    const diff = b.map((v, i) => (v !== a[i] ? i : -1)).filter((i) => i >= 0);
    assert.equal(diff.length, 1, `step ${k} moves exactly one position`);
    const i = diff[0];
    assert.ok(validStep(CODE_KINDS[i], a[i], b[i]), `step ${k} moves ${i} by one valid step`);
    assert.equal(r.trace[k].moved?.index, i);
    assert.ok(r.trace[k].objective > r.trace[k - 1].objective, 'every move improves');
  }
  // Predictions in the trace are the predictor's, and the cost is the exact formula.
  const last = r.trace[r.trace.length - 1];
  assert.equal(last.terms[0].mean, 50);
  assert.ok(Math.abs((last.flops ?? 0) - cost(TARGET).flops) < 1e-12);
});

test('continuous reaches the maximum of a concave predictor within 70 steps, rounding to valid values', async () => {
  const r = await propagate({ space: 'multires', start: START, objective: seg, strategy: 'continuous' }, lookupOf(quadraticPredictor(TARGET)));
  assert.deepEqual(r.result, TARGET);
  for (const s of r.trace) {
    assert.deepEqual(validateCode(s.rounded), [], 'every rounded code is a valid in-range network');
    s.continuous.forEach((v, i) => {
      assert.ok(v >= BENCHMARK_RANGE[CODE_KINDS[i]].min - 1e-9 && v <= BENCHMARK_RANGE[CODE_KINDS[i]].max + 1e-9, 'clipped to range');
      assert.equal(s.rounded[i], snapToRange(CODE_KINDS[i], v), 'rounded to the nearest valid value');
    });
  }
  assert.ok(r.trace.length <= 71);
});

test('NB201: both strategies find the best cell of an additive predictor; WTA switches one edge per step', async () => {
  const rand = makeRng(3);
  const table = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => rand() * 10));
  const best = table.map((row) => row.indexOf(Math.max(...row)));
  const lookup = lookupOf(additiveCellPredictor(table));
  const start = best.map((o) => (o + 2) % 5);
  const wta = await propagate({ space: 'nb201', start, objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }] }, lookup);
  assert.deepEqual(wta.result, best);
  assert.equal(wta.runs[0].bestStep, 6, 'six edges differ: six switches');
  for (let k = 1; k < wta.trace.length; k++) {
    const changed = wta.trace[k].rounded.filter((o, e) => o !== wta.trace[k - 1].rounded[e]).length;
    assert.equal(changed, 1);
    assert.match(wta.trace[k].moved?.name ?? '', /^edge \d<-\d$/);
  }
  const cont = await propagate({ space: 'nb201', start, objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }], strategy: 'continuous' }, lookup);
  assert.deepEqual(cont.result, best);
  const relaxed = cont.trace[1].continuous;
  assert.equal(relaxed.length, 30);
  for (let e = 0; e < 6; e++) {
    const s = relaxed.slice(e * 5, e * 5 + 5).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(s - 1) < 1e-9, 'relaxed one-hot sums to 1 per edge');
  }
});

test('weighted sums of metrics and settings: the objective is their sum', async () => {
  const a = quadraticPredictor(TARGET, 'seg');
  const b = quadraticPredictor(START, 'seg-4x');
  const r = await propagate(
    { space: 'multires', start: START, objective: [{ weight: 1, setting: 'seg', metric: 'mIoU' }, { weight: 0.5, setting: 'seg-4x', metric: 'mAcc' }], steps: 0 },
    lookupOf(a, b),
  );
  const ev = r.startEval;
  assert.equal(ev.terms.length, 2);
  assert.equal(ev.terms[1].mean, 100, 'mAcc of the fixture is twice its value');
  assert.ok(Math.abs(ev.objective - (ev.terms[0].mean + 0.5 * ev.terms[1].mean)) < 1e-9);
});

test('the budget is never violated: random starts and budgets, both strategies (property)', async () => {
  const rand = makeRng(11);
  const lookup = lookupOf(growingPredictor());
  const smallest = cost(CODE_KINDS.map((k) => BENCHMARK_RANGE[k].min));
  let impossible = 0;
  for (let k = 0; k < 30; k++) {
    const start = randomCode(rand);
    // Log-uniform from 0.002 G (below the smallest network's 0.0108 G: impossible) to 8 G.
    const flopsMax = Math.exp(Math.log(0.002) + rand() * Math.log(8 / 0.002));
    const paramsMax = k % 3 === 0 ? Math.exp(Math.log(0.01) + rand() * Math.log(6 / 0.01)) : undefined;
    const possible = smallest.flops <= flopsMax && (paramsMax === undefined || smallest.params <= paramsMax);
    for (const strategy of ['winner-takes-all', 'continuous'] as const) {
      const opts = { space: 'multires' as const, start, objective: seg, strategy, flopsMax, paramsMax, lambda: k % 2 ? 0.3 : 0, steps: 25, restarts: 1 + (k % 3), seed: k };
      if (!possible) {
        impossible++;
        await assert.rejects(propagate(opts, lookup), (e: unknown) => e instanceof PropagationError && /no network in the space fits the budget .*the smallest network needs/.test(e.message));
        continue;
      }
      const r = await propagate(opts, lookup);
      const c = cost(r.result);
      assert.ok(c.flops <= flopsMax, `${strategy}: ${c.flops} G ≤ ${flopsMax} G`);
      if (paramsMax !== undefined) assert.ok(c.params <= paramsMax, `${strategy}: ${c.params} M ≤ ${paramsMax} M`);
      assert.equal(r.resultEval.feasible, true);
      assert.deepEqual(validateCode(r.result), []);
      // The budget should bind for this ever-growing predictor: the result uses most of it.
      if (paramsMax === undefined && strategy === 'winner-takes-all' && flopsMax > 0.05) assert.ok(c.flops > 0.5 * flopsMax, `uses the budget (${c.flops} of ${flopsMax})`);
    }
  }
  assert.ok(impossible > 0 && impossible < 30, `some budgets impossible (${impossible / 2} of 30)`);
});

test('an impossible budget is a clear error', async () => {
  const lookup = lookupOf(growingPredictor());
  await assert.rejects(
    propagate({ space: 'multires', start: START, objective: seg, flopsMax: 0.001 }, lookup),
    (e: unknown) => e instanceof PropagationError && /no network in the space fits the budget flops <= 0\.001 G \(the smallest network needs 0\.01084 G\)/.test(e.message),
  );
  await assert.rejects(propagate({ space: 'multires', start: START, objective: seg, paramsMax: 0.001, strategy: 'continuous' }, lookup), /params <= 0\.001 M/);
});

test('bad requests are errors that name the problem', async () => {
  const lookup = lookupOf(growingPredictor());
  await assert.rejects(propagate({ space: 'multires', start: START.slice(1), objective: seg }, lookup), /start network: a network code has 27 numbers/);
  await assert.rejects(propagate({ space: 'multires', start: START, objective: [{ weight: 1, setting: 'video', metric: 'top1' }] }, lookup), /no predictor for setting 'video'/);
  await assert.rejects(propagate({ space: 'multires', start: START, objective: [{ weight: 1, setting: 'seg', metric: 'top1' }] }, lookup), /has no metric 'top1' \(metrics: mIoU, mAcc\)/);
  await assert.rejects(propagate({ space: 'multires', start: START, objective: [] }, lookup), /objective is empty/);
  await assert.rejects(propagate({ space: 'multires', start: START, objective: seg, steps: -1 }, lookup), /steps must be an integer/);
  await assert.rejects(propagate({ space: 'nb201', start: [0, 1, 2, 3, 4, 7], objective: seg }, lookup), /start cell: edge 3<-2/);
});

test('a start outside the range is snapped, an over-budget start is shrunk first', async () => {
  const start = START.slice();
  start[26] = 256;
  const r = await propagate({ space: 'multires', start, objective: seg, flopsMax: 1, steps: 70 }, lookupOf(growingPredictor()));
  assert.equal(r.snappedStart[26], 128);
  assert.match(r.notes.join('\n'), /head\.channels 256→128/);
  assert.match(r.notes.join('\n'), /over budget/);
  assert.ok(cost(r.result).flops <= 1);
  // The first moves shrink (the repair), each one step down.
  const first = r.trace[1];
  assert.ok(typeof first.moved?.to === 'number' && (first.moved.to as number) < (first.moved.from as number));
});

test('deterministic for a seed; restarts never do worse than the start alone', async () => {
  const lookup = lookupOf(growingPredictor());
  const opts = { space: 'multires' as const, start: START, objective: seg, flopsMax: 2, lambda: 0.5, steps: 30 };
  const a = await propagate({ ...opts, restarts: 4, seed: 5 }, lookup);
  const b = await propagate({ ...opts, restarts: 4, seed: 5 }, lookup);
  assert.deepEqual(a.result, b.result);
  assert.deepEqual(a.runs.map((r) => r.start), b.runs.map((r) => r.start));
  const one = await propagate({ ...opts, restarts: 1 }, lookup);
  assert.ok(a.resultEval.objective >= one.resultEval.objective);
  assert.equal(a.runs.length, 4);
  assert.deepEqual(a.runs[0].start, START, 'the first run starts from the start itself');
});

test('cancellation: an aborted signal stops the run between steps', async () => {
  const lookup = lookupOf(quadraticPredictor(TARGET));
  const ac = new AbortController();
  let seen = 0;
  await assert.rejects(
    propagate(
      {
        space: 'multires', start: START, objective: seg, steps: 70, signal: ac.signal,
        onProgress: (p) => {
          seen = p.step;
          if (p.step === 3) ac.abort();
        },
      },
      lookup,
    ),
    PropagationCancelled,
  );
  assert.equal(seen, 3, 'no step runs after the abort');
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(propagate({ space: 'multires', start: START, objective: seg, signal: pre.signal, strategy: 'continuous' }, lookup), PropagationCancelled);
});

test('NB201 experiment: enumerated optimum, results and random search (additive predictor as the trainer)', { skip: findDataDir() ? false : 'benchmark data not found (set NCP_DATA_DIR)' }, async () => {
  const bench = loadNb201Benchmark(join(findDataDir()!, 'nasbench201.json'));
  const rand = makeRng(9);
  const table = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => rand() * 10));
  const best = table.map((row) => row.indexOf(Math.max(...row)));
  let seen = 0;
  const ex = await runNb201Experiment(
    bench,
    async (inputs, targets, o) => {
      seen = inputs.length;
      assert.equal(inputs[0].length, 30);
      assert.equal(targets[0].length, 1);
      assert.deepEqual(o.metrics, ['acc']);
      return additiveCellPredictor(table);
    },
    { trainSamples: 50, seed: 2, starts: 4, restarts: 2 },
  );
  assert.equal(seen, 50);
  assert.equal(ex.optimum.cell, cellToString(best));
  assert.equal(ex.optimum.true, ex.trueAcc[cellToIndex(best)]);
  for (const r of ex.results) {
    assert.equal(r.cell, ex.optimum.cell, 'an additive predictor has one optimum, reached from anywhere');
    assert.ok(Math.abs(r.gapToOptimum) < 1e-9);
    assert.equal(r.true, ex.trueAcc[cellToIndex(parseCellString(r.cell))]);
  }
  assert.equal(ex.randomSearch.queries, 50);
  await assert.rejects(runNb201Experiment(bench, async () => additiveCellPredictor(table), { trainSamples: 5, seed: 1, starts: 1 }), /--train-samples must be an integer 10–15625/);
});
