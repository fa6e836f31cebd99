/**
 * Streaming descriptive statistics: `Accumulator` (count, total, mean, variance, standard
 * deviation, min, max; mergeable and serializable) and `accumulate()`, which feeds one from a
 * stream or an (async) iterable.
 *
 * Design: the running state is seven numbers kept in JavaScript (see `reference.ts`).
 * `add(x)` only appends to a 4,096-value buffer; a full buffer, and any typed array of 1,024
 * values or more given to `addMany`, goes to the native kernel in one call, which returns the
 * moments of the whole array (blocked two-pass, SIMD, parallel when large) to merge into the
 * state. Reading a statistic folds the few buffered values in with a JavaScript Welford step, so
 * reading after every `add` stays as cheap as a plain JavaScript loop.
 *
 * NaN policy: NaN and +-Infinity are rejected with ERR_INVALID_ARG_VALUE naming the position, and
 * a rejected call adds nothing. Finite values whose sum overflows (magnitudes near 1e308) give
 * infinite or NaN results, as plain arithmetic would.
 */
import { coded } from '../core/guard.js'
import { endianness } from 'node:os'
import { inspect, types } from 'node:util'
import { abortErrorFor, fromNative, invalidType, invalidValue } from '../core/errors.js'
import { native } from '../core/native.js'
import { addRange, emptyMoments, firstNonFinite, mergeMoments, sampleVariance, variance, type MomentsState } from './reference.js'
import { puller } from '../core/stream.js'
import { abortSignal, attachedLength, isFloatArray, lengthOf, optionsObject, plainView, type FloatArray } from '../core/validate.js'

/** Values `add()` buffers before one native call folds them in: 32 KiB, L1-resident. */
export const ADD_BUFFER_VALUES = 4096

/**
 * Buffered values below this are folded in with JavaScript's Welford step when a statistic is
 * read: a native call costs ~0.1-0.2 us, the JS step ~3-5 ns per value. Measured with the stats
 * bench (`add` then read, by batch size).
 */
export const FLUSH_NATIVE_MIN_VALUES = 64

/**
 * Typed arrays of at least this many values go to the native kernel directly from `addMany`;
 * shorter ones are checked and copied into the `add()` buffer (~1 ns per value).
 */
export const ADD_MANY_DIRECT_MIN_VALUES = 1024

/** Native entry points (crates/hotpath-node/src/stats.rs), or null on the fallback. */
const fast = (() => {
  try {
    return native ? native.statsFastCalls() : null
  } catch (error) {
    throw fromNative(error)
  }
})()

/** Where native code writes the moments of one array: [count, mean, m2, sum, compensation, min, max]. */
const scratch = new Float64Array(7)
const LITTLE_ENDIAN = endianness() === 'LE'

/** The JSON form of an {@link Accumulator}: plain numbers (NaN for undefined statistics, `null` once stringified). */
export interface AccumulatorJSON {
  /** Number of values. */
  count: number
  /** Sum of the values (compensated). */
  total: number
  /** The low-order part of the compensated sum: the exact total is `total + totalCompensation`. */
  totalCompensation: number
  mean: number
  /** Sum of squared deviations from the mean: the state variance is derived from. */
  m2: number
  min: number
  max: number
  /** Population variance (derived; ignored by `fromJSON`). */
  variance: number
  /** Sample variance (derived; ignored by `fromJSON`). */
  sampleVariance: number
  /** Population standard deviation (derived; ignored by `fromJSON`). */
  stdDev: number
  /** Sample standard deviation (derived; ignored by `fromJSON`). */
  sampleStdDev: number
}

/** Values `addMany` accepts. */
export type NumericValues = Float64Array | Float32Array | readonly number[]

/** The message for a non-finite data value. */
function nonFinite(name: string, at: string, x: number): RangeError {
  return invalidValue(name, 'finite numbers', `${at} = ${x}`)
}

// Module-internal access to private members, for accumulate(). (Private members are TypeScript
// `private`, not `#private`: a class with #private methods brands its instances, and the brand
// check made `add` ~40% slower on Node 20.)
let addManyTo: (acc: Accumulator, values: unknown, name: string) => void
let addValueTo: (acc: Accumulator, x: unknown, name: string) => void

