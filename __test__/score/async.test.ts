/**
 * scoreBatchAsync: results, `out`, aborting before and while it runs, and an event loop that stays
 * responsive during a large batch.
 */
import { getEventListeners } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AbortError, RiskModel } from '../../src/index.js'
import { F32_TOL, F64_TOL, assertScores, fillPattern, makeRows, makeWeights, reference } from '../helpers/data.js'
import { ABORTED, expectRejects } from '../helpers/errors.js'

const D = 20
const weights = makeWeights(D, 5)
const model = new RiskModel({ weights, threshold: 0.4 })

describe('scoreBatchAsync results', () => {
  it.each([0, 1, 6, 7, 100, 5000, 8192, 70_000])('resolves %i rows to the oracle scores, f64 and f32', async (n) => {
    const rows = makeRows(n, D, n + 3)
    const expected = reference(rows, weights, 0.4)
    const scores = await model.scoreBatchAsync(rows)
    expect(scores).toBeInstanceOf(Float64Array)
    assertScores(scores, expected, F64_TOL, 'default')
    assertScores(await model.scoreBatchAsync(rows, { parallel: false }), expected, F64_TOL, 'parallel: false')
    const f32 = Float32Array.from(rows)
    assertScores(await model.scoreBatchAsync(f32), reference(f32, weights, 0.4), F32_TOL, 'f32')
    const vectors = Array.from({ length: n }, (_, i) => Array.from(rows.subarray(i * D, (i + 1) * D)))
    assertScores(await model.scoreBatchAsync(vectors), expected, F64_TOL, 'array of vectors')
  })

  it('resolves to `out` itself when given', async () => {
    for (const n of [0, 3, 500, 60_000]) {
      const rows = makeRows(n, D, n)
      const out = new Float64Array(n).fill(-1)
      const result = await model.scoreBatchAsync(rows, { out })
      expect(result).toBe(out)
      assertScores(out, reference(rows, weights, 0.4), F64_TOL)
      const out32 = new Float64Array(n)
      expect(await model.scoreBatchAsync(Float32Array.from(rows), { out: out32, parallel: false })).toBe(out32)
    }
  })

  it('reads views at a byte offset, in ordinary and SharedArrayBuffers, across async chunks', async () => {
    const n = 120_000 // 2.3 copy chunks of 2^20 values
    const rows = makeRows(n + 5, D, 61)
    const expected = reference(rows.subarray(5 * D), weights, 0.4)
    assertScores(await model.scoreBatchAsync(rows.subarray(5 * D)), expected, F64_TOL, 'ordinary, offset')
    const shared = new Float64Array(new SharedArrayBuffer(8 * (n + 5) * D))
    shared.set(rows)
    assertScores(await model.scoreBatchAsync(shared.subarray(5 * D)), expected, F64_TOL, 'shared, offset')
    const shared32 = new Float32Array(new SharedArrayBuffer(4 * (n + 5) * D))
    shared32.set(rows)
    const view32 = shared32.subarray(5 * D)
    assertScores(await model.scoreBatchAsync(view32), reference(view32, weights, 0.4), F32_TOL, 'shared f32, offset')
  })

  it('runs many concurrent calls with independent results', async () => {
    const batches = Array.from({ length: 40 }, (_, i) => makeRows(50 + i * 37, D, 1000 + i))
    const results = await Promise.all(batches.map((rows, i) => model.scoreBatchAsync(i % 2 ? rows : Float32Array.from(rows), { parallel: i % 3 !== 0 })))
    results.forEach((scores, i) => {
      const input = i % 2 ? batches[i] : Float32Array.from(batches[i])
      assertScores(scores, reference(input, weights, 0.4), i % 2 ? F64_TOL : F32_TOL, `batch ${i}`)
    })
  })

  it('a NaN row gives NaN for that row only', async () => {
    const rows = makeRows(9000, D, 77)
    rows[5 * D + 3] = Number.NaN
    rows[8999 * D] = Number.NaN
    const scores = await model.scoreBatchAsync(rows)
    const nanAt: number[] = []
    scores.forEach((s, i) => Number.isNaN(s) && nanAt.push(i))
    expect(nanAt).toEqual([5, 8999])
  })
})

