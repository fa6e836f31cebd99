// The risk score: new RiskModel, score, scoreBatch, scoreBatchAsync, scoreQueued, scoreIterable,
// scoreStream, and the features/threshold getters. Compared with src/reference/score.ts with the
// parity tests' tolerances (1e-12 relative for f64 input, 1e-6 for f32).
import fc from 'fast-check'
import { Unknown, array, boolean, close, finite, float64, integer, invalid, number, options, plainValue, signal, tagOf } from '../oracle.mjs'
import { drive, collect, sourceOf, SOURCE_KINDS } from '../drive.mjs'
import { arrArb, fillValues, listArb, materialize, numberArb, objArb, optional, orHostile, signalArb, taArb } from '../values.mjs'

const F64_TOL = 1e-12
const F32_TOL = 1e-6
const DIMS = [1, 3, 20, 130]

const modelArb = fc.record({ t: fc.constant('custom'), kind: fc.constant('model'), d: fc.constantFrom(...DIMS), seed: fc.nat(), threshold: fc.constantFrom(0.5, 0, -3, 2.25) })
function modelParts(r) {
  return { weights: Float64Array.from(fillValues(r.d, 'unit', r.seed)), threshold: r.threshold }
}

/** A feature-vector length: mostly D, sometimes off by one, or D - 7 (what a lying `length` of +7 claims). */
const lenFor = (d) => fc.oneof({ weight: 6, arbitrary: fc.constant(d) }, { weight: 1, arbitrary: fc.constantFrom(d + 1, Math.max(0, d - 1), Math.max(0, d - 7), 0) })
const vectorFor = (d) =>
  orHostile(
    fc.oneof(
      { weight: 4, arbitrary: taArb(['f64', 'f64', 'f32', 'i32'], { len: lenFor(d) }) },
      { weight: 4, arbitrary: arrArb({ len: lenFor(d) }) },
      // Typed arrays whose `length` lies (an own property claiming +7, a subclass getter claiming 1)
      // paired with the real lengths that make the lie claim exactly D.
      { weight: 1, arbitrary: fc.oneof(taArb(['f64', 'f32'], { len: fc.constant(Math.max(0, d - 7)), wraps: fc.constant('lyingLength') }), taArb(['f64', 'f32'], { len: fc.constant(d === 1 ? 2 : d), wraps: fc.constant('lyingGetter') })) },
    ),
  )
/** Rows: a row-major typed array of k x D (k up to ~2,000, beyond the async inline limit for D = 20), or an array of vectors. */
const rowsFor = (d) =>
  orHostile(
    fc.oneof(
      { weight: 3, arbitrary: fc.oneof(fc.nat(20), fc.integer({ min: 1600, max: 2100 })).chain((k) => taArb(['f64', 'f32', 'f32', 'i32'], { len: fc.constantFrom(k * d, k * d, k * d + 1) })) },
      { weight: 2, arbitrary: listArb(vectorFor(d), { maxLength: 8 }) },
    ),
  )
const outFor = (n) => optional(orHostile(fc.oneof({ weight: 6, arbitrary: taArb(['f64', 'f64', 'f64', 'f32'], { len: fc.constantFrom(n, n, n + 1) }) }, { weight: 1, arbitrary: fc.constant({ t: 'alias', arg: 1, type: 'f64', length: n }) })))

export const builders = {
  model(r, ctx) {
    const { weights, threshold } = modelParts(r)
    return { value: new ctx.hp.RiskModel({ weights, threshold }), canon: { model: { weights, threshold } } }
  },
  source(r, ctx) {
    const { value, canon } = materialize(r.list, ctx)
    return { value: sourceOf(value, r.as, ctx), canon: { source: canon, as: r.as } }
  },
}

function modelOf(c) {
  return plainValue(c, 'model').model
}

/** One canonical vector of length d: its values, and whether it is f32. */
function vector(c, name, d) {
  c = plainValue(c, name)
  if (tagOf(c) === 'Float64Array' || tagOf(c) === 'Float32Array') {
    if (c.length !== d) invalid(`${name}: length ${c.length}, not ${d}`)
    return { values: c, f32: tagOf(c) === 'Float32Array' }
  }
  const a = array(c, name)
  if (a.length !== d) invalid(`${name}: length ${a.length}, not ${d}`)
  for (let i = 0; i < d; i++) number(a[i], `${name}[${i}]`)
  return { values: a, f32: false }
}

/** Canonical rows as a flat list of values (and whether any row is f32). */
function rows(c, d) {
  c = plainValue(c, 'rows')
  const tag = tagOf(c)
  if (tag === 'Float64Array' || tag === 'Float32Array') {
    if (c.length % d !== 0) invalid('rows: length not a multiple of D')
    return { values: c, f32: tag === 'Float32Array' }
  }
  const list = array(c, 'rows')
  const values = []
  let f32 = false
  list.forEach((row, i) => {
    const v = vector(row, `rows[${i}]`, d)
    f32 ||= v.f32
    values.push(...v.values)
  })
  return { values, f32 }
}

