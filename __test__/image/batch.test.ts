/**
 * Throughput APIs of the image kernels: convolveBatch equals one call per image; the async twins
 * equal the sync calls (inline below 65,536 samples x taps, on a worker thread above), take a copy
 * of their input at the call, reject (never throw) on bad arguments, and abort before and while
 * they run; convolveStream and convolveEach keep input order with several images in flight,
 * bound how many they hold, and pass on errors and aborts.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import {
  AbortError,
  convolve,
  convolveAsync,
  convolveBatch,
  convolveBatchAsync,
  convolveEach,
  convolveSeparable,
  convolveSeparableAsync,
  convolveStream,
  gaussianBlur,
  gaussianBlurAsync,
  type FilterKernel,
  type Image,
  type ImageInput,
} from '../../src/index.js'
import { ABORTED, INVALID_TYPE, INVALID_VALUE, OUT_OF_RANGE, expectErrorShape, expectRejects, type ErrorShape } from '../helpers/errors.js'
import { cloneImage, expectSameImage, makeImage, makeKernel, makeWeights, samples, type SampleType } from '../helpers/image.js'
import { nextTurn } from '../helpers/runtime.js'
import { asyncFrom } from '../helpers/streams.js'

/** Lets tests pass values the types forbid, as JavaScript callers can. */
function loose<T>(value: unknown): T {
  return value as T
}

const blur = makeKernel(5, 5, 1, 'positive')
const sharpen = makeKernel(3, 3, 2, 'signed')
const kx = makeWeights(7, 3, 'positive')
const ky = makeWeights(5, 4, 'signed')

/** The three filter forms of the batch and streaming APIs, and the single-image call each stands for. */
const FILTERS: [string, FilterKernel, (image: ImageInput, options?: object) => Image][] = [
  ['2D', sharpen, (image, options) => convolve(image, sharpen, options)],
  ['separable', { x: kx, y: ky }, (image, options) => convolveSeparable(image, kx, ky, options)],
  ['gaussian', { sigma: 1.5 }, (image, options) => gaussianBlur(image, { sigma: 1.5 }, options)],
]

/** Images of mixed sizes and sample types, `channels` each (or mixed when omitted). */
function mixedImages(channels?: number): Image[] {
  const shapes: [SampleType, number, number][] = [
    ['u8', 1, 1],
    ['u16', 40, 30],
    ['f32', 7, 1],
    ['u8c', 1, 9],
    ['u8', 200, 150],
    ['f32', 64, 64],
    ['u16', 3, 2],
  ]
  return shapes.map(([type, w, h], i) => makeImage(type, w, h, channels ?? 1 + (i % 4), 100 + i, type === 'f32' ? 'wide' : 'full'))
}

describe('convolveBatch', () => {
  it.each(FILTERS)('equals one call per image: mixed sizes and sample types, same channel count (%s)', (_name, filter, single) => {
    for (const channels of [1, 3, 4]) {
      const images = mixedImages(channels)
      for (const options of [undefined, { border: 'mirror' as const, rounding: 'truncate' as const }, { border: 'zero' as const, channels: [0] }]) {
        const batch = convolveBatch(images, filter, options)
        expect(batch).toHaveLength(images.length)
        batch.forEach((out, i) => expectSameImage(out, single(images[i], options), `${channels} channels, image ${i}, ${JSON.stringify(options)}`))
      }
    }
  })

  // Currently fails: src/image/convolve.ts batchArguments builds one channel mask from the fewest
  // channels in the batch ((1 << fewest) - 1), so with a 1-channel image in the batch the other
  // images get only channel 0 filtered and their other channels copied.
  it.each(FILTERS)('equals one call per image: mixed channel counts 1..4 (%s)', (_name, filter, single) => {
    const images = mixedImages()
    const batch = convolveBatch(images, filter)
    batch.forEach((out, i) => expectSameImage(out, single(images[i]), `image ${i} (${images[i].channels} channels)`))
  })

  it('a large batch (parallel across images) equals one call per image; the same image may appear twice; [] gives []', () => {
    const images = Array.from({ length: 12 }, (_, i) => makeImage(i % 2 ? 'u16' : 'f32', 120 + i, 80, 1, i))
    images.push(images[3])
    const batch = convolveBatch(images, { sigma: 2 }, { border: 'clamp' })
    batch.forEach((out, i) => expectSameImage(out, gaussianBlur(images[i], { sigma: 2 }, { border: 'clamp' }), `image ${i}`))
    expect(batch[12].data).not.toBe(batch[3].data)
    expect(convolveBatch([], blur)).toEqual([])
  })

  it('accepts sharp raw images and Buffers; results are fresh plain arrays', () => {
    const a = makeImage<Uint8Array>('u8', 30, 20, 3, 1)
    const sharpRaw = { data: Buffer.from(a.data), info: { width: 30, height: 20, channels: 3 } }
    const [out] = convolveBatch([sharpRaw], blur)
    expect(out.data.constructor).toBe(Uint8Array)
    expectSameImage(out, convolve(a, blur), 'sharp + Buffer')
  })
})

