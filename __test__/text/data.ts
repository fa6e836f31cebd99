/**
 * Shared by the text tests: the reference tokenizer built as the fallback path builds it, the
 * Unicode domain on which the native tokenizer must equal it, independent FNV-1a and code point
 * order, and the known native ≠ reference mismatches (quarantined, see KNOWN_MISMATCHES).
 *
 * The domain. Under `segmenter: 'uax29'` the native tokenizer (ICU4X, compiled data of Unicode
 * 18) and the reference (`Intl.Segmenter`, Node's ICU4C of Unicode 17) are meant to agree on
 * every script that needs no dictionary. Left out, by design:
 * - code points not assigned in Node's Unicode (`/\p{Assigned}/u`): their properties differ
 *   between Unicode 17 and 18 (and surrogates, tested on their own: they become U+FFFD);
 * - scripts where ICU4C's word break iterator hands the text to a dictionary or break engine:
 *   Han, Hiragana, Katakana (the CJ dictionary), Hangul syllables (ICU4C's `$dictionaryCJK`
 *   includes them: Intl.Segmenter splits 'a가' in two where UAX #29 WB5 keeps one word), and the
 *   Line_Break=SA (Complex_Context) scripts: Thai, Lao, Khmer, Myanmar, Tai Le, New Tai Lue,
 *   Tai Tham, Tai Viet, Ahom (the list of LineBreak-17.0.0's SA code points, by script).
 * Code points whose normalization or case mapping produces one of those (㉮ → 가 under NFKC,
 * ⼀ → 一) are left out with them, and a mapped text that still contains one (jamo that NFC
 * composes into a syllable) is skipped by `outsideDomain`.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { Tokenizer, type TokenizerOptions } from '../../src/index.js'
import { caseFold } from '../../src/text/casefold.js'
import { tokenizerConfig, type TokenizerConfig } from '../../src/text/options.js'
import { mapText, ReferenceTokenizer } from '../../src/text/reference.js'

/**
 * `HOTPATH_TEXT_STRICT=1` turns the quarantine off: every known mismatch then fails the parity
 * and conformance tests where it occurs (use it to check a fix of the native tokenizer).
 */
export const STRICT = process.env.HOTPATH_TEXT_STRICT === '1'

/** The reference exactly as the facade's fallback builds it. */
export function referenceFor(options: TokenizerOptions = {}): ReferenceTokenizer {
  return new ReferenceTokenizer(tokenizerConfig(options, mapText))
}

export function configOf(options: TokenizerOptions = {}): TokenizerConfig {
  return tokenizerConfig(options, mapText)
}

/** The text segmentation sees: normalized and case-mapped as both implementations do. */
export function mappedText(options: TokenizerOptions, text: string): string {
  return mapText(configOf(options), text)
}

// ---------------------------------------------------------------------------------------------
// The domain

const DICTIONARY = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tai_Le}\p{Script=New_Tai_Lue}\p{Script=Tai_Tham}\p{Script=Tai_Viet}\p{Script=Ahom}\uac00-\ud7a3]/u
const ASSIGNED = /^\p{Assigned}$/u

/** Whether a mapped text holds a code point of a dictionary script (or a Hangul syllable), or one unassigned in Node's Unicode (a surrogate pair can make any). */
export function outsideDomain(mapped: string): boolean {
  return DICTIONARY.test(mapped) || UNASSIGNED.test(mapped)
}
const UNASSIGNED = /\P{Assigned}/u

/** The images of one code point under every mapping the options allow. */
function images(ch: string): string[] {
  const out = [ch]
  for (const form of ['NFC', 'NFKC'] as const) {
    const n = ch.normalize(form)
    out.push(n, n.toLowerCase().normalize(form), caseFold(n).normalize(form))
  }
  out.push(ch.toLowerCase(), caseFold(ch))
  return out
}

/**
 * A code point of the parity domain: assigned in Node's Unicode, not a surrogate, no dictionary
 * script in any of its images.
 */
export function inDomain(cp: number): boolean {
  if (cp >= 0xd800 && cp <= 0xdfff) return false
  const ch = String.fromCodePoint(cp)
  if (!ASSIGNED.test(ch) || ch === '\n') return false
  return !images(ch).some((s) => DICTIONARY.test(s))
}

/** Any code point of the domain: the BMP most often, then the SMP, then the rest (mostly private use). */
export const codePointArb: fc.Arbitrary<string> = fc
  .oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 0xffff }) }, { weight: 3, arbitrary: fc.integer({ min: 0x10000, max: 0x1ffff }) }, { weight: 1, arbitrary: fc.integer({ min: 0x20000, max: 0x10ffff }) })
  .filter(inDomain)
  .map((cp) => String.fromCodePoint(cp))

/** fast-check's own 'binary' unit (any code point), kept to the domain. */
export const binaryUnitArb: fc.Arbitrary<string> = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((s) => inDomain(s.codePointAt(0)!))

