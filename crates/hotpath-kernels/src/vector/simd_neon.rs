//! The compensated block kernel of [`super::compensated`] written with NEON intrinsics, for
//! aarch64, where NEON is part of every CPU. LLVM left most of the portable lane loop scalar there
//! (about 130 two-lane f64 operations against 550 scalar ones in `block_partial::<f64>`), as it
//! did on x86. Lane `k` of the eight two-lane registers is lane `k` of the portable kernel and
//! every operation is the same IEEE operation in the same order (the product error `x * y - p` by
//! one fused multiply-add, exact like Dekker's), so the results are bitwise those of the portable
//! kernel and of the x86 levels (a property test checks it, run under qemu by `npm run test:arm64`).
use super::Element;
use super::compensated::{
    LANES, PRODUCTS, Partial, SQUARED_DIFFERENCES, Terms, VALUES, accumulate, fold, term,
};
use std::arch::aarch64::*;

/// Registers of two f64 lanes per block row.
const REGISTERS: usize = LANES / 2;

/// The block's partial, with `y` ignored for [`Terms::Values`].
pub fn block_neon<T: Element>(terms: Terms, x: &[T], y: &[T]) -> Partial {
    match terms {
        Terms::Values => block_of::<T, VALUES>(x, x),
        Terms::Products => block_of::<T, PRODUCTS>(x, y),
        Terms::SquaredDifferences => block_of::<T, SQUARED_DIFFERENCES>(x, y),
    }
}

#[inline(always)]
fn block_of<T: Element, const TERMS: u8>(x: &[T], y: &[T]) -> Partial {
    assert_eq!(x.len(), y.len());
    let full = x.len() / LANES * LANES;
    // SAFETY (whole block): NEON is part of the aarch64 baseline target; every load reads two
    // elements at i + 2r < full <= len of both slices; the stores write into 16-element arrays.
    unsafe {
        let zero = vdupq_n_f64(0.0);
        let mut s = [zero; REGISTERS];
        let mut c = [zero; REGISTERS];
        let (xp, yp) = (x.as_ptr(), y.as_ptr());
        let mut i = 0;
        while i < full {
            for r in 0..REGISTERS {
                let xv = T::load2(xp.add(i + 2 * r));
                let (t, e) = match TERMS {
                    VALUES => (xv, zero),
                    PRODUCTS => {
                        let yv = T::load2(yp.add(i + 2 * r));
                        let p = vmulq_f64(xv, yv);
                        // Products of two f32 values are exact in f64.
                        (
                            p,
                            if T::IS_F64 {
                                vfmaq_f64(vnegq_f64(p), xv, yv)
                            } else {
                                zero
                            },
                        )
                    }
                    _ => {
                        let d = vsubq_f64(xv, T::load2(yp.add(i + 2 * r)));
                        let p = vmulq_f64(d, d);
                        (p, vfmaq_f64(vnegq_f64(p), d, d))
                    }
                };
                // TwoSum, then c += e + product error, as `compensated::accumulate`.
                let n = vaddq_f64(s[r], t);
                let b = vsubq_f64(n, s[r]);
                let err = vaddq_f64(vsubq_f64(s[r], vsubq_f64(n, b)), vsubq_f64(t, b));
                c[r] = vaddq_f64(c[r], vaddq_f64(err, e));
                s[r] = n;
            }
            i += LANES;
        }
        let (mut sl, mut cl) = ([0.0; LANES], [0.0; LANES]);
        for r in 0..REGISTERS {
            vst1q_f64(sl.as_mut_ptr().add(2 * r), s[r]);
            vst1q_f64(cl.as_mut_ptr().add(2 * r), c[r]);
        }
        for (lane, (&xv, &yv)) in x[full..].iter().zip(&y[full..]).enumerate() {
            let (t, e) = term::<T, true, TERMS>(xv, yv);
            accumulate(&mut sl[lane], &mut cl[lane], t, e);
        }
        fold(&sl, &cl)
    }
}
