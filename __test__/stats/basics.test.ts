/**
 * Accumulator and accumulate(): parity with the pure-TS Welford reference and a compensated
 * two-pass oracle (property-based), merge == sequential over random splits, ill-conditioned data,
 * JSON round trips, every error case, and feeding from iterables, async iterables and streams.
 */
import fc from 'fast-check'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { Accumulator, accumulate } from '../../src/stats/index.js'
import { native } from '../../src/core/native.js'
import { ADD_BUFFER_VALUES, ADD_MANY_DIRECT_MIN_VALUES, FLUSH_NATIVE_MIN_VALUES } from '../../src/stats/index.js'
import { mergeMoments, momentsOf, type MomentsState } from '../../src/stats/reference.js'
import { ABORTED, INVALID_TYPE, INVALID_VALUE, expectRejects, expectThrows } from '../helpers/errors.js'
import { prng } from '../helpers/data.js'

/** Lets tests pass values the types forbid, as JavaScript callers can. */
function loose<T>(value: unknown): T {
  return value as T
}

/** Two-pass oracle with Neumaier sums (TwoSum-compensated): total, mean, m2. */
function oracle(values: ArrayLike<number>): { total: number; mean: number; m2: number } {
  const sum = (f: (x: number) => number): number => {
    let s = 0
    let c = 0
    for (let i = 0; i < values.length; i++) {
      const x = f(values[i])
      const t = s + x
      c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s
      s = t
    }
    return s + c
  }
  const n = values.length
  const total = sum((x) => x)
  const mean = total / n
  const dev = sum((x) => x - mean)
  const m2 = sum((x) => (x - mean) * (x - mean)) - (dev * dev) / n
  return { total, mean: mean + dev / n, m2 }
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]))
  return m
}

/** Checks an accumulator against the oracle, with bounds that grow with n for sequential Welford rounding. */
function expectMatchesOracle(acc: Accumulator, values: ArrayLike<number>): void {
  const n = values.length
  const want = oracle(values)
  const scale = maxAbs(values)
  const eps = Number.EPSILON
  expect(acc.count).toBe(n)
  expect(Math.abs(acc.total - want.total)).toBeLessThanOrEqual(8 * eps * Math.abs(want.total) + n * eps * eps * scale + 1e-300)
  expect(Math.abs(acc.mean - want.mean)).toBeLessThanOrEqual(4 * n * eps * scale + 1e-300)
  const m2Bound = n * (1e-12 * want.m2 + 16 * n * eps * eps * scale * scale)
  expect(Math.abs(acc.variance * n - want.m2)).toBeLessThanOrEqual(m2Bound + 1e-300)
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i])
    max = Math.max(max, values[i])
  }
  // == rather than Object.is: JSON turns -0 into 0.
  expect(acc.min === min && acc.max === max, `min ${acc.min} vs ${min}, max ${acc.max} vs ${max}`).toBe(true)
}

const value = fc.oneof(
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: 1e9, max: 1e9 + 1, noNaN: true }),
  fc.double({ min: -1e100, max: 1e100, noNaN: true }),
  fc.constant(0),
)
/** Arrays up to a few buffers long, built from a short seed so both paths (JS and native) run. */
const values = fc.tuple(fc.array(value, { minLength: 1, maxLength: 40 }), fc.nat({ max: 3 * ADD_BUFFER_VALUES }), fc.nat()).map(([seed, n, salt]) => {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = seed[(i * 31 + salt) % seed.length] * (1 + (i % 7) * 1e-3)
  return out
})

