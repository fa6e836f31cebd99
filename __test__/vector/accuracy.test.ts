/**
 * Accuracy of the compensated reductions against exact values (BigInt arithmetic on the exact
 * binary values of the inputs): the documented bound
 * |result - exact| <= 2^-53 |exact| + γ(n-1)² Σ|x_i y_i| on random and on ill-conditioned
 * problems (Ogita-Rump-Oishi GenDot/GenSum), exact answers where a naive JavaScript loop is
 * wrong, the norm's rescaling, and NaN/Infinity/empty inputs.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dot, norm, sqEuclidean, sum, sumSquares } from '../../src/index.js'
import * as reference from '../../src/vector/reference.js'
import {
  SCALE_1,
  SCALE_2,
  exactAbsSum,
  exactDot,
  exactNorm,
  exactSqEuclidean,
  exactSum,
  expectSameNumber,
  genDot,
  genSum,
  makeVector,
  naiveDot,
  naiveSum,
  relativeError,
  scaled,
  toDouble,
  ulp,
  withinCompensatedBound,
  type Distribution,
  type FloatArray,
} from '../helpers/vector.js'

/** Pads `values` with zeros to `n` elements, placing value k at index `stride * k`. */
function spread(values: readonly number[], n: number, stride = 1, Type: typeof Float64Array | typeof Float32Array = Float64Array): FloatArray {
  const out = new Type(n)
  values.forEach((v, k) => {
    out[k * stride] = v
  })
  return out
}

function expectWithinBound(result: number, exact: bigint, absolute: bigint, n: number, scale: bigint, label: string): void {
  const ok = withinCompensatedBound(result, exact, absolute, n, scale)
  if (!ok) expect.fail(`${label}: ${result} is outside the bound around the exact ${toDouble(exact, scale)} (relative error ${relativeError(result, exact, scale)})`)
}

/** Every reduction of (x, y) within the documented bound of its exact value. */
function checkAllWithinBound(x: FloatArray, y: FloatArray, label: string): void {
  const n = x.length
  expectWithinBound(sum(x), exactSum(x), exactAbsSum(x), n, SCALE_1, `sum ${label}`)
  const squares = exactDot(x, x)
  expectWithinBound(sumSquares(x), squares.value, squares.absolute, n, SCALE_2, `sumSquares ${label}`)
  const d = exactDot(x, y)
  expectWithinBound(dot(x, y), d.value, d.absolute, n, SCALE_2, `dot ${label}`)
  const e = exactSqEuclidean(x, y)
  expectWithinBound(sqEuclidean(x, y), e, e, n, SCALE_2, `sqEuclidean ${label}`)
  const r = norm(x)
  const exact = exactNorm(x)
  if (!(Math.abs(r - exact) <= 2 * ulp(exact))) expect.fail(`norm ${label}: ${r}, exact ${exact}`)
}

describe('the exact-arithmetic helpers (the oracle of this file)', () => {
  it('scaled() is exact and toDouble() rounds it back', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -Number.MAX_VALUE, max: Number.MAX_VALUE }), (v) => {
        const s = scaled(v)
        if (v !== 0 && Math.abs(v) < 2 ** -1022) return // subnormal: toDouble does not handle them
        expectSameNumber(toDouble(s, SCALE_1), v === 0 ? 0 : v, 'round trip')
        if (Math.abs(v) < 1e150 && Math.abs(v) > 1e-150) expect(toDouble(s * s, SCALE_2)).toBe(v * v)
      }),
      { numRuns: 300 },
    )
    expect(scaled(2 ** -1074)).toBe(1n)
    expect(scaled(1)).toBe(1n << 1074n)
    expect(scaled(-0.5)).toBe(-(1n << 1073n))
    // 0.1 + 0.2 exactly is not 0.3 (the double), nor 0.30000000000000004.
    const s = exactSum([0.1, 0.2])
    expect(s).not.toBe(scaled(0.3))
    expect(toDouble(s, SCALE_1)).toBe(0.30000000000000004)
    // Ties round to even.
    expect(toDouble((1n << 1074n) + (1n << 1021n), SCALE_1)).toBe(1)
    expect(toDouble((1n << 1074n) + (3n << 1021n), SCALE_1)).toBe(1 + 2 ** -51)
  })

  it('the bound check accepts the exact value and rejects values far outside', () => {
    const x = [1, 2 ** -60, -(2 ** -61)]
    const exact = exactSum(x)
    expect(withinCompensatedBound(1, exact, exactAbsSum(x), 3, SCALE_1)).toBe(true)
    expect(withinCompensatedBound(1 + 2 ** -52, exact, exactAbsSum(x), 3, SCALE_1)).toBe(false)
    const big = [1e16, 1, -1e16, 1]
    expect(withinCompensatedBound(2, exactSum(big), exactAbsSum(big), 4, SCALE_1)).toBe(true)
    expect(withinCompensatedBound(1, exactSum(big), exactAbsSum(big), 4, SCALE_1)).toBe(false)
  })
})

