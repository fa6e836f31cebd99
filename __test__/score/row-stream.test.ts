/**
 * `model.scoreRowStream()`: bytes of row-major f64/f32 rows in, Float64Array score chunks out.
 * Property: for random D, row counts, batch sizes and chunkings (splits inside rows and inside
 * numbers, chunks at odd byte offsets that cannot be viewed in place, huge chunks of many
 * batches), the concatenated output equals `scoreBatch` on the same rows within the parity
 * tolerance, in chunks of `batchSize` but the last. Plus its errors and its backpressure.
 */
import fc from 'fast-check'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { RiskModel } from '../../src/index.js'
import { assertScores, F32_TOL, F64_TOL } from '../helpers/data.js'

function rowsFor(n: number, d: number, seed: number, f32: boolean): Float64Array | Float32Array {
  const values = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i * 12.9898 + seed) * 3)
  return f32 ? Float32Array.from(values) : values
}

/** The bytes cut at `cuts` (sorted offsets), each piece copied at `offset` into its own buffer. */
function pieces(bytes: Uint8Array, cuts: number[], offset: number): Uint8Array[] {
  const out: Uint8Array[] = []
  let at = 0
  for (const cut of [...cuts, bytes.length]) {
    if (cut <= at) continue
    const piece = new Uint8Array(cut - at + offset).subarray(offset)
    piece.set(bytes.subarray(at, cut))
    out.push(piece)
    at = cut
  }
  return out
}

async function scoreChunks(model: RiskModel, chunks: Uint8Array[], options?: Parameters<RiskModel['scoreRowStream']>[0]): Promise<Float64Array[]> {
  const got: Float64Array[] = []
  await pipeline(
    Readable.from(chunks),
    model.scoreRowStream(options),
    new Writable({
      objectMode: true,
      write(scores: Float64Array, _encoding, callback) {
        got.push(scores)
        callback()
      },
    }),
  )
  return got
}

function concat(chunks: Float64Array[]): Float64Array {
  const out = new Float64Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

describe('scoreRowStream', () => {
  it('equals scoreBatch for any chunking of the bytes, f64 and f32, in chunks of batchSize', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 1500 }),
        fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 7 }),
        async (d, n, batchSize, f32, cutFractions, offset) => {
          const rows = rowsFor(n, d, d * 31 + n, f32)
          const model = new RiskModel({ weights: Float64Array.from({ length: d }, (_, i) => ((i % 5) - 2) / 7), threshold: 0.3 })
          const bytes = new Uint8Array(rows.buffer)
          const cuts = cutFractions.map((f) => Math.floor(f * bytes.length)).sort((a, b) => a - b)
          const chunks = await scoreChunks(model, pieces(bytes, cuts, offset), { format: f32 ? 'f32le' : 'f64le', batchSize })
          assertScores(concat(chunks), model.scoreBatch(rows), f32 ? F32_TOL : F64_TOL)
          for (const c of chunks.slice(0, -1)) expect(c.length).toBe(batchSize)
          if (n > 0) expect(chunks.at(-1)!.length).toBe(n - (chunks.length - 1) * batchSize)
          else expect(chunks).toEqual([])
        },
      ),
      { numRuns: 120 },
    )
  })

  it('a chunk of many batches (one 32 MB write) comes out whole and in order', async () => {
    const d = 20
    const n = 200_000
    const rows = rowsFor(n, d, 7, false)
    const model = new RiskModel({ weights: new Float64Array(d).fill(0.1), threshold: 0.5 })
    const chunks = await scoreChunks(model, [new Uint8Array(rows.buffer)])
    expect(chunks).toHaveLength(Math.ceil(n / 8192))
    assertScores(concat(chunks), model.scoreBatch(rows), F64_TOL)
  })

  it('rejects a stream that ends inside a row, non-byte chunks and bad options, with typed errors', async () => {
    const model = new RiskModel({ weights: new Float64Array(4).fill(1) })
    await expect(scoreChunks(model, [new Uint8Array(4 * 8 * 3 + 5)])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('5 bytes after the last whole row') })
    const text = model.scoreRowStream()
    const refused = new Promise((resolve) => text.once('error', resolve))
    text.write('1,2,3,4\n')
    expect(await refused).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('"chunk"') })
    expect(() => model.scoreRowStream({ format: 'f16le' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('options.format') }))
    expect(() => model.scoreRowStream({ format: 8 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    expect(() => model.scoreRowStream({ batchSize: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', message: expect.stringContaining('options.batchSize') }))
    expect(() => model.scoreRowStream('x' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })

  it('stops reading while its reader does not read: memory stays a few chunks', async () => {
    const d = 20
    const model = new RiskModel({ weights: new Float64Array(d).fill(0.1) })
    const stream = model.scoreRowStream({ batchSize: 100 })
    const chunk = new Uint8Array(new Float64Array(100 * d).fill(0.5).buffer)
    let accepted = 0
    for (let i = 0; i < 1000; i++) {
      if (!stream.write(chunk)) break
      accepted++
    }
    await new Promise((resolve) => setImmediate(resolve))
    // The writable side reports backpressure long before 1000 chunks: nothing reads the scores.
    expect(accepted).toBeLessThan(50)
    expect(stream.readableLength).toBeLessThanOrEqual(50)
    stream.destroy()
  })
})
