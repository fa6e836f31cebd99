/**
 * The async geo APIs: GeoIndex.buildAsync, nearestBatchAsync and withinAsync give exactly what
 * their sync twins give (inline for small work, on a worker thread above), take snapshots of
 * their input arrays at the call, and abort before and while they run. No assertion depends on
 * timing: a call aborted while it runs may also have finished first, and then must be right.
 */
import { describe, expect, it } from 'vitest'
import { AbortError, GeoIndex } from '../../src/index.js'
import { geoBackend } from '../../src/geo/index.js'
import { ABORTED, expectErrorShape, expectRejects } from '../helpers/errors.js'
import { expectIdentical, makePoints } from './data.js'

const big = makePoints('uniform', 60_000, 21)
// The fallback index is brute force: fewer queries keep this file fast there.
const queries = makePoints('uniform', geoBackend() === 'native' ? 2_000 : 40, 22)

describe(`async geo (${geoBackend()} backend)`, () => {
  it('buildAsync builds the same index as build (small and large sets, objects too)', async () => {
    const small = makePoints('clustered', 200, 4)
    const a = await GeoIndex.buildAsync(small.lats, small.lons)
    expect(a).toBeInstanceOf(GeoIndex)
    expectIdentical(a.nearest(1, 1, 20), GeoIndex.build(small.lats, small.lons).nearest(1, 1, 20), 'small')
    const b = await GeoIndex.buildAsync(Array.from(small.lats, (lat, i) => ({ lat, lon: small.lons[i] })))
    expectIdentical(b.nearest(1, 1, 20), a.nearest(1, 1, 20), 'objects')
    const lats = big.lats.slice()
    const lons = big.lons.slice()
    const pending = GeoIndex.buildAsync(lats, lons)
    // A snapshot was taken at the call: changing the arrays now changes nothing.
    lats.fill(0)
    lons.fill(0)
    const large = await pending
    expect(large.size).toBe(big.lats.length)
    expectIdentical(large.nearest(10, 20, 7), GeoIndex.build(big.lats, big.lons).nearest(10, 20, 7), 'large')
  })

  it('nearestBatchAsync equals nearestBatch, from a snapshot of the queries', async () => {
    const index = GeoIndex.build(big.lats, big.lons)
    const expected = index.nearestBatch(queries.lats, queries.lons, 5)
    const qLats = queries.lats.slice()
    const qLons = queries.lons.slice()
    const pending = index.nearestBatchAsync(qLats, qLons, 5)
    qLats.fill(-45)
    const got = await pending
    expect(got.k).toBe(5)
    expectIdentical(got, expected, 'batch')
    const few = await index.nearestBatchAsync(queries.lats.subarray(0, 3), queries.lons.subarray(0, 3), 2)
    expectIdentical(few, index.nearestBatch(queries.lats.subarray(0, 3), queries.lons.subarray(0, 3), 2), 'inline')
    const m = queries.lats.length
    const shared = new Float64Array(new SharedArrayBuffer(8 * m))
    shared.set(queries.lats)
    expectIdentical(await index.nearestBatchAsync(shared, queries.lons, 3), index.nearestBatch(shared, queries.lons, 3), 'shared')
  })

  it('withinAsync equals within', async () => {
    const index = GeoIndex.build(big.lats, big.lons)
    for (const r of [0, 50, 500, 3000]) expectIdentical(await index.withinAsync(10, 20, r), index.within(10, 20, r), `within ${r}`)
    const small = GeoIndex.build(makePoints('grid', 50, 2).lats, makePoints('grid', 50, 2).lons)
    expectIdentical(await small.withinAsync(0, 0, 300), small.within(0, 0, 300), 'small')
  })

  it('an already aborted signal rejects with an AbortError carrying the reason', async () => {
    const index = GeoIndex.build(big.lats, big.lons)
    const reason = new Error('stop')
    const signal = AbortSignal.abort(reason)
    for (const start of [() => GeoIndex.buildAsync(big.lats, big.lons, { signal }), () => GeoIndex.buildAsync(big.lats.subarray(0, 10), big.lons.subarray(0, 10), { signal }), () => index.nearestBatchAsync(queries.lats, queries.lons, 5, { signal }), () => index.withinAsync(0, 0, 100, { signal })]) {
      const error = await expectRejects(start, ABORTED)
      expect(error).toBeInstanceOf(AbortError)
      expect(error.cause).toBe(reason)
    }
  })

  it('aborting while running rejects with an AbortError, or the result is complete and right', async () => {
    const index = GeoIndex.build(big.lats, big.lons)
    const expected = index.nearestBatch(queries.lats, queries.lons, 8)
    for (const delay of [0, 1, 5]) {
      const controller = new AbortController()
      const pending = index.nearestBatchAsync(queries.lats, queries.lons, 8, { signal: controller.signal })
      setTimeout(() => controller.abort(), delay)
      try {
        expectIdentical(await pending, expected, `finished before the abort (delay ${delay})`)
      } catch (error) {
        expectErrorShape(error, ABORTED)
      }
      const build = new AbortController()
      const building = GeoIndex.buildAsync(big.lats, big.lons, { signal: build.signal })
      setTimeout(() => build.abort(), delay)
      try {
        expect((await building).size).toBe(big.lats.length)
      } catch (error) {
        expectErrorShape(error, ABORTED)
      }
    }
    // The index still works after aborted calls.
    expectIdentical(await index.nearestBatchAsync(queries.lats, queries.lons, 8), expected, 'after aborts')
  })
})
