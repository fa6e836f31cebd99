/**
 * Progress of long async calls (docs/memory.md, "Progress of long async calls"; src/core/progress.ts).
 *
 * Every async call that takes `onProgress` runs here on an input long enough for its native
 * worker threads to report while it runs (>= ~150 ms on a 2-core machine, except the vector
 * reductions: memory-bound at ~10 GB/s, 150 ms would take gigabytes, so they get 2^25 elements
 * and `progressIntervalMs: 1`). Every update is recorded, with whether the promise had settled
 * when it came, and the contract is checked on the whole record: at least one update, `done`
 * integer and strictly increasing within 0..total, `total` > 0 and the same in every update,
 * the last update `done === total`, none after the promise settled, and no more updates than
 * `progressIntervalMs` allows. The result must equal the sync twin's on the same input (or a
 * known value): reporting progress must not change what a call computes. The long ones
 * (primesAsync(2e8), a 3,000,000-row scoreBatchAsync, ...) must also show intermediate updates:
 * proof that progress comes from native code while it runs, not only from the facade at the end.
 *
 * Then: calls small enough to run inline report exactly one update, `done === total`; a callback
 * that throws stops the native work (measured against an un-thrown run of the same call) and the
 * call rejects with ERR_HOTPATH_PROGRESS_CALLBACK, `cause` being what was thrown; bad
 * `onProgress` / `progressIntervalMs` reject with typed errors naming the option, in every
 * family; `progressIntervalMs: 0` works, a long interval rate-limits, the default is 100 ms;
 * progress combined with an AbortSignal that fires mid-call rejects with an AbortError and no
 * update comes after the rejection.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import {
  AbortError,
  convolve,
  convolveAsync,
  convolveBatch,
  convolveBatchAsync,
  convolveSeparable,
  convolveSeparableAsync,
  countPrimes,
  countPrimesAsync,
  distancesFromOrigin,
  distancesFromOriginAsync,
  dot,
  dotAsync,
  fibonacci,
  fibonacciAsync,
  GeoIndex,
  gaussianBlur,
  gaussianBlurAsync,
  norm,
  normAsync,
  primes,
  primesAsync,
  ProgressCallbackError,
  RiskModel,
  scale,
  scaleAndShift,
  scaleAndShiftAsync,
  scaleAsync,
  sqEuclidean,
  sqEuclideanAsync,
  sum,
  sumAsync,
  sumSquares,
  sumSquaresAsync,
  Tokenizer,
  type Image,
  type Progress,
  type ProgressOptions,
} from '../../src/index.js'
import { F32_TOL, F64_TOL, assertScores, fillPattern, makeWeights, prng } from '../helpers/data.js'
import { ABORTED, INVALID_TYPE, OUT_OF_RANGE, expectRejects } from '../helpers/errors.js'

// ---------------------------------------------------------------------------------------------
// Recording and checking updates
// ---------------------------------------------------------------------------------------------

interface Update {
  done: number
  total: number
  /** Whether the call's promise had already settled when this update arrived. */
  settled: boolean
}

interface Watched<T> {
  result: T
  updates: Update[]
  /** From the call to its promise settling. */
  ms: number
}

type Start<T> = (progress: ProgressOptions) => Promise<T>

/** Time to wait after a call settled for any update that would (wrongly) still come. */
const AFTER_SETTLE_MS = 30

/**
 * Runs `start` with a recording `onProgress`; resolves once the call resolved and a short wait
 * showed no update arriving after it.
 */
async function watch<T>(start: Start<T>, progressIntervalMs: number | 'default' = 10): Promise<Watched<T>> {
  const updates: Update[] = []
  let settled = false
  const onProgress = (p: Progress): void => {
    updates.push({ done: p.done, total: p.total, settled })
  }
  const t0 = performance.now()
  const promise = start(progressIntervalMs === 'default' ? { onProgress } : { onProgress, progressIntervalMs })
  // Registered before the await below, so it runs first when the promise settles.
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  const result = await promise
  const ms = performance.now() - t0
  const atSettle = updates.length
  await delay(AFTER_SETTLE_MS)
  expect(updates.length, `${updates.length - atSettle} update(s) arrived after the promise resolved`).toBe(atSettle)
  return { result, updates, ms }
}

interface Expectation {
  /** The interval the call ran with (0: no rate bound to check). */
  intervalMs?: number
  /** The exact total, when the docs fix the unit (rows, points, queries, elements, records). */
  total?: number
  /** Intermediate updates (done < total) required: from native code while the call runs. */
  minIntermediate?: number
}

