// The Gaussian process behind a transfer predictor, on precomputed features of each row:
//   k(x, x') = a · z_src·z_src'/S + c · z_cost·z_cost'/C + b · exp(−|u − u'|²/2ℓ²)
//              + t · exp(−|h − h'|²/2ℓ_t²) + 1
// z_src: the source predictors' (standardised) predictions, z_cost: log FLOPs/params, u: the
// standardised architecture features, h: the source ensembles' trunk activations (features.ts);
// targets standardised on the rows. a = 0 is a model from scratch, b = t = 0 plain Bayesian
// ridge stacking; the grid point with the lowest leave-one-out error (closed form:
// r_i = [K⁻¹y]_i / [K⁻¹]_ii) wins, so the source is trusted only as far as the user's own rows
// confirm it. The leave-one-out z-scores then calibrate the spread.
import { cholesky } from '../gp';

export interface KernelHyper {
  /** Weight of the source predictions (linear kernel); 0: not used. */
  src: number;
  /** Weight of log FLOPs/params (linear kernel). */
  cost: number;
  /** Weight of the RBF on architecture features; 0: not used. */
  rbf: number;
  /** RBF length scale on the standardised features. */
  ls: number;
  /** Noise variance (targets standardised). */
  noise: number;
  /** Weight of the RBF on the sources' trunk activations; 0 or absent: not used. */
  trunk?: number;
  /** Its length scale. */
  tls?: number;
}

/** Which models the grid may choose from (the bench's baselines restrict it). */
export type CandidateFamily = 'auto' | 'stack' | 'cost' | 'scratch';

/** Features of n rows, row-major; any block may have 0 columns. */
export interface RowFeatures {
  n: number;
  zSrc: Float64Array;
  dSrc: number;
  zCost: Float64Array;
  dCost: number;
  u: Float64Array;
  dU: number;
  /** The sources' trunk activations (dT = 0: none). */
  t: Float64Array;
  dT: number;
}

const JITTER = 1e-8;
const NOISES = [0.01, 0.03, 0.1, 0.3, 1];

/**
 * Trunk length scale per √(activation): the activations' mean squared difference between two
 * networks is ≈ 0.45 (shipped recipe, held-out fifth), so exp(−d²/2ℓ²) ≈ 0.4 for a typical pair.
 */
export const TRUNK_LS = 0.5;

/**
 * Below this many rows 'auto' with sources is ridge stacking (the 'stack' grid): leave-one-out
 * on 5–7 rows cannot choose between kernels (bench/transfer.ts's splits at k = 5 and 7, seeds
 * 1–20 and 21–40: stacking τ ahead in 10 of 12 family × k × seed-half cells, by up to 0.05,
 * behind by at most 0.013; at k = 9 and 10 mostly behind).
 */
export const STACK_BELOW_ROWS = 8;

export function hyperGrid(family: CandidateFamily, f: Pick<RowFeatures, 'dSrc' | 'dCost' | 'dU'> & { dT?: number; n?: number }): KernelHyper[] {
  if (family === 'auto' && f.dSrc > 0 && f.n !== undefined && f.n < STACK_BELOW_ROWS) return hyperGrid('stack', f);
  const out: KernelHyper[] = [];
  const cost = f.dCost > 0 ? 0.3 : 0;
  const lsBase = Math.sqrt(Math.max(f.dU, 1));
  const lss = [0.5, 1, 2].map((g) => g * lsBase);
  const srcs = f.dSrc > 0 ? [0.3, 1, 3] : [];
  const dT = f.dT ?? 0;
  const push = (src: number, c: number, rbf: number, ls: number, trunk = 0) => {
    for (const noise of NOISES) out.push(trunk > 0 ? { src, cost: c, rbf, ls, noise, trunk, tls: TRUNK_LS * Math.sqrt(dT) } : { src, cost: c, rbf, ls, noise });
  };
  if (family === 'stack') for (const s of srcs) push(s, cost, 0, 1);
  if (family === 'cost') push(0, cost || 1, 0, 1);
  if (family === 'scratch') for (const b of [0.3, 1]) for (const ls of lss) push(0, cost, b, ls);
  if (family === 'auto') {
    // few candidates: with 5–50 rows, choosing among many overfits the leave-one-out error
    // (a fine grid lost 0.02–0.04 τ at k = 20 in bench/transfer.ts)
    push(0, cost, 1, lsBase);
    // with the sources' trunks: their RBF instead of the architecture features' (bench/transfer.ts,
    // seeds 21–40: τ +0.00–0.03 at k = 20–100 in every family, +0.05 for video at k = 10)
    if (f.dSrc > 0 && dT > 0) for (const t of [0.3, 1]) push(1, cost, 0, lsBase, t);
    else if (f.dSrc > 0) push(1, cost, 0.3, lsBase);
  }
  return out;
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[ao + k] * b[bo + k];
  return s;
}

