/**
 * Async memory safety: while an async call runs, the caller may mutate, transfer or detach its
 * input. The process must never crash or read freed memory. The documented contract (README,
 * `scoreBatchAsync`): rows in an ordinary ArrayBuffer are copied 8 MiB at a time before native
 * code reads them; up to 16 MiB are copied before the call returns (a snapshot), larger inputs as
 * the call progresses, so a mutation shows in the rows not yet copied and a detach or resize
 * rejects with ERR_INVALID_ARG_VALUE. Rows in a SharedArrayBuffer are read in place (zero-copy)
 * and give correct scores when not written; a detached `out` rejects with ERR_INVALID_ARG_VALUE.
 *
 * Inputs are large (2M x 20 f64 = 320 MB, about 38 copy chunks of 8 MiB) so that the call is
 * really running when the test detaches or mutates, and each scenario repeats several times with
 * gc pressure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RiskModel } from '../../src/index.js'
import { F32_TOL, F64_TOL, assertScores, close, fillPattern, makeWeights, reference } from '../helpers/data.js'
import { INVALID_VALUE, expectRejects } from '../helpers/errors.js'
import { detachByPostMessage, detachByStructuredClone, detachByTransfer, getGc, hasArrayBufferTransfer, newResizableBuffer, nextTurn } from '../helpers/runtime.js'

const D = 20
const N = 2_000_000
const REPEAT = 3
const weights = makeWeights(D, 17)
const model = new RiskModel({ weights, threshold: 0.2 })
const gc = getGc()

let template: Float64Array
let expected: Float64Array
let spare: Float64Array | undefined

/** A Float64Array holding the template rows, reusing the memory of a previous one when possible. */
function freshRows(): Float64Array {
  const rows = spare && spare.length === N * D ? spare : new Float64Array(N * D)
  spare = undefined
  rows.set(template)
  return rows
}

/** Calls gc() every few milliseconds until the returned stop function is called. */
function gcPressure(): () => void {
  const timer = setInterval(() => {
    gc()
    // Some short-lived garbage too.
    void Array.from({ length: 1000 }, (_, i) => ({ i }))
  }, 3)
  return () => clearInterval(timer)
}


beforeAll(() => {
  template = new Float64Array(N * D)
  fillPattern(template, 3)
  expected = model.scoreBatch(template)
  // The sync result is itself checked against the oracle on a sample of rows.
  assertScores(expected.subarray(0, 20_000), reference(template.subarray(0, 20_000 * D), weights, 0.2), F64_TOL, 'sync vs oracle')
  assertScores(expected.subarray(N - 20_000), reference(template.subarray((N - 20_000) * D), weights, 0.2), F64_TOL, 'sync vs oracle (tail)')
})

afterAll(() => {
  template = expected = new Float64Array(0)
  spare = undefined
  gc()
})

/** Scores a row filled with `value` everywhere would get. */
function filledRowScore(value: number): number {
  return model.score(new Float64Array(D).fill(value))
}

