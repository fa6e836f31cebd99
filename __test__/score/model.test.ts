/**
 * RiskModel construction, `score` and `scoreBatch`: the documented shapes, options and values,
 * checked against the pure-TS oracle (src/score/reference.ts).
 */
import { describe, expect, it } from 'vitest'
import { RiskModel, runtimeInfo } from '../../src/index.js'
import { F32_TOL, F64_TOL, assertScores, makeRows, makeWeights, reference, referenceOne, rowOf } from '../helpers/data.js'

const D = 20

describe('RiskModel construction', () => {
  it('runs on the native backend in this test environment', () => {
    // Every parity test below compares native code with the oracle only if native code loaded.
    expect(runtimeInfo().backend).toBe('native')
  })

  it('exposes features (D) and threshold, defaulting the threshold to 0.5', () => {
    const model = new RiskModel({ weights: makeWeights(D) })
    expect(model.features).toBe(D)
    expect(model.threshold).toBe(0.5)
    const other = new RiskModel({ weights: [1, 2, 3], threshold: -2.25 })
    expect(other.features).toBe(3)
    expect(other.threshold).toBe(-2.25)
  })

  it.each([
    ['number[]', (w: Float64Array) => Array.from(w)],
    ['Float64Array', (w: Float64Array) => Float64Array.from(w)],
    ['Float32Array', (w: Float64Array) => Float32Array.from(w)],
  ])('accepts weights as %s', (_name, convert) => {
    const weights = convert(makeWeights(D, 7))
    const model = new RiskModel({ weights, threshold: 0.25 })
    const rows = makeRows(300, D, 8)
    // Float32 weights are used at their f32 values.
    const expected = reference(rows, Float64Array.from(weights), 0.25)
    assertScores(model.scoreBatch(rows), expected, F64_TOL)
    expect(model.score(rowOf(rows, 3, D))).toBe(referenceOne(rowOf(rows, 3, D), Float64Array.from(weights), 0.25))
  })

  it('accepts D = 1', () => {
    const model = new RiskModel({ weights: [2] })
    expect(model.features).toBe(1)
    const rows = Float64Array.from({ length: 1000 }, (_, i) => i / 100 - 5)
    assertScores(model.scoreBatch(rows), reference(rows, [2]), F64_TOL)
  })

  it('keeps its own copy of the weights (later changes to the caller array have no effect)', () => {
    const weights = makeWeights(D, 3)
    const model = new RiskModel({ weights })
    const rows = makeRows(50, D, 4)
    const before = model.scoreBatch(rows)
    const vectorBefore = model.score(rowOf(rows, 0, D))
    weights.fill(100)
    expect(model.scoreBatch(rows)).toEqual(before)
    expect(model.score(rowOf(rows, 0, D))).toBe(vectorBefore)
  })
})

