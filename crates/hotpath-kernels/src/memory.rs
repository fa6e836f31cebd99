//! Native memory handed to JavaScript callers (`NativeBuffer`): 64-byte aligned blocks and the
//! process-wide counters `memoryStats()` reports. Freed when the last owner drops the block.
use std::alloc::{Layout, alloc, alloc_zeroed, dealloc};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

/// Cache-line (and AVX-512 vector) alignment, so kernels never start a buffer mid-line.
pub const ALIGNMENT: usize = 64;

/// Blocks of at least this many bytes are anonymous memory maps rather than heap allocations.
/// A freed map goes back to the OS at once; freed heap blocks stay resident while the small
/// allocations N-API makes around each ArrayBuffer fill the holes they leave, so a loop of
/// alloc/dispose grew RSS by about a page per cycle. Below it, a map would waste most of a page.
pub const MAP_THRESHOLD: usize = 64 * 1024;

/// One aligned block of bytes owned by native code.
pub struct Block {
    ptr: NonNull<u8>,
    len: usize,
    /// The map behind a large block (None: a heap block, or empty).
    #[cfg(any(unix, windows))]
    map: Option<memmap2::MmapMut>,
}

// SAFETY: a Block is a plain allocation with no thread affinity; all access to its bytes goes
// through raw pointers whose synchronization is the caller's contract (see `as_ptr`).
unsafe impl Send for Block {}
// SAFETY: as for Send: `&Block` only hands out the pointer and length.
unsafe impl Sync for Block {}

#[derive(Debug)]
pub struct TooLarge;

impl Block {
    /// `len` bytes, zero-filled if `zeroed` (maps come zeroed from the OS, so that costs nothing
    /// there), else with unspecified contents. `len` 0 gives a dangling, aligned, empty block.
    pub fn new(len: usize, zeroed: bool) -> Result<Self, TooLarge> {
        let block = if len == 0 {
            // Aligned and non-null; never dereferenced or freed.
            Self::from_heap(NonNull::new(ALIGNMENT as *mut u8).expect("non-null"), 0)
        } else if len >= MAP_THRESHOLD && cfg!(any(unix, windows)) {
            Self::mapped(len)?
        } else {
            let layout = Layout::from_size_align(len, ALIGNMENT).map_err(|_| TooLarge)?;
            // SAFETY: `layout` has a non-zero size (len > 0 here).
            let raw = unsafe {
                if zeroed {
                    alloc_zeroed(layout)
                } else {
                    alloc(layout)
                }
            };
            Self::from_heap(NonNull::new(raw).ok_or(TooLarge)?, len)
        };
        STATS.record_allocation(len as u64);
        Ok(block)
    }

    fn from_heap(ptr: NonNull<u8>, len: usize) -> Self {
        Self {
            ptr,
            len,
            #[cfg(any(unix, windows))]
            map: None,
        }
    }

    #[cfg(any(unix, windows))]
    fn mapped(len: usize) -> Result<Self, TooLarge> {
        let mut map = memmap2::MmapMut::map_anon(len).map_err(|_| TooLarge)?;
        // Page-aligned, so 64-byte aligned; the pointer stays valid while `map` lives in the block.
        let ptr = NonNull::new(map.as_mut_ptr()).ok_or(TooLarge)?;
        Ok(Self {
            ptr,
            len,
            map: Some(map),
        })
    }

    #[cfg(not(any(unix, windows)))]
    fn mapped(_len: usize) -> Result<Self, TooLarge> {
        unreachable!("maps are only used on unix and windows")
    }

    /// The first byte. Writes through it (from JavaScript or a kernel) must not race with reads
    /// that need a consistent view; they never reach outside `len` bytes.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn is_mapped(&self) -> bool {
        #[cfg(any(unix, windows))]
        return self.map.is_some();
        #[cfg(not(any(unix, windows)))]
        return false;
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        // A map is unmapped when its field drops, after this.
        if self.len > 0 && !self.is_mapped() {
            let layout = Layout::from_size_align(self.len, ALIGNMENT).expect("checked at new");
            // SAFETY: allocated in `new` with this very layout and not freed since (Drop runs once).
            unsafe { dealloc(self.ptr.as_ptr(), layout) };
        }
        STATS.record_free(self.len as u64);
    }
}

/// Process-wide counters of [`Block`]s.
pub struct Stats {
    bytes: AtomicU64,
    peak_bytes: AtomicU64,
    live: AtomicU64,
    allocations: AtomicU64,
}

/// A snapshot of [`Stats`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub bytes: u64,
    pub peak_bytes: u64,
    pub live: u64,
    pub allocations: u64,
}

pub static STATS: Stats = Stats {
    bytes: AtomicU64::new(0),
    peak_bytes: AtomicU64::new(0),
    live: AtomicU64::new(0),
    allocations: AtomicU64::new(0),
};

impl Stats {
    fn record_allocation(&self, len: u64) {
        let now = self.bytes.fetch_add(len, Ordering::Relaxed) + len;
        self.peak_bytes.fetch_max(now, Ordering::Relaxed);
        self.live.fetch_add(1, Ordering::Relaxed);
        self.allocations.fetch_add(1, Ordering::Relaxed);
    }

    fn record_free(&self, len: u64) {
        self.bytes.fetch_sub(len, Ordering::Relaxed);
        self.live.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            bytes: self.bytes.load(Ordering::Relaxed),
            peak_bytes: self.peak_bytes.load(Ordering::Relaxed),
            live: self.live.load(Ordering::Relaxed),
            allocations: self.allocations.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_zeroed_on_request_and_counted_until_dropped() {
        let before = STATS.snapshot();
        let block = Block::new(1000, true).unwrap();
        assert_eq!(block.as_ptr() as usize % ALIGNMENT, 0);
        // SAFETY: the block owns 1000 initialized (zeroed) bytes.
        let bytes = unsafe { std::slice::from_raw_parts(block.as_ptr(), block.len()) };
        assert!(bytes.iter().all(|&b| b == 0));
        let during = STATS.snapshot();
        assert!(during.allocations > before.allocations);
        assert!(during.peak_bytes >= 1000);
        drop(block);
        let empty = Block::new(0, false).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.as_ptr() as usize % ALIGNMENT, 0);
    }

    #[test]
    fn mapped_blocks_are_aligned_zeroed_and_writable() {
        for len in [MAP_THRESHOLD, MAP_THRESHOLD + 1, 3 << 20] {
            let block = Block::new(len, false).unwrap();
            assert_eq!(block.as_ptr() as usize % ALIGNMENT, 0);
            assert_eq!(block.len(), len);
            // SAFETY: the block owns `len` bytes (maps are initialized, zeroed by the OS).
            let bytes = unsafe { std::slice::from_raw_parts_mut(block.as_ptr(), block.len()) };
            assert!(bytes.iter().all(|&b| b == 0));
            bytes[len - 1] = 7;
            assert_eq!(bytes[len - 1], 7);
        }
    }

    #[test]
    fn impossible_sizes_are_an_error_not_an_abort() {
        assert!(Block::new(usize::MAX - 8, false).is_err());
    }
}
