// A Gaussian process used as a teacher at training time (teacher.ts): a Matérn-5/2 kernel with one
// length scale per feature (ARD), its hyperparameters fitted by Adam on the log marginal
// likelihood. It never ships: it keeps its training rows, which are the benchmark's. On the
// held-out split it ranks segmentation networks far better than our MLPs (τ 0.78 vs 0.75)
// because segmentation's targets are nearly noise-free and a GP interpolates them.
//
// Linear algebra is hand-written on Float64Arrays: ml-matrix's Cholesky is fine but its
// solve(I) for the inverse the gradient needs takes 7 s at n = 800, against ~0.3 s here.
import { makeRng, permutation } from '../random';

export interface GpHyper {
  /** One per feature, on the (standardised) inputs. */
  lengthScales: Float64Array;
  /** Signal variance (targets standardised). */
  signal: number;
  /** Noise variance (targets standardised). */
  noise: number;
}

export interface GpFitOptions {
  /** Rows the hyperparameter fit sees (a seeded random subset; the posterior uses every row). */
  subsample: number;
  steps: number;
  /** Peak Adam step on the log hyperparameters (cosine decay to 0). */
  lr: number;
  /**
   * Then this many Adam steps (of 0.03) on every row: a subsample's optimum misjudges the
   * noise of noisy settings (held-out τ of the teacher on cls-10-1000: 0.450 → 0.459).
   */
  refine: number;
  seed: number;
  /** Called after each step (the fit takes seconds to minutes). */
  onStep?: (step: number, steps: number) => void;
}

export const GP_FIT_DEFAULTS: GpFitOptions = { subsample: 800, steps: 200, lr: 0.1, refine: 15, seed: 1 };

const SQRT5 = Math.sqrt(5);
/** Jitter added to the diagonal; keeps the Cholesky stable when the fitted noise is tiny. */
const JITTER = 1e-6;

/** In-place lower Cholesky factor of a symmetric positive-definite n×n row-major matrix. */
export function cholesky(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = a[rj + j];
    for (let k = 0; k < j; k++) s -= a[rj + k] * a[rj + k];
    if (!(s > 0)) throw new RangeError(`matrix is not positive definite (pivot ${j}: ${s})`);
    const d = Math.sqrt(s);
    a[rj + j] = d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let v = a[ri + j];
      for (let k = 0; k < j; k++) v -= a[ri + k] * a[rj + k];
      a[ri + j] = v / d;
    }
    for (let i = j + 1; i < n; i++) a[rj + i] = 0;
  }
}

/** Solves L Lᵀ x = b in place for each of the m columns of b (n×m, row-major). */
export function cholSolve(L: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let v = b[i * m + c];
      const ri = i * n;
      for (let k = 0; k < i; k++) v -= L[ri + k] * b[k * m + c];
      b[i * m + c] = v / L[ri + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let v = b[i * m + c];
      for (let k = i + 1; k < n; k++) v -= L[k * n + i] * b[k * m + c];
      b[i * m + c] = v / L[i * n + i];
    }
  }
}

/** Inverse of A = L Lᵀ from its factor (full symmetric n×n). Loops run along rows (contiguous). */
function cholInverse(L: Float64Array, n: number): Float64Array {
  // Li = L⁻¹ (lower), row by row: Li[i,:] = (e_i − Σ_{k<i} L[i,k] Li[k,:]) / L[i,i]
  const Li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const c = L[ri + k];
      if (c === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) Li[ri + j] -= c * Li[rk + j];
    }
    Li[ri + i] += 1;
    const inv = 1 / L[ri + i];
    for (let j = 0; j <= i; j++) Li[ri + j] *= inv;
  }
  // A⁻¹ = Liᵀ Li = Σ_k Li[k,:]ᵀ Li[k,:] (lower triangle, then mirrored)
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const c = Li[rk + i];
      if (c === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) out[ri + j] += c * Li[rk + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
  return out;
}

/** Scaled squared distances Σ_d ((a_d − b_d)/ℓ_d)² between the rows of A (na×d) and B (nb×d). */
function scaledDist2(A: Float64Array, na: number, B: Float64Array, nb: number, d: number, ls: Float64Array): Float64Array {
  const out = new Float64Array(na * nb);
  const inv = ls.map((l) => 1 / l);
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = (A[i * d + k] - B[j * d + k]) * inv[k];
        s += t * t;
      }
      out[i * nb + j] = s;
    }
  }
  return out;
}

function matern(d2: number, signal: number): number {
  const r = Math.sqrt(d2) * SQRT5;
  return signal * (1 + r + (5 / 3) * d2) * Math.exp(-r);
}

/**
 * Mean negative log marginal likelihood (per row) and its gradient in the log hyperparameters
 * [log ℓ_1..d, log signal, log noise]. X: n×d standardised inputs, y: n standardised targets.
 */
