//! Bindings for `hotpath_kernels::geo`: haversine distances, brute-force nearest neighbours and
//! the `NativeGeoIndex` class. Coordinates are degrees, distances km. The facade validates the
//! arguments' types and shapes; the coordinates' ranges are checked by the kernels in their own
//! pass over the data, which reject an out-of-range or non-finite point with
//! `ERR_INVALID_ARG_VALUE` naming the first one (`lats`/`lons`, its value and index). The facade
//! then rescans to throw its typed error (or wraps longitudes and calls again, with `normalize`).
//!
//! Results are typed arrays in V8's own memory (copied, see `raw::uint32_array`). Async tasks copy
//! their input arrays on the JS thread when called, except NativeBuffer memory, which JavaScript
//! cannot detach and the task holds (`TaskInput`), so it is read in place;
//! an index is shared with its tasks through an `Arc`, so JavaScript may drop the object while a
//! task still runs.
use crate::cancel::CancelToken;
use crate::error::{Code, guard, guard_task, kernel_error, task_error};
use crate::raw::RawValue;
use crate::tasks::{ActiveTask, TaskInput, sync_threads};
use hotpath_kernels::geo::{self, GeoIndex};
use hotpath_kernels::pool::Threads;
use hotpath_kernels::{AbortFlag, KernelError};
use napi::bindgen_prelude::{AsyncTask, Float64Array};
use napi::{Env, Result, Task};
use napi_derive::napi;
use std::sync::Arc;

/// Neighbours of a query, nearest first (ties by the lower index). From the sync methods both
/// arrays are views of one ArrayBuffer (`indices.buffer === distances.buffer`).
#[napi(object, object_from_js = false)]
pub struct GeoNeighbors {
    /// Positions of the points in the arrays they came from.
    #[napi(ts_type = "Uint32Array")]
    pub indices: RawValue,
    /// Great-circle distances in km, `distances[i]` belonging to `indices[i]`.
    #[napi(ts_type = "Float64Array")]
    pub distances: RawValue,
}

fn neighbors(env: &Env, (indices, distances): (Vec<u32>, Vec<f64>)) -> Result<GeoNeighbors> {
    // SAFETY: called on the JS thread with its live environment (sync bodies and `resolve`).
    let (indices, distances) = unsafe { neighbor_arrays(env.raw(), &indices, &distances)? };
    Ok(GeoNeighbors {
        indices: RawValue(indices),
        distances: RawValue(distances),
    })
}

/// A `GeoNeighbors` object made with two plain property stores: napi-rs builds `#[napi(object)]`
/// values with `napi_define_properties`, which was a fifth of a small `nearest` call's time.
fn neighbors_fast(env: &Env, found: (Vec<u32>, Vec<f64>)) -> Result<RawValue> {
    use napi::sys;
    let raw = env.raw();
    // SAFETY: called on the JS thread with its live environment; the names are NUL-terminated.
    unsafe {
        let (indices, distances) = neighbor_arrays(raw, &found.0, &found.1)?;
        let mut object = std::ptr::null_mut();
        crate::raw::status_error(sys::napi_create_object(raw, &mut object), "a result object")?;
        crate::raw::status_error(
            sys::napi_set_named_property(raw, object, c"indices".as_ptr(), indices),
            "a result property",
        )?;
        crate::raw::status_error(
            sys::napi_set_named_property(raw, object, c"distances".as_ptr(), distances),
            "a result property",
        )?;
        Ok(RawValue(object))
    }
}

