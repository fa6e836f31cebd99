/** Argument checks and conversions specific to the risk score (shapes are in units of D features). */
import { types } from 'node:util'
import { invalidType, invalidValue } from '../core/errors.js'
import { assertAttached, assertNoOverlap, attachedLength, integerInRange, isFloatArray, lengthOf, optionsObject, plainView, type FloatArray, type NumericVector } from '../core/validate.js'

/** The most values an array of vectors may convert to: V8's limit for one typed array (2^32). */
const MAX_MATRIX_VALUES = 2 ** 32

/** A RangeError for a vector whose length is not the model's D. */
export function lengthError(name: string, d: number, length: number): RangeError {
  return invalidValue(name, `a vector of the model's ${d} features`, `length ${length}`)
}

/**
 * The argument name for messages: `name`, or `name[index]` for an element of a list. Built only
 * when an error is thrown: per-item template strings cost more than the checks themselves.
 */
function argumentName(name: string, index: number | undefined): string {
  return index === undefined ? name : `${name}[${index}]`
}

/** Checks that `vector` (the argument `name`, or `name[index]`) is a plain array of exactly `d` numbers. */
export function checkPlainVector(vector: unknown, name: string, d: number, index?: number): asserts vector is readonly number[] {
  if (!Array.isArray(vector)) throw invalidType(argumentName(name, index), 'an instance of Array, Float64Array or Float32Array', vector)
  if (vector.length !== d) throw lengthError(argumentName(name, index), d, vector.length)
  for (let i = 0; i < vector.length; i++) {
    if (typeof vector[i] !== 'number') throw invalidType(`${argumentName(name, index)}[${i}]`, 'of type number', vector[i])
  }
}

/** Checks one feature vector of any accepted type (the argument `name`, or `name[index]`). */
export function checkVector(vector: unknown, name: string, d: number, index?: number): asserts vector is NumericVector {
  // The common case without a call into C++: this realm's typed arrays, not proxies.
  const own = (vector instanceof Float64Array || vector instanceof Float32Array) && ArrayBuffer.isView(vector)
  if (own || isFloatArray(vector)) {
    if (lengthOf(vector) !== d) {
      assertAttached(vector, argumentName(name, index))
      throw lengthError(argumentName(name, index), d, lengthOf(vector))
    }
  } else checkPlainVector(vector, name, d, index)
}

/** `rows` as a row-major matrix: typed arrays as they are, arrays of vectors converted once. */
export function toMatrix(rows: unknown, d: number): FloatArray {
  if (isFloatArray(rows)) {
    attachedLength(rows, 'rows')
    // Subclasses and views with shadowed properties are read through the built-in accessors.
    const view = plainView(rows)
    if (view.length % d !== 0) {
      throw invalidValue('rows', `a length that is a multiple of the model's ${d} features`, `rows.length ${view.length}, which is not a multiple of ${d}`)
    }
    return view
  }
  if (!Array.isArray(rows)) throw invalidType('rows', 'a Float64Array, a Float32Array or an array of feature vectors', rows)
  if (rows.length * d > MAX_MATRIX_VALUES) {
    throw invalidValue('rows', `at most ${MAX_MATRIX_VALUES} values in all (rows x ${d} features)`, `${rows.length} rows`)
  }
  const matrix = new Float64Array(rows.length * d)
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i]
    checkVector(row, 'rows', d, i)
    matrix.set(row, i * d)
  }
  return matrix
}

/** The caller's `out` for `rows` checked (type, length N, no overlap), or a new array. */
export function outFor(rows: FloatArray, d: number, out: unknown): Float64Array {
  const n = rows.length / d
  if (out === undefined) return new Float64Array(n)
  if (!types.isFloat64Array(out)) throw invalidType('options.out', 'an instance of Float64Array', out)
  if (out.length !== n) {
    assertAttached(out, 'options.out')
    throw invalidValue('options.out', `a Float64Array of length ${n} (one score per row)`, `length ${out.length}`)
  }
  assertNoOverlap(rows, 'rows', out, 'options.out')
  return out
}

export { booleanOption } from '../core/validate.js'

export interface BatchingOptions {
  batchSize?: number
  concurrency?: number
}

export function batchingOptions(options: BatchingOptions | undefined): { batchSize: number; concurrency: number } {
  const opts = optionsObject(options)
  return {
    batchSize: opts.batchSize === undefined ? 1024 : integerInRange(opts.batchSize, 'options.batchSize', 1, 1 << 24),
    concurrency: opts.concurrency === undefined ? 2 : integerInRange(opts.concurrency, 'options.concurrency', 1, 64),
  }
}
