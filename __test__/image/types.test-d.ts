/** Type tests of the image API: results follow the input's sample type, options and kernel forms are typed, wrong types do not compile. */
import type { Transform } from 'node:stream'
import { describe, expectTypeOf, it } from 'vitest'
import {
  IMAGE_SMALL_MAX_TAPS,
  convolve,
  convolveAsync,
  convolveBatch,
  convolveBatchAsync,
  convolveEach,
  convolveSeparable,
  convolveSeparableAsync,
  convolveStream,
  gaussianBlur,
  gaussianBlurAsync,
  type BorderMode,
  type ConvolveAsyncOptions,
  type ConvolveOptions,
  type FilterKernel,
  type GaussianKernel,
  type Image,
  type ImageInput,
  type ImageSamples,
  type Kernel,
  type KernelWeights,
  type RoundingMode,
  type SeparableKernel,
  type SharpRawImage,
} from '../../src/index.js'

const u8: Image<Uint8Array> = { data: new Uint8Array(4), width: 2, height: 2, channels: 1 }
const clamped: Image<Uint8ClampedArray> = { data: new Uint8ClampedArray(4), width: 2, height: 2, channels: 1 }
const u16: Image<Uint16Array> = { data: new Uint16Array(4), width: 2, height: 2, channels: 1 }
const f32: Image<Float32Array> = { data: new Float32Array(4), width: 2, height: 2, channels: 1 }
const sharpRaw = { data: Buffer.alloc(4), info: { width: 2, height: 2, channels: 1 } }
const kernel: Kernel = { width: 3, height: 3, data: [0, 1, 0, 1, 1, 1, 0, 1, 0] }

