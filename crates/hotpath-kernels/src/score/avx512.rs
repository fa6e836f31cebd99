//! The AVX-512 batch kernel: masked 8-lane loads take a row of any width without a scalar tail,
//! f32 rows widen in-register (no conversion copy), and the logistic stage runs the portable exp
//! compiled for 512-bit vectors.
#![cfg(target_arch = "x86_64")]

use super::Sample;
use super::portable::{TILE_ROWS, logistic_in_place};
use std::arch::x86_64::*;

/// # Safety
/// The CPU must support AVX-512 F/DQ/VL, AVX2 and FMA, and `rows.len() == out.len() * weights.len()`.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
pub unsafe fn score_rows<T: Sample>(rows: &[T], weights: &[f64], threshold: f64, out: &mut [f64]) {
    let d = weights.len();
    debug_assert_eq!(rows.len(), out.len() * d);
    let full_chunks = d / 8;
    let tail = d % 8;
    let tail_mask: __mmask8 = ((1u32 << tail) - 1) as u8;
    let w = weights.as_ptr();
    for (row_tile, out_tile) in rows.chunks(TILE_ROWS * d).zip(out.chunks_mut(TILE_ROWS)) {
        for (row, o) in row_tile.chunks_exact(d).zip(out_tile.iter_mut()) {
            let f = row.as_ptr();
            let mut acc = _mm512_setzero_pd();
            for c in 0..full_chunks {
                // SAFETY: lanes c*8 .. c*8+8 lie inside the row and the weights (both length d).
                let (x, wv) =
                    unsafe { (T::load8(f.add(c * 8), 0xff), _mm512_loadu_pd(w.add(c * 8))) };
                let p = _mm512_mul_pd(x, wv);
                acc = _mm512_fmadd_pd(p, p, acc);
            }
            if tail != 0 {
                let at = full_chunks * 8;
                // SAFETY: `tail_mask` selects lanes at .. d only, which are in bounds.
                let (x, wv) = unsafe {
                    (
                        T::load8(f.add(at), tail_mask),
                        _mm512_maskz_loadu_pd(tail_mask, w.add(at)),
                    )
                };
                let p = _mm512_mul_pd(x, wv);
                acc = _mm512_fmadd_pd(p, p, acc);
            }
            *o = _mm512_reduce_add_pd(acc);
        }
        logistic_in_place(out_tile, threshold);
    }
}
