/**
 * The geo API on every implementation: the native binary at each SIMD level and thread count
 * gives the same bits (the kernels use one haversine made of IEEE + - * / sqrt only), and the
 * pure-TS kernels that HOTPATH_NATIVE=fallback runs agree with it within the distance tolerance
 * (same indices wherever distances are not near-ties). Each runs __test__/fixtures/geo-fallback.mjs
 * in a child process; the fallback runs a copy of dist/ with no binding/ next to it.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { expectOrdered, tol } from './data.js'
import { BASELINE_SIMD, reportOf, useEveryConfiguration, type Configuration } from '../helpers/configurations.js'
import type { ChildResult } from '../helpers/runtime.js'

interface Plain {
  indices: number[]
  distances: number[]
}

interface Report {
  backend: 'native' | 'fallback'
  simd: string
  threads: number
  results: Record<string, Plain | number[]>
}

function parse(run: ChildResult): Report {
  return reportOf<Report>(run)
}

/** Distances within tolerance; indices equal except inside groups of near-equal distances. */
function expectClose(actual: Plain, expected: Plain, label: string): void {
  expect(actual.indices.length, label).toBe(expected.indices.length)
  expectOrdered({ indices: Uint32Array.from(actual.indices), distances: Float64Array.from(actual.distances) }, label)
  for (let j = 0; j < expected.indices.length; j++) {
    const d = expected.distances[j]
    expect(Math.abs(actual.distances[j] - d) <= tol(d), `${label} distances[${j}]`).toBe(true)
    const nearTie = (j > 0 && Math.abs(expected.distances[j - 1] - d) <= 2 * tol(d)) || (j + 1 < expected.indices.length && Math.abs(expected.distances[j + 1] - d) <= 2 * tol(d))
    if (!nearTie) expect(actual.indices[j], `${label} indices[${j}]`).toBe(expected.indices[j])
  }
}

describe('geo: HOTPATH_NATIVE=fallback and every native configuration agree', () => {
  const every = useEveryConfiguration('geo-fallback.mjs', 60_000)
  let runs: Record<Configuration, ChildResult>
  beforeAll(() => {
    runs = every()
  })

  it('the fallback child runs the pure-TS kernels; the native one the binary', () => {
    expect(parse(runs.fallback).backend).toBe('fallback')
    expect(parse(runs.native).backend).toBe('native')
  })

  it('in each run, GeoIndex equals brute force exactly, and the async twins equal the sync calls', () => {
    for (const run of [runs.native, runs.fallback]) {
      const r = parse(run).results
      for (let q = 0; q < 40; q++) expect(r[`nearest ${q}`], `${q}`).toEqual(r[`nearestK ${q}`])
      expect(r.nearestBatchAsync).toEqual(r.nearestBatch)
      const batch = r.nearestBatch as Plain
      for (let q = 0; q < 40; q++) {
        expect(batch.indices.slice(q * 10, q * 10 + 10)).toEqual((r[`nearestK ${q}`] as Plain).indices)
      }
    }
  })

  it('fallback ≈ native: distances within tolerance, the same indices outside near-ties', () => {
    const native = parse(runs.native).results
    const fallback = parse(runs.fallback).results
    expect(Object.keys(fallback).sort()).toEqual(Object.keys(native).sort())
    for (const [key, expected] of Object.entries(fallback)) {
      const actual = native[key]
      if (Array.isArray(expected)) {
        const got = actual as number[]
        expect(got.length).toBe(expected.length)
        const bad = expected.flatMap((e, i) => (Math.abs(got[i] - e) <= tol(e) ? [] : [`${key}[${i}]: ${got[i]} vs ${e}`]))
        expect(bad).toEqual([])
      } else if (key === 'nearestBatch' || key === 'nearestBatchAsync') {
        const a = actual as Plain
        for (let q = 0; q < 40; q++) {
          const row = (p: Plain) => ({ indices: p.indices.slice(q * 10, q * 10 + 10), distances: p.distances.slice(q * 10, q * 10 + 10) })
          expectClose(row(a), row(expected), `${key} row ${q}`)
        }
      } else expectClose(actual as Plain, expected, key)
    }
  })

  it('SIMD level and thread count do not change the bits (HOTPATH_SIMD=baseline with 1 thread, HOTPATH_SIMD=avx2)', () => {
    const native = parse(runs.native).results
    const baseline = parse(runs.baseline)
    expect(baseline.simd).toBe(BASELINE_SIMD)
    expect(baseline.threads).toBe(1)
    expect(baseline.results).toEqual(native)
    expect(parse(runs.avx2).results).toEqual(native)
  })
})
