/**
 * What each option does, by example (the parity tests check the same against the reference):
 * normalization forms, lowercase and case folding, lengths in code points, stopwords matched
 * after mapping, numbers, the URL and e-mail rule of crates/hotpath-kernels/src/text/rules.rs,
 * the two segmenters, empty and very large records; and Vocabulary: id order, minCount, maxSize,
 * JSON round trips, unknown tokens.
 */
import { describe, expect, it } from 'vitest'
import { Tokenizer, UNKNOWN_TOKEN_ID, Vocabulary, type TokenizerOptions } from '../../src/index.js'
import { referenceFor } from './data.js'

const tok = (options: TokenizerOptions, text: string): string[] => {
  const native = new Tokenizer(options).tokenize(text)
  // Every example here is also the reference's output.
  expect(referenceFor(options).tokenize(text), `reference for ${JSON.stringify(text)}`).toEqual(native)
  return native
}
const RAW = { normalize: 'none', lowercase: false } as const

describe('normalization', () => {
  it('NFKC (the default) folds fullwidth forms, ligatures, circled and squared forms, fractions', () => {
    expect(tok({}, 'ＡＢＣ ﬁ ① ㎏ Ⅻ ½ x²')).toEqual(['abc', 'fi', '1', 'kg', 'xii', '1⁄2', 'x2'])
    expect(tok({}, 'ｶﾀｶﾅ')).toEqual(['カタカナ'])
  })

  it('NFC composes but keeps compatibility forms; none keeps the text as it is', () => {
    expect(tok({ normalize: 'nfc' }, 'ＡＢＣ ﬁ ① Ⅻ e\u0301')).toEqual(['ａｂｃ', 'ﬁ', 'ⅻ', 'é'])
    expect(tok({ normalize: 'none' }, 'ＡＢＣ ﬁ e\u0301')).toEqual(['ａｂｃ', 'ﬁ', 'e\u0301'])
    expect(tok({ normalize: 'nfkc' }, 'e\u0301')).toEqual(['é'])
  })

  it('normalizes again after case mapping (case mapping does not keep a normalization form)', () => {
    // U+0130 lowercases to i + U+0307 (NFC keeps the pair: no precomposed form); Ǆ to ǆ, NFKC: dž.
    expect(tok({}, 'İ Ǆ')).toEqual(['i\u0307', 'dž'])
    expect(tok({ normalize: 'nfc' }, 'Ǆ')).toEqual(['ǆ'])
  })
})

describe('case', () => {
  it('lowercase (default) keeps ß, maps final sigma; caseFold folds ß to ss and ς to σ', () => {
    expect(tok({}, 'Straße STRASSE ΣΑΣ')).toEqual(['straße', 'strasse', 'σας'])
    expect(tok({ caseFold: true }, 'Straße STRASSE ΣΑΣ')).toEqual(['strasse', 'strasse', 'σασ'])
  })

  it('lowercase false keeps case; caseFold takes the place of lowercase either way', () => {
    expect(tok({ lowercase: false }, 'Straße STRASSE ΣΑΣ')).toEqual(['Straße', 'STRASSE', 'ΣΑΣ'])
    expect(tok({ lowercase: false, caseFold: true }, 'Straße STRASSE')).toEqual(['strasse', 'strasse'])
  })

  it('case mapping beyond the BMP, and Cherokee (folds to capitals, lowercases to small letters)', () => {
    expect(tok({}, '𐐀𐐨 Ꭰ')).toEqual(['𐐨𐐨', 'ꭰ'])
    expect(tok({ caseFold: true }, '𐐀𐐨 ꭰ')).toEqual(['𐐨𐐨', 'Ꭰ'])
  })
})

describe('minLength and maxLength count code points', () => {
  it('an astral letter is one code point (two UTF-16 units); a decomposed letter is two', () => {
    const text = '𐐀𐐨 a 𝐀 e\u0301 ab abc'
    expect(tok({ ...RAW, minLength: 2 }, text)).toEqual(['𐐀𐐨', 'e\u0301', 'ab', 'abc'])
    expect(tok({ ...RAW, maxLength: 1 }, text)).toEqual(['a', '𝐀'])
    expect(tok({ ...RAW, maxLength: 2 }, text)).toEqual(['𐐀𐐨', 'a', '𝐀', 'e\u0301', 'ab'])
    expect(tok({ ...RAW, minLength: 3, maxLength: 3 }, text)).toEqual(['abc'])
    // NFKC makes é one code point: then it is as long as 'a'.
    expect(tok({ maxLength: 1 }, 'e\u0301 ab')).toEqual(['é'])
  })

  it('emoji are not tokens whatever their length; a keycap is a number (it starts with a digit)', () => {
    expect(tok({ maxLength: 100 }, 'ok 😀 👍🏽 1\ufe0f\u20e3')).toEqual(['ok', '1\ufe0f\u20e3'])
    expect(tok({ maxLength: 1 }, 'ok 😀 👍🏽 1\ufe0f\u20e3')).toEqual([])
    expect(tok({ numbers: 'drop' }, 'ok 😀 👍🏽 1\ufe0f\u20e3')).toEqual(['ok'])
  })
})

