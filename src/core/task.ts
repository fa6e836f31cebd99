/**
 * Runs one native async task the way every hotpath async API does: rejects at once if the signal
 * is already aborted, waits for a slot of `nativeTasks` (half the libuv pool), cancels the native
 * work when the signal fires (the kernel stops at its next chunk), and maps native failures to
 * the public error classes. Never throws synchronously.
 */
import { subscribeAbort } from './abort.js'
import { abortErrorFor, fromNative } from './errors.js'
import { coded, rethrowCoded } from './guard.js'
import { nativeTasks } from './semaphore.js'
import { native } from './native.js'
import type { ProgressWatch } from './progress.js'

type CancelToken = InstanceType<NonNullable<typeof native>['CancelToken']>

export async function runNativeTask<T>(signal: AbortSignal | undefined, start: (token: CancelToken) => Promise<T>, progress?: ProgressWatch): Promise<T> {
  if (signal?.aborted) throw abortErrorFor(signal)
  const token = new native!.CancelToken()
  progress?.attach(token)
  const unsubscribe = signal ? subscribeAbort(signal, () => token.cancel()) : undefined
  let result: T
  try {
    result = await nativeTasks.run(() => {
      if (signal?.aborted) return Promise.reject(abortErrorFor(signal))
      return start(token)
    })
  } catch (error) {
    progress?.stop()
    progress?.throwIfFailed()
    if (signal?.aborted) throw abortErrorFor(signal)
    throw fromNative(error, signal)
  } finally {
    unsubscribe?.()
  }
  // Work that finished after the signal fired (its last stretch could not stop) is still an
  // aborted call, as in scoreBatchAsync: the caller has moved on.
  if (signal?.aborted) {
    progress?.stop()
    throw abortErrorFor(signal)
  }
  progress?.complete(token)
  return result
}

/**
 * Wraps an async API's body so that a synchronous throw (argument validation before the first
 * `await`) becomes a rejection (async APIs reject, never throw), with a code (see `coded`).
 */
export function rejecting<A extends unknown[], R>(body: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) => {
    try {
      return body(...args).catch(rethrowCoded)
    } catch (error) {
      return Promise.reject(coded(error))
    }
  }
}

/**
 * Runs work too small for a worker thread on this one, honouring an already-aborted signal; its
 * progress is the one last call, `units` of `units`.
 */
export async function inline<T>(signal: AbortSignal | undefined, body: () => T, progress?: ProgressWatch, units = 0): Promise<T> {
  if (signal?.aborted) throw abortErrorFor(signal)
  const result = body()
  progress?.complete(undefined, units)
  return result
}
