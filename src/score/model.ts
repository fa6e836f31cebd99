/**
 * The public risk-score API: `RiskModel`, for one vector, batches, async batches, streams,
 * iterables and coalesced service requests.
 *
 *     score = 1 / (1 + exp(-sqrt(sum_i (f_i * w_i)^2) + t))
 */
import { progressOption, type ProgressOptions } from '../core/progress.js'
import { coded } from '../core/guard.js'
import type { Transform } from 'node:stream'
import { Coalescer } from '../core/coalescer.js'
import { abortErrorFor, invalidType, invalidValue } from '../core/errors.js'
import { OrderedBatchTransform } from '../core/stream.js'
import {
  abortSignal,
  assertAttached,
  finiteNumber,
  finiteVector,
  integerInRange,
  isFloatArray,
  lengthOf,
  nonNegativeNumber,
  optionsObject,
  type FloatArray,
  type NumericVector,
} from '../core/validate.js'
import { scoreArrayRow, scoreRow } from './reference.js'
import { SINGLE_NATIVE_MIN_FEATURES, ScoreEngine } from './engine.js'
import { batchingOptions, booleanOption, checkPlainVector, lengthError, outFor, toMatrix } from './input.js'
import { scoreIterable, type IterableSource } from './iterable.js'
import { vectorSink } from './stream.js'
import { RowBytesTransform, rowFormat } from './row-bytes-stream.js'

/** Longest delay Node timers support (2^31 - 1 ms); longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** Feature rows as `scoreBatch` accepts them. */
export type FeatureRows = Float64Array | Float32Array | readonly NumericVector[]

export interface RiskModelOptions {
  /** One weight per feature (D >= 1), finite. */
  weights: NumericVector
  /** Finite threshold `t`; default 0.5. */
  threshold?: number
  /** `scoreQueued`: flush a coalesced batch once it holds this many vectors; default 1024. */
  maxBatch?: number
  /** `scoreQueued`: longest a request waits for others, in ms; default 0 (one event-loop turn). */
  maxWaitMs?: number
}

export interface ScoreBatchOptions {
  /** Where to write the N scores; a new Float64Array when omitted. */
  out?: Float64Array
  /** Use hotpath's thread pool for large batches; default true. */
  parallel?: boolean
}

export interface ScoreBatchAsyncOptions extends ScoreBatchOptions, ProgressOptions {
  /** Aborts the call before it starts or while it runs; the promise rejects with an AbortError. */
  signal?: AbortSignal
}

export interface ScoreStreamOptions {
  /** Vectors per native batch; default 1024. */
  batchSize?: number
  /** Batches computed at once; default 2. */
  concurrency?: number
}

export interface ScoreRowStreamOptions {
  /** How the bytes encode the values: little-endian `'f64le'` (default) or `'f32le'`. */
  format?: 'f64le' | 'f32le'
  /** Rows per score chunk emitted (the last one may be shorter); default 8192. */
  batchSize?: number
}

export interface ScoreIterableOptions extends ScoreStreamOptions {
  /** Stops the iteration, even while waiting for the source; the generator throws an AbortError. */
  signal?: AbortSignal
}

/**
 * A risk model: weights and a threshold, validated once and kept natively for the model's life.
 *
 * @example
 * ```ts
 * import { RiskModel } from 'hotpath'
 * const model = new RiskModel({ weights: new Float64Array(20).fill(0.1), threshold: 0.5 })
 * model.score(new Float64Array(20).fill(1)) // 0.4868...
 * ```
 */
export class RiskModel {
  readonly #engine: ScoreEngine
  // The single-vector path reads these on every call. They are `declare`d properties defined once
  // by the constructor: an emitted class field (#private or not) starts as undefined and is then
  // overwritten, which in Node 20 makes every later read ~25 ns slower (measured 0.81x the plain
  // JS function instead of ~1.0x, `hotpath bench` single-call table).
  private declare readonly scoreWeights: Float64Array
  private declare readonly scoreThreshold: number
  readonly #queue: Coalescer<Float64Array, number>

  /** @throws {TypeError | RangeError} with `code` ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE or ERR_OUT_OF_RANGE */
  constructor(options: RiskModelOptions) {
    try {
      if (options === undefined) throw invalidType('options', 'of type object', options)
      const opts = optionsObject(options)
      const weights = finiteVector(opts.weights, 'weights')
      if (weights.length === 0) throw invalidValue('weights', 'a non-empty list of numbers', 'an empty list')
      const threshold = opts.threshold === undefined ? 0.5 : finiteNumber(opts.threshold, 'threshold')
      const maxBatch = opts.maxBatch === undefined ? 1024 : integerInRange(opts.maxBatch, 'maxBatch', 1, 1 << 24)
      const maxWaitMs = opts.maxWaitMs === undefined ? 0 : nonNegativeNumber(opts.maxWaitMs, 'maxWaitMs', MAX_TIMER_MS)
      this.#engine = new ScoreEngine(weights, threshold)
      // Read-only and hidden from keys, JSON and inspection: they are internals, not API.
      Object.defineProperty(this, 'scoreWeights', { value: weights })
      Object.defineProperty(this, 'scoreThreshold', { value: threshold })
      this.#queue = new Coalescer((vectors) => this.#scoreQueuedBatch(vectors), { maxBatch, maxWaitMs })
    } catch (error) {
      throw coded(error)
    }
  }

