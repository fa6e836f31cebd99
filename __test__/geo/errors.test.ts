/**
 * Argument errors of the geo API: typed errors with stable codes whose messages name the argument
 * (down to the element, `lons[1]`); sync functions throw, async ones reject and never throw.
 */
import { describe, expect, it } from 'vitest'
import { GeoIndex, haversine, haversineMany, nearestK } from '../../src/index.js'
import { INVALID_TYPE, INVALID_VALUE, OUT_OF_RANGE, expectRejects, expectThrows } from '../helpers/errors.js'

/** Lets tests pass values the types forbid, as JavaScript callers can. */
function loose<T>(value: unknown): T {
  return value as T
}

const lats = new Float64Array([10, 20, 30, 40])
const lons = new Float64Array([1, 2, 3, 4])
// Long enough for the native range check (4,096 points and up).
const bigLats = new Float64Array(5000).map((_, i) => (i % 181) - 90)
const bigLons = new Float64Array(5000).map((_, i) => (i % 361) - 180)

describe('haversine', () => {
  it('rejects non-numbers, NaN, infinities and out-of-range coordinates, naming the argument', () => {
    expectThrows(() => haversine(loose('1'), 0, 0, 0), { ...INVALID_TYPE, includes: ['"lat1"', 'number'] })
    expectThrows(() => haversine(0, 0, 0, loose(undefined)), { ...INVALID_TYPE, includes: ['"lon2"'] })
    expectThrows(() => haversine(91, 0, 0, 0), { ...OUT_OF_RANGE, includes: ['"lat1"', '>= -90 and <= 90', '91'] })
    expectThrows(() => haversine(0, 0, -90.5, 0), { ...OUT_OF_RANGE, includes: ['"lat2"'] })
    expectThrows(() => haversine(0, 180.001, 0, 0), { ...OUT_OF_RANGE, includes: ['"lon1"', 'normalize'] })
    expectThrows(() => haversine(Number.NaN, 0, 0, 0), { ...OUT_OF_RANGE, includes: ['"lat1"', 'finite', 'NaN'] })
    expectThrows(() => haversine(0, Infinity, 0, 0, { normalize: true }), { ...OUT_OF_RANGE, includes: ['"lon1"', 'finite'] })
    expect(haversine(0, 180, 0, -180)).toBeLessThan(1e-9)
  })

  it('validates options', () => {
    expectThrows(() => haversine(0, 0, 1, 1, loose(null)), { ...INVALID_TYPE, includes: ['"options"'] })
    expectThrows(() => haversine(0, 0, 1, 1, loose(5)), { ...INVALID_TYPE, includes: ['"options"'] })
    for (const r of [0, -1, Infinity, Number.NaN]) expectThrows(() => haversine(0, 0, 1, 1, { radiusKm: r }), { ...OUT_OF_RANGE, includes: ['"options.radiusKm"'] })
    expectThrows(() => haversine(0, 0, 1, 1, { radiusKm: loose('6371') }), { ...INVALID_TYPE, includes: ['"options.radiusKm"'] })
    expectThrows(() => haversine(0, 0, 1, 1, { normalize: loose('yes') }), { ...INVALID_TYPE, includes: ['"options.normalize"', 'boolean'] })
  })
})

