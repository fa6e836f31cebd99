/**
 * Feature rows straight from JSON text or bytes, such as a scoring service's request body: one
 * native pass over the bytes instead of `JSON.parse` building a JavaScript number per feature, an
 * array per row, and then the conversion into a Float64Array.
 */
import { abortErrorFor, fromNative, invalidType, invalidValue } from '../core/errors.js'
import { coded } from '../core/guard.js'
import { native } from '../core/native.js'
import { nativeTasks } from '../core/semaphore.js'
import { rejecting } from '../core/task.js'
import { abortSignal, attachedLength, integerInRange, optionsObject, typedArrayTag } from '../core/validate.js'
import { jsonRows } from './reference.js'

export interface ParseFeatureRowsOptions {
  /** Values per row (the model's D, `model.features`). */
  features: number
  /** The key of the object that holds the rows (`'transactions'` for `{ "transactions": [[...]] }`); without it the document is the array of rows. */
  field?: string
}

export interface ParseFeatureRowsAsyncOptions extends ParseFeatureRowsOptions {
  signal?: AbortSignal
}

/**
 * Documents shorter than this go through `JSON.parse` (the reference): below it the native
 * call's fixed cost exceeds what it saves. Measured by `hotpath bench --suite score` (JSON rows).
 */
export const JSON_ROWS_NATIVE_MIN_BYTES = 512

/** Async calls on documents this short run inline: a libuv round trip costs more than parsing. */
const ASYNC_INLINE_MAX_BYTES = 256 * 1024

const decoder = new TextDecoder()

interface Checked {
  json: string | Uint8Array
  length: number
  features: number
  field: string | undefined
}

function checked(json: unknown, options: unknown): Checked {
  const opts = optionsObject(options as ParseFeatureRowsOptions | undefined)
  if (options === undefined) throw invalidType('options', 'an object with "features"', options)
  const features = integerInRange(opts.features, 'options.features', 1, 1 << 24)
  const field = opts.field
  if (field !== undefined) {
    if (typeof field !== 'string') throw invalidType('options.field', 'of type string', field)
    // Native code compares keys as UTF-8; a lone surrogate has no UTF-8 form to compare.
    if (!field.isWellFormed()) throw invalidValue('options.field', 'a well-formed string', 'a string with a lone surrogate')
  }
  if (typeof json === 'string') return { json, length: json.length, features, field }
  const tag = typedArrayTag(json)
  if (tag !== 'Uint8Array') throw invalidType('json', 'of type string or an instance of Buffer or Uint8Array', json)
  return { json: json as Uint8Array, length: attachedLength(json as Uint8Array, 'json'), features, field }
}

/** The document as bytes for native code, or `undefined` when it must be parsed in JavaScript. */
function nativeBytes({ json, length }: Checked): Uint8Array | undefined {
  if (!native || length < JSON_ROWS_NATIVE_MIN_BYTES) return undefined
  if (typeof json !== 'string') return json
  // A lone surrogate has no UTF-8 form: JSON.parse reads it as it is, so must we.
  return json.isWellFormed() ? Buffer.from(json, 'utf8') : undefined
}

function inJavaScript({ json, features, field }: Checked): Float64Array {
  return jsonRows(typeof json === 'string' ? json : decoder.decode(json), features, field)
}

/**
 * Reads feature rows from JSON (a string, or UTF-8 bytes such as a request body `Buffer`) into one
 * row-major Float64Array for `scoreBatch`. Gives exactly what `JSON.parse` and the checks of
 * `scoreBatch` would: the same numbers bit for bit, and the same typed errors, naming the element
 * (`transactions[3][7]`) or, for invalid JSON, the byte. Invalid UTF-8 reads as U+FFFD, as with
 * `TextDecoder`.
 *
 * @example
 * ```ts
 * const rows = parseFeatureRows('{"transactions": [[0.5, 1.5], [2, 3]]}', { features: 2, field: 'transactions' })
 * // Float64Array [0.5, 1.5, 2, 3]
 * ```
 */
export function parseFeatureRows(json: string | Uint8Array, options: ParseFeatureRowsOptions): Float64Array {
  try {
    const input = checked(json, options)
    const bytes = nativeBytes(input)
    if (!bytes) return inJavaScript(input)
    try {
      return native!.scoreParseJsonRows(bytes, input.features, input.field)
    } catch (error) {
      throw fromNative(error)
    }
  } catch (error) {
    throw coded(error)
  }
}

/**
 * Async {@link parseFeatureRows}: long documents are parsed on a worker thread, from a copy of the
 * bytes taken at the call. Rejects, never throws.
 */
export const parseFeatureRowsAsync: (json: string | Uint8Array, options: ParseFeatureRowsAsyncOptions) => Promise<Float64Array> = rejecting(async (json, options) => {
  const input = checked(json, options)
  const signal = abortSignal(optionsObject(options).signal)
  if (signal?.aborted) throw abortErrorFor(signal)
  const bytes = nativeBytes(input)
  if (!bytes || input.length <= ASYNC_INLINE_MAX_BYTES) return bytes ? parseFeatureRows(bytes, input) : inJavaScript(input)
  // A snapshot now (the caller may reuse its buffer as soon as this returns); the binding copies
  // it again when the task is scheduled, a memcpy that is small beside the parse.
  const snapshot = bytes === input.json ? Uint8Array.prototype.slice.call(bytes) : bytes
  try {
    const rows = await nativeTasks.run(() => native!.scoreParseJsonRowsAsync(snapshot, input.features, input.field))
    if (signal?.aborted) throw abortErrorFor(signal)
    return rows
  } catch (error) {
    if (signal?.aborted) throw abortErrorFor(signal)
    throw fromNative(error, signal)
  }
})
