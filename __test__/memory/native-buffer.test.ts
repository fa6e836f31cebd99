/**
 * NativeBuffer's ownership contract (docs/memory.md): typed views over native memory, freed at
 * `dispose()` with every view detached, a typed ERR_INVALID_STATE (never a crash or an empty
 * input) for disposed memory passed to any entry point, frees deferred past the async calls that
 * use the memory, and the counters of `memoryStats()`.
 */
import { describe, expect, it } from 'vitest'
import * as hp from '../../src/index.js'
import { native } from '../../src/core/native.js'
import { entryPointsWith, failureOf, isAsyncEntryPoint } from '../helpers/entry-points.js'

const { NativeBuffer, memoryStats } = hp
const TYPES = { f64: Float64Array, f32: Float32Array, u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array } as const
const weights = Float64Array.from({ length: 20 }, (_, i) => ((i % 7) - 3) / 10)
const model = new hp.RiskModel({ weights, threshold: 0.3 })

/** A view of a NativeBuffer that was disposed (and, with no call in flight, freed). */
function disposedView<T extends hp.NativeBufferType>(type: T, length: number): hp.NativeBufferArrays[T] {
  const buffer = NativeBuffer.alloc(type, length, { fill: 1 })
  const view = buffer.array
  buffer.dispose()
  return view
}

const rowsOf = (n: number): Float64Array => Float64Array.from({ length: n * 20 }, (_, i) => ((i * 37) % 101) / 101)

describe('NativeBuffer.alloc', () => {
  for (const [type, Array] of Object.entries(TYPES)) {
    it(`'${type}': a ${Array.name} of the length asked for, filled as asked`, () => {
      using buffer = NativeBuffer.alloc(type as hp.NativeBufferType, 1000, { fill: 7 })
      expect(buffer.array).toBeInstanceOf(Array)
      expect(buffer.type).toBe(type)
      expect(buffer.length).toBe(1000)
      expect(buffer.array.length).toBe(1000)
      expect(buffer.byteLength).toBe(1000 * Array.BYTES_PER_ELEMENT)
      expect(buffer.array.every((v) => v === 7)).toBe(true)
      expect(buffer.disposed).toBe(false)
      expect(Object.prototype.toString.call(buffer)).toBe('[object NativeBuffer]')
    })
  }

  it('fill: 0 gives zeroed memory; without fill the contents are whatever the block held, still readable and writable', () => {
    using zeroed = NativeBuffer.alloc('f64', 100_000, { fill: 0 })
    expect(zeroed.array.every((v) => v === 0)).toBe(true)
    using raw = NativeBuffer.alloc('u32', 100_000)
    raw.array.fill(5)
    expect(raw.array[99_999]).toBe(5)
  })

  it('an empty buffer is a valid empty input', () => {
    using empty = NativeBuffer.alloc('f64', 0)
    expect(empty.array.length).toBe(0)
    expect(hp.sum(empty.array)).toBe(0)
  })

  it.runIf(native)('native blocks are 64-byte aligned', () => {
    for (const bytes of [1, 8, 63, 64, 1000, 1 << 20]) {
      const memory = native!.memoryAllocate(bytes, false)!
      const arrayBuffer = memory.arrayBuffer()
      expect(memory.alignmentOffset).toBe(0)
      expect(arrayBuffer.byteLength).toBe(bytes)
      memory.release(arrayBuffer)
    }
  })

  it.runIf(native)('V8 counts the memory as external, so its GC paces itself by it, until dispose', () => {
    const before = process.memoryUsage().external
    const buffers = Array.from({ length: 4 }, () => NativeBuffer.alloc('u8', 16 << 20))
    const during = process.memoryUsage().external
    for (const buffer of buffers) buffer.dispose()
    const after = process.memoryUsage().external
    expect(during - before).toBeGreaterThanOrEqual(64 << 20)
    expect(during - after).toBeGreaterThanOrEqual(64 << 20)
  })

  it('bad arguments are typed errors naming them', () => {
    const cases: [() => unknown, string, string][] = [
      [() => NativeBuffer.alloc('f16' as never, 4), 'ERR_INVALID_ARG_VALUE', '"type"'],
      [() => NativeBuffer.alloc(1 as never, 4), 'ERR_INVALID_ARG_TYPE', '"type"'],
      [() => NativeBuffer.alloc('f64', -1), 'ERR_OUT_OF_RANGE', '"length"'],
      [() => NativeBuffer.alloc('f64', 1.5), 'ERR_OUT_OF_RANGE', '"length"'],
      [() => NativeBuffer.alloc('f64', '4' as never), 'ERR_INVALID_ARG_TYPE', '"length"'],
      [() => NativeBuffer.alloc('f64', hp.NATIVE_BUFFER_MAX_LENGTH + 1), 'ERR_OUT_OF_RANGE', '"length"'],
      [() => NativeBuffer.alloc('f64', 4, { fill: '1' } as never), 'ERR_INVALID_ARG_TYPE', '"options.fill"'],
      [() => NativeBuffer.alloc('f64', 4, 3 as never), 'ERR_INVALID_ARG_TYPE', '"options"'],
    ]
    for (const [call, code, argument] of cases) {
      expect(call).toThrow(expect.objectContaining({ code, message: expect.stringContaining(argument) }))
    }
  })

  it('a block the system cannot give is ERR_MEMORY_ALLOCATION_FAILED, and the process goes on', () => {
    // 2^32 f64 = 32 GiB: more than this machine's memory and swap, refused at once (malloc, not a page fault).
    let error: unknown
    let buffer: hp.NativeBuffer | undefined
    try {
      buffer = NativeBuffer.alloc('f64', hp.NATIVE_BUFFER_MAX_LENGTH)
    } catch (e) {
      error = e
    }
    if (buffer) {
      // Overcommitting kernels may hand out the address space; then it must be a working buffer.
      expect(buffer.byteLength).toBe(hp.NATIVE_BUFFER_MAX_LENGTH * 8)
      buffer.dispose()
    } else {
      expect(error).toBeInstanceOf(hp.MemoryAllocationError)
      expect(error).toMatchObject({ code: 'ERR_MEMORY_ALLOCATION_FAILED' })
    }
    using after = NativeBuffer.alloc('f64', 4, { fill: 2 })
    expect(hp.sum(after.array)).toBe(8)
  })
})

