// Messages of the views beyond the trace itself, both ways, and their checks. Host → view: the
// explorer's and compare table's data, the network under the editor cursor. View → host: insert a
// network into the file, save an export. Nothing acts on a message that fails its check.
import { validateCode } from '../../server/src/core/space/multires';
import { validateCell } from '../../server/src/core/space/nb201';
import { VIEW_LIMITS, type CompareData, type CursorNetwork, type ExplorerData, type OverlayNetwork, type Prediction, type SettingColumn, type Space } from '../../server/src/features/views/viewData';
import type { SearchProgressData } from './search/model';
import { arr, checked, int, keys, num, nums, obj, oneOf, ShapeError, str, type Checked, type Obj } from './common/shape';

export type { CompareData, CursorNetwork, ExplorerData };

/** Rows of a search's progress a view accepts (the editor reads files of at most 32 MB). */
export const MAX_SEARCH_POINTS = 100_000;

/** `ncp/searchProgress`'s answer: every field checked, unknown ones refused. */
export function checkSearchProgress(v: unknown, at = 'data'): SearchProgressData {
  const o = obj(v, at);
  keys(o, ['name', 'objective', 'points'], ['file', 'error'], at);
  const data: SearchProgressData = { name: str(o.name, `${at}.name`, VIEW_LIMITS.name), objective: str(o.objective, `${at}.objective`, 1_000), points: [] };
  if (o.file !== undefined) data.file = str(o.file, `${at}.file`, 4_096);
  if (o.error !== undefined) data.error = str(o.error, `${at}.error`, 4_096);
  arr(o.points, `${at}.points`, MAX_SEARCH_POINTS).forEach((p, i) => {
    const w = `${at}.points[${i}]`;
    const q = obj(p, w);
    keys(q, ['query', 'ok'], ['value', 'best'], w);
    if (typeof q.ok !== 'boolean') throw new ShapeError(`${w}.ok is not true or false`);
    const point: SearchProgressData['points'][number] = { query: int(q.query, `${w}.query`, 1, MAX_SEARCH_POINTS), ok: q.ok };
    if (point.query !== i + 1) throw new ShapeError(`${w}.query is ${point.query}, expected ${i + 1}`);
    if (q.value !== undefined) point.value = num(q.value, `${w}.value`);
    if (q.best !== undefined) point.best = num(q.best, `${w}.best`);
    data.points.push(point);
  });
  return data;
}

export type DataMessage =
  | { type: 'explorer'; data: ExplorerData }
  | { type: 'compare'; data: CompareData }
  | { type: 'cursor'; network: CursorNetwork | null }
  | { type: 'searchProgress'; data: SearchProgressData };

export type SaveFormat = 'json' | 'csv' | 'svg' | 'png';
export const SAVE_FORMATS: readonly SaveFormat[] = ['json', 'csv', 'svg', 'png'];
/** Largest export the host writes (characters of the message's data). */
export const MAX_SAVE_CHARS = 32 * 1024 * 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$/;

export type ActionMessage =
  | { type: 'insert'; space: Space; code: number[]; name: string }
  | { type: 'save'; format: SaveFormat; fileName: string; data: string }
  | { type: 'openNetwork'; name: string };

export function codeFor(space: Space, v: unknown, at: string): number[] {
  const n = space === 'multires' ? 27 : 6;
  const code = nums(v, at, n);
  if (code.length !== n || !code.every(Number.isInteger)) throw new ShapeError(`${at} is not ${n} integers`);
  return code;
}

/** A code the language accepts (in range), for what is written into the user's file. */
function validCode(space: Space, v: unknown, at: string): number[] {
  const code = codeFor(space, v, at);
  if (space === 'multires') {
    const bad = validateCode(code).find((e) => e.severity === 'error');
    if (bad) throw new ShapeError(`${at}: ${bad.message}`);
  } else {
    const bad = validateCell(code);
    if (bad.length) throw new ShapeError(`${at}: ${bad[0]}`);
  }
  return code;
}

