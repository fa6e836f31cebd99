/**
 * The transaction-scoring service. Configuration by environment:
 *   PORT (3000; 0 = any free port), HOST (0.0.0.0), MODEL (models/example-model.json),
 *   SCORER (native | js), BODY_LIMIT (bytes, 1 MiB), MAX_BATCH (1024), MAX_WAIT_MS (0),
 *   BACKGROUND_JOB (1 = keep a 5,000,000-row scoreBatchAsync running), ADMIN (1 = /admin routes).
 * Signals: SIGHUP reloads the model file, SIGTERM/SIGINT drain and exit 0.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import client from 'prom-client'
import { RiskModel, parseFeatureRows, runtimeInfo } from 'hotpath'
import { RequestError, jsScorer, loadModelFile, nativeScorer } from './scorer.js'

const env = process.env
const modelPath = env.MODEL || fileURLToPath(new URL('./models/example-model.json', import.meta.url))
const scorerKind = env.SCORER || 'native'
const intEnv = (name, fallback, min) => {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) fail(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`)
  return n
}
function fail(message) {
  console.error(`scoring-service: ${message}`)
  process.exit(1)
}
if (scorerKind !== 'native' && scorerKind !== 'js') fail(`SCORER must be native or js, got ${JSON.stringify(scorerKind)}`)
const port = intEnv('PORT', 3000, 0)
const host = env.HOST || '0.0.0.0'
const bodyLimit = intEnv('BODY_LIMIT', 1 << 20, 1)
const maxBatch = intEnv('MAX_BATCH', 1024, 1)
const maxWaitMs = intEnv('MAX_WAIT_MS', 0, 0)

function makeScorer(path) {
  const file = loadModelFile(path)
  // RiskModel validates again and would throw a hotpath error (with a code) for anything we missed.
  return scorerKind === 'native' ? nativeScorer(file, { maxBatch, maxWaitMs }) : jsScorer(file)
}

let scorer
try {
  scorer = makeScorer(modelPath)
} catch (error) {
  fail(error.message)
}

// ---- metrics ----
const registry = new client.Registry()
client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 })
const latency = new client.Histogram({
  name: 'scoring_http_request_duration_seconds',
  help: 'Request latency by route, method and status',
  labelNames: ['route', 'method', 'status'],
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
})
const coalesced = new client.Histogram({
  name: 'scoring_coalesced_batch_size',
  help: '/score requests queued into one scoreQueued flush (one event-loop turn or MAX_WAIT_MS)',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
  registers: [registry],
})
const batchRows = new client.Histogram({
  name: 'scoring_batch_rows',
  help: 'Transactions per /score/batch request',
  buckets: [1, 10, 100, 1000, 10000, 100000],
  registers: [registry],
})
const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
new client.Gauge({
  name: 'scoring_event_loop_delay_seconds',
  help: 'Event-loop delay since the previous scrape (monitorEventLoopDelay, 1 ms resolution)',
  labelNames: ['quantile'],
  registers: [registry],
  collect() {
    this.set({ quantile: '0.5' }, loopDelay.percentile(50) / 1e9)
    this.set({ quantile: '0.99' }, loopDelay.percentile(99) / 1e9)
    this.set({ quantile: '1' }, loopDelay.max / 1e9)
    loopDelay.reset()
  },
})
const info = runtimeInfo()
new client.Gauge({ name: 'hotpath_info', help: 'hotpath backend and SIMD level', labelNames: ['backend', 'simd', 'scorer'], registers: [registry] })
  .set({ backend: info.backend, simd: info.simd, scorer: scorerKind }, 1)
new client.Gauge({ name: 'hotpath_pool_threads', help: "Threads in hotpath's native pool", registers: [registry] }).set(info.threads)
const modelInfo = new client.Gauge({ name: 'scoring_model_info', help: 'Loaded model version', labelNames: ['version'], registers: [registry] })
modelInfo.set({ version: String(scorer.version) }, 1)
const reloads = new client.Counter({ name: 'scoring_model_reloads_total', help: 'SIGHUP reloads by result', labelNames: ['result'], registers: [registry] })
const backgroundRuns = new client.Counter({ name: 'scoring_background_runs_total', help: 'Completed background batch jobs', registers: [registry] })

let closing = false
let queuedThisTurn = 0
const observeTurn = () => {
  coalesced.observe(queuedThisTurn)
  queuedThisTurn = 0
}

// ---- HTTP ----
const app = Fastify({ logger: false, bodyLimit, forceCloseConnections: 'idle', return503OnClosing: false })

app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body))

const errorBody = (code, message) => ({ error: { code, message } })

app.setErrorHandler((error, _req, reply) => {
  let status = error.statusCode
  let code = typeof error.code === 'string' ? error.code : 'ERR_BAD_REQUEST'
  if (error instanceof RequestError) status = error.statusCode
  else if (typeof error.code === 'string' && error.code.startsWith('ERR_') && !error.code.startsWith('ERR_HOTPATH')) status = 400 // hotpath's argument errors
  else if (error instanceof SyntaxError) status = 400
  if (!(status >= 400 && status < 500)) {
    status = 500
    code = 'ERR_INTERNAL'
    console.error('scoring-service: internal error', error)
  }
  reply.code(status).send(errorBody(code, error.message))
})
app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('ERR_NOT_FOUND', `no route ${req.method} ${req.url}`)))

app.addHook('onRequest', (req, _reply, done) => {
  req.startedAt = process.hrtime.bigint()
  done()
})
// While draining, answers close their keep-alive connection so the server can finish closing.
app.addHook('onSend', (_req, reply, payload, done) => {
  if (closing) reply.header('connection', 'close')
  done(null, payload)
})
app.addHook('onResponse', (req, reply, done) => {
  const route = req.routeOptions.url ?? 'unknown'
  latency.observe({ route, method: req.method, status: reply.statusCode }, Number(process.hrtime.bigint() - req.startedAt) / 1e9)
  done()
})

const bodyObject = (body, field) => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError(400, 'ERR_INVALID_ARG_TYPE', `the body must be a JSON object with a "${field}" field`)
  }
  return body[field]
}

app.post('/score', async (req) => {
  const current = scorer
  const features = bodyObject(req.body, 'features')
  if (current.kind === 'native') {
    if (queuedThisTurn++ === 0) setImmediate(observeTurn)
  }
  const risk = await current.scoreOne(features)
  return { risk, flagged: risk > current.decisionThreshold }
})

/** A JSON body kept as its bytes, for parseFeatureRows (SCORER=native, /score/batch only). */
class JsonBytes {
  constructor(bytes) {
    this.bytes = bytes
  }
}

