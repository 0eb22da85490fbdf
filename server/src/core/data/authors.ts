// The authors' benchmark pickles (data/<setting>/trainval.pkl of their NCP repository): a list of
// dicts, one per measured network. NAS-Bench-MR rows hold the setting's metrics, flops, params,
// the supernet arguments and the 27-number `embedding`; NAS-Bench-201 rows a float32 numpy
// `embedding` (6 edges × 5 ops, one-hot) with Acc, Flops and Params.
import { CODE_LENGTH, stageOffset } from '../space/multires';
import { NB201_EDGE_COUNT, NB201_OP_COUNT } from '../space/nb201';
import { NdArray, unpickle } from './pickle';
import { DataError, type DataEntry, type Dataset, type DataSetting } from './types';
import { checkCode, checkCost, checkMetric, checkMetricName, checkSettingName, defaultSetting, describe, ROW_LIMIT } from './values';

/** Keys of an NAS-Bench-MR row that are not metrics. */
const MR_FIELDS = new Set(['flops', 'params', 'input_channel', 'inverted_residual_setting', 'last_channel', 'embedding']);
/** The NAS-Bench-201 folder's setting name here. */
export const NB201_FOLDER = 'nas-bench-201';

/** The setting a pickle's rows belong to: its folder's name (`seg/trainval.pkl`), else the file's stem. */
export function settingFromPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  const file = parts[parts.length - 1] ?? '';
  const stem = file.replace(/\.(pkl|pickle)$/i, '');
  const name = /^(trainval|train|val|test|data)$/i.test(stem) ? (parts[parts.length - 2] ?? stem) : stem;
  return name === NB201_FOLDER || name === 'nasbench201' ? 'nb201' : name;
}

/** Reads one authors' pickle; `setting` defaults to the one its path names. */
export function readAuthorsPickle(bytes: Uint8Array, file: string, setting = settingFromPath(file)): Dataset {
  const value = unpickle(bytes, file);
  if (!Array.isArray(value)) throw new DataError(`${file}: expected a list of measured networks (dicts), got ${describe(value)}`, file);
  if (value.length > ROW_LIMIT) throw new DataError(`${file}: ${value.length} rows is more than the ${ROW_LIMIT} this reader takes`, file);
  if (value.length === 0) throw new DataError(`${file}: the list of measured networks is empty`, file);
  const first = value[0];
  if (!(first instanceof Map)) throw DataError.at(file, 1, undefined, `expected a dict, got ${describe(first)}`);
  return first.get('embedding') instanceof NdArray || first.has('Acc') ? nb201Rows(value, file, setting) : mrRows(value, file, checkSettingName(setting, file, undefined, 'setting (from the folder name)'));
}

function row(value: unknown[], i: number, file: string): Map<string, unknown> {
  const r = value[i];
  if (!(r instanceof Map)) throw DataError.at(file, i + 1, undefined, `expected a dict, got ${describe(r)}`);
  return r as Map<string, unknown>;
}

function need(r: Map<string, unknown>, key: string, file: string, i: number): unknown {
  if (!r.has(key)) throw DataError.at(file, i + 1, key, `missing (the row has ${[...r.keys()].slice(0, 12).join(', ')})`);
  return r.get(key);
}

function intList(v: unknown, file: string, i: number, field: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) throw DataError.at(file, i + 1, field, `expected a list of integers, got ${describe(v)}`);
  return v as number[];
}

/** The supernet arguments of a row, checked against its embedding (they must name the same network). */
function checkTorchArgs(r: Map<string, unknown>, code: number[], file: string, i: number): void {
  if (!r.has('inverted_residual_setting') && !r.has('input_channel') && !r.has('last_channel')) return;
  const input = intList(need(r, 'input_channel', file, i), file, i, 'input_channel');
  const blocks = need(r, 'inverted_residual_setting', file, i);
  const last = need(r, 'last_channel', file, i);
  if (input.length !== 2) throw DataError.at(file, i + 1, 'input_channel', `expected 2 channel counts, got ${input.length}`);
  if (!Number.isInteger(last)) throw DataError.at(file, i + 1, 'last_channel', `expected an integer, got ${describe(last)}`);
  if (!Array.isArray(blocks) || blocks.length > 64) throw DataError.at(file, i + 1, 'inverted_residual_setting', `expected a list of at most 64 blocks, got ${describe(blocks)}`);
  // compared in place (no conversion of 2,500 rows × 8 files): stage k's blocks each read [k, units, channels]
  let same = input[0] === code[0] && input[1] === code[1] && last === code[CODE_LENGTH - 1];
  let j = 0;
  for (let k = 1; k <= 4 && same; k++) {
    const o = stageOffset(k);
    for (let b = 0; b < code[o] && same; b++, j++) {
      const blk = blocks[j] as unknown;
      if (!Array.isArray(blk) || blk.length !== 3 || !Array.isArray(blk[1]) || !Array.isArray(blk[2])) {
        throw DataError.at(file, i + 1, `inverted_residual_setting[${j}]`, `expected [branches, units, channels], got ${describe(blk)}`);
      }
      const [n, units, channels] = blk as [unknown, unknown[], unknown[]];
      same = n === k && units.length === k && channels.length === k;
      for (let x = 0; x < k && same; x++) same = units[x] === code[o + 1 + x] && channels[x] === code[o + 1 + k + x];
    }
  }
  if (!same || j !== blocks.length) {
    throw DataError.at(file, i + 1, 'embedding', `disagrees with input_channel/inverted_residual_setting/last_channel: they describe another network`);
  }
}

