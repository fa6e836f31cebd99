/**
 * Inputs built to mislead: typed arrays whose own properties or subclass getters lie about their
 * memory, proxies and look-alikes, arrays from another realm, hidden internals. Nothing may crash
 * the process or make native code read memory JavaScript can free; look-alikes are rejected with
 * typed errors, genuine typed arrays in disguise are read through their real memory.
 */
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { RiskModel } from '../../src/index.js'
import { F32_TOL, F64_TOL, assertScores, makeRows, makeWeights, reference } from '../helpers/data.js'
import { INVALID_TYPE, INVALID_VALUE, OUT_OF_RANGE, expectRejects, expectThrows } from '../helpers/errors.js'
import { newResizableBuffer, nextTurn } from '../helpers/runtime.js'

const D = 20
const weights = makeWeights(D, 9)
const model = new RiskModel({ weights, threshold: 0.3 })


describe('typed arrays that lie about their memory', () => {
  const n = 1_000_000

  it('an own `buffer` property claiming a SharedArrayBuffer does not get freeable memory read in place', async () => {
    for (let round = 0; round < 3; round++) {
      const buffer = newResizableBuffer(n * D * 8)
      const rows = new Float64Array(buffer)
      rows.fill(0.5)
      Object.defineProperty(rows, 'buffer', { value: new SharedArrayBuffer(8) })
      const promise = model.scoreBatchAsync(rows)
      await nextTurn()
      buffer.resize(0) // would free the memory under a zero-copy read
      await expectRejects(() => promise, INVALID_VALUE)
    }
  })

  it('a subclass whose `buffer` getter claims a SharedArrayBuffer is treated the same way', async () => {
    class Lying extends Float64Array {
      override get buffer(): ArrayBuffer {
        return new SharedArrayBuffer(8) as unknown as ArrayBuffer
      }
    }
    const buffer = newResizableBuffer(n * D * 8)
    const rows = new Lying(buffer)
    rows.fill(0.5)
    const promise = model.scoreBatchAsync(rows)
    await nextTurn()
    buffer.resize(8)
    await expectRejects(() => promise, INVALID_VALUE)
  })

  it('a subclass lying about its length is scored by its real length, sync and async', async () => {
    class Short extends Float64Array {
      override get length(): number {
        return D
      }
    }
    const plain = makeRows(200, D, 4)
    const rows = new Short(plain)
    const want = reference(plain, weights, 0.3)
    assertScores(model.scoreBatch(rows), want, F64_TOL, 'sync')
    assertScores(await model.scoreBatchAsync(rows), want, F64_TOL, 'async')
  })
})

describe('look-alikes are typed errors, never crashes', () => {
  it.each([
    ['a Proxy of a Float64Array', (length: number) => new Proxy(new Float64Array(length), {})],
    ['an object with the Float64Array prototype', (length: number) => Object.setPrototypeOf({ length }, Float64Array.prototype)],
  ])('%s: TypeError ERR_INVALID_ARG_TYPE from scoreBatch, score and (as a rejection) scoreBatchAsync', async (_, make) => {
    const fake = make(10 * D) as Float64Array
    expectThrows(() => model.scoreBatch(fake), INVALID_TYPE)
    await expectRejects(() => model.scoreBatchAsync(fake), INVALID_TYPE)
    expectThrows(() => model.score(make(D) as Float64Array), INVALID_TYPE)
    // Wide vectors take the native single-call path.
    const wide = new RiskModel({ weights: new Float64Array(256).fill(0.01) })
    expectThrows(() => wide.score(make(256) as Float64Array), INVALID_TYPE)
  })

  it('an array of more vectors than one typed array can hold is a RangeError with a code', () => {
    const huge: number[][] = []
    huge.length = 1e9 // sparse: no memory, but 2e10 values once converted
    expectThrows(() => model.scoreBatch(huge), INVALID_VALUE)
  })
})

describe('typed arrays from another realm', () => {
  it('are accepted and scored correctly (f64 rows, f32 rows, single vectors)', async () => {
    const plain = makeRows(300, D, 6)
    const context = vm.createContext({ source: Array.from(plain) })
    const rows64 = vm.runInContext('new Float64Array(source)', context) as Float64Array
    const rows32 = vm.runInContext('new Float32Array(source)', context) as Float32Array
    expect(rows64 instanceof Float64Array).toBe(false) // really from elsewhere
    const want = reference(plain, weights, 0.3)
    assertScores(model.scoreBatch(rows64), want, F64_TOL, 'f64 sync')
    assertScores(await model.scoreBatchAsync(rows64), want, F64_TOL, 'f64 async')
    assertScores(model.scoreBatch(rows32), reference(Float32Array.from(plain), weights, 0.3), F32_TOL, 'f32 sync')
    expect(model.score(rows64.subarray(0, D))).toBeCloseTo(want[0], 12)
  })
})

describe('internals stay internal', () => {
  it('a model shows no properties and cannot be re-pointed', () => {
    expect(Object.keys(model)).toEqual([])
    expect(JSON.stringify(model)).toBe('{}')
    const internals = model as unknown as { scoreWeights: Float64Array }
    expect(() => {
      internals.scoreWeights = new Float64Array(D)
    }).toThrow(TypeError)
  })

  it('maxWaitMs beyond what Node timers support is out of range', () => {
    expectThrows(() => new RiskModel({ weights, maxWaitMs: 2 ** 31 }), OUT_OF_RANGE)
    expect(new RiskModel({ weights, maxWaitMs: 2 ** 31 - 1 }).features).toBe(D)
  })
})

describe('Float32 snapshot size', () => {
  it('up to 16 MiB of f32 rows are copied before the call returns', async () => {
    const n = 2 * Math.floor((8 << 20) / (D * 4)) // two 8 MiB chunks of whole f32 rows
    const rows = Float32Array.from(makeRows(n, D, 7))
    const want = model.scoreBatch(rows)
    const promise = model.scoreBatchAsync(rows)
    rows.fill(1e3)
    assertScores(await promise, want, F64_TOL)
  })
})
