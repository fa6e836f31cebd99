/**
 * Memory exhaustion requests (issue 11, item 5): lengths and sizes past what any machine has,
 * given to every API that allocates from a caller's number (a sieve limit, an image's width x
 * height x channels, a stream's batchSize x D, the length of an array of rows, values, points,
 * images or weights, which may be a sparse array of length 2^32 - 1). Each must be rejected
 * promptly with a documented argument code (ERR_OUT_OF_RANGE, or ERR_INVALID_ARG_VALUE /
 * ERR_INVALID_ARG_TYPE for a shape no memory can hold or the hole at index 1), before any
 * allocation: the peak RSS grows by less than 64 MiB. Each case runs in its own process
 * (__test__/faults/fixtures/memory-case.mjs), because a synchronous call looping over 2^32
 * elements cannot be interrupted otherwise.
 */
import { describe, expect, it } from 'vitest'
import { distIndexUrl, lastJson, repoRoot, requireDist, runNode } from '../helpers/runtime.js'

const CASES = [
  'primes(2^40)',
  'primesAsync(2^40)',
  'countPrimes(2^53 - 1)',
  'fibonacci(1e12)',
  'fibonacciAsync(2^53 - 1)',
  'convolve(1e6 x 1e6 x 4 image)',
  'gaussianBlur(1e8 x 1e8 x 4 image)',
  'convolveBatchAsync(2^20 x 2^20 images)',
  'scoreBatch(2^32 - 1 sparse rows, D = 1)',
  'scoreBatchAsync(2^32 - 1 sparse rows, D = 1)',
  'scoreStream({ batchSize: 2^24 }), D = 1000',
  'scoreIterable({ batchSize: 2^24 }), D = 1000',
  'Accumulator#addMany(2^32 - 1 sparse values)',
  'accumulate([2^32 - 1 sparse values])',
  'GeoIndex.build(2^32 - 1 sparse points)',
  'haversineMany(2^32 - 1 sparse points)',
  'convolveBatch(2^32 - 1 sparse images)',
  'new RiskModel({ weights: 2^32 - 1 sparse })',
]
const CODES = ['ERR_OUT_OF_RANGE', 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_TYPE']
const PROMPT_MS = 2000
const PEAK_BOUND = 64 * 1024 * 1024

describe('faults: requests for more memory than the machine has are rejected before allocating', () => {
  it.each(CASES)('%s', async (name) => {
    requireDist()
    const result = await runNode(`${repoRoot}__test__/faults/fixtures/memory-case.mjs`, [distIndexUrl, name], { timeoutMs: 10_000 })
    expect(result.timedOut, `${name} was still running after 10 s`).toBe(false)
    expect(result.signal, result.stderr).toBeNull()
    expect(result.code, result.stderr).toBe(0)
    const report = lastJson<{ ms: number; peakGrowth: number; code?: string; name?: string; message?: string; returned?: string }>(result.stdout)
    expect(report.returned, `${name} succeeded`).toBeUndefined()
    expect(CODES, `${name} threw ${report.name} with code ${String(report.code)}: ${report.message}`).toContain(report.code)
    expect(report.ms, `${name} took ${report.ms} ms to reject`).toBeLessThan(PROMPT_MS)
    expect(report.peakGrowth, `${name} grew the peak RSS by ${(report.peakGrowth / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(PEAK_BOUND)
  }, 20_000)
})