describe('dispose', () => {
  it('frees at once and detaches every view, subarrays included; a second dispose does nothing', () => {
    const before = memoryStats()
    const buffer = NativeBuffer.alloc('f64', 1000, { fill: 1 })
    const view = buffer.array
    const part = view.subarray(10, 20)
    expect(memoryStats().liveBuffers - before.liveBuffers).toBe(1)
    buffer.dispose()
    expect(buffer.disposed).toBe(true)
    expect(view.length).toBe(0)
    expect(part.length).toBe(0)
    expect(view[0]).toBeUndefined()
    expect(() => buffer.array).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    buffer.dispose()
    buffer[Symbol.dispose]()
    const after = memoryStats()
    expect(after.liveBuffers - before.liveBuffers).toBe(0)
    expect(after.disposals - before.disposals).toBe(1)
    expect(after.nativeBytes).toBe(before.nativeBytes)
  })

  it('`using` disposes at the end of the block, even when it throws', () => {
    let escaped: hp.NativeBuffer | undefined
    expect(() => {
      using buffer = NativeBuffer.alloc('u8', 64)
      escaped = buffer
      throw new Error('inside')
    }).toThrow('inside')
    expect(escaped!.disposed).toBe(true)
  })

  it('postMessage and structuredClone copy a live buffer instead of detaching it (Node does not transfer external memory)', () => {
    using buffer = NativeBuffer.alloc('f64', 8, { fill: 3 })
    let copy: Float64Array | undefined
    try {
      copy = structuredClone(buffer.array, { transfer: [buffer.array.buffer as ArrayBuffer] })
    } catch (error) {
      // Either refusing the transfer or copying keeps the buffer intact; both are acceptable.
      expect(error).toBeInstanceOf(Error)
    }
    if (copy) expect(Array.from(copy)).toEqual(Array.from({ length: 8 }, () => 3))
    expect(buffer.array.length).toBe(8)
    expect(hp.sum(buffer.array)).toBe(24)
  })
})