describe('async twins', () => {
  // Small images run inline, large ones (>= 65,536 samples x taps) on a worker thread.
  const images = [makeImage('u8', 9, 7, 3, 1), makeImage('u16', 300, 200, 1, 2), makeImage('f32', 160, 120, 4, 3, 'specials'), makeImage('u8c', 128, 96, 2, 4)]

  it('equal the sync calls, for every filter form and options', async () => {
    for (const [i, image] of images.entries()) {
      for (const options of [undefined, { border: 'mirror' as const }, { border: 'zero' as const, rounding: 'truncate' as const, channels: [0] }]) {
        const label = `image ${i} ${JSON.stringify(options)}`
        expectSameImage(await convolveAsync(image, sharpen, options), convolve(image, sharpen, options), `convolveAsync ${label}`)
        expectSameImage(await convolveSeparableAsync(image, kx, ky, options), convolveSeparable(image, kx, ky, options), `convolveSeparableAsync ${label}`)
        expectSameImage(await gaussianBlurAsync(image, { sigma: 1.2, radius: 5 }, options), gaussianBlur(image, { sigma: 1.2, radius: 5 }, options), `gaussianBlurAsync ${label}`)
      }
    }
    for (const filter of [sharpen, { x: kx, y: ky }, { sigma: 1 }]) {
      const sync = convolveBatch(images, filter, { border: 'clamp' })
      const batch = await convolveBatchAsync(images, filter, { border: 'clamp' })
      batch.forEach((out, i) => expectSameImage(out, sync[i], `convolveBatchAsync ${i}`))
      const same = images.filter((image) => image.channels === 1)
      ;(await convolveBatchAsync([...same, ...same], filter)).forEach((out, i) => expectSameImage(out, convolveBatch([same[i % same.length]], filter)[0], `convolveBatchAsync same channels ${i}`))
    }
  })

  it('several at once give the same results as one at a time', async () => {
    const results = await Promise.all(images.flatMap((image) => [convolveAsync(image, blur), gaussianBlurAsync(image, { sigma: 2 })]))
    images.forEach((image, i) => {
      expectSameImage(results[2 * i], convolve(image, blur), `convolveAsync ${i}`)
      expectSameImage(results[2 * i + 1], gaussianBlur(image, { sigma: 2 }), `gaussianBlurAsync ${i}`)
    })
  })

  it('write into options.out and resolve to it; accept sharp raw images', async () => {
    for (const image of images) {
      const out = { ...image, data: samples(image.data instanceof Float32Array ? 'f32' : image.data instanceof Uint16Array ? 'u16' : image.data instanceof Uint8ClampedArray ? 'u8c' : 'u8', image.data.length) }
      const result = await convolveAsync({ data: image.data, info: { width: image.width, height: image.height, channels: image.channels } }, blur, { out })
      expect(result.data).toBe(out.data)
      expectSameImage(result, convolve(image, blur), 'out')
    }
  })

  it('take a copy of the input at the call: changing it right after does not change the result', async () => {
    for (const image of images) {
      const expected = gaussianBlur(image, { sigma: 2 })
      const copy = cloneImage(image)
      const pending = gaussianBlurAsync(copy, { sigma: 2 })
      copy.data.fill(0)
      expectSameImage(await pending, expected, 'gaussianBlurAsync')
      const copy2 = cloneImage(image)
      const pendingBatch = convolveBatchAsync([copy2, copy2], blur)
      copy2.data.fill(1)
      for (const out of await pendingBatch) expectSameImage(out, convolve(image, blur), 'convolveBatchAsync')
    }
  })

  it('take the copy at the call even when every native task slot is busy and the call has to wait', async () => {
    // Enough calls at once to fill hotpath's slots (half the libuv pool), so the last ones queue.
    const image = makeImage('u8', 300, 200, 3, 21)
    const expected = gaussianBlur(image, { sigma: 3 })
    const copies = Array.from({ length: 6 }, () => cloneImage(image))
    const pending = copies.map((copy) => gaussianBlurAsync(copy, { sigma: 3 }))
    for (const copy of copies) copy.data.fill(0)
    for (const result of await Promise.all(pending)) expectSameImage(result, expected, 'queued gaussianBlurAsync')
  })

  it('reject (never throw synchronously) on bad arguments', async () => {
    const image = images[1]
    const bad: [string, () => Promise<unknown>, ErrorShape][] = [
      ['image', () => convolveAsync(loose<Image>(null), blur), INVALID_TYPE],
      ['image.data', () => convolveAsync({ ...image, data: loose<Uint8Array>(new Int16Array(image.data.length)) }, blur), INVALID_TYPE],
      ['image.data', () => convolveAsync({ ...image, width: image.width + 1 }, blur), INVALID_VALUE],
      ['kernel.width', () => convolveAsync(image, { ...blur, width: 4 }), OUT_OF_RANGE],
      ['kx', () => convolveSeparableAsync(image, [1, 1], ky), INVALID_VALUE],
      ['ky', () => convolveSeparableAsync(image, kx, loose('1')), INVALID_TYPE],
      ['gaussian.sigma', () => gaussianBlurAsync(image, { sigma: -1 }), OUT_OF_RANGE],
      ['options.border', () => gaussianBlurAsync(image, { sigma: 1 }, loose({ border: 'wrap' })), INVALID_VALUE],
      ['options.signal', () => convolveAsync(image, blur, loose({ signal: 'now' })), INVALID_TYPE],
      ['options.out.data', () => convolveAsync(image, blur, { out: image }), INVALID_VALUE],
      ['images', () => convolveBatchAsync(loose(image), blur), INVALID_TYPE],
      ['images[1].info.channels', () => convolveBatchAsync([image, { data: image.data, info: { width: image.width, height: image.height, channels: 0 } }], blur), OUT_OF_RANGE],
      ['kernel', () => convolveBatchAsync([image], loose({ radius: 3 })), INVALID_TYPE],
      ['options.out', () => convolveBatchAsync([image], blur, loose({ out: image })), INVALID_VALUE],
    ]
    for (const [name, start, shape] of bad) await expectRejects(start, { ...shape, includes: [`"${name}"`] })
  })
})