/** Everything wrong with a record of updates, as readable lines (empty when it keeps the contract). */
function progressProblems(w: Watched<unknown>, { intervalMs = 10, total }: Expectation): string[] {
  const { updates } = w
  if (updates.length === 0) return ['no update at all']
  const problems: string[] = []
  const first = updates[0]!.total
  if (!(first > 0)) problems.push(`total ${first} is not > 0`)
  if (total !== undefined && first !== total) problems.push(`total ${first}, expected ${total}`)
  let previous = -1
  updates.forEach((u, i) => {
    if (typeof u.done !== 'number' || typeof u.total !== 'number') problems.push(`update ${i}: done/total not numbers (${typeof u.done}/${typeof u.total})`)
    if (!Number.isInteger(u.done)) problems.push(`update ${i}: done ${u.done} is not an integer`)
    if (u.total !== first) problems.push(`update ${i}: total ${u.total} differs from the first update's ${first}`)
    if (u.done < 0) problems.push(`update ${i}: done ${u.done} < 0`)
    if (u.done > u.total) problems.push(`update ${i}: done ${u.done} > total ${u.total}`)
    if (!(u.done > previous)) problems.push(`update ${i}: done ${u.done} does not increase (previous ${previous})`)
    if (u.settled) problems.push(`update ${i} (done ${u.done}) arrived after the promise settled`)
    previous = u.done
  })
  const last = updates.at(-1)!
  if (last.done !== last.total) problems.push(`last update is ${last.done} of ${last.total}, not done === total`)
  // Native sends are at least intervalMs apart: at most ms / interval + 1 of them, plus the final call.
  if (intervalMs > 0) {
    const allowed = Math.floor(w.ms / intervalMs) + 2
    if (updates.length > allowed) problems.push(`${updates.length} updates in ${w.ms.toFixed(0)} ms at progressIntervalMs ${intervalMs} (at most ${allowed})`)
  }
  return problems
}

/** Asserts the contract on a record; returns the number of intermediate updates (done < total). */
function expectProgress(w: Watched<unknown>, expectation: Expectation = {}): number {
  const problems = progressProblems(w, expectation)
  expect(problems, summary(w)).toEqual([])
  const intermediate = w.updates.filter((u) => u.done < u.total).length
  if (expectation.minIntermediate !== undefined) {
    expect(intermediate, `intermediate updates (the call took ${w.ms.toFixed(0)} ms): ${summary(w)}`).toBeGreaterThanOrEqual(expectation.minIntermediate)
  }
  return intermediate
}

function summary(w: Watched<unknown>): string {
  const shown = w.updates.length > 12 ? [...w.updates.slice(0, 6), '...', ...w.updates.slice(-6)] : w.updates
  return `${w.updates.length} updates in ${w.ms.toFixed(0)} ms: ${shown.map((u) => (typeof u === 'string' ? u : `${u.done}/${u.total}${u.settled ? ' (after settle)' : ''}`)).join(', ')}`
}

/** Index of the first element where `a` and `b` differ (NaN equals NaN), -1 when equal, -2 on a length mismatch. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(a[i] === b[i])) return i
  return -1
}

function expectSameArray(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  const at = firstDifference(actual, expected)
  expect(at, at === -2 ? `${label}: length ${actual.length}, expected ${expected.length}` : `${label}: first difference at [${at}]: ${actual[at]} vs ${expected[at]}`).toBe(-1)
}

function expectSameImage(actual: Image, expected: Image, label: string): void {
  expect([actual.width, actual.height, actual.channels]).toEqual([expected.width, expected.height, expected.channels])
  expect(actual.data.constructor).toBe(expected.data.constructor)
  expectSameArray(actual.data, expected.data, label)
}

/** Computes once, on first use: big inputs are made only by the tests that need them. */
function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined
  return () => (value ??= { v: make() }).v
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

const D = 32
/** 3,000,000 x 32 f64 (768 MB): ~150 ms async here, copied to native code in 8 MiB chunks. */
const SCORE_ROWS = 3_000_000
const model = new RiskModel({ weights: makeWeights(D, 11), threshold: 0.25 })
const scoreRows = lazy(() => {
  const rows = new Float64Array(SCORE_ROWS * D)
  fillPattern(rows, 3)
  return rows
})

function rgbImage(width: number, height: number, seed: number): Image<Uint8Array> {
  const r = prng(seed)
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = (r() * 256) | 0
  return { data, width, height, channels: 3 }
}
/** 4800 x 3200 RGB (46 MB): a Gaussian of sigma 8 takes ~150 ms here. */
const bigImage = lazy(() => rgbImage(4800, 3200, 5))
const batchImages = lazy(() => Array.from({ length: 8 }, (_, i) => rgbImage(2000, 1500, 20 + i)))

function geoPoints(n: number, seed: number): { lats: Float64Array; lons: Float64Array } {
  const r = prng(seed)
  const lats = new Float64Array(n)
  const lons = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    lats[i] = r() * 170 - 85
    lons[i] = r() * 360 - 180
  }
  return { lats, lons }
}
/** 1,500,000 points: buildAsync takes ~250 ms here. */
const GEO_POINTS = 1_500_000
const geoData = lazy(() => geoPoints(GEO_POINTS, 7))
const geoIndex = lazy(() => GeoIndex.build(geoData().lats, geoData().lons))
/** 20,000 queries for k = 8 on 1.5M points: ~150-200 ms here. */
const GEO_QUERIES = 20_000
const geoQueries = lazy(() => geoPoints(GEO_QUERIES, 8))

/** 2^25 f64 (256 MB) in shared memory: read in place, no copy before the native work. */
const VECTOR_LENGTH = 1 << 25
function sharedF64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8))
}
const vectors = lazy(() => {
  const x = sharedF64(VECTOR_LENGTH)
  const y = sharedF64(VECTOR_LENGTH)
  for (let i = 0; i < VECTOR_LENGTH; i++) {
    x[i] = ((i * 13) % 1000) / 997 - 0.5
    y[i] = ((i * 7) % 1000) / 1000
  }
  return { x, y }
})

