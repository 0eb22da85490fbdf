// The trace view's pure part: from a PropagationResult to chart geometry, table rows and the
// header's summary. No DOM, so node tests check it directly; render.ts only turns it into elements.
import { codeToString } from '../../../server/src/core/space/multires';
import { cellToString } from '../../../server/src/core/space/nb201';
import type { Budget, Evaluation, ObjectiveTerm, PropagationResult, TraceStep } from '../../../server/src/core/propagate/types';

// ---------- number formatting ----------

/** Fixed decimals without '-0'. */
export function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

export function signed(v: number, digits: number): string {
  const s = fixed(v, digits);
  return v > 0 && s !== fixed(0, digits) ? `+${s}` : s;
}

export function meanSpread(mean: number, std: number, digits = 2): string {
  return `${fixed(mean, digits)} ± ${fixed(std, digits)}`;
}

export function termLabel(t: ObjectiveTerm): string {
  const name = `${t.setting}.${t.metric}`;
  return t.weight === 1 ? name : `${t.weight}·${name}`;
}

export function codeText(space: PropagationResult['space'], code: readonly number[]): string {
  try {
    return space === 'multires' ? codeToString(code) : cellToString(code);
  } catch {
    // A code the formatter rejects is still worth showing as numbers.
    return code.join(',');
  }
}

// ---------- header ----------

export interface TermChange {
  label: string;
  start: string;
  result: string;
  delta: string;
  /** 1 better, −1 worse, 0 unchanged (every term is maximised). */
  direction: -1 | 0 | 1;
}

export interface Summary {
  space: PropagationResult['space'];
  strategy: string;
  startCode: string;
  resultCode: string;
  /** The winning run's own start when it is a perturbed copy (restart > 0) of the start. */
  runStartCode?: string;
  unchanged: boolean;
  objective: { start: string; result: string; delta: string; direction: -1 | 0 | 1 };
  terms: TermChange[];
  /** Exact cost before → after (multi-resolution networks only). */
  flops?: { start: string; result: string; delta: string; percent: string };
  params?: { start: string; result: string; delta: string; percent: string };
  feasible: boolean;
  runs: number;
  bestRestart: number;
  steps: number;
  stopReason: string;
  notes: string[];
  budget: string | undefined;
}

function dir(d: number, eps = 1e-9): -1 | 0 | 1 {
  return d > eps ? 1 : d < -eps ? -1 : 0;
}

function costChange(a: number | undefined, b: number | undefined, digits: number) {
  if (a === undefined || b === undefined) return undefined;
  const pct = a !== 0 ? ((b - a) / a) * 100 : 0;
  return { start: fixed(a, digits), result: fixed(b, digits), delta: signed(b - a, digits), percent: `${signed(pct, 0)}%` };
}

export function budgetText(b: Budget | undefined): string | undefined {
  if (!b) return undefined;
  const parts: string[] = [];
  if (b.flopsMax !== undefined) parts.push(`FLOPs ≤ ${b.flopsMax} G`);
  if (b.paramsMax !== undefined) parts.push(`params ≤ ${b.paramsMax} M`);
  return parts.length ? parts.join(', ') : undefined;
}

export function summarize(r: PropagationResult, budget?: Budget): Summary {
  const s = r.startEval;
  const e = r.resultEval;
  const terms = e.terms.map((t, i): TermChange => {
    const before = s.terms[i];
    const d = before ? t.mean - before.mean : 0;
    return {
      label: termLabel(t),
      start: before ? meanSpread(before.mean, before.std) : '—',
      result: meanSpread(t.mean, t.std),
      delta: before ? signed(d, 2) : '—',
      direction: before ? dir(d) : 0,
    };
  });
  const best = r.runs.find((x) => x.restart === r.bestRestart);
  return {
    space: r.space,
    strategy: r.strategy,
    startCode: codeText(r.space, r.snappedStart),
    resultCode: codeText(r.space, r.result),
    ...(best && best.start.some((v, i) => v !== r.snappedStart[i]) ? { runStartCode: codeText(r.space, best.start) } : {}),
    unchanged: r.result.every((v, i) => v === r.snappedStart[i]),
    objective: {
      start: fixed(s.objective, 3),
      result: fixed(e.objective, 3),
      delta: signed(e.objective - s.objective, 3),
      direction: dir(e.objective - s.objective),
    },
    terms,
    flops: costChange(s.flops, e.flops, 3),
    params: costChange(s.params, e.params, 2),
    feasible: e.feasible,
    runs: r.runs.length,
    bestRestart: r.bestRestart,
    steps: best?.steps ?? Math.max(0, ...r.trace.map((t) => t.step)),
    stopReason: r.stopReason,
    notes: r.notes,
    budget: budgetText(budget),
  };
}

