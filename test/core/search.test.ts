import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cost } from '../../server/src/core/cost';
import { findDataDir, loadNb201Benchmark } from '../../server/src/core/benchmark';
import { Nb201BenchmarkMeasurer } from '../../server/src/core/search/benchmarkMeasurer';
import { budgeting, fitSurrogate, pointKey, propose, runSearch } from '../../server/src/core/search/loop';
import { appendMeasurement, readMeasurements, MeasurementsFormatError } from '../../server/src/core/search/measurementsFile';
import { GpEnsemble, UcbPredictor, expectedImprovement } from '../../server/src/core/search/surrogate';
import { SearchCancelled, SearchError, type Measurement, type Measurer } from '../../server/src/core/search/types';
import { makeRng } from '../../server/src/core/random';
import { cellToOneHot } from '../../server/src/core/space/nb201';

/** A made-up task on cells: conv ops help, 'none' on the last edges hurts (a smooth landscape). */
const cellTask: Measurer = {
  async measure(p) {
    const w = [1, -3, 0.5, 2, 3];
    const acc = 30 + p.reduce((s, op, e) => s + w[op] * (1 + e / 6), 0) + (p[5] === 1 ? -5 : 0);
    return { space: 'nb201', point: p.slice(), metrics: { nb201: { acc } }, ok: true, seconds: 0 };
  },
};

/** A made-up task on codes: more channels and units help (so a budget binds). */
const codeTask: Measurer = {
  async measure(p) {
    const v = p.reduce((s, x, i) => s + Math.log(x) * (1 + (i % 3)), 0);
    return { space: 'multires', point: p.slice(), metrics: { seg: { mIoU: v } }, ok: true, seconds: 0 };
  },
};

const NB201_OBJ = [{ weight: 1, setting: 'nb201', metric: 'acc' }];

test('search: the same seed gives the same measurements; another seed others', async () => {
  const o = { space: 'nb201' as const, objective: NB201_OBJ, queries: 14, initial: 5, batch: 3 };
  const a = await runSearch({ ...o, seed: 3 }, cellTask);
  const b = await runSearch({ ...o, seed: 3 }, cellTask);
  const c = await runSearch({ ...o, seed: 4 }, cellTask);
  assert.deepEqual(a.measurements.map((m) => m.point), b.measurements.map((m) => m.point));
  assert.notDeepEqual(a.measurements.map((m) => m.point), c.measurements.map((m) => m.point));
  assert.equal(a.measurements.length, 14);
});

test('search: anytime — the first N measurements do not depend on the query budget', async () => {
  const o = { space: 'nb201' as const, objective: NB201_OBJ, initial: 4, batch: 3, seed: 1 };
  const short = await runSearch({ ...o, queries: 11 }, cellTask);
  const long = await runSearch({ ...o, queries: 20 }, cellTask);
  assert.deepEqual(short.measurements.map((m) => m.point), long.measurements.slice(0, 11).map((m) => m.point));
});

test('search: never measures a network twice and improves on its random start', async () => {
  const r = await runSearch({ space: 'nb201', objective: NB201_OBJ, queries: 30, initial: 5, batch: 3, seed: 0 }, cellTask);
  const keys = r.measurements.map((m) => pointKey(m.point));
  assert.equal(new Set(keys).size, keys.length);
  const vals = r.measurements.map((m) => m.metrics!.nb201.acc);
  assert.ok(Math.max(...vals) > Math.max(...vals.slice(0, 5)), 'the loop found better cells than its random design');
  // the best cell of the made-up task: conv3x3 everywhere
  const best = r.measurements[r.best].point;
  assert.ok(best.filter((op) => op === 4).length >= 4, `best ${best} should be mostly conv3x3`);
});

