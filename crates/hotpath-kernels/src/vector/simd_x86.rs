//! The compensated block kernel of [`super::compensated`] written with AVX-512 and AVX2
//! intrinsics. LLVM vectorized the portable lane loop only partly (state spilled to the stack,
//! half the lanes scalar), so the two levels that matter are spelled out. Lane `k` of the
//! registers is lane `k` of the portable kernel and every operation is the same IEEE operation in
//! the same order, so the results are bitwise those of the portable kernel (a property test
//! checks it).
use super::Element;
use super::compensated::{
    LANES, PRODUCTS, Partial, SQUARED_DIFFERENCES, Terms, VALUES, accumulate, fold, term,
};
use crate::simd::prefetch;
use std::arch::x86_64::*;

/// Bytes ahead of the loads that each iteration asks the CPU to fetch. Inputs larger than the
/// caches stream from DRAM, and the hardware prefetcher alone kept the 2-thread sum ~25% under a
/// plain C read loop; 8, 16 and 32 KiB ahead all reach it (`examples/vector_speed.rs`).
const PREFETCH_BYTES: usize = 16384;

/// Prefetches the cache lines `PREFETCH_BYTES` ahead of `LANES` elements at `ptr`: one or two
/// lines (16 f32 or f64). Hints never fault, so running past the end is harmless.
#[inline(always)]
fn prefetch_lanes<T>(ptr: *const T) {
    let ahead = ptr.cast::<u8>().wrapping_add(PREFETCH_BYTES);
    prefetch(ahead);
    if size_of::<T>() * LANES > 64 {
        prefetch(ahead.wrapping_add(64));
    }
}

/// The term registers for one vector of elements: value and product error.
macro_rules! terms {
    ($kind:expr, $is_f64:expr, $x:expr, $y:expr, $mul:ident, $sub:ident, $fmsub:ident, $zero:expr) => {{
        let (x, y) = ($x, $y);
        match $kind {
            VALUES => (x, $zero),
            PRODUCTS => {
                let p = $mul(x, y);
                (p, if $is_f64 { $fmsub(x, y, p) } else { $zero })
            }
            _ => {
                let d = $sub(x, y);
                let p = $mul(d, d);
                (p, $fmsub(d, d, p))
            }
        }
    }};
}

/// The lanes' remaining elements (fewer than `LANES`) and the fold, shared by both levels.
#[inline(always)]
fn finish<T: Element, const TERMS: u8>(
    mut s: [f64; LANES],
    mut c: [f64; LANES],
    x_tail: &[T],
    y_tail: &[T],
) -> Partial {
    for (lane, (&xv, &yv)) in x_tail.iter().zip(y_tail).enumerate() {
        let (t, e) = term::<T, true, TERMS>(xv, yv);
        accumulate(&mut s[lane], &mut c[lane], t, e);
    }
    fold(&s, &c)
}

/// # Safety
/// The CPU must support AVX-512 F/DQ/VL, AVX2 and FMA; `y.len() == x.len()`.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
pub unsafe fn block_avx512<T: Element>(terms: Terms, x: &[T], y: &[T]) -> Partial {
    match terms {
        Terms::Values => block_avx512_of::<T, VALUES>(x, x),
        Terms::Products => block_avx512_of::<T, PRODUCTS>(x, y),
        Terms::SquaredDifferences => block_avx512_of::<T, SQUARED_DIFFERENCES>(x, y),
    }
}

