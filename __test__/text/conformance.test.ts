/**
 * Unicode conformance data, seen through the tokens (the only output there is):
 *
 * - WordBreakTest-17.0.0.txt (vendored, __test__/fixtures/unicode/): with `normalize: 'none'` and
 *   no case mapping the tokens are unchanged text, so they can be laid on the test's boundaries.
 *   The test gives every boundary, not word-likeness, so the checks are: every token is exactly
 *   the text between two consecutive boundaries (all lines), and the tokens are exactly the
 *   segments that hold a letter or a number, or two ExtendNumLet characters (`__`) (lines no
 *   known mismatch may touch, unless HOTPATH_TEXT_STRICT=1). Lines with code points of the
 *   dictionary scripts are skipped: there the native 'uax29' mode is not UAX #29's default rules.
 * - NormalizationTest.txt (the one the icu_normalizer crate ships, Unicode 18.0.0, read from the
 *   Cargo registry): where c2 (c4) is one word-like segment, every source the invariants map to
 *   it tokenizes to [c2] under NFC ([c4] under NFKC); every other assigned code point tokenizes
 *   the same with normalization as without (Part 1's rule 2). Lines with code points not assigned
 *   in Node's Unicode 17 are skipped (new in 18; normalization of assigned ones is stable).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Tokenizer } from '../../src/index.js'
import { repoRoot } from '../helpers/runtime.js'
import { quarantined, STRICT, WB4 } from './data.js'

const hex = (s: string): string => String.fromCodePoint(...s.trim().split(/\s+/).map((h) => parseInt(h, 16)))
const ASSIGNED_ONLY = /^\p{Assigned}*$/u
const DICTIONARY = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tai_Le}\p{Script=New_Tai_Lue}\p{Script=Tai_Tham}\p{Script=Tai_Viet}\p{Script=Ahom}]/u

interface BreakCase {
  line: string
  text: string
  /** The text between consecutive boundaries. */
  segments: string[]
}

function wordBreakCases(): BreakCase[] {
  const file = readFileSync(join(repoRoot, '__test__/fixtures/unicode/WordBreakTest-17.0.0.txt'), 'utf8')
  expect(file.startsWith('# WordBreakTest-17.0.0.txt')).toBe(true)
  const cases: BreakCase[] = []
  for (const raw of file.split('\n')) {
    const line = raw.split('#')[0]!.trim()
    if (line === '') continue
    let text = ''
    const boundaries: number[] = []
    for (const part of line.split(/\s+/)) {
      if (part === '÷') boundaries.push(text.length)
      else if (part !== '×') text += String.fromCodePoint(parseInt(part, 16))
    }
    const segments: string[] = []
    for (let i = 0; i + 1 < boundaries.length; i++) segments.push(text.slice(boundaries[i], boundaries[i + 1]))
    expect(segments.join(''), line).toBe(text)
    cases.push({ line, text, segments })
  }
  return cases
}

/**
 * A segment that must be a token, as ICU4C (`Intl.Segmenter`) decides: a letter or a number in
 * it, one of the six ALetter characters that are also pictographs (`Ⓜ` and `🅰` are So, not L),
 * or two ExtendNumLet (ICU4C's rule for `__`); but not when it ends in a pictograph joined by
 * ZWJ (`a\u200d🛑`) or in ExtendNumLet with Extend/Format attached (`a_\u00ad`), which ICU4C's
 * rules give no status.
 */
const LETTER_PICTOGRAPH = /[\u2139\u24c2\u{1f170}\u{1f171}\u{1f17e}\u{1f17f}]/u
const ZWJ_PICTOGRAPH = /\u200d(?![\u2139\u24c2\u{1f170}\u{1f171}\u{1f17e}\u{1f17f}])\p{Extended_Pictographic}/u
const ENDS_IN_EXTEND_NUM_LET_WB4 = new RegExp(`[\\p{Pc}\\u202f]${WB4}+$`, 'u')
const wordLike = (segment: string): boolean =>
  !ZWJ_PICTOGRAPH.test(segment) &&
  !ENDS_IN_EXTEND_NUM_LET_WB4.test(segment) &&
  (/[\p{L}\p{N}]/u.test(segment) || LETTER_PICTOGRAPH.test(segment) || (segment.match(/[\p{Pc}\u202f]/gu)?.length ?? 0) >= 2)

