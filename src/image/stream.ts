/**
 * Streaming over many images: `convolveStream` (an object-mode Transform) and `convolveEach` (an
 * async generator over any iterable or async iterable). Both keep at most `concurrency` images in
 * flight and emit results in input order, so memory stays bounded by a few images.
 */
import { coded } from '../core/guard.js'
import { subscribeAbort } from '../core/abort.js'
import { abortErrorFor, invalidType } from '../core/errors.js'
import { OrderedBatchTransform, puller, type BatchSink } from '../core/stream.js'
import { integerInRange } from '../core/validate.js'
import { filterOneAsync } from './convolve.js'
import { checkFilter, checkOptions, type CheckedFilter, type CheckedOptions, type ConvolveAsyncOptions, type FilterKernel, type Image, type ImageInput } from './input.js'

export interface ConvolveStreamOptions extends Omit<ConvolveAsyncOptions, 'out'> {
  /** Images filtered at once (each off the JS thread). Default 2, at most 64. */
  concurrency?: number
}

export type ImageSource = Iterable<ImageInput> | AsyncIterable<ImageInput>

function streamArguments(kernel: unknown, optionsValue: unknown): [CheckedFilter, CheckedOptions, number] {
  const filter = checkFilter(kernel)
  const options = checkOptions(optionsValue)
  const concurrency = (optionsValue as ConvolveStreamOptions | undefined)?.concurrency
  return [filter, options, concurrency === undefined ? 2 : integerInRange(concurrency, 'options.concurrency', 1, 64)]
}

/**
 * An object-mode Transform: write images, read their filtered versions in the same order.
 * `kernel` is a 2D kernel, a separable `{ x, y }` or a Gaussian `{ sigma, radius? }`.
 *
 * @example
 * ```ts
 * await pipeline(readImages(), convolveStream({ sigma: 2 }), writeImages())
 * ```
 */
export function convolveStream(kernel: FilterKernel, options?: ConvolveStreamOptions): OrderedBatchTransform<ImageInput, Image> {
  try {
    const [filter, opts, concurrency] = streamArguments(kernel, options)
    let pending: ImageInput | undefined
    let index = 0
    const sink: BatchSink<ImageInput, Image> = {
      add(item) {
        pending = item
      },
      get size() {
        return pending === undefined ? 0 : 1
      },
      seal() {
        const item = pending
        pending = undefined
        return filterOneAsync(item, `images[${index++}]`, filter, opts).then((image) => [image])
      },
    }
    const stream = new OrderedBatchTransform<ImageInput, Image>(sink, { batchSize: 1, concurrency })
    if (opts.signal) {
      const signal = opts.signal
      const onAbort = (): void => {
        stream.destroy(abortErrorFor(signal))
      }
      if (signal.aborted) queueMicrotask(onAbort)
      else {
        const unsubscribe = subscribeAbort(signal, onAbort)
        stream.once('close', unsubscribe)
      }
    }
    return stream
  } catch (error) {
    throw coded(error)
  }
}

/**
 * Filters every image of an iterable or async iterable, yielding results in order with at most
 * `concurrency` images in flight. Each input is copied when its call starts (unless it lives in
 * a SharedArrayBuffer), so a source may reuse its buffer for the next image.
 *
 * @example
 * ```ts
 * for await (const blurred of convolveEach(dicomSlices(), { sigma: 1 }, { concurrency: 2 })) save(blurred)
 * ```
 */
export async function* convolveEach(source: ImageSource, kernel: FilterKernel, options?: ConvolveStreamOptions): AsyncGenerator<Image, void, undefined> {
  try {
    const [filter, opts, concurrency] = streamArguments(kernel, options)
    if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source || Symbol.iterator in source)) {
      throw invalidType('source', 'an iterable or async iterable of images', source)
    }
    const signal = opts.signal
    // One listener for the whole iteration, not one per image: the signal is checked between images.
    const perImage: CheckedOptions = { ...opts, signal: undefined, progress: undefined }
    const inflight: Promise<Image>[] = []
    const input = puller<ImageInput>(source, signal)
    try {
      for (let index = 0; ; index++) {
        const { value, done } = await input.next()
        if (done) break
        const filtered = filterOneAsync(value, `source[${index}]`, filter, perImage)
        filtered.catch(() => {})
        inflight.push(filtered)
        while (inflight.length >= concurrency) {
          if (signal?.aborted) throw abortErrorFor(signal)
          yield await inflight.shift()!
        }
      }
      while (inflight.length > 0) {
        if (signal?.aborted) throw abortErrorFor(signal)
        yield await inflight.shift()!
      }
    } finally {
      input.close()
    }
  } catch (error) {
    throw coded(error)
  }
}
