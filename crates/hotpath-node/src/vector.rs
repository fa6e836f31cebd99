//! Bindings for `hotpath_kernels::vector`.
//!
//! Sync calls are plain N-API functions (`vectorFastCalls()`): a vector call is often short, and
//! napi-rs's generated glue would cost more than a small reduction itself (see `fast.rs`). Each
//! takes Float64Array or Float32Array arguments, checks their types and aliasing itself, and
//! returns a number or writes into the `out` array the facade allocated. Async twins are AsyncTasks
//! over memory JavaScript cannot detach while they run (see `vectorReduceAsync`).
use crate::cancel::CancelToken;
use crate::error::{Code, guard_task, task_error};
use crate::raw::{
    Callback, Failure, FloatView, RawValue, arguments, create_number, entry, float_view, number,
    overlapping, undefined,
};
use crate::tasks::{ActiveTask, sync_threads};
use hotpath_kernels::pool::Threads;
use hotpath_kernels::vector::{self, Element};
use hotpath_kernels::{AbortFlag, KernelError};
use napi::bindgen_prelude::{AsyncTask, Either, Float32Array, Float64Array};
use napi::{Env, Result, Task, sys};
use napi_derive::napi;

fn mixed_types(name: &str) -> Failure {
    Failure::type_error(format!(
        "The \"{name}\" argument must have the same element type as \"x\" (both Float64Array or both Float32Array)"
    ))
}

type UnaryKernel<T> = fn(&[T], Threads, &AbortFlag) -> std::result::Result<f64, KernelError>;
type BinaryKernel<T> = fn(&[T], &[T], Threads, &AbortFlag) -> std::result::Result<f64, KernelError>;

/// A reduction of one vector: `(x) -> number`.
///
/// # Safety
/// Called by N-API as a function callback.
unsafe fn unary(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    f64_kernel: UnaryKernel<f64>,
    f32_kernel: UnaryKernel<f32>,
) -> sys::napi_value {
    entry(env, || {
        // SAFETY (whole block): the views are this callback's arguments, read-only here, and
        // alive until it returns (see `typed_view`).
        unsafe {
            let [x] = arguments::<1>(env, info)?;
            let threads = sync_threads(false);
            let none = AbortFlag::never();
            let value = match float_view(env, x, "x")? {
                FloatView::F64(x) => f64_kernel(x.as_slice(), threads, none)?,
                FloatView::F32(x) => f32_kernel(x.as_slice(), threads, none)?,
            };
            create_number(env, value)
        }
    })
}

/// A reduction of two vectors of one element type: `(x, y) -> number`.
///
/// # Safety
/// Called by N-API as a function callback.
unsafe fn binary(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    f64_kernel: BinaryKernel<f64>,
    f32_kernel: BinaryKernel<f32>,
) -> sys::napi_value {
    entry(env, || {
        // SAFETY (whole block): as in `unary`; both views are only read, so they may overlap.
        unsafe {
            let [x, y] = arguments::<2>(env, info)?;
            let threads = sync_threads(false);
            let none = AbortFlag::never();
            let value = match (float_view(env, x, "x")?, float_view(env, y, "y")?) {
                (FloatView::F64(x), FloatView::F64(y)) => {
                    f64_kernel(x.as_slice(), y.as_slice(), threads, none)?
                }
                (FloatView::F32(x), FloatView::F32(y)) => {
                    f32_kernel(x.as_slice(), y.as_slice(), threads, none)?
                }
                _ => return Err(mixed_types("y")),
            };
            create_number(env, value)
        }
    })
}

macro_rules! unary_entry {
    ($name:ident, $kernel:ident) => {
        unsafe extern "C" fn $name(
            env: sys::napi_env,
            info: sys::napi_callback_info,
        ) -> sys::napi_value {
            // SAFETY: forwarded callback arguments.
            unsafe { unary(env, info, vector::$kernel::<f64>, vector::$kernel::<f32>) }
        }
    };
}

macro_rules! binary_entry {
    ($name:ident, $kernel:ident) => {
        unsafe extern "C" fn $name(
            env: sys::napi_env,
            info: sys::napi_callback_info,
        ) -> sys::napi_value {
            // SAFETY: forwarded callback arguments.
            unsafe { binary(env, info, vector::$kernel::<f64>, vector::$kernel::<f32>) }
        }
    };
}

