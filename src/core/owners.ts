/**
 * Which ArrayBuffers belong to a `NativeBuffer`, kept here (not in src/memory) so the checks
 * every kernel shares can ask without depending on the memory family.
 *
 * The owner is a hidden property of the ArrayBuffer, not a WeakMap entry: V8's scavenger keeps
 * WeakMap keys alive until a full GC, so with a WeakMap every short-lived buffer (and the native
 * bookkeeping of its external memory) outlived the young generation, and RSS grew by ~2 KB per
 * alloc/dispose cycle from the fragmentation that left behind (measured in memory-gc.mjs).
 */
export interface NativeMemoryOwner {
  readonly disposed: boolean
}

const OWNER = Symbol('hotpath.NativeBuffer')

/** Whether any NativeBuffer was ever made: until then no lookup is needed. */
let anyOwner = false

export function registerOwner(buffer: ArrayBuffer, owner: NativeMemoryOwner): void {
  anyOwner = true
  Object.defineProperty(buffer, OWNER, { value: owner })
}

/** The NativeBuffer whose memory `buffer` is, if any. */
export function ownerOf(buffer: ArrayBufferLike): NativeMemoryOwner | undefined {
  return anyOwner ? (buffer as { [OWNER]?: NativeMemoryOwner })[OWNER] : undefined
}
