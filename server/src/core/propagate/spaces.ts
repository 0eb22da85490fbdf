// The two search spaces seen by the strategies: how a discrete point is relaxed, fed to the
// predictors, rounded back, perturbed, and which single-position moves it has.
import {
  BENCHMARK_RANGE,
  CODE_KINDS,
  CODE_LAYOUT,
  CODE_LENGTH,
  snapToRange,
  validateCode,
} from '../space/multires';
import { NB201_EDGES, NB201_EDGE_COUNT, NB201_OPS, NB201_OP_COUNT, cellToOneHot, oneHotToCell, validateCell } from '../space/nb201';
import { PropagationError, type Move } from './types';

/** A one-position change of a discrete point. */
export interface Candidate {
  index: number;
  to: number[];
  /** Predicted change of the objective to first order, from the gradient on the predictor input. */
  linearGain: number;
}

export interface SearchSpace {
  readonly kind: 'multires' | 'nb201';
  /** Length of the relaxed state. */
  readonly dim: number;
  /** Throws a PropagationError naming the position when the start is not a point of the space. */
  check(start: readonly number[]): void;
  /** The nearest point inside the benchmark's range. */
  snap(start: readonly number[]): number[];
  /** Predictor input of a discrete point. */
  input(point: readonly number[]): Float64Array;
  /** Relaxed state of a discrete point. */
  relax(point: readonly number[]): Float64Array;
  /** Predictor input of a relaxed state. */
  relaxedInput(z: Float64Array): Float64Array;
  /** Gradient with respect to the relaxed state from a gradient on the predictor input. */
  chain(z: Float64Array, gInput: ArrayLike<number>): Float64Array;
  /** Keeps the relaxed state in its domain (in place). */
  clip(z: Float64Array): void;
  round(z: Float64Array): number[];
  /** What the trace shows of a relaxed state. */
  view(z: Float64Array): number[];
  /** Every single-position move (one valid step / one op switch), scored by the gradient. */
  candidates(point: readonly number[], gInput: ArrayLike<number>): Candidate[];
  describe(from: readonly number[], index: number, to: readonly number[]): Move;
  perturb(point: readonly number[], rand: () => number): number[];
  /** Moves that shrink a point (for budget repair): one step down per position. */
  shrinkMoves(point: readonly number[]): Candidate[];
  /** The cheapest point of the space (used to tell an impossible budget). */
  smallest(): number[];
}

// Per-position range, read once: the inner loops run thousands of times per propagation.
const MIN = Float64Array.from(CODE_KINDS, (k) => BENCHMARK_RANGE[k].min);
const MAX = Float64Array.from(CODE_KINDS, (k) => BENCHMARK_RANGE[k].max);
const STEP = Float64Array.from(CODE_KINDS, (k) => BENCHMARK_RANGE[k].step);
const SPAN = Float64Array.from(CODE_KINDS, (k) => BENCHMARK_RANGE[k].max - BENCHMARK_RANGE[k].min);

/** Nearest valid value of position i (same as snapToRange, without the lookups). */
function snap(i: number, v: number): number {
  const s = MIN[i] + Math.round((v - MIN[i]) / STEP[i]) * STEP[i];
  return s < MIN[i] ? MIN[i] : s > MAX[i] ? MAX[i] : s;
}

export const multiresSpace: SearchSpace = {
  kind: 'multires',
  dim: CODE_LENGTH,
  check(start) {
    const errors = validateCode(start).filter((e) => e.severity === 'error');
    if (errors.length > 0) throw new PropagationError(`start network: ${errors[0].message}`);
  },
  snap(start) {
    return start.map((v, i) => snapToRange(CODE_KINDS[i], v));
  },
  input(point) {
    return Float64Array.from(point);
  },
  relax(point) {
    const z = new Float64Array(CODE_LENGTH);
    for (let i = 0; i < CODE_LENGTH; i++) z[i] = (point[i] - MIN[i]) / SPAN[i];
    return z;
  },
  relaxedInput(z) {
    const x = new Float64Array(CODE_LENGTH);
    for (let i = 0; i < CODE_LENGTH; i++) x[i] = MIN[i] + z[i] * SPAN[i];
    return x;
  },
  chain(_z, g) {
    const out = new Float64Array(CODE_LENGTH);
    for (let i = 0; i < CODE_LENGTH; i++) out[i] = g[i] * SPAN[i];
    return out;
  },
  clip(z) {
    for (let i = 0; i < z.length; i++) z[i] = Math.min(1, Math.max(0, z[i]));
  },
  round(z) {
    const out: number[] = new Array(CODE_LENGTH);
    for (let i = 0; i < CODE_LENGTH; i++) out[i] = snap(i, MIN[i] + z[i] * SPAN[i]);
    return out;
  },
  view(z) {
    return Array.from(this.relaxedInput(z));
  },
  candidates(point, g) {
    const out: Candidate[] = [];
    for (let i = 0; i < CODE_LENGTH; i++) {
      for (let sign = 1; sign >= -1; sign -= 2) {
        const v = point[i] + sign * STEP[i];
        if (v < MIN[i] || v > MAX[i]) continue;
        const to = point.slice();
        to[i] = v;
        out.push({ index: i, to, linearGain: g[i] * STEP[i] * sign });
      }
    }
    return out;
  },
  describe(from, index, to) {
    return { index, name: CODE_LAYOUT[index], from: from[index], to: to[index] };
  },
  perturb(point, rand) {
    // Up to ~15% of each position's range either way: far enough to reach another basin,
    // near enough that the result stays a relative of the user's network.
    return point.map((v, i) => {
      const r = BENCHMARK_RANGE[CODE_KINDS[i]];
      const reach = Math.max(1, Math.round((0.15 * (r.max - r.min)) / r.step));
      const k = Math.floor(rand() * (2 * reach + 1)) - reach;
      return Math.min(r.max, Math.max(r.min, v + k * r.step));
    });
  },
  shrinkMoves(point) {
    const out: Candidate[] = [];
    for (let i = 0; i < CODE_LENGTH; i++) {
      if (point[i] - STEP[i] < MIN[i]) continue;
      const to = point.slice();
      to[i] = point[i] - STEP[i];
      out.push({ index: i, to, linearGain: 0 });
    }
    return out;
  },
  smallest() {
    return Array.from(MIN);
  },
};

