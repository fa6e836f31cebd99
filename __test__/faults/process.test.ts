/**
 * Faults at the process and thread level (issue 11, item 5), each in a child process running the
 * build (dist/), so a crash fails the test instead of killing the runner:
 *
 * - `worker.terminate()` while every kind of async call is in flight (26 kinds: the vector, integer
 *   and geo tasks, scoreBatchAsync on copied and shared rows, scoreQueued, scoreIterable,
 *   scoreStream, accumulate, the image twins, convolveEach and convolveStream), 100 times at varied
 *   moments: no crash, every worker exits, RSS after gc grows by less than 64 MiB between round 10
 *   and round 100 (a leaked worker environment or input copy per round is far more), no active
 *   resources are left, and the parent's own native calls still work afterwards.
 * - `process.exit(code)` with all of those in flight and seconds of native work queued: the process
 *   exits with that code, promptly.
 */
import { describe, expect, it } from 'vitest'
import { distIndexUrl, lastJson, repoRoot, requireDist, runNode } from '../helpers/runtime.js'

const fixture = (name: string): string => `${repoRoot}__test__/faults/fixtures/${name}`
const GROWTH_BOUND = 64 * 1024 * 1024

describe('faults: threads and processes', () => {
  it('worker.terminate() while every kind of async call is in flight, 100 times: no crash, no leak, the pool still works', async () => {
    requireDist()
    const result = await runNode(fixture('terminate.mjs'), [distIndexUrl, '100'], { nodeArgs: ['--expose-gc'], timeoutMs: 170_000 })
    expect(result.timedOut, 'hung').toBe(false)
    expect(result.signal, result.stderr).toBeNull()
    expect(result.code, result.stderr).toBe(0)
    const report = lastJson<{ rounds: number; kinds: number; exitCodes: number[]; rssWarm: number; rssEnd: number; growth: number; resourcesWarm: number; resourcesEnd: number; poolWorks: boolean }>(result.stdout)
    expect(report.rounds).toBe(100)
    expect(report.kinds).toBeGreaterThanOrEqual(26)
    // A terminated worker exits with code 1.
    expect(report.exitCodes).toEqual([1])
    expect(report.growth, `RSS ${(report.rssWarm / 2 ** 20).toFixed(1)} MiB after 10 rounds, ${(report.rssEnd / 2 ** 20).toFixed(1)} MiB after 100`).toBeLessThan(GROWTH_BOUND)
    expect(report.resourcesEnd).toBeLessThanOrEqual(report.resourcesWarm)
    expect(report.poolWorks).toBe(true)
  }, 180_000)

  for (const code of [0, 7]) {
    it(`process.exit(${code}) with every kind of async call in flight exits promptly with code ${code}`, async () => {
      requireDist()
      const result = await runNode(fixture('exit.mjs'), [distIndexUrl, String(code), '30'], { timeoutMs: 30_000 })
      const exited = Date.now()
      expect(result.timedOut, 'the process did not exit').toBe(false)
      expect(result.signal, result.stderr).toBeNull()
      expect(result.code, result.stderr).toBe(code)
      expect(result.stderr).not.toMatch(/panick|abort|Assertion|FATAL/i)
      const report = lastJson<{ kinds: number; exitAt: number }>(result.stdout)
      expect(report.kinds).toBeGreaterThanOrEqual(29)
      // The queued work alone takes seconds (two countPrimes(2^32), fibonacci(10^7)).
      expect(exited - report.exitAt, 'ms from process.exit() to the parent seeing the exit').toBeLessThan(1500)
    }, 40_000)
  }
})
