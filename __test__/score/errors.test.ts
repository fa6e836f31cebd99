/**
 * Node-style argument errors: TypeError/ERR_INVALID_ARG_TYPE for wrong types, RangeError with
 * ERR_INVALID_ARG_VALUE or ERR_OUT_OF_RANGE for bad lengths and values, messages that name the
 * argument, what was expected and what was received; async APIs reject and never throw.
 */
import { describe, expect, it } from 'vitest'
import {
  ErrorCode,
  InvalidArgTypeError,
  InvalidArgValueError,
  OutOfRangeError,
  RiskModel,
  type RiskModelOptions,
} from '../../src/index.js'
import { makeRows, makeWeights } from '../helpers/data.js'
import { BAD_VALUE, INVALID_TYPE, INVALID_VALUE, OUT_OF_RANGE, expectRejects, expectThrows } from '../helpers/errors.js'

const D = 20
const model = new RiskModel({ weights: makeWeights(D), threshold: 0.5 })
const goodRows = makeRows(10, D)
const good = Array.from(makeRows(1, D))

/** Lets tests pass values the types forbid, as JavaScript callers can. */
function loose<T>(value: unknown): T {
  return value as T
}

describe('constructor errors', () => {
  it.each([
    ['undefined options', undefined, 'options'],
    ['null options', null, 'options'],
    ['a number as options', 42, 'options'],
    ['missing weights', {}, 'weights'],
    ['weights as a string', { weights: '1,2' }, 'weights'],
    ['weights as an object', { weights: { length: 2 } }, 'weights'],
    ['weights as an Int32Array', { weights: new Int32Array(3) }, 'weights'],
    ['a string weight', { weights: [1, '2', 3] }, 'weights[1]'],
    ['threshold as a string', { weights: [1], threshold: '0.5' }, 'threshold'],
    ['threshold null', { weights: [1], threshold: null }, 'threshold'],
    ['maxBatch as a string', { weights: [1], maxBatch: '8' }, 'maxBatch'],
    ['maxWaitMs as a string', { weights: [1], maxWaitMs: '1' }, 'maxWaitMs'],
  ])('%s is a TypeError ERR_INVALID_ARG_TYPE', (_name, options, argument) => {
    const error = expectThrows(() => new RiskModel(loose<RiskModelOptions>(options)), { ...INVALID_TYPE, includes: [`"${argument}"`, 'Received'] })
    expect(error).toBeInstanceOf(InvalidArgTypeError)
  })

  it('empty weights are a RangeError', () => {
    for (const weights of [[], new Float64Array(0), new Float32Array(0)]) {
      expectThrows(() => new RiskModel({ weights }), { ...BAD_VALUE, includes: ['"weights"', 'empty'] })
    }
  })

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('a weight of %s is a RangeError naming the bad element', (bad) => {
    for (const form of ['array', 'f64', 'f32'] as const) {
      const values = [0.5, 1, bad, 2]
      const weights = form === 'array' ? values : form === 'f64' ? Float64Array.from(values) : Float32Array.from(values)
      expectThrows(() => new RiskModel({ weights }), { ...BAD_VALUE, includes: ['"weights"', 'finite', 'weights[2]', String(bad)] })
    }
  })

  it('a Float64 weight that overflows in f32 is fine as f64 but Infinity in a Float32Array is rejected', () => {
    expect(new RiskModel({ weights: [1e300] }).features).toBe(1)
    expectThrows(() => new RiskModel({ weights: Float32Array.from([1e300]) }), { ...BAD_VALUE, includes: ['weights[0]', 'Infinity'] })
  })

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('threshold %s is a RangeError', (threshold) => {
    const error = expectThrows(() => new RiskModel({ weights: [1, 2], threshold }), { ...BAD_VALUE, includes: ['"threshold"', 'finite', String(threshold)] })
    expect(error instanceof OutOfRangeError || error instanceof InvalidArgValueError).toBe(true)
  })

  it.each([
    ['maxBatch', 0],
    ['maxBatch', -1],
    ['maxBatch', 1.5],
    ['maxBatch', Number.NaN],
    ['maxBatch', 2 ** 30],
    ['maxWaitMs', -1],
    ['maxWaitMs', Number.NaN],
    ['maxWaitMs', Number.POSITIVE_INFINITY],
  ])('%s = %s is ERR_OUT_OF_RANGE', (name, value) => {
    expectThrows(() => new RiskModel({ weights: [1], [name]: value }), { ...OUT_OF_RANGE, includes: [`"${name}"`, String(value)] })
  })
})

