/**
 * The pure-TypeScript risk score: the test oracle, the fallback when no native binary loads, and
 * the fast path for inputs too small to repay a native call.
 *
 * score = 1 / (1 + exp(-sqrt(sum_i (f_i * w_i)^2) + t))
 */
import { invalidType, invalidValue } from '../core/errors.js'

/** Scores the vector starting at `offset` of `values` (D = weights.length values). */
export function scoreRow(values: ArrayLike<number>, offset: number, weights: Float64Array, threshold: number): number {
  const d = weights.length
  // Four interleaved partial sums: one chain of dependent additions was most of the time of a
  // 20-feature score (each add waits for the one before). The order differs from a left-to-right
  // sum by rounding only, as the native kernel's eight lanes do.
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let i = 0
  for (; i + 3 < d; i += 4) {
    const p0 = values[offset + i] * weights[i]
    const p1 = values[offset + i + 1] * weights[i + 1]
    const p2 = values[offset + i + 2] * weights[i + 2]
    const p3 = values[offset + i + 3] * weights[i + 3]
    s0 += p0 * p0
    s1 += p1 * p1
    s2 += p2 * p2
    s3 += p3 * p3
  }
  for (; i < d; i++) {
    const p = values[offset + i] * weights[i]
    s0 += p * p
  }
  return 1 / (1 + Math.exp(threshold - Math.sqrt(s0 + s1 + (s2 + s3))))
}

/**
 * `scoreRow` for a plain array whose elements are not yet known to be numbers: checks and scores
 * in one pass (a separate checking pass made `score(number[])` ~20% slower than plain JS), and
 * throws ERR_INVALID_ARG_TYPE naming `name[i]` for the first element that is not a number.
 */
export function scoreArrayRow(values: readonly unknown[], weights: Float64Array, threshold: number, name: string): number {
  const d = weights.length
  // The partial sums of `scoreRow`, in its order (a vector scores the same as number[] or typed
  // array), written out again with the type checks inside: a checking pass and then `scoreRow`
  // measured 1.33x slower on 20 features.
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let i = 0
  for (; i + 3 < d; i += 4) {
    const x0 = values[i]
    const x1 = values[i + 1]
    const x2 = values[i + 2]
    const x3 = values[i + 3]
    if (typeof x0 !== 'number' || typeof x1 !== 'number' || typeof x2 !== 'number' || typeof x3 !== 'number') break
    const p0 = x0 * weights[i]
    const p1 = x1 * weights[i + 1]
    const p2 = x2 * weights[i + 2]
    const p3 = x3 * weights[i + 3]
    s0 += p0 * p0
    s1 += p1 * p1
    s2 += p2 * p2
    s3 += p3 * p3
  }
  for (; i < d; i++) {
    const x = values[i]
    if (typeof x !== 'number') throw invalidType(`${name}[${i}]`, 'of type number', x)
    const p = x * weights[i]
    s0 += p * p
  }
  return 1 / (1 + Math.exp(threshold - Math.sqrt(s0 + s1 + (s2 + s3))))
}

/** Scores the row-major batch `rows` (N x D) into `out` (N). */
export function scoreRows(rows: ArrayLike<number>, weights: Float64Array, threshold: number, out: Float64Array): Float64Array {
  const d = weights.length
  for (let r = 0, offset = 0; r < out.length; r++, offset += d) {
    out[r] = scoreRow(rows, offset, weights, threshold)
  }
  return out
}

/**
 * Feature rows from a JSON document, as `JSON.parse` and the checks of `scoreBatch` see them:
 * the oracle of `parseFeatureRows` and its path for short documents. The document is the array of
 * rows, or (with `field`) an object holding it as an own property. Rows are checked in order, in
 * a row its length first, then its elements.
 */
export function jsonRows(text: string, features: number, field: string | undefined): Float64Array {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw invalidValue('json', 'valid JSON', (error as Error).message)
  }
  let rows = document
  if (field !== undefined) {
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw invalidType('json', `an object with the array of feature rows under "${field}"`, document)
    }
    rows = Object.hasOwn(document, field) ? (document as Record<string, unknown>)[field] : undefined
  }
  const name = field ?? 'json'
  if (!Array.isArray(rows)) throw invalidType(name, 'an array of feature rows', rows)
  const out = new Float64Array(rows.length * features)
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i]
    if (!Array.isArray(row)) throw invalidType(`${name}[${i}]`, 'an array of numbers', row)
    if (row.length !== features) throw invalidValue(`${name}[${i}]`, `a vector of the model's ${features} features`, `length ${row.length}`)
    for (let j = 0; j < features; j++) {
      const x: unknown = row[j]
      if (typeof x !== 'number') throw invalidType(`${name}[${i}][${j}]`, 'of type number', x)
      out[i * features + j] = x
    }
  }
  return out
}
