// The search loop's predictor: an ensemble of Gaussian-process members (RBF kernel on the
// predictor input) refitted in closed form after every batch. The shipped MLP ensembles take
// seconds to minutes to train; a search refits dozens of times, so its members must refit in
// milliseconds, and a GP is also what the baselines note shows works for this loop. Members differ
// in length scale (around the one the marginal likelihood prefers); the ensemble's mean is their
// mean and its spread combines each member's posterior variance with their disagreement.
import { cholesky } from '../predict/gp';
import type { DifferentiablePredictor, Estimate } from '../predict/types';
import type { SearchPrior } from './prior';

/** Length-scale grid (on squared distances of the features) tried by the marginal likelihood. */
const LENGTH_GRID = [0.5, 0.7, 1, 1.4, 2, 2.8, 4];
/** Noise variances (targets standardised) tried alongside. */
const NOISE_GRID = [1e-4, 1e-3, 1e-2, 1e-1];
/** Members: multiples of the chosen length scale. */
const MEMBER_SCALES = [0.75, 1, 1.33];
const JITTER = 1e-8;
/** Rows the hyperparameter grid sees (the posterior uses all). */
const GRID_ROWS = 300;
/**
 * Rows the GP keeps at most (O(n³) to fit, O(n²) per prediction): the best half by value and a
 * spread of the rest. A 15,625-row file would otherwise take minutes.
 */
export const MAX_SURROGATE_ROWS = 150;
/** How far past the measured and prior-predicted values a prediction may go, as a share of their range. */
const BOUND_MARGIN = 0.25;

/** Rows kept: all when few, else the best MAX/2 and every k-th of the rest (deterministic). */
export function surrogateRows(y: ArrayLike<number>): number[] {
  const n = y.length;
  if (n <= MAX_SURROGATE_ROWS) return Array.from({ length: n }, (_, i) => i);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[b] - y[a] || a - b);
  const half = MAX_SURROGATE_ROWS / 2;
  const rest = order.slice(half);
  const step = rest.length / half;
  const picked = order.slice(0, half);
  for (let k = 0; k < half; k++) picked.push(rest[Math.floor(k * step)]);
  return picked.sort((a, b) => a - b);
}

interface Member {
  ls2: number;
  L: Float64Array;
  /** Lᵀ, row-major: the backward solve of every prediction's gradient then reads rows (same arithmetic, cache-friendly). */
  LT: Float64Array;
  alpha: Float64Array;
}

export interface SurrogateFit {
  /** Length scale and noise chosen by the marginal likelihood (for logs). */
  lengthScale: number;
  noise: number;
}

function sqDist(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = a[ao + k] - b[bo + k];
    s += t * t;
  }
  return s;
}

/** Forward substitution L v = b (in place on b). */
function forward(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let v = b[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) v -= L[ri + k] * b[k];
    b[i] = v / L[ri + i];
  }
}

/** Backward substitution Lᵀ x = b (in place on b). */
function backward(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let v = b[i];
    for (let k = i + 1; k < n; k++) v -= L[k * n + i] * b[k];
    b[i] = v / L[i * n + i];
  }
}

/** The same backward substitution given U = Lᵀ row-major (the same operations in the same order). */
function backwardUpper(U: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let v = b[i];
    const ri = i * n;
    for (let k = i + 1; k < n; k++) v -= U[ri + k] * b[k];
    b[i] = v / U[ri + i];
  }
}

function transpose(L: Float64Array, n: number): Float64Array {
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) T[k * n + i] = L[i * n + k];
  return T;
}

function factor(D2: Float64Array, n: number, ls2: number, noise: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) L[i] = Math.exp(-D2[i] / (2 * ls2));
  for (let i = 0; i < n; i++) L[i * n + i] += noise + JITTER;
  try {
    cholesky(L, n);
    return L;
  } catch {
    return undefined;
  }
}

/**
 * A GP ensemble over rows of features (n×d) and one target. Implements the predictor contract
 * for one metric so that propagation can follow it; its input is the feature vector itself.
 */
export class GpEnsemble implements DifferentiablePredictor {
  readonly metrics: readonly string[];
  private readonly members: Member[] = [];
  private readonly yMean: number;
  private readonly yStd: number;
  readonly fit: SurrogateFit;
  private readonly dBuf: Float64Array;
  /** Where the mean is clamped (only with a prior: the cold loop is left as it was). */
  private readonly bounds?: { lo: number; hi: number };

