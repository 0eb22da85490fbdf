// Cost-aware acquisition for the asynchronous loop: expected improvement per unit of cost,
// EI(x) / cost(x)^α (Snoek et al. 2012, "EI per second"), with α cooled from α₀ to 0 over the
// first share of the query budget (Lee et al. 2020, "cost-cooling"). Early on, networks that
// promise as much for less training are measured first, so results arrive sooner and the workers
// are not all held by the largest networks; once α reaches 0 the loop is the plain UCB loop. The
// cost is known exactly before training: the network's FLOPs (training time grows with them).
// The climb compares values, so the acquisition is followed as log EI − α·log cost (the same
// order, and no underflow far from the incumbent).
import type { DifferentiablePredictor, Estimate } from '../predict/types';
import { NB201_MFLOPS, NB201_OP_COUNT } from '../space/nb201';
import type { Budgeting } from './loop';
import type { GpEnsemble } from './surrogate';
import type { CostAwareOptions, SpaceKind } from './types';

/**
 * α₀ and the share of the query budget over which α cools to 0. Off by default: on
 * bench/parallel.ts (NAS-Bench-201, where accuracy rises with FLOPs) the cheap networks it starts
 * first are poor, and it was behind the plain loop at every checkpoint (docs/search.md).
 */
export const COST_AWARE_DEFAULTS = { alpha: 0, share: 0.3 };
export const COST_AWARE_LIMITS = { alpha: 4 };

export type { CostAwareOptions };

/** α after `started` of `queries` networks were started (measured or running). */
export function coolAlpha(o: CostAwareOptions, started: number, queries: number): number {
  if (!(o.alpha > 0) || !(o.share > 0)) return 0;
  const left = 1 - started / (o.share * queries);
  return left > 0 ? o.alpha * left : 0;
}

/** A network's cost on the predictor input, and its gradient there. */
export interface InputCost {
  value(x: ArrayLike<number>): number;
  grad(x: ArrayLike<number>): Float64Array;
}

/**
 * The cost of a space's networks: NAS-Bench-201 cells' MFLOPs (linear in the one-hot input, so
 * the gradient is exact); multi-resolution codes' FLOPs at the budget's input size and head (the
 * input is the code; the gradient is left at 0: the climb's moves are still checked on values).
 */
export function spaceCost(space: SpaceKind, b: Budgeting): InputCost {
  if (space === 'nb201') {
    const O = NB201_OP_COUNT;
    const w = new Float64Array(6 * O);
    for (let e = 0; e < 6; e++) {
      w[e * O + 3] = NB201_MFLOPS.conv1x1;
      w[e * O + 4] = NB201_MFLOPS.conv3x3;
    }
    return {
      value(x) {
        let c = NB201_MFLOPS.base;
        for (let j = 0; j < w.length; j++) c += w[j] * x[j];
        return c;
      },
      grad: () => w,
    };
  }
  return {
    value: (x) => b.costModel.cost(Array.from(x)).flops,
    grad: (x) => new Float64Array(x.length),
  };
}

/** erfc with a relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc): the tail of Φ stays accurate. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const normCdf = (z: number) => 0.5 * erfc(-z / Math.SQRT2);
const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** log EI of a Gaussian over `best`, and d log EI / d mean, d log EI / d std. */
export function logExpectedImprovement(mean: number, std: number, best: number): { value: number; dMean: number; dStd: number } {
  const s = Math.max(std, 1e-12);
  const z = (mean - best) / s;
  // EI = s·τ(z), τ(z) = φ(z) + zΦ(z); dτ/dz = Φ(z). Far below the incumbent, where φ + zΦ
  // cancels, τ ≈ φ(z)/z² (1 − 3/z² + 15/z⁴).
  let logTau: number;
  let r: number; // d log τ / dz = Φ(z)/τ(z)
  if (z < -10) {
    const z2 = z * z;
    logTau = -0.5 * z2 - 0.5 * Math.log(2 * Math.PI) - Math.log(z2) + Math.log(1 - 3 / z2 + 15 / (z2 * z2));
    r = -z - 2 / z;
  } else {
    const cdf = normCdf(z);
    const tau = Math.max(phi(z) + z * cdf, 1e-300);
    logTau = Math.log(tau);
    r = cdf / tau;
  }
  // log EI = log s + log τ(z); ∂/∂mean = r/s; ∂/∂std = 1/s − r·z/s
  return { value: Math.log(s) + logTau, dMean: r / s, dStd: 1 / s - (r * z) / s };
}

