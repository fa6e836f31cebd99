/**
 * The risk score of the scoring-engine workload, for one vector, batches, async batches, streams
 * and coalesced service requests:
 *
 *     score = 1 / (1 + exp(-sqrt(sum_i (f_i * w_i)^2) + t))
 */
import type { Transform } from 'node:stream'
import { Coalescer } from './batch.js'
import { abortErrorFor, fromNative, invalidType, invalidValue } from './errors.js'
import { native, type NativeBinding } from './native.js'
import { scoreRow, scoreRows } from './reference/score.js'
import { OrderedBatchTransform, type BatchSink } from './stream.js'
import {
  abortSignal,
  assertNoOverlap,
  finiteNumber,
  finiteVector,
  integerInRange,
  isDetachable,
  isFloatArray,
  nonNegativeNumber,
  optionsObject,
  type FloatArray,
  type NumericVector,
} from './validate.js'

type NativeRiskModel = InstanceType<NativeBinding['NativeRiskModel']>

/** Direct N-API entry points for the per-call-sensitive sync paths (see crates/hotpath-node/src/fast.rs). */
const fast = native?.fastCalls() ?? null

/**
 * Vectors shorter than this are scored in JavaScript by `score()`. A napi-rs method call with a
 * typed-array argument costs ~0.5-0.9 us on the reference machine (argument conversion and
 * napi-rs's borrow tracking; a bare N-API call is ~50 ns), while optimized JS scores 20 features
 * in well under 0.1 us. `hotpath bench` (dispatch table) measured native at 0.29x the JS path for
 * D = 64, 0.70x for D = 256 and 1.03x for D = 1024, so only very wide vectors go native.
 */
export const SINGLE_NATIVE_MIN_FEATURES = 1024

/**
 * Batches with fewer values (N x D) than this are scored in JavaScript: below it the fixed cost
 * of a native call (~0.7-0.8 us with its argument conversions) exceeds the time JS needs (~90 ns
 * per 20-feature row). `hotpath bench` (dispatch table) measured, for 20 features: 4 rows native
 * 0.33x the JS path, 16 rows 1.79x, 64 rows 3.9x; the crossover is near 9 rows (180 values).
 */
export const BATCH_NATIVE_MIN_VALUES = 256

/**
 * `scoreBatchAsync` copies detachable input in chunks of this many values (8 MiB of f64) on the
 * JS thread, so no single copy stalls the event loop for more than about a millisecond.
 */
export const ASYNC_CHUNK_VALUES = 1 << 20

/** Async chunks in flight at once: one computing while the next is copied. */
const ASYNC_CHUNKS_IN_FLIGHT = 2

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

export interface ScoreBatchAsyncOptions extends ScoreBatchOptions {
  /** Aborts the call before it starts or while it runs; the promise rejects with an AbortError. */
  signal?: AbortSignal
}

export interface ScoreStreamOptions {
  /** Vectors per native batch; default 1024. */
  batchSize?: number
  /** Batches computed at once; default 2. */
  concurrency?: number
}

export interface ScoreIterableOptions extends ScoreStreamOptions {
  /** Stops the iteration; the generator throws an AbortError. */
  signal?: AbortSignal
}

/**
 * A risk model: weights and a threshold, validated once and kept natively for the model's life.
 *
 * @example
 * ```ts
 * import { RiskModel } from 'hotpath'
 * const model = new RiskModel({ weights: new Float64Array(20).fill(0.1), threshold: 0.5 })
 * model.score(new Float64Array(20).fill(1)) // 0.668...
 * ```
 */
export class RiskModel {
  readonly #weights: Float64Array
  readonly #threshold: number
  readonly #native: NativeRiskModel | null
  /** Handle for the `fast` entry points; present exactly when `#native` is. */
  readonly #handle: object | null
  readonly #queue: Coalescer<NumericVector, number>

