//! The batch kernel in portable Rust, written so LLVM vectorizes it: per row a multi-accumulator
//! sum of squares, then per tile of rows the sqrt/exp/logistic stage across rows with the
//! branch-free [`crate::elementary::exp::exp`]. Compiled twice: for the baseline target and, behind
//! runtime detection, for AVX2 + FMA.
use super::{PREFETCH_DISTANCE, Sample};
use crate::elementary::exp::exp;
use crate::simd::prefetch_ahead;

/// Rows per tile: the tile's partial sums stay in L1 between the two stages.
pub const TILE_ROWS: usize = 256;

#[inline(always)]
fn sum_squares_row<T: Sample>(row: &[T], weights: &[f64]) -> f64 {
    // Four independent accumulators break the floating-point add latency chain; the result
    // differs from the sequential sum by rounding only.
    let mut acc = [0.0f64; 4];
    let row_chunks = row.chunks_exact(4);
    let weight_chunks = weights.chunks_exact(4);
    let (row_tail, weight_tail) = (row_chunks.remainder(), weight_chunks.remainder());
    for (f, w) in row_chunks.zip(weight_chunks) {
        for lane in 0..4 {
            let p = f[lane].to_f64() * w[lane];
            acc[lane] += p * p;
        }
    }
    let mut tail = 0.0;
    for (f, w) in row_tail.iter().zip(weight_tail) {
        let p = f.to_f64() * w;
        tail += p * p;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Turns each sum of squares in `sums` into its score, in place.
#[inline(always)]
pub(super) fn logistic_in_place(sums: &mut [f64], threshold: f64) {
    for s in sums {
        *s = 1.0 / (1.0 + exp(threshold - s.sqrt()));
    }
}

#[inline(always)]
fn score_rows_impl<T: Sample>(rows: &[T], weights: &[f64], threshold: f64, out: &mut [f64]) {
    let d = weights.len();
    let row_bytes = std::mem::size_of_val(&rows[..d.min(rows.len())]);
    let rows_end = rows.as_ptr_range().end.cast::<u8>();
    for (row_tile, out_tile) in rows.chunks(TILE_ROWS * d).zip(out.chunks_mut(TILE_ROWS)) {
        for (row, o) in row_tile.chunks_exact(d).zip(out_tile.iter_mut()) {
            prefetch_ahead(row.as_ptr().cast(), PREFETCH_DISTANCE, row_bytes, rows_end);
            *o = sum_squares_row(row, weights);
        }
        logistic_in_place(out_tile, threshold);
    }
}

/// `rows.len() == out.len() * weights.len()` is the caller's contract.
pub fn score_rows<T: Sample>(rows: &[T], weights: &[f64], threshold: f64, out: &mut [f64]) {
    score_rows_impl(rows, weights, threshold, out)
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub unsafe fn score_rows_avx2<T: Sample>(
    rows: &[T],
    weights: &[f64],
    threshold: f64,
    out: &mut [f64],
) {
    score_rows_impl(rows, weights, threshold, out)
}
