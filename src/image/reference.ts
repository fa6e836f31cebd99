/**
 * Pure-TS image convolution: the test oracle, the fallback, and the path for images too small to
 * repay a native call. It defines the arithmetic the native kernels reproduce bit for bit:
 *
 * - weights and samples are float32; every product and every sum is rounded to float32
 *   (`Math.fround`), the taps of one output sample added in row-major order, starting from +0;
 * - the separable path first combines `2ry + 1` rows with `ky` (top to bottom) into a float32 row,
 *   then combines that row's samples with `kx` (left to right);
 * - `renormalize` multiplies the sum by float32(1 / S), S being the float64 sum of the in-image
 *   weights (separable: by float32(1 / Sx), then by float32(1 / Sy)); S = 0 copies the source;
 * - integer outputs round to nearest, ties to even (`round`) or toward zero (`truncate`), then
 *   saturate to the type's range; NaN becomes 0.
 *
 * Arguments are trusted: the facade has validated shapes, types and kernels.
 */
import { typedArrayTag } from '../core/intrinsics.js'

export type ImageSamples = Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array
export type BorderMode = 'renormalize' | 'clamp' | 'mirror' | 'zero'
export type RoundingMode = 'round' | 'truncate'

/** The validated parameters of one convolution, shared by the 2D and separable paths. */
export interface ConvolvePlan {
  width: number
  height: number
  channels: number
  border: BorderMode
  rounding: RoundingMode
  /** Bit c set when channel c is filtered; other channels are copied. */
  channelMask: number
}

/**
 * The source position read for position `p` of an axis of `n` samples, or -1 when the tap falls
 * outside the image and contributes nothing (`zero` and `renormalize`). `mirror` reflects about
 * the edge samples without repeating them (…2 1 | 0 1 2 … n-1 | n-2 …), periodically, so any
 * offset is defined; a 1-sample axis reads its only sample.
 */
export function borderIndex(p: number, n: number, border: BorderMode): number {
  if (p >= 0 && p < n) return p
  switch (border) {
    case 'clamp':
      return p < 0 ? 0 : n - 1
    case 'mirror': {
      if (n === 1) return 0
      const period = 2 * (n - 1)
      const m = ((p % period) + period) % period
      return m < n ? m : period - m
    }
    default:
      return -1
  }
}

/** `map[p + r]` = borderIndex(p) for p in -r..n-1+r. */
function axisMap(n: number, r: number, border: BorderMode): Int32Array {
  const map = new Int32Array(n + 2 * r)
  for (let p = -r; p < n + r; p++) map[p + r] = borderIndex(p, n, border)
  return map
}

/** Float64 sum of `weights[from..to]` (inclusive), in order. */
function weightSum(weights: Float32Array, from: number, to: number): number {
  let s = 0
  for (let i = from; i <= to; i++) s += weights[i]
  return s
}

/** float32(1 / Σ in-image taps) for each position of an axis, or 0 where that sum is 0. */
function axisScales(weights: Float32Array, n: number): Float32Array {
  const r = (weights.length - 1) / 2
  const scales = new Float32Array(n)
  for (let p = 0; p < n; p++) {
    const s = weightSum(weights, Math.max(0, r - p), Math.min(weights.length - 1, n - 1 - p + r))
    scales[p] = s === 0 ? 0 : 1 / s
  }
  return scales
}

/** Whether the in-image weights of an axis position sum to 0 (the source sample is copied). */
function axisZero(weights: Float32Array, n: number): Uint8Array {
  const r = (weights.length - 1) / 2
  const zero = new Uint8Array(n)
  for (let p = 0; p < n; p++) zero[p] = weightSum(weights, Math.max(0, r - p), Math.min(weights.length - 1, n - 1 - p + r)) === 0 ? 1 : 0
  return zero
}

