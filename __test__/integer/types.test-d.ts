/**
 * Type tests of the integer math API (run by vitest's typecheck): BigInt and Uint32Array results,
 * promises for the async twins, `{ signal }` options, and wrong argument types as compile errors.
 */
import { assertType, describe, expectTypeOf, it } from 'vitest'
import {
  countPrimes,
  countPrimesAsync,
  fibonacci,
  fibonacciAsync,
  primes,
  primesAsync,
  sumOfSquares,
  type IntegerAsyncOptions,
  type MathAsyncOptions,
} from '../../src/integer/index.js'

describe('integer math types', () => {
  it('returns exact integers and typed arrays', () => {
    expectTypeOf(sumOfSquares(10)).toEqualTypeOf<bigint>()
    expectTypeOf(sumOfSquares(10n)).toEqualTypeOf<bigint>()
    expectTypeOf(fibonacci(10)).toEqualTypeOf<bigint>()
    expectTypeOf(primes(10)).toEqualTypeOf<Uint32Array>()
    expectTypeOf(countPrimes(10)).toEqualTypeOf<number>()
  })

  it('async twins return promises and take { signal }', () => {
    expectTypeOf(fibonacciAsync(10)).toEqualTypeOf<Promise<bigint>>()
    expectTypeOf(primesAsync(10, { signal: AbortSignal.timeout(10) })).toEqualTypeOf<Promise<Uint32Array>>()
    expectTypeOf(countPrimesAsync(10, {})).toEqualTypeOf<Promise<number>>()
    expectTypeOf<IntegerAsyncOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>()
    expectTypeOf<MathAsyncOptions>().toEqualTypeOf<IntegerAsyncOptions>()
  })

  it('rejects wrong argument types at compile time', () => {
    // @ts-expect-error a string is not a number
    assertType(fibonacci('10'))
    // @ts-expect-error fibonacci takes a number, not a bigint
    assertType(fibonacci(10n))
    // @ts-expect-error primes takes a number
    assertType(primes(10n))
    // @ts-expect-error sumOfSquares takes a number or a bigint
    assertType(sumOfSquares('10'))
    // @ts-expect-error the signal must be an AbortSignal
    assertType(countPrimesAsync(10, { signal: 'stop' }))
  })
})
