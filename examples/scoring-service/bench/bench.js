/**
 * Load test: the service pinned to core 0 (`taskset -c 0`), autocannon on core 1, fixed request
 * rates (-R, no coordinated omission) stepped up until p99 > 10 ms. Only 127.0.0.1.
 *
 *   npm --prefix examples/scoring-service run bench:service
 *   env: STEP_S (3), SCORERS (native,js), ENDPOINTS (score,batch-json,batch-bin)
 */
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('..', import.meta.url))
const cannonScript = fileURLToPath(new URL('./cannon.js', import.meta.url))
const STEP_S = Number(process.env.STEP_S || 3)
const P99_BOUND_MS = 10
// Requests per step at least: with fewer, p99 is the slowest request (one GC pause or a cold
// path decides the step). Slow rates get longer steps instead.
const MIN_REQUESTS = 300
const scorers = (process.env.SCORERS || 'native,js').split(',')
const endpointNames = (process.env.ENDPOINTS || 'score,batch-json,batch-bin').split(',')
const model = JSON.parse(readFileSync(join(dir, 'models/example-model.json'), 'utf8'))
const D = model.weights.length
const BATCH = 1000

const tmp = mkdtempSync(join(tmpdir(), 'scoring-bench-'))
let seed = 1
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2
const vec = () => Array.from({ length: D }, rnd)
const rows = Array.from({ length: BATCH }, vec)
writeFileSync(join(tmp, 'score.json'), JSON.stringify({ features: vec() }))
writeFileSync(join(tmp, 'batch.json'), JSON.stringify({ transactions: rows }))
writeFileSync(join(tmp, 'batch.bin'), Buffer.from(Float64Array.from(rows.flat()).buffer))

const endpoints = {
  score: { path: '/score', file: 'score.json', type: 'application/json', start: 500, rows: 1 },
  'batch-json': { path: '/score/batch', file: 'batch.json', type: 'application/json', start: 20, rows: BATCH },
  'batch-bin': { path: '/score/batch', file: 'batch.bin', type: 'application/octet-stream', start: 20, rows: BATCH },
}

function startService(env) {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, 'server.js'], {
      cwd: dir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ADMIN: '1', BODY_LIMIT: String(8 << 20), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
      const m = /listening port=(\d+)/.exec(out)
      if (m && !child.port) {
        child.port = Number(m[1])
        resolve(child)
      }
    })
    child.on('exit', (code) => reject(new Error(`service exited ${code}: ${out}`)))
    child.output = () => out
  })
}

function stopService(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit')
    child.once('exit', resolve)
    child.kill('SIGTERM')
  })
}

function cannon(port, ep, rate, seconds = Math.max(STEP_S, Math.ceil(MIN_REQUESTS / rate))) {
  // Connections in proportion to the rate (four times what 10 ms responses need, at most 16):
  // autocannon paces each connection at rate / connections, and 16 connections at 20 req/s fired
  // together every 0.8 s, so the last of each burst waited for 15 others. Each connection then
  // sends every 40 ms at most, well above the 10 ms bound, so a slow response does not delay the
  // next request unseen (coordinated omission); a service that falls behind misses `achieved`.
  const connections = Math.min(16, Math.max(1, Math.ceil(rate / 25)))
  const args = ['-c', '1', process.execPath, cannonScript, `http://127.0.0.1:${port}${ep.path}`, ep.type, join(tmp, ep.file), String(Math.round(rate)), String(seconds), String(connections)]
  const json = JSON.parse(execFileSync('taskset', args, { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).toString())
  const non2xx = json.non2xx + json.errors + json.timeouts
  return { rate, achieved: json.requests.average, p50: json.latency.p50, p99: json.latency.p99, max: json.latency.max, non2xx }
}

const eventLoop = async (port) => (await fetch(`http://127.0.0.1:${port}/admin/eventloop`)).json()

const fmt = (n, d = 1) => (typeof n === 'number' ? n.toFixed(d) : String(n))
const results = []
console.log(`machine: ${cpus().length} x ${cpus()[0].model}; node ${process.version}; step ${STEP_S} s; p99 bound ${P99_BOUND_MS} ms`)

for (const scorer of scorers) {
  const service = await startService({ SCORER: scorer })
  for (const name of endpointNames) {
    const ep = endpoints[name]
    cannon(service.port, ep, ep.start, 3) // warm-up: JIT, the first large bodies
    let held = 0
    for (let rate = ep.start; ; rate = Math.round(rate * 1.5)) {
      const r = cannon(service.port, ep, rate)
      const ok = r.p99 <= P99_BOUND_MS && r.non2xx === 0 && r.achieved >= rate * 0.95
      console.log(`  ${scorer} ${name} R=${rate}: achieved ${fmt(r.achieved, 0)}/s p50 ${r.p50} p99 ${r.p99} max ${r.max} ms non2xx ${r.non2xx}${ok ? '' : '  <- over'}`)
      if (!ok) break
      held = rate
    }
    const half = held > 0 ? cannon(service.port, ep, held / 2) : { p50: '-', p99: '-', max: '-', non2xx: '-' }
    results.push({ scorer, name, held, rowsPerS: held * ep.rows, half })
  }
  await stopService(service)
}

console.log('\n| scorer | endpoint | highest rate with p99 <= 10 ms (req/s) | transactions/s | p50 / p99 / max at half rate (ms) | non-2xx at half rate |')
console.log('|---|---|---|---|---|---|')
for (const r of results) {
  console.log(`| ${r.scorer} | ${r.name} | ${r.held} | ${r.rowsPerS} | ${r.half.p50} / ${r.half.p99} / ${r.half.max} | ${r.half.non2xx} |`)
}
for (const name of endpointNames) {
  const n = results.find((r) => r.scorer === 'native' && r.name === name)
  const j = results.find((r) => r.scorer === 'js' && r.name === name)
  if (n && j && j.held > 0) console.log(`ratio native/js ${name}: ${fmt(n.held / j.held, 2)}`)
}

// Background job: a 5,000,000-row scoreBatchAsync kept running in the service process.
console.log('\nwith BACKGROUND_JOB=1 (scoreBatchAsync of 5,000,000 rows, repeated), /score at half the held rate:')
console.log('| scorer | endpoint | rate (req/s) | p50 / p99 / max (ms) | non-2xx | event-loop delay p99 / max (ms) | background runs |')
console.log('|---|---|---|---|---|---|---|')
for (const scorer of scorers) {
  const held = results.find((r) => r.scorer === scorer && r.name === 'score')?.held || 2000
  const service = await startService({ SCORER: scorer, BACKGROUND_JOB: '1' })
  await new Promise((r) => setTimeout(r, 500))
  await eventLoop(service.port) // reset
  const r = cannon(service.port, endpoints.score, held / 2, Math.max(STEP_S, 5))
  const loop = await eventLoop(service.port)
  console.log(`| ${scorer} | score | ${held / 2} | ${r.p50} / ${r.p99} / ${r.max} | ${r.non2xx} | ${fmt(loop.p99, 2)} / ${fmt(loop.max, 2)} | ${loop.backgroundRuns} |`)
  await stopService(service)
}
