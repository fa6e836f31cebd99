//! Hand-written N-API entry points for the calls where per-call cost matters: scoring one vector
//! and small-to-medium sync batches.
//!
//! A `#[napi]` method with typed-array arguments costs 0.4-0.9 us per call in napi-rs 3.12 (its
//! generated glue tracks every borrowed argument in heap-allocated scopes and a global registry),
//! against ~0.1 us for the same call written against N-API directly. Batches below ~10,000 rows
//! feel that difference, so these few functions bypass the glue. Everything else stays on
//! `#[napi]`. Each entry point validates its arguments itself (the facade checks them first, but a
//! direct caller must not be able to crash the process) and contains panics.
use crate::raw::{
    Callback, Failure, RawValue, check, check_internal, create_number, entry, overlapping,
    status_error, typed_view, undefined,
};
use crate::score::NativeRiskModel;
use hotpath_kernels::score::{RiskModel, Sample};
use napi::{Env, Result, sys};
use napi_derive::napi;
use std::ffi::{CStr, c_void};
use std::ptr;
use std::sync::Arc;

/// Reads N arguments and the model bound to the called function.
///
/// # Safety
/// `env` and `info` must be the arguments of a running callback created by [`bind`], whose data
/// pointer is a `Box<Arc<RiskModel>>` that lives as long as the function (freed by its finalizer,
/// which cannot run while the function is being called).
unsafe fn arguments<'a, const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> std::result::Result<(&'a RiskModel, [sys::napi_value; N]), Failure> {
    let mut argc = N;
    let mut argv = [ptr::null_mut(); N];
    let mut data: *mut c_void = ptr::null_mut();
    // SAFETY: argv has room for argc values; data receives the pointer given at creation.
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            &mut data,
        )
    };
    check_internal(status, "read the call's arguments")?;
    if argc < N {
        return Err(Failure::type_error(format!(
            "Expected {N} arguments, received {argc}"
        )));
    }
    // SAFETY: see the function contract.
    let model = unsafe { &**(data as *const Arc<RiskModel>) };
    Ok((model, argv))
}

/// `scoreBatch*(rows, out, singleThread)` for rows of element type T.
///
/// # Safety
/// Called by N-API as a function callback.
unsafe fn score_batch<T: Sample>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    rows_type: sys::napi_typedarray_type,
    rows_type_name: &str,
) -> sys::napi_value {
    entry(env, || {
        // SAFETY (whole block): every call works on this callback's own arguments.
        unsafe {
            let (model, [rows, out, single]) = arguments::<3>(env, info)?;
            let rows = typed_view::<T>(env, rows, rows_type, "rows", rows_type_name)?;
            let out = typed_view::<f64>(
                env,
                out,
                sys::TypedarrayType::float64_array,
                "out",
                "Float64Array",
            )?;
            if rows.overlaps(&out) {
                return Err(overlapping("out", "rows"));
            }
            // Disjoint (checked above) and alive until the callback returns (see typed_view).
            let (rows, out) = (rows.as_slice(), out.as_mut_slice());
            let mut single_thread = false;
            check(
                sys::napi_get_value_bool(env, single, &mut single_thread),
                "singleThread",
            )?;
            let threads = crate::tasks::sync_threads(single_thread);
            model.score_batch(rows, out, threads, hotpath_kernels::AbortFlag::never())?;
            undefined(env)
        }
    })
}

/// `score*(features) -> number` for one vector of element type T.
///
/// # Safety
/// Called by N-API as a function callback.
unsafe fn score_one<T: Sample>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    features_type: sys::napi_typedarray_type,
    type_name: &str,
) -> sys::napi_value {
    entry(env, || {
        // SAFETY (whole block): every call works on this callback's own arguments.
        unsafe {
            let (model, [features]) = arguments::<1>(env, info)?;
            let features =
                typed_view::<T>(env, features, features_type, "features", type_name)?.as_slice();
            let score = model.score(features)?;
            create_number(env, score)
        }
    })
}

