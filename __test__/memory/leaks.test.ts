/**
 * What happens to NativeBuffers nobody disposes, in child processes started with --expose-gc
 * (fixture __test__/fixtures/memory-gc.mjs, against the build): the GC frees every one and
 * `memoryStats().collected` counts it, `HOTPATH_DEBUG_LEAKS=1` prints where each was allocated,
 * and alloc/dispose cycles leave RSS flat.
 *
 * Bound: RSS may grow by less than 16 MiB over 100,000 cycles that yield to the event loop every
 * 1,000 (as programs do), and over a second 100,000-cycle loop that never yields (the first one
 * pays Node's deferred bookkeeping once). Leaking the 64 KiB blocks (6.5 GB), the 1 MiB ones
 * (1 GB) or any per-buffer allocation of 170 bytes or more exceeds it; before blocks of 64 KiB and
 * more were memory maps, malloc kept ~4 KB per cycle resident (460 MiB).
 */
import { describe, expect, it } from 'vitest'
import { distIndexUrl, fixture, lastJson, requireDist, runNode } from '../helpers/runtime.js'

const BOUND_BYTES = 16 * 2 ** 20

interface Report {
  allocated: number
  liveAfterAlloc: number
  collected: number
  liveAfterGc: number
  bytesAfterGc: number
  cycleDisposals: number
  liveAtEnd: number
  bytesAtEnd: number
  growth: number
  syncGrowth: number
  rssWarm: number
  rssEnd: number
}

describe('NativeBuffers that are never disposed', () => {
  it('are freed by the GC and counted in memoryStats().collected; alloc/dispose cycles keep RSS flat', async () => {
    requireDist()
    const result = await runNode(fixture('memory-gc.mjs'), [distIndexUrl, '1000'], { nodeArgs: ['--expose-gc'], timeoutMs: 120_000 })
    expect(result.code, result.stderr).toBe(0)
    const report = lastJson<Report>(result.stdout)
    expect(report.allocated).toBe(1000)
    expect(report.liveAfterAlloc).toBe(1000)
    expect(report.collected).toBe(1000)
    expect(report.liveAfterGc).toBe(0)
    expect(report.bytesAfterGc).toBe(0)
    expect(report.cycleDisposals).toBe(310_000)
    expect(report.liveAtEnd).toBe(0)
    expect(report.bytesAtEnd).toBe(0)
    expect(report.growth, `RSS ${(report.rssWarm / 2 ** 20).toFixed(1)} MiB after warm-up, ${(report.rssEnd / 2 ** 20).toFixed(1)} MiB at the end`).toBeLessThan(BOUND_BYTES)
    expect(report.syncGrowth, 'a second 100,000-cycle loop that never yields').toBeLessThan(BOUND_BYTES)
    // Without HOTPATH_DEBUG_LEAKS nothing is printed about them.
    expect(result.stderr).not.toContain('NativeBuffer')
  }, 120_000)

  it('HOTPATH_DEBUG_LEAKS=1 prints the allocation stack of each collected buffer', async () => {
    requireDist()
    const result = await runNode(fixture('memory-gc.mjs'), [distIndexUrl, '3'], { nodeArgs: ['--expose-gc'], env: { ...process.env, HOTPATH_DEBUG_LEAKS: '1' }, timeoutMs: 120_000 })
    expect(result.code, result.stderr).toBe(0)
    expect(lastJson<Report>(result.stdout).collected).toBe(3)
    const reports = result.stderr.split('\n').filter((line) => line.includes('garbage-collected without dispose()'))
    expect(reports).toHaveLength(3)
    // Each names the code that allocated it: the fixture's `forget`.
    const stacks = result.stderr.split(/garbage-collected without dispose\(\)/).slice(1)
    for (const stack of stacks) expect(stack).toMatch(/forget .*memory-gc\.mjs/)
  }, 120_000)
})
