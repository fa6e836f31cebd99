/**
 * The async twins of the vector kernels: the same bits as the sync calls (inline up to 65,536
 * elements, on a worker thread above), what they resolve to, the memory contract (ordinary
 * buffers are snapshots taken at call time and written back on success; SharedArrayBuffers are
 * used in place), and aborting before and while they run. No assertion depends on timing: a call
 * aborted while it runs may also have finished first, and then must have the right result.
 */
import { getEventListeners } from 'node:events'
import vm from 'node:vm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AbortError,
  distancesFromOrigin,
  distancesFromOriginAsync,
  dot,
  dotAsync,
  norm,
  normAsync,
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
} from '../../src/index.js'
import { ABORTED, INVALID_VALUE, expectErrorShape, expectRejects } from '../helpers/errors.js'
import { detachByStructuredClone, newResizableBuffer } from '../helpers/runtime.js'
import {
  DISTRIBUTIONS,
  copyOf,
  expectSameArray,
  expectSameNumber,
  loopDistances,
  loopScale,
  loopScaleAndShift,
  makeVector,
  sharedArray,
  sharedCopy,
  subclassCopy,
  type Distribution,
  type FloatArray,
  type FloatType,
} from '../helpers/vector.js'

/** Largest input computed inline (src/vector/index.ts ASYNC_INLINE_MAX_ELEMENTS). */
const INLINE_MAX = 65_536
const SIZES = [0, 1, 63, 64, 1000, INLINE_MAX, INLINE_MAX + 1, 140_000, 300_000]

/** Every async reduction against its sync twin, bit for bit. */
async function checkAsyncReductions(x: FloatArray, y: FloatArray, where: string): Promise<void> {
  const [s, ss, n, d, e] = await Promise.all([sumAsync(x), sumSquaresAsync(x), normAsync(x), dotAsync(x, y), sqEuclideanAsync(x, y)])
  expectSameNumber(s, sum(x), `sumAsync ${where}`)
  expectSameNumber(ss, sumSquares(x), `sumSquaresAsync ${where}`)
  expectSameNumber(n, norm(x), `normAsync ${where}`)
  expectSameNumber(d, dot(x, y), `dotAsync ${where}`)
  expectSameNumber(e, sqEuclidean(x, y), `sqEuclideanAsync ${where}`)
}

/** Every async map against its sync twin (and the JS loop), bit for bit; x is restored after. */
async function checkAsyncMaps(x: FloatArray, factor: number, shift: number, where: string): Promise<void> {
  const expectedShift = scaleAndShift(x, factor, shift)
  expectSameArray(expectedShift, loopScaleAndShift(x, factor, shift), `sync scaleAndShift ${where}`)
  const shifted = await scaleAndShiftAsync(x, factor, shift)
  expect(shifted).not.toBe(x)
  expect(shifted.constructor).toBe(x.BYTES_PER_ELEMENT === 8 ? Float64Array : Float32Array)
  expectSameArray(shifted, expectedShift, `scaleAndShiftAsync ${where}`)
  const out = new (x.BYTES_PER_ELEMENT === 8 ? Float64Array : Float32Array)(x.length).fill(Number.NaN)
  expect(await scaleAndShiftAsync(x, factor, shift, { out })).toBe(out)
  expectSameArray(out, expectedShift, `scaleAndShiftAsync out ${where}`)

  const points = x.subarray(0, x.length - (x.length % 2))
  const distances = await distancesFromOriginAsync(points)
  expect(distances).toBeInstanceOf(Float64Array)
  expectSameArray(distances, distancesFromOrigin(points), `distancesFromOriginAsync ${where}`)
  const dOut = new Float64Array(points.length / 2)
  expect(await distancesFromOriginAsync(points, { out: dOut })).toBe(dOut)
  expectSameArray(dOut, loopDistances(points), `distancesFromOriginAsync out ${where}`)

  const before = copyOf(x)
  const expectedScale = loopScale(x, factor)
  expect(await scaleAsync(x, factor)).toBe(x)
  expectSameArray(copyOf(x), expectedScale, `scaleAsync ${where}`)
  x.set(before)
  expectSameArray(copyOf(scale(x, factor)), expectedScale, `sync scale ${where}`)
  x.set(before)
}

