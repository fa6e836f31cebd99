//! What the loaded binary is and how it will run: printed by `hotpath bench`, used in bug reports.
use crate::error::{Code, guard};
use hotpath_kernels::simd::SimdLevel;
use napi::Result;
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

#[napi(object)]
pub struct NativeInfo {
    /// The SIMD level chosen at run time: "avx512", "avx2" or "baseline".
    pub simd: String,
    /// Every SIMD level this CPU supports.
    pub simd_available: Vec<String>,
    /// Threads in hotpath's pool (`HOTPATH_THREADS`, default: available cores).
    pub threads: u32,
    /// Version of the native crate.
    pub version: String,
}

/// Describes the loaded native binary and the CPU features it detected.
#[napi]
pub fn native_info() -> NativeInfo {
    NativeInfo {
        simd: SimdLevel::detect().name().into(),
        simd_available: SimdLevel::available()
            .into_iter()
            .map(|l| l.name().to_string())
            .collect(),
        threads: hotpath_kernels::pool::threads() as u32,
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Panics inside native code on purpose. Tests use it to prove that a panic becomes an
/// `ERR_HOTPATH_INTERNAL` error instead of crashing the process.
#[napi]
pub fn debug_panic(message: String) -> Result<(), Code> {
    guard(|| -> Result<(), Code> { panic!("{message}") })
}

/// Panics on a thread of hotpath's pool: the panic is resumed on the caller's thread and must be
/// contained, with its location, like one raised there.
#[napi]
pub fn debug_panic_in_pool(message: String) -> Result<(), Code> {
    guard(|| -> Result<(), Code> { hotpath_kernels::pool::install(|| panic!("{message}")) })
}

pub struct PanicTask(String);

impl Task for PanicTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        let message = self.0.clone();
        crate::error::guard_task(|| -> Result<()> { panic!("{message}") })
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}

/// The async twin of `debugPanic`: the panic happens on a libuv worker thread.
#[napi]
pub fn debug_panic_async(message: String) -> AsyncTask<PanicTask> {
    AsyncTask::new(PanicTask(message))
}

/// Reads every byte of `data` on all of the pool's threads (or one, with `singleThread`) doing
/// almost nothing with them: the benchmarks' memory bandwidth probe. Returns a checksum (the low 32
/// bits of the XOR of its words) only so that the reads cannot be dropped.
#[napi]
pub fn probe_read(data: &[f64], single_thread: bool) -> u32 {
    let threads = crate::tasks::sync_threads(single_thread);
    let x = hotpath_kernels::probe::read_all(data, threads);
    (x ^ (x >> 32)) as u32
}
