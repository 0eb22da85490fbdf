// `--prior DIR|none` of `ncp search` and `ncp suggest`: the predictors the loop's surrogate
// starts from (core/search/prior.ts). Default: the shipped set; 'none': the cold loop.
import { resolve } from 'node:path';
import { CLI_NAME, UsageError, writeLine, type CliIO } from './command';
import { loadPredictorSet } from '../core/predict/store';
import { ModelFormatError } from '../core/predict/format';
import { priorFromSet } from '../core/search/prior';
import type { PriorSource } from '../core/search/types';

export const PRIOR_HELP = `  --prior DIR|none       predictors the surrogate starts from (it models what the measurements
                         add on top; a setting of your own reads a transfer model fitted on its
                         measurements): a model folder, default the shipped set; none: cold start`;

export async function priorOption(value: string | undefined, io: Pick<CliIO, 'stderr' | 'cwd'>, command: string): Promise<PriorSource | undefined> {
  if (value === 'none') return undefined;
  const dir = value === undefined ? undefined : resolve(io.cwd, value);
  try {
    const set = await loadPredictorSet(dir);
    return priorFromSet(set, dir ?? `shipped ${set.version}`);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    if (value !== undefined) throw new UsageError(`--prior: ${e.message}`);
    writeLine(io.stderr, `${CLI_NAME} ${command}: the shipped predictors cannot be read (${e.message}); starting cold`);
    return undefined;
  }
}
