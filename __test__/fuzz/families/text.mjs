// Text: new Tokenizer, tokenize, tokenizeBatch(Async), encodeBatch(Async), buildVocabulary(Async),
// tokenStream, Vocabulary.fromJSON, the Vocabulary lookups and its non-public constructor.
// Compared exactly with src/text/reference.ts (the ReferenceTokenizer built from tokenizerConfig,
// as the fallback builds it). The texts are made of pieces for which native and reference agree
// by design: no dictionary scripts, no Hangul next to other letters, none of the former mismatches
// of __test__/text/data.ts (no mark after a space, no emoji ZWJ sequences or flags,
// no Hebrew + apostrophe); __test__/text/parity.test.ts covers all of Unicode. Not generated:
// JSON text that does not parse (text/errors.test.ts: ERR_INVALID_ARG_VALUE) and chunks written to
// a tokenStream that are not strings or attached bytes (text/stream.test.ts: they error the stream
// with ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE).
import vm from 'node:vm'
import fc from 'fast-check'
import { drive } from '../drive.mjs'
import { Unknown, boolean, integer, invalid, options, plainValue, signal, tagOf } from '../oracle.mjs'
import { Bad, Weird, hostileArb, listArb, numberArb, objArb, optional, orHostile, signalArb } from '../values.mjs'

const v = (x) => ({ t: 'v', v: x })
const realm = vm.createContext({})

const PIECES = [
  'alpha', 'Beta', 'ΣΑΣ', 'ΟΔΟΣ', 'Straße', 'STRASSE', 'дом', 'Ёжик', 'नमस्ते', 'বাংলা', 'e\u0301', 'Cafe\u0301', 'Բարեւ', 'ქართ', '𐐀𐐨', '𝐀',
  '3.14', '1,000', '٣', '½', '①', "don't", 'can’t', 'co-op', 'ﬁ', 'ＡＢ', 'İ', 'the', 'THE', 'a1', '😀', '\ud800', '\udc00',
  'https://Example.com/x?y=1', 'www.test.org', 'http://', 'bob.x@mail.example.org', 'a@b', '<c@d.ef>',
  ' ', ' ', ' ', ', ', '.', '\t', '(', ')', '!', '-', '\r', '\u00a0', '\u3000',
]
const textArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(''))
/** A record for the byte form: no '\n' inside, no '\r' at the end (the CRLF line end would take it). */
const recordArb = textArb.map((t) => t.replaceAll('\n', ' ').replace(/\r+$/, ''))
const stringArb = textArb.map(v)

const boolArb = fc.boolean().map(v)
const lengthArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, 2, 3, 5, 100).map(v) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 32, Number.NaN).map(v) }, { weight: 1, arbitrary: numberArb })
const specialArb = fc.constantFrom('keep', 'drop', '<url>', 'Ü', '', '\ud800').map(v)
const OBJ_WRAPS = ['frozen', 'sealed', 'nullProto', 'proxy', 'throwingGetter', 'classInstance', 'inherited', 'trapThrows', 'array']

/** Tokenizer options: every field, valid most of the time. */
const tokenizerOptionsArb = objArb(
  {
    normalize: orHostile(fc.constantFrom('nfkc', 'nfc', 'none', 'none', 'NFKC', '').map(v), 0.3),
    lowercase: orHostile(boolArb, 0.3),
    caseFold: orHostile(boolArb, 0.3),
    segmenter: orHostile(fc.constantFrom('uax29', 'uax29', 'auto', 'icu').map(v), 0.3),
    minLength: orHostile(lengthArb, 0.3),
    maxLength: orHostile(lengthArb, 0.3),
    stopwords: orHostile(listArb(orHostile(fc.oneof(stringArb, fc.constantFrom('the', 'ＴＨＥ', 'straße', 'a1').map(v)), 0.2), { maxLength: 4 }), 0.3),
    numbers: orHostile(fc.constantFrom('keep', 'drop', 'remove').map(v), 0.3),
    urls: orHostile(specialArb, 0.3),
    emails: orHostile(specialArb, 0.3),
  },
  { wraps: OBJ_WRAPS },
)
/** Valid options as plain values, for the tokenizers other specs run on. */
const validOptionsArb = fc.record(
  {
    normalize: fc.constantFrom('nfkc', 'nfc', 'none'),
    lowercase: fc.boolean(),
    caseFold: fc.boolean(),
    minLength: fc.integer({ min: 1, max: 3 }),
    stopwords: fc.array(fc.constantFrom('the', 'ＴＨＥ', 'straße', 'alpha'), { maxLength: 2 }),
    numbers: fc.constantFrom('keep', 'drop'),
    urls: fc.constantFrom('keep', 'drop', '<url>'),
    emails: fc.constantFrom('keep', 'drop', '<e>'),
  },
  { requiredKeys: [] },
)
const tokenizerArb = validOptionsArb.map((o) => ({ t: 'custom', kind: 'tokenizer', options: o }))

