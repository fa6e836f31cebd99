/** `hotpath bench`: runs the suites and prints tables (or JSON). */
import Table from 'cli-table3'
import os from 'node:os'
import { runScoreBench, type BenchResult } from '../bench/score.js'
import type { Suite, SuiteReport } from '../bench/suite.js'
import { runIntegerBench } from '../bench/integer.js'
import { runStatsBench } from '../bench/stats.js'
import { runVectorBench } from '../bench/vector.js'
import { runGeoBench } from '../bench/geo.js'
import { runImageBench } from '../bench/image.js'
import { runTextBench } from '../bench/text.js'
import { runtimeInfo } from '../core/info.js'

/** The suites after the risk score, by the name `--suite` takes. */
export const SUITES: Record<string, Suite> = {
  vector: runVectorBench,
  integer: runIntegerBench,
  stats: runStatsBench,
  geo: runGeoBench,
  image: runImageBench,
  text: runTextBench,
}

export const SUITE_NAMES = ['score', ...Object.keys(SUITES)]

export interface BenchCommandOptions {
  sizes: number[]
  features: number
  json: boolean
  quick: boolean
  /** Which suites to run (`SUITE_NAMES`). */
  suites: string[]
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

function table(results: BenchResult[], title: string, withRows: boolean): string {
  const head = withRows ? ['case', 'rows', 'features', 'median', 'M rows/s', 'vs reference'] : ['case', 'features', 'median per call', 'vs reference']
  const t = new Table({ head, style: { head: [], border: [] } })
  for (const r of results) {
    const ratio = `${r.vsReference.toFixed(2)}x`
    t.push(withRows ? [r.name, r.rows.toLocaleString('en-US'), r.features, formatTime(r.medianMs), r.mRowsPerSec.toFixed(1), ratio] : [r.name, r.features, formatTime(r.medianMs), ratio])
  }
  return `${title}\n${t.toString()}`
}

function suiteTables(report: SuiteReport): string {
  const out: string[] = []
  for (const title of new Set(report.rows.map((r) => r.table))) {
    const rows = report.rows.filter((r) => r.table === title)
    const withThroughput = rows.some((r) => r.throughput !== undefined)
    const withNote = rows.some((r) => r.note !== undefined)
    const head = ['case', 'median', ...(withThroughput ? ['throughput'] : []), 'vs baseline', ...(withNote ? ['note'] : [])]
    const t = new Table({ head, style: { head: [], border: [] } })
    for (const r of rows) {
      t.push([r.name, formatTime(r.medianMs), ...(withThroughput ? [r.throughput ?? ''] : []), r.vsBaseline === undefined ? '' : `${r.vsBaseline.toFixed(2)}x`, ...(withNote ? [r.note ?? ''] : [])])
    }
    out.push(`${title}\n${t.toString()}`)
  }
  if (report.ratios.length > 0) out.push(`In short (this run):\n${report.ratios.map((r) => `  ${r.label}: ${r.value.toFixed(2)}x`).join('\n')}`)
  return out.join('\n\n')
}

export async function runBenchCommand(options: BenchCommandOptions): Promise<void> {
  const onProgress = options.json ? undefined : (message: string) => process.stderr.write(`running: ${message}\n`)
  const m = machine()
  const json: Record<string, unknown> = { machine: m }
  if (!options.json) console.log(`hotpath bench: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, backend ${m.backend} (${m.simd}, ${m.threads} threads)\n`)
  if (options.suites.includes('score')) {
    const results = await runScoreBench({ sizes: options.sizes, features: options.features, onProgress })
    if (options.json) json.score = results
    else printScore(results, options.features)
  }
  for (const [name, suite] of Object.entries(SUITES)) {
    if (!options.suites.includes(name)) continue
    const report = await suite({ quick: options.quick, onProgress })
    if (options.json) json[name] = report
    else console.log(`\n${suiteTables(report)}`)
  }
  if (options.json) console.log(JSON.stringify(json, null, 2))
}

function printScore(results: BenchResult[], features: number): void {
  console.log(table(results.filter((r) => r.section === 'single call'), `Risk score: one call (${features} features)`, false))
  console.log()
  console.log(table(results.filter((r) => r.section === 'dispatch'), 'Risk score: dispatch thresholds (single calls by width; tiny batches)', true))
  console.log()
  console.log(table(results.filter((r) => r.section === 'throughput'), 'Risk score: batch throughput', true))
}
