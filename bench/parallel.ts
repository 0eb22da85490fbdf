// Measuring many networks at once (issue #22), in simulated time: NAS-Bench-201 (ImageNet16-120
// test accuracy) with each cell's training time proportional to its FLOPs,
//     seconds(cell) = SECONDS_PER_MFLOP × MFLOPs(cell)   (default 30 s per MFLOP: the benchmark's
//     cells, 7.8–184 MFLOPs, take 4 min to 1.5 h),
// and an event-queue simulator (core/search/simulate.ts) that charges each scheduler's own
// proposal time (wall clock) to the simulated clock. Schedulers: the asynchronous loop
// (core/search/asyncLoop.ts; pending networks by kriging believer or constant liar), asynchronous
// regularized evolution (Real et al. 2019, as they ran it: a freed worker mutates the tournament
// winner of the last P completed), random search, all at 1/4/8/16 workers; and the sequential loop
// (core/search/loop.ts, batches of 3 measured one after another). Prints the mean best true accuracy
// against completed measurements and against simulated time, and whether the goals hold:
//   8 workers: mean best after 100 completed within 0.05 of the sequential loop's at 100 queries;
//   8 workers: ahead of asynchronous REA (8 workers) at every simulated time;
//   time to a mean best of 46.8 at least 6× shorter than sequential.
// With REA it runs an A/A control: REA with another mutation stream, checked against REA the same
// way, which shows how far the "at every time" check moves on noise alone at this many seeds.
// Usage: node --import tsx bench/parallel.ts [--seeds 100] [--first-seed 0] [--completions 100]
//        [--workers 1,4,8,16] [--pending believer,liar] [--seconds-per-mflop 30] [--only loop,rea,random,seq]
//        [--procs 2]
// --procs N runs the seeds in N child processes (contiguous blocks of seeds, merged in seed order;
// a run depends only on its seed and the charged proposal times, so the figures are those of one
// process). The children are ended with the bench on SIGINT, SIGTERM and SIGHUP.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findDataDir, loadNb201Benchmark } from '../server/src/core/benchmark';
import { AsyncProposer } from '../server/src/core/search/asyncLoop';
import { COST_AWARE_DEFAULTS } from '../server/src/core/search/costAware';
import { Nb201BenchmarkMeasurer } from '../server/src/core/search/benchmarkMeasurer';
import { budgeting, designStream, runSearch } from '../server/src/core/search/loop';
import { simulate, type AskTell } from '../server/src/core/search/simulate';
import type { Measurement } from '../server/src/core/search/types';
import { makeRng, subSeed } from '../server/src/core/random';
import { NB201_EDGE_COUNT, NB201_OP_COUNT, NB201_SIZE, cellToIndex, indexToCell } from '../server/src/core/space/nb201';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    'first-seed': { type: 'string', default: '0' },
    completions: { type: 'string', default: '100' },
    workers: { type: 'string', default: '1,4,8,16' },
    pending: { type: 'string', default: 'believer' },
    'seconds-per-mflop': { type: 'string', default: '30' },
    only: { type: 'string', default: 'loop,rea,random,seq' },
    target: { type: 'string', default: '46.8' },
    procs: { type: 'string', default: '1' },
    /** The loop's cost-aware start: α₀ (0: off) and the share of the queries over which α cools to 0. */
    'cost-alpha': { type: 'string', default: String(COST_AWARE_DEFAULTS.alpha) },
    'cost-share': { type: 'string', default: String(COST_AWARE_DEFAULTS.share) },
    /** ei: EI / FLOPs^α; ucb: UCB less α·spread per e-fold of FLOPs above a random cell's. */
    'cost-form': { type: 'string', default: 'ei' },
    /** The asynchronous loop's results before its ensemble proposes (random networks of the design stream until then). */
    'model-after': { type: 'string', default: '2' },
    /** Internal: a child of --procs prints its runs as JSON. */
    'emit-json': { type: 'boolean', default: false },
  },
});
const PROCS = Math.min(16, Math.max(1, Math.floor(Number(args.procs)) || 1));
const EMIT = args['emit-json'];
const MODEL_AFTER = Math.min(100, Math.max(2, Math.floor(Number(args['model-after'])) || 2));
const COST_AWARE = { alpha: Number(args['cost-alpha']), share: Number(args['cost-share']), form: args['cost-form'] === 'ucb' ? ('ucb' as const) : ('ei' as const) };
if (!(COST_AWARE.alpha >= 0 && COST_AWARE.alpha <= 4 && COST_AWARE.share >= 0 && COST_AWARE.share <= 1)) {
  console.error('bench/parallel: --cost-alpha is 0–4 and --cost-share 0–1');
  process.exit(2);
}
const SEEDS = Math.max(1, Math.floor(Number(args.seeds)));
const FIRST = Math.max(0, Math.floor(Number(args['first-seed'])));
const C = Math.max(10, Math.floor(Number(args.completions)));
const WORKERS = args.workers.split(',').map(Number);
const PENDING = args.pending.split(',') as ('believer' | 'liar')[];
const SPM = Number(args['seconds-per-mflop']);
const ONLY = new Set(args.only.split(','));
const TARGET = Number(args.target);
const REA_POP = 10;
const REA_SAMPLE = 5;
const REA_NAME = `async REA p${REA_POP} s${REA_SAMPLE}`;
const REA_CONTROL = `${REA_NAME}, other mutations`;

