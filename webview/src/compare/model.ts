// The compare table's pure part: columns, sorting and the CSV/JSON exports.
import type { CompareData, CompareRow } from '../../../server/src/features/views/viewData';
import { csvField } from '../trace/exportTrace';

export interface Column {
  key: string;
  label: string;
  /** Sort value of a row (undefined sorts last). */
  value(r: CompareRow): number | string | undefined;
  /** Cell text. */
  text(r: CompareRow): string;
  numeric: boolean;
}

function f(v: number | undefined, d: number): string {
  return v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d);
}

/**
 * Name first, then what a person compares networks for: each setting's prediction (and measured
 * value), then the exact cost. The name column stays in view while the table scrolls sideways.
 */
export function columns(data: CompareData): Column[] {
  const cols: Column[] = [{ key: 'name', label: 'Network', value: (r) => r.name, text: (r) => r.name, numeric: false }];
  data.settings.forEach((s, i) => {
    const m = s.metrics[0] ?? '';
    cols.push({
      key: `pred:${s.name}`,
      label: `${s.name} ${m} predicted`,
      value: (r) => r.predicted[i]?.[0]?.mean,
      text: (r) => {
        const p = r.predicted[i]?.[0];
        return p ? `${f(p.mean, 2)} ± ${f(p.std, 2)}` : '—';
      },
      numeric: true,
    });
    if (data.rows.some((r) => r.measured[i])) {
      cols.push({ key: `meas:${s.name}`, label: `${s.name} ${m} measured`, value: (r) => r.measured[i]?.[0], text: (r) => f(r.measured[i]?.[0], 2), numeric: true });
    }
  });
  cols.push(
    { key: 'flops', label: 'FLOPs G', value: (r) => r.flops, text: (r) => f(r.flops, 3), numeric: true },
    { key: 'params', label: 'Params M', value: (r) => r.params, text: (r) => f(r.params, 2), numeric: true },
  );
  return cols;
}

/** Rows sorted by a column; undefined values last in either direction; ties keep file order. */
export function sortRows(rows: readonly CompareRow[], col: Column, dir: 1 | -1): CompareRow[] {
  return rows
    .map((r, i) => ({ r, i, v: col.value(r) }))
    .sort((a, b) => {
      if (a.v === undefined || b.v === undefined) return a.v === b.v ? a.i - b.i : a.v === undefined ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return c !== 0 ? c * dir : a.i - b.i;
    })
    .map((x) => x.r);
}

/** Every metric of every setting: mean, std and measured value per column. */
export function compareCsv(data: CompareData, rows: readonly CompareRow[] = data.rows): string {
  const head = ['name', 'kind', 'line', 'code', 'flops_G', 'params_M'];
  data.settings.forEach((s) => s.metrics.forEach((m) => head.push(`${s.name}.${m} mean`, `${s.name}.${m} std`, `${s.name}.${m} measured`)));
  const lines = rows.map((r) => {
    const out: (string | number)[] = [r.name, r.kind, r.line + 1, r.code.join(' '), r.flops ?? '', r.params ?? ''];
    data.settings.forEach((s, i) =>
      s.metrics.forEach((_, m) => {
        const p = r.predicted[i]?.[m];
        out.push(p ? p.mean : '', p ? p.std : '', r.measured[i]?.[m] ?? '');
      }),
    );
    return out;
  });
  return [head, ...lines].map((l) => l.map(csvField).join(',')).join('\n') + '\n';
}
