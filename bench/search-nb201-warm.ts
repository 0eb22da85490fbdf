// "NAS-Bench-201 results may not get worse" with the warm-started loop (issue 25), measured on
// cells the prior never saw: a source nb201 predictor trained on four fifths of
// nasbench201.json (--holdout 0.2, split seed 1; the shipped recipe, 20 epochs; cached in
// .tmp/transfer/src-nb201-holdout) is the prior of a search restricted to the held-out fifth
// (a proposal outside it, or already measured, is replaced by the nearest unmeasured held-out
// cell: fewest differing edges, ties lower index), against the cold loop (--prior none) on the
// same pool and seeds, and random search over the pool. Prints the source's τ on the held-out
// cells, the mean best true accuracy after 20, 50 and 100 queries, the pool's optimum and the
// warm − cold difference paired by seed.
// Usage: node --import tsx bench/search-nb201-warm.ts [--seeds 20] [--first-seed 0] [--queries 100]
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findDataDir } from '../server/src/core/benchmark';
import { loadTrainingData, splitData, trainSettings } from '../server/src/core/predict/dataset';
import { NCP_RECIPE } from '../server/src/core/predict/train';
import { loadPredictorSet, savePredictorSet } from '../server/src/core/predict/store';
import { initBackend } from '../server/src/core/predict/backend';
import { pointKey, runSearch } from '../server/src/core/search/loop';
import { priorFromSet } from '../server/src/core/search/prior';
import type { Measurement, MeasureContext, Measurer, PriorSource } from '../server/src/core/search/types';
import { makeRng, subSeed } from '../server/src/core/random';
import { kendallTau } from '../server/src/core/predict/metrics';
import { NB201_EDGE_COUNT, NB201_OP_COUNT, cellToIndex, indexToCell } from '../server/src/core/space/nb201';
import { randomSearch, type BaselineSpace } from './search-baselines';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    'first-seed': { type: 'string', default: '0' },
    queries: { type: 'string', default: '100' },
    cache: { type: 'string', default: '.tmp/transfer' },
  },
});
const SEEDS = Number(values.seeds);
const FIRST = Number(values['first-seed']);
const Q = Number(values.queries);
const CHECKPOINTS = [20, 50, 100].filter((c) => c <= Q);
const HOLDOUT = 0.2;
const SPLIT_SEED = 1;

/** Index of the cell a one-hot row encodes. */
function cellOfOneHot(x: readonly number[]): number {
  const cell = Array.from({ length: NB201_EDGE_COUNT }, (_, e) => {
    let best = 0;
    for (let o = 1; o < NB201_OP_COUNT; o++) if (x[e * NB201_OP_COUNT + o] > x[e * NB201_OP_COUNT + best]) best = o;
    return best;
  });
  return cellToIndex(cell);
}

/** Look-ups in the held-out cells only; anything else becomes the nearest unmeasured one. */
class PoolMeasurer implements Measurer {
  constructor(private readonly acc: ReadonlyMap<number, number>) {}

  nearest(point: readonly number[], ctx: MeasureContext): number | undefined {
    let best: number | undefined;
    let bd = Infinity;
    for (const i of this.acc.keys()) {
      const cell = indexToCell(i);
      if (ctx.measured.has(pointKey(cell))) continue;
      let d = 0;
      for (let e = 0; e < NB201_EDGE_COUNT; e++) if (cell[e] !== point[e]) d++;
      if (d < bd || (d === bd && best !== undefined && i < best)) {
        bd = d;
        best = i;
      }
    }
    return best;
  }

  async measure(point: readonly number[], ctx: MeasureContext): Promise<Measurement> {
    const i = cellToIndex(point);
    if (this.acc.has(i) && !ctx.measured.has(pointKey(point))) return { space: 'nb201', point: point.slice(), metrics: { nb201: { acc: this.acc.get(i)! } }, ok: true, seconds: 0 };
    const j = this.nearest(point, ctx);
    if (j === undefined) return { space: 'nb201', point: point.slice(), ok: false, error: 'every held-out cell is measured', seconds: 0 };
    return { space: 'nb201', point: indexToCell(j), proposed: point.slice(), metrics: { nb201: { acc: this.acc.get(j)! } }, ok: true, seconds: 0 };
  }
}