describe('exact answers where a naive loop is wrong', () => {
  // Sizes for the short TS path, one native block, several blocks, and the threaded path.
  const SIZES = [4, 64, 1000, 40_000, 200_000]

  it.each(SIZES)('sum([1e16, 1, -1e16, 1]) = 2 (naive: 1), padded to %i elements, in one lane and across lanes and blocks', (n) => {
    const values = [1e16, 1, -1e16, 1]
    expect(naiveSum(values)).toBe(1)
    for (const stride of [1, 16, 17, Math.max(1, Math.floor(n / 4))]) {
      if (3 * stride >= n) continue
      for (const Type of [Float64Array, Float32Array] as const) {
        if (Type === Float32Array) continue // 1e16 + 1 is not a float; see the f32 case below
        const x = spread(values, n, stride, Type)
        expect(sum(x), `stride ${stride}`).toBe(2)
      }
    }
    // Float32Array: 2^30 + 1 and friends are not f32 values, but the sum is in f64: [2^60, 1, -2^60, 1] -> 2.
    const x32 = spread([2 ** 60, 1, -(2 ** 60), 1], n, 1, Float32Array)
    expect(naiveSum(x32)).toBe(1)
    expect(sum(x32)).toBe(2)
  })

  it.each(SIZES.filter((n) => n >= 1000))('%i ones after 1e16, then -1e16: exactly the count (naive: 0)', (n) => {
    const x = new Float64Array(n).fill(1)
    x[0] = 1e16
    x[n - 1] = -1e16
    expect(naiveSum(x)).toBe(0)
    expect(sum(x)).toBe(n - 2)
    // Also with the large values in the middle of a later block.
    const y = new Float64Array(n).fill(1)
    y[Math.floor(n / 2)] = 2 ** 60
    y[n - 3] = -(2 ** 60)
    expect(sum(y)).toBe(n - 2)
  })

  it('dot: the exact rounding error of a product is kept (TwoProduct)', () => {
    // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60; minus its rounded value leaves exactly 2^-60.
    const a = 1 + 2 ** -30
    const p = a * a
    expect(p).toBe(1 + 2 ** -29)
    expect(naiveDot([a, p], [a, -1])).toBe(0)
    for (const n of [2, 64, 20_000, 140_000]) {
      for (const stride of [1, 16, Math.floor(n / 2)]) {
        if (stride >= n) continue
        const x = spread([a, p], n, stride)
        const y = spread([a, -1], n, stride)
        expect(dot(x, y), `n=${n} stride=${stride}`).toBe(2 ** -60)
        // sqEuclidean of the same vectors: each difference rounded once, squared exactly.
        expect(sqEuclidean(x, y)).toBe(toDouble(exactSqEuclidean(x, y), SCALE_2))
      }
    }
  })

  it('sumSquares and sqEuclidean keep tiny squares next to a large one', () => {
    // 1 + 1024 * (2^-30)^2 = 1 + 2^-50: the naive loop drops every 2^-60.
    for (const n of [1025, 40_000, 150_000]) {
      const x = new Float64Array(n)
      x[0] = 1
      for (let i = 1; i <= 1024; i++) x[i * Math.floor((n - 1) / 1024)] = 2 ** -30
      expect(naiveDot(x, x)).toBe(1)
      expect(sumSquares(x), `n=${n}`).toBe(1 + 2 ** -50)
      expect(sqEuclidean(x, new Float64Array(n))).toBe(1 + 2 ** -50)
      expect(norm(x)).toBe(Math.sqrt(1 + 2 ** -50))
    }
  })

  it('Float32Array input is summed in f64, not f32', () => {
    for (const n of [10, 100, 50_000]) {
      const x = new Float32Array(n).fill(0.1)
      const exact = toDouble(exactSum(x), SCALE_1)
      expect(sum(x)).toBe(exact)
      let f32 = 0
      for (const v of x) f32 = Math.fround(f32 + v)
      expect(f32).not.toBe(exact)
      const squares = exactDot(x, x)
      expectWithinBound(sumSquares(x), squares.value, squares.absolute, n, SCALE_2, `f32 sumSquares n=${n}`)
    }
  })
})

