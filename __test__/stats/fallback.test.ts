/**
 * The Accumulator on the pure-TS fallback (HOTPATH_NATIVE=fallback without a binary): the binding
 * is replaced by `null` as `native.ts` reports it, and every path must give the native results.
 */
import { describe, expect, it, vi } from 'vitest'
import { INVALID_VALUE, expectThrows } from '../helpers/errors.js'

vi.mock('../../src/core/native.js', () => ({ native: null, backend: 'fallback' }))

const { Accumulator, accumulate } = await import('../../src/stats/index.js')

describe('Accumulator on the fallback', () => {
  it('matches the two-pass statistics on every path', async () => {
    const xs = Float64Array.from({ length: 20_000 }, (_, i) => 1e6 + Math.sin(i))
    const viaAddMany = new Accumulator().addMany(xs)
    const viaAdd = new Accumulator()
    for (const x of xs) viaAdd.add(x)
    const viaStream = await accumulate([xs.subarray(0, 5000), Array.from(xs.subarray(5000))])
    let mean = 0
    for (const x of xs) mean += x
    mean /= xs.length
    let m2 = 0
    for (const x of xs) m2 += (x - mean) ** 2
    for (const acc of [viaAddMany, viaAdd, viaStream]) {
      expect(acc.count).toBe(xs.length)
      expect(acc.mean).toBeCloseTo(mean, 6)
      expect(Math.abs(acc.variance - m2 / xs.length) / (m2 / xs.length)).toBeLessThan(1e-9)
    }
    const merged = new Accumulator().addMany(xs.subarray(0, 7000)).merge(new Accumulator().addMany(xs.subarray(7000)))
    expect(Math.abs(merged.variance - viaAddMany.variance) / viaAddMany.variance).toBeLessThan(1e-12)
  })

  it('rejects non-finite values with the same errors, adding nothing', () => {
    const xs = new Float64Array(5000)
    xs[4321] = Number.NaN
    const acc = new Accumulator().add(1)
    expectThrows(() => acc.addMany(xs), { ...INVALID_VALUE, includes: ['values[4321] = NaN'] })
    expect(acc.count).toBe(1)
  })
})