describe('a disposed NativeBuffer passed to any entry point is ERR_INVALID_STATE naming the argument', () => {
  const calls = entryPointsWith({
    f64: (n) => disposedView('f64', n),
    f32: (n) => disposedView('f32', n),
    u8: (n) => disposedView('u8', n),
    buffer: (n) => {
      const buffer = NativeBuffer.alloc('u8', n)
      const bytes = Buffer.from(buffer.array.buffer, 0, n)
      buffer.dispose()
      return bytes
    },
  })
  for (const [name, [call, argument]] of Object.entries(calls)) {
    it(name, async () => {
      const { error, sync } = await failureOf(call)
      expect(error).toBeInstanceOf(hp.InvalidStateError)
      expect(error).toMatchObject({ code: 'ERR_INVALID_STATE' })
      expect((error as Error).message).toContain(`"${argument}" argument`)
      expect((error as Error).message).toContain('disposed')
      if (isAsyncEntryPoint(name)) expect(sync).toBe(false)
    })
  }

  it('also while its free waits for an async call: disposed means given up, even before the memory goes', async () => {
    const rows = NativeBuffer.alloc('f64', 200_000 * 20, { fill: 0.5 })
    const pending = model.scoreBatchAsync(rows.array)
    const view = rows.array
    rows.dispose()
    expect(view.length).toBe(200_000 * 20) // still attached: the call holds it
    expect(() => model.scoreBatch(view)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    expect(() => hp.sum(view)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    await expect(model.scoreBatchAsync(view)).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' })
    await pending
    expect(view.length).toBe(0)
  })
})

describe('async calls use NativeBuffer memory in place', () => {
  it('scoreBatchAsync on NativeBuffer rows into a NativeBuffer out equals scoreBatch, and writes out itself', async () => {
    const n = 100_000
    using rows = NativeBuffer.alloc('f64', n * 20)
    rows.array.set(rowsOf(n))
    using out = NativeBuffer.alloc('f64', n, { fill: -1 })
    const expected = model.scoreBatch(rowsOf(n))
    const result = await model.scoreBatchAsync(rows.array, { out: out.array })
    expect(result).toBe(out.array)
    expect(out.array).toEqual(expected)
  })

  it('f32 rows, vector, image and geo calls on NativeBuffer arrays give the results of ordinary arrays', async () => {
    const n = 50_000
    using rows = NativeBuffer.alloc('f32', n * 20)
    rows.array.set(rowsOf(n))
    expect(await model.scoreBatchAsync(rows.array)).toEqual(model.scoreBatch(Float32Array.from(rowsOf(n))))

    using x = NativeBuffer.alloc('f64', 1_000_000)
    x.array.set(rowsOf(50_000))
    const plainX = Float64Array.from(x.array)
    expect(await hp.sumAsync(x.array)).toBe(hp.sum(plainX))
    expect(await hp.dotAsync(x.array, x.array)).toBe(hp.dot(plainX, plainX))
    using scaled = NativeBuffer.alloc('f64', 1_000_000)
    expect(await hp.scaleAndShiftAsync(x.array, 2, 1, { out: scaled.array })).toBe(scaled.array)
    expect(scaled.array).toEqual(hp.scaleAndShift(plainX, 2, 1))

    const width = 512
    const height = 384
    using pixels = NativeBuffer.alloc('u8', width * height * 3)
    pixels.array.set(Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 31) % 256))
    using blurred = NativeBuffer.alloc('u8', width * height * 3)
    const image = { data: pixels.array, width, height, channels: 3 }
    const out = await hp.gaussianBlurAsync(image, { sigma: 2 }, { out: { data: blurred.array, width, height, channels: 3 } })
    expect(out.data).toBe(blurred.array)
    expect(blurred.array).toEqual(hp.gaussianBlur({ ...image, data: Uint8Array.from(pixels.array) }, { sigma: 2 }).data)

    using lats = NativeBuffer.alloc('f64', 20_000)
    using lons = NativeBuffer.alloc('f64', 20_000)
    lats.array.set(Float64Array.from({ length: 20_000 }, (_, i) => ((i * 37) % 170) - 85))
    lons.array.set(Float64Array.from({ length: 20_000 }, (_, i) => ((i * 53) % 340) - 170))
    const index = await hp.GeoIndex.buildAsync(lats.array, lons.array)
    const plain = hp.GeoIndex.build(Float64Array.from(lats.array), Float64Array.from(lons.array))
    expect(await index.nearestBatchAsync(lats.array.subarray(0, 500), lons.array.subarray(0, 500), 3)).toEqual(plain.nearestBatch(lats.array.slice(0, 500), lons.array.slice(0, 500), 3))
  })

  it('dispose during an async call: the call completes correctly, the memory is freed when it settles', async () => {
    const n = 400_000
    const before = memoryStats()
    const rows = NativeBuffer.alloc('f64', n * 20)
    rows.array.set(rowsOf(n))
    const out = NativeBuffer.alloc('f64', n)
    const pixels = NativeBuffer.alloc('u8', 1024 * 1024 * 3, { fill: 200 })
    const x = NativeBuffer.alloc('f64', 2_000_000, { fill: 0.5 })
    const expected = model.scoreBatch(rowsOf(n))
    const calls = [
      model.scoreBatchAsync(rows.array, { out: out.array }),
      hp.gaussianBlurAsync({ data: pixels.array, width: 1024, height: 1024, channels: 3 }, { sigma: 3 }),
      hp.sumAsync(x.array),
      model.scoreBatchAsync(rows.array),
    ] as const
    const outView = out.array
    for (const buffer of [rows, out, pixels, x]) buffer.dispose()
    expect(memoryStats().liveBuffers - before.liveBuffers).toBe(4)
    const [intoOut, blurred, total, fresh] = await Promise.all(calls)
    // `out` was disposed: the scores were written (the call completed) and then its memory freed.
    expect(intoOut).toBe(outView)
    expect(fresh).toEqual(expected)
    expect(blurred.data.every((v) => v === 200)).toBe(true)
    expect(total).toBe(1_000_000)
    await new Promise((resolve) => setImmediate(resolve))
    const after = memoryStats()
    expect(after.liveBuffers).toBe(before.liveBuffers)
    expect(after.nativeBytes).toBe(before.nativeBytes)
    expect(after.disposals - before.disposals).toBe(4)
  })

  it('a rejected call releases its deferred frees too', async () => {
    const before = memoryStats()
    const rows = NativeBuffer.alloc('f64', 300_000 * 20, { fill: 0.1 })
    const controller = new AbortController()
    const pending = model.scoreBatchAsync(rows.array, { signal: controller.signal })
    rows.dispose()
    controller.abort()
    await expect(pending).rejects.toMatchObject({ code: 'ABORT_ERR' })
    expect(memoryStats().liveBuffers).toBe(before.liveBuffers)
  })
})

