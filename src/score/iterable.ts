/**
 * `scoreIterable`: scores an (async) iterable of vectors and row-major chunks, in order, with
 * bounded concurrency. Small items are copied into batches as they arrive; a chunk of at least
 * `batchSize` rows is scored on its own, and the source is not asked for another item until that
 * chunk's rows have been read, so a source may reuse its buffer for the next item.
 */
import { abortErrorFor, invalidType, invalidValue } from '../core/errors.js'
import { puller } from '../core/stream.js'
import { assertAttached, isFloatArray, lengthOf, type FloatArray } from '../core/validate.js'
import type { ScoreEngine } from './engine.js'
import { checkPlainVector } from './input.js'

export type IterableItem = readonly number[] | FloatArray
export type IterableSource = Iterable<IterableItem> | AsyncIterable<IterableItem>

interface Batch {
  scores: Promise<Float64Array>
  /** Per item: -1 for a vector (yields a number), k for a chunk of k rows (yields k scores). */
  items: number[]
}

export async function* scoreIterable(
  engine: ScoreEngine,
  source: IterableSource,
  batchSize: number,
  concurrency: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<number | Float64Array, void, undefined> {
  if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source || Symbol.iterator in source)) {
    throw invalidType('source', 'an iterable or async iterable', source)
  }
  const d = engine.features
  const inflight: Batch[] = []
  let pending = new Float64Array(batchSize * d)
  let pendingRows = 0
  let pendingItems: number[] = []

  const seal = (): void => {
    if (pendingItems.length === 0) return
    // No signal per batch: batches are small, and one abort listener per in-flight batch would
    // pile up on a shared signal. An abort stops the iteration at the next item or output.
    const scores = engine.scoreMatrixAsync(pending.subarray(0, pendingRows * d), undefined, { parallel: true, signal: undefined, privateRows: true })
    scores.catch(() => {})
    inflight.push({ scores, items: pendingItems })
    pending = new Float64Array(batchSize * d)
    pendingRows = 0
    pendingItems = []
  }
  async function* emit(batch: Batch): AsyncGenerator<number | Float64Array> {
    const scores = await batch.scores
    let at = 0
    for (const item of batch.items) {
      if (signal?.aborted) throw abortErrorFor(signal)
      if (item === -1) yield scores[at++]
      else {
        yield item === scores.length ? scores : scores.slice(at, at + item)
        at += item
      }
    }
  }

  const input = puller<IterableItem>(source, signal)
  try {
    for (let index = 0; ; index++) {
      const { value: item, done } = await input.next()
      if (done) break
      if (isFloatArray(item)) {
        const length = lengthOf(item)
        if (length === 0 || length % d !== 0) {
          assertAttached(item, `source[${index}]`)
          throw invalidValue(`source[${index}]`, `a chunk whose length is a positive multiple of the model's ${d} features`, `length ${length}`)
        }
        const k = length / d
        if (k >= batchSize) {
          // Scored alone, and awaited before the next pull: its rows are copied chunk by chunk
          // while it runs, so the source must not get the chance to reuse the buffer meanwhile.
          seal()
          while (inflight.length > 0) yield* emit(inflight.shift()!)
          yield* emit({ scores: engine.scoreMatrixAsync(item, undefined, { parallel: true, signal, privateRows: false }), items: [k] })
          continue
        }
        if (k > batchSize - pendingRows) seal()
        pending.set(item, pendingRows * d)
        pendingRows += k
        pendingItems.push(k)
      } else {
        checkPlainVector(item, 'source', d, index)
        pending.set(item, pendingRows * d)
        pendingRows += 1
        pendingItems.push(-1)
      }
      if (pendingRows >= batchSize) seal()
      while (inflight.length >= concurrency) yield* emit(inflight.shift()!)
    }
    seal()
    while (inflight.length > 0) yield* emit(inflight.shift()!)
  } finally {
    input.close()
  }
}