function scores(model, values) {
  const n = values.length / model.weights.length
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let j = 0; j < model.weights.length; j++) {
      const p = values[i * model.weights.length + j] * model.weights[j]
      sum += p * p
    }
    out[i] = 1 / (1 + Math.exp(model.threshold - Math.sqrt(sum)))
  }
  return out
}

const compareScores = (actual, { scores: want, tol }) => {
  const got = typeof actual === 'number' ? [actual] : actual
  if (got === null || typeof got !== 'object' || typeof got.length !== 'number') return `got ${typeof actual}`
  if (typeof actual !== 'number' && typeof want === 'number') return `got ${typeof actual}, expected a number`
  const w = typeof want === 'number' ? [want] : want
  if (got.length !== w.length) return `got ${got.length} scores, expected ${w.length}`
  for (let i = 0; i < w.length; i++) if (!close(got[i], w[i], tol)) return `[${i}]: got ${got[i]}, expected ${w[i]}`
  return null
}

function outOf(c, n) {
  c = plainValue(c, 'options.out')
  if (c === undefined) return
  const out = float64(c, 'options.out')
  if (out.length !== n) invalid('options.out: wrong length')
}

function batching(o) {
  const opts = options(o)
  if (plainValue(opts.batchSize, 'options.batchSize') !== undefined) integer(opts.batchSize, 'options.batchSize', 1, 1 << 24)
  if (plainValue(opts.concurrency, 'options.concurrency') !== undefined) integer(opts.concurrency, 'options.concurrency', 1, 64)
  return opts
}

const itemsFor = (d) => listArb(fc.oneof(vectorFor(d), taArb(['f64', 'f32'], { len: fc.constantFrom(d, 2 * d, 3 * d, 0, d + 1) })), { maxLength: 8 })
const batchingArb = (withSignal) =>
  optional(objArb({ batchSize: orHostile(fc.constantFrom(1, 2, 3, 1024, 0, -1, 1.5, 2 ** 25).map((v) => ({ t: 'v', v }))), concurrency: orHostile(fc.constantFrom(1, 2, 64, 65, 0).map((v) => ({ t: 'v', v }))), ...(withSignal ? { signal: signalArb } : {}) }))

const onModel = (rest) => modelArb.chain((m) => fc.tuple(fc.constant(m), ...rest(m.d)))

