// The search progress view: best-so-far against queries (a step line), every successful
// measurement as a dot, failures as red ticks; a summary line for screen readers and SVG/PNG export.
import { el, svg } from '../common/dom';
import { exportButtons } from '../common/chartActions';
import type { ActionMessage } from '../messages';
import { progressChart, progressSummary, type SearchProgressData } from './model';

export function renderSearchProgress(root: HTMLElement, data: SearchProgressData, post: (m: ActionMessage) => void, width: number): void {
  const c = progressChart(data, Math.max(320, width));
  const summary = progressSummary(data);
  const chart = svg(
    'svg',
    { class: 'search-progress', width: String(c.width), height: String(c.height), viewBox: `0 0 ${c.width} ${c.height}`, role: 'img', 'aria-label': `Best ${data.objective} so far against queries: ${summary}` },
    svg('line', { class: 'axis', x1: String(c.left), y1: String(c.bottom), x2: String(c.right), y2: String(c.bottom) }),
    svg('line', { class: 'axis', x1: String(c.left), y1: String(c.top), x2: String(c.left), y2: String(c.bottom) }),
    ...c.xTicks.map((t) => svg('text', { class: 'tick', x: t.x.toFixed(1), y: String(c.bottom + 16), 'text-anchor': 'middle' }, t.label)),
    ...c.yTicks.map((t) => svg('text', { class: 'tick', x: String(c.left - 6), y: (t.y + 4).toFixed(1), 'text-anchor': 'end' }, t.label)),
    svg('text', { class: 'axis-label', x: String((c.left + c.right) / 2), y: String(c.height - 2), 'text-anchor': 'middle' }, 'queries'),
    ...c.dots.map((d) =>
      svg('circle', { class: d.best ? 'measured best' : 'measured', cx: d.x.toFixed(1), cy: d.y.toFixed(1), r: '3' }, svg('title', {}, `query ${d.query}: ${data.objective} ${d.value}`)),
    ),
    ...c.failures.map((f) => svg('line', { class: 'failed', x1: f.x.toFixed(1), y1: String(c.bottom - 6), x2: f.x.toFixed(1), y2: String(c.bottom), 'data-query': String(f.query) }, svg('title', {}, `query ${f.query}: failed`))),
    ...(c.bestPath ? [svg('path', { class: 'best-so-far', d: c.bestPath, fill: 'none' })] : []),
  ) as SVGSVGElement;
  root.replaceChildren(
    el('h1', {}, `Search ${data.name}: best ${data.objective} so far`),
    ...(data.error ? [el('div', { class: 'error', role: 'alert' }, data.error)] : []),
    el('p', { class: 'summary', role: 'status' }, summary),
    chart,
    exportButtons(() => chart, `search-${data.name}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 70), post, 'chart'),
  );
}
