/**
 * Data, exact arithmetic and naive loops for the vector kernel tests (`__test__/vector.*.test.ts`).
 *
 * Exact values: every finite double is an integer multiple of 2^-1074, so `scaled(v)` = v * 2^1074
 * is an exact BigInt, a product of two doubles is an exact BigInt at scale 2^2148, and sums of
 * them are exact. Results are compared with these exact values in BigInt arithmetic, never in
 * floating point.
 */
import { types } from 'node:util'
import { expect } from 'vitest'
import { prng } from './prng.mjs'
export { prng }

export type FloatArray = Float64Array | Float32Array
export type FloatType = Float64ArrayConstructor | Float32ArrayConstructor

/** Scale of `scaled()`: values are integers at 2^1074. */
export const SCALE_1 = 1074n
/** Scale of exact products: 2^2148. */
export const SCALE_2 = 2148n

// ---------------------------------------------------------------------------------------------
// Deterministic random data


/** An integer in [lo, hi]. */
export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1))
}

/**
 * Value distributions. All but `subnormal` and `specials` keep every nonzero |value| in
 * [2^-400, 2^401] (f64) or the f32 normal range, so products, squares and squared differences
 * stay above 2^-969, where hotpath promises bitwise parity for every reduction.
 */
export const DISTRIBUTIONS = ['unit', 'positive', 'mixed', 'wide', 'cancelling', 'integers', 'spikes', 'zeros'] as const
/** For `sum` only (no products): values down to the subnormals, and NaN/±Infinity/-0. */
export const SUM_ONLY_DISTRIBUTIONS = ['subnormal', 'specials'] as const
export type Distribution = (typeof DISTRIBUTIONS)[number] | (typeof SUM_ONLY_DISTRIBUTIONS)[number]

function signed(r: () => number, magnitude: number): number {
  return r() < 0.5 ? -magnitude : magnitude
}

/** `(1 + r) * 2^e` with a random sign: a normal number with a random mantissa. */
function withExponent(r: () => number, e: number): number {
  return signed(r, (1 + r()) * 2 ** e)
}

/**
 * Fills `target` (any length) with values of `distribution`, deterministically from `seed`.
 * `f32` narrows exponent ranges to what a Float32Array holds.
 */
export function fill(target: FloatArray, distribution: Distribution, seed: number): void {
  const r = prng(seed)
  const n = target.length
  const f32 = target.BYTES_PER_ELEMENT === 4
  const wide = f32 ? 120 : 400
  switch (distribution) {
    case 'unit':
      for (let i = 0; i < n; i++) target[i] = r() * 2 - 1
      break
    case 'positive':
      for (let i = 0; i < n; i++) target[i] = r() * 1000
      break
    case 'mixed':
      for (let i = 0; i < n; i++) target[i] = withExponent(r, randInt(r, -40, 40))
      break
    case 'wide':
      for (let i = 0; i < n; i++) target[i] = withExponent(r, randInt(r, -wide, wide))
      break
    case 'cancelling': {
      // Values and their negations (some slightly perturbed), scattered: large partial sums
      // that cancel, leaving a small total.
      for (let i = 0; i < n; i++) target[i] = withExponent(r, randInt(r, -20, 60))
      for (let i = 0; i + 1 < n; i += 2) {
        const j = randInt(r, 0, n - 1)
        const v = target[i]
        target[i + 1] = r() < 0.7 ? -v : -v * (1 + 2 ** -30)
        // Swap element i+1 somewhere else so the pair lands in different lanes and blocks.
        const t = target[j]
        target[j] = target[i + 1]
        target[i + 1] = t
      }
      break
    }
    case 'integers':
      for (let i = 0; i < n; i++) target[i] = randInt(r, -1000, 1000)
      break
    case 'spikes':
      // Small values with a few huge ones in between: the naive loop loses the small ones.
      for (let i = 0; i < n; i++) target[i] = r() < 0.002 ? withExponent(r, randInt(r, 40, f32 ? 80 : 70)) : r() * 2 - 1
      break
    case 'zeros':
      for (let i = 0; i < n; i++) target[i] = r() < 0.8 ? (r() < 0.5 ? 0 : -0) : r() - 0.5
      break
    case 'subnormal':
      for (let i = 0; i < n; i++) target[i] = r() < 0.5 ? signed(r, r() * 2 ** -1022) : withExponent(r, randInt(r, -1074, -900))
      break
    case 'specials': {
      const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE]
      for (let i = 0; i < n; i++) target[i] = r() < 0.01 ? specials[randInt(r, 0, specials.length - 1)] : withExponent(r, randInt(r, -60, 60))
      break
    }
  }
}

