/**
 * Shared helpers of the image tests: deterministic images and kernels of every sample type, the
 * pure-TS reference (`src/image/reference.ts`) wrapped as an oracle taking the public argument
 * forms, and sample-by-sample bitwise comparison (Object.is: NaN equals NaN, -0 differs from +0).
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import type { BorderMode, FilterKernel, Image, ImageSamples, Kernel, RoundingMode } from '../../src/index.js'
import * as reference from '../../src/image/reference.js'
import { prng } from './data.js'

export type SampleType = 'u8' | 'u8c' | 'u16' | 'f32'
export const SAMPLE_TYPES: readonly SampleType[] = ['u8', 'u8c', 'u16', 'f32']
export const BORDERS: readonly BorderMode[] = ['renormalize', 'clamp', 'mirror', 'zero']
export const ROUNDINGS: readonly RoundingMode[] = ['round', 'truncate']

export const CONSTRUCTORS = {
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
  u16: Uint16Array,
  f32: Float32Array,
} as const

/** A zero-filled sample array of `type`. */
export function samples(type: SampleType, length: number): ImageSamples {
  return new CONSTRUCTORS[type](length)
}

export function typeOf(data: ImageSamples): SampleType {
  if (data instanceof Float32Array) return 'f32'
  if (data instanceof Uint16Array) return 'u16'
  if (data instanceof Uint8ClampedArray) return 'u8c'
  return 'u8'
}

/**
 * How sample values are drawn: `full` spans the type's range (f32: 0..255 like pixels), `low`
 * stays near 0 (saturation at 0 with signed kernels), `high` near the maximum, `wide` (f32:
 * signed values of many magnitudes, subnormals, ±0), `specials` (f32: some NaN, ±Infinity).
 */
export type SampleDist = 'full' | 'low' | 'high' | 'wide' | 'specials'
export const SAMPLE_DISTS: readonly SampleDist[] = ['full', 'low', 'high', 'wide', 'specials']

function drawSample(type: SampleType, dist: SampleDist, r: () => number): number {
  const max = type === 'u16' ? 65535 : 255
  if (type !== 'f32') {
    if (dist === 'low') return Math.floor(r() * 8)
    if (dist === 'high') return max - Math.floor(r() * 8)
    return Math.floor(r() * (max + 1))
  }
  switch (dist) {
    case 'full':
      return r() * 255
    case 'low':
      return r() < 0.3 ? (r() < 0.5 ? 0 : -0) : r()
    case 'high':
      return 1e30 * (1 + r())
    case 'wide': {
      const u = r()
      if (u < 0.05) return (r() < 0.5 ? -1 : 1) * r() * 2 ** -126 // subnormal
      if (u < 0.1) return r() < 0.5 ? 0 : -0
      return (r() < 0.5 ? -1 : 1) * 2 ** Math.floor(r() * 80 - 40) * (1 + r())
    }
    case 'specials': {
      const u = r()
      if (u < 0.04) return Number.NaN
      if (u < 0.07) return Number.POSITIVE_INFINITY
      if (u < 0.1) return Number.NEGATIVE_INFINITY
      return r() * 100 - 50
    }
  }
}

/** A deterministic image. */
export function makeImage<T extends ImageSamples = ImageSamples>(type: SampleType, width: number, height: number, channels: number, seed: number, dist: SampleDist = 'full'): Image<T> {
  const r = prng(seed)
  const data = samples(type, width * height * channels)
  for (let i = 0; i < data.length; i++) data[i] = drawSample(type, dist, r)
  return { data: data as T, width, height, channels }
}

/** A copy of `image` with fresh data of the same type. */
export function cloneImage<T extends ImageSamples>(image: Image<T>): Image<T> {
  return { data: image.data.slice() as T, width: image.width, height: image.height, channels: image.channels }
}

/**
 * How kernel weights are drawn: `positive` (blur-like), `signed` (sharpen/edge-like), `zeroSum`
 * (signed, then shifted to sum to 0 in float32 where possible), `sparse` (mostly 0, a few ±1),
 * `integers` (small integers: exact sums), `scaled` (signed, magnitudes 1e-20..1e20).
 */
export type KernelDist = 'positive' | 'signed' | 'zeroSum' | 'sparse' | 'integers' | 'scaled'
export const KERNEL_DISTS: readonly KernelDist[] = ['positive', 'signed', 'zeroSum', 'sparse', 'integers', 'scaled']

/** `n` float32 weights of `dist`. */
export function makeWeights(n: number, seed: number, dist: KernelDist): Float32Array {
  const r = prng(seed)
  const w = new Float32Array(n)
  switch (dist) {
    case 'positive':
      for (let i = 0; i < n; i++) w[i] = r() + 0.01
      break
    case 'signed':
      for (let i = 0; i < n; i++) w[i] = r() * 2 - 0.8
      break
    case 'zeroSum': {
      for (let i = 0; i < n; i++) w[i] = Math.round(r() * 8 - 4)
      let s = 0
      for (let i = 0; i < n; i++) s += w[i]
      w[Math.floor(n / 2)] -= s // integers: the sum is exactly 0
      break
    }
    case 'sparse':
      for (let i = 0; i < n; i++) w[i] = r() < 0.8 ? 0 : r() < 0.5 ? -1 : 1
      break
    case 'integers':
      for (let i = 0; i < n; i++) w[i] = Math.round(r() * 6 - 2)
      break
    case 'scaled': {
      const scale = 10 ** Math.round(r() * 40 - 20)
      for (let i = 0; i < n; i++) w[i] = (r() * 2 - 0.7) * scale
      break
    }
  }
  return w
}

