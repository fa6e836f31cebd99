/**
 * Exact integer math through the facade: parity with the pure-TS BigInt references (property
 * based), known values, and the native/JS dispatch boundaries. Errors and async: math.errors and
 * math.async; the fallback: math.fallback.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FIBONACCI_NATIVE_MIN_N,
  SIEVE_NATIVE_MIN_LIMIT,
  countPrimes,
  fibonacci,
  primes,
  sumOfSquares,
} from '../../src/integer/index.js'
import { native } from '../../src/core/native.js'
import * as reference from '../../src/integer/reference.js'

/** Asserts two Uint32Arrays are equal, fast (vitest's deep equality walks elements one by one). */
function expectSameList(got: Uint32Array, want: Uint32Array, label = ''): void {
  expect(got, label).toBeInstanceOf(Uint32Array)
  expect(got.length, label).toBe(want.length)
  expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength)), label).toBe(true)
}

/** Numbers per 64 KiB segment of the native sieve (30 per byte). */
const SEGMENT_NUMBERS = 30 * 65_536

describe('sumOfSquares', () => {
  it('matches a running sum for n < 600, as number and as bigint', () => {
    let sum = 0n
    for (let n = 0; n < 600; n++) {
      expect(sumOfSquares(n)).toBe(sum)
      expect(sumOfSquares(BigInt(n))).toBe(sum)
      sum += BigInt(n) * BigInt(n)
    }
  })

  it('gives the exact value the tutorial got wrong, and the largest safe integer', () => {
    expect(sumOfSquares(100_000_000)).toBe(333333328333333350000000n)
    const max = Number.MAX_SAFE_INTEGER
    expect(sumOfSquares(max)).toBe(reference.sumOfSquares(BigInt(max)))
    expect(sumOfSquares(max)).toBe(((2n ** 53n - 2n) * (2n ** 53n - 1n) * (2n ** 54n - 3n)) / 6n)
    expect(sumOfSquares(2n ** 64n - 1n)).toBe(reference.sumOfSquares(2n ** 64n - 1n))
  })

  it('matches the BigInt closed form for any safe integer and any u64 bigint (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 400_000 })), (n) => {
        expect(sumOfSquares(n)).toBe(reference.sumOfSquares(BigInt(n)))
      }),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
        expect(sumOfSquares(n)).toBe(reference.sumOfSquares(n))
      }),
      { numRuns: 500 },
    )
  })

  it.skipIf(!native)('native 192-bit kernel agrees with the closed form the facade runs (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 1000n })), (n) => {
        expect(native!.integerSumOfSquares(n)).toBe(reference.sumOfSquares(n))
      }),
      { numRuns: 500 },
    )
    expect(native!.integerSumOfSquares(100_000_000n)).toBe(333333328333333350000000n)
  })

  it('is consistent across the number fast path boundary', () => {
    for (let n = reference.SUM_OF_SQUARES_NUMBER_MAX - 3; n <= reference.SUM_OF_SQUARES_NUMBER_MAX + 3; n++) {
      expect(sumOfSquares(n)).toBe(reference.sumOfSquares(BigInt(n)))
    }
  })
})

describe('fibonacci', () => {
  it('matches iteration for n <= 1500 (both sides of the native threshold)', () => {
    let a = 0n
    let b = 1n
    for (let n = 0; n <= 1500; n++) {
      expect(fibonacci(n), `F(${n})`).toBe(a)
      ;[a, b] = [b, a + b]
    }
    expect(FIBONACCI_NATIVE_MIN_N).toBeLessThan(1500)
  })

  it('gives known values', () => {
    expect(fibonacci(0)).toBe(0n)
    expect(fibonacci(1)).toBe(1n)
    expect(fibonacci(93)).toBe(12200160415121876738n)
    expect(fibonacci(1000)).toBe(
      43466557686937456435688527675040625802564660517371780402481729089536555417949051890403879840079255169295922593080322634775209689623239873322471161642996440906533187938298969649928516003704476137795166849228875n,
    )
  })

  it('matches the BigInt fast doubling for random n up to 100,000 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => {
        expect(fibonacci(n)).toBe(reference.fibonacci(n))
      }),
      { numRuns: 60 },
    )
  })

  it('computes F(1,000,000) exactly (208,988 digits), equal to the JS reference', () => {
    const f = fibonacci(1_000_000)
    expect(f.toString(2).length).toBe(694_241)
    expect(f).toBe(reference.fibonacci(1_000_000))
    // Cassini: F(n-1) F(n+1) - F(n)^2 = (-1)^n, on native results around the parallel threshold.
    const n = 250_001
    expect(fibonacci(n - 1) * fibonacci(n + 1) - fibonacci(n) ** 2n).toBe(-1n)
  })
})

describe('primes and countPrimes', () => {
  it('match the byte sieve for every limit below 3,000 (both sides of the native threshold)', () => {
    expect(SIEVE_NATIVE_MIN_LIMIT).toBeLessThan(3000)
    for (let limit = 0; limit < 3000; limit++) {
      const want = reference.primes(limit)
      expectSameList(primes(limit), want, `limit ${limit}`)
      expect(countPrimes(limit)).toBe(want.length)
    }
  })

  it('match the byte sieve for random limits up to 5,000,000 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), (limit) => {
        const want = reference.primes(limit)
        expectSameList(primes(limit), want, `limit ${limit}`)
        expect(countPrimes(limit)).toBe(want.length)
      }),
      { numRuns: 25 },
    )
  })

  it('match the byte sieve around native segment boundaries', () => {
    const big = reference.primes(3 * SEGMENT_NUMBERS + 100)
    for (let k = 1; k <= 3; k++) {
      for (const d of [-31, -30, -1, 0, 1, 29, 30]) {
        const limit = k * SEGMENT_NUMBERS + d
        const want = big.filter((p) => p <= limit)
        expectSameList(primes(limit), want, `limit ${limit}`)
        expect(countPrimes(limit)).toBe(want.length)
      }
    }
  })

  it('count the known π(1e8) = 5,761,455 and π(1e9) = 50,847,534', () => {
    expect(countPrimes(1e8)).toBe(5_761_455)
    expect(countPrimes(1e9)).toBe(50_847_534)
    const list = primes(1e8)
    expect(list.length).toBe(5_761_455)
    expect(list[0]).toBe(2)
    expect(list.at(-1)).toBe(99_999_989)
  })

  it('handles the top of the range: primes near 2^32 by trial division', () => {
    // π(2^32) itself takes ~0.3 s natively (tested in Rust); here the last primes of a full list.
    const isPrime = (n: number): boolean => {
      for (let d = 2; d * d <= n; d++) if (n % d === 0) return false
      return n >= 2
    }
    const list = primes(2 ** 32 - 1)
    expect(list.length).toBe(203_280_221)
    const tail: number[] = []
    for (let n = 2 ** 32 - 1; tail.length < 20; n--) if (isPrime(n)) tail.unshift(n)
    expect(Array.from(list.subarray(list.length - 20))).toEqual(tail)
  }, 120_000)
})
