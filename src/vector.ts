/**
 * Vector kernels over Float64Array and Float32Array: compensated reductions (`sum`, `sumSquares`,
 * `dot`, `norm`, `sqEuclidean`) and element-wise maps (`scale`, `scaleAndShift`,
 * `distancesFromOrigin`), each with an async twin.
 *
 * Accuracy: reductions add every term with TwoSum and every product's exact rounding error
 * (Ogita-Rump-Oishi Sum2/Dot2), so the result is as accurate as a loop in twice the working
 * precision, then rounded: |result - exact| <= 2^-53 |exact| + γ(n-1)² Σ|x_i y_i|, γ(k) = k 2^-53 /
 * (1 - k 2^-53). A naive loop's bound is γ(n-1) Σ|x_i y_i|. Float32Array inputs are summed in f64.
 *
 * Reproducibility: the evaluation order depends on the data alone, so results are bitwise the
 * same for any thread count, SIMD level, input size dispatch, and with `HOTPATH_NATIVE=fallback`.
 *
 * Maps compute in f64 exactly as a JavaScript loop would (`x * scale + shift`, two roundings;
 * `Math.sqrt(x * x + y * y)`) and store to the array's element type, so they equal a JS loop bit
 * for bit.
 */
import { abortErrorFor, invalidType, invalidValue } from './errors.js'
import { native } from './native.js'
import * as reference from './reference/vector.js'
import { runNativeTask } from './task.js'
import { abortSignal, assertNoOverlap, isDetachable, isFloatArray, lengthOf, optionsObject, plainView, type FloatArray } from './validate.js'

/** A vector as the vector kernels accept it. */
export type Vector = Float64Array | Float32Array

export interface VectorAsyncOptions {
  /** Aborts the call before it starts or while it runs; the promise rejects with an AbortError. */
  signal?: AbortSignal
}

export interface ScaleAndShiftOptions<T extends Vector> {
  /** Where to write the result: same type and length as `x`, not overlapping it. A new array when omitted. */
  out?: T
}

export interface DistancesOptions {
  /** Where to write the distances: a Float64Array of half `points`' length. A new array when omitted. */
  out?: Float64Array
}

/**
 * Below this many elements the pure-TS path answers (with the same bits): a native call's fixed
 * cost (~0.1-0.2 µs) is more than the loop itself. Measured by `hotpath bench` (vector dispatch).
 */
export const VECTOR_NATIVE_MIN_ELEMENTS = 64

/** Async calls on fewer elements run inline: a libuv round trip costs more than the work. */
const ASYNC_INLINE_MAX_ELEMENTS = 1 << 16

const fast = native?.vectorFastCalls() ?? null

function vector(value: unknown, name: string): FloatArray {
  // This realm's typed arrays skip the C++ type check; proxies fail `isView` and fall through.
  if (((value instanceof Float64Array || value instanceof Float32Array) && ArrayBuffer.isView(value)) || isFloatArray(value)) {
    return plainView(value as FloatArray)
  }
  throw invalidType(name, 'an instance of Float64Array or Float32Array', value)
}

/** `y` checked against `x`: same element type, same length. */
function pairedVector(x: FloatArray, value: unknown, name: string): FloatArray {
  const y = vector(value, name)
  if (y.BYTES_PER_ELEMENT !== x.BYTES_PER_ELEMENT) {
    throw invalidType(name, `an instance of ${x.BYTES_PER_ELEMENT === 8 ? 'Float64Array' : 'Float32Array'}, like "x" (mixed element types are not combined)`, value)
  }
  if (y.length !== x.length) throw invalidValue(name, `the same length as "x" (${x.length})`, `length ${y.length}`)
  return y
}

function numberArgument(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value)
  return value
}

/**
 * Σ x_i, compensated (see the module notes for the error bound).
 *
 * @example
 * ```ts
 * sum(new Float64Array([1e16, 1, -1e16, 1])) // 2 (a plain loop gives 1)
 * ```
 */
export function sum(x: Vector): number {
  const v = vector(x, 'x')
  return fast && v.length >= VECTOR_NATIVE_MIN_ELEMENTS ? fast.sum(v) : reference.sum(v)
}

