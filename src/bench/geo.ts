/**
 * The geo benchmark, in one process on the same random points (100,000 points uniform on the
 * sphere, 10,000 queries; seeded): the pure-TS reference (plain haversine loop, bounded-heap
 * nearestK), hotpath, `kdbush` + `geokdbush` for the index, and `@turf/distance` for one pair.
 * The three packages are devDependencies of this repository, not of the published package: their
 * rows are skipped when they are not installed.
 */
import { seededRandom } from './random.js'
import type KDBush from 'kdbush'
import { GeoIndex, geoBackend, haversine, haversineMany, nearestK } from '../geo/index.js'
import { native } from '../core/native.js'
import * as reference from '../geo/reference.js'
import { interleavedMedians, medians, sink } from './measure.js'
import type { SuiteOptions, SuiteReport, SuiteRow, SuiteRatio } from './suite.js'

interface Competitors {
  KDBush: typeof KDBush | null
  around: ((index: KDBush, lng: number, lat: number, maxResults?: number, maxDistance?: number) => number[]) | null
  turfDistance: ((from: number[], to: number[]) => number) | null
}

async function optional<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load()
  } catch {
    return null
  }
}

async function loadCompetitors(): Promise<Competitors> {
  const kdbush = await optional(() => import('kdbush'))
  const geokdbush = await optional(() => import('geokdbush'))
  const turf = await optional(() => import('@turf/distance'))
  return {
    KDBush: kdbush?.default ?? null,
    around: geokdbush?.around ?? null,
    turfDistance: turf ? (turf.default as unknown as (from: number[], to: number[]) => number) : null,
  }
}

/** `n` points uniform on the sphere, in degrees. */
export function randomPoints(n: number, seed: number): { lats: Float64Array; lons: Float64Array } {
  const r = seededRandom(seed)
  const lats = new Float64Array(n)
  const lons = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    lats[i] = (Math.asin(2 * r() - 1) * 180) / Math.PI
    lons[i] = r() * 360 - 180
  }
  return { lats, lons }
}

function perSecond(count: number, ms: number, unit: string): string {
  const v = (count / ms) * 1e3
  return v >= 1e6 ? `${(v / 1e6).toFixed(1)} M ${unit}/s` : `${(v / 1e3).toFixed(1)} k ${unit}/s`
}

const K = 5
const PAIR_CALLS = 10_000

function buildKdbush(Type: typeof KDBush, lats: Float64Array, lons: Float64Array): KDBush {
  const index = new Type(lats.length)
  for (let i = 0; i < lats.length; i++) index.add(lons[i], lats[i])
  return index.finish()
}