describe('async === sync, bit for bit', () => {
  it.each(SIZES)('n = %i: reductions and maps, f64 and f32, plain, view at an offset, subclass, shared', async (n) => {
    for (const Type of [Float64Array, Float32Array] as FloatType[]) {
      const x = makeVector(Type, n, 'cancelling', n + 1, { offset: 3 })
      const y = makeVector(Type, n, 'mixed', n + 2)
      await checkAsyncReductions(x, y, `n=${n} ${Type.name} view`)
      await checkAsyncReductions(subclassCopy(x), subclassCopy(y), `n=${n} ${Type.name} subclass`)
      await checkAsyncReductions(sharedCopy(x), y, `n=${n} ${Type.name} shared x`)
      await checkAsyncMaps(x, 1.5, -2, `n=${n} ${Type.name} view`)
      if (n >= INLINE_MAX) await checkAsyncMaps(sharedCopy(x), -3, 0.25, `n=${n} ${Type.name} shared`)
    }
  })

  it('random sizes (up to 200,000), distributions, factors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: INLINE_MAX - 20, max: INLINE_MAX + 20 }), fc.integer({ min: 0, max: 200_000 })),
        fc.boolean(),
        fc.constantFrom(...DISTRIBUTIONS),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ noNaN: true }),
        fc.double(),
        async (n, f32, dist, seed, factor, shift) => {
          const Type = f32 ? Float32Array : Float64Array
          const x = makeVector(Type, n, dist as Distribution, seed)
          const y = makeVector(Type, n, 'unit', seed + 1)
          const where = `n=${n} ${Type.name} ${dist} seed=${seed}`
          await checkAsyncReductions(x, y, where)
          await checkAsyncMaps(x, factor, shift, `${where} factor=${factor} shift=${shift}`)
        },
      ),
      { numRuns: 12 },
    )
  })

  it('many concurrent calls, inline and on worker threads, each with its own result', async () => {
    const inputs = Array.from({ length: 24 }, (_, i) => {
      const Type = i % 2 ? Float32Array : Float64Array
      const n = i % 3 === 0 ? 500 + i : 70_000 + 1000 * i
      return { x: makeVector(Type, n, 'mixed', i), y: makeVector(Type, n, 'unit', 100 + i) }
    })
    const results = await Promise.all(inputs.map(({ x, y }, i) => (i % 4 === 0 ? sumAsync(x) : i % 4 === 1 ? dotAsync(x, y) : i % 4 === 2 ? normAsync(x) : sqEuclideanAsync(x, y))))
    results.forEach((value, i) => {
      const { x, y } = inputs[i]
      const expected = i % 4 === 0 ? sum(x) : i % 4 === 1 ? dot(x, y) : i % 4 === 2 ? norm(x) : sqEuclidean(x, y)
      expectSameNumber(value, expected, `call ${i}`)
    })
    const outs = await Promise.all(inputs.map(({ x }, i) => scaleAndShiftAsync(x, i, -i)))
    outs.forEach((out, i) => expectSameArray(out, loopScaleAndShift(inputs[i].x, i, -i), `scaleAndShiftAsync ${i}`))
  })
})

describe('what the maps resolve to', () => {
  class MyOut extends Float64Array {}

  it.each([10, 1000, 200_000])('the very `out` object given: a subclass, an array from another realm, one with own properties (n = %i)', async (n) => {
    const x = makeVector(Float64Array, n, 'mixed', 81)
    const expected = loopScaleAndShift(x, 2, -1)
    const outs: Float64Array[] = [new MyOut(n), vm.runInNewContext(`new Float64Array(${n})`) as Float64Array, Object.defineProperty(new Float64Array(n), 'length', { value: 1 })]
    for (const out of outs) {
      expect(await scaleAndShiftAsync(x, 2, -1, { out })).toBe(out)
      expectSameArray(Float64Array.from({ length: n }, (_, i) => out[i]), expected, `scaleAndShiftAsync into ${out.constructor.name}`)
    }
    const distanceOuts: Float64Array[] = [new MyOut(n / 2), vm.runInNewContext(`new Float64Array(${n / 2})`) as Float64Array]
    for (const out of distanceOuts) {
      expect(await distancesFromOriginAsync(x, { out })).toBe(out)
      expectSameArray(Float64Array.from({ length: n / 2 }, (_, i) => out[i]), loopDistances(x), `distancesFromOriginAsync into ${out.constructor.name}`)
    }
    const mine = new MyOut(n)
    mine.set(x)
    expect(await scaleAsync(mine, 4)).toBe(mine)
    expectSameArray(Float64Array.from(mine), loopScale(x, 4), 'scaleAsync of a subclass')
  })
})

