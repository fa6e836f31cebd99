/**
 * The vector kernels give the same bits on every implementation: the native binary at each SIMD
 * level and thread count, and the pure-TS kernels that HOTPATH_NATIVE=fallback runs when no
 * binary loads. Each runs __test__/fixtures/vector-fallback.mjs in a child process; the fallback
 * runs a copy of dist/ with no binding/ next to it (as when the platform package is missing).
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

describe('HOTPATH_NATIVE=fallback and every native configuration give the same bits', () => {
  const every = useEveryConfiguration('vector-fallback.mjs', 90_000)
  let runs: Record<Configuration, ChildResult>
  beforeAll(() => {
    runs = every()
  })

  it('the fallback child really runs the pure-TS kernels, and warns once', () => {
    const report = parse(runs.fallback)
    expect(report.backend).toBe('fallback')
    expect(runs.fallback.stderr.match(/\[HOTPATH_FALLBACK\]/g) ?? [], runs.fallback.stderr).toHaveLength(1)
    expect(parse(runs.native).backend).toBe('native')
  })

  it('fallback === native, for every kernel, sync and async, f64 and f32, sizes 0..200,000', () => {
    const native = parse(runs.native).results
    const fallback = parse(runs.fallback).results
    expect(Object.keys(native).length).toBeGreaterThan(150)
    expect(fallback).toEqual(native)
    // Not trivially equal: apart from each sync/async pair, the results differ from one another.
    expect(new Set(Object.values(native)).size).toBeGreaterThan(60)
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