unary_entry!(sum_entry, sum);
unary_entry!(sum_squares_entry, sum_squares);
unary_entry!(norm_entry, norm);
binary_entry!(dot_entry, dot);
binary_entry!(sq_euclidean_entry, sq_euclidean);

/// `scale(x, factor)`, in place.
unsafe extern "C" fn scale_entry(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    entry(env, || {
        // SAFETY (whole block): `x` is the only view, so its mutable slice aliases nothing.
        unsafe {
            let [x, factor] = arguments::<2>(env, info)?;
            let factor = number(env, factor, "factor")?;
            let threads = sync_threads(false);
            let none = AbortFlag::never();
            match float_view(env, x, "x")? {
                FloatView::F64(x) => vector::scale(x.as_mut_slice(), factor, threads, none)?,
                FloatView::F32(x) => vector::scale(x.as_mut_slice(), factor, threads, none)?,
            }
            undefined(env)
        }
    })
}

/// `scaleAndShift(x, scale, shift, out)`: `out` has `x`'s type and length and must not overlap it.
unsafe extern "C" fn scale_and_shift_entry(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    entry(env, || {
        // SAFETY (whole block): `out` is checked not to overlap `x` before any slice is made.
        unsafe {
            let [x, scale, shift, out] = arguments::<4>(env, info)?;
            let scale = number(env, scale, "scale")?;
            let shift = number(env, shift, "shift")?;
            let (x, out) = (float_view(env, x, "x")?, float_view(env, out, "out")?);
            if x.overlaps(&out) {
                return Err(overlapping("out", "x"));
            }
            let threads = sync_threads(false);
            let none = AbortFlag::never();
            match (x, out) {
                (FloatView::F64(x), FloatView::F64(o)) => vector::scale_and_shift(
                    x.as_slice(),
                    scale,
                    shift,
                    o.as_mut_slice(),
                    threads,
                    none,
                )?,
                (FloatView::F32(x), FloatView::F32(o)) => vector::scale_and_shift(
                    x.as_slice(),
                    scale,
                    shift,
                    o.as_mut_slice(),
                    threads,
                    none,
                )?,
                _ => return Err(mixed_types("out")),
            }
            undefined(env)
        }
    })
}

/// `distancesFromOrigin(points, out)`: `out` is a Float64Array of half `points`' length.
unsafe extern "C" fn distances_entry(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    entry(env, || {
        // SAFETY (whole block): `out` is checked not to overlap `points` before any slice is made.
        unsafe {
            let [points, out] = arguments::<2>(env, info)?;
            let points = float_view(env, points, "points")?;
            let out = float_view(env, out, "out")?;
            if points.overlaps(&out) {
                return Err(overlapping("out", "points"));
            }
            let FloatView::F64(out) = out else {
                return Err(Failure::type_error(
                    "The \"out\" argument must be an instance of Float64Array",
                ));
            };
            let threads = sync_threads(false);
            let none = AbortFlag::never();
            let out = out.as_mut_slice();
            match points {
                FloatView::F64(p) => {
                    vector::distances_from_origin(p.as_slice(), out, threads, none)?
                }
                FloatView::F32(p) => {
                    vector::distances_from_origin(p.as_slice(), out, threads, none)?
                }
            }
            undefined(env)
        }
    })
}

/// The sync vector kernels as plain N-API functions: `sum(x)`, `sumSquares(x)`, `norm(x)`,
/// `dot(x, y)`, `sqEuclidean(x, y)` return a number; `scale(x, factor)` works in place;
/// `scaleAndShift(x, scale, shift, out)` and `distancesFromOrigin(points, out)` fill `out`.
/// Vectors are Float64Array or Float32Array (one type per call; `distancesFromOrigin` always
/// writes a Float64Array).
#[napi(
    ts_return_type = "{ sum(x: Float64Array | Float32Array): number; sumSquares(x: Float64Array | Float32Array): number; norm(x: Float64Array | Float32Array): number; dot(x: Float64Array | Float32Array, y: Float64Array | Float32Array): number; sqEuclidean(x: Float64Array | Float32Array, y: Float64Array | Float32Array): number; scale(x: Float64Array | Float32Array, factor: number): void; scaleAndShift(x: Float64Array | Float32Array, scale: number, shift: number, out: Float64Array | Float32Array): void; distancesFromOrigin(points: Float64Array | Float32Array, out: Float64Array): void }"
)]
pub fn vector_fast_calls(env: Env) -> Result<RawValue> {
    let entries: [(&std::ffi::CStr, Callback); 8] = [
        (c"sum", sum_entry),
        (c"sumSquares", sum_squares_entry),
        (c"norm", norm_entry),
        (c"dot", dot_entry),
        (c"sqEuclidean", sq_euclidean_entry),
        (c"scale", scale_entry),
        (c"scaleAndShift", scale_and_shift_entry),
        (c"distancesFromOrigin", distances_entry),
    ];
    // SAFETY: called by napi-rs on the JS thread with its live environment.
    unsafe { crate::raw::function_table(env.raw(), &entries) }
}