describe('abort', () => {
  it('an already aborted signal rejects with an AbortError (code ABORT_ERR, cause = reason) without running', async () => {
    const reason = new Error('stop')
    const signal = AbortSignal.abort(reason)
    for (const image of [makeImage('u8', 4, 4, 1, 1), makeImage('f32', 300, 300, 1, 2)]) {
      const out = { ...image, data: image.data.slice().fill(7) }
      const calls: (() => Promise<unknown>)[] = [
        () => convolveAsync(image, blur, { signal, out }),
        () => convolveSeparableAsync(image, kx, ky, { signal, out }),
        () => gaussianBlurAsync(image, { sigma: 1 }, { signal, out }),
        () => convolveBatchAsync([image, image], blur, { signal }),
      ]
      for (const start of calls) {
        const error = await expectRejects(start, ABORTED)
        expect(error).toBeInstanceOf(AbortError)
        expect(error.cause).toBe(reason)
      }
      expect(out.data.every((v) => v === 7), 'out left untouched').toBe(true)
    }
  })

  it('aborting a long call on a big image rejects with an AbortError; the next call works', async () => {
    // 2048 x 1024 with a 63 x 63 kernel: billions of multiply-adds, far longer than the abort delay.
    const big = makeImage('f32', 2048, 1024, 1, 5)
    const huge = makeKernel(63, 63, 5, 'positive')
    for (const start of [
      (signal: AbortSignal) => convolveAsync(big, huge, { signal }),
      (signal: AbortSignal) => convolveBatchAsync([big, big], huge, { signal }),
      (signal: AbortSignal) => convolveSeparableAsync(makeImage('u16', 4096, 4096, 1, 6), huge.data.slice(0, 63) as Float32Array, huge.data.slice(63, 126) as Float32Array, { signal }),
    ]) {
      const controller = new AbortController()
      const started = performance.now()
      const pending = start(controller.signal)
      await nextTurn()
      await sleep(20)
      controller.abort()
      const error = await pending.then(
        () => expect.fail('expected an abort'),
        (e: unknown) => e,
      )
      expectErrorShape(error, ABORTED)
      expect(performance.now() - started).toBeLessThan(5_000)
    }
    const small = makeImage('u8', 300, 200, 1, 7)
    expectSameImage(await convolveAsync(small, blur, { signal: new AbortController().signal }), convolve(small, blur), 'after aborts')
  })
})

