/**
 * The tokenizer benchmark: synthetic records of ~100 characters in mixed scripts, tokenized with
 * NFKC + lowercase into words by the pipelines a JavaScript user would write (a Unicode regex,
 * which splits words at combining marks, and `Intl.Segmenter`, which does not), by the
 * `tokenizers` package (Hugging Face's Rust tokenizers for Node) when installed, and by hotpath:
 * strings out, ids out (feature hashing and a vocabulary), from `string[]` and from UTF-8 bytes,
 * on one thread and on all. Every case runs in this process on the same records; the JavaScript
 * pipelines, far slower, run on a prefix of them and are compared by throughput.
 */
import { seededRandom } from './random.js'
import { createRequire } from 'node:module'
import { Tokenizer } from '../text/index.js'
import { interleavedMedians, sink } from './measure.js'
import type { SuiteOptions, SuiteReport, SuiteRow } from './suite.js'

/** Words per script; decomposed accents, harakat, niqqud, viramas and ZWJ sequences on purpose. */
const WORDS: readonly (readonly string[])[] = [
  ['the', 'Quick', 'brown', 'FOX', 'jumps', 'over', 'lazy', 'dog', "don't", 'e-mail', 'state-of-the-art'],
  ['cafe\u0301', 'nai\u0308ve', 'Ölçek', 'façade', 'Straße', 'ﬁnancial', 'ＦＵＬＬＷＩＤＴＨ', 'Ångström'],
  ['Москва', 'привет', 'мир', 'данные', 'ΣΟΦΙΑ', 'λόγος', 'θάλασσα'],
  ['مَرْحَبًا', 'العربية', 'كِتَاب', 'שָׁלוֹם', 'עברית'],
  ['नमस्ते', 'हिन्दी', 'কলকাতা', 'தமிழ்', '한국어', '안녕하세요'],
  ['3.14', '1,000', '2026', '42', '👍🏽', '👩‍👩‍👧', '🇯🇵'],
]
const PUNCT = [' ', ' ', ' ', ' ', ', ', '. ', ' - ', ' (', ') ', '! ']

/** Deterministic records of about `chars` UTF-16 units (seeded), words from `scripts`. */
export function syntheticRecords(count: number, chars = 100, scripts: readonly (readonly string[])[] = WORDS): string[] {
  const random = seededRandom(0x9e3779b9)
  const next = (n: number) => Math.floor(random() * n)
  const out: string[] = []
  for (let r = 0; r < count; r++) {
    let s = ''
    while (s.length < chars) {
      const script = scripts[next(scripts.length)]!
      s += script[next(script.length)]! + PUNCT[next(PUNCT.length)]!
    }
    out.push(s)
  }
  return out
}

/** The usual fast pipeline: wrong at combining marks (they are \p{M}, not \p{L}). */
function regexPipeline(records: readonly string[]): number {
  let n = 0
  for (const r of records) n += r.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu)?.length ?? 0
  return n
}

/** The correct pipeline (UAX #29), as a user writes it. */
function segmenterPipeline(records: readonly string[], segmenter: Intl.Segmenter): number {
  let n = 0
  for (const r of records) {
    for (const s of segmenter.segment(r.normalize('NFKC').toLowerCase())) if (s.isWordLike) n++
  }
  return n
}

interface PeerTokenizer {
  normalizer: { normalizeString(s: string): string }
  preTokenizer: { preTokenizeString(s: string): unknown[] }
}

/** `tokenizers` (dev dependency): NFKC then lowercase (its BERT normalizer with only `lowercase`; there is no plain one) and the whitespace pre-tokenizer, per record. */
function loadPeer(): PeerTokenizer | undefined {
  try {
    const t = createRequire(import.meta.url)('tokenizers') as {
      sequenceNormalizer(n: unknown[]): PeerTokenizer['normalizer']
      nfkcNormalizer(): unknown
      bertNormalizer(options: object): unknown
      whitespacePreTokenizer(): PeerTokenizer['preTokenizer']
    }
    return { normalizer: t.sequenceNormalizer([t.nfkcNormalizer(), t.bertNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: true })]), preTokenizer: t.whitespacePreTokenizer() }
  } catch {
    return undefined
  }
}

