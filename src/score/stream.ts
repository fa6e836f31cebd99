/** The batch sink that connects `RiskModel.scoreStream` to the generic ordered batch stream. */
import type { BatchSink } from '../core/stream.js'
import type { NumericVector } from '../core/validate.js'
import { ASYNC_INLINE_MAX_VALUES, type ScoreEngine } from './engine.js'
import { checkVector } from './input.js'

/** Copies each written vector into the open batch; sealing scores the batch off the JS thread. */
export function vectorSink(engine: ScoreEngine, batchSize: number): BatchSink<NumericVector, number> {
  const d = engine.features
  let rows = new Float64Array(batchSize * d)
  let size = 0
  let index = 0
  return {
    add(vector) {
      checkVector(vector, 'vector', d, index++)
      // An element loop: for the short vectors streams carry, TypedArray.prototype.set costs more
      // in call overhead than the copy itself.
      const at = size * d
      for (let i = 0; i < d; i++) rows[at + i] = vector[i]
      size++
    },
    get size() {
      return size
    },
    seal() {
      const batch = rows.subarray(0, size * d)
      const n = size
      size = 0
      if (batch.length <= ASYNC_INLINE_MAX_VALUES) {
        // As in scoreBatchAsync: less work than a round trip to a worker thread. Scored now, so
        // the batch buffer is free again for the next vectors.
        const out = new Float64Array(n)
        engine.scoreMatrix(batch, out, true)
        return out
      }
      // Read later by a native task: the next vectors need a buffer of their own.
      rows = new Float64Array(batchSize * d)
      return engine.scoreMatrixAsync(batch, undefined, { parallel: true, signal: undefined, privateRows: true })
    },
  }
}