/**
 * Σ x_i², compensated.
 *
 * @example
 * ```ts
 * sumSquares(new Float32Array([3, 4])) // 25
 * ```
 */
export function sumSquares(x: Vector): number {
  const v = vector(x, 'x')
  return fast && v.length >= VECTOR_NATIVE_MIN_ELEMENTS ? fast.sumSquares(v) : reference.sumSquares(v)
}

/**
 * The Euclidean (L2) norm √(Σ x_i²). Vectors whose sum of squares would overflow or underflow
 * (elements beyond ~1e154 or below ~1e-154) are rescaled by a power of two, like BLAS `dnrm2`.
 *
 * @example
 * ```ts
 * norm(new Float64Array([3e200, 4e200])) // 5e200 (the plain formula gives Infinity)
 * ```
 */
export function norm(x: Vector): number {
  const v = vector(x, 'x')
  return fast && v.length >= VECTOR_NATIVE_MIN_ELEMENTS ? fast.norm(v) : reference.norm(v)
}

/**
 * Σ x_i y_i, compensated with exact products (Dot2). `x` and `y` have one element type and one length.
 *
 * @example
 * ```ts
 * dot(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])) // 32
 * ```
 */
export function dot(x: Vector, y: Vector): number {
  const a = vector(x, 'x')
  const b = pairedVector(a, y, 'y')
  return fast && a.length >= VECTOR_NATIVE_MIN_ELEMENTS ? fast.dot(a, b) : reference.dot(a, b)
}

/**
 * The squared Euclidean distance Σ (x_i - y_i)², compensated (each difference rounded once).
 *
 * @example
 * ```ts
 * sqEuclidean(new Float32Array([0, 0]), new Float32Array([3, 4])) // 25
 * ```
 */
export function sqEuclidean(x: Vector, y: Vector): number {
  const a = vector(x, 'x')
  const b = pairedVector(a, y, 'y')
  return fast && a.length >= VECTOR_NATIVE_MIN_ELEMENTS ? fast.sqEuclidean(a, b) : reference.sqEuclidean(a, b)
}

/**
 * Multiplies every element by `factor`, in place; returns `x`.
 *
 * @example
 * ```ts
 * const x = new Float64Array([1, 2, 3])
 * scale(x, 2) // x is now [2, 4, 6]
 * ```
 */
export function scale<T extends Vector>(x: T, factor: number): T {
  const v = vector(x, 'x')
  const f = numberArgument(factor, 'factor')
  if (fast && v.length >= VECTOR_NATIVE_MIN_ELEMENTS) fast.scale(v, f)
  else reference.scale(v, f)
  return x
}

function outputFor<T extends FloatArray>(x: FloatArray, out: unknown, name: string, length: number, Type: new (n: number) => T, typeName: string): T {
  if (out === undefined) return new Type(length)
  const view = ((out instanceof Float64Array || out instanceof Float32Array) && ArrayBuffer.isView(out)) || isFloatArray(out) ? plainView(out as FloatArray) : undefined
  if (!view || view.BYTES_PER_ELEMENT !== Type.prototype.BYTES_PER_ELEMENT) throw invalidType(name, `an instance of ${typeName}`, out)
  if (view.length !== length) throw invalidValue(name, `a ${typeName} of length ${length}`, `length ${view.length}`)
  assertNoOverlap(x, 'x', view, name)
  return view as T
}

function sameTypeAs(x: FloatArray): { Type: new (n: number) => FloatArray; name: string } {
  return x.BYTES_PER_ELEMENT === 8 ? { Type: Float64Array, name: 'Float64Array' } : { Type: Float32Array, name: 'Float32Array' }
}

/**
 * `x[i] * scale + shift` for every element (computed as in JavaScript: two roundings), into
 * `options.out` or a new array of `x`'s type.
 *
 * @example
 * ```ts
 * scaleAndShift(new Float64Array([0, 1, 2]), 10, 1) // Float64Array [1, 11, 21]
 * ```
 */