describe('stopwords are matched after normalization and case mapping', () => {
  it("'ＴＨＥ' drops 'the', 'The' and 'ｔｈｅ'; whole tokens only", () => {
    expect(tok({ stopwords: ['ＴＨＥ', 'Der'] }, 'The THE the Der der ｔｈｅ other theory')).toEqual(['other', 'theory'])
  })

  it("with caseFold, 'Straße' drops 'STRASSE' and 'strasse'; with lowercase only 'straße'", () => {
    expect(tok({ stopwords: ['Straße'], caseFold: true }, 'STRASSE strasse Straße straßen')).toEqual(['strassen'])
    expect(tok({ stopwords: ['Straße'] }, 'STRASSE strasse Straße straßen')).toEqual(['strasse', 'strasse', 'straßen'])
  })

  it('a decomposed stopword matches the composed token under NFC; nothing is matched with normalize none', () => {
    expect(tok({ stopwords: ['e\u0301'], normalize: 'nfc' }, 'é e\u0301 e')).toEqual(['e'])
    expect(tok({ stopwords: ['e\u0301'], ...RAW }, 'é e\u0301 e')).toEqual(['é', 'e'])
    expect(tok({ stopwords: new Set(['a', 'b']) }, 'a b c')).toEqual(['c'])
    expect(tok({ stopwords: [] }, 'a b c')).toEqual(['a', 'b', 'c'])
  })
})

describe("numbers: 'drop'", () => {
  it("drops tokens with a numeric code point and no letter: '3.14', '1,000', '٣', '४२', '½', '²', '①'", () => {
    expect(tok({ numbers: 'drop' }, '3.14 1,000 ٣ ١٢٣ ४२ ½ ² ① a1 v2.0 1a 3.14abc Ⅻ')).toEqual(['a1', 'v2.0', '1a', '3.14abc', 'xii'])
    // Without NFKC, Roman numeral Ⅻ is a letter (Alphabetic) and stays; ① is a number.
    expect(tok({ numbers: 'drop', ...RAW }, 'Ⅻ ① 12')).toEqual(['Ⅻ'])
    expect(tok({ numbers: 'keep' }, '3.14 ٣')).toEqual(['3.14', '٣'])
  })
})

describe('URLs and e-mail addresses (rules.rs)', () => {
  const text = 'see (https://Example.com/a?b=1), mail Bob.X@mail.example.org.'

  it('keep: one token each, after case mapping; the lead and trail punctuation stripped', () => {
    expect(tok({ urls: 'keep', emails: 'keep' }, text)).toEqual(['see', 'https://example.com/a?b=1', 'mail', 'bob.x@mail.example.org'])
    expect(tok({ urls: 'keep', emails: 'keep', lowercase: false }, '<c@d.ef> "x@y.z", [WWW.X.ORG]')).toEqual(['c@d.ef', 'x@y.z', 'WWW.X.ORG'])
  })

  it('drop removes them; a placeholder replaces them', () => {
    expect(tok({ urls: 'drop', emails: 'drop' }, text)).toEqual(['see', 'mail'])
    expect(tok({ urls: '<url>', emails: '<email>' }, text)).toEqual(['see', '<url>', 'mail', '<email>'])
    expect(tok({ urls: 'two words', emails: 'Ü' }, 'x http://a.b y@z.co')).toEqual(['x', 'two words', 'Ü'])
  })

  it('without the option they are segmented like other text; each option detects its own kind only', () => {
    expect(tok({}, 'www.x.org a@b.cd https://x.org/a')).toEqual(['www.x.org', 'a', 'b.cd', 'https', 'x.org', 'a'])
    expect(tok({ emails: 'keep' }, 'https://x.org/a a@b.cd')).toEqual(['https', 'x.org', 'a', 'a@b.cd'])
    expect(tok({ urls: 'keep' }, 'https://x.org/a a@b.cd')).toEqual(['https://x.org/a', 'a', 'b.cd'])
  })

  it('near misses: a bare prefix, a prefix not at the start, non-ASCII e-mails, one-label domains', () => {
    expect(tok({ urls: 'keep', emails: 'keep' }, 'www. http:// xhttp://a.b mailto:x@y.z a@b ü@x.de a@ü.de')).toEqual(['www', 'http', 'xhttp', 'a.b', 'mailto:x', 'y.z', 'a', 'b', 'ü', 'x.de', 'a', 'ü.de'])
  })

  it('chunks end at ASCII whitespace only: a no-break space stays inside a URL (NFKC makes it a space first)', () => {
    expect(tok({ urls: 'keep', normalize: 'nfc' }, 'http://a.b\u00a0c d')).toEqual(['http://a.b\u00a0c', 'd'])
    expect(tok({ urls: 'keep', normalize: 'nfc' }, 'http://a.b\u3000c\td')).toEqual(['http://a.b\u3000c', 'd'])
    expect(tok({ urls: 'keep' }, 'http://a.b\u00a0c d')).toEqual(['http://a.b', 'c', 'd'])
  })

  it('detected tokens bypass the length, stopword and number rules', () => {
    expect(tok({ urls: 'keep', minLength: 100, stopwords: ['https://x.org'], numbers: 'drop' }, 'https://x.org 123 http://1.2.3.4 words')).toEqual(['https://x.org', 'http://1.2.3.4'])
  })
})

