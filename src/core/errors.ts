/**
 * Typed errors with stable `code`s, shaped like Node core's: a `TypeError` for a wrong type, a
 * `RangeError` for a bad length or value, an `AbortError` for an aborted call. Branch on `code`,
 * never on the message.
 */
import { lengthOf, typedArrayTag } from './intrinsics.js'

/** Stable error codes thrown or rejected by hotpath. */
export const ErrorCode = {
  /** An argument has the wrong type (`TypeError`). */
  INVALID_ARG_TYPE: 'ERR_INVALID_ARG_TYPE',
  /** An argument has the right type but an unusable value or shape (`RangeError`). */
  INVALID_ARG_VALUE: 'ERR_INVALID_ARG_VALUE',
  /** A number is outside its allowed range (`RangeError`). */
  OUT_OF_RANGE: 'ERR_OUT_OF_RANGE',
  /** The operation was aborted through its `AbortSignal` (`AbortError`). */
  ABORTED: 'ABORT_ERR',
  /** A class that cannot be constructed with `new` was (`GeoIndex`: use `GeoIndex.build`) (`TypeError`). */
  ILLEGAL_CONSTRUCTOR: 'ERR_ILLEGAL_CONSTRUCTOR',
  /** An object was used in a state that forbids it: a disposed `NativeBuffer` or a view of one (`Error`). */
  INVALID_STATE: 'ERR_INVALID_STATE',
  /** Native memory could not be allocated (`RangeError`), as in Node core. */
  MEMORY_ALLOCATION_FAILED: 'ERR_MEMORY_ALLOCATION_FAILED',
  /** An `onProgress` callback threw: the call stopped, `cause` is what it threw. */
  PROGRESS_CALLBACK: 'ERR_HOTPATH_PROGRESS_CALLBACK',
  /** A bug inside hotpath's native code (for example a contained Rust panic). */
  INTERNAL: 'ERR_HOTPATH_INTERNAL',
  /** No native binary could be loaded for this platform. */
  NATIVE_LOAD: 'ERR_HOTPATH_NATIVE_LOAD',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** Wrong argument type: `code === 'ERR_INVALID_ARG_TYPE'`. */
export class InvalidArgTypeError extends TypeError {
  readonly code = ErrorCode.INVALID_ARG_TYPE
  override name = 'TypeError'
}

/** Bad argument value or shape: `code === 'ERR_INVALID_ARG_VALUE'`. */
export class InvalidArgValueError extends RangeError {
  readonly code = ErrorCode.INVALID_ARG_VALUE
  override name = 'RangeError'
}

/** Number out of range: `code === 'ERR_OUT_OF_RANGE'`. */
export class OutOfRangeError extends RangeError {
  readonly code = ErrorCode.OUT_OF_RANGE
  override name = 'RangeError'
}

/** `new` on a class built only by its factories: `code === 'ERR_ILLEGAL_CONSTRUCTOR'`, as in Node core. */
export class IllegalConstructorError extends TypeError {
  readonly code = ErrorCode.ILLEGAL_CONSTRUCTOR
  override name = 'TypeError'
}

/** The call was aborted: `name === 'AbortError'`, `code === 'ABORT_ERR'`, `cause` = the signal's reason. */
export class AbortError extends Error {
  readonly code = ErrorCode.ABORTED
  override name = 'AbortError'
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** An object used in a state that forbids it (a disposed `NativeBuffer`): `code === 'ERR_INVALID_STATE'`, as in Node core. */
export class InvalidStateError extends Error {
  readonly code = ErrorCode.INVALID_STATE
  override name = 'Error'
}

/** The system refused an allocation: `code === 'ERR_MEMORY_ALLOCATION_FAILED'`. */
export class MemoryAllocationError extends RangeError {
  readonly code = ErrorCode.MEMORY_ALLOCATION_FAILED
  override name = 'RangeError'
}

/** An `onProgress` callback threw and stopped the call: `cause` is what it threw. */
export class ProgressCallbackError extends Error {
  readonly code = ErrorCode.PROGRESS_CALLBACK
  override name = 'ProgressCallbackError'
}

/** A failure inside native code that is hotpath's fault, not the caller's. Please report it. */
export class HotpathInternalError extends Error {
  readonly code = ErrorCode.INTERNAL
  override name = 'HotpathInternalError'
}

/** No usable native binary: the message names the platform, what was tried and how to fix it. */
export class NativeLoadError extends Error {
  readonly code = ErrorCode.NATIVE_LOAD
  override name = 'NativeLoadError'
}

/**
 * Describes a received value the way Node core does in its argument errors. Never throws: the
 * value may be a revoked proxy or an object whose getters throw, and the error about it must
 * still be built.
 */
export function describeReceived(value: unknown): string {
  try {
    return describe(value)
  } catch {
    return typeof value === 'function' ? 'a function' : typeof value === 'object' ? 'an object that cannot be inspected' : `type ${typeof value}`
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`
  if (typeof value === 'object') {
    // A typed array is named by its real element type and length, whatever its prototype says.
    const tag = typedArrayTag(value)
    if (tag !== undefined) return `an instance of ${tag} of length ${lengthOf(value as ArrayBufferView)}`
    const ctor = (value as object).constructor
    const name = ctor && typeof ctor === 'function' && ctor.name ? ctor.name : 'Object'
    if (ArrayBuffer.isView(value) && 'length' in value) return `an instance of ${name} of length ${(value as { length: number }).length}`
    if (Array.isArray(value)) return `an instance of Array of length ${value.length}`
    return `an instance of ${name}`
  }
  let shown = typeof value === 'string' ? `'${value.length > 28 ? `${value.slice(0, 25)}...` : value}'` : String(value)
  if (typeof value === 'bigint') shown += 'n'
  return `type ${typeof value} (${shown})`
}

/** A value as a message shows it: primitives as they print, objects described (their String() can throw). */
export function shownValue(value: unknown): string {
  return value !== null && (typeof value === 'object' || typeof value === 'function') ? describeReceived(value) : String(value)
}

/** `The "name" argument must be <expected>. Received <value>` as a TypeError. */
export function invalidType(name: string, expected: string, value: unknown): InvalidArgTypeError {
  return new InvalidArgTypeError(`The "${name}" argument must be ${expected}. Received ${describeReceived(value)}`)
}

/** A RangeError for a value of the right type but the wrong shape or content. */
export function invalidValue(name: string, expected: string, received: string): InvalidArgValueError {
  return new InvalidArgValueError(`The "${name}" argument must be ${expected}. Received ${received}`)
}

/** A RangeError for a number outside its allowed range. */
export function outOfRange(name: string, expected: string, value: unknown): OutOfRangeError {
  return new OutOfRangeError(`The value of "${name}" is out of range. It must be ${expected}. Received ${shownValue(value)}`)
}

/** The AbortError for `signal`, carrying its reason as `cause`. */
export function abortErrorFor(signal: AbortSignal | undefined): AbortError {
  return new AbortError('The operation was aborted', { cause: signal?.reason })
}

/**
 * Maps an error thrown or rejected by the native binding to the public error classes. Sync
 * bindings already carry hotpath codes; async tasks can only use napi status names.
 */
export function fromNative(error: unknown, signal?: AbortSignal): Error {
  if (!(error instanceof Error)) return new HotpathInternalError(`hotpath internal error: ${String(error)}`)
  const code = (error as { code?: unknown }).code
  switch (code) {
    case 'ERR_INVALID_ARG_TYPE':
    case 'ObjectExpected':
    case 'NumberExpected':
      return new InvalidArgTypeError(error.message)
    case 'ERR_INVALID_ARG_VALUE':
    case 'InvalidArg':
      return new InvalidArgValueError(error.message)
    case 'ABORT_ERR':
    case 'Cancelled':
      return abortErrorFor(signal)
    default:
      return new HotpathInternalError(error.message, { cause: error })
  }
}