describe('point sets (haversineMany, nearestK, GeoIndex.build)', () => {
  const entries: [string, (la: unknown, lo: unknown, opts?: object) => unknown][] = [
    ['haversineMany', (la, lo, opts) => haversineMany(0, 0, loose(la), loose(lo), loose(opts))],
    ['nearestK', (la, lo, opts) => nearestK(0, 0, loose(la), loose(lo), 2, loose(opts))],
    ['GeoIndex.build', (la, lo, opts) => GeoIndex.build(loose(la), loose(lo), loose(opts))],
  ]
  for (const [name, call] of entries) {
    it(`${name}: types, lengths, ranges and non-finite elements`, () => {
      expectThrows(() => call(new Float32Array(4), lons), { ...INVALID_TYPE, includes: ['"lats"', 'Float64Array', 'Float32Array'] })
      expectThrows(() => call(lats, 'x'), { ...INVALID_TYPE, includes: ['"lons"'] })
      expectThrows(() => call(lats, new Float64Array(3)), { ...INVALID_VALUE, includes: ['"lons"', 'same length', '4', 'length 3'] })
      expectThrows(() => call(new Float64Array([0, 95, 0, 0]), lons), { ...OUT_OF_RANGE, includes: ['"lats[1]"', '95'] })
      expectThrows(() => call(lats, new Float64Array([0, 0, -200, 0])), { ...OUT_OF_RANGE, includes: ['"lons[2]"', '-200', 'normalize'] })
      expectThrows(() => call(lats, new Float64Array([0, 0, 0, Number.NaN])), { ...OUT_OF_RANGE, includes: ['"lons[3]"', 'finite'] })
      expectThrows(() => call(lats, new Float64Array([0, 0, 0, Infinity]), { normalize: true }), { ...OUT_OF_RANGE, includes: ['"lons[3]"', 'finite'] })
      expectThrows(() => call(new Float64Array([0, -Infinity, 0, 0]), lons), { ...OUT_OF_RANGE, includes: ['"lats[1]"'] })
      expectThrows(() => call(lats, lons, { normalize: 1 }), { ...INVALID_TYPE, includes: ['"options.normalize"'] })
      // Errors are found in large arrays too (the native path).
      const badLons = bigLons.slice()
      badLons[77] = 181
      expectThrows(() => call(bigLats, badLons), { ...OUT_OF_RANGE, includes: ['"lons[77]"'] })
      for (const [at, value] of [[0, -90.000001], [4321, Number.NaN], [4999, Infinity], [2500, 1e300]] as const) {
        const badLats = bigLats.slice()
        badLats[at] = value
        expectThrows(() => call(badLats, bigLons), { ...OUT_OF_RANGE, includes: [`"lats[${at}]"`] })
        const other = bigLons.slice()
        other[at] = Number.isFinite(value) ? -value * 2 : value
        expectThrows(() => call(bigLats, other), { ...OUT_OF_RANGE, includes: [`"lons[${at}]"`] })
      }
      // With normalize the same input is accepted, and the caller's array is not changed.
      call(bigLats, badLons, { normalize: true })
      expect(badLons[77]).toBe(181)
    })

    it(`${name}: arrays of { lat, lon }`, () => {
      const objects = (points: unknown[]) => (name === 'haversineMany' ? haversineMany(0, 0, loose(points)) : name === 'nearestK' ? nearestK(0, 0, loose(points), 1) : GeoIndex.build(loose(points)))
      expectThrows(() => objects([{ lat: 0, lon: 0 }, null]), { ...INVALID_TYPE, includes: ['"points[1]"', 'lat, lon'] })
      expectThrows(() => objects([1, 2]), { ...INVALID_TYPE, includes: ['"points[0]"'] })
      expectThrows(() => objects([{ lat: 0, lon: 0 }, { lat: '1', lon: 0 }]), { ...INVALID_TYPE, includes: ['"points[1].lat"'] })
      expectThrows(() => objects([{ lon: 0 }]), { ...INVALID_TYPE, includes: ['"points[0].lat"'] })
      expectThrows(() => objects([{ lat: 0, lon: 0 }, { lat: 0, lon: 999 }]), { ...OUT_OF_RANGE, includes: ['"points[1].lon"', '999'] })
    })
  }

  it('the native kernels check ranges: normalize wraps on a copy and gives what pre-wrapped points give', () => {
    // Longitudes out of range late in the arrays (the kernels find them after computing most of the work).
    const wide = bigLons.map((v, i) => (i % 1000 === 999 ? v + 360 : v))
    const wrapped = bigLons.slice()
    const copy = wide.slice()
    expect(Array.from(haversineMany(10, 20, bigLats, wide, { normalize: true }))).toEqual(Array.from(haversineMany(10, 20, bigLats, wrapped)))
    const a = nearestK(10, 20, bigLats, wide, 7, { normalize: true })
    const b = nearestK(10, 20, bigLats, wrapped, 7)
    expect([Array.from(a.indices), Array.from(a.distances)]).toEqual([Array.from(b.indices), Array.from(b.distances)])
    const index = GeoIndex.build(bigLats, wide, { normalize: true })
    const c = index.nearest(10, 20, 7)
    expect([Array.from(c.indices), Array.from(c.distances)]).toEqual([Array.from(b.indices), Array.from(b.distances)])
    const queries = index.nearestBatch(bigLats.subarray(0, 100), wide.subarray(0, 100), 3, { normalize: true })
    const same = index.nearestBatch(bigLats.subarray(0, 100), wrapped.subarray(0, 100), 3)
    expect(Array.from(queries.indices)).toEqual(Array.from(same.indices))
    expect(wide).toEqual(copy)
    // Without normalize the same arrays name the first bad element, also as nearestBatch queries.
    expectThrows(() => haversineMany(10, 20, bigLats, wide), { ...OUT_OF_RANGE, includes: ['"lons[999]"', 'normalize'] })
    expectThrows(() => index.nearestBatch(bigLats, wide, 1), { ...OUT_OF_RANGE, includes: ['"queryLons[999]"'] })
    const badQueries = bigLats.slice()
    badQueries[4000] = Number.NaN
    expectThrows(() => index.nearestBatch(badQueries, bigLons, 1, { normalize: true }), { ...OUT_OF_RANGE, includes: ['"queryLats[4000]"', 'finite'] })
  })

  it('empty point sets: nearestK and GeoIndex.build reject them, haversineMany returns an empty array', () => {
    expectThrows(() => nearestK(0, 0, new Float64Array(0), new Float64Array(0), 1), { ...INVALID_VALUE, includes: ['"lats"', 'at least one point'] })
    expectThrows(() => nearestK(0, 0, [], 1), { ...INVALID_VALUE, includes: ['"points"'] })
    expectThrows(() => GeoIndex.build(new Float64Array(0), new Float64Array(0)), { ...INVALID_VALUE, includes: ['"lats"', 'at least one point'] })
    expectThrows(() => GeoIndex.build([]), { ...INVALID_VALUE, includes: ['"points"'] })
    expect(haversineMany(0, 0, []).length).toBe(0)
  })

  it('haversineMany: the query point, radiusKm and out', () => {
    expectThrows(() => haversineMany(100, 0, lats, lons), { ...OUT_OF_RANGE, includes: ['"lat"'] })
    expectThrows(() => haversineMany(0, loose('0'), lats, lons), { ...INVALID_TYPE, includes: ['"lon"'] })
    expectThrows(() => haversineMany(0, 0, lats, lons, { radiusKm: -1 }), { ...OUT_OF_RANGE, includes: ['"options.radiusKm"'] })
    expectThrows(() => haversineMany(0, 0, lats, lons, { out: new Float64Array(3) }), { ...INVALID_VALUE, includes: ['"options.out"', 'length 4', 'length 3'] })
    expectThrows(() => haversineMany(0, 0, lats, lons, { out: loose(new Float32Array(4)) }), { ...INVALID_TYPE, includes: ['"options.out"'] })
    const buffer = new Float64Array(8)
    expectThrows(() => haversineMany(0, 0, buffer.subarray(0, 4), lons, { out: buffer.subarray(2, 6) }), { ...INVALID_VALUE, includes: ['"options.out"', 'overlap'] })
  })
})

