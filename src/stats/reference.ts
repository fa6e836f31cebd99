/**
 * The pure-TypeScript statistics kernel: the test oracle, the fallback when no native binary
 * loads, and the path for the few values that are not worth a native call.
 *
 * A {@link MomentsState} holds the count, the mean and `m2` (the sum of squared deviations from
 * the mean) updated with Welford's method, the total as a Neumaier-compensated sum
 * (`sum + compensation`), and the extremes. Two states merge with Chan, Golub and LeVeque's
 * pairwise formula. The arithmetic is the same, operation for operation, as
 * `crates/hotpath-kernels/src/stats` (`Moments::add` and `Moments::merge`). These functions do
 * not validate: callers pass finite numbers only.
 */

/** The exact state of an accumulator. Empty: count, mean, m2, sum and compensation 0, min +Infinity, max -Infinity. */
export interface MomentsState {
  count: number
  mean: number
  m2: number
  sum: number
  compensation: number
  min: number
  max: number
}

/** A state with no values. */
export function emptyMoments(): MomentsState {
  return { count: 0, mean: 0, m2: 0, sum: 0, compensation: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }
}

/** Folds `values[from..to)` into `state` with Welford's update, one value at a time. */
export function addRange(state: MomentsState, values: ArrayLike<number>, from: number, to: number): void {
  let { count, mean, m2, sum, compensation, min, max } = state
  for (let i = from; i < to; i++) {
    const x = values[i]
    count++
    const delta = x - mean
    mean += delta / count
    m2 += delta * (x - mean)
    const t = sum + x
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum
    sum = t
    min = x < min ? x : min
    max = x > max ? x : max
  }
  state.count = count
  state.mean = mean
  state.m2 = m2
  state.sum = sum
  state.compensation = compensation
  state.min = min
  state.max = max
}

/** Folds one value into `state`. */
export function addValue(state: MomentsState, x: number): void {
  addRange(state, [x], 0, 1)
}

/** The state of `values` (Welford's update in order). */
export function momentsOf(values: ArrayLike<number>): MomentsState {
  const state = emptyMoments()
  addRange(state, values, 0, values.length)
  return state
}

/** Combines `other` into `into` (Chan et al.); `other` may be `into` itself. */
export function mergeMoments(into: MomentsState, other: MomentsState): void {
  const { count: nb, mean: mb, m2: m2b, sum: sb, compensation: cb, min: minb, max: maxb } = other
  if (nb === 0) return
  const na = into.count
  if (na === 0) {
    Object.assign(into, { count: nb, mean: mb, m2: m2b, sum: sb, compensation: cb, min: minb, max: maxb })
    return
  }
  const n = na + nb
  const delta = mb - into.mean
  into.mean += delta * (nb / n)
  into.m2 += m2b + delta * delta * (na * (nb / n))
  into.count = n
  const s = into.sum
  const t = s + sb
  into.compensation += Math.abs(s) >= Math.abs(sb) ? s - t + sb : sb - t + s
  into.sum = t
  into.compensation += cb
  into.min = minb < into.min ? minb : into.min
  into.max = maxb > into.max ? maxb : into.max
}

/** Index of the first NaN or infinite value of `values[from..to)`, or -1. */
export function firstNonFinite(values: ArrayLike<number>, from = 0, to = values.length): number {
  for (let i = from; i < to; i++) {
    const x = values[i]
    if (x - x !== 0) return i
  }
  return -1
}

/** Population variance `m2 / n`; NaN when empty. */
export function variance(state: MomentsState): number {
  return state.count === 0 ? Number.NaN : state.m2 / state.count
}

/** Sample variance `m2 / (n - 1)`; NaN with fewer than two values. */
export function sampleVariance(state: MomentsState): number {
  return state.count < 2 ? Number.NaN : state.m2 / (state.count - 1)
}
