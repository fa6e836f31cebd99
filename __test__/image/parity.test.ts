/**
 * Parity of the image kernels, as users call them (the facade in `src/`), with the pure-TS reference
 * (`src/image/reference.ts`), bit for bit: every border mode, both roundings, every sample type,
 * 1 to 4 channels, channel masks, 2D, separable and Gaussian filters, sizes from 1x1 up (1xN,
 * Nx1, kernels larger than the image), hotpath's and sharp's image forms, Buffers and `out`.
 *
 * Images below IMAGE_SMALL_MAX_TAPS (samples x taps) run in the reference itself, so every small
 * case is also run through `convolveBatch` next to a filler image that lifts the batch's work over
 * that threshold: the native kernels then compute the small image too. A second property uses
 * images with samples x taps > 2^20, which the native kernels split across threads.
 *
 * The hand-checked cases pin the documented semantics independently of the reference:
 * correlation (kernels are not flipped), the four border modes, ties-to-even rounding,
 * saturation, truncation, zero-sum renormalization, NaN and Infinity in float images.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  IMAGE_SMALL_MAX_TAPS,
  convolve,
  convolveBatch,
  convolveSeparable,
  gaussianBlur,
  runtimeInfo,
  type BorderMode,
  type ConvolveOptions,
  type FilterKernel,
  type Image,
  type ImageInput,
  type ImageSamples,
  type Kernel,
} from '../../src/index.js'
import {
  BORDERS,
  KERNEL_DISTS,
  ROUNDINGS,
  SAMPLE_DISTS,
  SAMPLE_TYPES,
  arbDim,
  arbSide,
  cloneImage,
  expectSameImage,
  gaussianWeights,
  makeImage,
  makeKernel,
  makeWeights,
  oracle,
  outerProduct,
  samples,
  tapsOf,
  typeOf,
  values,
  type KernelDist,
  type OracleOptions,
  type SampleDist,
  type SampleType,
} from '../helpers/image.js'

const NATIVE = runtimeInfo().backend === 'native'
/** The native kernels split an image across threads from this many samples x taps. */
const PARALLEL_MIN_TAPS = 2 ** 20

/**
 * `filter` on `image` through the native kernels even when the image is tiny: in a batch with a
 * filler image of the same type and channels that lifts the work to IMAGE_SMALL_MAX_TAPS.
 */
function viaNative<T extends ImageSamples>(image: Image<T>, filter: FilterKernel, options: OracleOptions = {}): Image<T> {
  const taps = tapsOf(filter)
  const fillerWidth = Math.max(1, Math.ceil(IMAGE_SMALL_MAX_TAPS / (taps * image.channels)))
  const filler = makeImage(typeOf(image.data), fillerWidth, 1, image.channels, 99)
  expect((image.data.length + filler.data.length) * taps).toBeGreaterThanOrEqual(IMAGE_SMALL_MAX_TAPS)
  return convolveBatch([image, filler], filter, options)[0] as Image<T>
}

/** Runs `filter` directly (convolve / convolveSeparable / gaussianBlur) with `options`. */
function direct<T extends ImageSamples>(image: ImageInput<T>, filter: FilterKernel, options?: ConvolveOptions<T>): Image<T> {
  if ('data' in filter) return convolve(image, filter, options)
  if ('x' in filter) return convolveSeparable(image, filter.x, filter.y, options)
  return gaussianBlur(image, filter, options)
}

// ---------------------------------------------------------------------------------------------
// Hand-checked semantics

/** A 1-channel Float32 / Uint8 image of one row. */
function row(type: SampleType, data: number[]): Image {
  const d = samples(type, data.length)
  d.set(data)
  return { data: d, width: data.length, height: 1, channels: 1 }
}

function column(type: SampleType, data: number[]): Image {
  return { ...row(type, data), width: 1, height: data.length }
}

/** Checks `expected` for `filter` directly, through the native kernels, and in the reference. */
function expectValues(image: Image, filter: FilterKernel, options: OracleOptions, expected: number[], label: string): void {
  expect(values(direct(image, filter, options)), `${label} (direct)`).toEqual(expected)
  expect(values(viaNative(image, filter, options)), `${label} (native)`).toEqual(expected)
  expect(values(oracle(image, filter, options)), `${label} (reference)`).toEqual(expected)
}

