//! Building blocks for hand-written N-API entry points (see `fast.rs` for why they exist): a raw
//! value type napi-rs passes through, failures thrown as Node-style errors, panic containment, and
//! typed-array views that create no Rust reference until aliasing has been checked.
use crate::error::Code;
use hotpath_kernels::KernelError;
use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{Result, ValueType, sys};
use std::ffi::{CStr, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

/// A JavaScript value produced by raw N-API calls, handed back through napi-rs unchanged.
pub struct RawValue(pub sys::napi_value);

impl TypeName for RawValue {
    fn type_name() -> &'static str {
        "object"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl napi::bindgen_prelude::FromNapiValue for RawValue {
    unsafe fn from_napi_value(_env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        Ok(Self(value))
    }
}

impl ToNapiValue for RawValue {
    unsafe fn to_napi_value(_env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        Ok(val.0)
    }
}

/// An error to throw: its code (which decides `TypeError` or `Error`) and message.
pub struct Failure {
    pub code: Code,
    pub message: String,
}

impl Failure {
    pub fn type_error(message: impl Into<String>) -> Self {
        Self {
            code: Code::InvalidArgType,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: Code::Internal,
            message: message.into(),
        }
    }
}

impl From<KernelError> for Failure {
    fn from(err: KernelError) -> Self {
        Self {
            code: Code::of(&err),
            message: err.to_string(),
        }
    }
}

/// `name` shares memory with `other`: a kernel must never read what it writes.
pub fn overlapping(name: &'static str, other: &str) -> Failure {
    KernelError::invalid(
        name,
        format!("memory that does not overlap \"{other}\""),
        "an overlapping view",
    )
    .into()
}

/// An argument read by N-API: failing means the value was not of the type the call asked for.
pub fn check(status: sys::napi_status, what: &str) -> std::result::Result<(), Failure> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Failure::type_error(format!(
            "The \"{what}\" argument has the wrong type"
        )))
    }
}

/// Any other N-API call (creating the result, reading the call's own frame): failing is not the
/// caller's fault, so it is an internal error naming the step and the status.
pub fn check_internal(status: sys::napi_status, step: &str) -> std::result::Result<(), Failure> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Failure::internal(format!(
            "N-API failed to {step} (napi_status {status})"
        )))
    }
}

/// Runs an entry point body: failures and panics become thrown JavaScript errors.
pub fn entry(
    env: sys::napi_env,
    body: impl FnOnce() -> std::result::Result<sys::napi_value, Failure>,
) -> sys::napi_value {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => return value,
        Ok(Err(failure)) => failure,
        Err(payload) => Failure::internal(crate::error::panic_message(&*payload)),
    };
    let message = std::ffi::CString::new(failure.message.replace('\0', " ")).unwrap_or_default();
    // SAFETY: env is the live environment of this callback; both strings are NUL-terminated.
    unsafe {
        if failure.code.is_type_error() {
            sys::napi_throw_type_error(env, failure.code.c_str().as_ptr(), message.as_ptr());
        } else {
            sys::napi_throw_error(env, failure.code.c_str().as_ptr(), message.as_ptr());
        }
    }
    ptr::null_mut()
}

/// Where a typed-array argument's elements are: no Rust reference is made until the caller has
/// checked how this view relates to the others (overlap), so no two `&mut` ever alias.
pub struct RawView<T> {
    pub data: *mut T,
    pub length: usize,
}

impl<T> RawView<T> {
    fn byte_range(&self) -> std::ops::Range<usize> {
        let start = self.data as usize;
        start..start + self.length * std::mem::size_of::<T>()
    }

    pub fn overlaps<U>(&self, other: &RawView<U>) -> bool {
        crate::overlap::overlaps(&self.byte_range(), &other.byte_range())
    }

    /// # Safety
    /// The memory must stay valid and unwritten by anyone else for `'a`.
    pub unsafe fn as_slice<'a>(&self) -> &'a [T] {
        if self.length == 0 {
            return &[];
        }
        // SAFETY: N-API reported `length` elements of T at `data`; the caller guarantees the rest.
        unsafe { std::slice::from_raw_parts(self.data, self.length) }
    }

