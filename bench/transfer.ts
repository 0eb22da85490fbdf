// Leave-one-family-out evaluation of transfer predictors (issue 25). For each task family
// (classification, segmentation, video): a source trained on ../shared/data without that
// family's settings and without a fifth of the networks (--holdout 0.2, split seed 1); the
// target is the family's main setting, measured on k random networks of that held-out fifth
// (k ∈ 5, 10, 20, 50, 100; 20 seeds); Kendall τ and ±1/±2 coverage on the rest of the fifth.
// Baselines in the same run: from scratch (no source), FLOPs and params alone, ridge stacking on
// the source's predictions, and the full-data predictor (a source with every setting, trained on
// the other four fifths). Goals: τ ≥ 0.65 at k = 20 and ≥ 0.70 at k = 50 in every family;
// coverage 60–80% (±1) and ≥ 90% (±2) from k = 20.
// Sources are trained once (teacher off, ~1–8 min each on two cores) and cached in .tmp/transfer/.
// Usage: node --import tsx bench/transfer.ts [--seeds 1-20] [--ks 5,10,20,50,100] [--families cls,seg,video]
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTrainingData, splitData, trainSettings, type TrainingData } from '../server/src/core/predict/dataset';
import { NCP_RECIPE } from '../server/src/core/predict/train';
import { loadPredictorSet, savePredictorSet } from '../server/src/core/predict/store';
import { initBackend } from '../server/src/core/predict/backend';
import { kendallTau, coverage } from '../server/src/core/predict/metrics';
import { fitTransfer, type CandidateFamily } from '../server/src/core/predict/transfer';
import type { DifferentiablePredictor, Estimate } from '../server/src/core/predict/types';
import { makeRng, permutation, subSeed } from '../server/src/core/random';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1-20' },
    ks: { type: 'string', default: '5,10,20,50,100' },
    families: { type: 'string', default: 'cls,seg,video' },
    cache: { type: 'string', default: '.tmp/transfer' },
  },
});
const [s0, s1] = values.seeds.split('-').map(Number);
const SEEDS = Array.from({ length: (s1 ?? s0) - s0 + 1 }, (_, i) => s0 + i);
const KS = values.ks.split(',').map(Number);
const FAMILIES: Record<string, { main: string; settings: string[] }> = {
  cls: { main: 'cls-50-1000', settings: ['cls-50-1000', 'cls-50-100', 'cls-10-1000', 'cls-10c'] },
  seg: { main: 'seg', settings: ['seg', 'seg-4x'] },
  video: { main: 'video', settings: ['video', 'video-p'] },
};
const ALL = Object.values(FAMILIES).flatMap((f) => f.settings);
const HOLDOUT = 0.2;
const SPLIT_SEED = 1;

function dataDir(): string | undefined {
  const dirs = [process.env.NCP_DATA_DIR, resolve(__dirname, '../../shared/data'), resolve(process.cwd(), '../shared/data')].filter((d): d is string => !!d);
  return dirs.find((d) => existsSync(join(d, 'nasbench-mr.json')));
}

