// Your own measurements: a plain file you append one row to per trained network and setting.
// JSON Lines: {"code": …, "setting": "seg", "metrics": {"mIoU": 71.2}, "notes": "…"} per line.
// CSV: a header naming `code`, `setting`, optional `task`, `flops`, `params`, `notes`, and one
// column per metric (an empty cell: not measured). The code in any of its three forms (the
// benchmark string, 27 integers, or the structured {stem, stages, head} object), or a NAS-Bench-201
// cell string. Docs: docs/data.md.
import { parse as parseCsv } from 'csv-parse/sync';
import { cost } from '../cost';
import { CodeFormatError, networkToCode, parseCode, validateNetwork, type MultiResNetwork } from '../space/multires';
import { CellFormatError, parseCellString } from '../space/nb201';
import { DataError, type DataEntry, type DataPoint, type Dataset, type DataSetting, type DataSpace } from './types';
import { checkCell, checkCode, checkCost, checkMetric, checkMetricName, checkSettingName, defaultSetting, describe, ROW_LIMIT } from './values';

/** Fields of a measurement row that are not metrics. */
const FIELDS = ['code', 'setting', 'task', 'flops', 'params', 'notes'];
/**
 * Fields of a row `ncp search --out` writes (core/search/measurementsFile.ts): the metrics nested
 * by setting, `ok`, and bookkeeping that is not data (`index`, `value`: its --json lines).
 */
const SEARCH_FIELDS = ['space', 'code', 'cell', 'metrics', 'ok', 'error', 'seconds', 'proposed', 'note', 'index', 'value', 'id', 'attempts'];

interface RawRow {
  row: number;
  code: unknown;
  setting: unknown;
  task?: unknown;
  flops?: unknown;
  params?: unknown;
  notes?: unknown;
  /** metric → value (a number from JSON, text from CSV). */
  metrics: [string, unknown][];
}

/** A code or cell in any accepted form → its space and numbers. */
export function parseAnyCode(v: unknown, file: string, row: number, warnings: string[]): { space: DataSpace; code: number[] } {
  try {
    if (typeof v === 'string') {
      const s = v.trim();
      if (s.startsWith('|')) return { space: 'nb201', code: parseCellString(s) };
      if (s.startsWith('{')) return parseAnyCode(JSON.parse(s), file, row, warnings);
      return { space: 'multires', code: checkCode(parseCode(s), file, row, 'code', warnings) };
    }
    if (Array.isArray(v)) {
      if (v.length === 6) return { space: 'nb201', code: checkCell(v, file, row, 'code') };
      return { space: 'multires', code: checkCode(v, file, row, 'code', warnings) };
    }
    if (typeof v === 'object' && v !== null) return { space: 'multires', code: structured(v as Record<string, unknown>, file, row, warnings) };
  } catch (e) {
    if (e instanceof DataError) throw e;
    if (e instanceof CodeFormatError || e instanceof CellFormatError || e instanceof SyntaxError) throw DataError.at(file, row, 'code', (e as Error).message);
    throw e;
  }
  throw DataError.at(file, row, 'code', `expected a network code (benchmark string, 27 integers or {stem, stages, head}) or a cell string, got ${describe(v)}`);
}

function structured(o: Record<string, unknown>, file: string, row: number, warnings: string[]): number[] {
  const ints = (x: unknown, f: string): number[] => {
    if (!Array.isArray(x) || x.length > 8 || !x.every((n) => Number.isInteger(n))) throw DataError.at(file, row, f, `expected a short list of integers, got ${describe(x)}`);
    return x as number[];
  };
  const stem = ints(o.stem, 'code.stem');
  if (stem.length !== 2) throw DataError.at(file, row, 'code.stem', `expected 2 channel counts, got ${stem.length}`);
  if (!Array.isArray(o.stages) || o.stages.length !== 4) throw DataError.at(file, row, 'code.stages', `expected 4 stages, got ${describe(o.stages)}`);
  const stages = o.stages.map((s, k) => {
    const st = (s ?? {}) as Record<string, unknown>;
    if (!Number.isInteger(st.blocks)) throw DataError.at(file, row, `code.stages[${k}].blocks`, `expected an integer, got ${describe(st.blocks)}`);
    return { blocks: st.blocks as number, units: ints(st.units, `code.stages[${k}].units`), channels: ints(st.channels, `code.stages[${k}].channels`) };
  });
  if (!Number.isInteger(o.head)) throw DataError.at(file, row, 'code.head', `expected an integer, got ${describe(o.head)}`);
  const net = { stem: [stem[0], stem[1]], stages, head: o.head } as MultiResNetwork;
  const errors = validateNetwork(net).filter((i) => i.severity === 'error');
  if (errors.length > 0) throw DataError.at(file, row, `code.${errors[0].path}`, errors[0].message);
  return checkCode(networkToCode(net), file, row, 'code', warnings);
}

