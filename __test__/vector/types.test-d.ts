/** Type tests of the vector and statistics APIs: return types follow the input types; wrong types do not compile. */
import { describe, expectTypeOf, it } from 'vitest'
import {
  Accumulator,
  accumulate,
  distancesFromOrigin,
  distancesFromOriginAsync,
  dot,
  dotAsync,
  norm,
  scale,
  scaleAndShift,
  scaleAndShiftAsync,
  scaleAsync,
  sqEuclidean,
  sum,
  sumAsync,
  type AccumulatorJSON,
} from '../../src/index.js'

describe('vector', () => {
  it('reductions return numbers, async ones promises of numbers', () => {
    const x = new Float64Array(4)
    expectTypeOf(sum(x)).toEqualTypeOf<number>()
    expectTypeOf(dot(new Float32Array(2), new Float32Array(2))).toEqualTypeOf<number>()
    expectTypeOf(norm(x)).toEqualTypeOf<number>()
    expectTypeOf(sqEuclidean(x, x)).toEqualTypeOf<number>()
    expectTypeOf(sumAsync(x, { signal: AbortSignal.timeout(1) })).toEqualTypeOf<Promise<number>>()
    expectTypeOf(dotAsync(x, x)).toEqualTypeOf<Promise<number>>()
  })

  it('maps keep the element type of their input', () => {
    expectTypeOf(scale(new Float32Array(2), 2)).toExtend<Float32Array>()
    expectTypeOf(scale(new Float32Array(2), 2)).not.toExtend<Float64Array>()
    expectTypeOf(scaleAndShift(new Float64Array(2), 2, 1)).toExtend<Float64Array>()
    expectTypeOf(scaleAndShift(new Float32Array(2), 2, 1, { out: new Float32Array(2) })).toExtend<Float32Array>()
    expectTypeOf(distancesFromOrigin(new Float32Array(4))).toExtend<Float64Array>()
    expectTypeOf(scaleAsync(new Float32Array(2), 2)).resolves.toExtend<Float32Array>()
    expectTypeOf(scaleAndShiftAsync(new Float64Array(2), 2, 1)).resolves.toExtend<Float64Array>()
    expectTypeOf(distancesFromOriginAsync(new Float64Array(2))).resolves.toExtend<Float64Array>()
  })

  it('rejects other argument types at compile time', () => {
    // @ts-expect-error: plain arrays are not vectors
    sum([1, 2, 3])
    // @ts-expect-error: Int32Array is not a float vector
    dot(new Int32Array(2), new Int32Array(2))
    // @ts-expect-error: out must be a Float64Array
    distancesFromOrigin(new Float64Array(2), { out: new Float32Array(1) })
  })
})

describe('Accumulator', () => {
  it('chains, reads numbers and serializes', () => {
    const acc = new Accumulator().add(1).addMany(new Float64Array([2, 3])).addMany([4])
    expectTypeOf(acc).toEqualTypeOf<Accumulator>()
    expectTypeOf(acc.mean).toEqualTypeOf<number>()
    expectTypeOf(acc.sampleStdDev).toEqualTypeOf<number>()
    expectTypeOf(acc.toJSON()).toEqualTypeOf<AccumulatorJSON>()
    expectTypeOf(Accumulator.fromJSON(acc.toJSON())).toEqualTypeOf<Accumulator>()
    expectTypeOf(acc.merge(new Accumulator())).toEqualTypeOf<Accumulator>()
    expectTypeOf(accumulate([1, 2, new Float32Array(2)])).toEqualTypeOf<Promise<Accumulator>>()
    // @ts-expect-error: add takes one number
    acc.add('1')
  })
})