type Vector = Either<Float64Array, Float32Array>;

/// What an async vector task computes.
enum Operation {
    Sum,
    SumSquares,
    Norm,
    Dot,
    SqEuclidean,
    Scale(f64),
    ScaleAndShift(f64, f64),
    DistancesFromOrigin,
}

impl Operation {
    fn parse(name: &str, a: f64, b: f64) -> std::result::Result<Self, napi::Error<Code>> {
        Ok(match name {
            "sum" => Self::Sum,
            "sumSquares" => Self::SumSquares,
            "norm" => Self::Norm,
            "dot" => Self::Dot,
            "sqEuclidean" => Self::SqEuclidean,
            "scale" => Self::Scale(a),
            "scaleAndShift" => Self::ScaleAndShift(a, b),
            "distancesFromOrigin" => Self::DistancesFromOrigin,
            other => {
                return Err(napi::Error::new(
                    Code::InvalidArgValue,
                    format!(
                        "The \"operation\" argument must name a vector kernel. Received '{other}'"
                    ),
                ));
            }
        })
    }
}

pub struct VectorTask {
    operation: Operation,
    x: Vector,
    y: Option<Vector>,
    abort: AbortFlag,
    _active: ActiveTask,
}

fn byte_range(v: &Vector) -> std::ops::Range<usize> {
    let (start, len) = match v {
        Either::A(a) => (a.as_ptr() as usize, a.len() * 8),
        Either::B(b) => (b.as_ptr() as usize, b.len() * 4),
    };
    start..start + len
}

fn reduce<T: Element>(
    operation: &Operation,
    x: &[T],
    y: &[T],
    abort: &AbortFlag,
) -> std::result::Result<f64, KernelError> {
    let threads = Threads::Auto;
    match operation {
        Operation::Sum => vector::sum(x, threads, abort),
        Operation::SumSquares => vector::sum_squares(x, threads, abort),
        Operation::Norm => vector::norm(x, threads, abort),
        Operation::Dot => vector::dot(x, y, threads, abort),
        Operation::SqEuclidean => vector::sq_euclidean(x, y, threads, abort),
        _ => unreachable!("maps are not reductions"),
    }
}

fn map<T: Element>(
    operation: &Operation,
    x: &mut [T],
    out: Option<&mut [T]>,
    out_f64: Option<&mut [f64]>,
    abort: &AbortFlag,
) -> std::result::Result<(), KernelError> {
    let threads = Threads::Auto;
    match (operation, out, out_f64) {
        (Operation::Scale(f), _, _) => vector::scale(x, *f, threads, abort),
        (Operation::ScaleAndShift(s, t), Some(out), _) => {
            vector::scale_and_shift(x, *s, *t, out, threads, abort)
        }
        (Operation::DistancesFromOrigin, _, Some(out)) => {
            vector::distances_from_origin(x, out, threads, abort)
        }
        _ => Err(KernelError::invalid("out", "an output array", "none")),
    }
}

impl Task for VectorTask {
    type Output = f64;
    type JsValue = f64;

