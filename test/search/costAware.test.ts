// The asynchronous loop's cost-aware start (core/search/costAware.ts): the NAS-Bench-201 FLOPs
// formula against the benchmark, log EI and its derivatives, the cooling of α, the acquisition's
// gradient against finite differences, and a loop that starts cheaper networks while α > 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findDataDir, loadNb201Benchmark } from '../../server/src/core/benchmark';
import { AsyncProposer } from '../../server/src/core/search/asyncLoop';
import { CostAwareAcquisition, CostPricedUcb, coolAlpha, logExpectedImprovement, spaceCost } from '../../server/src/core/search/costAware';
import { budgeting, fitSurrogate } from '../../server/src/core/search/loop';
import { simulate } from '../../server/src/core/search/simulate';
import { expectedImprovement } from '../../server/src/core/search/surrogate';
import type { Measurement } from '../../server/src/core/search/types';
import { NB201_MFLOPS, cellToOneHot, nb201Mflops } from '../../server/src/core/space/nb201';

test('nb201Mflops is the benchmark\'s MFLOPs count for all but 150 cells, and one convolution edge off for those', (t) => {
  const dir = findDataDir();
  if (!dir || !existsSync(join(dir, 'nasbench201.json'))) {
    t.skip('benchmark data not found (set NCP_DATA_DIR or put the files in ../shared/data)');
    return;
  }
  const bench = loadNb201Benchmark(join(dir, 'nasbench201.json'));
  let exact = 0;
  for (const a of bench.archs) {
    const err = Math.abs(nb201Mflops(a.ops) - a.flops);
    if (err < 0.015) exact++;
    else assert.ok([NB201_MFLOPS.conv1x1, NB201_MFLOPS.conv3x3, NB201_MFLOPS.conv3x3 - NB201_MFLOPS.conv1x1].some((d) => Math.abs(err - d) < 0.02), `${a.ops.join('')}: ${a.flops} vs ${nb201Mflops(a.ops)}`);
  }
  assert.equal(bench.archs.length, 15625);
  assert.ok(exact >= 15475, `exact for ${exact} cells`);
});

test('log EI: equals log of expected improvement where that is accurate, stays finite far below the incumbent, and its derivatives match finite differences', () => {
  for (const [m, s, b] of [[1, 0.5, 1.2], [0, 1, -1], [3, 2, 4], [0.2, 0.1, 0.5]]) {
    const l = logExpectedImprovement(m, s, b);
    // (surrogate.ts's EI is accurate to 1.5e-7 absolute: compared where EI is not tiny)
    if ((m - b) / s > -2) assert.ok(Math.abs(l.value - Math.log(expectedImprovement(m, s, b))) < 1e-5, `${m} ${s} ${b}`);
    const h = 1e-6;
    const dm = (logExpectedImprovement(m + h, s, b).value - logExpectedImprovement(m - h, s, b).value) / (2 * h);
    const ds = (logExpectedImprovement(m, s + h, b).value - logExpectedImprovement(m, s - h, b).value) / (2 * h);
    assert.ok(Math.abs(dm - l.dMean) < 1e-4 * Math.max(1, Math.abs(dm)), `dMean ${dm} vs ${l.dMean}`);
    assert.ok(Math.abs(ds - l.dStd) < 1e-4 * Math.max(1, Math.abs(ds)), `dStd ${ds} vs ${l.dStd}`);
  }
  // far below the incumbent (log τ(−6) = −22.5789, from erfc in double precision), across the
  // switch to the series at z = −10, and far beyond it
  assert.ok(Math.abs(logExpectedImprovement(0, 1, 6).value - -22.5789) < 2e-3, `${logExpectedImprovement(0, 1, 6).value}`);
  const a = logExpectedImprovement(0, 1, 9.999).value;
  const c = logExpectedImprovement(0, 1, 10.001).value;
  assert.ok(Math.abs(a - c - 0.02) < 0.005, `${a} vs ${c} (the slope there is about −10 per unit of z)`);
  const far = logExpectedImprovement(0, 1, 40);
  assert.ok(Number.isFinite(far.value) && far.value < c && far.dMean > 0);
});

