/**
 * The image benchmark, in one process on the same seeded images: a 5 x 5 Gaussian (sigma 1) on a
 * 1024 x 1024 x 3 u8 image through the pure-TS reference (2D and separable), hotpath (2D,
 * separable, gaussianBlur, async) and sharp (`convolve` with the same kernel, `blur(1)`); then a
 * batch of 100 512 x 512 Uint16 grayscale images (the DICOM case) and the same in Float32, in
 * images per second; then tiny images, where the facade's dispatch must not lose to plain JS.
 * sharp is a devDependency of this repository only: its rows are skipped when it is missing.
 */
import { seededRandom } from './random.js'
import { convolve, convolveBatch, convolveSeparable, gaussianBlur, gaussianBlurAsync, IMAGE_SMALL_MAX_TAPS } from '../image/index.js'
import { backend } from '../core/native.js'
import { NativeBuffer } from '../memory/index.js'
import * as reference from '../image/reference.js'
import { interleavedMedians, interleavedMediansAsync, sink } from './measure.js'
import type { SuiteOptions, SuiteReport, SuiteRow, SuiteRatio } from './suite.js'

type Sharp = (typeof import('sharp'))['default']

async function loadSharp(): Promise<Sharp | null> {
  try {
    return (await import('sharp')).default
  } catch {
    return null
  }
}

/** Seeded samples: smooth gradients plus noise, like a photo more than white noise. */
function image<T extends reference.ImageSamples>(make: (n: number) => T, width: number, height: number, channels: number, max: number, seed: number): T {
  const data = make(width * height * channels)
  const random = seededRandom(seed)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const base = ((x + y + c * 50) / (width + height)) * max * 0.8
        data[(y * width + x) * channels + c] = Math.min(max, Math.floor(base + random() * max * 0.2))
      }
    }
  }
  return data
}

function mpx(pixels: number, ms: number): string {
  return `${((pixels / ms) * 1e-3).toFixed(0)} Mpx/s`
}

function imagesPerSecond(count: number, ms: number): string {
  return `${((count / ms) * 1e3).toFixed(0)} images/s`
}

/**
 * A separable blur as JavaScript code usually writes it: float64 sums, clamped borders, no
 * float32 rounding; a second, stronger baseline than the float32-exact reference.
 */
function plainSeparable(src: Uint8Array, out: Uint8Array, width: number, height: number, channels: number, k: Float32Array): void {
  const n = width * channels
  const r = (k.length - 1) / 2
  const line = new Float64Array(n)
  for (let y = 0; y < height; y++) {
    line.fill(0)
    for (let j = 0; j < k.length; j++) {
      const sy = Math.min(height - 1, Math.max(0, y + j - r))
      const base = sy * n
      const w = k[j]
      for (let s = 0; s < n; s++) line[s] += w * src[base + s]
    }
    const at = y * n
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0
        for (let i = 0; i < k.length; i++) acc += k[i] * line[Math.min(width - 1, Math.max(0, x + i - r)) * channels + c]
        out[at + x * channels + c] = acc + 0.5
      }
    }
  }
}

const SIGMA = 1
const RADIUS = 2

