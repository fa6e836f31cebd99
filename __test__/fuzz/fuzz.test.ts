/**
 * The fuzz suite (issue 11, item 4): fast-check over every exported function, method and
 * constructor of the public API, one child process per family (__test__/fuzz/driver.mjs, against
 * the build in dist/), so a native crash or a hang fails this test instead of killing the runner.
 *
 * Each family's driver checks, for every case: the process survives and the call settles in time;
 * every error is an Error with a documented code (docs/errors.md) of the documented class, async
 * APIs never throw synchronously, user code's errors propagate and are never swallowed; a call that
 * succeeds returns what the pure-TS reference (src/<family>/reference.ts) returns for the same input, and a
 * call on input that must be rejected (detached or out-of-bounds buffers, an aborted signal, ...)
 * does not succeed. It then proves the native pool is free (an async call completes).
 *
 * Fixed seed by default; `HOTPATH_FUZZ_SEED=<n>` changes it, `HOTPATH_FUZZ_RUNS=<n>` (default 2000
 * per family) runs longer: `HOTPATH_FUZZ_RUNS=100000 npm run test:fuzz`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lastJson, requireDist, runNode } from '../helpers/runtime.js'

const FAMILIES = ['vector', 'integer', 'stats', 'score', 'geo', 'image', 'text', 'misc'] as const
const RUNS = Number(process.env.HOTPATH_FUZZ_RUNS ?? 2000)
const SEED = Number(process.env.HOTPATH_FUZZ_SEED ?? 20261103)
/** Generous: about 10 ms per case is the slowest family on the reference machine. */
const TIMEOUT_MS = 90_000 + RUNS * 40
const driver = fileURLToPath(new URL('./driver.mjs', import.meta.url))

interface Failure {
  signature: string
  count: number
  run: number
  detail: string
  example: string
  counterexample?: string
  path?: string
}
interface Report {
  family: string
  seed: number
  runs: number
  cases: number
  calls: number
  succeeded: number
  rejected: number
  compared: number
  longestMs: number
  longestCall: string
  fuzzMs: number
  poolFree: boolean
  driverError: string | null
  failures: Failure[]
}

const reports: Report[] = []
let journalDir: string

function explain(report: Report): string {
  return report.failures
    .map((f) => `- ${f.signature} (${f.count}x; seed ${report.seed}, path ${f.path ?? f.run})\n    counterexample: ${(f.counterexample ?? f.example).slice(0, 1500)}\n    ${f.detail.slice(0, 300)}`)
    .join('\n')
}

describe(`fuzz: ${RUNS} cases per family, seed ${SEED}`, () => {
  beforeAll(() => {
    requireDist()
    journalDir = mkdtempSync(join(tmpdir(), 'hotpath-fuzz-'))
  })
  afterAll(() => {
    const cases = reports.reduce((n, r) => n + r.cases, 0)
    const longest = reports.reduce((a, r) => (r.longestMs > a.longestMs ? r : a), { longestMs: 0, longestCall: '' } as Pick<Report, 'longestMs' | 'longestCall'>)
    console.log(`fuzz total: ${cases} cases (seed ${SEED}); longest single call ${longest.longestMs} ms: ${longest.longestCall.slice(0, 160)}`)
    rmSync(journalDir, { recursive: true, force: true })
  })

  for (const family of FAMILIES) {
    it(
      `${family}: no crash, no hang, only coded errors, results equal the reference`,
      async () => {
        const journal = join(journalDir, `${family}.txt`)
        const result = await runNode(driver, [family], {
          timeoutMs: TIMEOUT_MS,
          env: { ...process.env, HOTPATH_FUZZ_RUNS: String(RUNS), HOTPATH_FUZZ_SEED: String(SEED), HOTPATH_FUZZ_JOURNAL: journal },
        })
        const last = (() => {
          try {
            return readFileSync(journal, 'utf8')
          } catch {
            return '(no journal)'
          }
        })()
        expect(result.timedOut, `the ${family} driver hung (killed after ${TIMEOUT_MS} ms) during: ${last}`).toBe(false)
        expect(result.signal, `the ${family} driver died of ${result.signal} during: ${last}\n${result.stderr.slice(-2000)}`).toBeNull()
        expect(result.code, `the ${family} driver exited with ${result.code} during: ${last}\n${result.stderr.slice(-2000)}`).toBe(0)
        const report = lastJson<Report>(result.stdout)
        reports.push(report)
        console.log(
          `fuzz ${family}: ${report.cases} cases, ${report.calls} calls (${report.succeeded} succeeded, ${report.compared} compared with the reference, ${report.rejected} rejected) in ${report.fuzzMs} ms; longest call ${report.longestMs} ms (${report.longestCall.slice(0, 120)}); ${report.failures.length} distinct failures`,
        )
        expect(report.driverError, 'a bug in the fuzz suite itself').toBeNull()
        expect(report.cases).toBe(RUNS)
        expect(report.poolFree, 'an async call after the fuzz cases did not complete: the native pool is not free').toBe(true)
        expect(report.failures.length, `${family}: ${report.failures.length} distinct failures\n${explain(report)}`).toBe(0)
      },
      TIMEOUT_MS + 30_000,
    )
  }
})
