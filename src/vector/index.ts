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
import { progressOption, type ProgressOptions, type ProgressWatch } from '../core/progress.js'
import { coded } from '../core/guard.js'
import { invalidType, invalidValue } from '../core/errors.js'
import { native } from '../core/native.js'
import * as reference from './reference.js'
import { inline, rejecting, runNativeTask } from '../core/task.js'
import { abortSignal, assertNoOverlap, attachedLength, isDetachable, lengthOf, optionsObject, plainView, typedArrayTag, type FloatArray } from '../core/validate.js'

/** A vector as the vector kernels accept it. */
export type Vector = Float64Array | Float32Array

export interface VectorAsyncOptions extends ProgressOptions {
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
 * Vectors this short are reduced in pure TS, where each lane of the native order holds at most
 * one element and the reduction is a plain sequential loop (same bits): cheaper than the native
 * call's fixed cost. Longer ones go native. Measured by `hotpath bench` (vector dispatch).
 */
export const VECTOR_SHORT_MAX_ELEMENTS = reference.LANES

/** Async calls on fewer elements run inline: a libuv round trip costs more than the work. */
const ASYNC_INLINE_MAX_ELEMENTS = 1 << 16

const fast = native?.vectorFastCalls() ?? null

/**
 * `value` if it is a Float64Array or Float32Array (any realm, subclasses included). Sync paths
 * read it through its real length (`lengthOf`) and indexed elements, which no own property or
 * subclass can shadow; native code reads its memory directly.
 */
function vector(value: unknown, name: string): FloatArray {
  const tag = typedArrayTag(value)
  if (tag !== 'Float64Array' && tag !== 'Float32Array') throw notAVector(name, value)
  return value as FloatArray
}

function notAVector(name: string, value: unknown): TypeError {
  return invalidType(name, 'an instance of Float64Array or Float32Array', value)
}

/**
 * `vector(value, name)`'s length, after making sure a length of 0 is a real empty array. One flat
 * function for both checks: two helper calls, even one nested in the other, measurably slowed
 * `sum` of 8 elements (~0.4 ns of 25).
 */
function vectorLength(value: unknown, name: string): number {
  const tag = typedArrayTag(value)
  if (tag !== 'Float64Array' && tag !== 'Float32Array') throw notAVector(name, value)
  return attachedLength(value as FloatArray, name)
}

function isF64(v: FloatArray): boolean {
  return typedArrayTag(v) === 'Float64Array'
}

/** `y` checked against `x` (of length `n`): same element type, same length. */
function pairedVector(x: FloatArray, n: number, value: unknown, name: string): FloatArray {
  const y = vector(value, name)
  if (isF64(y) !== isF64(x)) {
    throw invalidType(name, `an instance of ${isF64(x) ? 'Float64Array' : 'Float32Array'}, like "x" (mixed element types are not combined)`, value)
  }
  const m = attachedLength(y, name)
  if (m !== n) throw invalidValue(name, `the same length as "x" (${n})`, `length ${m}`)
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
  try {
    const n = vectorLength(x, 'x')
    const v = x as FloatArray
    return fast && n > VECTOR_SHORT_MAX_ELEMENTS ? fast.sum(v) : reference.sum(v, n)
  } catch (error) {
    throw coded(error)
  }
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
  try {
    const n = vectorLength(x, 'x')
    const v = x as FloatArray
    return fast && n > VECTOR_SHORT_MAX_ELEMENTS ? fast.sumSquares(v) : reference.sumSquares(v, n)
  } catch (error) {
    throw coded(error)
  }
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
  try {
    const n = vectorLength(x, 'x')
    const v = x as FloatArray
    return fast && n > VECTOR_SHORT_MAX_ELEMENTS ? fast.norm(v) : reference.norm(v, n)
  } catch (error) {
    throw coded(error)
  }
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
  try {
    const n = vectorLength(x, 'x')
    const a = x as FloatArray
    const b = pairedVector(a, n, y, 'y')
    return fast && n > VECTOR_SHORT_MAX_ELEMENTS ? fast.dot(a, b) : reference.dot(a, b, n)
  } catch (error) {
    throw coded(error)
  }
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
  try {
    const n = vectorLength(x, 'x')
    const a = x as FloatArray
    const b = pairedVector(a, n, y, 'y')
    return fast && n > VECTOR_SHORT_MAX_ELEMENTS ? fast.sqEuclidean(a, b) : reference.sqEuclidean(a, b, n)
  } catch (error) {
    throw coded(error)
  }
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
  try {
    const v = vector(x, 'x')
    const f = numberArgument(factor, 'factor')
    const n = attachedLength(v, 'x')
    if (fast && n > VECTOR_SHORT_MAX_ELEMENTS) fast.scale(v, f)
    else reference.scale(v, f, n)
    return x
  } catch (error) {
    throw coded(error)
  }
}

/** The caller's `out` checked (type, length, no overlap with `x`), or a new array. */
function outputFor<T extends FloatArray>(input: FloatArray, inputName: string, out: unknown, name: string, length: number, f64: boolean): T {
  if (out === undefined) return new (f64 ? Float64Array : Float32Array)(length) as T
  const typeName = f64 ? 'Float64Array' : 'Float32Array'
  if (typedArrayTag(out) !== typeName) throw invalidType(name, `an instance of ${typeName}`, out)
  const view = out as T
  const m = attachedLength(view, name)
  if (m !== length) throw invalidValue(name, `a ${typeName} of length ${length}`, `length ${m}`)
  assertNoOverlap(input, inputName, view, name)
  return view
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
  try {
    const v = vector(x, 'x')
    const s = numberArgument(scale, 'scale')
    const t = numberArgument(shift, 'shift')
    const n = attachedLength(v, 'x')
    const out = outputFor<T>(v, 'x', optionsObject(options).out, 'options.out', n, isF64(v))
    if (fast && n > VECTOR_SHORT_MAX_ELEMENTS) fast.scaleAndShift(v, s, t, out)
    else reference.scaleAndShift(v, s, t, out, n)
    return out
  } catch (error) {
    throw coded(error)
  }
}

function pointsVector(value: unknown): FloatArray {
  const n = vectorLength(value, 'points')
  const points = value as FloatArray
  if (n % 2 !== 0) throw invalidValue('points', 'an even length (interleaved x, y pairs)', `length ${n}`)
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
  try {
    const p = pointsVector(points)
    const n = lengthOf(p)
    const out = outputFor<Float64Array>(p, 'points', optionsObject(options).out, 'options.out', n / 2, true)
    if (fast && n > VECTOR_SHORT_MAX_ELEMENTS) fast.distancesFromOrigin(p, out)
    else reference.distancesFromOrigin(p, out, n / 2)
    return out
  } catch (error) {
    throw coded(error)
  }
}

// ---------------------------------------------------------------------------------------------
// Async twins. Memory contract: arrays backed by a SharedArrayBuffer are read (and for `scale`
// and `out`, written) in place by a worker thread; other arrays are copied when the call is made
// (a snapshot: later changes do not affect the result), and results are written to `x` (`scale`)
// or `options.out` when the promise resolves. Short inputs are computed inline.

type Operation = 'sum' | 'sumSquares' | 'norm' | 'dot' | 'sqEuclidean' | 'scale' | 'scaleAndShift' | 'distancesFromOrigin'

/**
 * An array a worker thread may use while JavaScript runs: shared memory as is, or a private copy
 * (made from the built-in view, so no subclass code runs and no own property misleads it).
 */
function pinned<T extends FloatArray>(view: T): T {
  const plain = plainView(view)
  return isDetachable(plain) ? (plain.slice() as T) : plain
}

/** An async call's signal and progress (in elements). */
interface AsyncRun {
  signal: AbortSignal | undefined
  progress: ProgressWatch | undefined
}

function asyncOptions(options: VectorAsyncOptions | undefined): AsyncRun {
  const opts = optionsObject(options)
  return { signal: abortSignal(opts.signal), progress: progressOption(opts) }
}

async function reduceAsync(operation: Operation, x: FloatArray, y: FloatArray | null, run: AsyncRun, compute: () => number): Promise<number> {
  if (!native || lengthOf(x) <= ASYNC_INLINE_MAX_ELEMENTS) return inline(run.signal, compute, run.progress, lengthOf(x))
  const a = pinned(x)
  const b = y && pinned(y)
  return runNativeTask(run.signal, (token) => native!.vectorAsync(operation, a, b, 0, 0, token), run.progress)
}

/** Wraps a validating body so that every failure becomes a rejection, never a throw. */
/** Async {@link sum}: `await sumAsync(x, { signal })`. */
export const sumAsync: (x: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, options) => {
  const v = vector(x, 'x')
  attachedLength(v, 'x')
  return reduceAsync('sum', v, null, asyncOptions(options), () => sum(v))
})

