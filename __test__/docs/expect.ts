import { isDeepStrictEqual } from 'node:util'

/** The assertion a doc example's `// → value` comment becomes; numbers compare to the digits shown. */
export function __expect(actual: unknown, expected: unknown, line: string): void {
  if (matches(actual, expected)) return
  throw new Error(`doc example disagrees: ${line}\n  got ${describe(actual)}`)
}

function matches(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (Object.is(actual, expected)) return true
    // `343.56` in prose means "rounds to 343.56": compare at the decimals written. A value in
    // exponent notation, or an integer, must match exactly.
    const written = String(expected)
    if (written.includes('e') || !written.includes('.')) return false
    const decimals = written.split('.')[1]?.length ?? 0
    return Math.abs(actual - expected) <= 0.5 * 10 ** -decimals
  }
  if (ArrayBuffer.isView(actual) && Array.isArray(expected)) return isDeepStrictEqual(Array.from(actual as unknown as ArrayLike<unknown>), expected)
  return isDeepStrictEqual(actual, expected)
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} [${Array.from(value as unknown as ArrayLike<number>).slice(0, 12).join(', ')}]`
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
