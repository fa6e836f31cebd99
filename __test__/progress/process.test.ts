/**
 * Progress reporting and the life of processes and worker threads, in child processes against
 * the build (dist/ and the native binary), because what is checked is how they end:
 * - process.exit() while a long native call is reporting progress (from the next turn, and from
 *   inside onProgress itself) exits with code 0, no crash signal, no panic or segfault;
 * - after calls with onProgress settle (resolved, stopped by a throwing callback, aborted), the
 *   process ends on its own: the weak progress thread-safe function never keeps it alive;
 * - 100 worker_threads (4 at a time) terminated while their native calls report progress leave
 *   the addon working (fixtures progress-workers.mjs and progress-worker.mjs).
 * Fixtures: __test__/fixtures/progress-exit.mjs, progress-workers.mjs, progress-worker.mjs.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { distIndexUrl, fixture, lastJson, requireDist, runNode, type ChildResult } from '../helpers/runtime.js'

/** A clean end: not killed by our timeout, no signal, exit code 0, nothing crash-like on stderr. */
function expectCleanExit(result: ChildResult, what: string): void {
  expect(result.timedOut, `${what}: still running when the timeout killed it\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(false)
  expect(result.signal, `${what}: ended by a signal\nstderr: ${result.stderr}`).toBeNull()
  expect(result.code, `${what}: exit code\nstderr: ${result.stderr}`).toBe(0)
  for (const crash of ['panic', 'Segmentation', 'FATAL ERROR', 'Assertion failed', 'core dumped']) {
    expect(result.stderr, `${what}: stderr mentions '${crash}'`).not.toContain(crash)
  }
}

async function runExitFixture(mode: string): Promise<{ result: ChildResult; ms: number }> {
  const t0 = performance.now()
  const result = await runNode(fixture('progress-exit.mjs'), [distIndexUrl, mode], { timeoutMs: 30_000 })
  return { result, ms: performance.now() - t0 }
}

describe('a process reporting progress from native code ends cleanly', () => {
  beforeAll(() => requireDist())

  it('process.exit(0) on the turn after the first update of primesAsync(4e9) exits with code 0, no crash', async () => {
    const { result, ms } = await runExitFixture('exit')
    expectCleanExit(result, `exit (child ran ${ms.toFixed(0)} ms)`)
    const report = lastJson<{ first: { done: number; total: number }; error?: string }>(result.stdout)
    expect(report.error).toBeUndefined()
    // It exited mid-call: the first update was an intermediate one.
    expect(report.first.done).toBeGreaterThan(0)
    expect(report.first.done).toBeLessThan(report.first.total)
  })

  it('process.exit(0) from inside onProgress during primesAsync(4e9) exits with code 0, no crash', async () => {
    const { result, ms } = await runExitFixture('exit-in-callback')
    expectCleanExit(result, `exit-in-callback (child ran ${ms.toFixed(0)} ms)`)
    const report = lastJson<{ first: { done: number; total: number }; error?: string }>(result.stdout)
    expect(report.error).toBeUndefined()
    expect(report.first.done).toBeLessThan(report.first.total)
  })

  it('after awaiting calls with onProgress in four families, the event loop empties and the process exits by itself', async () => {
    const { result } = await runExitFixture('await')
    expectCleanExit(result, 'await')
    const report = lastJson<{ ok: Record<string, boolean>; finals: Record<string, { updates: number; last: [number, number] }> }>(result.stdout)
    expect(report.ok).toEqual({ primes: true, score: true, blur: true, tokens: true })
    for (const [name, { updates, last }] of Object.entries(report.finals)) {
      expect(updates, name).toBeGreaterThanOrEqual(1)
      expect(last[0], `${name}: last update done === total`).toBe(last[1])
    }
  })

  it('after a throwing onProgress stopped primesAsync(4e9), the process exits by itself', async () => {
    const { result } = await runExitFixture('throw')
    expectCleanExit(result, 'throw')
    const report = lastJson<{ outcome: { code?: string; causeIsThrown?: boolean; resolved?: boolean }; calls: number }>(result.stdout)
    expect(report.outcome).toEqual({ code: 'ERR_HOTPATH_PROGRESS_CALLBACK', causeIsThrown: true })
    expect(report.calls).toBe(1)
  })

  it('after an AbortSignal stopped primesAsync(4e9) mid-call, the process exits by itself', async () => {
    const { result } = await runExitFixture('abort')
    expectCleanExit(result, 'abort')
    const report = lastJson<{ outcome: { code?: string; name?: string; resolved?: boolean } }>(result.stdout)
    expect(report.outcome).toEqual({ code: 'ABORT_ERR', name: 'AbortError' })
  })
})

interface WorkersReport {
  started: number
  progressed: number
  terminated: number
  exitCodes: Record<string, number>
  finishedBeforeTerminate: number
  failures: string[]
  errors: string[]
  noProgress: string[]
  workersMs: number
  final: { primes: number; updates: number; lastIsTotal: boolean; increasing: boolean }
}

describe('worker_threads terminated while their native calls report progress', () => {
  beforeAll(() => requireDist())

  it('100 workers (4 at a time), each terminated at or just after its first update: all exit, the process exits 0, and the addon still works', async () => {
    const t0 = performance.now()
    const result = await runNode(fixture('progress-workers.mjs'), [distIndexUrl], { timeoutMs: 55_000 })
    const ms = performance.now() - t0
    expectCleanExit(result, `progress-workers (child ran ${ms.toFixed(0)} ms)`)
    const report = lastJson<WorkersReport>(result.stdout)
    expect(report.errors).toEqual([])
    expect(report.failures).toEqual([])
    expect(report.noProgress).toEqual([])
    expect(report.started).toBe(100)
    expect(report.progressed).toBe(100)
    expect(report.terminated, `exit codes ${JSON.stringify(report.exitCodes)}`).toBe(100)
    expect(report.final).toEqual({ primes: 11_078_937, updates: report.final.updates, lastIsTotal: true, increasing: true })
    expect(report.final.updates).toBeGreaterThanOrEqual(1)
  }, 60_000)
})
