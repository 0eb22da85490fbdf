// Exact FLOPs and parameters of a multi-resolution network code, computed analytically from the
// authors' supernet (dingmyu/NCP models/supernet.py, MultiResolutionNet) without building it.
//
// Counting rule (reproduces NAS-Bench-MR's `flops`/`params` for all 2,006 archs to 1e-9):
//   conv:  Cin·Cout·k²·Hout·Wout multiply-accumulates, + Cout·Hout·Wout when it has a bias;
//          params Cin·Cout·k² (+ Cout bias)
//   BN:    2 FLOPs per output element, 2 params per channel (weight + bias)
//   activations, bilinear resizing, upsampling and pooling are not counted.
// Network (per models/supernet.py, only_fuse_neighbor=True, directly_downsample=True):
//   stem     ConvBNReLU 3→c1 (3×3, s2), c1→c2 (3×3, s2); branch i then runs at 1/2^(i+2) of the input
//   block    fusion: for each output branch i and neighbour input j∈{i−1,i,i+1}:
//              j>i: 1×1 ConvBN at branch j's resolution, then upsampling (free)
//              j=i: 3×3 ConvBN (always, even when channels match: FuseModule skips it only for its use_hr_format
//                   argument, which MultiResolutionNet never passes)
//              j<i: 3×3 ConvBN with stride 2 from branch j
//            when the stage adds a branch, its first block also builds the new branch from the
//            last one by a 3×3 stride-2 ConvBN (output channels of the previous branch → new)
//            parallel: units[i] BasicBlocks per branch (two 3×3 ConvBN; never a projection, since
//            ParallelModule builds BasicBlock(c, c) — every channel change happens in the fusion)
//   head     every branch resized to the lowest (cls) / highest (seg) resolution, concatenated,
//            1×1 ConvBNReLU to `head` channels, [global average pool,] 1×1 classifier with bias.
//
// A stage with b blocks costs  first(prev, ch) + (b−1)·repeat(ch) + b·Σ units_i·unit(ch_i):
// the first block's fusion reads the previous stage's channels, later ones the stage's own.
// Spatial sizes depend on the input size only, so the cost is a polynomial in the 27 code values
// (degree ≤ 2 in each). The relaxed, real-valued code therefore needs no rounding anywhere: the
// one discrete choice a reader might expect ("projection only when channels differ") never arises
// in this network, and blocks/units act as real multipliers. The gradient is that polynomial's
// exact derivative. Real blocks b interpolate linearly between integer counts; the first block
// (which adapts the previous stage's channels) is always there, so b → 0 does not remove a stage.

import { CODE_LENGTH, STAGE_COUNT, stageOffset } from './space/multires';

export interface CostOptions {
  /** Input [height, width]; default [128, 128] (the benchmark's classification input). */
  input?: [number, number];
  /** 'cls': global-average-pooled classifier (default); 'seg': per-pixel classifier at the highest resolution. */
  head?: 'cls' | 'seg';
  /** Output classes; default 50 for 'cls' (the benchmark), 19 for 'seg' (Cityscapes). */
  classes?: number;
}

export interface Cost {
  /** G multiply-accumulates (the benchmark's "FLOPs"). */
  flops: number;
  /** M parameters. */
  params: number;
}

export interface CostBreakdown {
  stem: Cost;
  stages: [Cost, Cost, Cost, Cost];
  head: Cost;
  total: Cost;
}

/** Spatial layout derived from the options (cached: it does not depend on the code). */
interface Layout {
  key: string;
  /** Output area of the first stem conv. */
  stem1: number;
  /** Area of branch i (the second stem conv outputs at branch 0's). */
  area: Float64Array;
  /** Area where the head's 1×1 transform runs. */
  headArea: number;
  /** Area where the classifier runs (1 after global pooling). */
  clsArea: number;
  classes: number;
}

/** Output size of a conv: floor((n + 2p − k)/s) + 1, with the supernet's padding (k−1)/2. */
function convOut(n: number, k: number, s: number): number {
  const p = (k - 1) >> 1;
  return Math.floor((n + 2 * p - k) / s) + 1;
}

