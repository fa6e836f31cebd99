/**
 * One AbortSignal shared by many concurrent calls (a request's deadline, a job's cancel button):
 * hotpath adds one 'abort' listener per signal, not one per call, removes it when the last call
 * settles, and still aborts every call.
 */
import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { AbortError, RiskModel, sumAsync } from '../../src/index.js'
import { collectWarnings } from '../helpers/warnings.js'

const D = 20
// Above the size scored before the promise is returned (32,768 values), so every call is a
// native task; in a SharedArrayBuffer, so 10,000 calls share one copy of the rows.
const ROWS = 2_000
const rows = new Float64Array(new SharedArrayBuffer(ROWS * D * 8)).fill(0.5)
const model = new RiskModel({ weights: new Float64Array(D).fill(0.1), threshold: 0.5 })

const warnings = collectWarnings()

describe('one abort listener per signal', () => {
  it('10,000 concurrent calls on one signal: one listener, no warning, none left after', async () => {
    const controller = new AbortController()
    const calls = Array.from({ length: 10_000 }, () => model.scoreBatchAsync(rows, { signal: controller.signal }))
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    const results = await Promise.all(calls)
    expect(results.every((scores) => scores.length === ROWS)).toBe(true)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
  }, 120_000)

  it('an abort still reaches every call sharing the signal', async () => {
    const controller = new AbortController()
    const calls = Array.from({ length: 50 }, () => model.scoreBatchAsync(rows, { signal: controller.signal }).then(() => 'done', (e: unknown) => e))
    const vectorCalls = Array.from({ length: 50 }, () => sumAsync(new Float64Array(new SharedArrayBuffer(8 * 200_000)), { signal: controller.signal }).then(() => 'done', (e: unknown) => e))
    controller.abort()
    const settled = [...(await Promise.all(calls)), ...(await Promise.all(vectorCalls))]
    // Calls that had already finished may resolve; every other one rejects with an AbortError.
    expect(settled.filter((s) => s !== 'done').every((s) => s instanceof AbortError)).toBe(true)
    expect(settled.filter((s) => s instanceof AbortError).length).toBeGreaterThan(0)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('an already-aborted signal rejects at once and adds no listener', async () => {
    const signal = AbortSignal.abort()
    await expect(model.scoreBatchAsync(rows, { signal })).rejects.toBeInstanceOf(AbortError)
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })
})
