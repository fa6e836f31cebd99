/**
 * Packs hotpath the way it is published and installs it into throw-away projects outside the
 * source tree, so tests can run `node` exactly as a user of the npm package would.
 *
 * Shared by install.test.ts (root + platform package) and loading.test.ts (root package only).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (the directory holding the root package.json). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The platform package suffix this machine's prebuilt binary would ship in. */
export const HOST_TRIPLE = 'linux-x64-gnu'

/** The binary `npm run build` leaves in binding/ for this machine. */
export const HOST_BINARY = join(ROOT, 'binding', `hotpath.${HOST_TRIPLE}.node`)

/**
 * Why the packed-install tests cannot run here, or `null` when they can. They need the host's
 * freshly built binary (npm run build) and a linux-x64 machine, the only target that can be built
 * on this project's machines.
 */
export function packedInstallSkipReason(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `needs linux-x64 (this is ${process.platform}-${process.arch}); CI's test jobs on other platforms cover their own binaries`
  }
  if (!existsSync(HOST_BINARY)) return `binding/hotpath.${HOST_TRIPLE}.node is not built; run \`npm run build\` first`
  return null
}

export interface RunResult {
  status: number | null
  stdout: string
  stderr: string
}

function result(run: SpawnSyncReturns<string>, what: string): RunResult {
  if (run.error) throw new Error(`${what} could not start: ${run.error.message}`)
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** Directories on PATH that hold a Rust toolchain (cargo, rustc or rustup). */
function isToolchainDir(dir: string): boolean {
  if (/[\\/]\.(cargo|rustup)([\\/]|$)/.test(dir)) return true
  return ['cargo', 'rustc', 'rustup'].some((tool) => {
    try {
      accessSync(join(dir, tool), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** PATH without ~/.cargo/bin or any other directory holding cargo, rustc or rustup. */
export function pathWithoutRust(path = process.env.PATH ?? ''): string {
  return [nodeShims(), ...path.split(delimiter).filter((dir) => dir !== '' && !isToolchainDir(dir))].join(delimiter)
}

let shims: string | undefined
/**
 * A directory holding only this `node` and npm, first on the PATH: a system directory that holds
 * a Rust toolchain (Debian's rustc-web puts cargo in /usr/bin) is left out, and node and npm must
 * still be found.
 */
function nodeShims(): string {
  if (shims) return shims
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-node-only-'))
  shims = dir
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const bin = dirname(process.execPath)
  for (const tool of ['node', 'npm', 'npx']) {
    const target = tool === 'node' ? process.execPath : join(bin, tool)
    if (existsSync(target)) symlinkSync(target, join(shims, tool))
  }
  return shims
}

/**
 * A minimal environment like a user's shell: no Rust on PATH, none of npm's or vitest's
 * variables (npm_config_local_prefix would point npm back at the source tree), no hotpath or
 * napi-rs overrides unless given in `extra`.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: pathWithoutRust() }
  for (const name of ['HOME', 'USER', 'LANG', 'TMPDIR', 'SystemRoot', 'TEMP', 'TMP']) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  return { ...env, ...extra }
}

function npm(args: string[], cwd: string): RunResult {
  return result(spawnSync('npm', args, { cwd, env: userEnv(), encoding: 'utf8', timeout: 120_000 }), `npm ${args[0]}`)
}

function mustSucceed(run: RunResult, what: string): RunResult {
  if (run.status !== 0) throw new Error(`${what} failed with exit code ${run.status}:\n${run.stdout}\n${run.stderr}`)
  return run
}

/** A new empty directory under the OS temp dir (outside the source tree). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hotpath-${prefix}-`))
}

export interface PackedTarball {
  /** Absolute path of the .tgz. */
  path: string
  /** Paths inside the package, as `npm pack --json` lists them. */
  files: string[]
}

/**
 * Packs the root package and this platform's binary package with the documented command
 * (`npm run pack:local`, scripts/pack-local.mjs) into `destination`.
 */
export function packLocal(destination: string): { root: PackedTarball; platform: PackedTarball } {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run `npm run build` before these tests')
  const run = mustSucceed(
    result(spawnSync(process.execPath, [join(ROOT, 'scripts', 'pack-local.mjs'), '--json', '--out', destination], { cwd: ROOT, env: userEnv(), encoding: 'utf8', timeout: 120_000 }), 'pack:local'),
    'npm run pack:local',
  )
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as { root: PackedTarball; platform: PackedTarball }
}

/**
 * Creates an empty project under the OS temp dir and installs `tarballs` into it from the local
 * npm cache (hotpath's dependencies are there after `npm ci`), with Rust off PATH.
 */
export function installProject(name: string, tarballs: string[]): string {
  const dir = tempDir(name)
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `hotpath-${name}`, version: '1.0.0', private: true }, null, 2)}\n`)
  const common = ['install', '--no-audit', '--no-fund', '--no-package-lock', ...tarballs]
  let run = npm([...common, '--offline'], dir)
  if (run.status !== 0) {
    // Some cache entry is missing or stale: let npm revalidate only what it has to.
    rmSync(join(dir, 'node_modules'), { recursive: true, force: true })
    run = npm([...common, '--prefer-offline'], dir)
  }
  mustSucceed(run, `npm install ${tarballs.join(' ')} in ${dir}`)
  return dir
}

/** Runs `node <args>` as a child process in `cwd` with the user-like environment plus `env`. */
export function runNode(cwd: string, args: string[], env: Record<string, string> = {}): RunResult {
  return result(spawnSync(process.execPath, args, { cwd, env: userEnv(env), encoding: 'utf8', timeout: 60_000 }), 'node')
}

/** Runs an ES module source text with `node --input-type=module -e`. */
export function runModule(cwd: string, source: string, env: Record<string, string> = {}): RunResult {
  return runNode(cwd, ['--input-type=module', '-e', source], env)
}

/** Runs a CommonJS source text with `node --input-type=commonjs -e`. */
export function runCommonJs(cwd: string, source: string, env: Record<string, string> = {}): RunResult {
  return runNode(cwd, ['--input-type=commonjs', '-e', source], env)
}

/** Every file below `dir`, as paths relative to it (follows no symlinks). */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) out.push(`${rel}/`, ...listFiles(dir, rel))
    else out.push(rel)
  }
  return out
}

/** Removes the temporary directories tests created (best effort). */
export function removeAll(dirs: Array<string | undefined>): void {
  for (const dir of dirs) if (dir) rmSync(dir, { recursive: true, force: true })
}

/**
 * A deterministic batch and the formula the kernels implement, for scripts run in the installed
 * project: `score = 1 / (1 + exp(-sqrt(sum_i (f_i * w_i)^2) + t))`. 64 rows x 20 features
 * (1280 values) is above the size the facade hands to native code.
 */
export const SCORING_SCRIPT_BODY = `
const D = 20, N = 64, t = 0.5
const weights = Float64Array.from({ length: D }, (_, i) => 0.05 + ((i * 37) % 11) / 40)
const rows = Float64Array.from({ length: N * D }, (_, k) => Math.sin(k * 0.7) * 2 + (k % 5) / 3)
const expected = Array.from({ length: N }, (_, r) => {
  let sum = 0
  for (let i = 0; i < D; i++) { const p = rows[r * D + i] * weights[i]; sum += p * p }
  return 1 / (1 + Math.exp(-Math.sqrt(sum) + t))
})
`

export interface ScoringReport {
  backend: string
  scores: number[]
  expected: number[]
}

/** Largest relative difference between two equally long lists. */
export function maxRelativeError(actual: number[], expected: number[]): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY
  let worst = 0
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number
    const e = expected[i] as number
    const err = Math.abs(a - e) / Math.max(Math.abs(e), Number.MIN_VALUE)
    if (Number.isNaN(err)) return Number.POSITIVE_INFINITY
    worst = Math.max(worst, err)
  }
  return worst
}
