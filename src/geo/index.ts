/**
 * Geo kernels on a sphere of radius 6371 km (the mean Earth radius): the haversine distance of
 * one pair, from one point to many, the k nearest points by brute force, and `GeoIndex`, an
 * exact spatial index built once and queried many times.
 *
 * Coordinates are degrees: latitudes in [-90, 90], longitudes in [-180, 180]. With
 * `{ normalize: true }`, longitudes outside [-180, 180] are wrapped into [-180, 180) first (190
 * becomes -170) on a copy; the caller's arrays are never changed. Anything else (out of range, NaN, ±Infinity) is an
 * `ERR_OUT_OF_RANGE` RangeError that names the element (`lons[17]`).
 *
 * Point sets are given as two Float64Arrays (`lats`, `lons`: structure of arrays, read without
 * copying), or as an array of `{ lat, lon }` objects, converted once per call.
 *
 * Ordering: every result is ascending by distance, ties broken by the lower index. `GeoIndex`
 * returns exactly what the brute-force {@link nearestK} returns for the same points (same
 * indices, same distance bits), across the antimeridian, at the poles and with duplicates.
 *
 * Accuracy: the native kernels evaluate the same formula with vectorized sin/cos/asin, which
 * differ from `Math.sin`/`Math.asin` by rounding (about 1e-13 relative); `haversine` (one pair)
 * runs in JavaScript, where one call is cheaper than crossing into native code.
 */
import { progressOption, type ProgressOptions, type ProgressWatch } from '../core/progress.js'
import { coded } from '../core/guard.js'
import { fromNative, invalidType, invalidValue, outOfRange, IllegalConstructorError } from '../core/errors.js'
import { native, type NativeBinding } from '../core/native.js'
import * as reference from './reference.js'
import { inline, rejecting, runNativeTask } from '../core/task.js'
import { abortSignal, assertNoOverlap, attachedLength, booleanOption, integerInRange, optionsObject, typedArrayTag } from '../core/validate.js'

export { EARTH_RADIUS_KM } from './reference.js'

/** A point in degrees. */
export interface GeoPoint {
  lat: number
  lon: number
}

/**
 * Indices into the point set and their distances in km, ascending by distance (ties: lower index
 * first). The two arrays may be views of one ArrayBuffer (one allocation per call): transferring
 * or detaching `indices.buffer` also detaches `distances`.
 */
export interface NearestResult {
  indices: Uint32Array
  distances: Float64Array
}

/** `nearestBatch` results: `queries × k` row-major, where `k` is the requested k capped at the index size. */
export interface NearestBatchResult extends NearestResult {
  /** Results per query (the row length): `min(k, index.size)`. */
  k: number
}

export interface NormalizeOptions {
  /** Wrap longitudes outside [-180, 180] into [-180, 180) instead of rejecting them. Default `false`. */
  normalize?: boolean
}

export interface HaversineOptions extends NormalizeOptions {
  /** Sphere radius in km (finite, > 0). Default 6371. */
  radiusKm?: number
}

export interface HaversineManyOptions extends HaversineOptions {
  /** Where to write the distances: a Float64Array with one element per point. A new array when omitted. */
  out?: Float64Array
}

export interface GeoNearestOptions extends NormalizeOptions {
  /** Only points at most this far (km, inclusive). Default: no limit. */
  maxDistanceKm?: number
}

export interface GeoAsyncOptions extends ProgressOptions {
  /** Aborts the call before it starts or while it runs; the promise rejects with an AbortError. */
  signal?: AbortSignal
}

// ---------------------------------------------------------------------------------------------

/** The native index class, typed by the generated binding (binding/index.d.ts). */
type NativeGeoIndex = InstanceType<NativeBinding['NativeGeoIndex']>

/** The loaded binding when it has the geo kernels, else `null` (the pure-TS kernels run). */
const geo: NativeBinding | null = native && typeof native.geoHaversineMany === 'function' && typeof native.geoNearestK === 'function' && typeof native.NativeGeoIndex === 'function' ? native : null

