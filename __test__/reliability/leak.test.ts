/**
 * Leak check in a child process started with --expose-gc (fixture __test__/fixtures/leak.mjs,
 * importing the built dist/index.js): 1,000,000 calls in total of score (400k, half of them
 * native on a 256-feature model), scoreBatch (500k, 16-row batches through the native fast path,
 * with and without `out`, f64 and f32) and scoreBatchAsync (100k calls of 1,700-row batches
 * through the native async task: copied f64 and f32 rows, SharedArrayBuffer rows; 100 concurrent
 * at a time). RSS is measured after a warm-up and at the end, each after gc().
 *
 * Bound: RSS may grow by less than 64 MiB between warm-up and end. Leaking the rows each async
 * call copies (133-266 KiB x 90k measured calls, over 10 GiB), a result array (13 KiB per async
 * call), or any allocation of 80 bytes or more per call over the 900k measured calls (69 MiB),
 * exceeds it.
 */
import { describe, expect, it } from 'vitest'
import { distIndexUrl, fixture, lastJson, requireDist, runNode } from '../helpers/runtime.js'

const BOUND_BYTES = 64 * 1024 * 1024

describe('memory', () => {
  it('1,000,000 calls of score / scoreBatch / scoreBatchAsync grow RSS by less than 64 MiB after warm-up', async () => {
    requireDist()
    const result = await runNode(fixture('leak.mjs'), [distIndexUrl], { nodeArgs: ['--expose-gc'], timeoutMs: 120_000 })
    expect(result.timedOut).toBe(false)
    expect(result.code, result.stderr).toBe(0)
    const report = lastJson<{ rssWarm: number; rssEnd: number; growth: number; total: number; calls: Record<string, number>; checksumFinite: boolean }>(result.stdout)
    expect(report.total).toBe(1_000_000)
    expect(report.calls).toEqual({ score: 400_000, scoreBatch: 500_000, scoreBatchAsync: 100_000 })
    expect(report.checksumFinite).toBe(true)
    expect(report.growth, `RSS ${(report.rssWarm / 2 ** 20).toFixed(1)} MiB after warm-up, ${(report.rssEnd / 2 ** 20).toFixed(1)} MiB at the end`).toBeLessThan(BOUND_BYTES)
  }, 120_000)

  it('600,000 calls of the vector, integer and statistics kernels grow RSS by less than 64 MiB after warm-up', async () => {
    // Fixture __test__/fixtures/leak-kernels.mjs: raw N-API vector calls (300k), vector AsyncTasks
    // on copied and shared 70,000-element inputs (20k), primes results (100k), BigInt results
    // (100k), sieve AsyncTasks (20k) and Accumulator.addMany through the native kernel (60k).
    // Leaking a primes result (1-2 KB, 90k measured calls) or an async input copy (560 KB) exceeds
    // the bound; so did Rust-owned result arrays that V8 could not account for.
    requireDist()
    const result = await runNode(fixture('leak-kernels.mjs'), [distIndexUrl], { nodeArgs: ['--expose-gc'], timeoutMs: 120_000 })
    expect(result.timedOut).toBe(false)
    expect(result.code, result.stderr).toBe(0)
    const report = lastJson<{ rssWarm: number; rssEnd: number; growth: number; total: number; checksumFinite: boolean }>(result.stdout)
    expect(report.total).toBe(600_000)
    expect(report.checksumFinite).toBe(true)
    expect(report.growth, `RSS ${(report.rssWarm / 2 ** 20).toFixed(1)} MiB after warm-up, ${(report.rssEnd / 2 ** 20).toFixed(1)} MiB at the end`).toBeLessThan(BOUND_BYTES)
  }, 120_000)
})
