// The NAS-Bench-201 experiment of `ncp nb201` and the benches: train a predictor on N random
// cells, enumerate the whole space (15,625 cells) for the predictor's optimum, propagate from
// K random cells, and compare with the true accuracies and with random search.
import type { RunBudget } from '../run/budget';
import type { Nb201Benchmark } from '../benchmark';
import type { DifferentiablePredictor } from '../predict/types';
import { NB201_SIZE, cellToIndex, cellToOneHot, cellToString, indexToCell } from '../space/nb201';
import { propagate } from './engine';
import { makeRng } from '../random';
import { PropagationError, type Strategy } from './types';

export type Nb201Trainer = (
  inputs: Float64Array[],
  targets: number[][],
  opts: { metrics: string[]; setting: string; seed: number },
) => Promise<DifferentiablePredictor>;

export interface Nb201ExperimentOptions {
  trainSamples: number;
  seed: number;
  starts: number;
  restarts?: number;
  strategy?: Strategy;
  steps?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Budget of the whole experiment (training and every propagation). */
  budget?: RunBudget;
}

export interface Nb201CellResult {
  start: string;
  cell: string;
  predicted: number;
  /** The ensemble's spread of that prediction. */
  predictedStd: number;
  true: number;
  steps: number;
  /** Predicted accuracy of the predictor's optimum minus this result's. */
  gapToOptimum: number;
}

export interface Nb201Experiment {
  optimum: { cell: string; predicted: number; true: number };
  results: Nb201CellResult[];
  /** Best true accuracy among the benchmark queries used to train the predictor (random search at that budget). */
  randomSearch: { queries: number; true: number };
  /** Every cell's prediction (index order), for further analysis by the benches. */
  predictions: Float64Array;
  predictor: DifferentiablePredictor;
  trueAcc: Float64Array;
  startCells: number[][];
}

/** True accuracies in index order, checking the benchmark covers the whole space once. */
export function nb201TrueTable(bench: Nb201Benchmark): Float64Array {
  const acc = new Float64Array(NB201_SIZE).fill(NaN);
  for (const a of bench.archs) acc[cellToIndex(a.ops)] = a.acc;
  const missing = acc.findIndex((v) => Number.isNaN(v));
  if (missing >= 0) throw new PropagationError(`the NAS-Bench-201 file lacks cell ${cellToString(indexToCell(missing))}: the experiment needs all ${NB201_SIZE} cells`);
  return acc;
}

/** The predictor's value on every cell of the space (batched). */
export function enumeratePredictions(p: DifferentiablePredictor): Float64Array {
  const out = new Float64Array(NB201_SIZE);
  const batch = 1024;
  for (let i = 0; i < NB201_SIZE; i += batch) {
    const inputs: Float64Array[] = [];
    for (let k = i; k < Math.min(NB201_SIZE, i + batch); k++) inputs.push(cellToOneHot(indexToCell(k)));
    p.predictBatch(inputs).forEach((est, k) => {
      out[i + k] = est[0].mean;
    });
  }
  return out;
}

/** k distinct random indices of 0..n−1 (partial Fisher–Yates). */
export function sampleIndices(n: number, k: number, rand: () => number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

export interface Nb201Prepared {
  predictor: DifferentiablePredictor;
  /** The predictor's value of every cell (index order). */
  predictions: Float64Array;
  trueAcc: Float64Array;
  /** Indices of the cells the predictor was trained on (the benchmark queries). */
  sample: number[];
  /** Index of the predictor's best cell. */
  optimum: number;
  rand: () => number;
}

/** Samples N cells (seeded), trains the predictor on their true accuracies and enumerates the space. */
export async function prepareNb201(bench: Nb201Benchmark, train: Nb201Trainer, trainSamples: number, seed: number): Promise<Nb201Prepared> {
  if (!Number.isInteger(trainSamples) || trainSamples < 10 || trainSamples > NB201_SIZE) {
    throw new PropagationError(`--train-samples must be an integer 10–${NB201_SIZE}, got ${trainSamples}`);
  }
  const trueAcc = nb201TrueTable(bench);
  const rand = makeRng(seed);
  const sample = sampleIndices(NB201_SIZE, trainSamples, rand);
  const predictor = await train(
    sample.map((i) => cellToOneHot(indexToCell(i))),
    sample.map((i) => [trueAcc[i]]),
    { metrics: ['acc'], setting: 'nb201', seed },
  );
  const predictions = enumeratePredictions(predictor);
  let optimum = 0;
  for (let i = 1; i < NB201_SIZE; i++) if (predictions[i] > predictions[optimum]) optimum = i;
  return { predictor, predictions, trueAcc, sample, optimum, rand };
}

export async function runNb201Experiment(bench: Nb201Benchmark, train: Nb201Trainer, opts: Nb201ExperimentOptions): Promise<Nb201Experiment> {
  const { trainSamples, seed, starts } = opts;
  if (!Number.isInteger(starts) || starts < 1) throw new PropagationError(`--starts must be a positive integer, got ${starts}`);
  const { predictor, predictions, trueAcc, sample, optimum: opt, rand } = await prepareNb201(bench, train, trainSamples, seed);
  opts.budget?.check();
  let rs = -Infinity;
  for (const i of sample) rs = Math.max(rs, trueAcc[i]);

  const startCells = Array.from({ length: starts }, () => indexToCell(Math.floor(rand() * NB201_SIZE)));
  const results: Nb201CellResult[] = [];
  for (const [k, start] of startCells.entries()) {
    const r = await propagate(
      {
        space: 'nb201',
        start,
        objective: [{ weight: 1, setting: 'nb201', metric: 'acc' }],
        strategy: opts.strategy,
        restarts: opts.restarts,
        steps: opts.steps,
        seed: seed + 1000 + k,
        signal: opts.signal,
        budget: opts.budget,
      },
      (s) => (s === 'nb201' ? predictor : undefined),
    );
    const idx = cellToIndex(r.result);
    const run = r.runs[r.bestRestart];
    results.push({
      start: cellToString(start),
      cell: cellToString(r.result),
      predicted: r.resultEval.objective,
      predictedStd: r.resultEval.terms[0]?.std ?? 0,
      true: trueAcc[idx],
      steps: run.bestStep,
      gapToOptimum: predictions[opt] - r.resultEval.objective,
    });
    opts.onProgress?.(k + 1, starts);
  }
  return {
    optimum: { cell: cellToString(indexToCell(opt)), predicted: predictions[opt], true: trueAcc[opt] },
    results,
    randomSearch: { queries: trainSamples, true: rs },
    predictions,
    predictor,
    trueAcc,
    startCells,
  };
}
