/**
 * The tokenizer in plain TypeScript: `String.prototype.normalize`, `toLowerCase`, the case-folding
 * table and `Intl.Segmenter`, with the same rules as the Rust kernel (crates/hotpath-kernels/src/
 * text). It is the oracle of the parity tests and the fallback when the native binary is absent.
 *
 * Under `segmenter: 'uax29'` it equals the native tokenizer for every script that needs no
 * dictionary; for Chinese, Japanese, Thai, Lao, Khmer and Myanmar it gives `Intl.Segmenter`'s
 * dictionary segments, which the native `'auto'` mode approximates.
 */
import { caseFold } from './casefold.js'
import type { TokenizerConfig } from './options.js'

/** Normalization and case mapping, as the native pipeline applies them (lone surrogates become U+FFFD first). */
export function mapText(config: Pick<TokenizerConfig, 'normalize' | 'case'>, text: string): string {
  const form = config.normalize === 'nfkc' ? 'NFKC' : config.normalize === 'nfc' ? 'NFC' : undefined
  let t = text.toWellFormed()
  if (form) t = t.normalize(form)
  if (config.case === 'none') return t
  t = config.case === 'fold' ? caseFold(t) : t.toLowerCase()
  // Case mapping does not preserve normalization forms.
  return form ? t.normalize(form) : t
}

const LEAD = '([{<"\''
const TRAIL = '.,;:!?)]}>"\''

/** A URL: starts with `http://`, `https://` or `www.` (ASCII, any case) and is longer than that. */
export function isUrl(s: string): boolean {
  return /^(?:https?:\/\/|www\.)./is.test(s)
}

/** An e-mail address: ASCII `local@label.label[...]` (see the kernel's `rules.rs`). */
export function isEmail(s: string): boolean {
  return /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/.test(s)
}

/** A number: a numeric code point (general category N) and no alphabetic one. */
export function isNumber(token: string): boolean {
  return /\p{N}/u.test(token) && !/\p{Alphabetic}/u.test(token)
}

/** Length in code points. */
export function codePointLength(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of `s` (well-formed). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5
  const byte = (b: number) => {
    h = Math.imul(h ^ b, 0x01000193)
  }
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (c < 0x80) byte(c)
    else if (c < 0x800) {
      byte(0xc0 | (c >> 6))
      byte(0x80 | (c & 63))
    } else if (c < 0x10000) {
      byte(0xe0 | (c >> 12))
      byte(0x80 | ((c >> 6) & 63))
      byte(0x80 | (c & 63))
    } else {
      byte(0xf0 | (c >> 18))
      byte(0x80 | ((c >> 12) & 63))
      byte(0x80 | ((c >> 6) & 63))
      byte(0x80 | (c & 63))
    }
  }
  return h >>> 0
}

/** The feature-hashing id of a token: the low `bits` bits of its FNV-1a 32 hash. */
export function hashId(token: string, bits: number): number {
  const h = fnv1a32(token)
  return bits >= 32 ? h : (h & ((1 << bits) - 1)) >>> 0
}

export class ReferenceTokenizer {
  readonly #config: TokenizerConfig
  readonly #stopwords: Set<string>
  readonly #segmenter = new Intl.Segmenter('und', { granularity: 'word' })

  constructor(config: TokenizerConfig) {
    this.#config = config
    this.#stopwords = new Set(config.stopwords)
  }

  tokenize(text: string): string[] {
    const out: string[] = []
    const t = mapText(this.#config, text)
    const { urls, emails } = this.#config
    if (urls === undefined && emails === undefined) {
      this.#words(t, out)
      return out
    }
    let pending = 0
    for (const m of t.matchAll(/[^ \t\n\v\f\r]+/g)) {
      const chunk = m[0]
      let s = 0
      let e = chunk.length
      while (s < e && LEAD.includes(chunk[s]!)) s++
      while (e > s && TRAIL.includes(chunk[e - 1]!)) e--
      const core = chunk.slice(s, e)
      const rule = urls !== undefined && isUrl(core) ? urls : emails !== undefined && isEmail(core) ? emails : undefined
      if (rule === undefined) continue
      this.#words(t.slice(pending, m.index + s), out)
      pending = m.index + e
      // Detected tokens bypass the length, stopword and number rules.
      if (rule === 'keep') out.push(core)
      else if (rule !== 'drop') out.push(rule)
    }
    this.#words(t.slice(pending), out)
    return out
  }

  #words(text: string, out: string[]): void {
    if (text.length === 0) return
    const { minLength, maxLength, dropNumbers } = this.#config
    for (const s of this.#segmenter.segment(text)) {
      if (!s.isWordLike) continue
      const w = s.segment
      if (minLength > 1 || maxLength !== undefined) {
        const n = codePointLength(w)
        if (n < minLength || (maxLength !== undefined && n > maxLength)) continue
      }
      if (dropNumbers && isNumber(w)) continue
      if (this.#stopwords.has(w)) continue
      out.push(w)
    }
  }
}

/** Splits UTF-8 bytes of newline-separated records as the kernel does (`\n` or `\r\n`; no record after a final newline). */
export function splitRecords(text: string): string[] {
  if (text.length === 0) return []
  const body = text.endsWith('\n') ? text.slice(0, -1) : text
  return body.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
}