/** Which implementation runs the geo kernels: `'native'`, or `'fallback'` (pure TS) when the loaded binary has none. */
export function geoBackend(): 'native' | 'fallback' {
  return geo ? 'native' : 'fallback'
}

/**
 * Point sets this small are handled in pure TS (by `haversineMany`, `nearestK` and `GeoIndex`
 * alike, so an index and the brute force always run the same implementation): a native call's
 * fixed cost exceeds the work.
 */
export const GEO_SHORT_MAX_POINTS = 16

/** Async calls on less work than this (points × queries) run inline: a libuv round trip costs more. */
const ASYNC_INLINE_MAX_WORK = 1 << 15

// ---------------------------------------------------------------------------------------------
// Validation

function coordinateError(value: unknown, name: string, bound: number): Error {
  if (typeof value !== 'number') return invalidType(name, 'of type number', value)
  if (!Number.isFinite(value)) return outOfRange(name, 'a finite number', value)
  return outOfRange(name, `>= -${bound} and <= ${bound}${bound === 180 ? ' (or pass { normalize: true })' : ''}`, value)
}

/** Wraps a finite longitude into [-180, 180). */
function wrapLongitude(lon: number): number {
  const w = (((lon + 180) % 360) + 360) % 360
  return w - 180
}

function latitude(value: unknown, name: string): number {
  if (typeof value === 'number' && value >= -90 && value <= 90) return value
  throw coordinateError(value, name, 90)
}

function longitude(value: unknown, name: string, normalize: boolean): number {
  if (typeof value === 'number') {
    if (value >= -180 && value <= 180) return value
    if (normalize && Number.isFinite(value)) return wrapLongitude(value)
  }
  throw coordinateError(value, name, 180)
}

function normalizeFlag(value: unknown, name = 'options.normalize'): boolean {
  return booleanOption(value, name, false)
}

function radiusOption(value: unknown, name: string): number {
  if (value === undefined) return reference.EARTH_RADIUS_KM
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value)
  if (!(value > 0 && value < Infinity)) throw outOfRange(name, 'a finite number > 0', value)
  return value
}

/** A distance limit: a number >= 0, Infinity allowed. */
function distanceLimit(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value)
  if (!(value >= 0)) throw outOfRange(name, 'a number >= 0 (Infinity allowed)', value)
  return value
}

function kArgument(value: unknown): number {
  return integerInRange(value, 'k', 1)
}

/**
 * A point set: Float64Arrays of `n` coordinates. `checked` once every coordinate is known to be in
 * range (longitudes wrapped on a copy when asked); until then only the types and lengths are.
 */
interface PointSet {
  lats: Float64Array
  lons: Float64Array
  n: number
  checked: boolean
  latsName: string
  lonsName: string
}

/**
 * The length of `value`, which must be a Float64Array, after making sure a length of 0 is a real
 * empty array. One flat function for both checks: nested helper calls cost ~1% of `haversineMany`
 * over 100 points.
 */
function float64Length(value: unknown, name: string): number {
  if (typedArrayTag(value) !== 'Float64Array') throw invalidType(name, 'an instance of Float64Array', value)
  return attachedLength(value as Float64Array, name)
}

/**
 * `lats`/`lons` as Float64Arrays of one length. Their ranges are not checked here: the native
 * kernels check every coordinate in their own pass over the data (free, they are compute-bound)
 * and report an out-of-range point, and {@link nativeChecked} then names it; the pure-TS paths
 * call {@link checkRanges} first.
 */
function arrayPoints(latsArg: unknown, lonsArg: unknown, latsName: string, lonsName: string): PointSet {
  const n = float64Length(latsArg, latsName)
  const m = float64Length(lonsArg, lonsName)
  const lats = latsArg as Float64Array
  const lons = lonsArg as Float64Array
  if (m !== n) throw invalidValue(lonsName, `the same length as "${latsName}" (${n})`, `length ${m}`)
  return { lats, lons, n, checked: false, latsName, lonsName }
}