/// Both result arrays as views of one V8 ArrayBuffer (distances first, then indices): one
/// allocation instead of two, which is a large part of a single `nearest` call's cost. So
/// `indices.buffer === distances.buffer`.
///
/// # Safety
/// `env` must be live, on the JS thread.
unsafe fn neighbor_arrays(
    env: napi::sys::napi_env,
    indices: &[u32],
    distances: &[f64],
) -> Result<(napi::sys::napi_value, napi::sys::napi_value)> {
    use napi::sys;
    use std::ptr;
    let m = indices.len().min(distances.len());
    let bytes = m * 12;
    let mut data: *mut std::ffi::c_void = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let (mut d, mut i) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: N-API calls on the JS thread; `data` points at `bytes` fresh bytes, 8-aligned (V8
    // aligns ArrayBuffer storage for any element type): `m` f64 then `m` u32, filled before any
    // JavaScript can see the buffer.
    unsafe {
        crate::raw::status_error(
            sys::napi_create_arraybuffer(env, bytes, &mut data, &mut buffer),
            "a result buffer",
        )?;
        if m > 0 {
            ptr::copy_nonoverlapping(distances.as_ptr(), data.cast::<f64>(), m);
            ptr::copy_nonoverlapping(indices.as_ptr(), data.cast::<u8>().add(m * 8).cast(), m);
        }
        crate::raw::status_error(
            sys::napi_create_typedarray(
                env,
                sys::TypedarrayType::float64_array,
                m,
                buffer,
                0,
                &mut d,
            ),
            "a result Float64Array",
        )?;
        crate::raw::status_error(
            sys::napi_create_typedarray(
                env,
                sys::TypedarrayType::uint32_array,
                m,
                buffer,
                m * 8,
                &mut i,
            ),
            "a result Uint32Array",
        )?;
    }
    Ok((i, d))
}

fn internal(err: napi::Error) -> napi::Error<Code> {
    napi::Error::new(Code::Internal, err.reason.clone())
}

fn overlaps(a: &[f64], b: &[f64]) -> bool {
    crate::overlap::overlaps(&crate::overlap::bytes_of(a), &crate::overlap::bytes_of(b))
}

/// Distances from (`lat`, `lon`) to every (`lats[i]`, `lons[i]`) on a sphere of `radiusKm`,
/// written to `out` (same length; must not overlap the inputs). Runs on the calling thread, with
/// the hotpath pool for large inputs unless async tasks hold it. A point out of range ([-90, 90] x
/// [-180, 180], finite) throws `ERR_INVALID_ARG_VALUE` naming the first one; `out` may then be
/// partly written.
#[napi]
pub fn geo_haversine_many(
    lat: f64,
    lon: f64,
    lats: &[f64],
    lons: &[f64],
    radius_km: f64,
    mut out: Float64Array,
) -> Result<(), Code> {
    guard(|| {
        if overlaps(&out, lats) || overlaps(&out, lons) {
            return Err(kernel_error(KernelError::invalid(
                "out",
                "memory that does not overlap \"lats\" or \"lons\"",
                "an overlapping view",
            )));
        }
        // SAFETY: `out` overlaps neither input (checked above), and JavaScript cannot run (so
        // cannot detach or touch it) before this call returns.
        let out = unsafe { out.as_mut() };
        geo::haversine_many(
            lat,
            lon,
            lats,
            lons,
            radius_km,
            out,
            sync_threads(false),
            AbortFlag::never(),
        )
        .map_err(kernel_error)
    })
}

/// The `k` points nearest to (`lat`, `lon`) by brute force on a sphere of 6371 km; all points,
/// sorted, when `k` >= their number. `k` >= 1. A point out of range ([-90, 90] x [-180, 180],
/// finite) throws `ERR_INVALID_ARG_VALUE` naming the first one.
#[napi(ts_return_type = "GeoNeighbors")]
pub fn geo_nearest_k(
    env: Env,
    lat: f64,
    lon: f64,
    lats: &[f64],
    lons: &[f64],
    k: u32,
) -> Result<RawValue, Code> {
    guard(|| {
        let found = geo::nearest_k(
            lat,
            lon,
            lats,
            lons,
            k as usize,
            sync_threads(false),
            AbortFlag::never(),
        )
        .map_err(kernel_error)?;
        neighbors_fast(&env, found).map_err(internal)
    })
}

/// A static spatial index (kd-tree over unit vectors) answering nearest-neighbour and radius
/// queries with exactly the results brute force gives.
#[napi]
pub struct NativeGeoIndex {
    inner: Arc<GeoIndex>,
}

#[napi]
impl NativeGeoIndex {
    /// Indexes the points (`lats[i]`, `lons[i]`), latitudes in [-90, 90] and longitudes in
    /// [-180, 180]. Builds on the calling thread.
    #[napi(constructor)]
    pub fn new(lats: &[f64], lons: &[f64]) -> Result<Self, Code> {
        guard(|| {
            let index = GeoIndex::build(lats, lons, sync_threads(false), AbortFlag::never())
                .map_err(kernel_error)?;
            Ok(Self {
                inner: Arc::new(index),
            })
        })
    }

    /// Number of indexed points.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }

    /// The `k` indexed points nearest to (`lat`, `lon`), at most `maxDistanceKm` away
    /// (`Infinity` for no limit), so possibly fewer than `k`.
    #[napi(ts_return_type = "GeoNeighbors")]
    pub fn nearest(
        &self,
        env: Env,
        lat: f64,
        lon: f64,
        k: u32,
        max_distance_km: f64,
    ) -> Result<RawValue, Code> {
        guard(|| {
            let max = (max_distance_km != f64::INFINITY).then_some(max_distance_km);
            let found = self
                .inner
                .nearest(lat, lon, k as usize, max)
                .map_err(kernel_error)?;
            neighbors_fast(&env, found).map_err(internal)
        })
    }

    /// Every indexed point within `radiusKm` of (`lat`, `lon`), inclusive, nearest first.
    #[napi(ts_return_type = "GeoNeighbors")]
    pub fn within(&self, env: Env, lat: f64, lon: f64, radius_km: f64) -> Result<RawValue, Code> {
        guard(|| {
            let found = self
                .inner
                .within(lat, lon, radius_km, AbortFlag::never())
                .map_err(kernel_error)?;
            neighbors_fast(&env, found).map_err(internal)
        })
    }

    /// `nearest(queryLats[q], queryLons[q], k)` for every query, flat: query `q`'s neighbours are
    /// at `q * m .. (q + 1) * m` with `m = min(k, size)`. Uses the hotpath pool unless async
    /// tasks hold it.
    #[napi(ts_return_type = "GeoNeighbors")]
    pub fn nearest_batch(
        &self,
        env: Env,
        query_lats: &[f64],
        query_lons: &[f64],
        k: u32,
    ) -> Result<RawValue, Code> {
        guard(|| {
            let found = self
                .inner
                .nearest_batch(
                    query_lats,
                    query_lons,
                    k as usize,
                    sync_threads(false),
                    AbortFlag::never(),
                )
                .map_err(kernel_error)?;
            neighbors_fast(&env, found).map_err(internal)
        })
    }

    /// `nearestBatch` on a libuv worker thread (the queries copied first, unless a
    /// NativeBuffer's); abortable between chunks of 64 queries through `cancel`.
    #[napi(ts_return_type = "Promise<GeoNeighbors>")]
    pub fn nearest_batch_async(
        &self,
        query_lats: Float64Array,
        query_lons: Float64Array,
        k: u32,
        cancel: &CancelToken,
    ) -> AsyncTask<GeoQueryTask> {
        let mut active = ActiveTask::new();
        let lats = TaskInput::of(query_lats, &mut active);
        let lons = TaskInput::of(query_lons, &mut active);
        AsyncTask::new(GeoQueryTask {
            index: self.inner.clone(),
            query: Query::Batch { lats, lons, k },
            abort: cancel.flag.clone(),
            _active: active,
        })
    }

    /// `within` on a libuv worker thread; `cancel` stops it before or after the search.
    #[napi(ts_return_type = "Promise<GeoNeighbors>")]
    pub fn within_async(
        &self,
        lat: f64,
        lon: f64,
        radius_km: f64,
        cancel: &CancelToken,
    ) -> AsyncTask<GeoQueryTask> {
        AsyncTask::new(GeoQueryTask {
            index: self.inner.clone(),
            query: Query::Within {
                lat,
                lon,
                radius_km,
            },
            abort: cancel.flag.clone(),
            _active: ActiveTask::new(),
        })
    }
}

enum Query {
    Batch {
        lats: TaskInput,
        lons: TaskInput,
        k: u32,
    },
    Within {
        lat: f64,
        lon: f64,
        radius_km: f64,
    },
}

pub struct GeoQueryTask {
    index: Arc<GeoIndex>,
    query: Query,
    abort: AbortFlag,
    _active: ActiveTask,
}

impl Task for GeoQueryTask {
    type Output = (Vec<u32>, Vec<f64>);
    type JsValue = GeoNeighbors;

    fn compute(&mut self) -> Result<Self::Output> {
        guard_task(|| {
            match &self.query {
                Query::Batch { lats, lons, k } => {
                    // Values JavaScript writes into a NativeBuffer read in place during the call
                    // give unspecified neighbours for the queries they touch, nothing worse.
                    self.index.nearest_batch(
                        lats.values(),
                        lons.values(),
                        *k as usize,
                        Threads::Auto,
                        &self.abort,
                    )
                }
                Query::Within {
                    lat,
                    lon,
                    radius_km,
                } => self.index.within(*lat, *lon, *radius_km, &self.abort),
            }
            .map_err(task_error)
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<GeoNeighbors> {
        neighbors(&env, output)
    }
}

/// Builds a `NativeGeoIndex` on a libuv worker thread (the coordinates copied first, unless a
/// NativeBuffer's);
/// abortable between subtrees through `cancel`.
#[napi(ts_return_type = "Promise<NativeGeoIndex>")]
pub fn geo_index_build_async(
    lats: Float64Array,
    lons: Float64Array,
    cancel: &CancelToken,
) -> AsyncTask<GeoIndexBuildTask> {
    let mut active = ActiveTask::new();
    let lats = TaskInput::of(lats, &mut active);
    let lons = TaskInput::of(lons, &mut active);
    AsyncTask::new(GeoIndexBuildTask {
        lats,
        lons,
        abort: cancel.flag.clone(),
        _active: active,
    })
}

pub struct GeoIndexBuildTask {
    lats: TaskInput,
    lons: TaskInput,
    abort: AbortFlag,
    _active: ActiveTask,
}

impl Task for GeoIndexBuildTask {
    type Output = GeoIndex;
    type JsValue = NativeGeoIndex;

    fn compute(&mut self) -> Result<GeoIndex> {
        guard_task(|| {
            GeoIndex::build(
                self.lats.values(),
                self.lons.values(),
                Threads::Auto,
                &self.abort,
            )
            .map_err(task_error)
        })
    }

    fn resolve(&mut self, _env: Env, output: GeoIndex) -> Result<NativeGeoIndex> {
        Ok(NativeGeoIndex {
            inner: Arc::new(output),
        })
    }
}