    /// # Safety
    /// As [`Self::as_slice`], and no other reference to this memory may exist during `'a`.
    pub unsafe fn as_mut_slice<'a>(&self) -> &'a mut [T] {
        if self.length == 0 {
            return &mut [];
        }
        // SAFETY: as above, plus the caller's exclusivity guarantee.
        unsafe { std::slice::from_raw_parts_mut(self.data, self.length) }
    }
}

/// A typed array argument of the expected element type.
///
/// # Safety
/// `env` must be live and `value` an argument of the running callback. The memory it describes
/// stays valid until the callback returns: the argument keeps it alive, and JavaScript cannot run
/// (so cannot detach it) before then.
pub unsafe fn typed_view<T>(
    env: sys::napi_env,
    value: sys::napi_value,
    expected: sys::napi_typedarray_type,
    name: &str,
    type_name: &str,
) -> std::result::Result<RawView<T>, Failure> {
    // SAFETY: as the caller's contract.
    match unsafe { typedarray_info(env, value) } {
        Some((kind, data, length)) if kind == expected => Ok(RawView {
            data: data.cast(),
            length,
        }),
        _ => Err(Failure::type_error(format!(
            "The \"{name}\" argument must be an instance of {type_name}"
        ))),
    }
}

/// The element type, data pointer and length of a typed array (length 0 when it has no data,
/// e.g. detached), or `None` for any other value.
///
/// # Safety
/// `env` must be live and `value` a value of the running callback.
unsafe fn typedarray_info(
    env: sys::napi_env,
    value: sys::napi_value,
) -> Option<(sys::napi_typedarray_type, *mut c_void, usize)> {
    let mut kind = 0;
    let mut length = 0;
    let mut data: *mut c_void = ptr::null_mut();
    let mut offset = 0;
    // SAFETY: out-pointers are valid; a null array-buffer out-pointer is allowed by N-API.
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            &mut length,
            &mut data,
            ptr::null_mut(),
            &mut offset,
        )
    };
    if status != sys::Status::napi_ok {
        return None;
    }
    Some((kind, data, if data.is_null() { 0 } else { length }))
}

pub fn status_error(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::from_reason(format!(
            "hotpath: could not create {what} (napi status {status})"
        )))
    }
}

/// A Float64Array or Float32Array argument.
pub enum FloatView {
    F64(RawView<f64>),
    F32(RawView<f32>),
}

impl FloatView {
    pub fn overlaps(&self, other: &FloatView) -> bool {
        match (self, other) {
            (Self::F64(a), Self::F64(b)) => a.overlaps(b),
            (Self::F64(a), Self::F32(b)) => a.overlaps(b),
            (Self::F32(a), Self::F64(b)) => a.overlaps(b),
            (Self::F32(a), Self::F32(b)) => a.overlaps(b),
        }
    }
}

/// A typed-array argument that must be a Float64Array or a Float32Array.
///
/// # Safety
/// As [`typed_view`].
pub unsafe fn float_view(
    env: sys::napi_env,
    value: sys::napi_value,
    name: &str,
) -> std::result::Result<FloatView, Failure> {
    // SAFETY: as the caller's contract.
    match unsafe { typedarray_info(env, value) } {
        Some((sys::TypedarrayType::float64_array, data, length)) => {
            return Ok(FloatView::F64(RawView {
                data: data.cast(),
                length,
            }));
        }
        Some((sys::TypedarrayType::float32_array, data, length)) => {
            return Ok(FloatView::F32(RawView {
                data: data.cast(),
                length,
            }));
        }
        _ => {}
    }
    Err(Failure::type_error(format!(
        "The \"{name}\" argument must be an instance of Float64Array or Float32Array"
    )))
}

/// Reads exactly the first N arguments of a callback (missing ones are an error).
///
/// # Safety
/// `env` and `info` must be the arguments of a running callback.
pub unsafe fn arguments<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> std::result::Result<[sys::napi_value; N], Failure> {
    let mut argc = N;
    let mut argv = [ptr::null_mut(); N];
    // SAFETY: argv has room for argc values.
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    check_internal(status, "read the call's arguments")?;
    if argc < N {
        return Err(Failure::type_error(format!(
            "Expected {N} arguments, received {argc}"
        )));
    }
    Ok(argv)
}

