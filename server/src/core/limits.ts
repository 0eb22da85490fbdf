// Upper limits of the user-typed numbers that drive time or memory (propagate blocks, CLI flags,
// settings, training options). One table, so the editor's diagnostics, the CLI's errors, the
// engine's own checks and docs/grammar.md agree. Generous for real use: the paper's runs take 70
// steps and 1–10 restarts, its predictors 200 epochs and 1–5 members.

export const LIMITS = {
  /** Steps of one propagation run. */
  steps: 10_000,
  /** Runs of one propagation (the start and restarts−1 perturbed copies). */
  restarts: 1_000,
  /** Starts of `ncp nb201` (random cells propagated). */
  starts: 10_000,
  /** Training samples of `ncp nb201` (NAS-Bench-201 has 15,625 cells). */
  trainSamples: 15_625,
  /** Training epochs of a predictor. */
  epochs: 10_000,
  /** Members of a predictor ensemble. */
  members: 100,
  /** Networks one "Suggest next networks" of a search block proposes (`batch K`; as `ncp suggest --count`). */
  searchBatch: 100,
  /** Measurements a search block's "Run search" runs at once (`jobs N`; as `ncprop search --jobs`). */
  searchJobs: 256,
  /** Attempts more for a failed measurement of "Run search" (`retries N`; as `ncprop search --retries`). */
  searchRetries: 100,
  /** Block count of one stage up to which "Copy as PyTorch" writes one line per block (above: a repetition). */
  torchBlockLines: 64,
} as const;

export type LimitName = keyof typeof LIMITS;

/** "steps is at most 10,000 (got 1e9)": the sentence every limit error uses. */
export function overLimitMessage(name: string, limit: number, got: string | number): string {
  return `${name} is at most ${limit.toLocaleString('en-US')}, got ${got}`;
}
