/**
 * `RiskModel.scoreRowStream`: a Transform from bytes of row-major little-endian f64 or f32 rows
 * (a file, a socket, a queue's binary payloads) to Float64Array chunks of scores, one per batch,
 * in order. The whole rows of each chunk are scored where they lie (no copy when the chunk is
 * aligned for the type, as fs and net chunks are), the one row a chunk boundary splits is
 * gathered apart, and nothing runs per row in JavaScript, so a stream scores at the batch
 * kernel's speed. Each chunk is scored on the JS thread as it arrives: rows cost ~5 ns each, so
 * a 64 KiB chunk takes ~20 us, less than a round trip to a worker thread (~1 ms on the VMs
 * measured); a chunk of many batches yields between them. Memory: a few score chunks.
 */
import { endianness } from 'node:os'
import { Transform, type TransformCallback } from 'node:stream'
import { types } from 'node:util'
import { invalidType, invalidValue } from '../core/errors.js'
import { coded } from '../core/guard.js'
import type { ScoreEngine } from './engine.js'

export type RowFormat = 'f64le' | 'f32le'

const LITTLE_ENDIAN = endianness() === 'LE'

/** Values scored in one turn of the event loop before a large chunk yields (~0.5 ms of work). */
const TURN_MAX_VALUES = 1 << 21

export class RowBytesTransform extends Transform {
  readonly #engine: ScoreEngine
  readonly #format: RowFormat
  readonly #batchRows: number
  readonly #rowBytes: number
  readonly #valueBytes: number
  /** Scores of the batch being filled, and how many rows it has. */
  #scores: Float64Array
  #scored = 0
  /** A row split across chunks, gathered here (aligned memory) until it is whole. */
  readonly #carry: Float64Array | Float32Array
  readonly #carryBytes: Uint8Array
  #carried = 0
  /** Aligned room for rows that arrive at an offset their type cannot be viewed at. */
  #scratch: Float64Array | Float32Array

  constructor(engine: ScoreEngine, format: RowFormat, batchRows: number) {
    // Score chunks are 1/D of the rows' bytes: a few of them are plenty of room.
    // Strings stay strings (not their UTF-8 bytes), so they are refused rather than scored as rows.
    super({ writableObjectMode: false, decodeStrings: false, readableObjectMode: true, readableHighWaterMark: 4 })
    this.#engine = engine
    this.#format = format
    this.#batchRows = batchRows
    this.#valueBytes = format === 'f64le' ? 8 : 4
    this.#rowBytes = engine.features * this.#valueBytes
    this.#scores = new Float64Array(batchRows)
    this.#carry = this.#values(engine.features)
    this.#carryBytes = new Uint8Array(this.#carry.buffer)
    this.#scratch = this.#values(0)
  }

  #values(length: number): Float64Array | Float32Array {
    return this.#format === 'f64le' ? new Float64Array(length) : new Float32Array(length)
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!types.isUint8Array(chunk)) {
      callback(invalidType('chunk', 'a Buffer or Uint8Array of row bytes', chunk))
      return
    }
    this.#consume(chunk as Uint8Array, 0, callback)
  }

  /**
   * Scores the whole rows of `chunk` from `at`, in place when their offset allows a typed view
   * (files and sockets deliver aligned chunks), batch by batch: a chunk of many batches yields to
   * the event loop between them, so a huge write never blocks it for long.
   */
  #consume(chunk: Uint8Array, at: number, callback: TransformCallback): void {
    try {
      if (this.#carried > 0) at = this.#completeCarry(chunk, at)
      let whole = Math.floor((chunk.length - at) / this.#rowBytes)
      let thisTurn = 0
      while (whole > 0) {
        const rows = Math.min(whole, this.#batchRows - this.#scored)
        this.#score(this.#rowsAt(chunk, at, rows), rows)
        at += rows * this.#rowBytes
        whole -= rows
        thisTurn += rows
        if (this.#scored === this.#batchRows) {
          const pause = this.#emit()
          if (whole > 0 && (pause || thisTurn * this.#engine.features >= TURN_MAX_VALUES)) {
            setImmediate(() => this.#consume(chunk, at, callback))
            return
          }
        }
      }
      this.#carryBytes.set(chunk.subarray(at), 0)
      this.#carried = chunk.length - at
    } catch (error) {
      callback(coded(error) as Error)
      return
    }
    callback()
  }

  /** Fills the split row from `chunk` and scores it once whole; returns where `chunk` goes on. */
  #completeCarry(chunk: Uint8Array, at: number): number {
    const take = Math.min(this.#rowBytes - this.#carried, chunk.length - at)
    this.#carryBytes.set(chunk.subarray(at, at + take), this.#carried)
    this.#carried += take
    if (this.#carried === this.#rowBytes) {
      this.#carried = 0
      if (!LITTLE_ENDIAN) swapBytes(this.#carryBytes, this.#valueBytes)
      this.#score(this.#carry, 1)
      if (this.#scored === this.#batchRows) this.#emit()
    }
    return at + take
  }

  /** `rows` rows of `chunk` from byte `at` as values: a view of the chunk, or a copy where it cannot be viewed. */
  #rowsAt(chunk: Uint8Array, at: number, rows: number): Float64Array | Float32Array {
    const values = rows * this.#engine.features
    const offset = chunk.byteOffset + at
    if (LITTLE_ENDIAN && offset % this.#valueBytes === 0) {
      return this.#format === 'f64le' ? new Float64Array(chunk.buffer, offset, values) : new Float32Array(chunk.buffer, offset, values)
    }
    if (this.#scratch.length < values) this.#scratch = this.#values(values)
    const scratch = this.#scratch.subarray(0, values)
    const bytes = new Uint8Array(scratch.buffer, 0, values * this.#valueBytes)
    bytes.set(chunk.subarray(at, at + values * this.#valueBytes))
    if (!LITTLE_ENDIAN) swapBytes(bytes, this.#valueBytes)
    return scratch
  }

  #score(rows: Float64Array | Float32Array, count: number): void {
    this.#engine.scoreMatrix(rows, this.#scores.subarray(this.#scored, this.#scored + count), true)
    this.#scored += count
  }

  /** Emits the scores gathered so far; returns whether the reader wants a pause. */
  #emit(): boolean {
    const scores = this.#scored === this.#scores.length ? this.#scores : this.#scores.slice(0, this.#scored)
    this.#scores = new Float64Array(this.#batchRows)
    this.#scored = 0
    return !this.push(scores)
  }

  override _flush(callback: TransformCallback): void {
    if (this.#carried !== 0) {
      callback(coded(invalidValue('stream', `whole rows of ${this.#engine.features} ${this.#format} values (${this.#rowBytes} bytes each)`, `${this.#carried} bytes after the last whole row`)) as Error)
      return
    }
    if (this.#scored > 0) this.#emit()
    callback()
  }
}

/** Big-endian hosts: the stream's little-endian numbers, in place. */
function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse()
}

/** Validates `format`. */
export function rowFormat(format: unknown): RowFormat {
  if (format === undefined) return 'f64le'
  if (typeof format !== 'string') throw invalidType('options.format', "'f64le' or 'f32le'", format)
  if (format !== 'f64le' && format !== 'f32le') throw invalidValue('options.format', "'f64le' or 'f32le'", `'${format}'`)
  return format
}