function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = a[ao + k] - b[bo + k];
    s += t * t;
  }
  return s;
}

/** Parts of the kernel between rows of two feature sets that do not depend on the hyperparameters. */
export interface KernelParts {
  lin: Float64Array; // z_src·z_src'/S
  cost: Float64Array; // z_cost·z_cost'/C
  d2: Float64Array; // |u − u'|²
  d2t: Float64Array; // |h − h'|² (trunk activations)
}

export function emptyParts(n: number): KernelParts {
  return { lin: new Float64Array(n), cost: new Float64Array(n), d2: new Float64Array(n), d2t: new Float64Array(n) };
}

export function kernelParts(p: RowFeatures, pi: number, q: RowFeatures, out?: KernelParts): KernelParts {
  const n = q.n;
  const o = out ?? emptyParts(n);
  const dT = Math.min(p.dT, q.dT);
  for (let j = 0; j < n; j++) {
    o.lin[j] = p.dSrc > 0 ? dot(p.zSrc, pi * p.dSrc, q.zSrc, j * q.dSrc, p.dSrc) / p.dSrc : 0;
    o.cost[j] = p.dCost > 0 ? dot(p.zCost, pi * p.dCost, q.zCost, j * q.dCost, p.dCost) / p.dCost : 0;
    o.d2[j] = p.dU > 0 ? sqDist(p.u, pi * p.dU, q.u, j * q.dU, p.dU) : 0;
    o.d2t[j] = dT > 0 ? sqDist(p.t, pi * p.dT, q.t, j * q.dT, dT) : 0;
  }
  return o;
}

export function kernelValue(h: KernelHyper, lin: number, cost: number, d2: number, d2t = 0): number {
  const trunk = h.trunk && h.trunk > 0 && h.tls ? h.trunk * Math.exp(-d2t / (2 * h.tls * h.tls)) : 0;
  return h.src * lin + h.cost * cost + (h.rbf > 0 ? h.rbf * Math.exp(-d2 / (2 * h.ls * h.ls)) : 0) + trunk + 1;
}

/** The n×n parts of the training rows' kernel, computed once for the whole grid (symmetric: half of it). */
export function gramParts(f: RowFeatures): KernelParts {
  const n = f.n;
  const g = emptyParts(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const lin = f.dSrc > 0 ? dot(f.zSrc, i * f.dSrc, f.zSrc, j * f.dSrc, f.dSrc) / f.dSrc : 0;
      const cost = f.dCost > 0 ? dot(f.zCost, i * f.dCost, f.zCost, j * f.dCost, f.dCost) / f.dCost : 0;
      const d2 = f.dU > 0 ? sqDist(f.u, i * f.dU, f.u, j * f.dU, f.dU) : 0;
      const d2t = f.dT > 0 ? sqDist(f.t, i * f.dT, f.t, j * f.dT, f.dT) : 0;
      g.lin[i * n + j] = g.lin[j * n + i] = lin;
      g.cost[i * n + j] = g.cost[j * n + i] = cost;
      g.d2[i * n + j] = g.d2[j * n + i] = d2;
      g.d2t[i * n + j] = g.d2t[j * n + i] = d2t;
    }
  }
  return g;
}

/** Lower Cholesky factor of K + noise·I, or undefined when it is not positive definite. */
export function factorGram(g: KernelParts, n: number, h: KernelHyper): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) L[i] = kernelValue(h, g.lin[i], g.cost[i], g.d2[i], g.d2t[i]);
  for (let i = 0; i < n; i++) L[i * n + i] += h.noise + JITTER;
  try {
    cholesky(L, n);
    return L;
  } catch {
    return undefined;
  }
}

export function forwardSolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let v = b[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) v -= L[ri + k] * b[k];
    b[i] = v / L[ri + i];
  }
}

export function backwardSolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let v = b[i];
    for (let k = i + 1; k < n; k++) v -= L[k * n + i] * b[k];
    b[i] = v / L[i * n + i];
  }
}