function makeLayout(opts: CostOptions | undefined): Layout {
  const [h0, w0] = opts?.input ?? [128, 128];
  const head = opts?.head ?? 'cls';
  for (const [v, what] of [[h0, 'height'], [w0, 'width']] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`input ${what} must be a positive integer, got ${v}`);
  }
  if (head !== 'cls' && head !== 'seg') throw new RangeError(`head must be 'cls' or 'seg', got '${String(head)}'`);
  const classes = opts?.classes ?? (head === 'seg' ? 19 : 50);
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`classes must be a positive integer, got ${classes}`);
  let h = convOut(h0, 3, 2);
  let w = convOut(w0, 3, 2);
  const stem1 = h * w;
  h = convOut(h, 3, 2);
  w = convOut(w, 3, 2);
  const area = new Float64Array(STAGE_COUNT);
  for (let i = 0; i < STAGE_COUNT; i++) {
    area[i] = h * w;
    h = convOut(h, 3, 2);
    w = convOut(w, 3, 2);
  }
  const seg = head === 'seg';
  return {
    key: `${h0}x${w0}:${head}:${classes}`,
    stem1,
    area,
    headArea: seg ? area[0] : area[STAGE_COUNT - 1],
    clsArea: seg ? area[0] : 1,
    classes,
  };
}

const defaultLayout = makeLayout(undefined);
let lastLayout = defaultLayout;

function layoutFor(opts: CostOptions | undefined): Layout {
  if (opts === undefined || (opts.input === undefined && opts.head === undefined && opts.classes === undefined)) {
    return defaultLayout;
  }
  const key = `${opts.input?.[0] ?? 128}x${opts.input?.[1] ?? 128}:${opts.head ?? 'cls'}:${opts.classes ?? (opts.head === 'seg' ? 19 : 50)}`;
  if (key !== lastLayout.key) lastLayout = makeLayout(opts);
  return lastLayout;
}

// ---- evaluator state (module-level scratch: the hot path allocates nothing) ----
const PARTS = 6; // stem, stage1..4, head
const partF = new Float64Array(PARTS);
const partP = new Float64Array(PARTS);
// gradF[part * CODE_LENGTH + i] when per-part gradients are asked for (the predictors read per-part
// costs and need their gradients); otherwise every part adds into the first CODE_LENGTH entries
const gradF = new Float64Array(PARTS * CODE_LENGTH);
const gradP = new Float64Array(PARTS * CODE_LENGTH);
let wantGrad = false;
let perPart = false;
let part = 0;
/** Where the current part's gradient starts: part × CODE_LENGTH when per-part gradients are wanted, else 0 (all parts add into one). */
let g0 = 0;

function enterPart(q: number): void {
  part = q;
  g0 = perPart ? q * CODE_LENGTH : 0;
}
let area = defaultLayout.area;

/**
 * Adds m·(k2·cin·cout + e·cout) params and area× that FLOPs to the current part, where cin/cout are
 * code positions (iIn = −1: the constant input channels `cin`). Returns the unmultiplied params
 * term, so a caller whose multiplier is itself a code value can credit its gradient.
 * e = 2 for a BN after the conv, 1 for a bias.
 */
function term(m: number, a: number, k2: number, e: number, iIn: number, cin: number, iOut: number, cout: number): number {
  const x = k2 * cin * cout + e * cout;
  partP[part] += m * x;
  partF[part] += m * a * x;
  if (wantGrad) {
    if (iIn >= 0) {
      gradP[g0 + iIn] += m * k2 * cout;
      gradF[g0 + iIn] += m * a * k2 * cout;
    }
    gradP[g0 + iOut] += m * (k2 * cin + e);
    gradF[g0 + iOut] += m * a * (k2 * cin + e);
  }
  return x;
}

/** Unmultiplied params and FLOPs of the last fusion() call (the blocks multiplier's derivative). */
let fusionP = 0;
let fusionF = 0;

/**
 * Fusion module of stage k (1-based) with multiplier m: inputs are `inB` branches whose channels
 * sit at code positions inPos.. (stem: one branch at position 1); outputs the stage's k branches
 * at outPos.. .
 */
