/**
 * Streaming over batch kernels: items are gathered into batches, up to `concurrency` batches run
 * at once, and outputs come out in input order. Memory stays bounded by
 * `batchSize * (concurrency + 1)` items plus the readable side's buffer.
 */
import { Transform, type TransformCallback } from 'node:stream'

/** How a kernel plugs into the generic batching stream. */
export interface BatchSink<In, Out> {
  /** Validates `item` and appends it to the open batch; throws on bad input. */
  add(item: In): void
  /** Items in the open batch. */
  readonly size: number
  /** Closes the open batch, starts computing it and returns its outputs, one per item. */
  seal(): Promise<ArrayLike<Out>>
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
    // The readable side holds at most one batch of outputs before backpressure applies.
    super({ objectMode: true, highWaterMark: options.batchSize })
    this.#sink = sink
    this.#options = options
  }

  override _transform(item: In, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#sink.add(item)
    } catch (error) {
      callback(error as Error)
      return
    }
    if (this.#sink.size < this.#options.batchSize) {
      callback()
      return
    }
    this.#dispatch()
    if (this.#inflight.length < this.#options.concurrency) callback()
    else this.#emitHead().then(() => callback(), callback)
  }

  override _flush(callback: TransformCallback): void {
    if (this.#sink.size > 0) this.#dispatch()
    const drain = async (): Promise<void> => {
      while (this.#inflight.length > 0) await this.#emitHead()
    }
    drain().then(() => callback(), callback)
  }

  #dispatch(): void {
    const batch = this.#sink.seal()
    // Rejections are delivered through #emitHead; this only keeps them from being reported as
    // unhandled while the batch waits its turn.
    batch.catch(() => {})
    this.#inflight.push(batch)
  }

  async #emitHead(): Promise<void> {
    const head = this.#inflight.shift()
    if (!head) return
    const outputs = await head
    for (let i = 0; i < outputs.length; i++) this.push(outputs[i])
  }
}
