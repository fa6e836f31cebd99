//! Great-circle distances on a sphere: `haversine_many` (one point to many), `nearest_k` (brute
//! force) and [`GeoIndex`] (a kd-tree over unit vectors for repeated nearest/within queries).
//!
//! Coordinates are degrees (latitude in [-90, 90], longitude in [-180, 180]), distances km on a
//! sphere of radius [`EARTH_RADIUS_KM`] unless a radius is given. Every distance anywhere in this
//! module comes from [`Origin::distance`], which gives the same bits at every SIMD level and
//! thread count, so the index returns exactly what brute force returns: the same indices, the
//! same distances, sorted by distance with ties broken by the lower index.
mod distance;
mod index;
#[cfg(test)]
mod tests;

pub use distance::{
    EARTH_RADIUS_KM, Origin, all_in_range_with, distances_with, haversine_reference, terms_with,
};
pub use index::GeoIndex;

use crate::AbortFlag;
use crate::error::KernelError;
use crate::pool::Threads;
use crate::simd::SimdLevel;
use std::cmp::Ordering;

/// Below this many points a kernel stays on the calling thread (a few tens of µs of work, about
/// what waking the pool costs).
pub const PARALLEL_MIN_POINTS: usize = 1 << 15;

/// Below this many points `nearest_k` stays on the calling thread. With the box filter a point
/// costs ~1-2 ns, so 100,000 points take ~0.1-0.2 ms on one thread, about what waking the pool
/// and warming a second chunk (its first block computes every term) cost: measured on this
/// 2-core machine under a concurrent build (2026-11-23), one thread vs the pool took 162 vs 179 µs
/// at 100,000 points and 207 vs 216 µs at 131,072 (`cargo test` timing), and the npm bench's
/// `nearestK` row was 32-38x the pure-TS loop on one thread against 23-37x with the pool at
/// 65,536 and up.
pub const NEAREST_PARALLEL_MIN_POINTS: usize = 1 << 18;

/// Points handed to a pool thread at once, and how often kernels poll `abort`.
const CHUNK: usize = 1 << 14;

/// Points per parallel task of `haversine_many`. Smaller than `CHUNK` so that 2 threads share
/// 100,000 points evenly (7 chunks of 16,384 split 4 + 3: one thread did 57% of the work).
const DISTANCE_CHUNK: usize = 1 << 12;

/// Distances computed into a stack buffer at a time by `nearest_k` before heap selection.
const BLOCK: usize = 512;

/// Points `nearest_k` checks against its box at once (bits of one mask).
const GROUP: usize = 64;

pub(crate) fn check_lengths(
    lats: usize,
    lons: usize,
    name: &'static str,
) -> Result<(), KernelError> {
    if lats == lons {
        Ok(())
    } else {
        Err(KernelError::invalid(
            name,
            format!("the same length as the latitudes ({lats})"),
            format!("length {lons}"),
        ))
    }
}

pub(crate) fn check_k(k: usize) -> Result<(), KernelError> {
    if k == 0 {
        Err(KernelError::invalid("k", "an integer >= 1", "0"))
    } else {
        Ok(())
    }
}

