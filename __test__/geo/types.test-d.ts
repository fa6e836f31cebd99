/** Type tests of the geo API: both point-set forms compile, results are typed, wrong types do not compile. */
import { describe, expectTypeOf, it } from 'vitest'
import { GeoIndex, haversine, haversineMany, nearestK, type NearestBatchResult, type NearestResult } from '../../src/index.js'

const lats = new Float64Array(4)
const lons = new Float64Array(4)

describe('geo', () => {
  it('functions take Float64Arrays or { lat, lon } arrays', () => {
    expectTypeOf(haversine(0, 0, 1, 1)).toEqualTypeOf<number>()
    expectTypeOf(haversine(0, 0, 1, 1, { radiusKm: 1, normalize: true })).toEqualTypeOf<number>()
    expectTypeOf(haversineMany(0, 0, lats, lons, { out: new Float64Array(4) })).toEqualTypeOf<Float64Array>()
    expectTypeOf(haversineMany(0, 0, [{ lat: 0, lon: 0 }])).toEqualTypeOf<Float64Array>()
    expectTypeOf(nearestK(0, 0, lats, lons, 3)).toEqualTypeOf<NearestResult>()
    expectTypeOf(nearestK(0, 0, [{ lat: 0, lon: 0 }], 3, { normalize: true })).toEqualTypeOf<NearestResult>()
    expectTypeOf<NearestResult['indices']>().toEqualTypeOf<Uint32Array>()
    expectTypeOf<NearestResult['distances']>().toEqualTypeOf<Float64Array>()
    // @ts-expect-error Float32Array coordinates are not accepted
    haversineMany(0, 0, new Float32Array(4), new Float32Array(4))
    // @ts-expect-error k is required
    nearestK(0, 0, lats, lons)
    // @ts-expect-error radiusKm is a number
    haversine(0, 0, 1, 1, { radiusKm: '1' })
  })

  it('GeoIndex: static builders, typed queries, async twins with a signal', () => {
    const index = GeoIndex.build(lats, lons)
    expectTypeOf(index).toEqualTypeOf<GeoIndex>()
    expectTypeOf(GeoIndex.build([{ lat: 1, lon: 2 }], { normalize: true })).toEqualTypeOf<GeoIndex>()
    expectTypeOf(GeoIndex.buildAsync(lats, lons, { signal: AbortSignal.timeout(1) })).toEqualTypeOf<Promise<GeoIndex>>()
    expectTypeOf(index.size).toEqualTypeOf<number>()
    expectTypeOf(index.nearest(0, 0, 5, { maxDistanceKm: 10 })).toEqualTypeOf<NearestResult>()
    expectTypeOf(index.within(0, 0, 10)).toEqualTypeOf<NearestResult>()
    expectTypeOf(index.nearestBatch(lats, lons, 5)).toEqualTypeOf<NearestBatchResult>()
    expectTypeOf(index.nearestBatch(lats, lons, 5).k).toEqualTypeOf<number>()
    expectTypeOf(index.nearestBatchAsync(lats, lons, 5, { signal: AbortSignal.timeout(1) })).toEqualTypeOf<Promise<NearestBatchResult>>()
    expectTypeOf(index.withinAsync(0, 0, 1, { signal: AbortSignal.timeout(1) })).toEqualTypeOf<Promise<NearestResult>>()
    // @ts-expect-error the size is read-only
    index.size = 3
    // @ts-expect-error the signal must be an AbortSignal
    void index.withinAsync(0, 0, 1, { signal: 'now' })
  })
})
