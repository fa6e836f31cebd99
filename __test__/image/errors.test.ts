/**
 * Argument errors of the image kernels (issue 3, item 5): typed errors with stable codes whose
 * messages name the argument; sync functions throw, async twins return a rejected promise and
 * never throw; a rejected call leaves `out` untouched. Also: what is valid near the limits
 * (kernels larger than the image under every border mode, sigma at the default-radius limit).
 */
import { describe, expect, it } from 'vitest'
import {
  InvalidArgTypeError,
  InvalidArgValueError,
  OutOfRangeError,
  convolve,
  convolveAsync,
  convolveBatch,
  convolveBatchAsync,
  convolveSeparable,
  convolveSeparableAsync,
  gaussianBlur,
  gaussianBlurAsync,
  type Image,
  type Kernel,
} from '../../src/index.js'
import { INVALID_TYPE, INVALID_VALUE, OUT_OF_RANGE, expectRejects, expectThrows, type ErrorShape } from '../helpers/errors.js'
import { BORDERS, expectSameImage, makeImage, makeKernel, oracle } from '../helpers/image.js'

/** Lets tests pass values the types forbid, as JavaScript callers can. */
function loose<T>(value: unknown): T {
  return value as T
}

const CLASSES = {
  ERR_INVALID_ARG_TYPE: InvalidArgTypeError,
  ERR_INVALID_ARG_VALUE: InvalidArgValueError,
  ERR_OUT_OF_RANGE: OutOfRangeError,
} as const

/** `syncCall` throws and `asyncCall` rejects (without throwing) with an error of `shape`, of the same class. */
async function expectBoth(syncCall: () => unknown, asyncCall: () => Promise<unknown>, shape: ErrorShape): Promise<void> {
  const error = expectThrows(syncCall, shape)
  expect(error).toBeInstanceOf(CLASSES[(error as Error & { code: keyof typeof CLASSES }).code])
  const rejection = await expectRejects(asyncCall, shape)
  expect(rejection.constructor).toBe(error.constructor)
  expect(rejection.message).toBe(error.message)
}

function typeError(name: string, ...includes: (string | number)[]): ErrorShape {
  return { ...INVALID_TYPE, includes: [`"${name}"`, ...includes] }
}
function valueError(name: string, ...includes: (string | number)[]): ErrorShape {
  return { ...INVALID_VALUE, includes: [`"${name}"`, ...includes] }
}
function rangeError(name: string, ...includes: (string | number)[]): ErrorShape {
  return { ...OUT_OF_RANGE, includes: [`"${name}"`, ...includes] }
}

const good = makeImage('u8', 6, 5, 3, 1)
const kernel = makeKernel(3, 3, 1, 'positive')
// Large enough for the native path and the async worker path: validation must come first there too.
const big = makeImage('f32', 300, 200, 1, 2)

/**
 * An image argument error on every entry point: the four single-image calls (sync and async)
 * name it `image…`, the batch calls `images[1]…` (after a good image).
 */
async function expectImageError(image: unknown, shape: (root: string) => ErrorShape): Promise<void> {
  const img = loose<Image>(image)
  await expectBoth(() => convolve(img, kernel), () => convolveAsync(img, kernel), shape('image'))
  await expectBoth(() => convolveSeparable(img, [1, 2, 1], [1]), () => convolveSeparableAsync(img, [1, 2, 1], [1]), shape('image'))
  await expectBoth(() => gaussianBlur(img, { sigma: 1 }), () => gaussianBlurAsync(img, { sigma: 1 }), shape('image'))
  await expectBoth(() => convolveBatch([good, img], kernel), () => convolveBatchAsync([good, img], kernel), shape('images[1]'))
}

