/** Timing helpers over tinybench: median latency of a task, in one process, same inputs for all. */
import { Bench } from 'tinybench'

export interface MeasureOptions {
  /** Time budget per task in ms. */
  time: number
  /** Minimum iterations per task. */
  iterations: number
}

/** Median milliseconds of one call of each task, run one after the other in this process. */
export async function medians(tasks: Record<string, () => unknown>, options: MeasureOptions): Promise<Record<string, number>> {
  const bench = new Bench({ time: options.time, iterations: options.iterations, warmupTime: Math.min(100, options.time), warmupIterations: 1 })
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn)
  await bench.run()
  const result: Record<string, number> = {}
  for (const task of bench.tasks) {
    const r = task.result as { state?: string; latency?: { p50: number }; error?: unknown }
    if (!r.latency) throw new Error(`benchmark task "${task.name}" failed: ${String(r.error ?? r.state)}`)
    result[task.name] = r.latency.p50
  }
  return result
}

/** Keeps results observable so the JIT cannot drop the measured work. */
export const sink = { value: 0 }

/**
 * How each task's turn runs in the interleaved timers: `warm` untimed rounds before the first,
 * and `timed` calls per turn (after one untimed call when more than one), for calls of a few ms
 * whose steady state (threads awake, caches warm, as when a program calls repeatedly) matters
 * more than the first call after another task.
 */
export interface TurnOptions {
  warm?: number
  timed?: number
  /** Told which case runs, at most every {@link PROGRESS_EVERY_MS}, so long tables never go quiet. */
  progress?: (message: string) => void
}

/** How often a long interleaved measurement reports which case and round it is in. */
export const PROGRESS_EVERY_MS = 5000

/** Calls `progress` with the case and round when {@link PROGRESS_EVERY_MS} passed since the last call. */
function throttled(progress: ((message: string) => void) | undefined, rounds: number): (name: string, round: number) => void {
  if (!progress) return () => {}
  let last = performance.now()
  return (name, round) => {
    const now = performance.now()
    if (now - last < PROGRESS_EVERY_MS) return
    last = now
    progress(round < 0 ? `${name} (warm-up)` : `${name} (round ${round + 1} of ${rounds})`)
  }
}

/**
 * Median milliseconds per call of each task, sampling the tasks in turn (A, B, C, A, B, C, ...)
 * instead of one after the other. Sub-microsecond calls on a shared machine drift by 20-30% over
 * seconds (frequency, neighbours); interleaving exposes every task to the same drift, so their
 * ratios stay meaningful. Each task must run a fixed batch of calls per invocation.
 */
export function interleavedMedians(tasks: Record<string, () => unknown>, rounds: number, turn: TurnOptions = {}): Record<string, number> {
  const names = Object.keys(tasks)
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  const { warm = 20, timed = 1 } = turn
  const report = throttled(turn.progress, rounds)
  for (let w = 0; w < warm; w++) {
    for (const name of names) {
      report(name, -1)
      tasks[name]()
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      report(name, round)
      // The task's own warm-up call of this turn (threads awake, caches refilled) is not timed.
      if (timed > 1) tasks[name]()
      for (let t = 0; t < timed; t++) {
        const start = performance.now()
        tasks[name]()
        samples[name].push(performance.now() - start)
      }
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const sorted = samples[name].sort((a, b) => a - b)
      return [name, sorted[sorted.length >> 1]]
    }),
  )
}

/** {@link interleavedMedians} for async tasks: median milliseconds of one run of each. */
export async function interleavedMediansAsync(tasks: Record<string, () => Promise<unknown>>, rounds: number, turn: TurnOptions = {}): Promise<Record<string, number>> {
  const names = Object.keys(tasks)
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  const { warm = 1, timed = 1 } = turn
  const report = throttled(turn.progress, rounds)
  for (let w = 0; w < warm; w++) {
    for (const name of names) {
      report(name, -1)
      await tasks[name]()
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      report(name, round)
      if (timed > 1) await tasks[name]()
      for (let t = 0; t < timed; t++) {
        const start = performance.now()
        await tasks[name]()
        samples[name].push(performance.now() - start)
      }
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const sorted = samples[name].sort((a, b) => a - b)
      return [name, sorted[sorted.length >> 1]]
    }),
  )
}
