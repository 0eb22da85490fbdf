// Predictions of the settings of one's own a document's measurements files hold (their transfer
// models, transferModels.ts), for hovers, inlay hints and propagations, and the line that says
// how far their spread can be trusted.
import type { DifferentiablePredictor } from '../../core/predict/types';
import type { SettingInfo, SettingSpace } from '../../core/settings';
import { cellToOneHot } from '../../core/space/nb201';
import { MIN_CALIBRATION_ROWS } from '../../core/predict/transfer';
import type { FeatureContext } from './context';
import { documentCatalogue } from './analysisCache';
import type { SettingPrediction } from '../predictors/networkInfo';
import type { TransferStatus } from '../predictors/documentPredictorsProtocol';
import { escapeMarkdown } from './util';

export interface OwnModel {
  info: SettingInfo;
  status: TransferStatus;
}

/** The settings of one's own of the document (in its files' order) with their models' status. */
export function ownModels(ctx: Pick<FeatureContext, 'uri' | 'analysis' | 'own'>): OwnModel[] {
  const cat = documentCatalogue(ctx.analysis);
  if (!ctx.own || !cat) return [];
  const out: OwnModel[] = [];
  for (const status of ctx.own.status(ctx.uri)) {
    const info = cat.resolve(status.setting);
    if (info && info.name === status.setting && !out.some((o) => o.info.name === info.name)) out.push({ info, status });
  }
  return out;
}

/** The transfer model a propagation of the document reads for a setting of one's own, if ready. */
export function ownPredictor(ctx: Pick<FeatureContext, 'uri' | 'analysis' | 'own'>, setting: string): DifferentiablePredictor | undefined {
  const m = ownModels(ctx).find((o) => o.info.name === setting);
  return m && ctx.own ? ctx.own.transfer.predictor(m.status.path, setting) : undefined;
}

/** Why a setting of one's own among `settings` has no model to propagate on yet, or undefined. */
export function ownModelProblem(ctx: Pick<FeatureContext, 'uri' | 'analysis' | 'own'>, settings: readonly string[]): string | undefined {
  for (const { info, status } of ownModels(ctx)) {
    if (!settings.includes(info.name) || ownPredictor(ctx, info.name)) continue;
    if (status.state === 'fitting') return `the transfer model of ${info.name} is still being fitted on ${status.rows} rows of ${status.file}: run again in a moment`;
    return `no transfer model of ${info.name}: ${status.message ?? status.state}`;
  }
  return undefined;
}

/**
 * Predictions of every setting of one's own of a space for one network code or cell (only those
 * with a model); a cell's input is its one-hot, as the predictors read it.
 */
export function predictOwn(ctx: FeatureContext, point: readonly number[], space: SettingSpace = 'multires'): (SettingPrediction & { status: TransferStatus })[] {
  const out: (SettingPrediction & { status: TransferStatus })[] = [];
  const input = space === 'nb201' ? Array.from(cellToOneHot(point)) : point;
  for (const { info, status } of ownModels(ctx)) {
    if (info.space !== space) continue;
    const [est] = ctx.own!.transfer.predict(status.path, info.name, [input]);
    if (est) out.push({ setting: info, metrics: info.metrics, estimates: est, status });
  }
  return out;
}

/** One line on a setting of one's own's model: rows, file, sources, how its spread is calibrated. */
export function ownModelLine(s: TransferStatus): string {
  const file = `\`${s.file.replace(/`/g, "'")}\``;
  switch (s.state) {
    case 'too-few':
      return `_${escapeMarkdown(s.setting)}: ${escapeMarkdown(s.message ?? 'too few rows')} (${file})_`;
    case 'failed':
      return `_${escapeMarkdown(s.setting)}: the transfer model could not be fitted: ${escapeMarkdown(s.message ?? 'unknown error')}_`;
    case 'fitting':
      return `_${s.setting}: fitting the transfer model on ${s.rows} rows of ${file}…_`;
    case 'ready': {
      const c = s.calibration?.[0];
      const spread =
        !c || !c.calibrated || s.rows < MIN_CALIBRATION_ROWS
          ? `the spread is **uncalibrated** (fewer than ${MIN_CALIBRATION_ROWS} rows to check it on)`
          : `spread calibrated on the rows (leave-one-out: ±1 covers ${Math.round(c.coverage1 * 100)}%, ±2 ${Math.round(c.coverage2 * 100)}%)`;
      return `${s.setting}: transfer model on ${s.rows} rows of ${file}${s.sources && s.sources.length > 0 ? ` from ${s.sources.join(', ')}` : ''}; ${spread}`;
    }
  }
}