// ---------- table ----------

export interface Row {
  /** Index into result.trace (what hovering and 'reveal' refer to). */
  index: number;
  restart: number;
  step: number;
  /** `name from → to` (winner-takes-all), `repaired n` (continuous), or '—'. */
  moved: string;
  terms: string[];
  objective: string;
  flops: string;
  params: string;
  feasible: boolean;
  /** The step the run's result came from. */
  best: boolean;
}

export function tableColumns(r: PropagationResult): string[] {
  const terms = (r.trace[0]?.terms ?? r.resultEval.terms).map(termLabel);
  // What decides a step first (objective, cost, budget), the long texts last: at a side panel's
  // width the first columns are the ones in view.
  return ['Step', 'Objective', 'FLOPs G', 'Params M', 'Feasible', ...terms, 'Moved'];
}

export function movedText(t: TraceStep): string {
  if (t.moved) return `${t.moved.name} ${t.moved.from} → ${t.moved.to}`;
  if (t.repaired) return `repaired ${t.repaired}`;
  return '—';
}

export function tableRows(r: PropagationResult): Row[] {
  const best = r.runs.find((x) => x.restart === r.bestRestart);
  return r.trace.map((t, index) => ({
    index,
    restart: t.restart,
    step: t.step,
    moved: movedText(t),
    terms: t.terms.map((x) => meanSpread(x.mean, x.std)),
    objective: fixed(t.objective, 3),
    flops: t.flops === undefined ? '—' : fixed(t.flops, 3),
    params: t.params === undefined ? '—' : fixed(t.params, 2),
    feasible: t.feasible,
    best: t.restart === r.bestRestart && best !== undefined && t.step === best.bestStep,
  }));
}

/** Lines of the hover card for one step. */
export function pointDetails(r: PropagationResult, index: number): string[] {
  const t = r.trace[index];
  if (!t) return [];
  const lines = [`run ${t.restart}${t.restart === r.bestRestart ? ' (best)' : ''}, step ${t.step}`];
  const moved = movedText(t);
  if (moved !== '—') lines.push(moved);
  lines.push(`objective ${fixed(t.objective, 3)}`);
  for (const x of t.terms) lines.push(`${termLabel(x)} ${meanSpread(x.mean, x.std)}`);
  if (t.flops !== undefined) lines.push(`FLOPs ${fixed(t.flops, 3)} G`);
  if (t.params !== undefined) lines.push(`params ${fixed(t.params, 2)} M`);
  lines.push(t.feasible ? 'within budget' : 'over budget');
  return lines;
}

// ---------- chart geometry ----------

export interface ChartSize {
  width: number;
  /** Height of the objective plot. */
  objectiveHeight: number;
  /** Height of the FLOPs plot (0 or no FLOPs: no second plot). */
  flopsHeight: number;
  /** Vertical gap between the plots. */
  gap: number;
  margin: { left: number; right: number; top: number; bottom: number };
}

export const DEFAULT_SIZE: ChartSize = {
  width: 760,
  objectiveHeight: 230,
  flopsHeight: 130,
  gap: 34,
  margin: { left: 60, right: 18, top: 14, bottom: 30 },
};

export interface Tick {
  value: number;
  /** Pixel position along the tick's axis. */
  at: number;
  label: string;
}

export interface ChartPoint {
  /** Index into result.trace, or −1 for a run known only by its summary. */
  index: number;
  step: number;
  value: number;
  x: number;
  y: number;
  feasible: boolean;
}

