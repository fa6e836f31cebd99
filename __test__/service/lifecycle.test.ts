import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { RiskModel } from '../../src/index.js'
import { exampleModel, exampleModelPath, postJson, randomVector, startService, stopAll } from './helpers.js'

afterAll(stopAll)
const D = exampleModel.weights.length

it('SIGHUP reloads the model under load with zero failed requests', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scoring-reload-'))
  const path = join(dir, 'model.json')
  copyFileSync(exampleModelPath, path)
  const service = await startService({ MODEL: path })
  const v2 = { ...exampleModel, version: 'v2', weights: exampleModel.weights.map((w) => w * 2) }
  const oldModel = new RiskModel({ weights: exampleModel.weights, threshold: exampleModel.threshold })
  const newModel = new RiskModel({ weights: v2.weights, threshold: v2.threshold })
  const features = randomVector(D, 7)
  let stop = false
  let sent = 0
  const statuses: number[] = []
  const risks: number[] = []
  const worker = async () => {
    while (!stop) {
      const res = await postJson(`${service.url}/score`, { features })
      sent++
      statuses.push(res.status)
      risks.push(res.body.risk)
    }
  }
  const workers = Array.from({ length: 32 }, worker)
  await new Promise((r) => setTimeout(r, 300))
  writeFileSync(path, JSON.stringify(v2))
  service.child.kill('SIGHUP')
  await new Promise((r) => setTimeout(r, 300))
  // A bad file on reload keeps the current model.
  writeFileSync(path, '{ not json')
  service.child.kill('SIGHUP')
  await new Promise((r) => setTimeout(r, 300))
  stop = true
  await Promise.all(workers)
  expect(sent).toBeGreaterThan(100)
  expect(statuses.filter((s) => s !== 200)).toEqual([])
  const a = oldModel.score(features)
  const b = newModel.score(features)
  expect(risks.every((r) => Math.abs(r - a) < 1e-12 || Math.abs(r - b) < 1e-12)).toBe(true)
  expect(Math.abs(risks.at(-1)! - b)).toBeLessThan(1e-12)
  const health = (await (await fetch(`${service.url}/healthz`)).json()) as { model: string }
  expect(health.model).toBe('v2')
  expect(service.output()).toMatch(/reloaded model version=v2/)
  expect(service.output()).toMatch(/reload failed, keeping version v2/)
})

it('SIGTERM stops accepting, finishes in-flight requests and exits 0', async () => {
  // Requests wait 2 s in the coalescer, so they are in flight when SIGTERM arrives; the 600 ms
  // before the signal lets all 50 reach the service on a loaded machine.
  const service = await startService({ MAX_WAIT_MS: '2000' })
  const features = randomVector(D, 11)
  const inflight = Array.from({ length: 50 }, () => postJson(`${service.url}/score`, { features }))
  await new Promise((r) => setTimeout(r, 600))
  service.child.kill('SIGTERM')
  const results = await Promise.all(inflight)
  expect(results.map((r) => r.status)).toEqual(Array(50).fill(200))
  expect(await service.exited).toBe(0)
  expect(service.output()).toMatch(/stopped/)
  await expect(fetch(`${service.url}/healthz`)).rejects.toThrow()
})