test('search: the hard FLOPs budget is never broken, by proposals or measurements', async () => {
  const flopsMax = 1.2;
  const seen: number[][] = [];
  const r = await runSearch(
    { space: 'multires', objective: [{ weight: 1, setting: 'seg', metric: 'mIoU' }], lambda: 0, flopsMax, queries: 12, initial: 4, batch: 4, seed: 2, steps: 10 },
    { measure: async (p, ctx) => (seen.push(p.slice()), codeTask.measure(p, ctx)) },
  );
  assert.equal(r.measurements.length, 12);
  for (const p of seen) assert.ok(cost(p).flops <= flopsMax, `measured ${pointKey(p)} at ${cost(p).flops} G`);
  const b = budgeting('multires', { flopsMax, lambda: 0 });
  const model = fitSurrogate('multires', r.measurements, [{ weight: 1, setting: 'seg', metric: 'mIoU' }])!;
  const props = await propose({
    space: 'multires', model, measurements: r.measurements, terms: [{ weight: 1, setting: 'seg', metric: 'mIoU' }], budget: b, flopsMax,
    count: 5, kappa: 2, steps: 10, starts: { best: 2, perturbed: 2, random: 2 }, rand: makeRng(1), seed: 1,
    exclude: new Set(r.measurements.map((m) => pointKey(m.point))),
  });
  assert.ok(props.length > 0);
  for (const p of props) assert.ok(cost(p.point).flops <= flopsMax);
  // the budget binds: the best network uses most of it
  assert.ok(cost(r.measurements[r.best].point).flops > 0.5 * flopsMax);
});

test('search: cancellation stops before the next measurement; progress is reported', async () => {
  const ac = new AbortController();
  let n = 0;
  const phases = new Set<string>();
  await assert.rejects(
    runSearch(
      { space: 'nb201', objective: NB201_OBJ, queries: 50, initial: 3, batch: 2, seed: 0, signal: ac.signal, onProgress: (p) => phases.add(p.phase) },
      { measure: async (p, ctx) => (++n === 6 && ac.abort(), cellTask.measure(p, ctx)) },
    ),
    SearchCancelled,
  );
  assert.equal(n, 6);
  assert.ok(phases.has('initial') && phases.has('proposing') && phases.has('measuring'));
});

test('search: failed measurements count as queries and are never retried; bad options are named', async () => {
  let calls = 0;
  const flaky: Measurer = {
    async measure(p, ctx) {
      calls++;
      if (calls % 3 === 0) return { space: 'nb201', point: p.slice(), ok: false, error: 'crashed', seconds: 0 };
      return cellTask.measure(p, ctx);
    },
  };
  const r = await runSearch({ space: 'nb201', objective: NB201_OBJ, queries: 15, initial: 4, batch: 3, seed: 0 }, flaky);
  assert.equal(r.measurements.length, 15);
  assert.equal(r.measurements.filter((m) => !m.ok).length, 5);
  assert.equal(new Set(r.measurements.map((m) => pointKey(m.point))).size, 15);
  await assert.rejects(runSearch({ space: 'nb201', objective: NB201_OBJ, queries: 0 }, cellTask), /queries must be an integer/);
  await assert.rejects(runSearch({ space: 'nb201', objective: NB201_OBJ, queries: 5, batch: 1000 }, cellTask), SearchError);
  await assert.rejects(runSearch({ space: 'nb201', objective: NB201_OBJ, queries: 5, flopsMax: 2 }, cellTask), /multi-resolution/);
});

test('search: resuming from history measures none of it again and reaches the query budget', async () => {
  const o = { space: 'nb201' as const, objective: NB201_OBJ, initial: 4, batch: 3, seed: 5 };
  const first = await runSearch({ ...o, queries: 8 }, cellTask);
  const rest = await runSearch({ ...o, queries: 16, history: first.measurements }, cellTask);
  assert.equal(rest.measurements.length, 16);
  assert.deepEqual(rest.measurements.slice(0, 8), first.measurements);
  assert.equal(new Set(rest.measurements.map((m) => pointKey(m.point))).size, 16);
});

