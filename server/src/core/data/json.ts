// Our JSON benchmark form (docs/benchmark.schema.json): NAS-Bench-MR files ('settings' + 'archs'
// with 27-integer codes, optionally 'cells'), NAS-Bench-201 files ('ops' + 'archs' with op
// indices and 'acc'). Every row and field is checked; a bad one is named, never skipped.
import { NB201_OPS } from '../space/nb201';
import { DataError, type DataEntry, type Dataset, type DataSetting, type DataSpace } from './types';
import { checkCell, checkCode, checkCost, checkMetric, checkMetricName, checkSettingName, defaultSetting, describe, ROW_LIMIT } from './values';

type Obj = Record<string, unknown>;

const ROW_FIELDS = new Set(['code', 'ops', 'flops', 'params', 'notes', 'acc']);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    const atEnd = /Unexpected end/.test(msg) || (pos !== null && Number(pos[1]) >= text.trimEnd().length);
    throw new DataError(`${file}: the file is not valid JSON${line ? ` (line ${line})` : ''}: ${msg}${atEnd ? ' — the file may be truncated' : ''}`, file, line);
  }
}

/** Reads either JSON benchmark form from its text. */
export function readBenchmarkJson(text: string, file: string): Dataset {
  const raw = parseJsonText(text, file);
  if (!isObj(raw)) throw new DataError(`${file}: expected a JSON object with 'archs', got ${describe(raw)}`, file);
  if (!Array.isArray(raw.archs)) throw DataError.at(file, undefined, 'archs', `expected a list of measured networks, got ${describe(raw.archs)}`);
  if (raw.archs.length > ROW_LIMIT) throw DataError.at(file, undefined, 'archs', `${raw.archs.length} rows is more than the ${ROW_LIMIT} this reader takes`);
  if (raw.settings !== undefined) return mrForm(raw, file);
  if (raw.ops !== undefined) return nb201Form(raw, file);
  throw new DataError(`${file}: neither a NAS-Bench-MR file ('settings') nor a NAS-Bench-201 file ('ops')`, file);
}

function settingsOf(raw: Obj, file: string): DataSetting[] {
  if (!isObj(raw.settings)) throw DataError.at(file, undefined, 'settings', `expected an object of settings, got ${describe(raw.settings)}`);
  return Object.entries(raw.settings).map(([name, info]): DataSetting => {
    const where = `settings.${name}`;
    checkSettingName(name, file, undefined, where);
    if (!isObj(info)) throw DataError.at(file, undefined, where, `expected an object with 'metrics', got ${describe(info)}`);
    if (!Array.isArray(info.metrics) || info.metrics.length === 0) throw DataError.at(file, undefined, `${where}.metrics`, `expected a non-empty list of metric names, got ${describe(info.metrics)}`);
    const metrics = info.metrics.map((m, j) => checkMetricName(m, file, undefined, `${where}.metrics[${j}]`));
    if (new Set(metrics).size !== metrics.length) throw DataError.at(file, undefined, `${where}.metrics`, 'a metric is named twice');
    const space: DataSpace = info.space === 'nb201' ? 'nb201' : 'multires';
    if (info.space !== undefined && info.space !== 'nb201' && info.space !== 'multires') throw DataError.at(file, undefined, `${where}.space`, `expected 'multires' or 'nb201', got ${describe(info.space)}`);
    const d = defaultSetting(name, space, metrics);
    if (info.task !== undefined && typeof info.task !== 'string') throw DataError.at(file, undefined, `${where}.task`, `expected a word, got ${describe(info.task)}`);
    if (info.label !== undefined && typeof info.label !== 'string') throw DataError.at(file, undefined, `${where}.label`, `expected text, got ${describe(info.label)}`);
    // the file's own metric order stands (its first is the main one)
    return { name, space, metrics, declared: true, task: (info.task as string | undefined) ?? d.task, ...(info.label ?? d.label ? { label: (info.label as string | undefined) ?? d.label } : {}) };
  });
}

