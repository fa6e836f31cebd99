//! Cooperative cancellation: long kernels poll a flag between chunks, so an aborted async call
//! stops within one chunk's worth of work instead of running to completion.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A cheap, clonable cancellation flag shared between the caller and a running kernel.
#[derive(Clone, Debug, Default)]
pub struct AbortFlag(Arc<AtomicBool>);

/// Returned by a kernel that stopped because its [`AbortFlag`] was raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aborted;

impl AbortFlag {
    pub fn new() -> Self {
        Self::default()
    }

    /// A flag nobody can raise, for calls that cannot be cancelled (sync calls from JavaScript):
    /// shared, so such calls allocate nothing.
    pub fn never() -> &'static AbortFlag {
        static NEVER: std::sync::LazyLock<AbortFlag> = std::sync::LazyLock::new(AbortFlag::new);
        &NEVER
    }

    pub fn abort(&self) {
        // Relaxed is enough: the flag carries no data, and a chunk that misses the store by a few
        // nanoseconds only means one more chunk of work.
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_aborted(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn check(&self) -> Result<(), Aborted> {
        if self.is_aborted() {
            Err(Aborted)
        } else {
            Ok(())
        }
    }
}