describe('ordinary ArrayBuffer rows: copied before native code reads them', () => {
  it('the scenario really overlaps the call (sanity check of the test set-up)', async () => {
    // If the call had already finished when `nextTurn` resolves, the tests below could not fail.
    const rows = freshRows()
    let done = false
    const promise = model.scoreBatchAsync(rows).then((s) => {
      done = true
      return s
    })
    await nextTurn()
    expect(done).toBe(false)
    assertScores(await promise, expected, F64_TOL)
    spare = rows
  })

  it('inputs of up to 16 MiB are a snapshot: mutating or detaching them right after the call changes nothing', async () => {
    const n = 100_000 // 16,000,000 bytes: two 8 MiB copy chunks, both copied before the call returns
    for (let round = 0; round < REPEAT; round++) {
      const rows = template.slice(0, n * D)
      const promise = model.scoreBatchAsync(rows, { parallel: round !== 1 })
      if (round === 2) detachByStructuredClone(rows).fill(-7)
      else rows.fill(round === 0 ? Number.NaN : 1e3)
      gc()
      assertScores(await promise, expected.subarray(0, n), F64_TOL, `round ${round}`)
    }
  })

  it('large inputs mutated while the call runs: no crash, and every score is the old or the new row\'s', async () => {
    for (let round = 0; round < REPEAT; round++) {
      const rows = freshRows()
      const stop = gcPressure()
      const value = round === 2 ? Number.NaN : 1e3
      const promise = model.scoreBatchAsync(rows, { parallel: round !== 1 })
      await nextTurn()
      rows.fill(value)
      let result: Float64Array
      try {
        result = await promise
      } finally {
        stop()
      }
      const mutated = filledRowScore(value)
      let changed = 0
      for (let i = 0; i < N; i++) {
        const s = result[i]
        const isMutated = Number.isNaN(mutated) ? Number.isNaN(s) : s === mutated
        if (isMutated) changed++
        else if (!close(s, expected[i], F64_TOL)) throw new Error(`round ${round}, row ${i}: ${s} is neither ${expected[i]} nor ${mutated}`)
      }
      // Rows copied before the mutation keep their scores: at least the first two chunks.
      expect(changed).toBeLessThan(N - 100_000)
      spare = rows
    }
  })

  it('detaching large rows with structuredClone(..., { transfer }) while the call runs rejects with ERR_INVALID_ARG_VALUE, no crash', async () => {
    for (let round = 0; round < REPEAT; round++) {
      const rows = freshRows()
      const stop = gcPressure()
      const promise = model.scoreBatchAsync(rows)
      await nextTurn()
      const moved = detachByStructuredClone(rows)
      expect(rows.length).toBe(0)
      moved.fill(-7) // the memory now belongs to someone else, who writes to it
      gc()
      try {
        await expectRejects(() => promise, INVALID_VALUE)
      } finally {
        stop()
      }
      spare = moved
    }
  })

  it('detaching large rows with a MessagePort transfer while the call runs rejects with ERR_INVALID_ARG_VALUE, no crash', async () => {
    for (let round = 0; round < REPEAT; round++) {
      const rows = freshRows()
      const stop = gcPressure()
      const promise = model.scoreBatchAsync(rows, { parallel: round % 2 === 0 })
      await nextTurn()
      detachByPostMessage(rows)
      expect(rows.length).toBe(0)
      gc()
      try {
        await expectRejects(() => promise, INVALID_VALUE)
      } finally {
        stop()
      }
    }
  })

  it.skipIf(!hasArrayBufferTransfer)('detaching rows with ArrayBuffer.prototype.transfer() while the call runs rejects, no crash', async () => {
    for (let round = 0; round < REPEAT; round++) {
      const rows = freshRows()
      const promise = model.scoreBatchAsync(rows)
      await nextTurn()
      const buffer = detachByTransfer(rows)
      new Float64Array(buffer).fill(3)
      gc()
      await expectRejects(() => promise, INVALID_VALUE)
    }
  })

  it('shrinking the resizable ArrayBuffer behind rows while the call runs rejects, never silent zeros', async () => {
    const bytes = N * D * 8
    for (let round = 0; round < 2; round++) {
      const buffer = newResizableBuffer(bytes)
      // A length-tracking view: its length follows the buffer.
      const rows = new Float64Array(buffer)
      rows.set(template)
      const promise = model.scoreBatchAsync(rows, { parallel: round === 0 })
      await nextTurn()
      buffer.resize(round === 0 ? 300_000 * D * 8 : 8 * 7)
      await expectRejects(() => promise, INVALID_VALUE)
    }
  })

  it('detaching large Float32Array rows while the call runs rejects, no crash', async () => {
    const rows32 = Float32Array.from(template)
    const expected32 = model.scoreBatch(rows32)
    assertScores(expected32.subarray(0, 10_000), reference(rows32.subarray(0, 10_000 * D), weights, 0.2), F32_TOL)
    let rows = rows32
    for (let round = 0; round < REPEAT; round++) {
      const promise = model.scoreBatchAsync(rows)
      await nextTurn()
      const moved = detachByStructuredClone(rows)
      gc()
      await expectRejects(() => promise, INVALID_VALUE)
      rows = moved
    }
    assertScores(await model.scoreBatchAsync(rows), expected32, F64_TOL, 'the moved rows still score the same')
  })

  it('dropping every reference to rows while the call runs (gc pressure) does not matter', async () => {
    for (let round = 0; round < REPEAT; round++) {
      const stop = gcPressure()
      const start = (): Promise<Float64Array> => model.scoreBatchAsync(Float64Array.from(template))
      const promise = start()
      await nextTurn()
      gc()
      let result: Float64Array | undefined
      try {
        result = await promise
      } finally {
        stop()
      }
      assertScores(result, expected, F64_TOL, `round ${round}`)
    }
  })

  it('rows given as an array of vectors are converted (snapshotted) at the call', async () => {
    const vectors = Array.from({ length: 5000 }, (_, i) => Array.from(template.subarray(i * D, (i + 1) * D)))
    const promise = model.scoreBatchAsync(vectors)
    for (const v of vectors) v.fill(99)
    vectors.length = 0
    assertScores(await promise, expected.subarray(0, 5000), F64_TOL)
  })
})

