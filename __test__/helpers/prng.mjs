// The one seeded PRNG of the test suite (mulberry32), plain JavaScript so that child-process
// fixtures (.mjs, run by node without a TypeScript loader) and TypeScript tests share it.

/** A small, fast, seedable PRNG (mulberry32): returns floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
