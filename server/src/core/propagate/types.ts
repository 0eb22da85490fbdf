import type { RunBudget } from '../run/budget';
// The propagation engine's inputs and outputs, shared by the CLI, the language server and benches.
import type { DifferentiablePredictor } from '../predict/types';

export type Strategy = 'continuous' | 'winner-takes-all';
export const STRATEGIES: readonly Strategy[] = ['continuous', 'winner-takes-all'];

/** One term of the objective: `weight * setting.metric` (maximised). */
export interface ObjectiveTerm {
  weight: number;
  setting: string;
  metric: string;
}

/** Exact cost of a (possibly real-valued) multi-resolution code: G MACs and M parameters. */
export interface Cost {
  flops: number;
  params: number;
}

/** The exact cost formula and its gradient with respect to the raw 27 numbers. */
export interface CostModel {
  cost(code: ArrayLike<number>): Cost;
  costGradient(code: ArrayLike<number>): { cost: Cost; dFlops: Float64Array; dParams: Float64Array };
}

/** Hard limits the returned network always satisfies (exact cost of the rounded code). */
export interface Budget {
  /** G multiply-accumulates. */
  flopsMax?: number;
  /** M parameters. */
  paramsMax?: number;
}

export interface PropagationOptions extends Budget {
  /** 'multires': 27-integer network code; 'nb201': 6 op indices of a NAS-Bench-201 cell. */
  space: 'multires' | 'nb201';
  start: readonly number[];
  objective: readonly ObjectiveTerm[];
  /** Weight of the exact-FLOPs term (G MACs) subtracted from the objective; default 0. */
  lambda?: number;
  strategy?: Strategy;
  /** Steps per run (default 70). */
  steps?: number;
  /** Learning rate of the continuous strategy, in normalised units per step (default 0.05; 1 on cells). */
  lr?: number;
  /** Runs: from the start and from restarts−1 perturbed copies of it (default 1). */
  restarts?: number;
  seed?: number;
  /** Checked between steps; an aborted signal ends the run with PropagationCancelled. */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Time and memory budget, checked between steps (over it: PropagationError). */
  budget?: RunBudget;
}

export interface Progress {
  restart: number;
  restarts: number;
  step: number;
  steps: number;
  /** Best objective found so far over all runs. */
  best: number;
}

/** A prediction of one objective term. */
export interface TermValue extends ObjectiveTerm {
  mean: number;
  std: number;
}

/** What a discrete code evaluates to. */
export interface Evaluation {
  terms: TermValue[];
  /** Σ weight·mean − lambda·flops. */
  objective: number;
  /** Exact cost (multires only). */
  flops?: number;
  params?: number;
  /** Whether the budget holds. */
  feasible: boolean;
}

export interface Move {
  /** Position in the code (multires) or edge (nb201). */
  index: number;
  /** Name of the position, e.g. 'stage3.channels[1]' or 'edge 2<-1'. */
  name: string;
  from: number | string;
  to: number | string;
}

export interface TraceStep extends Evaluation {
  /** Run (0 = from the start itself). */
  restart: number;
  step: number;
  /** The relaxed state: real-valued code (multires) or relaxed one-hot (nb201, 30 numbers). */
  continuous: number[];
  /** The network (27 integers) or cell (6 op indices) reported for this step. */
  rounded: number[];
  /** Winner-takes-all: the position that moved to reach this step. */
  moved?: Move;
  /** Positions the budget repair shrank after rounding (continuous). */
  repaired?: number;
}

export interface RunSummary {
  restart: number;
  start: number[];
  result: number[];
  objective: number;
  /** Step at which the run's best was reached. */
  bestStep: number;
  /** Steps the run took before it stopped. */
  steps: number;
}

export interface PropagationResult {
  space: 'multires' | 'nb201';
  strategy: Strategy;
  start: number[];
  /** The start after snapping into the benchmark's range (what the search starts from). */
  snappedStart: number[];
  startEval: Evaluation;
  result: number[];
  resultEval: Evaluation;
  /** Which run gave the result. */
  bestRestart: number;
  runs: RunSummary[];
  /** Steps of the run that gave the result. */
  trace: TraceStep[];
  /** Every run's steps, by restart (runTraces[bestRestart] is `trace`), when there are several runs; for the views. */
  runTraces?: TraceStep[][];
  /** Why the winning run stopped. */
  stopReason: 'steps' | 'converged';
  /** Messages for the user (start over budget and repaired, start snapped into range, …). */
  notes: string[];
  /** The hard budget the result satisfies (what the trace view draws as a limit). */
  budget: Budget;
  /** Weight of the exact-FLOPs term in the objective. */
  lambda: number;
}

/**
 * Every run's steps are kept for the views only up to these sizes (a trace of 1,000 restarts of
 * 10,000 steps would hold gigabytes); beyond them only the winning run's steps are (as before).
 */
export const RUN_TRACES_LIMIT = { runs: 100, steps: 5_000 } as const;

export class PropagationError extends Error {}
export class PropagationCancelled extends Error {
  constructor() {
    super('propagation cancelled');
  }
}

/** The predictors a propagation may use, by setting name. */
export type PredictorLookup = (setting: string) => DifferentiablePredictor | undefined;