const BYTE_WRAPS = ['buffer', 'buffer', 'u8', 'offset', 'sab', 'realm', 'resizable', 'subclass', 'detached', 'u16', 'clamped']
/** Records as UTF-8 bytes in some kind of view, sometimes followed by invalid UTF-8 (`raw`); `detached` must be rejected, other element types too. */
const bytesArb = fc.record({ t: fc.constant('custom'), kind: fc.constant('bytes'), records: fc.array(recordArb, { maxLength: 8 }), eol: fc.constantFrom('\n', '\r\n'), final: fc.boolean(), wrap: fc.constantFrom(...BYTE_WRAPS), repeat: fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(400) }), raw: fc.option(fc.array(fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0x0a, 0x0d, 0x20, 0x61)), { maxLength: 12 }), { nil: undefined }) })
/** Many records (above the 4,096 UTF-16 units async calls run inline): a plain array of strings. */
const manyArb = fc.record({ t: fc.constant('custom'), kind: fc.constant('many'), records: fc.array(recordArb, { minLength: 1, maxLength: 6 }) })
/** The input of the batch calls: strings, bytes, or neither. */
const inputArb = fc.oneof({ weight: 4, arbitrary: orHostile(listArb(orHostile(stringArb, 0.15), { maxLength: 8 }), 0.3) }, { weight: 3, arbitrary: bytesArb }, { weight: 1, arbitrary: manyArb })
const vocabularyArb = fc.record({ t: fc.constant('custom'), kind: fc.constant('vocabulary'), records: fc.array(recordArb, { maxLength: 6 }), maxSize: fc.option(fc.nat(8), { nil: undefined }), fromJSON: fc.boolean() })

function bytesOf(r) {
  const records = Array.from({ length: r.repeat ?? 1 }, () => r.records).flat()
  const text = records.map((x) => x + r.eol).join('')
  const body = r.final || records.length === 0 ? text : text.slice(0, -r.eol.length)
  const encoded = Buffer.from(body)
  return r.raw ? Buffer.concat([encoded, Buffer.from(r.raw)]) : encoded
}

export const builders = {
  tokenizer(r, ctx) {
    return { value: new ctx.hp.Tokenizer(r.options), canon: { tokenizer: r.options } }
  },
  bytes(r) {
    const bytes = bytesOf(r)
    const canon = { bytes: new Uint8Array(bytes) }
    const n = bytes.length
    switch (r.wrap) {
      case 'u8':
        return { value: new Uint8Array(bytes), canon }
      case 'offset': {
        const big = new Uint8Array(n + 7)
        big.set(bytes, 3)
        return { value: big.subarray(3, 3 + n), canon }
      }
      case 'sab': {
        const view = new Uint8Array(new SharedArrayBuffer(n))
        view.set(bytes)
        return { value: view, canon }
      }
      case 'realm': {
        const view = vm.runInContext(`new Uint8Array(${n})`, realm)
        view.set(bytes)
        return { value: view, canon }
      }
      case 'resizable': {
        const view = new Uint8Array(new ArrayBuffer(n, { maxByteLength: n + 16 }))
        view.set(bytes)
        return { value: view, canon }
      }
      case 'subclass': {
        class Bytes extends Uint8Array {}
        return { value: Bytes.from(bytes), canon }
      }
      case 'detached': {
        const view = new Uint8Array(bytes)
        structuredClone(view.buffer, { transfer: [view.buffer] })
        return { value: view, canon: new Bad('a detached Uint8Array') }
      }
      case 'u16':
        return { value: new Uint16Array(bytes), canon: new Weird('a Uint16Array', true) }
      case 'clamped':
        return { value: new Uint8ClampedArray(bytes), canon: new Weird('a Uint8ClampedArray', true) }
      default:
        return { value: bytes, canon }
    }
  },
  many(r) {
    const records = Array.from({ length: 400 }, () => r.records).flat()
    return { value: records, canon: records.slice() }
  },
  vocabulary(r, ctx) {
    const t = new ctx.hp.Tokenizer()
    const built = t.buildVocabulary(r.records, r.maxSize === undefined ? {} : { maxSize: r.maxSize })
    const json = built.toJSON()
    return { value: r.fromJSON ? ctx.hp.Vocabulary.fromJSON(JSON.stringify(json)) : built, canon: { vocabulary: json } }
  },
}

