/**
 * The image kernels give the same bits on every implementation: the native binary as built (its
 * best SIMD level, every thread), capped at baseline SIMD on one thread, capped at AVX2, and the
 * pure-TS kernels that HOTPATH_NATIVE=fallback runs when no binary loads. Each runs
 * __test__/fixtures/image-fallback.mjs in a child process (sync, async, batch, stream and
 * iterable calls on a fixed set of images and kernels) and reports a SHA-256 of every result.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { BASELINE_SIMD, reportOf, useEveryConfiguration, type Configuration } from '../helpers/configurations.js'
import type { ChildResult } from '../helpers/runtime.js'

interface Report {
  backend: 'native' | 'fallback'
  simd: string
  threads: number
  results: Record<string, string>
}

function parse(run: ChildResult): Report {
  return reportOf<Report>(run)
}

describe('image: HOTPATH_NATIVE=fallback and every native configuration give the same bits', () => {
  const every = useEveryConfiguration('image-fallback.mjs', 90_000)
  let runs: Record<Configuration, ChildResult>
  beforeAll(() => {
    runs = every()
  })

  it('the fallback child runs the pure-TS kernels; the native one the binary', () => {
    expect(parse(runs.fallback).backend).toBe('fallback')
    expect(parse(runs.native).backend).toBe('native')
  })

  it('in each run, the async twins, batches, stream and iterable equal the sync single-image calls', () => {
    for (const run of Object.values(runs)) {
      const r = parse(run).results
      for (let i = 0; i < 4; i++) {
        for (const kind of ['2D', 'separable', 'gaussian']) expect(r[`async ${i} ${kind}`], `async ${i} ${kind}`).toBe(r[`sync ${i} ${kind}`])
        expect(r[`batch ${i}`]).toBe(r[`batch-single ${i}`])
        expect(r[`batchAsync ${i}`]).toBe(r[`batchAsync-single ${i}`])
        // The stream used { sigma: 2 } with clamp, the iterable the async separable filter.
        expect(r[`stream ${i}`]).toBe(r[`async ${i} gaussian`])
        expect(r[`each ${i}`]).toBe(r[`async ${i} separable`])
      }
    }
  })

  it('fallback === native, for every sample type, channel count, border, rounding and filter form', () => {
    const native = parse(runs.native).results
    const fallback = parse(runs.fallback).results
    expect(Object.keys(native).length).toBeGreaterThan(600)
    expect(fallback).toEqual(native)
    // Not trivially equal: the results differ from one another.
    expect(new Set(Object.values(native)).size).toBeGreaterThan(400)
  })

  it('SIMD level and thread count do not change the bits (HOTPATH_SIMD=baseline with 1 thread, HOTPATH_SIMD=avx2)', () => {
    const native = parse(runs.native).results
    const baseline = parse(runs.baseline)
    expect(baseline.simd).toBe(BASELINE_SIMD)
    expect(baseline.threads).toBe(1)
    expect(baseline.results).toEqual(native)
    const avx2 = parse(runs.avx2)
    expect(['avx2', BASELINE_SIMD]).toContain(avx2.simd) // avx2 where the CPU has it
    expect(avx2.results).toEqual(native)
  })
})
