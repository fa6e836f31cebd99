/** `hotpath bench`: runs the suites and prints tables (or JSON). */
import Table from 'cli-table3'
import os from 'node:os'
import { runScoreBench, type BenchResult } from '../bench/score.js'
import type { BenchResults, Suite, SuiteReport, SuiteRow } from '../bench/suite.js'
import { runIntegerBench } from '../bench/integer.js'
import { runStatsBench } from '../bench/stats.js'
import { runVectorBench } from '../bench/vector.js'
import { runGeoBench } from '../bench/geo.js'
import { runImageBench } from '../bench/image.js'
import { runTextBench } from '../bench/text.js'
import { runIdleBench } from '../bench/idle.js'
import { runtimeInfo } from '../core/info.js'
import { loadCharting, writeReport } from './report.js'

/** The suites after the risk score, by the name `--suite` takes. */
export const SUITES: Record<string, Suite> = {
  vector: runVectorBench,
  integer: runIntegerBench,
  stats: runStatsBench,
  geo: runGeoBench,
  image: runImageBench,
  text: runTextBench,
  idle: runIdleBench,
}

export const SUITE_NAMES = ['score', ...Object.keys(SUITES)]

export interface BenchCommandOptions {
  sizes: number[]
  features: number
  json: boolean
  quick: boolean
  /** Which suites to run (`SUITE_NAMES`). */
  suites: string[]
  /** Also draw the results into this `.svg` or `.html` file (needs the optional vega and vega-lite). */
  report?: string
}

/** The machine the numbers belong to. */
function machine(): Record<string, string | number> {
  const info = runtimeInfo()
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    backend: info.backend,
    simd: info.simd,
    threads: info.threads,
  }
}

function formatTime(ms: number): string {
  if (ms < 1e-3) return `${(ms * 1e6).toFixed(1)} ns`
  if (ms < 1) return `${(ms * 1e3).toFixed(2)} µs`
  return `${ms.toFixed(2)} ms`
}

/** Widest a printed table may be: it must read in a terminal and in a diff. */
export const TABLE_WIDTH = 100

/** Box-drawing without lines between rows: compact, and still readable in a diff. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }

function plainTable(head: string[], body: string[][]): string {
  const t = new Table({ head, chars: COMPACT, style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 } })
  for (const r of body) t.push(r)
  return t.toString()
}

const ratio = (x: number) => `${x.toFixed(2)}x`

function scoreTable(results: BenchResult[], title: string, columns: 'single' | 'dispatch' | 'throughput'): string {
  const head =
    columns === 'single'
      ? ['case', 'median per call', 'vs plain loop', 'vs reference']
      : columns === 'dispatch'
        ? ['case', 'rows', 'features', 'median', 'vs plain loop', 'vs reference']
        : ['case', 'rows', 'median', 'M rows/s', 'vs plain loop', 'vs reference']
  const body = results.map((r) =>
    columns === 'single'
      ? [r.name, formatTime(r.medianMs), ratio(r.vsPlainLoop), ratio(r.vsReference)]
      : columns === 'dispatch'
        ? [r.name, r.rows.toLocaleString('en-US'), String(r.features), formatTime(r.medianMs), ratio(r.vsPlainLoop), ratio(r.vsReference)]
        : [r.name, r.rows.toLocaleString('en-US'), formatTime(r.medianMs), r.mRowsPerSec.toFixed(1), ratio(r.vsPlainLoop), ratio(r.vsReference)],
  )
  return `${title}\n${plainTable(head, body)}`
}

/**
 * What the table's "vs baseline" column divides by. Tables of several cases have one baseline row
 * per case (`sum: pure-TS loop`, `dot: pure-TS loop`): then it is named once, without the case.
 */
function baselineLegend(rows: SuiteRow[]): string {
  const names = rows.filter((r) => r.vsBaseline === 1).map((r) => r.name)
  if (names.length === 0) return 'ratios: higher is faster'
  if (names.length === 1) return `ratios: vs ${names[0]}, higher is faster`
  const roles = new Set(names.map((n) => n.slice(n.lastIndexOf(': ') + 2)))
  return roles.size === 1 ? `ratios: vs the ${[...roles][0]} row of each case, higher is faster` : `ratios: vs the first row of each case (${names.join('; ')}), higher is faster`
}

