/**
 * The shape every benchmark suite after the risk score reports in, so `hotpath bench` can print
 * and check them alike: rows grouped into tables, each row timed in the same run as its table's
 * baseline (usually the pure-TS loop), plus the ratios that sum a suite up, from this run.
 */

import type { ReadBandwidth } from './bandwidth.js'
import type { BenchResult } from './score.js'

export interface SuiteRow {
  /** The table this row belongs to, e.g. `'Vector f64, 10,000,000 elements'`. */
  table: string
  /** What was measured, e.g. `'hotpath dot'`, `'pure-TS loop'`, `'simsimd dot'`. */
  name: string
  /** Median milliseconds per call. */
  medianMs: number
  /** Throughput as text with its unit, e.g. `'14.2 GB/s'` or `'2.1 M queries/s'`. */
  throughput?: string
  /** Speed relative to the table's baseline row, measured in this run (higher is faster). */
  vsBaseline?: number
  /** Anything the reader must know to compare fairly (precision, border handling, ...). */
  note?: string
  /** Input size (elements, rows, pixels: the table's unit), for charts of speed against size. */
  size?: number
  /** What `size` counts, for the chart's axis (`'elements per vector'`, `'pixels'`). */
  sizeUnit?: string
  /** The line this row belongs to in those charts (`'hotpath dot'`, `'plain loop'`), when `size` is set. */
  series?: string
}

export interface SuiteRatio {
  /** What is compared, e.g. `'dot f64 vs pure-TS loop'`. */
  label: string
  /** The ratio from this run (higher is better for hotpath). */
  value: number
  /** `'fraction'`: a share of a limit (of the read bandwidth, say), printed as a percentage and not drawn as a speedup. */
  kind?: 'speedup' | 'fraction'
}

export interface SuiteReport {
  rows: SuiteRow[]
  ratios: SuiteRatio[]
  /** The read bandwidth probes of this run (one per footprint), for suites whose rows are memory-bound. */
  readBandwidth?: ReadBandwidth[]
  /** Comparisons that could not run here (a peer package not installed, no native binary). */
  skipped?: string[]
}

export interface SuiteOptions {
  /** Small inputs and few samples: a smoke test that finishes in seconds (used by the CLI test). */
  quick: boolean
  onProgress?: (message: string) => void
}

export type Suite = (options: SuiteOptions) => Promise<SuiteReport>

/** Everything one `hotpath bench` run measured, as the CLI prints it and the report draws it. */
export interface BenchResults {
  machine: Record<string, string | number>
  quick: boolean
  score?: BenchResult[]
  suites: Record<string, SuiteReport>
}