const k1 = (data: number[]): Kernel => ({ width: data.length, height: 1, data })

describe('hand-checked semantics', () => {
  it('a 3-tap box on [0, 10, 20] under each border mode', () => {
    const box = k1([1, 1, 1])
    for (const type of ['u8', 'f32'] as const) {
      const img = row(type, [0, 10, 20])
      // renormalize: the in-image taps' sum divided by their weights' sum.
      expectValues(img, box, { border: 'renormalize' }, [5, 10, 15], `${type} renormalize`)
      // clamp: 0+0+10, 0+10+20, 10+20+20.
      expectValues(img, box, { border: 'clamp' }, [10, 30, 50], `${type} clamp`)
      // mirror: in[-1] = in[1], in[3] = in[1].
      expectValues(img, box, { border: 'mirror' }, [20, 30, 40], `${type} mirror`)
      expectValues(img, box, { border: 'zero' }, [10, 30, 30], `${type} zero`)
      // The same down a column.
      const col = column(type, [0, 10, 20])
      const vbox: Kernel = { width: 1, height: 3, data: [1, 1, 1] }
      expectValues(col, vbox, { border: 'renormalize' }, [5, 10, 15], `${type} column renormalize`)
      expectValues(col, vbox, { border: 'clamp' }, [10, 30, 50], `${type} column clamp`)
      expectValues(col, vbox, { border: 'mirror' }, [20, 30, 40], `${type} column mirror`)
      expectValues(col, vbox, { border: 'zero' }, [10, 30, 30], `${type} column zero`)
      // Separable kx = box, ky = [1]: the same as the 2D box.
      expectValues(img, { x: [1, 1, 1], y: [1] }, { border: 'clamp' }, [10, 30, 50], `${type} separable clamp`)
      expectValues(col, { x: [1], y: [1, 1, 1] }, { border: 'mirror' }, [20, 30, 40], `${type} separable column mirror`)
    }
  })

  it('kernels are applied as written (correlation): [0, 0, 1] shifts the image left, out[x] = in[x + 1]', () => {
    const shift = k1([0, 0, 1])
    const img = row('f32', [0, 10, 20, 30])
    expectValues(img, shift, { border: 'zero' }, [10, 20, 30, 0], 'zero')
    expectValues(img, shift, { border: 'clamp' }, [10, 20, 30, 30], 'clamp')
    expectValues(img, shift, { border: 'mirror' }, [10, 20, 30, 20], 'mirror')
    // At x = 3 the only in-image weights are 0 and 0: their sum is 0, the source is copied.
    expectValues(img, shift, { border: 'renormalize' }, [10, 20, 30, 30], 'renormalize')
    // [1, 0, 0] shifts right.
    expectValues(img, k1([1, 0, 0]), { border: 'zero' }, [0, 0, 10, 20], 'right')
    // Down: out[y] = in[y + 1].
    expectValues(column('u16', [0, 10, 20, 30]), { width: 1, height: 3, data: [0, 0, 1] }, { border: 'zero' }, [10, 20, 30, 0], 'down')
    // 2D: weight at (i = 2, j = 0) reads in(x + 1, y - 1).
    const img2: Image = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), width: 3, height: 3, channels: 1 }
    const diag: Kernel = { width: 3, height: 3, data: [0, 0, 1, 0, 0, 0, 0, 0, 0] }
    expectValues(img2, diag, { border: 'zero' }, [0, 0, 0, 2, 3, 0, 5, 6, 0], '2D zero')
    expectValues(img2, diag, { border: 'clamp' }, [2, 3, 3, 2, 3, 3, 5, 6, 6], '2D clamp')
    expectValues(img2, { x: [0, 0, 1], y: [1, 0, 0] }, { border: 'zero' }, [0, 0, 0, 2, 3, 0, 5, 6, 0], 'separable zero')
  })

  it('mirror reflects about the edge sample without repeating it (… 2 1 | 0 1 2 …), periodically', () => {
    const img = row('f32', [0, 1, 2, 3, 4])
    expectValues(img, k1([1, 0, 0, 0, 0]), { border: 'mirror' }, [2, 1, 0, 1, 2], 'offset -2')
    expectValues(img, k1([0, 0, 0, 0, 1]), { border: 'mirror' }, [2, 3, 4, 3, 2], 'offset +2')
    expectValues(img, k1([1, 0, 0, 0, 0]), { border: 'clamp' }, [0, 0, 0, 1, 2], 'clamp offset -2')
    // Kernels much larger than the image: [a b c] continues … c b | a b c | b a b c b a …
    const abc = row('f32', [10, 20, 30])
    const plus5 = Array.from({ length: 11 }, () => 0)
    plus5[10] = 1 // offset +5: x + 5 for x = 0, 1, 2 is 5, 6, 7 → 1, 2, 1
    expectValues(abc, k1(plus5), { border: 'mirror' }, [20, 30, 20], 'offset +5 on 3 samples')
    const minus7 = Array.from({ length: 15 }, () => 0)
    minus7[0] = 1 // offset -7: x - 7 for x = 0, 1, 2 is -7, -6, -5 → 1, 2, 1
    expectValues(abc, k1(minus7), { border: 'mirror' }, [20, 30, 20], 'offset -7 on 3 samples')
    // Two samples: … a b a b …; one sample reads itself whatever the offset.
    expectValues(row('u8', [7, 9]), k1([0, 0, 0, 0, 0, 0, 1]), { border: 'mirror' }, [9, 7], 'offset +3 on 2 samples')
    const big = Array.from({ length: 63 }, () => 0)
    big[0] = 1
    expectValues(row('u16', [123]), k1(big), { border: 'mirror' }, [123], 'one sample')
    expectValues(row('u16', [123]), k1(big), { border: 'clamp' }, [123], 'one sample clamp')
    expectValues(row('u16', [123]), k1(big), { border: 'zero' }, [0], 'one sample zero')
    // renormalize: the only in-image weight is 0 → copied.
    expectValues(row('u16', [123]), k1(big), { border: 'renormalize' }, [123], 'one sample renormalize')
  })

  it('renormalize with a zero-sum kernel copies the source where the in-image weights sum to 0', () => {
    const laplacian = k1([1, -2, 1])
    const img = row('f32', [5, 7, 100])
    // x = 0: (-2·5 + 7) / (-2 + 1) = 3; x = 1: weights sum to 0 → 7; x = 2: (7 - 200) / -1 = 193.
    expectValues(img, laplacian, { border: 'renormalize' }, [3, 7, 193], 'renormalize')
    expectValues(img, laplacian, { border: 'clamp' }, [2, 91, -93], 'clamp f32')
    expectValues(row('u8', [5, 7, 100]), laplacian, { border: 'clamp' }, [2, 91, 0], 'clamp u8 saturates')
    // 2D Laplacian on a 5x5 image: all interior samples are copied exactly.
    const lap2: Kernel = { width: 3, height: 3, data: [0, 1, 0, 1, -4, 1, 0, 1, 0] }
    for (const type of SAMPLE_TYPES) {
      const image = makeImage(type, 5, 5, 2, 7)
      for (const out of [direct(image, lap2), viaNative(image, lap2)]) {
        for (let y = 1; y < 4; y++) {
          for (let x = 1; x < 4; x++) {
            for (let c = 0; c < 2; c++) expect(out.data[(y * 5 + x) * 2 + c], `${type} (${x}, ${y})`).toBe(image.data[(y * 5 + x) * 2 + c])
          }
        }
      }
      expectSameImage(direct(image, lap2), oracle(image, lap2), type)
    }
  })

  it('rounding: nearest with ties to even, saturating; truncate: toward zero, saturating', () => {
    // Border 'zero' with a 1x1 kernel: out = w · in, no renormalization.
    const cases: [SampleType, number, number, number, number][] = [
      // type, input, weight, round, truncate
      ['u8', 1, 0.5, 0, 0],
      ['u8', 3, 0.5, 2, 1],
      ['u8', 5, 0.5, 2, 2],
      ['u8', 7, 0.5, 4, 3],
      ['u8', 1, 0.7, 1, 0],
      ['u8', 200, 2, 255, 255],
      ['u8', 255, 1.002, 255, 255],
      ['u8', 5, -1, 0, 0],
      ['u8', 1, -0.4, 0, 0],
      ['u8c', 3, 0.5, 2, 1],
      ['u8c', 200, 2, 255, 255],
      ['u16', 5, 0.5, 2, 2],
      ['u16', 40000, 2, 65535, 65535],
      ['u16', 65535, 0.99999, 65534, 65534],
      ['u16', 65533, 0.5, 32766, 32766],
      ['u16', 65535, 0.5, 32768, 32767],
      ['f32', 5, 0.5, 2.5, 2.5],
      ['f32', 5, -1, -5, -5],
    ]
    for (const [type, input, weight, rounded, truncated] of cases) {
      const img = row(type, [input, input, input])
      expectValues(img, k1([weight]), { border: 'zero', rounding: 'round' }, [rounded, rounded, rounded], `${type} ${input}·${weight} round`)
      expectValues(img, k1([weight]), { border: 'zero', rounding: 'truncate' }, [truncated, truncated, truncated], `${type} ${input}·${weight} truncate`)
    }
    // Uint8ClampedArray results are rounded by hotpath, not by the clamped array's own conversion.
    expect(values(convolve(row('u8c', [3]), k1([0.5]), { border: 'zero', rounding: 'truncate' }))).toEqual([1])
  })

  it('float32 images: NaN and Infinity propagate; the sum starts at +0', () => {
    const img = row('f32', [1, Number.NaN, 2, Number.POSITIVE_INFINITY, 3])
    const nan = Number.NaN
    const inf = Number.POSITIVE_INFINITY
    expectValues(img, k1([1, 1, 1]), { border: 'zero' }, [nan, nan, nan, inf, inf], 'box')
    // A zero weight on NaN or Infinity gives NaN (0 · Infinity = NaN): taps are not skipped for
    // being 0. x = 3 reads 0·2 + 1·Infinity + 0·3; x = 4 reads 0·Infinity + 1·3.
    expectValues(img, k1([0, 1, 0]), { border: 'zero' }, [nan, nan, nan, inf, nan], 'identity with zero neighbours')
    expectValues(img, k1([1]), { border: 'clamp' }, [1, nan, 2, inf, 3], '1x1')
    expectValues(row('f32', [inf, Number.NEGATIVE_INFINITY]), k1([1, 1, 1]), { border: 'zero' }, [nan, nan], 'inf - inf')
    // Renormalize copies NaN where the in-image weights sum to 0.
    // x = 0: (-2·NaN + 4) / -1 = NaN; x = 1: weights sum to 0 → 4; x = 2: (4 - 8) / -1 = 4.
    expectValues(row('f32', [nan, 4, 4]), k1([1, -2, 1]), { border: 'renormalize' }, [nan, 4, 4], 'laplacian')
    // -0 · 1 = -0, added to the +0 the sum starts from: +0.
    const negZero = convolve(row('f32', [-0, -0]), k1([1]), { border: 'zero' })
    expect(Object.is(negZero.data[0], 0)).toBe(true)
    const negZeroNative = viaNative(row('f32', [-0, -0]), k1([1]), { border: 'zero' })
    expect(Object.is(negZeroNative.data[0], 0)).toBe(true)
    // Renormalizing +0 by a negative scale gives -0.
    const negScale = viaNative(row('f32', [0]), k1([-1]), { border: 'renormalize' })
    expect(Object.is(negScale.data[0], -0)).toBe(true)
    // Integer outputs of huge sums saturate; float outputs overflow to Infinity.
    expectValues(row('f32', [3e38, 3e38]), k1([1, 1, 1]), { border: 'clamp' }, [inf, inf], 'overflow')
  })

  it('channel masks: unfiltered channels are copied exactly; the empty mask copies the image', () => {
    const image = makeImage('u8', 6, 5, 4, 3)
    const blur = makeKernel(3, 3, 1, 'positive')
    for (const channels of [[0, 1, 2], [3], [], [2, 0]]) {
      for (const out of [convolve(image, blur, { channels }), viaNative(image, blur, { channels })]) {
        const all = convolve(image, blur)
        for (let i = 0; i < image.data.length; i++) {
          const expected = channels.includes(i % 4) ? all.data[i] : image.data[i]
          expect(out.data[i], `channels ${channels} [${i}]`).toBe(expected)
        }
      }
    }
  })

  it('a Gaussian uses exp(-i²/2σ²) normalized to sum 1, radius ceil(3σ) by default', () => {
    const w = gaussianWeights(1, 3)
    expect(w.length).toBe(7)
    let s = 0
    for (let i = 0; i < 7; i++) {
      expect(w[i]).toBe(w[6 - i])
      s += w[i]
    }
    expect(Math.abs(s - 1)).toBeLessThan(1e-6)
    expect(w[3] / w[4]).toBeCloseTo(Math.exp(0.5), 5)
    const image = makeImage('u16', 40, 30, 1, 5)
    expectSameImage(gaussianBlur(image, { sigma: 1 }), convolveSeparable(image, w, w), 'sigma 1 = separable 7-tap')
    expectSameImage(gaussianBlur(image, { sigma: 1.2 }), gaussianBlur(image, { sigma: 1.2, radius: 4 }), 'default radius ceil(3.6) = 4')
    // radius 0: the 1-tap kernel [1] copies the image.
    expectSameImage(gaussianBlur(image, { sigma: 3, radius: 0 }), image, 'radius 0')
    // A constant image stays constant (integers: within the rounding).
    const flat: Image = { data: new Uint8Array(50 * 40).fill(77), width: 50, height: 40, channels: 1 }
    for (const border of ['renormalize', 'clamp', 'mirror'] as const) {
      expect(new Set(gaussianBlur(flat, { sigma: 2 }, { border }).data), border).toEqual(new Set([77]))
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Property-based parity

interface Case {
  type: SampleType
  width: number
  height: number
  channels: number
  seed: number
  dist: SampleDist
  filterKind: '2d' | 'separable' | 'gaussian'
  kw: number
  kh: number
  kdist: KernelDist
  weightsForm: 'f32' | 'f64' | 'array'
  sigma: number
  radius: number | undefined
  border: BorderMode
  rounding: 'round' | 'truncate' | undefined
  channelBits: number | undefined
  form: 'plain' | 'sharp' | 'out' | 'buffer'
}

function weightsIn(w: Float32Array, form: Case['weightsForm']): Float32Array | Float64Array | number[] {
  // Float64 weights that are not float32 values: both sides round them the same way.
  if (form === 'f64') return Float64Array.from(w, (v) => v * (1 + 2 ** -40))
  if (form === 'array') return Array.from(w)
  return w
}

function filterOf(c: Case): FilterKernel {
  if (c.filterKind === 'gaussian') return { sigma: c.sigma, radius: c.radius }
  if (c.filterKind === 'separable') {
    return { x: weightsIn(makeWeights(c.kw, c.seed + 1, c.kdist), c.weightsForm), y: weightsIn(makeWeights(c.kh, c.seed + 2, c.kdist), c.weightsForm) }
  }
  const k = makeKernel(c.kw, c.kh, c.seed + 1, c.kdist)
  return { ...k, data: weightsIn(k.data as Float32Array, c.weightsForm) }
}

function optionsOf(c: Case): OracleOptions {
  const channels = c.channelBits === undefined ? undefined : Array.from({ length: c.channels }, (_, i) => i).filter((i) => (c.channelBits! >> i) & 1)
  return { border: c.border, rounding: c.rounding, channels }
}

function describeCase(c: Case): string {
  return `${c.type} ${c.width}x${c.height}x${c.channels} ${c.dist}, ${c.filterKind} ${c.filterKind === 'gaussian' ? `sigma ${c.sigma} radius ${c.radius}` : `${c.kw}x${c.kh} ${c.kdist} ${c.weightsForm}`}, ${c.border} ${c.rounding} channels ${c.channelBits} ${c.form}`
}

/** Runs one case in its input form and through the native kernels; both must equal the reference. */
function checkCase(c: Case, image: Image): void {
  const label = describeCase(c)
  const filter = filterOf(c)
  const options = optionsOf(c)
  const before = cloneImage(image)
  const expected = oracle(image, filter, options)
  let actual: Image
  switch (c.form) {
    case 'plain':
      actual = direct(image, filter, options)
      break
    case 'sharp':
      actual = direct({ data: image.data, info: { width: image.width, height: image.height, channels: image.channels } }, filter, options)
      break
    case 'buffer': {
      const buffer = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength)
      actual = direct({ ...image, data: buffer }, filter, options)
      expect(Buffer.isBuffer(actual.data), 'a Buffer input gives a plain Uint8Array').toBe(false)
      break
    }
    case 'out': {
      const out = { ...image, data: samples(c.type, image.data.length).fill(c.type === 'f32' ? Number.NaN : 1) }
      actual = direct(image, filter, { ...options, out })
      expect(actual.data, 'the result is written into options.out').toBe(out.data)
      break
    }
  }
  expectSameImage(actual, expected, label)
  expectSameImage(image, before, `${label}: input unchanged`)
  if (NATIVE) expectSameImage(viaNative(image, filter, options), expected, `${label} (native)`)
}

const SAMPLE_TYPE_ARB = fc.constantFrom(...SAMPLE_TYPES)

function arbCase(dims: { width: fc.Arbitrary<number>; height: fc.Arbitrary<number> }, side: fc.Arbitrary<number> = arbSide): fc.Arbitrary<Case> {
  return fc
    .record({
      type: SAMPLE_TYPE_ARB,
      width: dims.width,
      height: dims.height,
      channels: fc.integer({ min: 1, max: 4 }),
      seed: fc.integer({ min: 0, max: 2 ** 30 }),
      dist: fc.constantFrom(...SAMPLE_DISTS),
      filterKind: fc.constantFrom('2d' as const, '2d' as const, 'separable' as const, 'gaussian' as const),
      kw: side,
      kh: side,
      kdist: fc.constantFrom(...KERNEL_DISTS),
      weightsForm: fc.constantFrom('f32' as const, 'f64' as const, 'array' as const),
      sigma: fc.oneof(fc.double({ min: 0.2, max: 3, noNaN: true }), fc.double({ min: 3, max: 10.3, noNaN: true })),
      radius: fc.option(fc.integer({ min: 0, max: 31 }), { nil: undefined }),
      border: fc.constantFrom(...BORDERS),
      rounding: fc.constantFrom('round' as const, 'truncate' as const, undefined),
      channelBits: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined, freq: 3 }),
      form: fc.constantFrom('plain' as const, 'plain' as const, 'sharp' as const, 'out' as const, 'buffer' as const),
    })
    .map((c) => ({ ...c, form: c.form === 'buffer' && c.type !== 'u8' ? 'plain' : c.form }))
}

