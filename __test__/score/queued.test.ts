/**
 * scoreQueued: calls arriving close together are coalesced into one native batch (model options
 * maxBatch and maxWaitMs); each promise gets its own score and a bad input rejects only its own
 * call.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { RiskModel } from '../../src/index.js'
import { F32_TOL, F64_TOL, close, makeRows, makeWeights, referenceOne } from '../helpers/data.js'
import { BAD_VALUE, INVALID_TYPE, expectErrorShape, isSettled } from '../helpers/errors.js'

const D = 20
const weights = makeWeights(D, 41)

function loose<T>(value: unknown): T {
  return value as T
}

describe('scoreQueued under load', () => {
  it('10,000 concurrent calls mixed with bad inputs: every good call gets the oracle score, every bad call rejects on its own', async () => {
    const model = new RiskModel({ weights, threshold: 0.6 })
    const n = 10_000
    const rows = makeRows(n, D, 42)
    type Call = { kind: 'good'; f32: boolean; features: number[] | Float64Array | Float32Array } | { kind: 'bad'; shape: typeof INVALID_TYPE | typeof BAD_VALUE; features: unknown }
    const bads: { features: unknown; shape: typeof INVALID_TYPE | typeof BAD_VALUE }[] = [
      { features: 'not a vector', shape: INVALID_TYPE },
      { features: null, shape: INVALID_TYPE },
      { features: Array.from({ length: D - 1 }, () => 1), shape: BAD_VALUE },
      { features: new Float64Array(D + 1), shape: BAD_VALUE },
      { features: new Float32Array(3), shape: BAD_VALUE },
      { features: [...Array.from({ length: D - 1 }, () => 1), '1'], shape: INVALID_TYPE },
      { features: new Int32Array(D), shape: INVALID_TYPE },
      { features: {}, shape: INVALID_TYPE },
    ]
    const calls: Call[] = []
    for (let i = 0; i < n; i++) {
      const row = rows.subarray(i * D, (i + 1) * D)
      const form = i % 3
      calls.push({ kind: 'good', f32: form === 2, features: form === 0 ? Array.from(row) : form === 1 ? row : Float32Array.from(row) })
      if (i % 97 === 13) calls.push({ kind: 'bad', ...bads[Math.floor(i / 97) % bads.length] })
    }
    // NaN vectors are good input: they score NaN.
    const nanVector = Array.from(rows.subarray(0, D))
    nanVector[5] = Number.NaN
    calls.push({ kind: 'good', f32: false, features: nanVector })

    const promises: Promise<number>[] = []
    for (const call of calls) {
      let promise: Promise<number> | undefined
      expect(() => {
        promise = model.scoreQueued(loose<number[]>(call.features))
      }).not.toThrow()
      promises.push(promise!)
    }
    const settled = await Promise.allSettled(promises)

    let good = 0
    let bad = 0
    let wrong = 0
    settled.forEach((result, i) => {
      const call = calls[i]
      if (call.kind === 'good') {
        good++
        expect(result.status, `call ${i}`).toBe('fulfilled')
        const value = (result as PromiseFulfilledResult<number>).value
        const expected = referenceOne(call.features as ArrayLike<number>, weights, 0.6)
        if (!close(value, expected, call.f32 ? F32_TOL : F64_TOL)) wrong++
      } else {
        bad++
        expect(result.status, `call ${i}`).toBe('rejected')
        expectErrorShape((result as PromiseRejectedResult).reason, call.shape)
      }
    })
    expect(wrong).toBe(0)
    expect(good).toBe(n + 1)
    expect(bad).toBeGreaterThan(100)
    expect((settled[settled.length - 1] as PromiseFulfilledResult<number>).value).toBeNaN()
  })

  it('10,000 concurrent calls with maxWaitMs > 0 and a small maxBatch', async () => {
    const model = new RiskModel({ weights, maxBatch: 100, maxWaitMs: 2 })
    const rows = makeRows(10_000, D, 43)
    const scores = await Promise.all(Array.from({ length: 10_000 }, (_, i) => model.scoreQueued(rows.subarray(i * D, (i + 1) * D))))
    let wrong = 0
    scores.forEach((s, i) => {
      if (!close(s, referenceOne(rows.subarray(i * D, (i + 1) * D), weights), F64_TOL)) wrong++
    })
    expect(wrong).toBe(0)
  })
})

describe('scoreQueued coalescing options', () => {
  it('with a long maxWaitMs a lone call waits for the batch to fill, then maxBatch flushes it', async () => {
    const model = new RiskModel({ weights, maxBatch: 3, maxWaitMs: 60_000 })
    const v = makeRows(3, D, 44)
    const first = model.scoreQueued(v.subarray(0, D))
    await sleep(30)
    expect(await isSettled(first)).toBe(false)
    const second = model.scoreQueued(v.subarray(D, 2 * D))
    expect(await isSettled(first)).toBe(false)
    const third = model.scoreQueued(v.subarray(2 * D))
    // The third call fills the batch: all three settle without waiting for the timer.
    const scores = await Promise.all([first, second, third])
    scores.forEach((s, i) => expect(close(s, referenceOne(v.subarray(i * D, (i + 1) * D), weights), F64_TOL)).toBe(true))
  })

  it('maxWaitMs flushes a partial batch after the wait', async () => {
    const model = new RiskModel({ weights, maxBatch: 1000, maxWaitMs: 15 })
    const v = makeRows(1, D, 45)
    const p = model.scoreQueued(v)
    expect(await isSettled(p)).toBe(false)
    expect(close(await p, referenceOne(v, weights), F64_TOL)).toBe(true)
  })

  it('a call waits up to maxWaitMs for others; a call made in a later turn within the window is answered too', async () => {
    const model = new RiskModel({ weights, maxBatch: 1000, maxWaitMs: 40 })
    const v = makeRows(2, D, 46)
    const a = model.scoreQueued(v.subarray(0, D))
    await new Promise((resolve) => setImmediate(resolve))
    expect(await isSettled(a)).toBe(false)
    const b = model.scoreQueued(Array.from(v.subarray(D)))
    const [sa, sb] = await Promise.all([a, b])
    expect(close(sa, referenceOne(v.subarray(0, D), weights), F64_TOL)).toBe(true)
    expect(close(sb, referenceOne(v.subarray(D), weights), F64_TOL)).toBe(true)
  })

  it('maxBatch: 1 answers each call on its own', async () => {
    const model = new RiskModel({ weights, maxBatch: 1, maxWaitMs: 60_000 })
    const v = makeRows(5, D, 47)
    const scores = await Promise.all(Array.from({ length: 5 }, (_, i) => model.scoreQueued(v.subarray(i * D, (i + 1) * D))))
    scores.forEach((s, i) => expect(close(s, referenceOne(v.subarray(i * D, (i + 1) * D), weights), F64_TOL)).toBe(true))
  })

  it('a bad input in a coalesced batch rejects only its own call', async () => {
    const model = new RiskModel({ weights, maxBatch: 4, maxWaitMs: 60_000 })
    const v = makeRows(3, D, 48)
    const results = await Promise.allSettled([
      model.scoreQueued(v.subarray(0, D)),
      model.scoreQueued(loose<number[]>([1, 2, 3])),
      model.scoreQueued(v.subarray(D, 2 * D)),
      model.scoreQueued(Array.from(v.subarray(2 * D))),
      // Only four valid calls fill the batch: the bad one never joined it.
      model.scoreQueued(v.subarray(0, D)),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'])
    expectErrorShape((results[1] as PromiseRejectedResult).reason, { ...BAD_VALUE, includes: ['"features"', '3', '20'] })
  })
})

describe('scoreQueued input ownership', () => {
  it('a Float64Array the caller reuses right after the call keeps its score at call time', async () => {
    const model = new RiskModel({ weights, maxBatch: 1000, maxWaitMs: 5 })
    const rows = makeRows(50, D, 49)
    const buffer = new Float64Array(D)
    const promises: Promise<number>[] = []
    for (let i = 0; i < 50; i++) {
      buffer.set(rows.subarray(i * D, (i + 1) * D))
      promises.push(model.scoreQueued(buffer))
    }
    buffer.fill(Number.NaN)
    const scores = await Promise.all(promises)
    scores.forEach((s, i) => expect(close(s, referenceOne(rows.subarray(i * D, (i + 1) * D), weights), F64_TOL), `call ${i}`).toBe(true))
  })

  it('a plain array the caller changes after the call keeps its score at call time', async () => {
    const model = new RiskModel({ weights, maxBatch: 1000, maxWaitMs: 5 })
    const rows = makeRows(10, D, 50)
    const vectors = Array.from({ length: 10 }, (_, i) => Array.from(rows.subarray(i * D, (i + 1) * D)))
    const promises = vectors.map((v) => model.scoreQueued(v))
    vectors[4].fill(1000)
    const scores = await Promise.all(promises)
    scores.forEach((s, i) => expect(close(s, referenceOne(rows.subarray(i * D, (i + 1) * D), weights), F64_TOL), `call ${i}`).toBe(true))
  })

  it('one caller growing its plain array after the call does not break the other calls of the batch', async () => {
    const model = new RiskModel({ weights, maxBatch: 1000, maxWaitMs: 5 })
    const rows = makeRows(10, D, 51)
    const vectors = Array.from({ length: 10 }, (_, i) => Array.from(rows.subarray(i * D, (i + 1) * D)))
    const promises = vectors.map((v) => model.scoreQueued(v))
    // The last caller appends to its array before the batch runs.
    vectors[9].push(1, 2, 3)
    // An earlier caller does the same: its extra value must not leak into the next caller's row.
    vectors[2].push(1e6)
    const results = await Promise.allSettled(promises)
    results.forEach((r, i) => {
      if (i === 2 || i === 9) return // the callers that misbehaved: either outcome is acceptable
      expect(r.status, `call ${i}`).toBe('fulfilled')
      const value = (r as PromiseFulfilledResult<number>).value
      expect(close(value, referenceOne(rows.subarray(i * D, (i + 1) * D), weights), F64_TOL), `call ${i}: ${value}`).toBe(true)
    })
  })
})