/** Every Accumulator built by the constructor: the brand check of `merge` and `accumulate`. */
const accumulators = new WeakSet<object>()
function isAccumulator(value: unknown): value is Accumulator {
  return typeof value === 'object' && value !== null && accumulators.has(value)
}

/**
 * A running summary of a stream of numbers: count, total, mean, population and sample variance
 * and standard deviation, min and max, in constant memory. Numerically stable (Welford's update,
 * compensated total, pairwise merging), so data far from zero (1e9 plus small noise) keeps its
 * variance. Partial results computed elsewhere (worker threads, other processes) combine with
 * {@link Accumulator.merge} or through {@link Accumulator.toJSON} / {@link Accumulator.fromJSON}.
 *
 * Statistics of an empty accumulator are NaN (the total is 0); sample variance and sample
 * standard deviation need two values. NaN and +-Infinity inputs are rejected with
 * ERR_INVALID_ARG_VALUE and add nothing.
 *
 * @example
 * ```ts
 * import { Accumulator } from 'hotpath'
 * const acc = new Accumulator()
 * acc.add(2).add(4).addMany(new Float64Array([4, 4, 5, 5, 7, 9]))
 * acc.mean     // 5
 * acc.stdDev   // 2
 * acc.sampleVariance // 4.571...
 * ```
 */
export class Accumulator {
  // The hot path (`add`) reads and writes these on every call. They are `declare`d and defined
  // once by the constructor: an emitted class field starts as undefined and is then overwritten,
  // which made every later access slower on Node 20 (see RiskModel).
  private declare readonly buffer: Float64Array
  private declare pending: number
  private declare readonly state: MomentsState

  static {
    addManyTo = (acc, values, name) => acc.addManyNamed(values, name)
    addValueTo = (acc, x, name) => acc.addValueNamed(x, name)
  }

  /**
   * An empty accumulator.
   *
   * @example
   * ```ts
   * const latency = new Accumulator()
   * ```
   */
  constructor() {
    // Plain assignments: defining them non-enumerable with defineProperty made `add` and reading
    // after each `add` ~35% slower on Node 20. `inspect` and `toJSON` show the statistics instead.
    this.buffer = new Float64Array(ADD_BUFFER_VALUES)
    this.pending = 0
    this.state = emptyMoments()
    accumulators.add(this)
  }

