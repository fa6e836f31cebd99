/**
 * The `hotpath` command as users run it (the built dist/cli/index.js in a child process): the
 * benchmark's machine-readable output has every case the README's table shows, with usable
 * numbers, and bad options fail with a usage error. No timing is asserted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BenchResult } from '../../src/bench/score.js'
import { TABLE_WIDTH } from '../../src/cli/bench.js'
import { repoRoot, requireDist, runNode } from '../helpers/runtime.js'

const cli = `${repoRoot}dist/cli/index.js`


describe('hotpath CLI', () => {
  it('bench --json --sizes 1000 reports every case with finite positive timings', async () => {
    requireDist()
    // --quick: every suite at its smoke-test size (the full vector and geo inputs take minutes here).
    const result = await runNode(cli, ['bench', '--json', '--quick', '--sizes', '1000'], { timeoutMs: 120_000 })
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as { machine: Record<string, unknown>; score: BenchResult[] }
    expect(report.machine).toMatchObject({ backend: 'native', cores: expect.any(Number) })
    const names = (section: string) => report.score.filter((r) => r.section === section).map((r) => r.name)
    expect(names('single call')).toEqual(['plain loop', 'reference', 'native', 'dispatched', 'dispatched number[]'])
    expect(new Set(names('throughput'))).toEqual(
      new Set([
        'plain JS loop',
        'reference',
        'native, 1 thread',
        'native, all threads',
        'native f32, all threads',
        'async',
        'async f32',
        'async, SharedArrayBuffer',
        'native, all threads, NativeBuffer',
        'async, NativeBuffer (in place)',
        'stream, reference (JS Transform)',
        'stream',
        'row stream (bytes, 64 KiB chunks)',
      ]),
    )
    for (const r of report.score) {
      expect(Number.isFinite(r.medianMs) && r.medianMs > 0, `${r.section} ${r.name}`).toBe(true)
      expect(Number.isFinite(r.vsReference) && r.vsReference > 0, `${r.section} ${r.name}`).toBe(true)
      expect(Number.isFinite(r.vsPlainLoop) && r.vsPlainLoop > 0, `${r.section} ${r.name}`).toBe(true)
    }
    expect(report.score.filter((r) => r.section === 'throughput').every((r) => r.rows === 1000 && r.features === 20)).toBe(true)
  }, 120_000)

  it('bench prints tables a person can read, and --report draws the run', async () => {
    requireDist()
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-report-'))
    try {
      const html = join(dir, 'bench.html')
      const result = await runNode(cli, ['bench', '--quick', '--sizes', '1000,4000', '--report', html], { timeoutMs: 120_000 })
      expect(result.code, result.stderr).toBe(0)
      const lines = result.stdout.split('\n')
      const wide = lines.filter((l) => [...l].length > TABLE_WIDTH)
      expect(wide, 'lines wider than the terminal width the tables promise').toEqual([])
      expect(result.stdout).toMatch(/--quick: a smoke test/)
      expect(result.stdout).not.toMatch(/\b(MISS|PASS|target|issue)\b/i)
      for (const suite of ['Risk score', 'Vector', 'Accumulator', 'Geo', 'Tokenize']) expect(result.stdout).toContain(suite)
      // Progress goes to stderr with the suite's name and the elapsed time.
      expect(result.stderr).toMatch(/^\[ +\d+ s\] vector: /m)
      const page = readFileSync(html, 'utf8')
      expect(page).toMatch(/^<!doctype html>/)
      expect(page).toContain('<svg')
      for (const chart of ['Risk score: batch throughput', 'Risk score: tiny batches', 'Vector dispatch', 'Speedups of this run']) expect(page).toContain(chart)
      expect(page).toContain('In short (this run)')

      const svg = join(dir, 'vector.svg')
      const vector = await runNode(cli, ['bench', '--quick', '--suite', 'vector', '--report', svg], { timeoutMs: 120_000 })
      expect(vector.code, vector.stderr).toBe(0)
      const drawing = readFileSync(svg, 'utf8')
      expect(drawing).toMatch(/^<svg /)
      expect(drawing).toContain('Vector dispatch')
      expect(drawing).not.toContain('Risk score')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 240_000)

  it('--report refuses a file it cannot write before measuring anything', async () => {
    requireDist()
    const result = await runNode(cli, ['bench', '--report', 'bench.png'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/\.svg or \.html/)
  })

  it('--version prints the package version', async () => {
    requireDist()
    const { version } = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string }
    for (const flag of ['--version', '-V']) {
      const result = await runNode(cli, [flag])
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout.trim()).toBe(version)
    }
  })

  it('help says what each command does and how long it takes', async () => {
    requireDist()
    const top = await runNode(cli, ['--help'])
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/bench/)
    expect(top.stdout).toMatch(/info/)
    const bench = await runNode(cli, ['bench', '--help'])
    expect(bench.stdout).toMatch(/minutes/)
  })

  it('info prints the runtime as JSON', async () => {
    requireDist()
    const result = await runNode(cli, ['info'])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ backend: 'native', platform: { platform: process.platform, arch: process.arch } })
  })

  it('rejects bad options with a usage error and a non-zero exit', async () => {
    requireDist()
    const result = await runNode(cli, ['bench', '--sizes', '10,abc'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/positive integers/)
  })
})

