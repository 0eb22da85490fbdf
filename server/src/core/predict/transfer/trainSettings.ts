// Training the transfer predictors of several settings from a prior (a model folder's
// predictors): each setting reads every prior setting of its input space but itself.
import type { SettingData } from '../dataset';
import type { DifferentiablePredictor } from '../types';
import { fitTransfer } from './fit';
import type { TransferPredictor } from './predictor';
import type { CandidateFamily } from './gpFit';

export interface PriorPredictor {
  setting: string;
  predictor: DifferentiablePredictor & { readonly inputDim: number };
}

export interface TransferTrained {
  predictor: TransferPredictor;
  /** The prior settings it reads. */
  sources: string[];
  seconds: number;
}

/** The prior's settings a setting of `inputDim`-number inputs can read (never itself). */
export function sourcesFor(setting: string, inputDim: number, prior: readonly PriorPredictor[]): PriorPredictor[] {
  return prior.filter((p) => p.setting !== setting && p.predictor.inputDim === inputDim);
}

export function trainTransferSettings(
  settings: readonly SettingData[],
  prior: readonly PriorPredictor[],
  opts: { seed: number; family?: CandidateFamily; onSetting?: (setting: string, index: number, count: number) => void; onTick?: () => void },
): TransferTrained[] {
  return settings.map((d, index) => {
    opts.onSetting?.(d.setting, index, settings.length);
    const t0 = Date.now();
    const inputDim = d.inputs[0]?.length ?? 0;
    const sources = sourcesFor(d.setting, inputDim, prior);
    const predictor = fitTransfer({ setting: d.setting, metrics: d.metrics, inputs: d.inputs, targets: d.targets, sources, family: opts.family, seed: opts.seed, onTick: opts.onTick });
    return { predictor, sources: sources.map((s) => s.setting), seconds: (Date.now() - t0) / 1000 };
  });
}
