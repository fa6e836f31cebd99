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

/** Stores a float32 sum into a sample of `out`'s type. */
function storer(out: ImageSamples, rounding: RoundingMode): (v: number) => number {
  if (out instanceof Float32Array) return (v) => v
  const max = out instanceof Uint16Array ? 65535 : 255
  const round = rounding === 'round' ? roundTiesEven : Math.trunc
  return (v) => {
    if (!(v > 0)) return 0
    if (v >= max) return max
    return round(v)
  }
}

/**
 * 2D correlation of `src` with `kernel` (`kernelWidth` x `kernelHeight`, row-major, odd sizes)
 * into `out` (same shape and type).
 */
export function convolve(src: ImageSamples, out: ImageSamples, plan: ConvolvePlan, kernel: Float32Array, kernelWidth: number, kernelHeight: number): void {
  const { width, height, channels, border, channelMask } = plan
  const rx = (kernelWidth - 1) / 2
  const ry = (kernelHeight - 1) / 2
  const cols = axisMap(width, rx, border)
  const rows = axisMap(height, ry, border)
  const store = storer(out, plan.rounding)
  const renormalize = border === 'renormalize'
  // Per output row: float32(1/S) for each column (0 = copy the source), cached by the row's
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
        let s = 0
        for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) s += kernel[j * kernelWidth + i]
        scales[x] = s === 0 ? 0 : 1 / s
      }
      scaleCache.set(key, scales)
    }
    return scales
  }
  for (let y = 0; y < height; y++) {
    const scales = renormalize ? rowScales(y) : null
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels
      for (let c = 0; c < channels; c++) {
        if ((channelMask & (1 << c)) === 0 || (scales !== null && scales[x] === 0)) {
          out[at + c] = src[at + c]
          continue
        }
        let acc = 0
        for (let j = 0; j < kernelHeight; j++) {
          const sy = rows[y + j]
          if (sy < 0) continue
          const rowBase = sy * width
          for (let i = 0; i < kernelWidth; i++) {
            const sx = cols[x + i]
            if (sx < 0) continue
            acc = Math.fround(acc + Math.fround(kernel[j * kernelWidth + i] * src[(rowBase + sx) * channels + c]))
          }
        }
        if (scales !== null) acc = Math.fround(acc * scales[x])
        out[at + c] = store(acc)
      }
    }
  }
}

/** Separable correlation: rows combined with `ky` first, then columns with `kx`. */
export function convolveSeparable(src: ImageSamples, out: ImageSamples, plan: ConvolvePlan, kx: Float32Array, ky: Float32Array): void {
  const { width, height, channels, border, channelMask } = plan
  const rx = (kx.length - 1) / 2
  const ry = (ky.length - 1) / 2
  const cols = axisMap(width, rx, border)
  const rows = axisMap(height, ry, border)
  const store = storer(out, plan.rounding)
  const renormalize = border === 'renormalize'
  const scaleX = renormalize ? axisScales(kx, width) : null
  const scaleY = renormalize ? axisScales(ky, height) : null
  const zeroX = renormalize ? axisZero(kx, width) : null
  const zeroY = renormalize ? axisZero(ky, height) : null
  const line = new Float32Array(width * channels)
  for (let y = 0; y < height; y++) {
    line.fill(0)
    for (let j = 0; j < ky.length; j++) {
      const sy = rows[y + j]
      if (sy < 0) continue
      const base = sy * width * channels
      const w = ky[j]
      for (let s = 0; s < line.length; s++) line[s] = Math.fround(line[s] + Math.fround(w * src[base + s]))
    }
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels
      const copy = zeroX !== null && (zeroX[x] === 1 || zeroY![y] === 1)
      for (let c = 0; c < channels; c++) {
        if (copy || (channelMask & (1 << c)) === 0) {
          out[at + c] = src[at + c]
          continue
        }
        let acc = 0
        for (let i = 0; i < kx.length; i++) {
          const sx = cols[x + i]
          if (sx < 0) continue
          acc = Math.fround(acc + Math.fround(kx[i] * line[sx * channels + c]))
        }
        if (scaleX !== null) acc = Math.fround(Math.fround(acc * scaleX[x]) * scaleY![y])
        out[at + c] = store(acc)
      }
    }
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
