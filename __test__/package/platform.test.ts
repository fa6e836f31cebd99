/**
 * The platform check (scripts/platform-check.mjs) that `npm run test:arm64` and the workflow's
 * arm64 and musl jobs run against golden bits recorded on x86-64: here it must pass at every SIMD
 * level this CPU has and on one thread, so the golden file and the check stay true on the machine
 * that records them, and a change that moves a promised bit fails before any other platform runs.
 */
import { describe, expect, it } from 'vitest'
import { repoRoot, requireDist, runNode } from '../helpers/runtime.js'

const script = `${repoRoot}scripts/platform-check.mjs`

describe('platform check', () => {
  for (const [label, env] of [
    ['the best SIMD level', {}],
    ['HOTPATH_SIMD=avx2', { HOTPATH_SIMD: 'avx2' }],
    ['HOTPATH_SIMD=baseline', { HOTPATH_SIMD: 'baseline' }],
    ['one thread', { HOTPATH_THREADS: '1' }],
  ] as const) {
    it(`every family gives the golden bits at ${label}`, async () => {
      requireDist()
      const result = await runNode(script, [], { env: { ...process.env, ...env }, timeoutMs: 60_000 })
      expect(result.stdout + result.stderr).toMatch(/platform-check \(.*\): (\d+) of \1 checks passed/)
      expect(result.code).toBe(0)
    }, 60_000)
  }
})
