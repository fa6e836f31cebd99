/**
 * The raw N-API entry points (`NativeRiskModel#fastCalls()`, crates/hotpath-node/src/fast.rs)
 * bypass napi-rs's argument conversion, so they check their own arguments. The facade never calls
 * them with bad input, but nothing a caller passes may crash the process or make native code read
 * the wrong memory: every bad call must throw a typed error. Like score.panic.test.ts, this file
 * reaches under the facade on purpose.
 */
import { describe, expect, it } from 'vitest'
import { native } from '../../src/core/native.js'

const binding = native!
const D = 20
const model = new binding.NativeRiskModel(new Float64Array(D).fill(0.1), 0.5)
const fast = model.fastCalls()
type Loose = (...args: unknown[]) => unknown

function thrown(call: () => unknown): { code?: string; name: string; message: string } {
  try {
    call()
  } catch (error) {
    return error as { code?: string; name: string; message: string }
  }
  throw new Error('expected the call to throw')
}

describe('raw N-API entry points validate their own arguments', () => {
  const rows = new Float64Array(4 * D).fill(1)
  const out = new Float64Array(4)

  it('score correctly when called as the facade calls them', () => {
    fast.scoreBatchF64(rows, out, true)
    const want = 1 / (1 + Math.exp(0.5 - Math.sqrt(D * 0.01)))
    for (const s of out) expect(s).toBeCloseTo(want, 12)
    expect(fast.scoreF64(rows.subarray(0, D))).toBeCloseTo(want, 12)
    expect(fast.scoreF32(new Float32Array(D).fill(1))).toBeCloseTo(want, 6)
  })

  it.each([
    ['no arguments', () => (fast.scoreBatchF64 as Loose)()],
    ['too few arguments', () => (fast.scoreBatchF64 as Loose)(rows, out)],
    ['rows of the wrong element type', () => (fast.scoreBatchF64 as Loose)(new Float32Array(4 * D), out, true)],
    ['rows that are not a typed array', () => (fast.scoreBatchF64 as Loose)([1, 2, 3], out, true)],
    ['out of the wrong element type', () => (fast.scoreBatchF32 as Loose)(new Float32Array(4 * D), new Float32Array(4), true)],
    ['a non-boolean thread flag', () => (fast.scoreBatchF64 as Loose)(rows, out, 'yes')],
    ['features that are not a typed array', () => (fast.scoreF64 as Loose)({ length: D })],
    ['features of the wrong element type', () => (fast.scoreF64 as Loose)(new Float32Array(D))],
  ])('%s: TypeError ERR_INVALID_ARG_TYPE', (_, call) => {
    const error = thrown(call)
    expect(error.name).toBe('TypeError')
    expect(error.code).toBe('ERR_INVALID_ARG_TYPE')
  })

  it.each([
    ['rows not a multiple of D', () => fast.scoreBatchF64(new Float64Array(4 * D + 1), out, true)],
    ['out of the wrong length', () => fast.scoreBatchF64(rows, new Float64Array(3), true)],
    ['out overlapping rows', () => fast.scoreBatchF64(rows, rows.subarray(0, 4), true)],
    ['a vector of the wrong length', () => fast.scoreF64(new Float64Array(D - 1))],
  ])('%s: ERR_INVALID_ARG_VALUE', (_, call) => {
    expect(thrown(call).code).toBe('ERR_INVALID_ARG_VALUE')
  })

  it('functions called with another receiver still use their own model (it is bound, not looked up)', () => {
    const detached = fast.scoreF64
    expect(detached.call({}, new Float64Array(D).fill(1))).toBeCloseTo(fast.scoreF64(new Float64Array(D).fill(1)), 15)
  })

  it('empty batches are fine', () => {
    fast.scoreBatchF64(new Float64Array(0), new Float64Array(0), false)
  })
})
