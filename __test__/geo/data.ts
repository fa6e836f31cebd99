/**
 * Point sets for the geo tests (uniform, clustered, duplicates, poles, antimeridian, near the
 * query's antipode, integer grids full of exact ties) and the comparison rules: native distances
 * differ from the pure-TS reference by rounding (≈1e-13 relative, more near antipodes, where the
 * formula is ill-conditioned), so distances compare with a tolerance and indices compare exactly
 * only where the reference's distance is not within that tolerance of another.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { prng } from '../helpers/data.js'

export interface Points {
  lats: Float64Array
  lons: Float64Array
}

export interface Result {
  indices: Uint32Array
  distances: Float64Array
}

export const KINDS = ['uniform', 'clustered', 'duplicates', 'poles', 'antimeridian', 'antipodal', 'grid'] as const
export type Kind = (typeof KINDS)[number]

const DEG = 180 / Math.PI

function clampLat(x: number): number {
  return Math.max(-90, Math.min(90, x))
}

function wrapLon(x: number): number {
  return x >= 180 ? x - 360 : x < -180 ? x + 360 : x
}

/** `n` points of the given kind (deterministic in `seed`). */
export function makePoints(kind: Kind, n: number, seed: number): Points {
  const r = prng(seed)
  const lats = new Float64Array(n)
  const lons = new Float64Array(n)
  const centers = Array.from({ length: 3 }, () => [Math.asin(2 * r() - 1) * DEG, r() * 360 - 180])
  const distinct = Math.max(1, Math.floor(n / 8))
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'uniform':
        lats[i] = Math.asin(2 * r() - 1) * DEG
        lons[i] = r() * 360 - 180
        break
      case 'clustered': {
        const c = centers[i % 3]
        lats[i] = clampLat(c[0] + (r() - 0.5) * 1e-3)
        lons[i] = wrapLon(c[1] + (r() - 0.5) * 1e-3)
        if (r() < 0.2 && i > 0) {
          const j = Math.floor(r() * i)
          lats[i] = lats[j]
          lons[i] = lons[j]
        }
        break
      }
      case 'duplicates': {
        const j = Math.floor(r() * distinct)
        const rj = prng(seed * 7919 + j)
        lats[i] = Math.asin(2 * rj() - 1) * DEG
        lons[i] = rj() * 360 - 180
        break
      }
      case 'poles':
        lats[i] = (r() < 0.5 ? -1 : 1) * (90 - r() * r() * 2)
        if (r() < 0.1) lats[i] = r() < 0.5 ? 90 : -90
        lons[i] = r() * 360 - 180
        break
      case 'antimeridian':
        lats[i] = (r() - 0.5) * 20
        lons[i] = r() < 0.5 ? 180 - r() * 2 : -180 + r() * 2
        if (r() < 0.1) lons[i] = r() < 0.5 ? 180 : -180
        break
      case 'antipodal': {
        // Around the antipode of makeQuery('antipodal', seed), some exactly on it.
        const [qLat, qLon] = makeQuery('antipodal', seed)
        const offset = r() < 0.2 ? 0 : (r() - 0.5) * 10 ** -(1 + Math.floor(r() * 8))
        lats[i] = clampLat(-qLat + offset)
        lons[i] = wrapLon(qLon + 180 + (r() - 0.5) * 10 ** -(1 + Math.floor(r() * 8)) * (r() < 0.2 ? 0 : 1))
        break
      }
      case 'grid':
        lats[i] = Math.floor(r() * 7) - 3
        lons[i] = Math.floor(r() * 7) - 3
        break
    }
  }
  return { lats, lons }
}

/** A query point suited to `kind` (near the points it would stress). */
export function makeQuery(kind: Kind, seed: number): [number, number] {
  const p = makePoints(kind === 'clustered' || kind === 'duplicates' || kind === 'antipodal' ? 'uniform' : kind, 1, seed + 1)
  if (kind === 'grid') return [Math.floor(seed % 5) - 2, Math.floor((seed / 5) % 5) - 2]
  return [p.lats[0], p.lons[0]]
}

export const arbCase = fc.record({
  kind: fc.constantFrom(...KINDS),
  n: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 17, max: 600 }), fc.constant(3000)),
  k: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4000 })),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
})

const R = 6371

/**
 * The tolerance for comparing a native distance (km) with the reference's: 1e-9 km + 1e-12
 * relative, plus the ill-conditioning near antipodes: with 1 - a = cos²(d / 2R), a few ulp of
 * `a` move d by about R·δa / cos(d / 2R), at most 2R·√δa on the antipode itself.
 */
export function tol(d: number): number {
  const c = Math.abs(Math.cos(d / (2 * R)))
  const DA = 4e-15 // a few ulp of a ≈ 1
  return 1e-9 + 1e-12 * Math.abs(d) + Math.min(2 * R * Math.sqrt(DA), (R * DA) / c)
}

/**
 * `actual` agrees with the reference result `expected` for the point set whose reference
 * distances (to the same query) are `all`: same length; distances within tolerance; each index
 * valid, unique and at its claimed distance; and the same index wherever the reference distance
 * is isolated (no other point within tolerance).
 */
export function expectParity(actual: Result, expected: Result, all: Float64Array, label: string): void {
  expect(actual.indices.length, label).toBe(expected.indices.length)
  expect(actual.distances.length, label).toBe(expected.distances.length)
  const seen = new Set<number>()
  for (let j = 0; j < expected.indices.length; j++) {
    const d = expected.distances[j]
    const a = actual.distances[j]
    expect(Math.abs(a - d) <= tol(d), `${label}: distances[${j}] ${a} vs ${d}`).toBe(true)
    const i = actual.indices[j]
    expect(i < all.length && !seen.has(i), `${label}: indices[${j}] = ${i} invalid or repeated`).toBe(true)
    seen.add(i)
    expect(Math.abs(all[i] - a) <= 2 * tol(a), `${label}: point ${i} is at ${all[i]}, reported ${a}`).toBe(true)
    let near = 0
    for (let p = 0; p < all.length && near < 2; p++) if (Math.abs(all[p] - d) <= 2 * tol(d)) near++
    if (near === 1) expect(i, `${label}: indices[${j}]`).toBe(expected.indices[j])
  }
}

/** Sorted ascending by distance, ties broken by the lower index (checked on the result itself). */
export function expectOrdered(r: Result, label: string): void {
  for (let j = 1; j < r.indices.length; j++) {
    const ok = r.distances[j - 1] < r.distances[j] || (r.distances[j - 1] === r.distances[j] && r.indices[j - 1] < r.indices[j])
    expect(ok, `${label}: order at ${j}: (${r.distances[j - 1]}, ${r.indices[j - 1]}) then (${r.distances[j]}, ${r.indices[j]})`).toBe(true)
  }
}

/** Same indices and the same distance bits. */
export function expectIdentical(actual: Result, expected: Result, label: string): void {
  expect(Array.from(actual.indices), label).toEqual(Array.from(expected.indices))
  expect(Buffer.from(actual.distances.buffer, actual.distances.byteOffset, actual.distances.byteLength).equals(Buffer.from(expected.distances.buffer, expected.distances.byteOffset, expected.distances.byteLength)), `${label}: distance bits`).toBe(true)
}
