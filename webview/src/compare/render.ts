// Compare: the file's networks side by side (the table behind the paper's Figures 7 and 8) — exact
// cost, every setting's prediction ± spread, measured values where the benchmark has them.
// Sortable by any column (header buttons, keyboard too), exportable as CSV and JSON.
import type { CompareData } from '../../../server/src/features/views/viewData';
import { button, el } from '../common/dom';
import type { ActionMessage } from '../messages';
import { columns, compareCsv, sortRows, type Column } from './model';

/** `file`: the document the networks come from, as the workspace names it. */
export function renderCompare(root: HTMLElement, data: CompareData, post: (m: ActionMessage) => void, file?: string): { sortBy(key: string, dir?: 1 | -1): void } {
  const cols = columns(data);
  let sortCol: Column | undefined;
  let dir: 1 | -1 = 1;
  const table = el('table', { class: 'compare', 'aria-label': 'Networks of this file compared' });
  const draw = () => {
    const rows = sortCol ? sortRows(data.rows, sortCol, dir) : data.rows;
    const head = el(
      'tr',
      {},
      ...cols.map((c) =>
        el(
          'th',
          { scope: 'col', 'aria-sort': sortCol === c ? (dir === 1 ? 'ascending' : 'descending') : 'none', class: c.key === 'name' ? 'name' : c.numeric ? 'num' : undefined },
          button(`${c.label}${sortCol === c ? (dir === 1 ? ' ▲' : ' ▼') : ''}`, () => {
            dir = sortCol === c ? (dir === 1 ? -1 : 1) : c.numeric ? -1 : 1;
            sortCol = c;
            draw();
            (table.querySelector(`th button[data-key="${CSS.escape(c.key)}"]`) as HTMLElement | null)?.focus();
          }, { class: 'sort', 'data-key': c.key }),
        ),
      ),
    );
    const body = rows.map((r) =>
      el(
        'tr',
        { 'data-name': r.name },
        ...cols.map((c, k) =>
          k === 0
            ? el('th', { scope: 'row', class: 'name' }, button(r.name, () => post({ type: 'openNetwork', name: r.name }), { class: 'link', title: `Go to ${r.name} (line ${r.line + 1})` }))
            : el('td', { class: c.numeric ? 'num' : undefined }, c.text(r)),
        ),
      ),
    );
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
  };
  const current = () => (sortCol ? sortRows(data.rows, sortCol, dir) : data.rows);
  root.replaceChildren(
    el('h1', {}, 'Compare networks', file ? el('span', { class: 'name' }, ` — ${file}`) : ''),
    el('p', { class: 'muted' }, `${data.rows.length} network${data.rows.length === 1 ? '' : 's'} of ${file ?? 'this file'}; predictions are mean ± spread of the ensemble${data.benchmark ? `; measured values from ${data.benchmark}` : ''}.`),
    ...(data.notes.length ? [el('ul', { class: 'notes' }, ...data.notes.map((n) => el('li', {}, n)))] : []),
    el(
      'div',
      { class: 'actions', role: 'toolbar', 'aria-label': 'Export' },
      button('Export CSV', () => post({ type: 'save', format: 'csv', fileName: 'compare.csv', data: compareCsv(data, current()) }), { id: 'export-csv' }),
      button('Export JSON', () => post({ type: 'save', format: 'json', fileName: 'compare.json', data: JSON.stringify({ ...data, rows: current() }, null, 1) }), { id: 'export-json' }),
    ),
    el('div', { class: 'table-scroll wide' }, table),
  );
  draw();
  return {
    sortBy(key, d) {
      const c = cols.find((x) => x.key === key);
      if (!c) return;
      sortCol = c;
      dir = d ?? 1;
      draw();
    },
  };
}