function peerPipeline(records: readonly string[], peer: PeerTokenizer): number {
  let n = 0
  for (const r of records) n += peer.preTokenizer.preTokenizeString(peer.normalizer.normalizeString(r)).length
  return n
}

/**
 * Runs the text suite: 1,000,000 records (quick: 20,000), the JavaScript pipelines on the first
 * 50,000 (quick: 5,000).
 *
 * @example
 * ```ts
 * const report = await runTextBench({ quick: true })
 * ```
 */
export async function runTextBench(options: SuiteOptions): Promise<SuiteReport> {
  const count = options.quick ? 20_000 : 1_000_000
  const sampleCount = options.quick ? 5_000 : 50_000
  const rounds = options.quick ? 2 : 3
  options.onProgress?.(`text: generating ${count.toLocaleString('en-US')} records`)
  const records = syntheticRecords(count)
  const sample = records.slice(0, sampleCount)
  const bytes = Buffer.from(records.join('\n') + '\n')
  const sampleBytes = Buffer.byteLength(sample.join('\n') + '\n')
  const tok = new Tokenizer()
  const vocabulary = tok.buildVocabulary(bytes)
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' })
  const peer = loadPeer()
  const turn = { warm: 1, progress: options.onProgress }

  options.onProgress?.(`text: JavaScript pipelines on ${sampleCount.toLocaleString('en-US')} records`)
  const js = interleavedMedians(
    {
      regex: () => (sink.value += regexPipeline(sample)),
      segmenter: () => (sink.value += segmenterPipeline(sample, segmenter)),
      ...(peer ? { peer: () => (sink.value += peerPipeline(sample, peer)) } : {}),
    },
    rounds,
    turn,
  )
  options.onProgress?.(`text: hotpath on ${count.toLocaleString('en-US')} records`)
  const native = interleavedMedians(
    {
      tokenize: () => (sink.value += tok.tokenizeBatch(records).length),
      hashStrings: () => (sink.value += tok.encodeBatch(records, { hashBits: 20 }).ids.length),
      vocabStrings: () => (sink.value += tok.encodeBatch(records, { vocabulary }).ids.length),
      hashBytes: () => (sink.value += tok.encodeBatch(bytes, { hashBits: 20 }).ids.length),
      vocabBytes: () => (sink.value += tok.encodeBatch(bytes, { vocabulary }).ids.length),
      hashBytesOneThread: () => (sink.value += tok.encodeBatch(bytes, { hashBits: 20, parallel: false }).ids.length),
      tokenizeOneThread: () => (sink.value += tok.tokenizeBatch(records, { parallel: false }).length),
    },
    rounds,
    turn,
  )

  const table = `Tokenize ${count.toLocaleString('en-US')} records of ~100 characters (NFKC + lowercase, words), mixed scripts`
  const sampleNote = `measured on the first ${sampleCount.toLocaleString('en-US')} records`
  const mbPerSecond = (b: number, ms: number) => b / ms / 1e3
  const segmenterRate = mbPerSecond(sampleBytes, js.segmenter!)
  const row = (name: string, b: number, recs: number, ms: number, note?: string): SuiteRow => {
    const rate = mbPerSecond(b, ms)
    return {
      table,
      name,
      medianMs: ms,
      throughput: `${rate.toFixed(1)} MB/s, ${(recs / ms / 1e3).toFixed(2)} M rec/s`,
      vsBaseline: rate / segmenterRate,
      ...(note ? { note } : {}),
    }
  }
  const all = bytes.length
  const rows: SuiteRow[] = [
    row('Intl.Segmenter pipeline', sampleBytes, sampleCount, js.segmenter!, `${sampleNote}; the baseline`),
    row('regex \\p{L}\\p{N} pipeline', sampleBytes, sampleCount, js.regex!, `${sampleNote}; splits words at combining marks`),
    ...(peer ? [row('tokenizers, whitespace pre-tokenizer', sampleBytes, sampleCount, js.peer!, `${sampleNote}; NFKC + lowercase, \\w+ words, not UAX #29`)] : []),
    row('hotpath tokenizeBatch (string[][])', all, count, native.tokenize!),
    row('hotpath tokenizeBatch, 1 thread', all, count, native.tokenizeOneThread!),
    row('hotpath encodeBatch string[], hash', all, count, native.hashStrings!),
    row('hotpath encodeBatch string[], vocabulary', all, count, native.vocabStrings!, `${vocabulary.size.toLocaleString('en-US')} tokens`),
    row('hotpath encodeBatch bytes, hash', all, count, native.hashBytes!),
    row('hotpath encodeBatch bytes, vocabulary', all, count, native.vocabBytes!),
    row('hotpath encodeBatch bytes, hash, 1 thread', all, count, native.hashBytesOneThread!),
  ]
  rows.push(...englishRows(options, rounds, turn))
  const rate = (b: number, ms: number) => mbPerSecond(b, ms)
  const regexRate = rate(sampleBytes, js.regex!)
  const bestEncode = Math.min(native.hashStrings!, native.hashBytes!)
  return {
    rows,
    ratios: [
      { label: 'encodeBatch vs Intl.Segmenter pipeline (MB/s)', value: rate(all, bestEncode) / segmenterRate },
      { label: 'encodeBatch vs regex pipeline (MB/s)', value: rate(all, bestEncode) / regexRate },
      { label: 'tokenizeBatch vs Intl.Segmenter pipeline (MB/s)', value: rate(all, native.tokenize!) / segmenterRate },
      { label: 'encodeBatch bytes, all threads vs one', value: native.hashBytesOneThread! / native.hashBytes! },
    ],
    skipped: peer ? [] : ['tokenizers rows: tokenizers is not installed (npm install tokenizers to compare)'],
  }
}