const dir = findDataDir();
if (!dir) {
  console.log('bench/parallel: skipped — benchmark data not found (set NCP_DATA_DIR or put the files in ../shared/data)');
  process.exit(0);
}
const bench = loadNb201Benchmark(join(dir, 'nasbench201.json'));
const acc = new Nb201BenchmarkMeasurer(bench).acc;
const mflops = new Float64Array(NB201_SIZE);
for (const a of bench.archs) mflops[cellToIndex(a.ops)] = a.flops;
const duration = (p: readonly number[]) => SPM * mflops[cellToIndex(p)];
const measure = (p: readonly number[]): Measurement => ({ space: 'nb201', point: p.slice(), metrics: { nb201: { acc: acc[cellToIndex(p)] } }, ok: true, seconds: duration(p) });
const objective = [{ weight: 1, setting: 'nb201', metric: 'acc' }];

/** A run: (time, accuracy) of each completed measurement, in completion order. */
type Run = { t: number; v: number }[];

/** The seed's random cells in the order the loop draws its initial design (common random numbers). */
const design = (seed: number) => designStream('nb201', seed, budgeting('nb201', {}));

class RandomSearch implements AskTell {
  private readonly seen = new Set<number>();
  private readonly draw: () => number[];
  constructor(seed: number) {
    this.draw = design(seed);
  }
  ask(pending: readonly (readonly number[])[]): number[] {
    const busy = new Set([...this.seen, ...pending.map(cellToIndex)]);
    for (;;) {
      const c = this.draw();
      if (!busy.has(cellToIndex(c))) return c;
    }
  }
  tell(m: Measurement): void {
    this.seen.add(cellToIndex(m.point));
  }
}

/** Asynchronous regularized evolution: population = the last P completed; a freed worker mutates a tournament winner. */
class AsyncRea implements AskTell {
  private readonly seen = new Set<number>();
  private readonly population: { i: number; v: number }[] = [];
  private readonly rand: () => number;
  private readonly draw: () => number[];
  /** `stream`: the mutations' random stream (the control draws another one). */
  constructor(seed: number, stream = 'rea') {
    this.rand = makeRng(subSeed(seed, stream));
    this.draw = design(seed);
  }
  ask(pending: readonly (readonly number[])[]): number[] {
    const busy = new Set([...this.seen, ...pending.map(cellToIndex)]);
    const random = () => {
      for (;;) {
        const c = this.draw();
        if (!busy.has(cellToIndex(c))) return c;
      }
    };
    if (this.population.length < REA_POP) return random();
    for (let t = 0; t < 100; t++) {
      let best: { i: number; v: number } | undefined;
      for (let k = 0; k < REA_SAMPLE; k++) {
        const c = this.population[Math.floor(this.rand() * this.population.length)];
        if (!best || c.v > best.v) best = c;
      }
      const cell = indexToCell(best!.i);
      const e = Math.floor(this.rand() * NB201_EDGE_COUNT);
      cell[e] = (cell[e] + 1 + Math.floor(this.rand() * (NB201_OP_COUNT - 1))) % NB201_OP_COUNT;
      if (!busy.has(cellToIndex(cell))) return cell;
    }
    return random();
  }
  tell(m: Measurement): void {
    const i = cellToIndex(m.point);
    this.seen.add(i);
    this.population.push({ i, v: acc[i] });
    if (this.population.length > REA_POP) this.population.shift();
  }
}