describe('segmenter', () => {
  const text = 'ภาษาไทยง่าย 日本語の文章です 我爱北京天安门 ສະບາຍດີໂລກ សួស្តីពិភពលោក မင်္ဂလာပါကမ္ဘာလောက'

  it("'uax29' (default) keeps each run of a dictionary script as one token", () => {
    expect(new Tokenizer().tokenize(text)).toEqual(text.split(' '))
    expect(new Tokenizer({ segmenter: 'uax29' }).tokenize('日本語の文章です')).toEqual(['日本語の文章です'])
  })

  it("'auto' splits Thai, Chinese, Japanese, Lao, Khmer and Myanmar into words", () => {
    const tokens = new Tokenizer({ segmenter: 'auto' }).tokenize(text)
    expect(tokens).toEqual(['ภาษา', 'ไทย', 'ง่าย', '日本語', 'の', '文章', 'です', '我', '爱', '北京', '天安门', 'ສະບາຍດີ', 'ໂລກ', 'សួស្តី', 'ពិភពលោក', 'မင်္ဂလာ', 'ပါ', 'ကမ္ဘာ', 'လောက'])
    // Dictionaries on both sides (ICU4X here, ICU4C behind Intl.Segmenter): on common words they
    // agree; docs/text.md measures how often on CLDR's strings.
    const seg = new Intl.Segmenter('und', { granularity: 'word' })
    expect(tokens).toEqual([...seg.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment))
  })

  it("'auto' gives what 'uax29' gives for the other scripts", () => {
    const other = "Hello, wörld! 3.14 नमस्ते don't שָׁלוֹם 안녕하세요"
    expect(new Tokenizer({ segmenter: 'auto' }).tokenize(other)).toEqual(new Tokenizer().tokenize(other))
  })
})

describe('records', () => {
  it('empty and blank records have no tokens', () => {
    const t = new Tokenizer()
    expect(t.tokenize('')).toEqual([])
    expect(t.tokenizeBatch(['', ' ', '\t\r\n', '...', '😀'])).toEqual([[], [], [], [], []])
    expect(t.encodeBatch(['', 'a', ''], { hashBits: 4 }).offsets).toEqual(new Uint32Array([0, 0, 1, 1]))
  })

  it('a 10 MB record: every token, as a string and as bytes (no timing asserted)', () => {
    const t = new Tokenizer()
    const unit = 'alpha βeta 3.14 नमस्ते 😀 '
    const text = unit.repeat(Math.ceil(10_000_000 / Buffer.byteLength(unit)))
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(10_000_000)
    const repeats = text.length / unit.length
    const tokens = t.tokenize(text)
    expect(tokens.length).toBe(4 * repeats)
    expect(tokens.slice(0, 4)).toEqual(['alpha', 'βeta', '3.14', 'नमस्ते'])
    expect(tokens.at(-1)).toBe('नमस्ते')
    const bytes = t.encodeBatch(Buffer.from(text), { hashBits: 8 })
    expect(bytes.ids.length).toBe(4 * repeats)
    expect(bytes.offsets).toEqual(new Uint32Array([0, 4 * repeats]))
    const vocabulary = t.buildVocabulary([text])
    expect(vocabulary.toJSON()).toEqual({ version: 1, tokens: ['3.14', 'alpha', 'βeta', 'नमस्ते'], counts: [repeats, repeats, repeats, repeats] })
  })
})