function fusion(code: ArrayLike<number>, m: number, k: number, inB: number, inPos: number, outPos: number): void {
  let sp = 0;
  let sf = 0;
  for (let i = 0; i < inB; i++) {
    const iOut = outPos + i;
    const cout = code[iOut];
    const lo = i > 0 ? i - 1 : 0;
    const hi = i + 1 < inB ? i + 1 : inB - 1;
    for (let j = lo; j <= hi; j++) {
      const iIn = inPos + j;
      // j>i: 1×1 at the lower resolution j, then upsampling; j=i: 3×3; j<i: 3×3 stride 2 (output at i)
      const a = j > i ? area[j] : area[i];
      const x = term(m, a, j > i ? 1 : 9, 2, iIn, code[iIn], iOut, cout);
      sp += x;
      sf += a * x;
    }
  }
  if (k > inB) {
    // the new branch, from the last (already fused) one: 3×3 stride 2
    const iIn = outPos + inB - 1;
    const iOut = outPos + inB;
    const a = area[inB];
    const x = term(m, a, 9, 2, iIn, code[iIn], iOut, code[iOut]);
    sp += x;
    sf += a * x;
  }
  fusionP = sp;
  fusionF = sf;
}

function evaluate(code: ArrayLike<number>, layout: Layout, grad: boolean, gradPerPart = false): void {
  if (code.length !== CODE_LENGTH) throw new RangeError(`a network code has ${CODE_LENGTH} numbers, got ${code.length}`);
  partF.fill(0);
  partP.fill(0);
  wantGrad = grad;
  perPart = gradPerPart;
  if (grad) {
    // costGradient (propagation's hot path) sums every part into slice 0: 4 µs a code instead of 10
    const n = perPart ? PARTS * CODE_LENGTH : CODE_LENGTH;
    gradF.fill(0, 0, n);
    gradP.fill(0, 0, n);
  }
  area = layout.area;

  // stem
  enterPart(0);
  term(1, layout.stem1, 9, 2, -1, 3, 0, code[0]);
  term(1, area[0], 9, 2, 0, code[0], 1, code[1]);

  let prevPos = 1; // channels of the previous stage's branches (the stem's c2 for stage 1)
  let prevB = 1;
  for (let k = 1; k <= STAGE_COUNT; k++) {
    enterPart(k);
    const o = stageOffset(k);
    const bPos = o;
    const uPos = o + 1;
    const cPos = o + 1 + k;
    const b = code[bPos];

    // first block's fusion reads the previous stage's branches
    fusion(code, 1, k, prevB, prevPos, cPos);

    // later blocks: (b − 1) repeats of the same-stage fusion
    fusion(code, b - 1, k, k, cPos, cPos);
    if (grad) {
      gradP[g0 + bPos] += fusionP;
      gradF[g0 + bPos] += fusionF;
    }

    // parallel module: b · units_i BasicBlocks of two 3×3 ConvBN on branch i
    for (let i = 0; i < k; i++) {
      const u = code[uPos + i];
      const iC = cPos + i;
      const c = code[iC];
      const m = 2 * b * u;
      const x = term(m, area[i], 9, 2, iC, c, iC, c);
      if (grad) {
        gradP[g0 + bPos] += 2 * u * x;
        gradF[g0 + bPos] += 2 * u * area[i] * x;
        gradP[g0 + uPos + i] += 2 * b * x;
        gradF[g0 + uPos + i] += 2 * b * area[i] * x;
      }
    }
    prevPos = cPos;
    prevB = k;
  }

  // head: concat of the last stage's branches → 1×1 ConvBN → classifier (bias, no BN)
  enterPart(5);
  let cat = 0;
  for (let i = 0; i < prevB; i++) cat += code[prevPos + i];
  const iH = CODE_LENGTH - 1;
  const h = code[iH];
  term(1, layout.headArea, 1, 2, -1, cat, iH, h);
  if (grad) {
    for (let i = 0; i < prevB; i++) {
      gradP[g0 + prevPos + i] += h;
      gradF[g0 + prevPos + i] += layout.headArea * h;
    }
  }
  // classifier: cin = head channels (a code value), cout = classes (constant)
  const n = layout.classes;
  partP[part] += h * n + n;
  partF[part] += layout.clsArea * (h * n + n);
  if (grad) {
    gradP[g0 + iH] += n;
    gradF[g0 + iH] += layout.clsArea * n;
  }
}

