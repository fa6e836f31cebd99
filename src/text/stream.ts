/**
 * `tokenizer.tokenStream()`: newline-separated records in, batches of tokens or ids out.
 *
 * Chunks are cut only at `\n` bytes, so a record, or a multi-byte character, split across chunks
 * is joined before it is decoded. A batch closes at `batchSize` records or `batchBytes` bytes,
 * whichever comes first (a record longer than `batchBytes` is a batch of its own), and runs off
 * the event loop. The stream holds at most one batch being tokenized, one chunk being read and
 * the readable side's buffered batches, so memory stays bounded whatever the input's size.
 */
import { Transform, type TransformCallback } from 'node:stream'
import { subscribeAbort } from '../core/abort.js'
import { abortErrorFor, invalidType, invalidValue } from '../core/errors.js'
import { coded } from '../core/guard.js'
import { bufferOf, byteOffsetOf } from '../core/intrinsics.js'
import { abortSignal, attachedLength, integerInRange, optionsObject, typedArrayTag } from '../core/validate.js'
import { encoding, type Encoding } from './encoding.js'
import type { Tokenizer } from './index.js'
import type { Vocabulary } from './vocabulary.js'

export interface TokenStreamOptions {
  /** `'tokens'` (default) emits `string[][]` per batch; `'ids'` emits `{ ids, offsets }`. */
  output?: 'tokens' | 'ids'
  /** With `output: 'ids'`: a vocabulary's ids. */
  vocabulary?: Vocabulary
  /** With `output: 'ids'`: feature hashing with this many bits (1-32). */
  hashBits?: number
  /** Records per emitted batch. Default 8192. */
  batchSize?: number
  /** Bytes per batch at most (records are never split). Default 8 MiB. */
  batchBytes?: number
  /** Destroys the stream with an `AbortError` when aborted. */
  signal?: AbortSignal
}

const NEWLINE = 0x0a

/** A written chunk's bytes: a string's UTF-8 (or `encoding`), or a Buffer or Uint8Array, viewed. */
function chunkBytes(chunk: unknown, encoding: BufferEncoding): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, Buffer.isEncoding(encoding) ? encoding : 'utf8')
  if (typedArrayTag(chunk) !== 'Uint8Array') throw invalidType('chunk', 'of type string or an instance of Buffer or Uint8Array', chunk)
  const view = chunk as Uint8Array
  // By the view's real slots: a detached chunk is refused, not read as an empty one.
  const length = attachedLength(view, 'chunk')
  return Buffer.from(bufferOf(view), byteOffsetOf(view), length)
}

class TokenStream extends Transform {
  readonly #tokenizer: Tokenizer
  readonly #output: 'tokens' | 'ids'
  readonly #encoding: Encoding | undefined
  readonly #batchSize: number
  readonly #batchBytes: number
  readonly #controller = new AbortController()
  readonly #unsubscribe: (() => void) | undefined
  /** Complete records waiting for the batch to fill, as chunks' slices. */
  #parts: Buffer[] = []
  #bytes = 0
  #records = 0
  /** The record still being read: bytes after the last newline. */
  #tail: Buffer[] = []
  #tailBytes = 0

  constructor(tokenizer: Tokenizer, output: 'tokens' | 'ids', enc: Encoding | undefined, batchSize: number, batchBytes: number, signal: AbortSignal | undefined) {
    // The writable side in object mode too: in byte mode Node's Writable turns a Uint8Array into a
    // Buffer before `_transform` sees it, which throws an engine TypeError without a code for a
    // detached one. Chunks are checked here instead. Backpressure then counts chunks: one, as the
    // byte mode's 16 KiB was for the 64 KiB chunks of a file stream.
    super({ readableObjectMode: true, readableHighWaterMark: 2, writableObjectMode: true, writableHighWaterMark: 1 })
    this.#tokenizer = tokenizer
    this.#output = output
    this.#encoding = enc
    this.#batchSize = batchSize
    this.#batchBytes = batchBytes
    if (signal) {
      const abort = () => this.destroy(abortErrorFor(signal))
      if (signal.aborted) queueMicrotask(abort)
      else this.#unsubscribe = subscribeAbort(signal, abort)
    }
  }

  override _transform(chunk: unknown, encoding: BufferEncoding, callback: TransformCallback): void {
    let bytes: Buffer
    try {
      bytes = chunkBytes(chunk, encoding)
    } catch (error) {
      callback(coded(error) as Error)
      return
    }
    this.#consume(bytes).then(() => callback(), (error: unknown) => callback(coded(error) as Error))
  }

  override _flush(callback: TransformCallback): void {
    if (this.#tailBytes > 0) {
      this.#parts.push(...this.#tail)
      this.#bytes += this.#tailBytes
      this.#records++
      this.#tail = []
      this.#tailBytes = 0
    }
    this.#emitBatch().then(
      () => callback(),
      (error: unknown) => callback(coded(error) as Error),
    )
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#controller.abort()
    this.#unsubscribe?.()
    callback(error)
  }

  async #consume(bytes: Buffer): Promise<void> {
    let start = 0
    for (;;) {
      const nl = bytes.indexOf(NEWLINE, start)
      if (nl < 0) break
      const record = bytes.subarray(start, nl + 1)
      if (this.#tailBytes > 0) {
        this.#parts.push(...this.#tail)
        this.#bytes += this.#tailBytes
        this.#tail = []
        this.#tailBytes = 0
      }
      this.#parts.push(record)
      this.#bytes += record.length
      this.#records++
      start = nl + 1
      if (this.#records >= this.#batchSize || this.#bytes >= this.#batchBytes) await this.#emitBatch()
    }
    if (start < bytes.length) {
      // A chunk's slice keeps the whole chunk alive; copy so only the tail is held.
      this.#tail.push(Buffer.from(bytes.subarray(start)))
      this.#tailBytes += bytes.length - start
      if (this.#tailBytes >= this.#batchBytes && this.#bytes > 0) await this.#emitBatch()
    }
  }

  async #emitBatch(): Promise<void> {
    if (this.#records === 0) return
    const batch = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#bytes)
    this.#parts = []
    this.#bytes = 0
    this.#records = 0
    const out = await this.#tokenizer.batchAsync(batch, this.#output, this.#encoding, this.#controller.signal)
    if (!this.destroyed) this.push(out)
  }
}

/** @internal Behind `tokenizer.tokenStream()`. */
export function tokenStream(tokenizer: Tokenizer, options: TokenStreamOptions | undefined): Transform {
  const o = optionsObject(options)
  const output = o.output ?? 'tokens'
  if (output !== 'tokens' && output !== 'ids') throw invalidValue('options.output', `'tokens' or 'ids'`, String(output))
  const enc = output === 'ids' ? encoding(o) : undefined
  if (output === 'tokens' && (o.hashBits !== undefined || o.vocabulary !== undefined)) throw invalidValue('options', `"hashBits" or "vocabulary" only with output: 'ids'`, `output: 'tokens'`)
  const batchSize = o.batchSize === undefined ? 8192 : integerInRange(o.batchSize, 'options.batchSize', 1, 2 ** 24)
  const batchBytes = o.batchBytes === undefined ? 8 << 20 : integerInRange(o.batchBytes, 'options.batchBytes', 1, 256 << 20)
  const signal = abortSignal(o.signal)
  return new TokenStream(tokenizer, output, enc, batchSize, batchBytes, signal)
}
