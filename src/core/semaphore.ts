/**
 * A counting semaphore for native async work. Every async task occupies a thread of libuv's
 * pool, which Node shares with fs, dns, crypto and zlib (4 threads unless UV_THREADPOOL_SIZE says
 * otherwise); hotpath keeps at most half of it busy so the rest of the process keeps its I/O.
 * It also knows which calls are in flight, so a `NativeBuffer` disposed meanwhile can wait for
 * them (`afterInFlight`).
 */

/** Native async tasks hotpath runs at once: half the libuv pool, at least 1. */
export const NATIVE_TASK_SLOTS = Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2))

export class Limiter {
  readonly slots: number
  #free: number
  readonly #waiting: (() => void)[] = []
  /** Calls entered and not settled, by entry number (a Set iterates oldest first). */
  readonly #inFlight = new Set<number>()
  #entered = 0
  /** Work to run once every call entered before it (`after`) has settled, oldest first. */
  readonly #deferred: { after: number; run: () => void }[] = []

  constructor(slots: number) {
    this.slots = slots
    this.#free = slots
  }

  /** Whether a slot is free now, so `run` would start its task before returning. */
  get idle(): boolean {
    return this.#free > 0
  }

  /** Tasks holding a slot now. */
  get running(): number {
    return this.slots - this.#free
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.#waiting.length
  }

  /** Runs `task` once a slot is free; the slot is released when its promise settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const entry = ++this.#entered
    this.#inFlight.add(entry)
    try {
      if (this.#free > 0) this.#free--
      else await new Promise<void>((resolve) => this.#waiting.push(resolve))
      try {
        return await task()
      } finally {
        const next = this.#waiting.shift()
        if (next) next()
        else this.#free++
      }
    } finally {
      this.#inFlight.delete(entry)
      this.#flushDeferred()
    }
  }

  /** Runs `work` now if no call is in flight, else once every call in flight now has settled. */
  afterInFlight(work: () => void): void {
    if (this.#inFlight.size === 0) work()
    else this.#deferred.push({ after: this.#entered, run: work })
  }

  #flushDeferred(): void {
    const oldest = this.#inFlight.values().next()
    const firstLive = oldest.done ? Infinity : oldest.value
    while (this.#deferred.length > 0 && this.#deferred[0].after < firstLive) this.#deferred.shift()!.run()
  }
}

/** The process-wide limiter for hotpath's native async tasks. */
export const nativeTasks = new Limiter(NATIVE_TASK_SLOTS)
