//! The one haversine function every geo kernel uses, built from the branch-free `sin`/`asin` in
//! [`crate::elementary::trig`].
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

use crate::elementary::trig::{PI_HI, PI_LO, PIO2_HI, PIO2_LO, asin_unit, sin_poly};

/// Mean Earth radius in km (IUGG), the default radius of every geo kernel.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

const DEG_TO_RAD: f64 = std::f64::consts::PI / 180.0;
const DEG_TO_HALF_RAD: f64 = std::f64::consts::PI / 360.0;
/// Adding this rounds a double below 2^51 in magnitude to an integer (see `elementary::exp`).
const ROUNDER: f64 = 6_755_399_441_055_744.0;

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

use crate::simd::per_level;

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
