/**
 * Bitwise parity of the vector kernels, as users call them (the facade in `src/`), with the pure-TS
 * reference (`src/vector/reference.ts`) and with plain JavaScript loops for the maps:
 * random sizes (0..40,000, a few up to 300,000 for the multi-threaded native path), sizes
 * straddling the short-vector TS path (up to 16 elements; 64 in earlier builds), lane (16),
 * block (16,384) and threading (131,072) boundaries,
 * Float64Array and Float32Array, views at offsets, SharedArrayBuffers, subclasses and arrays from
 * another realm. Values keep products above 2^-969 (the documented parity domain), except `sum`,
 * which has no products and is checked on subnormals, NaN and infinities too.
 */
import vm from 'node:vm'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { distancesFromOrigin, dot, norm, scale, scaleAndShift, sqEuclidean, sum, sumSquares } from '../../src/index.js'
import { native } from '../../src/core/native.js'
import * as reference from '../../src/vector/reference.js'
import {
  DISTRIBUTIONS,
  SUM_ONLY_DISTRIBUTIONS,
  copyOf,
  expectSameArray,
  expectSameNumber,
  loopDistances,
  loopScale,
  loopScaleAndShift,
  makeVector,
  sharedCopy,
  subclassCopy,
  type Distribution,
  type FloatArray,
  type FloatType,
} from '../helpers/vector.js'

const fast = native!.vectorFastCalls()

/** Sizes at and around every boundary of the evaluation order and the dispatch. */
const BOUNDARY_SIZES = [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 16_383, 16_384, 16_385, 16_399, 32_767, 32_768, 32_769, 131_071, 131_072, 131_073, 147_457]

interface Case {
  n: number
  f32: boolean
  distX: Distribution
  distY: Distribution
  seed: number
  offset: number
  /** How the arrays are passed: plain, a subclass instance, or backed by a SharedArrayBuffer. */
  form: 'plain' | 'subclass' | 'shared'
}

const arbSize = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 200 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 40_000 }) },
  { weight: 2, arbitrary: fc.constantFrom(...BOUNDARY_SIZES.filter((n) => n < 40_000)) },
)

function arbCase(size: fc.Arbitrary<number>, distributions: readonly Distribution[] = DISTRIBUTIONS): fc.Arbitrary<Case> {
  return fc.record({
    n: size,
    f32: fc.boolean(),
    distX: fc.constantFrom(...distributions),
    distY: fc.constantFrom(...distributions),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    offset: fc.constantFrom(0, 0, 1, 3, 17),
    form: fc.constantFrom('plain', 'plain', 'subclass', 'shared'),
  })
}

function typeOf(c: Case): FloatType {
  return c.f32 ? Float32Array : Float64Array
}

function inputs(c: Case): { x: FloatArray; y: FloatArray } {
  const Type = typeOf(c)
  const x = makeVector(Type, c.n, c.distX, c.seed, { offset: c.offset })
  const y = makeVector(Type, c.n, c.distY, c.seed + 1, { offset: c.offset === 0 ? 0 : c.offset + 2 })
  if (c.form === 'subclass') return { x: subclassCopy(x), y: subclassCopy(y) }
  if (c.form === 'shared') return { x: sharedCopy(x), y: sharedCopy(y) }
  return { x, y }
}

function label(c: Case): string {
  return `n=${c.n} ${c.f32 ? 'f32' : 'f64'} x:${c.distX} y:${c.distY} seed=${c.seed} offset=${c.offset} ${c.form}`
}

/** Every reduction through the facade against the reference, bit for bit. */
function checkReductions(x: FloatArray, y: FloatArray, where: string): void {
  expectSameNumber(sum(x), reference.sum(x), `sum ${where}`)
  expectSameNumber(sumSquares(x), reference.sumSquares(x), `sumSquares ${where}`)
  expectSameNumber(norm(x), reference.norm(x), `norm ${where}`)
  expectSameNumber(dot(x, y), reference.dot(x, y), `dot ${where}`)
  expectSameNumber(sqEuclidean(x, y), reference.sqEuclidean(x, y), `sqEuclidean ${where}`)
}