function mrRows(value: unknown[], file: string, setting: string): Dataset {
  const first = row(value, 0, file);
  const metricKeys = [...first.keys()].filter((k) => !MR_FIELDS.has(k));
  if (metricKeys.length === 0) throw DataError.at(file, 1, undefined, `no metric: the row has only ${[...first.keys()].join(', ')}`);
  metricKeys.forEach((k) => checkMetricName(k, file, 1, k));
  const info: DataSetting = defaultSetting(setting, 'multires', metricKeys);
  const warnings: string[] = [];
  const entries: DataEntry[] = [];
  for (let i = 0; i < value.length; i++) {
    const r = row(value, i, file);
    const code = checkCode(need(r, 'embedding', file, i), file, i + 1, 'embedding', warnings);
    if (code.length !== CODE_LENGTH) throw DataError.at(file, i + 1, 'embedding', `expected ${CODE_LENGTH} integers`);
    checkTorchArgs(r, code, file, i);
    for (const k of r.keys()) if (!MR_FIELDS.has(k) && !info.metrics.includes(k)) throw DataError.at(file, i + 1, k, `not a metric of this file (row 1 has only ${info.metrics.join(', ')}: is it missing there?)`);
    const metrics = info.metrics.map((m) => checkMetric(need(r, m, file, i), m, file, i + 1, m));
    const origin = `${file}: row ${i + 1}`;
    entries.push({
      space: 'multires',
      code,
      flops: r.has('flops') ? checkCost(r.get('flops'), file, i + 1, 'flops') : undefined,
      params: r.has('params') ? checkCost(r.get('params'), file, i + 1, 'params') : undefined,
      results: { [setting]: metrics },
      origin: { [setting]: origin, cost: origin },
    });
  }
  return { sources: [file], settings: [info], entries, warnings };
}

function oneHotCell(v: unknown, file: string, i: number): number[] {
  const values = v instanceof NdArray ? v.values : Array.isArray(v) ? v : undefined;
  const n = NB201_EDGE_COUNT * NB201_OP_COUNT;
  if (!values || values.length !== n || !values.every((x) => x === 0 || x === 1)) {
    throw DataError.at(file, i + 1, 'embedding', `expected the ${n}-number one-hot of a cell (6 edges × 5 ops, 0 or 1), got ${v instanceof NdArray ? `an array of ${v.values.length}` : describe(v)}`);
  }
  const cell: number[] = [];
  for (let e = 0; e < NB201_EDGE_COUNT; e++) {
    const hot = values.slice(e * NB201_OP_COUNT, (e + 1) * NB201_OP_COUNT);
    if (hot.filter((x) => x === 1).length !== 1) throw DataError.at(file, i + 1, 'embedding', `edge ${e + 1} has ${hot.filter((x) => x === 1).length} ops set, expected exactly 1`);
    cell.push(hot.indexOf(1));
  }
  return cell;
}

function nb201Rows(value: unknown[], file: string, setting: string): Dataset {
  const name = checkSettingName(setting, file, undefined, 'setting (from the folder name)');
  const info: DataSetting = { ...defaultSetting(name, 'nb201', ['acc']), space: 'nb201' };
  const entries: DataEntry[] = [];
  for (let i = 0; i < value.length; i++) {
    const r = row(value, i, file);
    const code = oneHotCell(need(r, 'embedding', file, i), file, i);
    const acc = checkMetric(need(r, 'Acc', file, i), 'acc', file, i + 1, 'Acc');
    const origin = `${file}: row ${i + 1}`;
    entries.push({
      space: 'nb201',
      code,
      flops: r.has('Flops') ? checkCost(r.get('Flops'), file, i + 1, 'Flops') : undefined,
      params: r.has('Params') ? checkCost(r.get('Params'), file, i + 1, 'Params') : undefined,
      results: { [name]: [acc] },
      origin: { [name]: origin, cost: origin },
    });
  }
  return { sources: [file], settings: [info], entries, warnings: [] };
}
