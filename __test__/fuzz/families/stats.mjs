// Statistics: the Accumulator constructor, add, addMany, merge, reset, toJSON, fromJSON, the
// statistic getters, and accumulate(). Compared with src/reference/stats.ts (Welford in order)
// with the bounds of __test__/stats.test.ts: the native kernel sums in blocks.
import fc from 'fast-check'
import { SOURCE_KINDS, sourceOf } from '../drive.mjs'
import { Unknown, array, floatVector, invalid, number, options, plainValue, signal, tagOf } from '../oracle.mjs'
import { Weird, arrArb, fillValues, hostileArb, listArb, materialize, numberArb, objArb, optional, orHostile, signalArb, taArb } from '../values.mjs'

const valuesArb = orHostile(fc.oneof(taArb(['f64', 'f64', 'f32', 'i32', 'u8'], { kinds: ['unit', 'special', 'big'] }), arrArb({ kinds: ['unit', 'special', 'big'] })))
/** Valid values already in the accumulator before the call: a recipe turned into a plain Float64Array by `run`. */
const prefillArb = fc.record({ len: fc.oneof(fc.nat(10), fc.integer({ min: 60, max: 5000 })), seed: fc.nat() })
const prefillValues = (p) => Float64Array.from(fillValues(p.len, 'unit', p.seed))

function accumulatorOf(hp, p) {
  const acc = new hp.Accumulator()
  if (p.len > 0) acc.addMany(prefillValues(p))
  return acc
}

/** The values of a canonical `addMany` argument: every one a finite number, or invalid. */
function numericValues(c, name) {
  c = plainValue(c, name)
  let values
  if (tagOf(c) !== undefined) values = Array.from(floatVector(c, name))
  else values = array(c, name)
  for (let i = 0; i < values.length; i++) {
    const x = plainValue(values[i], `${name}[${i}]`)
    if (typeof x !== 'number') invalid(`${name}[${i}]: not a number`)
    if (!Number.isFinite(x)) invalid(`${name}[${i}]: not finite`)
  }
  return values
}

/** The expected statistics of `values` in order. */
function expected(r, values) {
  return { state: r.stats.momentsOf(values), values }
}

function checkStats(acc, { state, values }) {
  if (acc === null || typeof acc !== 'object' || typeof acc.count !== 'number') return `not an Accumulator: ${typeof acc}`
  const n = values.length
  if (acc.count !== n) return `count ${acc.count}, expected ${n}`
  if (n === 0) return Number.isNaN(acc.mean) && acc.total === 0 ? null : `empty accumulator with mean ${acc.mean}, total ${acc.total}`
  let scale = 0
  let min = Infinity
  let max = -Infinity
  for (const x of values) {
    scale = Math.max(scale, Math.abs(x))
    min = Math.min(min, x)
    max = Math.max(max, x)
  }
  const eps = Number.EPSILON
  const total = state.sum + state.compensation
  if (!Number.isFinite(total) || !Number.isFinite(state.m2)) return null // overflowing sums: "as plain arithmetic would"
  if (!(Math.abs(acc.total - total) <= 8 * eps * Math.abs(total) + n * eps * eps * scale + 1e-300)) return `total ${acc.total}, expected ${total}`
  if (!(Math.abs(acc.mean - state.mean) <= 4 * n * eps * scale + 1e-300)) return `mean ${acc.mean}, expected ${state.mean}`
  const m2Bound = n * (1e-12 * state.m2 + 16 * n * eps * eps * scale * scale)
  if (!(Math.abs(acc.variance * n - state.m2) <= m2Bound + 1e-300)) return `variance ${acc.variance}, expected ${state.m2 / n}`
  if (acc.min !== min || acc.max !== max) return `min/max ${acc.min}/${acc.max}, expected ${min}/${max}`
  const json = acc.toJSON()
  if (json.count !== n || !Object.is(json.mean, acc.mean)) return 'toJSON() disagrees with the getters'
  return null
}

/** Items of a canonical accumulate() source, flattened to numbers (format 'numbers'). */
function sourceValues(items) {
  const out = []
  items.forEach((item, i) => {
    item = plainValue(item, `source[${i}]`)
    if (typeof item === 'number') out.push(...numericValues([item], `source[${i}]`))
    else if (tagOf(item) === 'Float64Array' || tagOf(item) === 'Float32Array' || Array.isArray(item)) out.push(...numericValues(item, `source[${i}]`))
    else invalid(`source[${i}]: not a number, array or float typed array`)
  })
  return out
}

const itemArb = fc.oneof(numberArb, taArb(['f64', 'f32', 'u8'], { len: fc.nat(30) }), arrArb({ len: fc.nat(10) }), hostileArb)
const sourceArb = fc.record({ t: fc.constant('custom'), kind: fc.constant('source'), list: listArb(itemArb, { maxLength: 8 }), as: fc.constantFrom(...SOURCE_KINDS) })

/** A source recipe as the iterable the API receives; `throwsMidway` throws a UserError after its items. */
function sourceBuilder(r, ctx) {
  const { value, canon } = materialize(r.list, ctx)
  return { value: sourceOf(value, r.as, ctx), canon: { source: canon, as: r.as } }
}

/** An accumulator holding `p`'s values. */
function accumulatorBuilder(r, ctx) {
  return { value: accumulatorOf(ctx.hp, r.p), canon: { accumulator: r.p } }
}

