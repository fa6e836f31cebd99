/**
 * The exact integer math benchmark: countPrimes and primes against the pure-TS Uint8Array sieve
 * (the baseline: the sieve a JS programmer writes), fibonacci against BigInt fast doubling in JS, and sumOfSquares (which
 * the facade computes in JS) against a direct native call. Everything runs in this process on the
 * same inputs; each table's first row is its baseline.
 */
import { countPrimes, countPrimesAsync, fibonacci, fibonacciAsync, primes, sumOfSquares } from '../integer/index.js'
import { native } from '../core/native.js'
import * as reference from '../integer/reference.js'
import { interleavedMedians, medians, sink } from './measure.js'
import type { SuiteOptions, SuiteReport, SuiteRow } from './suite.js'


const PRIMESIEVE_NOTE = 'primesieve (C++, wheel + bucket sieve) ≈ 9 ms for 1e8 on this machine, 2 threads'

const SUM_CALLS_PER_SAMPLE = 1000

function formatCount(n: number): string {
  return n >= 1e6 && Number.isInteger(Math.log10(n)) ? `1e${Math.log10(n)}` : n.toLocaleString('en-US')
}

function rate(count: number, ms: number, unit: string): string {
  const perSec = (count / ms) * 1e3
  return perSec >= 1e9 ? `${(perSec / 1e9).toFixed(2)} G ${unit}/s` : `${(perSec / 1e6).toFixed(1)} M ${unit}/s`
}

/**
 * Runs the integer suite. `quick` uses limits of 1e6 and F(1e5) and few samples (seconds in all);
 * the full run uses 1e8 and F(1e6), where the pure-TS sieve alone takes ~3 s per call.
 */