test('surrogate: interpolates its rows, spread grows away from them, UCB gradient matches differences', () => {
  const rand = makeRng(7);
  const n = 20;
  const d = 30;
  const X = new Float64Array(n * d);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const cell = Array.from({ length: 6 }, () => Math.floor(rand() * 5));
    X.set(cellToOneHot(cell), i * d);
    y.push(cell.reduce((s, op) => s + op, 0));
  }
  const gp = new GpEnsemble('nb201', 'acc', X, n, d, y, undefined);
  const at0 = gp.predict(X.subarray(0, d))[0];
  assert.ok(Math.abs(at0.mean - y[0]) < 0.5, `mean ${at0.mean} vs ${y[0]}`);
  const far = new Float64Array(d).fill(0.2);
  assert.ok(gp.predict(far)[0].std > at0.std);
  assert.ok(Math.abs(gp.predictMean(X.subarray(0, d)) - at0.mean) < 1e-9);
  const ucb = new UcbPredictor('nb201', gp, 2);
  const x = Float64Array.from({ length: d }, () => rand());
  const g = ucb.valueAndGrad(x).grad;
  for (const j of [0, 7, 29]) {
    const h = 1e-5;
    const xp = x.slice();
    const xm = x.slice();
    xp[j] += h;
    xm[j] -= h;
    const fd = (new UcbPredictor('nb201', gp, 2).predict(xp)[0].mean - new UcbPredictor('nb201', gp, 2).predict(xm)[0].mean) / (2 * h);
    assert.ok(Math.abs(fd - g[j]) < 1e-4 * Math.max(1, Math.abs(fd)), `d/dx${j}: ${g[j]} vs ${fd}`);
  }
  assert.ok(expectedImprovement(1, 1, 0) > expectedImprovement(0, 1, 0));
  assert.equal(expectedImprovement(-1, 0, 0), 0);
});

test('measurements file: round trip, errors name the line, a half-written last line is repaired', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-search-'));
  const path = join(dir, 'm.jsonl');
  const ms: Measurement[] = [
    { space: 'nb201', point: [4, 4, 3, 2, 1, 0], metrics: { nb201: { acc: 45.5 } }, ok: true, seconds: 1.5 },
    { space: 'nb201', point: [0, 1, 2, 3, 4, 0], ok: false, error: 'timed out after 2 s', seconds: 2 },
  ];
  for (const m of ms) appendMeasurement(path, m);
  assert.deepEqual(readMeasurements(path).measurements, ms);
  appendFileSync(path, '{"space":"nb201","cell":"|nor_co');
  assert.throws(() => readMeasurements(path), /m\.jsonl:3: not valid JSON/);
  const r = readMeasurements(path, { repair: true });
  assert.equal(r.measurements.length, 2);
  assert.match(r.notes[0], /half-written/);
  assert.ok(readFileSync(path, 'utf8').endsWith('}\n'));
  writeFileSync(path, '{"space":"nb201","cell":"|bogus~0|+|none~0|none~1|+|none~0|none~1|none~2|","ok":true,"metrics":{}}\n');
  assert.throws(() => readMeasurements(path), (e: Error) => e instanceof MeasurementsFormatError && /m\.jsonl:1: 'cell': .*unknown op 'bogus'/.test(e.message));
  writeFileSync(path, '{"space":"multires","code":[1,2],"ok":true}\n');
  assert.throws(() => readMeasurements(path), /m\.jsonl:1: 'code' must be 27 integers/);
  writeFileSync(path, '{"space":"nb201","cell":"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|","ok":true,"metrics":{"nb201":{"acc":"high"}}}\n');
  assert.throws(() => readMeasurements(path), /metrics\.nb201\.acc must be a finite number/);
});

