/**
 * The vector benchmark: 10,000,000 elements, in one process on the same arrays, for plain
 * pure-TS loops (the baseline: what a JS programmer writes), hotpath, and the `simsimd` package
 * for dot and squared Euclidean distance when it is installed (a devDependency of this repository,
 * not of the published package). Plus the short-vector dispatch check: one call of hotpath vs
 * the plain loop at sizes around `VECTOR_NATIVE_MIN_ELEMENTS`.
 */
import { createRequire } from 'node:module'
import { native } from '../core/native.js'
import * as reference from '../vector/reference.js'
import { distancesFromOrigin, dot, norm, scale, scaleAndShift, sqEuclidean, sum, sumSquares } from '../vector/index.js'
import { interleavedMedians, sink } from './measure.js'
import type { SuiteOptions, SuiteReport, SuiteRow, SuiteRatio } from './suite.js'
import { BandwidthProbe, memoryThroughput } from './bandwidth.js'

interface SimSimd {
  dot(a: Float64Array | Float32Array, b: Float64Array | Float32Array): number
  sqeuclidean(a: Float64Array | Float32Array, b: Float64Array | Float32Array): number
}

function loadSimSimd(): SimSimd | null {
  try {
    return createRequire(import.meta.url)('simsimd') as SimSimd
  } catch {
    return null
  }
}

function randomArray<T extends Float64Array | Float32Array>(Type: new (n: number) => T, n: number): T {
  const a = new Type(n)
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1
  return a
}

// Plain loops, as a JS programmer writes them: the baseline every ratio is against.
function loopSum(x: Float64Array | Float32Array): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]
  return s
}
function loopDot(x: Float64Array | Float32Array, y: Float64Array | Float32Array): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i] * y[i]
  return s
}
function loopSqEuclidean(x: Float64Array | Float32Array, y: Float64Array | Float32Array): number {
  let s = 0
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - y[i]
    s += d * d
  }
  return s
}
function loopNorm(x: Float64Array | Float32Array): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i] * x[i]
  return Math.sqrt(s)
}
function loopScale(x: Float64Array | Float32Array, f: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= f
}
function loopScaleAndShift(x: Float64Array | Float32Array, s: number, t: number, out: Float64Array | Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] * s + t
}
function loopDistances(p: Float64Array | Float32Array, out: Float64Array): void {
  for (let i = 0, j = 0; j < out.length; i += 2, j++) out[j] = Math.sqrt(p[i] * p[i] + p[i + 1] * p[i + 1])
}

interface Case {
  op: string
  /** Bytes read and written per call, for the throughput column. */
  bytes: number
  /** Bytes of the distinct memory a call touches: the read bandwidth probe reads as much. */
  footprint: number
  /** Each returns a number (reductions) or nothing (maps): the sink must stay cheap. */
  loop: () => number | void
  hotpath: () => number | void
  simsimd?: () => number | void
  note: string
}

function tableRows(table: string, cases: Case[], rounds: number, probe: BandwidthProbe | null): SuiteRow[] {
  const rows: SuiteRow[] = []
  for (const c of cases) {
    const tasks: Record<string, () => unknown> = {
      loop: () => (sink.value += c.loop() || 0),
      hotpath: () => (sink.value += c.hotpath() || 0),
    }
    if (c.simsimd) tasks.simsimd = () => (sink.value += c.simsimd!() || 0)
    const ms = interleavedMedians(tasks, rounds)
    const bandwidth = probe?.at(c.footprint) ?? null
    rows.push({ table, name: `${c.op}: pure-TS loop`, medianMs: ms.loop, throughput: memoryThroughput(c.bytes, ms.loop, bandwidth), vsBaseline: 1 })
    rows.push({ table, name: `${c.op}: hotpath`, medianMs: ms.hotpath, throughput: memoryThroughput(c.bytes, ms.hotpath, bandwidth), vsBaseline: ms.loop / ms.hotpath, note: c.note })
    if (ms.simsimd !== undefined) {
      rows.push({ table, name: `${c.op}: simsimd`, medianMs: ms.simsimd, throughput: memoryThroughput(c.bytes, ms.simsimd, bandwidth), vsBaseline: ms.loop / ms.simsimd, note: 'naive f64 accumulation' })
    }
  }
  return rows
}