describe('score errors', () => {
  it.each([
    ['a string', 'abc'],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', { length: D }],
    ['an Int32Array', new Int32Array(D)],
    ['a Uint8Array', new Uint8Array(D)],
    ['a number', 1],
  ])('%s is a TypeError', (_name, value) => {
    expectThrows(() => model.score(loose<number[]>(value)), { ...INVALID_TYPE, includes: ['"features"', 'Received'] })
  })

  it('a non-number element is a TypeError naming the element', () => {
    const v: unknown[] = [...good]
    v[4] = '1'
    expectThrows(() => model.score(loose<number[]>(v)), { ...INVALID_TYPE, includes: ['features[4]', 'number', 'string'] })
    v[4] = 1n
    expectThrows(() => model.score(loose<number[]>(v)), { ...INVALID_TYPE, includes: ['features[4]'] })
  })

  it.each([0, 1, 19, 21, 1001])('a vector of length %i (model has 20 features) is a RangeError', (length) => {
    for (const vector of [Array.from({ length }, () => 1), new Float64Array(length), new Float32Array(length)]) {
      expectThrows(() => model.score(vector), { ...BAD_VALUE, includes: ['"features"', String(D), String(length)] })
    }
  })

  it('a wrong length is rejected for long vectors too (the native single-vector path)', () => {
    for (const d of [300, 1024, 4096]) {
      const big = new RiskModel({ weights: makeWeights(d) })
      expectThrows(() => big.score(new Float64Array(d - 1)), { ...BAD_VALUE, includes: ['"features"', String(d), String(d - 1)] })
      expectThrows(() => big.score(new Float32Array(d + 1)), { ...BAD_VALUE, includes: ['"features"', String(d), String(d + 1)] })
    }
  })
})

describe('scoreBatch errors', () => {
  it('rows.length 1001 with 20 features is a RangeError naming both numbers', () => {
    for (const rows of [new Float64Array(1001), new Float32Array(1001)]) {
      expectThrows(() => model.scoreBatch(rows), { ...BAD_VALUE, includes: ['"rows"', '1001', '20', 'multiple'] })
    }
  })

  it.each([
    ['a string', 'abc'],
    ['null', null],
    ['undefined', undefined],
    ['an Int32Array', new Int32Array(40)],
    ['a DataView', new DataView(new ArrayBuffer(160))],
    ['a plain object', { length: 0 }],
  ])('rows as %s is a TypeError', (_name, rows) => {
    expectThrows(() => model.scoreBatch(loose<Float64Array>(rows)), { ...INVALID_TYPE, includes: ['"rows"', 'Received'] })
  })

  it('a bad vector inside an array of rows names its index', () => {
    const short = [good, good, good.slice(1)]
    expectThrows(() => model.scoreBatch(short), { ...BAD_VALUE, includes: ['rows[2]', '20', '19'] })
    expectThrows(() => model.scoreBatch([good, new Float32Array(21)]), { ...BAD_VALUE, includes: ['rows[1]', '21'] })
    expectThrows(() => model.scoreBatch(loose<number[][]>([good, 'x'])), { ...INVALID_TYPE, includes: ['rows[1]'] })
    expectThrows(() => model.scoreBatch(loose<number[][]>([good, new Int16Array(D)])), { ...INVALID_TYPE, includes: ['rows[1]'] })
    const withString: unknown[] = [...good]
    withString[19] = 'nan'
    expectThrows(() => model.scoreBatch(loose<number[][]>([good, withString])), { ...INVALID_TYPE, includes: ['rows[1][19]'] })
  })

  it.each([
    ['null', null],
    ['a number', 5],
    ['a string', 'parallel'],
    ['an array', []],
  ])('options as %s is a TypeError', (_name, options) => {
    expectThrows(() => model.scoreBatch(goodRows, loose<object>(options)), { ...INVALID_TYPE, includes: ['"options"'] })
  })

  it('parallel must be a boolean', () => {
    for (const parallel of [1, 'true', null]) {
      expectThrows(() => model.scoreBatch(goodRows, loose<object>({ parallel })), { ...INVALID_TYPE, includes: ['parallel', 'boolean'] })
    }
  })

  it.each([
    ['a Float32Array', new Float32Array(10)],
    ['an Array', Array.from({ length: 10 }, () => 0)],
    ['a BigInt64Array', new BigInt64Array(10)],
    ['null', null],
    ['a number', 10],
  ])('out as %s is a TypeError', (_name, out) => {
    expectThrows(() => model.scoreBatch(goodRows, loose<object>({ out })), { ...INVALID_TYPE, includes: ['options.out', 'Float64Array'] })
  })

  it.each([0, 9, 11, 200])('out of length %i for 10 rows is a RangeError', (length) => {
    expectThrows(() => model.scoreBatch(goodRows, { out: new Float64Array(length) }), { ...BAD_VALUE, includes: ['options.out', '10', String(length)] })
  })

  it('out overlapping rows (same buffer) is a RangeError', () => {
    // D = 1: rows and out have the same length, so `out = rows` passes the length check.
    const one = new RiskModel({ weights: [1] })
    const rows = Float64Array.from({ length: 300 }, (_, i) => i)
    expectThrows(() => one.scoreBatch(rows, { out: rows }), { ...INVALID_VALUE, includes: ['options.out', 'overlap', 'rows'] })
    // Partially overlapping views of one buffer, for both row types.
    const buffer = new ArrayBuffer(8 * 300 * D)
    const rows64 = new Float64Array(buffer, 0, 200 * D)
    const out = new Float64Array(buffer, 8 * 199 * D, 200)
    expectThrows(() => model.scoreBatch(rows64, { out }), { ...INVALID_VALUE, includes: ['options.out', 'overlap'] })
    const rows32 = new Float32Array(buffer, 0, 200 * D)
    const out32 = new Float64Array(buffer, 8 * 200, 200)
    expectThrows(() => model.scoreBatch(rows32, { out: out32 }), { ...INVALID_VALUE, includes: ['options.out', 'overlap'] })
    // The same in a SharedArrayBuffer.
    const shared = new SharedArrayBuffer(8 * 300)
    const sharedRows = new Float64Array(shared)
    expectThrows(() => one.scoreBatch(sharedRows, { out: new Float64Array(shared) }), { ...INVALID_VALUE, includes: ['overlap'] })
  })

  it('an overlapping out is rejected before anything is written', () => {
    const one = new RiskModel({ weights: [1] })
    const rows = Float64Array.from({ length: 300 }, (_, i) => i)
    const copy = rows.slice()
    expect(() => one.scoreBatch(rows, { out: rows })).toThrow()
    expect(Array.from(rows)).toEqual(Array.from(copy))
  })
})