/** Collects a readable's objects. */
async function collect(readable: AsyncIterable<unknown>): Promise<Image[]> {
  const out: Image[] = []
  for await (const image of readable) out.push(image as Image)
  return out
}

/** Images whose work shrinks along the list: later ones finish first when several run at once. */
function decreasing(): Image[] {
  return Array.from({ length: 10 }, (_, i) => makeImage(i % 3 === 0 ? 'u8' : i % 3 === 1 ? 'u16' : 'f32', 400 - 35 * i, 300 - 25 * i, 1 + (i % 4), 50 + i))
}

describe('convolveStream', () => {
  it('emits results in input order with concurrency > 1 (pipeline from Readable.from)', async () => {
    const images = decreasing()
    for (const [name, filter, single] of FILTERS) {
      for (const concurrency of [1, 3, 8]) {
        const results: Image[] = []
        await pipeline(Readable.from(images), convolveStream(filter, { concurrency, border: 'clamp', rounding: 'truncate' }), async (source: AsyncIterable<Image>) => {
          results.push(...(await collect(source)))
        })
        expect(results).toHaveLength(images.length)
        results.forEach((out, i) => expectSameImage(out, single(images[i], { border: 'clamp', rounding: 'truncate' }), `${name} concurrency ${concurrency} image ${i}`))
      }
    }
  })

  it('applies the channels option per image', async () => {
    const images = [makeImage('u8', 100, 80, 4, 1), makeImage('u8', 100, 80, 2, 2)]
    const results = await collect(Readable.from(images).pipe(convolveStream(blur, { channels: [1] })))
    results.forEach((out, i) => expectSameImage(out, convolve(images[i], blur, { channels: [1] }), `image ${i}`))
  })

  it('a bad image mid-stream fails the pipeline with its error, naming the image', async () => {
    const images: unknown[] = decreasing().slice(0, 5)
    images[2] = { data: new Uint8Array(5), width: 2, height: 2, channels: 1 }
    const emitted: Image[] = []
    const run = pipeline(Readable.from(images), convolveStream(blur, { concurrency: 2 }), async (source: AsyncIterable<Image>) => {
      for await (const image of source) emitted.push(image)
    })
    const error = await run.then(
      () => expect.fail('expected the pipeline to fail'),
      (e: unknown) => e,
    )
    expectErrorShape(error, { ...INVALID_VALUE, includes: ['"images[2].data"', '2 x 2 x 1 = 4', 'length 5'] })
    expect(emitted.length).toBeLessThanOrEqual(2)
  })

  it('an abort through options.signal destroys the stream with an AbortError', async () => {
    const controller = new AbortController()
    const stream = convolveStream(blur, { signal: controller.signal, concurrency: 2 })
    async function* source(): AsyncGenerator<Image> {
      for (let i = 0; ; i++) {
        if (i === 3) controller.abort()
        yield makeImage('u8', 200, 200, 1, i)
        await sleep(1)
      }
    }
    const error = await pipeline(source(), stream, async (s: AsyncIterable<Image>) => {
      for await (const _ of s) void _
    }).then(
      () => expect.fail('expected an abort'),
      (e: unknown) => e,
    )
    expectErrorShape(error, ABORTED)
    // Already aborted: fails at once.
    const early = await collect(Readable.from([makeImage('u8', 10, 10, 1, 1)]).pipe(convolveStream(blur, { signal: AbortSignal.abort() }))).then(
      () => undefined,
      (e: unknown) => e,
    )
    expectErrorShape(early, ABORTED)
  })
})

