//! `exp` on eight f64 lanes with AVX-512: the same Cody-Waite reduction and degree-12 polynomial
//! as [`super::exp`], but with FMA, hardware rounding (`vrndscalepd`) and `vscalefpd`, which
//! scales by 2^n with correct overflow, underflow and subnormal results in one instruction.
#![cfg(target_arch = "x86_64")]

use super::exp::{INV_FACT, LN2_HI, LN2_LO, MAX_INPUT, MIN_INPUT};
use std::arch::x86_64::*;

/// e^x per lane, NaN in NaN out.
///
/// # Safety
/// The CPU must support AVX-512 F.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
pub unsafe fn exp8(x: __m512d) -> __m512d {
    let is_nan = _mm512_cmp_pd_mask::<_CMP_UNORD_Q>(x, x);
    let clamped = _mm512_min_pd(
        _mm512_max_pd(x, _mm512_set1_pd(MIN_INPUT)),
        _mm512_set1_pd(MAX_INPUT),
    );
    let n = _mm512_roundscale_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
        _mm512_mul_pd(clamped, _mm512_set1_pd(std::f64::consts::LOG2_E)),
    );
    let r = _mm512_fnmadd_pd(n, _mm512_set1_pd(LN2_HI), clamped);
    let r = _mm512_fnmadd_pd(n, _mm512_set1_pd(LN2_LO), r);
    let mut p = _mm512_set1_pd(INV_FACT[10]);
    for &c in INV_FACT[..10].iter().rev() {
        p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(c));
    }
    let small = _mm512_fmadd_pd(_mm512_mul_pd(r, r), p, r);
    let poly = _mm512_add_pd(_mm512_set1_pd(1.0), small);
    _mm512_mask_mov_pd(_mm512_scalef_pd(poly, n), is_nan, x)
}

#[cfg(test)]
mod tests {
    use super::exp8;
    use crate::simd::SimdLevel;
    use std::arch::x86_64::*;

    fn exp_lanes(xs: [f64; 8]) -> [f64; 8] {
        let mut out = [0.0; 8];
        // SAFETY: only called after the CPU reported AVX-512; arrays have 8 lanes.
        unsafe { _mm512_storeu_pd(out.as_mut_ptr(), exp8(_mm512_loadu_pd(xs.as_ptr()))) };
        out
    }

    #[test]
    fn agrees_with_libm_over_the_whole_range() {
        if !SimdLevel::Avx512.is_supported() {
            return;
        }
        let mut x = -746.5;
        while x < 711.0 {
            let xs: [f64; 8] = std::array::from_fn(|i| x + i as f64 * 0.0017);
            for (got, x) in exp_lanes(xs).into_iter().zip(xs) {
                let want = x.exp();
                let ok = if want > f64::MIN_POSITIVE && want.is_finite() {
                    (got.to_bits() as i64 - want.to_bits() as i64).unsigned_abs() <= 2
                } else {
                    (got - want).abs() <= 2.0 * 4.9e-324 || got == want
                };
                assert!(ok, "exp8({x}) = {got}, libm {want}");
            }
            x += 0.0137;
        }
        let special = exp_lanes([
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            1e308,
            -1e308,
            709.9,
            -745.2,
        ]);
        assert!(special[0].is_nan());
        assert_eq!(
            &special[1..],
            &[
                f64::INFINITY,
                0.0,
                1.0,
                f64::INFINITY,
                0.0,
                f64::INFINITY,
                (-745.2f64).exp()
            ]
        );
    }
}