describe('Vocabulary', () => {
  const raw = new Tokenizer(RAW)

  it('ids from 1 by descending count, ties in code point order (an astral token after U+FF5A, not before)', () => {
    // 'ｚ' is U+FF5A; '𐐨' is U+10428, UTF-16 D801 DC28: code point order puts ｚ first, UTF-16 order 𐐨.
    const vocabulary = raw.buildVocabulary(['b a c b', '𐐨 ｚ', 'ｚ 𐐨 a', 'b'])
    expect(vocabulary.toJSON()).toEqual({ version: 1, tokens: ['b', 'a', 'ｚ', '𐐨', 'c'], counts: [3, 2, 2, 2, 1] })
    expect(['ｚ', '𐐨'].sort()).toEqual(['𐐨', 'ｚ'])
    expect(vocabulary.id('b')).toBe(1)
    expect(vocabulary.id('ｚ')).toBe(3)
    expect(vocabulary.id('𐐨')).toBe(4)
    expect(vocabulary.size).toBe(5)
    // The fallback path orders the same (ReferenceTokenizer + the facade's ranking).
    expect(Vocabulary.fromJSON(vocabulary.toJSON()).toJSON()).toEqual(vocabulary.toJSON())
  })

  it('minCount leaves out rare tokens; maxSize keeps the most frequent, cut in id order', () => {
    const records = ['a a a b b c d d e', 'e e f']
    expect(raw.buildVocabulary(records, { minCount: 2 }).toJSON().tokens).toEqual(['a', 'e', 'b', 'd'])
    expect(raw.buildVocabulary(records, { minCount: 3 }).toJSON()).toEqual({ version: 1, tokens: ['a', 'e'], counts: [3, 3] })
    expect(raw.buildVocabulary(records, { maxSize: 3 }).toJSON().tokens).toEqual(['a', 'e', 'b'])
    expect(raw.buildVocabulary(records, { minCount: 2, maxSize: 1 }).toJSON().tokens).toEqual(['a'])
    expect(raw.buildVocabulary(records, { minCount: 4 }).size).toBe(0)
    expect(raw.buildVocabulary(records, { maxSize: 0 }).size).toBe(0)
  })

  it('token(0) is undefined, unknown tokens have id 0 (UNKNOWN_TOKEN_ID) and count 0, ids past the end are undefined', () => {
    const vocabulary = raw.buildVocabulary(['x y x'])
    expect(UNKNOWN_TOKEN_ID).toBe(0)
    expect(vocabulary.token(0)).toBeUndefined()
    expect(vocabulary.token(1)).toBe('x')
    expect(vocabulary.token(2)).toBe('y')
    expect(vocabulary.token(3)).toBeUndefined()
    expect(vocabulary.id('zzz')).toBe(UNKNOWN_TOKEN_ID)
    expect(vocabulary.count('x')).toBe(2)
    expect(vocabulary.count('zzz')).toBe(0)
    expect(Array.from(raw.encodeBatch(['x zzz y'], { vocabulary }).ids)).toEqual([1, 0, 2])
  })

  it('toJSON and fromJSON (object or JSON text) round trip to the same ids and counts', () => {
    const t = new Tokenizer()
    const records = ['Ünïcode words, words and 😀 more words', 'ΣΑΣ σας', 'नमस्ते दुनिया', '𐐀 𐐨']
    const vocabulary = t.buildVocabulary(records)
    const json = vocabulary.toJSON()
    for (const restored of [Vocabulary.fromJSON(json), Vocabulary.fromJSON(JSON.stringify(json)), Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary)))]) {
      expect(restored.size).toBe(vocabulary.size)
      expect(restored.toJSON()).toEqual(json)
      for (const token of json.tokens) {
        expect(restored.id(token)).toBe(vocabulary.id(token))
        expect(restored.count(token)).toBe(vocabulary.count(token))
      }
      expect(t.encodeBatch(records, { vocabulary: restored })).toEqual(t.encodeBatch(records, { vocabulary }))
    }
    // toJSON gives a copy: changing it changes nothing.
    json.tokens.reverse()
    expect(vocabulary.toJSON().tokens).toEqual([...json.tokens].reverse())
  })

  it('fromJSON keeps the given order as the ids, whatever the counts', () => {
    const vocabulary = Vocabulary.fromJSON({ version: 1, tokens: ['rare', 'common'], counts: [1, 100] })
    expect(vocabulary.id('rare')).toBe(1)
    expect(vocabulary.id('common')).toBe(2)
    expect(Array.from(new Tokenizer().encodeBatch(['common rare other'], { vocabulary }).ids)).toEqual([2, 1, 0])
  })
})
