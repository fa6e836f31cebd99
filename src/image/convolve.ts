/**
 * The image kernels: `convolve`, `convolveSeparable`, `gaussianBlur`, `convolveBatch` and their
 * async twins. Arguments are validated here once; images too small to repay a native call run
 * in the pure-TS reference, which gives the same bits (see `reference.ts`).
 */
import { coded, rethrowCoded } from '../core/guard.js'
import { abortErrorFor, fromNative, invalidType, invalidValue, outOfRange } from '../core/errors.js'
import { native } from '../core/native.js'
import * as reference from './reference.js'
import { nativeTasks } from '../core/semaphore.js'
import { runNativeTask } from '../core/task.js'
import { isDetachable } from '../core/validate.js'
import {
  allocate,
  assertStillWhole,
  channelMask,
  checkAxis,
  checkFilter,
  checkGaussian,
  checkImage,
  checkKernel,
  checkOptions,
  checkOut,
  copyOf,
  type CheckedFilter,
  type CheckedImage,
  type CheckedOptions,
  type ConvolveAsyncOptions,
  type ConvolveOptions,
  type FilterKernel,
  type GaussianKernel,
  type Image,
  type ImageInput,
  type ImageSamples,
  type Kernel,
  type KernelWeights,
} from './input.js'

/**
 * Below this many multiply-adds (samples x taps) an image is filtered in TypeScript: a native
 * call's fixed cost (~6-8 µs with its argument conversion) is more than the work. Measured here:
 * an 8 x 8 gray image with a 3 x 3 kernel (576) took 8.6 µs natively and 9.6 µs in TypeScript,
 * 16 x 16 (2,304) 11 against 41 µs; `hotpath bench --suite image` shows the dispatch rows.
 */
export const IMAGE_SMALL_MAX_TAPS = 512

/** Every channel of any image (bits beyond an image's channel count are ignored). */
const ALL_CHANNELS = 0b1111

/** Async calls on less work than this run inline: a libuv round trip costs more. */
const ASYNC_INLINE_MAX_TAPS = 1 << 16

type NativeFilter = Parameters<NonNullable<typeof native>['imageConvolve']>[3]

function taps(filter: CheckedFilter): number {
  return filter.separable ? filter.x.length + filter.y.length : filter.width * filter.height
}

function nativeFilter(filter: CheckedFilter, options: CheckedOptions, mask: number): NativeFilter {
  const shape = filter.separable
    ? { weights: filter.x, width: filter.x.length, height: filter.y.length, vertical: filter.y }
    : { weights: filter.weights, width: filter.width, height: filter.height }
  return { ...shape, border: options.border, rounding: options.rounding, channelMask: mask }
}

function plan(image: CheckedImage, options: CheckedOptions, mask: number): reference.ConvolvePlan {
  return { width: image.width, height: image.height, channels: image.channels, border: options.border, rounding: options.rounding, channelMask: mask }
}

function referenceRun(image: CheckedImage, out: ImageSamples, filter: CheckedFilter, options: CheckedOptions, mask: number): void {
  const p = plan(image, options, mask)
  if (filter.separable) reference.convolveSeparable(image.data, out, p, filter.x, filter.y)
  else reference.convolve(image.data, out, p, filter.weights, filter.width, filter.height)
}

function shapes(images: readonly CheckedImage[]): Uint32Array {
  const s = new Uint32Array(images.length * 3)
  images.forEach((image, i) => s.set([image.width, image.height, image.channels], i * 3))
  return s
}

function result<T extends ImageSamples>(image: CheckedImage, data: ImageSamples): Image<T> {
  return { data: data as T, width: image.width, height: image.height, channels: image.channels }
}

/** Where one image's result goes: `options.out` or a fresh array. */
function target(image: CheckedImage, out: unknown): ImageSamples {
  return out === undefined ? allocate(image.tag, image.samples) : checkOut(out, image).data
}

/** Filters images into outputs now, on this thread (plus the pool for large work). */
function runSync(images: readonly CheckedImage[], outputs: ImageSamples[], filter: CheckedFilter, options: CheckedOptions, mask: number): void {
  const work = images.reduce((sum, image) => sum + image.samples, 0) * taps(filter)
  if (!native || work < IMAGE_SMALL_MAX_TAPS) {
    images.forEach((image, i) => referenceRun(image, outputs[i], filter, options, mask))
    return
  }
  try {
    native.imageConvolve(
      images.map((image) => image.data),
      outputs,
      shapes(images),
      nativeFilter(filter, options, mask),
    )
  } catch (error) {
    throw fromNative(error)
  }
}

/**
 * Filters images off the JS thread. Inputs JavaScript could detach meanwhile are copied first.
 * Outputs are written in place when they are `fresh` (made by this call, so no caller can touch
 * them before the promise settles); a caller's `out` gets a private array, copied in at the end.
 */
