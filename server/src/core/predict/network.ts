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

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** A layer in the form the hot loops read: float64 weights (exact copies of the float32 ones). */
interface FastLayer {
  inDim: number;
  outDim: number;
  W: Float64Array;
  b: Float64Array;
  swish: boolean;
  /** Pre-activation, output and gradient scratch. */
  pre: Float64Array;
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
    out: new Float64Array(l.outDim),
    gin: new Float64Array(l.inDim),
  };
}

function layerForward(L: FastLayer, x: Float64Array): Float64Array {
  const { inDim, outDim, W, b, pre, out } = L;
  pre.set(b);
  for (let i = 0; i < inDim; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * outDim;
    for (let j = 0; j < outDim; j++) pre[j] += xi * W[row + j];
  }
  if (L.swish) for (let j = 0; j < outDim; j++) out[j] = pre[j] * sigmoid(pre[j]);
  else out.set(pre);
  return out;
}

/** g: dValue/d(layer output), overwritten; returns dValue/d(layer input) (the layer's gin buffer). */
function layerBackward(L: FastLayer, g: Float64Array): Float64Array {
  const { inDim, outDim, W, pre, gin } = L;
  if (L.swish) {
    for (let j = 0; j < outDim; j++) {
      const s = sigmoid(pre[j]);
      g[j] *= s + pre[j] * s * (1 - s);
    }
  }
  for (let i = 0; i < inDim; i++) {
    const row = i * outDim;
    let acc = 0;
    for (let j = 0; j < outDim; j++) acc += W[row + j] * g[j];
    gin[i] = acc;
  }
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

  /** Standardised output of one metric and its gradient with respect to x (written into grad). */
  valueAndGrad(x: Float64Array, metric: number, grad: Float64Array): number {
    const head = this.headOf[metric];
    const y = this.runHead(this.runTrunk(x), head);
    const value = y[this.slotOf[metric]];
    let g = this.seeds[head];
    g.fill(0);
    g[this.slotOf[metric]] = 1;
    const hl = this.heads[head];
    for (let l = hl.length - 1; l >= 0; l--) g = layerBackward(hl[l], g);
    for (let l = this.trunk.length - 1; l >= 0; l--) g = layerBackward(this.trunk[l], g);
    grad.set(g);
    return value;
  }
}

export function countParameters(net: Network): number {
  const layers = [...net.trunk, ...net.heads.flatMap((h) => h.layers)];
  return layers.reduce((n, l) => n + l.W.length + l.b.length, 0);
}
