// The predictor package: training, the ensemble predictor, saving/loading and the backend.
export type { DifferentiablePredictor, Estimate, PredictorSet } from './types';
export { EnsemblePredictor } from './ensemble';
export { trainPredictor, trainEnsemble, AUTHORS_RECIPE, NCP_RECIPE, type TrainConfig, type TrainOptions, type TrainProgress } from './train';
export { loadPredictorSet, savePredictorSet, defaultModelsDir, LoadedPredictorSet } from './store';
export { ModelFormatError, parsePredictor, serializePredictor } from './format';
export { initBackend, backendInUse, type BackendChoice } from './backend';
export { kendallTau, spearmanRho, meanAbsoluteError, coverage } from './metrics';
