/**
 * Detached, transferred and resizable memory at call time. A detached typed array reads as length
 * 0, which used to pass for an empty input: `scoreBatch` returned no scores, `dot` and `sum`
 * returned 0, `addMany` added nothing. Every entry point that takes memory must instead say that
 * the argument is detached (ERR_INVALID_ARG_VALUE, naming it), sync and async alike, while a
 * really empty array keeps its documented meaning and resizable buffers work as fixed ones do.
 */
import { describe, expect, it } from 'vitest'
import * as hp from '../../src/index.js'

type Call = () => unknown

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
const image = <T extends hp.ImageSamples>(data: T): hp.Image<T> => ({ data, width: 4, height: 4, channels: 1 })
const box = { width: 3, height: 3, data: new Float32Array(9).fill(1 / 9) }
const model = new hp.RiskModel({ weights: f64(20) })
const index = hp.GeoIndex.build(degrees(100, 1), degrees(100, 2))
const tokenizer = new hp.Tokenizer()
const vocabulary = tokenizer.buildVocabulary(['a b'])

/** [call, the argument it must name]: every public entry point that takes memory, inputs and `out`. */
const calls: Record<string, [Call, string]> = {
  'model.score': [() => model.score(gone(20)), 'features'],
  'model.scoreQueued': [() => model.scoreQueued(gone(20)), 'features'],
  'model.scoreBatch rows': [() => model.scoreBatch(gone(40)), 'rows'],
  'model.scoreBatch rows[i]': [() => model.scoreBatch([f64(20), gone(20)]), 'rows[1]'],
  'model.scoreBatch out': [() => model.scoreBatch(f64(40), { out: gone(2) }), 'options.out'],
  'model.scoreBatchAsync rows': [() => model.scoreBatchAsync(gone(40)), 'rows'],
  'model.scoreBatchAsync large rows': [() => model.scoreBatchAsync(gone(20 * 100_000)), 'rows'],
  'model.scoreBatchAsync out': [() => model.scoreBatchAsync(f64(40), { out: gone(2) }), 'options.out'],
  'model.scoreIterable chunk': [() => collect(model.scoreIterable([f64(20), gone(20)])), 'source[1]'],
  sum: [() => hp.sum(gone(10)), 'x'],
  sumAsync: [() => hp.sumAsync(gone(10)), 'x'],
  'sumAsync large': [() => hp.sumAsync(gone(1_000_000)), 'x'],
  sumSquares: [() => hp.sumSquares(gone(10)), 'x'],
  sumSquaresAsync: [() => hp.sumSquaresAsync(gone(10)), 'x'],
  norm: [() => hp.norm(gone(10)), 'x'],
  normAsync: [() => hp.normAsync(gone(10)), 'x'],
  'dot x': [() => hp.dot(gone(10), f64(10)), 'x'],
  'dot y (empty x)': [() => hp.dot(f64(0), gone(0)), 'y'],
  dotAsync: [() => hp.dotAsync(f64(10), gone(10)), 'y'],
  sqEuclidean: [() => hp.sqEuclidean(gone(10), f64(10)), 'x'],
  sqEuclideanAsync: [() => hp.sqEuclideanAsync(gone(10), f64(10)), 'x'],
  scale: [() => hp.scale(gone(10), 2), 'x'],
  scaleAsync: [() => hp.scaleAsync(gone(10), 2), 'x'],
  scaleAndShift: [() => hp.scaleAndShift(gone(10), 2, 1), 'x'],
  'scaleAndShift out': [() => hp.scaleAndShift(f64(10), 2, 1, { out: gone(10) }), 'options.out'],
  'scaleAndShiftAsync out': [() => hp.scaleAndShiftAsync(f64(10), 2, 1, { out: gone(10) }), 'options.out'],
  distancesFromOrigin: [() => hp.distancesFromOrigin(gone(10)), 'points'],
  'distancesFromOrigin out': [() => hp.distancesFromOrigin(f64(10), { out: gone(5) }), 'options.out'],
  distancesFromOriginAsync: [() => hp.distancesFromOriginAsync(gone(10)), 'points'],
  haversineMany: [() => hp.haversineMany(0, 0, gone(10), degrees(10, 1)), 'lats'],
  'haversineMany out': [() => hp.haversineMany(0, 0, degrees(10, 1), degrees(10, 2), { out: gone(10) }), 'options.out'],
  nearestK: [() => hp.nearestK(0, 0, degrees(10, 1), gone(10), 3), 'lons'],
  'GeoIndex.build': [() => hp.GeoIndex.build(gone(10), gone(10)), 'lats'],
  'GeoIndex.buildAsync': [() => hp.GeoIndex.buildAsync(gone(10), gone(10)), 'lats'],
  'index.nearestBatch': [() => index.nearestBatch(gone(10), gone(10), 2), 'queryLats'],
  'index.nearestBatchAsync': [() => index.nearestBatchAsync(gone(10), gone(10), 2), 'queryLats'],
  'Accumulator.addMany': [() => new hp.Accumulator().addMany(gone(10)), 'values'],
  accumulate: [() => hp.accumulate([f64(3), gone(10)]), 'source[1]'],
  'accumulate float64le': [() => hp.accumulate([goneBytes(16)], { format: 'float64le' }), 'source[0]'],
  convolve: [() => hp.convolve(image(goneBytes(16)), box), 'image.data'],
  'convolve out': [() => hp.convolve(image(new Uint8Array(16)), box, { out: image(goneBytes(16)) }), 'options.out.data'],
  'convolve kernel': [() => hp.convolve(image(new Uint8Array(16)), { width: 3, height: 3, data: detached(new Float32Array(9)) }), 'kernel.data'],
  convolveAsync: [() => hp.convolveAsync(image(goneBytes(16)), box), 'image.data'],
  convolveSeparable: [() => hp.convolveSeparable(image(new Uint8Array(16)), detached(new Float32Array(3)), [1, 2, 1]), 'kx'],
  convolveSeparableAsync: [() => hp.convolveSeparableAsync(image(new Uint8Array(16)), [1, 2, 1], detached(new Float64Array(3))), 'ky'],
  gaussianBlur: [() => hp.gaussianBlur(image(goneBytes(16)), { sigma: 1 }), 'image.data'],
  'gaussianBlur sharp raw Buffer': [() => hp.gaussianBlur({ data: detached(Buffer.alloc(16)), info: { width: 4, height: 4, channels: 1 } }, { sigma: 1 }), 'image.data'],
  gaussianBlurAsync: [() => hp.gaussianBlurAsync(image(goneBytes(16)), { sigma: 1 }), 'image.data'],
  convolveBatch: [() => hp.convolveBatch([image(goneBytes(16))], box), 'images[0].data'],
  convolveBatchAsync: [() => hp.convolveBatchAsync([image(new Uint8Array(16)), image(goneBytes(16))], box), 'images[1].data'],
  'tokenizer.tokenizeBatch': [() => tokenizer.tokenizeBatch(goneBytes(16)), 'texts'],
  'tokenizer.tokenizeBatchAsync': [() => tokenizer.tokenizeBatchAsync(goneBytes(16)), 'texts'],
  'tokenizer.tokenizeBatchAsync large': [() => tokenizer.tokenizeBatchAsync(goneBytes(100_000)), 'texts'],
  'tokenizer.encodeBatch': [() => tokenizer.encodeBatch(goneBytes(16), { hashBits: 8 }), 'input'],
  'tokenizer.encodeBatchAsync': [() => tokenizer.encodeBatchAsync(goneBytes(100_000), { vocabulary }), 'input'],
  'tokenizer.buildVocabulary': [() => tokenizer.buildVocabulary(goneBytes(16)), 'input'],
  'tokenizer.buildVocabularyAsync': [() => tokenizer.buildVocabularyAsync(goneBytes(100_000)), 'input'],
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of source) items.push(item)
  return items
}

/** The error a call throws or rejects with, and whether it threw synchronously. */
async function failureOf(call: Call): Promise<{ error: unknown; sync: boolean }> {
  let result: unknown
  try {
    result = call()
  } catch (error) {
    return { error, sync: true }
  }
  try {
    await result
  } catch (error) {
    return { error, sync: false }
  }
  throw new Error(`resolved with ${String(result)}`)
}

describe('a detached argument is an error naming it, never an empty input', () => {
  for (const [name, [call, argument]] of Object.entries(calls)) {
    it(name, async () => {
      const { error, sync } = await failureOf(call)
      expect(error).toBeInstanceOf(hp.InvalidArgValueError)
      expect((error as { code: string }).code).toBe('ERR_INVALID_ARG_VALUE')
      expect((error as Error).message).toContain(`"${argument}" argument`)
      expect((error as Error).message).toMatch(/detached ArrayBuffer/)
      // Async APIs reject; only the sync ones throw.
      if (/Async|Queued|Iterable|accumulate/.test(name)) expect(sync).toBe(false)
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
