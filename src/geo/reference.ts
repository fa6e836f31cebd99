/**
 * Pure-TS geo kernels: the test oracle, the fallback (`HOTPATH_NATIVE=fallback`), and the fast
 * path for tiny point sets. Plain haversine with `Math.sin`/`Math.cos`/`Math.asin`, a bounded
 * max-heap for the k nearest points (no full sort), and a brute-force "index" that is exact by
 * construction. Ordering everywhere: ascending distance, ties broken by the lower index.
 *
 * Arguments are trusted: the facade (`src/geo/index.ts`) has validated them (finite, in range, lengths).
 */

/** Mean Earth radius (IUGG), the default sphere of every geo function. */
export const EARTH_RADIUS_KM = 6371

const RAD = Math.PI / 180

/** Indices and distances (km), ascending by distance, ties by the lower index. */
export interface NearestResult {
  indices: Uint32Array
  distances: Float64Array
}

/**
 * Great-circle distance of two points given in degrees:
 * `2 R asin(√(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)))`, `a` clamped to 1 against rounding.
 */
export function haversine(lat1: number, lon1: number, lat2: number, lon2: number, radiusKm: number): number {
  const p1 = lat1 * RAD
  const p2 = lat2 * RAD
  const sdp = Math.sin((p2 - p1) / 2)
  const sdl = Math.sin(((lon2 - lon1) * RAD) / 2)
  const a = sdp * sdp + Math.cos(p1) * Math.cos(p2) * sdl * sdl
  return 2 * radiusKm * Math.asin(Math.sqrt(a < 1 ? a : 1))
}

/** {@link haversine} from one point to `n` points, into `out`: the same bits as `n` single calls. */
export function haversineMany(lat: number, lon: number, lats: Float64Array, lons: Float64Array, radiusKm: number, out: Float64Array, n: number): void {
  const p1 = lat * RAD
  const c1 = Math.cos(p1)
  const twoR = 2 * radiusKm
  for (let i = 0; i < n; i++) {
    const p2 = lats[i] * RAD
    const sdp = Math.sin((p2 - p1) / 2)
    const sdl = Math.sin(((lons[i] - lon) * RAD) / 2)
    const a = sdp * sdp + c1 * Math.cos(p2) * sdl * sdl
    out[i] = twoR * Math.asin(Math.sqrt(a < 1 ? a : 1))
  }
}

/** Whether (d1, i1) comes after (d2, i2) in the result order. */
function after(d1: number, i1: number, d2: number, i2: number): boolean {
  return d1 > d2 || (d1 === d2 && i1 > i2)
}

/**
 * The `min(k, n)` nearest of `n` points by a bounded max-heap keyed by (distance, index): each
 * point is compared with the current k-th best only, and the heap is sorted in place at the end
 * (heap-sort extraction, O(k log k)), never the whole set.
 */
export function nearestK(lat: number, lon: number, lats: Float64Array, lons: Float64Array, k: number, n: number, maxDistanceKm = Infinity): NearestResult {
  const m = Math.min(k, n)
  const hd = new Float64Array(m)
  const hi = new Uint32Array(m)
  let size = 0
  const p1 = lat * RAD
  const c1 = Math.cos(p1)
  const twoR = 2 * EARTH_RADIUS_KM
  for (let i = 0; i < n; i++) {
    const p2 = lats[i] * RAD
    const sdp = Math.sin((p2 - p1) / 2)
    const sdl = Math.sin(((lons[i] - lon) * RAD) / 2)
    const a = sdp * sdp + c1 * Math.cos(p2) * sdl * sdl
    const d = twoR * Math.asin(Math.sqrt(a < 1 ? a : 1))
    if (!(d <= maxDistanceKm)) continue
    if (size < m) {
      // Sift up.
      let j = size++
      while (j > 0) {
        const parent = (j - 1) >> 1
        if (!after(d, i, hd[parent], hi[parent])) break
        hd[j] = hd[parent]
        hi[j] = hi[parent]
        j = parent
      }
      hd[j] = d
      hi[j] = i
    } else if (m > 0 && d < hd[0]) {
      // Equal distances never enter a full heap: their index is higher than every one inside.
      siftDown(hd, hi, 0, size, d, i)
    }
  }
  // Heap-sort extraction: the maximum goes to the end, the heap shrinks.
  for (let end = size - 1; end > 0; end--) {
    const d = hd[end]
    const i = hi[end]
    hd[end] = hd[0]
    hi[end] = hi[0]
    siftDown(hd, hi, 0, end, d, i)
  }
  return size === m ? { indices: hi, distances: hd } : { indices: hi.slice(0, size), distances: hd.slice(0, size) }
}

/** Places (d, i) at `j` of a max-heap of `size` entries and sifts it down. */
function siftDown(hd: Float64Array, hi: Uint32Array, j: number, size: number, d: number, i: number): void {
  for (;;) {
    let child = 2 * j + 1
    if (child >= size) break
    if (child + 1 < size && after(hd[child + 1], hi[child + 1], hd[child], hi[child])) child++
    if (!after(hd[child], hi[child], d, i)) break
    hd[j] = hd[child]
    hi[j] = hi[child]
    j = child
  }
  hd[j] = d
  hi[j] = i
}

/** Every point within `radiusKm` (inclusive), ascending by distance, ties by the lower index. */
export function within(lat: number, lon: number, lats: Float64Array, lons: Float64Array, radiusKm: number, n: number): NearestResult {
  const distances = new Float64Array(n)
  haversineMany(lat, lon, lats, lons, EARTH_RADIUS_KM, distances, n)
  const hits: number[] = []
  for (let i = 0; i < n; i++) if (distances[i] <= radiusKm) hits.push(i)
  hits.sort((a, b) => distances[a] - distances[b] || a - b)
  const indices = Uint32Array.from(hits)
  const out = new Float64Array(hits.length)
  for (let j = 0; j < hits.length; j++) out[j] = distances[hits[j]]
  return { indices, distances: out }
}

/**
 * The fallback index: private copies of the points, queried by brute force. Exact (it is the
 * oracle), O(n) per query.
 */
export class GeoIndex {
  readonly lats: Float64Array
  readonly lons: Float64Array
  readonly size: number

  constructor(lats: Float64Array, lons: Float64Array, n: number) {
    this.lats = Float64Array.prototype.slice.call(lats, 0, n)
    this.lons = Float64Array.prototype.slice.call(lons, 0, n)
    this.size = n
  }

  nearest(lat: number, lon: number, k: number, maxDistanceKm = Infinity): NearestResult {
    return nearestK(lat, lon, this.lats, this.lons, k, this.size, maxDistanceKm)
  }

  within(lat: number, lon: number, radiusKm: number): NearestResult {
    return within(lat, lon, this.lats, this.lons, radiusKm, this.size)
  }

  /** `queries × min(k, size)` results, row-major. */
  nearestBatch(qLats: Float64Array, qLons: Float64Array, k: number, queries: number): NearestResult {
    const m = Math.min(k, this.size)
    const indices = new Uint32Array(queries * m)
    const distances = new Float64Array(queries * m)
    for (let q = 0; q < queries; q++) {
      const r = nearestK(qLats[q], qLons[q], this.lats, this.lons, m, this.size)
      indices.set(r.indices, q * m)
      distances.set(r.distances, q * m)
    }
    return { indices, distances }
  }
}