test('α cools linearly from α₀ to 0 over the share of the queries, and 0 turns it off', () => {
  const o = { alpha: 2, share: 0.5 };
  assert.equal(coolAlpha(o, 0, 100), 2);
  assert.equal(coolAlpha(o, 25, 100), 1);
  assert.equal(coolAlpha(o, 50, 100), 0);
  assert.equal(coolAlpha(o, 90, 100), 0);
  assert.equal(coolAlpha({ alpha: 0, share: 0.5 }, 0, 100), 0);
});

/** A smooth made-up accuracy that favours convolutions (as NAS-Bench-201 does), and its measurement. */
const acc = (p: readonly number[]) => 30 + p.reduce((s, v, i) => s + (v === 4 ? 3 : v === 3 ? 2 : v === 1 ? -2 : 0) * (1 + i / 10), 0);
const measure = (p: readonly number[]): Measurement => ({ space: 'nb201', point: p.slice(), metrics: { nb201: { acc: acc(p) } }, ok: true, seconds: 0 });
const objective = [{ weight: 1, setting: 'nb201', metric: 'acc' }];

test('the cost-aware acquisition: log EI − α log MFLOPs, with a gradient that matches finite differences', () => {
  const cells = [[0, 1, 2, 3, 4, 0], [4, 4, 0, 1, 2, 3], [3, 3, 3, 2, 2, 2], [1, 0, 4, 4, 0, 1], [2, 4, 1, 3, 0, 4], [4, 3, 2, 1, 0, 4]];
  const model = fitSurrogate('nb201', cells.map(measure), objective)!;
  const best = Math.max(...cells.map(acc));
  const cost = spaceCost('nb201', budgeting('nb201', {}));
  const acq = new CostAwareAcquisition('nb201', model, best, 0.7, cost);
  const x = cellToOneHot([4, 0, 3, 3, 2, 4]);
  const [m] = model.predict(x);
  const [e] = acq.predict(x);
  assert.ok(Math.abs(e.mean - (logExpectedImprovement(m.mean, m.std, best).value - 0.7 * Math.log(nb201Mflops([4, 0, 3, 3, 2, 4])))) < 1e-9);
  const g = acq.valueAndGrad(x).grad;
  const h = 1e-5;
  const fresh = () => new CostAwareAcquisition('nb201', model, best, 0.7, cost);
  for (const j of [0, 4, 13, 17, 29]) {
    const up = Float64Array.from(x);
    const dn = Float64Array.from(x);
    up[j] += h;
    dn[j] -= h;
    const fd = (fresh().predict(up)[0].mean - fresh().predict(dn)[0].mean) / (2 * h);
    assert.ok(Math.abs(fd - g[j]) < 1e-4 * Math.max(1, Math.abs(fd)), `input ${j}: ${fd} vs ${g[j]}`);
  }
});