/** An options error on every entry point, for a small and a large image. */
async function expectOptionsError(options: unknown, shape: ErrorShape, batch = true): Promise<void> {
  for (const image of [good, big]) {
    const opts = loose<object>(options)
    await expectBoth(() => convolve(image, kernel, opts), () => convolveAsync(image, kernel, opts), shape)
    await expectBoth(() => convolveSeparable(image, [1, 2, 1], [1], opts), () => convolveSeparableAsync(image, [1, 2, 1], [1], opts), shape)
    await expectBoth(() => gaussianBlur(image, { sigma: 1 }, opts), () => gaussianBlurAsync(image, { sigma: 1 }, opts), shape)
    if (batch) await expectBoth(() => convolveBatch([image], kernel, opts), () => convolveBatchAsync([image], kernel, opts), shape)
  }
}

/** A 2D kernel error, on convolve and on the batch calls. */
async function expectKernelError(k: unknown, shape: ErrorShape): Promise<void> {
  for (const image of [good, big]) {
    await expectBoth(() => convolve(image, loose(k)), () => convolveAsync(image, loose(k)), shape)
    await expectBoth(() => convolveBatch([image], loose(k)), () => convolveBatchAsync([image], loose(k)), shape)
  }
}

describe('image: data and sizes', () => {
  it('data length not equal to width x height x channels is a RangeError naming "<image>.data", with both counts', async () => {
    for (const length of [0, 89, 91, 180]) {
      await expectImageError({ data: new Uint8Array(length), width: 6, height: 5, channels: 3 }, (root) => valueError(`${root}.data`, '6 x 5 x 3 = 90', `length ${length}`))
    }
    // sharp's form: the sizes come from info.
    await expectImageError({ data: new Uint16Array(10), info: { width: 3, height: 3, channels: 1 } }, (root) => valueError(`${root}.data`, '3 x 3 x 1 = 9', 'length 10'))
    // A view of the right length into a longer buffer is fine.
    const whole = new Uint8Array(100)
    expect(convolve({ data: whole.subarray(10), width: 10, height: 9, channels: 1 }, kernel).data).toHaveLength(90)
  })

  it('zero, negative and non-integer sizes are out of range, naming the size', async () => {
    for (const bad of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectImageError({ data: new Uint8Array(6), width: bad, height: 2, channels: 3 }, (root) => rangeError(`${root}.width`, String(bad)))
      await expectImageError({ data: new Uint8Array(6), width: 2, height: bad, channels: 3 }, (root) => rangeError(`${root}.height`))
      await expectImageError({ data: new Uint8Array(6), info: { width: 2, height: bad, channels: 3 } }, (root) => rangeError(`${root}.info.height`))
    }
    for (const bad of ['2', undefined, null, 2n]) {
      await expectImageError({ data: new Uint8Array(6), width: bad, height: 1, channels: 1 }, (root) => typeError(`${root}.width`))
    }
  })

  it('channels outside 1..4 are out of range, naming "<image>.channels"', async () => {
    for (const channels of [0, 5, -1, 1.5]) {
      await expectImageError({ data: new Uint8Array(4 * Math.max(1, Math.ceil(channels))), width: 2, height: 2, channels }, (root) => rangeError(`${root}.channels`, 'an integer >= 1 and <= 4'))
    }
    await expectImageError({ data: new Uint8Array(4), info: { width: 2, height: 2, channels: 5 } }, (root) => rangeError(`${root}.info.channels`))
  })

  it('width x height x channels overflowing is a RangeError naming the image and the sizes', async () => {
    await expectImageError({ data: new Uint8Array(4), width: 2 ** 30, height: 2 ** 30, channels: 4 }, (root) => valueError(root, `${2 ** 30} x ${2 ** 30} x 4`))
    await expectImageError({ data: new Float32Array(4), width: 2 ** 53 - 1, height: 2, channels: 1 }, (root) => valueError(root, 'fits in memory'))
    // Large but not overflowing: a plain length mismatch.
    await expectImageError({ data: new Uint8Array(4), width: 2 ** 20, height: 2 ** 20, channels: 4 }, (root) => valueError(`${root}.data`, `length 4`))
  })

  it('unsupported sample types are TypeErrors naming "<image>.data" and the type received', async () => {
    const bad: [unknown, string][] = [
      [new Int16Array(90), 'Int16Array'],
      [new Float64Array(90), 'Float64Array'],
      [new Int8Array(90), 'Int8Array'],
      [new Uint32Array(90), 'Uint32Array'],
      [Array.from({ length: 90 }, () => 0), 'Array'],
      [new DataView(new ArrayBuffer(90)), 'DataView'],
      [new ArrayBuffer(90), 'ArrayBuffer'],
      [undefined, 'undefined'],
      ['pixels', 'string'],
    ]
    for (const [data, received] of bad) {
      await expectImageError({ data, width: 6, height: 5, channels: 3 }, (root) => typeError(`${root}.data`, 'Uint8Array, Uint8ClampedArray, Uint16Array or Float32Array', received))
    }
  })

  it('a non-object image is a TypeError naming it', async () => {
    for (const bad of [null, undefined, 42, 'image', new Uint8Array(4)]) {
      await expectImageError(bad, (root) => (bad instanceof Uint8Array ? typeError(`${root}.data`) : typeError(root)))
    }
    await expectBoth(() => convolveBatch(loose(good), kernel), () => convolveBatchAsync(loose(good), kernel), typeError('images', 'an array'))
  })
})