describe('k and the query point', () => {
  it('k must be a positive integer', () => {
    for (const k of [0, -1, 1.5, Number.NaN, Infinity]) {
      expectThrows(() => nearestK(0, 0, lats, lons, k), { ...OUT_OF_RANGE, includes: ['"k"', 'integer >= 1'] })
      expectThrows(() => GeoIndex.build(lats, lons).nearest(0, 0, k), { ...OUT_OF_RANGE, includes: ['"k"'] })
      expectThrows(() => GeoIndex.build(bigLats, bigLons).nearestBatch(lats, lons, k), { ...OUT_OF_RANGE, includes: ['"k"'] })
    }
    expectThrows(() => nearestK(0, 0, lats, lons, loose('3')), { ...INVALID_TYPE, includes: ['"k"'] })
    expectThrows(() => nearestK(0, 0, [{ lat: 0, lon: 0 }], loose(undefined)), { ...INVALID_TYPE, includes: ['"k"'] })
  })

  it('GeoIndex queries: coordinates, maxDistanceKm, radiusKm, query arrays', () => {
    for (const index of [GeoIndex.build(lats, lons), GeoIndex.build(bigLats, bigLons)]) {
      expectThrows(() => index.nearest(-91, 0, 1), { ...OUT_OF_RANGE, includes: ['"lat"'] })
      expectThrows(() => index.nearest(0, 181, 1), { ...OUT_OF_RANGE, includes: ['"lon"'] })
      expect(index.nearest(0, 181, 1, { normalize: true }).indices.length).toBe(1)
      expectThrows(() => index.nearest(0, 0, 1, { maxDistanceKm: -1 }), { ...OUT_OF_RANGE, includes: ['"options.maxDistanceKm"'] })
      expectThrows(() => index.nearest(0, 0, 1, { maxDistanceKm: Number.NaN }), { ...OUT_OF_RANGE, includes: ['"options.maxDistanceKm"'] })
      expectThrows(() => index.nearest(0, 0, 1, { maxDistanceKm: loose('1') }), { ...INVALID_TYPE, includes: ['"options.maxDistanceKm"'] })
      expectThrows(() => index.within(0, 0, -0.5), { ...OUT_OF_RANGE, includes: ['"radiusKm"'] })
      expectThrows(() => index.within(0, 0, loose(null)), { ...INVALID_TYPE, includes: ['"radiusKm"'] })
      expectThrows(() => index.within(Number.NaN, 0, 1), { ...OUT_OF_RANGE, includes: ['"lat"'] })
      expectThrows(() => index.nearestBatch(lats, new Float64Array(2), 1), { ...INVALID_VALUE, includes: ['"queryLons"', 'same length as "queryLats"'] })
      expectThrows(() => index.nearestBatch(new Float64Array([0, 90.5]), new Float64Array(2), 1), { ...OUT_OF_RANGE, includes: ['"queryLats[1]"'] })
      expectThrows(() => index.nearestBatch(loose([1, 2]), new Float64Array(2), 1), { ...INVALID_TYPE, includes: ['"queryLats"'] })
    }
  })

  it('GeoIndex has no public constructor', () => {
    const Ctor = GeoIndex as unknown as new (...args: unknown[]) => unknown
    expect(() => new Ctor()).toThrow(TypeError)
    expect(() => new Ctor(Symbol('GeoIndex.build'), null, 1)).toThrow(/GeoIndex.build/)
  })
})

