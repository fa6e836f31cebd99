// Vector kernels: sum, sumSquares, norm, dot, sqEuclidean, scale, scaleAndShift,
// distancesFromOrigin and their async twins. The docs promise bitwise equality with the pure-TS
// reference (src/reference/vector.ts), sync and async.
import fc from 'fast-check'
import { first, floatVector, invalid, number, options, plainValue, sameNumber, sameTyped, signal, tagOf } from '../oracle.mjs'
import { hostileArb, lengthArb, numberArb, objArb, optional, orHostile, signalArb, taArb, wrapArb } from '../values.mjs'

const FLOAT = ['f64', 'f32']
/** Mostly float vectors, sometimes another element type. */
const TYPES = ['f64', 'f64', 'f64', 'f64', 'f32', 'f32', 'f32', 'i32', 'u8', 'i64', 'buf', 'u16']

const vectorArb = (len = lengthArb) => orHostile(taArb(TYPES, { len }))

/** A second vector: mostly of `x`'s type and length. */
const pairArb = vectorArb().chain((x) => {
  if (x.t !== 'ta') return fc.tuple(fc.constant(x), vectorArb())
  const same = taArb([x.type], { len: fc.constant(x.len) })
  return fc.tuple(fc.constant(x), fc.oneof({ weight: 6, arbitrary: same }, { weight: 1, arbitrary: taArb(FLOAT, { len: fc.constantFrom(x.len, x.len + 1, Math.max(0, x.len - 1)) }) }, { weight: 1, arbitrary: hostileArb }))
})

/** An `out` for an input of `len` elements and type `type`: mostly right, sometimes wrong. */
const outArb = (type, len) =>
  fc.oneof(
    { weight: 5, arbitrary: taArb([type], { len: fc.constant(len), wraps: wrapArb }) },
    { weight: 1, arbitrary: fc.constant({ t: 'alias', arg: 0, type, length: len }) },
    { weight: 1, arbitrary: taArb(['f64', 'f32'], { len: fc.constantFrom(len, len + 1, Math.max(0, len - 1)) }) },
    { weight: 1, arbitrary: hostileArb },
  )

const asyncOptionsArb = (out) => optional(objArb(out ? { out, signal: signalArb } : { signal: signalArb }))

function sig(c) {
  const o = options(c)
  signal(o.signal)
  return o
}

function vec(c, name = 'x') {
  return floatVector(c, name)
}

function paired(x, yc) {
  const y = vec(yc, 'y')
  if (tagOf(y) !== tagOf(x)) invalid('y: another element type')
  if (y.length !== x.length) invalid('y: another length')
  return y
}

function outOf(c, tag, len) {
  c = plainValue(c, 'options.out')
  if (c === undefined) return undefined
  const out = floatVector(c, 'options.out')
  if (tagOf(out) !== tag) invalid('options.out: another element type')
  if (out.length !== len) invalid('options.out: another length')
  return out
}

const reductions = ['sum', 'sumSquares', 'norm']
const binary = ['dot', 'sqEuclidean']

