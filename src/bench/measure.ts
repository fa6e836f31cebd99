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