/**
 * The same pipelines on English-only records (the English and number words above): most of
 * each record is ASCII, which hotpath maps and segments without ICU4X, exactly.
 */
function englishRows(options: SuiteOptions, rounds: number, turn: { warm: number }): SuiteRow[] {
  const count = options.quick ? 20_000 : 200_000
  options.onProgress?.(`text: English-only records, ${count.toLocaleString('en-US')}`)
  const records = syntheticRecords(count, 100, [WORDS[0]!, WORDS[5]!.slice(0, 4)])
  const bytes = Buffer.from(records.join('\n') + '\n')
  const tok = new Tokenizer()
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' })
  const ms = interleavedMedians(
    {
      segmenter: () => (sink.value += segmenterPipeline(records, segmenter)),
      regex: () => (sink.value += regexPipeline(records)),
      tokenize: () => (sink.value += tok.tokenizeBatch(records).length),
      hashBytes: () => (sink.value += tok.encodeBatch(bytes, { hashBits: 20 }).ids.length),
      hashBytesOneThread: () => (sink.value += tok.encodeBatch(bytes, { hashBits: 20, parallel: false }).ids.length),
    },
    rounds,
    turn,
  )
  const table = `Tokenize ${count.toLocaleString('en-US')} records of ~100 characters (NFKC + lowercase, words), English words and numbers`
  const baseline = bytes.length / ms.segmenter!
  const row = (name: string, t: number): SuiteRow => ({
    table,
    name,
    medianMs: t,
    throughput: `${(bytes.length / t / 1e3).toFixed(1)} MB/s, ${(count / t / 1e3).toFixed(2)} M rec/s`,
    vsBaseline: bytes.length / t / baseline,
  })
  return [
    row('Intl.Segmenter pipeline', ms.segmenter!),
    row('regex \\p{L}\\p{N} pipeline', ms.regex!),
    row('hotpath tokenizeBatch (string[][])', ms.tokenize!),
    row('hotpath encodeBatch bytes, hash', ms.hashBytes!),
    row('hotpath encodeBatch bytes, hash, 1 thread', ms.hashBytesOneThread!),
  ]
}