/// Checks one coordinate pair: finite, latitude in [-90, 90], longitude in [-180, 180].
pub(crate) fn check_point(
    lat: f64,
    lon: f64,
    lat_name: &'static str,
    lon_name: &'static str,
) -> Result<(), KernelError> {
    if !(-90.0..=90.0).contains(&lat) {
        return Err(KernelError::invalid(
            lat_name,
            "a latitude in [-90, 90]",
            lat.to_string(),
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(KernelError::invalid(
            lon_name,
            "a longitude in [-180, 180]",
            lon.to_string(),
        ));
    }
    Ok(())
}

/// The index of the first point out of range (latitude outside [-90, 90], longitude outside
/// [-180, 180], or either not finite), if any. A scalar scan: kernels fold the check into their own
/// vectorized pass and call this only to name the culprit once they know there is one.
pub fn first_out_of_range(lats: &[f64], lons: &[f64]) -> Option<usize> {
    lats.iter()
        .zip(lons)
        .position(|(&lat, &lon)| !distance::in_range(lat, lon))
}

/// The error for point `i`, the first out of range: names the array (`lat_name` when the latitude
/// is bad, else `lon_name`), the expectation, and the value with its index, e.g. `The "lons"
/// argument must be finite longitudes in [-180, 180]. Received 181.0 at index 17`.
pub(crate) fn point_error(
    lats: &[f64],
    lons: &[f64],
    i: usize,
    lat_name: &'static str,
    lon_name: &'static str,
) -> KernelError {
    let (lat, lon) = (lats[i], lons[i]);
    if !(-90.0..=90.0).contains(&lat) {
        KernelError::invalid(
            lat_name,
            "finite latitudes in [-90, 90]",
            format!("{lat:?} at index {i}"),
        )
    } else {
        KernelError::invalid(
            lon_name,
            "finite longitudes in [-180, 180]",
            format!("{lon:?} at index {i}"),
        )
    }
}

/// Checks every point with one vectorized pass: `Ok` or [`point_error`] for the first bad one.
pub(crate) fn check_points(
    level: SimdLevel,
    lats: &[f64],
    lons: &[f64],
    lat_name: &'static str,
    lon_name: &'static str,
) -> Result<(), KernelError> {
    if all_in_range_with(level, lats, lons) {
        return Ok(());
    }
    out_of_range(lats, lons, lat_name, lon_name)
}

/// The error naming the first bad point, once a pass has found that there is one.
fn out_of_range(
    lats: &[f64],
    lons: &[f64],
    lat_name: &'static str,
    lon_name: &'static str,
) -> Result<(), KernelError> {
    match first_out_of_range(lats, lons) {
        Some(i) => Err(point_error(lats, lons, i, lat_name, lon_name)),
        None => Ok(()),
    }
}

/// The result order: by distance (`total_cmp`, so NaN last), then by index.
#[inline(always)]
pub(crate) fn by_distance(a: &(f64, u32), b: &(f64, u32)) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// The `k` smallest (distance, index) pairs seen so far, as a binary max-heap (no full sort).
pub(crate) struct TopK {
    k: usize,
    heap: Vec<(f64, u32)>,
}

impl TopK {
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            heap: Vec::with_capacity(k.min(1 << 16)),
        }
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, item: (f64, u32)) {
        let heap = &mut self.heap;
        if heap.len() < self.k {
            heap.push(item);
            let mut i = heap.len() - 1;
            while i > 0 {
                let parent = (i - 1) / 2;
                if by_distance(&heap[parent], &heap[i]) == Ordering::Less {
                    heap.swap(parent, i);
                    i = parent;
                } else {
                    break;
                }
            }
            return;
        }
        if by_distance(&item, &heap[0]) != Ordering::Less {
            return;
        }
        heap[0] = item;
        let n = heap.len();
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut largest = i;
            if l < n && by_distance(&heap[l], &heap[largest]) == Ordering::Greater {
                largest = l;
            }
            if r < n && by_distance(&heap[r], &heap[largest]) == Ordering::Greater {
                largest = r;
            }
            if largest == i {
                break;
            }
            heap.swap(i, largest);
            i = largest;
        }
    }

    pub(crate) fn into_vec(self) -> Vec<(f64, u32)> {
        self.heap
    }
}

/// Splits sorted (distance, index) pairs into the two result arrays.
pub(crate) fn into_arrays(pairs: Vec<(f64, u32)>) -> (Vec<u32>, Vec<f64>) {
    pairs.into_iter().map(|(d, i)| (i, d)).unzip()
}

/// `out[i]` = the distance from (`lat`, `lon`) to (`lats[i]`, `lons[i]`) on a sphere of
/// `radius_km`. All three slices have one length.
///
/// Every point must be in range (latitude in [-90, 90], longitude in [-180, 180], finite): the
/// check rides along the distance loop, and a bad point is an `InvalidValue` error naming the
/// first one (`lats` or `lons`, its value and index). `out` may then be partly written.
#[allow(clippy::too_many_arguments)]
pub fn haversine_many(
    lat: f64,
    lon: f64,
    lats: &[f64],
    lons: &[f64],
    radius_km: f64,
    out: &mut [f64],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    haversine_many_with(
        SimdLevel::detect(),
        lat,
        lon,
        lats,
        lons,
        radius_km,
        out,
        threads,
        abort,
    )
}