describe('kernels', () => {
  it('even, zero, non-integer or oversize (65) kernel sizes are out of range, naming the side', async () => {
    for (const side of [0, 2, 4, 62, 64, 65, 127, 3.5, -3]) {
      // Even sizes within 1..63 say "odd"; the others give the range.
      const expected = side % 2 === 0 && side > 0 && side < 64 ? 'an odd integer from 1 to 63' : '<= 63'
      await expectKernelError({ width: side, height: 3, data: new Float32Array(Math.max(0, Math.floor(side)) * 3) }, rangeError('kernel.width', expected, `Received ${side}`))
      await expectKernelError({ width: 3, height: side, data: new Float32Array(Math.max(0, Math.floor(side)) * 3) }, rangeError('kernel.height', expected))
    }
    await expectKernelError({ width: '3', height: 3, data: new Float32Array(9) }, typeError('kernel.width'))
    // Separable axes: odd lengths from 1 to 63.
    for (const length of [0, 2, 64, 65]) {
      const w = new Float32Array(length).fill(1)
      for (const image of [good, big]) {
        await expectBoth(() => convolveSeparable(image, w, [1]), () => convolveSeparableAsync(image, w, [1]), valueError('kx', 'an odd number of weights from 1 to 63', `length ${length}`))
        await expectBoth(() => convolveSeparable(image, [1], w), () => convolveSeparableAsync(image, [1], w), valueError('ky', `length ${length}`))
        await expectBoth(() => convolveBatch([image], { x: w, y: [1] }), () => convolveBatchAsync([image], { x: w, y: [1] }), valueError('kernel.x', `length ${length}`))
      }
    }
  })

  it('kernel data length not width x height is a RangeError naming "kernel.data"', async () => {
    for (const length of [0, 8, 10, 81]) {
      await expectKernelError({ width: 3, height: 3, data: new Float64Array(length) }, valueError('kernel.data', '3 x 3 = 9', `length ${length}`))
    }
    await expectKernelError({ width: 5, height: 1, data: [1, 2, 3] }, valueError('kernel.data', '5 x 1 = 5', 'length 3'))
  })

  it('NaN or Infinity in the kernel, or a weight overflowing float32, is a RangeError naming the weight', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e39, -4e38]) {
      for (const make of [(d: number[]) => d, (d: number[]) => Float64Array.from(d)]) {
        const data = [1, 1, 1, 1, 1, 1, 1, 1, 1]
        data[4] = bad
        await expectKernelError({ width: 3, height: 3, data: make(data) }, valueError('kernel.data', 'finite', `kernel.data[4] = ${bad}`))
        const axis = make([1, bad, 1])
        await expectBoth(() => convolveSeparable(good, axis, [1]), () => convolveSeparableAsync(good, axis, [1]), valueError('kx', `kx[1] = ${bad}`))
        await expectBoth(() => convolveSeparable(big, [1], axis), () => convolveSeparableAsync(big, [1], axis), valueError('ky', `ky[1] = ${bad}`))
        await expectBoth(() => convolveBatch([good], { x: [1], y: axis }), () => convolveBatchAsync([good], { x: [1], y: axis }), valueError('kernel.y'))
      }
    }
    // Float32Array weights can hold NaN and Infinity too.
    await expectKernelError({ width: 1, height: 3, data: Float32Array.of(1, Number.NaN, 1) }, valueError('kernel.data', 'kernel.data[1] = NaN'))
    // Largest float32 is fine; 3.5e38 rounds to Infinity in float32.
    expect(() => convolve(good, { width: 1, height: 1, data: [3.4e38] })).not.toThrow()
    await expectKernelError({ width: 1, height: 1, data: [3.5e38] }, valueError('kernel.data'))
  })

  it('unsupported weight containers and non-number weights are TypeErrors', async () => {
    for (const data of [new Int32Array(9), new Uint8Array(9), 'weights', undefined, { length: 9 }]) {
      await expectKernelError({ width: 3, height: 3, data }, typeError('kernel.data', 'Float32Array, Float64Array or Array'))
    }
    await expectKernelError({ width: 1, height: 3, data: [1, '2', 1] }, typeError('kernel.data[1]', 'of type number'))
    await expectBoth(() => convolveSeparable(good, loose(new Int16Array(3)), [1]), () => convolveSeparableAsync(good, loose(new Int16Array(3)), [1]), typeError('kx'))
    for (const k of [null, 3]) await expectKernelError(k, typeError('kernel'))
    // An array is an object without the kernel's properties: "kernel.width" (convolve) or "kernel" (batch).
    await expectKernelError([1, 2, 1], { ...INVALID_TYPE, includes: ['"kernel'] })
    // The batch and stream APIs tell the three forms apart by their properties.
    await expectBoth(() => convolveBatch([good], loose({ radius: 2 })), () => convolveBatchAsync([good], loose({ radius: 2 })), typeError('kernel', '{ sigma, radius? }'))
  })

  it('Gaussian: sigma <= 0, NaN, Infinity or too large for the default radius; radius outside 0..31', async () => {
    const gauss = (g: unknown) => [() => gaussianBlur(good, loose(g)), () => gaussianBlurAsync(big, loose(g))] as const
    for (const sigma of [0, -1, -0, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectBoth(...gauss({ sigma }), rangeError('gaussian.sigma', 'a finite number > 0'))
      await expectBoth(() => convolveBatch([good], { sigma }), () => convolveBatchAsync([good], { sigma }), rangeError('kernel.sigma'))
    }
    await expectBoth(...gauss({ sigma: '1' }), typeError('gaussian.sigma'))
    await expectBoth(...gauss({}), typeError('gaussian.sigma'))
    await expectBoth(...gauss(null), typeError('gaussian'))
    // Default radius ceil(3 sigma) must be <= 31: sigma 10.4 gives 32.
    for (const sigma of [10.4, 11, 1e6]) await expectBoth(...gauss({ sigma }), rangeError('gaussian.sigma', 'pass a radius'))
    expect(gaussianBlur(good, { sigma: 31 / 3 }).data).toHaveLength(90)
    expect(gaussianBlur(good, { sigma: 50, radius: 31 }).data).toHaveLength(90)
    for (const radius of [32, -1, 1.5, Number.NaN]) await expectBoth(...gauss({ sigma: 1, radius }), rangeError('gaussian.radius', 'an integer >= 0 and <= 31'))
    await expectBoth(...gauss({ sigma: 1, radius: '3' }), typeError('gaussian.radius'))
  })

  it('a kernel larger than the image is valid under every border mode', () => {
    for (const [w, h] of [
      [1, 1],
      [3, 2],
      [2, 5],
    ]) {
      for (const type of ['u8', 'u16', 'f32'] as const) {
        const image = makeImage(type, w, h, 2, w + h)
        const k: Kernel = makeKernel(63, 63, 3, 'signed')
        for (const border of BORDERS) {
          expectSameImage(convolve(image, k, { border }), oracle(image, k, { border }), `${type} ${w}x${h} ${border}`)
          expectSameImage(convolveSeparable(image, k.data.slice(0, 63) as Float32Array, k.data.slice(63, 126) as Float32Array, { border }), oracle(image, { x: k.data.slice(0, 63) as Float32Array, y: k.data.slice(63, 126) as Float32Array }, { border }), `${type} ${w}x${h} ${border} separable`)
          expect(gaussianBlur(image, { sigma: 10 }, { border }).data).toHaveLength(w * h * 2)
        }
      }
    }
  })
})