export const builders = { source: sourceBuilder, accumulator: accumulatorBuilder, notAccumulator: () => ({ value: { count: 0, merge() {} }, canon: new Weird('an Accumulator look-alike', true) }) }

export const specs = [
  {
    name: 'new Accumulator',
    kind: 'sync',
    // Takes no arguments: whatever is passed is ignored, so nothing in it must be rejected.
    scanBad: false,
    args: fc.tuple(optional(hostileArb)),
    run: (hp, [x]) => new hp.Accumulator(x),
    oracle: () => ({ state: null, values: [] }),
    compare: checkStats,
  },
  {
    name: 'Accumulator#add',
    kind: 'sync',
    args: fc.tuple(fc.constant({ t: 'v', v: 0 }), orHostile(numberArb)).chain((a) => prefillArb.map((p) => [...a, { t: 'v', v: p }])),
    run: (hp, [, x, p]) => accumulatorOf(hp, p).add(x),
    oracle: ([, x, p], r) => {
      const v = number(x, 'x')
      if (!Number.isFinite(v)) invalid('x: not finite')
      return expected(r, [...prefillValues(p), v])
    },
    compare: checkStats,
  },
  {
    name: 'Accumulator#addMany',
    kind: 'sync',
    args: fc.tuple(valuesArb, prefillArb.map((v) => ({ t: 'v', v }))),
    run: (hp, [values, p]) => accumulatorOf(hp, p).addMany(values),
    oracle: ([values, p], r) => expected(r, [...prefillValues(p), ...numericValues(values, 'values')]),
    compare: checkStats,
  },
  {
    name: 'Accumulator#merge',
    kind: 'sync',
    args: fc.tuple(fc.oneof({ weight: 3, arbitrary: prefillArb.map((p) => ({ t: 'custom', kind: 'accumulator', p })) }, { weight: 1, arbitrary: fc.constant({ t: 'custom', kind: 'notAccumulator' }) }, { weight: 1, arbitrary: hostileArb }), prefillArb.map((v) => ({ t: 'v', v }))),
    run: (hp, [other, p]) => accumulatorOf(hp, p).merge(other),
    oracle: ([other, p], r) => {
      const o = plainValue(other, 'other')
      if (!o || !o.accumulator) invalid('other: not an Accumulator')
      return expected(r, [...prefillValues(p), ...prefillValues(o.accumulator)])
    },
    compare: (acc, want) => {
      // Merging is pairwise (Chan et al.), not sequential: compare loosely on m2.
      const m = checkStats(acc, want)
      return m && !m.startsWith('variance') ? m : null
    },
  },
  {
    name: 'Accumulator#reset/toJSON/fromJSON round trip',
    kind: 'sync',
    args: fc.tuple(prefillArb.map((v) => ({ t: 'v', v }))),
    run: (hp, [p]) => {
      const acc = accumulatorOf(hp, p)
      const copy = hp.Accumulator.fromJSON(JSON.parse(JSON.stringify(acc)))
      acc.reset()
      if (acc.count !== 0) throw new Error('reset() left values')
      return copy
    },
    oracle: ([p], r) => expected(r, Array.from(prefillValues(p))),
    compare: checkStats,
  },
  {
    name: 'Accumulator.fromJSON',
    kind: 'sync',
    args: fc.tuple(
      orHostile(
        objArb(
          { count: orHostile(numberArb), total: orHostile(numberArb), totalCompensation: orHostile(numberArb), mean: orHostile(numberArb), m2: orHostile(numberArb), min: orHostile(numberArb), max: orHostile(numberArb) },
          { requiredKeys: ['count', 'total', 'mean', 'm2', 'min', 'max'] },
        ),
      ),
    ),
    run: (hp, [json]) => hp.Accumulator.fromJSON(json),
    oracle: ([json]) => {
      options(json, 'json')
      throw new Unknown('fromJSON: only the error properties are checked')
    },
    compare: () => null,
  },
  {
    name: 'accumulate',
    kind: 'async',
    args: fc.tuple(
      orHostile(sourceArb),
      optional(objArb({ into: fc.oneof(fc.constant({ t: 'custom', kind: 'accumulator', p: { len: 0, seed: 0 } }), fc.constant({ t: 'custom', kind: 'notAccumulator' })), format: optional(fc.constantFrom('numbers', 'float64le', 'csv').map((v) => ({ t: 'v', v }))), signal: signalArb })),
    ),
    run: (hp, [source, o]) => hp.accumulate(source, o),
    oracle: ([source, o], r) => {
      const opts = options(o)
      signal(opts.signal)
      const into = plainValue(opts.into, 'options.into')
      if (into !== undefined && !(into && into.accumulator)) invalid('options.into: not an Accumulator')
      const format = plainValue(opts.format, 'options.format')
      if (format !== undefined && format !== 'numbers' && format !== 'float64le') invalid('options.format: unknown')
      const s = plainValue(source, 'source')
      if (Array.isArray(s)) return expected(r, sourceValues(s))
      if (s instanceof Weird && s.kind === 'map') throw new Unknown('a Map is an iterable of [key, value] arrays')
      if (s instanceof Weird || s === null || typeof s !== 'object' || !s.source) invalid('source: not iterable')
      if (s.as === 'throwsMidway') invalid('source: throws')
      const items = plainValue(s.source, 'source')
      if (format === 'float64le') {
        if (items.length > 0) invalid('items are not bytes')
        return expected(r, [])
      }
      return expected(r, sourceValues(items))
    },
    compare: checkStats,
  },
]