function suiteTables(report: SuiteReport): string {
  const out: string[] = []
  if (report.readBandwidth && report.readBandwidth.length > 0) {
    const probes = [...report.readBandwidth].sort((x, y) => x.bytes - y.bytes).map((p) => `${p.gbPerSec.toFixed(1)} GB/s over ${(p.bytes / 1e6).toFixed(0)} MB`).join(', ')
    out.push(`Read bandwidth probe (native XOR of every word, all threads; "% of read bw" uses the probe of\nthe row's footprint): ${probes}`)
  }
  for (const title of new Set(report.rows.map((r) => r.table))) {
    const rows = report.rows.filter((r) => r.table === title)
    const withThroughput = rows.some((r) => r.throughput !== undefined)
    // Notes are footnotes under the table, each written once: as a column they made tables too wide.
    const notes = [...new Set(rows.flatMap((r) => (r.note ? [r.note] : [])))]
    const mark = (r: SuiteRow) => (r.note ? ` [${notes.indexOf(r.note) + 1}]` : '')
    const head = ['case', 'median', ...(withThroughput ? ['throughput'] : []), 'vs baseline']
    const body = rows.map((r) => [r.name + mark(r), formatTime(r.medianMs), ...(withThroughput ? [r.throughput ?? ''] : []), r.vsBaseline === undefined ? '' : ratio(r.vsBaseline)])
    const lines = [title, plainTable(head, body), baselineLegend(rows)]
    notes.forEach((note, i) => lines.push(`[${i + 1}] ${note}`))
    out.push(lines.join('\n'))
  }
  if (report.ratios.length > 0) out.push(`In short (this run):\n${report.ratios.map((r) => `  ${r.label}: ${r.kind === 'fraction' ? `${Math.round(r.value * 100)}%` : ratio(r.value)}`).join('\n')}`)
  if (report.skipped && report.skipped.length > 0) out.push(`Skipped:\n${report.skipped.map((s) => `  ${s}`).join('\n')}`)
  return out.join('\n\n')
}

/** Progress on stderr: which suite, how long it has run, and what it measures now. */
function progressReporter(): (suite: string) => (message: string) => void {
  const start = performance.now()
  return (suite) => (message) => {
    const seconds = ((performance.now() - start) / 1e3).toFixed(0).padStart(4)
    process.stderr.write(`[${seconds} s] ${suite}: ${message}\n`)
  }
}

export async function runBenchCommand(options: BenchCommandOptions): Promise<void> {
  // Before minutes of measuring: a report that cannot be drawn should fail now.
  const charting = options.report ? await loadCharting() : undefined
  const progressFor = options.json ? () => undefined : progressReporter()
  const m = machine()
  const results: BenchResults = { machine: m, quick: options.quick, suites: {} }
  const printed: string[] = []
  const print = (text: string) => {
    printed.push(text)
    if (!options.json) console.log(text)
  }
  print(`hotpath bench on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB\nNode ${m.node}, backend ${m.backend} (${m.simd}, ${m.threads} threads)`)
  if (options.quick) print('--quick: a smoke test on small inputs with few samples; its figures say little about speed.')
  if (options.suites.includes('score')) {
    const score = await runScoreBench({ sizes: options.sizes, features: options.features, onProgress: progressFor('score') })
    results.score = score
    print(`\n${scoreTables(score, options.features)}`)
  }
  for (const [name, suite] of Object.entries(SUITES)) {
    if (!options.suites.includes(name)) continue
    const report = await suite({ quick: options.quick, onProgress: progressFor(name) })
    results.suites[name] = report
    print(`\n${suiteTables(report)}`)
  }
  if (options.json) console.log(JSON.stringify({ machine: results.machine, ...(results.score ? { score: results.score } : {}), ...results.suites }, null, 2))
  if (options.report) {
    await writeReport(options.report, results, printed.join('\n'), charting)
    if (!options.json) console.log(`\nReport written to ${options.report}`)
  }
}

function scoreTables(results: BenchResult[], features: number): string {
  return [
    scoreTable(results.filter((r) => r.section === 'single call'), `Risk score: one call (${features} features)`, 'single'),
    scoreTable(results.filter((r) => r.section === 'dispatch'), 'Risk score: dispatch thresholds (single calls by width; tiny batches)', 'dispatch'),
    scoreTable(results.filter((r) => r.section === 'throughput'), `Risk score: batch throughput (${features} features)`, 'throughput'),
  ].join('\n\n')
}
