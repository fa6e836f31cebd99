#!/usr/bin/env node
// How often `segmenter: 'auto'` (ICU4X dictionaries and models) finds the same words as
// `Intl.Segmenter` (ICU4C's dictionaries) in Chinese, Japanese, Thai, Lao, Khmer and Myanmar text.
// The text is CLDR's: every localized name and date string of those locales (language, territory,
// script and variant names, month, day and era names, date patterns' literals), real words by
// native translators, with no download here. CLDR is ~180 MB, so it is not a dependency:
//
//   npm install --prefix /tmp/cldr cldr-localenames-full@48.2.0 cldr-dates-full@48.2.0
//   npm run build && node scripts/text-auto-agreement.mjs /tmp/cldr/node_modules
//
// Prints per script: strings compared, the share whose token lists are identical, and the share
// of tokens both sides found (multiset intersection over the larger of the two counts).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Tokenizer } from '../dist/index.js'

const root = process.argv[2]
if (!root) {
  console.error('usage: node scripts/text-auto-agreement.mjs <node_modules holding cldr-localenames-full and cldr-dates-full>')
  process.exit(2)
}

const SCRIPTS = [
  { name: 'Chinese (Simplified)', locales: ['zh'], pattern: /\p{sc=Han}/u },
  { name: 'Chinese (Traditional)', locales: ['zh-Hant'], pattern: /\p{sc=Han}/u },
  { name: 'Japanese', locales: ['ja'], pattern: /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u },
  { name: 'Thai', locales: ['th'], pattern: /\p{sc=Thai}/u },
  { name: 'Lao', locales: ['lo'], pattern: /\p{sc=Lao}/u },
  { name: 'Khmer', locales: ['km'], pattern: /\p{sc=Khmer}/u },
  { name: 'Myanmar', locales: ['my'], pattern: /\p{sc=Myanmar}/u },
]

/** Every string value in a JSON document. */
function strings(value, out) {
  if (typeof value === 'string') out.push(value)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out)
  return out
}

function textsOf(locale) {
  const out = []
  for (const pkg of ['cldr-localenames-full', 'cldr-dates-full']) {
    const dir = join(root, pkg, 'main', locale)
    for (const file of readdirSync(dir)) if (file.endsWith('.json')) strings(JSON.parse(readFileSync(join(dir, file), 'utf8')), out)
  }
  return out
}

const segmenter = new Intl.Segmenter('und', { granularity: 'word' })
function intlWords(text) {
  const mapped = text.normalize('NFKC').toLowerCase()
  const out = []
  for (const s of segmenter.segment(mapped)) if (s.isWordLike) out.push(s.segment)
  return out
}

function shared(a, b) {
  const counts = new Map()
  for (const t of a) counts.set(t, (counts.get(t) ?? 0) + 1)
  let n = 0
  for (const t of b) {
    const c = counts.get(t) ?? 0
    if (c > 0) {
      n++
      counts.set(t, c - 1)
    }
  }
  return n
}

const tok = new Tokenizer({ segmenter: 'auto' })
const rows = []
for (const { name, locales, pattern } of SCRIPTS) {
  const texts = [...new Set(locales.flatMap(textsOf))].filter((t) => pattern.test(t))
  const native = tok.tokenizeBatch(texts)
  let identical = 0
  let both = 0
  let tokens = 0
  texts.forEach((text, i) => {
    const intl = intlWords(text)
    if (native[i].length === intl.length && native[i].every((t, k) => t === intl[k])) identical++
    both += shared(native[i], intl)
    tokens += Math.max(native[i].length, intl.length)
  })
  rows.push({
    script: name,
    strings: texts.length,
    'identical token lists': `${((100 * identical) / texts.length).toFixed(1)}%`,
    'tokens found by both': `${((100 * both) / tokens).toFixed(1)}%`,
  })
}
console.log(`node ${process.version}, ICU ${process.versions.icu}; CLDR from ${root}`)
console.table(rows)
