// Closed-loop search (issue 17) against three baselines, in one process and on the same seeds.
// NAS-Bench-201 (ImageNet16-120 test accuracy): mean best true accuracy among the first N
// measured cells, % of runs that measured the optimum, median queries to the optimum, at
// 50/100/150/300 queries. Multi-resolution: maximise seg.mIoU within 2.5 GMACs over the
// benchmark's networks (moves restricted to them), gap to the best such network at 50/100.
// Also the ensemble's Kendall τ on all unmeasured cells after 50/100/200 queries, and wall times.
// Usage: node --import tsx bench/search.ts [--seeds 100] [--tau-seeds 10] [--mr-seeds 100]
//        [--queries 300] [--only nb201|mr] [--batch 3] [--initial 5] [--workers 1]
// --workers N splits the seeds over N worker threads of this process (same seeds, same results);
// --first-seed K runs seeds K, K+1, … (the defaults were tuned on seeds 0–39).
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { findDataDir, loadMrBenchmark, loadNb201Benchmark } from '../server/src/core/benchmark';
import { MrBenchmarkMeasurer, Nb201BenchmarkMeasurer } from '../server/src/core/search/benchmarkMeasurer';
import { budgeting, fitSurrogate, pointKey, runSearch, SEARCH_DEFAULTS } from '../server/src/core/search/loop';
import type { Measurement } from '../server/src/core/search/types';
import { kendallTau } from '../server/src/core/predict/metrics';
import { makeRng, subSeed } from '../server/src/core/random';
import { NB201_EDGE_COUNT, NB201_OP_COUNT, NB201_SIZE, cellToOneHot, indexToCell, cellToIndex } from '../server/src/core/space/nb201';
import { localSearch, mrPoolSpace, randomSearch, regularizedEvolution, type BaselineSpace } from './search-baselines';

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
    workers: { type: 'string', default: '1' },
    /** First seed (default 0): seeds that the defaults were not tuned on, e.g. --first-seed 1000. */
    'first-seed': { type: 'string', default: '0' },
  },
  args: isMainThread ? process.argv.slice(2) : (workerData as { argv: string[] }).argv,
});
const WORKERS = Math.max(1, Number(args.workers));
const FIRST_SEED = Math.max(0, Math.floor(Number(args['first-seed'])) || 0);
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

interface SeedRecord {
  seed: number;
  loop: number[];
  rnd: number[];
  rea: number[][];
  ls: number[];
  t100?: number;
  c100?: number;
  tAll: number;
  cAll: number;
  taus: Record<number, number>;
  replaced: number;
}

const REA_CONFIGS: [number, number][] = [
  [10, 3],
  [10, 5],
  [20, 3],
  [20, 5],
];

function nb201Setup() {
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
  return { measurer, acc, optimum, space };
}

async function nb201Seed(ctx: ReturnType<typeof nb201Setup>, seed: number): Promise<SeedRecord> {
  const { measurer, acc, space } = ctx;
  const start = Date.now();
  const cpu0 = process.cpuUsage();
  let t100: number | undefined;
  let c100: number | undefined;
  const r = args['no-loop']
    ? { measurements: [] as Measurement[] }
    : await runSearch(
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
  const cAll = process.cpuUsage(cpu0);
  const rec: SeedRecord = {
    seed,
    loop: r.measurements.map((m) => m.metrics!.nb201.acc),
    rnd: [],
    rea: [],
    ls: [],
    t100,
    c100,
    tAll: (Date.now() - start) / 1000,
    cAll: (cAll.user + cAll.system) / 1e6,
    taus: {},
    replaced: 0,
  };
  if (seed - FIRST_SEED < TAU_SEEDS && !args['no-loop']) {
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
      rec.taus[q] = kendallTau(pred, truth);
    }
  }
  const rand = (k: string) => makeRng(subSeed(seed, 'bench', k));
  rec.rnd = randomSearch(space, QUERIES, rand('random'));
  for (const [pop, sample] of REA_CONFIGS) rec.rea.push(regularizedEvolution(space, QUERIES, pop, sample, rand(`rea${pop}/${sample}`)));
  rec.ls = localSearch(space, QUERIES, rand('local'));
  return rec;
}

