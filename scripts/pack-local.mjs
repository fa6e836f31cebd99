#!/usr/bin/env node
/**
 * `npm run pack:local [-- --out <dir>]`: packs hotpath as npm would publish it, together with this
 * platform's binary package, so the pair installs anywhere, offline:
 *
 *     npm install ./hotpath-0.1.0.tgz ./hotpath-binding-linux-x64-gnu-0.1.0.tgz
 *
 * Needs a build (`npm run build`). The binary is placed in a temporary copy of npm/<triple> the
 * way `napi artifacts` places a CI artifact, so npm/ stays binary-free. `--json` prints the
 * tarballs' paths and files as JSON (for tests and scripts).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const json = args.includes('--json')
const outIndex = args.indexOf('--out')
const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : join(root, 'artifacts'))

function hostTriple() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport()?.header?.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  return platform === 'win32' ? `win32-${arch}-msvc` : `${platform}-${arch}`
}

function fail(message) {
  console.error(`pack:local: ${message}`)
  process.exit(1)
}

function npmPack(dir) {
  const run = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' })
  if (run.status !== 0) fail(`npm pack in ${dir} failed:\n${run.stdout}${run.stderr}`)
  const [info] = JSON.parse(run.stdout)
  return { path: join(out, info.filename), files: info.files.map((f) => f.path).sort() }
}

const triple = hostTriple()
const binary = join(root, 'binding', `hotpath.${triple}.node`)
if (!existsSync(join(root, 'dist', 'index.js'))) fail('dist/index.js is missing: run `npm run build` first')
if (!existsSync(binary)) fail(`binding/hotpath.${triple}.node is missing: run \`npm run build\` first`)
if (!existsSync(join(root, 'npm', triple, 'package.json'))) fail(`hotpath has no platform package for ${triple} (npm/${triple})`)

mkdirSync(out, { recursive: true })
const staging = mkdtempSync(join(tmpdir(), 'hotpath-pack-'))
let platformPackage
try {
  const copy = join(staging, triple)
  cpSync(join(root, 'npm', triple), copy, { recursive: true })
  cpSync(binary, join(copy, `hotpath.${triple}.node`))
  platformPackage = npmPack(copy)
} finally {
  rmSync(staging, { recursive: true, force: true })
}
const rootPackage = npmPack(root)

if (json) {
  console.log(JSON.stringify({ triple, root: rootPackage, platform: platformPackage }))
} else {
  console.log(`Packed for ${triple}:\n  ${rootPackage.path}\n  ${platformPackage.path}\nInstall both in any project (no network needed):\n  npm install ${rootPackage.path} ${platformPackage.path}`)
}