describe('within the documented error bound', () => {
  const distributions: Distribution[] = ['unit', 'mixed', 'wide', 'cancelling', 'spikes', 'integers']

  it('random data, f64 and f32, sizes 0..12,000', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 12_000 })),
        fc.boolean(),
        fc.constantFrom(...distributions),
        fc.constantFrom(...distributions),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, f32, dx, dy, seed) => {
          const Type = f32 ? Float32Array : Float64Array
          const x = makeVector(Type, n, dx, seed)
          const y = makeVector(Type, n, dy, seed + 1)
          checkAllWithinBound(x, y, `n=${n} ${Type.name} ${dx}/${dy} seed=${seed}`)
        },
      ),
      { numRuns: 20 },
    )
  })

  it('ill-conditioned dot products (GenDot, condition 1..1e40), n 6..3,000 and a few 16,000..25,000 (several blocks)', () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 6, max: 3000 }) }, { weight: 1, arbitrary: fc.integer({ min: 16_000, max: 25_000 }) }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, digits, seed) => {
          const { x, y } = genDot(n, 10 ** digits, seed)
          const exact = exactDot(x, y)
          const result = dot(x, y)
          expectWithinBound(result, exact.value, exact.absolute, n, SCALE_2, `GenDot n=${n} cond=1e${digits} seed=${seed}`)
          expectSameNumber(result, reference.dot(x, y), 'reference')
        },
      ),
      { numRuns: 30 },
    )
  })

  it('ill-conditioned sums (GenSum, condition 1..1e40)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 6000 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, digits, seed) => {
        const x = genSum(n, 10 ** digits, seed)
        const result = sum(x)
        expectWithinBound(result, exactSum(x), exactAbsSum(x), x.length, SCALE_1, `GenSum n=${x.length} cond=1e${digits} seed=${seed}`)
        expectSameNumber(result, reference.sum(x), 'reference')
      }),
      { numRuns: 30 },
    )
  })

  it('where the naive loop fails: condition 1e16..1e24, fixed seeds (hotpath within the bound, the naive loop outside it)', () => {
    for (const digits of [16, 20, 24]) {
      for (const n of [50, 1000, 5000]) {
        for (let seed = 1; seed <= 2; seed++) {
          const label = `n=${n} cond=1e${digits} seed=${seed}`
          const { x, y } = genDot(n, 10 ** digits, seed * 7919 + n)
          const exact = exactDot(x, y)
          const result = dot(x, y)
          expectWithinBound(result, exact.value, exact.absolute, n, SCALE_2, `dot ${label}`)
          expect(withinCompensatedBound(naiveDot(x, y), exact.value, exact.absolute, n, SCALE_2), `naive dot ${label}`).toBe(false)
          const s = genSum(n, 10 ** digits, seed * 104_729 + n)
          const exactS = exactSum(s)
          const sResult = sum(s)
          expectWithinBound(sResult, exactS, exactAbsSum(s), s.length, SCALE_1, `sum ${label}`)
          expect(withinCompensatedBound(naiveSum(s), exactS, exactAbsSum(s), s.length, SCALE_1), `naive sum ${label}`).toBe(false)
          if (digits <= 20) {
            // As accurate as a loop in twice the working precision: many correct digits left,
            // where the naive loop has at most a few (or none).
            expect(relativeError(result, exact.value, SCALE_2), `dot ${label}`).toBeLessThan(1e-6)
            expect(relativeError(sResult, exactS, SCALE_1), `sum ${label}`).toBeLessThan(1e-6)
            expect(relativeError(naiveDot(x, y), exact.value, SCALE_2), `naive dot ${label}`).toBeGreaterThan(1e-3)
          }
        }
      }
    }
  })
})

