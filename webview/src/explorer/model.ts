// The benchmark explorer's pure part: scatter geometry (log FLOPs against a setting's metric, marker
// area by params), the Pareto front, Spearman rank correlations between settings (the paper's
// Figure 4) and the nearest point to the mouse. No DOM: node tests check it directly.
import type { ExplorerData } from '../../../server/src/features/views/viewData';

/** Average ranks (1-based), ties sharing their mean rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]] = rank;
    i = j + 1;
  }
  return out;
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** Spearman's ρ: Pearson's correlation of the average ranks. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(ranks(a), ranks(b));
}

export interface CorrelationMatrix {
  settings: string[];
  /** rho[i][j] over the networks measured in both settings (NaN: fewer than 3). */
  rho: number[][];
  /** Networks measured in both. */
  count: number[][];
}

/** ρ between the main metrics of every pair of settings. */
export function correlationMatrix(data: Pick<ExplorerData, 'settings' | 'points'>, metric = 0): CorrelationMatrix {
  const n = data.settings.length;
  const rho = Array.from({ length: n }, () => new Array<number>(n).fill(NaN));
  const count = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const a: number[] = [];
      const b: number[] = [];
      for (const p of data.points) {
        const x = p.values[i]?.[metric];
        const y = p.values[j]?.[metric];
        if (x !== undefined && y !== undefined) {
          a.push(x);
          b.push(y);
        }
      }
      const r = a.length >= 3 ? spearman(a, b) : NaN;
      rho[i][j] = rho[j][i] = i === j && a.length >= 3 ? 1 : r;
      count[i][j] = count[j][i] = a.length;
    }
  }
  return { settings: data.settings.map((s) => s.name), rho, count };
}

/**
 * Indices of the Pareto front (fewest FLOPs for the highest metric): no other point has both
 * fewer-or-equal FLOPs and a higher-or-equal metric with one of them strict. Sorted by FLOPs.
 */
export function paretoFront(xs: readonly number[], ys: readonly number[]): number[] {
  const order = xs.map((_, i) => i).filter((i) => Number.isFinite(xs[i]) && Number.isFinite(ys[i]));
  order.sort((a, b) => xs[a] - xs[b] || ys[b] - ys[a]);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of order) {
    if (ys[i] > best) {
      front.push(i);
      best = ys[i];
    }
  }
  return front;
}

// ---------- scatter geometry ----------

export interface Window {
  /** log10 FLOPs range shown. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface ScatterSize {
  width: number;
  height: number;
  margin: { left: number; right: number; top: number; bottom: number };
}

export const SCATTER_SIZE: ScatterSize = { width: 760, height: 420, margin: { left: 56, right: 16, top: 12, bottom: 40 } };

export interface Scale {
  left: number;
  right: number;
  top: number;
  bottom: number;
  xOf(flops: number): number;
  yOf(v: number): number;
  /** Inverse, for zooming about the mouse. */
  flopsAt(px: number): number;
  valueAt(py: number): number;
}

export function scaleFor(w: Window, size: ScatterSize = SCATTER_SIZE): Scale {
  const left = size.margin.left;
  const right = size.width - size.margin.right;
  const top = size.margin.top;
  const bottom = size.height - size.margin.bottom;
  const kx = (right - left) / (w.x1 - w.x0 || 1);
  const ky = (bottom - top) / (w.y1 - w.y0 || 1);
  return {
    left,
    right,
    top,
    bottom,
    xOf: (f) => left + (Math.log10(Math.max(f, 1e-6)) - w.x0) * kx,
    yOf: (v) => bottom - (v - w.y0) * ky,
    flopsAt: (px) => 10 ** (w.x0 + (px - left) / kx),
    valueAt: (py) => w.y0 + (bottom - py) / ky,
  };
}

/** The window that shows every value (FLOPs on a log axis), padded. */
export function fitWindow(flops: readonly number[], values: readonly number[]): Window {
  const lx = flops.filter((f) => f > 0 && Number.isFinite(f)).map(Math.log10);
  const vy = values.filter(Number.isFinite);
  let x0 = lx.length ? Math.min(...lx) : -1;
  let x1 = lx.length ? Math.max(...lx) : 1;
  let y0 = vy.length ? Math.min(...vy) : 0;
  let y1 = vy.length ? Math.max(...vy) : 100;
  if (x1 - x0 < 1e-6) [x0, x1] = [x0 - 0.5, x1 + 0.5];
  if (y1 - y0 < 1e-6) [y0, y1] = [y0 - 1, y1 + 1];
  const px = (x1 - x0) * 0.04;
  const py = (y1 - y0) * 0.06;
  return { x0: x0 - px, x1: x1 + px, y0: y0 - py, y1: y1 + py };
}

/** Zoom by `factor` (< 1: in) about the pixel (px, py). */
export function zoomWindow(w: Window, s: Scale, px: number, py: number, factor: number): Window {
  const cx = Math.log10(s.flopsAt(px));
  const cy = s.valueAt(py);
  return { x0: cx + (w.x0 - cx) * factor, x1: cx + (w.x1 - cx) * factor, y0: cy + (w.y0 - cy) * factor, y1: cy + (w.y1 - cy) * factor };
}

/** Pan by a pixel offset. */
export function panWindow(w: Window, s: Scale, dx: number, dy: number): Window {
  const kx = (w.x1 - w.x0) / (s.right - s.left);
  const ky = (w.y1 - w.y0) / (s.bottom - s.top);
  return { x0: w.x0 - dx * kx, x1: w.x1 - dx * kx, y0: w.y0 + dy * ky, y1: w.y1 + dy * ky };
}

/** Log-axis ticks: 1, 2, 5 × powers of ten inside [10^x0, 10^x1]. */
export function logTicks(x0: number, x1: number): number[] {
  const out: number[] = [];
  const span = x1 - x0;
  const mult = span > 2.5 ? [1] : span > 1.2 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
  for (let e = Math.floor(x0) - 1; e <= Math.ceil(x1); e++) {
    for (const m of mult) {
      const v = m * 10 ** e;
      const l = Math.log10(v);
      if (l >= x0 && l <= x1) out.push(Number(v.toPrecision(6)));
    }
  }
  return out;
}

/** Marker radius from params: area grows with params (sqrt), 1.6…7 px. */
export function radiusFor(params: number, maxParams: number): number {
  if (!(maxParams > 0) || !(params > 0)) return 1.6;
  return 1.6 + 5.4 * Math.sqrt(Math.min(1, params / maxParams));
}

/** The point nearest to (px, py) within `within` pixels, or -1. */
export function nearestPoint(xs: Float64Array, ys: Float64Array, px: number, py: number, within = 10): number {
  let best = -1;
  let bd = within * within;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i] - px;
    const dy = ys[i] - py;
    const d = dx * dx + dy * dy;
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}
