/**
 * The `text` family: a batch tokenizer. Each record is normalized (NFKC by default), lowercased
 * or case-folded, normalized again, split into UAX #29 words (ICU4X in native code), and filtered
 * by the rules (length, stopwords, numbers, URL and e-mail detection).
 *
 * Input is a `string[]` (one record per string) or UTF-8 bytes holding newline-separated records
 * (`\n` or `\r\n`), the zero-copy form for data read from files. Lone surrogates and invalid UTF-8
 * become U+FFFD, as `TextEncoder` and `TextDecoder` do.
 */
import { progressOption, type ProgressOptions } from '../core/progress.js'
import { invalidType, invalidValue } from '../core/errors.js'
import { coded } from '../core/guard.js'
import { native, type NativeBinding } from '../core/native.js'
import { inline, rejecting, runNativeTask } from '../core/task.js'
import { abortSignal, attachedLength, booleanOption, integerInRange, optionsObject, typedArrayTag } from '../core/validate.js'
import { tokenizerConfig, type TokenizerConfig, type TokenizerOptions } from './options.js'
import { hashId, mapText, ReferenceTokenizer, splitRecords } from './reference.js'
import { tokenStream, type TokenStreamOptions } from './stream.js'
import { encoding, type EncodeOptions, type Encoding } from './encoding.js'
import { rankCounts, Vocabulary } from './vocabulary.js'

export type { SpecialTokenRule, TokenizerOptions } from './options.js'
export type { TokenStreamOptions } from './stream.js'
export type { EncodeOptions } from './encoding.js'
export { UNKNOWN_TOKEN_ID, Vocabulary, type VocabularyJSON } from './vocabulary.js'

type NativeTokenizer = InstanceType<NativeBinding['NativeTokenizer']>

/** Records: one string each, or UTF-8 bytes of newline-separated records. */
export type TextInput = readonly string[] | Uint8Array

/** Ids of a batch, flat: record `i`'s ids are `ids.subarray(offsets[i], offsets[i + 1])`; `offsets.length` is the number of records + 1. */
export interface EncodedBatch {
  ids: Uint32Array
  offsets: Uint32Array
}

export type EncodeBatchOptions = EncodeOptions & TextBatchOptions

export type EncodeAsyncOptions = EncodeOptions & ProgressOptions & { signal?: AbortSignal }

export interface TextBatchOptions {
  /** Use hotpath's thread pool for large batches; default true. */
  parallel?: boolean
}

export interface BuildVocabularyOptions extends TextBatchOptions {
  /** Tokens counted fewer times are left out. Default 1. */
  minCount?: number
  /** Keep at most this many tokens, the most frequent. Default: all. */
  maxSize?: number
}

export interface BuildVocabularyAsyncOptions extends ProgressOptions {
  minCount?: number
  maxSize?: number
  signal?: AbortSignal
}

/** Options of the async batch calls; progress counts records. */
export interface TextAsyncOptions extends ProgressOptions {
  signal?: AbortSignal
}

/** The longest string V8 can make: a batch's records and its tokens must each fit in one. */
const MAX_STRING_UNITS = 2 ** 29 - 24

/** Async calls on batches this small run inline: a libuv round trip costs more than the work. */
const ASYNC_INLINE_MAX_UNITS = 4096

/** A batch prepared for native code: strings joined with their lengths, or bytes. */
interface Prepared {
  input: string | Uint8Array
  lengths: Uint32Array | undefined
  /** UTF-16 units or bytes: the work's size. */
  size: number
}

/** Records in a batch, the unit of its progress: newline-separated lines for bytes (counted only when progress is asked for). */
function recordCount(batch: Prepared): number {
  if (batch.lengths) return batch.lengths.length
  const input = batch.input
  if (typeof input === 'string' || input.length === 0) return typeof input === 'string' ? 1 : 0
  let lines = input[input.length - 1] === 10 ? 0 : 1
  for (let i = 0; i < input.length; i++) if (input[i] === 10) lines++
  return lines
}

/** For async calls: bytes are copied now, so the caller may reuse or transfer its buffer at once. */
function prepareOwned(texts: unknown, name = 'texts'): Prepared {
  const batch = prepare(texts, name)
  if (typeof batch.input !== 'string') batch.input = batch.input.slice()
  return batch
}

function prepare(texts: unknown, name = 'texts'): Prepared {
  if (Array.isArray(texts)) {
    const n = texts.length
    const lengths = new Uint32Array(n)
    let size = 0
    for (let i = 0; i < n; i++) {
      const t: unknown = texts[i]
      if (typeof t !== 'string') throw invalidType(`${name}[${i}]`, 'of type string', t)
      lengths[i] = t.length
      size += t.length
    }
    if (size > MAX_STRING_UNITS) throw invalidValue(name, `records of at most ${MAX_STRING_UNITS} UTF-16 code units in all (split the batch)`, `${size}`)
    return { input: n === 1 ? (texts[0] as string) : texts.join(''), lengths, size }
  }
  if (typedArrayTag(texts) === 'Uint8Array') {
    const bytes = texts as Uint8Array
    return { input: bytes, lengths: undefined, size: attachedLength(bytes, name) }
  }
  throw invalidType(name, 'an instance of Array, Buffer or Uint8Array', texts)
}