export async function runIntegerBench(options: SuiteOptions): Promise<SuiteReport> {
  const { quick } = options
  const progress = options.onProgress ?? (() => {})
  const rows: SuiteRow[] = []
  const limit = quick ? 1e6 : 1e8
  const fibN = quick ? 100_000 : 1_000_000
  // The JS sieve of 1e8 takes seconds: three calls are all it gets.
  const slow = { time: 0, iterations: 3 }
  const fast = { time: quick ? 100 : 1000, iterations: quick ? 5 : 10 }
  const backend = native ? 'native' : 'fallback'

  progress(`countPrimes(${formatCount(limit)})`)
  const countTable = `countPrimes(${formatCount(limit)}) = ${countPrimes(limit).toLocaleString('en-US')}`
  const countBase = await medians({ base: () => (sink.value += reference.countPrimes(limit)) }, slow)
  const countOurs = await medians(
    {
      sync: () => (sink.value += countPrimes(limit)),
      async: () => countPrimesAsync(limit).then((c) => (sink.value += c)),
    },
    fast,
  )
  const countRatio = countBase.base / countOurs.sync
  rows.push(
    { table: countTable, name: 'pure-TS Uint8Array sieve', medianMs: countBase.base, vsBaseline: 1, throughput: rate(limit, countBase.base, 'numbers'), note: 'one byte per number, as a JS sieve is usually written' },
    { table: countTable, name: `hotpath countPrimes (${backend})`, medianMs: countOurs.sync, throughput: rate(limit, countOurs.sync, 'numbers'), vsBaseline: countRatio, note: quick ? undefined : PRIMESIEVE_NOTE },
    { table: countTable, name: 'hotpath countPrimesAsync', medianMs: countOurs.async, vsBaseline: countBase.base / countOurs.async, note: 'one libuv round trip more' },
  )

  progress(`primes(${formatCount(limit)})`)
  const primesTable = `primes(${formatCount(limit)}) -> Uint32Array`
  const found = countPrimes(limit)
  const primesBase = await medians({ base: () => (sink.value += reference.primes(limit).length) }, slow)
  const primesOurs = await medians({ sync: () => (sink.value += primes(limit).length) }, fast)
  rows.push(
    { table: primesTable, name: 'pure-TS Uint8Array sieve', medianMs: primesBase.base, vsBaseline: 1, throughput: rate(found, primesBase.base, 'primes') },
    { table: primesTable, name: `hotpath primes (${backend})`, medianMs: primesOurs.sync, throughput: rate(found, primesOurs.sync, 'primes'), vsBaseline: primesBase.base / primesOurs.sync, note: `${found.toLocaleString('en-US')} primes, ${((found * 4) / 1e6).toFixed(1)} MB, copied once into V8-managed memory` },
  )

  progress(`fibonacci(${formatCount(fibN)})`)
  const fibTable = `fibonacci(${formatCount(fibN)}): ${fibonacci(fibN).toString(2).length.toLocaleString('en-US')} bits`
  const fib = await medians(
    {
      base: () => (sink.value += Number(reference.fibonacci(fibN) & 1n)),
      sync: () => (sink.value += Number(fibonacci(fibN) & 1n)),
      async: () => fibonacciAsync(fibN).then((f) => (sink.value += Number(f & 1n))),
    },
    fast,
  )
  rows.push(
    { table: fibTable, name: 'pure-TS BigInt fast doubling', medianMs: fib.base, vsBaseline: 1, note: 'V8 BigInt multiplication (Karatsuba/FFT), one thread' },
    { table: fibTable, name: `hotpath fibonacci (${backend})`, medianMs: fib.sync, vsBaseline: fib.base / fib.sync, note: 'num-bigint, two squarings per step, top steps on 2 threads' },
    { table: fibTable, name: 'hotpath fibonacciAsync', medianMs: fib.async, vsBaseline: fib.base / fib.async },
  )

  progress('sumOfSquares')
  const sumTable = `sumOfSquares: ${SUM_CALLS_PER_SAMPLE} calls, n around 1e12 (result ~2^118)`
  const inputs = Array.from({ length: 64 }, (_, i) => 1e12 + i * 7919)
  const bigInputs = inputs.map(BigInt)
  const sumTasks: Record<string, () => void> = {
    base: () => {
      let acc = 0n
      for (let i = 0; i < SUM_CALLS_PER_SAMPLE; i++) acc ^= reference.sumOfSquares(BigInt(inputs[i & 63]))
      sink.value += Number(acc & 1n)
    },
    facade: () => {
      let acc = 0n
      for (let i = 0; i < SUM_CALLS_PER_SAMPLE; i++) acc ^= sumOfSquares(inputs[i & 63])
      sink.value += Number(acc & 1n)
    },
  }
  if (native) {
    const kernel = native
    sumTasks.native = () => {
      let acc = 0n
      for (let i = 0; i < SUM_CALLS_PER_SAMPLE; i++) acc ^= kernel.integerSumOfSquares(bigInputs[i & 63])
      sink.value += Number(acc & 1n)
    }
  }
  const sums = interleavedMedians(sumTasks, quick ? 50 : 400)
  rows.push(
    { table: sumTable, name: 'pure-TS BigInt closed form', medianMs: sums.base, vsBaseline: 1, throughput: rate(SUM_CALLS_PER_SAMPLE, sums.base, 'calls') },
    { table: sumTable, name: 'hotpath sumOfSquares', medianMs: sums.facade, throughput: rate(SUM_CALLS_PER_SAMPLE, sums.facade, 'calls'), vsBaseline: sums.base / sums.facade, note: 'runs the closed form in JS: cheaper than a native call' },
  )
  if (sums.native !== undefined) {
    rows.push({ table: sumTable, name: 'native kernel, direct call', medianMs: sums.native, throughput: rate(SUM_CALLS_PER_SAMPLE, sums.native, 'calls'), vsBaseline: sums.base / sums.native, note: '192-bit integers; the BigInt crossing dominates' })
  }

  return {
    rows,
    ratios: [{ label: `countPrimes(${formatCount(limit)}) vs pure-TS Uint8Array sieve`, value: countRatio }],
  }
}
