//! [`GeoIndex`]: a static kd-tree over points on the unit sphere.
//!
//! Points are stored as 3D unit vectors. The straight-line (chord) distance between two unit
//! vectors grows monotonically with their great-circle distance, so a Euclidean kd-tree finds
//! great-circle neighbours with no special cases at the antimeridian or the poles. The tree only
//! prunes: the search keeps every point whose chord is within a small slack (relative 1e-9 plus
//! 1e-14, far above the ~1e-15 by which the chord and the haversine can disagree) of the current
//! k-th best chord, then ranks those candidates by [`Origin::distance`] and index, exactly as
//! brute force ranks all points. The answers are therefore identical to `nearest_k`'s.
//!
//! Layout: one `Vec` of nodes in preorder (left child = next node), points reordered so that each
//! node covers a contiguous range, coordinates in flat arrays. Building is O(n log n): a median
//! split (`select_nth_unstable`) along the widest axis, down to leaves of at most [`LEAF`] points.
use super::distance::{EARTH_RADIUS_KM, Origin, cos_lat};
use super::{TopK, by_distance, check_k, check_lengths, check_point, check_points, into_arrays};
use crate::AbortFlag;
use crate::elementary::trig::{PI_HI, PI_LO, PIO2_HI, PIO2_LO, sin_poly};
use crate::error::KernelError;
use crate::pool::Threads;
use crate::simd::SimdLevel;
use std::collections::BinaryHeap;

/// Points per leaf at most.
pub const LEAF: usize = 32;
/// Below this many points the build stays on the calling thread; subtrees at least this large are
/// built in parallel.
const PARALLEL_BUILD_MIN: usize = 1 << 14;
const REL_SLACK: f64 = 1e-9;
const ABS_SLACK: f64 = 1e-14;
/// Queries handed to a pool thread at once by `nearest_batch`, and how often it polls `abort`.
const QUERY_CHUNK: usize = 64;

#[derive(Clone, Copy, Debug)]
struct Node {
    min: [f64; 3],
    max: [f64; 3],
    start: u32,
    end: u32,
    /// The right child's position; 0 for a leaf (the root is never anyone's child).
    right: u32,
}

/// A point as a unit vector, `(cos φ cos λ, cos φ sin λ, sin φ)`, from degrees. Accurate to a few
/// ulp (the search's slack covers far more).
#[inline(always)]
fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    const DEG: f64 = std::f64::consts::PI / 180.0;
    let cos_phi = cos_lat(lat);
    let sin_phi = sin_poly(lat * DEG);
    let lambda = lon * DEG;
    let abs = lambda.abs();
    let cos_lambda = sin_poly((PIO2_HI - abs) + PIO2_LO);
    // sin λ = sin(π - λ) folds |λ| > π/2 back into the polynomial's range.
    let folded = (PI_HI - abs) + PI_LO;
    let sin_lambda = if abs > PIO2_HI {
        sin_poly(folded).copysign(lambda)
    } else {
        sin_poly(lambda)
    };
    [cos_phi * cos_lambda, cos_phi * sin_lambda, sin_phi]
}

/// The squared chord bound for a great-circle distance of `km`, loosened by the slack.
fn chord2_bound(km: f64) -> f64 {
    let theta = km / EARTH_RADIUS_KM;
    if theta.is_nan() || theta >= std::f64::consts::PI {
        return f64::INFINITY;
    }
    let chord = 2.0 * (theta.max(0.0) / 2.0).sin();
    loosen(chord * chord)
}

/// A squared chord slightly above `c2`, so that no point the haversine ranks at or before `c2`'s
/// point can be pruned.
#[inline(always)]
fn loosen(c2: f64) -> f64 {
    let c = c2.sqrt() * (1.0 + REL_SLACK) + ABS_SLACK;
    c * c
}

