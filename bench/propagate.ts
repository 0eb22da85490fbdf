// Speed of one propagation (issue 5 goal: a 70-step propagation in < 20 ms median) on the
// shipped predictors: objective seg.mIoU, both strategies, with and without a 2.5 GMACs budget,
// from 30 random starts (each timed after a warm-up). Also prints the predictor's own cost per call.
// Usage: node --import tsx bench/propagate.ts [--models DIR] [--runs 30]
// Bundled, as dist/ runs it (same esbuild options as scripts/build.mjs):
//   npx esbuild bench/propagate.ts --bundle --platform=node --format=cjs --target=node20 \
//     --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --outfile=/tmp/ncp-bench-propagate.cjs \
//   && node /tmp/ncp-bench-propagate.cjs --models server/src/models
import { parseArgs } from 'node:util';
import { loadPredictorSet } from '../server/src/core/predict';
import { propagate, makeRng, STRATEGIES } from '../server/src/core/propagate';
import { BENCHMARK_RANGE, CODE_KINDS, CODE_LENGTH, randomCode } from '../server/src/core/space/multires';
import type { DifferentiablePredictor, Estimate } from '../server/src/core/predict/types';

/** A concave analytic stand-in (a few µs per call): what the engine itself costs, predictors aside. */
function analytic(setting: string): DifferentiablePredictor {
  const span = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].max - BENCHMARK_RANGE[k].min);
  const f = (x: ArrayLike<number>) => {
    let v = 60;
    const g = new Float64Array(CODE_LENGTH);
    for (let i = 0; i < CODE_LENGTH; i++) {
      const d = (x[i] - 64) / span[i];
      v -= d * d;
      g[i] = (-2 * d) / span[i];
    }
    return { v, g };
  };
  const predict = (x: ArrayLike<number>): Estimate[] => [{ mean: f(x).v, std: 0 }];
  return { setting, metrics: ['mIoU'], predict, predictBatch: (xs) => xs.map(predict), valueAndGrad: (x) => ({ mean: f(x).v, std: 0, grad: f(x).g }) };
}

const { values } = parseArgs({ options: { models: { type: 'string' }, runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Nearest-rank 95th percentile. */
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * xs.length) - 1)];

async function main(): Promise<void> {
  let set;
  try {
    set = await loadPredictorSet(values.models);
  } catch (e) {
    console.log(`bench/propagate: skipped — cannot load the predictors: ${(e as Error).message}`);
    return;
  }
  const seg = set.get('seg');
  if (!seg) {
    console.log("bench/propagate: skipped — no 'seg' predictor");
    return;
  }
  const rand = makeRng(1);
  const starts = Array.from({ length: runs }, () => randomCode(rand));
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) seg.valueAndGrad(starts[i % runs], 0);
  const tg = (performance.now() - t0) / 2000;
  const t1 = performance.now();
  for (let i = 0; i < 2000; i++) seg.predict(starts[i % runs]);
  const tp = (performance.now() - t1) / 2000;
  console.log(`load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
  console.log(`predictor 'seg' (${set.version}): valueAndGrad ${(tg * 1000).toFixed(0)} µs, predict ${(tp * 1000).toFixed(0)} µs per call`);

  const objective = [{ weight: 1, setting: 'seg', metric: 'mIoU' }];
  const stub = analytic('seg');
  for (const strategy of STRATEGIES) {
    const times: number[] = [];
    const cpu: number[] = [];
    for (const [k, start] of starts.entries()) {
      const opts = { space: 'multires' as const, start, objective, strategy, steps: 70, lambda: 0.5, flopsMax: 2.5, seed: k };
      await propagate(opts, () => stub);
      const c = process.cpuUsage();
      const t = performance.now();
      await propagate(opts, () => stub);
      times.push(performance.now() - t);
      const dc = process.cpuUsage(c);
      cpu.push((dc.user + dc.system) / 1000);
    }
    console.log(`engine alone (analytic predictor), ${strategy}, flops <= 2.5 G: median ${median(times).toFixed(2)} ms wall, ${median(cpu).toFixed(2)} ms CPU per propagation`);
  }
  const lookup = (s: string) => set.get(s);
  for (const strategy of STRATEGIES) {
    for (const flopsMax of [undefined, 2.5]) {
      const times: number[] = [];
      const cpu: number[] = [];
      const steps: number[] = [];
      for (const [k, start] of starts.entries()) {
        const opts = { space: 'multires' as const, start, objective, strategy, steps: 70, lambda: 0.5, flopsMax, seed: k };
        await propagate(opts, lookup); // warm-up (JIT, caches)
        const c = process.cpuUsage();
        const t = performance.now();
        const r = await propagate(opts, lookup);
        times.push(performance.now() - t);
        const dc = process.cpuUsage(c);
        cpu.push((dc.user + dc.system) / 1000);
        steps.push(r.runs[0].steps);
      }
      console.log(
        `${strategy.padEnd(16)} ${flopsMax === undefined ? 'no budget     ' : `flops <= ${flopsMax} G`}: median ${median(times).toFixed(1)} ms wall (p95 ${p95(times).toFixed(1)}), ${median(cpu).toFixed(1)} ms CPU per propagation (70 steps max; median ${median(steps)} taken); goal < 20 ms median`,
      );
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
