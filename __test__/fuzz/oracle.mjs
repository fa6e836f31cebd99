// Helpers the per-family oracles use to read canonical arguments (see values.mjs) the way the
// documented API does, and comparisons with the tolerances of the parity tests.
//
// An oracle returns the expected result for valid canonical arguments, throws `Invalid` when the
// documented API must reject them (any coded error will do), and `Unknown` when it cannot say.
import { Any, Bad, MISSING, Weird } from './values.mjs'

export class Invalid extends Error {}
export class Unknown extends Error {}

export function invalid(why) {
  throw new Invalid(why)
}

const tagOf = (() => {
  const get = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get
  return (v) => get.call(v)
})()
export { tagOf }

/** Markers: Bad must be rejected, Any means unknown. */
export function plainValue(c, name) {
  if (c instanceof Bad) invalid(`${name}: ${c.reason}`)
  if (c instanceof Any) throw new Unknown(`${name}: ${c.reason}`)
  if (c === MISSING) invalid(`${name}: a getter that throws`)
  return c
}

export function typed(c, name, tags) {
  c = plainValue(c, name)
  const tag = tagOf(c)
  if (tag === undefined || !tags.includes(tag)) invalid(`${name}: not one of ${tags.join(', ')}`)
  return c
}

export const floatVector = (c, name) => typed(c, name, ['Float64Array', 'Float32Array'])
export const float64 = (c, name) => typed(c, name, ['Float64Array'])

export function number(c, name) {
  c = plainValue(c, name)
  if (typeof c !== 'number') invalid(`${name}: not a number`)
  return c
}

export function finite(c, name) {
  const n = number(c, name)
  if (!Number.isFinite(n)) invalid(`${name}: not finite`)
  return n
}

export function integer(c, name, min, max = Number.MAX_SAFE_INTEGER) {
  const n = number(c, name)
  if (!Number.isInteger(n) || n < min || n > max) invalid(`${name}: not an integer in ${min}..${max}`)
  return n
}

export function boolean(c, name, fallback) {
  c = plainValue(c, name)
  if (c === undefined) return fallback
  if (typeof c !== 'boolean') invalid(`${name}: not a boolean`)
  return c
}

/** An options object: undefined is {}; objects of no special kind count as having no fields. */
export function options(c, name = 'options') {
  c = plainValue(c, name)
  if (c === undefined) return {}
  if (c instanceof Weird) {
    if (c.isObject) return {}
    invalid(`${name}: ${c.kind}`)
  }
  if (c === null || typeof c !== 'object' || Array.isArray(c) || ArrayBuffer.isView(c)) invalid(`${name}: not an object`)
  return c
}

/** An object argument that is not options (an image, a kernel, a point): same rules. */
export const object = options

/** A field of a canonical object: undefined when absent; MISSING (a throwing getter) must be rejected. */
export function field(o, key, name) {
  const v = o[key]
  if (v === MISSING) invalid(`${name}: a getter that throws`)
  return v
}

/** `options.signal`: undefined, or a canonical signal; an aborted one must be rejected. */
export function signal(c, name = 'options.signal') {
  c = plainValue(c, name)
  if (c === undefined) return undefined
  if (c instanceof Weird || c === null || typeof c !== 'object' || !('signal' in c)) invalid(`${name}: not an AbortSignal`)
  return c
}

/** A plain array (canonical), or invalid. */
export function array(c, name) {
  c = plainValue(c, name)
  if (!Array.isArray(c)) invalid(`${name}: not an array`)
  return c
}

// ---------------------------------------------------------------------------------------------
// Comparisons: each returns null when equal, else a short description.

export function sameNumber(a, b) {
  if (typeof a !== typeof b) return `got ${typeof a} ${String(a)}, expected ${typeof b} ${String(b)}`
  return Object.is(a, b) ? null : `got ${a}, expected ${b}`
}

/** Bitwise (Object.is) element equality and the same element type. */
export function sameArray(a, b) {
  if (tagOf(a) !== tagOf(b)) return `got ${tagOf(a) ?? typeof a}, expected ${tagOf(b)}`
  if (a.length !== b.length) return `got length ${a.length}, expected ${b.length}`
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `[${i}]: got ${a[i]}, expected ${b[i]}`
  return null
}

/** Both NaN, equal, or within `tol` relative error. */
export function close(a, b, tol) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b)
  if (a === b) return true
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b))
}

export function closeArray(a, b, tol) {
  if (tagOf(a) !== tagOf(b)) return `got ${tagOf(a) ?? typeof a}, expected ${tagOf(b)}`
  if (a.length !== b.length) return `got length ${a.length}, expected ${b.length}`
  for (let i = 0; i < a.length; i++) if (!close(a[i], b[i], tol)) return `[${i}]: got ${a[i]}, expected ${b[i]} (tol ${tol})`
  return null
}

/** A first non-null description, or null. */
export function first(...checks) {
  for (const c of checks) if (c) return c
  return null
}

const proto = Object.getPrototypeOf(Uint8Array.prototype)
const intrinsic = (name) => {
  const get = Object.getOwnPropertyDescriptor(proto, name).get
  return (v) => get.call(v)
}
export const bufferOf = intrinsic('buffer')
export const byteOffsetOf = intrinsic('byteOffset')
export const lengthOf = intrinsic('length')
const CONSTRUCTORS = { Float64Array, Float32Array, Uint8Array, Uint8ClampedArray, Uint16Array, Uint32Array, Int32Array }

/** A plain view of this realm over exactly the memory of typed array `v` (whatever its own properties claim), or `v` if not a typed array. */
export function real(v) {
  const tag = tagOf(v)
  if (tag === undefined) return v
  return new CONSTRUCTORS[tag](bufferOf(v), byteOffsetOf(v), lengthOf(v))
}

/** A typed array result compared bitwise with `expected`, read through its real memory. */
export function sameTyped(actual, expected) {
  if (tagOf(actual) === undefined) return `got ${typeof actual} ${actual?.constructor?.name ?? ''}, expected ${tagOf(expected)}`
  return sameArray(real(actual), expected)
}
