/**
 * scoreStream (an object-mode Transform with backpressure and bounded memory) and scoreIterable
 * (an async generator over any (async) iterable): order, shapes, batching, abort and clean-up.
 */
import { getEventListeners, once } from 'node:events'
import { Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { AbortError, RiskModel } from '../../src/index.js'
import { F32_TOL, F64_TOL, assertScores, makeRows, makeWeights, reference } from '../helpers/data.js'
import { ABORTED, expectErrorShape } from '../helpers/errors.js'
import { asyncFrom, collectScores, runStream } from '../helpers/streams.js'

const D = 20
const weights = makeWeights(D, 31)
const model = new RiskModel({ weights, threshold: 0.1 })

/** Vector `i` of a deterministic sequence: distinct, cheap to regenerate for checking. */
function vectorAt(i: number): Float64Array {
  const v = new Float64Array(D)
  for (let j = 0; j < D; j++) v[j] = ((i * 31 + j * 7) % 1009) / 500 - 1
  return v
}

describe('scoreStream', () => {
  it('is an object-mode Transform', () => {
    const stream = model.scoreStream()
    expect(stream).toBeInstanceOf(Transform)
    expect(stream.readableObjectMode).toBe(true)
    expect(stream.writableObjectMode).toBe(true)
    stream.destroy()
  })

  it('emits one number per vector, in input order, for number[], Float64Array and Float32Array vectors', async () => {
    const rows = makeRows(2500, D, 1)
    const vectors = Array.from({ length: 2500 }, (_, i) => {
      const row = rows.subarray(i * D, (i + 1) * D)
      return i % 3 === 0 ? Array.from(row) : i % 3 === 1 ? row : Float32Array.from(row)
    })
    const flat = new Float64Array(2500 * D)
    vectors.forEach((v, i) => flat.set(v, i * D))
    for (const options of [undefined, { batchSize: 1 }, { batchSize: 7, concurrency: 3 }, { batchSize: 1000, concurrency: 1 }, { batchSize: 4096, concurrency: 64 }]) {
      const outputs = await runStream(model.scoreStream(options), vectors)
      for (const s of outputs) expect(typeof s).toBe('number')
      assertScores(outputs, reference(flat, weights, 0.1), F64_TOL, JSON.stringify(options))
    }
  })

  it('ends without output for an empty input', async () => {
    expect(await runStream(model.scoreStream({ batchSize: 4 }), [])).toEqual([])
  })

  it('a NaN vector gives NaN at its position only', async () => {
    const vectors = Array.from({ length: 50 }, (_, i) => vectorAt(i))
    vectors[17] = Float64Array.from(vectors[17])
    vectors[17][3] = Number.NaN
    const outputs = await runStream(model.scoreStream({ batchSize: 8 }), vectors)
    outputs.forEach((s, i) => expect(Number.isNaN(s), `index ${i}`).toBe(i === 17))
  })

  it('works in stream.pipeline between a Readable and a Writable', async () => {
    const n = 30_000
    const got: number[] = []
    await pipeline(
      Readable.from((function* () {
        for (let i = 0; i < n; i++) yield vectorAt(i)
      })()),
      model.scoreStream({ batchSize: 512 }),
      new Writable({
        objectMode: true,
        write(score: number, _encoding, callback) {
          got.push(score)
          callback()
        },
      }),
    )
    const flat = new Float64Array(n * D)
    for (let i = 0; i < n; i++) flat.set(vectorAt(i), i * D)
    assertScores(got, reference(flat, weights, 0.1), F64_TOL)
  })

  it.each([
    [256, 2, 200_000],
    [1000, 4, 200_000],
    [7, 3, 20_000],
  ])(
    'backpressure: batchSize %i, concurrency %i, %i vectors from a fast producer to a slow consumer stay within batchSize*(concurrency+3) + writableHighWaterMark outstanding; order kept',
    async (batchSize, concurrency, total) => {
      const stream = model.scoreStream({ batchSize, concurrency })
      const bound = batchSize * (concurrency + 3) + stream.writableHighWaterMark
      let written = 0
      let read = 0
      let maxOutstanding = 0
      let backpressured = 0
      let wrongAt = -1
      const consumer = (async () => {
        for await (const score of stream) {
          // Order check against a fresh scoring of the vector this output belongs to.
          const expected = reference(vectorAt(read), weights, 0.1)[0]
          if (wrongAt < 0 && Math.abs(score - expected) > F64_TOL * Math.abs(expected)) wrongAt = read
          read++
          // A slow consumer: pauses every 500 scores.
          if (read % 500 === 0) await sleep(1)
        }
      })()
      for (let i = 0; i < total; i++) {
        const ok = stream.write(vectorAt(i))
        written++
        maxOutstanding = Math.max(maxOutstanding, written - read)
        if (!ok) {
          backpressured++
          await once(stream, 'drain')
        }
      }
      stream.end()
      await consumer
      expect(read).toBe(total)
      expect(wrongAt, 'first output out of order / wrong').toBe(-1)
      // The producer was really slowed down: otherwise the bound would not be tested.
      expect(backpressured).toBeGreaterThan(0)
      expect(maxOutstanding, `bound ${bound}`).toBeLessThanOrEqual(bound)
    },
  )

  it('can be destroyed while batches are in flight without crashing or unhandled rejections', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason)
    }
    process.on('unhandledRejection', onUnhandled)
    try {
      for (let round = 0; round < 5; round++) {
        const stream = model.scoreStream({ batchSize: 2000, concurrency: 2 })
        for (let i = 0; i < 5000; i++) stream.write(vectorAt(i))
        await sleep(round)
        stream.destroy()
        await once(stream, 'close')
      }
      await sleep(50)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
    // And the model still works.
    assertScores(await runStream(model.scoreStream(), [vectorAt(1)]), reference(vectorAt(1), weights, 0.1), F64_TOL)
  })
})