describe('property: native = reference, bit for bit', () => {
  it('small images (1x1, 1xN, Nx1 included), kernels up to 63x63, every type, border, rounding, channel count and mask', () => {
    fc.assert(
      fc.property(arbCase({ width: arbDim, height: arbDim }), (c) => {
        // Keep the reference's work bounded: large kernels on small images only.
        fc.pre(c.width * c.height * c.channels * tapsOf(filterOf(c)) <= 3_000_000)
        checkCase(c, makeImage(c.type, c.width, c.height, c.channels, c.seed, c.dist))
      }),
      { numRuns: 400 },
    )
  })

  it('kernels larger than the image: 63x63 on 3x2, 1x1, 1x5 and 5x1 images, every border mode', () => {
    for (const [w, h] of [
      [3, 2],
      [1, 1],
      [1, 5],
      [5, 1],
      [2, 2],
    ]) {
      for (const type of SAMPLE_TYPES) {
        for (const border of BORDERS) {
          for (const kdist of ['positive', 'signed', 'zeroSum'] as const) {
            for (const filterKind of ['2d', 'separable'] as const) {
              const c: Case = {
                type,
                width: w,
                height: h,
                channels: 1 + ((w + h) % 4),
                seed: w * 100 + h,
                dist: 'full',
                filterKind,
                kw: 63,
                kh: filterKind === '2d' ? 61 : 63,
                kdist,
                weightsForm: 'f32',
                sigma: 1,
                radius: undefined,
                border,
                rounding: undefined,
                channelBits: undefined,
                form: 'plain',
              }
              checkCase(c, makeImage(type, w, h, c.channels, c.seed))
            }
          }
        }
      }
    }
  })

  it('every sample type x channel count x border x rounding on one mid-size image each (native path)', () => {
    let seed = 1
    for (const type of SAMPLE_TYPES) {
      for (let channels = 1; channels <= 4; channels++) {
        for (const border of BORDERS) {
          for (const rounding of ROUNDINGS) {
            const image = makeImage(type, 23, 17, channels, seed++, type === 'f32' ? 'wide' : 'full')
            const kernel = makeKernel(5, 3, seed, 'signed')
            expect(image.data.length * 15).toBeGreaterThan(IMAGE_SMALL_MAX_TAPS)
            expectSameImage(convolve(image, kernel, { border, rounding }), oracle(image, kernel, { border, rounding }), `${type} x${channels} ${border} ${rounding}`)
            const kx = makeWeights(7, seed, 'positive')
            const ky = makeWeights(3, seed + 1, 'signed')
            expectSameImage(convolveSeparable(image, kx, ky, { border, rounding }), oracle(image, { x: kx, y: ky }, { border, rounding }), `${type} x${channels} ${border} ${rounding} separable`)
          }
        }
      }
    }
  })

  it.runIf(NATIVE)('large images split across threads (samples x taps > 2^20)', () => {
    const arb = arbCase({ width: fc.integer({ min: 40, max: 160 }), height: fc.integer({ min: 1, max: 40 }) }, fc.oneof(fc.constantFrom(1, 3, 5, 7), fc.constantFrom(15, 31, 63)))
    fc.assert(
      fc.property(arb, (c) => {
        const filter = filterOf(c)
        const taps = tapsOf(filter)
        // Tall enough for the thread split, small enough for the reference to stay quick.
        const height = Math.max(c.height, Math.ceil((1.3 * PARALLEL_MIN_TAPS) / (c.width * c.channels * taps)))
        fc.pre(c.width * height * c.channels * taps <= 20_000_000)
        const big = { ...c, height }
        checkCase(big, makeImage(c.type, c.width, height, c.channels, c.seed, c.dist))
      }),
      { numRuns: 24 },
    )
  })
})

