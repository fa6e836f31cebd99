/**
 * Shared test data: deterministic generators, the pure-TS oracle and tolerance comparisons.
 * The oracle is `scoreRow`/`scoreRows` from src/score/reference.ts.
 */
import fc from 'fast-check'
import { scoreRow, scoreRows } from '../../src/score/reference.js'
import { prng } from './prng.mjs'
export { prng }

/** Relative tolerance for Float64 input. */
export const F64_TOL = 1e-12
/** Relative tolerance for Float32 input (compared with the oracle run on the same f32 values). */
export const F32_TOL = 1e-6


/** D weights in [-1, 1), deterministic for `seed`. */
export function makeWeights(d: number, seed = 1): Float64Array {
  const r = prng(seed)
  const w = new Float64Array(d)
  for (let i = 0; i < d; i++) w[i] = r() * 2 - 1
  return w
}

/** A row-major N x D batch of values in [-2, 2), deterministic for `seed`. */
export function makeRows(n: number, d: number, seed = 2): Float64Array {
  const r = prng(seed)
  const rows = new Float64Array(n * d)
  for (let i = 0; i < rows.length; i++) rows[i] = r() * 4 - 2
  return rows
}

/** Fills `rows` quickly with values that depend on the index and `salt` (for very large batches). */
export function fillPattern(rows: Float64Array | Float32Array, salt = 0): void {
  for (let i = 0; i < rows.length; i++) rows[i] = ((i * 7 + salt * 13) % 101) / 50 - 1
}

/** The oracle's scores for a row-major batch. */
export function reference(rows: ArrayLike<number>, weights: ArrayLike<number>, threshold = 0.5): Float64Array {
  const w = Float64Array.from(weights)
  return scoreRows(rows, w, threshold, new Float64Array(rows.length / w.length))
}

/** The oracle's score of one vector. */
export function referenceOne(features: ArrayLike<number>, weights: ArrayLike<number>, threshold = 0.5): number {
  return scoreRow(features, 0, Float64Array.from(weights), threshold)
}

/** Whether `a` and `b` agree: both NaN, exactly equal, or within `tol` relative error. */
export function close(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b)
  if (a === b) return true
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b))
}

