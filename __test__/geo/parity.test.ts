/**
 * The geo kernels against the pure-TS reference (property-based, with the distance tolerance of
 * geo-data.ts), and GeoIndex against the brute-force nearestK of the same backend: identical
 * indices and distance bits, on uniform, clustered, duplicate, polar, antimeridian and grid point
 * sets. Plus tie ordering, `k` edge cases and `normalize`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EARTH_RADIUS_KM, GeoIndex, haversine, haversineMany, nearestK } from '../../src/index.js'
import { GEO_SHORT_MAX_POINTS, geoBackend } from '../../src/geo/index.js'
import * as reference from '../../src/geo/reference.js'
import { arbCase, expectIdentical, expectOrdered, expectParity, makePoints, makeQuery, tol, type Result } from './data.js'

/** Fixed seeds keep CI reproducible; `GEO_RUNS=500` runs that many cases with fresh seeds. */
const STRESS = Number(process.env.GEO_RUNS ?? 0)
const RUNS = STRESS > 0 ? { numRuns: STRESS } : { numRuns: 40, seed: 20261122 }

function all(lat: number, lon: number, lats: Float64Array, lons: Float64Array): Float64Array {
  const out = new Float64Array(lats.length)
  reference.haversineMany(lat, lon, lats, lons, EARTH_RADIUS_KM, out, lats.length)
  return out
}

/** The first `k` of a sorted full result whose distances are within `max`. */
function prefix(r: Result, k: number, max = Infinity): Result {
  let m = 0
  while (m < r.indices.length && m < k && r.distances[m] <= max) m++
  return { indices: r.indices.slice(0, m), distances: r.distances.slice(0, m) }
}

