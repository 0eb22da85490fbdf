// A real propagation trace for the webview tests and the README screenshot: the engine in
// server/src/core/propagate run on a small search, with the shipped predictors when they exist,
// else with tiny predictors trained here on a slice of NAS-Bench-MR (never copied anywhere).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findDataDir, loadMrBenchmark } from '../../server/src/core/benchmark';
import { trainPredictor } from '../../server/src/core/predict/train';
import { defaultModelsDir, loadPredictorSet } from '../../server/src/core/predict/store';
import type { DifferentiablePredictor } from '../../server/src/core/predict/types';
import { propagate, type PropagationResult } from '../../server/src/core/propagate';

export type TraceSource = { result: PropagationResult; predictors: 'shipped' | 'trained' } | { skip: string };

const SETTINGS = ['seg', 'cls-50-1000'];

async function lookupFor(): Promise<{ lookup: Map<string, DifferentiablePredictor>; predictors: 'shipped' | 'trained'; start: number[] } | string> {
  const dataDir = findDataDir();
  const models = defaultModelsDir();
  if (existsSync(join(models, 'manifest.json'))) {
    try {
      const set = await loadPredictorSet(models, { backend: 'cpu', settings: SETTINGS });
      const lookup = new Map<string, DifferentiablePredictor>();
      for (const s of SETTINGS) {
        const p = set.get(s);
        if (p) lookup.set(s, p);
      }
      if (lookup.size === SETTINGS.length) return { lookup, predictors: 'shipped', start: START };
    } catch (e) {
      // The predictor tests cover a broken set; here a small trained one does as well.
      console.log(`# shipped predictors unusable (${(e as Error).message}); training small ones`);
    }
  }
  if (!dataDir || !existsSync(join(dataDir, 'nasbench-mr.json'))) {
    return 'no shipped predictors and no benchmark data to train a small one (set NCP_DATA_DIR or put nasbench-mr.json in ../shared/data)';
  }
  const b = loadMrBenchmark(join(dataDir, 'nasbench-mr.json'));
  const lookup = new Map<string, DifferentiablePredictor>();
  for (const s of SETTINGS) {
    const archs = b.archs.filter((a) => a.results[s]).slice(0, 400);
    const p = await trainPredictor(
      archs.map((a) => a.code),
      archs.map((a) => a.results[s]),
      { setting: s, metrics: b.settings[s].metrics, epochs: 6, members: 3, seed: 3 },
    );
    lookup.set(s, p);
  }
  return { lookup, predictors: 'trained', start: START };
}

// A mid-sized network code (27 integers, the multi-resolution layout).
const START = [24, 32, 2, 2, 32, 2, 2, 2, 16, 32, 2, 2, 2, 2, 16, 32, 64, 2, 1, 1, 1, 1, 16, 32, 64, 96, 64];

export async function realTrace(): Promise<TraceSource> {
  const got = await lookupFor();
  if (typeof got === 'string') return { skip: got };
  const result = await propagate(
    {
      space: 'multires',
      start: got.start,
      objective: [
        { weight: 1, setting: 'seg', metric: 'mIoU' },
        { weight: 0.5, setting: 'cls-50-1000', metric: 'top1' },
      ],
      lambda: 0.5,
      flopsMax: 1.2,
      strategy: 'winner-takes-all',
      steps: 24,
      restarts: 3,
      seed: 5,
    },
    (s) => got.lookup.get(s),
  );
  return { result, predictors: got.predictors };
}
