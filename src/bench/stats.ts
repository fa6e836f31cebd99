/**
 * The Accumulator benchmark: `addMany` on 10,000,000 f64 against a pure-TS Welford loop, and
 * `add` called in a loop (1,000,000 values) against the same loop, plus reading the mean after
 * every `add`. Every case runs interleaved with its baseline in this process on the same data.
 */
import { Accumulator } from '../stats/index.js'
import { interleavedMedians, sink } from './measure.js'
import type { SuiteOptions, SuiteReport, SuiteRow } from './suite.js'
import { BandwidthProbe, memoryThroughput } from './bandwidth.js'
import { native } from '../core/native.js'
import { seededRandom } from './random.js'

function data(n: number): Float64Array {
  const values = new Float64Array(n)
  const random = seededRandom(12345)
  for (let i = 0; i < n; i++) values[i] = 1e3 + random()
  return values
}

/** Plain JavaScript Welford (count, mean, m2): the baseline a user would write. */
function welfordLoop(values: Float64Array): number {
  let n = 0
  let mean = 0
  let m2 = 0
  for (let i = 0; i < values.length; i++) {
    const x = values[i]
    n++
    const delta = x - mean
    mean += delta / n
    m2 += delta * (x - mean)
  }
  return m2 / n
}

function mPerSecond(values: number, ms: number): string {
  return `${(values / ms / 1e3).toFixed(0)} M values/s`
}

/**
 * Runs the stats suite. `quick` uses 1,000,000 / 100,000 values and few rounds (a few seconds).
 *
 * @example
 * ```ts
 * const report = await runStatsBench({ quick: true })
 * ```
 */
export async function runStatsBench(options: SuiteOptions): Promise<SuiteReport> {
  const bulkN = options.quick ? 1_000_000 : 10_000_000
  const loopN = options.quick ? 100_000 : 1_000_000
  const rounds = options.quick ? 5 : 15
  const rows: SuiteRow[] = []

  const probe = options.quick || !native ? null : new BandwidthProbe(rounds)
  const bandwidth = probe?.at(bulkN * 8) ?? null
  options.onProgress?.(`stats: addMany on ${bulkN.toLocaleString('en-US')} f64`)
  const bulk = data(bulkN)
  const bulkTable = `Accumulator f64, ${bulkN.toLocaleString('en-US')} values`
  // One loop literal per case: V8 shares feedback between closures of one literal.
  const bulkTimes = interleavedMedians(
    {
      welford: () => {
        sink.value += welfordLoop(bulk)
      },
      addMany: () => {
        sink.value += new Accumulator().addMany(bulk).variance
      },
    },
    rounds,
  )
  rows.push(
    { table: bulkTable, name: 'pure-TS Welford loop', medianMs: bulkTimes.welford, throughput: memoryThroughput(bulkN * 8, bulkTimes.welford, bandwidth), vsBaseline: 1 },
    {
      table: bulkTable,
      name: 'hotpath addMany',
      medianMs: bulkTimes.addMany,
      throughput: memoryThroughput(bulkN * 8, bulkTimes.addMany, bandwidth),
      vsBaseline: bulkTimes.welford / bulkTimes.addMany,
      note: 'also computes the compensated total, min and max',
    },
  )

  options.onProgress?.(`stats: add in a loop of ${loopN.toLocaleString('en-US')}`)
  const loop = bulk.subarray(0, loopN)
  const loopTable = `Accumulator add, ${loopN.toLocaleString('en-US')} calls`
  const loopTimes = interleavedMedians(
    {
      welford: () => {
        sink.value += welfordLoop(loop)
      },
      add: () => {
        const acc = new Accumulator()
        for (let i = 0; i < loop.length; i++) acc.add(loop[i])
        sink.value += acc.variance
      },
      readEach: () => {
        const acc = new Accumulator()
        let s = 0
        for (let i = 0; i < loop.length; i++) s += acc.add(loop[i]).mean
        sink.value += s
      },
      welfordReadEach: () => {
        let n = 0
        let mean = 0
        let m2 = 0
        let s = 0
        for (let i = 0; i < loop.length; i++) {
          const x = loop[i]
          n++
          const delta = x - mean
          mean += delta / n
          m2 += delta * (x - mean)
          s += mean
        }
        sink.value += s + m2
      },
    },
    rounds,
  )
  rows.push(
    { table: loopTable, name: 'pure-TS Welford loop', medianMs: loopTimes.welford, throughput: mPerSecond(loopN, loopTimes.welford), vsBaseline: 1 },
    { table: loopTable, name: 'hotpath add', medianMs: loopTimes.add, throughput: mPerSecond(loopN, loopTimes.add), vsBaseline: loopTimes.welford / loopTimes.add },
    {
      table: loopTable,
      name: 'pure-TS Welford, mean read after each value',
      medianMs: loopTimes.welfordReadEach,
      throughput: mPerSecond(loopN, loopTimes.welfordReadEach),
      vsBaseline: loopTimes.welford / loopTimes.welfordReadEach,
    },
    {
      table: loopTable,
      name: 'hotpath add + mean after each',
      medianMs: loopTimes.readEach,
      throughput: mPerSecond(loopN, loopTimes.readEach),
      vsBaseline: loopTimes.welford / loopTimes.readEach,
      note: 'each read folds one value in (Welford + compensated total + min/max)',
    },
  )

  return {
    rows,
    ...(probe ? { readBandwidth: probe.measured } : { skipped: [options.quick ? 'fraction of read bandwidth: not measured by --quick (its inputs fit in cache)' : 'fraction of read bandwidth: the probe needs the native binary'] }),
    ratios: [
      { label: 'addMany f64 vs pure-TS Welford loop', value: bulkTimes.welford / bulkTimes.addMany },
      { label: 'add in a loop vs pure-TS Welford loop', value: loopTimes.welford / loopTimes.add },
      { label: 'add + mean read vs the same in pure TS', value: loopTimes.welfordReadEach / loopTimes.readEach },
    ],
  }
}
