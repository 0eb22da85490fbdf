// Best-so-far against queries for a search block (the answer of `ncp/searchProgress`): pure chart
// geometry and the summary line, tested in node; render.ts draws them.
import type { SearchProgressAnswer } from '../../../server/src/features/search/searchProgress';

export type SearchProgressData = SearchProgressAnswer;

export interface ProgressChart {
  width: number;
  height: number;
  /** The plot area inside the margins. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** Step line of the best value so far, from its first value on ('' when none). */
  bestPath: string;
  /** Successful measurements as dots; failures as ticks on the x axis. */
  dots: { x: number; y: number; query: number; value: number; best: boolean }[];
  failures: { x: number; query: number }[];
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
}

/** 1, 2, 5 × 10^k: a step that gives about `count` ticks over the span. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

const fmt = (v: number): string => Number(v.toPrecision(4)).toString();

export function progressChart(data: SearchProgressData, width: number, height = 260): ProgressChart {
  const left = 56;
  const right = width - 16;
  const top = 12;
  const bottom = height - 32;
  const n = Math.max(1, data.points.length);
  const values = data.points.flatMap((p) => (p.value !== undefined ? [p.value] : []));
  let lo = values.length ? Math.min(...values) : 0;
  let hi = values.length ? Math.max(...values) : 1;
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const x = (q: number) => left + ((q - 0.5) / n) * (right - left);
  const y = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  let bestPath = '';
  let prev: number | undefined;
  for (const p of data.points) {
    if (p.best === undefined) continue;
    const px = x(p.query).toFixed(1);
    const py = y(p.best).toFixed(1);
    bestPath += prev === undefined ? `M${px},${py}` : `H${px}V${py}`;
    prev = p.best;
  }
  if (prev !== undefined) bestPath += `H${right.toFixed(1)}`;
  const dots = data.points.flatMap((p) => (p.value !== undefined ? [{ x: x(p.query), y: y(p.value), query: p.query, value: p.value, best: p.value === p.best }] : []));
  const failures = data.points.filter((p) => !p.ok).map((p) => ({ x: x(p.query), query: p.query }));
  const xs = niceStep(n, 8);
  const xTicks: ProgressChart['xTicks'] = [];
  for (let q = Math.max(1, xs); q <= n; q += xs) xTicks.push({ x: x(q), label: String(q) });
  const ys = niceStep(hi - lo, 5);
  const yTicks: ProgressChart['yTicks'] = [];
  for (let v = Math.ceil(lo / ys) * ys; v <= hi; v += ys) yTicks.push({ y: y(v), label: fmt(v) });
  return { width, height, left, right, top, bottom, bestPath, dots, failures, xTicks, yTicks };
}

/** "12 queries (2 failed); best nb201.acc 46.2 at query 9" */
export function progressSummary(data: SearchProgressData): string {
  const n = data.points.length;
  if (n === 0) return `No measurements yet${data.file ? ` in ${data.file}` : ''}: use "Suggest next networks" and add each result to the file.`;
  const failed = data.points.filter((p) => !p.ok).length;
  let bestAt: number | undefined;
  let best: number | undefined;
  for (const p of data.points) {
    if (p.value !== undefined && (best === undefined || p.value > best)) {
      best = p.value;
      bestAt = p.query;
    }
  }
  const head = `${n} quer${n === 1 ? 'y' : 'ies'}${failed ? ` (${failed} failed)` : ''}`;
  return best === undefined ? `${head}; none measured ${data.objective} within the budget yet` : `${head}; best ${data.objective} ${fmt(best)} at query ${bestAt}`;
}