function rows(list: unknown[], listName: string, space: DataSpace, settings: DataSetting[], file: string, warnings: string[]): DataEntry[] {
  const mine = settings.filter((s) => s.space === space);
  const names = new Set(settings.map((s) => s.name));
  return list.map((a, i): DataEntry => {
    const r = i + 1;
    const at = (f: string) => `${listName}[${i}].${f}`;
    if (!isObj(a)) throw DataError.at(file, r, `${listName}[${i}]`, `expected an object, got ${describe(a)}`);
    const code = space === 'multires' ? checkCode(a.code, file, r, at('code'), warnings) : checkCell(a.ops, file, r, at('ops'));
    const origin = `${file}: row ${r} of '${listName}'`;
    const results: Record<string, number[]> = {};
    for (const k of Object.keys(a)) {
      if (!ROW_FIELDS.has(k) && !names.has(k)) throw DataError.at(file, r, at(k), `unknown field: not a setting of this file (${[...names].join(', ')})`);
    }
    for (const s of mine) {
      const v = a[s.name];
      if (v === undefined) continue; // not measured in this setting
      if (!Array.isArray(v)) throw DataError.at(file, r, at(s.name), `expected ${s.metrics.length} numbers (${s.metrics.join(', ')}), got ${describe(v)}`);
      if (v.length !== s.metrics.length) throw DataError.at(file, r, at(s.name), `expected ${s.metrics.length} numbers (${s.metrics.join(', ')}), got ${v.length}`);
      results[s.name] = v.map((x, j) => checkMetric(x, s.metrics[j], file, r, `${at(s.name)}[${j}]`));
    }
    const notes = a.notes;
    if (notes !== undefined && !isObj(notes)) throw DataError.at(file, r, at('notes'), `expected an object of setting → text, got ${describe(notes)}`);
    return {
      space,
      code,
      flops: a.flops === undefined ? undefined : checkCost(a.flops, file, r, at('flops')),
      params: a.params === undefined ? undefined : checkCost(a.params, file, r, at('params')),
      results,
      origin: { ...Object.fromEntries(Object.keys(results).map((s) => [s, origin])), cost: origin },
      ...(notes ? { notes: Object.fromEntries(Object.entries(notes).map(([k, t]) => [k, String(t)])) } : {}),
    };
  });
}

function mrForm(raw: Obj, file: string): Dataset {
  const settings = settingsOf(raw, file);
  const warnings: string[] = [];
  const entries = rows(raw.archs as unknown[], 'archs', 'multires', settings, file, warnings);
  entries.forEach((e, i) => {
    if (e.flops === undefined || e.params === undefined) throw DataError.at(file, i + 1, `archs[${i}].${e.flops === undefined ? 'flops' : 'params'}`, 'missing');
  });
  if (raw.cells !== undefined) {
    if (!Array.isArray(raw.cells)) throw DataError.at(file, undefined, 'cells', `expected a list of cells, got ${describe(raw.cells)}`);
    checkOps(raw.ops, file);
    for (const e of rows(raw.cells, 'cells', 'nb201', settings, file, warnings)) entries.push(e);
  }
  return { sources: [file], settings, entries, warnings };
}

function checkOps(ops: unknown, file: string): void {
  if (!Array.isArray(ops) || ops.join() !== NB201_OPS.join()) {
    throw DataError.at(file, undefined, 'ops', `expected the op list ${JSON.stringify(NB201_OPS)} (the one-hot order), got ${describe(ops)}`);
  }
}

function nb201Form(raw: Obj, file: string): Dataset {
  checkOps(raw.ops, file);
  const setting: DataSetting = defaultSetting('nb201', 'nb201', ['acc']);
  const entries = (raw.archs as unknown[]).map((a, i): DataEntry => {
    const r = i + 1;
    if (!isObj(a)) throw DataError.at(file, r, `archs[${i}]`, `expected an object, got ${describe(a)}`);
    const code = checkCell(a.ops, file, r, `archs[${i}].ops`);
    if (a.acc === undefined) throw DataError.at(file, r, `archs[${i}].acc`, 'missing');
    const origin = `${file}: row ${r}`;
    return {
      space: 'nb201',
      code,
      flops: a.flops === undefined ? undefined : checkCost(a.flops, file, r, `archs[${i}].flops`),
      params: a.params === undefined ? undefined : checkCost(a.params, file, r, `archs[${i}].params`),
      results: { nb201: [checkMetric(a.acc, 'acc', file, r, `archs[${i}].acc`)] },
      origin: { nb201: origin, cost: origin },
    };
  });
  return { sources: [file], settings: [setting], entries, warnings: [] };
}