export const specs = [
  ...reductions.flatMap((name) => [
    { name, kind: 'sync', args: fc.tuple(vectorArb()), run: (hp, [x]) => hp[name](x), oracle: ([x], r) => r.vector[name](vec(x)), compare: sameNumber },
    {
      name: `${name}Async`,
      kind: 'async',
      args: fc.tuple(vectorArb(), asyncOptionsArb(), optional(fc.constant({ t: 'detachAfter', at: 0 }))),
      run: (hp, [x, o]) => hp[`${name}Async`](x, o),
      oracle: ([x, o], r) => {
        const v = vec(x)
        sig(o)
        return r.vector[name](v)
      },
      compare: sameNumber,
    },
  ]),
  ...binary.flatMap((name) => [
    { name, kind: 'sync', args: pairArb, run: (hp, [x, y]) => hp[name](x, y), oracle: ([x, y], r) => r.vector[name](vec(x), paired(vec(x), y)), compare: sameNumber },
    {
      name: `${name}Async`,
      kind: 'async',
      args: pairArb.chain((p) => fc.tuple(fc.constant(p[0]), fc.constant(p[1]), asyncOptionsArb(), optional(fc.constant({ t: 'detachAfter', at: 1 })))),
      run: (hp, [x, y, o]) => hp[`${name}Async`](x, y, o),
      oracle: ([x, y, o], r) => {
        const v = vec(x)
        const w = paired(v, y)
        sig(o)
        return r.vector[name](v, w)
      },
      compare: sameNumber,
    },
  ]),
  {
    name: 'scale',
    kind: 'sync',
    args: fc.tuple(vectorArb(), orHostile(numberArb)),
    run: (hp, [x, f]) => hp.scale(x, f),
    oracle: ([x, f], r) => r.vector.scale(vec(x).slice(), number(f, 'factor')),
    compare: sameTyped,
  },
  {
    name: 'scaleAsync',
    kind: 'async',
    args: fc.tuple(vectorArb(), orHostile(numberArb), asyncOptionsArb(), optional(fc.constant({ t: 'detachAfter', at: 0 }))),
    run: (hp, [x, f, o]) => hp.scaleAsync(x, f, o),
    oracle: ([x, f, o], r) => {
      const v = vec(x).slice()
      const factor = number(f, 'factor')
      sig(o)
      return r.vector.scale(v, factor)
    },
    compare: sameTyped,
  },
  ...['scaleAndShift', 'scaleAndShiftAsync'].map((name) => ({
    name,
    kind: name.endsWith('Async') ? 'async' : 'sync',
    args: vectorArb().chain((x) =>
      fc.tuple(
        fc.constant(x),
        orHostile(numberArb),
        orHostile(numberArb),
        name.endsWith('Async') ? asyncOptionsArb(optional(outArb(x.type ?? 'f64', x.len ?? 3))) : optional(objArb({ out: optional(outArb(x.type ?? 'f64', x.len ?? 3)) })),
        optional(fc.constant({ t: 'detachAfter', at: 1 })),
      ),
    ),
    run: (hp, [x, s, t, o]) => hp[name](x, s, t, o),
    oracle: ([x, s, t, o], r) => {
      const v = vec(x)
      const a = number(s, 'scale')
      const b = number(t, 'shift')
      const opts = name.endsWith('Async') ? sig(o) : options(o)
      const out = outOf(opts.out, tagOf(v), v.length)
      return r.vector.scaleAndShift(v, a, b, out ? out.slice() : new v.constructor(v.length))
    },
    compare: sameTyped,
  })),
  ...['distancesFromOrigin', 'distancesFromOriginAsync'].map((name) => ({
    name,
    kind: name.endsWith('Async') ? 'async' : 'sync',
    args: vectorArb().chain((x) =>
      fc.tuple(
        fc.constant(x),
        name.endsWith('Async') ? asyncOptionsArb(optional(outArb('f64', Math.floor((x.len ?? 2) / 2)))) : optional(objArb({ out: optional(outArb('f64', Math.floor((x.len ?? 2) / 2))) })),
        optional(fc.constant({ t: 'detachAfter', at: 1 })),
      ),
    ),
    run: (hp, [p, o]) => hp[name](p, o),
    oracle: ([p, o], r) => {
      const v = vec(p, 'points')
      if (v.length % 2 !== 0) invalid('points: odd length')
      const opts = name.endsWith('Async') ? sig(o) : options(o)
      const out = plainValue(opts.out, 'options.out') === undefined ? undefined : floatVector(opts.out, 'options.out')
      if (out && (tagOf(out) !== 'Float64Array' || out.length !== v.length / 2)) invalid('options.out: wrong type or length')
      return r.vector.distancesFromOrigin(v, new Float64Array(v.length / 2))
    },
    compare: (actual, expected) => first(sameTyped(actual, expected)),
  })),
]
