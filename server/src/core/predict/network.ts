// A trained ensemble member in inference form: dense layers only (batch norms are folded into
// them at export), a shared trunk and one head per group of metrics. The single-input forward
// and input-gradient below are plain typed-array loops: for one code they beat a tfjs call by
// far (see bench/predict.ts), and propagation calls valueAndGrad thousands of times.

export type Activation = 'swish' | 'linear';

export interface Dense {
  inDim: number;
  outDim: number;
  /** Row-major [inDim][outDim]: y[j] = b[j] + Σ_i x[i]·W[i·outDim + j]. */
  W: Float32Array;
  b: Float32Array;
  act: Activation;
}

export interface Head {
  /** Indices into the predictor's metrics that this head's outputs hold, in order. */
  metrics: number[];
  layers: Dense[];
}

export interface Network {
  trunk: Dense[];
  heads: Head[];
}

/** A layer in the form the hot loops read: float64 weights (exact copies of the float32 ones). */
interface FastLayer {
  inDim: number;
  outDim: number;
  W: Float64Array;
  b: Float64Array;
  swish: boolean;
  /** Pre-activation, sigmoid of it (kept for the backward pass), output and gradient scratch. */
  pre: Float64Array;
  sig: Float64Array;
  out: Float64Array;
  gin: Float64Array;
}

function fast(l: Dense): FastLayer {
  return {
    inDim: l.inDim,
    outDim: l.outDim,
    W: Float64Array.from(l.W),
    b: Float64Array.from(l.b),
    swish: l.act === 'swish',
    pre: new Float64Array(l.outDim),
    sig: new Float64Array(l.outDim),
    out: new Float64Array(l.outDim),
    gin: new Float64Array(l.inDim),
  };
}

// The loops below compute eight outputs (or eight input gradients) at once, each in its own
// accumulator: eight independent dependency chains keep the CPU busy, and each sum still runs in
// the same order as the plain loop (b[j] + Σ_i in order; Σ_j in order), so results are unchanged.

function layerForward(L: FastLayer, x: Float64Array): Float64Array {
  const { inDim, outDim, W, b, pre, sig, out } = L;
  let j = 0;
  for (; j + 7 < outDim; j += 8) {
    let a0 = b[j];
    let a1 = b[j + 1];
    let a2 = b[j + 2];
    let a3 = b[j + 3];
    let a4 = b[j + 4];
    let a5 = b[j + 5];
    let a6 = b[j + 6];
    let a7 = b[j + 7];
    for (let i = 0, row = j; i < inDim; i++, row += outDim) {
      const xi = x[i];
      a0 += xi * W[row];
      a1 += xi * W[row + 1];
      a2 += xi * W[row + 2];
      a3 += xi * W[row + 3];
      a4 += xi * W[row + 4];
      a5 += xi * W[row + 5];
      a6 += xi * W[row + 6];
      a7 += xi * W[row + 7];
    }
    pre[j] = a0;
    pre[j + 1] = a1;
    pre[j + 2] = a2;
    pre[j + 3] = a3;
    pre[j + 4] = a4;
    pre[j + 5] = a5;
    pre[j + 6] = a6;
    pre[j + 7] = a7;
  }
  for (; j < outDim; j++) {
    let a = b[j];
    for (let i = 0, row = j; i < inDim; i++, row += outDim) a += x[i] * W[row];
    pre[j] = a;
  }
  if (L.swish) {
    for (let k = 0; k < outDim; k++) {
      const p = pre[k];
      const s = 1 / (1 + Math.exp(-p));
      sig[k] = s;
      out[k] = p * s;
    }
  } else out.set(pre);
  return out;
}