describe('scoreBatchAsync abort', () => {
  const N = 1_000_000
  let rows: Float64Array
  let sharedRows: Float64Array

  beforeAll(() => {
    rows = new Float64Array(N * D)
    fillPattern(rows)
    sharedRows = new Float64Array(new SharedArrayBuffer(8 * N * D))
    sharedRows.set(rows)
  })
  afterAll(() => {
    rows = sharedRows = new Float64Array(0)
  })

  it('rejects with AbortError when the signal is already aborted, carrying the reason as cause', async () => {
    const reason = new Error('stop now')
    const error = await expectRejects(() => model.scoreBatchAsync(makeRows(10, D), { signal: AbortSignal.abort(reason) }), ABORTED)
    expect(error).toBeInstanceOf(AbortError)
    expect(error.cause).toBe(reason)
    await expectRejects(() => model.scoreBatchAsync(new Float64Array(0), { signal: AbortSignal.abort() }), ABORTED)
    await expectRejects(() => model.scoreBatchAsync([[...makeRows(1, D)]], { signal: AbortSignal.abort() }), ABORTED)
  })

  it.each([
    ['ordinary ArrayBuffer rows (copied in chunks)', () => rows],
    ['SharedArrayBuffer rows (one zero-copy native task)', () => sharedRows],
    ['Float32Array rows', () => Float32Array.from(rows.subarray(0, 500_000 * D))],
  ])('rejects with AbortError when aborted while it runs: %s', async (_name, input) => {
    for (const parallel of [true, false]) {
      const data = input()
      const controller = new AbortController()
      const reason = new Error('too slow')
      const promise = model.scoreBatchAsync(data, { signal: controller.signal, parallel })
      // The call has started (its first chunks are queued on worker threads) when this runs.
      setImmediate(() => controller.abort(reason))
      const error = await expectRejects(() => promise, ABORTED)
      expect(error).toBeInstanceOf(AbortError)
      expect(error.cause).toBe(reason)
    }
  })

  it('after an abort the model keeps working', async () => {
    const controller = new AbortController()
    const promise = model.scoreBatchAsync(sharedRows, { signal: controller.signal })
    controller.abort()
    await expect(promise).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' })
    const small = makeRows(3000, D, 8)
    assertScores(await model.scoreBatchAsync(small), reference(small, weights, 0.4), F64_TOL)
  })

  it('aborting after completion changes nothing; listeners are removed from long-lived signals', async () => {
    const controller = new AbortController()
    const small = makeRows(2000, D, 9)
    const results = await Promise.all(Array.from({ length: 50 }, () => model.scoreBatchAsync(small, { signal: controller.signal })))
    controller.abort()
    for (const scores of results) assertScores(scores, reference(small, weights, 0.4), F64_TOL)
    // No leftover 'abort' listeners (which would leak and trigger MaxListenersExceededWarning).
    const live = new AbortController()
    await Promise.all(Array.from({ length: 50 }, () => model.scoreBatchAsync(small, { signal: live.signal })))
    await model.scoreBatchAsync(rows.subarray(0, 200_000 * D), { signal: live.signal })
    expect(getEventListeners(live.signal, 'abort')).toHaveLength(0)
  })
})

describe('event loop responsiveness', () => {
  it('a 5 ms interval keeps firing during a 4M x 20 async batch (max gap < 75% of the sync time and < 200 ms)', async () => {
    const n = 4_000_000
    const rows = new Float64Array(n * D)
    fillPattern(rows, 1)
    const out = new Float64Array(n)
    // Warm up the async path (libuv threads, allocator) so one-time start-up costs are not measured.
    await model.scoreBatchAsync(rows.subarray(0, 200_000 * D), { parallel: false })
    // The same batch, with the same options, run synchronously: median of three runs.
    const syncTimes: number[] = []
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      model.scoreBatch(rows, { out, parallel: false })
      syncTimes.push(performance.now() - t0)
    }
    const syncMs = syncTimes.sort((a, b) => a - b)[1]

    let last = performance.now()
    let maxGap = 0
    let ticks = 0
    const timer = setInterval(() => {
      const now = performance.now()
      maxGap = Math.max(maxGap, now - last)
      last = now
      ticks++
    }, 5)
    // Let the interval settle before the call.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const ticksBefore = ticks
    maxGap = 0
    last = performance.now()
    const scores = await model.scoreBatchAsync(rows, { parallel: false })
    // The stretch from the last tick to the resolution counts too: no ticks at all would make it
    // the whole call.
    maxGap = Math.max(maxGap, performance.now() - last)
    clearInterval(timer)

    assertScores(scores, out, F64_TOL)
    expect(ticks - ticksBefore, 'ticks during the call').toBeGreaterThan(0)
    // A blocked loop would show one gap of the whole call (100% and more); the chunk copies and
    // GC pauses the JS thread does take 35-65% of the sync time on a busy 2-core machine.
    expect(maxGap, `max gap ${maxGap.toFixed(1)} ms, sync ${syncMs.toFixed(1)} ms`).toBeLessThan(0.75 * syncMs)
    expect(maxGap).toBeLessThan(200)
  })
})