describe('score(features)', () => {
  const weights = makeWeights(D, 11)
  const model = new RiskModel({ weights, threshold: 0.75 })

  it('computes 1 / (1 + exp(-sqrt(sum (f_i w_i)^2) + t))', () => {
    const m = new RiskModel({ weights: new Float64Array(20).fill(0.1), threshold: 0.5 })
    const expected = 1 / (1 + Math.exp(0.5 - Math.sqrt(20 * 0.01)))
    expect(m.score(new Float64Array(20).fill(1))).toBeCloseTo(expected, 14)
    expect(m.score(new Float64Array(20).fill(1))).toBeCloseTo(0.4868064622771346, 14)
  })

  it('scores number[], Float64Array and Float32Array vectors like the oracle', () => {
    const rows = makeRows(64, D, 12)
    for (let i = 0; i < 64; i++) {
      const row = rowOf(rows, i, D)
      const expected = referenceOne(row, weights, 0.75)
      expect(model.score(row)).toBe(expected)
      expect(model.score(Array.from(row))).toBe(expected)
      const f32 = Float32Array.from(row)
      expect(model.score(f32)).toBe(referenceOne(f32, weights, 0.75))
    }
  })

  it('returns NaN for a vector containing NaN', () => {
    const v = Array.from(makeRows(1, D, 5))
    v[7] = Number.NaN
    expect(model.score(v)).toBeNaN()
    expect(model.score(Float64Array.from(v))).toBeNaN()
    expect(model.score(Float32Array.from(v))).toBeNaN()
  })

  it('scores long vectors (which score() sends to native code) like the oracle', () => {
    // The facade's JS/native cut-over for one vector has moved between 256 and 1024 features;
    // these widths cover both sides of any cut-over up to 4096.
    for (const d of [256, 257, 1023, 1024, 1025, 2048, 4096, 5000]) {
      const w = makeWeights(d, d)
      const m = new RiskModel({ weights: w, threshold: 1 })
      const rows = makeRows(4, d, d + 1)
      for (let i = 0; i < 4; i++) {
        const row = rowOf(rows, i, d)
        expect(m.score(row)).toBeCloseTo(referenceOne(row, w, 1), 12)
        const f32 = Float32Array.from(row)
        const got = m.score(f32)
        const want = referenceOne(f32, w, 1)
        expect(Math.abs(got - want)).toBeLessThanOrEqual(F32_TOL * Math.abs(want))
        expect(m.score(Array.from(row))).toBeCloseTo(referenceOne(row, w, 1), 12)
      }
      const nan = Float64Array.from(rowOf(rows, 0, d))
      nan[d - 1] = Number.NaN
      expect(m.score(nan)).toBeNaN()
    }
  })

  it('saturates: huge sums give 1, a huge threshold gives 0 or a tiny positive score', () => {
    const m = new RiskModel({ weights: [1, 1], threshold: 0.5 })
    expect(m.score([1e200, 1e200])).toBe(1)
    expect(m.score([Number.POSITIVE_INFINITY, 0])).toBe(1)
    const high = new RiskModel({ weights: [1], threshold: 800 })
    expect(high.score([0])).toBe(0)
    const t700 = new RiskModel({ weights: [1], threshold: 700 })
    expect(t700.score([0])).toBeCloseTo(1 / (1 + Math.exp(700)), 320)
    const low = new RiskModel({ weights: [1], threshold: -800 })
    expect(low.score([0])).toBe(1)
  })
})

