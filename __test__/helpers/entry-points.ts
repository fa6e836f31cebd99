/**
 * Every public entry point that takes memory (inputs and `out`), called with one argument whose
 * memory is gone: detached by a transfer, or a disposed NativeBuffer's. `lost` makes that
 * argument; each entry names the argument the error must name.
 */
import * as hp from '../../src/index.js'

export type Call = () => unknown

/** Makes arguments whose memory is gone, of each kind the entry points take. */
export interface LostMemory {
  f64(length: number): Float64Array
  f32(length: number): Float32Array
  u8(length: number): Uint8Array
  buffer(length: number): Buffer
}

const f64 = (n: number, seed = 1): Float64Array => new Float64Array(n).map((_, i) => ((i * 37 * seed) % 101) / 7 - 5)
const degrees = (n: number, seed: number): Float64Array => new Float64Array(n).map((_, i) => ((i * 37 * seed) % 170) - 85)
const image = <T extends hp.ImageSamples>(data: T): hp.Image<T> => ({ data, width: 4, height: 4, channels: 1 })
const box = { width: 3, height: 3, data: new Float32Array(9).fill(1 / 9) }
const model = new hp.RiskModel({ weights: f64(20) })
const index = hp.GeoIndex.build(degrees(100, 1), degrees(100, 2))
const tokenizer = new hp.Tokenizer()
const vocabulary = tokenizer.buildVocabulary(['a b'])

