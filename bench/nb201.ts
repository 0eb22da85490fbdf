// Search quality on NAS-Bench-201 (issue 5): a predictor trained on 1,000 random cells,
// 100 random starts, both strategies.
//   (a) single start: the result is at least as high (within 0.1) as a best-improvement hill
//       climb over one-edge changes from the same start — goal: ≥ 90% of starts (winner-takes-all);
//   (b) --restarts 10: within 0.1 of the predictor's enumerated global optimum — goal: ≥ 80%;
//   the true accuracy of the results beside random search with the same benchmark queries.
// Usage: node --import tsx bench/nb201.ts [--train-samples 1000] [--starts 100] [--seed 1] [--restarts 10]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findDataDir, loadNb201Benchmark } from '../server/src/core/benchmark';
import { trainPredictor } from '../server/src/core/predict';
import { propagate, makeRng, nb201Space, STRATEGIES } from '../server/src/core/propagate';
import { prepareNb201 } from '../server/src/core/propagate/nb201Experiment';
import { hillClimbCell, randomSearchCells } from '../server/src/core/propagate/baselines';
import { NB201_SIZE, cellToIndex, indexToCell } from '../server/src/core/space/nb201';
import type { DifferentiablePredictor, Estimate } from '../server/src/core/predict/types';

const { values } = parseArgs({
  options: {
    'train-samples': { type: 'string', default: '1000' },
    starts: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    restarts: { type: 'string', default: '10' },
  },
});
const N = Number(values['train-samples']);
const K = Number(values.starts);
const seed = Number(values.seed);
const R = Number(values.restarts);

