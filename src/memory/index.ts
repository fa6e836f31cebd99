/**
 * Native memory the caller owns: `NativeBuffer.alloc` gives a typed array over a 64-byte aligned
 * native block that `dispose()` frees at once (deterministically, unlike the GC), detaching every
 * view so no JavaScript can reach freed memory. Async calls read and write NativeBuffer arrays in
 * place, with no copy: JavaScript cannot transfer them, `dispose()` waits for the calls in flight,
 * and each native task holds the block until it ends. Blocks never disposed are freed by the GC
 * and counted in `memoryStats().collected`. See docs/memory.md.
 */
import { coded } from '../core/guard.js'
import { InvalidStateError, MemoryAllocationError, invalidType, invalidValue } from '../core/errors.js'
import { native } from '../core/native.js'
import { registerOwner } from '../core/owners.js'
import { nativeTasks } from '../core/semaphore.js'
import { integerInRange, optionsObject } from '../core/validate.js'

const ARRAY_TYPES = {
  f64: Float64Array,
  f32: Float32Array,
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
} as const

/** Element types of a NativeBuffer. */
export type NativeBufferType = keyof typeof ARRAY_TYPES

/** The typed array a NativeBuffer of each type shows. */
export interface NativeBufferArrays {
  f64: Float64Array
  f32: Float32Array
  u8: Uint8Array
  u16: Uint16Array
  u32: Uint32Array
  i32: Int32Array
}

export interface NativeBufferOptions {
  /** Every element starts as this number (converted as the typed array converts it). Default: unspecified contents, not even zero. */
  fill?: number
}

/** Largest element count: 2^32 elements (32 GiB of f64), what one typed array can view. */
export const NATIVE_BUFFER_MAX_LENGTH = 2 ** 32

type NativeMemory = InstanceType<NonNullable<typeof native>['NativeMemory']>

/** Frees the block behind the ArrayBuffer: detaches it and gives up its claim. */
interface Backing {
  release(buffer: ArrayBuffer): void
}

const debugLeaks = process.env.HOTPATH_DEBUG_LEAKS === '1'

/** Counters of the JS fallback (no native binary): the same meaning as the native ones. */
const fallbackCounters = { bytes: 0, peak: 0, live: 0, allocations: 0, disposals: 0, collected: 0 }
/** Counts fallback buffers the GC took without dispose (the native side counts its own). */
const fallbackCollected = new FinalizationRegistry<{ bytes: number; stack: string | undefined }>((held) => {
  fallbackCounters.collected++
  fallbackCounters.live--
  fallbackCounters.bytes -= held.bytes
  if (held.stack) process.emitWarning(`a NativeBuffer of ${held.bytes} bytes was garbage-collected without dispose(); it was allocated ${held.stack.replace(/^Error\s*/, '')}`, 'HotpathLeakWarning')
})

export class NativeBuffer<T extends NativeBufferType = NativeBufferType> {
  readonly type: T
  readonly length: number
  readonly byteLength: number
  readonly #array: NativeBufferArrays[T]
  readonly #buffer: ArrayBuffer
  readonly #backing: Backing
  #disposed = false

  private constructor(type: T, length: number, buffer: ArrayBuffer, backing: Backing) {
    this.type = type
    this.length = length
    this.byteLength = buffer.byteLength
    this.#buffer = buffer
    this.#backing = backing
    this.#array = new ARRAY_TYPES[type](buffer) as NativeBufferArrays[T]
    registerOwner(buffer, this)
  }

  /**
   * `length` elements of `type` in native memory, 64-byte aligned. Contents are unspecified
   * unless `options.fill` is given. Throws `ERR_MEMORY_ALLOCATION_FAILED` when the system has
   * no such block to give.
   *
   * @example
   * ```ts
   * using rows = NativeBuffer.alloc('f64', 500_000 * 20)
   * fillRows(rows.array)
   * const scores = await model.scoreBatchAsync(rows.array)
   * ```
   */
  static alloc<T extends NativeBufferType>(type: T, length: number, options?: NativeBufferOptions): NativeBuffer<T> {
    try {
      if (typeof type !== 'string') throw invalidType('type', `one of ${Object.keys(ARRAY_TYPES).map((t) => `'${t}'`).join(', ')}`, type)
      if (!Object.hasOwn(ARRAY_TYPES, type)) throw invalidValue('type', `one of ${Object.keys(ARRAY_TYPES).map((t) => `'${t}'`).join(', ')}`, `'${String(type)}'`)
      integerInRange(length, 'length', 0, NATIVE_BUFFER_MAX_LENGTH)
      const { fill } = optionsObject(options)
      if (fill !== undefined && typeof fill !== 'number') throw invalidType('options.fill', 'of type number', fill)
      const byteLength = length * ARRAY_TYPES[type].BYTES_PER_ELEMENT
      const stack = debugLeaks ? new Error().stack : undefined
      const buffer = native ? allocateNative(byteLength, fill === 0, stack) : allocateFallback(byteLength, stack)
      const result = new NativeBuffer(type, length, buffer.arrayBuffer, buffer.backing)
      if (fill !== undefined && fill !== 0) result.#array.fill(fill)
      else if (fill === 0 && !native) result.#array.fill(0)
      return result
    } catch (error) {
      throw coded(error)
    }
  }