describe('Accumulator basics', () => {
  it('computes the textbook example', () => {
    const acc = new Accumulator().add(2).add(4).addMany(new Float64Array([4, 4, 5])).addMany([5, 7, 9])
    expect(acc.count).toBe(8)
    expect(acc.total).toBe(40)
    expect(acc.mean).toBe(5)
    expect(acc.variance).toBe(4)
    expect(acc.stdDev).toBe(2)
    expect(acc.sampleVariance).toBeCloseTo(32 / 7, 14)
    expect(acc.sampleStdDev).toBeCloseTo(Math.sqrt(32 / 7), 14)
    expect([acc.min, acc.max]).toEqual([2, 9])
  })

  it('is NaN when empty (total 0) and sample statistics need two values', () => {
    const acc = new Accumulator()
    expect(acc.count).toBe(0)
    expect(acc.total).toBe(0)
    for (const v of [acc.mean, acc.variance, acc.sampleVariance, acc.stdDev, acc.sampleStdDev, acc.min, acc.max]) expect(v).toBeNaN()
    acc.add(3.5)
    expect([acc.mean, acc.variance, acc.stdDev, acc.min, acc.max]).toEqual([3.5, 0, 0, 3.5, 3.5])
    expect(acc.sampleVariance).toBeNaN()
    expect(acc.sampleStdDev).toBeNaN()
  })

  it('reset forgets everything, including buffered values', () => {
    const acc = new Accumulator().addMany(new Float64Array(5000).fill(2)).add(1)
    expect(acc.reset()).toBe(acc)
    expect(acc.count).toBe(0)
    expect(acc.mean).toBeNaN()
    acc.add(7)
    expect([acc.count, acc.mean, acc.total]).toEqual([1, 7, 7])
  })

  it('methods chain and the instance shows its statistics when inspected', async () => {
    const acc = new Accumulator()
    expect(acc.add(1)).toBe(acc)
    expect(acc.addMany([2])).toBe(acc)
    expect(acc.merge(new Accumulator())).toBe(acc)
    const { inspect } = await import('node:util')
    expect(inspect(acc)).toBe('Accumulator { count: 2, mean: 1.5, stdDev: 0.5, min: 1, max: 2 }')
  })

  it('Float32Array values are read as their f32 values', () => {
    const f32 = Float32Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 1e3)
    const a = new Accumulator().addMany(f32)
    const b = new Accumulator().addMany(Float64Array.from(f32))
    expect(a.count).toBe(3000)
    expect(a.mean).toBe(b.mean)
    expect(a.variance).toBe(b.variance)
    expect(a.total).toBe(b.total)
  })
})

describe('parity (property-based)', () => {
  it('add, addMany and mixes of both match the compensated two-pass oracle', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 3 }), (xs, mode) => {
        fc.pre(xs.length > 0)
        const acc = new Accumulator()
        if (mode === 0) for (const x of xs) acc.add(x)
        else if (mode === 1) acc.addMany(xs)
        else if (mode === 2) acc.addMany(Array.from(xs))
        else {
          // Reading between adds folds small batches in JavaScript.
          for (let i = 0; i < xs.length; i++) {
            acc.add(xs[i])
            if (i % 97 === 0) expect(acc.count).toBe(i + 1)
            if (i % 13 === 0) expect(acc.mean).not.toBeNaN()
          }
        }
        expectMatchesOracle(acc, xs)
        const ref = momentsOf(xs)
        expect(acc.count).toBe(ref.count)
        expect(Math.abs(acc.mean - ref.mean)).toBeLessThanOrEqual(4 * xs.length * Number.EPSILON * maxAbs(xs) + 1e-300)
      }),
      { numRuns: 150 },
    )
  })

  it('merge of random splits equals sequential accumulation', () => {
    fc.assert(
      fc.property(values, fc.array(fc.nat(), { maxLength: 6 }), (xs, cutSeeds) => {
        fc.pre(xs.length > 0)
        const cuts = [0, ...cutSeeds.map((c) => c % (xs.length + 1)), xs.length].sort((a, b) => a - b)
        const merged = new Accumulator()
        for (let i = 0; i + 1 < cuts.length; i++) {
          const part = new Accumulator()
          const slice = xs.subarray(cuts[i], cuts[i + 1])
          if (i % 2 === 0) part.addMany(slice)
          else for (const x of slice) part.add(x)
          // Half of the parts travel as JSON, as from a worker thread.
          merged.merge(i % 3 === 0 ? Accumulator.fromJSON(JSON.parse(JSON.stringify(part))) : part)
        }
        const sequential = new Accumulator().addMany(xs)
        expect(merged.count).toBe(sequential.count)
        // == rather than Object.is: JSON turns -0 into 0.
        expect(merged.min === sequential.min && merged.max === sequential.max).toBe(true)
        expectMatchesOracle(merged, xs)
      }),
      { numRuns: 150 },
    )
  })

  it.skipIf(native === null)('the JavaScript merge gives the same bits as the Rust kernel merge', () => {
    const state = (m: MomentsState): number[] => [m.count, m.mean, m.m2, m.sum, m.compensation, m.min, m.max]
    fc.assert(
      fc.property(values, values, (a, b) => {
        const ma = momentsOf(a)
        const mb = momentsOf(b)
        const rust = native!.statsMergeStates(state(ma), state(mb))
        const js = { ...ma }
        mergeMoments(js, mb)
        expect(rust.slice(0, 5)).toEqual(state(js).slice(0, 5))
        if (js.count > 0) expect(rust.slice(5)).toEqual(state(js).slice(5))
      }),
      { numRuns: 100 },
    )
  })

  it('the compensated total survives cancellation', () => {
    const acc = new Accumulator().addMany([1e16, 1, -1e16]).add(1e100).add(1).add(-1e100)
    expect(acc.total).toBe(2)
    const big = new Float64Array(10_000)
    for (let i = 0; i < big.length; i += 2) {
      big[i] = 1e16
      big[i + 1] = 1
    }
    for (let i = 0; i < big.length; i += 2) big[i] = i < big.length / 2 ? 1e16 : -1e16
    expect(new Accumulator().addMany(big).total).toBe(5000)
  })
})

