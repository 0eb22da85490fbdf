// Teacher labels: a Gaussian process per setting (gp.ts), fitted on the measured networks, labels
// neighbours of them (one or two code dimensions changed at random within the benchmark's range)
// for every metric, and the MLPs train on measured and labelled rows together. The GP ranks
// held-out networks better than the MLPs where targets are nearly noise-free (segmentation), but
// it keeps its training rows, so it cannot ship; the MLPs that learn from it can.
import type { RunBudget } from '../run/budget';
import { fitFeatureSpec, features } from './features';
import { GP_FIT_DEFAULTS, GpRegressor, type GpFitOptions } from './gp';
import { fitGpHypers } from './gpPool';
import { makeRng, subSeed } from '../random';
import { BENCHMARK_RANGE, CODE_KINDS, CODE_LENGTH } from '../space/multires';
import type { SettingData } from './settingData';

export interface TeacherOptions {
  /** How many labelled neighbours to add. */
  rows: number;
  /** Code dimensions changed per neighbour: 1..dims, uniformly. */
  dims: number;
  seed: number;
  fit?: Partial<Omit<GpFitOptions, 'onStep' | 'seed'>>;
  /** Gaussian processes fitted at once (worker threads; default: the cores available). */
  threads?: number;
  /** Label these codes instead of generated neighbours (`rows` and `dims` are then unused). */
  at?: readonly (readonly number[])[];
  /** Fitting progress, summed over the settings: steps done of all steps. */
  onProgress?: (p: { settings: number; step: number; steps: number }) => void;
  /** The run's budget: checked, and progress repeated, every second while the fits run in workers. */
  budget?: RunBudget;
}

/** Neighbours of the given codes: each a random code of the list with 1..dims dimensions redrawn. */
export function neighbourCodes(codes: readonly (readonly number[])[], count: number, dims: number, seed: number): number[][] {
  const rand = makeRng(subSeed(seed, 'teacher', 'neighbours'));
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const c = [...codes[Math.floor(rand() * codes.length)]];
    const changes = 1 + Math.floor(rand() * dims);
    for (let k = 0; k < changes; k++) {
      const j = Math.floor(rand() * CODE_LENGTH);
      const r = BENCHMARK_RANGE[CODE_KINDS[j]];
      c[j] = r.min + Math.floor(rand() * ((r.max - r.min) / r.step + 1)) * r.step;
    }
    out.push(c);
  }
  return out;
}

/** Row index given to labelled rows (not an architecture of the file). */
export const TEACHER_ROW = -1;

/**
 * The settings with `rows` teacher-labelled neighbours appended (same codes for every setting).
 * Settings must hold network codes on the same rows.
 */
export async function withTeacherLabels(settings: readonly SettingData[], o: TeacherOptions): Promise<SettingData[]> {
  if (settings.length === 0 || (o.at ? o.at.length === 0 : o.rows <= 0)) return [...settings];
  const codes = settings[0].inputs;
  for (const s of settings) {
    if (s.inputs.length !== codes.length || s.inputs[0]?.length !== CODE_LENGTH) {
      throw new RangeError(`teacher labels need network codes on the same rows in every setting (${s.setting})`);
    }
  }
  const n = codes.length;
  const spec = fitFeatureSpec('arch', codes);
  const d = spec.mean.length;
  const X = new Float64Array(n * d);
  codes.forEach((c, i) => X.set(features(spec, c), i * d));
  const extra = o.at ? o.at.map((c) => [...c]) : neighbourCodes(codes, o.rows, o.dims, o.seed);
  const Xa = new Float64Array(extra.length * d);
  extra.forEach((c, i) => Xa.set(features(spec, c), i * d));

  const prepared = settings.map((s) => {
    const m = s.metrics.length;
    const mean = new Array<number>(m).fill(0);
    const std = new Array<number>(m).fill(0);
    for (const t of s.targets) t.forEach((v, j) => (mean[j] += v / n));
    for (const t of s.targets) t.forEach((v, j) => (std[j] += (v - mean[j]) ** 2 / n));
    for (let j = 0; j < m; j++) std[j] = Math.sqrt(std[j]) > 1e-9 ? Math.sqrt(std[j]) : 1;
    const Y = new Float64Array(n * m);
    s.targets.forEach((t, i) => t.forEach((v, j) => (Y[i * m + j] = (v - mean[j]) / std[j])));
    return { m, mean, std, Y };
  });
  // hyperparameters from each setting's main metric; the setting's other metrics share them
  const fit = { ...GP_FIT_DEFAULTS, ...o.fit };
  const steps = fit.steps + (n > fit.subsample ? fit.refine : 0);
  const done = settings.map(() => 0);
  const report = () => o.onProgress?.({ settings: settings.length, step: done.reduce((a, b) => a + b, 0), steps: steps * settings.length });
  // one fitting step can take seconds: the main thread is idle meanwhile, so it keeps the
  // once-a-second progress and the budget's memory and time checks going
  const stop = new AbortController();
  const beat = setInterval(() => {
    try {
      o.budget?.check();
      report();
    } catch (e) {
      stop.abort(e);
    }
  }, 1000);
  const hypers = await fitGpHypers(
    prepared.map((p, k) => ({
      X, n, d,
      y: p.Y.filter((_, i) => i % p.m === 0),
      options: { ...o.fit, seed: subSeed(o.seed, 'teacher', settings[k].setting) },
    })),
    {
      threads: o.threads,
      signal: stop.signal,
      onStep: (k, step) => {
        done[k] = step;
        report();
      },
    },
  ).finally(() => clearInterval(beat));
  return settings.map((s, k) => {
    const { m, mean, std, Y } = prepared[k];
    const P = new GpRegressor(X, n, d, Y, m, hypers[k]).predict(Xa, extra.length);
    const labels = extra.map((_, i) => Array.from({ length: m }, (_, j) => P[i * m + j] * std[j] + mean[j]));
    return {
      ...s,
      rows: [...s.rows, ...extra.map(() => TEACHER_ROW)],
      inputs: [...s.inputs, ...extra],
      targets: [...s.targets, ...labels],
    };
  });
}
