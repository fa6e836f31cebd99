/**
 * The async twins: same results as the sync functions, aborting before and while they run,
 * many calls at once behind the native task limit, and an event loop that stays free.
 */
import { describe, expect, it } from 'vitest'
import {
  FIBONACCI_ASYNC_INLINE_MAX_N,
  SIEVE_ASYNC_INLINE_MAX_LIMIT,
  countPrimes,
  countPrimesAsync,
  fibonacci,
  fibonacciAsync,
  primes,
  primesAsync,
} from '../../src/integer/index.js'
import * as reference from '../../src/integer/reference.js'
import { ABORTED, expectRejects } from '../helpers/errors.js'
import { nextTurn } from '../helpers/runtime.js'

describe('results', () => {
  it('fibonacciAsync equals fibonacci, inline and on a worker thread', async () => {
    for (const n of [0, 1, 2, 78, 79, 500, FIBONACCI_ASYNC_INLINE_MAX_N, FIBONACCI_ASYNC_INLINE_MAX_N + 1, 300_000]) {
      expect(await fibonacciAsync(n), `F(${n})`).toBe(fibonacci(n))
    }
    expect(await fibonacciAsync(1000, {})).toBe(reference.fibonacciIterative(1000))
  })

  it('primesAsync and countPrimesAsync equal the sync functions', async () => {
    for (const limit of [0, 1, 2, 3, 30, 99, 100, SIEVE_ASYNC_INLINE_MAX_LIMIT, SIEVE_ASYNC_INLINE_MAX_LIMIT + 1, 2_000_003]) {
      const list = await primesAsync(limit)
      expect(list).toBeInstanceOf(Uint32Array)
      expect(Array.from(list)).toEqual(Array.from(primes(limit)))
      expect(await countPrimesAsync(limit)).toBe(countPrimes(limit))
    }
    expect(await countPrimesAsync(1e8, { signal: new AbortController().signal })).toBe(5_761_455)
  })

  it('runs many calls at once, each with its own result', async () => {
    const limits = Array.from({ length: 12 }, (_, i) => 1_000_000 + i * 77_777)
    const counts = await Promise.all(limits.map((l) => countPrimesAsync(l)))
    expect(counts).toEqual(limits.map((l) => countPrimes(l)))
    const fibs = await Promise.all([100_000, 100_001, 100_002].map((n) => fibonacciAsync(n)))
    expect(fibs[0] + fibs[1]).toBe(fibs[2])
  })

  it('sync calls made while an async sieve holds the pool run on the calling thread, correctly', async () => {
    const running = countPrimesAsync(2 ** 32)
    await nextTurn()
    const began = performance.now()
    expect(countPrimes(1e7)).toBe(664_579)
    expect(primes(1e6).length).toBe(78_498)
    expect(fibonacci(300_000)).toBe(fibonacci(299_999) + fibonacci(299_998))
    // Not queued behind the async call's segments (which take seconds in all).
    expect(performance.now() - began).toBeLessThan(1000)
    expect(await running).toBe(203_280_221)
  }, 60_000)

  it('keeps the event loop free while a large sieve runs', async () => {
    const promise = countPrimesAsync(2 ** 32)
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    try {
      expect(await promise).toBe(203_280_221)
    } finally {
      clearInterval(timer)
    }
    expect(ticks).toBeGreaterThan(3)
  }, 60_000)
})

describe('abort', () => {
  const calls = [
    { name: 'fibonacciAsync', start: (signal: AbortSignal) => fibonacciAsync(5_000_000, { signal }) },
    { name: 'primesAsync', start: (signal: AbortSignal) => primesAsync(2 ** 32, { signal }) },
    { name: 'countPrimesAsync', start: (signal: AbortSignal) => countPrimesAsync(2 ** 32, { signal }) },
  ]

  it.each(calls)('$name rejects with AbortError when the signal is already aborted', async ({ start }) => {
    const reason = new Error('stop')
    const error = await expectRejects(() => start(AbortSignal.abort(reason)), ABORTED)
    expect(error.cause).toBe(reason)
  })

  it('small (inline) calls also reject when already aborted', async () => {
    const signal = AbortSignal.abort()
    await expectRejects(() => fibonacciAsync(10, { signal }), ABORTED)
    await expectRejects(() => primesAsync(10, { signal }), ABORTED)
    await expectRejects(() => countPrimesAsync(10, { signal }), ABORTED)
  })

  it.each(calls)('$name stops soon after an abort while it runs', async ({ start }) => {
    const controller = new AbortController()
    const began = performance.now()
    const promise = start(controller.signal)
    await nextTurn()
    const reason = new Error('enough')
    controller.abort(reason)
    const error = await expectRejects(() => promise, ABORTED)
    expect(error.cause).toBe(reason)
    // The whole call takes 0.3-3 s; an abort lands within one segment or doubling step.
    expect(performance.now() - began).toBeLessThan(250)
  })

  it('an abort while waiting for a native slot rejects that call; the others still resolve', async () => {
    const controller = new AbortController()
    const busy = [countPrimesAsync(3e8), countPrimesAsync(3e8)]
    const queued = countPrimesAsync(3e8, { signal: controller.signal })
    controller.abort()
    await expectRejects(() => queued, ABORTED)
    expect(await Promise.all(busy)).toEqual([16_252_325, 16_252_325])
  })

  it('a signal aborted after the call settled changes nothing', async () => {
    const controller = new AbortController()
    expect(await countPrimesAsync(1e6, { signal: controller.signal })).toBe(78_498)
    controller.abort()
    expect(await fibonacciAsync(100_000, { signal: controller.signal }).catch((e: Error) => e.name)).toBe('AbortError')
  })
})
