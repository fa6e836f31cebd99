/**
 * The path a user takes: `npm install hotpath` on linux-x64-gnu gets the root package plus the
 * prebuilt `@hotpath/binding-linux-x64-gnu`, with no Rust anywhere. Both are packed from this
 * tree (`npm pack`, the binary placed in npm/linux-x64-gnu as `napi artifacts` does) and installed
 * offline into a fresh project under the OS temp dir; every check runs `node` in that project.
 *
 * At publish time `napi prepublish` adds the platform packages to the root's optionalDependencies
 * so npm picks the right one; here the platform tarball is installed explicitly instead.
 */
import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  HOST_TRIPLE,
  ROOT,
  SCORING_SCRIPT_BODY,
  installProject,
  listFiles,
  maxRelativeError,
  packLocal,
  packedInstallSkipReason,
  pathWithoutRust,
  removeAll,
  runCommonJs,
  runModule,
  tempDir,
  type PackedTarball,
  type ScoringReport,
} from '../helpers/pack.js'

const skipReason = packedInstallSkipReason()
const title = skipReason ? `installed from packed tarballs (skipped: ${skipReason})` : 'installed from packed tarballs'

/** Relative error allowed between the native kernels and the JS formula (the kernels' own bound). */
const TOLERANCE = 1e-12

function parseReport(run: { status: number | null; stdout: string; stderr: string }): ScoringReport & { resolved: string } {
  expect(run.status, run.stderr).toBe(0)
  const last = run.stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(last) as ScoringReport & { resolved: string }
}

describe.skipIf(skipReason !== null)(title, () => {
  let tarballs = ''
  let project = ''
  let root: PackedTarball
  let platform: PackedTarball

  beforeAll(() => {
    tarballs = tempDir('tarballs')
    ;({ root, platform } = packLocal(tarballs))
    project = realpathSync(installProject('install', [root.path, platform.path]))
  })

  afterAll(() => removeAll([tarballs, project]))

  it('packs exactly the compiled facade, the generated loader, package.json, README and LICENSE', () => {
    const allowed = [/^dist\/.+\.js$/, /^dist\/.+\.d\.ts$/, /^binding\/index\.(js|d\.ts)$/, /^package\.json$/, /^README\.md$/, /^LICENSE$/]
    expect(root.files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([])
    const required = ['LICENSE', 'binding/index.d.ts', 'binding/index.js', 'dist/index.d.ts', 'dist/index.js', 'package.json']
    // npm always packs a README that exists; a missing one is a publishing gap, reported here.
    if (existsSync(join(ROOT, 'README.md'))) required.push('README.md')
    expect(root.files).toEqual(expect.arrayContaining(required))
    expect(platform.files).toEqual(expect.arrayContaining(['package.json', `hotpath.${HOST_TRIPLE}.node`]))
    expect(platform.files.filter((f) => !['package.json', 'README.md', `hotpath.${HOST_TRIPLE}.node`].includes(f))).toEqual([])
  })

  it('scores through `import` (ESM) with the native binary from the platform package', () => {
    const report = parseReport(
      runModule(
        project,
        `import { RiskModel, runtimeInfo } from 'hotpath'
${SCORING_SCRIPT_BODY}
const model = new RiskModel({ weights, threshold: t })
const scores = Array.from(model.scoreBatch(rows))
console.log(JSON.stringify({ backend: runtimeInfo().backend, scores, expected, resolved: import.meta.resolve('hotpath') }))`,
      ),
    )
    expect(report.resolved).toBe(`file://${join(project, 'node_modules/hotpath/dist/index.js')}`)
    expect(report.backend).toBe('native')
    expect(report.scores).toHaveLength(64)
    expect(maxRelativeError(report.scores, report.expected)).toBeLessThanOrEqual(TOLERANCE)
  })

  it('scores through `require` (CommonJS, require(esm) on Node >= 20.19)', () => {
    const report = parseReport(
      runCommonJs(
        project,
        `const { RiskModel, runtimeInfo } = require('hotpath')
${SCORING_SCRIPT_BODY}
const model = new RiskModel({ weights, threshold: t })
const scores = Array.from(model.scoreBatch(rows))
console.log(JSON.stringify({ backend: runtimeInfo().backend, scores, expected, resolved: require.resolve('hotpath') }))`,
      ),
    )
    expect(report.resolved).toBe(join(project, 'node_modules/hotpath/dist/index.js'))
    expect(report.backend).toBe('native')
    expect(maxRelativeError(report.scores, report.expected)).toBeLessThanOrEqual(TOLERANCE)
  })

  // The CLI (src/cli) is the `bin`; until it exists there is nothing to link.
  it.skipIf(!existsSync(join(ROOT, 'src/cli/index.ts')))('links the `hotpath` bin into node_modules/.bin', () => {
    const bin = join(project, 'node_modules/.bin/hotpath')
    expect(existsSync(bin), `${bin} missing`).toBe(true)
    expect(resolve(join(project, 'node_modules/.bin'), readlinkSync(bin))).toBe(join(project, 'node_modules/hotpath/dist/cli/index.js'))
    // npm runs bins directly on POSIX: without a shebang the shell would run JavaScript as sh.
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toMatch(/^#!\/usr\/bin\/env node\b/)
  })

  it('needs no Rust: no sources or manifests installed, no install scripts, no cargo on PATH', () => {
    const installed = join(project, 'node_modules/hotpath')
    const files = listFiles(installed)
    expect(files.filter((f) => f.startsWith('crates/') || f.endsWith('.rs') || /(^|\/)Cargo\.(toml|lock)$/.test(f) || f.endsWith('.node'))).toEqual([])

    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string>; gypfile?: boolean }
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(manifest.scripts?.[hook], `scripts.${hook}`).toBeUndefined()
    expect(manifest.gypfile).toBeUndefined()

    const binaryPackage = join(project, 'node_modules/@hotpath/binding-linux-x64-gnu')
    expect(listFiles(binaryPackage).sort()).toEqual(['README.md', `hotpath.${HOST_TRIPLE}.node`, 'package.json'].sort())

    expect(pathWithoutRust()).not.toMatch(/[\\/]\.cargo[\\/]bin/)
    const probe = runCommonJs(
      project,
      `const { spawnSync } = require('node:child_process')
const tools = Object.fromEntries(['cargo', 'rustc'].map((t) => [t, spawnSync(t, ['--version']).error?.code ?? 'found']))
const { runtimeInfo } = require('hotpath')
console.log(JSON.stringify({ tools, backend: runtimeInfo().backend, binding: require.resolve('@hotpath/binding-linux-x64-gnu') }))`,
    )
    expect(probe.status, probe.stderr).toBe(0)
    const seen = JSON.parse(probe.stdout.trim().split('\n').at(-1) ?? '') as { tools: Record<string, string>; backend: string; binding: string }
    expect(seen.tools).toEqual({ cargo: 'ENOENT', rustc: 'ENOENT' })
    expect(seen.backend).toBe('native')
    expect(seen.binding).toBe(join(binaryPackage, `hotpath.${HOST_TRIPLE}.node`))
  })
})
