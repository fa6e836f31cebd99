/**
 * Property-based parity of every entry point with the pure-TS oracle (src/score/reference.ts):
 * random D (1..64), N (0..300, plus larger batches beyond the parallel threshold), magnitudes from
 * 1e-300 to 1e300, negatives, zeros, NaN rows, f64 and f32 input. Relative error <= 1e-12 for f64
 * input and <= 1e-6 for f32 input (compared with the oracle run on the same f32 values).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RiskModel } from '../../src/index.js'
import { arbCase, assertScores, describeCase, type ScoreCase } from '../helpers/data.js'
import { asyncFrom, collectScores, runStream } from '../helpers/streams.js'

function modelFor(c: ScoreCase): RiskModel {
  return c.thresholdInput === undefined ? new RiskModel({ weights: c.weightsInput }) : new RiskModel({ weights: c.weightsInput, threshold: c.thresholdInput })
}

function vectorsOf(c: ScoreCase, form: 'view' | 'array' | 'mixed'): (number[] | Float64Array | Float32Array)[] {
  return Array.from({ length: c.n }, (_, i) => {
    const view = c.rows.subarray(i * c.d, (i + 1) * c.d)
    if (form === 'view' || (form === 'mixed' && i % 2 === 0)) return view
    return Array.from(view)
  })
}

/** Fewer runs for the slow entry points keep the file within its time budget. */
const RUNS = { sync: 150, async: 60, large: 6 }

describe('parity with the oracle: random problems (D 1..64, N 0..300)', () => {
  it('score(vector) for typed and plain vectors', () => {
    fc.assert(
      fc.property(arbCase({ maxN: 40 }), (c) => {
        const model = modelFor(c)
        expect(model.features).toBe(c.d)
        expect(model.threshold).toBe(c.threshold)
        const typed = vectorsOf(c, 'view').map((v) => model.score(v))
        assertScores(typed, c.expected, c.tol, `typed ${describeCase(c)}`)
        const plain = vectorsOf(c, 'array').map((v) => model.score(v))
        assertScores(plain, c.expected, c.tol, `plain ${describeCase(c)}`)
      }),
      { numRuns: RUNS.sync },
    )
  })

  it('scoreBatch: default, with out, parallel false, array of vectors', () => {
    fc.assert(
      fc.property(arbCase(), (c) => {
        const model = modelFor(c)
        const label = describeCase(c)
        assertScores(model.scoreBatch(c.rows), c.expected, c.tol, `default ${label}`)
        const out = new Float64Array(c.n).fill(Number.NaN)
        expect(model.scoreBatch(c.rows, { out })).toBe(out)
        assertScores(out, c.expected, c.tol, `out ${label}`)
        assertScores(model.scoreBatch(c.rows, { parallel: false }), c.expected, c.tol, `parallel false ${label}`)
        const out2 = new Float64Array(c.n)
        expect(model.scoreBatch(c.rows, { out: out2, parallel: false })).toBe(out2)
        assertScores(out2, c.expected, c.tol, `out + parallel false ${label}`)
        assertScores(model.scoreBatch(vectorsOf(c, 'mixed')), c.expected, c.tol, `vectors ${label}`)
      }),
      { numRuns: RUNS.sync },
    )
  })

  it('scoreBatchAsync: default, with out, parallel false, SharedArrayBuffer rows', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase(), async (c) => {
        const model = modelFor(c)
        const label = describeCase(c)
        assertScores(await model.scoreBatchAsync(c.rows), c.expected, c.tol, `default ${label}`)
        const out = new Float64Array(c.n)
        expect(await model.scoreBatchAsync(c.rows, { out })).toBe(out)
        assertScores(out, c.expected, c.tol, `out ${label}`)
        assertScores(await model.scoreBatchAsync(c.rows, { parallel: false }), c.expected, c.tol, `parallel false ${label}`)
        const shared = c.f32 ? new Float32Array(new SharedArrayBuffer(4 * c.rows.length)) : new Float64Array(new SharedArrayBuffer(8 * c.rows.length))
        shared.set(c.rows)
        assertScores(await model.scoreBatchAsync(shared), c.expected, c.tol, `shared ${label}`)
      }),
      { numRuns: RUNS.async },
    )
  })

  it('scoreStream: outputs in input order for random batchSize/concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase(), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 4 }), async (c, batchSize, concurrency) => {
        const model = modelFor(c)
        const outputs = await runStream(model.scoreStream({ batchSize, concurrency }), vectorsOf(c, 'mixed'))
        assertScores(outputs, c.expected, c.tol, `${describeCase(c)} batchSize=${batchSize} concurrency=${concurrency}`)
      }),
      { numRuns: RUNS.async },
    )
  })

  it('scoreIterable: mixed vectors and k x D chunks, sync and async sources, across batch boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbCase(),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        async (c, batchSize, concurrency, pattern, asyncSource) => {
          const model = modelFor(c)
          // `pattern` cycles through item sizes: 0 = a plain-array vector, k >= 1 = a chunk of k rows.
          const items: (number[] | Float64Array | Float32Array)[] = []
          const shape: number[] = []
          for (let row = 0, p = 0; row < c.n; p++) {
            const k = Math.min(pattern[p % pattern.length], c.n - row)
            if (k === 0) {
              items.push(Array.from(c.rows.subarray(row * c.d, (row + 1) * c.d)))
              shape.push(0)
              row++
            } else {
              items.push(c.rows.subarray(row * c.d, (row + k) * c.d))
              shape.push(k)
              row += k
            }
          }
          const source = asyncSource ? asyncFrom(items) : items
          const { flat, items: yielded } = await collectScores(model.scoreIterable(source, { batchSize, concurrency }))
          const label = `${describeCase(c)} batchSize=${batchSize} concurrency=${concurrency}`
          expect(yielded.length, label).toBe(items.length)
          yielded.forEach((y, i) => {
            if (shape[i] === 0) expect(typeof y, `${label} item ${i}`).toBe('number')
            else {
              expect(y, `${label} item ${i}`).toBeInstanceOf(Float64Array)
              expect((y as Float64Array).length).toBe(shape[i])
            }
          })
          assertScores(flat, c.expected, c.tol, label)
        },
      ),
      { numRuns: RUNS.async },
    )
  })

  it('scoreQueued: every concurrent call gets its own score', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase({ minN: 1 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom(0, 0, 1), async (c, maxBatch, maxWaitMs) => {
        const model = new RiskModel({ weights: c.weightsInput, threshold: c.threshold, maxBatch, maxWaitMs })
        const scores = await Promise.all(vectorsOf(c, 'mixed').map((v) => model.scoreQueued(v)))
        assertScores(scores, c.expected, c.tol, `${describeCase(c)} maxBatch=${maxBatch} maxWaitMs=${maxWaitMs}`)
      }),
      { numRuns: RUNS.async },
    )
  })
})

