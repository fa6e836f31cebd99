/**
 * The only importer of the generated binding (`../../binding/index.js`). It loads the native binary
 * for this platform and, when none loads, either fails loudly with a diagnosis (the default) or,
 * with `HOTPATH_NATIVE=fallback`, warns once and lets the facade run its pure-TS kernels.
 */
import { createRequire } from 'node:module'
import { NativeLoadError } from './errors.js'
import type * as BindingModule from '../../binding/index.js'

export type NativeBinding = typeof BindingModule

/** The platform as the loader sees it, e.g. `{ platform: 'linux', arch: 'x64', libc: 'glibc 2.36' }`. */
export interface PlatformInfo {
  platform: NodeJS.Platform
  arch: string
  libc: string
}

let detected: PlatformInfo | undefined

/** Detected once: `process.report` takes milliseconds, and the answer cannot change. */
export function detectPlatform(): PlatformInfo {
  detected ??= readPlatform()
  return { ...detected }
}

function readPlatform(): PlatformInfo {
  let libc = 'n/a'
  if (process.platform === 'linux') {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string }; sharedObjects?: string[] } | undefined
    if (report?.header?.glibcVersionRuntime) libc = `glibc ${report.header.glibcVersionRuntime}`
    else if (report?.sharedObjects?.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'))) libc = 'musl'
    else libc = 'unknown'
  }
  return { platform: process.platform, arch: process.arch, libc }
}

/** The targets hotpath ships prebuilt binaries for (package.json `napi.targets`). */
export const SUPPORTED_TARGETS = ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc'] as const

/** The loader's attempts (its `cause` chain), oldest first, without the WASI ones hotpath does not ship. */
function attempts(error: unknown): Error[] {
  const chain: Error[] = []
  let current: unknown = error instanceof Error ? (error.cause ?? error) : undefined
  while (current instanceof Error && chain.length < 20) {
    chain.push(current)
    current = current.cause
  }
  // The generated loader chains the newest attempt first; report them in the order tried.
  return chain.reverse().filter((e) => !/wasi|wasm32/i.test(e.message))
}

function firstLine(error: Error): string {
  return (error.message.split('\n')[0] ?? '').trim()
}

function isNotFound(error: Error): boolean {
  return (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' || error.message.startsWith('Cannot find module ')
}

/** The target triple the loader looks for on this platform, e.g. `linux-x64-gnu`. */
export function targetTriple(where: PlatformInfo = detectPlatform()): string {
  const abi = where.platform === 'linux' ? (where.libc === 'musl' ? '-musl' : '-gnu') : where.platform === 'win32' ? '-msvc' : ''
  return `${where.platform}-${where.arch}${abi}`
}

function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version
  } catch {
    return 'latest'
  }
}

/**
 * Turns the generated loader's failure into a short diagnosis: the platform, what was tried, and
 * the one fix that matches the cause. The loader's full error chain stays in `cause`.
 */
export function diagnoseLoadFailure(error: unknown, where = detectPlatform()): NativeLoadError {
  const triple = targetTriple(where)
  const binaryPackage = `@hotpath/binding-${triple}`
  const tried = attempts(error)
  const failedToLoad = tried.find((e) => !isNotFound(e))
  const fallback = 'Or set HOTPATH_NATIVE=fallback to run the pure-TypeScript kernels (same results, much slower).'
  let fix: string[]
  if (!(SUPPORTED_TARGETS as readonly string[]).includes(triple)) {
    fix = [
      `hotpath ships no prebuilt binary for ${triple} (it does for ${SUPPORTED_TARGETS.join(', ')}).`,
      'Build one from a source checkout with Rust installed (`npm ci && npm run build`), then install that build (docs/install.md).',
    ]
  } else if (failedToLoad) {
    const reason = firstLine(failedToLoad)
    const libc = /GLIBC|musl|libc|ld-linux|ELF/i.test(reason)
    fix = [
      `The binary was found but failed to load: ${reason}`,
      libc
        ? `It was built for another C library or a newer glibc than this system's (${where.libc}); install the package that matches, or build from source (docs/install.md).`
        : 'Reinstall hotpath; if the error persists, report it with this message.',
    ]
  } else {
    fix = [
      `The platform package ${binaryPackage} is not installed (npm skips optional dependencies with --omit=optional, and a local tarball carries no binary).`,
      `Install it: \`npm install ${binaryPackage}@${packageVersion()}\`; from a source checkout, \`npm run pack:local\` packs hotpath with this platform's binary.`,
    ]
  }
  const message = [
    `hotpath could not load its native binary for ${where.platform} ${where.arch} (libc: ${where.libc}).`,
    `Tried: ${tried.map(firstLine).map((line) => line.replace(/^Cannot find module /, 'not found: ').replace(/\nRequire stack[\s\S]*/, '')).join('; ')}.`,
    ...fix,
    fallback,
  ].join('\n')
  return new NativeLoadError(message, { cause: error })
}

function load(): NativeBinding | null {
  const require = createRequire(import.meta.url)
  try {
    return require('../../binding/index.js') as NativeBinding
  } catch (error) {
    const diagnosis = diagnoseLoadFailure(error)
    if (process.env.HOTPATH_NATIVE !== 'fallback') throw diagnosis
    process.emitWarning(`${diagnosis.message.split('\n')[0]} HOTPATH_NATIVE=fallback is set: using the pure-TypeScript kernels.`, {
      code: 'HOTPATH_FALLBACK',
      detail: diagnosis.message,
    })
    return null
  }
}

/** The loaded binding, or `null` when running on the pure-TS fallback. */
export const native: NativeBinding | null = load()

/** Which implementation runs the kernels: `'native'` or `'fallback'` (pure TypeScript). */
export const backend: 'native' | 'fallback' = native ? 'native' : 'fallback'
