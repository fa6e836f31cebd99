/**
 * Pure-TS vector kernels: the test oracle, the fallback, and the fast path for short vectors.
 *
 * They reproduce the native kernels (`crates/hotpath-kernels/src/vector`) operation for
 * operation, so results are bitwise equal: 16 lanes of TwoSum accumulators per block of 16,384
 * elements, each product's exact rounding error added to its lane's error term (Ogita, Rump and
 * Oishi's Sum2/Dot2), lanes folded in order, blocks combined in order. JavaScript has no FMA, so
 * the product error comes from Dekker's splitting, which is exact for the same inputs the FMA is
 * (products above 2^-969 in magnitude; below, the two may differ in the last bits).
 */
import type { FloatArray } from '../core/validate.js'

export const LANES = 16
export const BLOCK = 16 * 1024

/** Which terms a reduction sums: values, products, or squared differences. */
export const Terms = { Values: 0, Products: 1, SquaredDifferences: 2 } as const
export type Terms = (typeof Terms)[keyof typeof Terms]

const SPLITTER = 134217729 // 2^27 + 1

/** Factors this large would overflow Dekker's splitting; they are scaled down by 2^-54 first. */
const SPLIT_MAX = 2 ** 995
const SCALE_DOWN = 2 ** -54
const SCALE_UP = 2 ** 54

/**
 * Dekker's exact error of `p = a * b` (what `fma(a, b, -p)` gives): exact whenever the error is
 * not subnormal. A factor above 2^995 is scaled by 2^-54, with `p`, which changes no bit of the
 * scaled error (powers of two commute with rounding while nothing underflows).
 */
function productError(a: number, b: number, p: number): number {
  if (Math.abs(a) >= SPLIT_MAX) return splitError(a * SCALE_DOWN, b, p * SCALE_DOWN) * SCALE_UP
  if (Math.abs(b) >= SPLIT_MAX) return splitError(a, b * SCALE_DOWN, p * SCALE_DOWN) * SCALE_UP
  return splitError(a, b, p)
}

/** Veltkamp splitting and Dekker's product; NaN (from infinite inputs) becomes 0, unused then. */
function splitError(a: number, b: number, p: number): number {
  const ta = SPLITTER * a
  const ah = ta - (ta - a)
  const al = a - ah
  const tb = SPLITTER * b
  const bh = tb - (tb - b)
  const bl = b - bh
  const e = al * bl - (((p - ah * bh) - al * bh) - ah * bl)
  return e === e ? e : 0
}

const laneSums = new Float64Array(LANES)
const laneErrors = new Float64Array(LANES)

/**
 * The compensated reduction of `x` (and `y` for products and differences): the value the native
 * kernel returns for the same input.
 */
export function reduce(terms: Terms, x: FloatArray, y: FloatArray, n = x.length): number {
  if (n <= LANES) return reduceShort(terms, x, y, n)
  // Products of two f32 values are exact in f64: no error term, as in the native kernel.
  const exactProducts = x.BYTES_PER_ELEMENT === 4
  let totalS = 0
  let totalC = 0
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK)
    laneSums.fill(0)
    laneErrors.fill(0)
    for (let i = start; i < end; i++) {
      const lane = (i - start) & (LANES - 1)
      let t: number
      let err = 0
      if (terms === Terms.Values) t = x[i]
      else if (terms === Terms.Products) {
        const a = x[i]
        const b = y[i]
        t = a * b
        if (!exactProducts) err = productError(a, b, t)
      } else {
        const d = x[i] - y[i]
        t = d * d
        err = productError(d, d, t)
      }
      // TwoSum(lane, t); the lane's error collects its rounding error and the product's.
      const s = laneSums[lane]
      const sum = s + t
      const bp = sum - s
      laneSums[lane] = sum
      laneErrors[lane] = laneErrors[lane] + ((s - (sum - bp)) + (t - bp) + err)
    }
    let blockS = 0
    let blockC = 0
    for (let lane = 0; lane < LANES; lane++) {
      const s = laneSums[lane]
      const sum = blockS + s
      const bp = sum - blockS
      blockC = blockC + ((blockS - (sum - bp)) + (s - bp) + laneErrors[lane])
      blockS = sum
    }
    const sum = totalS + blockS
    const bp = sum - totalS
    totalC = totalC + ((totalS - (sum - bp)) + (blockS - bp) + blockC)
    totalS = sum
  }
  return Number.isFinite(totalS) ? totalS + totalC : totalS
}