/// Reusable buffers of one search.
#[derive(Default)]
struct Scratch {
    stack: Vec<(u32, f64)>,
    chords: BinaryHeap<u64>,
    candidates: Vec<(f64, u32)>,
}

/// Runs `f` with this thread's search buffers, so single queries allocate only their result.
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let result = f(&mut scratch);
            // A huge `within` result should not stay allocated for the thread's life.
            if scratch.candidates.capacity() > 1 << 16 {
                *scratch = Scratch::default();
            }
            result
        }
        Err(_) => f(&mut Scratch::default()),
    })
}

/// A static spatial index over points given in degrees; distances in km on a sphere of
/// [`EARTH_RADIUS_KM`].
#[derive(Debug, Default)]
pub struct GeoIndex {
    nodes: Vec<Node>,
    x: Vec<f64>,
    y: Vec<f64>,
    z: Vec<f64>,
    lats: Vec<f64>,
    lons: Vec<f64>,
    ids: Vec<u32>,
}

#[derive(Clone, Copy)]
struct Item {
    p: [f64; 3],
    id: u32,
}

impl GeoIndex {
    /// Builds the index. Every point must have a finite latitude in [-90, 90] and longitude in
    /// [-180, 180]; at most 2^32 - 1 points.
    pub fn build(
        lats: &[f64],
        lons: &[f64],
        threads: Threads,
        abort: &AbortFlag,
    ) -> Result<Self, KernelError> {
        check_lengths(lats.len(), lons.len(), "lons")?;
        if lats.len() >= u32::MAX as usize {
            return Err(KernelError::invalid(
                "lats",
                "fewer than 4294967295 points",
                format!("{} points", lats.len()),
            ));
        }
        check_points(SimdLevel::detect(), lats, lons, "lats", "lons")?;
        // Progress: points placed in their leaf.
        abort.begin(lats.len() as u64);
        let parallel = crate::pool::parallel(threads, lats.len(), PARALLEL_BUILD_MIN);
        let item = |(i, (&lat, &lon)): (usize, (&f64, &f64))| Item {
            p: unit_vector(lat, lon),
            id: i as u32,
        };
        let mut items: Vec<Item>;
        let nodes;
        #[cfg(feature = "parallel")]
        if parallel {
            use rayon::prelude::*;
            items =
                crate::pool::install(|| lats.par_iter().zip(lons).enumerate().map(item).collect());
            nodes = crate::pool::install(|| build_tree(&mut items, 0, true, abort))?;
        } else {
            items = lats.iter().zip(lons).enumerate().map(item).collect();
            nodes = build_tree(&mut items, 0, false, abort)?;
        }
        #[cfg(not(feature = "parallel"))]
        {
            let _ = parallel;
            items = lats.iter().zip(lons).enumerate().map(item).collect();
            nodes = build_tree(&mut items, 0, false, abort)?;
        }
        let ids: Vec<u32> = items.iter().map(|it| it.id).collect();
        Ok(Self {
            nodes,
            x: items.iter().map(|it| it.p[0]).collect(),
            y: items.iter().map(|it| it.p[1]).collect(),
            z: items.iter().map(|it| it.p[2]).collect(),
            lats: ids.iter().map(|&i| lats[i as usize]).collect(),
            lons: ids.iter().map(|&i| lons[i as usize]).collect(),
            ids,
        })
    }

    /// Number of indexed points.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The `k` points nearest to (`lat`, `lon`), ascending by distance, ties by the lower index;
    /// with `max_distance_km`, only points at most that far (so possibly fewer than `k`). Equals
    /// `nearest_k` (then filtered by the distance) exactly.
    pub fn nearest(
        &self,
        lat: f64,
        lon: f64,
        k: usize,
        max_distance_km: Option<f64>,
    ) -> Result<(Vec<u32>, Vec<f64>), KernelError> {
        check_point(lat, lon, "lat", "lon")?;
        check_k(k)?;
        if let Some(d) = max_distance_km
            && d.is_nan()
        {
            return Err(KernelError::invalid(
                "maxDistanceKm",
                "a number >= 0",
                "NaN",
            ));
        }
        let mut out = Vec::with_capacity(k.min(self.len()));
        with_scratch(|scratch| self.query(lat, lon, k, max_distance_km, scratch, &mut out));
        Ok(into_arrays(out))
    }

