/**
 * Detached, transferred and resizable memory at call time. A detached typed array reads as length
 * 0, which used to pass for an empty input: `scoreBatch` returned no scores, `dot` and `sum`
 * returned 0, `addMany` added nothing. Every entry point that takes memory must instead say that
 * the argument is detached (ERR_INVALID_ARG_VALUE, naming it), sync and async alike, while a
 * really empty array keeps its documented meaning and resizable buffers work as fixed ones do.
 */
import { describe, expect, it } from 'vitest'
import * as hp from '../../src/index.js'
import { entryPointsWith, failureOf, isAsyncEntryPoint } from '../helpers/entry-points.js'

/** ES2024's resizable buffers, which the ES2023 lib this project compiles against does not type yet. */
interface Resizable {
  resize(byteLength: number): void
}
type ResizableOptions = { maxByteLength: number }
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: ResizableOptions) => ArrayBuffer & Resizable
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (byteLength: number, options: ResizableOptions) => SharedArrayBuffer

function detached<T extends ArrayBufferView>(view: T): T {
  structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] })
  return view
}
const f64 = (n: number, seed = 1): Float64Array => new Float64Array(n).map((_, i) => ((i * 37 * seed) % 101) / 7 - 5)
const degrees = (n: number, seed: number): Float64Array => new Float64Array(n).map((_, i) => ((i * 37 * seed) % 170) - 85)
const gone = (n: number): Float64Array => detached(f64(n))
const goneBytes = (n: number): Uint8Array => detached(new Uint8Array(n).fill(3))
const model = new hp.RiskModel({ weights: f64(20) })
const index = hp.GeoIndex.build(degrees(100, 1), degrees(100, 2))
const tokenizer = new hp.Tokenizer()

/** [call, the argument it must name]: every public entry point that takes memory, inputs and `out`. */
const calls = entryPointsWith({ f64: (n) => gone(n), f32: (n) => detached(new Float32Array(n)), u8: (n) => goneBytes(n), buffer: (n) => detached(Buffer.alloc(n)) })

describe('a detached argument is an error naming it, never an empty input', () => {
  for (const [name, [call, argument]] of Object.entries(calls)) {
    it(name, async () => {
      const { error, sync } = await failureOf(call)
      expect(error).toBeInstanceOf(hp.InvalidArgValueError)
      expect((error as { code: string }).code).toBe('ERR_INVALID_ARG_VALUE')
      expect((error as Error).message).toContain(`"${argument}" argument`)
      expect((error as Error).message).toMatch(/detached ArrayBuffer/)
      // Async APIs reject; only the sync ones throw.
      if (isAsyncEntryPoint(name)) expect(sync).toBe(false)
    })
  }
})

describe('a view out of bounds of a shrunk resizable ArrayBuffer is an error too', () => {
  it('sum, scoreBatch, haversineMany', () => {
    const buffer = new ResizableArrayBuffer(20 * 8 * 4, { maxByteLength: 20 * 8 * 4 })
    const view = new Float64Array(buffer, 20 * 8)
    buffer.resize(8)
    for (const call of [() => hp.sum(view), () => model.scoreBatch(view), () => hp.haversineMany(0, 0, view, view)]) {
      expect(call).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('out of bounds of its resized ArrayBuffer') }))
    }
  })
})

describe('empty arrays that are not detached keep their meaning', () => {
  it('reductions of nothing, batches of no rows, no points', async () => {
    expect(hp.sum(new Float64Array(0))).toBe(0)
    expect(await hp.dotAsync(new Float64Array(0), new Float64Array(0))).toBe(0)
    expect(model.scoreBatch(new Float64Array(0))).toEqual(new Float64Array(0))
    expect(await model.scoreBatchAsync(new Float64Array(0))).toEqual(new Float64Array(0))
    expect(hp.haversineMany(0, 0, new Float64Array(0), new Float64Array(0))).toEqual(new Float64Array(0))
    expect(new hp.Accumulator().addMany(new Float64Array(0)).count).toBe(0)
    // A zero-length view of a live buffer, and of an empty one, are empty, not detached.
    expect(hp.sum(new Float64Array(new ArrayBuffer(64), 64))).toBe(0)
    expect(hp.sum(new Float64Array(new ResizableArrayBuffer(0, { maxByteLength: 64 })))).toBe(0)
  })
})

/** `source` copied into a view at offset 16 of a resizable ArrayBuffer (or growable SharedArrayBuffer) that tracks its length. */
function resizable<T extends Float64Array | Uint8Array>(source: T, shared: boolean): T {
  const bytes = source.byteLength + 16
  const buffer = shared ? new GrowableSharedArrayBuffer(bytes, { maxByteLength: bytes * 4 }) : new ResizableArrayBuffer(bytes, { maxByteLength: bytes * 4 })
  const view = new (source.constructor as new (b: ArrayBufferLike, offset: number) => T)(buffer, 16)
  view.set(source as never)
  return view
}

describe('resizable ArrayBuffers and growable SharedArrayBuffers work like fixed ones', () => {
  const blurInput = new Uint8Array(300 * 200).map((_, i) => i * 7)
  const textBytes = new Uint8Array(Buffer.from(Array.from({ length: 2000 }, (_, i) => `record ${i} é 😀 नमस्ते`).join('\n')))
  const cases: Record<string, (wrap: <T extends Float64Array | Uint8Array>(x: T) => T) => unknown> = {
    scoreBatch: (w) => model.scoreBatch(w(f64(20 * 5000))),
    scoreBatchAsync: (w) => model.scoreBatchAsync(w(f64(20 * 100_000))),
    score: (w) => model.score(w(f64(20))),
    sum: (w) => hp.sum(w(f64(100_000))),
    sumAsync: (w) => hp.sumAsync(w(f64(200_000))),
    dot: (w) => hp.dot(w(f64(5000)), w(f64(5000, 3))),
    scaleAndShiftAsync: (w) => hp.scaleAndShiftAsync(w(f64(200_000)), 2, 1),
    haversineMany: (w) => hp.haversineMany(1, 2, w(degrees(5000, 1)), w(degrees(5000, 2))),
    nearestBatchAsync: (w) => index.nearestBatchAsync(w(degrees(3000, 3)), w(degrees(3000, 4)), 3),
    addMany: (w) => new hp.Accumulator().addMany(w(f64(5000))).toJSON(),
    gaussianBlurAsync: (w) => hp.gaussianBlurAsync({ data: w(blurInput), width: 300, height: 200, channels: 1 }, { sigma: 2 }),
    tokenizeBatch: (w) => tokenizer.tokenizeBatch(w(textBytes)),
    encodeBatchAsync: (w) => tokenizer.encodeBatchAsync(w(textBytes), { hashBits: 16 }),
  }
  for (const [name, run] of Object.entries(cases)) {
    it(name, async () => {
      const expected = await run((x) => x)
      expect(await run((x) => resizable(x, false))).toEqual(expected)
      expect(await run((x) => resizable(x, true))).toEqual(expected)
    })
  }

  it('shrinking the rows during scoreBatchAsync rejects instead of scoring garbage', async () => {
    const rows = 20 * 200_000
    const buffer = new ResizableArrayBuffer(rows * 8, { maxByteLength: rows * 8 })
    new Float64Array(buffer).set(f64(rows))
    const pending = model.scoreBatchAsync(new Float64Array(buffer))
    buffer.resize(8 * 20 * 10)
    await expect(pending).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('detached or resized during the call') })
  })
})