const tokenizer = new Tokenizer()
const WORDS = ['Alpha', 'beta', 'Gamma', 'delta', 'Straße', 'naïve', 'café', 'résumé', 'über', 'ÉCOLE', 'x1', '42', 'hello', 'World', 'ǅemal', 'İstanbul']
/** 100,000 records of 13 words: each tokenizer batch call takes ~150-300 ms here. */
const TEXT_RECORDS = 100_000
const texts = lazy(() => Array.from({ length: TEXT_RECORDS }, (_, i) => `${Array.from({ length: 12 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ')} n${i % 997}`))
const textBytes = lazy(() => new TextEncoder().encode(texts().join('\n')))

// ---------------------------------------------------------------------------------------------
// Long calls: the contract on every update, and unchanged results
// ---------------------------------------------------------------------------------------------

describe('onProgress on long async calls: increasing updates up to done === total before the promise resolves, same result as the sync twin', () => {
  describe('score', () => {
    it('RiskModel#scoreBatchAsync on 3,000,000 x 32 f64 rows (copied in chunks) reports rows, several times while it runs, and scores as scoreBatch does', async () => {
      const rows = scoreRows()
      const w = await watch((o) => model.scoreBatchAsync(rows, o))
      expectProgress(w, { total: SCORE_ROWS, minIntermediate: 2 })
      assertScores(w.result, model.scoreBatch(rows), F64_TOL, 'scoreBatchAsync with onProgress')
    })

    it('RiskModel#scoreBatchAsync on f32 rows in a SharedArrayBuffer into a shared `out` (read and written in place, one thread) reports rows', async () => {
      const n = 1_500_000
      const rows = new Float32Array(new SharedArrayBuffer(n * D * 4))
      fillPattern(rows, 4)
      const out = sharedF64(n)
      const w = await watch((o) => model.scoreBatchAsync(rows, { ...o, out, parallel: false }), 5)
      expectProgress(w, { total: n, intervalMs: 5, minIntermediate: 1 })
      expect(w.result).toBe(out)
      assertScores(out, model.scoreBatch(rows), F32_TOL, 'scoreBatchAsync into out')
    })

    it('RiskModel#scoreBatchAsync on an array of 150,000 row arrays (converted, then read in place) reports rows', async () => {
      const rows = Array.from({ length: 150_000 }, (_, i) => Array.from({ length: D }, (_, j) => (((i * 31 + j * 7) % 201) - 100) / 50))
      const w = await watch((o) => model.scoreBatchAsync(rows, o))
      expectProgress(w, { total: rows.length })
      assertScores(w.result, model.scoreBatch(rows), F64_TOL, 'scoreBatchAsync on arrays')
    })
  })

  describe('integer', () => {
    it('primesAsync(2e8) reports while it sieves (more than one update) and returns the 11,078,937 primes of primes(2e8)', async () => {
      // Progress counts sieve bytes; the sieve is the first ~quarter of the call (the rest writes
      // the list), so only one intermediate update is certain on a busy machine.
      const w = await watch((o) => primesAsync(2e8, o), 5)
      expectProgress(w, { intervalMs: 5, minIntermediate: 1 })
      expect(w.result.length).toBe(11_078_937)
      expectSameArray(w.result, primes(2e8), 'primesAsync(2e8)')
    })

    it('countPrimesAsync(2^32) reports several times and returns π(2^32) = 203,280,221', async () => {
      const w = await watch((o) => countPrimesAsync(2 ** 32, o))
      expectProgress(w, { minIntermediate: 2 })
      expect(w.result).toBe(203_280_221)
    })

    it('fibonacciAsync(10,000,000) reports and returns fibonacci(10,000,000)', async () => {
      const w = await watch((o) => fibonacciAsync(10_000_000, o))
      expectProgress(w, { minIntermediate: 1 })
      expect(w.result === fibonacci(10_000_000)).toBe(true)
    })
  })

  describe('image', () => {
    it('gaussianBlurAsync on 4800 x 3200 RGB (sigma 8) reports image rows and equals gaussianBlur', async () => {
      const image = bigImage()
      const w = await watch((o) => gaussianBlurAsync(image, { sigma: 8 }, o))
      expectProgress(w, { total: image.height, minIntermediate: 1 })
      expectSameImage(w.result, gaussianBlur(image, { sigma: 8 }), 'gaussianBlurAsync')
    })

    it('convolveAsync with an 11 x 11 kernel reports image rows and equals convolve', async () => {
      const image = bigImage()
      const kernel = { width: 11, height: 11, data: Array.from({ length: 121 }, (_, i) => ((i % 7) - 3) / 60) }
      const w = await watch((o) => convolveAsync(image, kernel, { ...o, border: 'mirror' }))
      expectProgress(w, { total: image.height, minIntermediate: 1 })
      expectSameImage(w.result, convolve(image, kernel, { border: 'mirror' }), 'convolveAsync')
    })

    it('convolveSeparableAsync with 45 + 45 taps reports image rows and equals convolveSeparable', async () => {
      const image = bigImage()
      const kx = Array.from({ length: 45 }, (_, i) => 1 / 45 + (i % 3) / 1000)
      const ky = Array.from({ length: 45 }, (_, i) => 1 / 45 - (i % 5) / 2000)
      const w = await watch((o) => convolveSeparableAsync(image, kx, ky, o))
      expectProgress(w, { total: image.height, minIntermediate: 1 })
      expectSameImage(w.result, convolveSeparable(image, kx, ky), 'convolveSeparableAsync')
    })

    it('convolveBatchAsync on 8 images of 2000 x 1500 reports the rows of all images and equals convolveBatch', async () => {
      const images = batchImages()
      const w = await watch((o) => convolveBatchAsync(images, { sigma: 5 }, o))
      expectProgress(w, { total: images.length * 1500, minIntermediate: 1 })
      const expected = convolveBatch(images, { sigma: 5 })
      expect(w.result).toHaveLength(images.length)
      w.result.forEach((image, i) => expectSameImage(image, expected[i]!, `convolveBatchAsync image ${i}`))
    })
  })

  describe('geo', () => {
    it('GeoIndex.buildAsync on 1,500,000 points reports points and builds the index GeoIndex.build builds', async () => {
      const { lats, lons } = geoData()
      const w = await watch((o) => GeoIndex.buildAsync(lats, lons, o))
      expectProgress(w, { total: GEO_POINTS, minIntermediate: 1 })
      expect(w.result.size).toBe(GEO_POINTS)
      const q = geoPoints(300, 9)
      const got = w.result.nearestBatch(q.lats, q.lons, 5)
      const want = geoIndex().nearestBatch(q.lats, q.lons, 5)
      expectSameArray(got.indices, want.indices, 'nearest indices of the async-built index')
      expectSameArray(got.distances, want.distances, 'nearest distances of the async-built index')
    })

    it('GeoIndex#nearestBatchAsync of 20,000 queries (k = 8) reports queries and equals nearestBatch', async () => {
      const index = geoIndex()
      const q = geoQueries()
      const w = await watch((o) => index.nearestBatchAsync(q.lats, q.lons, 8, o))
      expectProgress(w, { total: GEO_QUERIES, minIntermediate: 1 })
      const want = index.nearestBatch(q.lats, q.lons, 8)
      expect(w.result.k).toBe(8)
      expectSameArray(w.result.indices, want.indices, 'nearestBatchAsync indices')
      expectSameArray(w.result.distances, want.distances, 'nearestBatchAsync distances')
    })
  })

  describe('vector (2^25 f64 in shared memory, progressIntervalMs 1)', () => {
    const unary = [
      ['sumAsync', sumAsync, sum],
      ['sumSquaresAsync', sumSquaresAsync, sumSquares],
      ['normAsync', normAsync, norm],
    ] as const
    for (const [name, asyncCall, syncCall] of unary) {
      it(`${name} reports elements and returns what its sync twin returns`, async () => {
        const { x } = vectors()
        const w = await watch((o) => asyncCall(x, o), 1)
        expectProgress(w, { total: VECTOR_LENGTH, intervalMs: 1 })
        expect(w.result).toBe(syncCall(x))
      })
    }

    const binary = [
      ['dotAsync', dotAsync, dot],
      ['sqEuclideanAsync', sqEuclideanAsync, sqEuclidean],
    ] as const
    for (const [name, asyncCall, syncCall] of binary) {
      it(`${name} reports elements and returns what its sync twin returns`, async () => {
        const { x, y } = vectors()
        const w = await watch((o) => asyncCall(x, y, o), 1)
        expectProgress(w, { total: VECTOR_LENGTH, intervalMs: 1 })
        expect(w.result).toBe(syncCall(x, y))
      })
    }

    it('scaleAsync (in place) reports elements and scales as scale does', async () => {
      const { x } = vectors()
      const v = sharedF64(VECTOR_LENGTH)
      v.set(x)
      const w = await watch((o) => scaleAsync(v, -3.5, o), 1)
      expectProgress(w, { total: VECTOR_LENGTH, intervalMs: 1 })
      expect(w.result).toBe(v)
      expectSameArray(v, scale(x.slice(), -3.5), 'scaleAsync')
    })

    it('scaleAndShiftAsync into a shared `out` reports elements and equals scaleAndShift', async () => {
      const { x } = vectors()
      const out = sharedF64(VECTOR_LENGTH)
      const w = await watch((o) => scaleAndShiftAsync(x, 2.5, -1, { ...o, out }), 1)
      expectProgress(w, { total: VECTOR_LENGTH, intervalMs: 1 })
      expect(w.result).toBe(out)
      expectSameArray(out, scaleAndShift(x, 2.5, -1), 'scaleAndShiftAsync')
    })

    it('distancesFromOriginAsync reports points (n / 2) and equals distancesFromOrigin', async () => {
      const { x } = vectors()
      const out = sharedF64(VECTOR_LENGTH / 2)
      const w = await watch((o) => distancesFromOriginAsync(x, { ...o, out }), 1)
      expectProgress(w, { total: VECTOR_LENGTH / 2, intervalMs: 1 })
      expectSameArray(w.result, distancesFromOrigin(x), 'distancesFromOriginAsync')
    })
  })

  describe('text (100,000 records)', () => {
    it('Tokenizer#tokenizeBatchAsync on strings reports records and equals tokenizeBatch', async () => {
      const records = texts()
      const w = await watch((o) => tokenizer.tokenizeBatchAsync(records, o))
      expectProgress(w, { total: TEXT_RECORDS, minIntermediate: 1 })
      expect(w.result).toHaveLength(TEXT_RECORDS)
      expect(JSON.stringify(w.result) === JSON.stringify(tokenizer.tokenizeBatch(records))).toBe(true)
    })

    it('Tokenizer#encodeBatchAsync on UTF-8 bytes reports records (lines) and equals encodeBatch', async () => {
      const bytes = textBytes()
      const w = await watch((o) => tokenizer.encodeBatchAsync(bytes, { hashBits: 20, ...o }))
      expectProgress(w, { total: TEXT_RECORDS, minIntermediate: 1 })
      const want = tokenizer.encodeBatch(bytes, { hashBits: 20 })
      expectSameArray(w.result.offsets, want.offsets, 'encodeBatchAsync offsets')
      expectSameArray(w.result.ids, want.ids, 'encodeBatchAsync ids')
    })

    it('Tokenizer#buildVocabularyAsync reports records and builds the vocabulary buildVocabulary builds', async () => {
      const records = texts()
      const w = await watch((o) => tokenizer.buildVocabularyAsync(records, { minCount: 2, ...o }))
      expectProgress(w, { total: TEXT_RECORDS, minIntermediate: 1 })
      expect(w.result.toJSON()).toEqual(tokenizer.buildVocabulary(records, { minCount: 2 }).toJSON())
    })
  })
})

