/**
 * A counting semaphore for native async work. Every async task occupies a thread of libuv's
 * pool, which Node shares with fs, dns, crypto and zlib (4 threads unless UV_THREADPOOL_SIZE says
 * otherwise); hotpath keeps at most half of it busy so the rest of the process keeps its I/O.
 */

/** Native async tasks hotpath runs at once: half the libuv pool, at least 1. */
export const NATIVE_TASK_SLOTS = Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2))

export class Limiter {
  #free: number
  readonly #waiting: (() => void)[] = []

  constructor(slots: number) {
    this.#free = slots
  }

  /** Whether a slot is free now, so `run` would start its task before returning. */
  get idle(): boolean {
    return this.#free > 0
  }

  /** Runs `task` once a slot is free; the slot is released when its promise settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#free++
    }
  }
}

/** The process-wide limiter for hotpath's native async tasks. */
export const nativeTasks = new Limiter(NATIVE_TASK_SLOTS)
