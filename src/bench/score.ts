/**
 * The risk-score benchmark: one-call latency (native, reference, dispatched), the dispatch
 * thresholds, and batch throughput from 1e3 to 5e6 rows for the pure-TS reference, native on one
 * thread and on all threads, f32 input, async and stream. Everything runs in this process on the
 * same inputs, and every figure is also reported as a ratio to the plain JS loop a user would write
 * (typed arrays, one accumulator, no allocation) and to the reference, both measured in the run.
 */
import { Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { native } from '../core/native.js'
import { scoreRow, scoreRows } from '../score/reference.js'
import { RiskModel } from '../score/index.js'
import { NativeBuffer } from '../memory/index.js'
import { interleavedMedians, interleavedMediansAsync, medians, sink } from './measure.js'

export interface BenchResult {
  section: 'single call' | 'dispatch' | 'throughput'
  name: string
  /** Rows per call (N), or 1 for single calls. */
  rows: number
  features: number
  /** Median milliseconds per call. */
  medianMs: number
  /** Millions of rows per second. */
  mRowsPerSec: number
  /** Speed relative to the pure-TS reference on the same input in this run (higher is faster). */
  vsReference: number
  /** Speed relative to the plain JS loop a user would write, same input, this run. */
  vsPlainLoop: number
}

export interface ScoreBenchOptions {
  sizes: number[]
  features: number
  onProgress?: (message: string) => void
}

const SINGLE_CALLS_PER_SAMPLE = 1000

function randomRows(n: number, d: number): Float64Array {
  const rows = new Float64Array(n * d)
  for (let i = 0; i < rows.length; i++) rows[i] = Math.random() * 2 - 1
  return rows
}

function weightsFor(d: number): Float64Array {
  return Float64Array.from({ length: d }, (_, i) => 0.05 + (i % 20) * 0.01)
}

/** The native entry points `RiskModel` itself uses, without its JS dispatch, for the dispatch tables. */
function directNative(weights: Float64Array) {
  if (!native) return null
  return new native.NativeRiskModel(weights, 0.5).fastCalls()
}

function result(section: BenchResult['section'], name: string, rows: number, features: number, medianMs: number, baselines: { reference: number; plain: number }): BenchResult {
  return { section, name, rows, features, medianMs, mRowsPerSec: rows / medianMs / 1e3, vsReference: baselines.reference / medianMs, vsPlainLoop: baselines.plain / medianMs }
}

/** The risk score as a JS programmer writes it for one row: one accumulator, no helper. */
function plainScore(x: Float64Array, weights: Float64Array, threshold: number): number {
  let s = 0
  for (let j = 0; j < weights.length; j++) {
    const p = x[j] * weights[j]
    s += p * p
  }
  return 1 / (1 + Math.exp(threshold - Math.sqrt(s)))
}

/** The same over row-major rows into `out`: typed arrays, no allocation in the loop. */
function plainScoreRows(rows: Float64Array, weights: Float64Array, threshold: number, out: Float64Array): void {
  const d = weights.length
  for (let r = 0, o = 0; r < out.length; r++, o += d) {
    let s = 0
    for (let j = 0; j < d; j++) {
      const p = rows[o + j] * weights[j]
      s += p * p
    }
    out[r] = 1 / (1 + Math.exp(threshold - Math.sqrt(s)))
  }
}

/** One call at a time: SINGLE_CALLS_PER_SAMPLE calls per sample, over 64 different vectors. */
async function singleCalls(d: number, tasks: Array<'plain loop' | 'reference' | 'native' | 'dispatched' | 'dispatched number[]'>): Promise<Record<string, number>> {
  const weights = weightsFor(d)
  const model = new RiskModel({ weights })
  const direct = directNative(weights)
  const vectors = Array.from({ length: 64 }, () => randomRows(1, d))
  const plain = vectors.map((v) => Array.from(v))
  // One loop literal per case, not a shared helper taking a callback: V8 shares feedback between
  // closures of one literal, so a shared loop would be optimized for whichever case ran first and
  // deoptimized (made slower) for the others.
  const all = {
    'plain loop': () => {
      let acc = 0
      for (let i = 0; i < SINGLE_CALLS_PER_SAMPLE; i++) acc += plainScore(vectors[i & 63], weights, 0.5)
      sink.value += acc
    },
    reference: () => {
      let acc = 0
      for (let i = 0; i < SINGLE_CALLS_PER_SAMPLE; i++) acc += scoreRow(vectors[i & 63], 0, weights, 0.5)
      sink.value += acc
    },
    native: () => {
      let acc = 0
      for (let i = 0; i < SINGLE_CALLS_PER_SAMPLE; i++) acc += direct!.scoreF64(vectors[i & 63])
      sink.value += acc
    },
    dispatched: () => {
      let acc = 0
      for (let i = 0; i < SINGLE_CALLS_PER_SAMPLE; i++) acc += model.score(vectors[i & 63])
      sink.value += acc
    },
    'dispatched number[]': () => {
      let acc = 0
      for (let i = 0; i < SINGLE_CALLS_PER_SAMPLE; i++) acc += model.score(plain[i & 63])
      sink.value += acc
    },
  }
  const chosen = Object.fromEntries(tasks.filter((t) => t !== 'native' || direct).map((t) => [t, all[t]]))
  const ms = interleavedMedians(chosen, 300)
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v / SINGLE_CALLS_PER_SAMPLE]))
}

/** The pure-JS equivalent of `scoreStream`: an object-mode Transform scoring each vector as it comes. */
function referenceStream(weights: Float64Array): Transform {
  return new Transform({
    objectMode: true,
    highWaterMark: 4096,
    transform(vector: Float64Array, _encoding, callback) {
      callback(null, scoreRow(vector, 0, weights, 0.5))
    },
  })
}

