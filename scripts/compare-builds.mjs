// Compares two builds of hotpath's facade: every case runs on both in one process, interleaved
// round by round, so machine noise hits both alike. For a change to the facade (validation,
// error handling) that must cost nothing on the fast paths.
//
// Usage: node scripts/compare-builds.mjs <before: dist/index.js> <after: dist/index.js> [--rounds N] [--repeat R] [--only <name part>]
// --repeat R measures every case R times over and reports the median ratio with its range: one
// measurement of a 30 ns call moves by a few percent on a shared machine, the median much less.
// Each case runs in two fresh processes, one loading `before` first and one `after` first, and
// the ratio is the geometric mean of the two: the build loaded second measured up to 3% slower
// (or faster) on some 3-30 ns calls whatever its code, and earlier cases in one process changed
// how later ones were optimized (a 20-feature score measured 26 or 44 ns by what ran before it).
// Example: git worktree add /tmp/before main~3 && (cd /tmp/before && npm ci && npm run build)
//          node scripts/compare-builds.mjs /tmp/before/dist/index.js dist/index.js
import { execFileSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '15' },
    repeat: { type: 'string', default: '1' },
    only: { type: 'string' },
    // Internal: the child process that measures one case with one load order.
    case: { type: 'string' },
    'after-first': { type: 'boolean', default: false },
  },
})
if (positionals.length !== 2) {
  console.error('usage: node scripts/compare-builds.mjs <before dist/index.js> <after dist/index.js> [--rounds N] [--repeat R] [--only <name part>]')
  process.exit(2)
}
/** The two builds, in load order (set in the child that measures). */
let builds = []
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

/**
 * A fresh copy of a function, compiled on its own. Closures made from one function literal share
 * their inline caches, so a case's setup, or one timing loop, used for both builds sees two
 * classes (two targets) at every call site and one build pays an extra check (~4% on a 3 ns
 * call): the "slowdown" then followed load order, not code. Direct eval keeps this module's
 * helpers in scope.
 */
function separately(fn) {
  // eslint-disable-next-line no-eval
  return eval(`(${fn.toString()})`)
}

/** Where each timing loop leaves its last result, so no call's work is dead code. */
export let lastResult

/**
 * Average time per call of `calls` calls of `op`, in ns. Every result flows out of the loop:
 * a discarded result lets the optimizer drop the pure part of a small inlined call (a 20-feature
 * score measured 25 or 50 ns by whether it did), which hides or invents differences.
 */
function timeCalls(op, calls) {
  let result
  const start = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) result = op()
  const elapsed = Number(process.hrtime.bigint() - start)
  lastResult = result
  return elapsed / calls
}

/** The fastest sample per build over `rounds` interleaved rounds of one case. */
function measure(setup) {
  const runs = builds.map((h) => [...separately(setup)(h), separately(timeCalls)])
  const samples = runs.map(() => [])
  for (const [op, calls, time] of runs) time(op, calls) // warm-up
  for (let r = 0; r < rounds; r++) {
    // Alternate which build goes first, so neither always runs on a warmer cache.
    const order = r % 2 === 0 ? [0, 1] : [1, 0]
    for (const b of order) {
      const [op, calls, time] = runs[b]
      samples[b].push(time(op, calls))
    }
  }
  return samples.map(fastest)
}

if (values.case !== undefined) {
  // Child: load the builds in the asked order, measure one case, report [before, after] per repeat.
  const paths = values['after-first'] ? [positionals[1], positionals[0]] : positionals
  builds = []
  for (const path of paths) builds.push(await import(pathToFileURL(resolve(path)).href))
  const [, setup] = cases[Number(values.case)]
  const pairs = []
  for (let k = 0; k < repeats; k++) {
    const [first, second] = measure(setup)
    pairs.push(values['after-first'] ? [second, first] : [first, second])
  }
  process.stdout.write(JSON.stringify(pairs))
} else {
  const child = (index, afterFirst) =>
    JSON.parse(
      execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...positionals, '--rounds', values.rounds, '--repeat', values.repeat, '--case', String(index), ...(afterFirst ? ['--after-first'] : [])], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    )
  const rows = []
  cases.forEach(([name], index) => {
    if (values.only && !name.includes(values.only)) return
    const beforeFirst = child(index, false)
    const afterFirst = child(index, true)
    const ratios = beforeFirst.map(([b1, a1], k) => Math.sqrt((a1 / b1) * (afterFirst[k][1] / afterFirst[k][0])))
    const all = [...beforeFirst, ...afterFirst]
    const row = {
      case: name,
      'before ns/call': median(all.map(([before]) => before)).toFixed(1),
      'after ns/call': median(all.map(([, after]) => after)).toFixed(1),
      'after/before': median(ratios).toFixed(3),
    }
    if (repeats > 1) row.range = `${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}`
    rows.push(row)
  })
  console.table(rows)
}
