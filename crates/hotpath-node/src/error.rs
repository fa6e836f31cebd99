//! The one place where kernel failures and panics become JavaScript errors.
//!
//! Sync functions throw errors whose `code` is one of [`Code`]. Async tasks can only reject with a
//! napi `Status`, so they use `Cancelled` for aborts, `InvalidArg` for bad values and
//! `GenericFailure` for internal failures; the TypeScript facade maps both forms to the public
//! error classes.
use hotpath_kernels::KernelError;
use napi::Result;
use napi::Status;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Stable error codes thrown by sync bindings (`err.code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    InvalidArgValue,
    Aborted,
    Internal,
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::InvalidArgValue => "ERR_INVALID_ARG_VALUE",
            Code::Aborted => "ABORT_ERR",
            Code::Internal => "ERR_HOTPATH_INTERNAL",
        }
    }
}

impl From<Status> for Code {
    fn from(status: Status) -> Self {
        match status {
            Status::InvalidArg | Status::NumberExpected | Status::ObjectExpected => {
                Code::InvalidArgValue
            }
            Status::Cancelled => Code::Aborted,
            _ => Code::Internal,
        }
    }
}

pub fn kernel_error(err: KernelError) -> napi::Error<Code> {
    let code = match err {
        KernelError::InvalidValue { .. } => Code::InvalidArgValue,
        KernelError::Aborted => Code::Aborted,
    };
    napi::Error::new(code, err.to_string())
}

pub fn task_error(err: KernelError) -> napi::Error {
    let status = match err {
        KernelError::InvalidValue { .. } => Status::InvalidArg,
        KernelError::Aborted => Status::Cancelled,
    };
    napi::Error::new(status, err.to_string())
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".into());
    format!("hotpath internal error (a native panic was contained; please report it): {detail}")
}

/// Runs a sync binding body, turning a panic into an `ERR_HOTPATH_INTERNAL` error: an unwinding
/// panic must never cross the FFI boundary.
pub fn guard<T>(body: impl FnOnce() -> Result<T, Code>) -> Result<T, Code> {
    catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(napi::Error::new(Code::Internal, panic_message(&*payload))))
}

/// [`guard`] for `Task::compute`, which runs on a libuv thread and can only use napi statuses.
pub fn guard_task<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        Err(napi::Error::new(
            Status::GenericFailure,
            panic_message(&*payload),
        ))
    })
}
