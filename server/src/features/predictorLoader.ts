// Adapter between the server and the predictor package: loads the trained predictor set with the
// chosen backend. Kept in one place so the server's lazy loading does not depend on its layout.
import type { PredictorSet } from '../core/predict/types';

export async function loadPredictors(backend: string): Promise<{ set: PredictorSet; backend: string }> {
  void backend;
  throw new Error('no trained predictors are available in this build');
}
