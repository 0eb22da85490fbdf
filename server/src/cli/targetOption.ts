// --input HxW, --head cls|seg and --classes N: the size and head a network is counted (flops,
// propagate, search, suggest) or built (export, latency) at. One parser, so they read alike.
import { UsageError } from './command';
import type { CostOptions } from '../core/cost';
import { EXPORT_LIMITS } from '../core/export/target';

export const TARGET_OPTIONS = {
  input: { type: 'string' },
  head: { type: 'string' },
  classes: { type: 'string' },
} as const;

export const targetHelp = `  --input HxW       input height×width (default 128x128; e.g. 512x1024; one number: square)
  --head cls|seg    cls: pooled classifier at the lowest resolution (default);
                    seg: per-pixel classifier at the highest resolution
  --classes N       output classes (default 50 for cls, 19 for seg)`;

/** "512x1024", "512×1024", "512,1024" or "512" (square). */
export function parseInputSize(text: string, flag = '--input'): [number, number] {
  const m = /^\s*(\d+)\s*(?:[x×X*,]\s*(\d+))?\s*$/.exec(text);
  if (!m) throw new UsageError(`${flag}: expected HxW (e.g. 512x1024) or one number, got '${text}'`);
  const h = Number(m[1]);
  const w = m[2] === undefined ? h : Number(m[2]);
  if (h < 1 || w < 1) throw new UsageError(`${flag}: height and width must be positive, got '${text}'`);
  if (h > EXPORT_LIMITS.side || w > EXPORT_LIMITS.side) {
    throw new UsageError(`${flag}: height and width are at most ${EXPORT_LIMITS.side}, got '${text}'`);
  }
  return [h, w];
}

/** The options as CostOptions (absent flags stay absent: the benchmark's 128×128 classifier). */
export function targetOption(values: { input?: string; head?: string; classes?: string }): CostOptions {
  const opts: CostOptions = {};
  if (values.input !== undefined) opts.input = parseInputSize(values.input);
  if (values.head !== undefined) {
    if (values.head !== 'cls' && values.head !== 'seg') throw new UsageError(`--head: expected cls or seg, got '${values.head}'`);
    opts.head = values.head;
  }
  if (values.classes !== undefined) {
    if (!/^\d+$/.test(values.classes) || Number(values.classes) < 1 || Number(values.classes) > EXPORT_LIMITS.classes) {
      throw new UsageError(`--classes: expected an integer from 1 to ${EXPORT_LIMITS.classes}, got '${values.classes}'`);
    }
    opts.classes = Number(values.classes);
  }
  return opts;
}

/** True when the options name a size, head or classes other than the default. */
export function hasTarget(opts: CostOptions): boolean {
  return opts.input !== undefined || opts.head !== undefined || opts.classes !== undefined;
}

/** "3×512×1024 input, segmentation head, 19 classes" (the default named too). */
export function describeCostTarget(opts: CostOptions): string {
  const [h, w] = opts.input ?? [128, 128];
  const head = opts.head ?? 'cls';
  return `3×${h}×${w} input, ${head === 'seg' ? 'segmentation' : 'classification'} head, ${opts.classes ?? (head === 'seg' ? 19 : 50)} classes`;
}
