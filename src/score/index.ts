/** The risk-score domain: the public `RiskModel` and its option types. */
export { RiskModel } from './model.js'
export type { FeatureRows, RiskModelOptions, ScoreBatchAsyncOptions, ScoreBatchOptions, ScoreIterableOptions, ScoreRowStreamOptions, ScoreStreamOptions } from './model.js'
export type { IterableItem, IterableSource } from './iterable.js'
export { JSON_ROWS_NATIVE_MIN_BYTES, parseFeatureRows, parseFeatureRowsAsync } from './json.js'
export type { ParseFeatureRowsAsyncOptions, ParseFeatureRowsOptions } from './json.js'