/** What the host accepts from the explorer, compare and trace views (besides ready/reveal). */
export function checkActionMessage(v: unknown): Checked<ActionMessage> {
  return checked(() => {
    const o = obj(v, 'message');
    if (o.type === 'insert') {
      keys(o, ['type', 'space', 'code', 'name'], [], 'message');
      const space = oneOf(o.space, ['multires', 'nb201'] as const, 'message.space');
      const name = str(o.name, 'message.name', 64);
      if (!NAME.test(name)) throw new ShapeError(`message.name '${name}' is not a name (letters, digits, _; at most 64)`);
      return { type: 'insert', space, code: validCode(space, o.code, 'message.code'), name };
    }
    if (o.type === 'save') {
      keys(o, ['type', 'format', 'fileName', 'data'], [], 'message');
      const format = oneOf(o.format, SAVE_FORMATS, 'message.format');
      const fileName = str(o.fileName, 'message.fileName', 80);
      if (!FILE_NAME.test(fileName) || !fileName.toLowerCase().endsWith(`.${format}`)) throw new ShapeError(`message.fileName '${fileName}' is not a plain .${format} file name`);
      const data = str(o.data, 'message.data', MAX_SAVE_CHARS);
      if (format === 'png' && !/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(data)) throw new ShapeError('message.data is not a base64 PNG data URL');
      if (format === 'svg' && !/^(<\?xml[^>]*>\s*)?<svg[\s>]/.test(data)) throw new ShapeError('message.data is not an SVG document');
      if (format === 'json') {
        try {
          JSON.parse(data);
        } catch {
          throw new ShapeError('message.data is not JSON');
        }
      }
      return { type: 'save', format, fileName, data };
    }
    if (o.type === 'openNetwork') {
      keys(o, ['type', 'name'], [], 'message');
      const name = str(o.name, 'message.name', 64);
      if (!NAME.test(name)) throw new ShapeError(`message.name '${name}' is not a name`);
      return { type: 'openNetwork', name };
    }
    throw new ShapeError(`unknown message type ${JSON.stringify(o.type)?.slice(0, 40) ?? 'undefined'}`);
  });
}

function settings(v: unknown, at: string): SettingColumn[] {
  return arr(v, at, VIEW_LIMITS.settings).map((s, i) => {
    const o = obj(s, `${at}[${i}]`);
    return {
      name: str(o.name, `${at}[${i}].name`, VIEW_LIMITS.name),
      metrics: arr(o.metrics, `${at}[${i}].metrics`, VIEW_LIMITS.metrics).map((m, k) => str(m, `${at}[${i}].metrics[${k}]`, VIEW_LIMITS.name)),
    };
  });
}

function aligned<T>(v: unknown, at: string, n: number, item: (x: unknown, at: string) => T): (T | null)[] {
  const list = arr(v, at, n);
  if (list.length !== n) throw new ShapeError(`${at} has ${list.length} entries, not one per setting (${n})`);
  return list.map((x, i) => (x === null ? null : item(x, `${at}[${i}]`)));
}

function prediction(v: unknown, at: string): Prediction {
  return arr(v, at, VIEW_LIMITS.metrics).map((p, i) => {
    const o = obj(p, `${at}[${i}]`);
    return { mean: num(o.mean, `${at}[${i}].mean`), std: num(o.std, `${at}[${i}].std`) };
  });
}

function overlay(v: unknown, at: string, space: Space, n: number): OverlayNetwork {
  const o = obj(v, at);
  return {
    name: str(o.name, `${at}.name`, VIEW_LIMITS.name),
    code: codeFor(space, o.code, `${at}.code`),
    flops: num(o.flops, `${at}.flops`),
    params: num(o.params, `${at}.params`),
    predicted: aligned(o.predicted, `${at}.predicted`, n, prediction),
  };
}

function notes(v: unknown, at: string): string[] {
  return v === undefined ? [] : arr(v, at, VIEW_LIMITS.notes).map((x, i) => str(x, `${at}[${i}]`, 2_000));
}

