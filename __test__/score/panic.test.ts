/**
 * Panic containment: a Rust panic becomes an Error with code ERR_HOTPATH_INTERNAL and the process
 * keeps running. The only test file that reaches under the facade: it calls the binding's
 * deliberate-panic functions through `native` and maps async rejections with `fromNative`.
 */
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { HotpathInternalError, RiskModel } from '../../src/index.js'
import { fromNative } from '../../src/core/errors.js'
import { native } from '../../src/core/native.js'
import { F64_TOL, assertScores, makeRows, makeWeights, reference } from '../helpers/data.js'
import { distIndexUrl, fixture, lastJson, repoRoot, requireDist, runNode } from '../helpers/runtime.js'

const binding = native!

describe('Rust panics', () => {
  it('the binding is loaded', () => {
    expect(binding).not.toBeNull()
    expect(typeof binding.debugPanic).toBe('function')
    expect(typeof binding.debugPanicAsync).toBe('function')
  })

  it('sync: debugPanic throws an Error with code ERR_HOTPATH_INTERNAL carrying the panic message', () => {
    let caught: unknown
    try {
      binding.debugPanic('boom-sync-1')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(Error)
    expect((caught as { code?: string }).code).toBe('ERR_HOTPATH_INTERNAL')
    expect((caught as Error).message).toContain('boom-sync-1')
    // The facade's mapping keeps the code and produces the public class.
    const mapped = fromNative(caught)
    expect(mapped).toBeInstanceOf(HotpathInternalError)
    expect((mapped as HotpathInternalError).code).toBe('ERR_HOTPATH_INTERNAL')
  })

  it('async: debugPanicAsync rejects (never throws) and fromNative maps the rejection to ERR_HOTPATH_INTERNAL', async () => {
    let promise: Promise<unknown> | undefined
    expect(() => {
      promise = binding.debugPanicAsync('boom-async-1')
    }).not.toThrow()
    const reason = await promise!.then(
      () => {
        throw new Error('debugPanicAsync resolved')
      },
      (error: unknown) => error,
    )
    expect(reason).toBeInstanceOf(Error)
    const rawCode = (reason as { code?: string }).code
    // A napi async task can only reject with a napi status; the binding uses GenericFailure for
    // internal failures (crates/hotpath-node/src/error.rs), which the facade maps.
    expect(['ERR_HOTPATH_INTERNAL', 'GenericFailure']).toContain(rawCode)
    expect((reason as Error).message).toContain('boom-async-1')
    const mapped = fromNative(reason)
    expect(mapped).toBeInstanceOf(HotpathInternalError)
    expect((mapped as HotpathInternalError).code).toBe('ERR_HOTPATH_INTERNAL')
    expect(mapped.message).toContain('boom-async-1')
    expect(mapped.cause).toBe(reason)
  })

  it('fromNative maps non-Error values to ERR_HOTPATH_INTERNAL too', () => {
    expect((fromNative('weird') as HotpathInternalError).code).toBe('ERR_HOTPATH_INTERNAL')
    expect((fromNative(undefined) as HotpathInternalError).code).toBe('ERR_HOTPATH_INTERNAL')
  })

  it('many sync and concurrent async panics leave the process and the kernels working', async () => {
    for (let i = 0; i < 20; i++) expect(() => binding.debugPanic(`loop ${i}`)).toThrow(expect.objectContaining({ code: 'ERR_HOTPATH_INTERNAL' }))
    const settled = await Promise.allSettled(Array.from({ length: 32 }, (_, i) => binding.debugPanicAsync(`concurrent ${i}`)))
    settled.forEach((s, i) => {
      expect(s.status).toBe('rejected')
      const reason = (s as PromiseRejectedResult).reason as Error
      expect(reason.message).toContain(`concurrent ${i}`)
      expect((fromNative(reason) as HotpathInternalError).code).toBe('ERR_HOTPATH_INTERNAL')
    })
    // The thread pool and the libuv threads that panicked still work.
    const weights = makeWeights(20)
    const model = new RiskModel({ weights })
    const rows = makeRows(30_000, 20, 9)
    const expected = reference(rows, weights)
    assertScores(model.scoreBatch(rows), expected, F64_TOL)
    assertScores(await model.scoreBatchAsync(rows), expected, F64_TOL)
    const asyncBatches = await Promise.all(Array.from({ length: 8 }, () => model.scoreBatchAsync(rows.subarray(0, 1000 * 20))))
    for (const scores of asyncBatches) assertScores(scores, expected.subarray(0, 1000), F64_TOL)
  })

  it('a separate process that panics sync and async keeps running and exits 0 on its own', async () => {
    requireDist()
    const nativeUrl = pathToFileURL(`${repoRoot}dist/core/native.js`).href
    const result = await runNode(fixture('panic.mjs'), [nativeUrl, distIndexUrl], { timeoutMs: 60_000 })
    expect(result.timedOut).toBe(false)
    expect(result.signal, result.stderr).toBeNull()
    expect(result.code, result.stderr).toBe(0)
    const report = lastJson<{ codes: { sync: string[]; pool: string[]; async: string[] }; messages: string[]; ok: boolean }>(result.stdout)
    expect(report.codes.sync).toEqual(Array.from({ length: 5 }, () => 'ERR_HOTPATH_INTERNAL'))
    expect(report.codes.pool).toEqual(Array.from({ length: 5 }, () => 'ERR_HOTPATH_INTERNAL'))
    expect(report.codes.async).toHaveLength(16)
    for (const code of report.codes.async) expect(['ERR_HOTPATH_INTERNAL', 'GenericFailure']).toContain(code)
    expect(report.ok).toBe(true)
    // The panic's message and location travel in the error, not as a banner on stderr.
    expect(result.stderr).not.toMatch(/panicked at|RUST_BACKTRACE/)
    expect(report.messages).toHaveLength(26)
    for (const message of report.messages) expect(message).toMatch(/: (?:sync|pool|async) \d+ \(panicked at crates\/hotpath-node\/src\/diagnostics\.rs:\d+:\d+\)$/)
  })

  it('HOTPATH_DEBUG_PANICS=1 keeps Rust\'s panic banner on stderr for debugging hotpath itself', async () => {
    requireDist()
    const nativeUrl = pathToFileURL(`${repoRoot}dist/core/native.js`).href
    const result = await runNode(fixture('panic.mjs'), [nativeUrl, distIndexUrl], { timeoutMs: 60_000, env: { ...process.env, HOTPATH_DEBUG_PANICS: '1' } })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/panicked at crates\/hotpath-node\/src\/diagnostics\.rs:\d+:\d+:\nsync 0/)
  })
})
