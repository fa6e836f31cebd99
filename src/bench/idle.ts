/**
 * The parallel kernels after idle time. A program does other work between calls; by then the
 * pool's workers are asleep, and waking an idle vCPU takes long enough (~0.5 ms on the VMs
 * measured) that a call which handed half its work to a sleeping worker took about the
 * one-thread time. Steady-state loops hide this, so each kernel is timed four ways in one run,
 * interleaved: in a steady loop, after 1, 5 and 30 ms of other JavaScript work (a busy loop, as
 * a request handler would do), and on one thread.
 */
import { RiskModel } from '../score/index.js'
import { dot, scaleAndShift, sum } from '../vector/index.js'
import { gaussianBlur } from '../image/index.js'
import { haversineMany } from '../geo/index.js'
import { countPrimes } from '../integer/index.js'
import { seededRandom } from './random.js'
import { sink } from './measure.js'
import type { SuiteOptions, SuiteReport, SuiteRow } from './suite.js'

/** One kernel: what a call is, and the same call on one thread where the API offers one. */
interface Case {
  name: string
  size: string
  all: () => unknown
  single?: () => unknown
}

const IDLE_MS = [1, 5, 30] as const

/** Keeps the JS thread busy for `ms` (other work of the program, not a sleep). */
function busy(ms: number): void {
  const end = performance.now() + ms
  let x = 0
  while (performance.now() < end) x++
  sink.value += x & 1
}

function cases(quick: boolean): Case[] {
  const random = seededRandom(0x1d1e)
  const n = quick ? 20_000 : 500_000
  const d = 20
  const rows = Float64Array.from({ length: n * d }, () => random())
  const scores = new Float64Array(n)
  const model = new RiskModel({ weights: Float64Array.from({ length: d }, (_, i) => ((i % 7) - 3) / 10), threshold: 0.5 })
  const m = quick ? 200_000 : 4_000_000
  const x = Float64Array.from({ length: m }, () => random() * 2 - 1)
  const y = Float64Array.from({ length: m }, () => random() * 2 - 1)
  const mapped = new Float64Array(m)
  const side = quick ? 128 : 1024
  const pixels = { data: Uint8Array.from({ length: side * side * 3 }, () => random() * 256), width: side, height: side, channels: 3 as const }
  const blurred = { ...pixels, data: new Uint8Array(side * side * 3) }
  const points = quick ? 20_000 : 1_000_000
  const lats = Float64Array.from({ length: points }, () => random() * 170 - 85)
  const lons = Float64Array.from({ length: points }, () => random() * 340 - 170)
  const km = new Float64Array(points)
  const limit = quick ? 1e6 : 1e8
  const gaussian = { sigma: 1, radius: 2 }
  return [
    { name: 'scoreBatch into out', size: `${n.toLocaleString('en-US')} x ${d}`, all: () => model.scoreBatch(rows, { out: scores }), single: () => model.scoreBatch(rows, { out: scores, parallel: false }) },
    { name: 'sum', size: m.toLocaleString('en-US'), all: () => (sink.value += sum(x)) },
    { name: 'dot', size: m.toLocaleString('en-US'), all: () => (sink.value += dot(x, y)) },
    { name: 'scaleAndShift into out', size: m.toLocaleString('en-US'), all: () => scaleAndShift(x, 2, 1, { out: mapped }) },
    { name: 'gaussianBlur into out', size: `${side} x ${side} x 3`, all: () => gaussianBlur(pixels, gaussian, { out: blurred }) },
    { name: 'haversineMany into out', size: points.toLocaleString('en-US'), all: () => haversineMany(10, 20, lats, lons, { out: km }) },
    { name: 'countPrimes', size: limit.toLocaleString('en-US'), all: () => (sink.value += countPrimes(limit)) },
  ]
}

/** Median of `rounds` timings of `call`, each after `idleMs` of other work (0: back to back). */
function timed(call: () => unknown, idleMs: number, rounds: number): number {
  const samples: number[] = []
  for (let r = 0; r < rounds; r++) {
    if (idleMs > 0) busy(idleMs)
    const start = performance.now()
    call()
    samples.push(performance.now() - start)
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]!
}

export async function runIdleBench(options: SuiteOptions): Promise<SuiteReport> {
  const rounds = options.quick ? 3 : 25
  const rows: SuiteRow[] = []
  const ratios: SuiteReport['ratios'] = []
  for (const c of cases(options.quick)) {
    options.onProgress?.(c.name)
    const table = `${c.name}, ${c.size}: steady and after idle`
    for (let w = 0; w < 5; w++) {
      c.all()
      c.single?.()
    }
    // Interleaved by round, so drift on a shared machine touches every way alike.
    const ways: Record<string, number[]> = { steady: [], ...Object.fromEntries(IDLE_MS.map((ms) => [`after ${ms} ms`, []])) }
    if (c.single) ways['one thread, after 5 ms'] = []
    for (let r = 0; r < rounds; r++) {
      ways.steady!.push(timed(c.all, 0, 3))
      for (const ms of IDLE_MS) ways[`after ${ms} ms`]!.push(timed(c.all, ms, 1))
      if (c.single) ways['one thread, after 5 ms']!.push(timed(c.single, 5, 1))
    }
    const median = (samples: number[]) => samples.sort((a, b) => a - b)[samples.length >> 1]!
    const steady = median(ways.steady!)
    for (const [way, samples] of Object.entries(ways)) rows.push({ table, name: way, medianMs: median(samples), vsBaseline: steady / median(samples) })
    ratios.push({ label: `${c.name}: after 30 ms idle vs steady`, value: steady / median(ways['after 30 ms']!), kind: 'fraction' })
  }
  return { rows, ratios }
}
