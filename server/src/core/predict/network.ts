// A trained ensemble member in inference form: dense layers only (batch norms are folded into
// them at export), a shared trunk and one head per group of metrics. The single-input forward
// and input-gradient below are plain typed-array loops: for one code they beat a tfjs call by
// far, and propagation calls valueAndGrad thousands of times.

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

/** Scratch buffers for one member, reused across calls (single-threaded use). */
interface Trace {
  /** Pre-activations of every layer on the path, in order. */
  pre: Float64Array[];
  /** Inputs of every layer on the path, in order. */
  inp: Float64Array[];
}

function layerForward(layer: Dense, x: Float64Array, pre: Float64Array, out: Float64Array): void {
  const { inDim, outDim, W, b } = layer;
  for (let j = 0; j < outDim; j++) pre[j] = b[j];
  for (let i = 0; i < inDim; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * outDim;
    for (let j = 0; j < outDim; j++) pre[j] += xi * W[row + j];
  }
  if (layer.act === 'swish') for (let j = 0; j < outDim; j++) out[j] = pre[j] * sigmoid(pre[j]);
  else out.set(pre.subarray(0, outDim));
}

/** Forward and backward passes of one member over plain Float64Arrays. */
export class MemberRunner {
  private readonly buffers = new Map<string, Trace>();
  private readonly headOf: number[];
  private readonly slotOf: number[];

  constructor(readonly net: Network, metricCount: number) {
    this.headOf = new Array(metricCount).fill(-1);
    this.slotOf = new Array(metricCount).fill(-1);
    net.heads.forEach((h, hi) =>
      h.metrics.forEach((m, k) => {
        this.headOf[m] = hi;
        this.slotOf[m] = k;
      }),
    );
  }

  private path(head: number): Dense[] {
    return [...this.net.trunk, ...this.net.heads[head].layers];
  }

  private trace(head: number): Trace {
    const key = String(head);
    let t = this.buffers.get(key);
    if (!t) {
      const layers = this.path(head);
      t = {
        pre: layers.map((l) => new Float64Array(l.outDim)),
        inp: [new Float64Array(layers[0].inDim), ...layers.map((l) => new Float64Array(l.outDim))],
      };
      this.buffers.set(key, t);
    }
    return t;
  }

  /** Runs the trunk and every head; writes outputs (standardised units) into out[metric]. */
  forwardAll(x: Float64Array, out: Float64Array): void {
    for (let h = 0; h < this.net.heads.length; h++) {
      const y = this.forwardHead(x, h);
      this.net.heads[h].metrics.forEach((m, k) => (out[m] = y[k]));
    }
  }

  /** Output vector of one head (the trunk is recomputed: heads are few and the trunk is small). */
  forwardHead(x: Float64Array, head: number): Float64Array {
    const layers = this.path(head);
    const t = this.trace(head);
    t.inp[0].set(x);
    for (let l = 0; l < layers.length; l++) layerForward(layers[l], t.inp[l], t.pre[l], t.inp[l + 1]);
    return t.inp[layers.length];
  }

  /** Standardised output of one metric and its gradient with respect to x (written into grad). */
  valueAndGrad(x: Float64Array, metric: number, grad: Float64Array): number {
    const head = this.headOf[metric];
    const slot = this.slotOf[metric];
    const y = this.forwardHead(x, head);
    const value = y[slot];
    const layers = this.path(head);
    const t = this.trace(head);
    // Backward: g holds dValue/d(layer output), then dValue/d(pre-activation).
    let g: Float64Array = new Float64Array(layers[layers.length - 1].outDim);
    g[slot] = 1;
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      const pre = t.pre[l];
      if (layer.act === 'swish') {
        for (let j = 0; j < layer.outDim; j++) {
          const s = sigmoid(pre[j]);
          g[j] *= s + pre[j] * s * (1 - s);
        }
      }
      const gin = l === 0 ? grad : new Float64Array(layer.inDim);
      const { W, outDim } = layer;
      for (let i = 0; i < layer.inDim; i++) {
        const row = i * outDim;
        let acc = 0;
        for (let j = 0; j < outDim; j++) acc += W[row + j] * g[j];
        gin[i] = acc;
      }
      g = gin;
    }
    return value;
  }
}

export function countParameters(net: Network): number {
  const layers = [...net.trunk, ...net.heads.flatMap((h) => h.layers)];
  return layers.reduce((n, l) => n + l.W.length + l.b.length, 0);
}
