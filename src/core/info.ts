/** What is running: native or fallback, SIMD level, threads. */
import { backend, detectPlatform, native, type PlatformInfo } from './native.js'

export interface RuntimeInfo {
  /** `'native'`, or `'fallback'` when HOTPATH_NATIVE=fallback replaced a missing binary. */
  backend: 'native' | 'fallback'
  /** SIMD level chosen at run time (`'avx512'`, `'avx2'`, `'baseline'` on x86-64; `'neon'` on arm64), or `'none'` on the fallback. */
  simd: string
  /** Threads in hotpath's pool (HOTPATH_THREADS, default: available cores); 1 on the fallback. */
  threads: number
  platform: PlatformInfo
}

/**
 * Describes the running implementation, for logs and bug reports.
 *
 * @example
 * ```ts
 * console.log(runtimeInfo()) // { backend: 'native', simd: 'avx512', threads: 2, platform: {...} }
 * ```
 */
export function runtimeInfo(): RuntimeInfo {
  const info = native?.nativeInfo()
  return { backend, simd: info?.simd ?? 'none', threads: info?.threads ?? 1, platform: detectPlatform() }
}
