/**
 * Argument checks for the image kernels: images (hotpath's `{ data, width, height, channels }` or
 * sharp's raw `{ data, info }`), kernels, options. Each throws the typed errors of `errors.ts`,
 * naming the argument, what was expected and what was received.
 */
import { progressOption, type ProgressOptions, type ProgressWatch } from '../core/progress.js'
import { invalidType, invalidValue, outOfRange, shownValue } from '../core/errors.js'
import { bufferOf, byteOffsetOf } from '../core/intrinsics.js'
import { gaussianWeights, type BorderMode, type ImageSamples, type RoundingMode } from './reference.js'
import { abortSignal, assertAttached, attachedLength, integerInRange, lengthOf, optionsObject, typedArrayTag } from '../core/validate.js'

export type { BorderMode, ImageSamples, RoundingMode } from './reference.js'

/** An interleaved image: `data[(y * width + x) * channels + c]` is channel `c` of pixel (x, y). */
export interface Image<T extends ImageSamples = ImageSamples> {
  data: T
  width: number
  height: number
  /** 1 to 4 (gray, gray + alpha, RGB, RGBA). */
  channels: number
}

/** sharp's raw output (`.raw().toBuffer({ resolveWithObject: true })`), accepted as is. */
export interface SharpRawImage<T extends ImageSamples = ImageSamples> {
  data: T
  info: { width: number; height: number; channels: number }
}

export type ImageInput<T extends ImageSamples = ImageSamples> = Image<T> | SharpRawImage<T>

/** Weights as hotpath accepts them; they are used as float32. */
export type KernelWeights = Float32Array | Float64Array | readonly number[]

/** A 2D kernel: `data[j * width + i]` weighs the sample `i - (width-1)/2` across and `j - (height-1)/2` down. */
export interface Kernel {
  /** Odd, 1 to 63. */
  width: number
  /** Odd, 1 to 63. */
  height: number
  data: KernelWeights
}

/** A separable kernel: `x` across, `y` down (odd lengths, 1 to 63), equal to the 2D kernel y[j]·x[i]. */
export interface SeparableKernel {
  x: KernelWeights
  y: KernelWeights
}

/** A Gaussian: weights exp(-i² / (2σ²)) for i in -radius..radius, normalized to sum 1. */
export interface GaussianKernel {
  /** Standard deviation in pixels, > 0. */
  sigma: number
  /** Taps either side, 0 to 31. Default ceil(3σ). */
  radius?: number
}

/** Any filter, for the batch and streaming APIs. */
export type FilterKernel = Kernel | SeparableKernel | GaussianKernel

export interface ConvolveOptions<T extends ImageSamples = ImageSamples> {
  /** What taps outside the image read. Default `'renormalize'`; see the README. */
  border?: BorderMode
  /** For integer images: `'round'` (nearest, ties to even; the default) or `'truncate'`. Both saturate. */
  rounding?: RoundingMode
  /** Which channels to filter (e.g. `[0, 1, 2]` to leave alpha alone); others are copied. Default all. */
  channels?: readonly number[]
  /** An image to write into: same width, height, channels and sample type, not sharing memory with the input. */
  out?: ImageInput<T>
}

export interface ConvolveAsyncOptions<T extends ImageSamples = ImageSamples> extends ConvolveOptions<T>, ProgressOptions {
  /** Aborts the call before it starts or while it runs; the promise rejects with an AbortError. */
  signal?: AbortSignal
}

export type SampleTag = 'Uint8Array' | 'Uint8ClampedArray' | 'Uint16Array' | 'Float32Array'

/** A validated image. */
export interface CheckedImage {
  data: ImageSamples
  tag: SampleTag
  width: number
  height: number
  channels: number
  samples: number
}

/** A validated filter, weights rounded to float32. */
export type CheckedFilter =
  | { separable: false; weights: Float32Array; width: number; height: number }
  | { separable: true; x: Float32Array; y: Float32Array }

/** Validated options shared by every entry point. */
export interface CheckedOptions {
  border: BorderMode
  rounding: RoundingMode
  channels: readonly number[] | undefined
  signal: AbortSignal | undefined
  /** Progress in image rows filtered (of every image of the call). */
  progress: ProgressWatch | undefined
}

export const MAX_KERNEL_SIZE = 63
const MAX_RADIUS = (MAX_KERNEL_SIZE - 1) / 2

const SAMPLE_TAGS: ReadonlySet<string> = new Set(['Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Float32Array'])

const CONSTRUCTORS = {
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Float32Array,
} as const

/** A fresh, plain typed array of `tag`'s type. */
export function allocate(tag: SampleTag, length: number): ImageSamples {
  return new CONSTRUCTORS[tag](length)
}