/** Pieces that make words, graphemes and the places where segmentation rules apply. */
export const PIECES = [
  // Latin, with precomposed and decomposed accents, case and ligatures
  'a', 'b', 'Z', 'é', 'e\u0301', 'ñ', 'n\u0303', 'ß', 'ẞ', 'İ', 'ı', 'Å', 'ﬁ', 'ﬀ', 'Ǆ', 'ǅ',
  // Greek (final sigma), Cyrillic, Armenian, Georgian
  'Σ', 'σ', 'ς', 'ΟΔΟΣ', 'ά', 'д', 'Ж', 'ё', 'Ա', 'ა',
  // Hebrew with niqqud, Arabic with harakat and Arabic-Indic digits
  'ש', 'ָ', 'ׁ', 'ם', 'م', 'َ', 'ً', 'ا', '٣', '۴',
  // Indic: Devanagari, Bengali, Tamil (vowel signs and viramas)
  'न', 'म', '्', 'े', 'ि', 'আ', 'ম', 'க', 'ம', '்', '५',
  // Hangul jamo (syllables are outside the domain), Ethiopic, Cherokee, Deseret, Adlam
  'ᄀ', 'ᅡ', 'ㄱ', 'ሀ', 'Ꭰ', 'ꭰ', '𐐀', '𞤀',
  // digits, numbers and number punctuation
  '0', '1', '9', '½', 'Ⅻ', '１', '.', ',', '٫',
  // apostrophes, hyphens, underscores, colons and other punctuation
  "'", '’', '-', '‐', '_', ':', '@', '/', '&', '#', '%', '…', '—', '«', '»', '"', '(', ')',
  // spaces and controls
  ' ', ' ', '\t', '\u00a0', '\u3000', '\r', '\u2028',
  // format characters, joiners, variation selectors
  '\u200d', '\u200c', '\u00ad', '\u2060', '\ufe0f', '\u200b',
  // emoji: people, skin tones, hearts, flags, keycaps
  '👍', '🏽', '👩', '❤', '🇫', '🇷', '😀', '1\ufe0f\u20e3',
  // compatibility forms NFKC folds
  'ＡＢ', '㎏', 'ℌ', '𝐀', '①', 'ｶ',
  // symbols
  '©', '™', '$', '€', '+', '=', '<', '>',
]

export const pieceArb: fc.Arbitrary<string> = fc.constantFrom(...PIECES)

/** Text over all of the domain: single code points (two kinds) mixed with word-forming pieces. */
export const unicodeTextArb: fc.Arbitrary<string> = fc.string({
  unit: fc.oneof({ weight: 3, arbitrary: codePointArb }, { weight: 2, arbitrary: binaryUnitArb }, { weight: 3, arbitrary: pieceArb }),
  maxLength: 24,
})

/** Grapheme-ish mixes: the pieces only, where the interesting rules apply most often. */
export const graphemeTextArb: fc.Arbitrary<string> = fc.string({ unit: pieceArb, maxLength: 16 })

/** fast-check's printable graphemes, with the code points outside the domain removed. */
export const fcGraphemeTextArb: fc.Arbitrary<string> = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => [...s].filter((ch) => inDomain(ch.codePointAt(0)!)).join(''))

/** URLs, e-mail addresses and near misses, for the detection rules. */
export const SPECIALS = [
  'http://example.com', 'https://Example.com/a?b=1&c=d#x', 'HTTPS://X.ORG', 'www.example.org', 'WWW.A.B', 'www.', 'http://', 'https:/x', 'ftp://x.org', '(https://a.b/c)', '<www.x.y>', '"http://q.r"',
  'bob@example.com', 'Bob.X+tag@mail.example.org', 'a@b', 'a@b.c', 'x@y.z.', '<c@d.ef>', "'me@host.io',", 'a@@b.c', '@b.c', 'a@.b', 'a@b..c', 'ü@x.de', 'a@ü.de', 'mailto:x@y.z', 'a.b@c-d.e',
]

/** Text with URLs and e-mail addresses among words, punctuation and Unicode. */
export const specialTextArb: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SPECIALS) }, { weight: 4, arbitrary: pieceArb }, { weight: 1, arbitrary: codePointArb }), fc.constantFrom(' ', ' ', '\t', ', ', '.', '')), { maxLength: 12 })
  .map((parts) => parts.flat().join(''))

/** Stopwords that normalization and case mapping change (matched after both). */
const STOPWORDS = ['the', 'THE', 'ＴＨＥ', 'Der', 'ΟΔΟΣ', 'οδος', 'Straße', 'strasse', 'ﬁ', 'fi', 'e\u0301', 'é', 'a', '1', '٣', 'ɑ', 'I', 'i̇']

