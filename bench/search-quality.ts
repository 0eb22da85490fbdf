// Search quality in the multi-resolution space (issue 5), on the shipped predictors: objective
// seg.mIoU under a hard 2.5 GMACs budget, 20 random starts. For each strategy, the median
// predicted mIoU reached from a single start and with --restarts 10, beside a regularised
// evolutionary search of 20,000 predictor evaluations under the same budget (goal: the
// --restarts 10 median within 0.5 points of it); steps used; every result checked against the budget.
// The NAS-Bench-201 figures are printed by bench/nb201.ts.
// Usage: node --import tsx bench/search-quality.ts [--models DIR] [--starts 20] [--flops-max 2.5]
//        [--objective seg.mIoU] [--evaluations 20000] [--seed 1]
import { parseArgs } from 'node:util';
import { cost } from '../server/src/core/cost';
import { loadPredictorSet } from '../server/src/core/predict';
import { propagate, makeRng, parseTerm, STRATEGIES, Objective, type PropagationResult } from '../server/src/core/propagate';
import { evolutionarySearch } from '../server/src/core/propagate/baselines';
import { exactCostModel } from '../server/src/core/propagate/engine';
import { codeToString, randomCode } from '../server/src/core/space/multires';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    starts: { type: 'string', default: '20' },
    'flops-max': { type: 'string', default: '2.5' },
    objective: { type: 'string', default: 'seg.mIoU' },
    evaluations: { type: 'string', default: '20000' },
    restarts: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
  },
});
const K = Number(values.starts);
const flopsMax = Number(values['flops-max']);
const E = Number(values.evaluations);
const R = Number(values.restarts);
const seed = Number(values.seed);
const terms = values.objective.split(',').map((t) => parseTerm(t));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (v: number) => v.toFixed(2);

async function main(): Promise<void> {
  let set;
  try {
    set = await loadPredictorSet(values.models);
  } catch (e) {
    console.log(`bench/search-quality: skipped — cannot load the predictors: ${(e as Error).message}`);
    return;
  }
  const lookup = (s: string) => set.get(s);
  const objective = new Objective(terms, lookup, 'multires');
  console.log(`objective ${values.objective}, flops <= ${flopsMax} G (hard), lambda 0, predictors ${set.version}`);

  // Evolutionary reference: 3 seeds, report each and their median.
  const t0 = Date.now();
  const evo = [0, 1, 2].map((k) =>
    evolutionarySearch({
      evaluations: E,
      flopsMax,
      score: (codes) => objective.evaluateBatch(codes).map((r) => r.value),
      cost: exactCostModel,
      rand: makeRng(seed * 100 + k),
    }),
  );
  const evoBest = median(evo.map((e) => e.value));
  console.log(`evolutionary search, ${E} evaluations × 3 seeds: ${evo.map((e) => f(e.value)).join(', ')} (median ${f(evoBest)}), ${((Date.now() - t0) / 3000).toFixed(1)} s per search`);
  const bestEvo = evo.reduce((a, b) => (b.value > a.value ? b : a));
  console.log(`  best: ${codeToString(bestEvo.code)} (${cost(bestEvo.code).flops.toFixed(3)} G MACs)`);

  const rand = makeRng(seed);
  const starts = Array.from({ length: K }, () => randomCode(rand));
  let violations = 0;
  const check = (r: PropagationResult) => {
    if (cost(r.result).flops > flopsMax) violations++;
  };
  let checked = 0;
  const runAll = async (strategy: (typeof STRATEGIES)[number], steps: number, restarts: number) => {
    const values: number[] = [];
    const bestSteps: number[] = [];
    let early = 0;
    let runs = 0;
    const t1 = Date.now();
    for (const [k, start] of starts.entries()) {
      const r = await propagate({ space: 'multires', start, objective: terms, strategy, flopsMax, lambda: 0, seed: k, steps, restarts }, lookup);
      check(r);
      checked++;
      values.push(r.resultEval.objective);
      bestSteps.push(...r.runs.map((x) => x.bestStep));
      early += r.runs.filter((x) => x.steps < steps).length;
      runs += r.runs.length;
    }
    return { median: median(values), bestSteps, early, runs, msPerRun: (Date.now() - t1) / runs };
  };
  const line = (label: string, x: Awaited<ReturnType<typeof runAll>>) =>
    console.log(
      `  ${label.padEnd(26)} median ${f(x.median)}  (evolution − median ${f(evoBest - x.median)})  steps to each run's best: median ${median(x.bestSteps)}, max ${Math.max(...x.bestSteps)}; stopped early ${x.early}/${x.runs}; ${x.msPerRun.toFixed(0)} ms per run`,
    );
  console.log('\ncontinuous:');
  line('single start, 70 steps', await runAll('continuous', 70, 1));
  line(`--restarts ${R}, 70 steps`, await runAll('continuous', 70, R));
  console.log('\nwinner-takes-all (one position, one valid step per step):');
  line('single start, 70 steps', await runAll('winner-takes-all', 70, 1));
  for (const steps of [70, 140, 280, 560]) {
    const x = await runAll('winner-takes-all', steps, R);
    line(`--restarts ${R}, ${steps} steps`, x);
    if (evoBest - x.median <= 0.5) {
      console.log(`  → winner-takes-all needs ${steps} steps per run (max steps to a run's best: ${Math.max(...x.bestSteps)}) to come within 0.5 of evolution`);
      break;
    }
  }
  console.log(`\nreturned networks over the ${flopsMax} G budget: ${violations} of ${checked}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
