//! The one place where kernel failures and panics become JavaScript errors.
//!
//! Sync functions throw errors whose `code` is one of [`Code`]. Async tasks can only reject with a
//! napi `Status`, so they use `Cancelled` for aborts, `InvalidArg` for bad values and
//! `GenericFailure` for internal failures; the TypeScript facade maps both forms to the public
//! error classes.
use hotpath_kernels::KernelError;
use napi::Result;
use napi::Status;
use std::cell::RefCell;
use std::ffi::CStr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

/// Stable error codes thrown by sync bindings (`err.code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    InvalidArgType,
    InvalidArgValue,
    Aborted,
    Internal,
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::InvalidArgType => "ERR_INVALID_ARG_TYPE",
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

impl Code {
    /// The one mapping from a kernel's failure to the error JavaScript receives.
    pub fn of(err: &KernelError) -> Self {
        match err {
            KernelError::InvalidValue { .. } => Code::InvalidArgValue,
            KernelError::InvalidType { .. } => Code::InvalidArgType,
            KernelError::Aborted => Code::Aborted,
        }
    }

    /// The status an async task rejects with for this code (tasks cannot carry a custom code; the
    /// facade maps the status back, see the module comment).
    pub fn status(self) -> Status {
        match self {
            Code::InvalidArgValue => Status::InvalidArg,
            Code::InvalidArgType => Status::ObjectExpected,
            Code::Aborted => Status::Cancelled,
            Code::Internal => Status::GenericFailure,
        }
    }

    /// Whether JavaScript should receive a `TypeError` (Node's convention for ERR_INVALID_ARG_TYPE).
    pub fn is_type_error(self) -> bool {
        self == Code::InvalidArgType
    }

    /// [`AsRef::as_ref`] NUL-terminated, for raw N-API calls.
    pub fn c_str(self) -> &'static CStr {
        match self {
            Code::InvalidArgType => c"ERR_INVALID_ARG_TYPE",
            Code::InvalidArgValue => c"ERR_INVALID_ARG_VALUE",
            Code::Aborted => c"ABORT_ERR",
            Code::Internal => c"ERR_HOTPATH_INTERNAL",
        }
    }
}

pub fn kernel_error(err: KernelError) -> napi::Error<Code> {
    napi::Error::new(Code::of(&err), err.to_string())
}

pub fn task_error(err: KernelError) -> napi::Error {
    napi::Error::new(Code::of(&err).status(), err.to_string())
}

/// Where the last panic happened (`file:line:column`): on the panicking thread for a panic caught
/// there, and process-wide for one raised on a pool thread and resumed on the caller's.
static LAST_PANIC_LOCATION: Mutex<String> = Mutex::new(String::new());
thread_local! {
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces Rust's default panic hook, which prints a banner to stderr, for this library's copy of
/// std (every cdylib has its own hook; the host's other addons keep theirs). Every panic here is
/// caught at the binding boundary and reaches JavaScript as an `ERR_HOTPATH_INTERNAL` error whose
/// message carries the panic's payload and location, so a service's logs stay free of banners
/// for errors the caller already received. `HOTPATH_DEBUG_PANICS=1` keeps the banner (with a
/// backtrace under `RUST_BACKTRACE=1`) for debugging hotpath itself.
pub fn install_panic_hook() {
    let default_hook = std::panic::take_hook();
    let verbose =
        std::env::var_os("HOTPATH_DEBUG_PANICS").is_some_and(|v| !v.is_empty() && v != "0");
    std::panic::set_hook(Box::new(move |info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "an unknown location".into());
        if let Ok(mut last) = LAST_PANIC_LOCATION.lock() {
            last.clone_from(&location);
        }
        PANIC_LOCATION.with(|slot| *slot.borrow_mut() = Some(location));
        if verbose {
            default_hook(info);
        }
    }));
}

/// The message of a contained panic: its payload and where it happened.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".into());
    let location = PANIC_LOCATION
        .with(|slot| slot.borrow_mut().take())
        .or_else(|| LAST_PANIC_LOCATION.lock().ok().map(|l| l.clone()))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "an unknown location".into());
    format!(
        "hotpath internal error (a native panic was contained; please report it): {detail} (panicked at {location})"
    )
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
