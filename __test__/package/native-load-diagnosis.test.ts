/**
 * The load error's diagnosis for each cause, from synthetic loader failures shaped like the
 * generated binding/index.js chains them (newest attempt first, each the `cause` of the next).
 */
import { describe, expect, it } from 'vitest'
import { diagnoseLoadFailure, SUPPORTED_TARGETS } from '../../src/core/native.js'

function notFound(what: string): Error {
  return Object.assign(new Error(`Cannot find module '${what}'\nRequire stack:\n- /x/binding/index.js`), { code: 'MODULE_NOT_FOUND' })
}

/** The loader's error: attempts oldest first, chained newest first. */
function loaderError(...tried: Error[]): Error {
  let chain: Error | undefined
  for (const attempt of tried) chain = Object.assign(attempt, { cause: chain })
  return new Error('Failed to load native binding', { cause: chain })
}

const glibc = { platform: 'linux' as const, arch: 'x64', libc: 'glibc 2.36' }

describe('NativeLoadError diagnosis', () => {
  it('a missing platform package: install it, in a few lines, without WASI noise', () => {
    const error = diagnoseLoadFailure(
      loaderError(notFound('./hotpath.linux-x64-gnu.node'), notFound('@hotpath/binding-linux-x64-gnu'), notFound('./hotpath.wasi.cjs'), notFound('@hotpath/binding-wasm32-wasi')),
      glibc,
    )
    expect(error.code).toBe('ERR_HOTPATH_NATIVE_LOAD')
    expect(error.message.split('\n').length).toBeLessThanOrEqual(6)
    expect(error.message).not.toMatch(/wasi/)
    expect(error.message).toMatch(/The platform package @hotpath\/binding-linux-x64-gnu is not installed/)
    expect(error.message).toMatch(/npm install @hotpath\/binding-linux-x64-gnu@\d+\.\d+\.\d+/)
    expect(error.message).toMatch(/npm run pack:local/)
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('a binary built for another C library: says so and names this system libc', () => {
    const error = diagnoseLoadFailure(
      loaderError(notFound('./hotpath.linux-x64-gnu.node'), new Error("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.39' not found")),
      glibc,
    )
    expect(error.message).toMatch(/found but failed to load: .*GLIBC_2\.39/)
    expect(error.message).toMatch(/another C library or a newer glibc than this system's \(glibc 2\.36\)/)
    expect(error.message).not.toMatch(/is not installed/)
  })

  it('an unsupported platform: lists only the targets hotpath ships', () => {
    const error = diagnoseLoadFailure(loaderError(notFound('./hotpath.freebsd-x64.node')), { platform: 'freebsd', arch: 'x64', libc: 'n/a' })
    expect(error.message).toMatch(/ships no prebuilt binary for freebsd-x64/)
    for (const target of SUPPORTED_TARGETS) expect(error.message).toContain(target)
    expect(error.message).toContain('HOTPATH_NATIVE=fallback')
  })

  it('the supported list matches package.json napi.targets', async () => {
    const { default: manifest } = (await import('../../package.json', { with: { type: 'json' } })) as { default: { napi: { targets: string[] } } }
    const toTriple = (t: string) =>
      t.replace(/^x86_64/, 'x64').replace(/^aarch64/, 'arm64').replace(/-unknown-linux-gnu$/, '-linux-gnu').replace(/-unknown-linux-musl$/, '-linux-musl').replace(/-apple-darwin$/, '-darwin').replace(/-pc-windows-msvc$/, '-win32-msvc')
    const triples = manifest.napi.targets.map(toTriple).map((t) => {
      const [arch, os, abi] = t.split('-')
      return [os, arch, abi].filter(Boolean).join('-')
    })
    expect([...SUPPORTED_TARGETS].sort()).toEqual(triples.sort())
  })
})