    fn compute(&mut self) -> Result<f64> {
        // Both arrays are pinned (see `vector_async`) and kept alive by the task's references;
        // another thread writing a SharedArrayBuffer meanwhile can only change the numbers.
        guard_task(|| {
            let abort = &self.abort;
            // SAFETY (the `as_mut` calls below): the memory is pinned and alive (above), `x` and
            // `y` were checked not to overlap when the task was created, and nothing else in this
            // process makes Rust references to it while the task runs. Concurrent writes from other
            // JavaScript threads to a SharedArrayBuffer can only change values.
            let result = match (&self.operation, &mut self.x, &mut self.y) {
                (Operation::Sum | Operation::SumSquares | Operation::Norm, Either::A(x), _) => {
                    reduce(&self.operation, x, &[], abort)
                }
                (Operation::Sum | Operation::SumSquares | Operation::Norm, Either::B(x), _) => {
                    reduce(&self.operation, x, &[], abort)
                }
                (Operation::Dot | Operation::SqEuclidean, Either::A(x), Some(Either::A(y))) => {
                    reduce(&self.operation, x, y, abort)
                }
                (Operation::Dot | Operation::SqEuclidean, Either::B(x), Some(Either::B(y))) => {
                    reduce(&self.operation, x, y, abort)
                }
                (Operation::Scale(_), Either::A(x), _) => {
                    map(&self.operation, unsafe { x.as_mut() }, None, None, abort).map(|()| 0.0)
                }
                (Operation::Scale(_), Either::B(x), _) => {
                    map(&self.operation, unsafe { x.as_mut() }, None, None, abort).map(|()| 0.0)
                }
                (Operation::ScaleAndShift(..), Either::A(x), Some(Either::A(o))) => map(
                    &self.operation,
                    unsafe { x.as_mut() },
                    Some(unsafe { o.as_mut() }),
                    None,
                    abort,
                )
                .map(|()| 0.0),
                (Operation::ScaleAndShift(..), Either::B(x), Some(Either::B(o))) => map(
                    &self.operation,
                    unsafe { x.as_mut() },
                    Some(unsafe { o.as_mut() }),
                    None,
                    abort,
                )
                .map(|()| 0.0),
                (Operation::DistancesFromOrigin, Either::A(x), Some(Either::A(o))) => map(
                    &self.operation,
                    unsafe { x.as_mut() },
                    None,
                    Some(unsafe { o.as_mut() }),
                    abort,
                )
                .map(|()| 0.0),
                (Operation::DistancesFromOrigin, Either::B(x), Some(Either::A(o))) => map(
                    &self.operation,
                    unsafe { x.as_mut() },
                    None,
                    Some(unsafe { o.as_mut() }),
                    abort,
                )
                .map(|()| 0.0),
                _ => Err(KernelError::invalid(
                    "y",
                    "a second array of the element type the operation needs",
                    "another type or none",
                )),
            };
            result.map_err(task_error)
        })
    }

    fn resolve(&mut self, _env: Env, output: f64) -> Result<f64> {
        Ok(output)
    }
}

/// Runs a vector kernel on a libuv worker thread; resolves to the reduction's value (0 for maps,
/// which write `y`, or `x` itself for `scale`). `operation` is one of `sum`, `sumSquares`, `norm`,
/// `dot`, `sqEuclidean` (with `y`), `scale` (factor `a`, in place), `scaleAndShift` (scale `a`,
/// shift `b`, into `y`), `distancesFromOrigin` (into the Float64Array `y`).
///
/// Only for memory JavaScript cannot detach or transfer while the task runs: the facade passes
/// arrays backed by a SharedArrayBuffer, or copies it made itself and never hands out until the
/// promise settles. `y` must not overlap `x` for the maps.
#[napi(
    ts_args_type = "operation: 'sum' | 'sumSquares' | 'norm' | 'dot' | 'sqEuclidean' | 'scale' | 'scaleAndShift' | 'distancesFromOrigin', x: Float64Array | Float32Array, y: Float64Array | Float32Array | null, a: number, b: number, cancel: CancelToken",
    ts_return_type = "Promise<number>"
)]
pub fn vector_async(
    operation: String,
    x: Vector,
    y: Option<Vector>,
    a: f64,
    b: f64,
    cancel: &CancelToken,
) -> std::result::Result<AsyncTask<VectorTask>, napi::Error<Code>> {
    let operation = Operation::parse(&operation, a, b)?;
    if let (
        Some(y),
        Operation::Scale(_) | Operation::ScaleAndShift(..) | Operation::DistancesFromOrigin,
    ) = (&y, &operation)
    {
        let (p, q) = (byte_range(&x), byte_range(y));
        if !p.is_empty() && !q.is_empty() && p.start < q.end && q.start < p.end {
            return Err(napi::Error::new(
                Code::InvalidArgValue,
                "The \"out\" argument must be memory that does not overlap \"x\". Received an overlapping view",
            ));
        }
    }
    let active =
        [Some(&x), y.as_ref()]
            .into_iter()
            .flatten()
            .fold(ActiveTask::new(), |active, v| match v {
                Either::A(a) => active.hold(a),
                Either::B(b) => active.hold(b),
            });
    Ok(AsyncTask::new(VectorTask {
        operation,
        x,
        y,
        abort: cancel.flag.clone(),
        _active: active,
    }))
}