/** Round half to even, as the native kernels do (`Math.round` rounds halves up). */
function roundTiesEven(v: number): number {
  const r = Math.round(v)
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** How sums become samples of `out`: 0 = float (as is), 1 = round, 2 = truncate. */
function storeMode(out: ImageSamples, rounding: RoundingMode): number {
  return typedArrayTag(out) === 'Float32Array' ? 0 : rounding === 'round' ? 1 : 2
}

/** A float32 sum as a sample: rounded or truncated, then saturated to [0, max]; NaN becomes 0. */
function toSample(v: number, mode: number, max: number): number {
  if (mode === 0) return v
  if (!(v > 0)) return 0
  if (v >= max) return max
  return mode === 1 ? roundTiesEven(v) : Math.trunc(v)
}

/**
 * Fills the padding either side of `line[pad..pad + width * channels]` for `clamp` and `mirror`
 * (zero modes keep the zeros it was made with), so a tap at offset `i * channels` from sample
 * `s` reads exactly what position `x + i - r` reads.
 */
function padLine(line: Float32Array, cols: Int32Array, width: number, channels: number, r: number, border: BorderMode): void {
  if (border !== 'clamp' && border !== 'mirror') return
  const pad = r * channels
  for (let p = 0; p < r; p++) {
    for (let c = 0; c < channels; c++) {
      line[p * channels + c] = line[pad + cols[p] * channels + c]
      line[pad + (width + p) * channels + c] = line[pad + cols[width + r + p] * channels + c]
    }
  }
}

/** Copies the samples a filter leaves alone: channels outside the mask, and those whose scale is 0. */
function copyUntouched(src: ImageSamples, out: ImageSamples, at: number, n: number, channels: number, mask: number, copy: (s: number) => boolean): void {
  for (let s = 0; s < n; s++) {
    if ((mask & (1 << s % channels)) === 0 || copy(s)) out[at + s] = src[at + s]
  }
}

/**
 * Below this many multiply-adds the direct loops run: they allocate nothing, where the line
 * buffers' setup costs microseconds, more than a tiny image's whole work.
 */
export const DIRECT_MAX_TAPS = 1 << 12

/**
 * 2D correlation of `src` with `kernel` (`kernelWidth` x `kernelHeight`, row-major, odd sizes)
 * into `out` (same shape and type).
 */
export function convolve(src: ImageSamples, out: ImageSamples, plan: ConvolvePlan, kernel: Float32Array, kernelWidth: number, kernelHeight: number): void {
  if (src.length * kernel.length <= DIRECT_MAX_TAPS) convolveDirect(src, out, plan, kernel, kernelWidth, kernelHeight)
  else convolveLines(src, out, plan, kernel, kernelWidth, kernelHeight)
}

/** Separable correlation: rows combined with `ky` first, then columns with `kx`. */
export function convolveSeparable(src: ImageSamples, out: ImageSamples, plan: ConvolvePlan, kx: Float32Array, ky: Float32Array): void {
  if (src.length * (kx.length + ky.length) <= DIRECT_MAX_TAPS) convolveSeparableDirect(src, out, plan, kx, ky)
  else convolveSeparableLines(src, out, plan, kx, ky)
}

/**
 * `convolve` one sample and one tap at a time, allocating nothing: the in-image weights are
 * summed (float64, row-major) along the way for `renormalize`.
 */
export function convolveDirect(src: ImageSamples, out: ImageSamples, plan: ConvolvePlan, kernel: Float32Array, kernelWidth: number, kernelHeight: number): void {
  const { width, height, channels, border, channelMask } = plan
  const rx = (kernelWidth - 1) / 2
  const ry = (kernelHeight - 1) / 2
  const mode = storeMode(out, plan.rounding)
  const max = typedArrayTag(out) === 'Uint16Array' ? 65535 : 255
  const renormalize = border === 'renormalize'
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const at = (y * width + x) * channels + c
        if ((channelMask & (1 << c)) === 0) {
          out[at] = src[at]
          continue
        }
        let acc = 0
        let weights = 0
        for (let j = 0; j < kernelHeight; j++) {
          const py = y + j - ry
          const sy = py >= 0 && py < height ? py : borderIndex(py, height, border)
          if (sy < 0) continue
          for (let i = 0; i < kernelWidth; i++) {
            const px = x + i - rx
            const sx = px >= 0 && px < width ? px : borderIndex(px, width, border)
            if (sx < 0) continue
            const w = kernel[j * kernelWidth + i]
            acc = Math.fround(acc + Math.fround(w * src[(sy * width + sx) * channels + c]))
            weights += w
          }
        }
        if (renormalize) {
          if (weights === 0) {
            out[at] = src[at]
            continue
          }
          acc = Math.fround(acc * Math.fround(1 / weights))
        }
        out[at] = toSample(acc, mode, max)
      }
    }
  }
}

