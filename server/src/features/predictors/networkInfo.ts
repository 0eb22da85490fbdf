// Exact cost and predictions of one network or cell, shared by hover and inlay hints.
import type { Estimate } from '../../core/predict/types';
import { cost, costBreakdown, type Cost, type CostBreakdown } from '../../core/cost';
import { codeToString } from '../../core/space/multires';
import { cellToOneHot } from '../../core/space/nb201';
import { activeCatalogue, resolveSetting, type SettingInfo } from '../../core/settings';
import type { PredictionService } from './predictions';

export function exactCost(code: readonly number[]): Cost | undefined {
  try {
    const c = cost(code);
    return Number.isFinite(c.flops) && Number.isFinite(c.params) ? c : undefined;
  } catch {
    return undefined;
  }
}

export function breakdown(code: readonly number[]): CostBreakdown | undefined {
  try {
    return costBreakdown(code);
  } catch {
    return undefined;
  }
}

export function codeString(code: readonly number[]): string | undefined {
  try {
    return codeToString(code);
  } catch {
    return undefined;
  }
}

export interface SettingPrediction {
  setting: SettingInfo;
  metrics: readonly string[];
  estimates: Estimate[];
}

/** Predictions of every multi-resolution setting the loaded predictors cover (empty while not ready). */
export function predictAllSettings(predictions: PredictionService, code: readonly number[]): SettingPrediction[] {
  const out: SettingPrediction[] = [];
  const available = new Set(predictions.settings());
  for (const s of activeCatalogue().settings) {
    if (s.space !== 'multires' || !available.has(s.name)) continue;
    const [est] = predictions.predict(s.name, [code]);
    if (est) out.push({ setting: s, metrics: predictions.metrics(s.name), estimates: est });
  }
  return out;
}

export function predictCell(predictions: PredictionService, cell: readonly number[]): SettingPrediction | undefined {
  const s = resolveSetting('nb201');
  if (!s || !predictions.settings().includes('nb201')) return undefined;
  const [est] = predictions.predict('nb201', [Array.from(cellToOneHot(cell))]);
  return est ? { setting: s, metrics: predictions.metrics('nb201'), estimates: est } : undefined;
}

export function pm(e: Estimate, digits = 1): string {
  // A code far outside the benchmark can drive a predictor to non-finite output: say so plainly.
  if (!Number.isFinite(e.mean) || !Number.isFinite(e.std)) return 'n/a (outside what the predictor can extrapolate)';
  return `${e.mean.toFixed(digits)} ± ${e.std.toFixed(digits)}`;
}