/** Records as strings, for the reference. */
function recordsOf({ input, lengths }: Prepared): string[] {
  // ignoreBOM: a leading U+FEFF is text, as the native decoder reads it.
  if (typeof input !== 'string') return splitRecords(new TextDecoder('utf-8', { ignoreBOM: true }).decode(input))
  const out: string[] = []
  let at = 0
  for (let i = 0; i < lengths!.length; i++) {
    out.push(input.slice(at, at + lengths![i]!))
    at += lengths![i]!
  }
  return out
}

/** `{ text, ends, counts }` from native code → one token array per record (slices share `text`). */
function unflatten(flat: { text: string; ends: Uint32Array; counts: Uint32Array }): string[][] {
  const { text, ends, counts } = flat
  // Arrays grown by push stay packed (new Array(n) makes holey ones, slower to read).
  const out: string[][] = []
  let k = 0
  let start = 0
  for (let i = 0; i < counts.length; i++) {
    const row: string[] = []
    for (const last = k + counts[i]!; k < last; k++) {
      const end = ends[k]!
      row.push(text.slice(start, end))
      start = end
    }
    out.push(row)
  }
  return out
}

function vocabularyOptions(options: unknown): { minCount: number; maxSize: number | undefined } {
  const o = optionsObject(options as BuildVocabularyOptions | undefined)
  return {
    minCount: o.minCount === undefined ? 1 : integerInRange(o.minCount, 'options.minCount', 1, 2 ** 32 - 1),
    maxSize: o.maxSize === undefined ? undefined : integerInRange(o.maxSize, 'options.maxSize', 0, 2 ** 32 - 1),
  }
}

export class Tokenizer {
  readonly #config: TokenizerConfig
  readonly #native: NativeTokenizer | null
  #reference: ReferenceTokenizer | undefined

  /** A tokenizer with immutable options; cheap to share between calls, async ones included. */
  constructor(options?: TokenizerOptions) {
    try {
      this.#config = tokenizerConfig(options, mapText)
      this.#native = native ? new native.NativeTokenizer(this.#config) : null
    } catch (error) {
      throw coded(error)
    }
  }

