/**
 * Streaming over batch kernels: items are gathered into batches, up to `concurrency` batches run
 * at once, and outputs come out in input order. Batches small enough to compute on the spot are
 * emitted at once. Memory stays bounded by `batchSize * (concurrency + 1)` items plus the
 * buffers (one batch of input, two of output).
 */
import { Transform, type TransformCallback } from 'node:stream'
import { subscribeAbort } from './abort.js'
import { abortErrorFor } from './errors.js'
import { coded } from './guard.js'

/** How a kernel plugs into the generic batching stream. */
export interface BatchSink<In, Out> {
  /** Validates `item` and appends it to the open batch; throws on bad input. */
  add(item: In): void
  /** Items in the open batch. */
  readonly size: number
  /**
   * Closes the open batch and returns its outputs, one per item: directly when the batch is small
   * enough to compute on the spot, or as a promise when it runs off the JS thread.
   */
  seal(): ArrayLike<Out> | Promise<ArrayLike<Out>>
}

export interface BatchStreamOptions {
  batchSize: number
  concurrency: number
}

/** An object-mode Transform that feeds a {@link BatchSink} and emits its outputs in order. */
export class OrderedBatchTransform<In, Out> extends Transform {
  readonly #sink: BatchSink<In, Out>
  readonly #options: BatchStreamOptions
  readonly #inflight: Promise<ArrayLike<Out>>[] = []

  constructor(sink: BatchSink<In, Out>, options: BatchStreamOptions) {
    // Room for one batch of input and two of output, so a batch emitted at once does not stall
    // the next one; memory stays bounded by a few batches.
    super({ objectMode: true, writableHighWaterMark: options.batchSize, readableHighWaterMark: 2 * options.batchSize })
    this.#sink = sink
    this.#options = options
  }

  override _transform(item: In, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#sink.add(item)
      if (this.#sink.size < this.#options.batchSize) {
        callback()
        return
      }
      this.#dispatch()
    } catch (error) {
      callback(coded(error) as Error)
      return
    }
    if (this.#inflight.length < this.#options.concurrency) callback()
    else this.#emitHead().then(() => callback(), (error: unknown) => callback(coded(error) as Error))
  }

  #push(outputs: ArrayLike<Out>): void {
    for (let i = 0; i < outputs.length; i++) this.push(outputs[i])
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.#sink.size > 0) this.#dispatch()
    } catch (error) {
      callback(coded(error) as Error)
      return
    }
    const drain = async (): Promise<void> => {
      while (this.#inflight.length > 0) await this.#emitHead()
    }
    drain().then(() => callback(), (error: unknown) => callback(coded(error) as Error))
  }

  #dispatch(): void {
    const sealed = this.#sink.seal()
    if (!(sealed instanceof Promise) && this.#inflight.length === 0) {
      // Computed on the spot and nothing ahead of it: emit now, no batch to wait for.
      this.#push(sealed)
      return
    }
    const batch = Promise.resolve(sealed)
    // Rejections are delivered through #emitHead; this only keeps them from being reported as
    // unhandled while the batch waits its turn.
    batch.catch(() => {})
    this.#inflight.push(batch)
  }

  async #emitHead(): Promise<void> {
    const head = this.#inflight.shift()
    if (!head) return
    this.#push(await head)
  }
}

/**
 * Pulls from an (async) iterable one item at a time, racing each pull against `signal`: an abort
 * rejects the pending pull with an AbortError even while the source is waiting.
 */
export function puller<T>(source: Iterable<T> | AsyncIterable<T>, signal: AbortSignal | undefined) {
  const iterator: Iterator<T> | AsyncIterator<T> =
    Symbol.asyncIterator in source ? (source as AsyncIterable<T>)[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]()
  let aborted: Promise<never> | undefined
  let unsubscribe: (() => void) | undefined
  if (signal) {
    aborted = new Promise<never>((_, reject) => {
      const onAbort = (): void => reject(abortErrorFor(signal))
      if (signal.aborted) onAbort()
      else unsubscribe = subscribeAbort(signal, onAbort)
    })
    aborted.catch(() => {})
  }
  return {
    next: (): Promise<IteratorResult<T>> => {
      const pulled = Promise.resolve(iterator.next())
      return aborted ? Promise.race([pulled, aborted]) : pulled
    },
    /**
     * Tells the source we are done. Not awaited: an async generator suspended in its own `await`
     * settles `return()` only after that await, which would defeat an abort.
     */
    close: (): void => {
      // A long-lived signal must not keep a listener per finished iteration.
      unsubscribe?.()
      try {
        Promise.resolve(iterator.return?.()).catch(() => {})
      } catch {
        // A throwing return() has nothing left to clean up for us.
      }
    },
  }
}