describe('options', () => {
  it('options that are not an object are a TypeError naming "options"', async () => {
    for (const bad of [null, 5, 'clamp', true, [], () => ({})]) await expectOptionsError(bad, typeError('options'))
  })

  it('unknown border and rounding modes are RangeErrors naming the option and the value', async () => {
    for (const border of ['wrap', 'Clamp', '', 'reflect']) await expectOptionsError({ border }, valueError('options.border', "'renormalize', 'clamp', 'mirror', 'zero'", `'${border}'`))
    await expectOptionsError({ border: 3 }, valueError('options.border', 'Received 3'))
    for (const rounding of ['floor', 'nearest', 'ROUND']) await expectOptionsError({ rounding }, valueError('options.rounding', "'round' or 'truncate'", `'${rounding}'`))
    await expectOptionsError({ rounding: 1 }, valueError('options.rounding'))
    // null is a value, not "use the default" (Node core treats it the same way).
    await expectOptionsError({ border: null }, valueError('options.border', 'Received null'))
    await expectOptionsError({ rounding: null }, valueError('options.rounding', 'Received null'))
  })

  it('channel indices outside 0..channels-1 are out of range, naming the index', async () => {
    // `good` and `big` have 3 and 1 channels.
    await expectOptionsError({ channels: [0, 3] }, rangeError('options.channels[1]'))
    await expectOptionsError({ channels: [-1] }, rangeError('options.channels[0]', '>= 0'))
    await expectOptionsError({ channels: [0.5] }, rangeError('options.channels[0]'))
    await expectOptionsError({ channels: ['0'] }, typeError('options.channels[0]'))
    await expectOptionsError({ channels: 0 }, typeError('options.channels', 'an array'))
    await expectOptionsError({ channels: new Uint8Array(1) }, typeError('options.channels'))
    // In range for the 3-channel image, not for the 1-channel one.
    await expectBoth(() => convolve(big, kernel, { channels: [2] }), () => convolveAsync(big, kernel, { channels: [2] }), rangeError('options.channels[0]', '<= 0'))
    expect(convolve(good, kernel, { channels: [2] }).data).toHaveLength(90)
  })

  it('a signal that is not an AbortSignal is a TypeError naming "options.signal"', async () => {
    for (const signal of [{}, 'abort', new AbortController()]) {
      await expectRejects(() => convolveAsync(big, kernel, loose({ signal })), typeError('options.signal', 'AbortSignal'))
      await expectRejects(() => convolveBatchAsync([big], kernel, loose({ signal })), typeError('options.signal'))
    }
  })
})

