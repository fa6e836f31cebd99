// Feeding hotpath's streams and iterables from the fuzz families.
import { Readable } from 'node:stream'
import { UserError } from './values.mjs'

/**
 * Writes `items` into an object-mode Transform (honouring backpressure), ends it, and resolves to
 * every output, or rejects with the error the stream emitted. Nulls are skipped: Node itself
 * refuses them (ERR_STREAM_NULL_VALUES) before hotpath sees them.
 */
export function drive(stream, items) {
  return new Promise((resolve, reject) => {
    const outputs = []
    let failed = false
    stream.on('data', (x) => outputs.push(x))
    stream.on('error', (error) => {
      failed = true
      reject(error)
    })
    stream.on('end', () => resolve(outputs))
    ;(async () => {
      for (const item of items) {
        if (failed || stream.destroyed) return
        if (item === null || item === undefined) continue
        if (!stream.write(item)) {
          await new Promise((r) => {
            stream.once('drain', r)
            stream.once('error', r)
            stream.once('close', r)
          })
        }
      }
      if (!failed && !stream.destroyed) stream.end()
    })().catch(reject)
  })
}

/** Everything an (async) iterable yields, as an array. */
export async function collect(iterable) {
  const out = []
  for await (const x of iterable) out.push(x)
  return out
}

/** Whether `values` is an array Readable.from can carry: no nulls, no getters (which this check must not run). */
function plainItems(values) {
  if (!Array.isArray(values)) return false
  const descriptors = Object.values(Object.getOwnPropertyDescriptors(values))
  return !descriptors.some((d) => d.get || d.value === null || d.value === undefined) && descriptors.length === values.length + 1
}

/** `values` as the kind of source `as` names; `throwsMidway` yields one item then throws a UserError. */
export function sourceOf(values, as, ctx) {
  switch (as) {
    case 'generator':
      return (function* () {
        yield* values
      })()
    case 'asyncGenerator':
      return (async function* () {
        for (const v of values) yield v
      })()
    case 'readable':
      if (plainItems(values)) return Readable.from(values, { objectMode: true })
      return sourceOf(values, 'asyncGenerator', ctx)
    case 'throwsMidway':
      ctx.hasUserThrow = true
      return (async function* () {
        yield* values.slice(0, 1)
        ctx.sentinelFired = true
        throw new UserError()
      })()
    default:
      return values
  }
}

export const SOURCE_KINDS = ['array', 'generator', 'asyncGenerator', 'readable', 'throwsMidway']
