#!/usr/bin/env node
/** The `hotpath` command: `hotpath bench` runs the benchmark suite, `hotpath info` describes the runtime. */
import { Command, InvalidArgumentError } from 'commander'
import { readFileSync } from 'node:fs'
import { runtimeInfo } from '../core/info.js'
import { extname } from 'node:path'
import { SUITE_NAMES, runBenchCommand } from './bench.js'
import { REPORT_EXTENSIONS, ReportError } from './report.js'

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((part) => Number(part.trim()))
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('expected a comma-separated list of positive integers, e.g. 1000,100000')
  return sizes
}

function positiveInteger(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer')
  return n
}

function suiteList(value: string): string[] {
  // `math` was the integer suite's name before the families got one name in every layer.
  const names = value.split(',').map((part) => (part.trim() === 'math' ? 'integer' : part.trim()))
  const unknown = names.filter((n) => !SUITE_NAMES.includes(n))
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown suite ${unknown.join(', ')}; expected some of ${SUITE_NAMES.join(', ')}`)
  return names
}

function reportFile(value: string): string {
  if (!(REPORT_EXTENSIONS as readonly string[]).includes(extname(value).toLowerCase())) throw new InvalidArgumentError(`expected a file name ending in ${REPORT_EXTENSIONS.join(' or ')}, e.g. bench.svg`)
  return value
}

/** The package's own version, read from the package.json shipped beside dist/. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return manifest.version
}

const program = new Command()
program
  .name('hotpath')
  .description('Native-speed kernels for Node.js. `hotpath bench` measures them on this machine; `hotpath info` says what runs them.')
  .version(packageVersion(), '-V, --version', 'print the version of hotpath')
  .addHelpText('after', '\nDocs: the README in the package, and docs/ in the repository.')

program
  .command('bench')
  .description(
    'benchmark every kernel family against plain JavaScript, hotpath\'s pure-TS reference and installed peers, on built-in random data, in one process (about 2-3 minutes for all suites; --quick about 1 minute)',
  )
  .option('--json', 'print the results as JSON instead of tables')
  .option('--quick', 'small sizes only: a smoke test of every suite, not a measurement (about 1 minute)')
  .option('--sizes <rows>', 'batch sizes in rows, comma-separated', sizeList)
  .option('--features <d>', 'risk score: features per row', positiveInteger, 20)
  .option('--suite <names>', `suites to run, comma-separated: ${SUITE_NAMES.join(', ')} (default: all)`, suiteList)
  .option('--report <file>', 'also draw the results as charts into file.svg, or file.html with the tables (needs the optional packages vega and vega-lite)', reportFile)
  .action(async (options: { json?: boolean; quick?: boolean; sizes?: number[]; features: number; suite?: string[]; report?: string }) => {
    const sizes = options.sizes ?? (options.quick ? [1_000, 100_000] : [1_000, 100_000, 500_000, 5_000_000])
    try {
      await runBenchCommand({ sizes, features: options.features, json: options.json === true, quick: options.quick === true, suites: options.suite ?? SUITE_NAMES, report: options.report })
    } catch (err) {
      if (!(err instanceof ReportError)) throw err
      console.error(`hotpath bench: ${err.message}`)
      process.exitCode = 1
    }
  })

program
  .command('info')
  .description('print the backend (native or fallback), SIMD level, threads and platform as JSON (instant)')
  .action(() => {
    console.log(JSON.stringify(runtimeInfo(), null, 2))
  })

await program.parseAsync(process.argv)