/** `null` when `actual` matches `expected` within `tol`, otherwise a description of the first difference. */
export function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`
  let bad = 0
  let first = -1
  for (let i = 0; i < actual.length; i++) {
    if (!close(actual[i], expected[i], tol)) {
      if (first < 0) first = i
      bad++
    }
  }
  if (bad === 0) return null
  return `${bad} of ${actual.length} scores differ; first at [${first}]: got ${actual[first]}, expected ${expected[first]} (tol ${tol})`
}

/** Throws (with a useful message) unless `actual` matches `expected` within `tol`. */
export function assertScores(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, label = 'scores'): void {
  const m = mismatch(actual, expected, tol)
  if (m !== null) throw new Error(`${label}: ${m}`)
}

/** Row `i` of a row-major batch, as a view. */
export function rowOf<T extends Float64Array | Float32Array>(rows: T, i: number, d: number): T {
  return rows.subarray(i * d, (i + 1) * d) as T
}

// ---------------------------------------------------------------------------------------------
// fast-check arbitraries
// ---------------------------------------------------------------------------------------------

/** How the values of one row are drawn. */
export type ValueKind = 'unit' | 'wide' | 'negative' | 'large' | 'small' | 'zero' | 'f32large' | 'f32small' | 'mixed'
const ALL_KINDS: ValueKind[] = ['unit', 'wide', 'negative', 'large', 'small', 'zero', 'f32large', 'f32small', 'mixed']
const SIMPLE_KINDS: ValueKind[] = ['unit', 'wide', 'negative', 'large', 'small', 'zero', 'f32large', 'f32small']

function signed(r: () => number): number {
  return r() < 0.5 ? -1 : 1
}

function magnitude(r: () => number, minExp: number, maxExp: number): number {
  return 10 ** (minExp + r() * (maxExp - minExp))
}

/** One value of `kind`. */
export function drawValue(kind: ValueKind, r: () => number): number {
  switch (kind) {
    case 'unit':
      return r()
    case 'wide':
      return signed(r) * magnitude(r, -5, 5)
    case 'negative':
      return -r() * 100
    case 'large':
      return signed(r) * magnitude(r, 150, 300)
    case 'small':
      return signed(r) * magnitude(r, -300, -150)
    case 'zero':
      return r() < 0.5 ? 0 : -0
    case 'f32large':
      return signed(r) * magnitude(r, 30, 38)
    case 'f32small':
      return signed(r) * magnitude(r, -44, -30)
    case 'mixed':
      return drawValue(SIMPLE_KINDS[Math.floor(r() * SIMPLE_KINDS.length)], r)
  }
}

/** A generated scoring problem: model parameters plus a batch. */
export interface ScoreCase {
  d: number
  n: number
  /** What the model was built from (number[] | Float64Array | Float32Array). */
  weightsInput: number[] | Float64Array | Float32Array
  /** The weights as the model holds them (f64). */
  weights: Float64Array
  /** `undefined` means: use the default threshold (0.5). */
  thresholdInput: number | undefined
  threshold: number
  rows: Float64Array | Float32Array
  f32: boolean
  /** The oracle's scores for `rows` (computed on the exact values in `rows`). */
  expected: Float64Array
  tol: number
}

export interface CaseOptions {
  minD?: number
  maxD?: number
  minN?: number
  maxN?: number
  /** `true`: only f32 rows; `false`: only f64; default: both. */
  f32?: boolean
}

function buildCase(p: {
  d: number
  n: number
  seed: number
  kinds: ValueKind[]
  nanRate: number
  weightScale: number
  weightForm: 'array' | 'f64' | 'f32'
  threshold: number | undefined
  f32: boolean
}): ScoreCase {
  const r = prng(p.seed)
  const weights64 = new Float64Array(p.d)
  for (let i = 0; i < p.d; i++) weights64[i] = (r() * 2 - 1) * p.weightScale
  let weightsInput: number[] | Float64Array | Float32Array
  // f32 cannot hold weights of 1e+-100: they would become Infinity or 0.
  const weightForm = p.weightForm === 'f32' && (p.weightScale > 1e30 || p.weightScale < 1e-30) ? 'f64' : p.weightForm
  if (weightForm === 'f32') weightsInput = Float32Array.from(weights64)
  else if (weightForm === 'f64') weightsInput = weights64
  else weightsInput = Array.from(weights64)
  const weights = Float64Array.from(weightsInput)
  const values = new Float64Array(p.n * p.d)
  for (let row = 0; row < p.n; row++) {
    const kind = p.kinds[Math.floor(r() * p.kinds.length)]
    for (let j = 0; j < p.d; j++) values[row * p.d + j] = drawValue(kind, r)
    if (p.nanRate > 0 && r() < p.nanRate) values[row * p.d + Math.floor(r() * p.d)] = Number.NaN
  }
  const rows = p.f32 ? Float32Array.from(values) : values
  const threshold = p.threshold === undefined ? 0.5 : p.threshold
  return {
    d: p.d,
    n: p.n,
    weightsInput,
    weights,
    thresholdInput: p.threshold,
    threshold,
    rows,
    f32: p.f32,
    expected: reference(rows, weights, threshold),
    tol: p.f32 ? F32_TOL : F64_TOL,
  }
}

/**
 * Random scoring problems: D in [minD, maxD] (1..64 by default), N in [minN, maxN] (0..300) with
 * extra weight on 0 and 1 rows and on D = 1, rows of mixed magnitudes (1e150..1e300,
 * 1e-300..1e-150, negatives, zeros), NaN rows, f64 and f32 input. Thresholds stay in [-50, 50]:
 * with larger |t| the last-bit rounding differences of a reordered sum of squares are amplified
 * past 1e-12 by cancellation in `t - sqrt(sum)` (large thresholds have their own exact tests).
 */
export function arbCase(options: CaseOptions = {}): fc.Arbitrary<ScoreCase> {
  const minD = options.minD ?? 1
  const maxD = options.maxD ?? 64
  const minN = options.minN ?? 0
  const maxN = options.maxN ?? 300
  const dArb = minD <= 1 && maxD >= 1 ? fc.oneof({ weight: 1, arbitrary: fc.constant(1) }, { weight: 5, arbitrary: fc.integer({ min: minD, max: maxD }) }) : fc.integer({ min: minD, max: maxD })
  const smallN = [0, 1].filter((n) => n >= minN && n <= maxN)
  const nArb = smallN.length > 0 ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...smallN) }, { weight: 5, arbitrary: fc.integer({ min: minN, max: maxN }) }) : fc.integer({ min: minN, max: maxN })
  return fc
    .record({
      d: dArb,
      n: nArb,
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
      kinds: fc.subarray(ALL_KINDS, { minLength: 1 }),
      nanRate: fc.constantFrom(0, 0, 0.05, 0.3),
      weightScale: fc.constantFrom(1, 1, 1e-3, 10, 1e100, 1e-100),
      weightForm: fc.constantFrom('array' as const, 'f64' as const, 'f32' as const),
      threshold: fc.option(fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
      f32: options.f32 === undefined ? fc.boolean() : fc.constant(options.f32),
    })
    .map(buildCase)
}

/** Describes a case in one line for assertion messages. */
export function describeCase(c: ScoreCase): string {
  return `D=${c.d} N=${c.n} ${c.f32 ? 'f32' : 'f64'} threshold=${c.threshold}`
}
