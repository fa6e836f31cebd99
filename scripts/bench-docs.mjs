// Regenerates the results in docs/benchmarks.md and its chart docs/benchmarks.svg from one full
// `hotpath bench` run on this machine (about 4 minutes). Run it on a quiet machine, then commit both.
//
// Usage: npm run bench:docs            (builds first)
//        node scripts/bench-docs.mjs   (uses the current dist/)
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'

const root = new URL('..', import.meta.url)
const page = new URL('docs/benchmarks.md', root)
const chart = 'docs/benchmarks.svg'
const START = '<!-- bench:start -->'
const END = '<!-- bench:end -->'

const args = ['dist/cli/index.js', 'bench', '--report', chart]
const output = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 })
const tables = output.replace(/\nReport written to .*\n?$/, '\n').trimEnd()
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
const date = new Date().toISOString().slice(0, 10)
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`

const section = `${START}
Machine: ${machine}; hotpath ${version}, release build. Command: \`npm run bench:docs\`
(\`node ${args.join(' ')}\`), ${date}. The chart is [benchmarks.svg](benchmarks.svg).

![Benchmark charts: speed against input size and the run's speedups](benchmarks.svg)

\`\`\`
${tables}
\`\`\`
${END}`

const text = readFileSync(page, 'utf8')
const a = text.indexOf(START)
const b = text.indexOf(END)
if (a < 0 || b < a) throw new Error(`docs/benchmarks.md has no ${START} ... ${END} section to replace`)
writeFileSync(page, text.slice(0, a) + section + text.slice(b + END.length))
console.log(`docs/benchmarks.md and ${chart} regenerated (${date})`)