/** A Float64Array or Float32Array view of `buffer` (ordinary or shared). */
export function viewOf(Type: FloatType, buffer: ArrayBufferLike, byteOffset = 0, length?: number): FloatArray {
  return Type === Float32Array ? new Float32Array(buffer, byteOffset, length) : new Float64Array(buffer, byteOffset, length)
}

/** A zero-filled Float64Array or Float32Array of `n` elements in a SharedArrayBuffer. */
export function sharedArray(Type: FloatType, n: number): FloatArray {
  return viewOf(Type, new SharedArrayBuffer(n * Type.BYTES_PER_ELEMENT))
}

/**
 * A vector of `n` elements, optionally as a view at element `offset` into a larger buffer
 * (filled with garbage around it) and optionally backed by a SharedArrayBuffer.
 */
export function makeVector(Type: FloatType, n: number, distribution: Distribution, seed: number, options: { offset?: number; shared?: boolean } = {}): FloatArray {
  const offset = options.offset ?? 0
  const total = n + offset + (offset > 0 ? 3 : 0)
  const bytes = total * Type.BYTES_PER_ELEMENT
  const buffer = options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)
  const whole = viewOf(Type, buffer)
  // Garbage outside the view: huge values that would change any result if read.
  whole.fill(Type === Float32Array ? 3e38 : 1e300)
  const view = viewOf(Type, buffer, offset * Type.BYTES_PER_ELEMENT, n)
  fill(view, distribution, seed)
  return view
}

/** A copy of `x` with its type, in a fresh ordinary buffer. */
export function copyOf<T extends FloatArray>(x: T): T {
  return x.slice() as T
}

/** A copy of `x` in a SharedArrayBuffer. */
export function sharedCopy<T extends FloatArray>(x: T): T {
  const Type = x.constructor as new (buffer: SharedArrayBuffer) => T
  const copy = new Type(new SharedArrayBuffer(x.length * x.BYTES_PER_ELEMENT))
  copy.set(x)
  return copy
}

export class MyFloat64Array extends Float64Array {}
export class MyFloat32Array extends Float32Array {}

/** A copy of `x` as an instance of a user subclass (MyFloat64Array / MyFloat32Array). */
export function subclassCopy(x: FloatArray): FloatArray {
  const copy = x.BYTES_PER_ELEMENT === 8 ? new MyFloat64Array(x.length) : new MyFloat32Array(x.length)
  copy.set(x)
  return copy
}

// ---------------------------------------------------------------------------------------------
// Bitwise comparisons

/** Hex bits of a double, to show in failure messages. */
export function bits(v: number): string {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, v)
  return `0x${view.getBigUint64(0).toString(16).padStart(16, '0')}`
}

/** `actual` and `expected` are the same double (Object.is: -0 differs from 0, NaN equals NaN). */
export function expectSameNumber(actual: number, expected: number, label = ''): void {
  if (!Object.is(actual, expected)) {
    expect.fail(`${label}: got ${actual} (${bits(actual)}), expected ${expected} (${bits(expected)})`)
  }
}