/** The native binding itself (which the facade skips for short vectors) against the reference. */
function checkNative(x: FloatArray, y: FloatArray, where: string): void {
  expectSameNumber(fast.sum(x), reference.sum(x), `native sum ${where}`)
  expectSameNumber(fast.sumSquares(x), reference.sumSquares(x), `native sumSquares ${where}`)
  expectSameNumber(fast.norm(x), reference.norm(x), `native norm ${where}`)
  expectSameNumber(fast.dot(x, y), reference.dot(x, y), `native dot ${where}`)
  expectSameNumber(fast.sqEuclidean(x, y), reference.sqEuclidean(x, y), `native sqEuclidean ${where}`)
}

/** Maps through the facade against plain JavaScript loops. */
function checkMaps(x: FloatArray, factor: number, shift: number, where: string): void {
  const expectedShift = loopScaleAndShift(x, factor, shift)
  const shifted = scaleAndShift(x, factor, shift)
  expectSameArray(shifted, expectedShift, `scaleAndShift ${where}`)
  const Type = x.BYTES_PER_ELEMENT === 8 ? Float64Array : Float32Array
  const out = new Type(x.length).fill(Number.NaN)
  expect(scaleAndShift(x, factor, shift, { out })).toBe(out)
  expectSameArray(out, expectedShift, `scaleAndShift out ${where}`)

  const even = x.length - (x.length % 2)
  const points = x.subarray(0, even)
  expectSameArray(distancesFromOrigin(points), loopDistances(points), `distancesFromOrigin ${where}`)

  // scale last: it changes x.
  const expectedScale = loopScale(x, factor)
  const before = copyOf(x)
  expect(scale(x, factor)).toBe(x)
  expectSameArray(copyOf(x), expectedScale, `scale ${where}`)
  x.set(before)
}

describe('reductions: facade === reference, bit for bit', () => {
  it('random sizes 0..40,000, f64 and f32, all distributions, views, subclasses, shared memory', () => {
    fc.assert(
      fc.property(arbCase(arbSize), (c) => {
        const { x, y } = inputs(c)
        checkReductions(x, y, label(c))
      }),
      { numRuns: 80 },
    )
  })

  it('the native binding agrees with the reference at every size, including the short ones', () => {
    fc.assert(
      fc.property(arbCase(fc.integer({ min: 0, max: 300 })), (c) => {
        const { x, y } = inputs(c)
        checkNative(x, y, label(c))
      }),
      { numRuns: 150 },
    )
  })

  it('large inputs on the multi-threaded native path (131,072..300,000 elements)', () => {
    fc.assert(
      fc.property(arbCase(fc.integer({ min: 131_072, max: 300_000 })), (c) => {
        const { x, y } = inputs(c)
        checkReductions(x, y, label(c))
      }),
      { numRuns: 6 },
    )
  })

  it('sum over subnormals, NaN, ±Infinity, -0 and MAX_VALUE (no products involved)', () => {
    fc.assert(
      fc.property(arbCase(arbSize, SUM_ONLY_DISTRIBUTIONS), (c) => {
        const { x } = inputs(c)
        expectSameNumber(sum(x), reference.sum(x), `sum ${label(c)}`)
        expectSameNumber(fast.sum(x), reference.sum(x), `native sum ${label(c)}`)
      }),
      { numRuns: 60 },
    )
  })

  it('sum of arbitrary doubles (fast-check float64Array), straddling the dispatch size', () => {
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 200 }), fc.nat(40), (values, pad) => {
        // Native and reference, and the facade for a copy padded with zeros past 64 elements.
        expectSameNumber(fast.sum(values), reference.sum(values), 'native sum')
        const padded = new Float64Array(values.length + 64 + pad)
        padded.set(values)
        expectSameNumber(sum(padded), reference.sum(padded), 'padded sum')
      }),
      { numRuns: 200 },
    )
  })

  it('products of arbitrary doubles with |x| in [2^-400, 2^400] (and zeros, NaN, ±Infinity)', () => {
    const element = fc.oneof(
      { weight: 20, arbitrary: fc.double({ min: -(2 ** 400), max: 2 ** 400 }).map((v) => (Math.abs(v) < 2 ** -400 ? 0 : v)) },
      { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0) },
    )
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }), fc.array(fc.tuple(element, element), { maxLength: 150 }), (n, pairs) => {
        const x = new Float64Array(n)
        const y = new Float64Array(n)
        pairs.slice(0, n).forEach(([a, b], i) => {
          x[i] = a
          y[i] = b
        })
        checkNative(x, y, `n=${n}`)
        checkReductions(x, y, `n=${n}`)
      }),
      { numRuns: 200 },
    )
  })

  it('arbitrary f32 values (the full float range, subnormals and specials included)', () => {
    fc.assert(
      fc.property(fc.float32Array({ maxLength: 150 }), fc.float32Array({ maxLength: 150 }), (a, b) => {
        const n = Math.min(a.length, b.length)
        const x = a.subarray(0, n)
        const y = b.subarray(0, n)
        checkNative(x, y, `n=${n}`)
        checkReductions(x, y, `n=${n}`)
      }),
      { numRuns: 200 },
    )
  })
})

