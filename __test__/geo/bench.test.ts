/**
 * `hotpath bench --suite geo --quick --json` as users run it (the built CLI in a child process):
 * every geo case is reported, with kdbush/geokdbush/@turf/distance rows (devDependencies of this
 * repository), finite positive timings, and the summary ratios. No timing is asserted.
 */
import { describe, expect, it } from 'vitest'
import type { SuiteReport } from '../../src/bench/suite.js'
import { repoRoot, requireDist, runNode } from '../helpers/runtime.js'

describe('hotpath bench --suite geo', () => {
  it('reports every geo case and target', async () => {
    requireDist()
    const result = await runNode(`${repoRoot}dist/cli/index.js`, ['bench', '--suite', 'geo', '--quick', '--json'], { timeoutMs: 60_000 })
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as { geo: SuiteReport; score?: unknown }
    expect(report.score).toBeUndefined()
    // 'native call alone' rows are there when the binary has the geo kernels.
    const names = report.geo.rows.map((r) => r.name).filter((name) => name !== 'native call alone')
    expect(report.geo.rows.filter((r) => r.name === 'native call alone').length).toBe(2)
    expect(names).toEqual([
      'haversine formula inline in JS',
      'hotpath haversine',
      '@turf/distance',
      'pure-TS loop (Math.sin/asin)',
      'hotpath haversineMany',
      'pure-TS bounded heap',
      'hotpath nearestK',
      'kdbush (add + finish)',
      'hotpath GeoIndex.build',
      'geokdbush.around',
      'hotpath index.nearest',
      'geokdbush.around in a loop',
      'hotpath index.nearestBatch',
    ])
    for (const r of report.geo.rows) {
      expect(Number.isFinite(r.medianMs) && r.medianMs > 0, r.name).toBe(true)
      expect(r.vsBaseline === undefined || (Number.isFinite(r.vsBaseline) && r.vsBaseline > 0), r.name).toBe(true)
    }
    expect(report.geo.ratios).toHaveLength(5)
    for (const t of report.geo.ratios) expect(Number.isFinite(t.value) && t.value > 0, t.label).toBe(true)
  }, 60_000)
})