// ---------------------------------------------------------------------------------------------
// The oracle's reading of the arguments

function choice(c, name, choices, fallback) {
  c = plainValue(c, name)
  if (c === undefined) return fallback
  if (!choices.includes(c)) invalid(`${name}: not one of ${choices.join(', ')}`)
  return c
}

function special(c, name) {
  c = plainValue(c, name)
  if (c === undefined) return undefined
  if (typeof c !== 'string' || c === '' || !c.isWellFormed()) invalid(`${name}: not a non-empty well-formed string`)
  return c
}

function length(c, name) {
  c = plainValue(c, name)
  return c === undefined ? undefined : integer(c, name, 1, 2 ** 32 - 1)
}

/** Canonical Tokenizer options → plain valid options, or Invalid. */
function tokenizerOptions(c) {
  const o = options(c)
  const out = {
    normalize: choice(o.normalize, 'options.normalize', ['nfkc', 'nfc', 'none'], 'nfkc'),
    lowercase: boolean(o.lowercase, 'options.lowercase', true),
    caseFold: boolean(o.caseFold, 'options.caseFold', false),
    segmenter: choice(o.segmenter, 'options.segmenter', ['uax29', 'auto'], 'uax29'),
    numbers: choice(o.numbers, 'options.numbers', ['keep', 'drop'], 'keep'),
    urls: special(o.urls, 'options.urls'),
    emails: special(o.emails, 'options.emails'),
  }
  const minLength = length(o.minLength, 'options.minLength') ?? 1
  const maxLength = length(o.maxLength, 'options.maxLength')
  if (maxLength !== undefined && maxLength < minLength) invalid('options.maxLength < minLength')
  const stopwords = plainValue(o.stopwords, 'options.stopwords')
  let words = []
  if (stopwords !== undefined) {
    if (stopwords instanceof Weird) {
      if (stopwords.kind === 'iterable that throws') throw new Unknown('a throwing iterable')
      invalid('options.stopwords: not an iterable of strings')
    }
    if (!Array.isArray(stopwords)) invalid('options.stopwords: not an array')
    words = stopwords.map((w, i) => {
      w = plainValue(w, `options.stopwords[${i}]`)
      if (typeof w !== 'string') invalid(`options.stopwords[${i}]: not a string`)
      return w
    })
  }
  return { ...out, minLength, ...(maxLength === undefined ? {} : { maxLength }), stopwords: words }
}

function referenceOf(opts, r) {
  return new r.text.ReferenceTokenizer(r.text.tokenizerConfig(opts, r.text.mapText))
}

/** Canonical batch input → its records (strings), or Invalid. Bytes decode as native code decodes them. */
function recordsOf(c, name, r) {
  c = plainValue(c, name)
  if (c !== null && typeof c === 'object' && c.bytes instanceof Uint8Array) return r.text.splitRecords(new TextDecoder('utf-8', { ignoreBOM: true }).decode(c.bytes))
  if (!Array.isArray(c)) invalid(`${name}: not an array or a Uint8Array`)
  return c.map((x, i) => {
    x = plainValue(x, `${name}[${i}]`)
    if (typeof x !== 'string') invalid(`${name}[${i}]: not a string`)
    return x
  })
}

const tokenizerOf = (c) => plainValue(c, 'tokenizer').tokenizer
function tokensOf(opts, records, r) {
  if (opts.segmenter === 'auto') throw new Unknown("segmenter 'auto' (dictionaries differ from Intl.Segmenter's)")
  const ref = referenceOf(opts, r)
  return records.map((t) => ref.tokenize(t))
}

