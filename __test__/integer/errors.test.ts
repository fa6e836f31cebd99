/**
 * Every invalid argument of the integer math functions: the error class, the stable code, and a
 * message naming the argument, the expectation and what was received. Sync functions throw; the
 * async twins reject and never throw.
 */
import { describe, it } from 'vitest'
import {
  FIBONACCI_MAX_N,
  PRIMES_MAX_LIMIT,
  countPrimes,
  countPrimesAsync,
  fibonacci,
  fibonacciAsync,
  primes,
  primesAsync,
  sumOfSquares,
} from '../../src/integer/index.js'
import { INVALID_TYPE, OUT_OF_RANGE, expectRejects, expectThrows } from '../helpers/errors.js'

const notNumbers: unknown[] = ['5', null, undefined, {}, [3], true, Symbol('n'), () => 1, new Number(5)]
const badIntegers = (max: number): number[] => [-1, -0.5, 1.5, Number.NaN, Infinity, -Infinity, max + 1, 2 ** 53, Number.MAX_VALUE]

type Sync = (value: never) => unknown
type Async = (value: never, options?: never) => Promise<unknown>

const integerFunctions: { name: string; argument: string; max: number; sync: Sync; async?: Async }[] = [
  { name: 'fibonacci', argument: 'n', max: FIBONACCI_MAX_N, sync: fibonacci as Sync, async: fibonacciAsync as Async },
  { name: 'primes', argument: 'limit', max: PRIMES_MAX_LIMIT, sync: primes as Sync, async: primesAsync as Async },
  { name: 'countPrimes', argument: 'limit', max: PRIMES_MAX_LIMIT, sync: countPrimes as Sync, async: countPrimesAsync as Async },
]

describe.each(integerFunctions)('$name', ({ argument, max, sync, async }) => {
  it('throws ERR_INVALID_ARG_TYPE for a value that is not a number (bigint included)', () => {
    for (const value of [...notNumbers, 10n]) {
      expectThrows(() => sync(value as never), { ...INVALID_TYPE, includes: [`"${argument}"`, 'of type number', 'Received'] })
    }
  })

  it('throws ERR_OUT_OF_RANGE for negative, fractional, non-finite and too large values', () => {
    for (const value of badIntegers(max)) {
      expectThrows(() => sync(value as never), { ...OUT_OF_RANGE, includes: [`"${argument}"`, `>= 0 and <= ${max}`, `Received ${String(value)}`] })
    }
  })

  it('rejects (never throws) with the same errors when async', async () => {
    for (const value of [...notNumbers, 10n]) {
      await expectRejects(() => async!(value as never), { ...INVALID_TYPE, includes: [`"${argument}"`] })
    }
    for (const value of badIntegers(max)) {
      await expectRejects(() => async!(value as never), { ...OUT_OF_RANGE, includes: [`"${argument}"`, `<= ${max}`] })
    }
  })

  it('rejects bad options: not an object, or a signal that is not an AbortSignal', async () => {
    for (const options of [null, 5, 'x', [1]]) {
      await expectRejects(() => async!(10 as never, options as never), { ...INVALID_TYPE, includes: ['"options"'] })
    }
    for (const signal of [null, 5, {}, new AbortController()]) {
      await expectRejects(() => async!(10 as never, { signal } as never), { ...INVALID_TYPE, includes: ['"options.signal"', 'AbortSignal'] })
    }
  })
})

describe('sumOfSquares', () => {
  it('throws ERR_INVALID_ARG_TYPE for a value that is neither a number nor a bigint', () => {
    for (const value of notNumbers) {
      expectThrows(() => sumOfSquares(value as never), { ...INVALID_TYPE, includes: ['"n"', 'of type number or bigint'] })
    }
  })

  it('throws ERR_OUT_OF_RANGE for negative, fractional, non-finite and unsafe numbers', () => {
    for (const value of [-1, -0.5, 0.5, 1e8 + 0.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 1e300]) {
      expectThrows(() => sumOfSquares(value), { ...OUT_OF_RANGE, includes: ['"n"', `Received ${String(value)}`] })
    }
  })

  it('throws ERR_OUT_OF_RANGE for negative bigints and bigints above 2^64 - 1', () => {
    for (const value of [-1n, -(2n ** 70n), 2n ** 64n, 2n ** 100n]) {
      expectThrows(() => sumOfSquares(value), { ...OUT_OF_RANGE, includes: ['"n"', '18446744073709551615n', `Received ${value}n`] })
    }
  })
})