describe('ill-conditioned data', () => {
  it('1e9 plus small noise keeps its variance (Welford) where the sum-of-squares formula fails', () => {
    const r = prng(7)
    const n = 200_000
    const offsets = new Float64Array(n)
    for (let i = 0; i < n; i++) offsets[i] = Math.floor(r() * 1024) / 1024
    const xs = offsets.map((y) => 1e9 + y)
    const exact = oracle(offsets).m2 / n
    const viaAddMany = new Accumulator().addMany(xs)
    const viaAdd = new Accumulator()
    for (const x of xs) viaAdd.add(x)
    const viaFallback = momentsOf(xs)
    // The data's condition number (mean / stddev ~ 3.5e9) times eps is ~8e-7: the floor for any
    // f64 algorithm. The naive formula's error grows with its square.
    expect(Math.abs(viaAddMany.variance - exact) / exact).toBeLessThan(1e-7)
    expect(Math.abs(viaAdd.variance - exact) / exact).toBeLessThan(1e-7)
    expect(Math.abs(viaFallback.m2 / n - exact) / exact).toBeLessThan(1e-7)
    let s = 0
    let s2 = 0
    for (const x of xs) {
      s += x
      s2 += x * x
    }
    const naive = (s2 - (s * s) / n) / n
    expect(Math.abs(naive - exact) / exact).toBeGreaterThan(1)
  })
})

describe('JSON', () => {
  it('round-trips exactly, through JSON text too, and continues like the original', () => {
    const xs = Float64Array.from({ length: 9000 }, (_, i) => Math.cos(i) * 1e6 + 1e-3 * i)
    const acc = new Accumulator().addMany(xs).add(0.1).add(0.2)
    const json = acc.toJSON()
    expect(Object.values(json).every((v) => typeof v === 'number')).toBe(true)
    const back = Accumulator.fromJSON(JSON.parse(JSON.stringify(acc)))
    expect(back.toJSON()).toEqual(json)
    back.add(5)
    acc.add(5)
    expect(back.toJSON()).toEqual(acc.toJSON())
    expect(json.total + json.totalCompensation).toBe(json.total)
  })

  it('an empty accumulator stringifies with nulls and comes back empty', () => {
    const text = JSON.stringify(new Accumulator())
    expect(JSON.parse(text)).toMatchObject({ count: 0, total: 0, mean: null, min: null, max: null, variance: null })
    const back = Accumulator.fromJSON(JSON.parse(text))
    expect(back.count).toBe(0)
    expect(back.mean).toBeNaN()
  })

  it('one value: sample statistics are null once stringified, and the round trip keeps them NaN', () => {
    const back = Accumulator.fromJSON(JSON.parse(JSON.stringify(new Accumulator().add(4))))
    expect([back.count, back.mean, back.variance]).toEqual([1, 4, 0])
    expect(back.sampleVariance).toBeNaN()
  })
})