/** Async {@link sumSquares}. */
export const sumSquaresAsync: (x: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, options) => {
  const v = vector(x, 'x')
  attachedLength(v, 'x')
  return reduceAsync('sumSquares', v, null, asyncOptions(options), () => sumSquares(v))
})

/** Async {@link norm}. */
export const normAsync: (x: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, options) => {
  const v = vector(x, 'x')
  attachedLength(v, 'x')
  return reduceAsync('norm', v, null, asyncOptions(options), () => norm(v))
})

/** Async {@link dot}: `await dotAsync(x, y, { signal })`. */
export const dotAsync: (x: Vector, y: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, y, options) => {
  const a = vector(x, 'x')
  const b = pairedVector(a, attachedLength(a, 'x'), y, 'y')
  return reduceAsync('dot', a, b, asyncOptions(options), () => dot(a, b))
})

/** Async {@link sqEuclidean}. */
export const sqEuclideanAsync: (x: Vector, y: Vector, options?: VectorAsyncOptions) => Promise<number> = rejecting((x, y, options) => {
  const a = vector(x, 'x')
  const b = pairedVector(a, attachedLength(a, 'x'), y, 'y')
  return reduceAsync('sqEuclidean', a, b, asyncOptions(options), () => sqEuclidean(a, b))
})

