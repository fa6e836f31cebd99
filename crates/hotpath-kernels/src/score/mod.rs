//! The risk score of the scoring-engine workload:
//!
//! `score = 1 / (1 + exp(-sqrt(sum_i (f_i * w_i)^2) + t))`
//!
//! over row-major batches of feature vectors. A NaN feature gives NaN for its row only.
mod avx512;
mod json_rows;
mod portable;
mod scalar;

pub use json_rows::{RowsAt, parse_json_rows};

use crate::AbortFlag;
use crate::error::KernelError;
use crate::simd::SimdLevel;

pub use crate::pool::Threads;

pub use scalar::score_row as score_row_scalar;

/// An input sample type: rows are read in their own width (f32 rows are never copied to f64).
pub trait Sample: Copy + Send + Sync + 'static {
    fn to_f64(self) -> f64;

    /// Loads up to eight samples as f64 lanes; lanes outside `mask` read as 0 and their memory is
    /// not touched.
    ///
    /// # Safety
    /// AVX-512 F/VL must be available and every lane selected by `mask` must be readable.
    #[cfg(target_arch = "x86_64")]
    unsafe fn load8(
        ptr: *const Self,
        mask: std::arch::x86_64::__mmask8,
    ) -> std::arch::x86_64::__m512d;
}

impl Sample for f64 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8(
        ptr: *const Self,
        mask: std::arch::x86_64::__mmask8,
    ) -> std::arch::x86_64::__m512d {
        // SAFETY: the caller guarantees AVX-512 and that the masked lanes are in bounds; the
        // instruction suppresses faults on masked-off lanes.
        unsafe { std::arch::x86_64::_mm512_maskz_loadu_pd(mask, ptr) }
    }
}

impl Sample for f32 {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8(
        ptr: *const Self,
        mask: std::arch::x86_64::__mmask8,
    ) -> std::arch::x86_64::__m512d {
        use std::arch::x86_64::{_mm256_maskz_loadu_ps, _mm512_cvtps_pd};
        // SAFETY: as for f64; eight f32 lanes fit one 256-bit masked load (AVX-512 VL).
        unsafe { _mm512_cvtps_pd(_mm256_maskz_loadu_ps(mask, ptr)) }
    }
}

/// Rows per task when a batch is split across threads; also how often the abort flag is polled.
/// 8192 rows of 20 f64 features is 1.3 MB: long enough (~50 us) that scheduling costs little,
/// short enough that an abort lands quickly.
pub const CHUNK_ROWS: usize = 8192;

/// Below this many rows a batch runs on the calling thread: handing work to the pool and waking
/// its threads costs several microseconds, the time a few thousand rows take on one core.
/// Measured with `cargo run --release --example score_speed -p hotpath-kernels` (pool vs one
/// thread by batch size).
pub const PARALLEL_MIN_ROWS: usize = 4096;

/// Smallest chunk handed to a pool thread.
const MIN_CHUNK_ROWS: usize = 1024;

/// Rows this far ahead (in bytes) are prefetched while a tile computes. Batches larger than the
/// caches are read from DRAM, and the hardware prefetcher alone left the AVX-512 kernel at ~60%
/// of the machine's read bandwidth; prefetching 8 KiB ahead (six 20-feature f64 blocks) measured
/// +40% on 500,000 x 20 f64 and +45% on f32 (`examples/score_speed.rs`; 2, 4, 16 and 32 KiB were
/// no better).
pub(crate) const PREFETCH_DISTANCE: usize = 8192;

/// A validated model: weights and threshold, immutable after construction.
#[derive(Clone, Debug)]
pub struct RiskModel {
    weights: Box<[f64]>,
    threshold: f64,
}