  constructor(
    readonly setting: string,
    metric: string,
    private X: Float64Array,
    private n: number,
    private readonly d: number,
    y: ArrayLike<number>,
    /** Per-feature factor applied before distances (e.g. 1/range of each code position); X is given unscaled. */
    private readonly scale: Float64Array | undefined,
    /** A previous fit's choice: reused while the data grows (the grid search is the slow part). */
    hint?: SurrogateFit,
    /** Prior mean (the predictors' view of the objective, on unscaled inputs): the GP models y − prior. */
    private readonly prior?: SearchPrior,
  ) {
    if (n < 1) throw new RangeError('a surrogate needs at least one measured network');
    this.metrics = [metric];
    if (n > MAX_SURROGATE_ROWS) {
      const keep = surrogateRows(y);
      const Xk = new Float64Array(keep.length * d);
      keep.forEach((r, i) => Xk.set(X.subarray(r * d, (r + 1) * d), i * d));
      y = keep.map((r) => y[r]);
      X = Xk;
      n = keep.length;
      this.X = X;
      this.n = n;
    }
    // predictions stay within the measured and prior-predicted values, give or take a margin
    let lo = Infinity;
    let hi = -Infinity;
    const resid = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = prior ? prior.value(X.subarray(i * d, (i + 1) * d)) : 0;
      resid[i] = y[i] - p;
      for (const v of prior ? [y[i], p] : [y[i]]) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    const margin = Math.max(hi - lo, 1e-9) * BOUND_MARGIN;
    this.bounds = prior ? { lo: lo - margin, hi: hi + margin } : undefined;
    y = resid;
    if (scale) {
      const Xs = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xs[i * d + j] = X[i * d + j] * scale[j];
      this.X = Xs;
    }
    let m = 0;
    for (let i = 0; i < n; i++) m += y[i];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (y[i] - m) ** 2;
    const s = n > 1 ? Math.sqrt(v / (n - 1)) : 1;
    this.yMean = m;
    this.yStd = s > 1e-12 ? s : 1;
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) ys[i] = (y[i] - m) / this.yStd;
    const D2 = new Float64Array(n * n);
    // on the scaled rows, as predictions are (the unscaled code made every kernel entry ~0)
    const Xd = this.X;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) D2[i * n + j] = D2[j * n + i] = sqDist(Xd, i * d, Xd, j * d, d);
    this.fit = hint ?? GpEnsemble.chooseHyper(D2, n, ys, d);
    const base = this.fit.lengthScale;
    for (const scale of MEMBER_SCALES) {
      const ls2 = (base * scale) ** 2;
      const L = factor(D2, n, ls2, this.fit.noise) ?? factor(D2, n, ls2, Math.max(this.fit.noise, 1e-2));
      if (!L) continue;
      const alpha = new Float64Array(ys);
      forward(L, n, alpha);
      backward(L, n, alpha);
      this.members.push({ ls2, L, LT: transpose(L, n), alpha });
    }
    if (this.members.length === 0) throw new RangeError('surrogate: the kernel matrix could not be factored');
    this.dBuf = new Float64Array(n);
  }

  /**
   * Length scale and noise of the best log marginal likelihood on the grid (scaled by √d), on
   * the first GRID_ROWS rows at most: the grid's factorisations are the cost of a refit.
   */
  private static chooseHyper(D2full: Float64Array, nFull: number, ysFull: Float64Array, d: number): SurrogateFit {
    const n = Math.min(nFull, GRID_ROWS);
    const D2 = n === nFull ? D2full : new Float64Array(n * n);
    if (n !== nFull) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D2[i * n + j] = D2full[i * nFull + j];
    const ys = ysFull.subarray(0, n);
    let best: SurrogateFit = { lengthScale: Math.sqrt(d) / 2, noise: 1e-2 };
    let bestLl = -Infinity;
    const a = new Float64Array(n);
    for (const g of LENGTH_GRID) {
      // features are one-hot or in [0, 1]: typical squared distances grow with d
      const ls = (g * Math.sqrt(d)) / 4;
      for (const noise of NOISE_GRID) {
        const L = factor(D2, n, ls * ls, noise);
        if (!L) continue;
        a.set(ys);
        forward(L, n, a);
        let ll = 0;
        for (let i = 0; i < n; i++) ll -= 0.5 * a[i] * a[i] + Math.log(L[i * n + i]);
        if (ll > bestLl) {
          bestLl = ll;
          best = { lengthScale: ls, noise };
        }
      }
    }
    return best;
  }

  /** Mean and standard deviation (original units) and, when asked, their gradients. */
  private posterior(raw: ArrayLike<number>, wantGrad: boolean): { mean: number; std: number; dMean?: Float64Array; dStd?: Float64Array } {
    const p = this.posteriorLazy(raw, wantGrad);
    if (!wantGrad) return { mean: p.mean, std: p.std };
    const g = p.grads();
    return { mean: p.mean, std: p.std, dMean: g.dMean, dStd: g.dStd };
  }

  /**
   * Mean and standard deviation, and a function for their gradients that only runs the backward
   * solves (the forward ones are kept): a climb that checks several moves and takes one pays for
   * one gradient. The gradients are those posterior(raw, true) computes, operation for operation.
   */
  private posteriorLazy(raw: ArrayLike<number>, priorGrad: boolean): { mean: number; std: number; grads(): { dMean: Float64Array; dStd: Float64Array } } {
    const { n, d, X, scale } = this;
    const x = scale ? Float64Array.from(raw, (v, j) => v * scale[j]) : raw;
    const M = this.members.length;
    const means = new Float64Array(M);
    const vars = new Float64Array(M);
    const ks: Float64Array[] = [];
    const vs: Float64Array[] = [];
    const D2 = this.dBuf;
    for (let i = 0; i < n; i++) D2[i] = sqDist(x, 0, X, i * d, d);
    for (let m = 0; m < M; m++) {
      const mem = this.members[m];
      const k = new Float64Array(n);
      let mu = 0;
      for (let i = 0; i < n; i++) {
        k[i] = Math.exp(-D2[i] / (2 * mem.ls2));
        mu += k[i] * mem.alpha[i];
      }
      const v = new Float64Array(k);
      forward(mem.L, n, v);
      let q = 0;
      for (let i = 0; i < n; i++) q += v[i] * v[i];
      means[m] = mu;
      vars[m] = Math.max(1 + JITTER - q, 1e-12);
      ks.push(k);
      vs.push(v);
    }
    let mean = 0;
    for (let m = 0; m < M; m++) mean += means[m];
    mean /= M;
    let within = 0;
    let between = 0;
    for (let m = 0; m < M; m++) {
      within += vars[m];
      between += (means[m] - mean) ** 2;
    }
    const total = (within + between) / M;
    const std = Math.sqrt(total);
    let outMean = this.yMean + this.yStd * mean;
    const pr = this.prior ? (priorGrad ? this.prior.valueAndGrad(raw) : { value: this.prior.value(raw), grad: undefined }) : undefined;
    if (pr) outMean += pr.value;
    let clamped = false;
    if (this.bounds && (outMean < this.bounds.lo || outMean > this.bounds.hi)) {
      outMean = Math.min(this.bounds.hi, Math.max(this.bounds.lo, outMean));
      clamped = true;
    }
    const xs = Float64Array.from(x);
    let memo: { dMean: Float64Array; dStd: Float64Array } | undefined;
    const grads = () => {
      if (memo) return memo;
      const dMeans: Float64Array[] = [];
      const dVars: Float64Array[] = [];
      for (let m = 0; m < M; m++) {
        const mem = this.members[m];
        const k = ks[m];
        const v = vs[m];
        // dk_i/dx = −k_i (x − x_i)/ℓ²; dvar/dx = −2 Σ w_i dk_i/dx with w = K⁻¹k
        backwardUpper(mem.LT, n, v);
        const gm = new Float64Array(d);
        const gv = new Float64Array(d);
        for (let i = 0; i < n; i++) {
          const c = -k[i] / mem.ls2;
          const am = c * mem.alpha[i];
          const av = -2 * c * v[i];
          for (let j = 0; j < d; j++) {
            const t = xs[j] - X[i * d + j];
            gm[j] += am * t;
            gv[j] += av * t;
          }
        }
        dMeans.push(gm);
        dVars.push(gv);
      }
      const dMean = new Float64Array(d);
      const dTot = new Float64Array(d);
      for (let m = 0; m < M; m++) {
        for (let j = 0; j < d; j++) {
          dMean[j] += dMeans[m][j] / M;
          dTot[j] += dVars[m][j] / M;
        }
      }
      for (let m = 0; m < M; m++) for (let j = 0; j < d; j++) dTot[j] += (2 / M) * (means[m] - mean) * (dMeans[m][j] - dMean[j]);
      const dStd = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        const sj = scale ? scale[j] : 1;
        dMean[j] *= this.yStd * sj;
        dStd[j] = (this.yStd * sj * dTot[j]) / (2 * Math.max(std, 1e-9));
      }
      const pg = pr ? (pr.grad ?? this.prior!.valueAndGrad(raw).grad) : undefined;
      if (pg) for (let j = 0; j < d; j++) dMean[j] += pg[j];
      if (clamped) dMean.fill(0);
      return (memo = { dMean, dStd });
    };
    return { mean: outMean, std: this.yStd * std, grads };
  }

  /** Mean and spread with their gradients on demand (see posteriorLazy). */
  lazySpread(input: ArrayLike<number>): { mean: number; std: number; grads(): { dMean: Float64Array; dStd: Float64Array } } {
    return this.posteriorLazy(input, false);
  }

  /** The ensemble's mean alone (no variance solves: fast enough to rank a whole space). */
  predictMean(raw: ArrayLike<number>): number {
    const { n, d, X, scale } = this;
    const x = scale ? Float64Array.from(raw, (v, j) => v * scale[j]) : raw;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const d2 = sqDist(x, 0, X, i * d, d);
      for (const mem of this.members) mean += Math.exp(-d2 / (2 * mem.ls2)) * mem.alpha[i];
    }
    const v = this.yMean + (this.yStd * mean) / this.members.length + (this.prior ? this.prior.value(raw) : 0);
    return this.bounds ? Math.min(this.bounds.hi, Math.max(this.bounds.lo, v)) : v;
  }

  predict(input: ArrayLike<number>): Estimate[] {
    const p = this.posterior(input, false);
    return [{ mean: p.mean, std: p.std }];
  }

  predictBatch(inputs: readonly ArrayLike<number>[]): Estimate[][] {
    return inputs.map((x) => this.predict(x));
  }

  valueAndGrad(input: ArrayLike<number>, _metric: number): { mean: number; std: number; grad: Float64Array } {
    const p = this.posterior(input, true);
    return { mean: p.mean, std: p.std, grad: p.dMean! };
  }

  /** Mean, spread and their gradients (what an acquisition needs). */
  withSpreadGrad(input: ArrayLike<number>): { mean: number; std: number; dMean: Float64Array; dStd: Float64Array } {
    const p = this.posterior(input, true);
    return { mean: p.mean, std: p.std, dMean: p.dMean!, dStd: p.dStd! };
  }
}