  /**
   * Adds one value. Cheap: the value is buffered and folded in with the next batch.
   *
   * @throws {TypeError} ERR_INVALID_ARG_TYPE when `x` is not a number
   * @throws {RangeError} ERR_INVALID_ARG_VALUE when `x` is NaN or infinite
   * @example
   * ```ts
   * for (const request of requests) acc.add(request.ms)
   * ```
   */
  add(x: number): this {
    try {
      if (typeof x !== 'number' || x - x !== 0) this.addValueNamed(x, 'x')
      const n = this.pending
      this.buffer[n] = x
      this.pending = n + 1
      if (n + 1 === ADD_BUFFER_VALUES) this.flushBuffer()
      return this
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * Adds every value of a Float64Array, a Float32Array (read as f32, no conversion copy) or an
   * array of numbers. Large typed arrays are summarized natively (SIMD, on several threads when
   * long) at memory speed. All or nothing: if any value is invalid, none is added.
   *
   * @throws {TypeError} ERR_INVALID_ARG_TYPE for another type or a non-number element
   * @throws {RangeError} ERR_INVALID_ARG_VALUE naming the first NaN or infinite element
   * @example
   * ```ts
   * acc.addMany(samples)          // Float64Array
   * acc.addMany([1.5, 2.5, 3.5])
   * ```
   */
  addMany(values: NumericValues): this {
    try {
      this.addManyNamed(values, 'values')
      return this
    } catch (error) {
      throw coded(error)
    }
  }

  /** Number of values added. */
  get count(): number {
    return this.state.count + this.pending
  }

  /** Sum of the values, compensated (accurate even when large values cancel); 0 when empty. */
  get total(): number {
    const s = this.flushedState()
    return s.sum + s.compensation
  }

  /** Arithmetic mean; NaN when empty. */
  get mean(): number {
    const s = this.flushedState()
    return s.count === 0 ? Number.NaN : s.mean
  }

  /** Population variance (divides by n); NaN when empty. */
  get variance(): number {
    return variance(this.flushedState())
  }

  /** Sample variance (divides by n - 1, Bessel's correction); NaN with fewer than two values. */
  get sampleVariance(): number {
    return sampleVariance(this.flushedState())
  }

  /** Population standard deviation; NaN when empty. */
  get stdDev(): number {
    return Math.sqrt(variance(this.flushedState()))
  }

  /** Sample standard deviation; NaN with fewer than two values. */
  get sampleStdDev(): number {
    return Math.sqrt(sampleVariance(this.flushedState()))
  }

  /** Smallest value; NaN when empty. */
  get min(): number {
    const s = this.flushedState()
    return s.count === 0 ? Number.NaN : s.min
  }

  /** Largest value; NaN when empty. */
  get max(): number {
    const s = this.flushedState()
    return s.count === 0 ? Number.NaN : s.max
  }

  /**
   * Adds everything `other` has seen, as if its values had been added here (Chan et al.'s
   * pairwise formula). `other` is not changed; `acc.merge(acc)` counts every value twice.
   *
   * @throws {TypeError} ERR_INVALID_ARG_TYPE when `other` is not an Accumulator
   * @example
   * ```ts
   * const total = new Accumulator()
   * for (const part of partials) total.merge(part)
   * ```
   */
  merge(other: Accumulator): this {
    try {
      if (!isAccumulator(other)) throw invalidType('other', 'an instance of Accumulator', other)
      const theirs = other.flushedState()
      mergeMoments(this.flushedState(), theirs)
      return this
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * Forgets every value.
   *
   * @example
   * ```ts
   * setInterval(() => { report(acc.toJSON()); acc.reset() }, 60_000)
   * ```
   */
  reset(): this {
    this.pending = 0
    Object.assign(this.state, emptyMoments())
    return this
  }

  /**
   * The statistics and the exact state as plain numbers (`JSON.stringify(acc)` uses it). NaN
   * statistics (empty, or sample variance of one value) become `null` once stringified.
   * {@link Accumulator.fromJSON} restores an accumulator that continues exactly where this one
   * was, in this or another thread or process.
   *
   * @example
   * ```ts
   * parentPort.postMessage(acc.toJSON())          // in a worker
   * total.merge(Accumulator.fromJSON(message))    // in the main thread
   * ```
   */
  toJSON(): AccumulatorJSON {
    const s = this.flushedState()
    const empty = s.count === 0
    const total = s.sum + s.compensation
    // total + totalCompensation is exactly sum + compensation (TwoSum), so fromJSON restores it.
    const b = total - s.sum
    const totalCompensation = s.sum - (total - b) + (s.compensation - b)
    const v = variance(s)
    const sv = sampleVariance(s)
    return {
      count: s.count,
      total,
      totalCompensation,
      mean: empty ? Number.NaN : s.mean,
      m2: s.m2,
      min: empty ? Number.NaN : s.min,
      max: empty ? Number.NaN : s.max,
      variance: v,
      sampleVariance: sv,
      stdDev: Math.sqrt(v),
      sampleStdDev: Math.sqrt(sv),
    }
  }

  /**
   * An accumulator restored from {@link Accumulator.toJSON}'s output (or that output after
   * `JSON.stringify` / `JSON.parse`). Reads `count`, `total`, `totalCompensation` (default 0),
   * `mean`, `m2`, `min` and `max`; the derived statistics are recomputed, not read.
   *
   * @throws {TypeError} ERR_INVALID_ARG_TYPE when `json` is not an object or a field is not a number
   * @throws {RangeError} ERR_INVALID_ARG_VALUE when the numbers cannot be an accumulator's state
   * @example
   * ```ts
   * const restored = Accumulator.fromJSON(JSON.parse(saved))
   * ```
   */
  static fromJSON(json: Pick<AccumulatorJSON, 'count' | 'total' | 'mean' | 'm2' | 'min' | 'max'> & { totalCompensation?: number }): Accumulator {
    try {
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalidType('json', 'an object from Accumulator#toJSON()', json)
      const field = (key: string, nullable: boolean, fallback?: number): number => {
        const value: unknown = (json as unknown as Record<string, unknown>)[key]
        if (value === undefined && fallback !== undefined) return fallback
        if (value === null && nullable) return Number.NaN
        if (typeof value !== 'number') throw invalidType(`json.${key}`, nullable ? 'a number or null' : 'of type number', value)
        return value
      }
      const count = field('count', false)
      if (!Number.isSafeInteger(count) || count < 0) throw invalidValue('json.count', 'a non-negative safe integer', String(count))
      const total = field('total', false)
      const totalCompensation = field('totalCompensation', false, 0)
      const mean = field('mean', true)
      const m2 = field('m2', false)
      const min = field('min', true)
      const max = field('max', true)
      const acc = new Accumulator()
      if (count === 0) {
        if (total !== 0 || totalCompensation !== 0 || m2 !== 0) {
          throw invalidValue('json', 'a state with total and m2 of 0 when count is 0', `total ${total}, m2 ${m2}`)
        }
        return acc
      }
      for (const [key, value] of [['total', total], ['totalCompensation', totalCompensation], ['mean', mean], ['m2', m2], ['min', min], ['max', max]] as const) {
        if (!Number.isFinite(value)) throw invalidValue(`json.${key}`, 'a finite number when count > 0', String(value))
      }
      if (m2 < 0) throw invalidValue('json.m2', 'a number >= 0', String(m2))
      if (min > max) throw invalidValue('json', 'a state with min <= max', `min ${min}, max ${max}`)
      Object.assign(acc.state, { count, mean, m2, sum: total, compensation: totalCompensation, min, max })
      return acc
    } catch (error) {
      throw coded(error)
    }
  }

  /** The state with every buffered value folded in. */
  private flushedState(): MomentsState {
    const n = this.pending
    if (n === 0) return this.state
    if (n < FLUSH_NATIVE_MIN_VALUES || !fast) {
      this.pending = 0
      addRange(this.state, this.buffer, 0, n)
    } else this.flushBuffer()
    return this.state
  }

  /** `util.inspect` shows the statistics, not the internals. */
  [inspect.custom](): string {
    const { count, mean, stdDev, min, max } = this
    return `Accumulator { count: ${count}, mean: ${mean}, stdDev: ${stdDev}, min: ${min}, max: ${max} }`
  }

  private flushBuffer(): void {
    const n = this.pending
    this.pending = 0
    if (fast && n >= FLUSH_NATIVE_MIN_VALUES) {
      // Values in the buffer were checked when added: native code finds nothing to reject.
      mergeNative(this.state, n === ADD_BUFFER_VALUES ? this.buffer : this.buffer.subarray(0, n), 'x')
    } else addRange(this.state, this.buffer, 0, n)
  }

  /** The slow path of `add`: throws for anything but a finite number, else adds it. */
  private addValueNamed(x: unknown, name: string): void {
    if (typeof x !== 'number') throw invalidType(name, 'of type number', x)
    if (x - x !== 0) throw invalidValue(name, 'a finite number', String(x))
    this.add(x)
  }

  private addManyNamed(values: unknown, name: string): void {
    if (isFloatArray(values)) {
      attachedLength(values, name)
      // Only the built-in view of the memory is trusted (see plainView).
      const view = plainView(values)
      const length = lengthOf(view)
      if (length >= ADD_MANY_DIRECT_MIN_VALUES) {
        if (fast) mergeNative(this.state, view, name)
        else mergeChecked(this.state, view, name)
        return
      }
      this.appendChecked(view, length, name)
      return
    }
    if (!Array.isArray(values)) throw invalidType(name, 'an instance of Float64Array, Float32Array or Array', values)
    const length = values.length
    if (length <= ADD_BUFFER_VALUES) {
      this.appendChecked(values, length, name)
      return
    }
    // A long array: converted once (checking as it goes), then summarized like a typed array.
    const copy = new Float64Array(length)
    for (let i = 0; i < length; i++) {
      const x: unknown = values[i]
      if (typeof x !== 'number') throw invalidType(`${name}[${i}]`, 'of type number', x)
      copy[i] = x
    }
    if (fast) mergeNative(this.state, copy, name)
    else mergeChecked(this.state, copy, name)
  }

  /** Copies up to ADD_BUFFER_VALUES values into the buffer, checking each; adds none if one is bad. */
  private appendChecked(values: ArrayLike<unknown>, length: number, name: string): void {
    if (length > ADD_BUFFER_VALUES - this.pending) this.flushBuffer()
    const buffer = this.buffer
    const start = this.pending
    for (let i = 0; i < length; i++) {
      const x = values[i]
      if (typeof x !== 'number' || x - x !== 0) {
        // Nothing was committed: the copied values lie beyond `pending`.
        if (typeof x !== 'number') throw invalidType(`${name}[${i}]`, 'of type number', x)
        throw nonFinite(name, `${name}[${i}]`, x)
      }
      buffer[start + i] = x
    }
    this.pending = start + length
    if (this.pending === ADD_BUFFER_VALUES) this.flushBuffer()
  }
}

/** Merges the moments of `values` computed natively into `state`; throws (adding nothing) for a non-finite value. */
function mergeNative(state: MomentsState, values: FloatArray, name: string): void {
  let bad: number
  try {
    bad = types.isFloat64Array(values) ? fast!.momentsF64(values, scratch) : fast!.momentsF32(values as Float32Array, scratch)
  } catch (error) {
    throw fromNative(error)
  }
  if (bad >= 0) throw nonFinite(name, `${name}[${bad}]`, values[bad])
  mergeMoments(state, {
    count: scratch[0],
    mean: scratch[1],
    m2: scratch[2],
    sum: scratch[3],
    compensation: scratch[4],
    min: scratch[5],
    max: scratch[6],
  })
}

/** The fallback's `mergeNative`: checks every value, then Welford into a fresh state merged into `state`. */
function mergeChecked(state: MomentsState, values: FloatArray, name: string): void {
  const bad = firstNonFinite(values)
  if (bad >= 0) throw nonFinite(name, `${name}[${bad}]`, values[bad])
  const part = emptyMoments()
  addRange(part, values, 0, values.length)
  mergeMoments(state, part)
}

/** Items `accumulate` reads in the default `'numbers'` format. */
export type AccumulateItem = number | readonly number[] | Float64Array | Float32Array

export interface AccumulateOptions {
  /** Adds to this accumulator (only once the whole source was read without error) instead of a new one. */
  into?: Accumulator
  /**
   * `'numbers'` (default): items are numbers, arrays of numbers, Float64Arrays or Float32Arrays.
   * `'float64le'`: items are Buffers/Uint8Arrays of raw little-endian float64 bytes, as read from
   * a file or socket; a value may be split across chunks, and the source must end on a value
   * boundary.
   */
  format?: 'numbers' | 'float64le'
  /** Stops reading, even while waiting for the source; the promise rejects with an AbortError. */
  signal?: AbortSignal
}

/** Decodes float64le bytes arriving in chunks of any size into whole values. */
class Float64Decoder {
  readonly #carry = new Uint8Array(8)
  #carried = 0
  #scratch = new Float64Array(0)
  /** Values decoded so far, for error positions. */
  decoded = 0

  /** Adds the whole values of `bytes` (plus one completed from the previous chunk) to `acc`. */
  push(acc: Accumulator, bytes: Uint8Array, name: string): void {
    let offset = 0
    if (this.#carried > 0) {
      offset = Math.min(8 - this.#carried, bytes.length)
      this.#carry.set(bytes.subarray(0, offset), this.#carried)
      this.#carried += offset
      if (this.#carried < 8) return
      this.#carried = 0
      const view = new DataView(this.#carry.buffer)
      this.#add(acc, Float64Array.of(view.getFloat64(0, true)), name)
    }
    const whole = Math.floor((bytes.length - offset) / 8)
    if (whole > 0) {
      const start = bytes.byteOffset + offset
      let values: Float64Array
      if (LITTLE_ENDIAN && start % 8 === 0) values = new Float64Array(bytes.buffer, start, whole)
      else {
        if (this.#scratch.length < whole) this.#scratch = new Float64Array(Math.max(whole, 2 * this.#scratch.length))
        values = this.#scratch.subarray(0, whole)
        if (LITTLE_ENDIAN) new Uint8Array(values.buffer, 0, whole * 8).set(bytes.subarray(offset, offset + whole * 8))
        else {
          const view = new DataView(bytes.buffer, start, whole * 8)
          for (let i = 0; i < whole; i++) values[i] = view.getFloat64(i * 8, true)
        }
      }
      this.#add(acc, values, name)
    }
    const rest = bytes.length - offset - whole * 8
    this.#carry.set(bytes.subarray(bytes.length - rest), 0)
    this.#carried = rest
  }

  #add(acc: Accumulator, values: Float64Array, name: string): void {
    const bad = firstNonFinite(values)
    if (bad >= 0) {
      const at = this.decoded + bad
      throw invalidValue(name, 'little-endian float64 values that are finite numbers', `value ${at} of the byte stream (bytes ${at * 8}..${at * 8 + 7}) = ${values[bad]}`)
    }
    addManyTo(acc, values, name)
    this.decoded += values.length
  }

  /** Throws when the stream ended inside a value. */
  end(): void {
    if (this.#carried !== 0) {
      throw invalidValue('source', 'a byte stream whose length is a multiple of 8 (whole float64 values)', `${this.#carried} bytes left over after value ${this.decoded - 1}`)
    }
  }
}

/**
 * Reads numbers from a stream or an (async) iterable into an {@link Accumulator} and resolves to
 * it. Items may be numbers, arrays of numbers, Float64Arrays or Float32Arrays (object-mode
 * streams, generators, arrays of chunks), or with `format: 'float64le'` raw binary chunks (a
 * `fs.createReadStream` of a float64 file). With `into`, the values are merged into that
 * accumulator once the whole source has been read; on an error or an abort it is left
 * unchanged. Always rejects, never throws.
 *
 * @throws {TypeError} ERR_INVALID_ARG_TYPE for a bad source, option or item (the message names `source[i]`)
 * @throws {RangeError} ERR_INVALID_ARG_VALUE for a NaN or infinite value, or binary data that ends inside a value
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs'
 * import { accumulate } from 'hotpath'
 * const stats = await accumulate(createReadStream('samples.f64'), { format: 'float64le' })
 * console.log(stats.mean, stats.stdDev)
 * ```
 */
export async function accumulate(
  source: Iterable<AccumulateItem | Uint8Array> | AsyncIterable<AccumulateItem | Uint8Array> | NodeJS.ReadableStream,
  options?: AccumulateOptions,
): Promise<Accumulator> {
  try {
    const opts = optionsObject(options)
    const signal = abortSignal(opts.signal)
    if (opts.into !== undefined && !isAccumulator(opts.into)) throw invalidType('options.into', 'an instance of Accumulator', opts.into)
    const format = opts.format ?? 'numbers'
    if (format !== 'numbers' && format !== 'float64le') throw invalidValue('options.format', "'numbers' or 'float64le'", String(format))
    if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source || Symbol.iterator in source)) {
      throw invalidType('source', 'an iterable, an async iterable or a readable stream', source)
    }
    if (signal?.aborted) throw abortErrorFor(signal)
    const acc = new Accumulator()
    const decoder = format === 'float64le' ? new Float64Decoder() : undefined
    const addItem = (item: unknown, index: number): void => {
      if (decoder) {
        if (!types.isUint8Array(item)) throw invalidType(`source[${index}]`, 'a Buffer or Uint8Array (options.format is float64le)', item)
        attachedLength(item, `source[${index}]`)
        decoder.push(acc, item, `source[${index}]`)
      } else if (typeof item === 'number') addValueTo(acc, item, `source[${index}]`)
      else if (isFloatArray(item) || Array.isArray(item)) addManyTo(acc, item, `source[${index}]`)
      else {
        const hint = types.isUint8Array(item) ? " (for raw float64 bytes set options.format to 'float64le')" : ''
        throw invalidType(`source[${index}]`, `a number, an array of numbers, a Float64Array or a Float32Array${hint}`, item)
      }
    }
    if (!(Symbol.asyncIterator in source)) {
      // A synchronous iterable is read synchronously: no await per item.
      let index = 0
      for (const item of source as Iterable<unknown>) addItem(item, index++)
    } else {
      const input = puller<unknown>(source as AsyncIterable<unknown>, signal)
      try {
        for (let index = 0; ; index++) {
          const { value, done } = await input.next()
          if (done) break
          if (signal?.aborted) throw abortErrorFor(signal)
          addItem(value, index)
        }
      } finally {
        input.close()
      }
    }
    decoder?.end()
    return opts.into ? opts.into.merge(acc) : acc
  } catch (error) {
    throw coded(error)
  }
}
