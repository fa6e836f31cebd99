/**
 * Argument errors of the vector kernels: typed errors with stable codes whose messages name the
 * argument; sync functions throw, async twins return a rejected promise and never throw; a
 * rejected call leaves its arrays untouched.
 */
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import {
  InvalidArgTypeError,
  InvalidArgValueError,
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
import { INVALID_TYPE, INVALID_VALUE, expectRejects, expectThrows, type ErrorShape } from '../helpers/errors.js'
import { sharedArray } from '../helpers/vector.js'

/** Lets tests pass values the types forbid, as JavaScript callers can. */
function loose<T>(value: unknown): T {
  return value as T
}

type Call = (...args: unknown[]) => unknown
type AsyncCall = (...args: unknown[]) => Promise<unknown>

/** Each entry point: its sync and async form (async takes the same leading arguments). */
const UNARY: [string, Call, Call][] = [
  ['sum', loose(sum), loose(sumAsync)],
  ['sumSquares', loose(sumSquares), loose(sumSquaresAsync)],
  ['norm', loose(norm), loose(normAsync)],
]
const BINARY: [string, Call, Call][] = [
  ['dot', loose(dot), loose(dotAsync)],
  ['sqEuclidean', loose(sqEuclidean), loose(sqEuclideanAsync)],
]

/** Values that are not a Float64Array or Float32Array, and how they should be described. */
const NOT_FLOAT_ARRAYS: [string, () => unknown, string][] = [
  ['undefined', () => undefined, 'undefined'],
  ['null', () => null, 'null'],
  ['a number', () => 42, 'type number (42)'],
  ['a string', () => '1,2,3', "type string ('1,2,3')"],
  ['a bigint', () => 3n, 'type bigint'],
  ['a plain array of numbers', () => [1, 2, 3], 'Array'],
  ['an Int32Array', () => new Int32Array(4), 'Int32Array'],
  ['a Uint8Array', () => new Uint8Array(8), 'Uint8Array'],
  ['a BigInt64Array', () => new BigInt64Array(2), 'BigInt64Array'],
  ['a DataView', () => new DataView(new ArrayBuffer(16)), 'DataView'],
  ['an ArrayBuffer', () => new ArrayBuffer(16), 'ArrayBuffer'],
  ['an array-like object', () => ({ length: 2, 0: 1, 1: 2 }), 'Object'],
  ['a Proxy of a Float64Array', () => new Proxy(new Float64Array(4), {}), 'Received'],
  ['an object with Float64Array.prototype', () => Object.create(Float64Array.prototype), 'Received'],
  ['a function', () => () => 1, 'function'],
]

function typeError(name: string, ...more: (string | number)[]): ErrorShape {
  return { ...INVALID_TYPE, includes: [`"${name}"`, 'Received', ...more] }
}

function valueError(name: string, ...more: (string | number)[]): ErrorShape {
  return { ...INVALID_VALUE, includes: [`"${name}"`, ...more] }
}

/** The sync call throws `shape`; the async call rejects with it (and does not throw). */
async function expectBoth(syncCall: () => unknown, asyncCall: () => Promise<unknown>, shape: ErrorShape): Promise<void> {
  const error = expectThrows(syncCall, shape)
  expect(error).toBeInstanceOf(shape.code === 'ERR_INVALID_ARG_TYPE' ? InvalidArgTypeError : InvalidArgValueError)
  const rejection = await expectRejects(asyncCall, shape)
  expect(rejection.constructor).toBe(error.constructor)
}

// Both small (inline) and large (worker thread) sizes: the async paths differ above 65,536.
const SIZES = [4, 70_000]

describe('x / points: not a Float64Array or Float32Array', () => {
  it.each(NOT_FLOAT_ARRAYS)('%s is a TypeError ERR_INVALID_ARG_TYPE naming the argument', async (_name, make, received) => {
    const good = new Float64Array(4)
    for (const [, syncFn, asyncFn] of UNARY) {
      await expectBoth(() => syncFn(make()), () => asyncFn(make()) as Promise<unknown>, typeError('x', received))
    }
    for (const [, syncFn, asyncFn] of BINARY) {
      await expectBoth(() => syncFn(make(), good), () => asyncFn(make(), good) as Promise<unknown>, typeError('x', received))
      await expectBoth(() => syncFn(good, make()), () => asyncFn(good, make()) as Promise<unknown>, typeError('y', received))
    }
    await expectBoth(() => scale(loose(make()), 2), () => scaleAsync(loose(make()), 2), typeError('x', received))
    await expectBoth(() => scaleAndShift(loose(make()), 2, 1), () => scaleAndShiftAsync(loose(make()), 2, 1), typeError('x', received))
    await expectBoth(() => distancesFromOrigin(loose(make())), () => distancesFromOriginAsync(loose(make())), typeError('points', received))
  })

  it('the message says what was expected', () => {
    expectThrows(() => sum(loose([1, 2])), typeError('x', 'Float64Array', 'Float32Array', 'an instance of Array of length 2'))
    expectThrows(() => dot(new Float32Array(2), loose(new Int32Array(2))), typeError('y', 'Float32Array'))
  })
})

describe('y: element type and length must match x', () => {
  it.each(SIZES)('mixed Float64Array/Float32Array is a TypeError naming "y" (n = %i)', async (n) => {
    for (const [, syncFn, asyncFn] of BINARY) {
      await expectBoth(() => syncFn(new Float64Array(n), new Float32Array(n)), () => asyncFn(new Float64Array(n), new Float32Array(n)) as Promise<unknown>, typeError('y', 'Float64Array'))
      await expectBoth(() => syncFn(new Float32Array(n), new Float64Array(n)), () => asyncFn(new Float32Array(n), new Float64Array(n)) as Promise<unknown>, typeError('y', 'Float32Array'))
    }
  })

  it.each(SIZES)('a length mismatch is a RangeError ERR_INVALID_ARG_VALUE naming "y" and both lengths (n = %i)', async (n) => {
    for (const [, syncFn, asyncFn] of BINARY) {
      for (const Type of [Float64Array, Float32Array]) {
        for (const m of [0, n - 1, n + 1]) {
          await expectBoth(() => syncFn(new Type(n), new Type(m)), () => asyncFn(new Type(n), new Type(m)) as Promise<unknown>, valueError('y', n, m))
        }
        // A view of the right length over a longer buffer is fine; one element short is not.
        const whole = new Type(n + 5)
        expect(syncFn(new Type(n), whole.subarray(5))).toBe(0)
        await expectBoth(() => syncFn(new Type(n), whole.subarray(6)), () => asyncFn(new Type(n), whole.subarray(6)) as Promise<unknown>, valueError('y', n, n - 1))
      }
    }
  })
})

describe('arrays from another realm (vm context)', () => {
  it('are accepted, and mixed element types are still a TypeError naming "y" / "options.out"', async () => {
    for (const n of [8, 1000]) {
      const foreign64 = vm.runInNewContext(`new Float64Array(${n}).fill(1)`) as Float64Array
      const foreign32 = vm.runInNewContext(`new Float32Array(${n}).fill(1)`) as Float32Array
      expect(dot(foreign64, new Float64Array(n).fill(2))).toBe(2 * n)
      expect(dot(new Float32Array(n).fill(2), foreign32)).toBe(2 * n)
      await expectBoth(() => dot(foreign64, new Float32Array(n)), () => dotAsync(foreign64, new Float32Array(n)), typeError('y', 'Float64Array'))
      await expectBoth(() => sqEuclidean(new Float64Array(n), foreign32), () => sqEuclideanAsync(new Float64Array(n), foreign32), typeError('y', 'Float64Array'))
      await expectBoth(() => scaleAndShift(foreign32, 1, 0, loose({ out: new Float64Array(n) })), () => scaleAndShiftAsync(foreign32, 1, 0, loose({ out: new Float64Array(n) })), typeError('options.out', 'Float32Array'))
      const foreignInt = vm.runInNewContext(`new Int32Array(${n})`)
      await expectBoth(() => sum(loose(foreignInt)), () => sumAsync(loose(foreignInt)), typeError('x', 'Int32Array'))
    }
  })
})

describe('points: odd length', () => {
  it.each([1, 3, 63, 65, 70_001])('%i coordinates are a RangeError ERR_INVALID_ARG_VALUE naming "points"', async (n) => {
    for (const Type of [Float64Array, Float32Array]) {
      await expectBoth(() => distancesFromOrigin(new Type(n)), () => distancesFromOriginAsync(new Type(n)), valueError('points', 'even', n))
    }
  })
})

describe('numbers: factor, scale, shift', () => {
  const NOT_NUMBERS: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', '2'],
    ['a bigint', 2n],
    ['a Number object', new Number(2)],
    ['an array', [2]],
    ['a boolean', true],
  ]

  it.each(NOT_NUMBERS)('%s is a TypeError naming the argument', async (_name, bad) => {
    for (const n of SIZES) {
      const x = new Float64Array(n).fill(1)
      await expectBoth(() => scale(x, loose(bad)), () => scaleAsync(x, loose(bad)), typeError('factor'))
      await expectBoth(() => scaleAndShift(x, loose(bad), 0), () => scaleAndShiftAsync(x, loose(bad), 0), typeError('scale'))
      await expectBoth(() => scaleAndShift(x, 1, loose(bad)), () => scaleAndShiftAsync(x, 1, loose(bad)), typeError('shift'))
      expect(x.every((v) => v === 1)).toBe(true)
    }
  })

  it('NaN and Infinity are numbers: accepted', () => {
    expect(Number.isNaN(scaleAndShift(new Float64Array([1]), Number.NaN, 0)[0])).toBe(true)
    expect(scale(new Float64Array([1]), Number.POSITIVE_INFINITY)[0]).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('options', () => {
  const NOT_OBJECTS: [string, unknown][] = [
    ['null', null],
    ['a number', 5],
    ['a string', 'fast'],
    ['true', true],
    ['an array', []],
    ['a function', () => ({})],
  ]

  it.each(NOT_OBJECTS)('options as %s is a TypeError naming "options"', async (_name, bad) => {
    const x = new Float64Array(8).fill(1)
    await expectBoth(() => scaleAndShift(x, 1, 0, loose(bad)), () => scaleAndShiftAsync(x, 1, 0, loose(bad)), typeError('options'))
    await expectBoth(() => distancesFromOrigin(x, loose(bad)), () => distancesFromOriginAsync(x, loose(bad)), typeError('options'))
    for (const [, , asyncFn] of UNARY) await expectRejects(() => asyncFn(x, bad) as Promise<unknown>, typeError('options'))
    for (const [, , asyncFn] of BINARY) await expectRejects(() => asyncFn(x, x, bad) as Promise<unknown>, typeError('options'))
    await expectRejects(() => scaleAsync(x, 2, loose(bad)), typeError('options'))
    expect(x.every((v) => v === 1)).toBe(true)
  })

  it.each([
    ['an object', {}],
    ['a string', 'abort'],
    ['an AbortController', new AbortController()],
    ['null', null],
  ])('signal as %s is a TypeError naming "options.signal"', async (_name, bad) => {
    for (const n of SIZES) {
      const x = new Float64Array(n).fill(1)
      const options = loose<{ signal: AbortSignal }>({ signal: bad })
      for (const [, , asyncFn] of UNARY) await expectRejects(() => asyncFn(x, options) as Promise<unknown>, typeError('options.signal', 'AbortSignal'))
      for (const [, , asyncFn] of BINARY) await expectRejects(() => asyncFn(x, x, options) as Promise<unknown>, typeError('options.signal', 'AbortSignal'))
      await expectRejects(() => scaleAsync(x, 2, options), typeError('options.signal'))
      await expectRejects(() => scaleAndShiftAsync(x, 2, 1, options), typeError('options.signal'))
      await expectRejects(() => distancesFromOriginAsync(x, options), typeError('options.signal'))
      expect(x.every((v) => v === 1)).toBe(true)
    }
  })

  it('an explicit `out: undefined` and `signal: undefined` are the same as leaving them out', async () => {
    const x = new Float64Array([1, 2, 3, 4])
    expect(Array.from(scaleAndShift(x, 2, 1, { out: undefined }))).toEqual([3, 5, 7, 9])
    expect(Array.from(await scaleAndShiftAsync(x, 2, 1, { out: undefined, signal: undefined }))).toEqual([3, 5, 7, 9])
    expect(await sumAsync(x, { signal: undefined })).toBe(10)
    expect(Array.from(distancesFromOrigin(new Float32Array([3, 4]), {}))).toEqual([5])
  })
})

describe('options.out', () => {
  it.each(SIZES)('the wrong type is a TypeError naming "options.out" (n = %i)', async (n) => {
    const x64 = new Float64Array(n).fill(1)
    const x32 = new Float32Array(n).fill(1)
    const bad: [Float64Array | Float32Array, unknown, string][] = [
      [x64, new Float32Array(n), 'Float64Array'],
      [x32, new Float64Array(n), 'Float32Array'],
      [x64, Array.from({ length: n }, () => 0), 'Float64Array'],
      [x64, new Int32Array(2 * n), 'Float64Array'],
      [x64, null, 'Float64Array'],
      [x64, new Proxy(new Float64Array(n), {}), 'Float64Array'],
    ]
    for (const [x, out, expected] of bad) {
      await expectBoth(() => scaleAndShift(x, 2, 1, loose({ out })), () => scaleAndShiftAsync(x, 2, 1, loose({ out })), typeError('options.out', expected))
    }
    // distancesFromOrigin always writes a Float64Array, whatever the points' type.
    for (const points of [x64, x32]) {
      for (const out of [new Float32Array(n / 2), [0, 0], new BigInt64Array(n / 2)]) {
        await expectBoth(() => distancesFromOrigin(points, loose({ out })), () => distancesFromOriginAsync(points, loose({ out })), typeError('options.out', 'Float64Array'))
      }
    }
    expect(x64.every((v) => v === 1) && x32.every((v) => v === 1)).toBe(true)
  })

  it.each(SIZES)('the wrong length is a RangeError naming "options.out" and the lengths (n = %i)', async (n) => {
    for (const Type of [Float64Array, Float32Array]) {
      const x = new Type(n).fill(1)
      for (const m of [0, n - 1, n + 1]) {
        const out = new Type(m).fill(-1)
        await expectBoth(() => scaleAndShift(x, 2, 1, { out }), () => scaleAndShiftAsync(x, 2, 1, { out }), valueError('options.out', n, m))
        expect(out.every((v) => v === -1)).toBe(true)
      }
      for (const m of [0, n / 2 - 1, n / 2 + 1, n]) {
        const out = new Float64Array(m).fill(-1)
        await expectBoth(() => distancesFromOrigin(x, { out }), () => distancesFromOriginAsync(x, { out }), valueError('options.out', n / 2, m))
        expect(out.every((v) => v === -1)).toBe(true)
      }
    }
  })

  it.each(SIZES)('out overlapping x (same buffer) is a RangeError naming "options.out" (n = %i)', async (n) => {
    for (const Type of [Float64Array, Float32Array]) {
      const whole = new Type(2 * n).fill(1)
      const x = whole.subarray(0, n)
      const overlapping = [
        ['x itself', x],
        ['the same memory through a new view', new Type(whole.buffer, 0, n)],
        ['shifted by one element', whole.subarray(1, n + 1)],
        ['ending one element into x', new Type(whole.buffer, whole.byteOffset + (n - 1) * Type.BYTES_PER_ELEMENT, n)],
      ] as const
      for (const [what, out] of overlapping) {
        const error = await expectRejects(() => scaleAndShiftAsync(x, 2, 1, { out: out as never }), valueError('options.out', 'overlap'))
        expectThrows(() => scaleAndShift(x, 2, 1, { out: out as never }), valueError('options.out', 'overlap'))
        expect(error.message, what).toContain('"x"')
      }
      expect(whole.every((v) => v === 1)).toBe(true)
      // A shared buffer too.
      const shared = sharedArray(Type, 2 * n)
      await expectBoth(
        () => scaleAndShift(shared.subarray(0, n), 2, 1, { out: shared.subarray(n - 1, 2 * n - 1) as never }),
        () => scaleAndShiftAsync(shared.subarray(0, n), 2, 1, { out: shared.subarray(n - 1, 2 * n - 1) as never }),
        valueError('options.out', 'overlap'),
      )
    }
    // distancesFromOrigin: out over the points' memory (a Float64Array view of the same buffer).
    const points = new Float64Array(n).fill(3)
    for (const out of [points.subarray(0, n / 2), points.subarray(n / 2), new Float64Array(points.buffer, 8, n / 2)]) {
      await expectBoth(() => distancesFromOrigin(points, { out }), () => distancesFromOriginAsync(points, { out }), valueError('options.out', 'overlap'))
    }
    expect(points.every((v) => v === 3)).toBe(true)
    // f32 points with a Float64Array out over the same bytes.
    const points32 = new Float32Array(n).fill(3)
    const out = new Float64Array(points32.buffer, 0, n / 2 / 2)
    await expectBoth(() => distancesFromOrigin(points32.subarray(0, n / 2), { out }), () => distancesFromOriginAsync(points32.subarray(0, n / 2), { out }), valueError('options.out', 'overlap'))
  })
})

describe('regressions', () => {
  // distancesFromOrigin has no "x" argument, but its overlap error says `must be memory that does
  // not overlap "x"`: src/vector/index.ts outputFor() passes the name 'x' to assertNoOverlap for every
  // caller. The message should name "points".
  it('distancesFromOrigin: the overlap error names "points", the argument out overlaps', () => {
    const points = new Float64Array(8)
    expectThrows(() => distancesFromOrigin(points, { out: points.subarray(0, 4) }), valueError('options.out', 'overlap', '"points"'))
  })
})

describe('regressions: typed arrays with a swapped prototype', () => {
  // vector() in src/vector/index.ts accepts `value instanceof Float64Array && ArrayBuffer.isView(value)`
  // without checking the internal type, so an Int32Array whose prototype was set to
  // Float64Array.prototype passes. Up to 16 elements the TS path then sums its int32 values;
  // above, the native call rejects it (ERR_INVALID_ARG_TYPE, without the "Received" part).
  // util.types.isFloat64Array (which the facade also uses) says what it really is.
  it('an Int32Array disguised as a Float64Array is an ERR_INVALID_ARG_TYPE at every size', () => {
    for (const n of [2, 100]) {
      const disguised = new Int32Array(n).fill(7)
      Object.setPrototypeOf(disguised, Float64Array.prototype)
      expectThrows(() => sum(loose(disguised)), typeError('x', 'Int32Array'))
    }
  })
})

describe('async twins reject, never throw', () => {
  it('every async function returns a rejected promise for every bad argument kind', async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['sumAsync()', () => loose<AsyncCall>(sumAsync)()],
      ['normAsync(x, 1)', () => normAsync(new Float64Array(2), loose(1))],
      ['sumSquaresAsync(proxy)', () => sumSquaresAsync(loose(new Proxy(new Float32Array(2), {})))],
      ['dotAsync(x)', () => loose<AsyncCall>(dotAsync)(new Float64Array(2))],
      ['sqEuclideanAsync(x, short)', () => sqEuclideanAsync(new Float64Array(2), new Float64Array(1))],
      ['scaleAsync(x)', () => loose<AsyncCall>(scaleAsync)(new Float64Array(2))],
      ['scaleAndShiftAsync(x, 1)', () => loose<AsyncCall>(scaleAndShiftAsync)(new Float64Array(2), 1)],
      ['distancesFromOriginAsync(odd)', () => distancesFromOriginAsync(new Float64Array(3))],
    ]
    for (const [what, call] of calls) {
      let promise: Promise<unknown> | undefined
      expect(() => {
        promise = call()
      }, what).not.toThrow()
      expect(promise, what).toBeInstanceOf(Promise)
      const error = await promise!.then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      )
      expect(error, what).toBeInstanceOf(Error)
      expect(['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE'], what).toContain(error!.code)
    }
  })
})
