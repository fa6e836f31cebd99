/**
 * Exact integer math: sums of squares and Fibonacci numbers as BigInt, primes by a segmented,
 * multithreaded wheel sieve. Every function validates its argument the way Node core does and
 * runs the pure-TS reference for inputs too small to repay a native call (or when no native
 * binary loads and `HOTPATH_NATIVE=fallback` is set).
 */
import { coded } from '../core/guard.js'
import { abortErrorFor, fromNative, invalidType, outOfRange } from '../core/errors.js'
import { native } from '../core/native.js'
import * as reference from './reference.js'
import { progressOption, type ProgressOptions, type ProgressWatch } from '../core/progress.js'
import { runNativeTask } from '../core/task.js'
import { abortSignal, integerInRange, optionsObject } from '../core/validate.js'

/** Largest `n` accepted by {@link fibonacci}: F(10,000,000) has 2,089,877 decimal digits. */
export const FIBONACCI_MAX_N = 10_000_000

/** Largest `limit` accepted by {@link primes} and {@link countPrimes}: 2^32. */
export const PRIMES_MAX_LIMIT = 2 ** 32

/** Largest BigInt `n` accepted by {@link sumOfSquares}: 2^64 - 1. */
export const SUM_OF_SQUARES_MAX_BIGINT = 2n ** 64n - 1n

/** Options of the async integer functions. */
export interface IntegerAsyncOptions extends ProgressOptions {
  /** Aborts the call before it starts or while it runs; the promise rejects with an AbortError. */
  signal?: AbortSignal
}

/** @deprecated The integer family's options were once named after `math`; use {@link IntegerAsyncOptions}. */
export type MathAsyncOptions = IntegerAsyncOptions

/**
 * `fibonacci(n)` below this n reads a table of the values that fit a double (F(0)..F(78), ~0.1 us).
 * Above, one native call (~1 us with the BigInt conversion) beats the BigInt doubling in JS
 * (3-4 us at n = 150..500, 55 us vs 9 us at n = 10,000 on the reference machine).
 */
export const FIBONACCI_NATIVE_MIN_N = 79

/**
 * `primes`/`countPrimes` sieve in JavaScript below this limit. Measured on the reference
 * machine: at 100 both take ~0.8 us (count) and native wins from there on (2.7 vs 6.9 us for
 * primes(1000), 0.8 vs 4.5 us for countPrimes(1000)).
 */
export const SIEVE_NATIVE_MIN_LIMIT = 100

/** Async Fibonacci up to this n is computed before the promise returns (~9 us natively): less than a libuv round trip. */
export const FIBONACCI_ASYNC_INLINE_MAX_N = 10_000

/** Async sieves up to this limit are computed before the promise returns (primes: ~24 us, count: ~3 us natively). */
export const SIEVE_ASYNC_INLINE_MAX_LIMIT = 30_000

/**
 * The exact sum of squares `0² + 1² + ... + (n-1)²`, as a BigInt.
 *
 * `n` is a safe integer (`0 <= n <= 2^53 - 1`) or a BigInt in `0n..2n ** 64n - 1n`; anything
 * else throws (`ERR_INVALID_ARG_TYPE` for another type, `ERR_OUT_OF_RANGE` for a negative,
 * fractional or too large value).
 *
 * Computed in JavaScript, by the closed form (n-1) n (2n-1) / 6: a few BigInt operations (~0.2 us,
 * ~0.05 us for n <= 165,000 where doubles are exact) cost less than one native call returning a
 * BigInt (~0.3 us measured on the reference machine). The native kernel (192-bit integers)
 * computes the same values and is cross-checked by the tests.
 *
 * @example
 * ```ts
 * sumOfSquares(100_000_000) // 333333328333333350000000n
 * sumOfSquares(3) // 5n (0 + 1 + 4)
 * ```
 */
export function sumOfSquares(n: number | bigint): bigint {
  try {
    if (typeof n === 'number') {
      integerInRange(n, 'n', 0)
      return n <= reference.SUM_OF_SQUARES_NUMBER_MAX ? reference.sumOfSquaresSmall(n) : reference.sumOfSquares(BigInt(n))
    }
    if (typeof n !== 'bigint') throw invalidType('n', 'of type number or bigint', n)
    if (n < 0n || n > SUM_OF_SQUARES_MAX_BIGINT) throw outOfRange('n', `>= 0n and <= ${SUM_OF_SQUARES_MAX_BIGINT}n`, `${n}n`)
    return reference.sumOfSquares(n)
  } catch (error) {
    throw coded(error)
  }
}

function fibonacciN(n: unknown): number {
  return integerInRange(n, 'n', 0, FIBONACCI_MAX_N)
}

/**
 * The n-th Fibonacci number, exactly, as a BigInt (`F(0) = 0`, `F(1) = 1`), by fast doubling.
 * `n` is an integer in `0..10,000,000` ({@link FIBONACCI_MAX_N}). Large n block the calling
 * thread (F(1,000,000), 208,988 digits, takes a few milliseconds); see {@link fibonacciAsync}.
 *
 * @example
 * ```ts
 * fibonacci(10) // 55n
 * fibonacci(1_000_000).toString().length // 208988
 * ```
 */
export function fibonacci(n: number): bigint {
  try {
    fibonacciN(n)
    if (!native || n < FIBONACCI_NATIVE_MIN_N) return reference.fibonacci(n)
    try {
      return native.integerFibonacci(n)
    } catch (error) {
      throw fromNative(error)
    }
  } catch (error) {
    throw coded(error)
  }
}

