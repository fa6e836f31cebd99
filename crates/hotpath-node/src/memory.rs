//! Native memory the caller owns (`NativeBuffer` in the facade): a 64-byte aligned block shown to
//! JavaScript as an external ArrayBuffer. The block lives while any of its owners does: the
//! ArrayBuffer (until `release` detaches it, or the GC collects it) and every async task that
//! reads or writes it in place (see `pin`). No JavaScript can reach it after either is gone.
use crate::raw::{self, RawValue};
use hotpath_kernels::memory::{Block, STATS};
use napi::{Env, sys};
use napi_derive::napi;
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Blocks freed by `release` (the caller's `dispose()`).
static DISPOSALS: AtomicU64 = AtomicU64::new(0);
/// Blocks whose ArrayBuffer the GC collected before anyone released it: leaks in the caller.
static COLLECTED: AtomicU64 = AtomicU64::new(0);

/// The ArrayBuffer's share of a block: emptied by whichever comes first, `release` or the GC.
type Claim = Mutex<Option<Arc<Block>>>;

/// Where every live block starts, so a task given a view of one can keep the block alive.
static BLOCKS: Mutex<BTreeMap<usize, Weak<Block>>> = Mutex::new(BTreeMap::new());

/// The ArrayBuffer's finalizer context.
struct Finalizer {
    claim: Arc<Claim>,
    /// Where the block was allocated, printed if the GC collects it (HOTPATH_DEBUG_LEAKS).
    stack: Option<String>,
}

/// A block of native memory and the ArrayBuffer over it.
#[napi]
pub struct NativeMemory {
    claim: Arc<Claim>,
    byte_length: usize,
    start: usize,
    stack: Option<String>,
    exposed: bool,
}

/// Allocates `byteLength` bytes (zero-filled if `zeroed`); `null` when the system cannot. `stack`
/// is kept to name the allocation if it is garbage-collected without `release`.
#[napi]
pub fn memory_allocate(
    byte_length: f64,
    zeroed: bool,
    stack: Option<String>,
) -> Option<NativeMemory> {
    if !(byte_length >= 0.0 && byte_length <= isize::MAX as f64) || byte_length.fract() != 0.0 {
        return None;
    }
    let block = Arc::new(Block::new(byte_length as usize, zeroed).ok()?);
    let start = block.as_ptr() as usize;
    if !block.is_empty() {
        let mut blocks = lock(&BLOCKS);
        // Freed blocks leave dead entries (maps land at new addresses); dropping them once they
        // outnumber the live ones keeps the registry at twice the live set, O(1) amortized.
        if blocks.len() >= 2 * STATS.snapshot().live as usize + 64 {
            blocks.retain(|_, weak| weak.strong_count() > 0);
        }
        blocks.insert(start, Arc::downgrade(&block));
    }
    Some(NativeMemory {
        byte_length: block.len(),
        claim: Arc::new(Mutex::new(Some(block))),
        start,
        stack,
        exposed: false,
    })
}

#[napi]
impl NativeMemory {
    /// The ArrayBuffer over the block (once: a second call is an error, so exactly one
    /// ArrayBuffer ever owns the block and detaching it hides the memory from every view).
    #[napi(ts_return_type = "ArrayBuffer")]
    pub fn array_buffer(&mut self, env: Env) -> napi::Result<RawValue> {
        if self.exposed {
            return Err(napi::Error::from_reason(
                "the ArrayBuffer was already created",
            ));
        }
        let Some(block) = lock(&self.claim).clone() else {
            return Err(napi::Error::from_reason("the memory was released"));
        };
        let mut result = ptr::null_mut();
        let status = if block.is_empty() {
            // SAFETY: env is the live environment of this call; result receives the new value.
            unsafe { sys::napi_create_arraybuffer(env.raw(), 0, ptr::null_mut(), &mut result) }
        } else {
            let finalizer = Box::into_raw(Box::new(Finalizer {
                claim: Arc::clone(&self.claim),
                stack: self.stack.take(),
            }));
            // V8 counts an external ArrayBuffer's bytes as external memory itself (Node builds it
            // as an external Buffer: `process.memoryUsage().external` grows by its size and falls
            // back at release), so its GC paces itself by them; napi_adjust_external_memory on top
            // would count every block twice.
            // SAFETY: the block's bytes stay allocated while the claim holds it, and the claim is
            // emptied only after the ArrayBuffer is detached (`release`) or collected (`finalize`).
            // On failure the finalizer box is reclaimed below; on success N-API owns it until
            // `finalize` runs.
            let status = unsafe {
                sys::napi_create_external_arraybuffer(
                    env.raw(),
                    block.as_ptr().cast(),
                    block.len(),
                    Some(finalize),
                    finalizer.cast(),
                    &mut result,
                )
            };
            if status != sys::Status::napi_ok {
                // SAFETY: N-API did not take the box (the call failed), so it is still ours.
                drop(unsafe { Box::from_raw(finalizer) });
            }
            status
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason(format!(
                "N-API could not create an external ArrayBuffer (napi_status {status}); this runtime may forbid them"
            )));
        }
        self.exposed = true;
        Ok(RawValue(result))
    }

    /// Detaches `arrayBuffer` (which must be this block's) so no view reaches the memory, and
    /// gives up the ArrayBuffer's claim: the block is freed now, or when the last async task
    /// using it ends. A second call does nothing.
    #[napi(ts_args_type = "arrayBuffer: ArrayBuffer")]
    pub fn release(&mut self, env: Env, array_buffer: RawValue) -> napi::Result<()> {
        let Some(block) = lock(&self.claim).take() else {
            return Ok(());
        };
        if self.exposed {
            let mut data = ptr::null_mut();
            let mut length = 0usize;
            // SAFETY: env is live; array_buffer is a value of this call (checked by N-API).
            let status = unsafe {
                sys::napi_get_arraybuffer_info(env.raw(), array_buffer.0, &mut data, &mut length)
            };
            let ours = status == sys::Status::napi_ok
                && (block.is_empty() || std::ptr::eq(data.cast::<u8>(), block.as_ptr()));
            if !ours {
                *lock(&self.claim) = Some(block);
                return Err(napi::Error::from_reason(
                    "release() was given another ArrayBuffer",
                ));
            }
            // SAFETY: as above; detaching an ArrayBuffer we created is always allowed.
            let status = unsafe { sys::napi_detach_arraybuffer(env.raw(), array_buffer.0) };
            raw::check_internal(status, "detach the ArrayBuffer")
                .map_err(|f| napi::Error::from_reason(f.message))?;
        }
        DISPOSALS.fetch_add(1, Ordering::Relaxed);
        drop(block);
        Ok(())
    }

    #[napi(getter)]
    pub fn byte_length(&self) -> f64 {
        self.byte_length as f64
    }

    /// The block's address modulo 64 (always 0): lets tests check the alignment promise.
    #[napi(getter)]
    pub fn alignment_offset(&self) -> u32 {
        (self.start % hotpath_kernels::memory::ALIGNMENT) as u32
    }
}

