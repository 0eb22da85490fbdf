// Speed of one propagation (issue 5 goal: a 70-step propagation in < 20 ms median) on the
// shipped predictors: objective seg.mIoU, both strategies, with and without a 2.5 GMACs budget,
// from 30 random starts (each timed after a warm-up). Also prints the predictor's own cost per call.
// Usage: node --import tsx bench/propagate.ts [--models DIR] [--runs 30]
import { parseArgs } from 'node:util';
import { loadPredictorSet } from '../server/src/core/predict';
import { propagate, mulberry32, STRATEGIES } from '../server/src/core/propagate';
import { randomCode } from '../server/src/core/space/multires';

const { values } = parseArgs({ options: { models: { type: 'string' }, runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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
  const rand = mulberry32(1);
  const starts = Array.from({ length: runs }, () => randomCode(rand));
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) seg.valueAndGrad(starts[i % runs], 0);
  const tg = (performance.now() - t0) / 2000;
  const t1 = performance.now();
  for (let i = 0; i < 2000; i++) seg.predict(starts[i % runs]);
  const tp = (performance.now() - t1) / 2000;
  console.log(`predictor 'seg' (${set.version}): valueAndGrad ${(tg * 1000).toFixed(0)} µs, predict ${(tp * 1000).toFixed(0)} µs per call`);

  const lookup = (s: string) => set.get(s);
  const objective = [{ weight: 1, setting: 'seg', metric: 'mIoU' }];
  for (const strategy of STRATEGIES) {
    for (const flopsMax of [undefined, 2.5]) {
      const times: number[] = [];
      const steps: number[] = [];
      for (const [k, start] of starts.entries()) {
        const opts = { space: 'multires' as const, start, objective, strategy, steps: 70, lambda: 0.5, flopsMax, seed: k };
        await propagate(opts, lookup); // warm-up (JIT, caches)
        const t = performance.now();
        const r = await propagate(opts, lookup);
        times.push(performance.now() - t);
        steps.push(r.runs[0].steps);
      }
      console.log(
        `${strategy.padEnd(16)} ${flopsMax === undefined ? 'no budget     ' : `flops <= ${flopsMax} G`}: median ${median(times).toFixed(1)} ms per propagation (70 steps max; median ${median(steps)} steps taken, ${(median(times) / Math.max(1, median(steps))).toFixed(2)} ms per step); goal < 20 ms`,
      );
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
