// Measuring by look-up in a benchmark (for evaluating the search). NAS-Bench-201 holds every
// cell. NAS-Bench-MR holds 2,006 networks of a far larger space: a proposal it lacks is replaced
// by the nearest unmeasured benchmark network within the budget, and the measurement says so.
import type { MrBenchmark, Nb201Benchmark } from '../benchmark';
import { BENCHMARK_RANGE, CODE_KINDS, codeToString } from '../space/multires';
import { NB201_SIZE, cellToIndex, cellToString } from '../space/nb201';
import { pointKey } from './loop';
import type { Measurement, MeasureContext, Measurer } from './types';

export class Nb201BenchmarkMeasurer implements Measurer {
  /** Accuracy by cell index. */
  readonly acc: Float64Array;

  constructor(bench: Nb201Benchmark) {
    this.acc = new Float64Array(NB201_SIZE).fill(NaN);
    for (const a of bench.archs) this.acc[cellToIndex(a.ops)] = a.acc;
  }

  async measure(point: readonly number[]): Promise<Measurement> {
    const v = this.acc[cellToIndex(point)];
    if (!Number.isFinite(v)) return { space: 'nb201', point: point.slice(), ok: false, error: `cell ${cellToString(point)} is not in the benchmark`, seconds: 0 };
    return { space: 'nb201', point: point.slice(), metrics: { nb201: { acc: v } }, ok: true, seconds: 0 };
  }
}

const SPAN = CODE_KINDS.map((k) => BENCHMARK_RANGE[k].max - BENCHMARK_RANGE[k].min);

/** Squared distance of two codes with every position on [0, 1]. */
export function codeDistance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const t = (a[i] - b[i]) / SPAN[i];
    s += t * t;
  }
  return s;
}

export class MrBenchmarkMeasurer implements Measurer {
  private readonly byKey = new Map<string, number>();
  /** Networks that have every setting the objective needs. */
  readonly usable: number[] = [];

  constructor(
    readonly bench: MrBenchmark,
    /** Settings the objective reads: networks lacking one are never proposed as replacements. */
    settings: readonly string[],
  ) {
    bench.archs.forEach((a, i) => {
      if (!this.byKey.has(pointKey(a.code))) this.byKey.set(pointKey(a.code), i);
      if (settings.every((s) => a.results[s] !== undefined)) this.usable.push(i);
    });
  }

  metricsOf(i: number): Record<string, Record<string, number>> {
    const a = this.bench.archs[i];
    const out: Record<string, Record<string, number>> = {};
    for (const [s, vals] of Object.entries(a.results)) {
      const names = this.bench.settings[s]?.metrics ?? [];
      out[s] = Object.fromEntries(names.map((n, k) => [n, vals[k]]).filter(([, v]) => typeof v === 'number'));
    }
    return out;
  }

  /** The nearest usable, unmeasured benchmark network within the budget (ties: lower index). */
  nearest(point: readonly number[], ctx: MeasureContext): number | undefined {
    let best: number | undefined;
    let bd = Infinity;
    for (const i of this.usable) {
      const code = this.bench.archs[i].code;
      if (ctx.measured.has(pointKey(code))) continue;
      const d = codeDistance(point, code);
      if (d < bd && ctx.feasible(code)) {
        bd = d;
        best = i;
      }
    }
    return best;
  }

  async measure(point: readonly number[], ctx: MeasureContext): Promise<Measurement> {
    const hit = this.byKey.get(pointKey(point));
    if (hit !== undefined && this.usable.includes(hit)) {
      return { space: 'multires', point: point.slice(), metrics: this.metricsOf(hit), ok: true, seconds: 0 };
    }
    const i = this.nearest(point, ctx);
    if (i === undefined) {
      return { space: 'multires', point: point.slice(), ok: false, error: 'not in the benchmark, and no unmeasured benchmark network within the budget is left', seconds: 0 };
    }
    const code = this.bench.archs[i].code.slice();
    return {
      space: 'multires',
      point: code,
      proposed: point.slice(),
      metrics: this.metricsOf(i),
      ok: true,
      seconds: 0,
      note: `${codeToString(point)} is not in the benchmark: measured the nearest unmeasured one within the budget, ${codeToString(code)}`,
    };
  }
}
