/**
 * `npm ci` on the oldest supported Node prints no EBADENGINE warning: every package in the lock
 * file accepts the Node versions hotpath itself supports (package.json `engines`).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/runtime.js'

const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null }

describe('dependency engines', () => {
  it('every locked package accepts the oldest Node that hotpath supports', () => {
    const manifest = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { engines: { node: string } }
    const oldest = semver.minVersion(manifest.engines.node)?.version
    expect(oldest).toBe('20.19.0')
    const lock = JSON.parse(readFileSync(`${repoRoot}package-lock.json`, 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> }
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .filter(([, entry]) => !semver.satisfies(oldest as string, (entry.engines as { node: string }).node))
      .map(([path, entry]) => `${path} (${(entry.engines as { node: string }).node})`)
    expect(refusing).toEqual([])
  })
})