describe('async APIs reject and never throw synchronously', () => {
  it.each([
    ['rows as a string', () => model.scoreBatchAsync(loose<Float64Array>('abc')), INVALID_TYPE, ['"rows"']],
    ['rows null', () => model.scoreBatchAsync(loose<Float64Array>(null)), INVALID_TYPE, ['"rows"']],
    ['rows.length 1001', () => model.scoreBatchAsync(new Float64Array(1001)), BAD_VALUE, ['"rows"', '1001', '20']],
    ['a short vector in an array of rows', () => model.scoreBatchAsync([good, good.slice(2)]), BAD_VALUE, ['rows[1]', '18']],
    ['options null', () => model.scoreBatchAsync(goodRows, loose<object>(null)), INVALID_TYPE, ['"options"']],
    ['signal not an AbortSignal', () => model.scoreBatchAsync(goodRows, loose<object>({ signal: {} })), INVALID_TYPE, ['signal', 'AbortSignal']],
    ['parallel not a boolean', () => model.scoreBatchAsync(goodRows, loose<object>({ parallel: 0 })), INVALID_TYPE, ['parallel']],
    ['out a Float32Array', () => model.scoreBatchAsync(goodRows, loose<object>({ out: new Float32Array(10) })), INVALID_TYPE, ['options.out']],
    ['out of the wrong length', () => model.scoreBatchAsync(goodRows, { out: new Float64Array(3) }), BAD_VALUE, ['options.out', '10', '3']],
    [
      'out overlapping rows',
      () => {
        const one = new RiskModel({ weights: [1] })
        const rows = new Float64Array(500)
        return one.scoreBatchAsync(rows, { out: rows })
      },
      INVALID_VALUE,
      ['overlap'],
    ],
    ['scoreQueued with a string', () => model.scoreQueued(loose<number[]>('abc')), INVALID_TYPE, ['"features"']],
    ['scoreQueued with null', () => model.scoreQueued(loose<number[]>(null)), INVALID_TYPE, ['"features"']],
    ['scoreQueued with a short vector', () => model.scoreQueued([1, 2]), BAD_VALUE, ['"features"', '20', '2']],
    ['scoreQueued with a long Float32Array', () => model.scoreQueued(new Float32Array(21)), BAD_VALUE, ['"features"', '21']],
    ['scoreQueued with a non-number element', () => model.scoreQueued(loose<number[]>([...good.slice(1), 'x'])), INVALID_TYPE, ['features[19]']],
  ] as const)('%s', async (_name, start, shape, includes) => {
    await expectRejects(start, { ...shape, includes })
  })

  it('scoreIterable: errors surface from next(), never from the call', async () => {
    const cases: [() => AsyncGenerator<unknown>, object][] = [
      [() => model.scoreIterable(loose<number[][]>(42)), { ...INVALID_TYPE, includes: ['"source"', 'iterable'] }],
      [() => model.scoreIterable(loose<number[][]>(null)), { ...INVALID_TYPE, includes: ['"source"'] }],
      [() => model.scoreIterable([good], loose<object>({ batchSize: 0 })), { ...OUT_OF_RANGE, includes: ['batchSize'] }],
      [() => model.scoreIterable([good], loose<object>({ concurrency: 'a' })), { ...INVALID_TYPE, includes: ['concurrency'] }],
      [() => model.scoreIterable([good], loose<object>({ signal: 'x' })), { ...INVALID_TYPE, includes: ['signal'] }],
      [() => model.scoreIterable([good, good.slice(3)]), { ...BAD_VALUE, includes: ['source[1]', '17'] }],
      [() => model.scoreIterable([new Float64Array(1001)]), { ...BAD_VALUE, includes: ['source[0]', '1001', '20'] }],
      [() => model.scoreIterable([new Float64Array(0)]), { ...BAD_VALUE, includes: ['source[0]'] }],
      [() => model.scoreIterable(loose<number[][]>([good, 'abc'])), { ...INVALID_TYPE, includes: ['source[1]'] }],
      [() => model.scoreIterable(loose<number[][]>([new Int32Array(D)])), { ...INVALID_TYPE, includes: ['source[0]'] }],
    ]
    for (const [start, shape] of cases) {
      let generator: AsyncGenerator<unknown> | undefined
      expect(() => {
        generator = start()
      }).not.toThrow()
      await expectRejects(async () => {
        for await (const _ of generator!) {
          // drain
        }
      }, shape as Parameters<typeof expectRejects>[1])
    }
  })

  it('errors carry the public classes and codes from ErrorCode', async () => {
    const error = await model.scoreBatchAsync(new Float64Array(21)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidArgValueError)
    expect((error as InvalidArgValueError).code).toBe(ErrorCode.INVALID_ARG_VALUE)
  })
})