  /**
   * The typed array over the memory. Views of it (`subarray`) share the memory and are detached
   * with it. Throws `ERR_INVALID_STATE` once disposed.
   */
  get array(): NativeBufferArrays[T] {
    if (this.#disposed) throw new InvalidStateError(`The NativeBuffer of ${this.length} ${this.type} elements was disposed; its memory is freed`)
    return this.#array
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.#disposed
  }

  /**
   * Frees the memory and detaches every view of it. If async calls started before this are still
   * running, the free waits until they settle (they complete correctly). A second call does
   * nothing.
   */
  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    nativeTasks.afterInFlight(() => this.#backing.release(this.#buffer))
  }

  [Symbol.dispose](): void {
    this.dispose()
  }

  get [Symbol.toStringTag](): string {
    return 'NativeBuffer'
  }
}

function allocateNative(byteLength: number, zeroed: boolean, stack: string | undefined): { arrayBuffer: ArrayBuffer; backing: Backing } {
  const memory: NativeMemory | null = native!.memoryAllocate(byteLength, zeroed, stack)
  if (!memory) throw allocationFailed(byteLength)
  let arrayBuffer: ArrayBuffer
  try {
    arrayBuffer = memory.arrayBuffer()
  } catch (error) {
    memory.release(new ArrayBuffer(0))
    throw new MemoryAllocationError(`A NativeBuffer of ${byteLength} bytes could not be shown to JavaScript: ${(error as Error).message}`, { cause: error })
  }
  return { arrayBuffer, backing: { release: (buffer) => memory.release(buffer) } }
}

/**
 * Without the native binary: an ordinary ArrayBuffer (V8 aligns it to 16 bytes, not 64), freed
 * by transferring it away, which detaches every view just the same.
 */
function allocateFallback(byteLength: number, stack: string | undefined): { arrayBuffer: ArrayBuffer; backing: Backing } {
  let arrayBuffer: ArrayBuffer
  try {
    arrayBuffer = new ArrayBuffer(byteLength)
  } catch (error) {
    throw allocationFailed(byteLength, error)
  }
  const token = {}
  fallbackCollected.register(arrayBuffer, { bytes: byteLength, stack }, token)
  const c = fallbackCounters
  c.bytes += byteLength
  c.peak = Math.max(c.peak, c.bytes)
  c.live++
  c.allocations++
  return {
    arrayBuffer,
    backing: {
      release(buffer) {
        fallbackCollected.unregister(token)
        structuredClone(buffer, { transfer: [buffer] })
        c.bytes -= byteLength
        c.live--
        c.disposals++
      },
    },
  }
}

function allocationFailed(byteLength: number, cause?: unknown): MemoryAllocationError {
  return new MemoryAllocationError(`A NativeBuffer of ${byteLength} bytes could not be allocated`, { cause })
}

/** What `memoryStats()` reports. */
export interface MemoryStats {
  /** Bytes of NativeBuffer memory allocated now (in every worker of the process: they share the addon). */
  nativeBytes: number
  /** The most `nativeBytes` has been. */
  peakNativeBytes: number
  /** NativeBuffers whose memory is not freed yet. */
  liveBuffers: number
  /** NativeBuffers allocated so far. */
  allocations: number
  /** NativeBuffers freed by `dispose()`. */
  disposals: number
  /** NativeBuffers freed by the GC because nobody disposed them: leaks in the caller's code (`HOTPATH_DEBUG_LEAKS=1` prints where each was allocated). */
  collected: number
  /** Async native tasks waiting for a slot of the pool (this thread's calls). */
  queuedTasks: number
  /** Async native tasks running now (this thread's calls). */
  runningTasks: number
}

/**
 * Counters of hotpath's native side, the way `sharp.counters()` lets a service watch its own.
 *
 * @example
 * ```ts
 * const { nativeBytes, collected } = memoryStats()
 * ```
 */
export function memoryStats(): MemoryStats {
  const pool = { queuedTasks: nativeTasks.queued, runningTasks: nativeTasks.running }
  if (!native) {
    const c = fallbackCounters
    return { nativeBytes: c.bytes, peakNativeBytes: c.peak, liveBuffers: c.live, allocations: c.allocations, disposals: c.disposals, collected: c.collected, ...pool }
  }
  const s = native.memoryStats()
  return { nativeBytes: s.nativeBytes, peakNativeBytes: s.peakNativeBytes, liveBuffers: s.liveBuffers, allocations: s.allocations, disposals: s.disposals, collected: s.collected, ...pool }
}
