// What the server's view requests answer (ncp/benchmarkExplorer, ncp/compare, ncp/networkAt): plain
// JSON shapes shared by the server features, the extension's panels and the webviews (types only).

export type Space = 'multires' | 'nb201';

export interface SettingColumn {
  name: string;
  metrics: string[];
}

/** A prediction of each metric of one setting. */
export type Prediction = { mean: number; std: number }[];

export interface BenchmarkPoint {
  /** 27 integers (multires) or 6 op indices (nb201). */
  code: number[];
  flops: number;
  params: number;
  /** Aligned with `settings`: the measured metrics, or null where the benchmark has none. */
  values: (number[] | null)[];
}

export interface OverlayNetwork {
  name: string;
  code: number[];
  flops: number;
  params: number;
  /** Aligned with `settings`: predictions, or null (no predictor for the setting, or not loaded). */
  predicted: (Prediction | null)[];
}

export interface ExplorerData {
  /** The benchmark file. */
  source: string;
  space: Space;
  settings: SettingColumn[];
  points: BenchmarkPoint[];
  /** The document's own networks (cells for nb201). */
  networks: OverlayNetwork[];
  /** The current trace's path (rounded network of each step), when one was sent. */
  path?: { label: string; steps: (OverlayNetwork & { step: number })[] };
  /** The document the explorer inserts into. */
  uri: string;
  version: number;
  /** Notes for the user (predictors not loaded, points dropped, …). */
  notes: string[];
}

export interface CompareRow {
  name: string;
  kind: 'network' | 'cell';
  /** 0-based line of the declaration. */
  line: number;
  code: number[];
  flops?: number;
  params?: number;
  predicted: (Prediction | null)[];
  measured: (number[] | null)[];
}

export interface CompareData {
  uri: string;
  settings: SettingColumn[];
  rows: CompareRow[];
  /** The benchmark file measured values come from, when one is set and readable. */
  benchmark?: string;
  notes: string[];
}

export interface CursorNetwork {
  name: string;
  space: Space;
  code: number[];
}

/** Limits on what a view is sent (and checks on receipt). */
export const VIEW_LIMITS = {
  points: 20_000,
  settings: 16,
  metrics: 8,
  networks: 2_000,
  pathSteps: 10_000,
  name: 200,
  notes: 50,
} as const;
