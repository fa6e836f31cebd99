/**
 * Every error has a stable code. Hostile arguments can make the engine itself throw while hotpath
 * reads them (a revoked proxy answers every operation with a TypeError); those built-in errors
 * must reach the caller with hotpath's codes and the original as `cause`, from sync calls, async
 * calls, iterables and streams alike. Errors the caller's own code throws pass through unchanged.
 */
import { finished } from 'node:stream/promises'
import type { Transform } from 'node:stream'
import { describe, expect, it } from 'vitest'
import * as hp from '../../src/index.js'

function revoked<T extends object>(target: T): T {
  const { proxy, revoke } = Proxy.revocable(target, {})
  revoke()
  return proxy
}
const gone = revoked({})
const goneArray = revoked([] as number[])
const model = new hp.RiskModel({ weights: [1, 2, 3] })
const tokenizer = new hp.Tokenizer()
const pixel = (): hp.Image<Uint8Array> => ({ data: new Uint8Array(1), width: 1, height: 1, channels: 1 })
const one = { width: 1, height: 1, data: [1] }

/** Writes `items` straight into `stream` (Readable.from would touch them first) and waits for it to end or fail. */
function written(stream: Transform, items: unknown[]): Promise<void> {
  stream.resume()
  for (const item of items) stream.write(item)
  stream.end()
  return finished(stream)
}

async function drain(source: AsyncIterable<unknown>): Promise<void> {
  for await (const item of source) void item
}

const calls: Record<string, () => unknown> = {
  'new RiskModel(revoked)': () => new hp.RiskModel(gone as never),
  'new RiskModel({ weights: revoked })': () => new hp.RiskModel({ weights: goneArray }),
  'model.score': () => model.score(goneArray),
  'model.scoreBatch': () => model.scoreBatch(goneArray as never),
  'model.scoreBatch options': () => model.scoreBatch(new Float64Array(3), gone as never),
  'model.scoreBatchAsync': () => model.scoreBatchAsync(goneArray as never),
  'model.scoreQueued': () => model.scoreQueued(goneArray),
  'model.scoreIterable': () => drain(model.scoreIterable(gone as never)),
  'model.scoreStream': () => written(model.scoreStream(), [goneArray]),
  'Accumulator.addMany': () => new hp.Accumulator().addMany(goneArray),
  'Accumulator.fromJSON': () => hp.Accumulator.fromJSON(gone as never),
  accumulate: () => hp.accumulate(gone as never),
  'accumulate item': () => hp.accumulate([goneArray]),
  convolve: () => hp.convolve(gone as never, one),
  'convolve kernel': () => hp.convolve(pixel(), gone as never),
  convolveAsync: () => hp.convolveAsync(pixel(), gone as never),
  convolveBatch: () => hp.convolveBatch(goneArray as never, one),
  convolveBatchAsync: () => hp.convolveBatchAsync(goneArray as never, one),
  convolveEach: () => drain(hp.convolveEach(gone as never, one)),
  convolveStream: () => written(hp.convolveStream(one), [pixel(), gone]),
  haversineMany: () => hp.haversineMany(0, 0, goneArray as never),
  nearestK: () => hp.nearestK(0, 0, goneArray as never, 1),
  'GeoIndex.build': () => hp.GeoIndex.build(goneArray as never),
  'GeoIndex.buildAsync': () => hp.GeoIndex.buildAsync(goneArray as never),
  'new Tokenizer(revoked)': () => new hp.Tokenizer(gone as never),
  'new Tokenizer({ stopwords: revoked })': () => new hp.Tokenizer({ stopwords: goneArray as never }),
  'tokenizer.tokenizeBatch': () => tokenizer.tokenizeBatch(goneArray as never),
  'tokenizer.tokenizeBatch options': () => tokenizer.tokenizeBatch(['a'], gone as never),
  'tokenizer.tokenizeBatchAsync': () => tokenizer.tokenizeBatchAsync(goneArray as never),
  'tokenizer.encodeBatch options': () => tokenizer.encodeBatch(['a'], gone as never),
  'tokenizer.encodeBatchAsync': () => tokenizer.encodeBatchAsync(goneArray as never, { hashBits: 8 }),
  'tokenizer.buildVocabulary': () => tokenizer.buildVocabulary(goneArray as never),
  'tokenizer.buildVocabularyAsync options': () => tokenizer.buildVocabularyAsync(['a'], gone as never),
  'tokenizer.tokenStream': () => tokenizer.tokenStream(gone as never),
  'Vocabulary.fromJSON': () => hp.Vocabulary.fromJSON(gone as never),
}

async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  throw new Error('the call succeeded')
}

describe('an engine TypeError raised while reading an argument gets a code', () => {
  for (const [name, call] of Object.entries(calls)) {
    it(name, async () => {
      const error = (await failure(call)) as Error & { code?: unknown }
      expect(error).toBeInstanceOf(hp.InvalidArgTypeError)
      expect(error.code).toBe('ERR_INVALID_ARG_TYPE')
      expect(error.message).toMatch(/revoked/)
      expect(error.cause).toBeInstanceOf(TypeError)
    })
  }
})

describe('descriptions of hostile values never throw', () => {
  it('a revoked proxy, a throwing toString and a symbol are described in the message', () => {
    const throwing = {
      toString(): string {
        throw new Error('no')
      },
    }
    expect(() => hp.sum(gone as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('cannot be inspected') }))
    expect(() => hp.fibonacci(throwing as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => hp.scale(new Float64Array(2), Symbol('s') as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('Symbol(s)') }))
    expect(() => new hp.Accumulator().add(gone as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })
})

describe("the caller's own errors pass through unchanged", () => {
  class Mine extends Error {}
  it('from a getter, sync and async', async () => {
    const mine = new Mine('from the getter')
    const options = {
      get out(): never {
        throw mine
      },
    }
    expect(() => model.scoreBatch(new Float64Array(3), options)).toThrow(mine)
    await expect(model.scoreBatchAsync(new Float64Array(3), options)).rejects.toBe(mine)
  })

  it('from an iterator', async () => {
    const mine = new Mine('from the source')
    function* source(): Generator<number[]> {
      yield [1, 2, 3]
      throw mine
    }
    await expect(drain(model.scoreIterable(source()))).rejects.toBe(mine)
    await expect(hp.accumulate(source())).rejects.toBe(mine)
  })
})