const G = 1e-9;
const M = 1e-6;

/** Cost of part q after evaluate(). */
function partCost(q: number): Cost {
  return { flops: partF[q] * G, params: partP[q] * M };
}

/** The whole network's cost after evaluate(). */
function totalCost(): Cost {
  let f = 0;
  let p = 0;
  for (let i = 0; i < PARTS; i++) {
    f += partF[i];
    p += partP[i];
  }
  return { flops: f * G, params: p * M };
}

/**
 * Scaled gradient in slice q of grad (or, without q, the sum of every slice) after
 * evaluate(code, …, true): with per-part gradients slice q is part q; without, slice 0 holds them all.
 */
function gradientOf(grad: Float64Array, scale: number, q?: number): Float64Array {
  const out = new Float64Array(CODE_LENGTH);
  for (let r = q ?? 0; r <= (q ?? PARTS - 1); r++) {
    for (let i = 0; i < CODE_LENGTH; i++) out[i] += grad[r * CODE_LENGTH + i] * scale;
  }
  return out;
}

/** FLOPs (G MACs) and params (M) of a code; accepts real-valued (relaxed) codes. */
export function cost(code: ArrayLike<number>, opts?: CostOptions): Cost {
  evaluate(code, layoutFor(opts), false);
  return totalCost();
}

/** The same cost split into stem, the four stages (fusion + parallel modules) and the head. */
export function costBreakdown(code: ArrayLike<number>, opts?: CostOptions): CostBreakdown {
  evaluate(code, layoutFor(opts), false);
  return { stem: partCost(0), stages: [partCost(1), partCost(2), partCost(3), partCost(4)], head: partCost(5), total: totalCost() };
}

/**
 * The parts' FLOPs (G) and params (M) written into flops[0..5] / params[0..5] (stem, stages 1–4,
 * head) and the totals into [6], as costBreakdown computes them, without allocating per part:
 * the predictors' feature path runs it for every code of a batch.
 */
export function costPartsInto(code: ArrayLike<number>, flops: Float64Array, params: Float64Array, opts?: CostOptions): void {
  evaluate(code, layoutFor(opts), false);
  for (let i = 0; i < PARTS; i++) {
    flops[i] = partF[i] * G;
    params[i] = partP[i] * M;
  }
  const t = totalCost();
  flops[PARTS] = t.flops;
  params[PARTS] = t.params;
}

/** Cost and its exact gradient with respect to each of the 27 (real-valued) code positions. */
export function costGradient(code: ArrayLike<number>, opts?: CostOptions): { cost: Cost; dFlops: Float64Array; dParams: Float64Array } {
  evaluate(code, layoutFor(opts), true);
  return { cost: totalCost(), dFlops: gradientOf(gradF, G, 0), dParams: gradientOf(gradP, M, 0) };
}

/** The per-part costs of costBreakdown and the exact gradient of each part's cost. */
export interface PartsGradient {
  /** Parts in order stem, stage 1–4, head; then the total. */
  parts: Cost[];
  /** dFlops[q][i]: derivative of part q's FLOPs (q = 6: the total) with respect to code position i. */
  dFlops: Float64Array[];
  dParams: Float64Array[];
}

/** Cost of each part (stem, stages, head, total) and its exact gradient on a (real-valued) code. */
export function costPartsGradient(code: ArrayLike<number>, opts?: CostOptions): PartsGradient {
  evaluate(code, layoutFor(opts), true, true);
  const qs = Array.from({ length: PARTS }, (_, q) => q);
  return {
    parts: [...qs.map(partCost), totalCost()],
    dFlops: [...qs.map((q) => gradientOf(gradF, G, q)), gradientOf(gradF, G)],
    dParams: [...qs.map((q) => gradientOf(gradP, M, q)), gradientOf(gradP, M)],
  };
}