const dataDir = findDataDir();
test('search on NAS-Bench-201 (benchmark look-up): 40 queries beat the random design', { skip: dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR)' }, async () => {
  const m = new Nb201BenchmarkMeasurer(loadNb201Benchmark(join(dataDir!, 'nasbench201.json')));
  const r = await runSearch({ space: 'nb201', objective: NB201_OBJ, queries: 40, seed: 0 }, m);
  const vals = r.measurements.map((x) => x.metrics!.nb201.acc);
  assert.ok(Math.max(...vals) > 45.5, `best ${Math.max(...vals)}`);
});

test('benchmark look-up (multi-resolution): a missing proposal becomes the nearest unmeasured network within the budget', async () => {
  const { MrBenchmarkMeasurer } = await import('../../server/src/core/search/benchmarkMeasurer');
  const small = [16, 16, 1, 1, 16, 1, 1, 1, 16, 16, 1, 1, 1, 1, 16, 16, 16, 1, 1, 1, 1, 1, 16, 16, 16, 16, 16];
  const mid = small.map((v) => (v === 16 ? 32 : v));
  const big = small.map((v) => (v === 16 ? 128 : 4));
  const arch = (code: number[], miou: number) => ({ code, flops: cost(code).flops, params: cost(code).params, results: { seg: [miou, 80, 90] } });
  const bench = {
    settings: { seg: { task: 'segmentation', label: 'seg', metrics: ['mIoU', 'mAcc', 'aAcc'] } },
    archs: [arch(small, 60), arch(mid, 65), arch(big, 80)],
  };
  const m = new MrBenchmarkMeasurer(bench, ['seg']);
  const flopsMax = cost(mid).flops * 1.01;
  const feasible = (p: readonly number[]) => cost(p).flops <= flopsMax;
  // in the benchmark: measured as is
  const hit = await m.measure(mid, { measured: new Set(), feasible });
  assert.deepEqual(hit.point, mid);
  assert.equal(hit.proposed, undefined);
  assert.equal(hit.metrics!.seg.mIoU, 65);
  // nearest to a code near `big` is `big`, but it is over budget: `mid`
  const near = big.map((v, i) => (i === 0 ? 120 : v));
  const r = await m.measure(near, { measured: new Set(), feasible });
  assert.deepEqual(r.point, mid);
  assert.deepEqual(r.proposed, near);
  assert.match(r.note!, /not in the benchmark: measured the nearest unmeasured one within the budget/);
  // `mid` measured: `small`; all measured: a failure, not a repeat
  const r2 = await m.measure(near, { measured: new Set([pointKey(mid)]), feasible });
  assert.deepEqual(r2.point, small);
  const r3 = await m.measure(near, { measured: new Set([pointKey(mid), pointKey(small)]), feasible });
  assert.equal(r3.ok, false);
  assert.match(r3.error!, /no unmeasured benchmark network within the budget/);
});

test('propose: when every run ends on measured ground, it looks two moves further instead of stopping', async () => {
  const best = [4, 4, 4, 4, 4, 4];
  const ms: Measurement[] = [{ space: 'nb201', point: best, metrics: { nb201: { acc: 47 } }, ok: true, seconds: 0 }];
  for (let e = 0; e < 6; e++) {
    for (let op = 0; op < 4; op++) {
      const p = best.slice();
      p[e] = op;
      ms.push({ space: 'nb201', point: p, metrics: { nb201: { acc: 30 + e + op } }, ok: true, seconds: 0 });
    }
  }
  const terms = NB201_OBJ;
  const model = fitSurrogate('nb201', ms, terms)!;
  const props = await propose({
    space: 'nb201', model, measurements: ms, terms, budget: budgeting('nb201', {}), count: 3, kappa: 2, steps: 30,
    starts: { best: 1, perturbed: 0, random: 0 }, rand: makeRng(1), seed: 1, exclude: new Set(ms.map((m) => pointKey(m.point))),
  });
  assert.equal(props.length, 3);
  for (const p of props) assert.equal(p.point.filter((op, e) => op !== best[e]).length, 2, `${p.point} is two moves from the best`);
});