/** A private copy of `data` (a Buffer comes back as a plain Uint8Array). */
export function copyOf(data: ImageSamples, tag: SampleTag): ImageSamples {
  const copy = allocate(tag, lengthOf(data))
  copy.set(data)
  return copy
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object'
}

/** Checks an image argument: either shape, sample type, sizes, and that `data` holds exactly width x height x channels samples. */
export function checkImage(value: unknown, name = 'image'): CheckedImage {
  if (!isObject(value)) throw invalidType(name, 'an image object { data, width, height, channels } or sharp raw output { data, info }', value)
  // sharp's `{ data, info }`: the sizes live in `info`.
  const sharp = value.width === undefined && isObject(value.info)
  const dims = sharp ? (value.info as Record<string, unknown>) : value
  const dimsName = sharp ? `${name}.info` : name
  const data = value.data
  const tag = typedArrayTag(data)
  if (tag === undefined || !SAMPLE_TAGS.has(tag)) {
    throw invalidType(`${name}.data`, 'an instance of Uint8Array, Uint8ClampedArray, Uint16Array or Float32Array (a Buffer counts as a Uint8Array)', data)
  }
  const width = integerInRange(dims.width, `${dimsName}.width`, 1)
  const height = integerInRange(dims.height, `${dimsName}.height`, 1)
  const channels = integerInRange(dims.channels, `${dimsName}.channels`, 1, 4)
  const samples = width * height * channels
  if (samples > Number.MAX_SAFE_INTEGER) {
    throw invalidValue(dimsName, 'a width x height x channels that fits in memory', `${width} x ${height} x ${channels}`)
  }
  const length = lengthOf(data as ImageSamples)
  if (length !== samples) {
    assertAttached(data as ImageSamples, `${name}.data`)
    throw invalidValue(`${name}.data`, `width x height x channels = ${width} x ${height} x ${channels} = ${samples} samples`, `length ${length}`)
  }
  return { data: data as ImageSamples, tag: tag as SampleTag, width, height, channels, samples }
}

/**
 * Throws if `image.data` lost its memory while later arguments were read: a getter or proxy among
 * them can detach or shrink it after `checkImage` saw it whole.
 */
export function assertStillWhole(image: CheckedImage, name: string): void {
  if (lengthOf(image.data) === image.samples) return
  assertAttached(image.data, `${name}.data`)
  throw invalidValue(`${name}.data`, `to keep its ${image.samples} samples while the call reads its arguments`, `length ${lengthOf(image.data)}`)
}

/** Weights as float32, each finite before and after rounding to float32. */
function weights(value: unknown, name: string): Float32Array {
  let source: ArrayLike<unknown>
  const tag = typedArrayTag(value)
  if (tag === 'Float32Array' || tag === 'Float64Array' || Array.isArray(value)) source = value as ArrayLike<unknown>
  else throw invalidType(name, 'an instance of Float32Array, Float64Array or Array', value)
  const n = tag ? attachedLength(value as Float32Array, name) : source.length
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const w = source[i]
    if (typeof w !== 'number') throw invalidType(`${name}[${i}]`, 'of type number', w)
    out[i] = w
    if (!Number.isFinite(out[i])) throw invalidValue(name, 'finite numbers (within float32 range)', `${name}[${i}] = ${w}`)
  }
  return out
}

function side(value: unknown, name: string): number {
  const n = integerInRange(value, name, 1, MAX_KERNEL_SIZE)
  if (n % 2 === 0) throw outOfRange(name, `an odd integer from 1 to ${MAX_KERNEL_SIZE}`, n)
  return n
}

/** A 2D kernel `{ width, height, data }`. */
export function checkKernel(value: unknown, name = 'kernel'): CheckedFilter {
  if (!isObject(value)) throw invalidType(name, 'a kernel object { width, height, data }', value)
  const width = side(value.width, `${name}.width`)
  const height = side(value.height, `${name}.height`)
  const data = weights(value.data, `${name}.data`)
  if (data.length !== width * height) {
    throw invalidValue(`${name}.data`, `width x height = ${width} x ${height} = ${width * height} weights`, `length ${data.length}`)
  }
  return { separable: false, weights: data, width, height }
}

/** One axis of a separable kernel: odd length 1 to 63. */
export function checkAxis(value: unknown, name: string): Float32Array {
  const w = weights(value, name)
  if (w.length % 2 === 0 || w.length > MAX_KERNEL_SIZE) {
    throw invalidValue(name, `an odd number of weights from 1 to ${MAX_KERNEL_SIZE}`, `length ${w.length}`)
  }
  return w
}