/// [`haversine_many`] compiled for `level` (benchmarks and tests compare levels).
#[allow(clippy::too_many_arguments)]
pub fn haversine_many_with(
    level: SimdLevel,
    lat: f64,
    lon: f64,
    lats: &[f64],
    lons: &[f64],
    radius_km: f64,
    out: &mut [f64],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    check_lengths(lats.len(), lons.len(), "lons")?;
    check_lengths(lats.len(), out.len(), "out")?;
    let origin = Origin::new(lat, lon, radius_km);
    // `Err(None)`: a point out of range somewhere in the chunk (named below, in index order).
    let run = |lats: &[f64], lons: &[f64], out: &mut [f64]| -> Result<(), Option<KernelError>> {
        abort.check().map_err(|e| Some(e.into()))?;
        if distances_with(level, &origin, lats, lons, out) {
            Ok(())
        } else {
            Err(None)
        }
    };
    let result = 'run: {
        #[cfg(feature = "parallel")]
        if crate::pool::parallel(threads, lats.len(), PARALLEL_MIN_POINTS) {
            let parts: Vec<_> = lats
                .chunks(DISTANCE_CHUNK)
                .zip(lons.chunks(DISTANCE_CHUNK))
                .zip(out.chunks_mut(DISTANCE_CHUNK))
                .collect();
            break 'run crate::pool::for_each_claimed(parts, |((a, b), o)| run(a, b, o));
        }
        let _ = threads;
        lats.chunks(CHUNK)
            .zip(lons.chunks(CHUNK))
            .zip(out.chunks_mut(CHUNK))
            .try_for_each(|((a, b), o)| run(a, b, o))
    };
    match result {
        Ok(()) => Ok(()),
        Err(Some(err)) => Err(err),
        Err(None) => out_of_range(lats, lons, "lats", "lons"),
    }
}

/// The selection state of one `nearest_k` chunk: the candidates, the `k` smallest haversine
/// terms seen so far, and the box of latitudes and longitudes outside which a point cannot win.
///
/// A point is a candidate while its haversine term `a` is within a relative 1e-9 of the k-th best
/// `a` (`bound`); candidates get an exact distance at the end. The computed distance is monotonic
/// in `a` up to a few ulp, far inside that slack, so the exact selection by (distance, index) sees
/// every point that can win. Before computing `a` at all, a point is rejected when it lies outside
/// the box [`Bands`] derives from `bound`: a subtraction and a comparison per coordinate. For
/// k = 5 among 100,000 uniform points only a handful of points fall inside it.
struct Select<'a> {
    origin: &'a Origin,
    lat: f64,
    lon: f64,
    k: usize,
    /// The k smallest non-negative `a` so far, as bits (non-negative doubles order like them).
    kth: std::collections::BinaryHeap<u64>,
    bound: f64,
    bands: Bands,
    candidates: Vec<(f64, u32)>,
}

/// Half-widths in degrees of the box around the query outside which a point's haversine term
/// `a = sin²(Δφ/2) + cos φ0 cos φ sin²(Δλ/2)` certainly exceeds `bound` (both terms are >= 0, up
/// to ~3e-16 where a computed cos φ rounds below 0 at a pole):
/// - `lat`: `|Δφ| > 2 asin(√B)` gives `sin²(Δφ/2) > B`, with `B = bound + 2e-15`;
/// - `lon`: inside the latitude band `cos φ >= cos(|φ0| + lat)`, so with that floor `cmin`,
///   `|Δλ|` (the shorter way round) `> 2 asin(√(B / (cos φ0 cmin)))` gives the second term `> B`.
///
/// Each is loosened by a relative 1e-6 (the floor too), orders of magnitude above the few ulp by
/// which the kernel's computed terms and these libm-based widths can err; the absolute 2e-15 in
/// `B` keeps the widths above ~5e-6 degrees, so the absolute rounding of the kernel's angle
/// reduction (~1e-14 degrees) stays far inside that relative margin. A width is infinite (no
/// filter) when its argument nears 1/2, where the relative margin would shrink.
#[derive(Clone, Copy)]
struct Bands {
    lat: f64,
    lon: f64,
    /// The bound these widths were computed for (they stay valid as it shrinks).
    bound: f64,
}

impl Bands {
    const NONE: Bands = Bands {
        lat: f64::INFINITY,
        lon: f64::INFINITY,
        bound: f64::INFINITY,
    };

    fn new(origin: &Origin, bound: f64) -> Self {
        let half_angle = |q: f64| -> f64 {
            if q < 0.5 {
                q.sqrt().asin() * (360.0 / std::f64::consts::PI) * (1.0 + 1e-6)
            } else {
                f64::INFINITY
            }
        };
        let b = bound + 2e-15;
        let lat = half_angle(b);
        let edge = origin.lat().abs() + lat;
        let lon = if edge < 89.0 {
            let cmin = origin.cos_lat() * edge.to_radians().cos() * (1.0 - 1e-6);
            half_angle(b / cmin)
        } else {
            f64::INFINITY
        };
        Bands { lat, lon, bound }
    }
}