describe('memory contract: ordinary buffers are snapshots', () => {
  it.each([1000, 200_000])('reductions use the values at call time, even if the input is changed or detached after the call (n = %i)', async (n) => {
    for (const Type of [Float64Array, Float32Array] as FloatType[]) {
      const x = makeVector(Type, n, 'mixed', 11)
      const y = makeVector(Type, n, 'mixed', 12)
      const expected = [sum(x), sumSquares(x), norm(x), dot(x, y), sqEuclidean(x, y)]
      const pending = [sumAsync(x), sumSquaresAsync(x), normAsync(x), dotAsync(x, y), sqEuclideanAsync(x, y)]
      x.fill(Number.NaN)
      y.fill(1e300)
      const got = await Promise.all(pending)
      got.forEach((v, i) => expectSameNumber(v, expected[i], `${Type.name} result ${i} after changing the inputs`))

      const x2 = makeVector(Type, n, 'mixed', 13)
      const y2 = makeVector(Type, n, 'mixed', 14)
      const expected2 = [sum(x2), dot(x2, y2)]
      const pending2 = [sumAsync(x2), dotAsync(x2, y2)]
      detachByStructuredClone(x2)
      detachByStructuredClone(y2)
      expect(x2.length).toBe(0)
      const got2 = await Promise.all(pending2)
      got2.forEach((v, i) => expectSameNumber(v, expected2[i], `${Type.name} result ${i} after detaching the inputs`))
    }
  })

  it.each([1000, 200_000])('maps read x at call time: out holds the result for the original values (n = %i)', async (n) => {
    for (const Type of [Float64Array, Float32Array] as FloatType[]) {
      const x = makeVector(Type, n, 'wide', 21)
      const original = copyOf(x)
      const out = new Type(n)
      const shifted = scaleAndShiftAsync(x, 3, 1, { out })
      const distances = distancesFromOriginAsync(x)
      x.fill(7)
      expect(await shifted).toBe(out)
      expectSameArray(out, loopScaleAndShift(original, 3, 1), `scaleAndShiftAsync ${Type.name}`)
      expectSameArray(await distances, loopDistances(original), `distancesFromOriginAsync ${Type.name}`)
    }
  })

  it('above 65,536 elements, scaleAsync computes on a copy and writes x back when it resolves', async () => {
    for (const Type of [Float64Array, Float32Array] as FloatType[]) {
      const x = makeVector(Type, 200_000, 'mixed', 31)
      const original = copyOf(x)
      const promise = scaleAsync(x, 2.5)
      // Nothing is written while the call runs on its copy...
      expectSameArray(copyOf(x), original, 'x right after the call')
      // ...and what x holds meanwhile is overwritten with the result for the values at call time.
      x.fill(-1)
      expect(await promise).toBe(x)
      expectSameArray(copyOf(x), loopScale(original, 2.5), 'x after the call')
    }
  })

  it('an out (or x for scaleAsync) detached during a worker-thread call rejects with ERR_INVALID_ARG_VALUE naming it', async () => {
    const n = 200_000
    const x = makeVector(Float64Array, n, 'mixed', 41)
    const out = new Float64Array(n)
    const shifted = scaleAndShiftAsync(x, 2, 0, { out })
    detachByStructuredClone(out)
    await expectRejects(() => shifted, { ...INVALID_VALUE, includes: ['"options.out"'] })

    const dOut = new Float64Array(n / 2)
    const distances = distancesFromOriginAsync(x, { out: dOut })
    detachByStructuredClone(dOut)
    await expectRejects(() => distances, { ...INVALID_VALUE, includes: ['"options.out"'] })

    const y = makeVector(Float64Array, n, 'mixed', 42)
    const scaled = scaleAsync(y, 2)
    detachByStructuredClone(y)
    await expectRejects(() => scaled, { ...INVALID_VALUE, includes: ['"x"'] })

    // An out on a resizable buffer that shrinks during the call.
    const buffer = newResizableBuffer(8 * n)
    const resizable = new Float64Array(buffer)
    const shrunk = scaleAndShiftAsync(x, 2, 0, { out: resizable })
    buffer.resize(8 * (n - 1))
    await expectRejects(() => shrunk, { ...INVALID_VALUE, includes: ['"options.out"'] })
  })
})

