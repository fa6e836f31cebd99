/**
 * `hotpath bench --report <file.svg|file.html>`: the run drawn with Vega-Lite, compiled and
 * rendered to SVG in Node (no browser, no canvas). Charts: speed against input size for every table
 * that measures several sizes (where the JS-to-native crossover of small inputs shows), batch
 * throughput of the risk score against rows, and the run's speedups per suite. vega and vega-lite
 * are optional peer dependencies: a plain `npm install hotpath` stays small.
 */
import { writeFile } from 'node:fs/promises'
import { extname } from 'node:path'
import type { BenchResult } from '../bench/score.js'
import type { BenchResults } from '../bench/suite.js'

/** What `--report` can write, by file extension. */
export const REPORT_EXTENSIONS = ['.svg', '.html'] as const

/** The little of vega's and vega-lite's APIs the report uses (their own typings need the DOM lib). */
interface Charting {
  vega: {
    parse(spec: unknown): unknown
    View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void }
  }
  vegaLite: { compile(spec: unknown): { spec: unknown } }
}

/** Optional peers, named through a variable so that TypeScript does not load their typings. */
const OPTIONAL_PEERS = { vega: 'vega', vegaLite: 'vega-lite' }

/** A problem the user fixes (a missing optional package, a file name): printed without a stack. */
export class ReportError extends Error {
  override name = 'ReportError'
}

/** Loads vega and vega-lite, or says how to install them. Called before the suites run. */
export async function loadCharting(): Promise<Charting> {
  try {
    const [vega, vegaLite] = (await Promise.all([import(OPTIONAL_PEERS.vega), import(OPTIONAL_PEERS.vegaLite)])) as [Charting['vega'], Charting['vegaLite']]
    return { vega, vegaLite }
  } catch (cause) {
    throw new ReportError('hotpath bench --report draws with the optional packages vega and vega-lite, which are not installed here: npm install vega vega-lite', { cause })
  }
}

type Point = Record<string, string | number>
type Spec = Record<string, unknown>

const WIDTH = 560

/** Median time per call in µs against size, one line per series, log-log. */
function sizeChart(title: string, unit: string, points: Point[]): Spec {
  return {
    title,
    width: WIDTH,
    height: 220,
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'size', type: 'quantitative', scale: { type: 'log' }, title: unit },
      y: { field: 'us', type: 'quantitative', scale: { type: 'log' }, title: 'median per call (µs, lower is faster)' },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 260 } },
    },
  }
}

function throughputChart(features: number, points: Point[]): Spec {
  return {
    title: `Risk score: batch throughput (${features} features)`,
    width: WIDTH,
    height: 260,
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'rows', type: 'quantitative', scale: { type: 'log' }, title: 'rows per call' },
      y: { field: 'mRowsPerSec', type: 'quantitative', scale: { type: 'log' }, title: 'M rows/s (higher is faster)' },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 3, labelLimit: 220 } },
    },
  }
}

function speedupChart(points: Point[]): Spec {
  return {
    title: 'Speedups of this run (log scale; 1x = as fast as the baseline named in the label)',
    width: WIDTH - 200,
    layer: [
      {
        data: { values: points },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 380 } },
          x: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'speedup (x)' },
          // Bars grow from 1x (as fast as the baseline) to the ratio: left of the line is slower.
          x2: { datum: 1 },
          color: { field: 'suite', type: 'nominal', title: 'suite', legend: { orient: 'bottom' } },
        },
      },
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', strokeDash: [4, 3] }, encoding: { x: { field: 'one', type: 'quantitative' } } },
    ],
  }
}

/** The risk score's headline ratios, from its rows (the other suites report theirs). */
function scoreRatios(score: BenchResult[]): Point[] {
  const out: Point[] = []
  const single = score.find((r) => r.section === 'single call' && r.name === 'dispatched')
  if (single) out.push({ suite: 'score', label: 'score: one call (dispatched) vs plain loop', value: single.vsPlainLoop })
  const throughput = score.filter((r) => r.section === 'throughput' && r.name === 'native, all threads')
  const largest = throughput.sort((a, b) => b.rows - a.rows)[0]
  if (largest) out.push({ suite: 'score', label: `score: scoreBatch ${largest.rows.toLocaleString('en-US')} rows vs plain loop`, value: largest.vsPlainLoop })
  return out
}

/** Every chart the run's results allow, as one Vega-Lite spec. */
export function reportSpec(results: BenchResults): Spec {
  const charts: Spec[] = []
  if (results.score) {
    const features = results.score[0]?.features ?? 0
    const throughput = results.score.filter((r) => r.section === 'throughput')
    if (new Set(throughput.map((r) => r.rows)).size > 1) {
      charts.push(throughputChart(features, throughput.map((r) => ({ series: r.name, rows: r.rows, mRowsPerSec: r.mRowsPerSec }))))
    }
    const tiny = results.score.filter((r) => r.section === 'dispatch' && r.name.startsWith('batch '))
    if (tiny.length > 0) {
      charts.push(sizeChart(`Risk score: tiny batches, plain JS against native (${features} features)`, 'rows per call', tiny.map((r) => ({ series: r.name.slice('batch '.length), size: r.rows, us: r.medianMs * 1e3 }))))
    }
  }
  for (const report of Object.values(results.suites)) {
    for (const table of new Set(report.rows.filter((r) => r.size !== undefined).map((r) => r.table))) {
      const rows = report.rows.filter((r) => r.table === table && r.size !== undefined)
      if (new Set(rows.map((r) => r.size)).size < 2) continue
      charts.push(sizeChart(table, rows[0]!.sizeUnit ?? 'input size', rows.map((r) => ({ series: r.series ?? r.name, size: r.size!, us: r.medianMs * 1e3 }))))
    }
  }
  const speedups = [...(results.score ? scoreRatios(results.score) : []), ...Object.entries(results.suites).flatMap(([suite, report]) => report.ratios.filter((r) => r.kind !== 'fraction').map((r) => ({ suite, label: `${suite}: ${r.label}`, value: r.value })))]
  if (speedups.length > 0) charts.push(speedupChart(speedups))
  const m = results.machine
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `hotpath bench${results.quick ? ' --quick (smoke test: small inputs, few samples)' : ''}`,
      subtitle: `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.backend} (${m.simd}, ${m.threads} threads)`,
      anchor: 'start',
      fontSize: 16,
    },
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: null } },
    spacing: 36,
    // Every chart has its own series: one shared legend would merge unrelated names.
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    vconcat: charts,
  }
}

/** The report's SVG. */
export async function renderSvg(results: BenchResults, charting?: Charting): Promise<string> {
  const { vega, vegaLite } = charting ?? (await loadCharting())
  const compiled = vegaLite.compile(reportSpec(results)).spec
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Writes the report: `.svg` is the charts; `.html` the charts followed by the printed tables. */
export async function writeReport(file: string, results: BenchResults, tables: string, charting?: Charting): Promise<void> {
  const svg = await renderSvg(results, charting)
  if (extname(file).toLowerCase() === '.svg') return writeFile(file, svg)
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>hotpath bench</title>
<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:72em}pre{font-size:12px;line-height:1.25}</style></head>
<body>
<h1>hotpath bench</h1>
${svg}
<h2>Tables</h2>
<pre>${escapeHtml(tables)}</pre>
</body>
</html>
`
  await writeFile(file, html)
}