function nb201Report(recs: SeedRecord[], optimum: number): void {
  const checkpoints = [50, 100, 150, 300].filter((c) => c <= QUERIES);
  const series: Series[] = [
    ...(args['no-loop'] ? [] : [{ name: 'ncp search (GP-UCB loop)', runs: recs.map((r) => r.loop) }]),
    { name: 'random', runs: recs.map((r) => r.rnd) },
    ...REA_CONFIGS.map(([pop, sample], k) => ({ name: `REA pop ${pop} sample ${sample}`, runs: recs.map((r) => r.rea[k]) })),
    { name: 'local search', runs: recs.map((r) => r.ls) },
  ];
  console.log(`\nNAS-Bench-201 (ImageNet16-120 test accuracy; optimum ${optimum}), ${recs.length} seeds, ${QUERIES} queries per run`);
  console.log(`loop: initial ${initial ?? SEARCH_DEFAULTS.initial}, batch ${batch ?? SEARCH_DEFAULTS.batch}, κ ${SEARCH_DEFAULTS.kappa}, starts ${JSON.stringify(SEARCH_DEFAULTS.starts)}, ${SEARCH_DEFAULTS.steps} steps`);
  console.log('cell: mean best true accuracy, % runs that measured the optimum, median queries to the optimum');
  table(series, checkpoints, optimum, false);
  if (!args['no-loop']) console.log(`loop runs that stopped short of ${QUERIES} queries: ${recs.filter((r) => r.loop.length < QUERIES).length}`);
  for (const q of [50, 100, 200]) {
    const ts = recs.map((r) => r.taus[q]).filter((t): t is number => t !== undefined);
    if (ts.length) console.log(`ensemble Kendall τ on all unmeasured cells after ${q} queries: mean ${(ts.reduce((a, b) => a + b, 0) / ts.length).toFixed(3)} over ${ts.length} seeds`);
  }
  const t100 = recs.map((r) => r.t100).filter((t): t is number => t !== undefined);
  if (t100.length) console.log(`wall time of a 100-query search (inside the ${QUERIES}-query runs, ${WORKERS} thread(s)): median ${median(t100).toFixed(2)} s, max ${Math.max(...t100).toFixed(2)} s`);
  console.log(`wall time of a ${QUERIES}-query search and its baselines: median ${median(recs.map((r) => r.tAll)).toFixed(2)} s`);
}

/**
 * Wall and CPU time of 100-query searches run alone in this thread (process CPU time is only
 * this search's when no worker runs): on a shared machine the wall time includes the neighbours.
 */
async function nb201Timing(n: number): Promise<void> {
  const { measurer } = nb201Setup();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let seed = 0; seed < n; seed++) {
    const t = Date.now();
    const c0 = process.cpuUsage();
    await runSearch({ space: 'nb201', objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }], queries: 100, seed, batch, initial }, measurer);
    const c = process.cpuUsage(c0);
    walls.push((Date.now() - t) / 1000);
    cpus.push((c.user + c.system) / 1e6);
  }
  console.log(`a 100-query NAS-Bench-201 search alone (${n} seeds): wall median ${median(walls).toFixed(2)} s, max ${Math.max(...walls).toFixed(2)} s; CPU median ${median(cpus).toFixed(2)} s, max ${Math.max(...cpus).toFixed(2)} s`);
}

const MR_FLOPS = 2.5;
const MR_QUERIES = 100;

function mrSetup() {
  const path = join(dir!, 'nasbench-mr.json');
  if (!existsSync(path)) return undefined;
  const bench = loadMrBenchmark(path);
  const b = budgeting('multires', { flopsMax: MR_FLOPS, lambda: 0 });
  const measurer = new MrBenchmarkMeasurer(bench, ['seg']);
  // the benchmark networks a baseline may visit: with seg.mIoU, within the budget (exact cost)
  const pool = measurer.usable.filter((i) => b.feasible(bench.archs[i].code));
  const value = (i: number) => bench.archs[i].results.seg[0];
  const optimum = Math.max(...pool.map(value));
  const benchFlopsPool = measurer.usable.filter((i) => bench.archs[i].flops <= MR_FLOPS).length;
  // neighbours: the 10 nearest pool networks (on NB201 the 24 one-move neighbours)
  const space = mrPoolSpace(bench, pool, value);
  return { b, measurer, pool, optimum, benchFlopsPool, space };
}

async function mrSeed(ctx: NonNullable<ReturnType<typeof mrSetup>>, seed: number): Promise<SeedRecord> {
  const { b, measurer, space } = ctx;
  const start = Date.now();
  const cpu0 = process.cpuUsage();
  const r = await runSearch(
    { space: 'multires', objective: [{ weight: 1, setting: 'seg', metric: 'mIoU' }], lambda: 0, flopsMax: MR_FLOPS, queries: MR_QUERIES, seed, batch, initial },
    measurer,
  );
  const c = process.cpuUsage(cpu0);
  for (const m of r.measurements) if (!b.feasible(m.point)) throw new Error(`over budget: ${pointKey(m.point)}`);
  const rand = (k: string) => makeRng(subSeed(seed, 'bench-mr', k));
  return {
    seed,
    loop: r.measurements.map((m: Measurement) => (m.ok ? m.metrics!.seg.mIoU : -Infinity)),
    rnd: randomSearch(space, MR_QUERIES, rand('random')),
    rea: REA_CONFIGS.map(([pop, sample]) => regularizedEvolution(space, MR_QUERIES, pop, sample, rand(`rea${pop}/${sample}`))),
    ls: localSearch(space, MR_QUERIES, rand('local')),
    tAll: (Date.now() - start) / 1000,
    cAll: (c.user + c.system) / 1e6,
    taus: {},
    replaced: r.measurements.filter((m) => m.proposed).length,
  };
}

