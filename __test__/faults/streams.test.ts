/**
 * Faults in user code mid-stream (issue 11, item 5): for every streaming API (scoreStream,
 * scoreIterable, convolveStream, convolveEach, accumulate), a source, iterator or consumer that
 * throws or errors after some items, while native batches are in flight. The stream or promise
 * must fail with the user's error (Node's convention: user errors propagate as they are), within a
 * few seconds (nothing hangs), and the native pool must be free afterwards: more concurrent native
 * calls than it has slots all complete.
 */
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { RiskModel, accumulate, convolveEach, convolveStream, sumAsync } from '../../src/index.js'

const D = 20
const model = new RiskModel({ weights: new Float64Array(D).fill(0.1), threshold: 0.5 })
/** 2,000 rows of 20: above the 32,768 values scored inline, so each chunk is a native task. */
const chunk = (): Float64Array => new Float64Array(2000 * D).fill(0.5)
/** 256 x 256 x 3 with a 3 x 3 kernel: above the async inline limit, a native task per image. */
const image = () => ({ data: new Uint8Array(256 * 256 * 3).fill(9), width: 256, height: 256, channels: 3 })
const box = { width: 3, height: 3, data: [1, 1, 1, 1, 1, 1, 1, 1, 1] }

class SourceError extends Error {
  override name = 'SourceError'
}

const LIMIT_MS = 5000
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing settled within ${LIMIT_MS} ms (hang)`)), LIMIT_MS)
  })
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer))
}

/** Settles with the error `promise` rejects with (or fails when it resolves). */
async function failure(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await within(promise, what)
  } catch (error) {
    return error
  }
  throw new Error(`${what}: resolved, expected the source's error`)
}

/** Items, then a throw: as a generator (sync or async). */
function* throwingSync<T>(items: T[], error: Error): Generator<T> {
  yield* items
  throw error
}
async function* throwingAsync<T>(items: T[], error: Error): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve))
    yield item
  }
  throw error
}
/** A Readable that emits `items`, then errors with `error` (destroy mid-stream). */
function erroringReadable<T>(items: T[], error: Error): Readable {
  let i = 0
  return new Readable({
    objectMode: true,
    read() {
      if (i < items.length) this.push(items[i++])
      else this.destroy(error)
    },
  })
}
/** An iterator whose next() rejects on the third call. */
function rejectingIterator<T>(items: T[], error: Error): AsyncIterable<T> {
  let i = 0
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => (i < items.length ? Promise.resolve({ value: items[i++], done: false }) : Promise.reject(error)),
    }),
  }
}
const sink = (): Writable => new Writable({ objectMode: true, write: (_c, _e, cb) => cb() })

/** More concurrent native calls than the pool has slots: all complete, so no slot was lost. */
async function poolIsFree(): Promise<void> {
  const x = new Float64Array(100_000).fill(1)
  const rows = chunk()
  const results = await within(Promise.all([...Array.from({ length: 6 }, () => sumAsync(x)), model.scoreBatchAsync(rows), model.scoreBatchAsync(rows)]), 'native calls after the failure')
  expect(results.slice(0, 6)).toEqual(Array(6).fill(100_000))
}

afterEach(async () => {
  await poolIsFree()
})

async function drain(iterable: AsyncIterable<unknown>): Promise<number> {
  let n = 0
  for await (const _ of iterable) n++
  return n
}

describe('a user source that throws mid-stream fails the stream with its error; nothing hangs; the pool is free after', () => {
  const sources = {
    'a sync generator that throws': <T>(items: T[], e: Error) => throwingSync(items, e),
    'an async generator that throws': <T>(items: T[], e: Error) => throwingAsync(items, e),
    'an iterator whose next() rejects': <T>(items: T[], e: Error) => rejectingIterator(items, e),
    'a Readable that errors': <T>(items: T[], e: Error) => erroringReadable(items, e),
  }

  for (const [kind, make] of Object.entries(sources)) {
    it(`scoreIterable: ${kind}`, async () => {
      const e = new SourceError(kind)
      expect(await failure(drain(model.scoreIterable(make([chunk(), chunk(), chunk()], e) as AsyncIterable<Float64Array>, { batchSize: 512 })), kind)).toBe(e)
    })

    it(`convolveEach: ${kind}`, async () => {
      const e = new SourceError(kind)
      expect(await failure(drain(convolveEach(make([image(), image(), image()], e) as AsyncIterable<ReturnType<typeof image>>, box, { concurrency: 2 })), kind)).toBe(e)
    })

    it(`accumulate: ${kind}`, async () => {
      const e = new SourceError(kind)
      expect(await failure(accumulate(make([new Float64Array(5000).fill(1), [1, 2, 3]], e) as AsyncIterable<Float64Array>), kind)).toBe(e)
    })

    it(`scoreStream (through pipeline): ${kind}`, async () => {
      const e = new SourceError(kind)
      const vectors = Array.from({ length: 5000 }, () => new Float64Array(D).fill(0.25))
      const source = Readable.from(make(vectors, e) as AsyncIterable<Float64Array>)
      expect(await failure(pipeline(source, model.scoreStream({ batchSize: 2048 }), sink()), kind)).toBe(e)
    })

    it(`convolveStream (through pipeline): ${kind}`, async () => {
      const e = new SourceError(kind)
      const source = Readable.from(make([image(), image(), image()], e) as AsyncIterable<ReturnType<typeof image>>)
      expect(await failure(pipeline(source, convolveStream(box, { concurrency: 2 }), sink()), kind)).toBe(e)
    })
  }

  it('scoreStream and convolveStream: a consumer (sink) that fails mid-stream fails the pipeline with its error', async () => {
    const cases: [string, () => Readable, () => NodeJS.ReadWriteStream][] = [
      ['scoreStream', () => Readable.from(Array.from({ length: 6000 }, () => new Float64Array(D).fill(0.25))), () => model.scoreStream({ batchSize: 2048 })],
      ['convolveStream', () => Readable.from([image(), image(), image(), image()]), () => convolveStream(box)],
    ]
    for (const [name, source, stream] of cases) {
      const e = new SourceError('sink')
      let seen = 0
      const failing = new Writable({
        objectMode: true,
        write: (_c, _e, cb) => (++seen === 2 ? cb(e) : cb()),
      })
      expect(await failure(pipeline(source(), stream(), failing), name)).toBe(e)
    }
  })

  it('scoreIterable and convolveEach: a consumer that stops early (break) closes the source, and nothing is left running', async () => {
    let closed = 0
    async function* source<T>(make: () => T): AsyncGenerator<T> {
      try {
        for (let i = 0; i < 100; i++) yield make()
      } finally {
        closed++
      }
    }
    for await (const _ of model.scoreIterable(source(chunk), { batchSize: 512 })) break
    for await (const _ of convolveEach(source(image), box)) break
    expect(closed).toBe(2)
  })

  it('a feature vector whose element getter throws, written to scoreStream, errors the stream with that error', async () => {
    const e = new SourceError('getter')
    const bad: number[] = Array.from({ length: D }, () => 1)
    Object.defineProperty(bad, 3, {
      get: () => {
        throw e
      },
    })
    const vectors: unknown[] = Array.from({ length: 3000 }, () => new Float64Array(D).fill(0.25))
    vectors.splice(2500, 0, bad)
    expect(await failure(pipeline(Readable.from(vectors), model.scoreStream({ batchSize: 1024 }), sink()), 'getter')).toBe(e)
  })
})