/** Tokenizer options over every option but the segmenter ('uax29', the default). */
export const optionsArb: fc.Arbitrary<TokenizerOptions> = fc
  .record(
    {
      normalize: fc.constantFrom('nfkc' as const, 'nfc' as const, 'none' as const),
      lowercase: fc.boolean(),
      caseFold: fc.boolean(),
      minLength: fc.integer({ min: 1, max: 4 }),
      maxLength: fc.integer({ min: 0, max: 6 }),
      stopwords: fc.array(fc.constantFrom(...STOPWORDS), { maxLength: 4 }),
      numbers: fc.constantFrom('keep' as const, 'drop' as const),
      urls: fc.constantFrom('keep', 'drop', '<url>', 'URL', '🔗'),
      emails: fc.constantFrom('keep', 'drop', '<email>', 'ü'),
    },
    { requiredKeys: [] },
  )
  .map((o) => {
    const options: TokenizerOptions = { ...o, segmenter: 'uax29' }
    // maxLength 0 stands for "no limit"; else at least minLength.
    if (o.maxLength === undefined || o.maxLength === 0) delete options.maxLength
    else options.maxLength = Math.max(o.maxLength, o.minLength ?? 1)
    return options
  })

// ---------------------------------------------------------------------------------------------
// Known mismatches between the native tokenizer and the reference (reported; see STRICT)

/** Characters rule WB4 attaches to the one before (Extend, Format, ZWJ), near enough for a regex. */
export const WB4 = '[\\p{Grapheme_Extend}\\p{Mc}\\p{Emoji_Modifier}\\p{Cf}]'

export interface KnownMismatch {
  id: string
  /** What differs, for the reader and the report. */
  summary: string
  /** Whether a mapped text may show it (a superset: some texts it names still agree). */
  hits(mapped: string): boolean
  /** Minimal examples: the native output today and the reference's (the correct one). */
  examples: { text: string; options?: TokenizerOptions; native: string[]; reference: string[] }[]
}

/**
 * Empty since the kernel derives word types as ICU4C does (segment.rs `icu4c_word_like`); the
 * cases that were listed here are checked in parity.test.ts (`CORRECTED_WORD_TYPES`).
 */
export const KNOWN_MISMATCHES: KnownMismatch[] = []

/** The id of the first known mismatch a mapped text may show, or undefined (always undefined when STRICT). */
export function quarantined(mapped: string): string | undefined {
  if (STRICT) return undefined
  return KNOWN_MISMATCHES.find((k) => k.hits(mapped))?.id
}

/** Counts what a property checked and what it left to the quarantine, by mismatch id. */
export class Tally {
  checked = 0
  readonly skipped: Record<string, number> = {}
  /** Whether to compare `text` (mapped with `options`); counts it either way. */
  take(options: TokenizerOptions, text: string): boolean {
    const mapped = mappedText(options, text)
    if (outsideDomain(mapped)) {
      this.skipped.outsideDomain = (this.skipped.outsideDomain ?? 0) + 1
      return false
    }
    const id = quarantined(mapped)
    if (id === undefined) {
      this.checked++
      return true
    }
    this.skipped[id] = (this.skipped[id] ?? 0) + 1
    return false
  }
  /** The property must not have been vacuous: at least `fraction` of the texts compared. */
  expectMostlyChecked(fraction: number): void {
    const skipped = Object.values(this.skipped).reduce((a, b) => a + b, 0)
    expect(this.checked, `checked ${this.checked}, skipped ${JSON.stringify(this.skipped)}`).toBeGreaterThanOrEqual(fraction * (this.checked + skipped))
  }
}

// ---------------------------------------------------------------------------------------------
// Independent implementations for the checks

const encoder = new TextEncoder()

/** FNV-1a 32 over the UTF-8 bytes TextEncoder gives (offset basis 0x811c9dc5, prime 0x01000193). */
export function fnv1a(token: string): number {
  let h = 0x811c9dc5
  for (const b of encoder.encode(token)) h = Math.imul(h ^ b, 0x01000193) >>> 0
  return h >>> 0
}

export function hashIdOf(token: string, bits: number): number {
  return bits === 32 ? fnv1a(token) : fnv1a(token) % 2 ** bits
}

/** Code point order, by comparing arrays of code points (not UTF-16 units). */
export function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!)
  const y = Array.from(b, (c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

/** The vocabulary `buildVocabulary` must build from these token lists. */
export function expectedVocabulary(tokenLists: string[][], minCount = 1, maxSize?: number): { version: 1; tokens: string[]; counts: number[] } {
  const counts = new Map<string, number>()
  for (const list of tokenLists) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1)
  const entries = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || byCodePoints(a[0], b[0]))
  const kept = maxSize === undefined ? entries : entries.slice(0, maxSize)
  return { version: 1, tokens: kept.map((e) => e[0]), counts: kept.map((e) => e[1]) }
}

/** `{ ids, offsets }` as plain arrays of arrays, one per record. */
export function idRows({ ids, offsets }: { ids: Uint32Array; offsets: Uint32Array }): number[][] {
  const rows: number[][] = []
  for (let i = 0; i + 1 < offsets.length; i++) rows.push(Array.from(ids.subarray(offsets[i], offsets[i + 1])))
  return rows
}

/** Both implementations for `options`. */
export function pair(options: TokenizerOptions = {}): { native: Tokenizer; reference: ReferenceTokenizer } {
  return { native: new Tokenizer(options), reference: referenceFor(options) }
}
