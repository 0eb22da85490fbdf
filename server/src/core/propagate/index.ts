// Public surface of the propagation engine.
export { propagate, exactCostModel, costModelAt, DEFAULT_STEPS } from './engine';
export { Objective, parseTerm, termLabel } from './objective';
export { makeRng } from '../random';
export { multiresSpace, nb201Space, spaceOf } from './spaces';
export * from './types';