describe('norm: rescaling instead of overflow and underflow', () => {
  function expectNear(result: number, exact: number, ulps: number, label: string): void {
    if (!(Math.abs(result - exact) <= ulps * ulp(exact))) expect.fail(`${label}: ${result}, exact ${exact}`)
  }

  it.each([2, 64, 1000, 40_000, 140_000])('[3e200, 4e200] -> 5e200 and [3e-200, 4e-200] -> 5e-200 (padded to %i elements)', (n) => {
    for (const [a, b, expected] of [
      [3e200, 4e200, 5e200],
      [3e-200, 4e-200, 5e-200],
      [-3e-310, 4e-310, 5e-310], // subnormal inputs
      [1e308, 1e308, Math.SQRT2 * 1e308],
      [3e154, 4e154, 5e154],
    ]) {
      for (const stride of [1, Math.floor(n / 2)]) {
        const x = spread([a, b], n, stride)
        const result = norm(x)
        expectNear(result, expected, 2, `norm [${a}, ${b}] n=${n} stride=${stride}`)
        if (Math.abs(expected) >= 2 ** -1022) expectNear(result, exactNorm(x), 2, `exact norm [${a}, ${b}] n=${n}`)
        expectSameNumber(result, reference.norm(x), `reference norm [${a}, ${b}] n=${n}`)
        // The plain formula fails where rescaling was needed.
        if (Math.abs(a) > 1e154 || Math.abs(a) < 1e-154) expect([0, Number.POSITIVE_INFINITY]).toContain(Math.sqrt(naiveDot(x, x)))
      }
    }
  })

  it('overflows only when the norm itself does; Float32Array extremes', () => {
    expect(norm(new Float64Array([Number.MAX_VALUE, Number.MAX_VALUE]))).toBe(Number.POSITIVE_INFINITY)
    expect(norm(spread([Number.MAX_VALUE, Number.MAX_VALUE], 100))).toBe(Number.POSITIVE_INFINITY)
    expect(norm(new Float64Array([Number.MAX_VALUE]))).toBe(Number.MAX_VALUE)
    expect(norm(spread([-Number.MAX_VALUE], 100))).toBe(Number.MAX_VALUE)
    expect(norm(new Float64Array([Number.MIN_VALUE]))).toBe(Number.MIN_VALUE)
    expect(norm(spread([Number.MIN_VALUE], 100))).toBe(Number.MIN_VALUE)
    // f32: summed in f64, so no rescaling is even needed; results are the f64 norm of the floats.
    for (const n of [2, 100]) {
      const x = spread([3e38, 3e38], n, 1, Float32Array)
      const c = Math.fround(3e38)
      expectNear(norm(x), Math.SQRT2 * c, 2, `f32 large n=${n}`)
      const t = spread([3e-45, 4e-45], n, 1, Float32Array)
      expectNear(norm(t), Math.hypot(Math.fround(3e-45), Math.fround(4e-45)), 2, `f32 tiny n=${n}`)
    }
  })

  it('random vectors of huge or tiny elements: within 2 ulp of the exact norm, same bits as the reference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom(600, -1000),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(0, 1, 5),
        (n, low, seed, zeros) => {
          // Exponents in [low, low + 400]: sums of squares overflow (huge) or underflow (tiny).
          const x = new Float64Array(n + zeros)
          let a = seed
          for (let i = 0; i < n; i++) {
            a = (Math.imul(a, 1_103_515_245) + 12_345) >>> 0
            const e = low + (a % 401)
            x[i] = (a & 1 ? -1 : 1) * (1 + (a >>> 8) / 2 ** 24) * 2 ** e
          }
          const result = norm(x)
          expectNear(result, exactNorm(x), 2, `n=${n} low=${low} seed=${seed}`)
          expectSameNumber(result, reference.norm(x), 'reference')
          expect(Number.isFinite(Math.sqrt(naiveDot(x, x))) && Math.sqrt(naiveDot(x, x)) > 0).toBe(false)
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('special values and empty input', () => {
  const SIZES = [0, 1, 5, 64, 100, 20_000, 140_000]

  it.each(SIZES)('empty or all-zero input of %i elements: sum = sumSquares = norm = dot = sqEuclidean = +0', (n) => {
    for (const Type of [Float64Array, Float32Array]) {
      const x = new Type(n)
      for (const value of [sum(x), sumSquares(x), norm(x), dot(x, x), sqEuclidean(x, x)]) expectSameNumber(value, 0, `${Type.name} n=${n}`)
      const negativeZeros = new Type(n).fill(-0)
      expectSameNumber(sum(negativeZeros), 0, `sum of -0 n=${n}`)
      expectSameNumber(norm(negativeZeros), 0, `norm of -0 n=${n}`)
    }
  })

  it.each(SIZES.filter((n) => n > 0))('NaN and Infinity propagate (%i elements, special value first, middle, last)', (n) => {
    for (const Type of [Float64Array, Float32Array]) {
      for (const at of [0, Math.floor(n / 2), n - 1]) {
        const x = new Type(n).fill(1)
        const y = new Type(n).fill(2)
        x[at] = Number.NaN
        for (const value of [sum(x), sumSquares(x), norm(x), dot(x, y), dot(y, x), sqEuclidean(x, y)]) expect(value).toBeNaN()
        x[at] = Number.POSITIVE_INFINITY
        expect(sum(x)).toBe(Number.POSITIVE_INFINITY)
        expect(sumSquares(x)).toBe(Number.POSITIVE_INFINITY)
        expect(norm(x)).toBe(Number.POSITIVE_INFINITY)
        expect(dot(x, y)).toBe(Number.POSITIVE_INFINITY)
        expect(sqEuclidean(x, y)).toBe(Number.POSITIVE_INFINITY)
        y[at] = -1
        expect(dot(x, y)).toBe(Number.NEGATIVE_INFINITY)
        y[at] = 0
        expect(dot(x, y)).toBeNaN() // Infinity * 0
        x[at] = Number.NEGATIVE_INFINITY
        expect(sum(x)).toBe(Number.NEGATIVE_INFINITY)
        expect(norm(x)).toBe(Number.POSITIVE_INFINITY)
        if (n > 1) {
          x[(at + 1) % n] = Number.POSITIVE_INFINITY
          expect(sum(x)).toBeNaN() // Infinity - Infinity
          expect(norm(x)).toBe(Number.POSITIVE_INFINITY)
        }
      }
    }
    const small = new Float64Array([1, Number.POSITIVE_INFINITY])
    expect(sum(small)).toBe(Number.POSITIVE_INFINITY)
    expect(sum(new Float64Array([1, Number.NaN]))).toBeNaN()
  })

  it('overflow gives ±Infinity as a naive loop does; cancelling extremes are exact', () => {
    for (const n of [3, 100, 140_000]) {
      const x = spread([Number.MAX_VALUE, Number.MAX_VALUE], n)
      expect(sum(x)).toBe(Number.POSITIVE_INFINITY)
      expect(sum(spread([-Number.MAX_VALUE, -Number.MAX_VALUE], n))).toBe(Number.NEGATIVE_INFINITY)
      expect(sum(spread([Number.MAX_VALUE, -Number.MAX_VALUE, 1], n))).toBe(1)
      // In one lane: the 1 lost next to MAX_VALUE is recovered once MAX_VALUE cancels.
      if (n >= 33) expect(sum(spread([Number.MAX_VALUE, 1, -Number.MAX_VALUE], n, 16))).toBe(1)
    }
  })
})