describe('scoreIterable', () => {
  it('yields a number per plain-array vector and a Float64Array per k x D chunk, in order across batch boundaries', async () => {
    const rows = makeRows(200, D, 5)
    const expected = reference(rows, weights, 0.1)
    // Item sizes (0 = plain vector) chosen to straddle batchSize 5: partial fills, exact fills,
    // chunks larger than the remaining room and chunks of several batches.
    const sizes = [0, 2, 0, 0, 3, 5, 1, 0, 7, 4, 0, 12, 1, 1, 0, 0, 0, 0, 0, 6, 25, 0, 3, 9]
    const items: (number[] | Float64Array | Float32Array)[] = []
    let row = 0
    let asF64 = false
    for (const k of sizes) {
      if (k === 0) items.push(Array.from(rows.subarray(row * D, ++row * D)))
      else {
        const chunk = rows.subarray(row * D, (row += k) * D)
        // Float64 and Float32 chunks alternate; Float32 ones are scored on their f32 values.
        asF64 = !asF64
        items.push(asF64 ? chunk : Float32Array.from(chunk))
      }
    }
    const flat = new Float64Array(row * D)
    let at = 0
    for (const item of items) {
      flat.set(item, at)
      at += item.length
    }
    const expectedMixed = reference(flat, weights, 0.1)
    expect(expectedMixed.length).toBe(row)
    for (const options of [{ batchSize: 5 }, { batchSize: 1 }, { batchSize: 5, concurrency: 1 }, { batchSize: 3, concurrency: 4 }, {}]) {
      for (const source of [() => items, () => asyncFrom(items), () => Readable.from(items, { objectMode: true })]) {
        const { items: yielded, flat: scores } = await collectScores(model.scoreIterable(source(), options))
        expect(yielded.length).toBe(items.length)
        sizes.forEach((k, i) => {
          if (k === 0) expect(typeof yielded[i]).toBe('number')
          else {
            expect(yielded[i]).toBeInstanceOf(Float64Array)
            expect((yielded[i] as Float64Array).length).toBe(k)
          }
        })
        assertScores(scores, expectedMixed, F32_TOL, JSON.stringify(options))
      }
    }
    // All-f64 input is exact to 1e-12.
    const { flat: exact } = await collectScores(model.scoreIterable([rows.subarray(0, 7 * D), Array.from(rows.subarray(7 * D, 8 * D)), rows.subarray(8 * D)], { batchSize: 4 }))
    assertScores(exact, expected, F64_TOL)
  })

  it('a single typed vector of length D is a chunk of one row and yields a Float64Array of 1', async () => {
    const v = vectorAt(3)
    const { items } = await collectScores(model.scoreIterable([v, Float32Array.from(v)]))
    expect(items).toHaveLength(2)
    expect(items[0]).toBeInstanceOf(Float64Array)
    expect((items[0] as Float64Array).length).toBe(1)
    assertScores(items[0] as Float64Array, reference(v, weights, 0.1), F64_TOL)
  })

  it('yields nothing for an empty source', async () => {
    expect((await collectScores(model.scoreIterable([]))).items).toEqual([])
    expect((await collectScores(model.scoreIterable(asyncFrom([])))).items).toEqual([])
  })

  it('does not read ahead of the consumer by more than batchSize * (concurrency + 1) vectors', async () => {
    const batchSize = 16
    const concurrency = 2
    let pulled = 0
    function* source(): Generator<Float64Array> {
      for (let i = 0; i < 2000; i++) {
        pulled++
        yield vectorAt(i).subarray(0) // a chunk of one row
      }
    }
    let consumed = 0
    let maxAhead = 0
    for await (const _ of model.scoreIterable(source(), { batchSize, concurrency })) {
      consumed++
      maxAhead = Math.max(maxAhead, pulled - consumed)
    }
    expect(consumed).toBe(2000)
    expect(maxAhead).toBeLessThanOrEqual(batchSize * (concurrency + 1))
  })

  it('propagates an error thrown by the source', async () => {
    const boom = new Error('source failed')
    async function* source(): AsyncGenerator<number[]> {
      yield Array.from(vectorAt(0))
      throw boom
    }
    await expect(collectScores(model.scoreIterable(source()))).rejects.toBe(boom)
  })

  it('closes the source when the consumer stops early', async () => {
    let closed = false
    async function* source(): AsyncGenerator<Float64Array> {
      try {
        for (let i = 0; ; i++) yield vectorAt(i)
      } finally {
        closed = true
      }
    }
    let n = 0
    for await (const _ of model.scoreIterable(source(), { batchSize: 8 })) {
      if (++n === 20) break
    }
    expect(closed).toBe(true)
  })

  it('rejects with AbortError when the signal is already aborted', async () => {
    const reason = new Error('no')
    const generator = model.scoreIterable([Array.from(vectorAt(0))], { signal: AbortSignal.abort(reason) })
    const error = await generator.next().then(
      () => undefined,
      (e: unknown) => e,
    )
    expectErrorShape(error, ABORTED)
    expect(error).toBeInstanceOf(AbortError)
    expect((error as Error).cause).toBe(reason)
  })

  it('stops with AbortError once the signal is aborted mid-iteration, yielding nothing after the abort', async () => {
    for (const batchSize of [4, 64]) {
      const controller = new AbortController()
      const vectors = Array.from({ length: 500 }, (_, i) => Array.from(vectorAt(i)))
      let afterAbort = 0
      let received = 0
      let caught: unknown
      try {
        for await (const _ of model.scoreIterable(vectors, { batchSize, signal: controller.signal })) {
          received++
          if (controller.signal.aborted) afterAbort++
          else if (received === 2) controller.abort()
        }
      } catch (error) {
        caught = error
      }
      expectErrorShape(caught, ABORTED)
      expect(afterAbort, `batchSize ${batchSize}: values yielded after abort()`).toBe(0)
    }
  })

  it('an abort while the generator waits for a slow source rejects with AbortError (does not wait for the source)', async () => {
    const controller = new AbortController()
    let release: () => void = () => {}
    const stalled = new Promise<void>((resolve) => (release = resolve))
    async function* source(): AsyncGenerator<number[]> {
      yield Array.from(vectorAt(0))
      await stalled // a source that has nothing more for a long time
      yield Array.from(vectorAt(1))
    }
    const iteration = collectScores(model.scoreIterable(source(), { batchSize: 1, signal: controller.signal })).then(
      () => 'finished',
      (error: unknown) => error,
    )
    setTimeout(() => controller.abort(), 20)
    // Liveness check, not a speed check: the source stays stalled for 2 s after the abort.
    const timer = setTimeout(release, 2000)
    const outcome = await Promise.race([iteration, stalled.then(() => 'still waiting for the source 2 s after abort()')])
    clearTimeout(timer)
    release()
    expectErrorShape(outcome, ABORTED)
  })

  it('an abort while a large chunk computes rejects with AbortError', async () => {
    const controller = new AbortController()
    const big = new Float64Array(500_000 * D).fill(0.5)
    const generator = model.scoreIterable([big, big], { signal: controller.signal })
    const first = generator.next()
    setImmediate(() => controller.abort())
    const error = await first.then(
      () => generator.next(),
    ).then(
      () => undefined,
      (e: unknown) => e,
    )
    expectErrorShape(error, ABORTED)
  })
})

describe('AbortSignal listeners', () => {
  it('a signal reused across many iterations and async calls keeps no listener once they finish', async () => {
    const controller = new AbortController()
    for (let i = 0; i < 20; i++) {
      await collectScores(model.scoreIterable([Array.from(makeRows(1, D, i))], { signal: controller.signal }))
      await model.scoreBatchAsync(makeRows(5000, D, i), { signal: controller.signal })
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})
