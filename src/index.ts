/**
 * hotpath: native-speed kernels for Node.js.
 *
 * @example
 * ```ts
 * import { RiskModel } from 'hotpath'
 * const model = new RiskModel({ weights, threshold: 0.5 })
 * const scores = model.scoreBatch(rows)
 * ```
 * @packageDocumentation
 */
export { JSON_ROWS_NATIVE_MIN_BYTES, parseFeatureRows, parseFeatureRowsAsync, RiskModel } from './score/index.js'
export type {
  FeatureRows,
  ParseFeatureRowsAsyncOptions,
  ParseFeatureRowsOptions,
  RiskModelOptions,
  ScoreBatchAsyncOptions,
  ScoreBatchOptions,
  ScoreIterableOptions,
  ScoreRowStreamOptions,
  ScoreStreamOptions,
} from './score/index.js'
export type { FloatArray, NumericVector } from './core/validate.js'
export {
  AbortError,
  ErrorCode,
  HotpathInternalError,
  IllegalConstructorError,
  InvalidArgTypeError,
  InvalidArgValueError,
  InvalidStateError,
  MemoryAllocationError,
  NativeLoadError,
  OutOfRangeError,
  ProgressCallbackError,
} from './core/errors.js'
export {
  distancesFromOrigin,
  distancesFromOriginAsync,
  dot,
  dotAsync,
  norm,
  normAsync,
  scale,
  scaleAndShift,
  scaleAndShiftAsync,
  scaleAsync,
  sqEuclidean,
  sqEuclideanAsync,
  sum,
  sumAsync,
  sumSquares,
  sumSquaresAsync,
} from './vector/index.js'
export type { DistancesOptions, ScaleAndShiftOptions, Vector, VectorAsyncOptions } from './vector/index.js'
export {
  countPrimes,
  countPrimesAsync,
  fibonacci,
  fibonacciAsync,
  FIBONACCI_MAX_N,
  primes,
  primesAsync,
  PRIMES_MAX_LIMIT,
  sumOfSquares,
  SUM_OF_SQUARES_MAX_BIGINT,
} from './integer/index.js'
export type { IntegerAsyncOptions, MathAsyncOptions } from './integer/index.js'
export { EARTH_RADIUS_KM, GEO_SHORT_MAX_POINTS, GeoIndex, haversine, haversineMany, nearestK } from './geo/index.js'
export type { GeoAsyncOptions, GeoNearestOptions, GeoPoint, HaversineManyOptions, HaversineOptions, NearestBatchResult, NearestResult, NormalizeOptions } from './geo/index.js'
export { Accumulator, accumulate } from './stats/index.js'
export type { AccumulateItem, AccumulateOptions, AccumulatorJSON, NumericValues } from './stats/index.js'
export { memoryStats, NATIVE_BUFFER_MAX_LENGTH, NativeBuffer } from './memory/index.js'
export type { MemoryStats, NativeBufferArrays, NativeBufferOptions, NativeBufferType } from './memory/index.js'
export type { Progress, ProgressOptions } from './core/progress.js'
export { runtimeInfo } from './core/info.js'
export type { RuntimeInfo } from './core/info.js'
export {
  convolve,
  convolveAsync,
  convolveBatch,
  convolveBatchAsync,
  convolveEach,
  convolveSeparable,
  convolveSeparableAsync,
  convolveStream,
  gaussianBlur,
  gaussianBlurAsync,
  IMAGE_SMALL_MAX_TAPS,
} from './image/index.js'
export type {
  BorderMode,
  ConvolveAsyncOptions,
  ConvolveBatchAsyncOptions,
  ConvolveBatchOptions,
  ConvolveOptions,
  ConvolveStreamOptions,
  FilterKernel,
  GaussianKernel,
  Image,
  ImageInput,
  ImageSamples,
  ImageSource,
  Kernel,
  KernelWeights,
  RoundingMode,
  SeparableKernel,
  SharpRawImage,
} from './image/index.js'
export { Tokenizer, UNKNOWN_TOKEN_ID, Vocabulary } from './text/index.js'
export type {
  BuildVocabularyAsyncOptions,
  BuildVocabularyOptions,
  EncodeAsyncOptions,
  EncodeBatchOptions,
  EncodedBatch,
  EncodeOptions,
  SpecialTokenRule,
  TextAsyncOptions,
  TextBatchOptions,
  TextInput,
  TokenizerOptions,
  TokenStreamOptions,
  VocabularyJSON,
} from './text/index.js'
