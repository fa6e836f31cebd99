/**
 * tokenizer.tokenStream(): newline-separated records in (bytes or strings), batches out, equal to
 * tokenizeBatch / encodeBatch over the same records wherever the chunks are cut (inside a
 * multi-byte character, between '\r' and '\n'), in order, in batches of batchSize; backpressure
 * keeps its buffers bounded; a signal destroys it with an AbortError.
 */
import { once } from 'node:events'
import { Readable, Writable, type Transform } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { Tokenizer, type EncodedBatch } from '../../src/index.js'
import { ABORTED, expectErrorShape } from '../helpers/errors.js'
import { idRows } from './data.js'

/** Writes `chunks` honouring backpressure, ends the stream and returns every batch it emitted. */
async function run<T>(stream: Transform, chunks: Iterable<Uint8Array | string>): Promise<T[]> {
  const batches: T[] = []
  stream.on('data', (batch: T) => batches.push(batch))
  const done = finished(stream)
  for (const chunk of chunks) if (!stream.write(chunk)) await once(stream, 'drain')
  stream.end()
  await done
  return batches
}

const flat = <T>(batches: T[][]): T[] => batches.flat()

// 2-byte (é, ß, д, ש), 3-byte (न, €, ｶ, ﬁ) and 4-byte (😀, 𐐀, 𝐀) characters, CRLF and LF line ends,
// an empty record and a final record without a line end.
const TEXT = 'Café ß дом שָׁלוֹם\r\nनमस्ते € ﬁne ＡＢ\r\n\r\n😀 𐐀𐐨 𝐀x 3.14\nlast, 1,000 don’t'
const BYTES = Buffer.from(TEXT)

describe('tokenStream = tokenizeBatch over the same records', () => {
  const t = new Tokenizer()
  const expected = t.tokenizeBatch(BYTES)

  it('the test text has 2-, 3- and 4-byte characters, CRLF line ends and 5 records', () => {
    expect(new Set([...TEXT].map((c) => Buffer.byteLength(c)))).toEqual(new Set([1, 2, 3, 4]))
    expect(expected).toHaveLength(5)
    expect(expected[2]).toEqual([])
    expect(expected).toEqual(t.tokenizeBatch(TEXT.split(/\r?\n/)))
  })

  it(`two chunks split at every byte position (0..${BYTES.length})`, async () => {
    for (let p = 0; p <= BYTES.length; p++) {
      for (const batchSize of [1, 2, 8192]) {
        const batches = await run<string[][]>(t.tokenStream({ batchSize }), [BYTES.subarray(0, p), BYTES.subarray(p)])
        expect(flat(batches), `split at ${p}, batchSize ${batchSize}`).toEqual(expected)
      }
    }
  })

  it('one byte per chunk, and three chunks at every pair of positions around the CRLF and the 4-byte characters', async () => {
    expect(flat(await run<string[][]>(t.tokenStream(), Array.from(BYTES, (b) => Buffer.from([b]))))).toEqual(expected)
    const emoji = BYTES.indexOf(Buffer.from('😀'))
    const crlf = BYTES.indexOf(Buffer.from('\r\n'))
    for (const [lo, hi] of [
      [crlf - 1, crlf + 3],
      [emoji - 1, emoji + 5],
    ] as const) {
      for (let p = lo; p <= hi; p++) {
        for (let q = p; q <= hi; q++) {
          const batches = await run<string[][]>(t.tokenStream({ batchSize: 2 }), [BYTES.subarray(0, p), BYTES.subarray(p, q), BYTES.subarray(q)])
          expect(flat(batches), `split at ${p} and ${q}`).toEqual(expected)
        }
      }
    }
  })

  it('Uint8Arrays that are not Buffers, and views at an offset of a larger buffer', async () => {
    const padded = new Uint8Array(BYTES.length + 10)
    padded.set(BYTES, 5)
    const view = padded.subarray(5, 5 + BYTES.length)
    const half = Math.floor(BYTES.length / 2)
    expect(flat(await run<string[][]>(t.tokenStream(), [view.subarray(0, half), view.subarray(half)]))).toEqual(expected)
  })

  it('strings written to the stream are read as their UTF-8 bytes', async () => {
    const lines = TEXT.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l))
    expect(flat(await run<string[][]>(t.tokenStream(), lines))).toEqual(expected)
    expect(flat(await run<string[][]>(t.tokenStream(), [TEXT]))).toEqual(expected)
    // Through Readable.from and pipeline, as an application would.
    const batches: string[][][] = []
    await pipeline(
      Readable.from(lines),
      t.tokenStream({ batchSize: 2 }),
      new Writable({
        objectMode: true,
        write(batch: string[][], _encoding, callback) {
          batches.push(batch)
          callback()
        },
      }),
    )
    expect(flat(batches)).toEqual(expected)
  })

  it('a final record without a trailing newline; empty input emits nothing; a lone newline is one empty record', async () => {
    expect(flat(await run<string[][]>(t.tokenStream(), ['a b\nc d']))).toEqual([['a', 'b'], ['c', 'd']])
    expect(flat(await run<string[][]>(t.tokenStream(), ['a b\nc d\n']))).toEqual([['a', 'b'], ['c', 'd']])
    expect(await run(t.tokenStream(), [])).toEqual([])
    expect(await run(t.tokenStream(), [Buffer.alloc(0), ''])).toEqual([])
    expect(await run(t.tokenStream(), ['\n'])).toEqual([[[]]])
    expect(await run(t.tokenStream(), ['\r\n', '\r\n'])).toEqual([[[], []]])
  })
})