describe('memoryStats', () => {
  it('counts bytes, the peak, live buffers, allocations and disposals, and the pool', async () => {
    const before = memoryStats()
    const a = NativeBuffer.alloc('f64', 1000)
    const b = NativeBuffer.alloc('u16', 10)
    const during = memoryStats()
    expect(during.nativeBytes - before.nativeBytes).toBe(8020)
    expect(during.peakNativeBytes).toBeGreaterThanOrEqual(during.nativeBytes)
    expect(during.liveBuffers - before.liveBuffers).toBe(2)
    expect(during.allocations - before.allocations).toBe(2)
    a.dispose()
    b.dispose()
    const after = memoryStats()
    expect(after.nativeBytes).toBe(before.nativeBytes)
    expect(after.peakNativeBytes).toBeGreaterThanOrEqual(during.nativeBytes)
    expect(after.disposals - before.disposals).toBe(2)
    expect(after.collected).toBe(before.collected)
    expect(after.runningTasks).toBe(0)
    expect(after.queuedTasks).toBe(0)

    // More calls than the pool has slots: the rest wait, and the counters say so.
    using x = NativeBuffer.alloc('f64', 4_000_000, { fill: 1 })
    const calls = Array.from({ length: 6 }, () => hp.sumAsync(x.array))
    const busy = memoryStats()
    expect(busy.runningTasks).toBeGreaterThan(0)
    expect(busy.runningTasks + busy.queuedTasks).toBe(6)
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 6 }, () => 4_000_000))
    expect(memoryStats().runningTasks).toBe(0)
  })
})
