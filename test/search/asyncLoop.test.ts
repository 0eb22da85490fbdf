// The asynchronous loop: the same seed and completion order give the same search; pending
// networks are never proposed again; runAsyncSearch keeps N in flight and stops them all on error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncProposer, runAsyncSearch } from '../../server/src/core/search/asyncLoop';
import { budgeting, designStream, pointKey } from '../../server/src/core/search/loop';
import { simulate } from '../../server/src/core/search/simulate';
import { SearchError, type Measurement } from '../../server/src/core/search/types';

/** A smooth made-up NAS-Bench-201 accuracy and a duration that differs per cell. */
const acc = (p: readonly number[]) => 30 + p.reduce((s, v, i) => s + (v === 4 ? 3 : v === 3 ? 2 : v === 1 ? -2 : 0) * (1 + i / 10), 0);
const measure = (p: readonly number[]): Measurement => ({ space: 'nb201', point: p.slice(), metrics: { nb201: { acc: acc(p) } }, ok: true, seconds: 0 });
const duration = (p: readonly number[]) => 100 + p.reduce((s, v, i) => s + v * 7 * (i + 1), 0);
const opts = (pending: 'believer' | 'liar') => ({ space: 'nb201' as const, objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }], queries: 30, seed: 7, initial: 5, pending, steps: 10, starts: { best: 2, perturbed: 2, random: 3 } });

for (const pending of ['believer', 'liar'] as const) {
  test(`the asynchronous loop (${pending}): the same seed and completion order give the same search; nothing measured or running is proposed`, async () => {
    const run = () => simulate(new AsyncProposer(opts(pending)), { workers: 4, completions: 30, duration, measure, chargeProposals: false });
    const a = await run();
    const b = await run();
    assert.deepEqual(a.map((e) => e.measurement.point), b.map((e) => e.measurement.point));
    assert.equal(new Set(a.map((e) => pointKey(e.measurement.point))).size, 30, 'each network once');
    assert.ok(Math.max(...a.map((e) => acc(e.measurement.point))) > Math.max(...a.slice(0, 5).map((e) => acc(e.measurement.point))), 'it improves on the initial design');
    const other = await simulate(new AsyncProposer({ ...opts(pending), seed: 8 }), { workers: 4, completions: 30, duration, measure, chargeProposals: false });
    assert.notDeepEqual(other.map((e) => e.measurement.point), a.map((e) => e.measurement.point), 'the seed matters');
  });
}

test('until the ensemble can propose, the loop starts the seed\'s design stream in order (what the bench\'s REA and random search draw too)', async () => {
  const ev = await simulate(new AsyncProposer({ ...opts('believer'), initial: 3 }), { workers: 6, completions: 12, duration, measure, chargeProposals: false });
  const starts = ev.sort((a, b) => a.started - b.started || a.worker - b.worker).map((e) => pointKey(e.measurement.point));
  const draw = designStream('nb201', 7, budgeting('nb201', {}));
  const stream = Array.from({ length: 6 }, () => pointKey(draw()));
  assert.deepEqual(starts.slice(0, 6), stream, 'the 6 networks started at time 0: the initial design (3), then the stream\'s next');
});

test('runAsyncSearch keeps N in flight, and on a measurer error stops the others and throws it', async () => {
  let inFlight = 0;
  let most = 0;
  const res = await runAsyncSearch({ ...opts('believer'), queries: 12, jobs: 3 }, {
    async measure(p, ctx) {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5 + (p[0] * 7) % 13));
      inFlight--;
      assert.ok(!ctx.signal?.aborted);
      return measure(p);
    },
  });
  assert.equal(res.measurements.length, 12);
  assert.equal(most, 3);
  assert.equal(new Set(res.measurements.map((m) => pointKey(m.point))).size, 12);
  let stopped = 0;
  let calls = 0;
  await assert.rejects(
    runAsyncSearch({ ...opts('believer'), queries: 12, jobs: 3 }, {
      measure(p, ctx) {
        const n = ++calls;
        return new Promise((resolve, reject) => {
          if (n === 2) return setTimeout(() => reject(new SearchError('broken')), 10);
          const t = setTimeout(() => resolve(measure(p)), 5000);
          ctx.signal?.addEventListener('abort', () => {
            clearTimeout(t);
            stopped++;
            reject(new SearchError('stopped'));
          });
        });
      },
    }),
    /broken/,
  );
  assert.equal(stopped, 2, 'the two others were stopped');
});
