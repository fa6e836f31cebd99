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

/// Runs `body` over `parts` (each item once) on the calling thread and up to `threads() - 1`
/// pool workers, each taking the next unclaimed item. The caller starts at once and never waits
/// for a worker that has not started: a call that finds the pool asleep (a program that did other
/// work since its last call; waking an idle vCPU takes ~0.5 ms here) costs at most the one-thread
/// time plus the item a late worker is still finishing, where a rayon split handed half the work
/// to whichever thread woke last. Stops claiming after the first error and returns it; a panic
/// in `body` on a worker is re-raised here.
#[cfg(feature = "parallel")]
pub fn for_each_claimed<P: Send, E: Send>(
    parts: Vec<P>,
    body: impl Fn(P) -> Result<(), E> + Sync,
) -> Result<(), E> {
    let count = parts.len();
    let slots: Vec<Mutex<Option<P>>> = parts.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let failure: Mutex<Option<E>> = Mutex::new(None);
    let shared = Arc::new(Claims::new(count));
    let work = |claims: &Claims| {
        while let Some(i) = claims.claim() {
            // Each index is claimed once, so the slot is full; a poisoned lock would mean a panic
            // in another claim of the same slot, which cannot happen.
            let Some(part) = slots[i].lock().ok().and_then(|mut slot| slot.take()) else {
                continue;
            };
            if let Err(error) = body(part) {
                claims.stop();
                if let Ok(mut first) = failure.lock() {
                    first.get_or_insert(error);
                }
            }
        }
    };
    let helpers = threads().saturating_sub(1).min(count.saturating_sub(1));
    if helpers > 0 {
        let task: &(dyn Fn(&Claims) + Sync) = &work;
        // SAFETY: the 'static lifetime is a promise kept by `Claims`: a worker runs `task` only
        // after `enter` succeeded, `enter` fails once `close` has run, and `close` (below, before
        // this function returns and `work`'s borrows end) waits until every worker that entered
        // has left. So `task` is never called after the data it borrows is gone.
        let task: &'static (dyn Fn(&Claims) + Sync) = unsafe { std::mem::transmute(task) };
        let task = SendPtr(task);
        for _ in 0..helpers {
            let claims = Arc::clone(&shared);
            pool().spawn(move || {
                let task = task;
                if claims.enter() {
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        (task.0)(&claims)
                    }));
                    claims.leave(outcome.err());
                }
            });
        }
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&shared)));
    if let Some(panic) = shared.close().or(outcome.err()) {
        std::panic::resume_unwind(panic);
    }
    match failure.into_inner() {
        Ok(Some(error)) => Err(error),
        _ => Ok(()),
    }
}

/// [`for_each_claimed`] over the indices `0..count`, each index's result kept in index order (so
/// results combine the same way whichever thread computed which).
#[cfg(feature = "parallel")]
pub fn map_claimed<R: Send, E: Send>(
    count: usize,
    body: impl Fn(usize) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let mut results: Vec<Option<R>> = (0..count).map(|_| None).collect();
    let parts: Vec<_> = results.iter_mut().enumerate().collect();
    for_each_claimed(parts, |(i, slot)| {
        *slot = Some(body(i)?);
        Ok(())
    })?;
    // Every slot is filled once for_each_claimed succeeded.
    Ok(results.into_iter().flatten().collect())
}

#[cfg(feature = "parallel")]
use std::sync::{Arc, Condvar, Mutex};