export function scaleAndShift<T extends Vector>(x: T, scale: number, shift: number, options?: ScaleAndShiftOptions<T>): T {
  const v = vector(x, 'x')
  const s = numberArgument(scale, 'scale')
  const t = numberArgument(shift, 'shift')
  const { Type, name } = sameTypeAs(v)
  const out = outputFor(v, optionsObject(options).out, 'options.out', v.length, Type, name)
  if (fast && v.length >= VECTOR_NATIVE_MIN_ELEMENTS) fast.scaleAndShift(v, s, t, out)
  else reference.scaleAndShift(v, s, t, out)
  return (options?.out ?? out) as T
}

function pointsVector(value: unknown): FloatArray {
  const points = vector(value, 'points')
  if (points.length % 2 !== 0) throw invalidValue('points', 'an even length (interleaved x, y pairs)', `length ${points.length}`)
  return points
}

/**
 * Distances from the origin of 2D points given interleaved as `[x0, y0, x1, y1, ...]`, computed as
 * `Math.sqrt(x * x + y * y)`, into `options.out` or a new Float64Array.
 *
 * @example
 * ```ts
 * distancesFromOrigin(new Float64Array([3, 4, 6, 8])) // Float64Array [5, 10]
 * ```
 */
export function distancesFromOrigin(points: Vector, options?: DistancesOptions): Float64Array {
  const p = pointsVector(points)
  const out = outputFor(p, optionsObject(options).out, 'options.out', p.length / 2, Float64Array, 'Float64Array')
  if (fast && p.length >= VECTOR_NATIVE_MIN_ELEMENTS) fast.distancesFromOrigin(p, out)
  else reference.distancesFromOrigin(p, out)
  return options?.out ?? out
}

// ---------------------------------------------------------------------------------------------
// Async twins. Memory contract: arrays backed by a SharedArrayBuffer are read (and for `scale`
// and `out`, written) in place by a worker thread; other arrays are copied when the call is made
// (a snapshot: later changes do not affect the result), and results are written to `x` (`scale`)
// or `options.out` when the promise resolves. Short inputs are computed inline.

type Operation = 'sum' | 'sumSquares' | 'norm' | 'dot' | 'sqEuclidean' | 'scale' | 'scaleAndShift' | 'distancesFromOrigin'

/** An array a worker thread may use while JavaScript runs: shared memory, or a private copy. */
function pinned<T extends FloatArray>(view: T): T {
  return isDetachable(view) ? (view.slice() as T) : view
}

function asyncOptions(options: VectorAsyncOptions | undefined): AbortSignal | undefined {
  return abortSignal(optionsObject(options).signal)
}

async function reduceAsync(operation: Operation, x: FloatArray, y: FloatArray | null, signal: AbortSignal | undefined, inline: () => number): Promise<number> {
  if (!native || x.length <= ASYNC_INLINE_MAX_ELEMENTS) {
    if (signal?.aborted) throw abortErrorFor(signal)
    return inline()
  }
  const a = pinned(x)
  const b = y && pinned(y)
  return runNativeTask(signal, (token) => native!.vectorAsync(operation, a, b, 0, 0, token))
}

/** Wraps a validating body so that every failure becomes a rejection, never a throw. */
function rejecting<A extends unknown[], R>(body: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => {
    try {
      return body(...args)
    } catch (error) {
      return Promise.reject(error)
    }
  }
}

/** Async {@link sum}: `await sumAsync(x, { signal })`. */
export const sumAsync: (x: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, options) => {
  const v = vector(x, 'x')
  return reduceAsync('sum', v, null, asyncOptions(options), () => sum(v))
})

/** Async {@link sumSquares}. */
export const sumSquaresAsync: (x: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, options) => {
  const v = vector(x, 'x')
  return reduceAsync('sumSquares', v, null, asyncOptions(options), () => sumSquares(v))
})

/** Async {@link norm}. */
export const normAsync: (x: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, options) => {
  const v = vector(x, 'x')
  return reduceAsync('norm', v, null, asyncOptions(options), () => norm(v))
})

/** Async {@link dot}: `await dotAsync(x, y, { signal })`. */
export const dotAsync: (x: Vector, y: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, y, options) => {
  const a = vector(x, 'x')
  const b = pairedVector(a, y, 'y')
  return reduceAsync('dot', a, b, asyncOptions(options), () => dot(a, b))
})