/** 10M-element throughput for f64 and f32 arrays. */
function throughput(n: number, rounds: number, simsimd: SimSimd | null, probe: BandwidthProbe | null, onProgress?: (m: string) => void): SuiteRow[] {
  const rows: SuiteRow[] = []
  for (const [Type, label] of [
    [Float64Array, 'f64'],
    [Float32Array, 'f32'],
  ] as const) {
    onProgress?.(`vector ${label}, ${n.toLocaleString('en-US')} elements`)
    const x = randomArray(Type as new (n: number) => Float64Array | Float32Array, n)
    const y = randomArray(Type as new (n: number) => Float64Array | Float32Array, n)
    const out = new (Type as new (n: number) => Float64Array | Float32Array)(n)
    const distances = new Float64Array(n / 2)
    const b = x.BYTES_PER_ELEMENT
    const cases: Case[] = [
      { op: 'sum', bytes: n * b, footprint: n * b, loop: () => loopSum(x), hotpath: () => sum(x), note: REDUCTION },
      { op: 'dot', bytes: 2 * n * b, footprint: 2 * n * b, loop: () => loopDot(x, y), hotpath: () => dot(x, y), note: REDUCTION, simsimd: simsimd ? () => simsimd.dot(x, y) : undefined },
      { op: 'sqEuclidean', bytes: 2 * n * b, footprint: 2 * n * b, loop: () => loopSqEuclidean(x, y), hotpath: () => sqEuclidean(x, y), note: REDUCTION, simsimd: simsimd ? () => simsimd.sqeuclidean(x, y) : undefined },
      { op: 'sumSquares', bytes: n * b, footprint: n * b, loop: () => loopDot(x, x), hotpath: () => sumSquares(x), note: REDUCTION },
      { op: 'norm', bytes: n * b, footprint: n * b, loop: () => loopNorm(x), hotpath: () => norm(x), note: REDUCTION },
      // Scaling by 1 keeps the data unchanged across rounds; the work is the same for any factor.
      { op: 'scale (in place)', bytes: 2 * n * b, footprint: n * b, loop: () => loopScale(x, 1), hotpath: () => void scale(x, 1), note: MAP },
      { op: 'scaleAndShift (out)', bytes: 2 * n * b, footprint: 2 * n * b, loop: () => loopScaleAndShift(x, 2, 1, out), hotpath: () => void scaleAndShift(x, 2, 1, { out }), note: MAP },
      { op: 'distancesFromOrigin', bytes: n * b + (n / 2) * 8, footprint: n * b + (n / 2) * 8, loop: () => loopDistances(x, distances), hotpath: () => void distancesFromOrigin(x, { out: distances }), note: MAP },
    ]
    rows.push(...tableRows(`Vector ${label}, ${n.toLocaleString('en-US')} elements (ratios vs the plain loop)`, cases, rounds, probe))
  }
  return rows
}

const CALLS_PER_SAMPLE = 2000
const REDUCTION = 'compensated (Dot2), all threads'
const MAP = 'same bits as the loop, all threads; GB/s counts bytes read and written'

