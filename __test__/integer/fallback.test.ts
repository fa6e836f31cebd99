/**
 * The integer integer facade on the pure-TS fallback (`native` is null, as when no binary loads and
 * HOTPATH_NATIVE=fallback is set): same results, same errors, async and abort still work. The
 * loader itself is tested by loading.test.ts; here `src/native.js` is replaced for this file.
 */
import { describe, expect, it, vi } from 'vitest'
import { ABORTED, INVALID_TYPE, OUT_OF_RANGE, expectRejects, expectThrows } from '../helpers/errors.js'

vi.mock('../../src/core/native.js', () => ({ native: null, backend: 'fallback' }))

const integer = await import('../../src/integer/index.js')
const reference = await import('../../src/integer/reference.js')
const { native } = await import('../../src/core/native.js')

describe('fallback', () => {
  it('really runs without the binding', () => {
    expect(native).toBeNull()
  })

  it('computes the same values', () => {
    expect(integer.sumOfSquares(100_000_000)).toBe(333333328333333350000000n)
    expect(integer.fibonacci(1000)).toBe(reference.fibonacciIterative(1000))
    expect(integer.fibonacci(100_000)).toBe(reference.fibonacci(100_000))
    expect(integer.countPrimes(1_000_000)).toBe(78_498)
    const list = integer.primes(1_000_000)
    expect(list).toBeInstanceOf(Uint32Array)
    expect(list.length).toBe(78_498)
    expect(list.at(-1)).toBe(999_983)
  })

  it('sieves large limits in segments, equal to the plain sieve', () => {
    for (const limit of [0, 1, 2, 3, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3_500_017]) {
      const want = reference.primes(limit)
      const got = reference.primesSegmented(limit)
      expect(got.length, `limit ${limit}`).toBe(want.length)
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `limit ${limit}`).toBe(true)
      expect(reference.countPrimesSegmented(limit)).toBe(want.length)
    }
    const limit = reference.PLAIN_SIEVE_MAX + 12_345
    expect(integer.countPrimes(limit)).toBe(reference.countPrimes(limit))
    expect(integer.primes(limit).length).toBe(reference.countPrimes(limit))
  })

  it('async twins resolve to the same values, including above the inline sizes', async () => {
    expect(await integer.fibonacciAsync(integer.FIBONACCI_ASYNC_INLINE_MAX_N + 1)).toBe(reference.fibonacci(integer.FIBONACCI_ASYNC_INLINE_MAX_N + 1))
    expect(await integer.countPrimesAsync(1e7)).toBe(664_579)
    expect((await integer.primesAsync(1e6)).length).toBe(78_498)
  })

  it('validates and aborts the same way', async () => {
    expectThrows(() => integer.countPrimes(-1), { ...OUT_OF_RANGE, includes: ['"limit"'] })
    expectThrows(() => integer.fibonacci('3' as never), { ...INVALID_TYPE, includes: ['"n"'] })
    await expectRejects(() => integer.primesAsync(2 ** 32 + 1), OUT_OF_RANGE)
    await expectRejects(() => integer.countPrimesAsync(1e7, { signal: AbortSignal.abort() }), ABORTED)
    // Aborted during the turn the fallback yields before computing.
    const controller = new AbortController()
    const promise = integer.countPrimesAsync(1e7, { signal: controller.signal })
    controller.abort()
    await expectRejects(() => promise, ABORTED)
  })
})