/**
 * The point set with every latitude checked in [-90, 90] and longitude in [-180, 180] (or wrapped
 * on a copy when `normalize`), or the typed error naming the first bad element (`lats[17]`). One
 * pass over both arrays.
 */
function checkRanges(points: PointSet, normalize: boolean): PointSet {
  if (points.checked) return points
  const { lats, n, latsName, lonsName } = points
  let lons = points.lons
  let copied = false
  for (let i = 0; i < n; i++) {
    const la = lats[i]
    const lo = lons[i]
    if (la >= -90 && la <= 90 && lo >= -180 && lo <= 180) continue
    if (!(la >= -90 && la <= 90)) throw coordinateError(la, `${latsName}[${i}]`, 90)
    if (!normalize || !Number.isFinite(lo)) throw coordinateError(lo, `${lonsName}[${i}]`, 180)
    if (!copied) {
      lons = Float64Array.prototype.slice.call(lons, 0, n)
      copied = true
    }
    lons[i] = wrapLongitude(lo)
  }
  return { ...points, lons, checked: true }
}

/**
 * Runs a native call that checks the coordinates itself. When it rejects them (an out-of-range
 * or non-finite point), the points are checked here to throw the precise typed error, or, with
 * `normalize`, wrapped on a copy and given to the call again. Any other failure is mapped by
 * `fromNative`.
 */
function nativeChecked<R>(points: PointSet, normalize: boolean, call: (lats: Float64Array, lons: Float64Array) => R): R {
  try {
    return call(points.lats, points.lons)
  } catch (error) {
    if (points.checked) throw fromNative(error)
    const checked = checkRanges(points, normalize)
    // In range after all (or wrapped): not a coordinate error, or a second chance with the copy.
    if (checked.lons === points.lons) throw fromNative(error)
    try {
      return call(checked.lats, checked.lons)
    } catch (again) {
      throw fromNative(again)
    }
  }
}

/** An array of `{ lat, lon }` converted once into Float64Arrays. */
function objectPoints(value: readonly unknown[], normalize: boolean, name: string): PointSet {
  const n = value.length
  const lats = new Float64Array(n)
  const lons = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const p = value[i]
    if (p === null || typeof p !== 'object') throw invalidType(`${name}[${i}]`, 'an object { lat, lon }', p)
    lats[i] = latitude((p as GeoPoint).lat, `${name}[${i}].lat`)
    lons[i] = longitude((p as GeoPoint).lon, `${name}[${i}].lon`, normalize)
  }
  return { lats, lons, n, checked: true, latsName: `${name}[].lat`, lonsName: `${name}[].lon` }
}

/**
 * Reads the overloaded `(lats, lons, ...rest)` / `(points, ...rest)` argument list: the point set
 * and the remaining arguments.
 */
function pointArguments(args: readonly unknown[], readNormalize: (rest: readonly unknown[]) => boolean, latsName = 'lats', lonsName = 'lons', pointsName = 'points'): [PointSet, unknown[]] {
  if (Array.isArray(args[0])) {
    const rest = args.slice(1)
    return [objectPoints(args[0], readNormalize(rest), pointsName), rest]
  }
  const rest = args.slice(2)
  // Options first, then the arrays: the order in which their errors have always been reported.
  readNormalize(rest)
  return [arrayPoints(args[0], args[1], latsName, lonsName), rest]
}

function nonEmpty(points: PointSet, objectForm: boolean): void {
  if (points.n === 0) throw invalidValue(objectForm ? 'points' : 'lats', 'at least one point', 'length 0')
}