function toDataset(raw: RawRow[], file: string, text: boolean, failed: DataPoint[] = []): Dataset {
  const warnings: string[] = [];
  const settings = new Map<string, DataSetting>();
  const seen = new Map<string, number>();
  const entries: DataEntry[] = [];
  for (const r of raw) {
    const setting = checkSettingName(r.setting, file, r.row, 'setting');
    const { space, code } = parseAnyCode(r.code, file, r.row, warnings);
    const present = r.metrics.filter(([, v]) => !(text && v === ''));
    if (present.length === 0) throw DataError.at(file, r.row, 'metrics', `no metric values for setting '${setting}'`);
    present.forEach(([m]) => checkMetricName(m, file, r.row, m));
    let info = settings.get(setting);
    if (!info) {
      info = defaultSetting(setting, space, present.map(([m]) => m));
      if (r.task !== undefined && r.task !== '') {
        if (typeof r.task !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/.test(r.task)) throw DataError.at(file, r.row, 'task', `expected a word, got ${describe(r.task)}`);
        info.task = r.task;
      }
      if (info.space !== space) throw DataError.at(file, r.row, 'code', `setting '${setting}' reads ${info.space === 'nb201' ? 'NAS-Bench-201 cells' : 'network codes'}, this row has ${space === 'nb201' ? 'a cell' : 'a network code'}`);
      settings.set(setting, info);
    } else if (info.space !== space) {
      throw DataError.at(file, r.row, 'code', `setting '${setting}' has ${info.space === 'nb201' ? 'cells' : 'network codes'} in earlier rows, this row has ${space === 'nb201' ? 'a cell' : 'a network code'}`);
    }
    const names = present.map(([m]) => m);
    const missing = info.metrics.find((m) => !names.includes(m));
    if (missing) throw DataError.at(file, r.row, missing, `missing: setting '${setting}' has ${info.metrics.join(', ')} in its first row`);
    const extra = names.find((m) => !info!.metrics.includes(m));
    if (extra) throw DataError.at(file, r.row, extra, `not a metric of setting '${setting}' (its first row has ${info.metrics.join(', ')})`);
    const values = info.metrics.map((m) => {
      const v = present.find(([n]) => n === m)![1];
      const num = text ? numberText(v as string, file, r.row, m) : v;
      return checkMetric(num, m, file, r.row, m);
    });
    const costOf = (v: unknown, f: string) => (v === undefined || (text && v === '') ? undefined : checkCost(text ? numberText(v as string, file, r.row, f) : v, file, r.row, f));
    let flops = costOf(r.flops, 'flops');
    let params = costOf(r.params, 'params');
    if (space === 'multires' && (flops === undefined || params === undefined)) {
      // exact cost of the code (the benchmark's counting rule, core/cost.ts)
      const c = cost(code);
      flops ??= c.flops;
      params ??= c.params;
    }
    const origin = `${file}: row ${r.row}`;
    const key = `${space}:${code.join(',')}:${setting}`;
    const dup = seen.get(key);
    if (dup !== undefined) throw DataError.at(file, r.row, 'code', `this network was already measured in setting '${setting}' in row ${dup}: keep one row per network and setting`);
    seen.set(key, r.row);
    if (r.notes !== undefined && r.notes !== '' && typeof r.notes !== 'string') throw DataError.at(file, r.row, 'notes', `expected text, got ${describe(r.notes)}`);
    entries.push({
      space,
      code,
      flops,
      params,
      results: { [setting]: values },
      origin: { [setting]: origin, cost: origin },
      ...(typeof r.notes === 'string' && r.notes !== '' ? { notes: { [setting]: r.notes.slice(0, 2000) } } : {}),
    });
  }
  if (entries.length === 0) throw new DataError(`${file}: no measurement rows${failed.length > 0 ? ` (only ${failed.length} failed measurement(s), which are not data)` : ''}`, file);
  return { sources: [file], settings: [...settings.values()], entries, warnings, ...(failed.length > 0 ? { failed } : {}) };
}