export interface Series {
  restart: number;
  best: boolean;
  points: ChartPoint[];
  /** SVG path 'M x y L x y …' (empty for a single point). */
  path: string;
  /** True when only the run's final objective is known (the engine keeps the winning run's steps). */
  summaryOnly: boolean;
}

export interface Plot {
  /** Top edge of the plot area in the SVG. */
  top: number;
  height: number;
  yTicks: Tick[];
  series: Series[];
  label: string;
}

export interface Chart {
  width: number;
  height: number;
  left: number;
  right: number;
  xTicks: Tick[];
  /** Pixel x of each step value. */
  xOf: (step: number) => number;
  objective: Plot;
  flops?: Plot & { budgetY?: number; budgetLabel?: string };
}

/** Round tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function tickDigits(ticks: number[]): number {
  if (ticks.length < 2) return 2;
  const step = Math.abs(ticks[1] - ticks[0]);
  return Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
}

/** A padded domain that includes every value, with round ends. */
function domain(values: number[], includeZero = false): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (includeZero) lo = Math.min(lo, 0);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  const pad = hi > lo ? (hi - lo) * 0.06 : Math.abs(hi) * 0.05 || 1;
  lo = includeZero && lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
  hi += pad;
  const ticks = niceTicks(lo, hi);
  return [Math.min(lo, ticks[0] ?? lo), Math.max(hi, ticks[ticks.length - 1] ?? hi)];
}

function pathOf(points: ChartPoint[]): string {
  if (points.length < 2) return '';
  return points.map((p, i) => `${i ? 'L' : 'M'}${fixed(p.x, 1)} ${fixed(p.y, 1)}`).join(' ');
}

/**
 * Geometry of the objective plot (a line per run; the best run flagged) and, for networks, the
 * exact-FLOPs plot under it with the budget's y. Runs the result has no steps for become a
 * single point at their last step.
 */