    /// Every point within `radius_km` of (`lat`, `lon`) (inclusive), ascending by distance, ties
    /// by the lower index.
    pub fn within(
        &self,
        lat: f64,
        lon: f64,
        radius_km: f64,
        abort: &AbortFlag,
    ) -> Result<(Vec<u32>, Vec<f64>), KernelError> {
        check_point(lat, lon, "lat", "lon")?;
        if radius_km.is_nan() {
            return Err(KernelError::invalid("radiusKm", "a number >= 0", "NaN"));
        }
        abort.check()?;
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        self.query(
            lat,
            lon,
            usize::MAX,
            Some(radius_km),
            &mut scratch,
            &mut out,
        );
        abort.check()?;
        Ok(into_arrays(out))
    }

    /// `nearest(lat, lon, k)` for every query, flat: query `q`'s results are at
    /// `q * m .. (q + 1) * m` with `m = min(k, len())`, so every row is full.
    pub fn nearest_batch(
        &self,
        lats: &[f64],
        lons: &[f64],
        k: usize,
        threads: Threads,
        abort: &AbortFlag,
    ) -> Result<(Vec<u32>, Vec<f64>), KernelError> {
        check_lengths(lats.len(), lons.len(), "queryLons")?;
        check_k(k)?;
        check_points(SimdLevel::detect(), lats, lons, "queryLats", "queryLons")?;
        let m = k.min(self.len());
        let total = lats.len().checked_mul(m).ok_or_else(|| {
            KernelError::invalid("k", "a result that fits in memory", k.to_string())
        })?;
        let too_big = |_| KernelError::invalid("k", "a result that fits in memory", k.to_string());
        let mut indices: Vec<u32> = Vec::new();
        let mut distances: Vec<f64> = Vec::new();
        indices.try_reserve_exact(total).map_err(too_big)?;
        distances.try_reserve_exact(total).map_err(too_big)?;
        indices.resize(total, 0);
        distances.resize(total, 0.0);
        if m == 0 {
            return Ok((indices, distances));
        }
        abort.begin(lats.len() as u64);
        let run = |la: &[f64], lo: &[f64], ix: &mut [u32], ds: &mut [f64]| {
            abort.check()?;
            let mut scratch = Scratch::default();
            let mut out = Vec::with_capacity(m);
            for (q, (&lat, &lon)) in la.iter().zip(lo).enumerate() {
                self.query(lat, lon, m, None, &mut scratch, &mut out);
                for (j, &(d, id)) in out.iter().enumerate() {
                    ix[q * m + j] = id;
                    ds[q * m + j] = d;
                }
            }
            abort.advance(la.len() as u64);
            Ok::<(), KernelError>(())
        };
        #[cfg(feature = "parallel")]
        if crate::pool::parallel(threads, lats.len(), QUERY_CHUNK + 1) {
            use rayon::prelude::*;
            crate::pool::install(|| {
                lats.par_chunks(QUERY_CHUNK)
                    .zip(lons.par_chunks(QUERY_CHUNK))
                    .zip(indices.par_chunks_mut(QUERY_CHUNK * m))
                    .zip(distances.par_chunks_mut(QUERY_CHUNK * m))
                    .try_for_each(|(((la, lo), ix), ds)| run(la, lo, ix, ds))
            })?;
            return Ok((indices, distances));
        }
        let _ = threads;
        lats.chunks(QUERY_CHUNK)
            .zip(lons.chunks(QUERY_CHUNK))
            .zip(indices.chunks_mut(QUERY_CHUNK * m))
            .zip(distances.chunks_mut(QUERY_CHUNK * m))
            .try_for_each(|(((la, lo), ix), ds)| run(la, lo, ix, ds))?;
        Ok((indices, distances))
    }