export function checkExplorerData(v: unknown, at = 'data'): ExplorerData {
  const o = obj(v, at);
  const space = oneOf(o.space, ['multires', 'nb201'] as const, `${at}.space`);
  const s = settings(o.settings, `${at}.settings`);
  const n = s.length;
  const data: ExplorerData = {
    source: str(o.source, `${at}.source`, 4_096),
    space,
    settings: s,
    points: arr(o.points, `${at}.points`, VIEW_LIMITS.points).map((p, i) => {
      const q = obj(p, `${at}.points[${i}]`);
      return {
        code: codeFor(space, q.code, `${at}.points[${i}].code`),
        flops: num(q.flops, `${at}.points[${i}].flops`),
        params: num(q.params, `${at}.points[${i}].params`),
        values: aligned(q.values, `${at}.points[${i}].values`, n, (x, w) => nums(x, w, VIEW_LIMITS.metrics)),
      };
    }),
    networks: arr(o.networks, `${at}.networks`, VIEW_LIMITS.networks).map((x, i) => overlay(x, `${at}.networks[${i}]`, space, n)),
    uri: str(o.uri, `${at}.uri`, 4_096),
    version: int(o.version, `${at}.version`),
    notes: notes(o.notes, `${at}.notes`),
  };
  if (o.path !== undefined && o.path !== null) {
    const p = obj(o.path, `${at}.path`);
    data.path = {
      label: str(p.label, `${at}.path.label`, VIEW_LIMITS.name),
      steps: arr(p.steps, `${at}.path.steps`, VIEW_LIMITS.pathSteps).map((x, i) => ({
        ...overlay(x, `${at}.path.steps[${i}]`, space, n),
        step: int((x as Obj).step, `${at}.path.steps[${i}].step`),
      })),
    };
  }
  return data;
}

export function checkCompareData(v: unknown, at = 'data'): CompareData {
  const o = obj(v, at);
  const s = settings(o.settings, `${at}.settings`);
  const n = s.length;
  const data: CompareData = {
    uri: str(o.uri, `${at}.uri`, 4_096),
    settings: s,
    rows: arr(o.rows, `${at}.rows`, VIEW_LIMITS.networks).map((r, i) => {
      const w = `${at}.rows[${i}]`;
      const q = obj(r, w);
      const kind = oneOf(q.kind, ['network', 'cell'] as const, `${w}.kind`);
      const row: CompareData['rows'][number] = {
        name: str(q.name, `${w}.name`, VIEW_LIMITS.name),
        kind,
        line: int(q.line, `${w}.line`),
        code: codeFor(kind === 'network' ? 'multires' : 'nb201', q.code, `${w}.code`),
        predicted: aligned(q.predicted, `${w}.predicted`, n, prediction),
        measured: aligned(q.measured, `${w}.measured`, n, (x, ww) => nums(x, ww, VIEW_LIMITS.metrics)),
      };
      if (q.flops !== undefined) row.flops = num(q.flops, `${w}.flops`);
      if (q.params !== undefined) row.params = num(q.params, `${w}.params`);
      return row;
    }),
    notes: notes(o.notes, `${at}.notes`),
  };
  if (o.benchmark !== undefined) data.benchmark = str(o.benchmark, `${at}.benchmark`, 4_096);
  return data;
}

export function checkCursor(v: unknown, at = 'network'): CursorNetwork | null {
  if (v === null || v === undefined) return null;
  const o = obj(v, at);
  const space = oneOf(o.space, ['multires', 'nb201'] as const, `${at}.space`);
  return { name: str(o.name, `${at}.name`, VIEW_LIMITS.name), space, code: codeFor(space, o.code, `${at}.code`) };
}

/** Host → view messages other than 'trace'. */
export function checkDataMessage(v: unknown): Checked<DataMessage> {
  return checked(() => {
    const o = obj(v, 'message');
    if (o.type === 'explorer') return { type: 'explorer', data: checkExplorerData(o.data) };
    if (o.type === 'compare') return { type: 'compare', data: checkCompareData(o.data) };
    if (o.type === 'cursor') return { type: 'cursor', network: checkCursor(o.network) };
    if (o.type === 'searchProgress') return { type: 'searchProgress', data: checkSearchProgress(o.data) };
    throw new ShapeError(`unknown message type ${JSON.stringify(o.type)?.slice(0, 40) ?? 'undefined'}`);
  });
}