describe('reductions at boundary sizes (16 lanes and the short-vector path, 16,384 block, 131,072 threads)', () => {
  it.each(BOUNDARY_SIZES)('n = %i: facade and native binding === reference for every distribution, f64 and f32', (n) => {
    for (const Type of [Float64Array, Float32Array]) {
      // Every distribution for small sizes; three for the large ones (time budget).
      const distributions: readonly Distribution[] = n > 20_000 ? ['cancelling', 'spikes', 'wide'] : DISTRIBUTIONS
      for (const [k, dist] of distributions.entries()) {
        const x = makeVector(Type, n, dist, 1000 + n + k)
        const y = makeVector(Type, n, DISTRIBUTIONS[(k + 3) % DISTRIBUTIONS.length], 2000 + n + k)
        const where = `n=${n} ${Type.name} ${dist}`
        checkReductions(x, y, where)
        if (n <= 16_399) checkNative(x, y, where)
      }
    }
  })

  it('results do not depend on where the data sits: the same values at offsets 0..16 agree bit for bit', () => {
    for (const Type of [Float64Array, Float32Array]) {
      const n = 20_000
      const x0 = makeVector(Type, n, 'cancelling', 7)
      const y0 = makeVector(Type, n, 'mixed', 8)
      const expected = [sum(x0), sumSquares(x0), norm(x0), dot(x0, y0), sqEuclidean(x0, y0)]
      for (let offset = 1; offset <= 16; offset++) {
        const x = new Type(n + offset).subarray(offset)
        x.set(x0)
        const y = new Type(n + 2 * offset).subarray(2 * offset, 2 * offset + n)
        y.set(y0)
        const got = [sum(x), sumSquares(x), norm(x), dot(x, y), sqEuclidean(x, y)]
        got.forEach((v, i) => expectSameNumber(v, expected[i], `${Type.name} offset ${offset} result ${i}`))
      }
    }
  })
})