  /** The tokens of one text. */
  tokenize(text: string): string[] {
    try {
      if (typeof text !== 'string') throw invalidType('text', 'of type string', text)
      if (!this.#native) return this.#ref().tokenize(text)
      return unflatten(this.#native.tokenize(text, undefined, false))[0]!
    } catch (error) {
      throw coded(error)
    }
  }

  /** The tokens of each record, in order. Runs on the calling thread, using hotpath's pool for large batches. */
  tokenizeBatch(texts: TextInput, options?: TextBatchOptions): string[][] {
    try {
      const batch = prepare(texts)
      const single = !booleanOption(optionsObject(options).parallel, 'options.parallel', true)
      if (!this.#native) return this.#referenceTokens(batch)
      return unflatten(this.#native.tokenize(batch.input, batch.lengths, single))
    } catch (error) {
      throw coded(error)
    }
  }

  /** `tokenizeBatch` off the event loop, in parallel on hotpath's pool; abortable with `signal`. */
  tokenizeBatchAsync(texts: TextInput, options?: TextAsyncOptions): Promise<string[][]> {
    return rejecting(async () => {
      const opts = optionsObject(options)
      const signal = abortSignal(opts.signal)
      const progress = progressOption(opts)
      const batch = prepareOwned(texts)
      const tok = this.#native
      if (!tok || batch.size <= ASYNC_INLINE_MAX_UNITS) return inline(signal, () => (tok ? unflatten(tok.tokenize(batch.input, batch.lengths, false)) : this.#referenceTokens(batch)), progress, progress ? recordCount(batch) : 0)
      return unflatten(await runNativeTask(signal, (token) => tok.tokenizeAsync(batch.input, batch.lengths, token), progress))
    })()
  }

  /** Token ids of each record, flat (see {@link EncodedBatch}); no JavaScript value per token. */
  encodeBatch(input: TextInput, options: EncodeBatchOptions): EncodedBatch {
    try {
      const batch = prepare(input, 'input')
      const enc = encoding(options)
      const single = !booleanOption((options as TextBatchOptions).parallel, 'options.parallel', true)
      if (!this.#native) return this.#referenceIds(batch, enc)
      return this.#native.encode(batch.input, batch.lengths, enc.hashBits, enc.vocabulary?.nativeHandle(), single)
    } catch (error) {
      throw coded(error)
    }
  }

  /** `encodeBatch` off the event loop; abortable with `signal`. */
  encodeBatchAsync(input: TextInput, options: EncodeAsyncOptions): Promise<EncodedBatch> {
    return rejecting(async () => {
      const batch = prepareOwned(input, 'input')
      const enc = encoding(options)
      const signal = abortSignal((options as { signal?: unknown }).signal)
      const progress = progressOption(options)
      const tok = this.#native
      if (!tok || batch.size <= ASYNC_INLINE_MAX_UNITS) {
        return inline(signal, () => (tok ? tok.encode(batch.input, batch.lengths, enc.hashBits, enc.vocabulary?.nativeHandle(), false) : this.#referenceIds(batch, enc)), progress, progress ? recordCount(batch) : 0)
      }
      const handle = enc.vocabulary?.nativeHandle()
      return runNativeTask(signal, (token) => tok.encodeAsync(batch.input, batch.lengths, enc.hashBits, handle, token), progress)
    })()
  }

  /** Counts the tokens of every record (in parallel) into a {@link Vocabulary}. */
  buildVocabulary(input: TextInput, options?: BuildVocabularyOptions): Vocabulary {
    try {
      const batch = prepare(input, 'input')
      const { minCount, maxSize } = vocabularyOptions(options)
      const single = !booleanOption(optionsObject(options).parallel, 'options.parallel', true)
      if (!this.#native) return this.#referenceVocabulary(batch, minCount, maxSize)
      return Vocabulary.fromNative(this.#native.buildVocabulary(batch.input, batch.lengths, minCount, maxSize, single))
    } catch (error) {
      throw coded(error)
    }
  }

  /** `buildVocabulary` off the event loop; abortable with `signal`. */
  buildVocabularyAsync(input: TextInput, options?: BuildVocabularyAsyncOptions): Promise<Vocabulary> {
    return rejecting(async () => {
      const batch = prepareOwned(input, 'input')
      const { minCount, maxSize } = vocabularyOptions(options)
      const opts = optionsObject(options)
      const signal = abortSignal(opts.signal)
      const progress = progressOption(opts)
      const tok = this.#native
      if (!tok) return inline(signal, () => this.#referenceVocabulary(batch, minCount, maxSize), progress, progress ? recordCount(batch) : 0)
      const handle = await runNativeTask(signal, (token) => tok.buildVocabularyAsync(batch.input, batch.lengths, minCount, maxSize, token), progress)
      return Vocabulary.fromNative(handle)
    })()
  }

  /**
   * A Transform from a byte stream of newline-separated records (a file's read stream; strings
   * are read as the same text) to batches: `string[][]` with `output: 'tokens'` (the default),
   * `{ ids, offsets }` with `output: 'ids'`. Records are split safely across chunks and inside
   * multi-byte characters; batches come out in order, with backpressure.
   */
  tokenStream(options?: TokenStreamOptions) {
    try {
      return tokenStream(this, options)
    } catch (error) {
      throw coded(error)
    }
  }

  /** @internal Records of a stream batch: tokens or ids, off the event loop. */
  batchAsync(bytes: Uint8Array, output: 'tokens' | 'ids', enc: Encoding | undefined, signal: AbortSignal): Promise<string[][] | EncodedBatch> {
    if (output === 'tokens') return this.tokenizeBatchAsync(bytes, { signal })
    return this.encodeBatchAsync(bytes, { ...(enc!.vocabulary ? { vocabulary: enc!.vocabulary } : { hashBits: enc!.hashBits }), signal } as EncodeAsyncOptions)
  }

  #ref(): ReferenceTokenizer {
    this.#reference ??= new ReferenceTokenizer(this.#config)
    return this.#reference
  }

  #referenceTokens(batch: Prepared): string[][] {
    const ref = this.#ref()
    return recordsOf(batch).map((r) => ref.tokenize(r))
  }

  #referenceIds(batch: Prepared, enc: Encoding): EncodedBatch {
    const records = recordsOf(batch)
    const ids: number[] = []
    const offsets = new Uint32Array(records.length + 1)
    const map = enc.vocabulary?.idMap()
    const ref = this.#ref()
    records.forEach((r, i) => {
      for (const t of ref.tokenize(r)) ids.push(map ? (map.get(t) ?? 0) : hashId(t, enc.hashBits))
      offsets[i + 1] = ids.length
    })
    return { ids: Uint32Array.from(ids), offsets }
  }

  #referenceVocabulary(batch: Prepared, minCount: number, maxSize: number | undefined): Vocabulary {
    const counts = new Map<string, number>()
    const ref = this.#ref()
    for (const r of recordsOf(batch)) for (const t of ref.tokenize(r)) counts.set(t, (counts.get(t) ?? 0) + 1)
    const ranked = rankCounts(counts, minCount, maxSize)
    return Vocabulary.fromParts(ranked.tokens, ranked.counts)
  }
}
