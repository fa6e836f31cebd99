//! Bookkeeping shared by every async task: how many are alive, and what that means for sync calls.
use hotpath_kernels::pool::Threads;
use std::sync::atomic::{AtomicUsize, Ordering};

/// hotpath's async tasks alive right now (created and not yet dropped).
static ACTIVE_TASKS: AtomicUsize = AtomicUsize::new(0);

/// Counts itself in [`ACTIVE_TASKS`] for as long as it lives.
pub(crate) struct ActiveTask;

impl ActiveTask {
    pub(crate) fn new() -> Self {
        ACTIVE_TASKS.fetch_add(1, Ordering::Relaxed);
        Self
    }
}

impl Drop for ActiveTask {
    fn drop(&mut self) {
        ACTIVE_TASKS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How a sync call on the JS thread may use the pool. While async tasks hold the pool, a sync call
/// that joined it would wait behind their chunks with the event loop blocked, so it stays on the
/// calling thread instead.
pub(crate) fn sync_threads(single_thread: bool) -> Threads {
    if single_thread || ACTIVE_TASKS.load(Ordering::Relaxed) > 0 {
        Threads::Single
    } else {
        Threads::Auto
    }
}