describe('parity with the oracle: edge shapes', () => {
  it('D = 1 and N in {0, 1}', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase({ minD: 1, maxD: 1, maxN: 1 }), async (c) => {
        const model = modelFor(c)
        assertScores(model.scoreBatch(c.rows), c.expected, c.tol)
        assertScores(await model.scoreBatchAsync(c.rows), c.expected, c.tol)
        assertScores(await Promise.all(vectorsOf(c, 'view').map((v) => model.scoreQueued(v))), c.expected, c.tol)
      }),
      { numRuns: 50 },
    )
  })

  it('long vectors (D 256..4200, which score() sends to native code)', () => {
    const wide = fc.oneof(arbCase({ minD: 256, maxD: 400, maxN: 4 }), arbCase({ minD: 1024, maxD: 1100, maxN: 4 }), arbCase({ minD: 4000, maxD: 4200, maxN: 3 }))
    fc.assert(
      fc.property(wide, (c) => {
        const model = modelFor(c)
        assertScores(
          vectorsOf(c, 'view').map((v) => model.score(v)),
          c.expected,
          c.tol,
          describeCase(c),
        )
        assertScores(model.scoreBatch(c.rows), c.expected, c.tol, describeCase(c))
      }),
      { numRuns: 40 },
    )
  })
})

describe('parity with the oracle: batches beyond the parallel threshold (>= 8192 rows)', () => {
  it('scoreBatch (pool and single thread) and scoreBatchAsync on 8192..40000 rows', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase({ minN: 8192, maxN: 40_000, maxD: 64 }), async (c) => {
        const model = modelFor(c)
        const label = describeCase(c)
        assertScores(model.scoreBatch(c.rows), c.expected, c.tol, `parallel ${label}`)
        assertScores(model.scoreBatch(c.rows, { parallel: false }), c.expected, c.tol, `single ${label}`)
        assertScores(await model.scoreBatchAsync(c.rows), c.expected, c.tol, `async ${label}`)
        assertScores(await model.scoreBatchAsync(c.rows, { parallel: false }), c.expected, c.tol, `async single ${label}`)
      }),
      { numRuns: RUNS.large },
    )
  })

  it('scoreStream, scoreIterable and scoreQueued on large inputs (big batches, multi-chunk async)', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase({ minN: 8192, maxN: 20_000, maxD: 64 }), async (c) => {
        const model = modelFor(c)
        const label = describeCase(c)
        const streamed = await runStream(model.scoreStream({ batchSize: 8192, concurrency: 2 }), vectorsOf(c, 'view'))
        assertScores(streamed, c.expected, c.tol, `stream ${label}`)
        // One chunk of all rows (direct path) plus the same rows as 3 chunks and single vectors.
        const third = Math.floor(c.n / 3) * c.d
        const items = [c.rows, c.rows.subarray(0, third), c.rows.subarray(third, 2 * third), c.rows.subarray(2 * third)]
        const { flat } = await collectScores(model.scoreIterable(items, { batchSize: 4096 }))
        assertScores(flat.slice(0, c.n), c.expected, c.tol, `iterable (whole) ${label}`)
        assertScores(flat.slice(c.n), c.expected, c.tol, `iterable (thirds) ${label}`)
        const queuedModel = new RiskModel({ weights: c.weightsInput, threshold: c.threshold, maxBatch: 10_000 })
        const queued = await Promise.all(vectorsOf(c, 'mixed').map((v) => queuedModel.scoreQueued(v)))
        assertScores(queued, c.expected, c.tol, `queued ${label}`)
      }),
      { numRuns: 4 },
    )
  })

  it('multi-chunk async batches (more than 2 x 2^20 values) in f64 and f32', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase({ minN: 40_000, maxN: 50_000, minD: 56, maxD: 64 }), async (c) => {
        const model = modelFor(c)
        const label = describeCase(c)
        expect(c.rows.length).toBeGreaterThan(2 << 20)
        assertScores(await model.scoreBatchAsync(c.rows), c.expected, c.tol, `async ${label}`)
        const out = new Float64Array(c.n)
        expect(await model.scoreBatchAsync(c.rows, { out, parallel: false })).toBe(out)
        assertScores(out, c.expected, c.tol, `async out ${label}`)
      }),
      { numRuns: 4 },
    )
  })
})
