/** Driving `scoreStream` and `scoreIterable` from tests. */
import { once } from 'node:events'
import type { Transform } from 'node:stream'

/** Writes `vectors` into `stream` honouring backpressure, ends it and returns every output. */
export async function runStream(stream: Transform, vectors: Iterable<unknown>): Promise<number[]> {
  const outputs: number[] = []
  stream.on('data', (score: number) => outputs.push(score))
  const finished = once(stream, 'end')
  for (const vector of vectors) {
    if (!stream.write(vector)) await once(stream, 'drain')
  }
  stream.end()
  await finished
  return outputs
}

/** Collects everything an async generator of scores yields, flattening Float64Array chunks. */
export async function collectScores(iterable: AsyncIterable<number | Float64Array>): Promise<{ flat: number[]; items: (number | Float64Array)[] }> {
  const flat: number[] = []
  const items: (number | Float64Array)[] = []
  for await (const item of iterable) {
    items.push(item)
    if (typeof item === 'number') flat.push(item)
    else for (const s of item) flat.push(s)
  }
  return { flat, items }
}

/** Yields `items` asynchronously, one per microtask turn (an async iterable that is not an array). */
export async function* asyncFrom<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve()
    yield item
  }
}
