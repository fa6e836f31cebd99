//! A cancellation handle the facade wires to an `AbortSignal`. napi's own `AbortSignal` support
//! replaces the signal's `onabort` handler and cannot stop work that already started; this token
//! is raised from an event listener and polled by the kernel between chunks.
use hotpath_kernels::AbortFlag;
use napi_derive::napi;

/// Cancels the native tasks it was passed to. Created by the facade for each async call.
#[napi]
#[derive(Default)]
pub struct CancelToken {
    pub(crate) flag: AbortFlag,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every task holding this token to stop at its next chunk boundary.
    #[napi]
    pub fn cancel(&self) {
        self.flag.abort();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.flag.is_aborted()
    }
}