    /// The shared search: up to `k` (distance, index) pairs into `out`, sorted, all at most
    /// `max_km` away when given. Arguments are already checked.
    fn query(
        &self,
        lat: f64,
        lon: f64,
        k: usize,
        max_km: Option<f64>,
        scratch: &mut Scratch,
        out: &mut Vec<(f64, u32)>,
    ) {
        out.clear();
        if self.nodes.is_empty() || max_km.is_some_and(|d| d < 0.0) {
            return;
        }
        let q = unit_vector(lat, lon);
        let limited = k < self.len();
        let bound = self.collect(q, if limited { k } else { 0 }, max_km, scratch);
        let origin = Origin::new(lat, lon, EARTH_RADIUS_KM);
        let max = max_km.unwrap_or(f64::INFINITY);
        for &(c2, pos) in &scratch.candidates {
            if c2 <= bound {
                let pos = pos as usize;
                let d = origin.distance(self.lats[pos], self.lons[pos]);
                if d <= max {
                    out.push((d, self.ids[pos]));
                }
            }
        }
        if limited && out.len() > 4 * k {
            // Many ties (duplicates): select before sorting.
            let mut top = TopK::new(k);
            for &item in out.iter() {
                top.push(item);
            }
            *out = top.into_vec();
        }
        out.sort_unstable_by(by_distance);
        out.truncate(k);
    }

    /// Fills `scratch.candidates` with (squared chord, position) of every point that may rank in
    /// the first `k` (`k == 0`: no limit) within `max_km`; returns the final squared-chord bound
    /// (candidates above it can be dropped).
    fn collect(&self, q: [f64; 3], k: usize, max_km: Option<f64>, scratch: &mut Scratch) -> f64 {
        let Scratch {
            stack,
            chords,
            candidates,
        } = scratch;
        stack.clear();
        chords.clear();
        candidates.clear();
        let mut bound = max_km.map_or(f64::INFINITY, chord2_bound);
        stack.push((0, 0.0));
        let mut buffer = [0.0f64; LEAF];
        while let Some((n, lower)) = stack.pop() {
            if lower > bound {
                continue;
            }
            let node = &self.nodes[n as usize];
            if node.right == 0 {
                let (s, e) = (node.start as usize, node.end as usize);
                let (xs, ys, zs) = (&self.x[s..e], &self.y[s..e], &self.z[s..e]);
                let c2s = &mut buffer[..e - s];
                for (((c, &x), &y), &z) in c2s.iter_mut().zip(xs).zip(ys).zip(zs) {
                    let (dx, dy, dz) = (x - q[0], y - q[1], z - q[2]);
                    *c = dx * dx + dy * dy + dz * dz;
                }
                for (j, &c2) in c2s.iter().enumerate() {
                    if c2 <= bound {
                        candidates.push((c2, (s + j) as u32));
                        if k > 0 {
                            // Non-negative doubles order like their bit patterns.
                            chords.push(c2.to_bits());
                            if chords.len() > k {
                                chords.pop();
                            }
                            if chords.len() == k
                                && let Some(&top) = chords.peek()
                            {
                                bound = bound.min(loosen(f64::from_bits(top)));
                            }
                        }
                    }
                }
            } else {
                let (l, r) = (n + 1, node.right);
                let dl = box_distance2(&self.nodes[l as usize], q);
                let dr = box_distance2(&self.nodes[r as usize], q);
                let (near, far) = if dl <= dr {
                    ((l, dl), (r, dr))
                } else {
                    ((r, dr), (l, dl))
                };
                if far.1 <= bound {
                    stack.push(far);
                }
                if near.1 <= bound {
                    stack.push(near);
                }
            }
        }
        bound
    }
}

