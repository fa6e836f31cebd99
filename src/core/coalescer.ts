/**
 * Request coalescing for services: many small calls that arrive close together become one batch,
 * and each caller gets its own result (or its own error).
 */

interface Waiter<O> {
  resolve(value: O): void
  reject(error: unknown): void
}

export interface CoalescerOptions {
  /** Flush as soon as this many items are queued. */
  maxBatch: number
  /** Flush at most this long after the first queued item; 0 flushes once the current event-loop turn's I/O callbacks have run. */
  maxWaitMs: number
}

/** Collects items and runs them as one batch; `run` must return one result per item, in order. */
export class Coalescer<I, O> {
  #items: I[] = []
  #waiters: Waiter<O>[] = []
  #timer: NodeJS.Immediate | NodeJS.Timeout | undefined
  readonly #run: (items: I[]) => ArrayLike<O>
  readonly #options: CoalescerOptions

  constructor(run: (items: I[]) => ArrayLike<O>, options: CoalescerOptions) {
    this.#run = run
    this.#options = options
  }

  /** Items waiting for the next flush. */
  get pending(): number {
    return this.#items.length
  }

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#items.push(item)
      this.#waiters.push({ resolve, reject })
      if (this.#items.length >= this.#options.maxBatch) this.flush()
      else if (this.#timer === undefined) {
        this.#timer = this.#options.maxWaitMs > 0 ? setTimeout(() => this.flush(), this.#options.maxWaitMs) : setImmediate(() => this.flush())
      }
    })
  }

  /** Runs everything queued now. */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer as NodeJS.Timeout)
      clearImmediate(this.#timer as NodeJS.Immediate)
      this.#timer = undefined
    }
    const items = this.#items
    const waiters = this.#waiters
    if (items.length === 0) return
    this.#items = []
    this.#waiters = []
    let results: ArrayLike<O>
    try {
      results = this.#run(items)
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error)
      return
    }
    for (let i = 0; i < waiters.length; i++) waiters[i].resolve(results[i])
  }
}
