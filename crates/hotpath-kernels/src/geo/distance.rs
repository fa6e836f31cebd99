//! The one haversine function every geo kernel uses, and the branch-free `sin`/`asin` it is built
//! from.
//!
//! Exactness across SIMD levels: [`distance`] uses only IEEE-754 `+ - * / sqrt` and selects, no
//! FMA and no libm call. Rust never contracts `a * b + c` into an FMA and LLVM never reassociates
//! floating-point math without fast-math flags, so the baseline (SSE2), AVX2 and AVX-512 builds of
//! the same loop round every operation identically: results agree bit for bit at every level and
//! thread count (tested in `tests.rs`). The autovectorizer still turns the loop into 4- or 8-lane
//! code because nothing in it branches or calls out.
//!
//! Accuracy against the scalar libm formula (`haversine_reference`): within 1e-13 relative plus
//! 1e-9 km, except within ~1e-7 rad of antipodal points, where the formula itself is
//! ill-conditioned (one ulp of `a` moves `asin(sqrt(a))` by up to ~1e-8 rad) and both results are
//! only as good as `a`; there the bound holds on `a` (see the tests).

/// Mean Earth radius in km (IUGG), the default radius of every geo kernel.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

const DEG_TO_RAD: f64 = std::f64::consts::PI / 180.0;
const DEG_TO_HALF_RAD: f64 = std::f64::consts::PI / 360.0;
/// π/2 and π split into the nearest double and the rounding remainder (fdlibm's constants).
const PIO2_HI: f64 = std::f64::consts::FRAC_PI_2;
const PIO2_LO: f64 = 6.123_233_995_736_766e-17;
const PI_HI: f64 = std::f64::consts::PI;
const PI_LO: f64 = 1.224_646_799_147_353_2e-16;
/// Adding this rounds a double below 2^51 in magnitude to an integer (see `math::exp`).
const ROUNDER: f64 = 6_755_399_441_055_744.0;

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

/// cos of a latitude in degrees, |lat| <= 90: sin(π/2 - |φ|) with π/2 in two parts, so the
/// result stays accurate relative to its own size near the poles.
#[inline(always)]
pub(crate) fn cos_lat(lat: f64) -> f64 {
    let phi = lat.abs() * DEG_TO_RAD;
    sin_poly((PIO2_HI - phi) + PIO2_LO)
}

/// sin² of half a longitude difference in degrees (|Δλ| <= 360): sin² has period π, so the
/// half-angle is reduced by the nearest multiple of π (exactly: the multiple is -1, 0 or 1).
#[inline(always)]
fn sin2_half_lon(dlon: f64) -> f64 {
    let x = dlon * DEG_TO_HALF_RAD;
    let k = (x * std::f64::consts::FRAC_1_PI + ROUNDER) - ROUNDER;
    let r = (x - k * PI_HI) - k * PI_LO;
    let s = sin_poly(r);
    s * s
}

/// asin(s) for s in [0, 1] (fdlibm's reduction, without its extra-precision branch: a few ulp).
#[inline(always)]
fn asin_unit(s: f64) -> f64 {
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

/// One end of every distance, with what depends only on it computed once.
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    lat: f64,
    lon: f64,
    cos_lat: f64,
    diameter: f64,
}

impl Origin {
    /// `lat`, `lon` in degrees; `radius` in the unit the distances should have.
    pub fn new(lat: f64, lon: f64, radius: f64) -> Self {
        Self {
            lat,
            lon,
            cos_lat: cos_lat(lat),
            diameter: 2.0 * radius,
        }
    }

    /// The latitude of this end, in degrees.
    #[inline(always)]
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// The longitude of this end, in degrees.
    #[inline(always)]
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// The computed cos of this end's latitude (the factor every [`Self::haversine`] uses).
    #[inline(always)]
    pub fn cos_lat(&self) -> f64 {
        self.cos_lat
    }

    /// The haversine distance to (`lat`, `lon`) in degrees:
    /// `2 R asin(min(1, sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))))`.
    #[inline(always)]
    pub fn distance(&self, lat: f64, lon: f64) -> f64 {
        self.finish(self.haversine(lat, lon))
    }

    /// The haversine term `a = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)` (the distance is
    /// [`Self::finish`] of it). Costs about half of [`Self::distance`]: selections prefilter by it.
    #[inline(always)]
    pub fn haversine(&self, lat: f64, lon: f64) -> f64 {
        let s = sin_poly((lat - self.lat) * DEG_TO_HALF_RAD);
        s * s + (self.cos_lat * cos_lat(lat)) * sin2_half_lon(lon - self.lon)
    }

