// Transfer predictors: a setting of the user's own predicted from a few of their measurements
// and the predictors of other settings (the source).
export { fitTransfer, buildFeatureMap, MIN_TRANSFER_ROWS, GRID_ROWS, MODEL_ROWS, type TransferFitOptions } from './fit';
export { TransferPredictor, type TransferModel, type MetricModel } from './predictor';
export { serializeTransfer, parseTransfer, isTransferText, TRANSFER_FORMAT } from './format';
export { MIN_CALIBRATION_ROWS, type Calibration, type CandidateFamily, type KernelHyper } from './gpFit';
export { trainTransferSettings, sourcesFor, type PriorPredictor, type TransferTrained } from './trainSettings';
