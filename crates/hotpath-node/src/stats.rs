//! Bindings for the statistics kernels (`hotpath_kernels::stats`).
//!
//! The facade's `Accumulator` keeps its running state (seven numbers) in JavaScript, where reading
//! a statistic or folding in a few values costs nanoseconds, and calls native code only to compute
//! the moments of a whole typed array, which it then merges in. That call is a raw N-API function
//! (see `fast.rs`): a `#[napi]` function with a typed-array argument costs 0.4-0.9 us of glue,
//! more than the kernel needs for a 4,096-value flush of the `add()` buffer.
use crate::error::{Code, guard};
use crate::raw::{Callback, RawValue, arguments, create_number, entry, overlapping, typed_view};
use hotpath_kernels::score::{Sample, Threads};
use hotpath_kernels::stats::{Moments, MomentsParts};
use napi::{Env, Result, sys};
use napi_derive::napi;
use std::ffi::CStr;

/// Number of values `moments*` writes to `out`.
const STATE_LEN: usize = 7;

/// `moments*(values, out) -> number` for values of element type T: the moments of `values` as
/// `[count, mean, m2, sum, compensation, min, max]` in `out[0..7]`, returning -1; or, when a
/// value is NaN or infinite, the index of the first such value, with `out` left untouched.
///
/// # Safety
/// Called by N-API as a function callback.
unsafe fn moments<T: Sample>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    values_type: sys::napi_typedarray_type,
    type_name: &str,
) -> sys::napi_value {
    entry(env, || {
        // SAFETY (whole block): every call works on this callback's own arguments, whose memory
        // stays valid and unchanged until the callback returns (see `typed_view`).
        unsafe {
            let [values, out] = arguments::<2>(env, info)?;
            let values = typed_view::<T>(env, values, values_type, "values", type_name)?;
            let out = typed_view::<f64>(
                env,
                out,
                sys::TypedarrayType::float64_array,
                "out",
                "Float64Array",
            )?;
            if values.overlaps(&out) {
                return Err(overlapping("out", "values"));
            }
            let (values, out) = (values.as_slice(), out.as_mut_slice());
            if out.len() < STATE_LEN {
                return Err(hotpath_kernels::KernelError::invalid(
                    "out",
                    format!("a Float64Array of at least {STATE_LEN} values"),
                    format!("length {}", out.len()),
                )
                .into());
            }
            let parallel = crate::tasks::sync_threads(false) == Threads::Auto;
            let result = match Moments::of_slice(values, parallel) {
                Ok(m) => {
                    let p = m.parts();
                    out[..STATE_LEN].copy_from_slice(&[
                        p.count as f64,
                        p.mean,
                        p.m2,
                        p.sum,
                        p.compensation,
                        p.min,
                        p.max,
                    ]);
                    -1.0
                }
                Err(bad) => bad.index as f64,
            };
            create_number(env, result)
        }
    })
}

unsafe extern "C" fn moments_f64(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: forwarded callback arguments.
    unsafe {
        moments::<f64>(
            env,
            info,
            sys::TypedarrayType::float64_array,
            "Float64Array",
        )
    }
}

unsafe extern "C" fn moments_f32(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: forwarded callback arguments.
    unsafe {
        moments::<f32>(
            env,
            info,
            sys::TypedarrayType::float32_array,
            "Float32Array",
        )
    }
}

/// Direct entry points of the statistics kernels: `momentsF64/F32(values, out)` write the moments
/// of `values` as `[count, mean, m2, sum, compensation, min, max]` into `out` (length >= 7) and
/// return -1, or return the index of the first NaN or infinite value and leave `out` untouched.
/// They skip napi-rs's per-call argument machinery.
#[napi(
    ts_return_type = "{ momentsF64(values: Float64Array, out: Float64Array): number; momentsF32(values: Float32Array, out: Float64Array): number }"
)]
pub fn stats_fast_calls(env: Env) -> Result<RawValue> {
    let entries: [(&CStr, Callback); 2] =
        [(c"momentsF64", moments_f64), (c"momentsF32", moments_f32)];
    // SAFETY: called by napi-rs on the JS thread with its live environment.
    unsafe { crate::raw::function_table(env.raw(), &entries) }
}

/// Merges two accumulator states `[count, mean, m2, sum, compensation, min, max]` with the
/// kernel's own formula and returns the merged state. Tests use it to check the facade's
/// JavaScript merge against Rust's; both states are validated like `Accumulator.fromJSON`.
#[napi]
pub fn stats_merge_states(a: Vec<f64>, b: Vec<f64>) -> Result<Vec<f64>, Code> {
    guard(|| {
        let mut m = moments_from(&a, "a")?;
        m.merge(&moments_from(&b, "b")?);
        let p = m.parts();
        Ok(vec![
            p.count as f64,
            p.mean,
            p.m2,
            p.sum,
            p.compensation,
            p.min,
            p.max,
        ])
    })
}

fn moments_from(state: &[f64], name: &'static str) -> Result<Moments, Code> {
    let invalid = |expected: &str| {
        napi::Error::new(
            Code::InvalidArgValue,
            format!("The \"{name}\" argument must be {expected}. Received {state:?}"),
        )
    };
    let &[count, mean, m2, sum, compensation, min, max] = state else {
        return Err(invalid("an array of 7 numbers"));
    };
    if !(count >= 0.0 && count.fract() == 0.0 && count <= 9_007_199_254_740_991.0) {
        return Err(invalid(
            "a state whose count is a non-negative safe integer",
        ));
    }
    Moments::from_parts(MomentsParts {
        count: count as u64,
        mean,
        m2,
        sum,
        compensation,
        min,
        max,
    })
    .map_err(crate::error::kernel_error)
}