unsafe extern "C" fn score_batch_f64(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: forwarded callback arguments.
    unsafe {
        score_batch::<f64>(
            env,
            info,
            sys::TypedarrayType::float64_array,
            "Float64Array",
        )
    }
}

unsafe extern "C" fn score_batch_f32(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: forwarded callback arguments.
    unsafe {
        score_batch::<f32>(
            env,
            info,
            sys::TypedarrayType::float32_array,
            "Float32Array",
        )
    }
}

unsafe extern "C" fn score_f64(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: forwarded callback arguments.
    unsafe {
        score_one::<f64>(
            env,
            info,
            sys::TypedarrayType::float64_array,
            "Float64Array",
        )
    }
}

unsafe extern "C" fn score_f32(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: forwarded callback arguments.
    unsafe {
        score_one::<f32>(
            env,
            info,
            sys::TypedarrayType::float32_array,
            "Float32Array",
        )
    }
}

unsafe extern "C" fn drop_model(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the Box<Arc<RiskModel>> leaked in `bind` for this one function; its
    // finalizer runs once.
    drop(unsafe { Box::from_raw(data.cast::<Arc<RiskModel>>()) });
}

/// A JavaScript function calling `callback` with `model` bound as its data. Binding the model to
/// the function, instead of passing a handle argument, saves the type-tag check and unwrap (two
/// property lookups) on every call and leaves nothing a caller could forge.
///
/// # Safety
/// `env` must be the live environment on the JS thread.
unsafe fn bind(
    env: sys::napi_env,
    name: &CStr,
    callback: Callback,
    model: &Arc<RiskModel>,
) -> Result<sys::napi_value> {
    let data = Box::into_raw(Box::new(Arc::clone(model)));
    let mut function = ptr::null_mut();
    // SAFETY: plain N-API calls; until the finalizer is attached the box is ours to reclaim.
    unsafe {
        let status = sys::napi_create_function(
            env,
            name.as_ptr(),
            -1,
            Some(callback),
            data.cast(),
            &mut function,
        );
        if let Err(err) = status_error(status, "a fast-call function") {
            drop(Box::from_raw(data));
            return Err(err);
        }
        let status = sys::napi_add_finalizer(
            env,
            function,
            data.cast(),
            Some(drop_model),
            ptr::null_mut(),
            ptr::null_mut(),
        );
        if let Err(err) = status_error(status, "a fast-call finalizer") {
            drop(Box::from_raw(data));
            return Err(err);
        }
    }
    Ok(function)
}

#[napi]
impl NativeRiskModel {
    /// Direct entry points bound to this model: `scoreBatchF64/F32(rows, out, singleThread)` and
    /// `scoreF64/F32(features)`. They skip napi-rs's per-call argument machinery.
    #[napi(
        ts_return_type = "{ scoreBatchF64(rows: Float64Array, out: Float64Array, singleThread: boolean): void; scoreBatchF32(rows: Float32Array, out: Float64Array, singleThread: boolean): void; scoreF64(features: Float64Array): number; scoreF32(features: Float32Array): number }"
    )]
    pub fn fast_calls(&self, env: Env) -> Result<RawValue> {
        let entries: [(&CStr, Callback); 4] = [
            (c"scoreBatchF64", score_batch_f64),
            (c"scoreBatchF32", score_batch_f32),
            (c"scoreF64", score_f64),
            (c"scoreF32", score_f32),
        ];
        let raw_env = env.raw();
        let mut object = ptr::null_mut();
        // SAFETY: N-API calls on the JS thread.
        unsafe {
            status_error(
                sys::napi_create_object(raw_env, &mut object),
                "the fast-call table",
            )?;
            for (name, callback) in entries {
                let function = bind(raw_env, name, callback, self.model())?;
                status_error(
                    sys::napi_set_named_property(raw_env, object, name.as_ptr(), function),
                    "a fast-call property",
                )?;
            }
        }
        Ok(RawValue(object))
    }
}
