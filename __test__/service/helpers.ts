/** Starts examples/scoring-service as a child process on a free port, for the service tests. */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const serviceDir = fileURLToPath(new URL('../../examples/scoring-service/', import.meta.url))
export const exampleModelPath = `${serviceDir}models/example-model.json`
export const exampleModel = JSON.parse(readFileSync(exampleModelPath, 'utf8')) as { version: string; weights: number[]; threshold: number; decisionThreshold: number }

export interface Service {
  child: ChildProcess
  url: string
  port: number
  output: () => string
  exited: Promise<number | null>
}

const children = new Set<ChildProcess>()

export async function startService(env: Record<string, string> = {}): Promise<Service> {
  const child = spawn(process.execPath, ['server.js'], {
    cwd: serviceDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    children.delete(child)
    resolve(code)
  }))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${out}`)), 15_000)
    const check = () => {
      const m = /listening port=(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }
    child.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`service exited with ${code}:\n${out}`))
    })
  })
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => out, exited }
}

/** Kills every service still running (afterAll). */
export async function stopAll(): Promise<void> {
  const waits = [...children].map((child) => new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  }))
  await Promise.all(waits)
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = text
  }
  return { status: res.status, body: parsed }
}

/** A deterministic random vector of `d` features in [-2, 2). */
export function randomVector(d: number, seed: number): number[] {
  let s = seed >>> 0 || 1
  const v: number[] = []
  for (let i = 0; i < d; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    v.push((s / 2 ** 32) * 4 - 2)
  }
  return v
}