/** A binary file's read stream, as far as the scorer sees it: 64 KiB chunks of the rows' bytes. */
function byteChunks(rows: Float64Array): Buffer[] {
  const bytes = Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength)
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536))
  return chunks
}

async function rowStreamOnce(model: RiskModel, chunks: Buffer[], n: number): Promise<void> {
  let received = 0
  await pipeline(
    Readable.from(chunks),
    model.scoreRowStream(),
    new Writable({
      objectMode: true,
      write(scores: Float64Array, _encoding, callback) {
        sink.value += scores[0]!
        received += scores.length
        callback()
      },
    }),
  )
  if (received !== n) throw new Error(`row stream produced ${received} scores for ${n} rows`)
}

async function streamOnce(scorer: Transform, rows: Float64Array, d: number): Promise<void> {
  const n = rows.length / d
  let received = 0
  await pipeline(
    Readable.from(
      (function* () {
        for (let r = 0; r < n; r++) yield rows.subarray(r * d, (r + 1) * d)
      })(),
    ),
    scorer,
    new Writable({
      objectMode: true,
      highWaterMark: 4096,
      write(score: number, _encoding, callback) {
        sink.value += score
        received++
        callback()
      },
    }),
  )
  if (received !== n) throw new Error(`stream produced ${received} scores for ${n} rows`)
}

export async function runScoreBench(options: ScoreBenchOptions): Promise<BenchResult[]> {
  const progress = options.onProgress ?? (() => {})
  const d = options.features
  const results: BenchResult[] = []

  progress(`single call, ${d} features`)
  const single = await singleCalls(d, ['plain loop', 'reference', 'native', 'dispatched', 'dispatched number[]'])
  for (const [name, ms] of Object.entries(single)) results.push(result('single call', name, 1, d, ms, { reference: single.reference, plain: single['plain loop'] }))

  progress('dispatch thresholds')
  for (const wide of [64, 128, 256, 1024]) {
    const ms = await singleCalls(wide, ['plain loop', 'reference', 'native'])
    for (const [name, m] of Object.entries(ms)) results.push(result('dispatch', `score ${name}`, 1, wide, m, { reference: ms.reference, plain: ms['plain loop'] }))
  }
  for (const n of [1, 4, 8, 16, 64]) {
    const weights = weightsFor(d)
    const rows = randomRows(n, d)
    const out = new Float64Array(n)
    const direct = directNative(weights)
    const tasks: Record<string, () => unknown> = {
      'plain loop': () => {
        for (let i = 0; i < 100; i++) plainScoreRows(rows, weights, 0.5, out)
      },
      reference: () => {
        for (let i = 0; i < 100; i++) scoreRows(rows, weights, 0.5, out)
      },
    }
    if (direct) {
      tasks.native = () => {
        for (let i = 0; i < 100; i++) direct.scoreBatchF64(rows, out, true)
      }
    }
    const ms = interleavedMedians(tasks, 300)
    for (const [name, m] of Object.entries(ms)) results.push(result('dispatch', `batch ${name}`, n, d, m / 100, { reference: ms.reference / 100, plain: ms['plain loop'] / 100 }))
  }

  const model = new RiskModel({ weights: weightsFor(d) })
  const weights = weightsFor(d)
  for (const n of options.sizes) {
    progress(`throughput, ${n} rows`)
    const rows = randomRows(n, d)
    const rows32 = Float32Array.from(rows)
    const shared = new Float64Array(new SharedArrayBuffer(rows.byteLength))
    shared.set(rows)
    const out = new Float64Array(n)
    const nativeRows = NativeBuffer.alloc('f64', rows.length)
    nativeRows.array.set(rows)
    const nativeOut = NativeBuffer.alloc('f64', n)
    const big = n * d >= 1e7
    const budget = { time: big ? 400 : 300, iterations: big ? 3 : 10 }
    const ms = await medians(
      {
        'plain JS loop': () => plainScoreRows(rows, weights, 0.5, out),
        reference: () => scoreRows(rows, weights, 0.5, out),
        'native, 1 thread': () => model.scoreBatch(rows, { out, parallel: false }),
        'native, all threads': () => model.scoreBatch(rows, { out }),
        'native f32, all threads': () => model.scoreBatch(rows32, { out }),
        async: () => model.scoreBatchAsync(rows, { out }),
        'async f32': () => model.scoreBatchAsync(rows32, { out }),
        'async, SharedArrayBuffer': () => model.scoreBatchAsync(shared, { out }),
        'native, all threads, NativeBuffer': () => model.scoreBatch(nativeRows.array, { out: nativeOut.array }),
        'async, NativeBuffer (in place)': () => model.scoreBatchAsync(nativeRows.array, { out: nativeOut.array }),
      },
      budget,
    )
    nativeRows.dispose()
    nativeOut.dispose()
    const rowChunks = byteChunks(rows)
    const streamMs = await interleavedMediansAsync(
      {
        'stream, reference (JS Transform)': () => streamOnce(referenceStream(weights), rows, d),
        stream: () => streamOnce(model.scoreStream(), rows, d),
        'row stream (bytes, 64 KiB chunks)': () => rowStreamOnce(model, rowChunks, n),
      },
      big ? 1 : n > 100_000 ? 3 : 7,
    )
    for (const [name, m] of Object.entries({ ...ms, ...streamMs })) results.push(result('throughput', name, n, d, m, { reference: ms.reference, plain: ms['plain JS loop'] }))
  }
  return results
}