/** A source model folder trained on the training fifths with only `keep`; cached. */
async function ensureSource(data: TrainingData, name: string, keep: string[]): Promise<string> {
  const dir = resolve(values.cache, `src-${name}`);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  console.log(`training source '${name}' (${keep.join(', ')}) into ${dir} …`);
  const { train } = splitData(data, HOLDOUT, SPLIT_SEED);
  const settings = train.settings.filter((s) => keep.includes(s.setting));
  const t0 = Date.now();
  const trained = await trainSettings(settings, { base: NCP_RECIPE, seed: 1, overrides: { teacher: 0 } });
  savePredictorSet(dir, trained.map((t) => t.predictor), { version: `bench-${name}`, command: 'bench/transfer.ts', seed: 1, recipe: 'ncp', data: { holdout: HOLDOUT, splitSeed: SPLIT_SEED } });
  console.log(`  trained in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return dir;
}

/** Memoises a source's predictions by code (the bench predicts the same networks hundreds of times). */
class Cached implements DifferentiablePredictor {
  private readonly cache = new Map<string, Estimate[]>();
  constructor(private readonly p: DifferentiablePredictor & { inputDim: number; target?: unknown; spec?: unknown; members?: unknown }) {}
  get setting() {
    return this.p.setting;
  }
  get metrics() {
    return this.p.metrics;
  }
  get inputDim() {
    return this.p.inputDim;
  }
  get target() {
    return this.p.target;
  }
  get spec() {
    return this.p.spec;
  }
  /** The members (the transfer model reads their trunk activations). */
  get members() {
    return this.p.members;
  }
  predict(x: ArrayLike<number>): Estimate[] {
    return this.predictBatch([x])[0];
  }
  predictBatch(xs: readonly ArrayLike<number>[]): Estimate[][] {
    const keys = xs.map((x) => Array.prototype.join.call(x, ','));
    const miss = xs.filter((_, i) => !this.cache.has(keys[i]));
    if (miss.length) {
      const got = this.p.predictBatch(miss);
      let j = 0;
      keys.forEach((k) => {
        if (!this.cache.has(k)) this.cache.set(k, got[j++]);
      });
    }
    return keys.map((k) => this.cache.get(k)!);
  }
  valueAndGrad(x: ArrayLike<number>, m: number) {
    return this.p.valueAndGrad(x, m);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) {
    console.log('bench/transfer: skipped — benchmark data not found (set NCP_DATA_DIR or put nasbench-mr.json in ../shared/data)');
    return;
  }
  await initBackend('auto');
  const data = loadTrainingData(join(dir, 'nasbench-mr.json'));
  const { test } = splitData(data, HOLDOUT, SPLIT_SEED);
  const fullDir = await ensureSource(data, 'all', ALL);
  const full = await loadPredictorSet(fullDir);
  const methods: { name: string; family?: CandidateFamily; sources: boolean }[] = [
    { name: 'transfer', family: 'auto', sources: true },
    { name: 'scratch', family: 'auto', sources: false },
    { name: 'flops+params', family: 'cost', sources: false },
    { name: 'ridge stack', family: 'stack', sources: true },
  ];
  console.log(`held-out fifth: split seed ${SPLIT_SEED}; seeds ${SEEDS[0]}–${SEEDS[SEEDS.length - 1]}; τ (mean over seeds) and coverage of the transfer model`);
  const t0 = Date.now();
  for (const fam of values.families.split(',')) {
    const f = FAMILIES[fam];
    if (!f) throw new Error(`unknown family '${fam}' (cls, seg, video)`);
    const srcDir = await ensureSource(data, `no-${fam}`, ALL.filter((s) => !f.settings.includes(s)));
    const src = await loadPredictorSet(srcDir);
    const sources = src.settings.map((s) => ({ setting: s, predictor: new Cached(src.ensemble(s)!) }));
    const target = test.settings.find((s) => s.setting === f.main)!;
    const n = target.inputs.length;
    const fullPred = full.ensemble(f.main)!.predictBatch(target.inputs).map((e) => e[0].mean);
    console.log(`\n${fam}: target ${f.main} (${target.metrics[0]}), ${n} held-out networks; source: ${src.settings.join(', ')}`);
    console.log(`  k    ${methods.map((m) => m.name.padStart(12)).join(' ')}   full-data   ±1 cov  ±2 cov  (transfer)`);
    for (const k of KS) {
      const tau: Record<string, number[]> = Object.fromEntries(methods.map((m) => [m.name, []]));
      const full: number[] = [];
      const c1: number[] = [];
      const c2: number[] = [];
      for (const seed of SEEDS) {
        const perm = permutation(n, makeRng(subSeed(seed, fam, k)));
        const tr = perm.slice(0, k);
        const rest = perm.slice(k);
        const restX = rest.map((i) => target.inputs[i]);
        const restY = rest.map((i) => target.targets[i][0]);
        full.push(kendallTau(rest.map((i) => fullPred[i]), restY));
        for (const m of methods) {
          const p = fitTransfer({
            setting: `my-${fam}`,
            metrics: [target.metrics[0]],
            inputs: tr.map((i) => target.inputs[i]),
            targets: tr.map((i) => [target.targets[i][0]]),
            sources: m.sources ? sources : [],
            family: m.family,
            seed,
          });
          const est = p.predictBatch(restX).map((e) => e[0]);
          tau[m.name].push(kendallTau(est.map((e) => e.mean), restY));
          if (m.name === 'transfer') {
            c1.push(coverage(est, restY, 1));
            c2.push(coverage(est, restY, 2));
          }
        }
      }
      const cells = methods.map((m) => mean(tau[m.name]).toFixed(3).padStart(12)).join(' ');
      console.log(`  ${String(k).padEnd(4)} ${cells}   ${mean(full).toFixed(3).padStart(9)}   ${(mean(c1) * 100).toFixed(0).padStart(5)}%  ${(mean(c2) * 100).toFixed(0).padStart(5)}%`);
    }
  }
  console.log(`\n${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
