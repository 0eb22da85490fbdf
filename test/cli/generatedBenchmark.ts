// A small generated benchmark in our JSON form, for tests of settings that come from the data
// (e.g. the authors' 3D-detection setting, whose file is not public). Values are a smooth
// function of the code plus seeded noise: nothing here is benchmark data.
import { writeFileSync } from 'node:fs';
import { cost } from '../../server/src/core/cost';
import { CODE_KINDS, BENCHMARK_RANGE, validateCode } from '../../server/src/core/space/multires';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedSetting {
  name: string;
  task?: string;
  label?: string;
  metrics: string[];
}

/** `archs` random valid codes with each setting's metrics; `declare: false` leaves the settings section out of the info. */
export function generatedBenchmark(settings: GeneratedSetting[], archs = 160, seed = 7): { settings: Record<string, unknown>; archs: Record<string, unknown>[] } {
  const r = rng(seed);
  const out: Record<string, unknown>[] = [];
  while (out.length < archs) {
    const code = CODE_KINDS.map((k) => {
      const { min, max, step } = BENCHMARK_RANGE[k];
      return min + step * Math.floor(r() * ((max - min) / step + 1));
    });
    if (validateCode(code).some((i) => i.severity === 'error')) continue;
    const c = cost(code);
    // smooth in the code: more compute helps, with diminishing returns
    const base = 40 + 12 * Math.tanh(c.flops / 2) + 0.02 * code[code.length - 1];
    const row: Record<string, unknown> = { code, flops: c.flops, params: c.params };
    for (const s of settings) row[s.name] = s.metrics.map((_, m) => Math.round((base - 6 * m + 1.5 * (r() - 0.5)) * 100) / 100);
    out.push(row);
  }
  const declared: Record<string, unknown> = {};
  for (const s of settings) declared[s.name] = { ...(s.task ? { task: s.task } : {}), ...(s.label ? { label: s.label } : {}), metrics: s.metrics };
  return { settings: declared, archs: out };
}

export function writeGeneratedBenchmark(path: string, settings: GeneratedSetting[], archs = 160, seed = 7): void {
  writeFileSync(path, JSON.stringify({ name: 'generated test benchmark', ...generatedBenchmark(settings, archs, seed) }));
}

/** The authors' 3D-detection setting's shape: KITTI, metrics moderate (main), easy, hard. */
export const DET3D: GeneratedSetting = { name: '3ddet', task: 'detection', label: 'KITTI 3D detection (generated values)', metrics: ['moderate', 'easy', 'hard'] };