describe('a detached `out` rejects with ERR_INVALID_ARG_VALUE', () => {
  it('detaching out with structuredClone while the call runs rejects, never crashes', async () => {
    for (let round = 0; round < REPEAT; round++) {
      const rows = freshRows()
      const out = new Float64Array(N)
      const stop = gcPressure()
      try {
        await expectRejects(async () => {
          const promise = model.scoreBatchAsync(rows, { out })
          await nextTurn()
          detachByStructuredClone(out)
          gc()
          return promise
        }, { ...INVALID_VALUE, includes: ['options.out'] })
      } finally {
        stop()
      }
      spare = rows
    }
  })

  it('detaching out through a MessagePort while the call runs rejects, never crashes', async () => {
    for (let round = 0; round < REPEAT; round++) {
      const rows = freshRows()
      const out = new Float64Array(N)
      await expectRejects(async () => {
        const promise = model.scoreBatchAsync(rows, { out, parallel: false })
        await nextTurn()
        detachByPostMessage(out)
        return promise
      }, { ...INVALID_VALUE, includes: ['options.out'] })
      spare = rows
    }
  })

  it('detaching out of a SharedArrayBuffer-rows call (single native task) rejects too', async () => {
    const shared = new Float64Array(new SharedArrayBuffer(8 * N * D))
    shared.set(template)
    for (let round = 0; round < REPEAT; round++) {
      const out = new Float64Array(N)
      await expectRejects(async () => {
        const promise = model.scoreBatchAsync(shared, { out })
        await nextTurn()
        detachByStructuredClone(out)
        return promise
      }, { ...INVALID_VALUE, includes: ['options.out'] })
    }
  })

  it('the model still scores correctly afterwards', async () => {
    const rows = freshRows()
    const out = new Float64Array(N)
    expect(await model.scoreBatchAsync(rows, { out })).toBe(out)
    assertScores(out, expected, F64_TOL)
    spare = rows
  })
})

describe('SharedArrayBuffer rows: zero-copy', () => {
  let shared: Float64Array

  beforeAll(() => {
    shared = new Float64Array(new SharedArrayBuffer(8 * N * D))
    shared.set(template)
  })

  it('gives correct scores when not written, also with gc pressure and no caller reference', async () => {
    for (let round = 0; round < REPEAT; round++) {
      const stop = gcPressure()
      // A fresh view on the shared memory that the caller drops immediately.
      const start = (): Promise<Float64Array> => model.scoreBatchAsync(new Float64Array(shared.buffer), { parallel: round !== 1 })
      const promise = start()
      await nextTurn()
      gc()
      let result: Float64Array | undefined
      try {
        result = await promise
      } finally {
        stop()
      }
      assertScores(result, expected, F64_TOL, `round ${round}`)
    }
    const shared32 = new Float32Array(new SharedArrayBuffer(4 * 100_000 * D))
    shared32.set(template.subarray(0, 100_000 * D))
    assertScores(await model.scoreBatchAsync(shared32), reference(shared32, weights, 0.2), F32_TOL, 'f32')
  })

  it('writing to shared rows during the call never crashes; every score is a probability', async () => {
    const rows = new Float64Array(new SharedArrayBuffer(8 * N * D))
    rows.set(template)
    for (let round = 0; round < REPEAT; round++) {
      const promise = model.scoreBatchAsync(rows)
      await nextTurn()
      rows.fill(round + 1)
      const scores = await promise
      expect(scores.length).toBe(N)
      let bad = 0
      for (const s of scores) if (!(s >= 0 && s <= 1)) bad++
      expect(bad).toBe(0)
      rows.set(template)
    }
  })
})

describe('scoreIterable: chunks are snapshotted when yielded', () => {
  it('a source that reuses one buffer for successive large chunks gets each chunk scored as it was yielded', async () => {
    // 3 async copy chunks per item (1 << 20 values each); the source refills its single buffer
    // as soon as the generator asks for the next item.
    const d = 4
    const w = makeWeights(d, 2)
    const m = new RiskModel({ weights: w })
    const k = (3 << 20) / d
    const buffer = new Float64Array(k * d)
    async function* source(): AsyncGenerator<Float64Array> {
      for (let item = 0; item < 3; item++) {
        buffer.fill(item + 1)
        yield buffer
      }
    }
    let item = 0
    for await (const scores of m.scoreIterable(source())) {
      const want = m.score(new Float64Array(d).fill(item + 1))
      expect(scores).toBeInstanceOf(Float64Array)
      const got = scores as Float64Array
      expect(got.length).toBe(k)
      let wrong = 0
      for (const s of got) if (!close(s, want, F64_TOL)) wrong++
      expect(wrong, `item ${item}: ${wrong} of ${k} scores are not the score of the values it yielded`).toBe(0)
      item++
    }
    expect(item).toBe(3)
  })
})
