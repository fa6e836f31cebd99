// Geo: haversine, haversineMany, nearestK, GeoIndex (build, buildAsync, nearest, within,
// nearestBatch, nearestBatchAsync, withinAsync, size, and its non-public constructor). Compared
// with src/reference/geo.ts with the distance tolerance of __test__/geo-data.ts (native kernels
// use vectorized sin/cos/asin); near-ties may swap indices of points at the same distance.
import fc from 'fast-check'
import { array, boolean, float64, integer, invalid, number, object, options, plainValue, signal, tagOf } from '../oracle.mjs'
import { fillValues, hostileArb, mostlyValidWrapArb, listArb, numberArb, objArb, optional, orHostile, signalArb, taArb } from '../values.mjs'

const R = 6371
/** __test__/geo-data.ts `tol`, for a sphere of radius `radius`. */
function tol(d, radius = R) {
  const c = Math.abs(Math.cos(d / (2 * radius)))
  const DA = 4e-15
  return (1e-9 + 1e-12 * Math.abs(d) + Math.min(2 * radius * Math.sqrt(DA), (radius * DA) / c)) * Math.max(1, radius / R)
}

const latArb = fc.oneof({ weight: 12, arbitrary: fc.double({ min: -90, max: 90, noNaN: true }).map((v) => ({ t: 'v', v })) }, { weight: 1, arbitrary: numberArb }, { weight: 1, arbitrary: hostileArb })
const lonArb = fc.oneof({ weight: 12, arbitrary: fc.double({ min: -180, max: 180, noNaN: true }).map((v) => ({ t: 'v', v })) }, { weight: 1, arbitrary: fc.double({ min: -1000, max: 1000, noNaN: true }).map((v) => ({ t: 'v', v })) }, { weight: 1, arbitrary: numberArb }, { weight: 1, arbitrary: hostileArb })
const nArb = fc.oneof(fc.nat(16), fc.integer({ min: 17, max: 300 }))
const coords = (kind, len) =>
  fc.oneof(
    { weight: 8, arbitrary: taArb(['f64'], { len, kinds: [kind], wraps: mostlyValidWrapArb }) },
    { weight: 1, arbitrary: taArb(['f64', 'f32'], { len, kinds: kind === 'lat' ? ['lat', 'special'] : ['lonWide', 'special'] }) },
  )
// Not 'array': an array with lat/lon properties is an object { lat, lon } as far as the docs say.
const pointArb = objArb({ lat: latArb, lon: lonArb }, { requiredKeys: ['lat', 'lon'], wraps: ['frozen', 'sealed', 'nullProto', 'proxy', 'throwingGetter', 'detachingGetter', 'classInstance', 'inherited', 'trapThrows'] })
/** A point set: [lats, lons] (mostly of one length) or [points]. */
const pointSetArb = fc.oneof(
  { weight: 3, arbitrary: nArb.chain((n) => fc.tuple(orHostile(coords('lat', fc.constant(n)), 0.3), orHostile(coords('lon', fc.oneof({ weight: 9, arbitrary: fc.constant(n) }, { weight: 1, arbitrary: fc.constant(n + 1) })), 0.3))) },
  { weight: 2, arbitrary: orHostile(listArb(orHostile(pointArb), { maxLength: 20 })).map((p) => [p]) },
)
const normalizeArb = optional(orHostile(fc.boolean().map((v) => ({ t: 'v', v }))))
const radiusArb = optional(orHostile(fc.oneof(fc.constantFrom(1, 6371, 0.001, 1e6, 0, -1).map((v) => ({ t: 'v', v })), numberArb)))
const kArb = orHostile(fc.oneof(fc.constantFrom(1, 2, 3, 5, 16, 1000).map((v) => ({ t: 'v', v })), numberArb))

function wrap(lon) {
  return ((((lon + 180) % 360) + 360) % 360) - 180
}
function lat(c, name) {
  const v = number(c, name)
  if (!(v >= -90 && v <= 90)) invalid(`${name}: out of range`)
  return v
}
function lon(c, name, normalize) {
  const v = number(c, name)
  if (v >= -180 && v <= 180) return v
  if (normalize && Number.isFinite(v)) return wrap(v)
  invalid(`${name}: out of range`)
}