describe('options.out', () => {
  function outOf(image: Image, patch: Partial<Image> = {}): Image {
    return { ...image, data: image.data.slice().fill(9), ...patch }
  }

  /** Every single-image entry point, sync and async, with `out`; `out` must stay untouched. */
  async function expectOutError(image: Image, out: unknown, shape: ErrorShape): Promise<void> {
    const before = (out as Image | undefined)?.data?.slice()
    const opts = { out: loose<Image>(out) }
    await expectBoth(() => convolve(image, kernel, opts), () => convolveAsync(image, kernel, opts), shape)
    await expectBoth(() => convolveSeparable(image, [1, 2, 1], [1, 1, 1], opts), () => convolveSeparableAsync(image, [1, 2, 1], [1, 1, 1], opts), shape)
    await expectBoth(() => gaussianBlur(image, { sigma: 1 }, opts), () => gaussianBlurAsync(image, { sigma: 1 }, opts), shape)
    if (before) expect(before.every((v, i) => Object.is(v, (out as Image).data[i])), 'out untouched').toBe(true)
  }

  it('the wrong shape is a RangeError naming "options.out" and both shapes', async () => {
    for (const image of [good, big]) {
      const shape = `${image.width} x ${image.height} x ${image.channels}`
      await expectOutError(image, { ...outOf(image), width: image.height, height: image.width }, valueError('options.out', shape, `${image.height} x ${image.width}`))
      if (image.channels === 3) await expectOutError(image, { ...outOf(image), width: image.width * 3, channels: 1 }, valueError('options.out', shape))
      await expectOutError(image, { ...outOf(image), data: image.data.slice(1) }, valueError('options.out.data'))
    }
  })

  it('the wrong sample type is a TypeError naming "options.out.data" and the type expected', async () => {
    await expectOutError(good, { ...good, data: new Uint8ClampedArray(90) }, typeError('options.out.data', 'Uint8Array'))
    await expectOutError(good, { ...good, data: new Uint16Array(90) }, typeError('options.out.data', 'Uint8Array'))
    await expectOutError(big, { ...big, data: new Uint8Array(big.data.length) }, typeError('options.out.data', 'Float32Array'))
    await expectOutError(big, { ...big, data: new Float64Array(big.data.length) }, typeError('options.out.data'))
    await expectOutError(good, 'out', typeError('options.out'))
  })

  it('aliasing the input (the same array, or an overlapping view) is a RangeError naming "options.out.data"', async () => {
    for (const image of [good, big]) {
      await expectOutError(image, image, valueError('options.out.data', 'not overlap'))
      // Two overlapping views of one buffer.
      const n = image.data.length
      const Ctor = image.data.constructor as new (length: number) => Uint8Array | Float32Array
      const whole = new Ctor(n + 1)
      whole.set(image.data)
      const input = { ...image, data: whole.subarray(0, n) }
      await expectOutError(input, { ...image, data: whole.subarray(1, n + 1) }, valueError('options.out.data', 'not overlap'))
      // Adjacent, non-overlapping views of one buffer are fine.
      const two = new Ctor(2 * n)
      two.set(image.data)
      const a = { ...image, data: two.subarray(0, n) }
      const result = convolve(a, kernel, { out: { ...image, data: two.subarray(n) } })
      expectSameImage(result, convolve(image, kernel), 'adjacent views')
    }
  })

  it('batch channel indices must exist in every image, naming the index and the image without it', async () => {
    // `good` has 3 channels, `big` 1.
    await expectBoth(() => convolveBatch([good, big], kernel, { channels: [2] }), () => convolveBatchAsync([good, big], kernel, { channels: [2] }), rangeError('options.channels[0]', 'images[1] has 1'))
    expect(convolveBatch([good, big], kernel, { channels: [0] })).toHaveLength(2)
  })

  it('the batch calls take no out', async () => {
    await expectBoth(() => convolveBatch([good], kernel, loose({ out: outOf(good) })), () => convolveBatchAsync([good], kernel, loose({ out: outOf(good) })), valueError('options.out', 'omitted'))
  })
})
