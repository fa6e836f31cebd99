/**
 * parseFeatureRows: native parsing of JSON feature rows must give exactly what JSON.parse and the
 * checks of scoreBatch give (the reference `jsonRows`): the same bits for every number, the same
 * error codes and argument names, for bytes and strings, sync and async.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JSON_ROWS_NATIVE_MIN_BYTES, parseFeatureRows, parseFeatureRowsAsync } from '../../src/index.js'
import { jsonRows } from '../../src/score/reference.js'

/** [code, message] of a failure, or the rows. */
function outcome(run: () => Float64Array): { rows: number[] } | { code: string; argument: string } {
  try {
    return { rows: Array.from(run()) }
  } catch (error) {
    const { code, message } = error as { code: string; message: string }
    return { code, argument: /"([^"]*)"/.exec(message)?.[1] ?? message }
  }
}

/** Pads a document with trailing whitespace so it takes the native path. */
const long = (json: string): string => json.padEnd(JSON_ROWS_NATIVE_MIN_BYTES + 16, ' ')

function expectSame(json: string, features: number, field?: string): void {
  const expected = outcome(() => jsonRows(json, features, field))
  const options = field === undefined ? { features } : { features, field }
  expect(outcome(() => parseFeatureRows(long(json), options))).toEqual(expected)
  expect(outcome(() => parseFeatureRows(Buffer.from(long(json)), options))).toEqual(expected)
  expect(outcome(() => parseFeatureRows(json, options))).toEqual(expected)
  const got = outcome(() => parseFeatureRows(Buffer.from(long(json)), options))
  if ('rows' in got && 'rows' in expected) {
    // Bit for bit, -0 included.
    got.rows.forEach((x, i) => expect(Object.is(x, expected.rows[i])).toBe(true))
  }
}

const number = fc.oneof(fc.double(), fc.double({ min: -1e6, max: 1e6 }), fc.integer(), fc.constantFrom(-0, 5e-324, 1.7976931348623157e308, 0.1, 1e21, 1e-7))
const writtenNumber = fc.tuple(number, fc.constantFrom('json', 'exp', 'EXP', 'plus')).map(([x, style]) => {
  if (!Number.isFinite(x)) return '0'
  if (style === 'json') return JSON.stringify(x)
  const e = x.toExponential()
  return style === 'EXP' ? e.toUpperCase() : style === 'plus' ? e.replace('e-', 'e-0') : e
})