// ---------------------------------------------------------------------------------------------
// Small calls
// ---------------------------------------------------------------------------------------------

describe('calls small enough to run inline report exactly one update, done === total, before resolving', () => {
  const smallRows = new Float64Array(100 * D).map((_, i) => (i % 17) / 8 - 1)
  const small = geoPoints(100, 3)
  const smallIndex = GeoIndex.build(small.lats, small.lons)
  const smallImage = rgbImage(32, 24, 2)
  const x = Float64Array.from({ length: 1000 }, (_, i) => i / 100)
  const cases: [string, Start<unknown>, number | undefined, () => unknown, (result: unknown) => unknown][] = [
    ['RiskModel#scoreBatchAsync (100 rows)', (o) => model.scoreBatchAsync(smallRows, o), 100, () => model.scoreBatch(smallRows), (r) => r],
    ['primesAsync(1000)', (o) => primesAsync(1000, o), undefined, () => primes(1000), (r) => r],
    ['countPrimesAsync(1000)', (o) => countPrimesAsync(1000, o), undefined, () => countPrimes(1000), (r) => r],
    ['fibonacciAsync(90)', (o) => fibonacciAsync(90, o), undefined, () => fibonacci(90), (r) => r],
    ['gaussianBlurAsync (32 x 24)', (o) => gaussianBlurAsync(smallImage, { sigma: 1 }, o), 24, () => gaussianBlur(smallImage, { sigma: 1 }), (r) => r],
    ['convolveBatchAsync (two 32 x 24 images)', (o) => convolveBatchAsync([smallImage, smallImage], { sigma: 1 }, o), 48, () => convolveBatch([smallImage, smallImage], { sigma: 1 }), (r) => r],
    ['GeoIndex.buildAsync (100 points)', (o) => GeoIndex.buildAsync(small.lats, small.lons, o), 100, () => smallIndex.nearestBatch(small.lats, small.lons, 3), (r) => (r as GeoIndex).nearestBatch(small.lats, small.lons, 3)],
    ['GeoIndex#nearestBatchAsync (10 queries)', (o) => smallIndex.nearestBatchAsync(small.lats.subarray(0, 10), small.lons.subarray(0, 10), 3, o), 10, () => smallIndex.nearestBatch(small.lats.subarray(0, 10), small.lons.subarray(0, 10), 3), (r) => r],
    ['sumAsync (1,000 elements)', (o) => sumAsync(x, o), 1000, () => sum(x), (r) => r],
    ['dotAsync (1,000 elements)', (o) => dotAsync(x, x, o), 1000, () => dot(x, x), (r) => r],
    ['scaleAndShiftAsync (1,000 elements)', (o) => scaleAndShiftAsync(x, 2, 1, o), 1000, () => scaleAndShift(x, 2, 1), (r) => r],
    ['distancesFromOriginAsync (500 points)', (o) => distancesFromOriginAsync(x, o), 500, () => distancesFromOrigin(x), (r) => r],
    ['Tokenizer#tokenizeBatchAsync (3 records)', (o) => tokenizer.tokenizeBatchAsync(['a b', 'c', 'Straße'], o), 3, () => tokenizer.tokenizeBatch(['a b', 'c', 'Straße']), (r) => r],
    ['Tokenizer#encodeBatchAsync (3 records)', (o) => tokenizer.encodeBatchAsync(['a b', 'c', 'd e f'], { hashBits: 8, ...o }), 3, () => tokenizer.encodeBatch(['a b', 'c', 'd e f'], { hashBits: 8 }), (r) => r],
  ]
  for (const [name, start, total, expected, view] of cases) {
    it(`${name}: one update, done === total${total === undefined ? '' : ` === ${total}`}, same result as the sync twin`, async () => {
      const w = await watch(start, 10)
      expect(w.updates, summary(w)).toHaveLength(1)
      expectProgress(w, { total })
      expect(view(w.result)).toEqual(expected())
    })
  }

  it('scaleAsync (1,000 elements, in place): one update, done === total === 1000', async () => {
    const v = x.slice()
    const w = await watch((o) => scaleAsync(v, 3, o))
    expect(w.updates, summary(w)).toHaveLength(1)
    expectProgress(w, { total: 1000 })
    expect(v).toEqual(scale(x.slice(), 3))
  })
})