export const specs = [
  {
    name: 'new RiskModel',
    kind: 'sync',
    args: fc.tuple(
      orHostile(
        objArb(
          {
            weights: orHostile(fc.oneof(taArb(['f64', 'f32', 'f32', 'i32'], { len: fc.constantFrom(0, 1, 3, 20, 130), kinds: ['unit', 'special'] }), arrArb({ len: fc.constantFrom(0, 1, 3, 20) }))),
            threshold: optional(orHostile(numberArb)),
            maxBatch: optional(orHostile(numberArb)),
            maxWaitMs: optional(orHostile(numberArb)),
          },
          { requiredKeys: ['weights'] },
        ),
        1,
      ),
    ),
    run: (hp, [o]) => new hp.RiskModel(o),
    oracle: ([o]) => {
      if (plainValue(o, 'options') === undefined) invalid('options: undefined')
      const opts = options(o)
      let w = plainValue(opts.weights, 'weights')
      if (tagOf(w) === 'Float64Array' || tagOf(w) === 'Float32Array') w = Array.from(w)
      else w = array(w, 'weights')
      if (w.length === 0) invalid('weights: empty')
      w.forEach((x, i) => finite(x, `weights[${i}]`))
      const threshold = plainValue(opts.threshold, 'threshold') === undefined ? 0.5 : finite(opts.threshold, 'threshold')
      if (plainValue(opts.maxBatch, 'maxBatch') !== undefined) integer(opts.maxBatch, 'maxBatch', 1, 1 << 24)
      if (plainValue(opts.maxWaitMs, 'maxWaitMs') !== undefined) {
        const ms = number(opts.maxWaitMs, 'maxWaitMs')
        if (!(ms >= 0 && ms <= 2 ** 31 - 1)) invalid('maxWaitMs: out of range')
      }
      return { features: w.length, threshold }
    },
    compare: (model, want) => (model && model.features === want.features && Object.is(model.threshold, want.threshold) ? null : `features ${model?.features}, threshold ${model?.threshold}; expected ${want.features}, ${want.threshold}`),
  },
  {
    name: 'RiskModel#score',
    kind: 'sync',
    args: onModel((d) => [vectorFor(d)]),
    run: (hp, [model, f]) => model.score(f),
    oracle: ([m, f]) => {
      const model = modelOf(m)
      const v = vector(f, 'features', model.weights.length)
      return { scores: scores(model, Array.from(v.values))[0], tol: v.f32 ? F32_TOL : F64_TOL }
    },
    compare: compareScores,
  },
  {
    name: 'RiskModel#scoreQueued',
    kind: 'async',
    args: onModel((d) => [vectorFor(d)]),
    run: (hp, [model, f]) => model.scoreQueued(f),
    oracle: ([m, f]) => {
      const model = modelOf(m)
      const v = vector(f, 'features', model.weights.length)
      return { scores: scores(model, Array.from(v.values))[0], tol: v.f32 ? F32_TOL : F64_TOL }
    },
    compare: compareScores,
  },
  ...['scoreBatch', 'scoreBatchAsync'].map((name) => ({
    name: `RiskModel#${name}`,
    kind: name.endsWith('Async') ? 'async' : 'sync',
    args: onModel((d) => [
      rowsFor(d).chain((r) => {
        const n = r.t === 'ta' ? Math.floor(r.len / d) : r.t === 'list' ? r.items.length : 1
        const fields = { out: outFor(n), parallel: optional(orHostile(fc.boolean().map((v) => ({ t: 'v', v })))) }
        if (name.endsWith('Async')) fields.signal = signalArb
        return fc.tuple(fc.constant(r), optional(objArb(fields)), optional(fc.constant({ t: 'detachAfter', at: 1 })))
      }),
    ]).map(([m, [r, o, after]]) => [m, r, o, after]),
    run: (hp, [model, r, o]) => model[name](r, o),
    oracle: ([m, r, o]) => {
      const model = modelOf(m)
      const opts = options(o)
      if (name.endsWith('Async')) signal(opts.signal)
      boolean(opts.parallel, 'options.parallel', true)
      const { values, f32 } = rows(r, model.weights.length)
      outOf(opts.out, values.length / model.weights.length)
      return { scores: scores(model, Array.from(values)), tol: f32 ? F32_TOL : F64_TOL }
    },
    compare: compareScores,
  })),
  {
    name: 'RiskModel#scoreIterable',
    kind: 'async',
    args: onModel((d) => [fc.record({ t: fc.constant('custom'), kind: fc.constant('source'), list: itemsFor(d), as: fc.constantFrom(...SOURCE_KINDS) }), batchingArb(true)]),
    run: async (hp, [model, source, o]) => {
      const flat = []
      for (const x of await collect(model.scoreIterable(source, o))) {
        if (typeof x === 'number') flat.push(x)
        else flat.push(...x)
      }
      return flat
    },
    oracle: ([m, s, o]) => {
      const model = modelOf(m)
      const d = model.weights.length
      signal(batching(o).signal)
      const src = plainValue(s, 'source')
      if (src.as === 'throwsMidway') invalid('source: throws')
      const items = array(plainValue(src.source, 'source'), 'source')
      const values = []
      let f32 = false
      items.forEach((item, i) => {
        item = plainValue(item, `source[${i}]`)
        const tag = tagOf(item)
        if (tag === 'Float64Array' || tag === 'Float32Array') {
          if (item.length === 0 || item.length % d !== 0) invalid(`source[${i}]: chunk length`)
          f32 ||= tag === 'Float32Array'
          values.push(...item)
        } else {
          const a = array(item, `source[${i}]`)
          if (a.length !== d) invalid(`source[${i}]: length`)
          a.forEach((x, j) => number(x, `source[${i}][${j}]`))
          values.push(...a)
        }
      })
      return { scores: scores(model, values), tol: f32 ? F32_TOL : F64_TOL }
    },
    compare: compareScores,
  },
  {
    name: 'RiskModel#scoreStream',
    kind: 'stream',
    args: onModel((d) => [listArb(vectorFor(d), { maxLength: 10 }), batchingArb(false)]),
    run: (hp, [model, items, o]) => drive(model.scoreStream(o), items),
    oracle: ([m, items, o]) => {
      const model = modelOf(m)
      batching(o)
      const list = plainValue(items, 'items')
      if (!Array.isArray(list)) throw new Unknown('items')
      const values = []
      let f32 = false
      list.forEach((item, i) => {
        if (item === null || item === undefined) return
        const v = vector(item, `vector[${i}]`, model.weights.length)
        f32 ||= v.f32
        values.push(...v.values)
      })
      return { scores: scores(model, values), tol: f32 ? F32_TOL : F64_TOL }
    },
    compare: compareScores,
  },
  {
    name: 'RiskModel#features/threshold',
    kind: 'sync',
    args: fc.tuple(modelArb),
    run: (hp, [model]) => [model.features, model.threshold],
    oracle: ([m]) => [modelOf(m).weights.length, modelOf(m).threshold],
    compare: (a, b) => (a[0] === b[0] && Object.is(a[1], b[1]) ? null : `got ${a}, expected ${b}`),
  },
]