function outputFor(points: PointSet, out: unknown): Float64Array {
  if (out === undefined) return new Float64Array(points.n)
  const m = float64Length(out, 'options.out')
  const view = out as Float64Array
  if (m !== points.n) throw invalidValue('options.out', `a Float64Array of length ${points.n}`, `length ${m}`)
  assertNoOverlap(points.lats, 'lats', view, 'options.out')
  assertNoOverlap(points.lons, 'lons', view, 'options.out')
  return view
}

// ---------------------------------------------------------------------------------------------
// Functions

/**
 * The great-circle distance in km between two points given in degrees (haversine formula), on a
 * sphere of `options.radiusKm` (default 6371). Runs in JavaScript: as fast as writing the formula
 * inline.
 *
 * @example
 * ```ts
 * haversine(48.8566, 2.3522, 51.5074, -0.1278) // 343.56 (Paris to London, km)
 * haversine(0, 179.5, 0, -179.5) // 111.19: across the antimeridian
 * ```
 */
export function haversine(lat1: number, lon1: number, lat2: number, lon2: number, options?: HaversineOptions): number {
  try {
    let radiusKm = reference.EARTH_RADIUS_KM
    let normalize = false
    if (options !== undefined) {
      const opts = optionsObject(options)
      radiusKm = radiusOption(opts.radiusKm, 'options.radiusKm')
      normalize = normalizeFlag(opts.normalize)
    }
    if (
      typeof lat1 !== 'number' ||
      typeof lon1 !== 'number' ||
      typeof lat2 !== 'number' ||
      typeof lon2 !== 'number' ||
      !(lat1 >= -90 && lat1 <= 90 && lat2 >= -90 && lat2 <= 90 && lon1 >= -180 && lon1 <= 180 && lon2 >= -180 && lon2 <= 180)
    ) {
      lat1 = latitude(lat1, 'lat1')
      lon1 = longitude(lon1, 'lon1', normalize)
      lat2 = latitude(lat2, 'lat2')
      lon2 = longitude(lon2, 'lon2', normalize)
    }
    return reference.haversine(lat1, lon1, lat2, lon2, radiusKm)
  } catch (error) {
    throw coded(error)
  }
}

/**
 * Distances in km from one point to many, into `options.out` or a new Float64Array. The points
 * are two Float64Arrays (`lats`, `lons`, read in place) or an array of `{ lat, lon }`.
 *
 * @example
 * ```ts
 * const lats = new Float64Array([51.5074, 40.7128])
 * const lons = new Float64Array([-0.1278, -74.006])
 * haversineMany(48.8566, 2.3522, lats, lons) // Float64Array [343.56, 5837.24]
 * haversineMany(48.8566, 2.3522, [{ lat: 51.5074, lon: -0.1278 }]) // Float64Array [343.56]
 * ```
 */
export function haversineMany(lat: number, lon: number, lats: Float64Array, lons: Float64Array, options?: HaversineManyOptions): Float64Array
export function haversineMany(lat: number, lon: number, points: readonly GeoPoint[], options?: HaversineManyOptions): Float64Array
export function haversineMany(lat: number, lon: number, ...args: unknown[]): Float64Array {
  try {
    let opts: Partial<HaversineManyOptions> = {}
    const [points] = pointArguments(args, (rest) => {
      opts = optionsObject(rest[0] as HaversineManyOptions | undefined)
      return normalizeFlag(opts.normalize)
    })
    const radiusKm = radiusOption(opts.radiusKm, 'options.radiusKm')
    const normalize = normalizeFlag(opts.normalize)
    const la = latitude(lat, 'lat')
    const lo = longitude(lon, 'lon', normalize)
    const out = outputFor(points, opts.out)
    if (geo && points.n > GEO_SHORT_MAX_POINTS) {
      const kernel = geo
      nativeChecked(points, normalize, (lats, lons) => kernel.geoHaversineMany(la, lo, lats, lons, radiusKm, out))
    } else {
      const checked = checkRanges(points, normalize)
      reference.haversineMany(la, lo, checked.lats, checked.lons, radiusKm, out, points.n)
    }
    return out
  } catch (error) {
    throw coded(error)
  }
}