// ---------------------------------------------------------------------------------------------
// A throwing callback
// ---------------------------------------------------------------------------------------------

const PROGRESS_CALLBACK = { type: Error, code: 'ERR_HOTPATH_PROGRESS_CALLBACK', name: 'ProgressCallbackError' } as const

/** Runs `start` with a callback that throws `thrown` on its first call; returns the error, the calls made and the time. */
async function throwingRun(start: Start<unknown>, thrown: unknown, progressIntervalMs = 10): Promise<{ error: Error; calls: Progress[]; ms: number }> {
  const calls: Progress[] = []
  const t0 = performance.now()
  const error = await expectRejects(
    () =>
      start({
        progressIntervalMs,
        onProgress: (p) => {
          calls.push({ ...p })
          throw thrown
        },
      }),
    PROGRESS_CALLBACK,
  )
  const ms = performance.now() - t0
  expect(error).toBeInstanceOf(ProgressCallbackError)
  expect((error as Error & { cause?: unknown }).cause).toBe(thrown)
  const atReject = calls.length
  await delay(50)
  expect(calls.length, 'onProgress was called again after it threw').toBe(atReject)
  expect(calls, 'onProgress is not called again once it threw').toHaveLength(1)
  return { error, calls, ms }
}

describe('a throwing onProgress stops the call: it rejects with ERR_HOTPATH_PROGRESS_CALLBACK, cause = what was thrown', () => {
  it('primesAsync(3e9): a throw in the first update rejects in well under the time an un-thrown run takes', async () => {
    const t0 = performance.now()
    let updates = 0
    const list = await primesAsync(3e9, { progressIntervalMs: 10, onProgress: () => void updates++ })
    const fullMs = performance.now() - t0
    expect(list.length).toBe(144_449_537)
    expect(updates).toBeGreaterThan(1)
    const thrown = new Error('stop sieving')
    const { ms, calls } = await throwingRun((o) => primesAsync(3e9, o), thrown)
    expect(calls[0]!.done, 'the first update was the final one: the call did not stop early').toBeLessThan(calls[0]!.total)
    expect(ms, `thrown run ${ms.toFixed(0)} ms, un-thrown run ${fullMs.toFixed(0)} ms`).toBeLessThan(fullMs * 0.5)
  })

  const longCalls: [string, Start<unknown>][] = [
    ['RiskModel#scoreBatchAsync (chunked rows)', (o) => model.scoreBatchAsync(scoreRows(), o)],
    ['countPrimesAsync(2^32)', (o) => countPrimesAsync(2 ** 32, o)],
    ['fibonacciAsync(10,000,000)', (o) => fibonacciAsync(10_000_000, o)],
    ['gaussianBlurAsync', (o) => gaussianBlurAsync(bigImage(), { sigma: 8 }, o)],
    ['convolveBatchAsync', (o) => convolveBatchAsync(batchImages(), { sigma: 5 }, o)],
    ['GeoIndex.buildAsync', (o) => GeoIndex.buildAsync(geoData().lats, geoData().lons, o)],
    ['GeoIndex#nearestBatchAsync', (o) => geoIndex().nearestBatchAsync(geoQueries().lats, geoQueries().lons, 8, o)],
    ['distancesFromOriginAsync', (o) => distancesFromOriginAsync(vectors().x, { ...o, out: sharedF64(VECTOR_LENGTH / 2) })],
    ['Tokenizer#tokenizeBatchAsync', (o) => tokenizer.tokenizeBatchAsync(texts(), o)],
    ['Tokenizer#encodeBatchAsync', (o) => tokenizer.encodeBatchAsync(texts(), { hashBits: 16, ...o })],
    ['Tokenizer#buildVocabularyAsync', (o) => tokenizer.buildVocabularyAsync(texts(), o)],
  ]
  for (const [name, start] of longCalls) {
    it(`${name}: a throw in the first update rejects with the thrown Error as cause`, async () => {
      await throwingRun(start, new TypeError(`thrown from ${name}`))
    })
  }

  it('a thrown non-Error value (a string) is the cause as is', async () => {
    await throwingRun((o) => countPrimesAsync(2 ** 32, o), 'just a string')
  })

  it('a throw in the final update (done === total) rejects the call instead of resolving it, native and inline calls alike', async () => {
    for (const start of [(o: ProgressOptions) => countPrimesAsync(1e9, o), (o: ProgressOptions) => countPrimesAsync(1000, o), (o: ProgressOptions) => sumAsync(new Float64Array(10), o)]) {
      const thrown = new RangeError('at the end')
      const error = await expectRejects(
        () =>
          start({
            progressIntervalMs: 10,
            onProgress: ({ done, total }) => {
              if (done === total) throw thrown
            },
          }),
        PROGRESS_CALLBACK,
      )
      expect((error as Error & { cause?: unknown }).cause).toBe(thrown)
    }
  })

  it('after calls stopped by a throwing callback, the same calls run to completion again (no slot or token left behind)', async () => {
    const starts = [(o: ProgressOptions) => primesAsync(2e8, o), (o: ProgressOptions) => countPrimesAsync(2e9, o)]
    await Promise.all(starts.flatMap((start) => [throwingRun(start, new Error('a')), throwingRun(start, new Error('b'))]))
    const [list, count] = await Promise.all([watch((o) => primesAsync(2e8, o)), watch((o) => countPrimesAsync(2e9, o))])
    expectProgress(list)
    expectProgress(count)
    expect(list.result.length).toBe(11_078_937)
    expect(count.result).toBe(98_222_287)
  })
})

