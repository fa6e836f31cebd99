/** Argument checks shared by every kernel's facade. Each throws the typed errors of `errors.ts`. */
import { types } from 'node:util'
import { InvalidStateError, invalidType, invalidValue, outOfRange } from './errors.js'
import { ownerOf } from './owners.js'
import { bufferOf, byteOffsetOf, lengthOf, lostMemory, typedArrayTag } from './intrinsics.js'

export { lengthOf, typedArrayTag } from './intrinsics.js'

export type FloatArray = Float64Array | Float32Array
/** A single vector of numbers as hotpath accepts it. */
export type NumericVector = readonly number[] | Float64Array | Float32Array

/**
 * Whether `value` really is a Float64Array or Float32Array (by its internal slot, like Node core:
 * subclasses and arrays from other realms count; proxies and objects that only borrow the
 * prototype do not).
 */
export function isFloatArray(value: unknown): value is FloatArray {
  return types.isFloat64Array(value) || types.isFloat32Array(value)
}

/**
 * A plain Float64Array/Float32Array over exactly the memory of `view`, built from the built-in
 * accessors: what native code will read, whatever `view`'s own properties claim. A plain view is
 * returned as is.
 */
export function plainView<T extends FloatArray>(view: T): T {
  const Plain = types.isFloat64Array(view) ? Float64Array : Float32Array
  if (Object.getPrototypeOf(view) === Plain.prototype && !Object.hasOwn(view, 'buffer') && !Object.hasOwn(view, 'length') && !Object.hasOwn(view, 'byteOffset')) return view
  return new Plain(bufferOf(view) as ArrayBuffer, byteOffsetOf(view), lengthOf(view)) as T
}

/**
 * Whether JavaScript can detach, transfer or shrink the memory behind `view` while native code
 * reads it: not a SharedArrayBuffer, and not a live `NativeBuffer` (Node copies external memory
 * instead of transferring it, `dispose()` waits for the calls in flight, and the native task
 * keeps the block alive besides). Async calls read the others' memory in place.
 */
export function isDetachable(view: ArrayBufferView): boolean {
  const buffer = bufferOf(view)
  if (types.isSharedArrayBuffer(buffer)) return false
  const owner = ownerOf(buffer)
  return owner === undefined || owner.disposed
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

export function nonNegativeNumber(value: unknown, name: string, max = Number.MAX_VALUE): number {
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value)
  if (!(value >= 0) || !(value <= max)) throw outOfRange(name, `a number >= 0 and <= ${max}`, value)
  return value
}

const signalAborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!

export function abortSignal(value: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (value === undefined) return undefined
  if (!(value instanceof AbortSignal)) throw invalidType(name, 'an instance of AbortSignal', value)
  try {
    // Only a real signal passes Node's own brand check; Object.create(AbortSignal.prototype) does not.
    signalAborted.call(value)
  } catch {
    throw invalidType(name, 'an instance of AbortSignal', value)
  }
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
export function assertNoOverlap(a: FloatArray, aName: string, b: FloatArray, bName: string): void {
  if (bufferOf(a) !== bufferOf(b)) return
  const aStart = byteOffsetOf(a)
  const bStart = byteOffsetOf(b)
  const aEnd = aStart + lengthOf(a) * a.BYTES_PER_ELEMENT
  const bEnd = bStart + lengthOf(b) * b.BYTES_PER_ELEMENT
  if (aStart < bEnd && bStart < aEnd && aEnd > aStart && bEnd > bStart) {
    throw invalidValue(bName, `memory that does not overlap "${aName}"`, `a view sharing bytes ${Math.max(aStart, bStart)}..${Math.min(aEnd, bEnd)} of the same buffer`)
  }
}

/** An optional boolean option: `fallback` when undefined, else it must be a boolean. */
export function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw invalidType(name, 'of type boolean', value)
  return value
}

/**
 * Throws `ERR_INVALID_ARG_VALUE` if `view` reads as empty only because its memory is gone
 * (detached, or out of bounds of a shrunk resizable ArrayBuffer). Callers check this where a
 * length is 0 or does not match, so valid calls never pay for it.
 */
export function assertAttached(view: ArrayBufferView, name: string): void {
  // Disposed but not freed yet (an async call still holds it) counts as disposed: the caller gave it up.
  if (ownerOf(bufferOf(view))?.disposed) throw disposedError(name, view)
  const lost = lostMemory(view)
  if (lost === 'detached') throw invalidValue(name, 'a typed array whose ArrayBuffer is not detached', `${describeView(view)} over a detached ArrayBuffer (transferred by postMessage, structuredClone or transfer())`)
  if (lost === 'out of bounds') throw invalidValue(name, 'a typed array within its ArrayBuffer', `${describeView(view)} out of bounds of its resized ArrayBuffer`)
}

/**
 * `lengthOf(view)`, after making sure a length of 0 is a real empty array and the memory is not
 * a disposed NativeBuffer's (one whose free waits for a call still reads as attached). Cheaper
 * than `assertAttached` for hot paths: only an empty view can be detached.
 */
export function attachedLength(view: ArrayBufferView, name: string): number {
  const length = lengthOf(view)
  if (length === 0) assertAttached(view, name)
  else if (ownerOf(bufferOf(view))?.disposed) throw disposedError(name, view)
  return length
}

/** The error for a view of a disposed NativeBuffer passed as argument `name`. */
export function disposedError(name: string, view: ArrayBufferView): InvalidStateError {
  return new InvalidStateError(`The "${name}" argument is ${describeView(view)} over a NativeBuffer that was disposed; its memory is freed`)
}

function describeView(view: ArrayBufferView): string {
  return `an instance of ${typedArrayTag(view) ?? 'DataView'}`
}
