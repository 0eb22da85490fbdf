// Adapter between the server and the predictor package: loads the trained predictor set with the
// chosen backend. The package (and tfjs with it) is imported only here, on first use, so the
// server starts and serves diagnostics without paying for it.
import type { PredictorSet } from '../../core/predict/types';
import type { BackendChoice } from '../../core/predict/backend';
import { catalogueFromModels, setActiveCatalogue } from '../../core/settings';

/**
 * Makes the settings of the model folder (its manifest: settings trained from any data, with their
 * tasks and metrics) the ones the language knows. Cheap (one small JSON file, no tfjs), so it runs
 * before the first document is analysed; the shipped set's settings are the known ones.
 */
export function useModelsCatalogue(dir?: string): void {
  const folder = dir ?? (process.env.NCP_MODELS_DIR || undefined);
  setActiveCatalogue(folder ? catalogueFromModels(folder) : undefined);
}

/**
 * Loads the predictor set from `dir` (default: NCP_MODELS_DIR, else the shipped models). Throws
 * the package's error (naming the file and the problem) when the set is missing or corrupt.
 */
export async function loadPredictors(backend: string, dir?: string): Promise<{ set: PredictorSet; backend: string }> {
  const { loadPredictorSet } = await import('../../core/predict/store');
  const set = await loadPredictorSet(dir ?? (process.env.NCP_MODELS_DIR || undefined), { backend: backend as BackendChoice });
  return { set, backend: set.backend };
}
