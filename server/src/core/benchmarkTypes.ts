// The two benchmark tables' shapes (types only), apart from benchmark.ts so that core/data's
// converters can name them without importing benchmark.ts, which imports core/data (no import
// circle). benchmark.ts re-exports them.

export interface MrSettingInfo {
  task: string;
  label: string;
  metrics: string[];
}

export interface MrArch {
  code: number[];
  flops: number;
  params: number;
  /** Metrics per setting, in the setting's metric order (first is the main one). */
  results: Record<string, number[]>;
}

export interface MrBenchmark {
  settings: Record<string, MrSettingInfo>;
  archs: MrArch[];
}

export interface Nb201Arch {
  ops: number[];
  acc: number;
  flops: number;
  params: number;
}

export interface Nb201Benchmark {
  ops: string[];
  archs: Nb201Arch[];
}
