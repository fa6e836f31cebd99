/**
 * The built-in accessors of typed arrays, read once at load (those of %TypedArray%.prototype). A
 * subclass, an own property or a swapped prototype can make `buffer`, `byteOffset`, `length` or
 * the type lie; decisions about memory must use these, which cannot.
 */
const typedArrayPrototype = Object.getPrototypeOf(Float64Array.prototype) as object
function intrinsicGetter<T>(name: string): (view: ArrayBufferView) => T {
  const get = Object.getOwnPropertyDescriptor(typedArrayPrototype, name)!.get!
  return (view) => get.call(view) as T
}
export const bufferOf = intrinsicGetter<ArrayBufferLike>('buffer')
export const byteOffsetOf = intrinsicGetter<number>('byteOffset')
/**
 * The element type of a typed array from its internal slot (`'Float64Array'`, `'Int32Array'`,
 * ...), or `undefined` for anything else: proxies, look-alikes, arrays whose prototype was
 * swapped. As cheap as `instanceof`, and right across realms.
 */
export const typedArrayTag: (value: unknown) => string | undefined = (() => {
  const get = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag)!.get!
  return (value: unknown) => get.call(value) as string | undefined
})()
/** The element count of a typed array as the engine sees it (0 once detached or out of bounds). */
export const lengthOf = intrinsicGetter<number>('length')


const validateView = Object.getOwnPropertyDescriptor(typedArrayPrototype, 'keys')!.value as (this: ArrayBufferView) => unknown

/**
 * Why a typed array has no memory to read, or `undefined` if it has: `'detached'` once its
 * ArrayBuffer was transferred (postMessage, structuredClone, `transfer()`), `'out of bounds'` when
 * a resizable ArrayBuffer shrank below it. Either way the engine reports a length of 0, which
 * would otherwise pass for an empty input. Node 20 has no `ArrayBuffer.prototype.detached`, so
 * this asks `%TypedArray%.prototype.keys`, which refuses exactly those views.
 */
export function lostMemory(view: ArrayBufferView): 'detached' | 'out of bounds' | undefined {
  try {
    validateView.call(view)
    return undefined
  } catch {
    const buffer = bufferOf(view)
    try {
      // A detached buffer cannot even be viewed; a shrunk one can.
      new Uint8Array(buffer, 0, 0)
      return 'out of bounds'
    } catch {
      return 'detached'
    }
  }
}