describe('errors', () => {
  const acc = new Accumulator()

  it.each([
    ['a string', '1'],
    ['undefined', undefined],
    ['null', null],
    ['a bigint', 1n],
    ['an object', {}],
  ])('add(%s) is a TypeError', (_name, x) => {
    expectThrows(() => acc.add(loose<number>(x)), { ...INVALID_TYPE, includes: ['"x"', 'number', 'Received'] })
  })

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('add(%s) is ERR_INVALID_ARG_VALUE and adds nothing', (x) => {
    const a = new Accumulator().add(1)
    expectThrows(() => a.add(x), { ...INVALID_VALUE, includes: ['"x"', 'finite', String(x)] })
    expect(a.count).toBe(1)
    expect(a.mean).toBe(1)
  })

  it.each([
    ['a string', 'abc'],
    ['a number', 5],
    ['an Int32Array', new Int32Array(3)],
    ['a Uint8Array', new Uint8Array(8)],
    ['an array-like', { length: 1, 0: 1 }],
    ['null', null],
  ])('addMany(%s) is a TypeError', (_name, values) => {
    expectThrows(() => acc.addMany(loose<Float64Array>(values)), { ...INVALID_TYPE, includes: ['"values"', 'Float64Array'] })
  })

  it('a non-number element is a TypeError naming it, and nothing is added', () => {
    for (const length of [3, ADD_BUFFER_VALUES + 10]) {
      const a = new Accumulator().add(1)
      const xs: unknown[] = Array.from({ length }, (_, i) => i)
      xs[2] = '2'
      expectThrows(() => a.addMany(loose<number[]>(xs)), { ...INVALID_TYPE, includes: ['"values[2]"', "'2'"] })
      expect(a.count).toBe(1)
      expect(a.total).toBe(1)
    }
  })

  it('a NaN or infinite element is ERR_INVALID_ARG_VALUE naming its index, and nothing is added (every path)', () => {
    const lengths = [5, FLUSH_NATIVE_MIN_VALUES + 1, ADD_MANY_DIRECT_MIN_VALUES - 1, ADD_MANY_DIRECT_MIN_VALUES, ADD_BUFFER_VALUES + 3, 300_000]
    for (const length of lengths) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        for (const form of ['f64', 'f32', 'array'] as const) {
          const at = length - 2
          const raw = Array.from({ length }, (_, i) => i % 10)
          raw[at] = bad
          const xs = form === 'f64' ? Float64Array.from(raw) : form === 'f32' ? Float32Array.from(raw) : raw
          const a = new Accumulator().add(1).add(2)
          expectThrows(() => a.addMany(xs), { ...INVALID_VALUE, includes: ['"values"', 'finite', `values[${at}] = ${bad}`] })
          expect([a.count, a.total, a.mean]).toEqual([2, 3, 1.5])
        }
      }
    }
  })

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a plain object', { count: 1, mean: 1 }],
    ['a JSON state', new Accumulator().toJSON()],
    ['an object with the prototype only', Object.create(Accumulator.prototype)],
  ])('merge(%s) is a TypeError', (_name, other) => {
    expectThrows(() => acc.merge(loose<Accumulator>(other)), { ...INVALID_TYPE, includes: ['"other"', 'Accumulator'] })
  })

  const good = new Accumulator().addMany([1, 2, 3]).toJSON()
  it.each([
    ['undefined', undefined, INVALID_TYPE, 'json'],
    ['a string', JSON.stringify(good), INVALID_TYPE, 'json'],
    ['an array', [1, 2], INVALID_TYPE, 'json'],
    ['count missing', { ...good, count: undefined }, INVALID_TYPE, 'json.count'],
    ['count as a string', { ...good, count: '3' }, INVALID_TYPE, 'json.count'],
    ['a negative count', { ...good, count: -1 }, INVALID_VALUE, 'json.count'],
    ['a fractional count', { ...good, count: 1.5 }, INVALID_VALUE, 'json.count'],
    ['a NaN mean', { ...good, mean: Number.NaN }, INVALID_VALUE, 'json.mean'],
    ['a null mean with values', { ...good, mean: null }, INVALID_VALUE, 'json.mean'],
    ['an infinite total', { ...good, total: Number.POSITIVE_INFINITY }, INVALID_VALUE, 'json.total'],
    ['a negative m2', { ...good, m2: -1 }, INVALID_VALUE, 'json.m2'],
    ['min above max', { ...good, min: 5, max: 4 }, INVALID_VALUE, 'json'],
    ['m2 missing', { ...good, m2: undefined }, INVALID_TYPE, 'json.m2'],
    ['an empty state with a total', { ...new Accumulator().toJSON(), total: 3 }, INVALID_VALUE, 'json'],
  ])('fromJSON with %s is rejected', (_name, json, shape, argument) => {
    expectThrows(() => Accumulator.fromJSON(loose<Parameters<typeof Accumulator.fromJSON>[0]>(json)), { ...shape, includes: [`"${argument}"`] })
  })
})

async function* asyncItems<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise<void>((resolve) => setImmediate(resolve))
    yield item
  }
}