/** Async {@link sqEuclidean}. */
export const sqEuclideanAsync: (x: Vector, y: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, y, options) => {
  const a = vector(x, 'x')
  const b = pairedVector(a, y, 'y')
  return reduceAsync('sqEuclidean', a, b, asyncOptions(options), () => sqEuclidean(a, b))
})

/**
 * Runs a map on a worker: `input` and `output` are used in place when shared, else through
 * private arrays, and the result is copied into `output` when the task succeeds. `output` must
 * then still have its length (it may have been detached or shrunk meanwhile).
 */
async function mapAsync<T extends FloatArray>(operation: Operation, input: FloatArray, output: T, outputName: string, a: number, b: number, signal: AbortSignal | undefined): Promise<T> {
  const length = lengthOf(output)
  const source = operation === 'scale' ? null : pinned(input)
  const target = isDetachable(output) ? (operation === 'scale' ? (output.slice() as T) : (new (output.constructor as new (n: number) => T)(length))) : output
  await runNativeTask(signal, (token) => native!.vectorAsync(operation, source ?? target, source ? target : null, a, b, token))
  if (target !== output) {
    if (lengthOf(output) !== length) throw invalidValue(outputName, `to keep its length ${length} until the call settles`, `length ${lengthOf(output)} (detached or resized during the call)`)
    output.set(target)
  }
  return output
}

async function inline<T>(signal: AbortSignal | undefined, body: () => T): Promise<T> {
  if (signal?.aborted) throw abortErrorFor(signal)
  return body()
}

/** Async {@link scale}: resolves to `x`, scaled in place. */
export const scaleAsync: <T extends Vector>(x: T, factor: number, options?: VectorAsyncOptions) => Promise<T> = rejecting(async <T extends Vector>(x: T, factor: number, options?: VectorAsyncOptions) => {
  const v = vector(x, 'x')
  const f = numberArgument(factor, 'factor')
  const signal = asyncOptions(options)
  if (!native || v.length <= ASYNC_INLINE_MAX_ELEMENTS) return inline(signal, () => scale(x, f))
  await mapAsync('scale', v, v, 'x', f, 0, signal)
  return x
})

/** Async {@link scaleAndShift}. */
export const scaleAndShiftAsync: <T extends Vector>(x: T, scale: number, shift: number, options?: ScaleAndShiftOptions<T> & VectorAsyncOptions) => Promise<T> = rejecting(
  async <T extends Vector>(x: T, scale: number, shift: number, options?: ScaleAndShiftOptions<T> & VectorAsyncOptions) => {
    const v = vector(x, 'x')
    const s = numberArgument(scale, 'scale')
    const t = numberArgument(shift, 'shift')
    const opts = optionsObject(options)
    const signal = abortSignal(opts.signal)
    const { Type, name } = sameTypeAs(v)
    const out = outputFor(v, opts.out, 'options.out', v.length, Type, name)
    if (!native || v.length <= ASYNC_INLINE_MAX_ELEMENTS) return inline(signal, () => scaleAndShift(x, s, t, { out: out as T }))
    await mapAsync('scaleAndShift', v, out, 'options.out', s, t, signal)
    return (opts.out ?? out) as T
  },
)

/** Async {@link distancesFromOrigin}. */
export const distancesFromOriginAsync: (points: Vector, options?: DistancesOptions & VectorAsyncOptions) => Promise<Float64Array> = rejecting(async (points: Vector, options?: DistancesOptions & VectorAsyncOptions) => {
  const p = pointsVector(points)
  const opts = optionsObject(options)
  const signal = abortSignal(opts.signal)
  const out = outputFor(p, opts.out, 'options.out', p.length / 2, Float64Array, 'Float64Array')
  if (!native || p.length <= ASYNC_INLINE_MAX_ELEMENTS) return inline(signal, () => distancesFromOrigin(p, { out }))
  await mapAsync('distancesFromOrigin', p, out, 'options.out', 0, 0, signal)
  return opts.out ?? out
})
