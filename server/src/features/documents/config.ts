// The `ncp.*` settings the server reads (package.json contributes.configuration mirrors them).
// Read through workspace/configuration when the client supports it, else the defaults below.
import { LIMITS } from '../../core/limits';
import { DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_SECONDS } from '../../core/run/budget';

export type PredictorBackendChoice = 'auto' | 'wasm' | 'cpu' | 'tensorflow';
export type StrategyName = 'winner-takes-all' | 'continuous';

export interface NcpSettings {
  hints: { enabled: boolean; settings: string[] };
  predictor: { backend: PredictorBackendChoice };
  benchmark: { path: string };
  propagation: { defaultBudget: number | null; lambda: number; strategy: StrategyName; steps: number };
  /** Budget of every propagation run: MB above the memory in use at its start, and seconds. */
  run: { maxMemoryMB: number; maxSeconds: number };
}

export const DEFAULT_SETTINGS: NcpSettings = {
  hints: { enabled: true, settings: ['seg', 'cls-50-1000'] },
  predictor: { backend: 'auto' },
  benchmark: { path: '' },
  propagation: { defaultBudget: null, lambda: 0.5, strategy: 'winner-takes-all', steps: 70 },
  run: { maxMemoryMB: DEFAULT_MAX_MEMORY_MB, maxSeconds: DEFAULT_MAX_SECONDS },
};

const BACKENDS: readonly PredictorBackendChoice[] = ['auto', 'wasm', 'cpu', 'tensorflow'];
const STRATEGIES: readonly StrategyName[] = ['winner-takes-all', 'continuous'];

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Turns whatever the client sent (possibly partial, possibly wrong types) into complete settings:
 * every field falls back to its default on its own, so one bad value never hides the others.
 */
export function normalizeSettings(raw: unknown): NcpSettings {
  const d = DEFAULT_SETTINGS;
  const r = rec(raw);
  const hints = rec(r.hints);
  const predictor = rec(r.predictor);
  const benchmark = rec(r.benchmark);
  const prop = rec(r.propagation);
  const run = rec(r.run);
  const num = (v: unknown, fallback: number, ok: (n: number) => boolean): number =>
    typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : fallback;
  const hintSettings = Array.isArray(hints.settings) ? hints.settings.filter((s): s is string => typeof s === 'string') : d.hints.settings;
  const budget = prop.defaultBudget;
  return {
    hints: {
      enabled: typeof hints.enabled === 'boolean' ? hints.enabled : d.hints.enabled,
      settings: Array.isArray(hints.settings) ? hintSettings : [...d.hints.settings],
    },
    predictor: {
      backend: BACKENDS.includes(predictor.backend as PredictorBackendChoice) ? (predictor.backend as PredictorBackendChoice) : d.predictor.backend,
    },
    benchmark: { path: typeof benchmark.path === 'string' ? benchmark.path : d.benchmark.path },
    propagation: {
      defaultBudget: typeof budget === 'number' && Number.isFinite(budget) && budget > 0 ? budget : null,
      lambda: num(prop.lambda, d.propagation.lambda, (n) => n >= 0),
      strategy: STRATEGIES.includes(prop.strategy as StrategyName) ? (prop.strategy as StrategyName) : d.propagation.strategy,
      steps: Math.round(num(prop.steps, d.propagation.steps, (n) => n >= 1 && n <= LIMITS.steps)),
    },
    run: {
      maxMemoryMB: num(run.maxMemoryMB, d.run.maxMemoryMB, (n) => n > 0),
      maxSeconds: num(run.maxSeconds, d.run.maxSeconds, (n) => n > 0),
    },
  };
}
