// The code trace (the paper's Figure 3) and the code strip, as pure geometry: the 27 code
// positions of one run grouped into eight small panels of like quantities (so one y scale fits
// each), the continuous value beside the rounded one, and the steps where winner-takes-all moved
// a position. NAS-Bench-201 runs: the op of each of the 6 edges per step (the paper's Figure 6).
import { BENCHMARK_RANGE, CODE_KINDS, CODE_LAYOUT } from '../../../server/src/core/space/multires';
import { NB201_EDGES, NB201_OPS } from '../../../server/src/core/space/nb201';
import type { TraceStep } from '../../../server/src/core/propagate/types';

export interface PanelDef {
  title: string;
  /** Code positions drawn in the panel, in code order. */
  dims: number[];
}

/** Eight panels covering the 27 positions once: stem, blocks, units (2), channels (3), head. */
export const CODE_PANELS: readonly PanelDef[] = [
  { title: 'Stem channels', dims: [0, 1] },
  { title: 'Blocks per stage', dims: [2, 5, 10, 17] },
  { title: 'Units, stages 1–3', dims: [3, 6, 7, 11, 12, 13] },
  { title: 'Units, stage 4', dims: [18, 19, 20, 21] },
  { title: 'Channels, stages 1–2', dims: [4, 8, 9] },
  { title: 'Channels, stage 3', dims: [14, 15, 16] },
  { title: 'Channels, stage 4', dims: [22, 23, 24, 25] },
  { title: 'Head channels', dims: [26] },
];

export const OP_SHORT: readonly string[] = ['avg', 'none', 'skip', '1×1', '3×3'];

export interface PanelSize {
  width: number;
  height: number;
  margin: { left: number; right: number; top: number; bottom: number };
}

export const PANEL_SIZE: PanelSize = { width: 250, height: 130, margin: { left: 34, right: 8, top: 20, bottom: 20 } };

/** Narrowest panel worth drawing; panels are drawn 1:1 (never scaled), so text keeps its size. */
export const MIN_PANEL_WIDTH = 220;
const MAX_PANEL_WIDTH = 340;

/** Columns and panel width for the width the view has: 1 to 4 columns of equal panels. */
export function panelLayout(available: number, panels = CODE_PANELS.length): { columns: number; width: number } {
  const w = Math.max(MIN_PANEL_WIDTH, available || PANEL_SIZE.width * 4);
  const columns = Math.max(1, Math.min(4, panels, Math.floor(w / MIN_PANEL_WIDTH)));
  return { columns, width: Math.min(MAX_PANEL_WIDTH, Math.floor(w / columns)) };
}

/** A position's name inside its panel (the panel's title says the rest): c1, stage 2, s3[1], head. */
export function shortName(dim: number): string {
  const n = CODE_LAYOUT[dim];
  const stem = /^stem\.(c\d)$/.exec(n);
  if (stem) return stem[1];
  const blocks = /^stage(\d)\.blocks$/.exec(n);
  if (blocks) return `stage ${blocks[1]}`;
  const branch = /^stage(\d)\.(?:units|channels)\[(\d)\]$/.exec(n);
  if (branch) return `s${branch[1]}[${branch[2]}]`;
  return n === 'head.channels' ? 'head' : n;
}

/** Key of each line drawn under a panel's plot: swatch at x, label after it, in rows that fit. */
export interface PanelKey {
  dim: number;
  slot: number;
  label: string;
  x: number;
  y: number;
}

/** Rough width of a label at the key's 10.5 px font (digits and letters ≈ 0.6 em), for laying keys out. */
const keyWidth = (label: string) => 18 + label.length * 6.3 + 10;

export function panelKeys(dims: readonly number[], left: number, right: number, top: number): { keys: PanelKey[]; rows: number } {
  const keys: PanelKey[] = [];
  let x = left;
  let row = 0;
  dims.forEach((dim, slot) => {
    const label = shortName(dim);
    const w = keyWidth(label);
    if (x > left && x + w > right) {
      row++;
      x = left;
    }
    keys.push({ dim, slot, label, x, y: top + row * 14 });
    x += w;
  });
  return { keys, rows: row + 1 };
}

