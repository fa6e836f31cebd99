/**
 * The last line of the promise that every error has a stable `code`. Arguments are checked before
 * any work, but a hostile argument can still make the engine itself throw while hotpath reads it
 * (a revoked proxy, a length no typed array can have, a circular structure): those built-in
 * `TypeError`s and `RangeError`s are given hotpath's codes here, with the original as `cause`.
 * Anything else the caller's own code throws (a getter, an iterator, a callback) passes through
 * unchanged, as in Node core.
 */
import { types } from 'node:util'
import { InvalidArgTypeError, InvalidArgValueError, OutOfRangeError } from './errors.js'

/** Engine messages that mean "this much memory cannot be had" rather than "this value is wrong". */
const ALLOCATION = /allocation failed|Invalid (typed )?array length|Array buffer allocation|Invalid string length/i

/** `error` with a `code`: as it is when it has one or is not a built-in TypeError/RangeError. */
export function coded(error: unknown): unknown {
  if (!types.isNativeError(error)) return error
  if (typeof (error as { code?: unknown }).code === 'string') return error
  // By name, not instanceof: errors from other realms (vm contexts) count too.
  const { name, message } = error
  if (name === 'TypeError') return new InvalidArgTypeError(`An argument could not be used: ${message}`, { cause: error })
  if (name === 'RangeError') {
    if (ALLOCATION.test(message)) return new OutOfRangeError(`The requested size is out of range: ${message}`, { cause: error })
    return new InvalidArgValueError(`An argument could not be used: ${message}`, { cause: error })
  }
  return error
}

/** Rethrows `error` with a code (see {@link coded}); for `promise.catch`. */
export function rethrowCoded(error: unknown): never {
  throw coded(error)
}