export async function runGeoBench(options: SuiteOptions): Promise<SuiteReport> {
  const { quick } = options
  const progress = options.onProgress ?? (() => {})
  const c = await loadCompetitors()
  const nativeGeo = geoBackend() === 'native'
  // The bare native calls (no validation), to show the facade's share of each time.
  const bare = nativeGeo ? native : null
  const n = quick ? 10_000 : 100_000
  // The fallback index is brute force: 10,000 queries over 100,000 points would take minutes.
  const queryCount = nativeGeo ? (quick ? 1_000 : 10_000) : quick ? 50 : 200
  const rounds = quick ? 5 : 15
  const { lats, lons } = randomPoints(n, 1)
  const queries = randomPoints(queryCount, 2)
  const backend = nativeGeo ? 'native' : 'fallback'
  const rows: SuiteRow[] = []
  const ratios: SuiteRatio[] = []
  const nLabel = n.toLocaleString('en-US')

  // One pair: the formula inline in JS, hotpath.haversine, @turf/distance.
  progress('geo: one haversine call')
  {
    const table = `haversine, one pair (per call, ${PAIR_CALLS.toLocaleString('en-US')} calls per sample)`
    const coords = queries.lats.length
    const pairs = Array.from({ length: 64 }, (_, i) => [queries.lats[i % coords], queries.lons[i % coords], lats[i], lons[i]])
    const turfPairs = pairs.map(([a, b, c2, d]) => [
      [b, a],
      [d, c2],
    ])
    const tasks: Record<string, () => unknown> = {
      inline: () => {
        let s = 0
        for (let i = 0; i < PAIR_CALLS; i++) {
          const p = pairs[i & 63]
          s += reference.haversine(p[0], p[1], p[2], p[3], 6371)
        }
        sink.value += s
      },
      hotpath: () => {
        let s = 0
        for (let i = 0; i < PAIR_CALLS; i++) {
          const p = pairs[i & 63]
          s += haversine(p[0], p[1], p[2], p[3])
        }
        sink.value += s
      },
    }
    const turf = c.turfDistance
    if (turf) {
      tasks.turf = () => {
        let s = 0
        for (let i = 0; i < PAIR_CALLS; i++) {
          const p = turfPairs[i & 63]
          s += turf(p[0], p[1])
        }
        sink.value += s
      }
    }
    const ms = interleavedMedians(tasks, quick ? 20 : 200)
    rows.push({ table, name: 'haversine formula inline in JS', medianMs: ms.inline / PAIR_CALLS, vsBaseline: 1 })
    rows.push({ table, name: 'hotpath haversine', medianMs: ms.hotpath / PAIR_CALLS, vsBaseline: ms.inline / ms.hotpath, note: 'validated, runs in JS' })
    if (ms.turf !== undefined) rows.push({ table, name: '@turf/distance', medianMs: ms.turf / PAIR_CALLS, vsBaseline: ms.inline / ms.turf, note: '[lon, lat] arrays' })
    ratios.push({ label: 'haversine one call vs the inline JS formula', value: ms.inline / ms.hotpath })
  }

  // One point to many.
  progress(`geo: haversineMany, ${nLabel} points`)
  {
    const table = `haversineMany: one point to ${nLabel} points (${backend})`
    const out = new Float64Array(n)
    const tasks: Record<string, () => unknown> = {
      loop: () => reference.haversineMany(10, 20, lats, lons, 6371, out, n),
      hotpath: () => haversineMany(10, 20, lats, lons, { out }),
    }
    if (bare) tasks.bare = () => bare.geoHaversineMany(10, 20, lats, lons, 6371, out)
    const ms = interleavedMedians(tasks, rounds, { timed: 3 })
    rows.push({ table, name: 'pure-TS loop (Math.sin/asin)', medianMs: ms.loop, throughput: perSecond(n, ms.loop, 'points'), vsBaseline: 1 })
    rows.push({ table, name: 'hotpath haversineMany', medianMs: ms.hotpath, throughput: perSecond(n, ms.hotpath, 'points'), vsBaseline: ms.loop / ms.hotpath, note: 'validation included, all threads' })
    if (ms.bare !== undefined) rows.push({ table, name: 'native call alone', medianMs: ms.bare, throughput: perSecond(n, ms.bare, 'points'), vsBaseline: ms.loop / ms.bare, note: 'no validation: the kernel\'s share' })
    ratios.push({ label: `haversineMany ${nLabel} vs pure-TS loop`, value: ms.loop / ms.hotpath })
  }

  // Brute-force k nearest.
  progress(`geo: nearestK brute force, k = ${K}`)
  {
    const table = `nearestK brute force, k = ${K}, ${nLabel} points (${backend})`
    const tasks: Record<string, () => unknown> = {
      loop: () => (sink.value += reference.nearestK(10, 20, lats, lons, K, n).indices[0]),
      hotpath: () => (sink.value += nearestK(10, 20, lats, lons, K).indices[0]),
    }
    if (bare) tasks.bare = () => (sink.value += bare.geoNearestK(10, 20, lats, lons, K).indices[0])
    const ms = interleavedMedians(tasks, rounds, { timed: 3 })
    rows.push({ table, name: 'pure-TS bounded heap', medianMs: ms.loop, throughput: perSecond(n, ms.loop, 'points'), vsBaseline: 1 })
    rows.push({ table, name: 'hotpath nearestK', medianMs: ms.hotpath, throughput: perSecond(n, ms.hotpath, 'points'), vsBaseline: ms.loop / ms.hotpath, note: 'per-thread bounded heaps' })
    if (ms.bare !== undefined) rows.push({ table, name: 'native call alone', medianMs: ms.bare, throughput: perSecond(n, ms.bare, 'points'), vsBaseline: ms.loop / ms.bare, note: 'no validation: the kernel\'s share' })
    ratios.push({ label: `nearestK ${nLabel} vs pure-TS bounded heap`, value: ms.loop / ms.hotpath })
  }

  // Index build.
  progress(`geo: index build, ${nLabel} points`)
  const index = GeoIndex.build(lats, lons)
  const kd = c.KDBush ? buildKdbush(c.KDBush, lats, lons) : null
  {
    const table = `Index build, ${nLabel} points (${backend})`
    const tasks: Record<string, () => unknown> = { hotpath: () => (sink.value += GeoIndex.build(lats, lons).size) }
    const Type = c.KDBush
    if (Type) tasks.kdbush = () => (sink.value += buildKdbush(Type, lats, lons).numItems)
    // Tens of ms per call: drift between tasks matters less than the 20 warm-up rounds of the interleaved timer.
    const ms = await medians(tasks, { time: 0, iterations: quick ? 3 : 10 })
    const base = ms.kdbush ?? ms.hotpath
    if (ms.kdbush !== undefined) rows.push({ table, name: 'kdbush (add + finish)', medianMs: ms.kdbush, throughput: perSecond(n, ms.kdbush, 'points'), vsBaseline: 1 })
    rows.push({ table, name: 'hotpath GeoIndex.build', medianMs: ms.hotpath, throughput: perSecond(n, ms.hotpath, 'points'), vsBaseline: base / ms.hotpath, note: nativeGeo ? undefined : 'fallback: copies only (brute-force queries)' })
    if (ms.kdbush !== undefined) ratios.push({ label: 'GeoIndex.build vs kdbush build', value: ms.kdbush / ms.hotpath })
  }

  // One query at a time.
  progress(`geo: index queries, k = ${K}`)
  {
    const table = `Index query, k = ${K}, ${nLabel} points (per query, ${backend})`
    const perSample = Math.min(queryCount, 1000)
    const tasks: Record<string, () => unknown> = {
      hotpath: () => {
        let s = 0
        for (let q = 0; q < perSample; q++) s += index.nearest(queries.lats[q], queries.lons[q], K).indices[0]
        sink.value += s
      },
    }
    const around = c.around
    if (around && kd) {
      tasks.geokdbush = () => {
        let s = 0
        for (let q = 0; q < perSample; q++) s += around(kd, queries.lons[q], queries.lats[q], K)[0]
        sink.value += s
      }
    }
    const ms = interleavedMedians(tasks, quick ? 5 : nativeGeo ? 30 : 3)
    const base = ms.geokdbush ?? ms.hotpath
    if (ms.geokdbush !== undefined) rows.push({ table, name: 'geokdbush.around', medianMs: ms.geokdbush / perSample, throughput: perSecond(perSample, ms.geokdbush, 'queries'), vsBaseline: 1, note: 'ids only' })
    rows.push({ table, name: 'hotpath index.nearest', medianMs: ms.hotpath / perSample, throughput: perSecond(perSample, ms.hotpath, 'queries'), vsBaseline: base / ms.hotpath, note: 'indices + distances' })
    if (ms.geokdbush !== undefined) ratios.push({ label: `GeoIndex.nearest k = ${K} vs geokdbush.around (per query)`, value: ms.geokdbush / ms.hotpath })
  }

  // A batch of queries.
  progress(`geo: nearestBatch, ${queryCount.toLocaleString('en-US')} queries`)
  {
    const table = `nearestBatch, ${queryCount.toLocaleString('en-US')} queries, k = ${K}, ${nLabel} points (${backend})`
    const tasks: Record<string, () => unknown> = { hotpath: () => (sink.value += index.nearestBatch(queries.lats, queries.lons, K).indices[0]) }
    const around = c.around
    if (around && kd) {
      tasks.geokdbush = () => {
        let s = 0
        for (let q = 0; q < queryCount; q++) s += around(kd, queries.lons[q], queries.lats[q], K)[0]
        sink.value += s
      }
    }
    const ms = await medians(tasks, { time: 0, iterations: quick ? 3 : nativeGeo ? 7 : 2 })
    const base = ms.geokdbush ?? ms.hotpath
    if (ms.geokdbush !== undefined) rows.push({ table, name: 'geokdbush.around in a loop', medianMs: ms.geokdbush, throughput: perSecond(queryCount, ms.geokdbush, 'queries'), vsBaseline: 1 })
    rows.push({ table, name: 'hotpath index.nearestBatch', medianMs: ms.hotpath, throughput: perSecond(queryCount, ms.hotpath, 'queries'), vsBaseline: base / ms.hotpath, note: 'parallel over queries' })
  }

  const skipped = !c.KDBush || !c.around || !c.turfDistance ? ['kdbush, geokdbush and @turf/distance rows: not installed (npm install kdbush geokdbush @turf/distance to compare)'] : []
  return { rows, ratios, skipped }
}
