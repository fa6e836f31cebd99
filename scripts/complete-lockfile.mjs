#!/usr/bin/env node
// Adds the other platforms' optional packages that package-lock.json lacks.
//
// The registry mirror this project is developed against serves only linux-x64 builds of the
// dev tools' native packages (@oxlint/binding-*, @napi-rs/{lzma,tar,wasm-tools}-*), so a lockfile
// written here has no entry for, say, @oxlint/binding-darwin-arm64, and `npm ci` then refuses the
// lockfile as out of sync ("Missing: ... from lock file"). This script records each missing
// optional dependency with its exact version and the os/cpu/libc its name declares, which is
// what npm checks to skip it on other platforms. Run it after `npm install` changes the lockfile:
// `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs'

const path = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const packages = lock.packages

const OSES = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony']
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'riscv64', 'ppc64', 's390x', 'loong64', 'wasm32']

/** The os/cpu/libc fields a platform package named like `<scope>/<name>-<os>-<cpu>[-<abi>]` has. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-')
  const entry = {}
  const cpu = CPUS.find((c) => parts.includes(c))
  const os = OSES.find((o) => parts.includes(o))
  if (cpu) entry.cpu = [cpu]
  if (os) entry.os = [os]
  if (os === 'linux') entry.libc = [parts.some((p) => p.startsWith('musl')) ? 'musl' : 'glibc']
  return entry
}

let added = 0
for (const [location, node] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(node.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`
    if (packages[nested] || packages[`node_modules/${name}`]) continue
    packages[`node_modules/${name}`] = { version, optional: true, ...platformOf(name) }
    added++
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`complete-lockfile: added ${added} optional platform package entr${added === 1 ? 'y' : 'ies'}`)
