//! `sin` and `asin` as branch-free polynomials on reduced ranges, for kernels that must give the
//! same bits at every SIMD level: only IEEE-754 `+ - * / sqrt` and selects, no FMA, no libm call,
//! so the autovectorizer's 4- and 8-lane code rounds exactly as the scalar code does.

/// π/2 and π split into the nearest double and the rounding remainder (fdlibm's constants).
pub(crate) const PIO2_HI: f64 = std::f64::consts::FRAC_PI_2;
pub(crate) const PIO2_LO: f64 = 6.123_233_995_736_766e-17;
pub(crate) const PI_HI: f64 = std::f64::consts::PI;
pub(crate) const PI_LO: f64 = 1.224_646_799_147_353_2e-16;
/// Taylor coefficients of sin(x)/x - 1 in x² (−1/3!, 1/5!, …, −1/21!): on |x| <= π/2 the
/// first dropped term, (π/2)^23 / 23!, is below 1.3e-18, far under one ulp of sin.
const SIN: [f64; 10] = [
    -1.0 / 6.0,
    1.0 / 120.0,
    -1.0 / 5040.0,
    1.0 / 362_880.0,
    -1.0 / 39_916_800.0,
    1.0 / 6_227_020_800.0,
    -1.0 / 1_307_674_368_000.0,
    1.0 / 355_687_428_096_000.0,
    -1.0 / 121_645_100_408_832_000.0,
    1.0 / 51_090_942_171_709_440_000.0,
];

/// fdlibm's rational approximation (asin(x) - x) / x³ = P(x²) / Q(x²) on |x| <= 0.5, with
/// fdlibm's digits.
#[allow(clippy::excessive_precision)]
const PS: [f64; 6] = [
    1.666_666_666_666_666_574_15e-01,
    -3.255_658_186_224_009_154_05e-01,
    2.012_125_321_348_629_258_81e-01,
    -4.005_553_450_067_941_140_27e-02,
    7.915_349_942_898_145_321_76e-04,
    3.479_331_075_960_211_675_70e-05,
];
#[allow(clippy::excessive_precision)]
const QS: [f64; 4] = [
    -2.403_394_911_734_414_218_78e+00,
    2.020_945_760_233_505_694_71e+00,
    -6.882_839_716_054_532_930_30e-01,
    7.703_815_055_590_193_527_91e-02,
];

/// sin(x) for |x| <= π/2 (a few ulp). Beyond that range the result is finite but meaningless.
#[inline(always)]
pub(crate) fn sin_poly(x: f64) -> f64 {
    let x2 = x * x;
    let mut p = SIN[9];
    let mut i = 9;
    while i > 0 {
        i -= 1;
        p = p * x2 + SIN[i];
    }
    x + x * (x2 * p)
}

/// asin(s) for s in [0, 1] (fdlibm's reduction, without its extra-precision branch: a few ulp).
#[inline(always)]
pub(crate) fn asin_unit(s: f64) -> f64 {
    let big = s > 0.5;
    let z = if big { (1.0 - s) * 0.5 } else { s * s };
    let t = if big { z.sqrt() } else { s };
    let p = z * (PS[0] + z * (PS[1] + z * (PS[2] + z * (PS[3] + z * (PS[4] + z * PS[5])))));
    let q = 1.0 + z * (QS[0] + z * (QS[1] + z * (QS[2] + z * QS[3])));
    let w = t + t * (p / q);
    if big {
        PIO2_HI - (2.0 * w - PIO2_LO)
    } else {
        w
    }
}

#[cfg(test)]
mod tests {
    use super::{PIO2_HI, asin_unit, sin_poly};
    use crate::elementary::ulps;
    use proptest::prelude::*;

    #[test]
    fn exact_points() {
        assert_eq!(sin_poly(0.0), 0.0);
        assert_eq!(sin_poly(PIO2_HI), 1.0);
        assert_eq!(asin_unit(0.0), 0.0);
        assert_eq!(asin_unit(1.0), PIO2_HI);
    }

    proptest! {
        #[test]
        fn sin_within_a_few_ulp(x in -PIO2_HI..PIO2_HI) {
            prop_assert!(ulps(sin_poly(x), x.sin()) <= 4, "sin({x}) = {} vs {}", sin_poly(x), x.sin());
        }

        #[test]
        fn asin_within_a_few_ulp(s in 0.0f64..=1.0) {
            prop_assert!(ulps(asin_unit(s), s.asin()) <= 4, "asin({s}) = {} vs {}", asin_unit(s), s.asin());
        }
    }
}
