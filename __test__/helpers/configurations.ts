/**
 * Runs one fixture script in child processes under every implementation hotpath can use: the
 * native binary as built, capped at baseline SIMD on one thread, capped at AVX2, and the pure-TS
 * fallback (HOTPATH_NATIVE=fallback on a copy of dist/ with no binding/ next to it, as when the
 * platform package is missing). The script gets the URL of the dist/index.js to import.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, expect } from 'vitest'
import { distIndexUrl, fixture, lastJson, repoRoot, requireDist, runNode, type ChildResult } from './runtime.js'

export type Configuration = 'native' | 'fallback' | 'baseline' | 'avx2'

/** The parent's environment without hotpath's own variables, plus `extra`. */
export function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('HOTPATH_')) env[name] = value
  return { ...env, ...extra }
}

/** The JSON report a child printed last, after checking that it exited cleanly. */
export function reportOf<T>(run: ChildResult): T {
  expect(run.timedOut, run.stderr).toBe(false)
  expect(run.code, run.stderr).toBe(0)
  return lastJson<T>(run.stdout)
}

/** Runs `fixtureName` in every configuration at once; call `cleanup()` when done (afterAll). */
export async function runEveryConfiguration(fixtureName: string, timeoutMs: number): Promise<{ runs: Record<Configuration, ChildResult>; cleanup: () => void }> {
  const copy = mkdtempSync(join(tmpdir(), 'hotpath-configurations-'))
  const cleanup = () => rmSync(copy, { recursive: true, force: true })
  try {
    cpSync(join(repoRoot, 'dist'), join(copy, 'dist'), { recursive: true })
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: 'hotpath', type: 'module' }))
    const copyUrl = pathToFileURL(join(copy, 'dist', 'index.js')).href
    const script = fixture(fixtureName)
    const options = { timeoutMs }
    const [native, fallback, baseline, avx2] = await Promise.all([
      runNode(script, [distIndexUrl], { ...options, env: envWith({}) }),
      runNode(script, [copyUrl], { ...options, env: envWith({ HOTPATH_NATIVE: 'fallback' }) }),
      runNode(script, [distIndexUrl], { ...options, env: envWith({ HOTPATH_SIMD: 'baseline', HOTPATH_THREADS: '1' }) }),
      runNode(script, [distIndexUrl], { ...options, env: envWith({ HOTPATH_SIMD: 'avx2' }) }),
    ])
    return { runs: { native, fallback, baseline, avx2 }, cleanup }
  } catch (error) {
    cleanup()
    throw error
  }
}

/**
 * Registers, in the calling `describe`, a `beforeAll` that runs `fixtureName` in every
 * configuration and an `afterAll` that removes the dist/ copy; returns the runs once they exist.
 */
export function useEveryConfiguration(fixtureName: string, timeoutMs: number): () => Record<Configuration, ChildResult> {
  let runs: Record<Configuration, ChildResult> | undefined
  let cleanup = () => {}
  beforeAll(async () => {
    requireDist()
    const every = await runEveryConfiguration(fixtureName, timeoutMs)
    runs = every.runs
    cleanup = every.cleanup
  })
  afterAll(() => cleanup())
  return () => {
    if (!runs) throw new Error(`${fixtureName} did not run`)
    return runs
  }
}

/** What `runtimeInfo().simd` says under HOTPATH_SIMD=baseline: arm64's baseline is NEON. */
export const BASELINE_SIMD = process.arch === 'arm64' ? 'neon' : 'baseline'
