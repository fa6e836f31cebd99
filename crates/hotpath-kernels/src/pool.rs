//! The crate-owned thread pool. A private pool (rather than rayon's global one) keeps hotpath from
//! fighting other rayon users in the same process over configuration, and lets `HOTPATH_THREADS`
//! size it.

/// How a kernel call may be scheduled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threads {
    /// Use the pool when the input is large enough to gain from it.
    Auto,
    /// Stay on the calling thread.
    Single,
}

/// Whether a call should spread `work` over the pool: allowed by `threads`, at least `min_work`
/// (each kernel's measured break-even size, in its own unit of work), and a pool of more than one
/// thread. The one place that decision is made, so every kernel agrees on what `Single` means.
pub fn parallel(threads: Threads, work: usize, min_work: usize) -> bool {
    cfg!(feature = "parallel")
        && threads == Threads::Auto
        && work >= min_work
        && self::threads() > 1
}

/// Number of worker threads the parallel kernels use.
pub fn threads() -> usize {
    #[cfg(feature = "parallel")]
    {
        pool().current_num_threads()
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}

/// Threads requested by `HOTPATH_THREADS`, or the machine's available parallelism.
pub fn configured_threads() -> usize {
    std::env::var("HOTPATH_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(feature = "parallel")]
fn pool() -> &'static rayon::ThreadPool {
    use std::sync::OnceLock;
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(configured_threads())
            .thread_name(|i| format!("hotpath-{i}"))
            .build()
            // Building a pool only fails when the OS refuses to spawn threads; without them no
            // parallel kernel can run, and there is no caller that could recover.
            .expect("hotpath: cannot start worker threads")
    })
}

/// Runs `op` inside the hotpath pool, so rayon iterators in it use the pool's threads.
#[cfg(feature = "parallel")]
pub fn install<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    pool().install(op)
}
