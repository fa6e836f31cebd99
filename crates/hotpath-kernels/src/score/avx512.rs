//! The AVX-512 batch kernel. Eight rows at a time: each row's squared products accumulate in its
//! own 8-lane register (masked loads take any row width without a scalar tail; f32 rows widen
//! in-register, no conversion copy), a transpose-add folds the eight registers into one vector of
//! eight row sums, and the logistic stage runs on that vector with the AVX-512 `exp`.
#![cfg(target_arch = "x86_64")]

use super::PREFETCH_DISTANCE;
use super::Sample;
use crate::elementary::exp_avx512::exp8;
use crate::simd::prefetch_ahead;
use std::arch::x86_64::*;

const BLOCK: usize = 8;

/// # Safety
/// The CPU must support AVX-512 F/DQ/VL, AVX2 and FMA, and `rows.len() == out.len() * weights.len()`.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
pub unsafe fn score_rows<T: Sample>(rows: &[T], weights: &[f64], threshold: f64, out: &mut [f64]) {
    let d = weights.len();
    debug_assert_eq!(rows.len(), out.len() * d);
    let full_blocks = out.len() / BLOCK;
    let block_bytes = BLOCK * d * std::mem::size_of::<T>();
    let rows_end = rows.as_ptr_range().end.cast::<u8>();
    for block in 0..full_blocks {
        let first = block * BLOCK;
        let block_start = rows[first * d..].as_ptr().cast::<u8>();
        prefetch_ahead(block_start, PREFETCH_DISTANCE, block_bytes, rows_end);
        // SAFETY: rows first..first+8 exist (full block), the CPU features are the caller's contract.
        let sums = unsafe { block_sums(rows.as_ptr().add(first * d), BLOCK, weights) };
        let scores = logistic(sums, threshold);
        // SAFETY: out[first..first+8] is in bounds.
        unsafe { _mm512_storeu_pd(out.as_mut_ptr().add(first), scores) };
    }
    let first = full_blocks * BLOCK;
    let left = out.len() - first;
    if left > 0 {
        // SAFETY: only `left` rows are read; the masked store writes only out[first..first+left].
        unsafe {
            let sums = block_sums(rows.as_ptr().add(first * d), left, weights);
            _mm512_mask_storeu_pd(
                out.as_mut_ptr().add(first),
                ((1u32 << left) - 1) as u8,
                logistic(sums, threshold),
            );
        }
    }
}

/// 1 / (1 + exp(t - sqrt(s))) per lane.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
fn logistic(sums: __m512d, threshold: f64) -> __m512d {
    let one = _mm512_set1_pd(1.0);
    let x = _mm512_sub_pd(_mm512_set1_pd(threshold), _mm512_sqrt_pd(sums));
    // SAFETY: this function's own target features cover exp8's.
    let e = unsafe { exp8(x) };
    _mm512_div_pd(one, _mm512_add_pd(one, e))
}

/// Sums of (f_i * w_i)^2 for `count` (1..=8) consecutive rows starting at `first_row`; lanes of
/// missing rows are 0.
///
/// # Safety
/// AVX-512 as above; `count` rows of `weights.len()` values must be readable from `first_row`.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn block_sums<T: Sample>(first_row: *const T, count: usize, weights: &[f64]) -> __m512d {
    let d = weights.len();
    let mut acc = [_mm512_setzero_pd(); BLOCK];
    let mut at = 0;
    while at < d {
        let lanes = (d - at).min(8);
        let mask: __mmask8 = ((1u32 << lanes) - 1) as u8;
        // SAFETY: lanes at..at+lanes are inside the weights.
        let w = unsafe { _mm512_maskz_loadu_pd(mask, weights.as_ptr().add(at)) };
        for (r, acc) in acc.iter_mut().enumerate().take(count) {
            // SAFETY: row r < count is readable, and the mask keeps the load inside it.
            let x = unsafe { T::load8(first_row.add(r * d + at), mask) };
            let p = _mm512_mul_pd(x, w);
            *acc = _mm512_fmadd_pd(p, p, *acc);
        }
        at += 8;
    }
    transpose_sum(&acc)
}

/// Lane r of the result is the sum of the eight lanes of `acc[r]`.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
fn transpose_sum(acc: &[__m512d; BLOCK]) -> __m512d {
    // Adjacent lanes: 128-bit lane k of pair(a, b) holds (a's pair k, b's pair k).
    let pair =
        |a: __m512d, b: __m512d| _mm512_add_pd(_mm512_unpacklo_pd(a, b), _mm512_unpackhi_pd(a, b));
    // Folds 128-bit lanes: result lanes are (a.L0+a.L1, a.L2+a.L3, b.L0+b.L1, b.L2+b.L3).
    let fold = |a: __m512d, b: __m512d| {
        _mm512_add_pd(
            _mm512_shuffle_f64x2::<0b10_00_10_00>(a, b),
            _mm512_shuffle_f64x2::<0b11_01_11_01>(a, b),
        )
    };
    let quad_low = fold(pair(acc[0], acc[1]), pair(acc[2], acc[3]));
    let quad_high = fold(pair(acc[4], acc[5]), pair(acc[6], acc[7]));
    fold(quad_low, quad_high)
}