describe('accumulate()', () => {
  const xs = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 100 + 50)
  const expected = new Accumulator().addMany(xs)
  const chunks = [xs.subarray(0, 3), Array.from(xs.subarray(3, 100)), Float32Array.from([0.5]), xs.subarray(100, 9000), xs.subarray(9000)]

  function expectSameStats(acc: Accumulator, want: Accumulator, tol = 1e-12): void {
    expect(acc.count).toBe(want.count)
    expect(acc.mean).toBeCloseTo(want.mean, 10)
    expect(Math.abs(acc.variance - want.variance)).toBeLessThanOrEqual(tol * want.variance)
    expect([acc.min, acc.max]).toEqual([want.min, want.max])
  }

  it('reads numbers and chunks from an async iterable, an iterable and an object-mode Readable', async () => {
    const want = new Accumulator().addMany(xs.subarray(0, 100)).add(0.5).addMany(xs.subarray(100))
    expectSameStats(await accumulate(asyncItems(chunks)), want)
    expectSameStats(await accumulate(chunks), want)
    expectSameStats(await accumulate(Readable.from(chunks)), want)
    expectSameStats(await accumulate(Array.from(xs)), expected)
    expectSameStats(await accumulate(asyncItems(Array.from(xs.subarray(0, 500)))), new Accumulator().addMany(xs.subarray(0, 500)))
  })

  it('reads raw float64le bytes split anywhere, from a binary Readable', async () => {
    const bytes = new Uint8Array(xs.buffer.slice(0))
    const r = prng(3)
    const pieces: Buffer[] = []
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(r() * 300)
      // Offset 1 inside a bigger buffer: unaligned views take the copying path.
      const piece = Buffer.alloc(size + 1)
      piece.set(bytes.subarray(at, at + size), 1)
      pieces.push(piece.subarray(1, 1 + Math.min(size, bytes.length - at)))
      at += size
    }
    expectSameStats(await accumulate(Readable.from(pieces), { format: 'float64le' }), expected)
    expectSameStats(await accumulate([Buffer.from(bytes)], { format: 'float64le' }), expected)
  })

  it('merges into options.into only when the whole source was read', async () => {
    const into = new Accumulator().add(1000)
    expect(await accumulate(chunks.slice(0, 2), { into })).toBe(into)
    expect(into.count).toBe(101)
    const untouched = new Accumulator().add(1)
    await expectRejects(() => accumulate(asyncItems([1, 2, Number.NaN]), { into: untouched }), { ...INVALID_VALUE, includes: ['"source[2]"'] })
    expect(untouched.count).toBe(1)
  })

  it('bad items reject with a typed error naming the position', async () => {
    await expectRejects(() => accumulate(loose<number[]>(asyncItems([1, 'x']))), { ...INVALID_TYPE, includes: ['"source[1]"'] })
    await expectRejects(() => accumulate([1, [2, Number.POSITIVE_INFINITY]]), { ...INVALID_VALUE, includes: ['"source[1]"', 'source[1][1] = Infinity'] })
    await expectRejects(() => accumulate([Float64Array.of(1, Number.NaN)]), { ...INVALID_VALUE, includes: ['source[0][1] = NaN'] })
    await expectRejects(() => accumulate([Buffer.alloc(8)]), { ...INVALID_TYPE, includes: ['"source[0]"', 'float64le'] })
    await expectRejects(() => accumulate([Float64Array.of(1)], { format: 'float64le' }), { ...INVALID_TYPE, includes: ['"source[0]"', 'Uint8Array'] })
    await expectRejects(() => accumulate([Buffer.alloc(12)], { format: 'float64le' }), { ...INVALID_VALUE, includes: ['"source"', '4 bytes left over'] })
    const nan = Buffer.alloc(24)
    nan.writeDoubleLE(Number.NaN, 8)
    await expectRejects(() => accumulate([nan.subarray(0, 5), nan.subarray(5)], { format: 'float64le' }), { ...INVALID_VALUE, includes: ['value 1 of the byte stream', 'bytes 8..15'] })
  })

  it('bad arguments reject (never throw)', async () => {
    await expectRejects(() => accumulate(loose<number[]>(42)), { ...INVALID_TYPE, includes: ['"source"'] })
    await expectRejects(() => accumulate(loose<number[]>(null)), { ...INVALID_TYPE, includes: ['"source"'] })
    await expectRejects(() => accumulate([1], loose({ into: {} })), { ...INVALID_TYPE, includes: ['"options.into"'] })
    await expectRejects(() => accumulate([1], loose({ format: 'f64' })), { ...INVALID_VALUE, includes: ['"options.format"'] })
    await expectRejects(() => accumulate([1], loose({ signal: 'x' })), { ...INVALID_TYPE, includes: ['"options.signal"'] })
    await expectRejects(() => accumulate([1], loose(5)), { ...INVALID_TYPE, includes: ['"options"'] })
  })

  it('aborts before starting and while waiting for the source', async () => {
    await expectRejects(() => accumulate([1], { signal: AbortSignal.abort() }), ABORTED)
    const controller = new AbortController()
    const never = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<number>>(() => {}) }),
    }
    const pending = accumulate(never, { signal: controller.signal })
    controller.abort()
    await expectRejects(() => pending, ABORTED)
  })
})