  /** Number of features per vector (D). */
  get features(): number {
    return this.#engine.features
  }

  /** The threshold `t`. */
  get threshold(): number {
    return this.#engine.threshold
  }

  /**
   * Scores one feature vector of length D. A NaN feature gives NaN.
   *
   * Vectors shorter than 128 features are scored in JavaScript because one native call costs
   * more than the whole computation.
   *
   * @example
   * ```ts
   * const risk = model.score(transaction.features)
   * ```
   */
  score(features: NumericVector): number {
    // Two small methods rather than one: with both kinds of input in one process, one body holding
    // both paths was optimized for neither (a Float64Array call took 42 ns instead of 25).
    try {
      return Array.isArray(features) ? this.#scoreArray(features) : this.#scoreTyped(features)
    } catch (error) {
      // Array.isArray itself throws for a revoked proxy.
      throw coded(error)
    }
  }

  #scoreArray(features: readonly number[]): number {
    const weights = this.scoreWeights
    const d = weights.length
    if (features.length !== d) throw lengthError('features', d, features.length)
    // Type checks and scoring in one pass over the array.
    return scoreArrayRow(features, weights, this.scoreThreshold, 'features')
  }

  #scoreTyped(features: NumericVector): number {
    const weights = this.scoreWeights
    const d = weights.length
    // instanceof first (cheap, the common case); isView rules out proxies and prototype-borrowers;
    // isFloatArray admits arrays from other realms.
    if (((features instanceof Float64Array || features instanceof Float32Array) && ArrayBuffer.isView(features)) || isFloatArray(features)) {
      // Not `length`, which a subclass getter or an own property can fake: indexed elements
      // cannot be, so the real length is d exactly when element d - 1 exists and element d does
      // not (two loads, cheaper than asking the engine for the length).
      if (features[d] !== undefined || features[d - 1] === undefined) {
        assertAttached(features, 'features')
        throw lengthError('features', d, lengthOf(features))
      }
      if (d >= SINGLE_NATIVE_MIN_FEATURES) return this.#engine.scoreOne(features)
      return scoreRow(features, 0, weights, this.scoreThreshold)
    }
    throw invalidType('features', 'an instance of Array, Float64Array or Float32Array', features)
  }

  /**
   * Scores N vectors given as a row-major Float64Array/Float32Array of N x D values or as an
   * array of vectors (converted once). Float32 rows are read as f32 without a conversion copy.
   * Large batches run in parallel. A NaN in a row gives NaN for that row only.
   *
   * @example
   * ```ts
   * const scores = model.scoreBatch(rows)            // rows: Float64Array of N * 20 values
   * model.scoreBatch(rows, { out: reusableScores })  // no allocation
   * ```
   */
  scoreBatch(rows: FeatureRows, options?: ScoreBatchOptions): Float64Array {
    try {
      const opts = optionsObject(options)
      const d = this.#engine.features
      const matrix = toMatrix(rows, d)
      const out = outFor(matrix, d, opts.out)
      this.#engine.scoreMatrix(matrix, out, booleanOption(opts.parallel, 'options.parallel', true))
      return out
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * `scoreBatch` off the JavaScript thread. Abortable with `signal`, before it starts and while it
   * runs (the kernel checks between chunks of 8,192 rows). Always rejects, never throws. Batches
   * of at most 32,768 values are scored before the promise is returned (less work than a round
   * trip to a worker thread).
   *
   * Memory: rows in an ordinary ArrayBuffer are copied before native code reads them, 8 MiB at a
   * time; up to 16 MiB are copied before this returns (a snapshot), larger inputs as the call
   * progresses, so leave them unchanged until the promise settles (as with `fs.write`).
   * Detaching or resizing them during the call rejects with ERR_INVALID_ARG_VALUE; native code
   * never reads JavaScript memory that could be freed. Rows in a SharedArrayBuffer, which cannot
   * be detached, are read in place (zero-copy); writing to them during the call gives unspecified
   * scores for the rows written. `out` is only written on the JavaScript thread.
   *
   * @example
   * ```ts
   * const scores = await model.scoreBatchAsync(rows, { signal: AbortSignal.timeout(50) })
   * ```
   */
  async scoreBatchAsync(rows: FeatureRows, options?: ScoreBatchAsyncOptions): Promise<Float64Array> {
    try {
      const opts = optionsObject(options)
      const signal = abortSignal(opts.signal)
      const parallel = booleanOption(opts.parallel, 'options.parallel', true)
      const progress = progressOption(opts)
      const d = this.#engine.features
      const matrix = toMatrix(rows, d)
      const out = opts.out === undefined ? undefined : outFor(matrix, d, opts.out)
      if (signal?.aborted) throw abortErrorFor(signal)
      // Only an array of vectors, converted into a fresh matrix above, is memory nobody else holds.
      return this.#engine.scoreMatrixAsync(matrix, out, { parallel, signal, privateRows: !isFloatArray(rows), progress })
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * A Node `Transform` in object mode: write feature vectors (arrays or typed arrays of length
   * D), read their scores as numbers in the same order. Vectors are copied into batches as they
   * are written; at most `concurrency` batches compute at once and writes wait (backpressure)
   * beyond that.
   *
   * @example
   * ```ts
   * import { pipeline } from 'node:stream/promises'
   * await pipeline(transactions, model.scoreStream({ batchSize: 4096 }), sink)
   * ```
   */
  scoreStream(options?: ScoreStreamOptions): Transform {
    try {
      const { batchSize, concurrency } = batchingOptions(options)
      return new OrderedBatchTransform(vectorSink(this.#engine, batchSize), { batchSize, concurrency })
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * A Transform from bytes of row-major rows (each the model's D values, little-endian f64 or
   * f32, as written by `Buffer`/typed arrays or read from a binary file) to a `Float64Array` of
   * scores per batch of `batchSize` rows (the last one shorter), in order. Chunks may split rows
   * and numbers anywhere; a stream that ends inside a row errors with `ERR_INVALID_ARG_VALUE`.
   * Nothing runs per row in JavaScript, so it scores at `scoreBatch`'s speed.
   *
   * @example
   * ```ts
   * await pipeline(createReadStream('rows.f64'), model.scoreRowStream(), scoresSink)
   * ```
   */
  scoreRowStream(options?: ScoreRowStreamOptions): Transform {
    try {
      const opts = optionsObject(options)
      const format = rowFormat(opts.format)
      const batchSize = opts.batchSize === undefined ? 8192 : integerInRange(opts.batchSize, 'options.batchSize', 1, 1 << 24)
      return new RowBytesTransform(this.#engine, format, batchSize)
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * Scores an (async) iterable in order. A plain-array item is one vector and yields its score as
   * a number; a Float64Array/Float32Array item is a row-major chunk of k x D values (k >= 1) and
   * yields a Float64Array of k scores. Items are batched internally; the source may reuse an
   * item's memory once the next item is requested.
   *
   * @example
   * ```ts
   * for await (const scores of model.scoreIterable(chunksFromQueue)) publish(scores)
   * ```
   */
  async *scoreIterable(source: IterableSource, options?: ScoreIterableOptions): AsyncGenerator<number | Float64Array, void, undefined> {
    try {
      // Inside the generator, so bad options surface from next() like every other error.
      const { batchSize, concurrency } = batchingOptions(options)
      const signal = abortSignal(optionsObject(options).signal)
      yield* scoreIterable(this.#engine, source, batchSize, concurrency, signal)
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * Scores one vector, coalescing calls that arrive close together into one native batch (see
   * the `maxBatch` and `maxWaitMs` model options). Meant for services handling many concurrent
   * requests. The vector is copied when the call is made; a bad vector rejects only its own call.
   *
   * @example
   * ```ts
   * app.post('/score', async (req) => ({ risk: await model.scoreQueued(req.body.features) }))
   * ```
   */
  async scoreQueued(features: NumericVector): Promise<number> {
    try {
      const d = this.#engine.features
      if (isFloatArray(features)) {
        if (lengthOf(features) !== d) {
          assertAttached(features, 'features')
          throw lengthError('features', d, lengthOf(features))
        }
      } else checkPlainVector(features, 'features', d)
      // A copy by the engine's view of the memory (set reads a typed array by its real length).
      const copy = new Float64Array(d)
      copy.set(features)
      return this.#queue.push(copy)
    } catch (error) {
      throw coded(error)
    }
  }

  #scoreQueuedBatch(vectors: Float64Array[]): Float64Array {
    const d = this.#engine.features
    const rows = new Float64Array(vectors.length * d)
    for (let i = 0; i < vectors.length; i++) rows.set(vectors[i], i * d)
    const out = new Float64Array(vectors.length)
    this.#engine.scoreMatrix(rows, out, true)
    return out
  }
}

export type { FloatArray }
