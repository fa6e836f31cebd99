// Integer math (the `integer` family): sumOfSquares, fibonacci, primes, countPrimes and the async
// twins. Exact results: compared with src/integer/reference.ts for equality.
import fc from 'fast-check'
import { integer, invalid, options, plainValue, sameArray, signal } from '../oracle.mjs'
import { hostileArb, num, objArb, optional, signalArb } from '../values.mjs'

/** Arguments for n/limit: small valid ones (cheap to check), boundaries, and junk; never a huge valid one. */
const countArb = (max) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 200 }).map(num) },
    { weight: 2, arbitrary: fc.integer({ min: 200, max: 120_000 }).map(num) },
    { weight: 2, arbitrary: fc.constantFrom(-0, -1, 0.5, 1.5, max + 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 31), Number.NaN, Infinity, -Infinity, Number.MAX_VALUE, 1e300, Number.EPSILON).map(num) },
    { weight: 2, arbitrary: hostileArb },
  )

const sumOfSquaresArb = fc.oneof(
  countArb(Number.MAX_SAFE_INTEGER),
  fc.constantFrom(2 ** 53 - 1, 165_000, 165_001, 1e15).map(num),
  fc.oneof(fc.bigInt({ min: -10n, max: 1000n }), fc.constantFrom(2n ** 64n - 1n, 2n ** 64n, -(2n ** 64n), 2n ** 200n)).map(num),
)

const asyncOptions = optional(objArb({ signal: signalArb }))

function asyncSignal(o) {
  signal(options(o).signal)
}

const sameBigint = (a, b) => (typeof a === 'bigint' && a === b ? null : `got ${typeof a} ${String(a).slice(0, 40)}, expected ${String(b).slice(0, 40)}`)
const sameCount = (a, b) => (Object.is(a, b) ? null : `got ${a}, expected ${b}`)

function sumOfSquares(c, r) {
  const n = plainValue(c, 'n')
  if (typeof n === 'bigint') {
    if (n < 0n || n > 2n ** 64n - 1n) invalid('n: a BigInt out of 0n..2n ** 64n - 1n')
    return r.integer.sumOfSquares(n)
  }
  return r.integer.sumOfSquares(BigInt(integer(n, 'n', 0)))
}

export const specs = [
  { name: 'sumOfSquares', kind: 'sync', args: fc.tuple(sumOfSquaresArb), run: (hp, [n]) => hp.sumOfSquares(n), oracle: ([n], r) => sumOfSquares(n, r), compare: sameBigint },
  { name: 'fibonacci', kind: 'sync', args: fc.tuple(countArb(10_000_000)), run: (hp, [n]) => hp.fibonacci(n), oracle: ([n], r) => r.integer.fibonacci(integer(n, 'n', 0, 10_000_000)), compare: sameBigint },
  {
    name: 'fibonacciAsync',
    kind: 'async',
    args: fc.tuple(countArb(10_000_000), asyncOptions),
    run: (hp, [n, o]) => hp.fibonacciAsync(n, o),
    oracle: ([n, o], r) => {
      asyncSignal(o)
      return r.integer.fibonacci(integer(n, 'n', 0, 10_000_000))
    },
    compare: sameBigint,
  },
  { name: 'primes', kind: 'sync', args: fc.tuple(countArb(2 ** 32)), run: (hp, [n]) => hp.primes(n), oracle: ([n], r) => r.integer.primes(integer(n, 'limit', 0, 2 ** 32)), compare: sameArray },
  {
    name: 'primesAsync',
    kind: 'async',
    args: fc.tuple(countArb(2 ** 32), asyncOptions),
    run: (hp, [n, o]) => hp.primesAsync(n, o),
    oracle: ([n, o], r) => {
      asyncSignal(o)
      return r.integer.primes(integer(n, 'limit', 0, 2 ** 32))
    },
    compare: sameArray,
  },
  { name: 'countPrimes', kind: 'sync', args: fc.tuple(countArb(2 ** 32)), run: (hp, [n]) => hp.countPrimes(n), oracle: ([n], r) => r.integer.countPrimes(integer(n, 'limit', 0, 2 ** 32)), compare: sameCount },
  {
    name: 'countPrimesAsync',
    kind: 'async',
    args: fc.tuple(countArb(2 ** 32), asyncOptions),
    run: (hp, [n, o]) => hp.countPrimesAsync(n, o),
    oracle: ([n, o], r) => {
      asyncSignal(o)
      return r.integer.countPrimes(integer(n, 'limit', 0, 2 ** 32))
    },
    compare: sameCount,
  },
]
