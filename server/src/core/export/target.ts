// What an export is for: the input size, the head and the classes a network is built and counted
// at, and the checks every export format makes before it writes anything (a valid code, within
// the limits of what can be built), with the exact integer cost at that target.
import { cost, type CostOptions } from '../cost';
import { codeToString, validateCode } from '../space/multires';

export type Head = 'cls' | 'seg';

export interface ExportTarget {
  /** Input [height, width]. */
  input: [number, number];
  head: Head;
  classes: number;
}

/** Limits of what an export builds: beyond them the file (ONNX: 4 bytes a parameter) or the module would not fit. */
export const EXPORT_LIMITS = {
  /** Parameters of an exported network (an ONNX file holds them as float32; protobuf stops at 2 GB). */
  params: 250_000_000,
  /** Residual units plus fusion modules of one network (layers written one by one). */
  modules: 4_096,
  /** Input height or width in pixels. */
  side: 16_384,
  /** Output classes. */
  classes: 100_000,
} as const;

export class ExportError extends Error {}

/** The defaults of `ncprop flops`: 128×128 with the 50-class classifier, 19 classes for 'seg'. */
export function resolveTarget(opts: CostOptions | undefined): ExportTarget {
  const head = opts?.head ?? 'cls';
  const input = opts?.input ?? [128, 128];
  const classes = opts?.classes ?? (head === 'seg' ? 19 : 50);
  for (const [v, what] of [[input[0], 'input height'], [input[1], 'input width']] as const) {
    if (!Number.isInteger(v) || v < 1 || v > EXPORT_LIMITS.side) throw new ExportError(`${what} must be an integer from 1 to ${EXPORT_LIMITS.side}, got ${v}`);
  }
  if (!Number.isInteger(classes) || classes < 1 || classes > EXPORT_LIMITS.classes) {
    throw new ExportError(`classes must be an integer from 1 to ${EXPORT_LIMITS.classes}, got ${classes}`);
  }
  return { input: [input[0], input[1]], head, classes };
}

export function targetCostOptions(t: ExportTarget): CostOptions {
  return { input: t.input, head: t.head, classes: t.classes };
}

/** Exact integer cost: multiply-accumulates (the benchmark's FLOPs) and parameters. */
export interface ExactCost {
  macs: number;
  params: number;
}

/**
 * cost.ts sums integer products (exact in doubles far beyond any network here) and scales them by
 * 1e-9 / 1e-6; rounding the rescaled figure recovers the integer.
 */
export function exactCost(code: readonly number[], t: ExportTarget): ExactCost {
  const c = cost(code, targetCostOptions(t));
  return { macs: Math.round(c.flops * 1e9), params: Math.round(c.params * 1e6) };
}

/** Throws ExportError when the code is not a network, or too large to build (see EXPORT_LIMITS). */
export function checkExportable(code: readonly number[], t: ExportTarget): ExactCost {
  const errors = validateCode(code).filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new ExportError(`not a network: ${errors.map((e) => e.message).join('; ')}`);
  let modules = 0;
  for (let k = 1, o = 2; k <= 4; o += 1 + 2 * k, k++) {
    const blocks = code[o];
    let units = 0;
    for (let i = 0; i < k; i++) units += code[o + 1 + i];
    modules += blocks * (1 + units);
  }
  if (!(modules <= EXPORT_LIMITS.modules)) {
    throw new ExportError(`${codeToString(code)} has ${modules} fusion modules and residual units; an export writes at most ${EXPORT_LIMITS.modules}`);
  }
  const exact = exactCost(code, t);
  if (!(exact.params <= EXPORT_LIMITS.params)) {
    throw new ExportError(`${codeToString(code)} has ${exact.params} parameters; an export holds at most ${EXPORT_LIMITS.params}`);
  }
  return exact;
}

/** "3×512×1024 input, segmentation head, 19 classes". */
export function describeTarget(t: ExportTarget): string {
  return `3×${t.input[0]}×${t.input[1]} input, ${t.head === 'seg' ? 'segmentation' : 'classification'} head, ${t.classes} classes`;
}