/** Standard normal density and distribution. */
function phi(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}
function Phi(z: number): number {
  // Abramowitz–Stegun 7.1.26 on erf; |error| < 1.5e-7
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Expected improvement of a Gaussian estimate over `best`. */
export function expectedImprovement(mean: number, std: number, best: number): number {
  if (!(std > 1e-12)) return Math.max(0, mean - best);
  const z = (mean - best) / std;
  return (mean - best) * Phi(z) + std * phi(z);
}

/**
 * The upper confidence bound mean + κ·spread of a GP ensemble as a predictor, so that the
 * propagation engine follows the acquisition rather than the mean. Evaluations are memoised:
 * the many propagation runs of one batch revisit the same points.
 */
export class UcbPredictor implements DifferentiablePredictor {
  readonly metrics = ['ucb'] as const;
  private readonly cache = new Map<string, { mean: number; std: number; grad?: Float64Array }>();

  constructor(
    readonly setting: string,
    private readonly model: GpEnsemble,
    private readonly kappa: number,
  ) {}

  private key(x: ArrayLike<number>): string {
    return Array.prototype.join.call(x, ',');
  }

  predict(input: ArrayLike<number>): Estimate[] {
    const key = this.key(input);
    const hit = this.cache.get(key);
    if (hit) return [{ mean: hit.mean, std: hit.std }];
    const [e] = this.model.predict(input);
    const out = { mean: e.mean + this.kappa * e.std, std: e.std };
    this.cache.set(key, out);
    return [out];
  }

  predictBatch(inputs: readonly ArrayLike<number>[]): Estimate[][] {
    return inputs.map((x) => this.predict(x));
  }

  /**
   * The acquisition with its gradient on demand (the propagation engine's lazy contract): a
   * climb checks four moves and takes one, so only the taken one pays for the backward solves.
   */
  predictMetricLazy(input: ArrayLike<number>, _metric: number): Estimate & { grad(): Float64Array } {
    const key = this.key(input);
    const hit = this.cache.get(key);
    if (hit?.grad) {
      const g = hit.grad;
      return { mean: hit.mean, std: hit.std, grad: () => g };
    }
    const p = this.model.lazySpread(input);
    const out: { mean: number; std: number; grad?: Float64Array } = hit ?? { mean: p.mean + this.kappa * p.std, std: p.std };
    if (!hit) this.cache.set(key, out);
    return {
      mean: out.mean,
      std: out.std,
      grad: () => {
        if (out.grad) return out.grad;
        const d = p.grads();
        const grad = new Float64Array(d.dMean.length);
        for (let j = 0; j < grad.length; j++) grad[j] = d.dMean[j] + this.kappa * d.dStd[j];
        return (out.grad = grad);
      },
    };
  }

  valueAndGrad(input: ArrayLike<number>): { mean: number; std: number; grad: Float64Array } {
    const key = this.key(input);
    const hit = this.cache.get(key);
    if (hit?.grad) return { mean: hit.mean, std: hit.std, grad: hit.grad };
    const p = this.model.withSpreadGrad(input);
    const grad = new Float64Array(p.dMean.length);
    for (let j = 0; j < grad.length; j++) grad[j] = p.dMean[j] + this.kappa * p.dStd[j];
    const out = { mean: p.mean + this.kappa * p.std, std: p.std, grad };
    this.cache.set(key, out);
    return out;
  }
}