/**
 * {@link fibonacci} off the JavaScript thread. Abortable with `signal`, before it starts and
 * while it runs (between doubling steps). Always rejects, never throws.
 *
 * @example
 * ```ts
 * const f = await fibonacciAsync(5_000_000, { signal: AbortSignal.timeout(1000) })
 * ```
 */
export async function fibonacciAsync(n: number, options?: IntegerAsyncOptions): Promise<bigint> {
  try {
    const opts = optionsObject(options)
    const signal = abortSignal(opts.signal)
    const progress = progressOption(opts)
    fibonacciN(n)
    if (signal?.aborted) throw abortErrorFor(signal)
    if (!native || n <= FIBONACCI_ASYNC_INLINE_MAX_N) return referenceAsync(() => fibonacci(n), signal, n > FIBONACCI_ASYNC_INLINE_MAX_N, progress, n)
    return runNativeTask(signal, (token) => native!.integerFibonacciAsync(n, token), progress?.scaledTo(n))
  } catch (error) {
    throw coded(error)
  }
}

function sieveLimit(limit: unknown): number {
  return integerInRange(limit, 'limit', 0, PRIMES_MAX_LIMIT)
}

/**
 * The primes `<= limit`, in increasing order, as a Uint32Array. `limit` is an integer in
 * `0..2^32` ({@link PRIMES_MAX_LIMIT}). Uses every hotpath thread (a segmented mod-30 wheel sieve);
 * the result takes 4 bytes per prime (23 MB for 1e8, 813 MB for 2^32). See {@link primesAsync}.
 *
 * @example
 * ```ts
 * primes(30) // Uint32Array [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
 * ```
 */
export function primes(limit: number): Uint32Array {
  try {
    sieveLimit(limit)
    if (!native) return limit <= reference.PLAIN_SIEVE_MAX ? reference.primes(limit) : reference.primesSegmented(limit)
    if (limit < SIEVE_NATIVE_MIN_LIMIT) return reference.primes(limit)
    try {
      return native.integerPrimes(limit)
    } catch (error) {
      throw fromNative(error)
    }
  } catch (error) {
    throw coded(error)
  }
}

/**
 * {@link primes} off the JavaScript thread. Abortable with `signal`, before it starts and while
 * it runs (between sieve segments). Always rejects, never throws.
 *
 * @example
 * ```ts
 * const list = await primesAsync(1e9, { signal })
 * ```
 */
export async function primesAsync(limit: number, options?: IntegerAsyncOptions): Promise<Uint32Array> {
  try {
    const opts = optionsObject(options)
    const signal = abortSignal(opts.signal)
    const progress = progressOption(opts)
    sieveLimit(limit)
    if (signal?.aborted) throw abortErrorFor(signal)
    if (!native || limit <= SIEVE_ASYNC_INLINE_MAX_LIMIT) return referenceAsync(() => primes(limit), signal, limit > SIEVE_ASYNC_INLINE_MAX_LIMIT, progress, limit)
    return runNativeTask(signal, (token) => native!.integerPrimesAsync(limit, token), progress?.scaledTo(limit))
  } catch (error) {
    throw coded(error)
  }
}

/**
 * π(limit): how many primes are `<= limit`. `limit` is an integer in `0..2^32`
 * ({@link PRIMES_MAX_LIMIT}). Uses every hotpath thread; see {@link countPrimesAsync}.
 *
 * @example
 * ```ts
 * countPrimes(100_000_000) // 5761455
 * ```
 */
export function countPrimes(limit: number): number {
  try {
    sieveLimit(limit)
    if (!native) return limit <= reference.PLAIN_SIEVE_MAX ? reference.countPrimes(limit) : reference.countPrimesSegmented(limit)
    if (limit < SIEVE_NATIVE_MIN_LIMIT) return reference.countPrimes(limit)
    try {
      return native.integerCountPrimes(limit)
    } catch (error) {
      throw fromNative(error)
    }
  } catch (error) {
    throw coded(error)
  }
}

/**
 * {@link countPrimes} off the JavaScript thread. Abortable with `signal`, before it starts and
 * while it runs (between sieve segments). Always rejects, never throws.
 *
 * @example
 * ```ts
 * const pi = await countPrimesAsync(2 ** 32) // 203280221
 * ```
 */
export async function countPrimesAsync(limit: number, options?: IntegerAsyncOptions): Promise<number> {
  try {
    const opts = optionsObject(options)
    const signal = abortSignal(opts.signal)
    const progress = progressOption(opts)
    sieveLimit(limit)
    if (signal?.aborted) throw abortErrorFor(signal)
    if (!native || limit <= SIEVE_ASYNC_INLINE_MAX_LIMIT) return referenceAsync(() => countPrimes(limit), signal, limit > SIEVE_ASYNC_INLINE_MAX_LIMIT, progress, limit)
    return runNativeTask(signal, (token) => native!.integerCountPrimesAsync(limit, token), progress?.scaledTo(limit))
  } catch (error) {
    throw coded(error)
  }
}

/**
 * The async path for small inputs and for the fallback: computes on the calling thread. Long
 * fallback work first yields one turn of the event loop, so a caller can still abort it.
 */
async function referenceAsync<T>(compute: () => T, signal: AbortSignal | undefined, yieldFirst: boolean, progress: ProgressWatch | undefined, units: number): Promise<T> {
  if (yieldFirst) {
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (signal?.aborted) throw abortErrorFor(signal)
  }
  const result = compute()
  progress?.complete(undefined, units)
  return result
}