describe('accepted array forms', () => {
  const x64 = makeVector(Float64Array, 1000, 'mixed', 5)
  const y64 = makeVector(Float64Array, 1000, 'unit', 6)

  it('subclass instances, even with lying length/byteOffset getters, read their real memory', () => {
    class Lying extends Float64Array {}
    Object.defineProperty(Lying.prototype, 'length', { get: () => 3 })
    Object.defineProperty(Lying.prototype, 'byteOffset', { get: () => 8 })
    for (const n of [10, 1000]) {
      const plain = x64.slice(0, n)
      const lying = new Lying(n)
      lying.set(plain)
      expect(lying.length).toBe(3)
      const other = y64.slice(0, n)
      expectSameNumber(sum(lying), reference.sum(plain), `sum n=${n}`)
      expectSameNumber(norm(lying), reference.norm(plain), `norm n=${n}`)
      expectSameNumber(dot(lying, other), reference.dot(plain, other), `dot n=${n}`)
      expectSameNumber(dot(other, lying), reference.dot(other, plain), `dot (y) n=${n}`)
      expectSameArray(scaleAndShift(lying, 2, 1), loopScaleAndShift(plain, 2, 1), `scaleAndShift n=${n}`)
    }
  })

  it('own length/byteOffset/buffer properties on an instance do not change what is read or written', () => {
    for (const n of [10, 1000]) {
      for (const Type of [Float64Array, Float32Array] as FloatType[]) {
        const plain = makeVector(Type, n, 'mixed', n)
        const x = copyOf(plain)
        Object.defineProperty(x, 'length', { value: 2 })
        Object.defineProperty(x, 'byteOffset', { value: 8 })
        Object.defineProperty(x, 'buffer', { value: new ArrayBuffer(16) })
        const where = `${Type.name} n=${n}`
        expectSameNumber(sum(x), reference.sum(plain), `sum ${where}`)
        expectSameNumber(sqEuclidean(x, plain), 0, `sqEuclidean ${where}`)
        expectSameArray(scaleAndShift(x, 2, 1), loopScaleAndShift(plain, 2, 1), `scaleAndShift ${where}`)
        expectSameArray(distancesFromOrigin(x), loopDistances(plain), `distancesFromOrigin ${where}`)
        expect(scale(x, 3)).toBe(x)
        expectSameArray(Type === Float64Array ? Float64Array.from(plain.map((_, i) => x[i])) : Float32Array.from(plain.map((_, i) => x[i])), loopScale(plain, 3), `scale ${where}`)
      }
    }
  })

  it('a Float64Array/Float32Array from another realm (vm context)', () => {
    for (const n of [10, 1000]) {
      const foreign = vm.runInNewContext(`new Float64Array(${n})`) as Float64Array
      foreign.set(x64.subarray(0, n))
      const foreign32 = vm.runInNewContext(`new Float32Array(${n})`) as Float32Array
      foreign32.set(x64.subarray(0, n))
      expectSameNumber(sum(foreign), reference.sum(x64.subarray(0, n)), `sum n=${n}`)
      expectSameNumber(sumSquares(foreign32), reference.sumSquares(Float32Array.from(x64.subarray(0, n))), `sumSquares f32 n=${n}`)
      expectSameNumber(dot(foreign, y64.subarray(0, n)), reference.dot(x64.subarray(0, n), y64.subarray(0, n)), `dot n=${n}`)
      const shifted = scaleAndShift(foreign32, 2, 1)
      expect(shifted).toBeInstanceOf(Float32Array) // a new array of this realm, with x's element type
      expectSameArray(shifted, loopScaleAndShift(Float32Array.from(foreign32), 2, 1), `scaleAndShift f32 n=${n}`)
      const foreignOut = vm.runInNewContext(`new Float64Array(${n / 2})`) as Float64Array
      expect(distancesFromOrigin(foreign32, { out: foreignOut })).toBe(foreignOut)
      expectSameArray(Float64Array.from(foreignOut), loopDistances(Float32Array.from(foreign32)), `distancesFromOrigin n=${n}`)
    }
  })

  it('dot and sqEuclidean of a vector with itself (the same array twice)', () => {
    for (const n of [5, 100, 40_000]) {
      const x = makeVector(Float64Array, n, 'mixed', n)
      expectSameNumber(dot(x, x), reference.sumSquares(x), `dot(x, x) n=${n}`)
      expectSameNumber(dot(x, x), sumSquares(x), `dot(x, x) = sumSquares n=${n}`)
      expectSameNumber(sqEuclidean(x, x), 0, `sqEuclidean(x, x) n=${n}`)
    }
  })
})

