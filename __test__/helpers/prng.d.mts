/** A small, fast, seedable PRNG (mulberry32): returns floats in [0, 1). */
export declare function prng(seed: number): () => number
