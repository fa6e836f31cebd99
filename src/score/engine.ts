/**
 * The scoring engine behind `RiskModel`: holds the validated weights and the native model, and
 * decides per call whether JavaScript or native code runs it (sync) and how async work is cut
 * into chunks. Internal: the public API is `RiskModel`.
 */
import { types } from 'node:util'
import { subscribeAbort } from '../core/abort.js'
import { abortErrorFor, fromNative, invalidValue } from '../core/errors.js'
import { nativeTasks } from '../core/semaphore.js'
import { native, type NativeBinding } from '../core/native.js'
import type { ProgressWatch } from '../core/progress.js'
import { lengthOf } from '../core/intrinsics.js'
import { scoreRow, scoreRows } from './reference.js'
import { isDetachable, plainView, type FloatArray, type NumericVector } from '../core/validate.js'

type NativeRiskModel = InstanceType<NativeBinding['NativeRiskModel']>
type CancelToken = InstanceType<NativeBinding['CancelToken']>

type FastCalls = ReturnType<NativeRiskModel['fastCalls']>

/**
 * Vectors shorter than this are scored in JavaScript by `score()`: one native call costs ~0.2 us
 * on the reference machine, as much as ~50 features take in optimized JS. `hotpath bench`
 * (dispatch table) measured native at 0.85-0.90x the JS path for D = 64, 1.34x for D = 128 and
 * 1.9-2.0x for D = 256.
 */
export const SINGLE_NATIVE_MIN_FEATURES = 128

/**
 * Batches with fewer values (N x D) than this are scored in JavaScript, where the fixed cost of a
 * native call (~0.4 us) exceeds the work (~0.1 us per 20-feature row). `hotpath bench` (dispatch
 * table) measured native at 0.98x the JS path for 4 rows of 20 and 3.5x for 16 rows.
 */
export const BATCH_NATIVE_MIN_VALUES = 128

/**
 * Async calls copy detachable input in chunks of this many bytes on the JS thread. Smaller chunks
 * hold the event loop for less time per copy (an 8 MiB copy takes 1.5-2 ms on the reference
 * machine) but cost one more native round trip each (~0.5 ms there): 4 MiB chunks made a
 * 100,000-row async call take 8.5-10 ms instead of 4.6 ms. Two chunks are copied before the call
 * returns (the snapshot size, 16 MiB).
 */
export const ASYNC_CHUNK_BYTES = 8 << 20

/**
 * Async calls with at most this many values are computed on the calling thread before the
 * promise is returned: about 1,600 rows of 20, under ~20 us of native work, which is less than
 * one round trip through the libuv pool (~50 us measured by `hotpath bench`, async at 1,000 rows).
 * The event loop is never held longer than that.
 */
export const ASYNC_INLINE_MAX_VALUES = 1 << 15

/** Async chunks in flight at once: one computing while the next is copied. */
const ASYNC_CHUNKS_IN_FLIGHT = 2

export interface AsyncRunOptions {
  parallel: boolean
  signal: AbortSignal | undefined
  /** Rows only hotpath holds: JavaScript cannot detach them, so native code reads them in place. */
  privateRows: boolean
  /** Progress in rows scored. */
  progress?: ProgressWatch
}

export class ScoreEngine {
  readonly weights: Float64Array
  readonly threshold: number
  readonly #native: NativeRiskModel | null
  /** Direct N-API entry points bound to the native model, for per-call-sensitive sync paths (crates/hotpath-node/src/fast.rs). */
  readonly #fast: FastCalls | null

  constructor(weights: Float64Array, threshold: number) {
    this.weights = weights
    this.threshold = threshold
    try {
      this.#native = native ? new native.NativeRiskModel(weights, threshold) : null
      this.#fast = this.#native ? this.#native.fastCalls() : null
    } catch (error) {
      throw fromNative(error)
    }
  }

  get features(): number {
    return this.weights.length
  }

  /** One validated vector of length D. */
  scoreOne(features: NumericVector): number {
    if (this.#fast && this.weights.length >= SINGLE_NATIVE_MIN_FEATURES && (features instanceof Float64Array || features instanceof Float32Array)) {
      try {
        return types.isFloat64Array(features) ? this.#fast.scoreF64(features) : this.#fast.scoreF32(features as Float32Array)
      } catch (error) {
        throw fromNative(error)
      }
    }
    return scoreRow(features, 0, this.weights, this.threshold)
  }

  /** A validated N x D matrix into a validated `out` of length N, on the calling thread. */
  scoreMatrix(rows: FloatArray, out: Float64Array, parallel: boolean): void {
    if (!this.#fast || rows.length < BATCH_NATIVE_MIN_VALUES) {
      scoreRows(rows, this.weights, this.threshold, out)
      return
    }
    try {
      if (types.isFloat64Array(rows)) this.#fast.scoreBatchF64(rows, out, !parallel)
      else this.#fast.scoreBatchF32(rows as Float32Array, out, !parallel)
    } catch (error) {
      throw fromNative(error)
    }
  }