/// N-API calls this on the JS thread once the ArrayBuffer is garbage (or its environment ends).
unsafe extern "C" fn finalize(_env: sys::napi_env, _data: *mut c_void, hint: *mut c_void) {
    // SAFETY: `hint` is the box leaked in `array_buffer`, and N-API finalizes exactly once.
    let finalizer = unsafe { Box::from_raw(hint.cast::<Finalizer>()) };
    let Some(block) = lock(&finalizer.claim).take() else {
        return;
    };
    COLLECTED.fetch_add(1, Ordering::Relaxed);
    if let Some(stack) = &finalizer.stack {
        eprintln!(
            "hotpath: a NativeBuffer of {} bytes was garbage-collected without dispose(); it was allocated {}",
            block.len(),
            stack.trim_start_matches("Error").trim_start()
        );
    }
    drop(block);
}

/// The block that holds `len` bytes at `data`, kept alive for as long as the result is: a task
/// reading a view in place holds it, so even memory JavaScript lets go of mid-call (an
/// ArrayBuffer transferred away and collected) stays valid until the task ends. None for memory
/// that is not a NativeBuffer's.
pub(crate) fn pin(data: *const u8, len: usize) -> Option<Arc<Block>> {
    let start = data as usize;
    let blocks = lock(&BLOCKS);
    let (&block_start, weak) = blocks.range(..=start).next_back()?;
    let block = weak.upgrade()?;
    (start + len <= block_start + block.len()).then_some(block)
}

#[napi(object)]
pub struct NativeMemoryStats {
    pub native_bytes: f64,
    pub peak_native_bytes: f64,
    pub live_buffers: f64,
    pub allocations: f64,
    pub disposals: f64,
    pub collected: f64,
}

/// Counters of every NativeBuffer block in this process (all workers share them).
#[napi]
pub fn memory_stats() -> NativeMemoryStats {
    let stats = STATS.snapshot();
    NativeMemoryStats {
        native_bytes: stats.bytes as f64,
        peak_native_bytes: stats.peak_bytes as f64,
        live_buffers: stats.live as f64,
        allocations: stats.allocations as f64,
        disposals: DISPOSALS.load(Ordering::Relaxed) as f64,
        collected: COLLECTED.load(Ordering::Relaxed) as f64,
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding these locks leaves plain data behind: keep using it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
