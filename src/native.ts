/**
 * The only importer of the generated binding (`../binding/index.js`). It loads the native binary
 * for this platform and, when none loads, either fails loudly with a diagnosis (the default) or,
 * with `HOTPATH_NATIVE=fallback`, warns once and lets the facade run its pure-TS kernels.
 */
import { createRequire } from 'node:module'
import { NativeLoadError } from './errors.js'
import type * as BindingModule from '../binding/index.js'

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

/** Flattens the loader's `cause` chain into one line per attempt, oldest first. */
function attempts(error: unknown): string[] {
  const lines: string[] = []
  let current: unknown = error instanceof Error ? error.cause : undefined
  while (current instanceof Error && lines.length < 20) {
    lines.push(current.message.split('\n')[0] ?? '')
    current = current.cause
  }
  if (lines.length === 0 && error instanceof Error) lines.push(error.message.split('\n')[0] ?? '')
  // The generated loader chains the newest attempt first; report them in the order tried.
  return lines.reverse()
}

export function diagnoseLoadFailure(error: unknown, where = detectPlatform()): NativeLoadError {
  const triple = `${where.platform}-${where.arch}${where.platform === 'linux' ? (where.libc === 'musl' ? '-musl' : '-gnu') : where.platform === 'win32' ? '-msvc' : ''}`
  const message = [
    `hotpath could not load its native binary for ${where.platform} ${where.arch} (libc: ${where.libc}).`,
    'Tried, in order:',
    ...attempts(error).map((line) => `  - ${line}`),
    'How to fix:',
    `  - Reinstall so npm installs the optional platform package "@hotpath/binding-${triple}": remove node_modules and package-lock.json, then run \`npm install\` on the machine that runs the code (not with --omit=optional or --no-optional; npm >= 11.3 fixes npm/cli#4828).`,
    '  - Platforms with prebuilt binaries: linux-x64-gnu, linux-x64-musl, linux-arm64-gnu, darwin-x64, darwin-arm64, win32-x64-msvc. Elsewhere, build from a source checkout with Rust installed: `npm run build`.',
    '  - Or set HOTPATH_NATIVE=fallback to run hotpath\'s pure-TypeScript kernels (same results, much slower).',
  ].join('\n')
  return new NativeLoadError(message, { cause: error })
}

function load(): NativeBinding | null {
  const require = createRequire(import.meta.url)
  try {
    return require('../binding/index.js') as NativeBinding
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
