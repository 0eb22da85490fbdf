// Closed-loop search (issue 17) against three baselines, in one process and on the same seeds.
// NAS-Bench-201 (ImageNet16-120 test accuracy): mean best true accuracy among the first N
// measured cells, % of runs that measured the optimum, median queries to the optimum, at
// 50/100/150/300 queries. Multi-resolution: maximise seg.mIoU within 2.5 GMACs over the
// benchmark's networks (moves restricted to them), gap to the best such network at 50/100.
// Also the ensemble's Kendall τ on all unmeasured cells after 50/100/200 queries, and wall times.
// Usage: node --import tsx bench/search.ts [--seeds 100] [--tau-seeds 10] [--mr-seeds 100]
//        [--queries 300] [--only nb201|mr] [--batch 3] [--initial 5]
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { findDataDir, loadMrBenchmark, loadNb201Benchmark } from '../server/src/core/benchmark';
import { MrBenchmarkMeasurer, Nb201BenchmarkMeasurer, codeDistance } from '../server/src/core/search/benchmarkMeasurer';
import { budgeting, fitSurrogate, pointKey, runSearch, SEARCH_DEFAULTS } from '../server/src/core/search/loop';
import type { Measurement } from '../server/src/core/search/types';
import { kendallTau } from '../server/src/core/predict/metrics';
import { makeRng, subSeed } from '../server/src/core/random';
import { NB201_EDGE_COUNT, NB201_OP_COUNT, NB201_SIZE, cellToOneHot, indexToCell, cellToIndex } from '../server/src/core/space/nb201';
import { BENCHMARK_RANGE, CODE_KINDS } from '../server/src/core/space/multires';
import { localSearch, randomSearch, regularizedEvolution, type BaselineSpace } from './search-baselines';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    'mr-seeds': { type: 'string' },
    'tau-seeds': { type: 'string', default: '10' },
    queries: { type: 'string', default: '300' },
    only: { type: 'string' },
    batch: { type: 'string' },
    initial: { type: 'string' },
    /** Baselines only (to check them against ../shared/docs/search-baselines.md quickly). */
    'no-loop': { type: 'boolean' },
  },
});
const SEEDS = Number(args.seeds);
const MR_SEEDS = Number(args['mr-seeds'] ?? args.seeds);
const TAU_SEEDS = Math.min(Number(args['tau-seeds']), SEEDS);
const QUERIES = Number(args.queries);
const batch = args.batch === undefined ? undefined : Number(args.batch);
const initial = args.initial === undefined ? undefined : Number(args.initial);

const dir = findDataDir();
if (!dir) {
  console.log('bench/search: skipped — benchmark data not found (set NCP_DATA_DIR or put the files in ../shared/data)');
  process.exit(0);
}