async function main(): Promise<void> {
  const dir = findDataDir();
  if (!dir || !existsSync(join(dir, 'nasbench201.json'))) return console.log('bench/search-nb201-warm: skipped — nasbench201.json not found (set NCP_DATA_DIR)');
  await initBackend('auto');
  const data = loadTrainingData(join(dir, 'nasbench201.json'));
  const { train, test } = splitData(data, HOLDOUT, SPLIT_SEED);
  const srcDir = resolve(values.cache, 'src-nb201-holdout');
  if (!existsSync(join(srcDir, 'manifest.json'))) {
    console.log(`training the nb201 source on four fifths into ${srcDir} …`);
    const t0 = Date.now();
    const trained = await trainSettings(train.settings, { base: NCP_RECIPE, seed: 1, overrides: { epochs: 20 } });
    savePredictorSet(srcDir, trained.map((t) => t.predictor), { version: 'bench-nb201-holdout', command: 'bench/search-nb201-warm.ts', seed: 1, recipe: 'ncp', data: { holdout: HOLDOUT, splitSeed: SPLIT_SEED } });
    console.log(`  trained in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const held = test.settings[0];
  const acc = new Map<number, number>();
  held.inputs.forEach((x, r) => acc.set(cellOfOneHot(x), held.targets[r][0]));
  const pool = [...acc.keys()].sort((a, b) => a - b);
  const optimum = Math.max(...acc.values());
  const measurer = new PoolMeasurer(acc);
  const space: BaselineSpace = { random: (rand) => pool[Math.floor(rand() * pool.length)], mutate: (i) => i, neighbours: () => [], value: (i) => acc.get(i)! };
  const srcSet = await loadPredictorSet(srcDir);
  const tau = kendallTau(srcSet.ensemble('nb201')!.predictBatch(held.inputs).map((e) => e[0].mean), held.targets.map((t) => t[0]));
  console.log(`the source's Kendall τ on the held-out cells: ${tau.toFixed(3)}`);
  const priors: { name: string; prior?: PriorSource }[] = [
    { name: 'warm (source without the held-out fifth)', prior: priorFromSet(srcSet, 'src-nb201-holdout') },
    { name: 'cold loop (--prior none)' },
  ];
  console.log(`NAS-Bench-201 held-out fifth (split seed ${SPLIT_SEED}): ${pool.length} cells, best ${optimum}; ${Q} queries; seeds ${FIRST}–${FIRST + SEEDS - 1}`);
  const runs: Record<string, number[][]> = {};
  const secs: Record<string, number[]> = {};
  const t0 = Date.now();
  for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
    for (const p of priors) {
      const t = Date.now();
      const r = await runSearch({ space: 'nb201', objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }], queries: Q, seed, prior: p.prior }, measurer);
      (runs[p.name] ??= []).push(r.measurements.map((m) => (m.ok ? m.metrics!.nb201.acc : -Infinity)));
      (secs[p.name] ??= []).push((Date.now() - t) / 1000);
    }
    (runs['random (pool)'] ??= []).push(randomSearch(space, Q, makeRng(subSeed(seed, 'bench-nb201-warm', 'random'))));
  }
  const mean = (xs: number[]) => xs.reduce((a, c) => a + c, 0) / xs.length;
  console.log(`${SEEDS} seeds in ${((Date.now() - t0) / 1000).toFixed(0)} s; mean best true accuracy after N queries (pool best ${optimum})`);
  console.log(`  method                                    ${CHECKPOINTS.map((c) => `${c} queries`.padStart(12)).join('')}   s/run`);
  for (const [name, rs] of Object.entries(runs)) {
    const cells = CHECKPOINTS.map((c) => mean(rs.map((r) => Math.max(...r.slice(0, c)))).toFixed(3).padStart(12)).join('');
    console.log(`  ${name.padEnd(42)}${cells}   ${secs[name] ? mean(secs[name]).toFixed(2) : ''}`);
  }
  // paired by seed: is a difference more than noise?
  const [warm, cold] = priors.map((p) => runs[p.name]);
  const diffs = CHECKPOINTS.map((c) => {
    const d = warm.map((r, i) => Math.max(...r.slice(0, c)) - Math.max(...cold[i].slice(0, c)));
    const m = mean(d);
    const se = Math.sqrt(d.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(d.length - 1, 1) / d.length);
    return `${m >= 0 ? '+' : ''}${m.toFixed(3)} ± ${se.toFixed(3)}`.padStart(16);
  });
  console.log(`  warm − cold, paired by seed (mean ± s.e.) ${diffs.join('')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