/** FNV-1a 32 of the UTF-8 bytes, masked (an implementation independent of the reference's). */
function hashId(token, bits) {
  let h = 0x811c9dc5
  for (const b of new TextEncoder().encode(token)) h = Math.imul(h ^ b, 0x01000193) >>> 0
  return bits === 32 ? h >>> 0 : (h >>> 0) % 2 ** bits
}

function byCodePoints(a, b) {
  const x = Array.from(a, (ch) => ch.codePointAt(0))
  const y = Array.from(b, (ch) => ch.codePointAt(0))
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i]
  return x.length - y.length
}

function vocabularyJSON(tokenLists, minCount, maxSize) {
  const counts = new Map()
  for (const list of tokenLists) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1)
  const entries = [...counts].filter(([, n]) => n >= minCount).sort((a, b) => b[1] - a[1] || byCodePoints(a[0], b[0]))
  const kept = maxSize === undefined ? entries : entries.slice(0, maxSize)
  return { version: 1, tokens: kept.map((e) => e[0]), counts: kept.map((e) => e[1]) }
}

/** Canonical encodeBatch options → how ids are made, or Invalid. */
function encodingOf(c, async) {
  c = plainValue(c, 'options')
  if (c === undefined) invalid('options: missing')
  const o = options(c)
  if (async) signal(o.signal)
  else boolean(o.parallel, 'options.parallel', true)
  const hashBits = plainValue(o.hashBits, 'options.hashBits')
  const vocabulary = plainValue(o.vocabulary, 'options.vocabulary')
  if (hashBits !== undefined && vocabulary !== undefined) invalid('options: both')
  if (vocabulary !== undefined) {
    if (vocabulary === null || typeof vocabulary !== 'object' || !vocabulary.vocabulary) invalid('options.vocabulary: not a Vocabulary')
    const ids = new Map(vocabulary.vocabulary.tokens.map((t, i) => [t, i + 1]))
    return (t) => ids.get(t) ?? 0
  }
  if (hashBits === undefined) invalid('options: neither')
  const bits = integer(hashBits, 'options.hashBits', 1, 32)
  return (t) => hashId(t, bits)
}

function vocabularyOptions(c, async) {
  const o = options(c)
  if (async) signal(o.signal)
  else boolean(o.parallel, 'options.parallel', true)
  const minCount = plainValue(o.minCount, 'options.minCount')
  const maxSize = plainValue(o.maxSize, 'options.maxSize')
  return {
    minCount: minCount === undefined ? 1 : integer(minCount, 'options.minCount', 1, 2 ** 32 - 1),
    maxSize: maxSize === undefined ? undefined : integer(maxSize, 'options.maxSize', 0, 2 ** 32 - 1),
  }
}

// ---------------------------------------------------------------------------------------------
// Comparisons

const sameJSON = (a, b) => (JSON.stringify(a) === JSON.stringify(b) ? null : `got ${JSON.stringify(a)?.slice(0, 300)}, expected ${JSON.stringify(b).slice(0, 300)}`)

function sameIds(a, rows) {
  if (!a || tagOf(a.ids) !== 'Uint32Array' || tagOf(a.offsets) !== 'Uint32Array') return `got ${typeof a} without Uint32Array ids / offsets`
  if (a.offsets.length !== rows.length + 1) return `offsets of length ${a.offsets.length}, expected ${rows.length + 1}`
  const got = []
  for (let i = 0; i < rows.length; i++) got.push(Array.from(a.ids.subarray(a.offsets[i], a.offsets[i + 1])))
  return sameJSON(got, rows)
}

function sameVocabulary(a, json) {
  if (!a || typeof a.toJSON !== 'function') return `not a Vocabulary: ${typeof a}`
  const problem = sameJSON(a.toJSON(), json)
  if (problem) return problem
  if (a.size !== json.tokens.length) return `size ${a.size}, expected ${json.tokens.length}`
  for (let i = 0; i < json.tokens.length; i++) if (a.id(json.tokens[i]) !== i + 1 || a.token(i + 1) !== json.tokens[i] || a.count(json.tokens[i]) !== json.counts[i]) return `lookup of ${JSON.stringify(json.tokens[i])}`
  return null
}

