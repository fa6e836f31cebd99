import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { exampleModel, startService, stopAll, type Service } from './helpers.js'

const D = exampleModel.weights.length
let service: Service

beforeAll(async () => {
  service = await startService({ BODY_LIMIT: '65536' })
})
afterAll(async () => {
  await stopAll()
})

const number = fc.oneof(fc.double(), fc.integer(), fc.constant(1e308))
const json = fc.oneof(
  { weight: 3, arbitrary: fc.array(number, { minLength: D, maxLength: D }).map((features) => ({ features })) },
  { weight: 2, arbitrary: fc.array(fc.array(number, { minLength: D - 1, maxLength: D + 1 }), { maxLength: 5 }).map((transactions) => ({ transactions })) },
  { weight: 3, arbitrary: fc.jsonValue().map((features) => ({ features })) },
  { weight: 2, arbitrary: fc.jsonValue().map((transactions) => ({ transactions })) },
  { weight: 2, arbitrary: fc.jsonValue() },
)
const body = fc.oneof(
  { weight: 6, arbitrary: json.map((v) => ({ type: 'application/json', data: JSON.stringify(v) ?? 'null' })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map((data) => ({ type: 'application/json', data })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 8 * D * 3 }).map((bytes) => ({ type: 'application/octet-stream', data: Buffer.from(bytes) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((data) => ({ type: 'text/plain', data })) },
)
const target = fc.constantFrom('/score', '/score/batch')

it('10,000 random bodies: never a 5xx, always a JSON error for 4xx, alive afterwards', async () => {
  const samples = fc.sample(fc.tuple(target, body), { numRuns: 10_000, seed: 42 })
  let next = 0
  const failures: string[] = []
  const worker = async () => {
    while (next < samples.length) {
      const [path, { type, data }] = samples[next++]
      // Node's fetch keeps connections alive, so 8 workers reuse a few sockets.
      const res = await fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body: data })
      const text = await res.text()
      if (res.status >= 500) failures.push(`${res.status} ${path} ${type} ${String(data).slice(0, 80)}: ${text}`)
      else if (res.status >= 400 && !/"error":\{"code":/.test(text)) failures.push(`no JSON error: ${res.status} ${text}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  expect(failures.slice(0, 5)).toEqual([])
  const health = await fetch(`${service.url}/healthz`)
  expect(health.status).toBe(200)
  expect(service.child.exitCode).toBe(null)
})