describe('image', () => {
  it('the result has the input sample type', () => {
    expectTypeOf(convolve(u8, kernel)).toEqualTypeOf<Image<Uint8Array>>()
    expectTypeOf(convolve(clamped, kernel)).toEqualTypeOf<Image<Uint8ClampedArray>>()
    expectTypeOf(convolve(u16, kernel)).toEqualTypeOf<Image<Uint16Array>>()
    expectTypeOf(convolve(f32, kernel).data).toEqualTypeOf<Float32Array>()
    expectTypeOf(convolveSeparable(u16, [1, 2, 1], new Float64Array(3))).toEqualTypeOf<Image<Uint16Array>>()
    expectTypeOf(gaussianBlur(f32, { sigma: 1 })).toEqualTypeOf<Image<Float32Array>>()
    expectTypeOf(convolveAsync(u16, kernel)).toEqualTypeOf<Promise<Image<Uint16Array>>>()
    expectTypeOf(convolveSeparableAsync(f32, [1], [1])).toEqualTypeOf<Promise<Image<Float32Array>>>()
    expectTypeOf(gaussianBlurAsync(clamped, { sigma: 2, radius: 3 })).toEqualTypeOf<Promise<Image<Uint8ClampedArray>>>()
    // sharp's raw output: a Buffer is a Uint8Array.
    expectTypeOf(convolve(sharpRaw, kernel).data).toExtend<Uint8Array>()
    expectTypeOf<typeof sharpRaw>().toExtend<SharpRawImage>()
    expectTypeOf(IMAGE_SMALL_MAX_TAPS).toEqualTypeOf<number>()
  })

  it('options: border, rounding, channels, out of the same sample type, signal on async calls', () => {
    expectTypeOf<BorderMode>().toEqualTypeOf<'renormalize' | 'clamp' | 'mirror' | 'zero'>()
    expectTypeOf<RoundingMode>().toEqualTypeOf<'round' | 'truncate'>()
    expectTypeOf(convolve(u16, kernel, { border: 'mirror', rounding: 'truncate', channels: [0], out: u16 })).toEqualTypeOf<Image<Uint16Array>>()
    expectTypeOf(convolve(u8, kernel, { out: sharpRaw })).toEqualTypeOf<Image<Uint8Array>>()
    expectTypeOf<ConvolveAsyncOptions>().toExtend<ConvolveOptions>()
    void convolveAsync(f32, kernel, { signal: AbortSignal.timeout(10), border: 'zero' })
    // @ts-expect-error unknown border mode
    convolve(u8, kernel, { border: 'wrap' })
    // @ts-expect-error unknown rounding mode
    convolve(u8, kernel, { rounding: 'floor' })
    // @ts-expect-error out must have the input's sample type
    convolve(u16, kernel, { out: f32 })
    // @ts-expect-error channels is an array of indices
    convolve(u8, kernel, { channels: 0 })
    // @ts-expect-error sync calls take no signal
    convolve(u8, kernel, { signal: AbortSignal.timeout(10) })
    // @ts-expect-error the signal must be an AbortSignal
    void convolveAsync(u8, kernel, { signal: 'now' })
  })

  it('images and kernels: supported sample types only; kernel weights as Float32Array, Float64Array or number[]', () => {
    expectTypeOf<ImageSamples>().toEqualTypeOf<Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array>()
    expectTypeOf<KernelWeights>().toEqualTypeOf<Float32Array | Float64Array | readonly number[]>()
    expectTypeOf<Image>().toExtend<ImageInput>()
    convolve(u8, { width: 1, height: 1, data: new Float32Array(1) })
    convolve(u8, { width: 1, height: 1, data: new Float64Array(1) })
    // @ts-expect-error Int16Array images are not supported
    convolve({ data: new Int16Array(4), width: 2, height: 2, channels: 1 }, kernel)
    // @ts-expect-error Float64Array images are not supported
    convolve({ data: new Float64Array(4), width: 2, height: 2, channels: 1 }, kernel)
    // @ts-expect-error channels is required
    convolve({ data: new Uint8Array(4), width: 2, height: 2 }, kernel)
    // @ts-expect-error Int32Array weights are not supported
    convolve(u8, { width: 1, height: 1, data: new Int32Array(1) })
    // @ts-expect-error a 2D kernel needs width and height
    convolve(u8, { data: [1] })
    // @ts-expect-error convolve takes a 2D kernel, not a Gaussian
    convolve(u8, { sigma: 1 })
    // @ts-expect-error sigma is required
    gaussianBlur(u8, { radius: 2 })
  })

  it('FilterKernel: a 2D kernel, a separable { x, y } or a Gaussian { sigma, radius? }, for batch and streams', () => {
    expectTypeOf<Kernel>().toExtend<FilterKernel>()
    expectTypeOf<SeparableKernel>().toExtend<FilterKernel>()
    expectTypeOf<GaussianKernel>().toExtend<FilterKernel>()
    expectTypeOf<FilterKernel>().toEqualTypeOf<Kernel | SeparableKernel | GaussianKernel>()
    expectTypeOf(convolveBatch([u8, u16, f32, sharpRaw], kernel)).toEqualTypeOf<Image[]>()
    expectTypeOf(convolveBatch([u8], { x: [1, 2, 1], y: new Float32Array(3) }, { border: 'clamp' })).toEqualTypeOf<Image[]>()
    expectTypeOf(convolveBatchAsync([u8], { sigma: 1 }, { signal: AbortSignal.timeout(1) })).toEqualTypeOf<Promise<Image[]>>()
    expectTypeOf(convolveEach([u8, f32], { sigma: 1 }, { concurrency: 2 })).toEqualTypeOf<AsyncGenerator<Image, void, undefined>>()
    expectTypeOf(convolveStream(kernel, { concurrency: 4, border: 'mirror', rounding: 'round', channels: [0, 1, 2], signal: AbortSignal.timeout(1) })).toExtend<Transform>()
    // @ts-expect-error batch calls take no out
    convolveBatch([u8], kernel, { out: u8 })
    // @ts-expect-error not a kernel form
    convolveBatch([u8], { radius: 1 })
    // @ts-expect-error concurrency is a number
    convolveStream(kernel, { concurrency: '2' })
  })
})
