// The warm-started loop (issue 25): maximise seg.mIoU within 2.5 GMACs (exact cost) with 20
// queries over networks no prior predictor was trained on — the held-out fifth of
// nasbench-mr.json (split seed 1), as a benchmark look-up. Per seed (50): the loop warm-started
// from a source with every setting (.tmp/transfer/src-all), from a source without segmentation
// (src-no-seg: seg is then a setting of the user's own, read through a transfer model fitted on
// the measurements), the cold loop (--prior none), regularized evolution (pop 10, sample 3) and
// random search over the same pool. Goals: with every setting, mean best within 0.1 of the
// pool's best; without segmentation, ahead of evolution and of the cold loop by ≥ 0.15 mIoU.
// Sources: bench/transfer.ts trains and caches them (run it first).
// Usage: node --import tsx bench/search-transfer.ts [--seeds 50] [--first-seed 0] [--queries 20]
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findDataDir, loadMrBenchmark, type MrBenchmark } from '../server/src/core/benchmark';
import { MrBenchmarkMeasurer } from '../server/src/core/search/benchmarkMeasurer';
import { budgeting, runSearch } from '../server/src/core/search/loop';
import { priorFromSet } from '../server/src/core/search/prior';
import type { PriorSource } from '../server/src/core/search/types';
import { loadPredictorSet } from '../server/src/core/predict/store';
import { initBackend } from '../server/src/core/predict/backend';
import { makeRng, splitIndices, subSeed } from '../server/src/core/random';
import { mrPoolSpace, randomSearch, regularizedEvolution } from './search-baselines';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '50' },
    'first-seed': { type: 'string', default: '0' },
    queries: { type: 'string', default: '20' },
    cache: { type: 'string', default: '.tmp/transfer' },
  },
});
const SEEDS = Number(values.seeds);
const FIRST = Number(values['first-seed']);
const Q = Number(values.queries);
const FLOPS = 2.5;

async function main(): Promise<void> {
  const dir = findDataDir();
  if (!dir || !existsSync(join(dir, 'nasbench-mr.json'))) return console.log('bench/search-transfer: skipped — nasbench-mr.json not found');
  const srcAll = resolve(values.cache, 'src-all');
  const srcNoSeg = resolve(values.cache, 'src-no-seg');
  if (!existsSync(join(srcAll, 'manifest.json')) || !existsSync(join(srcNoSeg, 'manifest.json'))) {
    return console.log(`bench/search-transfer: skipped — run bench/transfer.ts first (it trains the sources into ${values.cache})`);
  }
  await initBackend('auto');
  const full = loadMrBenchmark(join(dir, 'nasbench-mr.json'));
  const { holdout } = splitIndices(full.archs.length, 0.2, 1);
  const bench: MrBenchmark = { settings: full.settings, archs: holdout.map((i) => full.archs[i]) };
  const b = budgeting('multires', { flopsMax: FLOPS, lambda: 0 });
  const measurer = new MrBenchmarkMeasurer(bench, ['seg']);
  const pool = measurer.usable.filter((i) => b.feasible(bench.archs[i].code));
  const value = (i: number) => bench.archs[i].results.seg[0];
  const optimum = Math.max(...pool.map(value));
  const space = mrPoolSpace(bench, pool, value);
  const priors: { name: string; prior?: PriorSource }[] = [
    { name: 'warm, source with every setting', prior: priorFromSet(await loadPredictorSet(srcAll), 'src-all') },
    { name: 'warm, source without segmentation', prior: priorFromSet(await loadPredictorSet(srcNoSeg), 'src-no-seg') },
    { name: 'cold loop (--prior none)' },
  ];
  console.log(`seg.mIoU within ${FLOPS} GMACs over the held-out fifth (split seed 1): ${pool.length} networks, best ${optimum}; ${Q} queries; seeds ${FIRST}–${FIRST + SEEDS - 1}`);
  const best: Record<string, number[]> = {};
  const secs: Record<string, number[]> = {};
  const t0 = Date.now();
  for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
    for (const p of priors) {
      const t = Date.now();
      const r = await runSearch({ space: 'multires', objective: [{ weight: 1, setting: 'seg', metric: 'mIoU' }], lambda: 0, flopsMax: FLOPS, queries: Q, seed, prior: p.prior }, measurer);
      (best[p.name] ??= []).push(Math.max(...r.measurements.map((m) => (m.ok ? m.metrics!.seg.mIoU : -Infinity))));
      (secs[p.name] ??= []).push((Date.now() - t) / 1000);
    }
    const rand = (k: string) => makeRng(subSeed(seed, 'bench-mr', k));
    (best['regularized evolution (pop 10, sample 3)'] ??= []).push(Math.max(...regularizedEvolution(space, Q, 10, 3, rand('rea'))));
    (best['random'] ??= []).push(Math.max(...randomSearch(space, Q, rand('random'))));
    // the table so far after every seed (a long run stopped early still says what it measured)
    report(seed - FIRST + 1, (Date.now() - t0) / 1000);
  }
  function report(done: number, elapsed: number): void {
    const mean = (xs: number[]) => xs.reduce((a, c) => a + c, 0) / xs.length;
    console.log(`after ${done} seed(s), ${elapsed.toFixed(0)} s`);
    console.log('  method                                      mean best   gap to best   found best   s/run');
    for (const [name, xs] of Object.entries(best)) {
      const s = secs[name] ? mean(secs[name]).toFixed(2) : '';
      console.log(`  ${name.padEnd(44)}${mean(xs).toFixed(3).padStart(9)}   ${(optimum - mean(xs)).toFixed(3).padStart(11)}   ${((100 * xs.filter((x) => x >= optimum).length) / xs.length).toFixed(0).padStart(9)}%   ${s.padStart(5)}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
