// The contract between the predictors and their users (CLI, language server, propagation).

/** A prediction with its uncertainty (spread across the ensemble's members). */
export interface Estimate {
  mean: number;
  std: number;
}

/**
 * A trained ensemble for one setting. Its input is a code in its own space: for the
 * multi-resolution settings the 27 numbers of a network code (integers, or real numbers
 * for a relaxed code during propagation); for 'nb201' the 30-number edge-major one-hot.
 * Normalisation and derived features (e.g. exact log-FLOPs) happen inside.
 */
export interface DifferentiablePredictor {
  readonly setting: string;
  /** Metric names; the first is the setting's main metric. */
  readonly metrics: readonly string[];
  /** One estimate per metric. */
  predict(input: ArrayLike<number>): Estimate[];
  /** Many inputs at once (the fast path for hints and batches): result[i][m]. */
  predictBatch(inputs: readonly ArrayLike<number>[]): Estimate[][];
  /** Ensemble-mean prediction of one metric and its gradient with respect to the input. */
  valueAndGrad(input: ArrayLike<number>, metric: number): { mean: number; std: number; grad: Float64Array };
}

export interface PredictorSet {
  /** Version string of the model files (shown in hovers and `ncp eval`). */
  readonly version: string;
  readonly settings: readonly string[];
  get(setting: string): DifferentiablePredictor | undefined;
}