describe('WordBreakTest-17.0.0.txt: tokens lie on UAX #29 word boundaries', () => {
  const cases = wordBreakCases()
  const raw = new Tokenizer({ normalize: 'none', lowercase: false, segmenter: 'uax29' })

  it('the file has its 1,944 test lines', () => {
    expect(cases.length).toBe(1944)
  })

  it('every token is exactly the text between two consecutive boundaries, in order', () => {
    let checked = 0
    for (const { line, text, segments } of cases) {
      if (DICTIONARY.test(text)) continue
      checked++
      const tokens = raw.tokenize(text)
      let j = 0
      for (const token of tokens) {
        while (j < segments.length && segments[j] !== token) j++
        expect(j < segments.length, `${line}: token ${JSON.stringify(token)} is not a segment of ${JSON.stringify(segments)} (after the previous token)`).toBe(true)
        j++
      }
    }
    expect(checked).toBeGreaterThan(1800)
  })

  it('the tokens are the segments that hold a letter, a number or two ExtendNumLet', () => {
    let checked = 0
    const skipped: Record<string, number> = {}
    const failures: string[] = []
    for (const { line, text, segments } of cases) {
      if (DICTIONARY.test(text)) continue
      const known = quarantined(text)
      if (known) {
        skipped[known] = (skipped[known] ?? 0) + 1
        continue
      }
      checked++
      const expected = segments.filter(wordLike)
      const tokens = raw.tokenize(text)
      if (JSON.stringify(tokens) !== JSON.stringify(expected)) failures.push(`${line}: tokens ${JSON.stringify(tokens)}, expected ${JSON.stringify(expected)}`)
    }
    expect(failures).toEqual([])
    // Most lines of the file are about Extend, Format and ZWJ: the quarantine takes many of them.
    expect(checked, `checked ${checked}, skipped ${JSON.stringify(skipped)}`).toBeGreaterThan(STRICT ? 1800 : 700)
  })

  it("Hangul syllables follow UAX #29 (WB5: 'a가' is one word), not Intl.Segmenter's dictionary split", () => {
    const segmentedLine = cases.find((c) => c.segments.length === 1 && /^\p{L}+$/u.test(c.text) && /[\uac00-\ud7a3]/u.test(c.text) && /[a-z]/iu.test(c.text))
    if (segmentedLine) expect(raw.tokenize(segmentedLine.text)).toEqual([segmentedLine.text])
    expect(raw.tokenize('a가')).toEqual(['a가'])
    expect(raw.tokenize('가나 다')).toEqual(['가나', '다'])
    // Intl.Segmenter (ICU4C, Hangul syllables in its dictionary set) splits it.
    expect([...new Intl.Segmenter('und', { granularity: 'word' }).segment('a가')].map((s) => s.segment)).toEqual(['a', '가'])
  })
})

/** NormalizationTest.txt from the icu_normalizer crate of Cargo.lock, in the Cargo registry; undefined when absent. */
function normalizationTestFile(): string | undefined {
  const lock = readFileSync(join(repoRoot, 'Cargo.lock'), 'utf8')
  const version = /name = "icu_normalizer"\nversion = "([^"]+)"/.exec(lock)?.[1]
  if (!version) return undefined
  const registry = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'registry', 'src')
  if (!existsSync(registry)) return undefined
  for (const index of readdirSync(registry)) {
    const path = join(registry, index, `icu_normalizer-${version}`, 'tests', 'data', 'NormalizationTest.txt')
    if (existsSync(path)) return path
  }
  return undefined
}

const normalizationFile = normalizationTestFile()

describe.skipIf(normalizationFile === undefined)(`NormalizationTest.txt through tokens (${normalizationFile ?? 'not found in the Cargo registry: skipped'})`, () => {
  const rows: string[][] = []
  const part1 = new Set<string>()
  if (normalizationFile) {
    let part = ''
    for (const raw of readFileSync(normalizationFile, 'utf8').split('\n')) {
      if (raw.startsWith('@')) {
        part = raw.split(/\s/)[0]!
        continue
      }
      const line = raw.split('#')[0]!.trim()
      if (line === '') continue
      const columns = line.split(';').slice(0, 5).map(hex)
      if (part === '@Part1') part1.add(columns[0]!)
      if (columns.every((c) => ASSIGNED_ONLY.test(c))) rows.push(columns)
    }
  }
  const none = new Tokenizer({ normalize: 'none', lowercase: false })
  const nfc = new Tokenizer({ normalize: 'nfc', lowercase: false })
  const nfkc = new Tokenizer({ normalize: 'nfkc', lowercase: false })

  it('the file is read, its Unicode 17 lines kept', () => {
    expect(readFileSync(normalizationFile!, 'utf8').slice(0, 40)).toMatch(/^# NormalizationTest-\d+\.\d+\.\d+\.txt/)
    expect(rows.length).toBeGreaterThan(19_000)
  })

  /** Rows whose target column is exactly one token of itself, with the sources to check against it. */
  function check(tokenizer: Tokenizer, target: number, sources: number[]): number {
    const targets = rows.map((r) => r[target]!)
    const alone = none.tokenizeBatch(targets)
    const picked = rows.filter((_, i) => alone[i]!.length === 1 && alone[i]![0] === targets[i])
    for (const source of sources) {
      const got = tokenizer.tokenizeBatch(picked.map((r) => r[source]!))
      const bad = picked.flatMap((r, i) => (got[i]!.length === 1 && got[i]![0] === r[target] ? [] : [`c${source + 1} ${JSON.stringify(r[source])} gave ${JSON.stringify(got[i])}, expected [c${target + 1}] ${JSON.stringify(r[target])}`]))
      expect(bad.slice(0, 20)).toEqual([])
    }
    return picked.length
  }

  it('NFC: c2 == toNFC(c1) == toNFC(c2) == toNFC(c3), c4 == toNFC(c4) == toNFC(c5)', () => {
    expect(check(nfc, 1, [0, 1, 2])).toBeGreaterThan(15_000)
    expect(check(nfc, 3, [3, 4])).toBeGreaterThan(12_000)
  })

  it('NFKC: c4 == toNFKC(c1) == ... == toNFKC(c5)', () => {
    expect(check(nfkc, 3, [0, 1, 2, 3, 4])).toBeGreaterThan(12_000)
  })

  it('every other assigned code point is unchanged by NFC and NFKC (the tokens of it alone are the same)', () => {
    const others: string[] = []
    for (let cp = 0; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const ch = String.fromCodePoint(cp)
      if (ASSIGNED_ONLY.test(ch) && !part1.has(ch) && ch !== '\n') others.push(ch)
    }
    expect(others.length).toBeGreaterThan(250_000)
    const plain = none.tokenizeBatch(others)
    expect(nfc.tokenizeBatch(others)).toEqual(plain)
    expect(nfkc.tokenizeBatch(others)).toEqual(plain)
  })
})
