/**
 * Progress of long async calls, reported from native code: the kernel counts its units of work on
 * the call's cancel token, and a thread-safe function brings the count to the JS thread (weak, a
 * queue of one, never blocking the kernel). This module validates the options, keeps the calls
 * the user sees increasing and rate-limited, makes the last one `done === total`, and turns a
 * throwing callback into a stopped, rejected call.
 */
import { invalidType, ProgressCallbackError } from './errors.js'
import { nonNegativeNumber } from './validate.js'

/** How far a call has come, in the call's own units (rows, images' rows, points, bytes, ...). */
export interface Progress {
  done: number
  total: number
}

export interface ProgressOptions {
  /**
   * Called on the JS thread while the call runs, at most every `progressIntervalMs`, with `done`
   * increasing, and once with `done === total` just before the promise resolves. Intermediate
   * updates are dropped while the callback is still pending, never queued. If it throws, the
   * native work stops and the call rejects with `ERR_HOTPATH_PROGRESS_CALLBACK`, `cause` being
   * what it threw.
   */
  onProgress?: (progress: Progress) => void
  /** Minimum time between two `onProgress` calls, in milliseconds. Default 100. */
  progressIntervalMs?: number
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 100

interface ProgressSource {
  watchProgress(callback: (done: number, total: number) => void, intervalMs: number): void
  readonly progressDone: number
  readonly progressTotal: number
  cancel(): void
}

/** One call's progress reporting. */
export class ProgressWatch {
  readonly #callback: (progress: Progress) => void
  readonly intervalMs: number
  /** The call's total when the facade knows it better than a single native task (chunked calls). */
  #total: number | undefined
  /** The caller's units, when native counts are scaled to them. */
  #scale: number | undefined
  #lastDone = -1
  #stopped = false
  #failure: { error: unknown } | undefined

  constructor(callback: (progress: Progress) => void, intervalMs: number) {
    this.#callback = callback
    this.intervalMs = intervalMs
  }

  /** Fixes the total (chunked calls announce their chunks one by one natively). */
  withTotal(total: number): this {
    this.#total = total
    return this
  }

  /**
   * Shows native progress in the caller's units: `total` of them, native counts scaled to it.
   * For kernels whose natural units are internal (the sieve's bytes, Fibonacci's doubling
   * steps), so a call reports the same total however it runs (inline or native).
   */
  scaledTo(total: number): this {
    this.#scale = total
    return this
  }

  /** Routes `token`'s native progress here; a throwing callback cancels `token`. */
  attach(token: ProgressSource): void {
    token.watchProgress((done, total) => {
      const scale = this.#scale
      const shown = scale === undefined ? done : total > 0 ? Math.floor((done / total) * scale) : 0
      if (this.#deliver(shown, scale ?? this.#total ?? total)) token.cancel()
    }, this.intervalMs)
  }

  /** Ends the reporting of a call that failed: an update still queued natively is dropped, not shown after the rejection. */
  stop(): void {
    this.#stopped = true
  }

  /** Throws the callback's failure, if it threw: call after the native work settled either way. */
  throwIfFailed(): void {
    if (this.#failure) throw new ProgressCallbackError('The onProgress callback threw; the call was stopped', { cause: this.#failure.error })
  }

  /** The last call, `done === total`, before the promise resolves (`total` from `token` unless fixed). */
  complete(token?: ProgressSource, units = 0): void {
    this.throwIfFailed()
    const total = this.#scale ?? this.#total ?? (token && token.progressTotal > 0 ? token.progressTotal : units)
    this.#deliver(total, total)
    this.#stopped = true
    this.throwIfFailed()
  }

  /** Calls the callback unless the update is stale; returns whether the callback threw. */
  #deliver(done: number, total: number): boolean {
    // Native totals of chunked work may trail the count for a moment; never show done > total.
    const shown = Math.min(done, total)
    if (this.#stopped || shown <= this.#lastDone) return false
    this.#lastDone = shown
    try {
      this.#callback({ done: shown, total })
      return false
    } catch (error) {
      this.#failure = { error }
      this.#stopped = true
      return true
    }
  }
}

/** Validates `options.onProgress` and `options.progressIntervalMs`; undefined without a callback. */
export function progressOption(options: ProgressOptions, name = 'options'): ProgressWatch | undefined {
  const { onProgress, progressIntervalMs } = options
  const interval = progressIntervalMs === undefined ? DEFAULT_PROGRESS_INTERVAL_MS : nonNegativeNumber(progressIntervalMs, `${name}.progressIntervalMs`, 2 ** 31 - 1)
  if (onProgress === undefined) return undefined
  if (typeof onProgress !== 'function') throw invalidType(`${name}.onProgress`, 'of type function', onProgress)
  return new ProgressWatch(onProgress, interval)
}
