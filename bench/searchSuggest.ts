// Time of one "Suggest next networks" (core/search/suggest.ts, the step the editor's lens and
// `ncp suggest` run) on generated measurement files of growing size, both spaces. Prints the
// median of a few runs. Synthetic objectives: no benchmark data is read.
//   node --import tsx bench/searchSuggest.ts [--repeats 3]
import { parseArgs } from 'node:util';
import { suggestNext } from '../server/src/core/search/suggest';
import type { Measurement } from '../server/src/core/search/types';
import { cost } from '../server/src/core/cost';
import { randomCode } from '../server/src/core/space/multires';
import { makeRng } from '../server/src/core/random';

const { values } = parseArgs({ options: { repeats: { type: 'string' } } });
const repeats = Math.max(1, Number(values.repeats ?? 3));
const WEIGHT = [-2, 0.5, 1, 2, 0.2];

function nb201(n: number, seed: number): Measurement[] {
  const rand = makeRng(seed);
  const seen = new Set<string>();
  const out: Measurement[] = [];
  while (out.length < n) {
    const c = Array.from({ length: 6 }, () => Math.floor(rand() * 5));
    if (seen.has(c.join())) continue;
    seen.add(c.join());
    const acc = 40 + c.reduce((s, op, e) => s + WEIGHT[op] * (1 + e / 6), 0) + rand();
    out.push({ space: 'nb201', point: c, metrics: { nb201: { acc } }, ok: true, seconds: 0 });
  }
  return out;
}

function multires(n: number, seed: number): Measurement[] {
  const rand = makeRng(seed);
  return Array.from({ length: n }, () => {
    const code = randomCode(rand);
    return { space: 'multires', point: code, metrics: { seg: { mIoU: 60 + 5 * Math.log(1 + cost(code).flops) + rand() } }, ok: true, seconds: 0 } as Measurement;
  });
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
console.log(`suggest: median wall time of ${repeats} run(s) per row`);
console.log('space     measurements  batch  seconds');
for (const [space, n, batch] of [['nb201', 30, 3], ['nb201', 100, 3], ['nb201', 300, 10], ['multires', 30, 3], ['multires', 100, 3], ['multires', 300, 10]] as const) {
  const ms = space === 'nb201' ? nb201(n, 1) : multires(n, 1);
  const objective = space === 'nb201' ? [{ weight: 1, setting: 'nb201', metric: 'acc' }] : [{ weight: 1, setting: 'seg', metric: 'mIoU' }];
  const times: number[] = [];
  let got = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const res = await suggestNext({ space, measurements: ms, objective, count: batch, seed: r, ...(space === 'multires' ? { flopsMax: 2.5, lambda: 0 } : {}) });
    times.push((performance.now() - t0) / 1000);
    got = res.suggestions.length;
  }
  console.log(`${space.padEnd(9)} ${String(n).padStart(12)}  ${String(batch).padStart(5)}  ${median(times).toFixed(2)}${got < batch ? ` (only ${got})` : ''}`);
}
}

void main();