test('the priced UCB: UCB, less the price per e-fold of cost above the reference only, with a matching gradient', () => {
  const cells = [[0, 1, 2, 3, 4, 0], [4, 4, 0, 1, 2, 3], [3, 3, 3, 2, 2, 2], [1, 0, 4, 4, 0, 1], [2, 4, 1, 3, 0, 4], [4, 3, 2, 1, 0, 4]];
  const model = fitSurrogate('nb201', cells.map(measure), objective)!;
  const cost = spaceCost('nb201', budgeting('nb201', {}));
  const make = () => new CostPricedUcb('nb201', model, 2, 1.5, 50, cost);
  const dear = cellToOneHot([4, 4, 3, 3, 2, 4]); // 7.79 + 3·35.39 + 2·3.93 MFLOPs
  const cheap = cellToOneHot([0, 2, 1, 3, 2, 0]);
  for (const [x, c] of [[dear, nb201Mflops([4, 4, 3, 3, 2, 4])], [cheap, nb201Mflops([0, 2, 1, 3, 2, 0])]] as const) {
    const [m] = model.predict(x);
    const want = m.mean + 2 * m.std - (c > 50 ? 1.5 * Math.log(c / 50) : 0);
    assert.ok(Math.abs(make().predict(x)[0].mean - want) < 1e-9, `cost ${c}`);
  }
  const g = make().valueAndGrad(dear).grad;
  const h = 1e-5;
  for (const j of [0, 4, 13, 19, 29]) {
    const up = Float64Array.from(dear);
    const dn = Float64Array.from(dear);
    up[j] += h;
    dn[j] -= h;
    const fd = (make().predict(up)[0].mean - make().predict(dn)[0].mean) / (2 * h);
    assert.ok(Math.abs(fd - g[j]) < 1e-4 * Math.max(1, Math.abs(fd)), `input ${j}: ${fd} vs ${g[j]}`);
  }
});

test('the asynchronous loop starts cheaper networks while α > 0, and stays the same search for the same seed and completion order', async () => {
  const duration = (p: readonly number[]) => 10 * nb201Mflops(p);
  const opts = (alpha: number, form: 'ei' | 'ucb' = 'ei') => ({ space: 'nb201' as const, objective, queries: 30, seed: 3, initial: 5, steps: 10, starts: { best: 2, perturbed: 2, random: 3 }, costAware: { alpha, share: 0.6, form } });
  const startsOf = async (alpha: number, form: 'ei' | 'ucb' = 'ei') => {
    const ev = await simulate(new AsyncProposer(opts(alpha, form)), { workers: 4, completions: 30, duration, measure, chargeProposals: false });
    return ev.sort((a, b) => a.started - b.started || a.worker - b.worker).map((e) => e.measurement.point);
  };
  const meanCost = (ps: number[][]) => ps.reduce((s, p) => s + nb201Mflops(p), 0) / ps.length;
  const plain = await startsOf(0);
  const aware = await startsOf(2);
  assert.deepEqual(aware.slice(0, 5), plain.slice(0, 5), 'the same initial design');
  const early = (ps: number[][]) => ps.slice(5, 15);
  assert.ok(meanCost(early(aware)) < meanCost(early(plain)), `proposals 6–15 cost ${meanCost(early(aware)).toFixed(1)} MFLOPs on average with α 2, ${meanCost(early(plain)).toFixed(1)} without`);
  assert.deepEqual(await startsOf(2), aware, 'deterministic');
  const priced = await startsOf(2, 'ucb');
  assert.ok(meanCost(early(priced)) < meanCost(early(plain)), `priced UCB: proposals 6–15 cost ${meanCost(early(priced)).toFixed(1)} MFLOPs on average, ${meanCost(early(plain)).toFixed(1)} without`);
});

test('ncprop search: --cost-alpha and --cost-share are checked (a range, and only with --jobs N > 1)', async () => {
  const { ncprop } = await import('../cli/cliHarness');
  const base = ['search', '--measure', 'true', '--to', 'nb201', '--queries', '3'];
  const over = await ncprop([...base, '--jobs', '2', '--cost-alpha', '9'], process.cwd());
  assert.equal(over.status, 2, over.stderr);
  assert.match(over.stderr, /--cost-alpha/);
  const share = await ncprop([...base, '--jobs', '2', '--cost-share', '1.5'], process.cwd());
  assert.equal(share.status, 2, share.stderr);
  assert.match(share.stderr, /--cost-share/);
  const one = await ncprop([...base, '--cost-alpha', '1'], process.cwd());
  assert.equal(one.status, 2, one.stderr);
  assert.match(one.stderr, /apply to --jobs N > 1/);
});