interface Series {
  name: string;
  runs: number[][];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function table(series: Series[], checkpoints: number[], optimum: number, gap: boolean): void {
  const head = ['method'.padEnd(26), ...checkpoints.map((c) => `${c} queries`.padStart(gap ? 24 : 22))].join('');
  console.log(head);
  for (const s of series) {
    const cells = checkpoints.map((c) => {
      const bests = s.runs.map((r) => Math.max(...r.slice(0, c)));
      const mean = bests.reduce((a, b) => a + b, 0) / bests.length;
      const hit = (100 * bests.filter((b) => b >= optimum - 1e-9).length) / bests.length;
      const toOpt = s.runs.map((r) => {
        const k = r.slice(0, c).findIndex((v) => v >= optimum - 1e-9);
        return k < 0 ? Infinity : k + 1;
      });
      const med = median(toOpt);
      const medText = Number.isFinite(med) ? String(med) : `>${c}`;
      return gap ? `${(optimum - mean).toFixed(2)} gap ${hit.toFixed(0)}% ${medText}`.padStart(24) : `${mean.toFixed(2)} ${hit.toFixed(0)}% ${medText}`.padStart(22);
    });
    console.log([s.name.padEnd(26), ...cells].join(''));
  }
}

async function nb201(): Promise<void> {
  const bench = loadNb201Benchmark(join(dir!, 'nasbench201.json'));
  const measurer = new Nb201BenchmarkMeasurer(bench);
  const acc = measurer.acc;
  let optimum = -Infinity;
  for (const v of acc) optimum = Math.max(optimum, v);
  const space: BaselineSpace = {
    random: (rand) => Math.floor(rand() * NB201_SIZE),
    mutate(i, rand) {
      const cell = indexToCell(i);
      const e = Math.floor(rand() * NB201_EDGE_COUNT);
      cell[e] = (cell[e] + 1 + Math.floor(rand() * (NB201_OP_COUNT - 1))) % NB201_OP_COUNT;
      return cellToIndex(cell);
    },
    neighbours(i) {
      const cell = indexToCell(i);
      const out: number[] = [];
      for (let e = 0; e < NB201_EDGE_COUNT; e++) {
        for (let o = 0; o < NB201_OP_COUNT; o++) {
          if (o === cell[e]) continue;
          const c = cell.slice();
          c[e] = o;
          out.push(cellToIndex(c));
        }
      }
      return out;
    },
    value: (i) => acc[i],
  };
  const checkpoints = [50, 100, 150, 300].filter((c) => c <= QUERIES);
  const loop: Series = { name: 'ncp search (GP-UCB loop)', runs: [] };
  const rnd: Series = { name: 'random', runs: [] };
  const rea: Series[] = [];
  for (const pop of [10, 20]) for (const sample of [3, 5]) rea.push({ name: `REA pop ${pop} sample ${sample}`, runs: [] });
  const ls: Series = { name: 'local search', runs: [] };
  const times100: number[] = [];
  // CPU seconds too: on a shared machine the wall time measures the neighbours as well
  const cpu100: number[] = [];
  const timesAll: number[] = [];
  const taus: Record<number, number[]> = { 50: [], 100: [], 200: [] };
  const t0 = Date.now();
  for (let seed = 0; seed < SEEDS; seed++) {
    let start = Date.now();
    const cpu0 = process.cpuUsage();
    let t100 = 0;
    let c100 = 0;
    const r = args['no-loop'] ? { measurements: [] as Measurement[] } : await runSearch(
      {
        space: 'nb201',
        objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }],
        queries: QUERIES,
        seed,
        batch,
        initial,
        onMeasurement: (_m, i) => {
          if (i === 99) {
            t100 = (Date.now() - start) / 1000;
            const c = process.cpuUsage(cpu0);
            c100 = (c.user + c.system) / 1e6;
          }
        },
      },
      measurer,
    );
    timesAll.push((Date.now() - start) / 1000);
    if (t100 > 0) times100.push(t100);
    if (c100 > 0) cpu100.push(c100);
    if (!args['no-loop']) loop.runs.push(r.measurements.map((m) => m.metrics!.nb201.acc));
    if (seed < TAU_SEEDS && !args['no-loop']) {
      for (const q of [50, 100, 200]) {
        if (q > r.measurements.length) continue;
        const model = fitSurrogate('nb201', r.measurements.slice(0, q), [{ weight: 1, setting: 'nb201', metric: 'acc' }])!;
        const seen = new Set(r.measurements.slice(0, q).map((m) => cellToIndex(m.point)));
        const pred: number[] = [];
        const truth: number[] = [];
        const x = new Float64Array(30);
        for (let i = 0; i < NB201_SIZE; i++) {
          if (seen.has(i)) continue;
          cellToOneHot(indexToCell(i), x);
          pred.push(model.predictMean(x));
          truth.push(acc[i]);
        }
        taus[q].push(kendallTau(pred, truth));
      }
    }
    start = Date.now();
    const rand = (k: string) => makeRng(subSeed(seed, 'bench', k));
    rnd.runs.push(randomSearch(space, QUERIES, rand('random')));
    let k = 0;
    for (const pop of [10, 20]) for (const sample of [3, 5]) rea[k++].runs.push(regularizedEvolution(space, QUERIES, pop, sample, rand(`rea${pop}/${sample}`)));
    ls.runs.push(localSearch(space, QUERIES, rand('local')));
    if ((seed + 1) % 10 === 0) console.error(`nb201: ${seed + 1}/${SEEDS} seeds, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.log(`\nNAS-Bench-201 (ImageNet16-120 test accuracy; optimum ${optimum}), ${SEEDS} seeds, ${QUERIES} queries per run`);
  console.log(`loop: initial ${initial ?? SEARCH_DEFAULTS.initial}, batch ${batch ?? SEARCH_DEFAULTS.batch}, κ ${SEARCH_DEFAULTS.kappa}, starts ${JSON.stringify(SEARCH_DEFAULTS.starts)}, ${SEARCH_DEFAULTS.steps} steps`);
  console.log('cell: mean best true accuracy, % runs that measured the optimum, median queries to the optimum');
  table([...(args['no-loop'] ? [] : [loop]), rnd, ...rea, ls], checkpoints, optimum, false);
  for (const q of [50, 100, 200]) {
    if (taus[q].length) console.log(`ensemble Kendall τ on all unmeasured cells after ${q} queries: mean ${(taus[q].reduce((a, b) => a + b, 0) / taus[q].length).toFixed(3)} over ${taus[q].length} seeds`);
  }
  if (times100.length) console.log(`wall time of a 100-query search: median ${median(times100).toFixed(2)} s, max ${Math.max(...times100).toFixed(2)} s (CPU time: median ${median(cpu100).toFixed(2)} s, max ${Math.max(...cpu100).toFixed(2)} s)`);
  console.log(`wall time of a ${QUERIES}-query search: median ${median(timesAll).toFixed(2)} s, max ${Math.max(...timesAll).toFixed(2)} s`);
}

async function multires(): Promise<void> {
  const path = join(dir!, 'nasbench-mr.json');
  if (!existsSync(path)) return console.log('multires: skipped — nasbench-mr.json not found');
  const bench = loadMrBenchmark(path);
  const FLOPS = 2.5;
  const b = budgeting('multires', { flopsMax: FLOPS, lambda: 0 });
  const measurer = new MrBenchmarkMeasurer(bench, ['seg']);
  // the benchmark networks a baseline may visit: with seg.mIoU, within the budget (exact cost)
  const pool = measurer.usable.filter((i) => b.feasible(bench.archs[i].code));
  const value = (i: number) => bench.archs[i].results.seg[0];
  const optimum = Math.max(...pool.map(value));
  const benchFlopsPool = measurer.usable.filter((i) => bench.archs[i].flops <= FLOPS).length;
  // neighbours: the 10 nearest pool networks (the benchmark's moves; 24 on NB201 is one move each)
  const near = new Map<number, number[]>();
  const neighbours = (i: number) => {
    let n = near.get(i);
    if (!n) {
      const code = bench.archs[i].code;
      n = pool
        .filter((j) => j !== i)
        .map((j) => ({ j, d: codeDistance(code, bench.archs[j].code) }))
        .sort((a, c) => a.d - c.d || a.j - c.j)
        .slice(0, 10)
        .map((x) => x.j);
      near.set(i, n);
    }
    return n;
  };
  const space: BaselineSpace = {
    random: (rand) => pool[Math.floor(rand() * pool.length)],
    mutate(i, rand, measured) {
      // one position one step, then the nearest pool network not yet measured
      const code = bench.archs[i].code.slice();
      const p = Math.floor(rand() * code.length);
      const r = BENCHMARK_RANGE[CODE_KINDS[p]];
      code[p] = Math.min(r.max, Math.max(r.min, code[p] + (rand() < 0.5 ? -r.step : r.step)));
      let best = i;
      let bd = Infinity;
      for (const j of pool) {
        if (measured.has(j)) continue;
        const d = codeDistance(code, bench.archs[j].code);
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
      return best;
    },
    neighbours,
    value,
  };
  const checkpoints = [50, 100];
  const Q = 100;
  const loop: Series = { name: 'ncp search (GP-UCB loop)', runs: [] };
  const rnd: Series = { name: 'random', runs: [] };
  const rea: Series[] = [];
  for (const pop of [10, 20]) for (const sample of [3, 5]) rea.push({ name: `REA pop ${pop} sample ${sample}`, runs: [] });
  const ls: Series = { name: 'local search', runs: [] };
  let replaced = 0;
  let measuredAll = 0;
  const times: number[] = [];
  const cpus: number[] = [];
  const t0 = Date.now();
  for (let seed = 0; seed < MR_SEEDS; seed++) {
    const start = Date.now();
    const cpu0 = process.cpuUsage();
    const r = await runSearch(
      { space: 'multires', objective: [{ weight: 1, setting: 'seg', metric: 'mIoU' }], lambda: 0, flopsMax: FLOPS, queries: Q, seed, batch, initial },
      measurer,
    );
    times.push((Date.now() - start) / 1000);
    const c = process.cpuUsage(cpu0);
    cpus.push((c.user + c.system) / 1e6);
    const vals = r.measurements.map((m: Measurement) => (m.ok ? m.metrics!.seg.mIoU : -Infinity));
    replaced += r.measurements.filter((m) => m.proposed).length;
    measuredAll += r.measurements.length;
    for (const m of r.measurements) if (!b.feasible(m.point)) throw new Error(`over budget: ${pointKey(m.point)}`);
    loop.runs.push(vals);
    const rand = (k: string) => makeRng(subSeed(seed, 'bench-mr', k));
    rnd.runs.push(randomSearch(space, Q, rand('random')));
    let k = 0;
    for (const pop of [10, 20]) for (const sample of [3, 5]) rea[k++].runs.push(regularizedEvolution(space, Q, pop, sample, rand(`rea${pop}/${sample}`)));
    ls.runs.push(localSearch(space, Q, rand('local')));
    if ((seed + 1) % 10 === 0) console.error(`multires: ${seed + 1}/${MR_SEEDS} seeds, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.log(`\nMulti-resolution: maximise seg.mIoU within ${FLOPS} GMACs (exact cost) over the ${pool.length} such networks of nasbench-mr.json (${benchFlopsPool} by the file's own flops field); best ${optimum}; ${MR_SEEDS} seeds`);
  console.log(`loop proposals replaced by the nearest unmeasured benchmark network: ${((100 * replaced) / measuredAll).toFixed(0)}% of measurements`);
  console.log('cell: gap to the best such network (mean), % runs that measured it, median queries to it');
  table([loop, rnd, ...rea, ls], checkpoints, optimum, true);
  console.log(`wall time of a 100-query multi-resolution search: median ${median(times).toFixed(2)} s (CPU time: median ${median(cpus).toFixed(2)} s)`);
}

(async () => {
  const t = Date.now();
  if (args.only !== 'mr') await nb201();
  if (args.only !== 'nb201') await multires();
  console.log(`\nbench/search: ${((Date.now() - t) / 1000).toFixed(0)} s in all`);
})();
