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

pub use distance::{EARTH_RADIUS_KM, Origin, distances_with, haversine_reference, terms_with};
pub use index::GeoIndex;

use crate::AbortFlag;
use crate::error::KernelError;
use crate::pool::Threads;
use crate::simd::SimdLevel;
use std::cmp::Ordering;

/// Below this many points a kernel stays on the calling thread (a few tens of µs of work, about
/// what waking the pool costs).
pub const PARALLEL_MIN_POINTS: usize = 1 << 15;

/// Points handed to a pool thread at once, and how often kernels poll `abort`.
const CHUNK: usize = 1 << 14;

/// Distances computed into a stack buffer at a time by `nearest_k` before heap selection.
const BLOCK: usize = 512;

fn parallel(threads: Threads, len: usize) -> bool {
    cfg!(feature = "parallel")
        && threads == Threads::Auto
        && len >= PARALLEL_MIN_POINTS
        && crate::pool::threads() > 1
}

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
    let run = |lats: &[f64], lons: &[f64], out: &mut [f64]| -> Result<(), KernelError> {
        abort.check()?;
        distances_with(level, &origin, lats, lons, out);
        Ok(())
    };
    #[cfg(feature = "parallel")]
    if parallel(threads, lats.len()) {
        use rayon::prelude::*;
        return crate::pool::install(|| {
            lats.par_chunks(CHUNK)
                .zip(lons.par_chunks(CHUNK))
                .zip(out.par_chunks_mut(CHUNK))
                .try_for_each(|((a, b), o)| run(a, b, o))
        });
    }
    let _ = threads;
    lats.chunks(CHUNK)
        .zip(lons.chunks(CHUNK))
        .zip(out.chunks_mut(CHUNK))
        .try_for_each(|((a, b), o)| run(a, b, o))
}

/// The `k` smallest (distance, index) pairs of one chunk starting at index `base`.
///
/// A first pass ranks points by the haversine term `a` (the distance grows with it, and `a`
/// skips the sqrt, division and asin); only points whose `a` is within a relative 1e-9 of the
/// k-th best `a` get an exact distance. The computed distance is monotonic in `a` up to a few
/// ulp, far inside that slack, so the exact selection by (distance, index) sees every point
/// that can win.
fn chunk_top_k(
    level: SimdLevel,
    origin: &Origin,
    lats: &[f64],
    lons: &[f64],
    base: usize,
    k: usize,
) -> Vec<(f64, u32)> {
    let loosen = |a: f64| a * (1.0 + 1e-9) + 1e-300;
    let k = k.min(lats.len());
    let mut kth = std::collections::BinaryHeap::<u64>::with_capacity(k + 1);
    let mut bound = f64::INFINITY;
    let mut candidates: Vec<(f64, u32)> = Vec::with_capacity(4 * k.min(BLOCK));
    let mut buffer = [0.0f64; BLOCK];
    for (b, (la, lo)) in lats.chunks(BLOCK).zip(lons.chunks(BLOCK)).enumerate() {
        let terms = &mut buffer[..la.len()];
        terms_with(level, origin, la, lo, terms);
        let start = base + b * BLOCK;
        for (j, &a) in terms.iter().enumerate() {
            // NaN (only from invalid input) is kept, so it still sorts last as in a full sort.
            if a.partial_cmp(&bound) == Some(Ordering::Greater) {
                continue;
            }
            candidates.push((a, (start + j) as u32));
            if a >= 0.0 {
                // Non-negative doubles order like their bit patterns.
                kth.push(a.to_bits());
                if kth.len() > k {
                    kth.pop();
                }
                if kth.len() == k
                    && let Some(&top) = kth.peek()
                {
                    bound = loosen(f64::from_bits(top));
                }
            }
        }
        if candidates.len() > 8 * k.max(BLOCK) {
            candidates.retain(|&(a, _)| a.partial_cmp(&bound) != Some(Ordering::Greater));
        }
    }
    let mut top = TopK::new(k);
    for &(a, i) in &candidates {
        if a.partial_cmp(&bound) != Some(Ordering::Greater) {
            top.push((origin.finish(a), i));
        }
    }
    top.into_vec()
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
    let chunk = |(c, (la, lo)): (usize, (&[f64], &[f64]))| -> Result<Vec<(f64, u32)>, KernelError> {
        abort.check()?;
        Ok(chunk_top_k(level, &origin, la, lo, c * CHUNK, k))
    };
    let parts: Vec<Vec<(f64, u32)>> = {
        #[cfg(feature = "parallel")]
        if parallel(threads, lats.len()) {
            use rayon::prelude::*;
            crate::pool::install(|| {
                lats.par_chunks(CHUNK)
                    .zip(lons.par_chunks(CHUNK))
                    .enumerate()
                    .map(chunk)
                    .collect::<Result<_, KernelError>>()
            })?
        } else {
            lats.chunks(CHUNK)
                .zip(lons.chunks(CHUNK))
                .enumerate()
                .map(chunk)
                .collect::<Result<_, KernelError>>()?
        }
        #[cfg(not(feature = "parallel"))]
        {
            let _ = threads;
            lats.chunks(CHUNK)
                .zip(lons.chunks(CHUNK))
                .enumerate()
                .map(chunk)
                .collect::<Result<_, KernelError>>()?
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
