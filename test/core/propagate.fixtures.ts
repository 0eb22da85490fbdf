// Small analytic predictors for engine tests: their optima are known exactly, so the tests can
// say where a propagation must end. (The search-quality figures use the real predictors: bench/.)
import type { DifferentiablePredictor, Estimate } from '../../server/src/core/predict/types';
import { BENCHMARK_RANGE, CODE_KINDS, CODE_LENGTH } from '../../server/src/core/space/multires';

function fixture(setting: string, metrics: string[], f: (x: ArrayLike<number>) => { value: number; grad: Float64Array }): DifferentiablePredictor {
  const predict = (x: ArrayLike<number>): Estimate[] => {
    const v = f(x).value;
    return metrics.map((_, m) => ({ mean: v * (m + 1), std: 0.1 }));
  };
  return {
    setting,
    metrics,
    predict,
    predictBatch: (xs) => xs.map(predict),
    valueAndGrad: (x, metric) => {
      const { value, grad } = f(x);
      return { mean: value * (metric + 1), std: 0.1, grad: grad.map((g) => g * (metric + 1)) };
    },
  };
}

/** Concave quadratic with its maximum at `target` (raw code units, normalised distances). */
export function quadraticPredictor(target: readonly number[], setting = 'seg'): DifferentiablePredictor {
  const span = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].max - BENCHMARK_RANGE[k].min);
  return fixture(setting, ['mIoU', 'mAcc'], (x) => {
    let value = 50;
    const grad = new Float64Array(CODE_LENGTH);
    for (let i = 0; i < CODE_LENGTH; i++) {
      const d = (x[i] - target[i]) / span[i];
      value -= 10 * d * d;
      grad[i] = (-20 * d) / span[i];
    }
    return { value, grad };
  });
}

/** Increasing in every position (bigger is always better): a budget is what stops it. */
export function growingPredictor(setting = 'seg'): DifferentiablePredictor {
  const max = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].max);
  const weight = Array.from({ length: CODE_LENGTH }, (_, i) => 1 + ((i * 7) % 5));
  return fixture(setting, ['mIoU', 'mAcc'], (x) => {
    let value = 0;
    const grad = new Float64Array(CODE_LENGTH);
    for (let i = 0; i < CODE_LENGTH; i++) {
      const r = Math.max(x[i], 1e-6) / max[i];
      value += weight[i] * Math.sqrt(r);
      grad[i] = (weight[i] * 0.5) / Math.sqrt(r) / max[i];
    }
    return { value, grad };
  });
}

/** Additive over edges: the score of a cell is Σ table[e][op] (linear in the one-hot). */
export function additiveCellPredictor(table: readonly (readonly number[])[]): DifferentiablePredictor {
  return fixture('nb201', ['acc'], (x) => {
    let value = 0;
    const grad = new Float64Array(30);
    for (let e = 0; e < 6; e++) {
      for (let o = 0; o < 5; o++) {
        value += table[e][o] * x[e * 5 + o];
        grad[e * 5 + o] = table[e][o];
      }
    }
    return { value, grad };
  });
}
