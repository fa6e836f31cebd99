/**
 * One 'abort' listener per AbortSignal, however many hotpath calls share the signal (a request's
 * deadline, a job's cancel button): a listener per call would trip Node's
 * MaxListenersExceededWarning at 11 calls. The listener is removed when the last call
 * unsubscribes, so a long-lived signal keeps nothing of finished calls.
 */

interface Subscribers {
  readonly callbacks: Set<() => void>
  readonly handler: () => void
}

const bySignal = new WeakMap<AbortSignal, Subscribers>()

/**
 * Calls `callback` once when `signal` aborts. Returns the unsubscribe function; call it when the
 * work settles. The caller checks `signal.aborted` first: an already-aborted signal never fires.
 */
export function subscribeAbort(signal: AbortSignal, callback: () => void): () => void {
  let subscribers = bySignal.get(signal)
  if (!subscribers) {
    const callbacks = new Set<() => void>()
    const handler = (): void => {
      bySignal.delete(signal)
      for (const fire of callbacks) fire()
      callbacks.clear()
    }
    subscribers = { callbacks, handler }
    bySignal.set(signal, subscribers)
    signal.addEventListener('abort', handler, { once: true })
  }
  // A wrapper per subscription: the same callback may be subscribed by two calls.
  const entry = (): void => callback()
  const { callbacks, handler } = subscribers
  callbacks.add(entry)
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return
    if (bySignal.get(signal)?.callbacks === callbacks) bySignal.delete(signal)
    signal.removeEventListener('abort', handler)
  }
}