impl Select<'_> {
    /// Whether (`lat`, `lon`) lies inside the box (branch-free, for vectorized loops).
    #[inline(always)]
    fn inside(&self, bands: &Bands, lat: f64, lon: f64) -> bool {
        let d = (lon - self.lon).abs();
        // Exact for d in [180, 360] (Sterbenz), the same angle the kernel reduces.
        let d = d.min(360.0 - d);
        ((lat - self.lat).abs() <= bands.lat) & (d <= bands.lon)
    }

    /// Considers point `index` with haversine term `a`.
    #[inline(always)]
    fn offer(&mut self, a: f64, index: u32) {
        if a > self.bound {
            return;
        }
        self.candidates.push((a, index));
        if a >= 0.0 {
            self.kth.push(a.to_bits());
            if self.kth.len() > self.k {
                self.kth.pop();
            }
            if self.kth.len() == self.k
                && let Some(&top) = self.kth.peek()
            {
                self.bound = f64::from_bits(top) * (1.0 + 1e-9) + 1e-300;
                // The widths cost an asin, sqrt and cos: recomputed when the bound has shrunk
                // by a few percent (a large k updates it thousands of times).
                if self.bound < self.bands.bound * 0.97 {
                    self.bands = Bands::new(self.origin, self.bound);
                }
            }
        }
    }

    /// Drops candidates the bound has since excluded, when there are many.
    fn prune(&mut self) {
        if self.candidates.len() > 8 * self.k.max(BLOCK) {
            let bound = self.bound;
            self.candidates.retain(|&(a, _)| a <= bound);
        }
    }
}

/// One block, sparse: for [`GROUP`] points at a time, one vectorized pass builds two bit masks
/// (points out of range, points inside the box), then only the points inside get a haversine term
/// and are offered. Returns whether every point was in range (stopping at the first bad group)
/// and how many points were inside the box.
#[inline(always)]
fn select_sparse_body(
    sel: &mut Select<'_>,
    lats: &[f64],
    lons: &[f64],
    start: usize,
) -> (bool, usize) {
    let n = lats.len().min(lons.len());
    let (lats, lons) = (&lats[..n], &lons[..n]);
    let origin = *sel.origin;
    let mut inside = 0;
    for (g, (la, lo)) in lats.chunks(GROUP).zip(lons.chunks(GROUP)).enumerate() {
        let bands = sel.bands;
        let (mut bad, mut hits) = (0u64, 0u64);
        // Bit j set by a select, not a branch: the loop becomes vector compares and mask moves.
        for (j, (&a, &b)) in la.iter().zip(lo).enumerate() {
            let bit = 1u64 << j;
            bad |= if distance::in_range(a, b) { 0 } else { bit };
            hits |= if sel.inside(&bands, a, b) { bit } else { 0 };
        }
        if bad != 0 {
            return (false, inside);
        }
        let at = start + g * GROUP;
        while hits != 0 {
            let j = hits.trailing_zeros() as usize;
            hits &= hits - 1;
            inside += 1;
            sel.offer(origin.haversine(la[j], lo[j]), (at + j) as u32);
        }
    }
    (true, inside)
}

crate::simd::per_level!(
    /// [`select_sparse_body`] compiled for `level`.
    fn select_sparse_with(
        sel: &mut Select<'_>,
        lats: &[f64],
        lons: &[f64],
        start: usize
    ) -> (bool, usize) = select_sparse_body
);

