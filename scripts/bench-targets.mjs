#!/usr/bin/env node
// Maintainers only: checks a `hotpath bench --json` run against the goals set in the project's
// issues (kept here, out of the product's output). Needs `npm run build`.
// Usage: node scripts/bench-targets.mjs [--quick] [--suite name ...]   (arguments go to `hotpath bench`)
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url))

/** Goals by suite: a pattern over the ratio's label, and the ratio it must reach. */
const GOALS = {
  vector: [
    [/^sum f64 vs pure-TS loop$/, 5],
    [/^dot f64 vs pure-TS loop$/, 5],
    [/^dot f64 vs simsimd$/, 2],
    [/^sqEuclidean f64 vs simsimd$/, 2],
  ],
  integer: [[/^countPrimes\(.*\) vs pure-TS Uint8Array sieve$/, 60]],
  stats: [
    [/^addMany f64 vs pure-TS Welford loop$/, 10],
    [/^add in a loop vs pure-TS Welford loop$/, 1],
    [/^add \+ mean read vs the same in pure TS$/, 1],
  ],
  geo: [
    [/^haversine one call vs the inline JS formula$/, 0.9],
    [/^haversineMany .* vs pure-TS loop$/, 12],
    [/^nearestK .* vs pure-TS bounded heap$/, 25],
    [/^GeoIndex.build vs kdbush build$/, 1],
    [/^GeoIndex.nearest k = \d+ vs geokdbush.around \(per query\)$/, 2],
  ],
  image: [
    [/^gaussianBlur vs pure-TS separable reference$/, 60],
    [/^gaussianBlur vs sharp blur\(1\)$/, 4],
  ],
  text: [
    [/^encodeBatch vs Intl.Segmenter pipeline \(MB\/s\)$/, 10],
    [/^encodeBatch vs regex pipeline \(MB\/s\)$/, 3],
    [/^tokenizeBatch vs Intl.Segmenter pipeline \(MB\/s\)$/, 3],
    [/^encodeBatch bytes, all threads vs one$/, 1.7],
  ],
}

/** The risk score's goals, over its result rows. */
function scoreRatios(results) {
  const find = (section, name, rows) => results.find((r) => r.section === section && r.name === name && (rows === undefined || r.rows === rows))
  return [
    ['500,000 x 20 f64 batch vs reference', find('throughput', 'native, all threads', 500_000)?.vsReference, 13],
    ['500,000 x 20 f32 batch vs reference', find('throughput', 'native f32, all threads', 500_000)?.vsReference, 16],
    ['dispatched single call vs reference', find('single call', 'dispatched')?.vsReference, 0.9],
  ]
}

const report = JSON.parse(execFileSync(process.execPath, [cli, 'bench', '--json', ...process.argv.slice(2)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 }))
const lines = []
const check = (label, value, goal) => lines.push(`${value === undefined ? 'n/a ' : value >= goal ? 'met ' : 'MISS'}  ${label}: ${value === undefined ? '-' : `${value.toFixed(2)}x`} (goal >= ${goal}x)`)
if (report.score) for (const [label, value, goal] of scoreRatios(report.score)) check(`score: ${label}`, value, goal)
for (const [suite, goals] of Object.entries(GOALS)) {
  if (!report[suite]) continue
  for (const [pattern, goal] of goals) {
    const matches = report[suite].ratios.filter((r) => pattern.test(r.label))
    if (matches.length === 0) check(`${suite}: ${pattern.source}`, undefined, goal)
    for (const r of matches) check(`${suite}: ${r.label}`, r.value, goal)
  }
}
console.log(lines.join('\n'))