export interface DimLine {
  dim: number;
  name: string;
  /** Colour slot within the panel (0…5). */
  slot: number;
  /** Rounded value per step, as a step line. */
  rounded: string;
  /** Continuous value per step (only where it differs from the rounded one somewhere). */
  continuous?: string;
  /** Steps at which winner-takes-all moved this position: marker positions. */
  moves: { x: number; y: number; step: number; from: number | string; to: number | string }[];
  first: number;
  last: number;
}

export interface PanelGeometry {
  title: string;
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  yTicks: { at: number; label: string }[];
  xTicks: { at: number; label: string }[];
  lines: DimLine[];
  xOf(step: number): number;
  /** Text alternative: each position's start → end. */
  description: string;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function xTicksFor(maxStep: number, xOf: (s: number) => number): { at: number; label: string }[] {
  const stepSize = maxStep <= 8 ? 1 : maxStep <= 20 ? 5 : maxStep <= 50 ? 10 : maxStep <= 120 ? 20 : Math.ceil(maxStep / 6 / 50) * 50;
  const out = [];
  for (let s = 0; s <= maxStep; s += stepSize) out.push({ at: xOf(s), label: String(s) });
  return out;
}

/** Geometry of the eight panels for one run's steps (sorted by step). */
export function codePanels(steps: readonly TraceStep[], size: PanelSize = PANEL_SIZE): PanelGeometry[] {
  const { margin } = size;
  const left = margin.left;
  const right = size.width - margin.right;
  const top = margin.top;
  const bottom = size.height - margin.bottom;
  const maxStep = Math.max(1, ...steps.map((s) => s.step));
  const xOf = (step: number) => left + (step / maxStep) * (right - left);
  return CODE_PANELS.map((p) => {
    const kind = CODE_KINDS[p.dims[0]];
    const r = BENCHMARK_RANGE[kind];
    // The range plus any value outside it (a continuous value never leaves it; a snapped start can't).
    let lo: number = r.min;
    let hi: number = r.max;
    for (const s of steps) for (const d of p.dims) {
      lo = Math.min(lo, s.rounded[d], s.continuous[d]);
      hi = Math.max(hi, s.rounded[d], s.continuous[d]);
    }
    const yOf = (v: number) => bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top);
    const tickStep = kind === 'channels' ? (hi - lo > 100 ? 40 : 20) : 1;
    const yTicks = [];
    for (let v = Math.ceil(lo / tickStep) * tickStep; v <= hi; v += tickStep) yTicks.push({ at: yOf(v), label: String(v) });
    const lines = p.dims.map((dim, slot): DimLine => {
      let rounded = '';
      let continuous = '';
      let differs = false;
      const moves: DimLine['moves'] = [];
      steps.forEach((s, i) => {
        const x = xOf(s.step).toFixed(1);
        const y = yOf(s.rounded[dim]).toFixed(1);
        // A step line: hold the previous value until the step, then jump.
        rounded += i === 0 ? `M${x} ${y}` : ` H${x} V${y}`;
        continuous += `${i === 0 ? 'M' : ' L'}${x} ${yOf(s.continuous[dim]).toFixed(1)}`;
        if (Math.abs(s.continuous[dim] - s.rounded[dim]) > 1e-9) differs = true;
        if (s.moved?.index === dim) moves.push({ x: xOf(s.step), y: yOf(s.rounded[dim]), step: s.step, from: s.moved.from, to: s.moved.to });
      });
      return {
        dim,
        name: CODE_LAYOUT[dim],
        slot,
        rounded,
        ...(differs ? { continuous } : {}),
        moves,
        first: steps[0]?.rounded[dim] ?? NaN,
        last: steps[steps.length - 1]?.rounded[dim] ?? NaN,
      };
    });
    const changed = lines.filter((l) => l.first !== l.last);
    const description = `${p.title}: ${lines.map((l) => `${l.name} ${fmt(l.first)}${l.first !== l.last ? ` → ${fmt(l.last)}` : ' (unchanged)'}`).join(', ')}` +
      `${changed.length ? '' : '; no position changed'}.`;
    return { title: p.title, width: size.width, height: size.height, left, right, top, bottom, yTicks, xTicks: xTicksFor(maxStep, xOf), lines, xOf, description };
  });
}