describe('separable = 2D on the outer-product kernel, within 1 unit (integers) / 1e-5 relative (float32)', () => {
  function agreement(c: { type: SampleType; width: number; height: number; channels: number; kw: number; kh: number; seed: number; border: BorderMode; rounding: 'round' | 'truncate' }): void {
    const image = makeImage(c.type, c.width, c.height, c.channels, c.seed)
    const kx = makeWeights(c.kw, c.seed + 1, 'positive')
    const ky = makeWeights(c.kh, c.seed + 2, 'positive')
    const options = { border: c.border, rounding: c.rounding }
    const sep = convolveSeparable(image, kx, ky, options)
    const full = convolve(image, outerProduct(kx, ky), options)
    const label = `${c.type} ${c.width}x${c.height}x${c.channels} ${c.kw}x${c.kh} ${c.border} ${c.rounding}`
    for (let i = 0; i < sep.data.length; i++) {
      const a = sep.data[i]
      const b = full.data[i]
      if (c.type === 'f32') {
        const ok = Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b)) + 1e-30
        if (!ok) expect.fail(`${label} [${i}]: separable ${a}, 2D ${b}`)
      } else if (Math.abs(a - b) > 1) expect.fail(`${label} [${i}]: separable ${a}, 2D ${b}`)
    }
  }

  it('random positive kernels up to 15x15, every type and border', () => {
    fc.assert(
      fc.property(
        fc.record({
          type: SAMPLE_TYPE_ARB,
          width: arbDim,
          height: arbDim,
          channels: fc.integer({ min: 1, max: 4 }),
          kw: fc.integer({ min: 0, max: 7 }).map((k) => 2 * k + 1),
          kh: fc.integer({ min: 0, max: 7 }).map((k) => 2 * k + 1),
          seed: fc.integer({ min: 0, max: 2 ** 30 }),
          border: fc.constantFrom(...BORDERS),
          rounding: fc.constantFrom(...ROUNDINGS),
        }),
        agreement,
      ),
      { numRuns: 120 },
    )
  })

  it('a 63x63 kernel on a large image (native, threaded)', () => {
    for (const type of SAMPLE_TYPES) agreement({ type, width: 90, height: 70, channels: 1, kw: 63, kh: 63, seed: 11, border: 'renormalize', rounding: 'round' })
    agreement({ type: 'u16', width: 64, height: 64, channels: 3, kw: 31, kh: 63, seed: 12, border: 'mirror', rounding: 'truncate' })
  })
})