/** [call, the argument it must name] for every entry point. */
export function entryPointsWith(lost: LostMemory): Record<string, [Call, string]> {
  return {
    'model.score': [() => model.score(lost.f64(20)), 'features'],
    'model.scoreQueued': [() => model.scoreQueued(lost.f64(20)), 'features'],
    'model.scoreBatch rows': [() => model.scoreBatch(lost.f64(40)), 'rows'],
    'model.scoreBatch rows[i]': [() => model.scoreBatch([f64(20), lost.f64(20)]), 'rows[1]'],
    'model.scoreBatch out': [() => model.scoreBatch(f64(40), { out: lost.f64(2) }), 'options.out'],
    'model.scoreBatchAsync rows': [() => model.scoreBatchAsync(lost.f64(40)), 'rows'],
    'model.scoreBatchAsync large rows': [() => model.scoreBatchAsync(lost.f64(20 * 100_000)), 'rows'],
    'model.scoreBatchAsync out': [() => model.scoreBatchAsync(f64(40), { out: lost.f64(2) }), 'options.out'],
    'model.scoreIterable chunk': [() => collect(model.scoreIterable([f64(20), lost.f64(20)])), 'source[1]'],
    sum: [() => hp.sum(lost.f64(10)), 'x'],
    sumAsync: [() => hp.sumAsync(lost.f64(10)), 'x'],
    'sumAsync large': [() => hp.sumAsync(lost.f64(1_000_000)), 'x'],
    sumSquares: [() => hp.sumSquares(lost.f64(10)), 'x'],
    sumSquaresAsync: [() => hp.sumSquaresAsync(lost.f64(10)), 'x'],
    norm: [() => hp.norm(lost.f64(10)), 'x'],
    normAsync: [() => hp.normAsync(lost.f64(10)), 'x'],
    'dot x': [() => hp.dot(lost.f64(10), f64(10)), 'x'],
    'dot y (empty x)': [() => hp.dot(f64(0), lost.f64(0)), 'y'],
    dotAsync: [() => hp.dotAsync(f64(10), lost.f64(10)), 'y'],
    sqEuclidean: [() => hp.sqEuclidean(lost.f64(10), f64(10)), 'x'],
    sqEuclideanAsync: [() => hp.sqEuclideanAsync(lost.f64(10), f64(10)), 'x'],
    scale: [() => hp.scale(lost.f64(10), 2), 'x'],
    scaleAsync: [() => hp.scaleAsync(lost.f64(10), 2), 'x'],
    scaleAndShift: [() => hp.scaleAndShift(lost.f64(10), 2, 1), 'x'],
    'scaleAndShift out': [() => hp.scaleAndShift(f64(10), 2, 1, { out: lost.f64(10) }), 'options.out'],
    'scaleAndShiftAsync out': [() => hp.scaleAndShiftAsync(f64(10), 2, 1, { out: lost.f64(10) }), 'options.out'],
    distancesFromOrigin: [() => hp.distancesFromOrigin(lost.f64(10)), 'points'],
    'distancesFromOrigin out': [() => hp.distancesFromOrigin(f64(10), { out: lost.f64(5) }), 'options.out'],
    distancesFromOriginAsync: [() => hp.distancesFromOriginAsync(lost.f64(10)), 'points'],
    haversineMany: [() => hp.haversineMany(0, 0, lost.f64(10), degrees(10, 1)), 'lats'],
    'haversineMany out': [() => hp.haversineMany(0, 0, degrees(10, 1), degrees(10, 2), { out: lost.f64(10) }), 'options.out'],
    nearestK: [() => hp.nearestK(0, 0, degrees(10, 1), lost.f64(10), 3), 'lons'],
    'GeoIndex.build': [() => hp.GeoIndex.build(lost.f64(10), lost.f64(10)), 'lats'],
    'GeoIndex.buildAsync': [() => hp.GeoIndex.buildAsync(lost.f64(10), lost.f64(10)), 'lats'],
    'index.nearestBatch': [() => index.nearestBatch(lost.f64(10), lost.f64(10), 2), 'queryLats'],
    'index.nearestBatchAsync': [() => index.nearestBatchAsync(lost.f64(10), lost.f64(10), 2), 'queryLats'],
    'Accumulator.addMany': [() => new hp.Accumulator().addMany(lost.f64(10)), 'values'],
    accumulate: [() => hp.accumulate([f64(3), lost.f64(10)]), 'source[1]'],
    'accumulate float64le': [() => hp.accumulate([lost.u8(16)], { format: 'float64le' }), 'source[0]'],
    convolve: [() => hp.convolve(image(lost.u8(16)), box), 'image.data'],
    'convolve out': [() => hp.convolve(image(new Uint8Array(16)), box, { out: image(lost.u8(16)) }), 'options.out.data'],
    'convolve kernel': [() => hp.convolve(image(new Uint8Array(16)), { width: 3, height: 3, data: lost.f32(9) }), 'kernel.data'],
    convolveAsync: [() => hp.convolveAsync(image(lost.u8(16)), box), 'image.data'],
    convolveSeparable: [() => hp.convolveSeparable(image(new Uint8Array(16)), lost.f32(3), [1, 2, 1]), 'kx'],
    convolveSeparableAsync: [() => hp.convolveSeparableAsync(image(new Uint8Array(16)), [1, 2, 1], lost.f64(3)), 'ky'],
    gaussianBlur: [() => hp.gaussianBlur(image(lost.u8(16)), { sigma: 1 }), 'image.data'],
    'gaussianBlur sharp raw Buffer': [() => hp.gaussianBlur({ data: lost.buffer(16), info: { width: 4, height: 4, channels: 1 } }, { sigma: 1 }), 'image.data'],
    gaussianBlurAsync: [() => hp.gaussianBlurAsync(image(lost.u8(16)), { sigma: 1 }), 'image.data'],
    convolveBatch: [() => hp.convolveBatch([image(lost.u8(16))], box), 'images[0].data'],
    convolveBatchAsync: [() => hp.convolveBatchAsync([image(new Uint8Array(16)), image(lost.u8(16))], box), 'images[1].data'],
    'tokenizer.tokenizeBatch': [() => tokenizer.tokenizeBatch(lost.u8(16)), 'texts'],
    'tokenizer.tokenizeBatchAsync': [() => tokenizer.tokenizeBatchAsync(lost.u8(16)), 'texts'],
    'tokenizer.tokenizeBatchAsync large': [() => tokenizer.tokenizeBatchAsync(lost.u8(100_000)), 'texts'],
    'tokenizer.encodeBatch': [() => tokenizer.encodeBatch(lost.u8(16), { hashBits: 8 }), 'input'],
    'tokenizer.encodeBatchAsync': [() => tokenizer.encodeBatchAsync(lost.u8(100_000), { vocabulary }), 'input'],
    'tokenizer.buildVocabulary': [() => tokenizer.buildVocabulary(lost.u8(16)), 'input'],
    'tokenizer.buildVocabularyAsync': [() => tokenizer.buildVocabularyAsync(lost.u8(100_000)), 'input'],
  }
}

/** Whether the entry point is asynchronous (rejects rather than throws). */
export function isAsyncEntryPoint(name: string): boolean {
  return /Async|Queued|Iterable|accumulate/.test(name)
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of source) items.push(item)
  return items
}

/** The error a call throws or rejects with, and whether it threw synchronously. */
export async function failureOf(call: Call): Promise<{ error: unknown; sync: boolean }> {
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