export function negLogLikelihood(theta: Float64Array, X: Float64Array, n: number, d: number, y: Float64Array): { value: number; grad: Float64Array } {
  const ls = theta.subarray(0, d).map(Math.exp);
  const signal = Math.exp(theta[d]);
  const noise = Math.exp(theta[d + 1]);
  const D2 = scaledDist2(X, n, X, n, d, ls);
  const K = new Float64Array(n * n);
  // dK/d(d2) per entry, for the length-scale gradients
  const dK = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    const r = Math.sqrt(D2[i]) * SQRT5;
    const e = Math.exp(-r);
    K[i] = signal * (1 + r + (5 / 3) * D2[i]) * e;
    dK[i] = -(5 / 6) * signal * (1 + r) * e;
  }
  const L = new Float64Array(K);
  for (let i = 0; i < n; i++) L[i * n + i] += noise + JITTER;
  cholesky(L, n);
  const a = new Float64Array(y);
  cholSolve(L, n, a, 1);
  let value = 0;
  for (let i = 0; i < n; i++) value += 0.5 * y[i] * a[i] + Math.log(L[i * n + i]);
  // ∂(−log p)/∂θ = −½ tr((ααᵀ − K⁻¹) ∂K/∂θ)
  const W = cholInverse(L, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) W[i * n + j] = a[i] * a[j] - W[i * n + j];
  const grad = new Float64Array(d + 2);
  // ∂d2/∂log ℓ_k = −2 (x_ik − x_jk)²/ℓ_k²; only the lower triangle (W, dK symmetric; diagonal term 0)
  const acc = new Float64Array(d);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const w = W[i * n + j] * dK[i * n + j];
      for (let k = 0; k < d; k++) {
        const t = X[i * d + k] - X[j * d + k];
        acc[k] += w * t * t;
      }
    }
  }
  // both triangles: ×2; −½ × (−2/ℓ²) = 1/ℓ²
  for (let k = 0; k < d; k++) grad[k] = (2 * acc[k]) / (ls[k] * ls[k]);
  let gs = 0;
  let gn = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) gs += W[i * n + j] * K[i * n + j];
    gn += W[i * n + i];
  }
  grad[d] = -0.5 * gs;
  grad[d + 1] = -0.5 * gn * noise;
  for (let k = 0; k < d + 2; k++) grad[k] /= n;
  return { value: value / n, grad };
}

/** Adam on the log hyperparameters θ (in place); the noise stays above 1e-4, where the factorisation holds. */
function adam(theta: Float64Array, steps: number, lr: (t: number) => number, grad: () => Float64Array, onStep: (t: number) => void): void {
  const k = theta.length;
  const m1 = new Float64Array(k);
  const m2 = new Float64Array(k);
  for (let t = 1; t <= steps; t++) {
    const g = grad();
    const a = lr(t);
    for (let i = 0; i < k; i++) {
      m1[i] = 0.9 * m1[i] + 0.1 * g[i];
      m2[i] = 0.999 * m2[i] + 0.001 * g[i] * g[i];
      theta[i] -= (a * (m1[i] / (1 - 0.9 ** t))) / (Math.sqrt(m2[i] / (1 - 0.999 ** t)) + 1e-8);
    }
    theta[k - 1] = Math.max(theta[k - 1], Math.log(1e-4));
    onStep(t);
  }
}

/** Fits the hyperparameters by Adam (cosine-decayed) on a seeded subsample of the rows, then refines them on all rows. */
export function fitGpHyper(X: Float64Array, n: number, d: number, y: Float64Array, options: Partial<GpFitOptions> = {}): GpHyper {
  const o = { ...GP_FIT_DEFAULTS, ...options };
  const m = Math.min(n, o.subsample);
  const rows = permutation(n, makeRng(o.seed)).slice(0, m);
  const Xs = new Float64Array(m * d);
  const ys = new Float64Array(m);
  rows.forEach((r, i) => {
    Xs.set(X.subarray(r * d, (r + 1) * d), i * d);
    ys[i] = y[r];
  });
  const theta = new Float64Array(d + 2);
  // start: every length scale 2√d (on standardised inputs), unit signal, noise 0.1
  theta.fill(Math.log(2 * Math.sqrt(d)), 0, d);
  theta[d] = 0;
  theta[d + 1] = Math.log(0.1);
  const refine = m < n ? o.refine : 0;
  const total = o.steps + refine;
  adam(theta, o.steps, (t) => o.lr * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / o.steps)), () => negLogLikelihood(theta, Xs, m, d, ys).grad, (t) => o.onStep?.(t, total));
  adam(theta, refine, () => 0.03, () => negLogLikelihood(theta, X, n, d, y).grad, (t) => o.onStep?.(o.steps + t, total));
  return { lengthScales: theta.subarray(0, d).map(Math.exp), signal: Math.exp(theta[d]), noise: Math.exp(theta[d + 1]) };
}

/** The posterior mean of a GP over n rows for m target columns (already standardised). */
export class GpRegressor {
  private readonly weights: Float64Array;

  constructor(
    private readonly X: Float64Array,
    private readonly n: number,
    private readonly d: number,
    Y: Float64Array,
    private readonly m: number,
    readonly hyper: GpHyper,
  ) {
    const L = scaledDist2(X, n, X, n, d, hyper.lengthScales).map((v) => matern(v, hyper.signal));
    for (let i = 0; i < n; i++) L[i * n + i] += hyper.noise + JITTER;
    cholesky(L, n);
    this.weights = new Float64Array(Y);
    cholSolve(L, n, this.weights, m);
  }

  /** Posterior means for q rows of Xq (q×d): q×m, row-major. */
  predict(Xq: Float64Array, q: number): Float64Array {
    const { n, m } = this;
    const out = new Float64Array(q * m);
    // in chunks, so that the cross-kernel stays small
    const chunk = 256;
    for (let s = 0; s < q; s += chunk) {
      const c = Math.min(chunk, q - s);
      const Ks = scaledDist2(Xq.subarray(s * this.d, (s + c) * this.d), c, this.X, n, this.d, this.hyper.lengthScales);
      for (let i = 0; i < c; i++) {
        for (let j = 0; j < n; j++) {
          const k = matern(Ks[i * n + j], this.hyper.signal);
          for (let t = 0; t < m; t++) out[(s + i) * m + t] += k * this.weights[j * m + t];
        }
      }
    }
    return out;
  }
}