async function simulated(s: AskTell, workers: number): Promise<Run> {
  const ev = await simulate(s, { workers, completions: C, duration, measure });
  return ev.map((e) => ({ t: e.time, v: acc[cellToIndex(e.measurement.point)] }));
}

/** The sequential loop on the same clock: each measurement's duration plus the loop's own time between them. */
async function sequential(seed: number): Promise<Run> {
  const run: Run = [];
  let clock = 0;
  let mark = performance.now();
  await runSearch({ space: 'nb201', objective, queries: C, seed }, {
    async measure(p) {
      clock += (performance.now() - mark) / 1000 + duration(p);
      const m = measure(p);
      run.push({ t: clock, v: acc[cellToIndex(p)] });
      mark = performance.now();
      return m;
    },
  });
  return run;
}

interface Series {
  name: string;
  workers: number;
  runs: Run[];
  wall: number;
}

const series: Series[] = [];
async function add(name: string, workers: number, one: (seed: number) => Promise<Run>): Promise<void> {
  const t0 = performance.now();
  const runs: Run[] = [];
  for (let s = FIRST; s < FIRST + SEEDS; s++) runs.push(await one(s));
  series.push({ name, workers, runs, wall: (performance.now() - t0) / 1000 });
  process.stderr.write(`bench/parallel: ${name} ${workers} worker(s): ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

function bestAfter(run: Run, k: number): number {
  let b = -Infinity;
  for (let i = 0; i < Math.min(k, run.length); i++) b = Math.max(b, run[i].v);
  return b;
}
function bestAt(run: Run, t: number): number {
  let b = -Infinity;
  for (const e of run) if (e.t <= t) b = Math.max(b, e.v);
  return b;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const meanAfter = (s: Series, k: number) => mean(s.runs.map((r) => bestAfter(r, k)));
const meanAt = (s: Series, t: number) => mean(s.runs.map((r) => bestAt(r, t)));
/** First simulated time the mean best reaches the target (at the series' own event times). */
function timeTo(s: Series, target: number): number | undefined {
  const times = [...new Set(s.runs.flatMap((r) => r.map((e) => e.t)))].sort((a, b) => a - b);
  for (const t of times) if (meanAt(s, t) >= target) return t;
  return undefined;
}
const h = (t: number | undefined) => (t === undefined ? '—' : `${(t / 3600).toFixed(1)} h`);

async function runHere(): Promise<void> {
  for (const w of WORKERS) {
    if (ONLY.has('loop')) for (const p of PENDING) await add(`loop (${p}${COST_AWARE.alpha > 0 ? `, ${COST_AWARE.form} α ${COST_AWARE.alpha}/${COST_AWARE.share}` : ''}${MODEL_AFTER !== 2 ? `, model after ${MODEL_AFTER}` : ''})`, w, (seed) => simulated(new AsyncProposer({ space: 'nb201', objective, queries: C, seed, pending: p, costAware: COST_AWARE, modelAfter: MODEL_AFTER }), w));
    if (ONLY.has('rea')) await add(REA_NAME, w, (seed) => simulated(new AsyncRea(seed), w));
    if (ONLY.has('rea') && w === 8) await add(REA_CONTROL, w, (seed) => simulated(new AsyncRea(seed, 'rea-control'), w));
    if (ONLY.has('random')) await add('random', w, (seed) => simulated(new RandomSearch(seed), w));
  }
  if (ONLY.has('seq')) await add('sequential loop', 1, sequential);
}

/** Runs blocks of seeds in child processes and merges their series in seed order. */
async function runInChildren(): Promise<void> {
  const children = new Set<ChildProcess>();
  const stop = (sig: NodeJS.Signals) => {
    for (const c of children) c.kill('SIGTERM');
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => stop(sig));
  process.once('exit', () => {
    for (const c of children) c.kill('SIGTERM');
  });
  const procs = Math.min(PROCS, SEEDS);
  const blocks: { first: number; seeds: number }[] = [];
  for (let i = 0, at = FIRST; i < procs; i++) {
    const n = Math.floor(SEEDS / procs) + (i < SEEDS % procs ? 1 : 0);
    blocks.push({ first: at, seeds: n });
    at += n;
  }
  const passOn = process.argv.slice(2).filter((a, i, all) => !['--procs', '--seeds', '--first-seed'].includes(a) && !['--procs', '--seeds', '--first-seed'].includes(all[i - 1]) && !/^--(procs|seeds|first-seed)=/.test(a));
  const outs = await Promise.all(
    blocks.map(
      (b) =>
        new Promise<Series[]>((resolve, reject) => {
          const c = spawn(process.execPath, [...process.execArgv, process.argv[1], ...passOn, '--seeds', String(b.seeds), '--first-seed', String(b.first), '--emit-json'], { stdio: ['ignore', 'pipe', 'inherit'] });
          children.add(c);
          let out = '';
          c.stdout!.setEncoding('utf8');
          c.stdout!.on('data', (d: string) => (out += d));
          c.on('error', reject);
          c.on('close', (code) => {
            children.delete(c);
            if (code !== 0) reject(new Error(`bench/parallel: the child for seeds ${b.first}–${b.first + b.seeds - 1} exited with ${code}`));
            else resolve(JSON.parse(out) as Series[]);
          });
        }),
    ),
  );
  for (let k = 0; k < outs[0].length; k++) {
    const parts = outs.map((o) => o[k]);
    series.push({ name: parts[0].name, workers: parts[0].workers, runs: parts.flatMap((p) => p.runs), wall: parts.reduce((a, p) => a + p.wall, 0) });
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  if (PROCS > 1 && !EMIT) await runInChildren();
  else await runHere();
  if (EMIT) {
    process.stdout.write(JSON.stringify(series));
    return;
  }

  console.log(`bench/parallel: NAS-Bench-201 ImageNet16-120, seconds = ${SPM} × MFLOPs, seeds ${FIRST}–${FIRST + SEEDS - 1}, ${C} completed measurements; wall ${((performance.now() - t0) / 1000).toFixed(0)} s in ${Math.min(PROCS, SEEDS)} process(es) (the wall column: CPU-bound seconds summed over them)`);
  const ks = [10, 25, 50, 75, 100, 150, 200].filter((k) => k <= C);
  console.log('\nmean best accuracy after N completed measurements');
  console.log(`${'scheduler'.padEnd(26)}${'workers'.padStart(8)}${ks.map((k) => String(k).padStart(8)).join('')}   time to ${TARGET}   sim. end   wall`);
  for (const s of series) {
    const end = mean(s.runs.map((r) => r[r.length - 1].t));
    console.log(`${s.name.padEnd(26)}${String(s.workers).padStart(8)}${ks.map((k) => meanAfter(s, k).toFixed(2).padStart(8)).join('')}   ${h(timeTo(s, TARGET)).padStart(11)}   ${h(end).padStart(8)}   ${s.wall.toFixed(0)} s`);
  }
  const grid = [0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48].map((x) => x * 3600);
  console.log('\nmean best accuracy at simulated time');
  console.log(`${'scheduler'.padEnd(26)}${'workers'.padStart(8)}${grid.map((t) => `${t / 3600} h`.padStart(8)).join('')}`);
  for (const s of series) console.log(`${s.name.padEnd(26)}${String(s.workers).padStart(8)}${grid.map((t) => { const v = meanAt(s, t); return (Number.isFinite(v) ? v.toFixed(2) : '—').padStart(8); }).join('')}`);

  const seq = series.find((s) => s.name === 'sequential loop');
  const rea8 = series.find((s) => s.name === REA_NAME && s.workers === 8);
  for (const loop8 of series.filter((s) => s.name.startsWith('loop') && s.workers === 8)) {
    console.log(`\ngoals, ${loop8.name} with 8 workers:`);
    if (seq) {
      const a = meanAfter(loop8, 100);
      const b = meanAfter(seq, 100);
      console.log(`  after 100 completed ${a.toFixed(3)} vs sequential at 100 queries ${b.toFixed(3)} (gap ${(b - a).toFixed(3)}): ${b - a <= 0.05 ? 'holds' : 'FAILS'} (within 0.05)`);
      const tl = timeTo(loop8, TARGET);
      const ts = timeTo(seq, TARGET);
      const ratio = tl !== undefined && ts !== undefined ? ts / tl : undefined;
      console.log(`  time to a mean best of ${TARGET}: ${h(tl)} vs sequential ${h(ts)} = ${ratio === undefined ? '—' : `${ratio.toFixed(1)}×`} shorter: ${ratio !== undefined && ratio >= 6 ? 'holds' : 'FAILS'} (≥ 6×)`);
    }
    if (rea8) {
      const ev = leadOver(loop8, rea8);
      console.log(`  ahead of async REA (8 workers) at ${ev.events.compared - ev.events.behind} of ${ev.events.compared} event times up to ${h(ev.end)}, behind for ${ev.events.behindFor.toFixed(1)} simulated s in all; smallest lead ${ev.events.worst.toFixed(3)} at ${at(ev.events.worstAt)}`);
      console.log(`  1 s after every event: behind at ${ev.second.behind} of ${ev.second.compared}; smallest lead ${ev.second.worst.toFixed(3)} at ${at(ev.second.worstAt)} (paired standard error there ${pairedSe(loop8, rea8, ev.second.worstAt).toFixed(3)}): ${ev.second.behind === 0 ? 'holds' : 'FAILS'}`);
    }
  }
  const control = series.find((s) => s.name === REA_CONTROL && s.workers === 8);
  if (rea8 && control) {
    // an A/A check: the same evolution with another mutation stream is no better or worse than REA,
    // so its smallest lead is what the "at every time" check reads from noise at this many seeds
    const ev = leadOver(control, rea8);
    console.log(`\ncontrol, ${REA_CONTROL} against async REA (8 workers), the noise of the check at ${SEEDS} seeds:`);
    console.log(`  1 s after every event: behind at ${ev.second.behind} of ${ev.second.compared}; smallest lead ${ev.second.worst.toFixed(3)} at ${at(ev.second.worstAt)} (paired standard error there ${pairedSe(control, rea8, ev.second.worstAt).toFixed(3)}); largest ${ev.second.best.toFixed(3)}`);
  }
}

const at = (t: number) => `${(t / 3600).toFixed(3)} h (${t.toFixed(1)} s)`;

/** Standard error of the mean per-seed difference of best-so-far at time t (the seeds pair up by their common random numbers). */
function pairedSe(a: Series, b: Series, t: number): number {
  const d = a.runs.map((r, i) => bestAt(r, t) - bestAt(b.runs[i], t)).filter(Number.isFinite);
  const m = mean(d);
  return Math.sqrt(d.reduce((x, v) => x + (v - m) ** 2, 0) / Math.max(1, d.length - 1) / d.length);
}

/**
 * a's lead over b in mean best: (a) at every event time of either, with the time a spends behind
 * summed over the intervals between events; (b) one simulated second after every event: a cell
 * both started ends a millisecond later in the loop (its charged proposal time), which (a) counts
 * as behind.
 */
function leadOver(a: Series, b: Series) {
  const events = [...new Set([...a.runs, ...b.runs].flatMap((r) => r.map((e) => e.t)))].sort((x, y) => x - y);
  const end = Math.min(...[a, b].map((s) => Math.min(...s.runs.map((r) => r[r.length - 1].t))));
  const compare = (times: number[]) => {
    let behind = 0;
    let behindFor = 0;
    let worst = Infinity;
    let worstAt = 0;
    let best = -Infinity;
    let compared = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      if (t > end) break;
      const x = meanAt(a, t);
      const y = meanAt(b, t);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      compared++;
      if (x - y < worst) {
        worst = x - y;
        worstAt = t;
      }
      best = Math.max(best, x - y);
      if (x < y) {
        behind++;
        behindFor += Math.min(times[i + 1] ?? end, end) - t;
      }
    }
    return { behind, behindFor, worst, worstAt, best, compared };
  };
  return { end, events: compare(events), second: compare([...new Set(events.map((t) => t + 1))]) };
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
