/**
 * Pure-TypeScript integer math: the test oracle, the fallback when no native binary loads, and
 * the fast path for inputs too small to repay a native call. The sieve is deliberately the
 * textbook one (a byte per number), the baseline the native sieve is measured against.
 */

/** `sum(i*i for i in 0..n)` = (n-1) n (2n-1) / 6, exactly, for any `n >= 0n`. */
export function sumOfSquares(n: bigint): bigint {
  if (n < 2n) return 0n
  return ((n - 1n) * n * (2n * n - 1n)) / 6n
}

/**
 * `sumOfSquares` for a safe-integer `n` small enough that (n-1) n (2n-1) < 2^53, computed in
 * doubles (exact there) and converted once.
 */
export const SUM_OF_SQUARES_NUMBER_MAX = 165_000

export function sumOfSquaresSmall(n: number): bigint {
  return n < 2 ? 0n : BigInt(((n - 1) * n * (2 * n - 1)) / 6)
}

/** The Fibonacci numbers that fit a double exactly: F(0)..F(78). */
const SMALL_FIBONACCI: readonly number[] = (() => {
  const table = [0, 1]
  for (let i = 2; i <= 78; i++) table.push(table[i - 1] + table[i - 2])
  return table
})()

/** F(n) by fast doubling on BigInt: F(2k) = F(k) (2F(k+1) - F(k)), F(2k+1) = F(k)^2 + F(k+1)^2. */
export function fibonacci(n: number): bigint {
  if (n <= 78) return BigInt(SMALL_FIBONACCI[n])
  let a = 0n // F(k)
  let b = 1n // F(k+1)
  for (let bit = 31 - Math.clz32(n); bit >= 0; bit--) {
    const c = a * (2n * b - a)
    const d = a * a + b * b
    if ((n >>> bit) & 1) {
      a = d
      b = c + d
    } else {
      a = c
      b = d
    }
  }
  return a
}

/** F(n) by plain iteration: the simplest oracle, for tests. */
export function fibonacciIterative(n: number): bigint {
  let a = 0n
  let b = 1n
  for (let i = 0; i < n; i++) [a, b] = [b, a + b]
  return a
}

/** The sieve of Eratosthenes over `limit + 1` bytes: `composite[i] === 1` for composite i (and 0, 1). */
export function sieve(limit: number): Uint8Array {
  const composite = new Uint8Array(limit + 1)
  composite[0] = 1
  if (limit >= 1) composite[1] = 1
  for (let i = 2; i * i <= limit; i++) {
    if (composite[i] === 0) for (let j = i * i; j <= limit; j += i) composite[j] = 1
  }
  return composite
}

/** Number of primes `<= limit`. */
export function countPrimes(limit: number): number {
  const composite = sieve(limit)
  let count = 0
  for (let i = 2; i <= limit; i++) count += composite[i] ^ 1
  return count
}

/** The primes `<= limit`, in increasing order. */
export function primes(limit: number): Uint32Array {
  const composite = sieve(limit)
  let count = 0
  for (let i = 2; i <= limit; i++) count += composite[i] ^ 1
  const out = new Uint32Array(count)
  for (let i = 2, k = 0; i <= limit; i++) if (composite[i] === 0) out[k++] = i
  return out
}

/** Numbers per segment of {@link segmentedSieve}: 1 MiB of flags. */
const SEGMENT = 1 << 20

/**
 * The same sieve in segments of 1 MiB, for limits whose byte sieve would not fit one typed array
 * (V8 caps them below 2^32 elements) or would take gigabytes: calls `each(composite, low, high)`
 * for consecutive ranges `low..high`, where `composite[i - low] === 1` marks a composite `i` (and
 * 0, 1). The fallback runs it above {@link PLAIN_SIEVE_MAX}.
 */
export function segmentedSieve(limit: number, each: (composite: Uint8Array, low: number, high: number) => void): void {
  const base = primes(Math.floor(Math.sqrt(limit)))
  const composite = new Uint8Array(SEGMENT)
  for (let low = 0; low <= limit; low += SEGMENT) {
    const high = Math.min(low + SEGMENT - 1, limit)
    composite.fill(0)
    for (let k = 0; k < base.length; k++) {
      const p = base[k]
      if (p * p > high) break
      for (let j = Math.max(p * p, Math.ceil(low / p) * p); j <= high; j += p) composite[j - low] = 1
    }
    if (low === 0) {
      composite[0] = 1
      composite[1] = 1
    }
    each(composite, low, high)
  }
}

/** Above this limit the fallback sieves in segments ({@link segmentedSieve}). */
export const PLAIN_SIEVE_MAX = 1 << 24

/** {@link countPrimes} with {@link segmentedSieve}. */
export function countPrimesSegmented(limit: number): number {
  let count = 0
  segmentedSieve(limit, (composite, low, high) => {
    for (let i = 0; i <= high - low; i++) count += composite[i] ^ 1
  })
  return count
}

/** {@link primes} with {@link segmentedSieve}. */
export function primesSegmented(limit: number): Uint32Array {
  const parts: Uint32Array[] = []
  let total = 0
  segmentedSieve(limit, (composite, low, high) => {
    let count = 0
    for (let i = 0; i <= high - low; i++) count += composite[i] ^ 1
    const part = new Uint32Array(count)
    for (let i = 0, k = 0; i <= high - low; i++) if (composite[i] === 0) part[k++] = low + i
    parts.push(part)
    total += count
  })
  const out = new Uint32Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
