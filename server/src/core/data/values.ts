// Checks every reader applies to a value, so a bad number reads the same from JSON, a pickle or a
// CSV: what no benchmark could hold is refused, never accepted silently.
import { declareSetting, SETTINGS } from '../settings';
import { validateCode, CODE_LENGTH } from '../space/multires';
import { validateCell } from '../space/nb201';
import { DataError, type DataSetting, type DataSpace } from './types';

/** Largest |value| of any metric (no accuracy, error or latency a benchmark records is near it). */
export const METRIC_LIMIT = 1e4;
/** Largest FLOPs (G or M) or params (M) accepted. */
export const COST_LIMIT = 1e6;
/** Most rows one file may hold (the authors' largest has 15,625). */
export const ROW_LIMIT = 2_000_000;
/** Largest text data file read (bytes): well below V8's longest string. */
export const FILE_LIMIT = 256 * 1024 * 1024;
/** Largest pickle read (bytes): unpickled objects take ~10× their bytes; the authors' are under 4 MB. */
export const PICKLE_LIMIT = 64 * 1024 * 1024;

/** Metrics measured in percent: 0–100. */
const PERCENT = new Set(['top1', 'top5', 'mIoU', 'mAcc', 'aAcc', 'acc', 'easy', 'moderate', 'hard']);

export function isPercentMetric(metric: string): boolean {
  return PERCENT.has(metric);
}

/** A metric value, or a DataError naming where it is. */
export function checkMetric(v: unknown, metric: string, file: string, row: number | undefined, field: string): number {
  if (typeof v !== 'number') throw DataError.at(file, row, field, `metric '${metric}' must be a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) throw DataError.at(file, row, field, `metric '${metric}' is ${v}, not a finite number`);
  if (Math.abs(v) > METRIC_LIMIT) throw DataError.at(file, row, field, `metric '${metric}' = ${v} is beyond ±${METRIC_LIMIT}: no benchmark holds such a value`);
  if (PERCENT.has(metric) && (v < 0 || v > 100)) throw DataError.at(file, row, field, `metric '${metric}' is a percentage, got ${v} (expected 0–100)`);
  return v;
}

/** FLOPs or params: a non-negative finite number within COST_LIMIT. */
export function checkCost(v: unknown, file: string, row: number | undefined, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw DataError.at(file, row, field, `expected a finite number, got ${describe(v)}`);
  if (v < 0 || v > COST_LIMIT) throw DataError.at(file, row, field, `${v} is outside 0–${COST_LIMIT}`);
  return v;
}

/** A 27-integer code (structural errors refused; values outside the benchmark's range only warned about). */
export function checkCode(v: unknown, file: string, row: number | undefined, field: string, warnings: string[]): number[] {
  if (!Array.isArray(v) || v.length !== CODE_LENGTH || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw DataError.at(file, row, field, `expected ${CODE_LENGTH} integers (a network code), got ${describe(v)}`);
  }
  const issues = validateCode(v as number[]);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw DataError.at(file, row, field, `not a network of the space: ${errors.map((e) => e.message).join('; ')}`);
  const range = issues.filter((i) => i.severity === 'range');
  if (range.length > 0 && warnings.length < 20) warnings.push(`${file}: row ${row}: ${range[0].message}`);
  return v as number[];
}

export function checkCell(v: unknown, file: string, row: number | undefined, field: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw DataError.at(file, row, field, `expected 6 op indices (a NAS-Bench-201 cell), got ${describe(v)}`);
  const problems = validateCell(v as number[]);
  if (problems.length > 0) throw DataError.at(file, row, field, problems[0]);
  return v as number[];
}

/** A short, bounded description of a bad value for messages (never the whole value). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** What a setting name means when the data does not say: the catalogue's entry, or a guess from the name. */
export function defaultSetting(name: string, space: DataSpace, metrics: string[]): DataSetting {
  const known = SETTINGS.find((s) => s.name === name);
  if (known) {
    // the catalogue's order first (its first metric is the main one), then any others the data has
    const ordered = [...known.metrics.filter((m) => metrics.includes(m)), ...metrics.filter((m) => !known.metrics.includes(m))];
    return { name, task: known.task, label: known.label, space: known.space, metrics: ordered };
  }
  if (name === '3ddet' || name.startsWith('3ddet')) {
    // the catalogue's 3D-detection entry (task 'detection': a task name must be usable where a setting is)
    const det = declareSetting('3ddet');
    const main = det.metrics.filter((m) => metrics.includes(m));
    return { name, task: det.task, label: det.label, space, metrics: [...main, ...metrics.filter((m) => !main.includes(m))] };
  }
  // otherwise the task is the setting's own name (settings.ts), unless the name says the task
  const task = name.startsWith('cls') ? 'classification' : name.startsWith('seg') ? 'segmentation' : name.startsWith('video') ? 'video' : space === 'nb201' ? 'nb201' : declareSetting(name).task;
  return { name, task, space, metrics: [...metrics] };
}

/** Setting names: letters, digits, '-' and '_' (no '.': `maximize 3ddet.moderate` splits on it). */
export function checkSettingName(name: unknown, file: string, row: number | undefined, field: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
    throw DataError.at(file, row, field, `a setting name is 1–64 letters, digits, '-' or '_', got ${describe(name)}`);
  }
  return name;
}

export function checkMetricName(name: unknown, file: string, row: number | undefined, field: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) {
    throw DataError.at(file, row, field, `a metric name is a letter then up to 63 letters, digits or '_', got ${describe(name)}`);
  }
  return name;
}