    /// The distance for a haversine term `a`: `2 R asin(min(1, sqrt(a)))`.
    #[inline(always)]
    pub fn finish(&self, a: f64) -> f64 {
        let root = a.sqrt();
        // NaN stays NaN (the comparison is false).
        let root = if root > 1.0 { 1.0 } else { root };
        self.diameter * asin_unit(root)
    }
}

/// The textbook formula with libm `sin`, `cos`, `asin`: the accuracy reference for the tests.
pub fn haversine_reference(lat1: f64, lon1: f64, lat2: f64, lon2: f64, radius: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * radius * a.sqrt().min(1.0).asin()
}

/// Whether (`lat`, `lon`) is a valid point: latitude in [-90, 90], longitude in [-180, 180], both
/// finite (NaN fails both comparisons). Branch-free, so loops that fold it vectorize.
#[inline(always)]
pub(crate) fn in_range(lat: f64, lon: f64) -> bool {
    (lat.abs() <= 90.0) & (lon.abs() <= 180.0)
}

/// The distances, and whether every point was in range (the check rides along the compute-bound
/// loop for free; the distances of out-of-range points are meaningless).
#[inline(always)]
fn distances_body(origin: &Origin, lats: &[f64], lons: &[f64], out: &mut [f64]) -> bool {
    let n = out.len().min(lats.len()).min(lons.len());
    let (lats, lons, out) = (&lats[..n], &lons[..n], &mut out[..n]);
    let mut ok = true;
    for i in 0..n {
        let (lat, lon) = (lats[i], lons[i]);
        ok &= in_range(lat, lon);
        out[i] = origin.distance(lat, lon);
    }
    ok
}

/// The haversine terms, and whether every point was in range.
#[inline(always)]
fn terms_body(origin: &Origin, lats: &[f64], lons: &[f64], out: &mut [f64]) -> bool {
    let n = out.len().min(lats.len()).min(lons.len());
    let (lats, lons, out) = (&lats[..n], &lons[..n], &mut out[..n]);
    let mut ok = true;
    for i in 0..n {
        let (lat, lon) = (lats[i], lons[i]);
        ok &= in_range(lat, lon);
        out[i] = origin.haversine(lat, lon);
    }
    ok
}

/// Whether every point is in range: 8 points at a time, so the fold vectorizes.
#[inline(always)]
fn all_in_range_body(lats: &[f64], lons: &[f64]) -> bool {
    let n = lats.len().min(lons.len());
    let (lats, lons) = (&lats[..n], &lons[..n]);
    let mut ok = true;
    for (la, lo) in lats.chunks(8).zip(lons.chunks(8)) {
        for (&a, &b) in la.iter().zip(lo) {
            ok &= in_range(a, b);
        }
    }
    ok
}

/// `pub fn $name(level, args...) -> $ret`: `$body(args...)` compiled for AVX-512, AVX2 and
/// baseline, run at `level` lowered to what the CPU supports. The bodies use no FMA and no libm,
/// so every level gives the same bits.
macro_rules! per_level {
    ($(#[$doc:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $body:ident) => {
        $(#[$doc])*
        $vis fn $name(level: crate::simd::SimdLevel, $($arg: $ty),*) -> $ret {
            use crate::simd::SimdLevel;
            let _ = level;
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                unsafe fn avx2($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
                unsafe fn avx512($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                if level == SimdLevel::Avx512 && level.is_supported() {
                    // SAFETY: the CPU reported AVX-512 F/DQ/VL, AVX2 and FMA.
                    return unsafe { avx512($($arg),*) };
                }
                if level >= SimdLevel::Avx2 && SimdLevel::Avx2.is_supported() {
                    // SAFETY: the CPU reported AVX2 and FMA.
                    return unsafe { avx2($($arg),*) };
                }
            }
            $body($($arg),*)
        }
    };
}
pub(crate) use per_level;

per_level!(
    /// `out[i] = origin.haversine(lats[i], lons[i])`, compiled for `level`; the same bits at every
    /// level. Returns whether every point was in range ([-90, 90] x [-180, 180], finite).
    pub fn terms_with(origin: &Origin, lats: &[f64], lons: &[f64], out: &mut [f64]) -> bool = terms_body
);
per_level!(
    /// `out[i] = origin.distance(lats[i], lons[i])`, compiled for `level` (lowered to what the CPU
    /// supports). Every level gives the same bits. Returns whether every point was in range
    /// ([-90, 90] x [-180, 180], finite); `out` is filled either way.
    pub fn distances_with(origin: &Origin, lats: &[f64], lons: &[f64], out: &mut [f64]) -> bool = distances_body
);
per_level!(
    /// Whether every (`lats[i]`, `lons[i]`) is in range ([-90, 90] x [-180, 180], finite).
    pub fn all_in_range_with(lats: &[f64], lons: &[f64]) -> bool = all_in_range_body
);
