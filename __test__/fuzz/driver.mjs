// The fuzz driver: runs one family's properties against the built package (dist/) and prints one
// JSON report line. Run by __test__/fuzz/fuzz.test.ts in a child process, so that a native crash
// or a hang fails the test instead of killing the runner.
//
//   node __test__/fuzz/driver.mjs <family>
//   HOTPATH_FUZZ_RUNS    cases per family (default 2000)
//   HOTPATH_FUZZ_SEED    fast-check seed (default 20261103)
//   HOTPATH_FUZZ_ONLY    only the functions whose name contains this string
//   HOTPATH_FUZZ_JOURNAL a file that always holds the call in progress (read after a crash or hang)
//   HOTPATH_FUZZ_PATH    replay one case: the `path` a failure report gives (same seed, same ONLY)
//
// Properties, for every case (one call of one public function, method or constructor):
//   (a) the call returns or settles within CALL_LIMIT_MS and the process survives;
//   (b) what it throws or rejects with is an Error with a documented `code` (docs/errors.md), of
//       the documented class; an async API never throws synchronously; an error thrown by user
//       code (a getter, a trap, an iterator) may propagate as it is, but is never swallowed;
//   (c) a call that succeeds returns what the pure-TS reference returns for the same input
//       (bitwise where the docs promise it, else with the parity tests' tolerance), and a call on
//       input the API must reject (detached, out of bounds, an aborted signal, ...) does not succeed.
// Failures are collected by signature; each distinct one is replayed and shrunk by fast-check.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import fc from 'fast-check'
import { Invalid, Unknown, bufferOf, lengthOf } from './oracle.mjs'
import { Bad, UserError, describe, find, materialize, newContext } from './values.mjs'

const family = process.argv[2]
const RUNS = Number(process.env.HOTPATH_FUZZ_RUNS ?? 2000)
const SEED = Number(process.env.HOTPATH_FUZZ_SEED ?? 20261103)
const ONLY = process.env.HOTPATH_FUZZ_ONLY
const CALL_LIMIT_MS = Number(process.env.HOTPATH_FUZZ_CALL_LIMIT_MS ?? 15_000)
const PATH = process.env.HOTPATH_FUZZ_PATH
const MAX_SHRINKS = 60

const root = fileURLToPath(new URL('../../', import.meta.url))
const dist = (path) => pathToFileURL(`${root}dist/${path}`).href
const hp = await import(dist('index.js'))
const refs = {
  vector: await import(dist('vector/reference.js')),
  score: await import(dist('score/reference.js')),
  integer: await import(dist('integer/reference.js')),
  stats: await import(dist('stats/reference.js')),
  geo: await import(dist('geo/reference.js')),
  image: await import(dist('image/reference.js')),
  text: { ...(await import(dist('text/reference.js'))), ...(await import(dist('text/options.js'))) },
}

const { specs: allSpecs, builders = {} } = await import(`./families/${family}.mjs`)
const specs = allSpecs.filter((s) => !ONLY || s.name.includes(ONLY))
if (specs.length === 0) throw new Error(`no spec matches ${ONLY}`)

const CODES = new Map([
  ['ERR_INVALID_ARG_TYPE', TypeError],
  ['ERR_INVALID_ARG_VALUE', RangeError],
  ['ERR_OUT_OF_RANGE', RangeError],
  ['ABORT_ERR', Error],
  ['ERR_HOTPATH_INTERNAL', Error],
  ['ERR_ILLEGAL_CONSTRUCTOR', TypeError],
  ['ERR_HOTPATH_NATIVE_LOAD', Error],
])

let journalFd
if (process.env.HOTPATH_FUZZ_JOURNAL) journalFd = openSync(process.env.HOTPATH_FUZZ_JOURNAL, 'w')
function journal(text) {
  if (journalFd === undefined) return
  const n = writeSync(journalFd, text, 0)
  ftruncateSync(journalFd, n)
}

// Process-level trouble is attributed to the case running when it is noticed.
let current = 'startup'
const processProblems = []
process.on('unhandledRejection', (reason) => processProblems.push(`unhandled rejection during ${current}: ${reason?.name}: ${reason?.message ?? reason}`))
process.on('warning', (w) => processProblems.push(`process warning during ${current}: ${w.name}: ${w.message}`))

