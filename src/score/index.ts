/** The risk-score domain: the public `RiskModel` and its option types. */
export { RiskModel } from './model.js'
export type { FeatureRows, RiskModelOptions, ScoreBatchAsyncOptions, ScoreBatchOptions, ScoreIterableOptions, ScoreStreamOptions } from './model.js'
export type { IterableItem, IterableSource } from './iterable.js'
