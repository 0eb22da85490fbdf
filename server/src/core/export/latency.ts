// Inference latency of an exported network on this machine: ONNX Runtime (onnxruntime-node, its
// CPU execution provider) on a batch of one at the export's input size; the median and spread of
// timed runs after warm-up runs. onnxruntime-node is a native addon, loaded only when measuring.
import { ONNX_INPUT, ONNX_OUTPUT } from './onnx';

export interface LatencyOptions {
  /** Intra-op threads of ONNX Runtime (default 1: the figure does not depend on the machine's load spread). */
  threads?: number;
  /** Timed runs (after the warm-up). */
  runs?: number;
  /** Untimed runs first (default 3). */
  warmup?: number;
  /** Called after each run (warm-up included) with runs done and runs in all; return true to stop. */
  onRun?: (done: number, total: number) => boolean | void;
}

export const LATENCY_LIMITS = { threads: 256, runs: 10_000, warmup: 1_000 } as const;

export interface Latency {
  /** Median of the timed runs, ms. */
  ms: number;
  /** First and third quartiles, ms. */
  q1: number;
  q3: number;
  min: number;
  max: number;
  /** (q3 − q1) / median: the run-to-run spread. */
  spread: number;
  runs: number;
  warmup: number;
  threads: number;
  /** Shape of the output of the last run. */
  outputShape: number[];
}

export class LatencyError extends Error {}

type Ort = typeof import('onnxruntime-node');

let ortModule: Ort | undefined;

/** onnxruntime-node, or a LatencyError saying it is missing. */
export async function loadOrt(): Promise<Ort> {
  if (ortModule) return ortModule;
  try {
    ortModule = (await import('onnxruntime-node')) as Ort;
    return ortModule;
  } catch (e) {
    throw new LatencyError(`onnxruntime-node could not be loaded (${(e as Error).message.split('\n')[0]}); it is a dependency of ncprop: run npm ci`);
  }
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median, quartiles and spread of times (ms). */
export function summarize(times: number[]): Pick<Latency, 'ms' | 'q1' | 'q3' | 'min' | 'max' | 'spread'> {
  if (times.length === 0) throw new LatencyError('no timed runs');
  const s = [...times].sort((a, b) => a - b);
  const ms = quantile(s, 0.5);
  const q1 = quantile(s, 0.25);
  const q3 = quantile(s, 0.75);
  return { ms, q1, q3, min: s[0], max: s[s.length - 1], spread: ms > 0 ? (q3 - q1) / ms : 0 };
}

/** Times an ONNX model (as onnx.ts writes it: input 'image', output 'logits') on a zero-free input of 1×3×H×W. */
export async function measureLatency(model: Uint8Array, input: [number, number], opts: LatencyOptions = {}): Promise<Latency> {
  const threads = opts.threads ?? 1;
  const runs = opts.runs ?? 20;
  const warmup = opts.warmup ?? 3;
  for (const [name, v, min] of [['threads', threads, 1], ['runs', runs, 1], ['warmup', warmup, 0]] as const) {
    if (!Number.isInteger(v) || v < min || v > LATENCY_LIMITS[name]) throw new LatencyError(`${name} must be an integer from ${min} to ${LATENCY_LIMITS[name]}, got ${v}`);
  }
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  });
  try {
    const [h, w] = input;
    const data = new Float32Array(3 * h * w);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
    const feeds = { [ONNX_INPUT]: new ort.Tensor('float32', data, [1, 3, h, w]) };
    const times: number[] = [];
    let outputShape: number[] = [];
    const total = warmup + runs;
    for (let i = 0; i < total; i++) {
      const t0 = performance.now();
      const out = await session.run(feeds);
      const dt = performance.now() - t0;
      const y = out[ONNX_OUTPUT];
      outputShape = [...y.dims];
      y.dispose();
      if (i >= warmup) times.push(dt);
      if (opts.onRun?.(i + 1, total) === true) break;
    }
    return { ...summarize(times), runs: times.length, warmup, threads, outputShape };
  } finally {
    await session.release();
  }
}