/** g: dValue/d(layer output), overwritten; returns dValue/d(layer input) (the layer's gin buffer). */
function layerBackward(L: FastLayer, g: Float64Array): Float64Array {
  const { inDim, outDim, W, pre, sig, gin } = L;
  if (L.swish) {
    for (let j = 0; j < outDim; j++) {
      const s = sig[j];
      g[j] *= s + pre[j] * s * (1 - s);
    }
  }
  let i = 0;
  for (; i + 7 < inDim; i += 8) {
    const r = i * outDim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let j = 0, k = r; j < outDim; j++, k++) {
      const gj = g[j];
      a0 += W[k] * gj;
      a1 += W[k + outDim] * gj;
      a2 += W[k + 2 * outDim] * gj;
      a3 += W[k + 3 * outDim] * gj;
      a4 += W[k + 4 * outDim] * gj;
      a5 += W[k + 5 * outDim] * gj;
      a6 += W[k + 6 * outDim] * gj;
      a7 += W[k + 7 * outDim] * gj;
    }
    gin[i] = a0;
    gin[i + 1] = a1;
    gin[i + 2] = a2;
    gin[i + 3] = a3;
    gin[i + 4] = a4;
    gin[i + 5] = a5;
    gin[i + 6] = a6;
    gin[i + 7] = a7;
  }
  for (; i < inDim; i++) {
    const row = i * outDim;
    let acc = 0;
    for (let j = 0; j < outDim; j++) acc += W[row + j] * g[j];
    gin[i] = acc;
  }
  return gin;
}

/** Backward through a linear output layer seeded with the unit vector at `slot`: a column of W. */
function seedBackward(L: FastLayer, slot: number): Float64Array {
  const { inDim, outDim, W, gin } = L;
  for (let i = 0, k = slot; i < inDim; i++, k += outDim) gin[i] = W[k];
  return gin;
}

/** Forward and backward passes of one member over plain Float64Arrays (single-threaded use). */
export class MemberRunner {
  private readonly trunk: FastLayer[];
  private readonly heads: FastLayer[][];
  private readonly headOf: number[];
  private readonly slotOf: number[];
  private readonly seeds: Float64Array[];

  constructor(readonly net: Network, metricCount: number) {
    this.trunk = net.trunk.map(fast);
    this.heads = net.heads.map((h) => h.layers.map(fast));
    this.headOf = new Array(metricCount).fill(-1);
    this.slotOf = new Array(metricCount).fill(-1);
    net.heads.forEach((h, hi) =>
      h.metrics.forEach((m, k) => {
        this.headOf[m] = hi;
        this.slotOf[m] = k;
      }),
    );
    this.seeds = this.heads.map((h) => new Float64Array(h[h.length - 1].outDim));
  }

  private runTrunk(x: Float64Array): Float64Array {
    let h = x;
    for (const L of this.trunk) h = layerForward(L, h);
    return h;
  }

  private runHead(t: Float64Array, head: number): Float64Array {
    let h = t;
    for (const L of this.heads[head]) h = layerForward(L, h);
    return h;
  }

  /** Runs the trunk once and every head; writes outputs (standardised units) into out[metric]. */
  forwardAll(x: Float64Array, out: Float64Array): void {
    const t = this.runTrunk(x);
    for (let h = 0; h < this.heads.length; h++) {
      const y = this.runHead(t, h);
      const ms = this.net.heads[h].metrics;
      for (let k = 0; k < ms.length; k++) out[ms[k]] = y[k];
    }
  }

  /** Standardised output of one metric: the trunk and that metric's head only. */
  forwardMetric(x: Float64Array, metric: number): number {
    return this.runHead(this.runTrunk(x), this.headOf[metric])[this.slotOf[metric]];
  }

  /** Standardised output of one metric and its gradient with respect to x (written into grad). */
  valueAndGrad(x: Float64Array, metric: number, grad: Float64Array): number {
    const value = this.forwardMetric(x, metric);
    this.backwardMetric(metric, grad);
    return value;
  }

  /**
   * Gradient of one metric's output with respect to the input, written into grad, from the
   * activations of the last forward pass, which must have been forwardMetric(x, metric) (or
   * forwardAll(x, …)) on this runner.
   */
  backwardMetric(metric: number, grad: Float64Array): void {
    const head = this.headOf[metric];
    const slot = this.slotOf[metric];
    const hl = this.heads[head];
    const last = hl[hl.length - 1];
    let g: Float64Array;
    let l = hl.length - 1;
    if (!last.swish) {
      // The seed is a unit vector: its backward through a linear layer is one column of W.
      g = seedBackward(last, slot);
      l--;
    } else {
      g = this.seeds[head];
      g.fill(0);
      g[slot] = 1;
    }
    for (; l >= 0; l--) g = layerBackward(hl[l], g);
    for (let t = this.trunk.length - 1; t >= 0; t--) g = layerBackward(this.trunk[t], g);
    grad.set(g);
  }
}

export function countParameters(net: Network): number {
  const layers = [...net.trunk, ...net.heads.flatMap((h) => h.layers)];
  return layers.reduce((n, l) => n + l.W.length + l.b.length, 0);
}