export function makeKernel(width: number, height: number, seed: number, dist: KernelDist): Kernel {
  return { width, height, data: makeWeights(width * height, seed, dist) }
}

/** The 2D kernel equal to a separable one: data[j * width + i] = ky[j] * kx[i] (rounded to float32). */
export function outerProduct(kx: ArrayLike<number>, ky: ArrayLike<number>): Kernel {
  const data = new Float32Array(kx.length * ky.length)
  for (let j = 0; j < ky.length; j++) for (let i = 0; i < kx.length; i++) data[j * kx.length + i] = ky[j] * kx[i]
  return { width: kx.length, height: ky.length, data }
}

export interface OracleOptions {
  border?: BorderMode
  rounding?: RoundingMode
  channels?: readonly number[]
}

function plan(image: Image, options: OracleOptions): reference.ConvolvePlan {
  let mask = (1 << image.channels) - 1
  if (options.channels !== undefined) {
    mask = 0
    for (const c of options.channels) mask |= 1 << c
  }
  return { width: image.width, height: image.height, channels: image.channels, border: options.border ?? 'renormalize', rounding: options.rounding ?? 'round', channelMask: mask }
}

/** A fresh plain array of `image`'s sample type (a Buffer gives a Uint8Array). */
function outputFor(image: Image): ImageSamples {
  return samples(typeOf(image.data), image.data.length)
}

/** The reference's result for `filter` (any FilterKernel form) on `image`. */
export function oracle<T extends ImageSamples>(image: Image<T>, filter: FilterKernel, options: OracleOptions = {}): Image<T> {
  const out = outputFor(image)
  const p = plan(image, options)
  if ('data' in filter) reference.convolve(image.data, out, p, Float32Array.from(filter.data), filter.width, filter.height)
  else if ('x' in filter) reference.convolveSeparable(image.data, out, p, Float32Array.from(filter.x), Float32Array.from(filter.y))
  else {
    const w = reference.gaussianWeights(filter.sigma, filter.radius ?? Math.ceil(3 * filter.sigma))
    reference.convolveSeparable(image.data, out, p, w, w)
  }
  return { data: out as T, width: image.width, height: image.height, channels: image.channels }
}

export const gaussianWeights = reference.gaussianWeights
export const borderIndex = reference.borderIndex

function where(image: Image, i: number): string {
  const c = i % image.channels
  const p = (i - c) / image.channels
  return `(x ${p % image.width}, y ${Math.floor(p / image.width)}, c ${c})`
}

/** Same shape, same sample type, every sample Object.is-equal; the first difference is reported. */
export function expectSameImage(actual: Image, expected: Image, label = ''): void {
  expect(actual.data.constructor, `${label}: sample type`).toBe(expected.data.constructor)
  expect([actual.width, actual.height, actual.channels], `${label}: shape`).toEqual([expected.width, expected.height, expected.channels])
  expect(actual.data.length, `${label}: length`).toBe(expected.data.length)
  const a = actual.data
  const e = expected.data
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(a[i], e[i])) {
      let bad = 0
      for (let j = i; j < e.length; j++) if (!Object.is(a[j], e[j])) bad++
      expect.fail(`${label}: ${bad} of ${e.length} samples differ; first at [${i}] ${where(expected, i)}: got ${a[i]}, expected ${e[i]}`)
    }
  }
}

/** Samples as a plain array (for toEqual on hand-computed values). */
export function values(image: Image): number[] {
  return Array.from(image.data)
}

/** An image whose `rows` rows all equal `row` (a 1-row pattern made big enough for the native path). */
export function repeatRows<T extends ImageSamples>(row: T, width: number, channels: number, rows: number): Image<T> {
  const data = new (row.constructor as new (n: number) => T)(row.length * rows)
  for (let y = 0; y < rows; y++) data.set(row, y * row.length)
  return { data, width, height: rows, channels }
}

/** Taps per output sample of a filter, as the facade counts them. */
export function tapsOf(filter: FilterKernel): number {
  if ('data' in filter) return filter.width * filter.height
  if ('x' in filter) return filter.x.length + filter.y.length
  return 2 * (2 * (filter.radius ?? Math.ceil(3 * filter.sigma)) + 1)
}

/** An odd kernel side, mostly small, sometimes up to 63. */
export const arbSide = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(1, 3, 5) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 7 }).map((k) => 2 * k + 1) },
  { weight: 1, arbitrary: fc.integer({ min: 8, max: 31 }).map((k) => 2 * k + 1) },
)

/** An image dimension, with weight on 1 (1x1, 1xN, Nx1). */
export const arbDim = fc.oneof({ weight: 2, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 5 }) }, { weight: 3, arbitrary: fc.integer({ min: 6, max: 40 }) })

/** `channels` option for `count` channels: omitted, all, or a (possibly empty) subset. */
export function arbChannelsOption(count: number): fc.Arbitrary<number[] | undefined> {
  const all = Array.from({ length: count }, (_, c) => c)
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.subarray(all) }, { weight: 1, arbitrary: fc.shuffledSubarray(all, { minLength: 1 }) })
}