async function runAsync(images: readonly CheckedImage[], outputs: ImageSamples[], filter: CheckedFilter, options: CheckedOptions, mask: number, fresh: boolean): Promise<void> {
  const signal = options.signal
  if (signal?.aborted) throw abortErrorFor(signal)
  const work = images.reduce((sum, image) => sum + image.samples, 0) * taps(filter)
  if (!native || work < ASYNC_INLINE_MAX_TAPS) {
    runSync(images, outputs, filter, options, mask)
    options.progress?.complete(undefined, images.reduce((rows, image) => rows + image.height, 0))
    return
  }
  // Sources are snapshots taken by this call. When the task starts now, the binding copies them
  // (into reused Rust memory, cheaper than a fresh JS array); when it must wait for a slot, they
  // are copied here, since the caller may change them before it starts.
  const startsNow = nativeTasks.idle
  const sources = images.map((image) => (!startsNow && isDetachable(image.data) ? copyOf(image.data, image.tag) : image.data))
  const copySources = startsNow && images.some((image) => isDetachable(image.data))
  const privateOutputs = fresh ? outputs : outputs.map((out, i) => (isDetachable(out) ? allocate(images[i].tag, images[i].samples) : out))
  const binding = native
  await runNativeTask(signal, (token) => binding.imageConvolveAsync(sources, privateOutputs, shapes(images), nativeFilter(filter, options, mask), token, copySources), options.progress)
  privateOutputs.forEach((data, i) => {
    if (data !== outputs[i]) outputs[i].set(data)
  })
}

/** One image: validated arguments, sync. */
function one<T extends ImageSamples>(image: ImageInput<T>, filter: CheckedFilter, optionsValue: unknown): Image<T> {
  const checked = checkImage(image)
  const options = checkOptions(optionsValue)
  const mask = channelMask(options.channels, checked.channels)
  const out = target(checked, options.out)
  assertStillWhole(checked, 'image')
  runSync([checked], [out], filter, options, mask)
  return result(checked, out)
}

/** One image: validated arguments, async (rejects, never throws). */
async function oneAsync<T extends ImageSamples>(image: ImageInput<T>, filter: () => CheckedFilter, optionsValue: unknown): Promise<Image<T>> {
  const checked = checkImage(image)
  const f = filter()
  const options = checkOptions(optionsValue)
  const mask = channelMask(options.channels, checked.channels)
  const out = target(checked, options.out)
  assertStillWhole(checked, 'image')
  await runAsync([checked], [out], f, options, mask, options.out === undefined)
  return result(checked, out)
}

/**
 * 2D correlation of `image` with `kernel` (applied as written, not flipped, like sharp's
 * `convolve`): out(x, y) = Σ_j Σ_i kernel[j][i] · in(x + i - rx, y + j - ry), in float32. The
 * result has the input's sample type and shape. Large images are split across threads.
 *
 * @example
 * ```ts
 * const sharpen = { width: 3, height: 3, data: [0, -1, 0, -1, 5, -1, 0, -1, 0] }
 * const out = convolve({ data, width: 640, height: 480, channels: 3 }, sharpen, { border: 'clamp' })
 * ```
 */
export function convolve<T extends ImageSamples>(image: ImageInput<T>, kernel: Kernel, options?: ConvolveOptions<T>): Image<T> {
  try {
    return one(image, checkKernel(kernel), options)
  } catch (error) {
    throw coded(error)
  }
}

/**
 * Separable correlation: columns combined with `ky` first, then rows with `kx`; equal to the 2D
 * kernel ky[j]·kx[i] up to float32 rounding, at (|kx| + |ky|) instead of |kx|·|ky| taps.
 *
 * @example
 * ```ts
 * const box = [1, 1, 1, 1, 1]
 * const out = convolveSeparable(image, box, box) // renormalized: a 5 x 5 mean
 * ```
 */
export function convolveSeparable<T extends ImageSamples>(image: ImageInput<T>, kx: KernelWeights, ky: KernelWeights, options?: ConvolveOptions<T>): Image<T> {
  try {
    return one(image, { separable: true, x: checkAxis(kx, 'kx'), y: checkAxis(ky, 'ky') }, options)
  } catch (error) {
    throw coded(error)
  }
}

/**
 * Gaussian blur on the separable path: weights exp(-i² / (2σ²)) for i in -radius..radius
 * (default radius ceil(3σ), at most 31), normalized to sum 1.
 *
 * @example
 * ```ts
 * const { data, info } = await sharp('in.png').raw().toBuffer({ resolveWithObject: true })
 * const blurred = gaussianBlur({ data, info }, { sigma: 2 })
 * ```
 */