/** An acquisition value with its gradient made only when asked (what propagation's lazy contract wants). */
interface LazyValue {
  mean: number;
  std: number;
  grad: () => Float64Array;
}

/** ∂/∂x of wMean·mean + wStd·std − wCost·cost, from the model's and the cost's gradients. */
function gradientOf(g: { dMean: ArrayLike<number>; dStd: ArrayLike<number> }, wMean: number, wStd: number, dCost: ArrayLike<number>, wCost: number): Float64Array {
  const out = new Float64Array(g.dMean.length);
  for (let j = 0; j < out.length; j++) out[j] = wMean * g.dMean[j] + wStd * g.dStd[j] - wCost * dCost[j];
  return out;
}

/**
 * An acquisition function as a predictor that propagation can climb: each point's value once
 * (cached by input), its gradient only for the moves a climb takes.
 */
abstract class LazyAcquisition implements DifferentiablePredictor {
  readonly metrics = ['acquisition'] as const;
  private readonly cache = new Map<string, { mean: number; std: number; grad?: Float64Array; lazy: () => Float64Array }>();

  constructor(readonly setting: string) {}

  /** The value at x, and how to make its gradient. */
  protected abstract evaluate(x: Float64Array): LazyValue;

  predictMetricLazy(input: ArrayLike<number>, _metric: number): Estimate & { grad(): Float64Array } {
    const key = Array.prototype.join.call(input, ',');
    let entry = this.cache.get(key);
    if (!entry) {
      const v = this.evaluate(Float64Array.from(input));
      entry = { mean: v.mean, std: v.std, lazy: v.grad };
      this.cache.set(key, entry);
    }
    const e = entry;
    return { mean: e.mean, std: e.std, grad: () => (e.grad ??= e.lazy()) };
  }

  predict(input: ArrayLike<number>): Estimate[] {
    const e = this.predictMetricLazy(input, 0);
    return [{ mean: e.mean, std: e.std }];
  }

  predictBatch(inputs: readonly ArrayLike<number>[]): Estimate[][] {
    return inputs.map((x) => this.predict(x));
  }

  valueAndGrad(input: ArrayLike<number>): { mean: number; std: number; grad: Float64Array } {
    const e = this.predictMetricLazy(input, 0);
    return { mean: e.mean, std: e.std, grad: e.grad() };
  }
}

/**
 * log EI − α·log cost of the GP ensemble, as a predictor that propagation can climb (with the
 * engine's lazy gradients: a climb pays the backward solves only for the moves it takes).
 */
export class CostAwareAcquisition extends LazyAcquisition {
  constructor(
    setting: string,
    private readonly model: GpEnsemble,
    /** The incumbent: the best measured value. */
    private readonly best: number,
    private readonly alpha: number,
    private readonly cost: InputCost,
  ) {
    super(setting);
  }

  protected evaluate(x: Float64Array): LazyValue {
    const p = this.model.lazySpread(x);
    const ei = logExpectedImprovement(p.mean, p.std, this.best);
    const c = Math.max(this.cost.value(x), 1e-12);
    return {
      mean: ei.value - this.alpha * Math.log(c),
      std: p.std,
      grad: () => gradientOf(p.grads(), ei.dMean, ei.dStd, this.cost.grad(x), this.alpha / c),
    };
  }
}

/**
 * UCB less a price on cost above a reference: μ + κσ − α·s·max(0, ln(cost/ref)), with s the
 * spread of the measured values and ref a random network's cost (the initial design's mean).
 * Networks cheaper than a random one are not rewarded (on NAS-Bench-201 the cheapest cells are
 * the worst); dearer ones pay in proportion to how many times dearer they are.
 */
export class CostPricedUcb extends LazyAcquisition {
  constructor(
    setting: string,
    private readonly model: GpEnsemble,
    private readonly kappa: number,
    /** α·s: the price of each e-fold of cost above the reference, in the objective's units. */
    private readonly price: number,
    private readonly ref: number,
    private readonly cost: InputCost,
  ) {
    super(setting);
  }

  protected evaluate(x: Float64Array): LazyValue {
    const p = this.model.lazySpread(x);
    const c = Math.max(this.cost.value(x), 1e-12);
    const over = c > this.ref;
    return {
      mean: p.mean + this.kappa * p.std - (over ? this.price * Math.log(c / this.ref) : 0),
      std: p.std,
      grad: () => gradientOf(p.grads(), 1, this.kappa, this.cost.grad(x), over ? this.price / c : 0),
    };
  }
}