/** Logit of the chosen op when a cell is relaxed: its softmax weight starts near 0.83. */
const INIT_LOGIT = 3;
/** Logits are kept within ±LOGIT_BOUND so the softmax never saturates (gradients vanish there). */
const LOGIT_BOUND = 6;
const E = NB201_EDGE_COUNT;
const O = NB201_OP_COUNT;

export const nb201Space: SearchSpace = {
  kind: 'nb201',
  dim: E * O,
  check(start) {
    const errors = validateCell(start);
    if (errors.length > 0) throw new PropagationError(`start cell: ${errors[0]}`);
  },
  snap(start) {
    return start.slice();
  },
  input(point) {
    return cellToOneHot(point);
  },
  relax(point) {
    const z = new Float64Array(E * O);
    point.forEach((op, e) => {
      z[e * O + op] = INIT_LOGIT;
    });
    return z;
  },
  relaxedInput(z) {
    const x = new Float64Array(E * O);
    for (let e = 0; e < E; e++) {
      let m = -Infinity;
      for (let o = 0; o < O; o++) m = Math.max(m, z[e * O + o]);
      let s = 0;
      for (let o = 0; o < O; o++) s += x[e * O + o] = Math.exp(z[e * O + o] - m);
      for (let o = 0; o < O; o++) x[e * O + o] /= s;
    }
    return x;
  },
  chain(z, g) {
    // Softmax Jacobian per edge: dL/dz_k = p_k (g_k − Σ_j p_j g_j).
    const p = this.relaxedInput(z);
    const out = new Float64Array(E * O);
    for (let e = 0; e < E; e++) {
      let dot = 0;
      for (let o = 0; o < O; o++) dot += p[e * O + o] * g[e * O + o];
      for (let o = 0; o < O; o++) out[e * O + o] = p[e * O + o] * (g[e * O + o] - dot);
    }
    return out;
  },
  clip(z) {
    for (let e = 0; e < E; e++) {
      let m = 0;
      for (let o = 0; o < O; o++) m += z[e * O + o];
      m /= O;
      // Softmax ignores a common shift: centre each edge, then bound.
      for (let o = 0; o < O; o++) z[e * O + o] = Math.min(LOGIT_BOUND, Math.max(-LOGIT_BOUND, z[e * O + o] - m));
    }
  },
  round(z) {
    return oneHotToCell(z);
  },
  view(z) {
    return Array.from(this.relaxedInput(z));
  },
  candidates(point, g) {
    const out: Candidate[] = [];
    for (let e = 0; e < E; e++) {
      for (let o = 0; o < O; o++) {
        if (o === point[e]) continue;
        const to = point.slice();
        to[e] = o;
        out.push({ index: e, to, linearGain: g[e * O + o] - g[e * O + point[e]] });
      }
    }
    return out;
  },
  describe(from, index, to) {
    return { index, name: `edge ${NB201_EDGES[index]}`, from: NB201_OPS[from[index]], to: NB201_OPS[to[index]] };
  },
  perturb(point, rand) {
    // Re-draw each edge with probability 1/2 (about three edges change).
    return point.map((op) => (rand() < 0.5 ? Math.floor(rand() * O) : op));
  },
  shrinkMoves() {
    return [];
  },
  smallest() {
    return new Array<number>(E).fill(1);
  },
};

export function spaceOf(kind: 'multires' | 'nb201'): SearchSpace {
  return kind === 'multires' ? multiresSpace : nb201Space;
}