describe('scoreStream argument errors', () => {
  it.each([
    [{ batchSize: 0 }, OUT_OF_RANGE, 'batchSize'],
    [{ batchSize: 1.5 }, OUT_OF_RANGE, 'batchSize'],
    [{ batchSize: '8' }, INVALID_TYPE, 'batchSize'],
    [{ concurrency: 0 }, OUT_OF_RANGE, 'concurrency'],
    [{ concurrency: 65 }, OUT_OF_RANGE, 'concurrency'],
    [null, INVALID_TYPE, 'options'],
  ] as const)('options %j throw synchronously', (options, shape, name) => {
    expectThrows(() => model.scoreStream(loose<object>(options)), { ...shape, includes: [name] })
  })

  it('a bad vector errors the stream with a coded error naming the vector', async () => {
    for (const [bad, shape, includes] of [
      [good.slice(1), BAD_VALUE, ['vector[2]', '19', '20']],
      ['abc', INVALID_TYPE, ['vector[2]']],
      [new Float32Array(3), BAD_VALUE, ['vector[2]', '3']],
      [{}, INVALID_TYPE, ['vector[2]']],
    ] as const) {
      const stream = model.scoreStream({ batchSize: 4 })
      const error = new Promise<unknown>((resolve) => stream.on('error', resolve))
      stream.resume()
      stream.write(good)
      stream.write(good)
      stream.write(bad)
      const e = await error
      expect(e).toBeInstanceOf(shape.type)
      expect((e as { code: string }).code).toSatisfy((code: string) => ([] as string[]).concat(shape.code).includes(code))
      for (const part of includes) expect((e as Error).message).toContain(part)
    }
  })
})