/** `convolveSeparable` one sample at a time, allocating nothing. */
export function convolveSeparableDirect(src: ImageSamples, out: ImageSamples, plan: ConvolvePlan, kx: Float32Array, ky: Float32Array): void {
  const { width, height, channels, border, channelMask } = plan
  const rx = (kx.length - 1) / 2
  const ry = (ky.length - 1) / 2
  const mode = storeMode(out, plan.rounding)
  const max = typedArrayTag(out) === 'Uint16Array' ? 65535 : 255
  const renormalize = border === 'renormalize'
  for (let y = 0; y < height; y++) {
    let weightsY = 0
    for (let j = 0; j < ky.length; j++) if (borderIndex(y + j - ry, height, border) >= 0) weightsY += ky[j]
    for (let x = 0; x < width; x++) {
      let weightsX = 0
      for (let i = 0; i < kx.length; i++) if (borderIndex(x + i - rx, width, border) >= 0) weightsX += kx[i]
      for (let c = 0; c < channels; c++) {
        const at = (y * width + x) * channels + c
        if ((channelMask & (1 << c)) === 0 || (renormalize && (weightsX === 0 || weightsY === 0))) {
          out[at] = src[at]
          continue
        }
        let acc = 0
        for (let i = 0; i < kx.length; i++) {
          const px = x + i - rx
            const sx = px >= 0 && px < width ? px : borderIndex(px, width, border)
          if (sx < 0) continue
          // The vertical sum at column sx, exactly as the line loops compute it.
          let line = 0
          for (let j = 0; j < ky.length; j++) {
            const py = y + j - ry
          const sy = py >= 0 && py < height ? py : borderIndex(py, height, border)
            if (sy >= 0) line = Math.fround(line + Math.fround(ky[j] * src[(sy * width + sx) * channels + c]))
          }
          acc = Math.fround(acc + Math.fround(kx[i] * line))
        }
        if (renormalize) acc = Math.fround(Math.fround(acc * Math.fround(1 / weightsX)) * Math.fround(1 / weightsY))
        out[at] = toSample(acc, mode, max)
      }
    }
  }
}

/** `convolve` over padded float32 lines: every source row widened once, taps read without branches. */
export function convolveLines(src: ImageSamples, out: ImageSamples, plan: ConvolvePlan, kernel: Float32Array, kernelWidth: number, kernelHeight: number): void {
  const { width, height, channels, border, channelMask } = plan
  const rx = (kernelWidth - 1) / 2
  const ry = (kernelHeight - 1) / 2
  const cols = axisMap(width, rx, border)
  const rows = axisMap(height, ry, border)
  const mode = storeMode(out, plan.rounding)
  const max = typedArrayTag(out) === 'Uint16Array' ? 65535 : 255
  const renormalize = border === 'renormalize'
  const n = width * channels
  const pad = rx * channels
  const stride = n + 2 * pad
  // Every source row widened to float32 and padded once; taps then read without branches.
  const wide = new Float32Array(height * stride)
  for (let y = 0; y < height; y++) {
    const line = wide.subarray(y * stride, (y + 1) * stride)
    for (let s = 0; s < n; s++) line[pad + s] = src[y * n + s]
    padLine(line, cols, width, channels, rx, border)
  }
  // Per output row: float32(1/S) for each pixel (0 = copy the source), cached by the row's
  // in-image kernel rows, which only differ near the top and bottom edges.
  const scaleCache = new Map<number, Float32Array>()
  const rowScales = (y: number): Float32Array => {
    const j0 = Math.max(0, ry - y)
    const j1 = Math.min(kernelHeight - 1, height - 1 - y + ry)
    const key = j0 * 64 + j1
    let scales = scaleCache.get(key)
    if (!scales) {
      scales = new Float32Array(width)
      for (let x = 0; x < width; x++) {
        const i0 = Math.max(0, rx - x)
        const i1 = Math.min(kernelWidth - 1, width - 1 - x + rx)
        let sum = 0
        for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) sum += kernel[j * kernelWidth + i]
        scales[x] = sum === 0 ? 0 : 1 / sum
      }
      scaleCache.set(key, scales)
    }
    return scales
  }
  const taps: number[] = []
  for (let y = 0; y < height; y++) {
    const scales = renormalize ? rowScales(y) : null
    taps.length = 0
    for (let j = 0; j < kernelHeight; j++) if (rows[y + j] >= 0) taps.push(j, rows[y + j] * stride)
    for (let s = 0; s < n; s++) {
      let acc = 0
      for (let t = 0; t < taps.length; t += 2) {
        const k = taps[t] * kernelWidth
        const base = taps[t + 1] + s
        for (let i = 0; i < kernelWidth; i++) acc = Math.fround(acc + Math.fround(kernel[k + i] * wide[base + i * channels]))
      }
      if (scales !== null) acc = Math.fround(acc * scales[(s / channels) | 0])
      out[y * n + s] = toSample(acc, mode, max)
    }
    copyUntouched(src, out, y * n, n, channels, channelMask, scales === null ? () => false : (s) => scales[(s / channels) | 0] === 0)
  }
}