function mrReport(recs: SeedRecord[], ctx: NonNullable<ReturnType<typeof mrSetup>>): void {
  const series: Series[] = [
    { name: 'ncp search (GP-UCB loop)', runs: recs.map((r) => r.loop) },
    { name: 'random', runs: recs.map((r) => r.rnd) },
    ...REA_CONFIGS.map(([pop, sample], k) => ({ name: `REA pop ${pop} sample ${sample}`, runs: recs.map((r) => r.rea[k]) })),
    { name: 'local search', runs: recs.map((r) => r.ls) },
  ];
  const replaced = recs.reduce((a, r) => a + r.replaced, 0);
  const all = recs.reduce((a, r) => a + r.loop.length, 0);
  console.log(`\nMulti-resolution: maximise seg.mIoU within ${MR_FLOPS} GMACs (exact cost) over the ${ctx.pool.length} such networks of nasbench-mr.json (${ctx.benchFlopsPool} by the file's own flops field); best ${ctx.optimum}; ${recs.length} seeds`);
  console.log(`loop: starts ${JSON.stringify(SEARCH_DEFAULTS.startsMultires)}; its proposals replaced by the nearest unmeasured benchmark network: ${((100 * replaced) / Math.max(all, 1)).toFixed(0)}% of measurements`);
  console.log('cell: gap to the best such network (mean), % runs that measured it, median queries to it');
  table(series, [50, 100], ctx.optimum, true);
  console.log(`wall time of a 100-query multi-resolution search and its baselines: median ${median(recs.map((r) => r.tAll)).toFixed(2)} s${WORKERS === 1 ? ` (CPU ${median(recs.map((r) => r.cAll)).toFixed(2)} s)` : ''}`);
}

type Kind = 'nb201' | 'mr';

async function runSeeds(kind: Kind, seeds: number[]): Promise<SeedRecord[]> {
  if (kind === 'nb201') {
    const ctx = nb201Setup();
    const out: SeedRecord[] = [];
    for (const s of seeds) out.push(await nb201Seed(ctx, s));
    return out;
  }
  const ctx = mrSetup()!;
  const out: SeedRecord[] = [];
  for (const s of seeds) out.push(await mrSeed(ctx, s));
  return out;
}

/** Seeds FIRST_SEED..FIRST_SEED+n−1, split round-robin over the worker threads (or run here with one). */
async function allSeeds(kind: Kind, n: number): Promise<SeedRecord[]> {
  const seeds = Array.from({ length: n }, (_, i) => FIRST_SEED + i);
  if (WORKERS <= 1) return runSeeds(kind, seeds);
  const parts = Array.from({ length: WORKERS }, (_, w) => seeds.filter((s) => s % WORKERS === w)).filter((p) => p.length > 0);
  const results = await Promise.all(
    parts.map(
      (part) =>
        new Promise<SeedRecord[]>((resolve, reject) => {
          const w = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: { argv: process.argv.slice(2), kind, seeds: part } });
          w.once('message', (m: SeedRecord[]) => resolve(m));
          w.once('error', reject);
        }),
    ),
  );
  return results.flat().sort((a, b) => a.seed - b.seed);
}

async function nb201(): Promise<void> {
  const t0 = Date.now();
  const recs = await allSeeds('nb201', SEEDS);
  console.error(`nb201: ${SEEDS} seeds in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  nb201Report(recs, nb201Setup().optimum);
  if (!args['no-loop']) await nb201Timing(Math.min(5, SEEDS));
}

async function multires(): Promise<void> {
  const ctx = mrSetup();
  if (!ctx) return console.log('multires: skipped — nasbench-mr.json not found');
  const t0 = Date.now();
  const recs = await allSeeds('mr', MR_SEEDS);
  console.error(`multires: ${MR_SEEDS} seeds in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  mrReport(recs, ctx);
}

if (!isMainThread) {
  const { kind, seeds } = workerData as { kind: Kind; seeds: number[] };
  void runSeeds(kind, seeds).then((r) => parentPort!.postMessage(r));
} else {
  void (async () => {
    const t = Date.now();
    if (args.only !== 'mr') await nb201();
    if (args.only !== 'nb201') await multires();
    console.log(`\nbench/search: ${((Date.now() - t) / 1000).toFixed(0)} s in all`);
  })();
}