impl RiskModel {
    pub fn new(weights: &[f64], threshold: f64) -> Result<Self, KernelError> {
        if weights.is_empty() {
            return Err(KernelError::invalid(
                "weights",
                "a non-empty list of numbers",
                "an empty list",
            ));
        }
        if let Some((i, w)) = weights.iter().enumerate().find(|(_, w)| !w.is_finite()) {
            return Err(KernelError::invalid(
                "weights",
                "finite numbers",
                format!("weights[{i}] = {w}"),
            ));
        }
        if !threshold.is_finite() {
            return Err(KernelError::invalid(
                "threshold",
                "a finite number",
                threshold.to_string(),
            ));
        }
        Ok(Self {
            weights: weights.into(),
            threshold,
        })
    }

    /// Number of features per row (D).
    pub fn features(&self) -> usize {
        self.weights.len()
    }

    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Scores one feature vector of exactly `features()` values.
    pub fn score<T: Sample>(&self, features: &[T]) -> Result<f64, KernelError> {
        if features.len() != self.weights.len() {
            return Err(KernelError::invalid(
                "features",
                format!("a vector of the model's {} features", self.weights.len()),
                format!("length {}", features.len()),
            ));
        }
        Ok(scalar::score_row(features, &self.weights, self.threshold))
    }

    /// Scores the row-major batch `rows` (N x D) into `out` (N), with the best SIMD level of this
    /// CPU.
    pub fn score_batch<T: Sample>(
        &self,
        rows: &[T],
        out: &mut [f64],
        threads: Threads,
        abort: &AbortFlag,
    ) -> Result<(), KernelError> {
        self.score_batch_with(SimdLevel::detect(), rows, out, threads, abort)
    }

    /// [`Self::score_batch`] at a chosen SIMD level; levels the CPU lacks fall back to baseline.
    pub fn score_batch_with<T: Sample>(
        &self,
        level: SimdLevel,
        rows: &[T],
        out: &mut [f64],
        threads: Threads,
        abort: &AbortFlag,
    ) -> Result<(), KernelError> {
        let d = self.weights.len();
        if !rows.len().is_multiple_of(d) {
            return Err(KernelError::invalid(
                "rows",
                format!("a length that is a multiple of the model's {d} features"),
                format!("rows.length {}", rows.len()),
            ));
        }
        let n = rows.len() / d;
        if out.len() != n {
            return Err(KernelError::invalid(
                "out",
                format!("a Float64Array of length {n}"),
                format!("length {}", out.len()),
            ));
        }
        let level = if level.is_supported() {
            level
        } else {
            SimdLevel::Baseline
        };
        abort.begin(n as u64);
        let run = |rows: &[T], out: &mut [f64]| -> Result<(), KernelError> {
            abort.check()?;
            self.score_chunk(level, rows, out);
            abort.advance(out.len() as u64);
            Ok(())
        };
        #[cfg(feature = "parallel")]
        if crate::pool::parallel(threads, n, PARALLEL_MIN_ROWS) {
            // Enough chunks for every thread to get several, none longer than CHUNK_ROWS so
            // aborts still land quickly; claimed one by one, so the caller starts at once and a
            // worker that wakes late takes only what is left (see `for_each_claimed`).
            let chunk = n
                .div_ceil(crate::pool::threads() * 4)
                .clamp(MIN_CHUNK_ROWS, CHUNK_ROWS);
            let parts: Vec<_> = rows.chunks(chunk * d).zip(out.chunks_mut(chunk)).collect();
            return crate::pool::for_each_claimed(parts, |(r, o)| run(r, o));
        }
        let _ = threads;
        rows.chunks(CHUNK_ROWS * d)
            .zip(out.chunks_mut(CHUNK_ROWS))
            .try_for_each(|(r, o)| run(r, o))
    }

    fn score_chunk<T: Sample>(&self, level: SimdLevel, rows: &[T], out: &mut [f64]) {
        match level {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `score_batch_with` only passes levels that `is_supported()` confirmed.
            SimdLevel::Avx512 => unsafe {
                avx512::score_rows(rows, &self.weights, self.threshold, out)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above, the CPU reported AVX2 and FMA.
            SimdLevel::Avx2 => unsafe {
                portable::score_rows_avx2(rows, &self.weights, self.threshold, out)
            },
            _ => portable::score_rows(rows, &self.weights, self.threshold, out),
        }
    }
}

#[cfg(test)]
mod tests;