// ---------------------------------------------------------------------------------------------
// Bad options
// ---------------------------------------------------------------------------------------------

describe('bad onProgress / progressIntervalMs reject (never throw) with typed errors naming the option, in every family', () => {
  const smallRows = new Float64Array(100 * D)
  const small = geoPoints(50, 4)
  const smallIndex = GeoIndex.build(small.lats, small.lons)
  const image = rgbImage(16, 16, 1)
  const x = new Float64Array(100)
  const calls: [string, (options: object) => Promise<unknown>][] = [
    ['score: RiskModel#scoreBatchAsync', (o) => model.scoreBatchAsync(smallRows, o)],
    ['integer: primesAsync', (o) => primesAsync(1e6, o)],
    ['integer: countPrimesAsync', (o) => countPrimesAsync(1e6, o)],
    ['integer: fibonacciAsync', (o) => fibonacciAsync(20_000, o)],
    ['image: gaussianBlurAsync', (o) => gaussianBlurAsync(image, { sigma: 1 }, o)],
    ['image: convolveAsync', (o) => convolveAsync(image, { width: 3, height: 3, data: Array.from({ length: 9 }, () => 1 / 9) }, o)],
    ['image: convolveSeparableAsync', (o) => convolveSeparableAsync(image, [0.5, 0.5, 0], [0, 1, 0], o)],
    ['image: convolveBatchAsync', (o) => convolveBatchAsync([image], { sigma: 1 }, o)],
    ['geo: GeoIndex.buildAsync', (o) => GeoIndex.buildAsync(small.lats, small.lons, o)],
    ['geo: GeoIndex#nearestBatchAsync', (o) => smallIndex.nearestBatchAsync(small.lats, small.lons, 2, o)],
    ['vector: sumAsync', (o) => sumAsync(x, o)],
    ['vector: dotAsync', (o) => dotAsync(x, x, o)],
    ['vector: scaleAsync', (o) => scaleAsync(x, 2, o)],
    ['vector: scaleAndShiftAsync', (o) => scaleAndShiftAsync(x, 2, 1, o)],
    ['vector: distancesFromOriginAsync', (o) => distancesFromOriginAsync(x, o)],
    ['text: Tokenizer#tokenizeBatchAsync', (o) => tokenizer.tokenizeBatchAsync(['a b'], o)],
    ['text: Tokenizer#encodeBatchAsync', (o) => tokenizer.encodeBatchAsync(['a b'], { hashBits: 8, ...o })],
    ['text: Tokenizer#buildVocabularyAsync', (o) => tokenizer.buildVocabularyAsync(['a b'], o)],
  ]
  const badCallbacks: unknown[] = ['yes', 42, {}, null, true]
  const badIntervals: [unknown, typeof INVALID_TYPE | typeof OUT_OF_RANGE][] = [
    [-1, OUT_OF_RANGE],
    [Number.NaN, OUT_OF_RANGE],
    [Number.NEGATIVE_INFINITY, OUT_OF_RANGE],
    ['10', INVALID_TYPE],
    [null, INVALID_TYPE],
    [10n, INVALID_TYPE],
  ]
  for (const [name, call] of calls) {
    it(`${name}: onProgress not a function → ERR_INVALID_ARG_TYPE naming options.onProgress`, async () => {
      for (const onProgress of badCallbacks) {
        await expectRejects(() => call({ onProgress }), { ...INVALID_TYPE, includes: ['options.onProgress'] })
      }
    })

    it(`${name}: progressIntervalMs negative, NaN or not a number → typed error naming options.progressIntervalMs, the callback never called`, async () => {
      let called = 0
      for (const [progressIntervalMs, shape] of badIntervals) {
        await expectRejects(() => call({ onProgress: () => void called++, progressIntervalMs }), { ...shape, includes: ['options.progressIntervalMs'] })
      }
      expect(called).toBe(0)
    })
  }
})

