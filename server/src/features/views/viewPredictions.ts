// Predictions and exact cost of codes for the views (explorer overlays, compare rows): every
// setting of a list, each metric as mean ± spread; null where no predictor covers a setting.
import { cellToOneHot } from '../../core/space/nb201';
import type { ServerServices } from '../protocol';
import type { FeatureContext } from '../documents/context';
import type { Prediction, Space } from './viewData';

/** Waits for the predictors (loading them if needed); a note instead when they cannot load. */
export async function loadPredictors(services: ServerServices, ctx: FeatureContext, notes: string[]): Promise<void> {
  try {
    await services.predictions.predictorSet(ctx.settings.predictor.backend);
  } catch (e) {
    notes.push(`predictions are not shown: the predictors could not be loaded (${(e as Error).message})`);
  }
}

/** Predictions of many codes for each setting (one batch per setting). */
export function predictCodes(services: ServerServices, space: Space, settings: readonly string[], codes: readonly (readonly number[])[]): (Prediction | null)[][] {
  const out = codes.map(() => settings.map((): Prediction | null => null));
  const inputs = codes.map((c) => (space === 'nb201' ? Array.from(cellToOneHot(c)) : c.slice()));
  settings.forEach((s, k) => {
    const space0 = s === 'nb201' ? 'nb201' : 'multires';
    if (space0 !== space || !services.predictions.settings().includes(s)) return;
    const est = services.predictions.predict(s, inputs);
    est.forEach((e, i) => {
      // Non-finite output (a code far outside the benchmark) is shown as no prediction.
      if (e && e.every((m) => Number.isFinite(m.mean) && Number.isFinite(m.std))) out[i][k] = e.map((m) => ({ mean: m.mean, std: m.std }));
    });
  });
  return out;
}

export function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
