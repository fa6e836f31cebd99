/**
 * How hotpath behaves when its native binary is missing, as a user would meet it: the root
 * package installed alone (no `@hotpath/binding-<triple>`, e.g. after `--omit=optional`) must fail
 * loudly with a diagnosis, and must run on the pure-TS kernels only when HOTPATH_NATIVE=fallback
 * allows it, warning once. In the source tree, after `npm run build`, the native binary loads.
 */
import { realpathSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runtimeInfo } from '../../src/index.js'
import {
  HOST_TRIPLE,
  SCORING_SCRIPT_BODY,
  installProject,
  maxRelativeError,
  packLocal,
  packedInstallSkipReason,
  removeAll,
  runModule,
  tempDir,
  type ScoringReport,
} from '../helpers/pack.js'

const skipReason = packedInstallSkipReason()
const title = skipReason ? `root package installed without a platform package (skipped: ${skipReason})` : 'root package installed without a platform package'

describe.skipIf(skipReason !== null)(title, () => {
  let tarballs = ''
  let project = ''

  beforeAll(() => {
    tarballs = tempDir('tarballs')
    project = realpathSync(installProject('no-binary', [packLocal(tarballs).root.path]))
  })

  afterAll(() => removeAll([tarballs, project]))

  it('fails to import with ERR_HOTPATH_NATIVE_LOAD naming the platform, what was tried and the fixes', () => {
    const run = runModule(
      project,
      `import('hotpath').then(
  () => { console.log(JSON.stringify({ loaded: true })) },
  (e) => { console.log(JSON.stringify({ loaded: false, name: e.name, code: e.code, message: e.message })) },
)`,
    )
    expect(run.status, run.stderr).toBe(0)
    const error = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as { loaded: boolean; name: string; code: string; message: string }
    expect(error.loaded).toBe(false)
    expect(error.code).toBe('ERR_HOTPATH_NATIVE_LOAD')
    expect(error.name).toBe('NativeLoadError')
    const { message } = error
    // The platform as detected: OS, CPU and C library.
    expect(message).toMatch(/\blinux\b/)
    expect(message).toMatch(/\bx64\b/)
    expect(message).toMatch(/libc: (glibc \d+\.\d+|musl)/)
    // What was tried: the binary next to the loader, then the platform package.
    expect(message).toMatch(/Tried/)
    expect(message).toContain(`hotpath.${HOST_TRIPLE}.node`)
    expect(message).toContain(`@hotpath/binding-${HOST_TRIPLE}`)
    // How to fix it: reinstall with optional dependencies, or allow the fallback.
    expect(message).toMatch(/npm install/)
    expect(message).toContain('HOTPATH_NATIVE=fallback')
    // A few lines, only targets hotpath ships, and the fix for this cause (the package is missing).
    expect(message.split('\n').length).toBeLessThanOrEqual(6)
    expect(message).not.toMatch(/wasi|wasm32/)
    expect(message).toContain(`npm install @hotpath/binding-${HOST_TRIPLE}@`)
    expect(message).not.toMatch(/package-lock\.json|remove node_modules/)
  })

  it('runs on the pure-TS kernels with HOTPATH_NATIVE=fallback and warns exactly once', () => {
    const run = runModule(
      project,
      `import { RiskModel, runtimeInfo } from 'hotpath'
${SCORING_SCRIPT_BODY}
const model = new RiskModel({ weights, threshold: t })
let scores = []
for (let i = 0; i < 5; i++) scores = Array.from(model.scoreBatch(rows))
const asyncScores = Array.from(await model.scoreBatchAsync(rows))
const single = model.score(rows.subarray(0, D))
const again = await import('hotpath')
new again.RiskModel({ weights }).scoreBatch(rows)
console.log(JSON.stringify({ backend: runtimeInfo().backend, scores, expected, asyncScores, single }))`,
      { HOTPATH_NATIVE: 'fallback' },
    )
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as ScoringReport & { asyncScores: number[]; single: number }
    expect(report.backend).toBe('fallback')
    expect(report.scores).toHaveLength(64)
    expect(maxRelativeError(report.scores, report.expected)).toBeLessThanOrEqual(1e-12)
    expect(maxRelativeError(report.asyncScores, report.expected)).toBeLessThanOrEqual(1e-12)
    expect(maxRelativeError([report.single], [report.expected[0] as number])).toBeLessThanOrEqual(1e-12)
    // Node prints a warning as "(node:PID) [CODE] Warning: ..." on stderr.
    expect(run.stderr.match(/\[HOTPATH_FALLBACK\]/g) ?? [], run.stderr).toHaveLength(1)
    expect(run.stderr).toMatch(/HOTPATH_NATIVE=fallback/)
  })
})

describe('source tree after `npm run build`', () => {
  it('loads the native binary', () => {
    expect(process.env.HOTPATH_NATIVE).toBeUndefined()
    expect(runtimeInfo().backend).toBe('native')
  })
})