/** One call on short vectors: the plain loop, hotpath as dispatched, and the native call alone. */
function dispatch(sizes: number[], rounds: number): SuiteRow[] {
  const rows: SuiteRow[] = []
  const direct = native?.vectorFastCalls()
  for (const n of sizes) {
    const vectors = Array.from({ length: 16 }, () => randomArray(Float64Array, n))
    const others = Array.from({ length: 16 }, () => randomArray(Float64Array, n))
    // One loop literal per task: V8 shares type feedback between closures of one literal.
    const tasks: Record<string, () => unknown> = {
      loop: () => {
        let acc = 0
        for (let i = 0; i < CALLS_PER_SAMPLE; i++) acc += loopDot(vectors[i & 15], others[i & 15])
        sink.value += acc
      },
      hotpath: () => {
        let acc = 0
        for (let i = 0; i < CALLS_PER_SAMPLE; i++) acc += dot(vectors[i & 15], others[i & 15])
        sink.value += acc
      },
      reference: () => {
        let acc = 0
        for (let i = 0; i < CALLS_PER_SAMPLE; i++) acc += reference.dot(vectors[i & 15], others[i & 15])
        sink.value += acc
      },
    }
    if (direct) {
      tasks.native = () => {
        let acc = 0
        for (let i = 0; i < CALLS_PER_SAMPLE; i++) acc += direct.dot(vectors[i & 15], others[i & 15])
        sink.value += acc
      }
    }
    const ms = interleavedMedians(tasks, rounds)
    const table = 'Vector dispatch: one dot call on short f64 vectors (per call; ratios vs the plain loop)'
    for (const [name, key] of [
      ['plain loop', 'loop'],
      ['hotpath dot (dispatched)', 'hotpath'],
      ['pure-TS compensated', 'reference'],
      ['native call alone', 'native'],
    ] as const) {
      if (ms[key] === undefined) continue
      rows.push({ table, name: `n = ${n}: ${name}`, medianMs: ms[key] / CALLS_PER_SAMPLE, vsBaseline: ms.loop / ms[key], size: n, sizeUnit: 'elements per vector', series: name })
    }
  }
  return rows
}

export async function runVectorBench(options: SuiteOptions): Promise<SuiteReport> {
  const n = options.quick ? 200_000 : 10_000_000
  const simsimd = loadSimSimd()
  // The quick sizes are too small for a fraction of the bandwidth to mean anything.
  const probe = options.quick || !native ? null : new BandwidthProbe(15)
  const rows = throughput(n, options.quick ? 5 : 15, simsimd, probe, options.onProgress)
  options.onProgress?.('vector dispatch')
  rows.push(...dispatch(options.quick ? [16, 256] : [4, 16, 32, 64, 128, 256, 1024], options.quick ? 20 : 200))
  const find = (name: string, prefix = 'Vector f64') => rows.find((r) => r.table.startsWith(prefix) && r.name === name)
  const ratio = (a: string, b: string) => {
    const x = find(a)
    const y = find(b)
    return x && y ? y.medianMs / x.medianMs : undefined
  }
  const ratios: SuiteRatio[] = []
  const add = (label: string, value: number | undefined, kind: SuiteRatio['kind'] = 'speedup') => {
    if (value !== undefined) ratios.push({ label, value, kind })
  }
  add('sum f64 vs pure-TS loop', find('sum: hotpath')?.vsBaseline)
  add('dot f64 vs pure-TS loop', find('dot: hotpath')?.vsBaseline)
  add('dot f64 vs simsimd', ratio('dot: hotpath', 'dot: simsimd'))
  add('sqEuclidean f64 vs simsimd', ratio('sqEuclidean: hotpath', 'sqEuclidean: simsimd'))
  const skipped: string[] = []
  if (!simsimd) skipped.push('simsimd rows: simsimd is not installed (npm install simsimd to compare)')
  if (!probe) skipped.push(options.quick ? 'fraction of read bandwidth: not measured by --quick (its inputs fit in cache)' : 'fraction of read bandwidth: the probe needs the native binary')
  const dotRow = find('dot: hotpath')
  const dotProbe = probe?.at(2 * n * 8)
  if (dotProbe && dotRow) add(`dot f64, share of the read bandwidth probe (${dotProbe.gbPerSec.toFixed(1)} GB/s)`, (2 * n * 8) / dotRow.medianMs / 1e6 / dotProbe.gbPerSec, 'fraction')
  return { rows, ratios, skipped, ...(probe ? { readBandwidth: probe.measured } : {}) }
}