// ---------------------------------------------------------------------------------------------
// progressIntervalMs
// ---------------------------------------------------------------------------------------------

describe('progressIntervalMs', () => {
  it('0 works: updates as often as the native side reports, still increasing to done === total', async () => {
    const w = await watch((o) => countPrimesAsync(2 ** 32, o), 0)
    expectProgress(w, { intervalMs: 0, minIntermediate: 2 })
    expect(w.result).toBe(203_280_221)
    const list = await watch((o) => primesAsync(2e8, o), 0)
    expectProgress(list, { intervalMs: 0, minIntermediate: 1 })
    expect(list.result.length).toBe(11_078_937)
    const rows = scoreRows()
    const s = await watch((o) => model.scoreBatchAsync(rows, o), 0)
    expectProgress(s, { intervalMs: 0, total: SCORE_ROWS, minIntermediate: 2 })
  })

  it('a 60 s interval on a sub-second call allows at most one intermediate update before the final one', async () => {
    const w = await watch((o) => countPrimesAsync(2 ** 32, o), 60_000)
    expectProgress(w, { intervalMs: 60_000 })
    expect(w.updates.length, summary(w)).toBeLessThanOrEqual(2)
    expect(w.result).toBe(203_280_221)
  })

  it('defaults to 100 ms when omitted', async () => {
    const w = await watch((o) => primesAsync(3e9, o), 'default')
    expectProgress(w, { intervalMs: 100 })
    expect(w.result.length).toBe(144_449_537)
  })

  it('concurrent calls each get their own updates (their own totals), all keeping the contract', async () => {
    const limits = [1e9, 2e9, 3e9, 2 ** 32]
    const runs = await Promise.all(limits.map((limit) => watch((o) => countPrimesAsync(limit, o))))
    runs.forEach((w) => expectProgress(w))
    const totals = runs.map((w) => w.updates[0]!.total)
    expect(new Set(totals).size, `totals ${totals.join(', ')}`).toBe(limits.length)
    expect(runs.map((w) => w.result)).toEqual([50_847_534, 98_222_287, 144_449_537, 203_280_221])
  })
})