function numberText(v: string, file: string, row: number, field: string): number {
  const t = v.trim();
  // Number('') is 0 and Number('0x10') is 16: only plain decimal numbers are measurements
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(Infinity|NaN)$/i.test(t)) throw DataError.at(file, row, field, `expected a number, got the text ${JSON.stringify(t.slice(0, 40))}`);
  return Number(t);
}

/** A row written by `ncp search --out`: it has `space` or `ok`, or its metrics are nested by setting. */
function isSearchRow(r: Record<string, unknown>): boolean {
  if (r.space !== undefined || r.ok !== undefined || r.cell !== undefined) return true;
  const m = r.metrics;
  return r.setting === undefined && typeof m === 'object' && m !== null && !Array.isArray(m) && Object.values(m).some((v) => typeof v === 'object' && v !== null);
}

/**
 * A search row as rows of the plain form, one per setting it measured; a failed measurement
 * (`ok: false`) gives none, only its network in `failed`.
 */
function searchRows(r: Record<string, unknown>, file: string, row: number, failed: DataPoint[]): RawRow[] {
  for (const k of Object.keys(r)) if (!SEARCH_FIELDS.includes(k)) throw DataError.at(file, row, k, `unknown field (a search measurement has ${SEARCH_FIELDS.slice(0, 9).join(', ')})`);
  if (r.space !== undefined && r.space !== 'multires' && r.space !== 'nb201') throw DataError.at(file, row, 'space', `expected "multires" or "nb201", got ${describe(r.space)}`);
  if (r.code !== undefined && r.cell !== undefined) throw DataError.at(file, row, 'cell', "give 'code' (a network) or 'cell' (a NAS-Bench-201 cell), not both");
  const field = r.cell !== undefined ? 'cell' : 'code';
  if (r[field] === undefined) throw DataError.at(file, row, 'code', "missing (a search measurement has 'code' or 'cell')");
  if (r.ok !== undefined && typeof r.ok !== 'boolean') throw DataError.at(file, row, 'ok', `expected true or false, got ${describe(r.ok)}`);
  if (r.note !== undefined && typeof r.note !== 'string') throw DataError.at(file, row, 'note', `expected text, got ${describe(r.note)}`);
  let point: { space: DataSpace; code: number[] };
  try {
    // range warnings come from toDataset, which reads the code again (a failed row's are noise)
    point = parseAnyCode(r[field], file, row, []);
  } catch (e) {
    // name the field the row has ('cell'), not the plain form's
    if (e instanceof DataError && field === 'cell') throw DataError.at(file, row, 'cell', e.message.replace(/^.*?field 'code': /, ''));
    throw e;
  }
  const expected = r.space ?? (field === 'cell' ? 'nb201' : undefined);
  if (expected !== undefined && point.space !== expected) throw DataError.at(file, row, field, `'space' is "${String(expected)}" but this is ${point.space === 'nb201' ? 'a NAS-Bench-201 cell' : 'a network code'}`);
  if (r.ok === false) {
    failed.push({ ...point, origin: `${file}: row ${row}` });
    return [];
  }
  const m = r.metrics;
  if (m === undefined) throw DataError.at(file, row, 'metrics', 'missing (a successful measurement has metrics {setting: {metric: value}})');
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw DataError.at(file, row, 'metrics', `expected {setting: {metric: value}}, got ${describe(m)}`);
  const settings = Object.entries(m as Record<string, unknown>);
  if (settings.length === 0) throw DataError.at(file, row, 'metrics', 'no settings (expected {setting: {metric: value}})');
  return settings.map(([setting, values]) => {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw DataError.at(file, row, `metrics.${setting}`, `expected an object of metric → value, got ${describe(values)}`);
    return { row, code: point.space === 'nb201' ? r[field] : point.code, setting, notes: r.note, metrics: Object.entries(values as Record<string, unknown>) };
  });
}

