/**
 * Type tests of the public API (run by vitest's typecheck): return types, option types, and that
 * wrong argument types are compile errors.
 */
import type { Transform } from 'node:stream'
import { assertType, describe, expectTypeOf, it } from 'vitest'
import {
  AbortError,
  ErrorCode,
  HotpathInternalError,
  InvalidArgTypeError,
  InvalidArgValueError,
  NativeLoadError,
  OutOfRangeError,
  RiskModel,
  runtimeInfo,
  type FeatureRows,
  type FloatArray,
  type NumericVector,
  type RiskModelOptions,
  type RuntimeInfo,
  type ScoreBatchAsyncOptions,
  type ScoreBatchOptions,
  type ScoreIterableOptions,
  type ScoreStreamOptions,
} from '../../src/index.js'

declare const model: RiskModel
declare const rows64: Float64Array
declare const rows32: Float32Array
declare const vectors: number[][]
declare const signal: AbortSignal

describe('RiskModel', () => {
  it('constructor options', () => {
    expectTypeOf(RiskModel).constructorParameters.toEqualTypeOf<[options: RiskModelOptions]>()
    expectTypeOf<RiskModelOptions['weights']>().toEqualTypeOf<NumericVector>()
    expectTypeOf<RiskModelOptions['threshold']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<RiskModelOptions['maxBatch']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<RiskModelOptions['maxWaitMs']>().toEqualTypeOf<number | undefined>()
    assertType<RiskModel>(new RiskModel({ weights: [1, 2] }))
    assertType<RiskModel>(new RiskModel({ weights: rows64, threshold: 0.5 }))
    assertType<RiskModel>(new RiskModel({ weights: rows32, maxBatch: 64, maxWaitMs: 1 }))
    assertType<RiskModel>(new RiskModel({ weights: [1, 2] as readonly number[] }))
    // @ts-expect-error options are required
    new RiskModel()
    // @ts-expect-error weights are required
    new RiskModel({})
    // @ts-expect-error threshold must be a number
    new RiskModel({ weights: [1], threshold: '0.5' })
    // @ts-expect-error weights must be numbers
    new RiskModel({ weights: ['1'] })
    // @ts-expect-error Int32Array weights are not accepted
    new RiskModel({ weights: new Int32Array(2) })
    // @ts-expect-error a bare array is not an options object
    new RiskModel([1, 2])
  })

  it('features and threshold are readonly numbers', () => {
    expectTypeOf(model.features).toEqualTypeOf<number>()
    expectTypeOf(model.threshold).toEqualTypeOf<number>()
    // @ts-expect-error features is read-only
    model.features = 3
    // @ts-expect-error threshold is read-only
    model.threshold = 1
  })

  it('score', () => {
    expectTypeOf(model.score).parameters.toEqualTypeOf<[features: NumericVector]>()
    expectTypeOf(model.score).returns.toEqualTypeOf<number>()
    expectTypeOf(model.score([1, 2])).toEqualTypeOf<number>()
    expectTypeOf(model.score(rows32)).toEqualTypeOf<number>()
    // @ts-expect-error a string is not a vector
    model.score('1,2')
    // @ts-expect-error Int32Array is not accepted
    model.score(new Int32Array(2))
    // @ts-expect-error one argument
    model.score()
  })

  it('scoreBatch', () => {
    expectTypeOf(model.scoreBatch).returns.toEqualTypeOf<Float64Array>()
    expectTypeOf(model.scoreBatch(rows64)).toEqualTypeOf<Float64Array>()
    expectTypeOf(model.scoreBatch(rows32, { out: rows64, parallel: false })).toEqualTypeOf<Float64Array>()
    expectTypeOf(model.scoreBatch(vectors)).toEqualTypeOf<Float64Array>()
    expectTypeOf(model.scoreBatch([rows64, rows32, [1, 2]])).toEqualTypeOf<Float64Array>()
    expectTypeOf<FeatureRows>().toEqualTypeOf<Float64Array | Float32Array | readonly NumericVector[]>()
    expectTypeOf<ScoreBatchOptions>().toEqualTypeOf<{ out?: Float64Array; parallel?: boolean }>()
    // @ts-expect-error out must be a Float64Array
    model.scoreBatch(rows64, { out: rows32 })
    // @ts-expect-error parallel must be a boolean
    model.scoreBatch(rows64, { parallel: 'yes' })
    // @ts-expect-error Int32Array rows are not accepted
    model.scoreBatch(new Int32Array(4))
    // @ts-expect-error rows must not be a string
    model.scoreBatch('rows')
    // @ts-expect-error unknown option
    model.scoreBatch(rows64, { signal })
  })

  it('scoreBatchAsync', () => {
    expectTypeOf(model.scoreBatchAsync).returns.toEqualTypeOf<Promise<Float64Array>>()
    expectTypeOf(model.scoreBatchAsync(rows64, { signal, out: rows64, parallel: true })).toEqualTypeOf<Promise<Float64Array>>()
    expectTypeOf<ScoreBatchAsyncOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>()
    expectTypeOf<ScoreBatchAsyncOptions>().toMatchTypeOf<ScoreBatchOptions>()
    // @ts-expect-error signal must be an AbortSignal
    void model.scoreBatchAsync(rows64, { signal: 'abort' })
    // @ts-expect-error out must be a Float64Array
    void model.scoreBatchAsync(rows64, { out: [0] })
  })

  it('scoreStream', () => {
    expectTypeOf(model.scoreStream).returns.toEqualTypeOf<Transform>()
    expectTypeOf(model.scoreStream({ batchSize: 10, concurrency: 2 })).toEqualTypeOf<Transform>()
    expectTypeOf(model.scoreRowStream({ format: 'f32le', batchSize: 4096 })).toEqualTypeOf<Transform>()
    // @ts-expect-error only little-endian f64 and f32 rows
    model.scoreRowStream({ format: 'f16le' })
    expectTypeOf<ScoreStreamOptions>().toEqualTypeOf<{ batchSize?: number; concurrency?: number }>()
    // @ts-expect-error batchSize must be a number
    model.scoreStream({ batchSize: '10' })
  })

  it('scoreIterable', () => {
    expectTypeOf(model.scoreIterable).returns.toEqualTypeOf<AsyncGenerator<number | Float64Array, void, undefined>>()
    expectTypeOf(model.scoreIterable([[1, 2], rows64, rows32])).toEqualTypeOf<AsyncGenerator<number | Float64Array, void, undefined>>()
    async function* source(): AsyncGenerator<Float64Array> {
      yield rows64
    }
    assertType<AsyncGenerator<number | Float64Array, void, undefined>>(model.scoreIterable(source(), { batchSize: 8, concurrency: 2, signal }))
    expectTypeOf<ScoreIterableOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>()
    // @ts-expect-error items must be vectors or float chunks
    model.scoreIterable(['a', 'b'])
    // @ts-expect-error a number is not iterable
    model.scoreIterable(42)
    // @ts-expect-error signal must be an AbortSignal
    model.scoreIterable([[1]], { signal: true })
  })

  it('scoreQueued', () => {
    expectTypeOf(model.scoreQueued).returns.toEqualTypeOf<Promise<number>>()
    expectTypeOf(model.scoreQueued(rows32)).toEqualTypeOf<Promise<number>>()
    // @ts-expect-error a string is not a vector
    void model.scoreQueued('1')
    // @ts-expect-error options are not accepted per call
    void model.scoreQueued([1], { maxBatch: 2 })
  })
})