describe('convolveEach', () => {
  it('yields results in order from arrays, generators and async iterables', async () => {
    const images = decreasing()
    const expected = images.map((image) => gaussianBlur(image, { sigma: 1 }, { border: 'mirror' }))
    const sources: [string, () => Iterable<ImageInput> | AsyncIterable<ImageInput>][] = [
      ['array', () => images],
      ['generator', () => images.values()],
      ['async iterable', () => asyncFrom(images)],
      ['Readable', () => Readable.from(images)],
    ]
    for (const [name, source] of sources) {
      for (const concurrency of [1, 2, 5]) {
        const got = await collect(convolveEach(source(), { sigma: 1 }, { concurrency, border: 'mirror' }))
        expect(got).toHaveLength(images.length)
        got.forEach((out, i) => expectSameImage(out, expected[i], `${name} concurrency ${concurrency} image ${i}`))
      }
    }
  })

  it('holds at most concurrency + 1 images pulled but not yet yielded, and does run several at once', async () => {
    for (const concurrency of [1, 2, 4]) {
      let pulled = 0
      let yielded = 0
      let most = 0
      function* counting(): Generator<Image> {
        for (let i = 0; i < 12; i++) {
          pulled++
          most = Math.max(most, pulled - yielded)
          // Large enough to run on a worker thread (>= 65,536 samples x taps).
          yield makeImage('u16', 160, 120, 1, i)
        }
      }
      for await (const image of convolveEach(counting(), blur, { concurrency })) {
        yielded++
        expect(image.width).toBe(160)
        // A slow consumer: the generator must not run ahead of it.
        await sleep(2)
        most = Math.max(most, pulled - yielded)
      }
      expect(yielded).toBe(12)
      expect(most, `concurrency ${concurrency}`).toBeLessThanOrEqual(concurrency + 1)
      if (concurrency > 1) expect(most, `concurrency ${concurrency}`).toBeGreaterThanOrEqual(concurrency)
    }
  })

  it('aborts through options.signal, also while waiting on a slow source', async () => {
    const controller = new AbortController()
    async function* slow(): AsyncGenerator<Image> {
      for (let i = 0; ; i++) {
        yield makeImage('u8', 50, 50, 1, i)
        await sleep(i === 2 ? 60_000 : 1)
      }
    }
    const got: Image[] = []
    const run = (async () => {
      for await (const image of convolveEach(slow(), blur, { signal: controller.signal, concurrency: 1 })) got.push(image)
    })()
    await sleep(50)
    controller.abort()
    const started = performance.now()
    const error = await run.then(
      () => expect.fail('expected an abort'),
      (e: unknown) => e,
    )
    expectErrorShape(error, ABORTED)
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(got.length).toBeGreaterThan(0)
    // An already aborted signal rejects on the first pull.
    const early = await collect(convolveEach([makeImage('u8', 4, 4, 1, 1)], blur, { signal: AbortSignal.abort() })).then(
      () => undefined,
      (e: unknown) => e,
    )
    expectErrorShape(early, ABORTED)
  })

  it('a bad image or a bad source rejects the iteration, naming it', async () => {
    const images: unknown[] = [makeImage('u8', 10, 10, 1, 1), makeImage('u8', 10, 10, 1, 2), { data: new Float64Array(4), width: 2, height: 2, channels: 1 }]
    const got: Image[] = []
    const error = await (async () => {
      for await (const image of convolveEach(loose(images), blur)) got.push(image)
    })().then(
      () => expect.fail('expected a failure'),
      (e: unknown) => e,
    )
    expectErrorShape(error, { ...INVALID_TYPE, includes: ['"source[2].data"', 'Float64Array'] })
    const notIterable = await collect(convolveEach(loose(42), blur)).then(
      () => undefined,
      (e: unknown) => e,
    )
    expectErrorShape(notIterable, { ...INVALID_TYPE, includes: ['"source"'] })
    const badKernel = await collect(convolveEach([], loose({ width: 2, height: 1, data: [1, 1] }))).then(
      () => undefined,
      (e: unknown) => e,
    )
    expectErrorShape(badKernel, { ...OUT_OF_RANGE, includes: ['"kernel.width"'] })
    const badConcurrency = await collect(convolveEach([], blur, { concurrency: 0 })).then(
      () => undefined,
      (e: unknown) => e,
    )
    expectErrorShape(badConcurrency, { ...OUT_OF_RANGE, includes: ['"options.concurrency"'] })
  })
})