/** `{ sigma, radius? }` as a separable kernel. */
export function checkGaussian(value: unknown, name = 'gaussian'): CheckedFilter {
  if (!isObject(value)) throw invalidType(name, 'an object { sigma, radius? }', value)
  const sigma = value.sigma
  if (typeof sigma !== 'number') throw invalidType(`${name}.sigma`, 'of type number', sigma)
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw outOfRange(`${name}.sigma`, 'a finite number > 0', sigma)
  let radius: number
  if (value.radius === undefined) {
    radius = Math.ceil(3 * sigma)
    if (radius > MAX_RADIUS) {
      throw outOfRange(`${name}.sigma`, `at most ${MAX_RADIUS / 3} for the default radius ceil(3 * sigma) <= ${MAX_RADIUS}; pass a radius to truncate a wider Gaussian`, sigma)
    }
  } else radius = integerInRange(value.radius, `${name}.radius`, 0, MAX_RADIUS)
  const w = gaussianWeights(sigma, radius)
  return { separable: true, x: w, y: w }
}

/** Any of the three kernel forms, told apart by their properties. */
export function checkFilter(value: unknown, name = 'kernel'): CheckedFilter {
  if (isObject(value)) {
    if ('data' in value) return checkKernel(value, name)
    if ('x' in value || 'y' in value) return { separable: true, x: checkAxis(value.x, `${name}.x`), y: checkAxis(value.y, `${name}.y`) }
    if ('sigma' in value) return checkGaussian(value, name)
  }
  throw invalidType(name, 'a kernel { width, height, data }, a separable kernel { x, y } or a Gaussian { sigma, radius? }', value)
}

const BORDERS: ReadonlySet<string> = new Set(['renormalize', 'clamp', 'mirror', 'zero'])

export function checkOptions(value: unknown, name = 'options'): CheckedOptions & { out: unknown } {
  const options = optionsObject(value as ConvolveAsyncOptions | undefined, name)
  const border = options.border === undefined ? 'renormalize' : options.border
  if (typeof border !== 'string' || !BORDERS.has(border)) {
    throw invalidValue(`${name}.border`, "one of 'renormalize', 'clamp', 'mirror', 'zero'", typeof border === 'string' ? `'${border}'` : shownValue(border))
  }
  const rounding = options.rounding === undefined ? 'round' : options.rounding
  if (rounding !== 'round' && rounding !== 'truncate') {
    throw invalidValue(`${name}.rounding`, "'round' or 'truncate'", typeof rounding === 'string' ? `'${rounding}'` : shownValue(rounding))
  }
  const channels = options.channels
  if (channels !== undefined && !Array.isArray(channels)) throw invalidType(`${name}.channels`, 'an array of channel indices', channels)
  return { border, rounding, channels, signal: abortSignal(options.signal, `${name}.signal`), progress: progressOption(options, name), out: options.out }
}

/** The channel bit mask for an image of `count` channels: every channel when `channels` is omitted. */
export function channelMask(channels: readonly number[] | undefined, count: number, name = 'options.channels'): number {
  if (channels === undefined) return (1 << count) - 1
  let mask = 0
  for (let i = 0; i < channels.length; i++) mask |= 1 << integerInRange(channels[i], `${name}[${i}]`, 0, count - 1)
  return mask
}

function byteRange(data: ImageSamples): [ArrayBufferLike, number, number] {
  const start = byteOffsetOf(data)
  return [bufferOf(data), start, start + lengthOf(data) * data.BYTES_PER_ELEMENT]
}

/** Whether two sample arrays share any byte. */
export function overlaps(a: ImageSamples, b: ImageSamples): boolean {
  const [bufferA, startA, endA] = byteRange(a)
  const [bufferB, startB, endB] = byteRange(b)
  return bufferA === bufferB && startA < endB && startB < endA
}

/** `options.out` checked against the input: same shape and sample type, no shared memory. */
export function checkOut(value: unknown, image: CheckedImage, name = 'options.out'): CheckedImage {
  const out = checkImage(value, name)
  if (out.tag !== image.tag) throw invalidType(`${name}.data`, `an instance of ${image.tag}, like the image's data`, out.data)
  if (out.width !== image.width || out.height !== image.height || out.channels !== image.channels) {
    throw invalidValue(name, `an image of the input's shape ${image.width} x ${image.height} x ${image.channels}`, `${out.width} x ${out.height} x ${out.channels}`)
  }
  if (overlaps(out.data, image.data)) throw invalidValue(`${name}.data`, 'memory that does not overlap the image data', 'a view sharing bytes with it')
  return out
}
