// Compares two builds of hotpath's facade in one process: every case runs on both, interleaved
// round by round, so machine noise hits both alike. For a change to the facade (validation,
// error handling) that must cost nothing on the fast paths.
//
// Usage: node scripts/compare-builds.mjs <before: dist/index.js> <after: dist/index.js> [--rounds N] [--repeat R] [--only <name part>]
// --repeat R measures every case R times over and reports the median ratio with its range: one
// measurement of a 30 ns call moves by a few percent on a shared machine, the median much less.
// Example: git worktree add /tmp/before main~3 && (cd /tmp/before && npm ci && npm run build)
//          node scripts/compare-builds.mjs /tmp/before/dist/index.js dist/index.js
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

const { positionals, values } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '15' }, repeat: { type: 'string', default: '1' }, only: { type: 'string' } } })
if (positionals.length !== 2) {
  console.error('usage: node scripts/compare-builds.mjs <before dist/index.js> <after dist/index.js> [--rounds N]')
  process.exit(2)
}
const builds = await Promise.all(positionals.map((path) => import(pathToFileURL(resolve(path)).href)))
const rounds = Number(values.rounds)
const repeats = Number(values.repeat)

let seed = 1
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
const f64 = (n) => Float64Array.from({ length: n }, random)
const degrees = (n, span) => Float64Array.from({ length: n }, () => (random() - 0.5) * span)

/** Each case: a name, and a setup that returns [operation, calls per sample] for one build. */
const cases = [
  ['model.score(Float64Array 20)', (h) => { const m = new h.RiskModel({ weights: f64(20) }); const x = f64(20); return [() => m.score(x), 20_000] }],
  ['model.score(number[] 20)', (h) => { const m = new h.RiskModel({ weights: f64(20) }); const x = Array.from(f64(20)); return [() => m.score(x), 20_000] }],
  ['scoreBatch 1,000 rows, out', (h) => { const m = new h.RiskModel({ weights: f64(20) }); const x = f64(20_000); const out = new Float64Array(1000); return [() => m.scoreBatch(x, { out }), 500] }],
  ['scoreBatch 100,000 rows, out', (h) => { const m = new h.RiskModel({ weights: f64(20) }); const x = f64(2_000_000); const out = new Float64Array(100_000); return [() => m.scoreBatch(x, { out }), 10] }],
  ['sum 8', (h) => { const x = f64(8); return [() => h.sum(x), 20_000] }],
  ['sum 1,000', (h) => { const x = f64(1000); return [() => h.sum(x), 5000] }],
  ['sum 1,000,000', (h) => { const x = f64(1_000_000); return [() => h.sum(x), 10] }],
  ['dot 1,000', (h) => { const x = f64(1000); const y = f64(1000); return [() => h.dot(x, y), 5000] }],
  ['scaleAndShift 1,000, out', (h) => { const x = f64(1000); const out = new Float64Array(1000); return [() => h.scaleAndShift(x, 2, 1, { out }), 5000] }],
  ['haversine', (h) => [() => h.haversine(10, 20, 30, 40), 20_000]],
  ['haversineMany 100, out', (h) => { const la = degrees(100, 180); const lo = degrees(100, 360); const out = new Float64Array(100); return [() => h.haversineMany(1, 2, la, lo, { out }), 5000] }],
  ['haversineMany 100,000, out', (h) => { const la = degrees(100_000, 180); const lo = degrees(100_000, 360); const out = new Float64Array(100_000); return [() => h.haversineMany(1, 2, la, lo, { out }), 20] }],
  ['nearestK 10,000, k 5', (h) => { const la = degrees(10_000, 180); const lo = degrees(10_000, 360); return [() => h.nearestK(1, 2, la, lo, 5), 100] }],
  ['Accumulator.add x 1,000', (h) => { const a = new h.Accumulator(); const x = f64(1000); return [() => { for (let i = 0; i < 1000; i++) a.add(x[i]) }, 200] }],
  ['Accumulator.addMany 1,000', (h) => { const a = new h.Accumulator(); const x = f64(1000); return [() => a.addMany(x), 2000] }],
  ['convolve 16x16x1, 3x3', (h) => { const img = { data: new Uint8Array(256).map((_, i) => i), width: 16, height: 16, channels: 1 }; const k = { width: 3, height: 3, data: new Float32Array(9).fill(1 / 9) }; return [() => h.convolve(img, k), 2000] }],
  ['gaussianBlur 256x256x3, out', (h) => { const img = { data: new Uint8Array(256 * 256 * 3).map((_, i) => i), width: 256, height: 256, channels: 3 }; const out = { ...img, data: new Uint8Array(img.data.length) }; return [() => h.gaussianBlur(img, { sigma: 1.5 }, { out }), 20] }],
  ['fibonacci(90)', (h) => [() => h.fibonacci(90), 20_000]],
]

// The fastest sample: noise on a shared machine only ever adds time.
const fastest = (xs) => Math.min(...xs)
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

/** The fastest sample per build over `rounds` interleaved rounds of one case. */
function measure(setup) {
  const runs = builds.map((h) => setup(h))
  const samples = runs.map(() => [])
  for (const [op, calls] of runs) for (let i = 0; i < calls; i++) op() // warm-up
  for (let r = 0; r < rounds; r++) {
    // Alternate which build goes first, so neither always runs on a warmer cache.
    const order = r % 2 === 0 ? [0, 1] : [1, 0]
    for (const b of order) {
      const [op, calls] = runs[b]
      const start = process.hrtime.bigint()
      for (let i = 0; i < calls; i++) op()
      samples[b].push(Number(process.hrtime.bigint() - start) / calls)
    }
  }
  return samples.map(fastest)
}

const selected = cases.filter(([name]) => !values.only || name.includes(values.only))
const results = selected.map(() => [])
for (let k = 0; k < repeats; k++) selected.forEach(([, setup], i) => results[i].push(measure(setup)))
const rows = selected.map(([name], i) => {
  const ratios = results[i].map(([before, after]) => after / before)
  const row = {
    case: name,
    'before ns/call': median(results[i].map(([before]) => before)).toFixed(1),
    'after ns/call': median(results[i].map(([, after]) => after)).toFixed(1),
    'after/before': median(ratios).toFixed(3),
  }
  if (repeats > 1) row.range = `${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}`
  return row
})
console.table(rows)