// ---------------------------------------------------------------------------------------------

const batchOptionsArb = optional(objArb({ parallel: orHostile(boolArb, 0.3) }, { wraps: OBJ_WRAPS }))
const asyncOptionsArb = optional(objArb({ signal: signalArb }, { wraps: OBJ_WRAPS }))
const hashBitsArb = orHostile(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(1, 8, 20, 32).map(v) }, { weight: 1, arbitrary: fc.constantFrom(0, 33, 1.5, -1).map(v) }), 0.3)
const encodeOptionsArb = (async) => {
  const extra = async ? { signal: signalArb } : { parallel: orHostile(boolArb, 0.3) }
  return fc.oneof(
    { weight: 4, arbitrary: objArb({ hashBits: hashBitsArb, ...extra }, { requiredKeys: ['hashBits'], wraps: OBJ_WRAPS }) },
    { weight: 3, arbitrary: objArb({ vocabulary: orHostile(vocabularyArb, 0.2), ...extra }, { requiredKeys: ['vocabulary'], wraps: OBJ_WRAPS }) },
    { weight: 1, arbitrary: orHostile(objArb({ hashBits: hashBitsArb, vocabulary: orHostile(vocabularyArb, 0.3), ...extra }, { wraps: OBJ_WRAPS }), 0.5) },
  )
}
const vocabularyOptionsArb = (async) =>
  optional(objArb({ minCount: orHostile(fc.constantFrom(1, 2, 3, 0, 1.5).map(v), 0.3), maxSize: orHostile(fc.constantFrom(0, 1, 5, 100, -1, 2.5).map(v), 0.3), ...(async ? { signal: signalArb } : { parallel: orHostile(boolArb, 0.3) }) }, { wraps: OBJ_WRAPS }))

const MUTATIONS = ['none', 'none', 'none', 'none', 'duplicate', 'surrogate', 'negative', 'fraction', 'string', 'version', 'length', 'NaN']
/** A vocabulary's JSON, as an object or as text, valid or with one thing wrong. */
const jsonArb = fc
  .record({
    tokens: fc.uniqueArray(fc.constantFrom('a', 'b', 'straße', '𐐨', 'ｚ', 'x y', ''), { maxLength: 6 }),
    counts: fc.array(fc.nat(10), { minLength: 6, maxLength: 6 }),
    mutation: fc.constantFrom(...MUTATIONS),
    text: fc.boolean(),
  })
  .map(({ tokens, counts, mutation, text }) => {
    const json = { version: 1, tokens: [...tokens], counts: counts.slice(0, tokens.length) }
    const last = tokens.length - 1
    if (mutation === 'duplicate' && last >= 0) json.tokens.push(json.tokens[0])
    if (mutation === 'duplicate' || mutation === 'length') json.counts.push(1)
    if (mutation === 'surrogate' && last >= 0) json.tokens[last] = '\ud800'
    if (mutation === 'negative' && last >= 0) json.counts[last] = -1
    if (mutation === 'fraction' && last >= 0) json.counts[last] = 0.5
    if (mutation === 'string' && last >= 0) json.counts[last] = '2'
    if (mutation === 'NaN' && last >= 0) json.counts[last] = Number.NaN
    if (mutation === 'version') json.version = 2
    return v(text && mutation !== 'NaN' ? JSON.stringify(json) : json)
  })

function fromJSONOracle(c) {
  let json = plainValue(c, 'json')
  if (typeof json === 'string') json = JSON.parse(json)
  if (json === null || typeof json !== 'object' || json instanceof Weird) invalid('json: not an object')
  if (json.version !== 1 || !Array.isArray(json.tokens) || !Array.isArray(json.counts) || json.tokens.length !== json.counts.length) invalid('json: bad shape')
  if (new Set(json.tokens).size !== json.tokens.length) invalid('json.tokens: duplicates')
  json.tokens.forEach((t, i) => {
    if (typeof t !== 'string' || !t.isWellFormed()) invalid(`json.tokens[${i}]`)
    integer(json.counts[i], `json.counts[${i}]`, 0)
  })
  return { version: 1, tokens: json.tokens, counts: json.counts }
}

