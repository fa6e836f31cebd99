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
export { RiskModel } from './score/index.js'
export type {
  FeatureRows,
  RiskModelOptions,
  ScoreBatchAsyncOptions,
  ScoreBatchOptions,
  ScoreIterableOptions,
  ScoreStreamOptions,
} from './score/index.js'
export type { FloatArray, NumericVector } from './validate.js'
export {
  AbortError,
  ErrorCode,
  HotpathInternalError,
  InvalidArgTypeError,
  InvalidArgValueError,
  NativeLoadError,
  OutOfRangeError,
} from './errors.js'
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
} from './vector.js'
export type { DistancesOptions, ScaleAndShiftOptions, Vector, VectorAsyncOptions } from './vector.js'
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
} from './math.js'
export type { MathAsyncOptions } from './math.js'
export { EARTH_RADIUS_KM, GEO_SHORT_MAX_POINTS, GeoIndex, haversine, haversineMany, nearestK } from './geo.js'
export type { GeoAsyncOptions, GeoNearestOptions, GeoPoint, HaversineManyOptions, HaversineOptions, NearestBatchResult, NearestResult, NormalizeOptions } from './geo.js'
export { Accumulator, accumulate } from './stats.js'
export type { AccumulateItem, AccumulateOptions, AccumulatorJSON, NumericValues } from './stats.js'
export { runtimeInfo } from './info.js'
export type { RuntimeInfo } from './info.js'
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