/** Canonical point-set arguments (the first of `args`) as checked Float64Arrays; `rest` follows them. */
function pointSet(args, normalize, { nonEmpty = false } = {}) {
  const first = plainValue(args[0], 'points')
  let lats
  let lons
  let rest
  if (Array.isArray(first)) {
    const points = array(first, 'points')
    lats = new Float64Array(points.length)
    lons = new Float64Array(points.length)
    points.forEach((p, i) => {
      const o = plainValue(p, `points[${i}]`)
      if (o === null || typeof o !== 'object') invalid(`points[${i}]: not an object`)
      const q = object(o, `points[${i}]`)
      lats[i] = lat(q.lat, `points[${i}].lat`)
      lons[i] = lon(q.lon, `points[${i}].lon`, normalize)
    })
    rest = args.slice(1)
  } else {
    const a = float64(args[0], 'lats')
    const b = float64(args[1], 'lons')
    if (a.length !== b.length) invalid('lons: another length')
    lats = Float64Array.from(a, (v, i) => lat(v, `lats[${i}]`))
    lons = Float64Array.from(b, (v, i) => lon(v, `lons[${i}]`, normalize))
    rest = args.slice(2)
  }
  if (nonEmpty && lats.length === 0) invalid('points: empty')
  return { lats, lons, n: lats.length, rest }
}

/** Reads the `normalize` flag of the options at position `at` after the point set, whichever form. */
function normalizeAt(args, at) {
  const first = plainValue(args[0], 'points')
  const o = Array.isArray(first) ? args[1 + at] : args[2 + at]
  return boolean(options(o).normalize, 'options.normalize', false)
}

function distancesTo(la, lo, set, r, radius = R) {
  const out = new Float64Array(set.n)
  r.geo.haversineMany(la, lo, set.lats, set.lons, radius, out, set.n)
  return out
}

/** A nearest-style result against the reference: same length, distances within tolerance, each index at its distance. */
function compareNearest(actual, want) {
  if (!actual || tagOf(actual.indices) !== 'Uint32Array' || tagOf(actual.distances) !== 'Float64Array') return `got ${typeof actual} without Uint32Array indices / Float64Array distances`
  if (want.k !== undefined && actual.k !== want.k) return `k ${actual.k}, expected ${want.k}`
  const { indices, distances, all } = want
  if (actual.indices.length !== indices.length || actual.distances.length !== indices.length) return `got ${actual.indices.length} results, expected ${indices.length}`
  const seen = new Set()
  for (let i = 0; i < indices.length; i++) {
    const t = tol(distances[i])
    const row = want.rowOf ? want.rowOf(i) : 0
    if (!(Math.abs(actual.distances[i] - distances[i]) <= t)) return `[${i}]: distance ${actual.distances[i]}, expected ${distances[i]}`
    const at = all[row][actual.indices[i]]
    if (!(Math.abs(at - distances[i]) <= 2 * t)) return `[${i}]: index ${actual.indices[i]} is at ${at} km, expected a point at ${distances[i]} km (index ${indices[i]})`
    const key = `${row}:${actual.indices[i]}`
    if (seen.has(key)) return `[${i}]: index ${actual.indices[i]} twice`
    seen.add(key)
  }
  return null
}

/** `within` results: the same set, except points within tolerance of the radius. */
function compareWithin(actual, want) {
  if (!actual || tagOf(actual.indices) !== 'Uint32Array') return `got ${typeof actual}`
  const edge = (d) => Math.abs(d - want.radius) <= tol(want.radius)
  const got = new Set(actual.indices)
  for (let i = 0; i < want.all.length; i++) {
    const d = want.all[i]
    if (edge(d)) continue
    if ((d <= want.radius) !== got.has(i)) return `point ${i} at ${d} km: ${got.has(i) ? 'returned' : 'missing'} for radius ${want.radius}`
  }
  return null
}

const indexArb = fc.record({ t: fc.constant('custom'), kind: fc.constant('index'), n: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 17, max: 400 })), seed: fc.nat(), dupes: fc.boolean() })
function indexPoints(r) {
  const lats = Float64Array.from(fillValues(r.n, 'lat', r.seed))
  const lons = Float64Array.from(fillValues(r.n, 'lon', r.seed + 1))
  if (r.dupes) for (let i = 1; i < r.n; i += 3) [lats[i], lons[i]] = [lats[i - 1], lons[i - 1]]
  return { lats, lons, n: r.n }
}

export const builders = {
  index(r, ctx) {
    const set = indexPoints(r)
    return { value: ctx.hp.GeoIndex.build(set.lats, set.lons), canon: { index: set } }
  },
}

const query = (c, normalize) => [lat(c[0], 'lat'), lon(c[1], 'lon', normalize)]

function nearestOracle(la, lo, set, k, r, maxDistanceKm = Infinity) {
  const res = r.geo.nearestK(la, lo, set.lats, set.lons, k, set.n, maxDistanceKm)
  return { indices: res.indices, distances: res.distances, all: [distancesTo(la, lo, set, r)] }
}

const indexOf = (c) => plainValue(c, 'index').index

