import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { docPages } from './examples.js'

const dir = mkdtempSync(join(tmpdir(), 'hotpath-doctest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('every example in README.md and docs/ runs', () => {
  const pages = docPages()
  it('finds the pages', () => {
    expect(pages.map((p) => p.path)).toContain('README.md')
    expect(pages.length).toBeGreaterThan(5)
  })
  for (const page of pages) {
    it(`${page.path} (${page.blocks} examples)`, async () => {
      const file = join(dir, `${page.path.replace(/[/.]/g, '_')}.ts`)
      writeFileSync(file, page.module)
      const cwd = process.cwd()
      process.chdir(dir) // examples read and write files by relative names
      try {
        await import(file)
      } finally {
        process.chdir(cwd)
      }
    })
  }
})

describe('the doc-test assertion', async () => {
  const { __expect } = await import('./expect.js')
  it('accepts what a reader would accept', () => {
    expect(() => __expect(343.55606, 343.56, 'x')).not.toThrow()
    expect(() => __expect(new Uint32Array([1, 2]), [1, 2], 'x')).not.toThrow()
    expect(() => __expect(5n, 5n, 'x')).not.toThrow()
  })
  it('rejects a wrong value', () => {
    expect(() => __expect(343.57, 343.56, 'x')).toThrow(/disagrees/)
    expect(() => __expect(new Uint32Array([0]), [1], 'x')).toThrow(/Uint32Array \[0\]/)
    expect(() => __expect(4.9999999999999995e200, 5e200, 'x')).toThrow()
  })
})
