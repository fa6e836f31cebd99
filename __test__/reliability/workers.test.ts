/**
 * Loading and scoring in two worker_threads at once (fixture __test__/fixtures/score-worker.mjs,
 * which imports the built dist/index.js through an absolute file URL): both workers exit 0 with
 * correct results, and a process that does this exits cleanly on its own afterwards.
 */
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { beforeAll, describe, expect, it } from 'vitest'
import { F32_TOL, F64_TOL, assertScores, reference } from '../helpers/data.js'
import { distIndexUrl, fixture, lastJson, requireDist, runNode } from '../helpers/runtime.js'

interface WorkerResults {
  sync: Float64Array
  single: Float64Array
  async: Float64Array
  f32: Float64Array
  queued: Float64Array
  one: number
}
interface Done {
  type: 'done'
  weights: Float64Array
  rows: Float64Array
  results: WorkerResults
}

const workerFile = new URL('../fixtures/score-worker.mjs', import.meta.url)

function startWorker(seed: number, d: number, n: number): { worker: Worker; ready: Promise<{ backend: string }>; done: Promise<Done>; exit: Promise<number> } {
  const worker = new Worker(workerFile, { workerData: { distUrl: distIndexUrl, d, n, seed, threshold: 0.25 } })
  const failed = new Promise<never>((_, reject) => worker.once('error', reject))
  failed.catch(() => {})
  const ready = Promise.race([new Promise<{ backend: string }>((resolve) => worker.on('message', (m: { type: string; backend: string }) => m.type === 'ready' && resolve(m))), failed])
  const done = Promise.race([new Promise<Done>((resolve) => worker.on('message', (m: Done) => m.type === 'done' && resolve(m))), failed])
  const exit = once(worker, 'exit').then(([code]) => code as number)
  return { worker, ready, done, exit }
}

function checkResults({ weights, rows, results }: Done, d: number): void {
  const expected = reference(rows, weights, 0.25)
  assertScores(results.sync, expected, F64_TOL, 'sync')
  assertScores(results.single, expected, F64_TOL, 'parallel false')
  assertScores(results.async, expected, F64_TOL, 'async')
  assertScores(results.f32, reference(Float32Array.from(rows), weights, 0.25), F32_TOL, 'async f32')
  assertScores(results.queued, expected.subarray(0, 2000), F64_TOL, 'queued')
  assertScores([results.one], reference(rows.subarray(0, d), weights, 0.25), F64_TOL, 'score')
}

describe('worker_threads', () => {
  beforeAll(() => requireDist())

  it('two workers load the binding and score at the same time; both exit 0 with correct results', async () => {
    const d = 20
    const a = startWorker(101, d, 30_000)
    const b = startWorker(202, d, 30_000)
    const [readyA, readyB] = await Promise.all([a.ready, b.ready])
    expect(readyA.backend).toBe('native')
    expect(readyB.backend).toBe('native')
    // Both start scoring together.
    a.worker.postMessage('go')
    b.worker.postMessage('go')
    const [doneA, doneB] = await Promise.all([a.done, b.done])
    checkResults(doneA, d)
    checkResults(doneB, d)
    // The two workers used different data: their results must differ.
    expect(doneA.results.sync[0]).not.toBe(doneB.results.sync[0])
    // They end on their own, with code 0.
    expect(await Promise.all([a.exit, b.exit])).toEqual([0, 0])
  })

  it('workers can be started again after the first ones exited (the binding reloads in new threads)', async () => {
    for (let round = 0; round < 2; round++) {
      const w = [startWorker(round * 10 + 1, 7, 9000), startWorker(round * 10 + 2, 7, 9000)]
      await Promise.all(w.map((x) => x.ready))
      for (const x of w) x.worker.postMessage('go')
      for (const done of await Promise.all(w.map((x) => x.done))) checkResults(done, 7)
      expect(await Promise.all(w.map((x) => x.exit))).toEqual([0, 0])
    }
  })

  it('a process that ran two scoring workers exits cleanly on its own (code 0, no hang)', async () => {
    const result = await runNode(fixture('two-workers.mjs'), [distIndexUrl], { timeoutMs: 60_000 })
    expect(result.timedOut, 'the process did not exit by itself within 60 s').toBe(false)
    expect(result.signal, result.stderr).toBeNull()
    expect(result.code, result.stderr).toBe(0)
    const report = lastJson<{ codes: number[]; ok: boolean; worst: number }>(result.stdout)
    expect(report.codes).toEqual([0, 0])
    expect(report.ok, `worst relative error ${report.worst}`).toBe(true)
  })
})
