//! A memory read probe: how fast this machine streams bytes from memory into registers, with as
//! little work per byte as a loop can do (a XOR per 64-bit word, sixteen independent lanes, every
//! thread of the pool). It is the ceiling of every memory-bound kernel, so benchmarks report
//! reductions as a fraction of it, measured on the same machine in the same run.
use crate::pool::Threads;
use crate::simd::{SimdLevel, per_level};

/// Per-thread share of a parallel probe: large enough that scheduling is noise, small enough that
/// both threads finish together.
const CHUNK: usize = 1 << 14;

#[inline(always)]
fn xor_body(values: &[f64]) -> u64 {
    let (blocks, rest) = values.as_chunks::<16>();
    let mut lanes = [0u64; 16];
    for block in blocks {
        for (lane, v) in lanes.iter_mut().zip(block) {
            *lane ^= v.to_bits();
        }
    }
    let mut folded = rest.iter().fold(0u64, |a, v| a ^ v.to_bits());
    for lane in lanes {
        folded ^= lane;
    }
    folded
}

per_level!(fn xor_words(values: &[f64]) -> u64 = xor_body);

/// The XOR of every 64-bit word of `values`: reads each byte once. The result only proves the
/// reads happened (the compiler cannot drop them).
pub fn read_all(values: &[f64], threads: Threads) -> u64 {
    // At most AVX2: the AVX-512 code LLVM emits for this loop read 2.3 GB/s on one thread of an
    // AMD EPYC here, against 30 GB/s for the AVX2 and baseline code (256-bit loads already keep
    // up with memory), which made the kernels look 5x faster than the memory allows.
    let level = SimdLevel::detect().min(SimdLevel::Avx2);
    #[cfg(feature = "parallel")]
    if crate::pool::parallel(threads, values.len(), 2 * CHUNK) {
        use rayon::prelude::*;
        return crate::pool::install(|| {
            values
                .par_chunks(CHUNK)
                .map(|c| xor_words(level, c))
                .reduce(|| 0, |a, b| a ^ b)
        });
    }
    let _ = threads;
    xor_words(level, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_read_once() {
        let values: Vec<f64> = (0..(5 * CHUNK + 7)).map(|i| i as f64 * 0.37).collect();
        let want = values.iter().fold(0u64, |a, v| a ^ v.to_bits());
        for threads in [Threads::Single, Threads::Auto] {
            assert_eq!(read_all(&values, threads), want);
        }
        for level in SimdLevel::available() {
            assert_eq!(
                xor_words(level, &values[..1000]),
                values[..1000].iter().fold(0, |a, v| a ^ v.to_bits())
            );
        }
    }
}
