/** Argument checks shared by every kernel's facade. Each throws the typed errors of `errors.ts`. */
import { invalidType, invalidValue, outOfRange } from './errors.js'

export type FloatArray = Float64Array | Float32Array
/** A single vector of numbers as hotpath accepts it. */
export type NumericVector = readonly number[] | Float64Array | Float32Array

export function isFloatArray(value: unknown): value is FloatArray {
  return value instanceof Float64Array || value instanceof Float32Array
}

/** Whether JavaScript can detach or transfer the memory behind `view`. */
export function isDetachable(view: ArrayBufferView): boolean {
  return !(typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer)
}

/** `undefined` becomes `{}`; anything but a plain object is a TypeError. */
export function optionsObject<T extends object>(value: T | undefined, name = 'options'): Partial<T> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidType(name, 'of type object', value)
  return value
}

export function finiteNumber(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value)
  if (!Number.isFinite(value)) throw outOfRange(name, 'a finite number', value)
  return value
}

export function integerInRange(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw outOfRange(name, `an integer >= ${min}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ''}`, value)
  }
  return value
}

export function nonNegativeNumber(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value)
  if (!(value >= 0) || !Number.isFinite(value)) throw outOfRange(name, 'a finite number >= 0', value)
  return value
}

export function abortSignal(value: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (value === undefined) return undefined
  if (!(value instanceof AbortSignal)) throw invalidType(name, 'an instance of AbortSignal', value)
  return value
}

/** Copies a vector of finite numbers (weights, coefficients) into a fresh Float64Array. */
export function finiteVector(value: unknown, name: string): Float64Array {
  let copy: Float64Array
  if (isFloatArray(value)) copy = Float64Array.from(value)
  else if (Array.isArray(value)) {
    copy = new Float64Array(value.length)
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i]
      if (typeof x !== 'number') throw invalidType(`${name}[${i}]`, 'of type number', x)
      copy[i] = x
    }
  } else throw invalidType(name, 'an instance of Array, Float64Array or Float32Array', value)
  for (let i = 0; i < copy.length; i++) {
    if (!Number.isFinite(copy[i])) throw invalidValue(name, 'finite numbers', `${name}[${i}] = ${copy[i]}`)
  }
  return copy
}

/** Rejects two views whose bytes overlap: native code must not read what it is writing. */
export function assertNoOverlap(a: ArrayBufferView, aName: string, b: ArrayBufferView, bName: string): void {
  if (a.buffer !== b.buffer) return
  const aEnd = a.byteOffset + a.byteLength
  const bEnd = b.byteOffset + b.byteLength
  if (a.byteOffset < bEnd && b.byteOffset < aEnd && a.byteLength > 0 && b.byteLength > 0) {
    throw invalidValue(bName, `memory that does not overlap "${aName}"`, `a view sharing bytes ${Math.max(a.byteOffset, b.byteOffset)}..${Math.min(aEnd, bEnd)} of the same buffer`)
  }
}