/// Squared distance from `q` to a node's bounding box (0 inside).
#[inline(always)]
fn box_distance2(node: &Node, q: [f64; 3]) -> f64 {
    let mut sum = 0.0;
    for ((&lo, &hi), &v) in node.min.iter().zip(&node.max).zip(&q) {
        let d = (lo - v).max(v - hi).max(0.0);
        sum += d * d;
    }
    sum
}

/// The subtree over `items` (which start at position `offset`) as its own preorder node list,
/// with the two halves of large subtrees built in parallel when `parallel`.
fn build_tree(
    items: &mut [Item],
    offset: usize,
    parallel: bool,
    abort: &AbortFlag,
) -> Result<Vec<Node>, KernelError> {
    let mut nodes = Vec::new();
    if items.is_empty() {
        return Ok(nodes);
    }
    #[cfg(feature = "parallel")]
    if parallel && items.len() >= PARALLEL_BUILD_MIN {
        abort.check()?;
        let (min, max) = bounds(items);
        let mid = split_items(items, &min, &max);
        let (left, right) = items.split_at_mut(mid);
        let (l, r) = rayon::join(
            || build_tree(left, offset, true, abort),
            || build_tree(right, offset + mid, true, abort),
        );
        let (l, r) = (l?, r?);
        nodes.reserve_exact(1 + l.len() + r.len());
        let right_at = 1 + l.len() as u32;
        nodes.push(Node {
            min,
            max,
            start: offset as u32,
            end: (offset + items.len()) as u32,
            right: right_at,
        });
        let shift = |base: u32| {
            move |mut n: Node| {
                if n.right != 0 {
                    n.right += base;
                }
                n
            }
        };
        nodes.extend(l.into_iter().map(shift(1)));
        nodes.extend(r.into_iter().map(shift(right_at)));
        return Ok(nodes);
    }
    let _ = parallel;
    nodes.reserve(2 * items.len().div_ceil(LEAF / 2));
    build_node(items, offset, &mut nodes, abort)?;
    Ok(nodes)
}

/// The bounding box of `items`.
fn bounds(items: &[Item]) -> ([f64; 3], [f64; 3]) {
    let mut min = [f64::INFINITY; 3];
    let mut max = [f64::NEG_INFINITY; 3];
    for it in items.iter() {
        for a in 0..3 {
            // Plain comparisons (the points are finite): cheaper than NaN-aware `f64::min`.
            if it.p[a] < min[a] {
                min[a] = it.p[a];
            }
            if it.p[a] > max[a] {
                max[a] = it.p[a];
            }
        }
    }
    (min, max)
}

/// Splits `items` at the median of the box's widest axis; returns the split position.
fn split_items(items: &mut [Item], min: &[f64; 3], max: &[f64; 3]) -> usize {
    let axis = (0..3)
        .max_by(|&a, &b| (max[a] - min[a]).total_cmp(&(max[b] - min[b])))
        .unwrap_or(0);
    let mid = items.len() / 2;
    items.select_nth_unstable_by(mid, |a, b| a.p[axis].total_cmp(&b.p[axis]));
    mid
}

/// Builds the subtree over `items` (which start at position `offset`) in preorder.
fn build_node(
    items: &mut [Item],
    offset: usize,
    nodes: &mut Vec<Node>,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    if items.len() >= 1 << 12 {
        abort.check()?;
    }
    let (min, max) = bounds(items);
    let me = nodes.len();
    nodes.push(Node {
        min,
        max,
        start: offset as u32,
        end: (offset + items.len()) as u32,
        right: 0,
    });
    if items.len() <= LEAF {
        abort.advance(items.len() as u64);
        return Ok(());
    }
    let mid = split_items(items, &min, &max);
    let (left, right) = items.split_at_mut(mid);
    build_node(left, offset, nodes, abort)?;
    nodes[me].right = nodes.len() as u32;
    build_node(right, offset + mid, nodes, abort)
}