// Fastify's JSON parser answers a "__proto__" key, or a "constructor" holding "prototype", with a
// 400 FST_ERR_CTP_INVALID_JSON_BODY (prototype poisoning). parseFeatureRows builds no objects, but
// such a body keeps that answer. A key can only be spelled so if the body holds it written out or
// a \u00XX escape, so other bodies cost three byte searches and no second parse.
const defaultJsonParser = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning, app.initialConfig.onConstructorPoisoning)
function rejectPoisoned(req, bytes) {
  if (!bytes.includes('__proto__') && !bytes.includes('constructor') && !bytes.includes('\\u00')) return
  const text = bytes.toString('utf8')
  try {
    JSON.parse(text)
  } catch {
    return // not JSON: parseFeatureRows reports it, naming the byte
  }
  let failure = null
  defaultJsonParser(req, text, (error) => (failure = error))
  if (failure) throw failure
}

async function scoreBatchRoute(req, reply) {
  const current = scorer
  if (req.body instanceof JsonBytes) {
    const { bytes } = req.body
    rejectPoisoned(req, bytes)
    const matrix = parseFeatureRows(bytes, { features: current.features, field: 'transactions' })
    const scores = current.scoreParsedRows(matrix)
    batchRows.observe(scores.length)
    return { risk: Array.from(scores) }
  }
  if (Buffer.isBuffer(req.body)) {
    const buf = req.body
    if (buf.length % (8 * current.features) !== 0 || buf.length === 0) {
      throw new RequestError(400, 'ERR_INVALID_ARG_VALUE', `the binary body must be a non-empty multiple of ${8 * current.features} bytes (rows of ${current.features} little-endian f64). Received ${buf.length} bytes`)
    }
    // Aligned: read in place; otherwise copy once.
    const matrix = buf.byteOffset % 8 === 0 ? new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8) : new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length))
    const scores = current.scoreMatrix(matrix)
    batchRows.observe(scores.length)
    reply.type('application/octet-stream')
    return Buffer.from(scores.buffer, scores.byteOffset, scores.byteLength)
  }
  const rows = bodyObject(req.body, 'transactions')
  const scores = current.scoreRows(rows)
  batchRows.observe(scores.length)
  return { risk: Array.from(scores) }
}

