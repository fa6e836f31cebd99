/**
 * The pure-TypeScript risk score: the test oracle, the fallback when no native binary loads, and
 * the fast path for inputs too small to repay a native call.
 *
 * score = 1 / (1 + exp(-sqrt(sum_i (f_i * w_i)^2) + t))
 */
import { invalidType, invalidValue } from '../core/errors.js'

/** Scores the vector starting at `offset` of `values` (D = weights.length values). */
export function scoreRow(values: ArrayLike<number>, offset: number, weights: Float64Array, threshold: number): number {
  let sum = 0
  for (let i = 0; i < weights.length; i++) {
    const p = values[offset + i] * weights[i]
    sum += p * p
  }
  return 1 / (1 + Math.exp(threshold - Math.sqrt(sum)))
}

/**
 * `scoreRow` for a plain array whose elements are not yet known to be numbers: checks and scores
 * in one pass (a separate checking pass made `score(number[])` ~20% slower than plain JS), and
 * throws ERR_INVALID_ARG_TYPE naming `name[i]` for the first element that is not a number.
 */
export function scoreArrayRow(values: readonly unknown[], weights: Float64Array, threshold: number, name: string): number {
  let sum = 0
  for (let i = 0; i < weights.length; i++) {
    const x = values[i]
    if (typeof x !== 'number') throw invalidType(`${name}[${i}]`, 'of type number', x)
    const p = x * weights[i]
    sum += p * p
  }
  return 1 / (1 + Math.exp(threshold - Math.sqrt(sum)))
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
