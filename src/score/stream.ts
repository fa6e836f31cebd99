/** The batch sink that connects `RiskModel.scoreStream` to the generic ordered batch stream. */
import type { BatchSink } from '../stream.js'
import type { NumericVector } from '../validate.js'
import type { ScoreEngine } from './engine.js'
import { checkVector } from './input.js'

/** Copies each written vector into the open batch; sealing scores the batch off the JS thread. */
export function vectorSink(engine: ScoreEngine, batchSize: number): BatchSink<NumericVector, number> {
  const d = engine.features
  let rows = new Float64Array(batchSize * d)
  let size = 0
  let index = 0
  return {
    add(vector) {
      checkVector(vector, `vector[${index++}]`, d)
      rows.set(vector, size * d)
      size++
    },
    get size() {
      return size
    },
    seal() {
      const batch = rows.subarray(0, size * d)
      rows = new Float64Array(batchSize * d)
      size = 0
      return engine.scoreMatrixAsync(batch, undefined, { parallel: true, signal: undefined, privateRows: true })
    },
  }
}