const dir = findDataDir();
if (!dir) {
  console.log('bench/nb201: skipped — no data folder (set NCP_DATA_DIR to the folder with nasbench201.json)');
  process.exit(0);
}
const bench = loadNb201Benchmark(join(dir, 'nasbench201.json'));
const pct = (k: number, n: number) => `${k}/${n} (${((100 * k) / n).toFixed(0)}%)`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const t0 = Date.now();
  const prep = await prepareNb201(bench, (i, t, o) => trainPredictor(i, t, o), N, seed);
  const { predictions: P, trueAcc, optimum, predictor } = prep;
  const opt = P[optimum];
  console.log(`NAS-Bench-201: predictor trained on ${N} random cells (seed ${seed}) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(`predictor's optimum (15,625 cells enumerated): predicted ${opt.toFixed(2)} %, true ${trueAcc[optimum].toFixed(2)} %; best true cell ${Math.max(...trueAcc).toFixed(2)} %`);
  const startRand = makeRng(seed + 7);
  const starts = Array.from({ length: K }, () => indexToCell(Math.floor(startRand() * NB201_SIZE)));

  // Hill-climbing references (on the enumerated predictions).
  const hc = starts.map((s) => hillClimbCell(s, P));
  const hcOpt = hc.filter((h) => opt - h.value <= 0.1).length;
  const hc10 = starts.map((s, k) => {
    const rand = makeRng(seed * 1000 + k);
    let best = hc[k].value;
    for (let r = 1; r < R; r++) best = Math.max(best, hillClimbCell(nb201Space.perturb(s, rand), P).value);
    return best;
  });
  const hc10Opt = hc10.filter((v) => opt - v <= 0.1).length;
  console.log(`best-improvement hill climb: optimum reached from ${pct(hcOpt, K)} starts; best of ${R} climbs from perturbed copies: ${pct(hc10Opt, K)}`);

  // Counts predictor queries (one per cell evaluated or differentiated), for random search at the same count.
  // predictMetricLazy (what propagation uses when offered) counts once per cell, its gradient included.
  let queries = 0;
  type Lazy = { predictMetricLazy?: (x: ArrayLike<number>, m: number) => Estimate & { grad(): Float64Array } };
  const inner: DifferentiablePredictor & Lazy = predictor;
  const counted: DifferentiablePredictor & Lazy = {
    setting: predictor.setting,
    metrics: predictor.metrics,
    predict: (x) => (queries++, predictor.predict(x)),
    predictBatch: (xs) => ((queries += xs.length), predictor.predictBatch(xs)),
    valueAndGrad: (x, m) => (queries++, predictor.valueAndGrad(x, m)),
    ...(inner.predictMetricLazy ? { predictMetricLazy: (x: ArrayLike<number>, m: number) => (queries++, inner.predictMetricLazy!(x, m)) } : {}),
  };
  const lookup = (s: string) => (s === 'nb201' ? counted : undefined);
  const objective = [{ weight: 1, setting: 'nb201', metric: 'acc' }];
  for (const strategy of STRATEGIES) {
    const t1 = Date.now();
    let a = 0;
    let b = 0;
    let b1 = 0;
    const true1: number[] = [];
    const true10: number[] = [];
    const steps1: number[] = [];
    const queries1: number[] = [];
    const queries10: number[] = [];
    for (const [k, start] of starts.entries()) {
      queries = 0;
      const r1 = await propagate({ space: 'nb201', start, objective, strategy, seed: k }, lookup);
      queries1.push(queries);
      if (r1.resultEval.objective >= hc[k].value - 0.1) a++;
      if (opt - r1.resultEval.objective <= 0.1) b1++;
      true1.push(trueAcc[cellToIndex(r1.result)]);
      steps1.push(r1.runs[0].steps);
      queries = 0;
      const r10 = await propagate({ space: 'nb201', start, objective, strategy, seed: k, restarts: R }, lookup);
      queries10.push(queries);
      if (opt - r10.resultEval.objective <= 0.1) b++;
      true10.push(trueAcc[cellToIndex(r10.result)]);
    }
    const ms = (Date.now() - t1) / (2 * K);
    console.log(`\n${strategy}:`);
    console.log(`  (a) single start ≥ hill climb − 0.1:         ${pct(a, K)}   (goal ≥ 90% for winner-takes-all)`);
    console.log(`      single start within 0.1 of the optimum:  ${pct(b1, K)}; median steps ${median(steps1)}`);
    console.log(`  (b) --restarts ${R} within 0.1 of the optimum: ${pct(b, K)}   (goal ≥ 80%)`);
    console.log(`  true accuracy of the results: single ${mean(true1).toFixed(2)} %, --restarts ${R} ${mean(true10).toFixed(2)} % (mean over starts)`);
    // Random search on the predictor with as many predictor queries: the best predicted of Q random cells, its true accuracy.
    const rsTrue = (q: number, k: number) => {
      const rand = makeRng(seed * 7919 + k);
      let bi = 0;
      let bv = -Infinity;
      for (let j = 0; j < q; j++) {
        const i = Math.floor(rand() * NB201_SIZE);
        if (P[i] > bv) {
          bv = P[i];
          bi = i;
        }
      }
      return trueAcc[bi];
    };
    const q1 = Math.round(median(queries1));
    const q10 = Math.round(median(queries10));
    console.log(`  predictor queries per propagation: median ${q1} (single), ${q10} (--restarts ${R})`);
    console.log(
      `  random search on the predictor with as many queries: true accuracy ${mean(starts.map((_, k) => rsTrue(q1, k))).toFixed(2)} % (${q1} queries), ${mean(starts.map((_, k) => rsTrue(q10, k + K))).toFixed(2)} % (${q10} queries)`,
    );
    console.log(`  mean time per propagation ${ms.toFixed(1)} ms`);
  }
  // Random search with the same benchmark queries the predictor was trained on.
  const rs = Array.from({ length: 200 }, (_, k) => randomSearchCells(trueAcc, N, makeRng(seed * 31 + k)));
  console.log(`\nrandom search, ${N} benchmark queries (= the predictor's training set): best true accuracy ${mean(rs).toFixed(2)} % (mean of 200 draws)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