describe('scoreBatch(rows, options)', () => {
  const weights = makeWeights(D, 21)
  const model = new RiskModel({ weights, threshold: 0.3 })

  it.each([0, 1, 5, 6, 7, 100, 4095, 4096, 8191, 8192, 8193, 20_000])('scores %i rows of a Float64Array like the oracle', (n) => {
    const rows = makeRows(n, D, n)
    const expected = reference(rows, weights, 0.3)
    const scores = model.scoreBatch(rows)
    expect(scores).toBeInstanceOf(Float64Array)
    expect(scores.length).toBe(n)
    assertScores(scores, expected, F64_TOL, 'default')
    assertScores(model.scoreBatch(rows, { parallel: false }), expected, F64_TOL, 'parallel: false')
    assertScores(model.scoreBatch(rows, { parallel: true }), expected, F64_TOL, 'parallel: true')
  })

  it.each([0, 3, 7, 1000, 9000])('scores %i rows of a Float32Array like the oracle on the same f32 values', (n) => {
    const rows = Float32Array.from(makeRows(n, D, n + 1))
    const expected = reference(rows, weights, 0.3)
    assertScores(model.scoreBatch(rows), expected, F32_TOL)
    assertScores(model.scoreBatch(rows, { parallel: false }), expected, F32_TOL)
  })

  it('accepts an array of feature vectors (number[], Float64Array and Float32Array mixed)', () => {
    const rows = makeRows(40, D, 30)
    const vectors = Array.from({ length: 40 }, (_, i) => {
      const row = rowOf(rows, i, D)
      return i % 3 === 0 ? Array.from(row) : i % 3 === 1 ? Float64Array.from(row) : Float32Array.from(row)
    })
    const flat = new Float64Array(40 * D)
    vectors.forEach((v, i) => flat.set(v, i * D))
    assertScores(model.scoreBatch(vectors), reference(flat, weights, 0.3), F64_TOL)
    expect(model.scoreBatch([])).toEqual(new Float64Array(0))
  })

  it('writes into `out` and returns `out` itself', () => {
    for (const n of [3, 500, 10_000]) {
      const rows = makeRows(n, D, n + 2)
      const out = new Float64Array(n).fill(-1)
      const result = model.scoreBatch(rows, { out })
      expect(result).toBe(out)
      assertScores(out, reference(rows, weights, 0.3), F64_TOL)
      const out2 = new Float64Array(n)
      expect(model.scoreBatch(rows, { out: out2, parallel: false })).toBe(out2)
      assertScores(out2, out, 0)
      const out3 = new Float64Array(n)
      expect(model.scoreBatch(Float32Array.from(rows), { out: out3 })).toBe(out3)
      const vectors = Array.from({ length: n }, (_, i) => rowOf(rows, i, D))
      const out4 = new Float64Array(n)
      expect(model.scoreBatch(vectors, { out: out4 })).toBe(out4)
      assertScores(out4, out, F64_TOL)
    }
  })

  it('accepts `out` in the same buffer as `rows` when the views do not overlap', () => {
    const n = 1000
    const buffer = new ArrayBuffer(8 * (n * D + n))
    const rows = new Float64Array(buffer, 0, n * D)
    rows.set(makeRows(n, D, 40))
    const out = new Float64Array(buffer, 8 * n * D, n)
    expect(model.scoreBatch(rows, { out })).toBe(out)
    assertScores(out, reference(rows, weights, 0.3), F64_TOL)
  })

  it('reads rows at a byte offset (subarray views) and SharedArrayBuffer-backed rows', () => {
    const n = 700
    const all = makeRows(n + 3, D, 41)
    const view = all.subarray(3 * D)
    assertScores(model.scoreBatch(view), reference(view, weights, 0.3), F64_TOL)
    const shared = new Float64Array(new SharedArrayBuffer(8 * n * D))
    shared.set(view)
    assertScores(model.scoreBatch(shared), reference(view, weights, 0.3), F64_TOL)
  })

  it('does not modify its input', () => {
    const rows = makeRows(9000, D, 42)
    const copy = rows.slice()
    model.scoreBatch(rows)
    model.scoreBatch(rows, { parallel: false })
    model.scoreBatch(rows, { out: new Float64Array(9000) })
    // Bitwise comparison; toEqual on large typed arrays is slow.
    expect(Buffer.compare(Buffer.from(rows.buffer), Buffer.from(copy.buffer))).toBe(0)
  })

  it.each([10, 6000, 20_000])('a NaN in a row gives NaN for that row only (%i rows)', (n) => {
    const rows = makeRows(n, D, 43)
    const nanRows = new Set([0, Math.floor(n / 2), n - 1])
    for (const r of nanRows) rows[r * D + (r % D)] = Number.NaN
    for (const [name, input] of [
      ['f64', rows],
      ['f32', Float32Array.from(rows)],
    ] as const) {
      for (const parallel of [true, false]) {
        const scores = model.scoreBatch(input, { parallel })
        const nanAt: number[] = []
        for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) nanAt.push(i)
        expect(nanAt, `${name} parallel=${parallel}`).toEqual([...nanRows].sort((a, b) => a - b))
        assertScores(scores, reference(input, weights, 0.3), name === 'f32' ? F32_TOL : F64_TOL)
      }
    }
  })

  it('scores rows with D = 1..33 across SIMD tail widths like the oracle', () => {
    for (let d = 1; d <= 33; d++) {
      const w = makeWeights(d, d * 3)
      const m = new RiskModel({ weights: w, threshold: -0.5 })
      const rows = makeRows(517, d, d * 5)
      assertScores(m.scoreBatch(rows), reference(rows, w, -0.5), F64_TOL, `D=${d}`)
      const f32 = Float32Array.from(rows)
      assertScores(m.scoreBatch(f32), reference(f32, w, -0.5), F32_TOL, `D=${d} f32`)
    }
  })
})