  /** @throws {TypeError | RangeError} with `code` ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE or ERR_OUT_OF_RANGE */
  constructor(options: RiskModelOptions) {
    const opts = optionsObject(options)
    if (options === undefined) throw invalidType('options', 'of type object', options)
    this.#weights = finiteVector(opts.weights, 'weights')
    if (this.#weights.length === 0) throw invalidValue('weights', 'a non-empty list of numbers', 'an empty list')
    this.#threshold = opts.threshold === undefined ? 0.5 : finiteNumber(opts.threshold, 'threshold')
    const maxBatch = opts.maxBatch === undefined ? 1024 : integerInRange(opts.maxBatch, 'maxBatch', 1, 1 << 24)
    const maxWaitMs = opts.maxWaitMs === undefined ? 0 : nonNegativeNumber(opts.maxWaitMs, 'maxWaitMs')
    try {
      this.#native = native ? new native.NativeRiskModel(this.#weights, this.#threshold) : null
      this.#handle = this.#native ? this.#native.fastHandle() : null
    } catch (error) {
      throw fromNative(error)
    }
    this.#queue = new Coalescer((vectors) => this.#scoreVectors(vectors), { maxBatch, maxWaitMs })
  }

  /** Number of features per vector (D). */
  get features(): number {
    return this.#weights.length
  }

  /** The threshold `t`. */
  get threshold(): number {
    return this.#threshold
  }

  /**
   * Scores one feature vector of length D. A NaN feature gives NaN.
   *
   * Small vectors are scored in JavaScript because one native call costs more than the whole
   * computation; see {@link SINGLE_NATIVE_MIN_FEATURES}.
   *
   * @example
   * ```ts
   * const risk = model.score(transaction.features)
   * ```
   */
  score(features: NumericVector): number {
    const d = this.#weights.length
    if (features instanceof Float64Array || features instanceof Float32Array) {
      if (features.length !== d) throw this.#lengthError('features', features.length)
      if (d >= SINGLE_NATIVE_MIN_FEATURES && this.#native) return this.#callNative(features)
      return scoreRow(features, 0, this.#weights, this.#threshold)
    }
    this.#checkPlainVector(features, 'features')
    return scoreRow(features, 0, this.#weights, this.#threshold)
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
    const opts = optionsObject(options)
    const matrix = this.#toMatrix(rows)
    const out = this.#outFor(matrix, opts.out)
    const parallel = opts.parallel === undefined ? true : this.#booleanOption(opts.parallel, 'options.parallel')
    this.#scoreMatrix(matrix, out, parallel)
    return out
  }

  /**
   * `scoreBatch` off the JavaScript thread. Abortable with `signal`, before it starts and while it
   * runs (the kernel checks between chunks of 8192 rows). Always rejects, never throws.
   *
   * Memory: rows in an ordinary ArrayBuffer are copied (in 8 MiB chunks) before their chunk
   * starts, so the caller may mutate, transfer or detach them at any time without effect on the
   * result. Rows in a SharedArrayBuffer, which cannot be detached, are read in place (zero-copy);
   * writing to them during the call gives unspecified scores for the rows written. `out` is only
   * written on the JavaScript thread; if it is detached during the call, the call rejects.
   *
   * @example
   * ```ts
   * const scores = await model.scoreBatchAsync(rows, { signal: AbortSignal.timeout(50) })
   * ```
   */
  async scoreBatchAsync(rows: FeatureRows, options?: ScoreBatchAsyncOptions): Promise<Float64Array> {
    const opts = optionsObject(options)
    const signal = abortSignal(opts.signal)
    const parallel = opts.parallel === undefined ? true : this.#booleanOption(opts.parallel, 'options.parallel')
    const converted = !isFloatArray(rows)
    const matrix = this.#toMatrix(rows)
    const out = opts.out === undefined ? undefined : this.#outFor(matrix, opts.out)
    if (signal?.aborted) throw abortErrorFor(signal)
    return this.#scoreMatrixAsync(matrix, out, { parallel, signal, privateRows: converted })
  }

  /**
   * A Node `Transform` in object mode: write feature vectors (arrays or typed arrays of length
   * D), read their scores as numbers in the same order. Vectors are batched internally; at most
   * `concurrency` batches compute at once and writes wait (backpressure) beyond that.
   *
   * @example
   * ```ts
   * import { pipeline } from 'node:stream/promises'
   * await pipeline(transactions, model.scoreStream({ batchSize: 4096 }), sink)
   * ```
   */
  scoreStream(options?: ScoreStreamOptions): Transform {
    const { batchSize, concurrency } = this.#streamOptions(options)
    return new OrderedBatchTransform<NumericVector, number>(this.#vectorSink(batchSize), { batchSize, concurrency })
  }

  /**
   * Scores an (async) iterable in order. Each item is either a feature vector given as a plain
   * array (yields its score as a number) or a row-major Float64Array/Float32Array chunk of k x D
   * values, k >= 1 (yields a Float64Array of k scores). Items are batched internally.
   *
   * @example
   * ```ts
   * for await (const scores of model.scoreIterable(chunksFromKafka)) publish(scores)
   * ```
   */
  async *scoreIterable(
    source: Iterable<readonly number[] | FloatArray> | AsyncIterable<readonly number[] | FloatArray>,
    options?: ScoreIterableOptions,
  ): AsyncGenerator<number | Float64Array, void, undefined> {
    const opts = optionsObject(options)
    const { batchSize, concurrency } = this.#streamOptions(options)
    const signal = abortSignal(opts.signal)
    if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source || Symbol.iterator in source)) {
      throw invalidType('source', 'an iterable or async iterable', source)
    }
    const d = this.#weights.length
    type Batch = { scores: Promise<Float64Array>; items: (number | -1)[] }
    const inflight: Batch[] = []
    let pending = new Float64Array(batchSize * d)
    let pendingRows = 0
    let pendingItems: (number | -1)[] = [] // -1: a vector yielding a number; k: a chunk of k rows

    const seal = (): void => {
      if (pendingItems.length === 0) return
      const rows = pending.subarray(0, pendingRows * d)
      const scores = this.#scoreMatrixAsync(rows, undefined, { parallel: true, signal, privateRows: true })
      scores.catch(() => {})
      inflight.push({ scores, items: pendingItems })
      pending = new Float64Array(batchSize * d)
      pendingRows = 0
      pendingItems = []
    }
    async function* emit(batch: Batch): AsyncGenerator<number | Float64Array> {
      const scores = await batch.scores
      let at = 0
      for (const item of batch.items) {
        if (item === -1) yield scores[at++]
        else {
          yield scores.slice(at, at + item)
          at += item
        }
      }
    }

    let index = 0
    for await (const item of source as AsyncIterable<readonly number[] | FloatArray>) {
      if (signal?.aborted) throw abortErrorFor(signal)
      const name = `source[${index++}]`
      if (isFloatArray(item)) {
        if (item.length === 0 || item.length % d !== 0) {
          throw invalidValue(name, `a chunk whose length is a positive multiple of the model's ${d} features`, `length ${item.length}`)
        }
        const k = item.length / d
        if (k > batchSize - pendingRows) seal()
        if (k >= batchSize) {
          const scores = this.#scoreMatrixAsync(item, undefined, { parallel: true, signal, privateRows: false })
          scores.catch(() => {})
          inflight.push({ scores, items: [k] })
        } else {
          pending.set(item, pendingRows * d)
          pendingRows += k
          pendingItems.push(k)
        }
      } else {
        this.#checkPlainVector(item, name)
        pending.set(item, pendingRows * d)
        pendingRows += 1
        pendingItems.push(-1)
      }
      if (pendingRows >= batchSize) seal()
      while (inflight.length >= concurrency) yield* emit(inflight.shift()!)
    }
    seal()
    while (inflight.length > 0) yield* emit(inflight.shift()!)
  }

  /**
   * Scores one vector, coalescing calls that arrive close together into one native batch (see
   * the `maxBatch` and `maxWaitMs` model options). Meant for services handling many concurrent
   * requests. A bad vector rejects only its own call.
   *
   * @example
   * ```ts
   * app.post('/score', async (req) => ({ risk: await model.scoreQueued(req.body.features) }))
   * ```
   */
  async scoreQueued(features: NumericVector): Promise<number> {
    if (isFloatArray(features)) {
      if (features.length !== this.#weights.length) throw this.#lengthError('features', features.length)
      // A copy: the caller may reuse its array before the batch runs.
      return this.#queue.push(Float64Array.from(features))
    }
    this.#checkPlainVector(features, 'features')
    return this.#queue.push(features)
  }

  #callNative(features: FloatArray): number {
    try {
      return features instanceof Float64Array ? fast!.scoreF64(this.#handle!, features) : fast!.scoreF32(this.#handle!, features)
    } catch (error) {
      throw fromNative(error)
    }
  }

  #scoreVectors(vectors: NumericVector[]): Float64Array {
    const d = this.#weights.length
    const rows = new Float64Array(vectors.length * d)
    for (let i = 0; i < vectors.length; i++) rows.set(vectors[i], i * d)
    const out = new Float64Array(vectors.length)
    this.#scoreMatrix(rows, out, true)
    return out
  }

  #scoreMatrix(rows: FloatArray, out: Float64Array, parallel: boolean): void {
    if (!this.#native || rows.length < BATCH_NATIVE_MIN_VALUES) {
      scoreRows(rows, this.#weights, this.#threshold, out)
      return
    }
    try {
      if (rows instanceof Float64Array) fast!.scoreBatchF64(this.#handle!, rows, out, !parallel)
      else fast!.scoreBatchF32(this.#handle!, rows, out, !parallel)
    } catch (error) {
      throw fromNative(error)
    }
  }

  /**
   * The async engine behind `scoreBatchAsync`, `scoreIterable` and `scoreStream`. `privateRows`
   * marks arrays only hotpath holds, which JavaScript cannot detach and so are read in place.
   * Without `out`, a single-chunk call returns the native result array itself (no copy).
   */
  async #scoreMatrixAsync(
    rows: FloatArray,
    out: Float64Array | undefined,
    options: { parallel: boolean; signal: AbortSignal | undefined; privateRows: boolean },
  ): Promise<Float64Array> {
    const { parallel, signal } = options
    const d = this.#weights.length
    const n = rows.length / d
    if (!this.#native || n === 0) return this.#referenceAsync(rows, out ?? new Float64Array(n), signal)
    const model = this.#native
    const token = new (nativeModule().CancelToken)()
    const onAbort = (): void => token.cancel()
    signal?.addEventListener('abort', onAbort, { once: true })
    const pinned = options.privateRows || !isDetachable(rows)
    const chunkRows = pinned ? n : Math.max(1, Math.floor(ASYNC_CHUNK_VALUES / d))
    const start = (from: number): Promise<Float64Array> => {
      const view = rows.subarray(from * d, Math.min(n, from + chunkRows) * d)
      if (pinned) {
        return view instanceof Float64Array ? model.scoreBatchF64PinnedAsync(view, !parallel, token) : model.scoreBatchF32PinnedAsync(view, !parallel, token)
      }
      // These copy `view` before returning, so later changes to `rows` cannot reach the task.
      return view instanceof Float64Array ? model.scoreBatchF64Async(view, !parallel, token) : model.scoreBatchF32Async(view, !parallel, token)
    }
    const inflight: { from: number; scores: Promise<Float64Array> }[] = []
    try {
      let next = 0
      while (next < n || inflight.length > 0) {
        while (next < n && inflight.length < ASYNC_CHUNKS_IN_FLIGHT) {
          if (signal?.aborted) throw abortErrorFor(signal)
          const scores = start(next).catch((error: unknown) => Promise.reject(fromNative(error, signal)))
          // Rejections surface when the chunk is awaited; this stops them counting as unhandled.
          scores.catch(() => {})
          inflight.push({ from: next, scores })
          next += chunkRows
        }
        const head = inflight.shift()!
        const scores = await head.scores
        if (signal?.aborted) throw abortErrorFor(signal)
        if (out === undefined) {
          if (scores.length === n) return scores
          out = new Float64Array(n)
        }
        if (out.length !== n) {
          throw invalidValue('options.out', `a Float64Array of length ${n} for the whole call`, 'an array that was detached while the call ran')
        }
        out.set(scores, head.from)
      }
      return out ?? new Float64Array(0)
    } catch (error) {
      token.cancel()
      throw error
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  async #referenceAsync(rows: FloatArray, out: Float64Array, signal: AbortSignal | undefined): Promise<Float64Array> {
    const d = this.#weights.length
    const step = Math.max(1, Math.floor(ASYNC_CHUNK_VALUES / 8 / d))
    for (let from = 0; from < out.length; from += step) {
      // Yield to the event loop between chunks so the fallback never stalls it for long.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (signal?.aborted) throw abortErrorFor(signal)
      const to = Math.min(out.length, from + step)
      scoreRows(rows.subarray(from * d, to * d), this.#weights, this.#threshold, out.subarray(from, to))
    }
    return out
  }

  #vectorSink(batchSize: number): BatchSink<NumericVector, number> {
    const d = this.#weights.length
    let rows = new Float64Array(batchSize * d)
    let size = 0
    let index = 0
    return {
      add: (vector) => {
        const name = `vector[${index++}]`
        if (isFloatArray(vector)) {
          if (vector.length !== d) throw this.#lengthError(name, vector.length)
        } else this.#checkPlainVector(vector, name)
        rows.set(vector, size * d)
        size++
      },
      get size() {
        return size
      },
      seal: () => {
        const batch = rows.subarray(0, size * d)
        rows = new Float64Array(batchSize * d)
        size = 0
        return this.#scoreMatrixAsync(batch, undefined, { parallel: true, signal: undefined, privateRows: true })
      },
    }
  }

  #toMatrix(rows: FeatureRows): FloatArray {
    const d = this.#weights.length
    if (isFloatArray(rows)) {
      if (rows.length % d !== 0) {
        throw invalidValue('rows', `a length that is a multiple of the model's ${d} features`, `rows.length ${rows.length}, which is not a multiple of ${d}`)
      }
      return rows
    }
    if (!Array.isArray(rows)) throw invalidType('rows', 'a Float64Array, a Float32Array or an array of feature vectors', rows)
    const matrix = new Float64Array(rows.length * d)
    for (let i = 0; i < rows.length; i++) {
      const row: unknown = rows[i]
      const name = `rows[${i}]`
      if (isFloatArray(row)) {
        if (row.length !== d) throw this.#lengthError(name, row.length)
      } else this.#checkPlainVector(row, name)
      matrix.set(row as NumericVector, i * d)
    }
    return matrix
  }

  #outFor(rows: FloatArray, out: unknown): Float64Array {
    const n = rows.length / this.#weights.length
    if (out === undefined) return new Float64Array(n)
    if (!(out instanceof Float64Array)) throw invalidType('options.out', 'an instance of Float64Array', out)
    if (out.length !== n) throw invalidValue('options.out', `a Float64Array of length ${n} (one score per row)`, `length ${out.length}`)
    assertNoOverlap(rows, 'rows', out, 'options.out')
    return out
  }

  #checkPlainVector(vector: unknown, name: string): asserts vector is readonly number[] {
    if (!Array.isArray(vector)) throw invalidType(name, 'an instance of Array, Float64Array or Float32Array', vector)
    if (vector.length !== this.#weights.length) throw this.#lengthError(name, vector.length)
    for (let i = 0; i < vector.length; i++) {
      if (typeof vector[i] !== 'number') throw invalidType(`${name}[${i}]`, 'of type number', vector[i])
    }
  }

  #lengthError(name: string, length: number): RangeError {
    return invalidValue(name, `a vector of the model's ${this.#weights.length} features`, `length ${length}`)
  }

  #booleanOption(value: unknown, name: string): boolean {
    if (typeof value !== 'boolean') throw invalidType(name, 'of type boolean', value)
    return value
  }

  #streamOptions(options: ScoreStreamOptions | undefined): { batchSize: number; concurrency: number } {
    const opts = optionsObject(options)
    return {
      batchSize: opts.batchSize === undefined ? 1024 : integerInRange(opts.batchSize, 'options.batchSize', 1, 1 << 24),
      concurrency: opts.concurrency === undefined ? 2 : integerInRange(opts.concurrency, 'options.concurrency', 1, 64),
    }
  }
}

function nativeModule(): NativeBinding {
  return native!
}