export const specs = [
  {
    name: 'haversine',
    kind: 'sync',
    args: fc.tuple(latArb, lonArb, latArb, lonArb, optional(objArb({ radiusKm: radiusArb, normalize: normalizeArb }))),
    run: (hp, a) => hp.haversine(...a),
    oracle: (c, r) => {
      let radius = R
      let normalize = false
      if (plainValue(c[4], 'options') !== undefined) {
        const o = options(c[4])
        const rk = plainValue(o.radiusKm, 'options.radiusKm')
        if (rk !== undefined) {
          radius = number(rk, 'options.radiusKm')
          if (!(radius > 0 && radius < Infinity)) invalid('radiusKm')
        }
        normalize = boolean(o.normalize, 'options.normalize', false)
      }
      const d = r.geo.haversine(lat(c[0], 'lat1'), lon(c[1], 'lon1', normalize), lat(c[2], 'lat2'), lon(c[3], 'lon2', normalize), radius)
      return { d, radius }
    },
    compare: (a, { d, radius }) => (typeof a === 'number' && (Object.is(a, d) || Math.abs(a - d) <= tol(d, radius)) ? null : `got ${a}, expected ${d}`),
  },
  {
    name: 'haversineMany',
    kind: 'sync',
    args: fc.tuple(latArb, lonArb, pointSetArb, optional(objArb({ radiusKm: radiusArb, normalize: normalizeArb, out: optional(orHostile(fc.oneof({ weight: 6, arbitrary: taArb(['f64', 'f64', 'f32'], { len: nArb }) }, { weight: 1, arbitrary: fc.constant({ t: 'alias', arg: 2, type: 'f64', length: 17 }) }))) }))).map(([a, b, set, o]) => [a, b, ...set, o]),
    run: (hp, a) => hp.haversineMany(...a),
    oracle: (c, r) => {
      const normalize = normalizeAt(c.slice(2), 0)
      const set = pointSet(c.slice(2), normalize)
      const o = options(set.rest[0])
      const rk = plainValue(o.radiusKm, 'options.radiusKm')
      const radius = rk === undefined ? R : number(rk, 'options.radiusKm')
      if (!(radius > 0 && radius < Infinity)) invalid('radiusKm')
      const [la, lo] = query(c, normalize)
      const out = plainValue(o.out, 'options.out')
      if (out !== undefined && (tagOf(out) !== 'Float64Array' || out.length !== set.n)) invalid('options.out')
      return { all: distancesTo(la, lo, set, r, radius), radius }
    },
    compare: (a, { all, radius }) => {
      if (tagOf(a) !== 'Float64Array' || a.length !== all.length) return `got ${tagOf(a)}(${a?.length}), expected Float64Array(${all.length})`
      for (let i = 0; i < all.length; i++) if (!Object.is(a[i], all[i]) && !(Math.abs(a[i] - all[i]) <= tol(all[i], radius))) return `[${i}]: ${a[i]}, expected ${all[i]}`
      return null
    },
  },
  {
    name: 'nearestK',
    kind: 'sync',
    args: fc.tuple(latArb, lonArb, pointSetArb, kArb, optional(objArb({ normalize: normalizeArb }))).map(([a, b, set, k, o]) => [a, b, ...set, k, o]),
    run: (hp, a) => hp.nearestK(...a),
    oracle: (c, r) => {
      const normalize = normalizeAt(c.slice(2), 1)
      const set = pointSet(c.slice(2), normalize)
      const k = integer(set.rest[0], 'k', 1)
      if (set.n === 0) invalid('points: empty')
      const [la, lo] = query(c, normalize)
      return nearestOracle(la, lo, set, Math.min(k, set.n), r)
    },
    compare: compareNearest,
  },
  ...['build', 'buildAsync'].map((name) => ({
    name: `GeoIndex.${name}`,
    kind: name === 'build' ? 'sync' : 'async',
    args: fc.tuple(pointSetArb, optional(objArb(name === 'build' ? { normalize: normalizeArb } : { normalize: normalizeArb, signal: signalArb }))).map(([set, o]) => [...set, o]),
    run: (hp, a) => hp.GeoIndex[name](...a),
    oracle: (c, r) => {
      const normalize = normalizeAt(c, 0)
      const set = pointSet(c, normalize, { nonEmpty: true })
      if (name === 'buildAsync') signal(options(set.rest[0]).signal)
      return { set, probe: nearestOracle(10, 20, set, Math.min(5, set.n), r) }
    },
    compare: (index, { set, probe }) => {
      if (!index || index.size !== set.n) return `size ${index?.size}, expected ${set.n}`
      return compareNearest(index.nearest(10, 20, 5), probe)
    },
  })),
  {
    name: 'GeoIndex#nearest',
    kind: 'sync',
    args: fc.tuple(indexArb, latArb, lonArb, kArb, optional(objArb({ normalize: normalizeArb, maxDistanceKm: optional(orHostile(fc.constantFrom(0, 10, 1000, 5000, Infinity, -1, Number.NaN).map((v) => ({ t: 'v', v })))) }))),
    run: (hp, [index, ...a]) => index.nearest(...a),
    oracle: ([ic, la, lo, k, o], r) => {
      const set = indexOf(ic)
      const opts = options(o)
      const normalize = boolean(opts.normalize, 'options.normalize', false)
      const q = query([la, lo], normalize)
      const kk = Math.min(integer(k, 'k', 1), set.n)
      let max = Infinity
      if (plainValue(opts.maxDistanceKm, 'options.maxDistanceKm') !== undefined) {
        max = number(opts.maxDistanceKm, 'options.maxDistanceKm')
        if (!(max >= 0)) invalid('maxDistanceKm')
      }
      return nearestOracle(q[0], q[1], set, kk, r, max)
    },
    compare: compareNearest,
  },
  ...['within', 'withinAsync'].map((name) => ({
    name: `GeoIndex#${name}`,
    kind: name === 'within' ? 'sync' : 'async',
    args: fc.tuple(indexArb, latArb, lonArb, orHostile(fc.constantFrom(0, 1, 100, 1000, 5000, 30000, Infinity, -1).map((v) => ({ t: 'v', v }))), optional(objArb(name === 'within' ? { normalize: normalizeArb } : { normalize: normalizeArb, signal: signalArb }))),
    run: (hp, [index, ...a]) => index[name](...a),
    oracle: ([ic, la, lo, radius, o], r) => {
      const set = indexOf(ic)
      const opts = options(o)
      if (name === 'withinAsync') signal(opts.signal)
      const q = query([la, lo], boolean(opts.normalize, 'options.normalize', false))
      const rk = number(radius, 'radiusKm')
      if (!(rk >= 0)) invalid('radiusKm')
      return { all: distancesTo(q[0], q[1], set, r), radius: rk }
    },
    compare: compareWithin,
  })),
  ...['nearestBatch', 'nearestBatchAsync'].map((name) => ({
    name: `GeoIndex#${name}`,
    kind: name === 'nearestBatch' ? 'sync' : 'async',
    args: fc.tuple(
      indexArb,
      fc.oneof(nArb, fc.integer({ min: 100, max: 400 })).chain((n) => fc.tuple(orHostile(coords('lat', fc.constant(n)), 0.3), orHostile(coords('lon', fc.oneof({ weight: 9, arbitrary: fc.constant(n) }, { weight: 1, arbitrary: fc.constant(n + 1) })), 0.3))),
      kArb,
      optional(objArb(name === 'nearestBatch' ? { normalize: normalizeArb } : { normalize: normalizeArb, signal: signalArb })),
      optional(fc.constant({ t: 'detachAfter', at: 0 })),
    ).map(([i, q, k, o, after]) => [i, ...q, k, o, after]),
    run: (hp, [index, ...a]) => index[name](...a.slice(0, 4)),
    oracle: ([ic, ql, qo, k, o], r) => {
      const set = indexOf(ic)
      const opts = options(o)
      if (name.endsWith('Async')) signal(opts.signal)
      const normalize = boolean(opts.normalize, 'options.normalize', false)
      const queries = pointSet([ql, qo], normalize)
      const kk = Math.min(integer(k, 'k', 1), set.n)
      const indices = []
      const distances = []
      const all = []
      for (let q = 0; q < queries.n; q++) {
        const one = nearestOracle(queries.lats[q], queries.lons[q], set, kk, r)
        indices.push(...one.indices)
        distances.push(...one.distances)
        all.push(one.all[0])
      }
      return { indices, distances, all, k: kk, rowOf: (i) => Math.floor(i / kk) }
    },
    compare: compareNearest,
  })),
  {
    name: 'GeoIndex#size',
    kind: 'sync',
    args: fc.tuple(indexArb),
    run: (hp, [index]) => index.size,
    oracle: ([ic]) => indexOf(ic).n,
    compare: (a, b) => (a === b ? null : `size ${a}, expected ${b}`),
  },
  {
    name: 'new GeoIndex',
    kind: 'sync',
    args: fc.tuple(optional(hostileArb), optional(hostileArb)),
    run: (hp, a) => new hp.GeoIndex(...a),
    oracle: () => invalid('GeoIndex has no public constructor'),
    compare: () => null,
  },
]
