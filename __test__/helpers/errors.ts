/** Assertions for hotpath's Node-style errors and for "async APIs reject, never throw". */
import { expect } from 'vitest'

export interface ErrorShape {
  /** The error class: TypeError, RangeError, Error. */
  type: new (...args: never[]) => Error
  /** One allowed `code`, or several. */
  code: string | readonly string[]
  /** Substrings the message must contain (argument name, expected, received). */
  includes?: readonly (string | number)[]
  name?: string
}

/** Checks `error` against `shape`; returns it for further checks. */
export function expectErrorShape(error: unknown, shape: ErrorShape): Error {
  expect(error).toBeInstanceOf(shape.type)
  const e = error as Error & { code?: unknown }
  const codes = typeof shape.code === 'string' ? [shape.code] : shape.code
  expect(codes, `code ${String(e.code)} (message: ${e.message})`).toContain(e.code)
  if (shape.name !== undefined) expect(e.name).toBe(shape.name)
  for (const part of shape.includes ?? []) expect(e.message).toContain(String(part))
  return e
}

/** Runs `fn`, expects it to throw an error of `shape`, returns the error. */
export function expectThrows(fn: () => unknown, shape: ErrorShape): Error {
  let caught: unknown
  let threw = false
  try {
    fn()
  } catch (error) {
    threw = true
    caught = error
  }
  expect(threw, 'expected a synchronous throw').toBe(true)
  return expectErrorShape(caught, shape)
}

/**
 * Calls `start` (which must start an async operation and return its promise) inside a plain
 * function, asserts that it does not throw synchronously, then that the promise rejects with an
 * error of `shape`.
 */
export async function expectRejects(start: () => Promise<unknown>, shape: ErrorShape): Promise<Error> {
  let promise: Promise<unknown> | undefined
  let syncError: unknown
  try {
    promise = start()
  } catch (error) {
    syncError = error
  }
  expect(syncError, `threw synchronously: ${String(syncError)}`).toBeUndefined()
  expect(promise).toBeInstanceOf(Promise)
  let rejected = false
  let reason: unknown
  try {
    await promise
  } catch (error) {
    rejected = true
    reason = error
  }
  expect(rejected, 'expected the promise to reject').toBe(true)
  return expectErrorShape(reason, shape)
}

export const INVALID_TYPE = { type: TypeError, code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' } as const
export const INVALID_VALUE = { type: RangeError, code: 'ERR_INVALID_ARG_VALUE', name: 'RangeError' } as const
export const OUT_OF_RANGE = { type: RangeError, code: 'ERR_OUT_OF_RANGE', name: 'RangeError' } as const
/** Bad lengths and values may use either RangeError code. */
export const BAD_VALUE = { type: RangeError, code: ['ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE'], name: 'RangeError' } as const
export const ABORTED = { type: Error, code: 'ABORT_ERR', name: 'AbortError' } as const

/** Whether `promise` has settled yet (checked after letting pending reactions run). */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  promise.then(
    () => {
      settled = true
    },
    () => {
      settled = true
    },
  )
  await new Promise<void>((resolve) => setImmediate(resolve))
  return settled
}