#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
fn block_avx512_of<T: Element, const TERMS: u8>(x: &[T], y: &[T]) -> Partial {
    assert_eq!(x.len(), y.len());
    let full = x.len() / LANES * LANES;
    let zero = _mm512_setzero_pd();
    let (mut s0, mut s1, mut c0, mut c1) = (zero, zero, zero, zero);
    let (xp, yp) = (x.as_ptr(), y.as_ptr());
    let mut i = 0;
    while i < full {
        prefetch_lanes(xp.wrapping_add(i));
        if TERMS != VALUES {
            prefetch_lanes(yp.wrapping_add(i));
        }
        // SAFETY: i + 16 <= full <= len for both slices.
        let (x0, x1, y0, y1) = unsafe {
            (
                T::load8(xp.add(i)),
                T::load8(xp.add(i + 8)),
                T::load8(yp.add(i)),
                T::load8(yp.add(i + 8)),
            )
        };
        let (t0, e0) = terms!(
            TERMS,
            T::IS_F64,
            x0,
            y0,
            _mm512_mul_pd,
            _mm512_sub_pd,
            _mm512_fmsub_pd,
            zero
        );
        let (t1, e1) = terms!(
            TERMS,
            T::IS_F64,
            x1,
            y1,
            _mm512_mul_pd,
            _mm512_sub_pd,
            _mm512_fmsub_pd,
            zero
        );
        // TwoSum per lane, then c += e + product error, as `compensated::accumulate`.
        let n0 = _mm512_add_pd(s0, t0);
        let n1 = _mm512_add_pd(s1, t1);
        let b0 = _mm512_sub_pd(n0, s0);
        let b1 = _mm512_sub_pd(n1, s1);
        let r0 = _mm512_add_pd(
            _mm512_sub_pd(s0, _mm512_sub_pd(n0, b0)),
            _mm512_sub_pd(t0, b0),
        );
        let r1 = _mm512_add_pd(
            _mm512_sub_pd(s1, _mm512_sub_pd(n1, b1)),
            _mm512_sub_pd(t1, b1),
        );
        c0 = _mm512_add_pd(c0, _mm512_add_pd(r0, e0));
        c1 = _mm512_add_pd(c1, _mm512_add_pd(r1, e1));
        s0 = n0;
        s1 = n1;
        i += LANES;
    }
    let (mut s, mut c) = ([0.0; LANES], [0.0; LANES]);
    // SAFETY: each array holds 16 f64, two registers' worth.
    unsafe {
        _mm512_storeu_pd(s.as_mut_ptr(), s0);
        _mm512_storeu_pd(s.as_mut_ptr().add(8), s1);
        _mm512_storeu_pd(c.as_mut_ptr(), c0);
        _mm512_storeu_pd(c.as_mut_ptr().add(8), c1);
    }
    finish::<T, TERMS>(s, c, &x[full..], &y[full..])
}

/// # Safety
/// The CPU must support AVX2 and FMA; `y.len() == x.len()`.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn block_avx2<T: Element>(terms: Terms, x: &[T], y: &[T]) -> Partial {
    match terms {
        Terms::Values => block_avx2_of::<T, VALUES>(x, x),
        Terms::Products => block_avx2_of::<T, PRODUCTS>(x, y),
        Terms::SquaredDifferences => block_avx2_of::<T, SQUARED_DIFFERENCES>(x, y),
    }
}

#[target_feature(enable = "avx2,fma")]
fn block_avx2_of<T: Element, const TERMS: u8>(x: &[T], y: &[T]) -> Partial {
    assert_eq!(x.len(), y.len());
    let full = x.len() / LANES * LANES;
    let zero = _mm256_setzero_pd();
    let mut s = [zero; 4];
    let mut c = [zero; 4];
    let (xp, yp) = (x.as_ptr(), y.as_ptr());
    let mut i = 0;
    while i < full {
        prefetch_lanes(xp.wrapping_add(i));
        if TERMS != VALUES {
            prefetch_lanes(yp.wrapping_add(i));
        }
        for r in 0..4 {
            // SAFETY: i + 4r + 4 <= full <= len for both slices.
            let (xv, yv) = unsafe { (T::load4(xp.add(i + 4 * r)), T::load4(yp.add(i + 4 * r))) };
            let (t, e) = terms!(
                TERMS,
                T::IS_F64,
                xv,
                yv,
                _mm256_mul_pd,
                _mm256_sub_pd,
                _mm256_fmsub_pd,
                zero
            );
            let n = _mm256_add_pd(s[r], t);
            let b = _mm256_sub_pd(n, s[r]);
            let err = _mm256_add_pd(
                _mm256_sub_pd(s[r], _mm256_sub_pd(n, b)),
                _mm256_sub_pd(t, b),
            );
            c[r] = _mm256_add_pd(c[r], _mm256_add_pd(err, e));
            s[r] = n;
        }
        i += LANES;
    }
    let (mut sl, mut cl) = ([0.0; LANES], [0.0; LANES]);
    for r in 0..4 {
        // SAFETY: each array holds 16 f64, four registers' worth.
        unsafe {
            _mm256_storeu_pd(sl.as_mut_ptr().add(4 * r), s[r]);
            _mm256_storeu_pd(cl.as_mut_ptr().add(4 * r), c[r]);
        }
    }
    finish::<T, TERMS>(sl, cl, &x[full..], &y[full..])
}