/**
 * Runs a map on a worker: `input` and `output` are used in place when shared, else through
 * private arrays, and the result is copied into `output` when the task succeeds. `output` must
 * then still have its length (it may have been detached or shrunk meanwhile).
 */
async function mapAsync<T extends FloatArray>(operation: Operation, input: FloatArray, output: T, outputName: string, a: number, b: number, run: AsyncRun): Promise<T> {
  const length = lengthOf(output)
  const source = operation === 'scale' ? null : pinned(input)
  const plainOutput = plainView(output)
  const target = !isDetachable(plainOutput) ? plainOutput : operation === 'scale' ? plainOutput.slice() : new (isF64(output) ? Float64Array : Float32Array)(length)
  await runNativeTask(run.signal, (token) => native!.vectorAsync(operation, source ?? target, source ? target : null, a, b, token), run.progress)
  if (target !== output) {
    if (lengthOf(output) !== length) throw invalidValue(outputName, `to keep its length ${length} until the call settles`, `length ${lengthOf(output)} (detached or resized during the call)`)
    output.set(target)
  }
  return output
}

/** Async {@link scale}: resolves to `x`, scaled in place. */
export const scaleAsync: <T extends Vector>(x: T, factor: number, options?: VectorAsyncOptions) => Promise<T> = rejecting(async <T extends Vector>(x: T, factor: number, options?: VectorAsyncOptions) => {
  const v = vector(x, 'x')
  const f = numberArgument(factor, 'factor')
  const run = asyncOptions(options)
  const n = attachedLength(v, 'x')
  if (!native || n <= ASYNC_INLINE_MAX_ELEMENTS) return inline(run.signal, () => scale(x, f), run.progress, n)
  await mapAsync('scale', v, v, 'x', f, 0, run)
  return x
})

/** Async {@link scaleAndShift}. */
export const scaleAndShiftAsync: <T extends Vector>(x: T, scale: number, shift: number, options?: ScaleAndShiftOptions<T> & VectorAsyncOptions) => Promise<T> = rejecting(
  async <T extends Vector>(x: T, scale: number, shift: number, options?: ScaleAndShiftOptions<T> & VectorAsyncOptions) => {
    const v = vector(x, 'x')
    const s = numberArgument(scale, 'scale')
    const t = numberArgument(shift, 'shift')
    const opts = optionsObject(options)
    const run = asyncOptions(opts)
    const n = attachedLength(v, 'x')
    const out = outputFor<T>(v, 'x', opts.out, 'options.out', n, isF64(v))
    if (!native || n <= ASYNC_INLINE_MAX_ELEMENTS) return inline(run.signal, () => scaleAndShift(x, s, t, { out }), run.progress, n)
    return mapAsync('scaleAndShift', v, out, 'options.out', s, t, run)
  },
)

/** Async {@link distancesFromOrigin}. */
export const distancesFromOriginAsync: (points: Vector, options?: DistancesOptions & VectorAsyncOptions) => Promise<Float64Array> = rejecting(async (points: Vector, options?: DistancesOptions & VectorAsyncOptions) => {
  const p = pointsVector(points)
  const opts = optionsObject(options)
  const run = asyncOptions(opts)
  const n = lengthOf(p)
  const out = outputFor<Float64Array>(p, 'points', opts.out, 'options.out', n / 2, true)
  if (!native || n <= ASYNC_INLINE_MAX_ELEMENTS) return inline(run.signal, () => distancesFromOrigin(p, { out }), run.progress, n / 2)
  return mapAsync('distancesFromOrigin', p, out, 'options.out', 0, 0, run)
})