// ---------------------------------------------------------------------------------------------
// Progress and AbortSignal
// ---------------------------------------------------------------------------------------------

describe('onProgress with an AbortSignal that fires mid-call: rejects with an AbortError, no update after the rejection', () => {
  const cases: [string, (options: ProgressOptions & { signal: AbortSignal }) => Promise<unknown>][] = [
    ['primesAsync(3e9)', (o) => primesAsync(3e9, o)],
    ['RiskModel#scoreBatchAsync (chunked rows)', (o) => model.scoreBatchAsync(scoreRows(), o)],
    ['convolveBatchAsync', (o) => convolveBatchAsync(batchImages(), { sigma: 5 }, o)],
    ['GeoIndex#nearestBatchAsync', (o) => geoIndex().nearestBatchAsync(geoQueries().lats, geoQueries().lons, 8, o)],
    ['Tokenizer#tokenizeBatchAsync', (o) => tokenizer.tokenizeBatchAsync(texts(), o)],
  ]
  for (const [name, start] of cases) {
    it(`${name}: aborted after its first update`, async () => {
      const controller = new AbortController()
      const updates: Progress[] = []
      const error = await expectRejects(
        () =>
          start({
            signal: controller.signal,
            progressIntervalMs: 5,
            onProgress: (p) => {
              updates.push({ ...p })
              // From outside the callback, as a user's cancel button would.
              if (updates.length === 1) setImmediate(() => controller.abort())
            },
          }),
        ABORTED,
      )
      expect(error).toBeInstanceOf(AbortError)
      expect(updates.length).toBeGreaterThanOrEqual(1)
      expect(updates[0]!.done, 'the first update was already the final one').toBeLessThan(updates[0]!.total)
      const atReject = updates.length
      await delay(150)
      expect(updates.length, 'updates arrived after the call rejected').toBe(atReject)
    })
  }

  // An update the native side sent just before the aborted task finished can reach the JS thread
  // after the rejection; the contract says none may. Aborting from inside the callback with
  // progressIntervalMs 0 (an update in flight at nearly every moment) hits that window often, so
  // 20 calls in a row show it reliably.
  const scoreMedium = lazy(() => {
    const rows = new Float64Array(200_000 * D)
    fillPattern(rows, 9)
    return rows
  })
  const words = lazy(() => texts().slice(0, 20_000))
  const repeated: [string, (options: ProgressOptions & { signal: AbortSignal }) => Promise<unknown>][] = [
    ['fibonacciAsync(5,000,000)', (o) => fibonacciAsync(5_000_000, o)],
    ['RiskModel#scoreBatchAsync (200,000 rows, chunked)', (o) => model.scoreBatchAsync(scoreMedium(), o)],
    ['Tokenizer#tokenizeBatchAsync (20,000 records)', (o) => tokenizer.tokenizeBatchAsync(words(), o)],
    ['distancesFromOriginAsync (2^24 points)', (o) => distancesFromOriginAsync(vectors().x, o)],
    ['countPrimesAsync(2^32)', (o) => countPrimesAsync(2 ** 32, o)],
  ]
  for (const [name, start] of repeated) {
    it(`${name}: 20 calls aborted from inside onProgress (progressIntervalMs 0) each reject, and none gets an update after rejecting`, async () => {
      const late: string[] = []
      for (let run = 0; run < 20; run++) {
        const controller = new AbortController()
        let rejected = false
        let calls = 0
        const outcome = await start({
          signal: controller.signal,
          progressIntervalMs: 0,
          onProgress: ({ done, total }) => {
            calls++
            if (rejected) late.push(`run ${run}: ${done}/${total} after the rejection`)
            if (calls === 1) controller.abort()
          },
        }).then(
          () => 'resolved',
          (error: unknown) => {
            rejected = true
            return error
          },
        )
        expect(outcome, `run ${run}`).toBeInstanceOf(AbortError)
        expect((outcome as AbortError).code).toBe('ABORT_ERR')
        await delay(20)
      }
      expect(late).toEqual([])
    })
  }
})