/** `convolveSeparable` over a padded float32 line per output row. */
export function convolveSeparableLines(src: ImageSamples, out: ImageSamples, plan: ConvolvePlan, kx: Float32Array, ky: Float32Array): void {
  const { width, height, channels, border, channelMask } = plan
  const rx = (kx.length - 1) / 2
  const ry = (ky.length - 1) / 2
  const cols = axisMap(width, rx, border)
  const rows = axisMap(height, ry, border)
  const mode = storeMode(out, plan.rounding)
  const max = typedArrayTag(out) === 'Uint16Array' ? 65535 : 255
  const renormalize = border === 'renormalize'
  const scaleX = renormalize ? axisScales(kx, width) : null
  const scaleY = renormalize ? axisScales(ky, height) : null
  const zeroX = renormalize ? axisZero(kx, width) : null
  const zeroY = renormalize ? axisZero(ky, height) : null
  const n = width * channels
  const pad = rx * channels
  // Float32 storage rounds each sum as the arithmetic requires.
  const line = new Float32Array(n + 2 * pad)
  for (let y = 0; y < height; y++) {
    line.fill(0, pad, pad + n)
    for (let j = 0; j < ky.length; j++) {
      const sy = rows[y + j]
      if (sy < 0) continue
      const base = sy * n - pad
      const w = ky[j]
      for (let s = pad; s < pad + n; s++) line[s] += Math.fround(w * src[base + s])
    }
    padLine(line, cols, width, channels, rx, border)
    const at = y * n
    for (let s = 0; s < n; s++) {
      let acc = 0
      for (let i = 0; i < kx.length; i++) acc = Math.fround(acc + Math.fround(kx[i] * line[s + i * channels]))
      if (scaleX !== null) acc = Math.fround(Math.fround(acc * scaleX[(s / channels) | 0]) * scaleY![y])
      out[at + s] = toSample(acc, mode, max)
    }
    copyUntouched(src, out, at, n, channels, channelMask, zeroX === null ? () => false : (s) => zeroY![y] === 1 || zeroX[(s / channels) | 0] === 1)
  }
}

/**
 * Sampled Gaussian weights exp(-i² / (2σ²)) for i in -radius..radius, normalized to sum 1 in
 * float64, then rounded to float32.
 */
export function gaussianWeights(sigma: number, radius: number): Float32Array {
  const raw = new Float64Array(2 * radius + 1)
  let total = 0
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp(-(i * i) / (2 * sigma * sigma))
    raw[i + radius] = w
    total += w
  }
  const weights = new Float32Array(raw.length)
  for (let i = 0; i < raw.length; i++) weights[i] = raw[i] / total
  return weights
}