describe('errors and info', () => {
  it('error classes and codes', () => {
    expectTypeOf(new InvalidArgTypeError('x')).toMatchTypeOf<TypeError>()
    expectTypeOf(new InvalidArgTypeError('x').code).toEqualTypeOf<'ERR_INVALID_ARG_TYPE'>()
    expectTypeOf(new InvalidArgValueError('x')).toMatchTypeOf<RangeError>()
    expectTypeOf(new InvalidArgValueError('x').code).toEqualTypeOf<'ERR_INVALID_ARG_VALUE'>()
    expectTypeOf(new OutOfRangeError('x')).toMatchTypeOf<RangeError>()
    expectTypeOf(new OutOfRangeError('x').code).toEqualTypeOf<'ERR_OUT_OF_RANGE'>()
    expectTypeOf(new AbortError().code).toEqualTypeOf<'ABORT_ERR'>()
    expectTypeOf(new HotpathInternalError('x').code).toEqualTypeOf<'ERR_HOTPATH_INTERNAL'>()
    expectTypeOf(new NativeLoadError('x').code).toEqualTypeOf<'ERR_HOTPATH_NATIVE_LOAD'>()
    expectTypeOf<ErrorCode>().toEqualTypeOf<
      | 'ERR_INVALID_ARG_TYPE'
      | 'ERR_INVALID_ARG_VALUE'
      | 'ERR_OUT_OF_RANGE'
      | 'ABORT_ERR'
      | 'ERR_HOTPATH_INTERNAL'
      | 'ERR_HOTPATH_NATIVE_LOAD'
      | 'ERR_ILLEGAL_CONSTRUCTOR'
      | 'ERR_INVALID_STATE'
      | 'ERR_MEMORY_ALLOCATION_FAILED'
      | 'ERR_HOTPATH_PROGRESS_CALLBACK'
    >()
    expectTypeOf(ErrorCode.INTERNAL).toEqualTypeOf<'ERR_HOTPATH_INTERNAL'>()
  })

  it('runtimeInfo and shared types', () => {
    expectTypeOf(runtimeInfo).returns.toEqualTypeOf<RuntimeInfo>()
    expectTypeOf<RuntimeInfo['backend']>().toEqualTypeOf<'native' | 'fallback'>()
    expectTypeOf<FloatArray>().toEqualTypeOf<Float64Array | Float32Array>()
    expectTypeOf<NumericVector>().toEqualTypeOf<readonly number[] | Float64Array | Float32Array>()
  })
})