describe('parseFeatureRows equals JSON.parse + the checks of scoreBatch', () => {
  it('on property-generated rows, bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 30 }), fc.array(writtenNumber, { minLength: 180, maxLength: 180 }), fc.constantFrom('', ' ', '\n\t '), fc.boolean(), (d, n, numbers, space, keyed) => {
        const rows = Array.from({ length: n }, (_, i) => `[${space}${numbers.slice(i * d, i * d + d).join(`${space},${space}`)}${space}]`)
        const array = `[${rows.join(`,${space}`)}]`
        const json = keyed ? `{"id": "x\\"y", "meta": {"a": [1, {"b": null}]},${space}"transactions":${space}${array}, "z": true}` : array
        expectSame(json, d, keyed ? 'transactions' : undefined)
      }),
      { numRuns: 300, seed: 20261203 },
    )
  })

  it('on property-generated JSON of any shape (errors included)', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean(), fc.constant(null), fc.array(tie('any'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 3 }), tie('any'), { maxKeys: 3 })),
    })).any
    const rowsLike = fc.array(fc.oneof(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 2, maxLength: 3 }), value), { maxLength: 5 })
    fc.assert(
      fc.property(fc.oneof(rowsLike, value), fc.option(fc.constantFrom('rows', 'transactions', '__proto__', 'toString')), (doc, field) => {
        const json = field === null ? JSON.stringify(doc) : JSON.stringify({ other: 1, [field]: doc })
        if (json === undefined) return
        expectSame(json, 2, field ?? undefined)
      }),
      { numRuns: 500, seed: 7 },
    )
  })

  it('hand-picked edge cases', () => {
    const cases: [string, number, string?][] = [
      ['[[-0, 1e999, -1e999, 9007199254740993, 2.2250738585072011e-308]]', 5],
      ['[[01]]', 1], ['[[1.]]', 1], ['[[.5]]', 1], ['[[+1]]', 1], ['[[NaN]]', 1], ['[[1,]]', 1], ['[[1]] x', 1], ['', 1], ['\ufeff[[1]]', 1],
      ['[[1, "2", 3]]', 2], ['[["x"], [1, 2,]]', 1], ['[[1], 2]', 1], ['null', 1], ['{"rows": [[1]]}', 1],
      ['{"t": [[1]], "t": [[2]]}', 1, 't'], ['{"tr\\u0061": [[3]]}', 1, 'tra'], ['{"t": "x"}', 1, 't'], ['[[1]]', 1, 't'], ['{}', 1, 't'],
      ['{"__proto__": [[4]]}', 1, '__proto__'], ['{"a": 1}', 1, 'toString'], ['{"a": "\\ud800"}', 1, 'b'], ['["\\u0001"]', 1], ['["\u0001"]', 1],
    ]
    for (const [json, d, field] of cases) expectSame(json, d, field)
  })

  it('invalid UTF-8 reads as U+FFFD, as TextDecoder does', () => {
    const bytes = Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xff, 0xc3]), Buffer.from('", "t": [[1, 2]]}'.padEnd(JSON_ROWS_NATIVE_MIN_BYTES, ' '))])
    expect(parseFeatureRows(bytes, { features: 2, field: 't' })).toEqual(new Float64Array([1, 2]))
  })

  it('a string with a lone surrogate takes the JavaScript path and reads as JSON.parse reads it', () => {
    expect(parseFeatureRows(long('{"a": "\ud800", "t": [[5]]}'), { features: 1, field: 't' })).toEqual(new Float64Array([5]))
    expectSame('{"\ud800": [[1]], "t": [[6]]}', 1, 't')
    expect(() => parseFeatureRows('[[1]]', { features: 1, field: '\ud800' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
  })
})

describe('parseFeatureRowsAsync', () => {
  const big = JSON.stringify({ transactions: Array.from({ length: 20_000 }, (_, i) => Array.from({ length: 20 }, (_, j) => Math.sin(i * 20 + j))) })
  it('equals the sync call on a large body, from a snapshot of the bytes taken at the call', async () => {
    const bytes = Buffer.from(big)
    const expected = parseFeatureRows(bytes, { features: 20, field: 'transactions' })
    const pending = parseFeatureRowsAsync(bytes, { features: 20, field: 'transactions' })
    bytes.fill(0x20)
    expect(await pending).toEqual(expected)
  })
  it('rejects (never throws) with the same typed errors, and honours an aborted signal', async () => {
    const bad = Buffer.from(big.replace('[[', '[["x",'))
    await expect(parseFeatureRowsAsync(bad, { features: 20, field: 'transactions' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('"transactions[0]"') })
    let pending: Promise<Float64Array> | undefined
    expect(() => (pending = parseFeatureRowsAsync(42 as never, { features: 20 }))).not.toThrow()
    await expect(pending).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' })
    await expect(parseFeatureRowsAsync(big, { features: 20, field: 'transactions', signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORT_ERR' })
  })
})

describe('bad arguments', () => {
  it('are typed errors naming the argument', () => {
    const detached = new Uint8Array(8)
    structuredClone(detached.buffer, { transfer: [detached.buffer] })
    for (const [call, code, argument] of [
      [() => parseFeatureRows(42 as never, { features: 2 }), 'ERR_INVALID_ARG_TYPE', 'json'],
      [() => parseFeatureRows(new Uint16Array(4) as never, { features: 2 }), 'ERR_INVALID_ARG_TYPE', 'json'],
      [() => parseFeatureRows(detached, { features: 2 }), 'ERR_INVALID_ARG_VALUE', 'json'],
      [() => parseFeatureRows('[]', undefined as never), 'ERR_INVALID_ARG_TYPE', 'options'],
      [() => parseFeatureRows('[]', { features: 0 }), 'ERR_OUT_OF_RANGE', 'options.features'],
      [() => parseFeatureRows('[]', { features: 2, field: 3 as never }), 'ERR_INVALID_ARG_TYPE', 'options.field'],
    ] as const) {
      expect(outcome(call as () => Float64Array)).toEqual({ code, argument })
    }
  })
})