/// The `k` smallest (distance, index) pairs of one chunk starting at index `base`, or `None` when
/// a point of the chunk is out of range.
///
/// Blocks of [`BLOCK`] points run sparse ([`select_sparse_body`]) while few points fall inside
/// the latitude band, and dense otherwise (every `a` computed by the vectorized [`terms_with`],
/// then offered): a block whose band held more than a quarter of its points makes the next one
/// dense (clustered data, a large `k`, the first block), and a dense block with fewer makes the
/// next one sparse.
fn chunk_top_k(
    level: SimdLevel,
    origin: &Origin,
    lats: &[f64],
    lons: &[f64],
    base: usize,
    k: usize,
) -> Option<Vec<(f64, u32)>> {
    let k = k.min(lats.len());
    let mut sel = Select {
        origin,
        lat: origin.lat(),
        lon: origin.lon(),
        k,
        kth: std::collections::BinaryHeap::with_capacity(k + 1),
        bound: f64::INFINITY,
        bands: Bands::NONE,
        candidates: Vec::with_capacity(4 * k.min(BLOCK)),
    };
    let mut buffer = [0.0f64; BLOCK];
    let mut dense = true;
    for (b, (la, lo)) in lats.chunks(BLOCK).zip(lons.chunks(BLOCK)).enumerate() {
        let start = base + b * BLOCK;
        let inside = if dense {
            let terms = &mut buffer[..la.len()];
            if !terms_with(level, origin, la, lo, terms) {
                return None;
            }
            for (j, &a) in terms.iter().enumerate() {
                sel.offer(a, (start + j) as u32);
            }
            // Points inside the box, as the sparse pass counts them.
            let bands = sel.bands;
            la.iter()
                .zip(lo)
                .filter(|&(&a, &b)| sel.inside(&bands, a, b))
                .count()
        } else {
            let (ok, inside) = select_sparse_with(level, &mut sel, la, lo, start);
            if !ok {
                return None;
            }
            inside
        };
        dense = inside * 8 > la.len();
        sel.prune();
    }
    let mut top = TopK::new(k);
    for &(a, i) in &sel.candidates {
        if a <= sel.bound {
            top.push((origin.finish(a), i));
        }
    }
    Some(top.into_vec())
}

/// The `k` points nearest to (`lat`, `lon`) by brute force, on a sphere of [`EARTH_RADIUS_KM`]:
/// indices and distances in km, ascending by distance, ties by the lower index. `k >= n` returns
/// every point, sorted. At most 2^32 - 1 points.
#[allow(clippy::too_many_arguments)]
pub fn nearest_k(
    lat: f64,
    lon: f64,
    lats: &[f64],
    lons: &[f64],
    k: usize,
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(Vec<u32>, Vec<f64>), KernelError> {
    nearest_k_with(SimdLevel::detect(), lat, lon, lats, lons, k, threads, abort)
}

/// [`nearest_k`] compiled for `level`.
#[allow(clippy::too_many_arguments)]
pub fn nearest_k_with(
    level: SimdLevel,
    lat: f64,
    lon: f64,
    lats: &[f64],
    lons: &[f64],
    k: usize,
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(Vec<u32>, Vec<f64>), KernelError> {
    check_lengths(lats.len(), lons.len(), "lons")?;
    check_k(k)?;
    if lats.len() > u32::MAX as usize {
        return Err(KernelError::invalid(
            "lats",
            "at most 4294967295 points",
            format!("{} points", lats.len()),
        ));
    }
    let origin = Origin::new(lat, lon, EARTH_RADIUS_KM);
    type Part = Result<Vec<(f64, u32)>, Option<KernelError>>;
    let chunk = |(c, (la, lo)): (usize, (&[f64], &[f64]))| -> Part {
        abort.check().map_err(|e| Some(e.into()))?;
        // `Err(None)`: a point out of range in the chunk (named below, in index order).
        chunk_top_k(level, &origin, la, lo, c * CHUNK, k).ok_or(None)
    };
    let serial = || -> Result<Vec<_>, _> {
        lats.chunks(CHUNK)
            .zip(lons.chunks(CHUNK))
            .enumerate()
            .map(chunk)
            .collect()
    };
    let parts: Result<Vec<Vec<(f64, u32)>>, Option<KernelError>> = 'run: {
        #[cfg(feature = "parallel")]
        if crate::pool::parallel(threads, lats.len(), NEAREST_PARALLEL_MIN_POINTS) {
            let parts: Vec<_> = lats.chunks(CHUNK).zip(lons.chunks(CHUNK)).collect();
            break 'run crate::pool::map_claimed(parts.len(), |i| chunk((i, parts[i])));
        }
        let _ = threads;
        serial()
    };
    let parts = match parts {
        Ok(parts) => parts,
        Err(Some(err)) => return Err(err),
        Err(None) => {
            out_of_range(lats, lons, "lats", "lons")?;
            unreachable!("a chunk reported a point out of range that the scan did not find")
        }
    };
    let mut all: Vec<(f64, u32)> = if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        let mut top = TopK::new(k.min(lats.len()));
        for item in parts.into_iter().flatten() {
            top.push(item);
        }
        top.into_vec()
    };
    all.sort_unstable_by(by_distance);
    Ok(into_arrays(all))
}