describe("output: 'ids'", () => {
  const t = new Tokenizer({ caseFold: true })
  const records = Array.from({ length: 50 }, (_, i) => `Straße ${i % 7} 😀 word${i % 5} ΣΑΣ`)
  const bytes = Buffer.from(records.join('\r\n'))
  const vocabulary = t.buildVocabulary(records, { maxSize: 8 })

  for (const [name, options] of [
    ['hashBits', { hashBits: 12 }],
    ['vocabulary', { vocabulary }],
  ] as const) {
    it(`with ${name}: batches of { ids, offsets } equal encodeBatch`, async () => {
      const expected = idRows(t.encodeBatch(records, options))
      for (const p of [0, 1, 7, 100, bytes.length - 1]) {
        const batches = await run<EncodedBatch>(t.tokenStream({ output: 'ids', batchSize: 7, ...options }), [bytes.subarray(0, p), bytes.subarray(p)])
        expect(batches.length).toBe(Math.ceil(records.length / 7))
        for (const b of batches) {
          expect(b.ids).toBeInstanceOf(Uint32Array)
          expect(b.offsets).toBeInstanceOf(Uint32Array)
          expect(b.offsets[0]).toBe(0)
          expect(b.offsets.at(-1)).toBe(b.ids.length)
        }
        expect(batches.flatMap(idRows), `split at ${p}`).toEqual(expected)
      }
    })
  }
})

describe('batches', () => {
  const t = new Tokenizer()

  it('batchSize 3 over 10 records: batches of 3, 3, 3 and 1 records, in order', async () => {
    const records = Array.from({ length: 10 }, (_, i) => `r${i}`)
    const batches = await run<string[][]>(t.tokenStream({ batchSize: 3 }), [records.join('\n')])
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1])
    expect(flat(batches)).toEqual(records.map((r) => [r]))
    // The same with one record per write and with a final newline.
    const one = await run<string[][]>(
      t.tokenStream({ batchSize: 3 }),
      records.map((r) => `${r}\n`),
    )
    expect(one.map((b) => b.length)).toEqual([3, 3, 3, 1])
    expect(flat(one)).toEqual(records.map((r) => [r]))
  })

  it('batchBytes closes a batch early; a record longer than batchBytes is a batch of its own', async () => {
    const records = ['aaaa', 'bb', 'c'.repeat(40), 'dd', 'ee']
    const batches = await run<string[][]>(t.tokenStream({ batchBytes: 8 }), [records.join('\n')])
    expect(flat(batches)).toEqual(records.map((r) => [r]))
    for (const b of batches) expect(b.length).toBeGreaterThan(0)
    expect(batches.some((b) => b.length === 1 && b[0]![0] === 'c'.repeat(40))).toBe(true)
    expect(batches.length).toBeGreaterThanOrEqual(3)
  })

  it('backpressure: a large input piped into a slow consumer keeps the buffers bounded', async () => {
    const RECORDS = 120_000
    const PER_CHUNK = 2_000
    const batchSize = 1_000
    const stream = t.tokenStream({ batchSize })
    let generated = 0
    const source = new Readable({
      read() {
        if (generated >= RECORDS) {
          this.push(null)
          return
        }
        let chunk = ''
        for (let i = 0; i < PER_CHUNK; i++) chunk += `record ${generated + i} with some words\n`
        generated += PER_CHUNK
        this.push(chunk)
      },
    })
    let maxReadable = 0
    let maxWritable = 0
    let maxAhead = 0
    let received = 0
    const slow = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(batch: string[][], _encoding, callback) {
        received += batch.length
        maxReadable = Math.max(maxReadable, stream.readableLength)
        maxWritable = Math.max(maxWritable, stream.writableLength)
        // Records generated but not yet consumed: what the pipeline holds.
        maxAhead = Math.max(maxAhead, generated - received)
        setTimeout(callback, 1)
      },
    })
    await pipeline(source, stream, slow)
    expect(received).toBe(RECORDS)
    // Batches buffered on the readable side: its highWaterMark (2) plus the batches one chunk makes.
    expect(maxReadable).toBeLessThanOrEqual(2 + PER_CHUNK / batchSize + 1)
    expect(maxWritable).toBeLessThanOrEqual(stream.writableHighWaterMark + 64 * 1024)
    // The source was held back: never more than a few chunks ahead of the consumer, not all of it.
    expect(maxAhead).toBeLessThanOrEqual(5 * PER_CHUNK)
  })
})