/** Diagonal of (L Lᵀ)⁻¹: Σ_k (L⁻¹)_ki², from the columns of L⁻¹. */
function inverseDiagonal(L: Float64Array, n: number): Float64Array {
  // Linv lower triangular, computed column by column
  const diag = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    // forward solve from row j (entries above are zero)
    for (let i = j; i < n; i++) {
      let v = col[i];
      const ri = i * n;
      for (let k = j; k < i; k++) v -= L[ri + k] * col[k];
      col[i] = v / L[ri + i];
    }
    for (let i = j; i < n; i++) diag[j] += col[i] * col[i];
  }
  return diag;
}

export interface LooResult {
  /** Leave-one-out means and variances (noise included), standardised units. */
  mean: Float64Array;
  variance: Float64Array;
  mse: number;
}

/** Closed-form leave-one-out predictions of a factored GP. */
export function leaveOneOut(L: Float64Array, n: number, y: Float64Array): LooResult {
  const alpha = new Float64Array(y);
  forwardSolve(L, n, alpha);
  backwardSolve(L, n, alpha);
  const d = inverseDiagonal(L, n);
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  let mse = 0;
  for (let i = 0; i < n; i++) {
    const r = alpha[i] / d[i];
    mean[i] = y[i] - r;
    variance[i] = 1 / d[i];
    mse += r * r;
  }
  return { mean, variance, mse: mse / n };
}

export interface GridChoice {
  hyper: KernelHyper;
  loo: LooResult;
}

/** Log marginal likelihood of standardised targets under a factored kernel (constant dropped). */
export function logMarginal(L: Float64Array, n: number, y: Float64Array): number {
  const a = new Float64Array(y);
  forwardSolve(L, n, a);
  let ll = 0;
  for (let i = 0; i < n; i++) ll -= 0.5 * a[i] * a[i] + Math.log(L[i * n + i]);
  return ll;
}

/** How the grid point is chosen: leave-one-out error, or the marginal likelihood. */
export type Criterion = 'loo' | 'ml';

/** The grid point with the best criterion (ties: the earlier, simpler one). */
export function chooseHyper(f: RowFeatures, y: Float64Array, grid: readonly KernelHyper[], onTick?: () => void, criterion: Criterion = 'loo'): GridChoice {
  const g = gramParts(f);
  let best: (GridChoice & { score: number }) | undefined;
  for (const h of grid) {
    onTick?.();
    const L = factorGram(g, f.n, h);
    if (!L) continue;
    const loo = leaveOneOut(L, f.n, y);
    const score = criterion === 'loo' ? -loo.mse : logMarginal(L, f.n, y);
    if (!best || score > best.score + 1e-9) best = { hyper: h, loo, score };
  }
  if (!best) throw new RangeError('transfer: no kernel on the grid could be factored');
  return best;
}

/** Rows whose leave-one-out calibration is trusted; fewer and the spread is reported uncalibrated. */
export const MIN_CALIBRATION_ROWS = 10;
/** What the spread scale aims at on the leave-one-out z-scores: ±1 and ±2 coverage. */
const AIM_1 = 0.72;
const AIM_2 = 0.95;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[pos];
}

export interface Calibration {
  /** Multiplies the GP's predictive standard deviation. */
  scale: number;
  calibrated: boolean;
  /** Leave-one-out coverage with that scale (the scale was fitted on the same rows). */
  coverage1: number;
  coverage2: number;
  rows: number;
}

/** A spread scale from leave-one-out z-scores: the smallest covering AIM_1 at ±1 and AIM_2 at ±2. */
export function calibrate(y: Float64Array, loo: LooResult): Calibration {
  const n = y.length;
  const z = Array.from(y, (v, i) => Math.abs(v - loo.mean[i]) / Math.sqrt(Math.max(loo.variance[i], 1e-12))).sort((a, b) => a - b);
  const calibrated = n >= MIN_CALIBRATION_ROWS;
  // with too few rows the same scale only widens (never narrows) the GP's own spread: ridge
  // stacking on 5–7 rows picks a small noise, and its own spread covered ~50% at ±1
  const fitted = Math.max(quantile(z, AIM_1), quantile(z, AIM_2) / 2, 1e-3);
  const scale = calibrated ? fitted : Number.isFinite(fitted) ? Math.max(1, fitted) : 1;
  const cov = (k: number) => z.filter((v) => v <= k * scale).length / Math.max(n, 1);
  return { scale, calibrated, coverage1: cov(1), coverage2: cov(2), rows: n };
}