describe(`geo kernels (${geoBackend()} backend) agree with the pure-TS reference`, () => {
  it('haversine runs the reference formula: the same bits', () => {
    fc.assert(
      fc.property(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), (a, b, c, d) => {
        expect(Object.is(haversine(a, b, c, d), reference.haversine(a, b, c, d, EARTH_RADIUS_KM))).toBe(true)
        expect(Object.is(haversine(a, b, c, d, { radiusKm: 1 }), reference.haversine(a, b, c, d, 1))).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('haversine: known distances, antimeridian, poles, antipodes', () => {
    expect(haversine(48.8566, 2.3522, 51.5074, -0.1278)).toBeCloseTo(343.556, 2)
    expect(haversine(0, 179.5, 0, -179.5)).toBeCloseTo(111.195, 3)
    expect(haversine(90, 0, 90, 123)).toBeLessThan(1e-9)
    expect(haversine(89.9, 0, 89.9, 180)).toBeCloseTo(22.239, 3)
    expect(haversine(0, 0, 0, 180)).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 9)
    expect(haversine(90, 0, -90, 0)).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 9)
    expect(haversine(0, 180, 0, -180)).toBeLessThan(1e-9)
  })

  it('haversineMany matches the reference (Float64Arrays, { lat, lon } objects, out, radiusKm)', () => {
    fc.assert(
      fc.property(arbCase, ({ kind, n, seed }) => {
        const { lats, lons } = makePoints(kind, n, seed)
        const [lat, lon] = makeQuery(kind, seed)
        const expected = all(lat, lon, lats, lons)
        const got = haversineMany(lat, lon, lats, lons)
        const objects = haversineMany(lat, lon, Array.from(lats, (la, i) => ({ lat: la, lon: lons[i] })))
        const out = new Float64Array(n)
        expect(haversineMany(lat, lon, lats, lons, { out })).toBe(out)
        const small = haversineMany(lat, lon, lats, lons, { radiusKm: 1 })
        for (let i = 0; i < n; i++) {
          expect(Math.abs(got[i] - expected[i]) <= tol(expected[i]), `${kind} n=${n} [${i}]: ${got[i]} vs ${expected[i]}`).toBe(true)
          expect(Object.is(objects[i], got[i]) && Object.is(out[i], got[i])).toBe(true)
          expect(Math.abs(small[i] - expected[i] / EARTH_RADIUS_KM) <= tol(expected[i]) / EARTH_RADIUS_KM + 1e-15).toBe(true)
        }
      }),
      RUNS,
    )
  })

  it('nearestK matches the bounded-heap reference and is ordered (ties: lower index)', () => {
    fc.assert(
      fc.property(arbCase, ({ kind, n, k, seed }) => {
        const { lats, lons } = makePoints(kind, n, seed)
        const [lat, lon] = makeQuery(kind, seed)
        const got = nearestK(lat, lon, lats, lons, k)
        expectOrdered(got, `${kind} n=${n} k=${k}`)
        expectParity(got, reference.nearestK(lat, lon, lats, lons, k, n), all(lat, lon, lats, lons), `${kind} n=${n} k=${k}`)
      }),
      RUNS,
    )
  })

  it('the reference nearestK equals a full sort by (distance, index)', () => {
    fc.assert(
      fc.property(arbCase, ({ kind, n, k, seed }) => {
        const { lats, lons } = makePoints(kind, Math.min(n, 600), seed)
        const m = lats.length
        const [lat, lon] = makeQuery(kind, seed)
        const d = all(lat, lon, lats, lons)
        const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => d[a] - d[b] || a - b)
        const r = reference.nearestK(lat, lon, lats, lons, k, m)
        expect(Array.from(r.indices)).toEqual(order.slice(0, Math.min(k, m)))
        expect(Array.from(r.distances)).toEqual(order.slice(0, Math.min(k, m)).map((i) => d[i]))
      }),
      RUNS,
    )
  })
})

describe(`GeoIndex (${geoBackend()} backend) is identical to brute force`, () => {
  it('nearest, nearest with maxDistanceKm, within and nearestBatch equal nearestK exactly', () => {
    fc.assert(
      fc.property(arbCase, fc.double({ min: 0, max: 3000, noNaN: true }), ({ kind, n, k, seed }, radius) => {
        const { lats, lons } = makePoints(kind, n, seed)
        const index = GeoIndex.build(lats, lons)
        expect(index.size).toBe(n)
        const qLats = new Float64Array(6)
        const qLons = new Float64Array(6)
        for (let q = 0; q < 6; q++) {
          // Queries near the points as well as exactly on them (distance 0, duplicates).
          const [lat, lon] = q < 3 ? makeQuery(kind, seed + q) : [lats[(seed + q) % n], lons[(seed + q) % n]]
          qLats[q] = lat
          qLons[q] = lon
          const label = `${kind} n=${n} k=${k} q=${q}`
          const full = nearestK(lat, lon, lats, lons, n)
          expectOrdered(full, label)
          expectIdentical(index.nearest(lat, lon, k), prefix(full, k), `${label} nearest`)
          expectIdentical(index.nearest(lat, lon, k, { maxDistanceKm: radius }), prefix(full, k, radius), `${label} maxDistanceKm=${radius}`)
          expectIdentical(index.within(lat, lon, radius), prefix(full, n, radius), `${label} within ${radius}`)
          expectIdentical(index.nearest(lat, lon, k), nearestK(lat, lon, lats, lons, k), `${label} nearestK(k)`)
        }
        const batch = index.nearestBatch(qLats, qLons, k)
        const m = Math.min(k, n)
        expect(batch.k).toBe(m)
        expect(batch.indices.length).toBe(6 * m)
        for (let q = 0; q < 6; q++) {
          const row = { indices: batch.indices.subarray(q * m, (q + 1) * m), distances: batch.distances.subarray(q * m, (q + 1) * m) }
          expectIdentical(row, index.nearest(qLats[q], qLons[q], k), `${kind} n=${n} k=${k} batch row ${q}`)
        }
      }),
      STRESS > 0 ? { numRuns: STRESS } : { numRuns: 30, seed: 7 },
    )
  })

  it('the index keeps its own copy: changing the input arrays afterwards changes nothing', () => {
    const { lats, lons } = makePoints('uniform', 500, 3)
    const index = GeoIndex.build(lats, lons)
    const before = index.nearest(10, 20, 10)
    lats.fill(10)
    lons.fill(20)
    expectIdentical(index.nearest(10, 20, 10), before, 'after mutation')
  })

  it('builds from { lat, lon } objects like from Float64Arrays', () => {
    const { lats, lons } = makePoints('clustered', 300, 5)
    const a = GeoIndex.build(lats, lons)
    const b = GeoIndex.build(Array.from(lats, (lat, i) => ({ lat, lon: lons[i] })))
    expectIdentical(b.nearest(1, 2, 50), a.nearest(1, 2, 50), 'objects')
  })
})

describe('ties, k edge cases and normalize', () => {
  for (const n of [5, GEO_SHORT_MAX_POINTS + 1, 1000]) {
    it(`duplicate points tie and come out by ascending index (n = ${n})`, () => {
      // Every third point is the same location; the others are far away.
      const lats = new Float64Array(n).map((_, i) => (i % 3 === 0 ? 10 : -60))
      const lons = new Float64Array(n).map((_, i) => (i % 3 === 0 ? 20 : -100))
      const expected = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 0)
      const r = nearestK(10, 20, lats, lons, expected.length)
      expect(Array.from(r.indices)).toEqual(expected)
      expect(Array.from(r.distances)).toEqual(expected.map(() => 0))
      const index = GeoIndex.build(lats, lons)
      expectIdentical(index.nearest(10, 20, expected.length), r, 'index')
      expect(Array.from(index.within(10, 20, 0).indices)).toEqual(expected)
      // k cuts inside the group of ties: the lowest indices win.
      expect(Array.from(nearestK(10, 20, lats, lons, 2).indices)).toEqual(expected.slice(0, 2))
      expect(Array.from(index.nearest(10, 20, 2).indices)).toEqual(expected.slice(0, 2))
    })
  }

  it('mirror-image points tie exactly (east and west of the query); the antimeridian orders like brute force', () => {
    const n = 40
    const lats = new Float64Array(n)
    const lons = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const step = (Math.floor(i / 2) + 1) / 4
      lons[i] = i % 2 === 0 ? step : -step
    }
    // From (0, 0), points 2j and 2j+1 are at the same distance (sin is odd): lower index first.
    const r = nearestK(0, 0, lats, lons, n)
    expectOrdered(r, 'mirror')
    expect(Array.from(r.indices)).toEqual(Array.from({ length: n }, (_, i) => i))
    expectIdentical(GeoIndex.build(lats, lons).nearest(0, 0, n), r, 'index')
    // The same offsets around the antimeridian.
    const east = lons.map((x) => (x > 0 ? -180 + x : 180 + x))
    const index = GeoIndex.build(lats, east)
    for (const lon of [180, -180, 179.9, -179.9]) {
      const full = nearestK(0, lon, lats, east, n)
      expectOrdered(full, `antimeridian ${lon}`)
      expect(full.distances[n - 1]).toBeLessThan(1200)
      expectIdentical(index.nearest(0, lon, n), full, `index at ${lon}`)
    }
  })

  it('k = 1, k = n, k > n and huge k', () => {
    const { lats, lons } = makePoints('uniform', 200, 11)
    const full = nearestK(5, 5, lats, lons, 200)
    expect(full.indices.length).toBe(200)
    expect(new Set(full.indices).size).toBe(200)
    expectIdentical(nearestK(5, 5, lats, lons, 201), full, 'k > n')
    expectIdentical(nearestK(5, 5, lats, lons, Number.MAX_SAFE_INTEGER), full, 'huge k')
    expectIdentical(nearestK(5, 5, lats, lons, 1), prefix(full, 1), 'k = 1')
    const index = GeoIndex.build(lats, lons)
    expectIdentical(index.nearest(5, 5, 2 ** 40), full, 'index huge k')
    const batch = index.nearestBatch(new Float64Array([5]), new Float64Array([5]), 1000)
    expect(batch.k).toBe(200)
    expectIdentical(batch, full, 'batch k > size')
    expect(index.nearestBatch(new Float64Array(0), new Float64Array(0), 3).indices.length).toBe(0)
  })

  it('one point, and a single-point index', () => {
    const r = nearestK(0, 0, new Float64Array([1]), new Float64Array([1]), 3)
    expect(Array.from(r.indices)).toEqual([0])
    expect(GeoIndex.build([{ lat: 1, lon: 1 }]).nearest(0, 0, 3).indices.length).toBe(1)
    expect(haversineMany(0, 0, new Float64Array(0), new Float64Array(0)).length).toBe(0)
  })

  it('normalize: true wraps longitudes on a copy; the same as the wrapped input', () => {
    const n = 100
    const { lats, lons } = makePoints('antimeridian', n, 9)
    const shifted = lons.map((x, i) => x + 360 * ((i % 5) - 2))
    const copy = shifted.slice()
    const wrapped = nearestK(0, 179, lats, lons, 10)
    const viaNormalize = nearestK(0, 179 + 720, lats, shifted, 10, { normalize: true })
    expect(Array.from(viaNormalize.indices)).toEqual(Array.from(wrapped.indices))
    for (let j = 0; j < 10; j++) expect(Math.abs(viaNormalize.distances[j] - wrapped.distances[j]) <= 1e-9).toBe(true)
    expect(Array.from(shifted)).toEqual(Array.from(copy))
    const m = haversineMany(0, -181, lats, shifted, { normalize: true })
    const plain = haversineMany(0, 179, lats, lons)
    for (let i = 0; i < n; i++) expect(Math.abs(m[i] - plain[i]) <= 1e-9).toBe(true)
    expect(Math.abs(haversine(0, 190, 0, -170, { normalize: true }))).toBeLessThan(1e-9)
    expect(haversine(0, 540, 0, 0, { normalize: true })).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 6)
    const index = GeoIndex.build(lats, shifted, { normalize: true })
    expect(Array.from(index.nearest(0, 539, 10, { normalize: true }).indices)).toEqual(Array.from(wrapped.indices))
  })
})
