//! A cancellation handle the facade wires to an `AbortSignal`, and the progress channel of the
//! same call. napi's own `AbortSignal` support replaces the signal's `onabort` handler and cannot
//! stop work that already started; this token is raised from an event listener and polled by the
//! kernel between chunks, and the kernel counts its work on it at the same points.
use hotpath_kernels::AbortFlag;
use hotpath_kernels::abort::ProgressSink;
use napi::bindgen_prelude::{FnArgs, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Result, Status};
use napi_derive::napi;
use std::time::Duration;

/// Cancels the native tasks it was passed to, and carries their progress to JavaScript. Created
/// by the facade for each async call.
#[napi]
#[derive(Default)]
pub struct CancelToken {
    pub(crate) flag: AbortFlag,
}

/// Progress to JavaScript: weak (a pending update never keeps the process alive) and with a
/// queue of one, sent without blocking, so a slow callback drops intermediate updates instead of
/// stalling the kernel threads that report them.
type ProgressCallback =
    ThreadsafeFunction<FnArgs<(f64, f64)>, (), FnArgs<(f64, f64)>, Status, false, true, 1>;

struct JsProgress(ProgressCallback);

impl ProgressSink for JsProgress {
    fn update(&self, done: u64, total: u64) {
        // QueueFull (an update already waits) and Closing (the environment is ending) both just
        // mean this update is not needed.
        let _ = self.0.call(
            FnArgs::from((done as f64, total as f64)),
            ThreadsafeFunctionCallMode::NonBlocking,
        );
    }
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

    /// Calls `callback(done, total)` on the JS thread, from the kernel threads, at most every
    /// `intervalMs` while tasks holding this token run. Only the first call on a token counts.
    #[napi]
    pub fn watch_progress(
        &self,
        callback: Function<FnArgs<(f64, f64)>, ()>,
        interval_ms: f64,
    ) -> Result<()> {
        let tsfn: ProgressCallback = callback
            .build_threadsafe_function()
            .weak::<true>()
            .callee_handled::<false>()
            .max_queue_size::<1>()
            .build()?;
        let interval = Duration::from_secs_f64(interval_ms.max(0.0) / 1000.0);
        self.flag.watch(Box::new(JsProgress(tsfn)), interval);
        Ok(())
    }

    /// Units of work done and announced so far by the tasks holding this token (both 0 when
    /// nobody watches): the facade's last progress call, made once the task has settled.
    #[napi(getter)]
    pub fn progress_done(&self) -> f64 {
        self.flag.progress().map_or(0.0, |(done, _)| done as f64)
    }

    #[napi(getter)]
    pub fn progress_total(&self) -> f64 {
        self.flag.progress().map_or(0.0, |(_, total)| total as f64)
    }
}