describe('async functions reject, never throw', () => {
  const index = GeoIndex.build(bigLats, bigLons)
  it('GeoIndex.buildAsync', async () => {
    await expectRejects(() => GeoIndex.buildAsync(new Float64Array(0), new Float64Array(0)), { ...INVALID_VALUE, includes: ['at least one point'] })
    await expectRejects(() => GeoIndex.buildAsync(lats, new Float64Array([0, 0, 0, 300])), { ...OUT_OF_RANGE, includes: ['"lons[3]"'] })
    await expectRejects(() => GeoIndex.buildAsync(loose(null), lons), { ...INVALID_TYPE, includes: ['"lats"'] })
    await expectRejects(() => GeoIndex.buildAsync(lats, lons, { signal: loose({}) }), { ...INVALID_TYPE, includes: ['"options.signal"', 'AbortSignal'] })
  })

  it('nearestBatchAsync and withinAsync', async () => {
    await expectRejects(() => index.nearestBatchAsync(lats, lons, 0), { ...OUT_OF_RANGE, includes: ['"k"'] })
    await expectRejects(() => index.nearestBatchAsync(lats, new Float64Array(1), 1), { ...INVALID_VALUE, includes: ['"queryLons"'] })
    await expectRejects(() => index.nearestBatchAsync(lats, lons, 1, loose('fast')), { ...INVALID_TYPE, includes: ['"options"'] })
    await expectRejects(() => index.withinAsync(0, 0, -1), { ...OUT_OF_RANGE, includes: ['"radiusKm"'] })
    await expectRejects(() => index.withinAsync(95, 0, 1), { ...OUT_OF_RANGE, includes: ['"lat"'] })
    await expectRejects(() => index.withinAsync(0, 0, 1, { signal: loose(1) }), { ...INVALID_TYPE, includes: ['"options.signal"'] })
  })
})