describe('memory contract: SharedArrayBuffers are used in place', () => {
  it.each([1000, 200_000])('x, y, out and points backed by SharedArrayBuffers, at offsets (n = %i)', async (n) => {
    for (const Type of [Float64Array, Float32Array] as FloatType[]) {
      const x = makeVector(Type, n, 'mixed', 51, { shared: true, offset: 5 })
      const y = makeVector(Type, n, 'unit', 52, { shared: true, offset: 1 })
      const original = copyOf(x)
      await checkAsyncReductions(x, y, `shared ${Type.name}`)

      // out shared, x shared (in one buffer, not overlapping), x ordinary with out shared.
      const both = sharedArray(Type, 2 * n)
      both.subarray(0, n).set(original)
      const out = both.subarray(n)
      expect(await scaleAndShiftAsync(both.subarray(0, n), 2, 3, { out })).toBe(out)
      expectSameArray(copyOf(out), loopScaleAndShift(original, 2, 3), `scaleAndShiftAsync shared x and out ${Type.name}`)
      const sharedOut = sharedArray(Type, n)
      expect(await scaleAndShiftAsync(original, -1, 0, { out: sharedOut })).toBe(sharedOut)
      expectSameArray(copyOf(sharedOut), loopScaleAndShift(original, -1, 0), `scaleAndShiftAsync shared out ${Type.name}`)
      const dOut = new Float64Array(new SharedArrayBuffer(8 * (n / 2)))
      expect(await distancesFromOriginAsync(x, { out: dOut })).toBe(dOut)
      expectSameArray(copyOf(dOut), loopDistances(original), `distancesFromOriginAsync shared ${Type.name}`)

      expect(await scaleAsync(x, 0.5)).toBe(x)
      expectSameArray(copyOf(x), loopScale(original, 0.5), `scaleAsync shared ${Type.name}`)
    }
  })
})