/**
 * {@link reduce} for at most `LANES` elements, where each lane holds at most one term: folding
 * the lanes is then a sequential Sum2/Dot2 over the elements, bit for bit (a lane's own TwoSum
 * from 0 is exact and error-free, and the empty lanes and the final block step add exact zeros,
 * which can only turn a -0 into +0 where the result was +0 anyway). The short-vector fast path:
 * no scratch arrays, no block loop.
 */
function reduceShort(terms: Terms, x: FloatArray, y: FloatArray, n: number): number {
  const exactProducts = x.BYTES_PER_ELEMENT === 4
  let s = 0
  let c = 0
  for (let i = 0; i < n; i++) {
    let t: number
    let err = 0
    if (terms === Terms.Values) t = x[i]
    else if (terms === Terms.Products) {
      const a = x[i]
      const b = y[i]
      t = a * b
      if (!exactProducts) err = productError(a, b, t)
    } else {
      const d = x[i] - y[i]
      t = d * d
      err = productError(d, d, t)
    }
    const sum = s + t
    const bp = sum - s
    c = c + ((s - (sum - bp)) + (t - bp) + err)
    s = sum
  }
  return Number.isFinite(s) ? s + c : s
}

/** Σ x_i over the first `n` elements (default: all). */
export function sum(x: FloatArray, n = x.length): number {
  return reduce(Terms.Values, x, x, n)
}

export function sumSquares(x: FloatArray, n = x.length): number {
  return reduce(Terms.Products, x, x, n)
}

export function dot(x: FloatArray, y: FloatArray, n = x.length): number {
  return reduce(Terms.Products, x, y, n)
}

export function sqEuclidean(x: FloatArray, y: FloatArray, n = x.length): number {
  return reduce(Terms.SquaredDifferences, x, y, n)
}

/** 2^-969: sums of squares below it lost bits to subnormal products. */
const SMALLEST_EXACT = 2 ** -969
const exponentScratch = new Float64Array(1)
const exponentWords = new Uint32Array(exponentScratch.buffer)
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0

/** The unbiased exponent field of a finite positive number (-1023 for subnormals). */
function exponentOf(value: number): number {
  exponentScratch[0] = value
  return ((exponentWords[HIGH_WORD] >>> 20) & 0x7ff) - 1023
}

/** √(Σ x²), rescaled by a power of two when the sum of squares would overflow or underflow. */
export function norm(x: FloatArray, n = x.length): number {
  const squares = sumSquares(x, n)
  if (Number.isFinite(squares) && squares >= SMALLEST_EXACT) return Math.sqrt(squares)
  if (Number.isNaN(squares)) return squares
  let largest = 0
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(x[i]))
  if (largest === 0) return 0
  if (!Number.isFinite(largest)) return Infinity
  const factor = 2 ** -exponentOf(largest)
  const scaled = new Float64Array(n)
  for (let i = 0; i < n; i++) scaled[i] = x[i] * factor
  return Math.sqrt(sumSquares(scaled)) / factor
}

/** `x[i] *= factor` in place (an f32 array rounds each product once, as any typed-array store). */
export function scale<T extends FloatArray>(x: T, factor: number, n = x.length): T {
  for (let i = 0; i < n; i++) x[i] *= factor
  return x
}

/** `out[i] = x[i] * scale + shift`. */
export function scaleAndShift<T extends FloatArray>(x: FloatArray, scale: number, shift: number, out: T, n = x.length): T {
  for (let i = 0; i < n; i++) out[i] = x[i] * scale + shift
  return out
}

/** `out[i] = Math.sqrt(x * x + y * y)` for interleaved points. */
export function distancesFromOrigin(points: FloatArray, out: Float64Array, pairs = out.length): Float64Array {
  for (let i = 0, j = 0; j < pairs; i += 2, j++) {
    const x = points[i]
    const y = points[i + 1]
    out[j] = Math.sqrt(x * x + y * y)
  }
  return out
}