/**
 * The `k` points nearest to (lat, lon), by brute force over every point (in parallel natively,
 * with a bounded heap per thread: no full sort), ascending by distance, ties broken by the lower
 * index. `k >= n` returns every point, sorted. Distances in km on the 6371 km sphere.
 *
 * @example
 * ```ts
 * const { indices, distances } = nearestK(0, 0, lats, lons, 5)
 * nearestK(0, 0, [{ lat: 0, lon: 1 }, { lat: 0, lon: -1 }], 1) // indices [0]: a tie, lower index
 * ```
 */
export function nearestK(lat: number, lon: number, lats: Float64Array, lons: Float64Array, k: number, options?: NormalizeOptions): NearestResult
export function nearestK(lat: number, lon: number, points: readonly GeoPoint[], k: number, options?: NormalizeOptions): NearestResult
export function nearestK(lat: number, lon: number, ...args: unknown[]): NearestResult {
  try {
    let normalize = false
    const [points, rest] = pointArguments(args, (r) => (normalize = normalizeFlag(optionsObject(r[1] as NormalizeOptions | undefined).normalize)))
    const k = kArgument(rest[0])
    nonEmpty(points, Array.isArray(args[0]))
    const la = latitude(lat, 'lat')
    const lo = longitude(lon, 'lon', normalize)
    const m = Math.min(k, points.n)
    if (geo && points.n > GEO_SHORT_MAX_POINTS) {
      const kernel = geo
      return nativeChecked(points, normalize, (lats, lons) => kernel.geoNearestK(la, lo, lats, lons, m))
    }
    const checked = checkRanges(points, normalize)
    return reference.nearestK(la, lo, checked.lats, checked.lons, m, points.n)
  } catch (error) {
    throw coded(error)
  }
}

// ---------------------------------------------------------------------------------------------
// GeoIndex

/** What a GeoIndex queries: the native index, or the pure-TS one (tiny sets, fallback). */
type Engine = { native: NativeGeoIndex; reference: null } | { native: null; reference: reference.GeoIndex }

/** Guards the constructor: indexes come from `GeoIndex.build` / `GeoIndex.buildAsync`. */
const BUILD = Symbol('GeoIndex.build')

/** Validates a query point. */
function queryPoint(lat: unknown, lon: unknown, normalize: boolean): [number, number] {
  return [latitude(lat, 'lat'), longitude(lon, 'lon', normalize)]
}

/** Wraps a validating body so that every failure becomes a rejection, never a throw. */
/**
 * An exact spatial index over a fixed point set, built once (`GeoIndex.build`, or
 * `GeoIndex.buildAsync` off the main thread for large sets) and queried many times. It keeps its
 * own copy of the points: later changes to the arrays it was built from do not affect it.
 *
 * Every query returns exactly what brute force ({@link nearestK}) returns: the same indices in the
 * same order (ties: lower index first) and the same distances, including across the antimeridian,
 * near the poles and for duplicate points.
 *
 * @example
 * ```ts
 * const index = GeoIndex.build(lats, lons)
 * index.nearest(48.85, 2.35, 5) // { indices, distances }
 * index.nearest(48.85, 2.35, 5, { maxDistanceKm: 10 }) // at most 5, none farther than 10 km
 * index.within(48.85, 2.35, 2) // every point within 2 km, nearest first
 * const batch = index.nearestBatch(queryLats, queryLons, 5) // queries × 5, row-major
 * ```
 */
export class GeoIndex {
  readonly #engine: Engine
  readonly #size: number

  /** @internal Use `GeoIndex.build` or `GeoIndex.buildAsync`. */
  constructor(token: symbol, engine: Engine, size: number) {
    if (token !== BUILD) throw new IllegalConstructorError('GeoIndex has no public constructor: use GeoIndex.build(lats, lons) or GeoIndex.buildAsync(lats, lons)')
    this.#engine = engine
    this.#size = size
  }

