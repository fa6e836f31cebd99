//! Bookkeeping shared by every async task: how many are alive, and what that means for sync calls.
use hotpath_kernels::memory::Block;
use hotpath_kernels::pool::Threads;
use napi::bindgen_prelude::Float64Array;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// hotpath's async tasks alive right now (created and not yet dropped).
static ACTIVE_TASKS: AtomicUsize = AtomicUsize::new(0);

/// Counts itself in [`ACTIVE_TASKS`] for as long as it lives, and keeps the NativeBuffer blocks
/// its task reads or writes in place alive as long (see `memory::pin`).
pub(crate) struct ActiveTask {
    _pins: Vec<Arc<Block>>,
}

impl ActiveTask {
    pub(crate) fn new() -> Self {
        ACTIVE_TASKS.fetch_add(1, Ordering::Relaxed);
        Self { _pins: Vec::new() }
    }

    /// Holds the block under `view` if it is a NativeBuffer's (other memory is kept alive by the
    /// task's reference to its typed array).
    pub(crate) fn hold<T>(mut self, view: &[T]) -> Self {
        if let Some(block) = crate::memory::pin(view.as_ptr().cast(), std::mem::size_of_val(view)) {
            self._pins.push(block);
        }
        self
    }
}

/// Coordinates (or any f64 input) a task reads off the JS thread: a NativeBuffer's memory in
/// place, its block held by the task, or a copy made now for memory JavaScript could detach.
pub(crate) enum TaskInput {
    InPlace(Float64Array),
    Copied(Vec<f64>),
}

impl TaskInput {
    /// `view` as the task's input, holding its block in `active` when read in place.
    pub(crate) fn of(view: Float64Array, active: &mut ActiveTask) -> Self {
        match crate::memory::pin(view.as_ptr().cast(), std::mem::size_of_val(&*view)) {
            Some(block) => {
                active._pins.push(block);
                Self::InPlace(view)
            }
            None => Self::Copied(view.to_vec()),
        }
    }

    pub(crate) fn values(&self) -> &[f64] {
        match self {
            Self::InPlace(view) => view,
            Self::Copied(values) => values,
        }
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