  /** Rows per async chunk: ASYNC_CHUNK_BYTES of this element type. */
  #chunkRows(rows: FloatArray): number {
    return Math.max(1, Math.floor(ASYNC_CHUNK_BYTES / (this.weights.length * rows.BYTES_PER_ELEMENT)))
  }

  /**
   * A validated matrix off the JS thread. Detachable rows are copied chunk by chunk just before
   * each chunk is handed to native code (the first two chunks, 16 MiB, before this returns its
   * promise); private or SharedArrayBuffer rows are read in place. Batches of at most
   * ASYNC_INLINE_MAX_VALUES run inline. Without `out`, a single-chunk call returns the native
   * result array itself.
   */
  async scoreMatrixAsync(input: FloatArray, out: Float64Array | undefined, options: AsyncRunOptions): Promise<Float64Array> {
    const { progress } = options
    if (!progress) return this.#scoreMatrixAsync(input, out, options, undefined)
    const token = native ? new native.CancelToken() : undefined
    if (token) progress.withTotal(lengthOf(input) / this.weights.length).attach(token)
    let scores: Float64Array
    try {
      scores = await this.#scoreMatrixAsync(input, out, options, token)
    } catch (error) {
      progress.stop()
      progress.throwIfFailed()
      throw error
    }
    progress.complete(token, lengthOf(input) / this.weights.length)
    return scores
  }

  async #scoreMatrixAsync(input: FloatArray, out: Float64Array | undefined, options: AsyncRunOptions, watched: CancelToken | undefined): Promise<Float64Array> {
    const { parallel, signal } = options
    // Only the built-in view of the memory is trusted from here on (see plainView).
    const rows = plainView(input)
    const d = this.weights.length
    const total = rows.length
    const n = total / d
    if (!this.#native || n === 0) return this.#referenceAsync(rows, out ?? new Float64Array(n), signal)
    if (total <= ASYNC_INLINE_MAX_VALUES) {
      const result = out ?? new Float64Array(n)
      this.scoreMatrix(rows, result, parallel)
      return result
    }
    const model = this.#native
    const token = watched ?? new native!.CancelToken()
    const unsubscribe = signal ? subscribeAbort(signal, () => token.cancel()) : undefined
    const pinned = options.privateRows || !isDetachable(rows)
    if (pinned && out !== undefined && !isDetachable(out)) {
      // Both sides in memory nobody can detach (NativeBuffer, shared): scored in place, no copy.
      const into = plainView(out)
      try {
        await nativeTasks.run(() => (types.isFloat64Array(rows) ? model.scoreBatchF64PinnedIntoAsync(rows, into, !parallel, token) : model.scoreBatchF32PinnedIntoAsync(rows as Float32Array, into, !parallel, token)))
        if (signal?.aborted) throw abortErrorFor(signal)
        return out
      } catch (error) {
        throw signal?.aborted ? abortErrorFor(signal) : fromNative(error, signal)
      } finally {
        unsubscribe?.()
      }
    }
    const chunkRows = pinned ? n : this.#chunkRows(rows)
    const start = (from: number): Promise<Float64Array> => {
      // A detached or resized input cannot be copied as asked: say so instead of scoring garbage.
      if (rows.length !== total) throw detachedDuringCall(total, rows.length)
      const view = rows.subarray(from * d, Math.min(n, from + chunkRows) * d)
      if (pinned) {
        return nativeTasks.run(() => (types.isFloat64Array(view) ? model.scoreBatchF64PinnedAsync(view, !parallel, token) : model.scoreBatchF32PinnedAsync(view as Float32Array, !parallel, token)))
      }
      // Copied now, scheduled when a libuv slot is free.
      const prepared = types.isFloat64Array(view) ? native!.scorePrepareRowsF64(view) : native!.scorePrepareRowsF32(view as Float32Array)
      return nativeTasks.run(() => model.scorePreparedAsync(prepared, !parallel, token))
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
          throw invalidValue('options.out', `a Float64Array of length ${n} for the whole call`, 'an array that was detached or resized during the call')
        }
        out.set(scores, head.from)
      }
      return out ?? new Float64Array(0)
    } catch (error) {
      token.cancel()
      throw error
    } finally {
      unsubscribe?.()
    }
  }

  /**
   * The fallback's async path, with the native path's memory contract: the reference kernel on
   * chunks copied just before they are scored (the first two at the call), yielding to the event
   * loop between chunks.
   */
  async #referenceAsync(rows: FloatArray, out: Float64Array, signal: AbortSignal | undefined): Promise<Float64Array> {
    const d = this.weights.length
    const n = out.length
    const total = rows.length
    const chunkRows = this.#chunkRows(rows)
    const copy = (from: number): FloatArray => {
      if (rows.length !== total) throw detachedDuringCall(total, rows.length)
      return rows.slice(from * d, Math.min(n, from + chunkRows) * d)
    }
    const snapshot = [copy(0), n > chunkRows ? copy(chunkRows) : undefined]
    for (let from = 0, chunk = 0; from < n; from += chunkRows, chunk++) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (signal?.aborted) throw abortErrorFor(signal)
      const to = Math.min(n, from + chunkRows)
      scoreRows(snapshot[chunk] ?? copy(from), this.weights, this.threshold, out.subarray(from, to))
    }
    return out
  }
}

function detachedDuringCall(total: number, now: number): RangeError {
  return invalidValue('rows', `an array that keeps its ${total} values until the call settles`, `an array that was detached or resized during the call (length ${now})`)
}
