// One setting's training data (type only), apart from dataset.ts so that teacher.ts can name it
// without importing dataset.ts, which imports teacher.ts (no import circle). dataset.ts
// re-exports it.

export interface SettingData {
  setting: string;
  metrics: string[];
  /** What the data declares about the setting (our JSON's `settings` section), if anything. */
  task?: string;
  label?: string;
  /** Index of each row in the file's archs (splits are by architecture, the same for every setting). */
  rows: number[];
  inputs: number[][];
  targets: number[][];
}