function normalize(message) {
  return String(message)
    .split('\n')[0]
    .replace(/-?\d[\d.e+-]*/g, 'N')
    .replace(/'[^']*'/g, "'…'")
    .slice(0, 160)
}

function timeout(promise, ms) {
  let timer
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no settlement within ${ms} ms`), { fuzzHang: true })), ms)
  })
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer))
}

const stats = { cases: 0, calls: 0, succeeded: 0, rejected: 0, userErrors: 0, compared: 0, longestMs: 0, longestCall: '' }
const perSpec = Object.fromEntries(specs.map((s) => [s.name, { cases: 0, succeeded: 0, compared: 0 }]))

/**
 * One case: materializes its arguments, asks the oracle what must happen, makes the call, checks
 * the properties. Returns the violation (`{ signature, detail }`) or null.
 */
async function runCase(c) {
  const spec = specs[c.fn]
  const ctx = newContext()
  ctx.hp = hp
  ctx.builders = builders
  // In order: a later argument's builder may size itself by an earlier one (an image's `out`).
  const parts = (ctx.parts = [])
  for (const r of c.args) parts.push(materialize(r, ctx))
  const values = parts.map((p) => p.value)
  const canon = parts.map((p) => p.canon)
  let verdict
  const bad = spec.scanBad === false ? undefined : find(canon, Bad)
  if (bad) verdict = { must: 'throw', reason: bad.reason }
  else {
    try {
      verdict = { must: 'value', value: spec.oracle(canon, refs) }
    } catch (error) {
      if (error instanceof Invalid) verdict = { must: 'throw', reason: error.message }
      else if (error instanceof Unknown) verdict = { must: 'any' }
      else throw error
    }
  }
  current = `${spec.name} ${describe(c.args).slice(0, 300)}`
  journal(current)
  stats.calls++
  perSpec[spec.name].cases++
  const t0 = performance.now()
  let result
  let error
  let threw = false
  let syncThrow = false
  let notPromise = false
  try {
    if (spec.kind === 'sync') result = spec.run(hp, values, ctx)
    else {
      let promise
      try {
        promise = spec.run(hp, values, ctx)
      } catch (e) {
        // A stream factory validates its options synchronously, like any sync function.
        syncThrow = spec.kind === 'async'
        throw e
      }
      if (!(promise instanceof Promise)) notPromise = true
      for (const f of ctx.afterCall) f()
      result = await timeout(Promise.resolve(promise), CALL_LIMIT_MS)
    }
  } catch (e) {
    threw = true
    error = e
  }
  const ms = performance.now() - t0
  if (ms > stats.longestMs) {
    stats.longestMs = ms
    stats.longestCall = current.slice(0, 200)
  }
  const v = (kind, detail) => ({ signature: `${spec.name}: ${kind}`, detail })
  if (ms > CALL_LIMIT_MS) return v('took longer than the per-call limit', `${ms.toFixed(0)} ms`)
  if (notPromise) return v('an async API did not return a promise', typeof result)
  if (threw) {
    if (error?.fuzzHang) return v('hang: the promise did not settle', error.message)
    if (error instanceof UserError && ctx.sentinelFired) {
      stats.userErrors++
      return spec.kind === 'async' && syncThrow ? v('an async API threw (a user error) synchronously', '') : null
    }
    stats.rejected++
    if (process.env.HOTPATH_FUZZ_DEBUG) {
      const reasons = (perSpec[spec.name].reasons ??= {})
      const key = normalize(error?.message).slice(0, 90)
      reasons[key] = (reasons[key] ?? 0) + 1
    }
    if (spec.anyError) return null
    if (!(error instanceof Error)) return v('threw a non-Error', String(error))
    const code = error.code
    const name = `${error.constructor?.name ?? 'Error'}${code === undefined ? '' : ` ${String(code)}`}`
    if (typeof code !== 'string' || !CODES.has(code)) return v(`error without a documented code: ${name}: ${normalize(error.message)}`, error.stack?.split('\n').slice(0, 4).join(' | '))
    if (!(error instanceof CODES.get(code))) return v(`${code} is not a ${CODES.get(code).name}`, error.message)
    if (code === 'ERR_HOTPATH_INTERNAL') return v(`internal error: ${normalize(error.message)}`, `${error.message} cause: ${error.cause?.message}`)
    if (spec.kind === 'async' && syncThrow) return v(`an async API threw synchronously: ${code}`, error.message)
    return null
  }
  stats.succeeded++
  perSpec[spec.name].succeeded++
  if (ctx.sentinelFired) return v('swallowed an error thrown by user code', '')
  if (verdict.must === 'throw') return v(`accepted input it must reject: ${verdict.reason.replace(/\d+/g, 'N')}`, describeResult(result))
  if (verdict.must === 'value') {
    stats.compared++
    perSpec[spec.name].compared++
    // An in-place or `out` result detached by the test after the call started cannot be read.
    if (ctx.detachedAfterCall && isDetachedView(result)) return null
    let mismatch
    try {
      mismatch = spec.compare(result, verdict.value, canon)
    } catch (e) {
      mismatch = `comparison threw: ${e.message}`
    }
    if (mismatch) return v(`result differs from the reference${ctx.detachFired ? ' (an input was detached by a getter the API read)' : ''}`, mismatch)
  }
  return null
}

function isDetachedView(r) {
  const views = ArrayBuffer.isView(r) ? [r] : r && typeof r === 'object' ? Object.values(r).filter((v) => ArrayBuffer.isView(v)) : []
  return views.some((v) => {
    try {
      return lengthOf(v) === 0 && bufferOf(v).byteLength === 0
    } catch {
      return true
    }
  })
}

function describeResult(r) {
  if (ArrayBuffer.isView(r)) return `returned ${r.constructor.name}(${r.length})`
  if (r && typeof r === 'object') return `returned ${r.constructor?.name ?? 'object'} ${Object.keys(r).slice(0, 5).join(',')}`
  return `returned ${typeof r} ${String(r).slice(0, 60)}`
}

const caseArb = fc.oneof(...specs.map((s, i) => s.args.map((args) => ({ fn: i, args }))))

// Phase 1: every case runs; violations are collected by signature.
const failures = new Map()
let index = -1
const t0 = performance.now()
const phase1 = await fc.check(
  fc.asyncProperty(caseArb, async (c) => {
    index++
    stats.cases++
    const violation = await runCase(c)
    for (const problem of processProblems.splice(0)) {
      const signature = problem.replace(/ during .*?: /, ': ').replace(/\d+/g, 'N').slice(0, 200)
      if (!failures.has(signature)) failures.set(signature, { signature, count: 0, run: index, detail: problem.slice(0, 400), example: describe(c.args) })
      failures.get(signature).count++
    }
    if (violation) {
      const f = failures.get(violation.signature)
      if (f) f.count++
      else failures.set(violation.signature, { ...violation, count: 1, run: index, example: describe(c.args) })
    }
    return true
  }),
  { seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH } : {}) },
)
const fuzzMs = performance.now() - t0
// A property that throws is a bug of this suite (an oracle or a run function), not of hotpath.
const driverError = phase1.failed ? `${phase1.errorInstance?.stack ?? phase1.error} at ${describe(phase1.counterexample?.[0]?.args)}` : null

// Phase 2: each distinct failure is replayed from its run and shrunk.
let shrunk = 0
for (const f of failures.values()) {
  if (shrunk++ >= MAX_SHRINKS || f.signature.startsWith('unhandled') || f.signature.startsWith('process warning')) continue
  const details = await fc.check(
    fc.asyncProperty(caseArb, async (c) => {
      const violation = await runCase(c)
      processProblems.splice(0)
      return violation?.signature !== f.signature
    }),
    { seed: SEED, path: String(f.run), numRuns: RUNS, interruptAfterTimeLimit: 5000 },
  )
  if (details.failed && details.counterexample) {
    f.counterexample = describe(details.counterexample[0].args)
    f.path = details.counterexamplePath
  } else f.counterexample = '(not reproduced on replay)'
}

// The native pool is free afterwards: an async call that needs it completes.
let poolFree = false
try {
  const big = new Float64Array(100_000).fill(1)
  poolFree = (await timeout(hp.sumAsync(big), 10_000)) === 100_000
} catch {
  poolFree = false
}
if (journalFd !== undefined) closeSync(journalFd)

const report = {
  family,
  seed: SEED,
  runs: RUNS,
  ...stats,
  longestMs: Math.round(stats.longestMs * 10) / 10,
  fuzzMs: Math.round(fuzzMs),
  poolFree,
  driverError,
  perSpec,
  failures: [...failures.values()],
}
process.stdout.write(`${JSON.stringify(report)}\n`)