/**
 * JSON Lines: one object per line; blank lines and lines starting with '#' are skipped. A line is
 * either a plain row {code, setting, metrics: {metric: value}} or one `ncp search --out` writes
 * {space, code|cell, metrics: {setting: {metric: value}}, ok, …}; failed measurements are skipped.
 */
export function readJsonLines(text: string, file: string): Dataset {
  const lines = text.split(/\r?\n/);
  if (lines.length > ROW_LIMIT) throw new DataError(`${file}: ${lines.length} lines is more than the ${ROW_LIMIT} this reader takes`, file);
  const raw: RawRow[] = [];
  const failed: DataPoint[] = [];
  lines.forEach((line, i) => {
    const row = i + 1;
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    let o: unknown;
    try {
      o = JSON.parse(t);
    } catch (e) {
      throw DataError.at(file, row, undefined, `not valid JSON (${(e as Error).message})${i === lines.length - 1 ? ' — the last line may be cut off' : ''}`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw DataError.at(file, row, undefined, `expected an object {code, setting, metrics}, got ${describe(o)}`);
    const r = o as Record<string, unknown>;
    // the last line of `ncprop search --json` (saved as a file) summarises the others: not data
    if (r.summary === true && r.metrics === undefined) return;
    if (isSearchRow(r)) {
      raw.push(...searchRows(r, file, row, failed));
      return;
    }
    for (const k of Object.keys(r)) if (!FIELDS.includes(k) && k !== 'metrics') throw DataError.at(file, row, k, `unknown field (a row has ${[...FIELDS, 'metrics'].join(', ')})`);
    for (const k of ['code', 'setting', 'metrics']) if (r[k] === undefined) throw DataError.at(file, row, k, 'missing');
    const m = r.metrics;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw DataError.at(file, row, 'metrics', `expected an object of metric → value, got ${describe(m)}`);
    raw.push({ row, code: r.code, setting: r.setting, task: r.task, flops: r.flops, params: r.params, notes: r.notes, metrics: Object.entries(m) });
  });
  return toDataset(raw, file, false, failed);
}

/** CSV with a header row; lines starting with '#' are comments. */
export function readCsv(text: string, file: string): Dataset {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { info: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, trim: true, bom: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw DataError.at(file, typeof line === 'number' ? line : undefined, undefined, `not valid CSV: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new DataError(`${file}: empty (expected a header row: code,setting,<metric>,…)`, file);
  if (records.length > ROW_LIMIT) throw new DataError(`${file}: ${records.length} rows is more than the ${ROW_LIMIT} this reader takes`, file);
  const header = records[0].record;
  const headRow = records[0].info.lines;
  for (const need of ['code', 'setting']) if (!header.includes(need)) throw DataError.at(file, headRow, need, `the header has no '${need}' column (it has ${header.join(', ')})`);
  header.forEach((h, j) => {
    if (header.indexOf(h) !== j) throw DataError.at(file, headRow, h, 'the column is named twice');
    if (!FIELDS.includes(h)) checkMetricName(h, file, headRow, h);
  });
  const metricCols = header.map((h, j) => [h, j] as const).filter(([h]) => !FIELDS.includes(h));
  if (metricCols.length === 0) throw DataError.at(file, headRow, undefined, 'the header names no metric column');
  const col = (name: string) => header.indexOf(name);
  const raw = records.slice(1).map(({ record, info }): RawRow => {
    const get = (name: string) => (col(name) >= 0 ? record[col(name)] : undefined);
    return { row: info.lines, code: get('code'), setting: get('setting'), task: get('task'), flops: get('flops'), params: get('params'), notes: get('notes'), metrics: metricCols.map(([h, j]) => [h, record[j]]) };
  });
  return toDataset(raw, file, true);
}