export function gaussianBlur<T extends ImageSamples>(image: ImageInput<T>, gaussian: GaussianKernel, options?: ConvolveOptions<T>): Image<T> {
  try {
    return one(image, checkGaussian(gaussian), options)
  } catch (error) {
    throw coded(error)
  }
}

/** `convolve` off the JS thread. */
export function convolveAsync<T extends ImageSamples>(image: ImageInput<T>, kernel: Kernel, options?: ConvolveAsyncOptions<T>): Promise<Image<T>> {
  return oneAsync(image, () => checkKernel(kernel), options).catch(rethrowCoded)
}

/** `convolveSeparable` off the JS thread. */
export function convolveSeparableAsync<T extends ImageSamples>(image: ImageInput<T>, kx: KernelWeights, ky: KernelWeights, options?: ConvolveAsyncOptions<T>): Promise<Image<T>> {
  return oneAsync(image, () => ({ separable: true, x: checkAxis(kx, 'kx'), y: checkAxis(ky, 'ky') }), options).catch(rethrowCoded)
}

/** `gaussianBlur` off the JS thread. */
export function gaussianBlurAsync<T extends ImageSamples>(image: ImageInput<T>, gaussian: GaussianKernel, options?: ConvolveAsyncOptions<T>): Promise<Image<T>> {
  return oneAsync(image, () => checkGaussian(gaussian), options).catch(rethrowCoded)
}

/** Options of the batch APIs: as for one image, without `out`. */
export type ConvolveBatchOptions = Omit<ConvolveOptions, 'out'>
export type ConvolveBatchAsyncOptions = Omit<ConvolveAsyncOptions, 'out'>

function batchArguments(images: unknown, kernel: unknown, optionsValue: unknown): [CheckedImage[], CheckedFilter, CheckedOptions, number] {
  if (!Array.isArray(images)) throw invalidType('images', 'an array of images', images)
  // An index loop, not map: a hole is an error (map would skip it and return a holey result), and
  // a huge sparse array fails at its first hole instead of being walked.
  const checked: CheckedImage[] = []
  for (let i = 0; i < images.length; i++) checked.push(checkImage(images[i], `images[${i}]`))
  const filter = checkFilter(kernel)
  const options = checkOptions(optionsValue)
  if (options.out !== undefined) throw invalidValue('options.out', 'omitted in batch calls (each image gets a fresh output)', 'an image')
  // Mask bits beyond an image's channel count are ignored, so one mask serves every image; when
  // channels are named, each image must have them.
  const mask = options.channels === undefined ? ALL_CHANNELS : channelMask(options.channels, 4)
  checked.forEach((image, i) => assertStillWhole(image, `images[${i}]`))
  checked.forEach((image, i) => {
    const missing = options.channels?.findIndex((c) => c >= image.channels) ?? -1
    if (missing >= 0) throw outOfRange(`options.channels[${missing}]`, `a channel every image has (images[${i}] has ${image.channels})`, options.channels![missing])
  })
  return [checked, filter, options, mask]
}

/**
 * Filters many images with one kernel in one call, in parallel across images (and across the
 * rows of large ones). `kernel` is a 2D kernel, a separable `{ x, y }` or a Gaussian
 * `{ sigma, radius? }`. Images may differ in size, channels and sample type.
 *
 * @example
 * ```ts
 * const blurred = convolveBatch(slices, { sigma: 1.5 }) // e.g. 100 Uint16 DICOM slices
 * ```
 */
export function convolveBatch(images: readonly ImageInput[], kernel: FilterKernel, options?: ConvolveBatchOptions): Image[] {
  try {
    const [checked, filter, opts, mask] = batchArguments(images, kernel, options)
    const outputs = checked.map((image) => allocate(image.tag, image.samples))
    runSync(checked, outputs, filter, opts, mask)
    return checked.map((image, i) => result(image, outputs[i]))
  } catch (error) {
    throw coded(error)
  }
}

/** `convolveBatch` off the JS thread. */
export async function convolveBatchAsync(images: readonly ImageInput[], kernel: FilterKernel, options?: ConvolveBatchAsyncOptions): Promise<Image[]> {
  try {
    const [checked, filter, opts, mask] = batchArguments(images, kernel, options)
    const outputs = checked.map((image) => allocate(image.tag, image.samples))
    await runAsync(checked, outputs, filter, opts, mask, true)
    return checked.map((image, i) => result(image, outputs[i]))
  } catch (error) {
    throw coded(error)
  }
}

/** One image with an already checked filter and options, async: the streaming helpers' step. */
export async function filterOneAsync(image: unknown, name: string, filter: CheckedFilter, options: CheckedOptions): Promise<Image> {
  const checked = checkImage(image, name)
  const mask = channelMask(options.channels, checked.channels)
  const out = allocate(checked.tag, checked.samples)
  await runAsync([checked], [out], filter, options, mask, true)
  return result(checked, out)
}