  /**
   * Builds an index over `lats`/`lons` (Float64Arrays of one length) or an array of `{ lat, lon }`.
   * An empty set is an `ERR_INVALID_ARG_VALUE` error.
   */
  static build(lats: Float64Array, lons: Float64Array, options?: NormalizeOptions): GeoIndex
  static build(points: readonly GeoPoint[], options?: NormalizeOptions): GeoIndex
  static build(...args: unknown[]): GeoIndex {
    try {
      let normalize = false
      const [points] = pointArguments(args, (rest) => (normalize = normalizeFlag(optionsObject(rest[0] as NormalizeOptions | undefined).normalize)))
      nonEmpty(points, Array.isArray(args[0]))
      if (geo && points.n > GEO_SHORT_MAX_POINTS) {
        const Native = geo.NativeGeoIndex
        // The native build checks every point (and copies them: the index owns its points).
        return new GeoIndex(BUILD, { native: nativeChecked(points, normalize, (lats, lons) => new Native(lats, lons)), reference: null }, points.n)
      }
      const checked = checkRanges(points, normalize)
      return new GeoIndex(BUILD, { native: null, reference: new reference.GeoIndex(checked.lats, checked.lons, points.n) }, points.n)
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * Async {@link GeoIndex.build}: builds on a worker thread (from a snapshot of the arrays taken at
   * the call), abortable with `{ signal }`. Rejects, never throws.
   */
  static buildAsync(lats: Float64Array, lons: Float64Array, options?: NormalizeOptions & GeoAsyncOptions): Promise<GeoIndex>
  static buildAsync(points: readonly GeoPoint[], options?: NormalizeOptions & GeoAsyncOptions): Promise<GeoIndex>
  static buildAsync(...args: unknown[]): Promise<GeoIndex> {
    return buildAsync(args)
  }

  /** The number of points. */
  get size(): number {
    return this.#size
  }

  /**
   * The `k` nearest points to (lat, lon), ascending by distance (ties: lower index first); with
   * `maxDistanceKm`, only those at most that far (possibly fewer than `k`, possibly none).
   */
  nearest(lat: number, lon: number, k: number, options?: GeoNearestOptions): NearestResult {
    try {
      const opts = optionsObject(options)
      const normalize = normalizeFlag(opts.normalize)
      const [la, lo] = queryPoint(lat, lon, normalize)
      const kk = Math.min(kArgument(k), this.#size)
      const limit = opts.maxDistanceKm === undefined ? Infinity : distanceLimit(opts.maxDistanceKm, 'options.maxDistanceKm')
      const engine = this.#engine
      return engine.native ? engine.native.nearest(la, lo, kk, limit) : engine.reference.nearest(la, lo, kk, limit)
    } catch (error) {
      throw coded(error)
    }
  }

  /** Every point within `radiusKm` (inclusive) of (lat, lon), ascending by distance (ties: lower index first). */
  within(lat: number, lon: number, radiusKm: number, options?: NormalizeOptions): NearestResult {
    try {
      const normalize = normalizeFlag(optionsObject(options).normalize)
      const [la, lo] = queryPoint(lat, lon, normalize)
      const r = distanceLimit(radiusKm, 'radiusKm')
      const engine = this.#engine
      return engine.native ? engine.native.within(la, lo, r) : engine.reference.within(la, lo, r)
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * The `k` nearest points of every query (in parallel natively): `indices` and `distances` hold
   * `queries × result.k` entries, row-major, where `result.k = min(k, size)`.
   */
  nearestBatch(queryLats: Float64Array, queryLons: Float64Array, k: number, options?: NormalizeOptions): NearestBatchResult {
    try {
      const normalize = normalizeFlag(optionsObject(options).normalize)
      const queries = arrayPoints(queryLats, queryLons, 'queryLats', 'queryLons')
      const kk = Math.min(kArgument(k), this.#size)
      const engine = this.#engine
      let result: NearestResult
      if (engine.native) {
        // The native search checks every query point.
        const index = engine.native
        result = nativeChecked(queries, normalize, (lats, lons) => index.nearestBatch(lats, lons, kk))
      } else {
        const checked = checkRanges(queries, normalize)
        result = engine.reference.nearestBatch(checked.lats, checked.lons, kk, queries.n)
      }
      return { indices: result.indices, distances: result.distances, k: kk }
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * Async {@link GeoIndex.nearestBatch} on a worker thread, from a snapshot of the query arrays
   * taken at the call; abortable with `{ signal }`. Rejects, never throws.
   */
  nearestBatchAsync(queryLats: Float64Array, queryLons: Float64Array, k: number, options?: NormalizeOptions & GeoAsyncOptions): Promise<NearestBatchResult> {
    return rejecting(async () => {
      const opts = optionsObject(options)
      const signal = abortSignal(opts.signal)
      const progress = progressOption(opts)
      const normalize = normalizeFlag(opts.normalize)
      // Checked here, on this thread: a task's failure would come too late to name the element.
      const queries = checkRanges(arrayPoints(queryLats, queryLons, 'queryLats', 'queryLons'), normalize)
      const kk = Math.min(kArgument(k), this.#size)
      const engine = this.#engine
      if (!engine.native || queries.n * this.#size <= ASYNC_INLINE_MAX_WORK) return inline(signal, () => this.nearestBatch(queries.lats, queries.lons, kk), progress, queries.n)
      const index = engine.native
      // The binding copies the queries when the task starts (on this thread): a snapshot.
      const result = await runNativeTask(signal, (token) => index.nearestBatchAsync(queries.lats, queries.lons, kk, token), progress)
      return { indices: result.indices, distances: result.distances, k: kk }
    })()
  }

  /** Async {@link GeoIndex.within} on a worker thread, abortable with `{ signal }`. Rejects, never throws. */
  withinAsync(lat: number, lon: number, radiusKm: number, options?: NormalizeOptions & GeoAsyncOptions): Promise<NearestResult> {
    return rejecting(async () => {
      const opts = optionsObject(options)
      const signal = abortSignal(opts.signal)
      const normalize = normalizeFlag(opts.normalize)
      const [la, lo] = queryPoint(lat, lon, normalize)
      const r = distanceLimit(radiusKm, 'radiusKm')
      const engine = this.#engine
      if (!engine.native || this.#size <= ASYNC_INLINE_MAX_WORK) return inline(signal, () => (engine.native ? engine.native.within(la, lo, r) : engine.reference!.within(la, lo, r)))
      const index = engine.native
      return runNativeTask(signal, (token) => index.withinAsync(la, lo, r, token))
    })()
  }
}

const buildAsync = rejecting(async (args: unknown[]): Promise<GeoIndex> => {
  let signal: AbortSignal | undefined
  let progress: ProgressWatch | undefined
  let normalize = false
  const [unchecked] = pointArguments(args, (rest) => {
    const opts = optionsObject(rest[0] as (NormalizeOptions & GeoAsyncOptions) | undefined)
    signal = abortSignal(opts.signal)
    progress = progressOption(opts)
    return (normalize = normalizeFlag(opts.normalize))
  })
  nonEmpty(unchecked, Array.isArray(args[0]))
  // Checked here, on this thread: a task's failure would come too late to name the element.
  const points = checkRanges(unchecked, normalize)
  if (!geo || points.n <= ASYNC_INLINE_MAX_WORK) return inline(signal, () => GeoIndex.build(points.lats, points.lons), progress, points.n)
  const built = geo
  // The binding copies the coordinates when the task starts (on this thread): a snapshot.
  const index = await runNativeTask(signal, (token) => built.geoIndexBuildAsync(points.lats, points.lons, token), progress)
  return new GeoIndex(BUILD, { native: index, reference: null }, points.n)
})
