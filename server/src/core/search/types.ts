// The closed-loop search's inputs and outputs, shared by the CLI, the bench and (later) the editor.
import type { Budget, ObjectiveTerm } from '../propagate/types';

export type SpaceKind = 'multires' | 'nb201';

/** Measured metrics: setting → metric → value, e.g. {"seg": {"mIoU": 76.1}}. */
export type Metrics = Record<string, Record<string, number>>;

/** One measurement, as the measurements file keeps it (one JSON object per line). */
export interface Measurement {
  space: SpaceKind;
  /** The network measured: 27 integers (multires) or 6 op indices (nb201). */
  point: number[];
  metrics?: Metrics;
  ok: boolean;
  error?: string;
  /** Wall time of the measurement. */
  seconds: number;
  /** What the loop proposed when something else was measured (benchmark look-up replaced it). */
  proposed?: number[];
  note?: string;
  /** The measurement's folder name under the runs folder (a command's measurements). */
  id?: string;
  /** Attempts made, the successful or last failed one included (a command's measurements). */
  attempts?: number;
}

export interface MeasureContext {
  /** Keys (pointKey) of every network measured so far, failures included. */
  measured: ReadonlySet<string>;
  /** Whether a network is within the hard budget. */
  feasible(point: readonly number[]): boolean;
  signal?: AbortSignal;
}

/** Turns a proposed network into a measurement: a benchmark look-up or the user's training script. */
export interface Measurer {
  measure(point: readonly number[], ctx: MeasureContext): Promise<Measurement>;
}

export interface SearchProgress {
  phase: 'initial' | 'fitting' | 'proposing' | 'measuring' | 'done';
  /** Measurements so far (of the query budget). */
  measured: number;
  queries: number;
  /** Best objective among successful measurements, if any. */
  best?: number;
  bestPoint?: number[];
  /** Seconds since the current measurement started (phase 'measuring'). */
  elapsed?: number;
  /** Measurements running now (the asynchronous loop). */
  running?: number;
}

export interface SearchOptions extends Budget {
  space: SpaceKind;
  objective: readonly ObjectiveTerm[];
  /** Weight of the exact FLOPs term subtracted from the objective (multires). */
  lambda?: number;
  /** Input size, head and classes the budget and lambda count FLOPs at (default: the benchmark's 128×128 classifier). */
  cost?: import('../cost').CostOptions;
  /** Total measurements, earlier ones (history) included. */
  queries: number;
  /** Random networks measured before the predictor takes over (default 10). */
  initial?: number;
  /** Networks proposed per refit (default 5). */
  batch?: number;
  seed?: number;
  /** UCB weight of the ensemble's spread (default 2). */
  kappa?: number;
  /** Propagation starts per batch: the best measured, perturbed copies of them, random ones. */
  starts?: { best: number; perturbed: number; random: number };
  /** Winner-takes-all steps per start (default 30). */
  steps?: number;
  /** Measurements of an earlier run of the same search (resume); never measured again. */
  history?: readonly Measurement[];
  /** Networks measured before any other (resume: measurements cut short, failures to retry). */
  first?: readonly (readonly number[])[];
  /** Measurements running at once (default 1): the asynchronous loop keeps this many in flight. */
  jobs?: number;
  /** How the asynchronous loop treats running networks when it proposes (default 'believer'). */
  pending?: 'believer' | 'liar';
  /**
   * The asynchronous loop's cost-aware start (core/search/costAware.ts): EI / FLOPs^α with α
   * cooled from `alpha` to 0 over the first `share` of the queries. Default off (alpha 0; see
   * COST_AWARE_DEFAULTS); ignored with lambda > 0, whose FLOPs term already prices cost.
   */
  costAware?: CostAwareOptions;
  /**
   * The asynchronous loop: results needed before the ensemble proposes (default 2); until then
   * it starts the next random networks of the seed's stream (the initial design's).
   */
  modelAfter?: number;
  /** Predictors as the surrogate's prior mean (core/search/prior.ts); undefined: the cold loop. */
  prior?: PriorSource;
  signal?: AbortSignal;
  /** Stops before the next measurement once Date.now() passes it (ms since the epoch). */
  deadline?: number;
  /** At least once a second while the search runs. */
  onProgress?: (p: SearchProgress) => void;
  /** Each measurement as it arrives, before the next starts (append it to the file here). */
  onMeasurement?: (m: Measurement, index: number) => void | Promise<void>;
}

export interface SearchResult {
  /** Every measurement, history first, in order. */
  measurements: Measurement[];
  /** Index of the best successful measurement, or -1. */
  best: number;
  bestValue?: number;
  stopReason: 'queries' | 'deadline';
  notes: string[];
}

export class SearchError extends Error {}
export class SearchCancelled extends Error {
  constructor() {
    super('search cancelled');
  }
}

/** The predictors a search may use as its prior (core/search/prior.ts). */
export interface PriorSource {
  /** The predictor of a setting (trained ensemble or transfer model), if any. */
  get(setting: string): import('../predict/types').DifferentiablePredictor | undefined;
  /** Trained settings a transfer model for a new setting can read. */
  sources: readonly import('../predict/transfer').PriorPredictor[];
  /** For messages: which predictors (a folder, a version). */
  name: string;
}

/** The asynchronous loop's cost-aware start (core/search/costAware.ts). */
export interface CostAwareOptions {
  /** α₀: 0 turns cost-awareness off. */
  alpha: number;
  /**
   * 'ei': EI / cost^α (default); 'ucb': UCB less α·(the measured values' spread) per e-fold of cost
   * above a random network's (CostPricedUcb).
   */
  form?: 'ei' | 'ucb';
  /** Share of the query budget (0–1] after which α is 0. */
  share: number;
}