/** Element-wise Object.is of two arrays of the same type and length. */
export function expectSameArray(actual: FloatArray, expected: FloatArray, label = ''): void {
  expect(actual.constructor, `${label}: type`).toBe(expected.constructor)
  expect(actual.length, `${label}: length`).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${label}: element ${i} of ${expected.length} is ${actual[i]} (${bits(actual[i])}), expected ${expected[i]} (${bits(expected[i])})`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Plain JavaScript loops: the maps' specification, and the naive reductions hotpath improves on

export function naiveSum(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]
  return s
}

export function naiveDot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i] * y[i]
  return s
}

/** `x[i] *= factor` into a copy of x's type. */
export function loopScale<T extends FloatArray>(x: T, factor: number): T {
  const out = copyOf(x)
  for (let i = 0; i < out.length; i++) out[i] *= factor
  return out
}

/** `out[i] = x[i] * scale + shift` into a new array of x's type. */
export function loopScaleAndShift<T extends FloatArray>(x: T, scale: number, shift: number): T {
  const out = new (types.isFloat32Array(x) ? Float32Array : Float64Array)(x.length) as T
  for (let i = 0; i < x.length; i++) out[i] = x[i] * scale + shift
  return out
}

/** `Math.sqrt(x * x + y * y)` per interleaved point, into a new Float64Array. */
export function loopDistances(points: FloatArray): Float64Array {
  const out = new Float64Array(points.length / 2)
  for (let j = 0; j < out.length; j++) {
    const x = points[2 * j]
    const y = points[2 * j + 1]
    out[j] = Math.sqrt(x * x + y * y)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic

const scratch = new DataView(new ArrayBuffer(8))

/** A finite double times 2^1074, exactly, as a BigInt. */
export function scaled(v: number): bigint {
  if (!Number.isFinite(v)) throw new Error(`scaled(${v}): not finite`)
  scratch.setFloat64(0, v)
  const word = scratch.getBigUint64(0)
  const negative = word >> 63n === 1n
  const exponent = (word >> 52n) & 0x7ffn
  const mantissa = word & 0xfffffffffffffn
  const magnitude = exponent === 0n ? mantissa : (mantissa | (1n << 52n)) << (exponent - 1n)
  return negative ? -magnitude : magnitude
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v
}

/** The number of bits of v >= 0 (hex digits are much cheaper to produce than binary ones). */
function bitLength(v: bigint): number {
  if (v === 0n) return 0
  const hex = v.toString(16)
  return (hex.length - 1) * 4 + Math.floor(Math.log2(Number.parseInt(hex[0], 16))) + 1
}

/**
 * `value / 2^scale` rounded to the nearest double (ties to even). Results must be normal or
 * zero (subnormal results throw: the tests never need them).
 */
export function toDouble(value: bigint, scale: bigint): number {
  if (value === 0n) return 0
  const negative = value < 0n
  const a = abs(value)
  const length = bitLength(a)
  const shift = Math.max(0, length - 53)
  let q = a >> BigInt(shift)
  if (shift > 0) {
    const rest = a - (q << BigInt(shift))
    const half = 1n << BigInt(shift - 1)
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n
  }
  let p = shift - Number(scale)
  if (length - 1 - Number(scale) < -1022) throw new Error('toDouble: subnormal result')
  let result = Number(q)
  while (p > 1000) {
    result *= 2 ** 1000
    p -= 1000
  }
  while (p < -1000) {
    result *= 2 ** -1000
    p += 1000
  }
  result *= 2 ** p
  return negative ? -result : result
}

/** Σ x_i exactly, at scale 2^1074. */
export function exactSum(x: ArrayLike<number>): bigint {
  let s = 0n
  for (let i = 0; i < x.length; i++) s += scaled(x[i])
  return s
}

/** Σ |x_i| exactly, at scale 2^1074. */
export function exactAbsSum(x: ArrayLike<number>): bigint {
  let s = 0n
  for (let i = 0; i < x.length; i++) s += abs(scaled(x[i]))
  return s
}

/** Σ x_i y_i and Σ |x_i y_i| exactly, at scale 2^2148. */
export function exactDot(x: ArrayLike<number>, y: ArrayLike<number>): { value: bigint; absolute: bigint } {
  let value = 0n
  let absolute = 0n
  for (let i = 0; i < x.length; i++) {
    const p = scaled(x[i]) * scaled(y[i])
    value += p
    absolute += abs(p)
  }
  return { value, absolute }
}

/** Σ (x_i - y_i)² with each difference rounded once (as hotpath specifies), exactly, at 2^2148. */
export function exactSqEuclidean(x: ArrayLike<number>, y: ArrayLike<number>): bigint {
  let value = 0n
  for (let i = 0; i < x.length; i++) {
    const d = scaled(x[i] - y[i])
    value += d * d
  }
  return value
}

/** ⌊√v⌋ for v >= 0. */
export function isqrt(v: bigint): bigint {
  if (v < 2n) return v
  let x = 1n << BigInt(Math.ceil(bitLength(v) / 2))
  for (;;) {
    const next = (x + v / x) >> 1n
    if (next >= x) return x
    x = next
  }
}

/** √(Σ x_i²) to within 2^-1074 absolute (then rounded to a double): the norm's exact value. */
export function exactNorm(x: ArrayLike<number>): number {
  return toDouble(isqrt(exactDot(x, x).value), SCALE_1)
}

/**
 * Whether `result` meets the compensated (Sum2/Dot2) bound of hotpath's module notes:
 * |result - exact| <= 2^-53 |exact| + γ(n-1)² Σ|terms|, with γ(k) = k 2^-53 / (1 - k 2^-53).
 * `exact` and `absolute` are at scale 2^`scale`; `n` is the number of terms.
 */
export function withinCompensatedBound(result: number, exact: bigint, absolute: bigint, n: number, scale: bigint): boolean {
  if (!Number.isFinite(result)) return false
  // Multiply through by 2^53 (2^53 - k)^2 to stay in integers, k = n - 1.
  const k = BigInt(Math.max(0, n - 1))
  const u = 1n << 53n
  const error = abs(scaled(result) * (1n << (scale - SCALE_1)) - exact)
  const left = error * u * (u - k) * (u - k)
  const right = abs(exact) * (u - k) * (u - k) + u * k * k * absolute
  return left <= right
}

/** |result - exact| / |exact| as a double (Infinity when exact is 0 and result is not). */
export function relativeError(result: number, exact: bigint, scale: bigint): number {
  const error = abs(scaled(result) * (1n << (scale - SCALE_1)) - exact)
  if (exact === 0n) return error === 0n ? 0 : Number.POSITIVE_INFINITY
  // error / |exact| as a double, via a 60-bit quotient.
  const shift = 60n
  return Number((error << shift) / abs(exact)) / 2 ** 60
}

/** The distance from `v` (> 0, normal) to the next larger double. */
export function ulp(v: number): number {
  scratch.setFloat64(0, Math.abs(v))
  const exponent = Number((scratch.getBigUint64(0) >> 52n) & 0x7ffn)
  return 2 ** (Math.max(exponent, 1) - 1075)
}

// ---------------------------------------------------------------------------------------------
// Ill-conditioned problems

/**
 * Ogita, Rump and Oishi's GenDot ("Accurate Sum and Dot Product", 2005, Algorithm 6.1): `n`
 * pairs whose dot product has condition number about `condition`, the second half chosen so
 * that the running exact dot product cancels. Deterministic in `seed`.
 */
export function genDot(n: number, condition: number, seed: number): { x: Float64Array; y: Float64Array } {
  if (n < 6) throw new Error('genDot needs n >= 6')
  const r = prng(seed)
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  const n2 = Math.round(n / 2)
  const b = Math.log2(condition)
  const e = Array.from({ length: n2 }, () => Math.round((r() * b) / 2))
  e[0] = Math.round(b / 2) + 1
  e[n2 - 1] = 0
  let running = 0n // exact Σ x_i y_i so far, at 2^2148
  for (let i = 0; i < n2; i++) {
    x[i] = (2 * r() - 1) * 2 ** e[i]
    y[i] = (2 * r() - 1) * 2 ** e[i]
    running += scaled(x[i]) * scaled(y[i])
  }
  const m = n - n2
  for (let j = 0; j < m; j++) {
    const ej = Math.round(m === 1 ? 0 : b / 2 - (j * (b / 2)) / (m - 1))
    const i = n2 + j
    x[i] = (2 * r() - 1) * 2 ** ej
    const target = (2 * r() - 1) * 2 ** ej
    y[i] = (target - toDouble(running, SCALE_2)) / x[i]
    running += scaled(x[i]) * scaled(y[i])
  }
  // Random permutation (Fisher-Yates), the same for x and y.
  for (let i = n - 1; i > 0; i--) {
    const j = randInt(r, 0, i)
    ;[x[i], x[j]] = [x[j], x[i]]
    ;[y[i], y[j]] = [y[j], y[i]]
  }
  return { x, y }
}

/**
 * An ill-conditioned sum from an ill-conditioned dot product: each product x_i y_i becomes two
 * summands, its rounded value and its exact error (TwoProduct), shuffled. Same exact value.
 */
export function genSum(n: number, condition: number, seed: number): Float64Array {
  const { x, y } = genDot(Math.max(6, Math.ceil(n / 2)), condition, seed)
  const out = new Float64Array(2 * x.length)
  for (let i = 0; i < x.length; i++) {
    const p = x[i] * y[i]
    out[2 * i] = p
    // x y - p is a double (no underflow at these magnitudes): exact.
    out[2 * i + 1] = toDouble(scaled(x[i]) * scaled(y[i]) - scaled(p) * (1n << SCALE_1), SCALE_2)
  }
  const r = prng(seed ^ 0x5bd1e995)
  for (let i = out.length - 1; i > 0; i--) {
    const j = randInt(r, 0, i)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}