describe('abort and errors', () => {
  const t = new Tokenizer()

  it('aborting the signal destroys the stream with an AbortError carrying the reason', async () => {
    const controller = new AbortController()
    const stream = t.tokenStream({ signal: controller.signal })
    const failed = new Promise<unknown>((resolve) => stream.on('error', resolve))
    stream.resume()
    stream.write('some records\nmore\n')
    const reason = new Error('cancelled')
    controller.abort(reason)
    const error = await failed
    expectErrorShape(error, ABORTED)
    expect((error as Error).cause).toBe(reason)
    expect(stream.destroyed).toBe(true)
  })

  it('an already aborted signal destroys the stream at once', async () => {
    const stream = t.tokenStream({ signal: AbortSignal.abort() })
    const [error] = (await once(stream, 'error')) as [unknown]
    expectErrorShape(error, ABORTED)
    expect(stream.destroyed).toBe(true)
  })

  it('aborting during a large batch, through pipeline, rejects with the AbortError', async () => {
    const controller = new AbortController()
    const big = 'word '.repeat(20) + '\n'
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 2_000; i++) yield big.repeat(100)
      })(),
    )
    let batches = 0
    const sink = new Writable({
      objectMode: true,
      write(_batch, _encoding, callback) {
        if (++batches === 2) controller.abort()
        callback()
      },
    })
    const error = await pipeline(source, t.tokenStream({ batchSize: 500, signal: controller.signal }), sink).then(
      () => undefined,
      (e: unknown) => e,
    )
    expectErrorShape(error, ABORTED)
  })

  it('a detached Uint8Array written to the stream errors it with ERR_INVALID_ARG_VALUE, not read as an empty chunk', async () => {
    const stream = t.tokenStream()
    const bytes = new Uint8Array(Buffer.from('a b\n'))
    structuredClone(bytes.buffer, { transfer: [bytes.buffer as ArrayBuffer] })
    const batches: unknown[] = []
    stream.on('data', (b) => batches.push(b))
    const error = await new Promise((resolve) => {
      stream.on('error', resolve)
      stream.write(bytes)
    })
    expectErrorShape(error, { type: RangeError, code: 'ERR_INVALID_ARG_VALUE', includes: ['"chunk"', 'detached'] })
    expect(batches).toEqual([])
  })

  it('a chunk that is neither a string nor bytes errors the stream with ERR_INVALID_ARG_TYPE', async () => {
    for (const chunk of [new Uint16Array(4), 42, { length: 3 }, new DataView(new ArrayBuffer(4))]) {
      const stream = t.tokenStream()
      const error = await new Promise((resolve) => {
        stream.on('error', resolve)
        stream.write(chunk)
      })
      expectErrorShape(error, { type: TypeError, code: 'ERR_INVALID_ARG_TYPE', includes: ['"chunk"'] })
    }
  })

  it('destroying the stream mid-way stops it without an unhandled error', async () => {
    const stream = t.tokenStream({ batchSize: 1 })
    stream.resume()
    stream.write('a\nb\nc\n')
    stream.destroy()
    await once(stream, 'close')
    expect(stream.destroyed).toBe(true)
  })
})