// /score/batch in its own (encapsulated) scope. With SCORER=native its JSON bodies arrive as bytes
// and parseFeatureRows reads them in one native pass into the Float64Array that scoreBatch takes,
// instead of JSON.parse allocating a JS number per feature and an array per row. SCORER=js (the
// pure-JS twin) and every other route keep Fastify's JSON parser.
app.register(async (scope) => {
  if (scorerKind === 'native') {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
      if (body.length === 0) defaultJsonParser(req, body, done) // FST_ERR_CTP_EMPTY_JSON_BODY, as before
      else done(null, new JsonBytes(body))
    })
  }
  scope.post('/score/batch', scoreBatchRoute)
})

app.get('/healthz', async () => ({ status: 'ok', scorer: current().kind, model: current().version, features: current().features }))
const current = () => scorer

app.get('/metrics', async (_req, reply) => {
  reply.type(registry.contentType)
  return registry.metrics()
})

if (env.ADMIN === '1') {
  // Event-loop delay since the previous call, in ms (the load test reads this between steps).
  const adminDelay = monitorEventLoopDelay({ resolution: 1 })
  adminDelay.enable()
  app.get('/admin/eventloop', async () => {
    const out = { p50: adminDelay.percentile(50) / 1e6, p99: adminDelay.percentile(99) / 1e6, max: adminDelay.max / 1e6, backgroundRuns: backgroundCompleted }
    adminDelay.reset()
    return out
  })
}

// ---- background batch job (BACKGROUND_JOB=1) ----
let backgroundCompleted = 0
let backgroundStop
if (env.BACKGROUND_JOB === '1') {
  const rowsN = intEnv('BACKGROUND_ROWS', 5_000_000, 1)
  const d = scorer.features
  // A SharedArrayBuffer is read in place by scoreBatchAsync (no copies on the JS thread).
  const rows = new Float64Array(new SharedArrayBuffer(rowsN * d * 8))
  for (let i = 0; i < rows.length; i++) rows[i] = (i % 97) / 97
  const out = new Float64Array(rowsN)
  const file = loadModelFile(modelPath)
  const model = new RiskModel({ weights: file.weights, threshold: file.threshold })
  const controller = new AbortController()
  backgroundStop = () => controller.abort()
  ;(async () => {
    while (!controller.signal.aborted) {
      const t0 = performance.now()
      try {
        await model.scoreBatchAsync(rows, { out, signal: controller.signal })
      } catch (error) {
        if (controller.signal.aborted) break
        console.error('scoring-service: background job failed', error)
        break
      }
      backgroundCompleted++
      backgroundRuns.inc()
      if (backgroundCompleted === 1) console.log(`scoring-service background job: ${rowsN} rows in ${(performance.now() - t0).toFixed(0)} ms`)
    }
  })()
}

// ---- signals ----
process.on('SIGHUP', () => {
  try {
    const next = makeScorer(modelPath)
    scorer = next // in-flight requests keep the scorer they started with
    modelInfo.reset()
    modelInfo.set({ version: String(next.version) }, 1)
    reloads.inc({ result: 'ok' })
    console.log(`scoring-service reloaded model version=${next.version}`)
  } catch (error) {
    reloads.inc({ result: 'error' })
    console.error(`scoring-service: reload failed, keeping version ${scorer.version}: ${error.message}`)
  }
})
const shutdown = async (signal) => {
  if (closing) return
  closing = true
  console.log(`scoring-service ${signal}: draining`)
  backgroundStop?.()
  // Connections that go idle after close() started would otherwise stay open for keepAliveTimeout.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 25)
  try {
    await app.close()
    clearInterval(sweep) // stops accepting, waits for in-flight requests
    console.log('scoring-service stopped')
    process.exit(0)
  } catch (error) {
    console.error('scoring-service: close failed', error)
    process.exit(1)
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))

try {
  await app.listen({ port, host })
} catch (error) {
  fail(`cannot listen on ${host}:${port}: ${error.message}`)
}
const address = app.server.address()
console.log(`scoring-service listening port=${address.port} host=${address.address} scorer=${scorerKind} model=${scorer.version} features=${scorer.features} backend=${info.backend} simd=${info.simd}`)
