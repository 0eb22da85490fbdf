// The measurements file: JSON Lines, one measurement per line, appended as each arrives, so an
// interrupted search loses nothing and resumes where it stopped. A row:
//   {"space":"nb201","cell":"|…|","metrics":{"nb201":{"acc":47.1}},"ok":true,"seconds":12.5}
//   {"space":"multires","code":[27 integers],"metrics":{"seg":{"mIoU":76.1}},"ok":true,"seconds":3600}
//   {"space":"multires","code":[…],"ok":false,"error":"timed out after 60 s","seconds":60}
// plus optional "proposed" (what the loop asked for when a benchmark replaced it) and "note".
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { CODE_LENGTH, validateCode } from '../space/multires';
import { CellFormatError, cellToString, parseCellString } from '../space/nb201';
import type { Measurement, Metrics } from './types';

export class MeasurementsFormatError extends Error {}

export function measurementToRow(m: Measurement): Record<string, unknown> {
  const row: Record<string, unknown> = { space: m.space };
  if (m.space === 'nb201') row.cell = cellToString(m.point);
  else row.code = m.point;
  if (m.metrics) row.metrics = m.metrics;
  row.ok = m.ok;
  if (m.error !== undefined) row.error = m.error;
  row.seconds = Math.round(m.seconds * 1000) / 1000;
  if (m.proposed) row.proposed = m.space === 'nb201' ? cellToString(m.proposed) : m.proposed;
  if (m.note) row.note = m.note;
  if (m.id !== undefined) row.id = m.id;
  if (m.attempts !== undefined) row.attempts = m.attempts;
  return row;
}

/** Checks a metrics object: setting → metric → finite number. Returns a problem or undefined. */
export function metricsProblem(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'metrics must be an object of settings, e.g. {"seg": {"mIoU": 76.1}}';
  for (const [s, ms] of Object.entries(v as Record<string, unknown>)) {
    if (!ms || typeof ms !== 'object' || Array.isArray(ms)) return `metrics.${s} must be an object of metric → number`;
    for (const [k, x] of Object.entries(ms as Record<string, unknown>)) {
      if (typeof x !== 'number' || !Number.isFinite(x)) return `metrics.${s}.${k} must be a finite number, got ${JSON.stringify(x)}`;
    }
  }
  return undefined;
}

function pointOf(row: Record<string, unknown>, field: 'code' | 'cell' | 'proposed', space: string, where: string): number[] {
  const v = row[field];
  if (space === 'nb201') {
    if (typeof v !== 'string') throw new MeasurementsFormatError(`${where}: '${field}' must be a cell string '|op~0|+|…|'`);
    try {
      return parseCellString(v);
    } catch (e) {
      if (e instanceof CellFormatError) throw new MeasurementsFormatError(`${where}: '${field}': ${e.message}`);
      throw e;
    }
  }
  if (!Array.isArray(v) || v.length !== CODE_LENGTH || !v.every((x) => Number.isInteger(x))) {
    throw new MeasurementsFormatError(`${where}: '${field}' must be ${CODE_LENGTH} integers`);
  }
  const errors = validateCode(v as number[]).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new MeasurementsFormatError(`${where}: '${field}': ${errors[0].message}`);
  return v as number[];
}

export function rowToMeasurement(row: unknown, where: string): Measurement {
  if (!row || typeof row !== 'object' || Array.isArray(row)) throw new MeasurementsFormatError(`${where}: expected a JSON object`);
  const r = row as Record<string, unknown>;
  const space = r.space;
  if (space !== 'nb201' && space !== 'multires') throw new MeasurementsFormatError(`${where}: 'space' must be "multires" or "nb201", got ${JSON.stringify(space)}`);
  const point = pointOf(r, space === 'nb201' ? 'cell' : 'code', space, where);
  if (typeof r.ok !== 'boolean') throw new MeasurementsFormatError(`${where}: 'ok' must be true or false`);
  const m: Measurement = { space, point, ok: r.ok, seconds: typeof r.seconds === 'number' && Number.isFinite(r.seconds) ? r.seconds : 0 };
  if (r.metrics !== undefined) {
    const p = metricsProblem(r.metrics);
    if (p) throw new MeasurementsFormatError(`${where}: ${p}`);
    m.metrics = r.metrics as Metrics;
  }
  if (r.ok && !m.metrics) throw new MeasurementsFormatError(`${where}: a successful measurement needs 'metrics'`);
  if (typeof r.error === 'string') m.error = r.error;
  if (r.proposed !== undefined) m.proposed = pointOf(r, 'proposed', space, where);
  if (typeof r.note === 'string') m.note = r.note;
  if (typeof r.id === 'string') m.id = r.id;
  if (typeof r.attempts === 'number' && Number.isInteger(r.attempts) && r.attempts >= 1) m.attempts = r.attempts;
  return m;
}

export interface ReadResult {
  measurements: Measurement[];
  /** Things the reader repaired, for the user (e.g. a half-written last line dropped). */
  notes: string[];
}

/**
 * Reads a measurements file. A last line without its newline that does not parse is what a
 * killed writer leaves; with `repair` it is cut off (it never was a measurement) and reported.
 * Any other bad line is an error naming the file and line.
 */
export function readMeasurements(path: string, opts: { repair?: boolean } = {}): ReadResult {
  if (!existsSync(path)) return { measurements: [], notes: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new MeasurementsFormatError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const notes: string[] = [];
  const lines = text.split('\n');
  const measurements: Measurement[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const last = i === lines.length - 1;
    const start = offset;
    offset += line.length + 1;
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      if (last && opts.repair) {
        truncateSync(path, Buffer.byteLength(text.slice(0, start), 'utf8'));
        notes.push(`${path}:${i + 1}: dropped a half-written last line (the previous run was interrupted while writing it)`);
        break;
      }
      throw new MeasurementsFormatError(`${path}:${i + 1}: not valid JSON: ${(e as Error).message}`);
    }
    measurements.push(rowToMeasurement(row, `${path}:${i + 1}`));
  }
  if (opts.repair && text.length > 0 && !text.endsWith('\n') && notes.length === 0) appendFileSync(path, '\n');
  return { measurements, notes };
}

/** Appends one measurement as one line (one write call, so a kill leaves at most a partial last line). */
export function appendMeasurement(path: string, m: Measurement): void {
  appendFileSync(path, JSON.stringify(measurementToRow(m)) + '\n');
}
