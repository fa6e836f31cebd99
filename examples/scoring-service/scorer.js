/**
 * Model files and the two scorers: `native` (hotpath's RiskModel, coalesced through scoreQueued)
 * and `js` (the same formula in plain JavaScript, the twin the load test compares against).
 *
 *     score = 1 / (1 + exp(-sqrt(sum_i (f_i * w_i)^2) + t))
 */
import { readFileSync } from 'node:fs'
import { RiskModel } from 'hotpath'

/** A 4xx for the client, with a stable code (hotpath's codes where hotpath raised it). */
export class RequestError extends Error {
  constructor(statusCode, code, message) {
    super(message)
    this.statusCode = statusCode
    this.code = code
  }
}

const badType = (message) => new RequestError(400, 'ERR_INVALID_ARG_TYPE', message)
const badValue = (message) => new RequestError(400, 'ERR_INVALID_ARG_VALUE', message)

/** Reads and validates a model file; throws an Error with a readable message. */
export function loadModelFile(path) {
  let text
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new Error(`cannot read model file ${path}: ${error.message}`)
  }
  let model
  try {
    model = JSON.parse(text)
  } catch (error) {
    throw new Error(`model file ${path} is not valid JSON: ${error.message}`)
  }
  const problems = []
  if (model === null || typeof model !== 'object' || Array.isArray(model)) throw new Error(`model file ${path} must hold a JSON object`)
  if (typeof model.version !== 'string' && typeof model.version !== 'number') problems.push('"version" must be a string or a number')
  if (!Array.isArray(model.weights) || model.weights.length === 0) problems.push('"weights" must be a non-empty array of numbers')
  else {
    const i = model.weights.findIndex((w) => typeof w !== 'number' || !Number.isFinite(w))
    if (i >= 0) problems.push(`"weights[${i}]" must be a finite number, got ${JSON.stringify(model.weights[i])}`)
  }
  if (typeof model.threshold !== 'number' || !Number.isFinite(model.threshold)) problems.push('"threshold" must be a finite number')
  if (typeof model.decisionThreshold !== 'number' || !(model.decisionThreshold >= 0 && model.decisionThreshold <= 1)) {
    problems.push('"decisionThreshold" must be a number in [0, 1]')
  }
  if (problems.length > 0) throw new Error(`invalid model file ${path}: ${problems.join('; ')}`)
  return { version: model.version, weights: model.weights, threshold: model.threshold, decisionThreshold: model.decisionThreshold }
}

/** Rejects Infinity (JSON numbers beyond 1.8e308) and NaN (binary rows) before any scoring. */
function checkFinite(values, name) {
  for (let i = 0; i < values.length; i++) {
    const x = values[i]
    if (x - x !== 0) {
      if (typeof x === 'number') throw badValue(`${name}[${i}] must be a finite number. Received ${x}`)
    }
  }
}

/** Checks a plain-JSON vector (js scorer; the native scorer gets the same from hotpath). */
function checkVector(features, d, name) {
  if (!Array.isArray(features)) throw badType(`The "${name}" argument must be an instance of Array. Received ${features === null ? 'null' : typeof features}`)
  if (features.length !== d) throw badValue(`The "${name}" argument must have length ${d} (the model's features). Received length ${features.length}`)
  for (let i = 0; i < d; i++) {
    if (typeof features[i] !== 'number') throw badType(`The "${name}[${i}]" argument must be of type number. Received ${features[i] === null ? 'null' : typeof features[i]}`)
  }
}

/** checkFinite for a row-major matrix of rows of `d`, naming the element `name[row][column]`. */
function checkFiniteRows(matrix, d, name) {
  for (let i = 0; i < matrix.length; i++) {
    const x = matrix[i]
    if (x - x !== 0) throw badValue(`${name}[${Math.floor(i / d)}][${i % d}] must be a finite number. Received ${x}`)
  }
}

const emptyBatch = () => badValue('"transactions" must hold at least one feature vector')

function checkRows(rows) {
  if (!Array.isArray(rows)) throw badType('"transactions" must be an array of feature vectors')
  if (rows.length === 0) throw emptyBatch()
}

function checkMatrix(matrix, d) {
  if (matrix.length === 0 || matrix.length % d !== 0) {
    throw badValue(`the binary body must be N x ${d} little-endian f64 values (a non-empty multiple of ${8 * d} bytes). Received ${matrix.length * 8} bytes`)
  }
  checkFinite(matrix, 'rows')
}

/** hotpath's RiskModel: /score coalesced through scoreQueued, batches in one native call. */
export function nativeScorer(file, { maxBatch, maxWaitMs }) {
  const model = new RiskModel({ weights: file.weights, threshold: file.threshold, maxBatch, maxWaitMs })
  const d = model.features
  return {
    kind: 'native',
    version: file.version,
    features: d,
    decisionThreshold: file.decisionThreshold,
    // Validated (by hotpath, plus finiteness) before it is queued: a bad vector rejects alone.
    scoreOne(features) {
      if (Array.isArray(features)) checkFinite(features, 'features')
      return model.scoreQueued(features)
    },
    scoreRows(rows) {
      checkRows(rows)
      const out = model.scoreBatch(rows)
      for (let i = 0; i < rows.length; i++) checkFinite(rows[i], `transactions[${i}]`)
      return out
    },
    // The "transactions" of a JSON body read by parseFeatureRows (shapes and types already
    // checked there, each error naming its element): the same checks as scoreRows, then one call.
    scoreParsedRows(matrix) {
      if (matrix.length === 0) throw emptyBatch()
      checkFiniteRows(matrix, d, 'transactions')
      return model.scoreBatch(matrix)
    },
    scoreMatrix(matrix) {
      checkMatrix(matrix, d)
      return model.scoreBatch(matrix)
    },
  }
}

/** The plain-JavaScript twin: same formula, same validation, no hotpath. */
export function jsScorer(file) {
  const weights = Float64Array.from(file.weights)
  const t = file.threshold
  const d = weights.length
  const row = (values, offset) => {
    let sum = 0
    for (let i = 0; i < d; i++) {
      const p = values[offset + i] * weights[i]
      sum += p * p
    }
    return 1 / (1 + Math.exp(t - Math.sqrt(sum)))
  }
  return {
    kind: 'js',
    version: file.version,
    features: d,
    decisionThreshold: file.decisionThreshold,
    scoreOne(features) {
      checkVector(features, d, 'features')
      checkFinite(features, 'features')
      return row(features, 0)
    },
    scoreRows(rows) {
      checkRows(rows)
      const out = new Float64Array(rows.length)
      for (let r = 0; r < rows.length; r++) {
        checkVector(rows[r], d, `rows[${r}]`)
        checkFinite(rows[r], `transactions[${r}]`)
        out[r] = row(rows[r], 0)
      }
      return out
    },
    scoreMatrix(matrix) {
      checkMatrix(matrix, d)
      const out = new Float64Array(matrix.length / d)
      for (let r = 0; r < out.length; r++) out[r] = row(matrix, r * d)
      return out
    },
  }
}