/// A borrowed task moved into a pool job (see the SAFETY note in `for_each_claimed`).
#[cfg(feature = "parallel")]
#[derive(Clone, Copy)]
struct SendPtr(&'static (dyn Fn(&Claims) + Sync));

/// The items of one `for_each_claimed` call and the workers inside it.
#[cfg(feature = "parallel")]
struct Claims {
    next: std::sync::atomic::AtomicUsize,
    count: usize,
    state: Mutex<ClaimState>,
    left: Condvar,
}

#[cfg(feature = "parallel")]
#[derive(Default)]
struct ClaimState {
    closed: bool,
    inside: usize,
    panic: Option<Box<dyn std::any::Any + Send>>,
}

#[cfg(feature = "parallel")]
impl Claims {
    fn new(count: usize) -> Self {
        Self {
            next: std::sync::atomic::AtomicUsize::new(0),
            count,
            state: Mutex::new(ClaimState::default()),
            left: Condvar::new(),
        }
    }

    fn claim(&self) -> Option<usize> {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (i < self.count).then_some(i)
    }

    fn stop(&self) {
        self.next
            .store(self.count, std::sync::atomic::Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ClaimState> {
        // The state is plain counters: usable even if a holder panicked.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether a worker may still work on this call (false once the caller closed it).
    fn enter(&self) -> bool {
        let mut state = self.lock();
        if state.closed {
            return false;
        }
        state.inside += 1;
        true
    }

    fn leave(&self, panic: Option<Box<dyn std::any::Any + Send>>) {
        let mut state = self.lock();
        state.inside -= 1;
        if state.panic.is_none() {
            state.panic = panic;
        }
        self.left.notify_all();
    }

    /// Lets no more workers in and waits for those inside; returns a worker's panic, if any.
    fn close(&self) -> Option<Box<dyn std::any::Any + Send>> {
        self.stop();
        let mut state = self.lock();
        state.closed = true;
        while state.inside > 0 {
            state = self
                .left
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.panic.take()
    }
}

#[cfg(all(test, feature = "parallel"))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_item_is_processed_once_on_the_caller_and_the_pool() {
        for count in [0, 1, 2, 3, 17, 1000] {
            let seen: Vec<AtomicUsize> = (0..count).map(|_| AtomicUsize::new(0)).collect();
            let mut out = vec![0u64; count];
            let parts: Vec<(usize, &mut u64)> = out.iter_mut().enumerate().collect();
            let result: Result<(), ()> = for_each_claimed(parts, |(i, slot)| {
                seen[i].fetch_add(1, Ordering::Relaxed);
                *slot = i as u64 * 3;
                Ok(())
            });
            assert_eq!(result, Ok(()));
            assert!(seen.iter().all(|s| s.load(Ordering::Relaxed) == 1));
            assert!(out.iter().enumerate().all(|(i, &v)| v == i as u64 * 3));
        }
    }

    #[test]
    fn mapped_results_keep_index_order() {
        for count in [0, 1, 5, 333] {
            let result: Result<Vec<usize>, ()> = map_claimed(count, |i| Ok(i * i));
            assert_eq!(result, Ok((0..count).map(|i| i * i).collect::<Vec<_>>()));
        }
        assert_eq!(
            map_claimed(50, |i| if i == 7 { Err(i) } else { Ok(i) }),
            Err(7)
        );
    }

    #[test]
    fn the_first_error_stops_the_claims_and_is_returned() {
        let done = AtomicUsize::new(0);
        let result = for_each_claimed((0..10_000).collect(), |i: usize| {
            done.fetch_add(1, Ordering::Relaxed);
            if i == 5 { Err(i) } else { Ok(()) }
        });
        assert_eq!(result, Err(5));
        assert!(done.load(Ordering::Relaxed) < 10_000);
    }

    #[test]
    fn a_panic_on_any_thread_reaches_the_caller_and_the_pool_still_works() {
        for _ in 0..20 {
            let outcome = std::panic::catch_unwind(|| {
                let _ = for_each_claimed((0..64).collect(), |i: usize| -> Result<(), ()> {
                    assert!(i != 40, "item 40");
                    Ok(())
                });
            });
            assert!(outcome.is_err());
        }
        let sum = AtomicUsize::new(0);
        let result: Result<(), ()> = for_each_claimed((0..100).collect(), |i: usize| {
            sum.fetch_add(i, Ordering::Relaxed);
            Ok(())
        });
        assert_eq!(result, Ok(()));
        assert_eq!(sum.load(Ordering::Relaxed), 4950);
    }
}
