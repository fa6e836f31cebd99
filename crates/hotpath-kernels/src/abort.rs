//! Cooperative cancellation and progress: long kernels poll a flag between chunks, so an aborted
//! async call stops within one chunk's worth of work instead of running to completion, and the
//! same poll is where they count the work done for a progress observer.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A cheap, clonable cancellation flag shared between the caller and a running kernel. It may
/// also carry a [`ProgressSink`] (see [`AbortFlag::watch`]) that long kernels feed through
/// [`AbortFlag::begin`] and [`AbortFlag::advance`].
#[derive(Clone, Debug, Default)]
pub struct AbortFlag(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    aborted: AtomicBool,
    progress: OnceLock<Progress>,
}

/// Returned by a kernel that stopped because its [`AbortFlag`] was raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aborted;

/// Receives progress updates from kernel threads (any thread, any time): it must not block.
pub trait ProgressSink: Send + Sync {
    fn update(&self, done: u64, total: u64);
}

/// Work counted by the kernel, and when the sink last heard of it.
struct Progress {
    sink: Box<dyn ProgressSink>,
    interval: Duration,
    started: Instant,
    total: AtomicU64,
    done: AtomicU64,
    /// Nanoseconds after `started` of the last update sent (u64::MAX: none yet).
    last_sent: AtomicU64,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("done", &self.done.load(Ordering::Relaxed))
            .field("total", &self.total.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

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
        self.0.aborted.store(true, Ordering::Relaxed);
    }

    pub fn is_aborted(&self) -> bool {
        self.0.aborted.load(Ordering::Relaxed)
    }

    pub fn check(&self) -> Result<(), Aborted> {
        if self.is_aborted() {
            Err(Aborted)
        } else {
            Ok(())
        }
    }

    /// Sends progress to `sink` at most every `interval` from now on. A flag is watched at most
    /// once (the first sink wins; returns whether this one did).
    pub fn watch(&self, sink: Box<dyn ProgressSink>, interval: Duration) -> bool {
        let progress = Progress {
            sink,
            interval,
            started: Instant::now(),
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            last_sent: AtomicU64::new(u64::MAX),
        };
        self.0.progress.set(progress).is_ok()
    }

    /// A kernel announces the units of work it is about to do (rows, images, segments). Several
    /// kernels sharing one flag (the chunks of one call) add up.
    pub fn begin(&self, units: u64) {
        if let Some(progress) = self.0.progress.get() {
            progress.total.fetch_add(units, Ordering::Relaxed);
        }
    }

    /// A kernel finished `units` of the work it announced: the sink hears of it if the interval
    /// has passed since the last update. Cheap without a sink (one load).
    pub fn advance(&self, units: u64) {
        let Some(progress) = self.0.progress.get() else {
            return;
        };
        let done = progress.done.fetch_add(units, Ordering::Relaxed) + units;
        let now = progress.started.elapsed().as_nanos() as u64;
        let last = progress.last_sent.load(Ordering::Relaxed);
        let due =
            last == u64::MAX || now.saturating_sub(last) >= progress.interval.as_nanos() as u64;
        // One thread wins the slot; the others skip this update rather than queue behind it.
        if due
            && progress
                .last_sent
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            progress
                .sink
                .update(done, progress.total.load(Ordering::Relaxed));
        }
    }

    /// (done, total) counted so far, or None if nobody watches this flag.
    pub fn progress(&self) -> Option<(u64, u64)> {
        self.0.progress.get().map(|p| {
            (
                p.done.load(Ordering::Relaxed),
                p.total.load(Ordering::Relaxed),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Recorder(Arc<Mutex<Vec<(u64, u64)>>>);
    impl ProgressSink for Recorder {
        fn update(&self, done: u64, total: u64) {
            self.0.lock().unwrap().push((done, total));
        }
    }

    #[test]
    fn without_a_sink_progress_is_free_and_absent() {
        let flag = AbortFlag::new();
        flag.begin(10);
        flag.advance(5);
        assert_eq!(flag.progress(), None);
    }

    #[test]
    fn the_first_update_is_sent_and_later_ones_wait_for_the_interval() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let flag = AbortFlag::new();
        assert!(flag.watch(Box::new(Recorder(seen.clone())), Duration::from_secs(3600)));
        assert!(!flag.watch(Box::new(Recorder(seen.clone())), Duration::ZERO));
        flag.begin(10);
        flag.advance(3);
        flag.advance(4);
        assert_eq!(*seen.lock().unwrap(), vec![(3, 10)]);
        assert_eq!(flag.progress(), Some((7, 10)));
    }

    #[test]
    fn a_zero_interval_sends_every_update_in_increasing_order_from_many_threads() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let flag = AbortFlag::new();
        flag.watch(Box::new(Recorder(seen.clone())), Duration::ZERO);
        flag.begin(4000);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..1000).for_each(|_| flag.advance(1)));
            }
        });
        assert_eq!(flag.progress(), Some((4000, 4000)));
        let seen = seen.lock().unwrap();
        assert!(!seen.is_empty());
        assert!(
            seen.iter()
                .all(|&(done, total)| done <= total && total == 4000)
        );
    }
}