export async function runImageBench(options: SuiteOptions): Promise<SuiteReport> {
  const { quick } = options
  const progress = options.onProgress ?? (() => {})
  const sharp = await loadSharp()
  const rows: SuiteRow[] = []
  const ratios: SuiteRatio[] = []
  const g = reference.gaussianWeights(SIGMA, RADIUS)
  const kernel2d = new Float32Array(25)
  for (let j = 0; j < 5; j++) for (let i = 0; i < 5; i++) kernel2d[j * 5 + i] = g[j] * g[i]
  const kernel = { width: 5, height: 5, data: kernel2d }

  // The main case.
  const side = quick ? 256 : 1024
  const rgb = { data: image((n) => new Uint8Array(n), side, side, 3, 255, 1), width: side, height: side, channels: 3 }
  const pixels = side * side
  progress(`image: 5 x 5 Gaussian on ${side} x ${side} x 3 u8`)
  {
    const table = `Gaussian 5 x 5 (sigma ${SIGMA}), ${side} x ${side} x 3 u8 (${backend})`
    const plan: reference.ConvolvePlan = { width: side, height: side, channels: 3, border: 'renormalize', rounding: 'round', channelMask: 7 }
    const out = new Uint8Array(rgb.data.length)
    const slow = interleavedMedians(
      {
        reference2d: () => reference.convolve(rgb.data, out, plan, kernel2d, 5, 5),
        referenceSeparable: () => reference.convolveSeparable(rgb.data, out, plan, g, g),
        plain: () => plainSeparable(rgb.data, out, side, side, 3, g),
      },
      quick ? 1 : 3,
      // Each call takes tens of ms: one untimed round warms the JIT as well as the default twenty.
      { warm: 1, progress },
    )
    const outImage = { data: out, width: side, height: side, channels: 3 }
    const fast = interleavedMedians(
      {
        convolve: () => convolve(rgb, kernel, { out: outImage }),
        separable: () => convolveSeparable(rgb, g, g, { out: outImage }),
        gaussianBlur: () => gaussianBlur(rgb, { sigma: SIGMA, radius: RADIUS }, { out: outImage }),
        gaussianBlurNewOutput: () => (sink.value += gaussianBlur(rgb, { sigma: SIGMA, radius: RADIUS }).data[0]),
      },
      quick ? 3 : 10,
      { warm: 3, timed: 5 },
    )
    const nativeIn = NativeBuffer.alloc('u8', rgb.data.length)
    nativeIn.array.set(rgb.data)
    const nativeOut = NativeBuffer.alloc('u8', rgb.data.length)
    const nativeImage = { data: nativeIn.array, width: side, height: side, channels: 3 as const }
    const nativeOutImage = { data: nativeOut.array, width: side, height: side, channels: 3 as const }
    const asyncTasks: Record<string, () => Promise<unknown>> = {
      gaussianBlurAsync: () => gaussianBlurAsync(rgb, { sigma: SIGMA, radius: RADIUS }),
      gaussianBlurAsyncNative: () => gaussianBlurAsync(nativeImage, { sigma: SIGMA, radius: RADIUS }, { out: nativeOutImage }),
      gaussianBlurNative: async () => gaussianBlur(nativeImage, { sigma: SIGMA, radius: RADIUS }, { out: nativeOutImage }),
    }
    if (sharp) {
      const raw = { raw: { width: side, height: side, channels: 3 as const } }
      asyncTasks.sharpConvolve = () => sharp(rgb.data, raw).convolve({ width: 5, height: 5, kernel: Array.from(kernel2d) }).raw().toBuffer()
      asyncTasks.sharpBlur = () => sharp(rgb.data, raw).blur(SIGMA).raw().toBuffer()
    }
    const async = await interleavedMediansAsync(asyncTasks, quick ? 3 : 10, { warm: 3, timed: 5 })
    const base = slow.referenceSeparable
    const row = (name: string, ms: number, note?: string) => rows.push({ table, name, medianMs: ms, throughput: mpx(pixels, ms), vsBaseline: base / ms, note })
    row('pure-TS reference, 2D', slow.reference2d, 'float32 semantics (Math.fround)')
    row('pure-TS reference, separable', slow.referenceSeparable, 'the baseline')
    row('plain JS separable loop, float64', slow.plain, 'clamped borders, not float32-exact: what JS code usually does')
    row('hotpath convolve (2D)', fast.convolve, 'into `out`, all threads')
    row('hotpath convolveSeparable', fast.separable, 'into `out`')
    row('hotpath gaussianBlur', fast.gaussianBlur, 'into `out`')
    row('hotpath gaussianBlur, new output', fast.gaussianBlurNewOutput, 'allocates the result')
    row('hotpath gaussianBlurAsync', async.gaussianBlurAsync, 'input copied, off the event loop')
    row('hotpath gaussianBlur, NativeBuffer', async.gaussianBlurNative, 'into a NativeBuffer `out`; timed with the async rows')
    row('hotpath gaussianBlurAsync, NativeBuffer', async.gaussianBlurAsyncNative, 'read and written in place, off the event loop')
    nativeIn.dispose()
    nativeOut.dispose()
    if (async.sharpConvolve !== undefined) row('sharp convolve (same 5 x 5 kernel)', async.sharpConvolve, 'libvips; its own border handling')
    if (async.sharpBlur !== undefined) row('sharp blur(1)', async.sharpBlur, 'libvips gaussblur: integer approximation, its own kernel size')
    ratios.push({ label: 'gaussianBlur vs pure-TS separable reference', value: base / fast.gaussianBlur })
    if (async.sharpBlur !== undefined) {
      ratios.push({ label: 'gaussianBlur vs sharp blur(1)', value: async.sharpBlur / fast.gaussianBlur })
    }
  }

  // Batches: the DICOM case and its Float32 twin.
  const count = quick ? 10 : 100
  const bside = quick ? 128 : 512
  for (const [label, make, max] of [
    ['Uint16 gray', (n: number) => new Uint16Array(n), 4095],
    ['Float32 gray', (n: number) => new Float32Array(n), 1],
  ] as const) {
    progress(`image: batch of ${count} ${bside} x ${bside} ${label}`)
    const table = `Batch of ${count} ${bside} x ${bside} ${label} images, Gaussian sigma ${SIGMA} (radius 3) (${backend})`
    const images = Array.from({ length: count }, (_, i) => ({ data: image(make as (n: number) => reference.ImageSamples, bside, bside, 1, max, 10 + i), width: bside, height: bside, channels: 1 }))
    const gw = reference.gaussianWeights(SIGMA, 3)
    const plan: reference.ConvolvePlan = { width: bside, height: bside, channels: 1, border: 'renormalize', rounding: 'round', channelMask: 1 }
    const outs = images.map((im) => make(im.data.length) as reference.ImageSamples)
    const ms = interleavedMedians(
      {
        reference: () => images.forEach((im, i) => reference.convolveSeparable(im.data, outs[i], plan, gw, gw)),
        batch: () => (sink.value += convolveBatch(images, { sigma: SIGMA }).length),
        loop: () => images.forEach((im) => (sink.value += gaussianBlur(im, { sigma: SIGMA }).width)),
      },
      quick ? 1 : 5,
      { warm: 1, progress },
    )
    rows.push({ table, name: 'pure-TS reference, separable', medianMs: ms.reference, throughput: imagesPerSecond(count, ms.reference), vsBaseline: 1 })
    rows.push({ table, name: 'hotpath convolveBatch', medianMs: ms.batch, throughput: imagesPerSecond(count, ms.batch), vsBaseline: ms.reference / ms.batch, note: 'one call, parallel across images' })
    rows.push({ table, name: 'hotpath gaussianBlur in a loop', medianMs: ms.loop, throughput: imagesPerSecond(count, ms.loop), vsBaseline: ms.reference / ms.loop })
  }

  // Tiny images: the facade stays in TypeScript below IMAGE_SMALL_MAX_TAPS.
  progress('image: tiny images (dispatch)')
  {
    const table = `Tiny images, 3 x 3 box, u8 gray, per call (dispatch below ${IMAGE_SMALL_MAX_TAPS.toLocaleString('en-US')} taps) (${backend})`
    const box = { width: 3, height: 3, data: new Float32Array(9).fill(1) }
    for (const s of [4, 16, 32, 64]) {
      const im = { data: image((n) => new Uint8Array(n), s, s, 1, 255, s), width: s, height: s, channels: 1 }
      const out = new Uint8Array(s * s)
      const plan: reference.ConvolvePlan = { width: s, height: s, channels: 1, border: 'renormalize', rounding: 'round', channelMask: 1 }
      const calls = Math.max(1, Math.floor(20_000 / (s * s)))
      const ms = interleavedMedians(
        {
          reference: () => {
            for (let i = 0; i < calls; i++) reference.convolve(im.data, out, plan, box.data, 3, 3)
          },
          hotpath: () => {
            for (let i = 0; i < calls; i++) sink.value += convolve(im, box).data[0]
          },
        },
        quick ? 5 : 50,
      )
      rows.push({ table, name: `${s} x ${s}: pure-TS reference`, medianMs: ms.reference / calls, vsBaseline: 1, size: s * s, sizeUnit: 'pixels per image', series: 'pure-TS reference' })
      rows.push({ table, name: `${s} x ${s}: hotpath convolve`, medianMs: ms.hotpath / calls, vsBaseline: ms.reference / ms.hotpath, size: s * s, sizeUnit: 'pixels per image', series: 'hotpath convolve', note: s * s * 9 < IMAGE_SMALL_MAX_TAPS ? 'runs the TS path' : 'native' })
    }
  }

  return { rows, ratios, skipped: sharp ? [] : ['sharp rows: sharp is not installed (npm install sharp to compare)'] }
}