export interface EdgeGrid {
  edges: string[];
  steps: number[];
  /** cells[edge][i]: op index at steps[i], and whether this step switched that edge. */
  cells: { op: number; moved: boolean; weight?: number }[][];
  description: string;
}

/** NAS-Bench-201: the op of each edge per step. Relaxed runs also give the chosen op's softmax weight. */
export function edgeGrid(steps: readonly TraceStep[]): EdgeGrid {
  const cells = NB201_EDGES.map((_, e) =>
    steps.map((s) => ({
      op: s.rounded[e],
      moved: s.moved?.index === e,
      ...(s.continuous.length === 30 ? { weight: s.continuous[e * 5 + s.rounded[e]] } : {}),
    })),
  );
  const first = steps[0];
  const last = steps[steps.length - 1];
  const description = first && last
    ? `Op of each edge over ${last.step} steps: ${NB201_EDGES.map((e, i) => `edge ${e} ${NB201_OPS[first.rounded[i]]}${first.rounded[i] !== last.rounded[i] ? ` → ${NB201_OPS[last.rounded[i]]}` : ''}`).join(', ')}.`
    : 'No steps.';
  return { edges: NB201_EDGES.map((e) => `edge ${e}`), steps: steps.map((s) => s.step), cells, description };
}

// ---------- code strip ----------

export interface StripCell {
  /** The number (multires) or the op's short name (nb201). */
  text: string;
  /** Full name of the position, for the cell's label. */
  name: string;
  /** Colour level 0…7: position of the value within the benchmark's range (op index for cells). */
  level: number;
  /** Differs from the reference row (the start). */
  changed: boolean;
  /** Cells: coloured by op (the op grid's colours), not by level. */
  op?: boolean;
}

export interface StripRow {
  label: string;
  cells: StripCell[];
}

export function stripRow(label: string, space: 'multires' | 'nb201', code: readonly number[], reference?: readonly number[]): StripRow {
  if (space === 'nb201') {
    return {
      label,
      cells: code.map((op, e) => ({ text: OP_SHORT[op] ?? String(op), name: `edge ${NB201_EDGES[e]}: ${NB201_OPS[op] ?? op}`, level: op, op: true, changed: reference !== undefined && reference[e] !== op })),
    };
  }
  return {
    label,
    cells: code.map((v, i) => {
      const r = BENCHMARK_RANGE[CODE_KINDS[i]];
      const t = (v - r.min) / (r.max - r.min);
      return { text: String(v), name: `${CODE_LAYOUT[i]} = ${v}`, level: Math.max(0, Math.min(7, Math.round(t * 7))), changed: reference !== undefined && reference[i] !== v };
    }),
  };
}

/** Column headers of the strip: groups (stem, stage 1…4, head; one group of edges for a cell) and each position's short name. */
export function stripHeader(space: 'multires' | 'nb201'): { groups: { label: string; span: number }[]; names: { short: string; full: string }[] } {
  if (space === 'nb201') return { groups: [{ label: 'edge', span: NB201_EDGES.length }], names: NB201_EDGES.map((e) => ({ short: e, full: `edge ${e}` })) };
  const groups: { label: string; span: number }[] = [];
  const names = CODE_LAYOUT.map((full) => {
    const m = /^(stem|head|stage\d)\.(\w+)(?:\[(\d)\])?$/.exec(full);
    const group = m ? (m[1].startsWith('stage') ? `stage ${m[1].slice(5)}` : m[1]) : full;
    if (groups[groups.length - 1]?.label === group) groups[groups.length - 1].span++;
    else groups.push({ label: group, span: 1 });
    const part = m?.[2] ?? '';
    const short = part === 'blocks' ? 'b' : part === 'units' ? `u${m?.[3]}` : part === 'channels' ? (m?.[3] !== undefined ? `c${m[3]}` : 'c') : part;
    return { short, full };
  });
  return { groups, names };
}

/** Steps of run `restart` (every run when the result carries them, else the best run's). */
export function runSteps(trace: readonly TraceStep[], runTraces: readonly TraceStep[][] | undefined, restart: number): TraceStep[] {
  const steps = runTraces?.[restart] ?? trace.filter((t) => t.restart === restart);
  return [...steps].sort((a, b) => a.step - b.step);
}