export const specs = [
  {
    name: 'new Tokenizer',
    kind: 'sync',
    args: fc.tuple(optional(orHostile(tokenizerOptionsArb, 0.3))),
    run: (hp, [o]) => new hp.Tokenizer(o),
    oracle: ([o], r) => {
      const opts = tokenizerOptions(o)
      const probe = 'Hello, Wörld! ﬁne 3.14 ΣΑΣ Straße https://x.org/a?b a@b.cd ＴＨＥ the x1'
      return { probe, tokens: tokensOf(opts, [probe], r)[0] }
    },
    compare: (t, { probe, tokens }) => (t && typeof t.tokenize === 'function' ? sameJSON(t.tokenize(probe), tokens) : `not a Tokenizer: ${typeof t}`),
  },
  {
    name: 'Tokenizer#tokenize',
    kind: 'sync',
    args: fc.tuple(tokenizerArb, orHostile(stringArb, 0.3)),
    run: (hp, [t, text]) => t.tokenize(text),
    oracle: ([t, text], r) => {
      text = plainValue(text, 'text')
      if (typeof text !== 'string') invalid('text: not a string')
      return tokensOf(tokenizerOf(t), [text], r)[0]
    },
    compare: sameJSON,
  },
  ...['tokenizeBatch', 'tokenizeBatchAsync'].map((name) => ({
    name: `Tokenizer#${name}`,
    kind: name.endsWith('Async') ? 'async' : 'sync',
    args: fc.tuple(tokenizerArb, inputArb, name.endsWith('Async') ? asyncOptionsArb : batchOptionsArb),
    run: (hp, [t, input, o]) => t[name](input, o),
    oracle: ([t, input, o], r) => {
      const opts = options(o)
      if (name.endsWith('Async')) signal(opts.signal)
      else boolean(opts.parallel, 'options.parallel', true)
      return tokensOf(tokenizerOf(t), recordsOf(input, 'texts', r), r)
    },
    compare: sameJSON,
  })),
  ...['encodeBatch', 'encodeBatchAsync'].map((name) => ({
    name: `Tokenizer#${name}`,
    kind: name.endsWith('Async') ? 'async' : 'sync',
    args: fc.tuple(tokenizerArb, inputArb, encodeOptionsArb(name.endsWith('Async'))),
    run: (hp, [t, input, o]) => t[name](input, o),
    oracle: ([t, input, o], r) => {
      const records = recordsOf(input, 'input', r)
      const id = encodingOf(o, name.endsWith('Async'))
      return tokensOf(tokenizerOf(t), records, r).map((tokens) => tokens.map(id))
    },
    compare: sameIds,
  })),
  ...['buildVocabulary', 'buildVocabularyAsync'].map((name) => ({
    name: `Tokenizer#${name}`,
    kind: name.endsWith('Async') ? 'async' : 'sync',
    args: fc.tuple(tokenizerArb, inputArb, vocabularyOptionsArb(name.endsWith('Async'))),
    run: (hp, [t, input, o]) => t[name](input, o),
    oracle: ([t, input, o], r) => {
      const records = recordsOf(input, 'input', r)
      const { minCount, maxSize } = vocabularyOptions(o, name.endsWith('Async'))
      return vocabularyJSON(tokensOf(tokenizerOf(t), records, r), minCount, maxSize)
    },
    compare: sameVocabulary,
  })),
  {
    name: 'Tokenizer#tokenStream',
    kind: 'stream',
    args: fc.tuple(
      tokenizerArb,
      optional(
        objArb(
          {
            output: orHostile(fc.constantFrom('tokens', 'ids', 'ids', 'json').map(v), 0.2),
            hashBits: hashBitsArb,
            vocabulary: orHostile(vocabularyArb, 0.2),
            batchSize: orHostile(fc.constantFrom(1, 2, 3, 8192, 0, 1.5).map(v), 0.2),
            batchBytes: orHostile(fc.constantFrom(1, 16, 1 << 20, 0).map(v), 0.2),
            signal: signalArb,
          },
          { wraps: OBJ_WRAPS },
        ),
      ),
      fc.array(recordArb, { maxLength: 8 }).map(v),
      fc.array(fc.nat(), { maxLength: 4 }).map(v),
      fc.boolean().map(v),
    ),
    // The records' bytes, cut at arbitrary positions (inside characters too), some chunks as strings.
    run: (hp, [t, o, records, cuts, strings]) => {
      const bytes = Buffer.from(records.map((x) => `${x}\n`).join(''))
      const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b)
      const chunks = []
      let from = 0
      for (const p of [...at, bytes.length]) {
        chunks.push(bytes.subarray(from, p))
        from = p
      }
      const items = strings ? [records.map((x) => `${x}\n`).join('')] : chunks
      return drive(t.tokenStream(o), items)
    },
    oracle: ([t, o, recordsC], r) => {
      const records = plainValue(recordsC, 'records')
      const opts = options(o)
      const output = plainValue(opts.output, 'options.output') ?? 'tokens'
      if (output !== 'tokens' && output !== 'ids') invalid('options.output')
      let id
      if (output === 'ids') id = encodingOf({ ...opts, signal: undefined, parallel: undefined }, false)
      else if (plainValue(opts.hashBits, 'options.hashBits') !== undefined || plainValue(opts.vocabulary, 'options.vocabulary') !== undefined) invalid('options: an encoding with output tokens')
      const batchSize = plainValue(opts.batchSize, 'options.batchSize')
      if (batchSize !== undefined) integer(batchSize, 'options.batchSize', 1, 2 ** 24)
      const batchBytes = plainValue(opts.batchBytes, 'options.batchBytes')
      if (batchBytes !== undefined) integer(batchBytes, 'options.batchBytes', 1, 256 << 20)
      signal(opts.signal)
      const tokens = tokensOf(tokenizerOf(t), records, r)
      return { output, rows: id ? tokens.map((row) => row.map(id)) : tokens }
    },
    compare: (batches, { output, rows }) => {
      if (!Array.isArray(batches)) return `got ${typeof batches}`
      if (output === 'tokens') return sameJSON(batches.flat(), rows)
      const got = []
      for (const b of batches) {
        if (tagOf(b?.ids) !== 'Uint32Array' || tagOf(b?.offsets) !== 'Uint32Array') return 'a batch without Uint32Array ids / offsets'
        for (let i = 0; i + 1 < b.offsets.length; i++) got.push(Array.from(b.ids.subarray(b.offsets[i], b.offsets[i + 1])))
      }
      return sameJSON(got, rows)
    },
  },
  {
    name: 'Vocabulary.fromJSON',
    kind: 'sync',
    // Not the hostile strings 'abc' and '': JSON text that does not parse (see the header).
    args: fc.tuple(fc.oneof({ weight: 6, arbitrary: jsonArb }, { weight: 2, arbitrary: hostileArb.filter((h) => h.h !== 'string' && h.h !== 'emptyString') })),
    run: (hp, [json]) => hp.Vocabulary.fromJSON(json),
    oracle: ([json]) => fromJSONOracle(json),
    compare: sameVocabulary,
  },
  {
    name: 'Vocabulary#id/token/count/size',
    kind: 'sync',
    args: fc.tuple(vocabularyArb, orHostile(fc.oneof(stringArb, fc.constantFrom('a', 'alpha', 'the', '\ud800').map(v)), 0.3), orHostile(fc.oneof(fc.nat(10), fc.constantFrom(-1, 1.5, 2 ** 40)).map(v), 0.3)),
    run: (hp, [vocabulary, token, id]) => [vocabulary.size, vocabulary.id(token), vocabulary.count(token), vocabulary.token(id) ?? null],
    oracle: ([vc, token, id]) => {
      const { tokens, counts } = plainValue(vc, 'vocabulary').vocabulary
      token = plainValue(token, 'token')
      if (typeof token !== 'string') invalid('token: not a string')
      const n = integer(id, 'id', 0)
      const k = tokens.indexOf(token)
      return [tokens.length, k + 1, k < 0 ? 0 : counts[k], n === 0 ? null : (tokens[n - 1] ?? null)]
    },
    compare: sameJSON,
  },
  {
    name: 'new Vocabulary',
    kind: 'sync',
    args: fc.tuple(optional(hostileArb), optional(hostileArb)),
    run: (hp, a) => new hp.Vocabulary(...a),
    oracle: () => invalid('Vocabulary has no public constructor'),
    compare: () => null,
  },
]
