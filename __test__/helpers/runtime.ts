/** Process-level helpers: gc access, detaching buffers, paths of built files, child processes. */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { MessageChannel } from 'node:worker_threads'
import { fileURLToPath, pathToFileURL } from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** Absolute path of the repository root (with a trailing separator). */
export const repoRoot = root
/** Absolute file URL of the built facade, as fixtures import it. */
export const distIndexUrl = pathToFileURL(`${root}dist/index.js`).href
/** Absolute file URL of the built reference kernel. */
export const distReferenceUrl = pathToFileURL(`${root}dist/score/reference.js`).href
/** Absolute path of a fixture under __test__/fixtures/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

/** Throws a clear error when `npm run build` has not produced dist/. */
export function requireDist(): void {
  if (!existsSync(fileURLToPath(distIndexUrl))) throw new Error('dist/index.js is missing: run `npm run build` first')
}

/** `global.gc`, exposing it at run time when the process was started without --expose-gc. */
export function getGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc
  if (typeof existing === 'function') return existing
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
}

/** Detaches the buffer behind `view` with `structuredClone(..., { transfer })`; returns the moved view. */
export function detachByStructuredClone<T extends Float64Array | Float32Array>(view: T): T {
  return structuredClone(view, { transfer: [view.buffer as ArrayBuffer] })
}

/** Detaches the buffer behind `view` by transferring it through a MessagePort. */
export function detachByPostMessage(view: Float64Array | Float32Array): void {
  const { port1, port2 } = new MessageChannel()
  port1.postMessage(view, [view.buffer as ArrayBuffer])
  port1.close()
  port2.close()
}

type TransferableBuffer = ArrayBuffer & { transfer?: () => ArrayBuffer }
/** Whether `ArrayBuffer.prototype.transfer` exists in this Node version (not in Node 20). */
export const hasArrayBufferTransfer = typeof (ArrayBuffer.prototype as TransferableBuffer).transfer === 'function'
/** Detaches with `ArrayBuffer.prototype.transfer()`; only when {@link hasArrayBufferTransfer}. */
export function detachByTransfer(view: Float64Array | Float32Array): ArrayBuffer {
  return (view.buffer as TransferableBuffer).transfer!()
}

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/** Runs `node [...nodeArgs] script ...args` and collects its output; kills it after `timeoutMs`. */
export function runNode(script: string, args: string[] = [], options: { nodeArgs?: string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      cwd: root,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 60_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, timedOut })
    })
  })
}

/** The last line of `stdout` that parses as JSON. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n').reverse()
  for (const line of lines) {
    try {
      return JSON.parse(line) as T
    } catch {
      // not JSON: keep looking
    }
  }
  throw new Error(`no JSON line in output:\n${stdout}`)
}

/** Resizable ArrayBuffers (ES2024) exist in Node 20; the project's TS lib is ES2023, hence the cast. */
export type ResizableBuffer = ArrayBuffer & { resize(byteLength: number): void }

/** A resizable ArrayBuffer of `bytes` bytes that may shrink (not grow). */
export function newResizableBuffer(bytes: number): ResizableBuffer {
  const Ctor = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ResizableBuffer
  return new Ctor(bytes, { maxByteLength: bytes })
}

/** Resolves after one turn of the event loop: by then an async call has started its native work. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