describe('abort', () => {
  const calls: [string, (x: FloatArray, y: FloatArray, signal: AbortSignal) => Promise<unknown>][] = [
    ['sumAsync', (x, _y, signal) => sumAsync(x, { signal })],
    ['sumSquaresAsync', (x, _y, signal) => sumSquaresAsync(x, { signal })],
    ['normAsync', (x, _y, signal) => normAsync(x, { signal })],
    ['dotAsync', (x, y, signal) => dotAsync(x, y, { signal })],
    ['sqEuclideanAsync', (x, y, signal) => sqEuclideanAsync(x, y, { signal })],
    ['scaleAsync', (x, _y, signal) => scaleAsync(x, 3, { signal })],
    ['scaleAndShiftAsync', (x, y, signal) => scaleAndShiftAsync(x, 3, 1, { signal, out: y })],
    ['distancesFromOriginAsync', (x, y, signal) => distancesFromOriginAsync(x, { signal, out: new Float64Array(y.buffer as ArrayBuffer, y.byteOffset, x.length / 2) })],
  ]

  it.each([0, 10, 70_000])('an already aborted signal rejects every call with AbortError (cause: the reason), touching nothing (n = %i)', async (n) => {
    for (const [name, call] of calls) {
      const x = new Float64Array(n).fill(2)
      const y = new Float64Array(n).fill(5)
      const reason = new Error(`stop ${name}`)
      const error = await expectRejects(() => call(x, y, AbortSignal.abort(reason)), ABORTED)
      expect(error, name).toBeInstanceOf(AbortError)
      expect(error.cause, name).toBe(reason)
      expect(x.every((v) => v === 2) && y.every((v) => v === 5), `${name}: inputs untouched`).toBe(true)
    }
  })

  describe('while a large call (5e6 elements) runs', () => {
    // Long enough that an abort lands while the kernel runs (tens of ms with the copy), small
    // enough for the time budget; an abort that comes too late is also accepted (see below).
    const N = 5_000_000
    let x = new Float64Array(0)
    let y = new Float64Array(0)
    let sharedX: Float64Array = new Float64Array(0)
    /** The maps' input: scaleAsync may change it (when it finishes before the abort). */
    let mapX = new Float64Array(0)

    beforeAll(() => {
      x = new Float64Array(N)
      y = new Float64Array(N)
      for (let i = 0; i < N; i++) {
        x[i] = ((i * 7919) % 10_007) / 10_007 - 0.5
        y[i] = (i % 13) - 6
      }
      sharedX = new Float64Array(new SharedArrayBuffer(8 * N))
      sharedX.set(x)
      mapX = x.slice()
    })

    afterAll(() => {
      x = y = sharedX = mapX = new Float64Array(0)
    })

    /** Settles `promise`: an AbortError carrying `reason`, or a value that `check` accepts. */
    async function abortedOrCorrect(promise: Promise<unknown>, reason: unknown, check: (value: unknown) => void, what: string): Promise<'aborted' | 'finished'> {
      const outcome = await promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      )
      if ('error' in outcome) {
        const error = expectErrorShape(outcome.error, ABORTED)
        expect(error.cause, what).toBe(reason)
        return 'aborted'
      }
      check(outcome.value)
      return 'finished'
    }

    it.each(['synchronously after the call', 'on the next turn of the event loop'] as const)(
      'reductions aborted %s reject with AbortError or resolve to the sync result',
      async (when) => {
        for (const [name, call] of calls.slice(0, 5)) {
          const controller = new AbortController()
          const reason = new Error(name)
          const promise = call(x, y, controller.signal)
          if (when === 'synchronously after the call') controller.abort(reason)
          else setImmediate(() => controller.abort(reason))
          await abortedOrCorrect(
            promise,
            reason,
            (value) => {
              const expected = name === 'sumAsync' ? sum(x) : name === 'sumSquaresAsync' ? sumSquares(x) : name === 'normAsync' ? norm(x) : name === 'dotAsync' ? dot(x, y) : sqEuclidean(x, y)
              expectSameNumber(value as number, expected, `${name} finished before the abort`)
            },
            name,
          )
          expect(getEventListeners(controller.signal, 'abort'), `${name}: listener removed`).toHaveLength(0)
        }
      },
    )

    it('maps aborted while running on ordinary buffers leave x and out untouched (or, if they finished, hold the result)', async () => {
      const sample = [0, 1, 12_345, N / 2, N - 1]
      for (const [name, call] of calls.slice(5)) {
        const input = mapX
        const before = sample.map((i) => input[i])
        const target = new Float64Array(N).fill(-7)
        const controller = new AbortController()
        const reason = new Error(name)
        const promise = call(input, target, controller.signal)
        controller.abort(reason)
        const outcome = await abortedOrCorrect(
          promise,
          reason,
          () => {
            if (name === 'scaleAsync') expect(sample.map((i) => input[i])).toEqual(before.map((v) => v * 3))
            else if (name === 'scaleAndShiftAsync') expect(sample.map((i) => target[i])).toEqual(before.map((v) => v * 3 + 1))
            else expect(target[0]).toBe(Math.sqrt(before[0] * before[0] + before[1] * before[1]))
          },
          name,
        )
        if (outcome === 'aborted') {
          expect(sample.map((i) => input[i]), `${name}: x untouched`).toEqual(before)
          expect(target.every((v) => v === -7), `${name}: out untouched`).toBe(true)
        }
      }
    })

    it('a shared-memory call aborted on the next turn settles (AbortError or the result); the kernels keep working', async () => {
      const controller = new AbortController()
      const reason = new Error('shared')
      const promise = dotAsync(sharedX, sharedX, { signal: controller.signal })
      setImmediate(() => controller.abort(reason))
      await abortedOrCorrect(promise, reason, (value) => expectSameNumber(value as number, sumSquares(x), 'dotAsync(shared, shared)'), 'shared dot')
      const small = makeVector(Float64Array, 100_000, 'mixed', 61)
      expectSameNumber(await sumAsync(small), sum(small), 'after the abort')
    })
  })

  it('aborting after completion changes nothing; long-lived signals keep no listeners', async () => {
    const controller = new AbortController()
    const x = makeVector(Float64Array, 100_000, 'mixed', 71)
    const small = makeVector(Float64Array, 100, 'mixed', 72)
    const results = await Promise.all([sumAsync(x, { signal: controller.signal }), normAsync(small, { signal: controller.signal }), scaleAndShiftAsync(x, 2, 0, { signal: controller.signal })])
    controller.abort()
    expectSameNumber(results[0], sum(x), 'sum')
    expectSameNumber(results[1], norm(small), 'norm')
    expectSameArray(results[2], loopScaleAndShift(x, 2, 0), 'scaleAndShift')
    const live = new AbortController()
    // Batches of 8 concurrent calls: each running call holds one listener, and more than 10 on one
    // signal would print Node's MaxListenersExceededWarning.
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? sumAsync(x, { signal: live.signal }) : distancesFromOriginAsync(x, { signal: live.signal }))))
      expect(getEventListeners(live.signal, 'abort')).toHaveLength(0)
    }
  })
})