/// A number argument.
///
/// # Safety
/// As [`arguments`]; `value` is one of the callback's arguments.
pub unsafe fn number(
    env: sys::napi_env,
    value: sys::napi_value,
    name: &str,
) -> std::result::Result<f64, Failure> {
    let mut result = 0.0;
    // SAFETY: plain N-API call with a valid out-pointer.
    let status = unsafe { sys::napi_get_value_double(env, value, &mut result) };
    if status == sys::Status::napi_ok {
        Ok(result)
    } else {
        Err(Failure::type_error(format!(
            "The \"{name}\" argument must be of type number"
        )))
    }
}

/// A JavaScript number.
///
/// # Safety
/// `env` must be live, on the JS thread.
pub unsafe fn create_number(
    env: sys::napi_env,
    value: f64,
) -> std::result::Result<sys::napi_value, Failure> {
    let mut result = ptr::null_mut();
    // SAFETY: plain N-API call with a valid out-pointer.
    check_internal(
        unsafe { sys::napi_create_double(env, value, &mut result) },
        "create the result",
    )?;
    Ok(result)
}

/// `undefined`.
///
/// # Safety
/// `env` must be live, on the JS thread.
pub unsafe fn undefined(env: sys::napi_env) -> std::result::Result<sys::napi_value, Failure> {
    let mut result = ptr::null_mut();
    // SAFETY: plain N-API call with a valid out-pointer.
    check_internal(
        unsafe { sys::napi_get_undefined(env, &mut result) },
        "create the result",
    )?;
    Ok(result)
}

pub type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// An object whose properties are plain N-API functions (no bound data).
///
/// # Safety
/// `env` must be live, on the JS thread.
pub unsafe fn function_table(
    env: sys::napi_env,
    entries: &[(&CStr, Callback)],
) -> Result<RawValue> {
    let mut object = ptr::null_mut();
    // SAFETY: N-API calls on the JS thread with valid out-pointers and NUL-terminated names.
    unsafe {
        status_error(
            sys::napi_create_object(env, &mut object),
            "a function table",
        )?;
        for (name, callback) in entries {
            let mut function = ptr::null_mut();
            status_error(
                sys::napi_create_function(
                    env,
                    name.as_ptr(),
                    -1,
                    Some(*callback),
                    ptr::null_mut(),
                    &mut function,
                ),
                "a native function",
            )?;
            status_error(
                sys::napi_set_named_property(env, object, name.as_ptr(), function),
                "a function-table property",
            )?;
        }
    }
    Ok(RawValue(object))
}

/// A Uint32Array in memory V8 allocates and accounts for, holding a copy of `values`.
///
/// Typed arrays built by napi-rs around a Rust `Vec` (external memory) are invisible to V8's heap
/// accounting: a loop making many of them grew RSS by ~185 MB before any GC ran (they were all
/// freed at the next GC, so no leak, but a real high-water mark). A memcpy costs ~10% of sieving
/// the same primes, so results are copied into V8's own memory instead.
///
/// # Safety
/// `env` must be live, on the JS thread.
pub unsafe fn uint32_array(env: sys::napi_env, values: &[u32]) -> Result<sys::napi_value> {
    // SAFETY: forwarded from the caller.
    unsafe {
        copied_typed_array(
            env,
            values,
            sys::TypedarrayType::uint32_array,
            "a result Uint32Array",
        )
    }
}

/// A typed array of `kind` (whose element type must be `T`) over a fresh V8 ArrayBuffer holding a
/// copy of `values`.
///
/// # Safety
/// `env` must be live, on the JS thread, and `kind`'s elements must have `T`'s size and layout.
unsafe fn copied_typed_array<T: Copy>(
    env: sys::napi_env,
    values: &[T],
    kind: sys::napi_typedarray_type,
    what: &str,
) -> Result<sys::napi_value> {
    let bytes = std::mem::size_of_val(values);
    let mut data: *mut c_void = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let mut array = ptr::null_mut();
    // SAFETY: N-API calls on the JS thread; `data` points at `bytes` fresh bytes (V8 aligns
    // ArrayBuffer storage for any element type), filled from `values` (the regions cannot
    // overlap) before any JavaScript can see the buffer.
    unsafe {
        status_error(
            sys::napi_create_arraybuffer(env, bytes, &mut data, &mut buffer),
            "a result buffer",
        )?;
        if bytes > 0 {
            ptr::copy_nonoverlapping(values.as_ptr(), data.cast::<T>(), values.len());
        }
        status_error(
            sys::napi_create_typedarray(env, kind, values.len(), buffer, 0, &mut array),
            what,
        )?;
    }
    Ok(array)
}