export function chartGeometry(r: PropagationResult, budget?: Budget, size: ChartSize = DEFAULT_SIZE): Chart {
  const { margin } = size;
  const left = margin.left;
  const right = size.width - margin.right;
  const byRun = new Map<number, { index: number; t: TraceStep }[]>();
  r.trace.forEach((t, index) => {
    const list = byRun.get(t.restart) ?? [];
    list.push({ index, t });
    byRun.set(t.restart, list);
  });
  for (const list of byRun.values()) list.sort((a, b) => a.t.step - b.t.step);
  const summaries = r.runs.filter((x) => !byRun.has(x.restart));

  const maxStep = Math.max(1, ...r.trace.map((t) => t.step), ...summaries.map((x) => x.steps));
  const xOf = (step: number) => left + (step / maxStep) * (right - left);
  const xt = niceTicks(0, maxStep, Math.min(10, maxStep)).filter((v) => Number.isInteger(v) && v <= maxStep);
  const xTicks = xt.map((v) => ({ value: v, at: xOf(v), label: String(v) }));

  const objTop = margin.top;
  const objValues = [...r.trace.map((t) => t.objective), ...summaries.map((x) => x.objective)];
  const [oLo, oHi] = objValues.length ? domain(objValues) : [0, 1];
  const yObj = (v: number) => objTop + size.objectiveHeight - ((v - oLo) / (oHi - oLo)) * size.objectiveHeight;
  const oTicks = niceTicks(oLo, oHi).filter((v) => v >= oLo && v <= oHi);
  const od = tickDigits(oTicks);

  const runOrder = [...new Set([...r.runs.map((x) => x.restart), ...byRun.keys()])].sort((a, b) => a - b);
  const objectiveSeries: Series[] = runOrder.map((restart) => {
    const list = byRun.get(restart);
    const best = restart === r.bestRestart;
    if (list) {
      const points = list.map(({ index, t }) => ({ index, step: t.step, value: t.objective, x: xOf(t.step), y: yObj(t.objective), feasible: t.feasible }));
      return { restart, best, points, path: pathOf(points), summaryOnly: false };
    }
    const s = r.runs.find((x) => x.restart === restart)!;
    const points = [{ index: -1, step: s.steps, value: s.objective, x: xOf(s.steps), y: yObj(s.objective), feasible: true }];
    return { restart, best, points, path: '', summaryOnly: true };
  });
  // Draw the best run last so it lies on top.
  objectiveSeries.sort((a, b) => Number(a.best) - Number(b.best));
  const chart: Chart = {
    width: size.width,
    height: objTop + size.objectiveHeight + margin.bottom,
    left,
    right,
    xTicks,
    xOf,
    objective: {
      top: objTop,
      height: size.objectiveHeight,
      yTicks: oTicks.map((v) => ({ value: v, at: yObj(v), label: fixed(v, od) })),
      series: objectiveSeries,
      label: 'Objective',
    },
  };

  const withFlops = r.trace.filter((t) => t.flops !== undefined);
  if (size.flopsHeight > 0 && withFlops.length > 0) {
    const fTop = objTop + size.objectiveHeight + size.gap;
    const fValues = withFlops.map((t) => t.flops!);
    if (budget?.flopsMax !== undefined) fValues.push(budget.flopsMax);
    const [fLo, fHi] = domain(fValues, true);
    const yF = (v: number) => fTop + size.flopsHeight - ((v - fLo) / (fHi - fLo)) * size.flopsHeight;
    const fTicks = niceTicks(fLo, fHi, 4).filter((v) => v >= fLo && v <= fHi);
    const fd = tickDigits(fTicks);
    const flopsSeries: Series[] = [];
    for (const restart of runOrder) {
      const list = byRun.get(restart)?.filter(({ t }) => t.flops !== undefined);
      if (!list?.length) continue;
      const points = list.map(({ index, t }) => ({ index, step: t.step, value: t.flops!, x: xOf(t.step), y: yF(t.flops!), feasible: t.feasible }));
      flopsSeries.push({ restart, best: restart === r.bestRestart, points, path: pathOf(points), summaryOnly: false });
    }
    flopsSeries.sort((a, b) => Number(a.best) - Number(b.best));
    chart.flops = {
      top: fTop,
      height: size.flopsHeight,
      yTicks: fTicks.map((v) => ({ value: v, at: yF(v), label: fixed(v, fd) })),
      series: flopsSeries,
      label: 'FLOPs (G)',
      ...(budget?.flopsMax !== undefined ? { budgetY: yF(budget.flopsMax), budgetLabel: `budget ${budget.flopsMax} G` } : {}),
    };
    chart.height = fTop + size.flopsHeight + margin.bottom;
  }
  return chart;
}

/** The trace index whose point is nearest to pixel x (the hover follows the mouse along x). */
export function nearestIndex(chart: Chart, x: number): number | undefined {
  let best: { index: number; d: number; isBest: boolean } | undefined;
  for (const s of chart.objective.series) {
    for (const p of s.points) {
      if (p.index < 0) continue;
      const d = Math.abs(p.x - x);
      // Prefer the best run's point when runs share a step.
      if (!best || d < best.d - 1e-9 || (Math.abs(d - best.d) <= 1e-9 && s.best && !best.isBest)) best = { index: p.index, d, isBest: s.best };
    }
  }
  return best?.index;
}

/** Everything the header shows in words, for screen readers (the chart's aria label). */
export function chartDescription(r: PropagationResult, budget?: Budget): string {
  const runs = r.runs.length;
  const first = r.trace[0];
  const last = r.trace[r.trace.length - 1];
  const parts = [`Objective over ${last?.step ?? 0} steps of run ${r.bestRestart}${runs > 1 ? ` (best of ${runs} runs)` : ''}`];
  if (first && last) parts.push(`from ${fixed(first.objective, 3)} to ${fixed(last.objective, 3)}`);
  if (first?.flops !== undefined && last?.flops !== undefined) parts.push(`FLOPs from ${fixed(first.flops, 3)} G to ${fixed(last.flops, 3)} G`);
  const b = budgetText(budget);
  if (b) parts.push(`budget ${b}`);
  return parts.join('; ') + '.';
}

export function isEmpty(r: PropagationResult | null | undefined): boolean {
  return !r || r.trace.length === 0;
}

export type { Evaluation };