describe('maps: facade === a JavaScript loop, bit for bit', () => {
  const number = fc.oneof(
    { weight: 6, arbitrary: fc.double() },
    { weight: 3, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
    { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, -1, 0.1, 3, 1e300, -1e-300, 2 ** -1074, Number.NaN, Number.POSITIVE_INFINITY, 3.4e38) },
  )

  it('scale, scaleAndShift (new and given out) and distancesFromOrigin on random inputs', () => {
    fc.assert(
      fc.property(arbCase(arbSize, [...DISTRIBUTIONS, ...SUM_ONLY_DISTRIBUTIONS]), number, number, (c, factor, shift) => {
        const { x } = inputs(c)
        checkMaps(x, factor, shift, `${label(c)} factor=${factor} shift=${shift}`)
      }),
      { numRuns: 80 },
    )
  })

  it('large inputs on the multi-threaded path', () => {
    fc.assert(
      fc.property(arbCase(fc.integer({ min: 131_072, max: 300_000 })), number, number, (c, factor, shift) => {
        const { x } = inputs(c)
        checkMaps(x, factor, shift, `${label(c)} factor=${factor} shift=${shift}`)
      }),
      { numRuns: 5 },
    )
  })

  it.each(BOUNDARY_SIZES)('n = %i: every map, f64 and f32', (n) => {
    for (const Type of [Float64Array, Float32Array]) {
      const x = makeVector(Type, n, 'wide', 50 + n)
      checkMaps(x, 1.1, -0.25, `n=${n} ${Type.name}`)
      checkMaps(x, 1e300, 1, `n=${n} ${Type.name} (overflowing factor)`)
    }
  })

  it('scaleAndShift rounds twice (no fused multiply-add) and Float32Array results round once to f32', () => {
    // a * b + c with one rounding would differ from two: a = 1 + 2^-30, b = 1 - 2^-30 -> a b = 1 - 2^-60.
    const a = 1 + 2 ** -30
    const b = 1 - 2 ** -30
    for (const n of [1, 200]) {
      const x = new Float64Array(n).fill(a)
      const out = scaleAndShift(x, b, -1)
      expect(out[0]).toBe(0) // fl(fl(a b) - 1) = 0; an FMA would give -2^-60
      expect(out[n - 1]).toBe(0)
      const x32 = new Float32Array(n).fill(1 + 2 ** -20)
      const out32 = scaleAndShift(x32, 1 + 2 ** -20, 0)
      expect(out32[n - 1]).toBe(Math.fround((1 + 2 ** -20) * (1 + 2 ** -20)))
    }
  })

  it('distancesFromOrigin overflows like Math.sqrt(x * x + y * y), from f64 and f32 points', () => {
    for (const n of [2, 200]) {
      const p = new Float64Array(n).fill(3e200)
      expect(distancesFromOrigin(p)[0]).toBe(Number.POSITIVE_INFINITY)
      const p32 = new Float32Array(n).fill(3e38)
      const d = distancesFromOrigin(p32)
      expect(d).toBeInstanceOf(Float64Array)
      const c = Math.fround(3e38)
      expect(d[n / 2 - 1]).toBe(Math.sqrt(c * c + c * c))
    }
  })

  it('out may sit in the same buffer as x when it does not overlap (adjacent views)', () => {
    for (const n of [8, 1000]) {
      for (const Type of [Float64Array, Float32Array]) {
        const whole = new Type(2 * n)
        const x = whole.subarray(0, n)
        const out = whole.subarray(n)
        x.set(makeVector(Type, n, 'mixed', n))
        expect(scaleAndShift(x, 3, 0.5, { out })).toBe(out)
        expectSameArray(out, loopScaleAndShift(x, 3, 0.5), `scaleAndShift ${Type.name} n=${n}`)
        const before = whole.subarray(n, n + 1)[0]
        const out2 = whole.subarray(0, n)
        expect(scaleAndShift(whole.subarray(n), 2, 0, { out: out2 })).toBe(out2)
        expect(out2[0]).toBe(Type === Float32Array ? Math.fround(before * 2) : before * 2)
      }
      const buffer = new ArrayBuffer(8 * (n + n / 2))
      const points = new Float64Array(buffer, 0, n)
      points.set(makeVector(Float64Array, n, 'mixed', 3))
      const out = new Float64Array(buffer, 8 * n, n / 2)
      expect(distancesFromOrigin(points, { out })).toBe(out)
      expectSameArray(out, loopDistances(points), `distancesFromOrigin n=${n}`)
    }
  })

  it('scale on a view leaves the rest of the buffer alone', () => {
    for (const n of [10, 1000, 140_000]) {
      for (const Type of [Float64Array, Float32Array]) {
        const whole = new Type(n + 4).fill(7)
        const view = whole.subarray(2, n + 2)
        view.fill(1.5)
        scale(view, 2)
        expect([whole[0], whole[1], whole[n + 2], whole[n + 3]]).toEqual([7, 7, 7, 7])
        expect(view.every((v) => v === 3)).toBe(true)
      }
    }
  })
})

describe('regressions', () => {
  // The TS path (reference.ts productError, used for short vectors and by the fallback) splits
  // factors with Dekker's method, which overflows when |x| > ~2^996 and then drops the product's
  // error term (returns 0). The native kernels use an FMA and keep it. So for a dot product with
  // one factor beyond 2^996 and a normal product, results differ with the size (and between
  // native and HOTPATH_NATIVE=fallback), and the TS result breaks the documented error bound.
  it('dot with a factor beyond 2^996 (product ~1): same bits for 2 and 64 elements (TS and native), and the exact 2^-60', () => {
    const a = (1 + 2 ** -30) * 2 ** 1000
    const b = (1 + 2 ** -30) * 2 ** -1000
    const p = a * b // 1 + 2^-29; the exact product is 1 + 2^-29 + 2^-60
    expect(p).toBe(1 + 2 ** -29)
    const long = [new Float64Array(64), new Float64Array(64)]
    long[0].set([a, p])
    long[1].set([b, -1])
    expect(dot(long[0], long[1])).toBe(2 ** -60) // native: exact
    expect(dot(new Float64Array([a, p]), new Float64Array([b, -1]))).toBe(2 ** -60) // TS path: 0
  })
})
