// The prior of the editor's searches (Suggest next networks, Run search): the loaded predictors,
// as `ncprop suggest` and `ncprop search` use by default (core/search/prior.ts).
import { priorFromSet, type PriorSource } from '../../core/search/prior';
import type { PredictorSet } from '../../core/predict/types';
import type { FeatureContext } from '../documents/context';
import type { ServerServices } from '../protocol';

/** The loaded predictor set as the loop's prior (core/search/prior.ts), or undefined (cold) when it does not load. */
export async function editorPrior(services: ServerServices, ctx: FeatureContext): Promise<PriorSource | undefined> {
  try {
    const set = await services.predictions.predictorSet(ctx.settings.predictor.backend);
    if (!isLoadedSet(set)) return undefined;
    return priorFromSet(set);
  } catch (e) {
    services.log(`search: the predictors could not be loaded, starting cold: ${(e as Error).message}`);
    return undefined;
  }
}

function isLoadedSet(set: PredictorSet): set is PredictorSet & Parameters<typeof priorFromSet>[0] {
  return typeof (set as { ensemble?: unknown }).ensemble === 'function';
}
