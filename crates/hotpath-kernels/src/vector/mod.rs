//! Vector kernels over `f64` and `f32` slices: compensated reductions (`sum`, `sum_squares`,
//! `dot`, `norm`, `sq_euclidean`) and element-wise maps (`scale`, `scale_and_shift`,
//! `distances_from_origin`).
//!
//! Reductions return `f64` for either element type (f32 inputs are widened, never summed in f32)
//! and are bitwise reproducible: see [`compensated`] for the evaluation order and the error bound.
//! Maps compute each element exactly as JavaScript would (`x * scale + shift` with two roundings,
//! in f64, rounded once to the element type), so results equal a JS loop's bit for bit.
pub mod compensated;
mod elementwise;
#[cfg(target_arch = "aarch64")]
mod simd_neon;
#[cfg(target_arch = "x86_64")]
mod simd_x86;

use crate::AbortFlag;
use crate::error::KernelError;
use crate::pool::Threads;
use crate::simd::SimdLevel;
pub use compensated::{BLOCK, LANES, Partial, Terms};

/// An element type of the vector kernels.
pub trait Element: Copy + Send + Sync + 'static {
    /// `f64` itself; products of two `f32` values are exact in `f64`, which lets them skip the
    /// product-error term.
    const IS_F64: bool;
    fn to_f64(self) -> f64;
    /// Rounds to this type (to nearest, as a JS typed-array store does).
    fn from_f64(value: f64) -> Self;

    /// Loads 8 elements as f64 lanes.
    ///
    /// # Safety
    /// AVX-512 F must be available and 8 elements readable at `ptr`.
    #[cfg(target_arch = "x86_64")]
    unsafe fn load8(ptr: *const Self) -> std::arch::x86_64::__m512d;

    /// Loads 4 elements as f64 lanes.
    ///
    /// # Safety
    /// AVX must be available and 4 elements readable at `ptr`.
    #[cfg(target_arch = "x86_64")]
    unsafe fn load4(ptr: *const Self) -> std::arch::x86_64::__m256d;

    /// Loads 2 elements as f64 lanes.
    ///
    /// # Safety
    /// 2 elements must be readable at `ptr` (NEON is part of every aarch64 CPU).
    #[cfg(target_arch = "aarch64")]
    unsafe fn load2(ptr: *const Self) -> std::arch::aarch64::float64x2_t;
}

impl Element for f64 {
    const IS_F64: bool = true;
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_f64(value: f64) -> Self {
        value
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8(ptr: *const Self) -> std::arch::x86_64::__m512d {
        // SAFETY: the caller guarantees AVX-512 F and 8 readable elements.
        unsafe { std::arch::x86_64::_mm512_loadu_pd(ptr) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load4(ptr: *const Self) -> std::arch::x86_64::__m256d {
        // SAFETY: the caller guarantees AVX and 4 readable elements.
        unsafe { std::arch::x86_64::_mm256_loadu_pd(ptr) }
    }
    #[cfg(target_arch = "aarch64")]
    #[inline(always)]
    unsafe fn load2(ptr: *const Self) -> std::arch::aarch64::float64x2_t {
        // SAFETY: the caller guarantees 2 readable elements.
        unsafe { std::arch::aarch64::vld1q_f64(ptr) }
    }
}

impl Element for f32 {
    const IS_F64: bool = false;
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load8(ptr: *const Self) -> std::arch::x86_64::__m512d {
        use std::arch::x86_64::{_mm256_loadu_ps, _mm512_cvtps_pd};
        // SAFETY: the caller guarantees AVX-512 F and 8 readable elements.
        unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(ptr)) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn load4(ptr: *const Self) -> std::arch::x86_64::__m256d {
        use std::arch::x86_64::{_mm_loadu_ps, _mm256_cvtps_pd};
        // SAFETY: the caller guarantees AVX and 4 readable elements.
        unsafe { _mm256_cvtps_pd(_mm_loadu_ps(ptr)) }
    }
    #[cfg(target_arch = "aarch64")]
    #[inline(always)]
    unsafe fn load2(ptr: *const Self) -> std::arch::aarch64::float64x2_t {
        use std::arch::aarch64::{vcvt_f64_f32, vld1_f32};
        // SAFETY: the caller guarantees 2 readable elements.
        unsafe { vcvt_f64_f32(vld1_f32(ptr)) }
    }
}

/// Below this many elements a reduction runs on the calling thread: waking the pool costs about
/// as long as one core takes to reduce this many in-cache values. On the 2-core reference machine
/// the pool was 0.7x one thread at 65,536 f64, 0.96-1.7x at 131,072, 1.5x at 262,144 and 2x at
/// 1,048,576 (`cargo run --release --example vector_speed -p hotpath-kernels`).
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 17;

/// Blocks handed to a pool thread at once in element-wise maps, and how often they poll `abort`.
const MAP_CHUNK: usize = 4 * BLOCK;

fn supported(level: SimdLevel) -> SimdLevel {
    if level.is_supported() {
        level
    } else {
        SimdLevel::Baseline
    }
}

fn check_lengths(x_len: usize, y_len: usize, y_name: &'static str) -> Result<(), KernelError> {
    if x_len == y_len {
        Ok(())
    } else {
        Err(KernelError::invalid(
            y_name,
            format!("the same length as the first vector ({x_len})"),
            format!("length {y_len}"),
        ))
    }
}

/// The partial of one block, compiled for `level`.
fn block_partial<T: Element>(level: SimdLevel, terms: Terms, x: &[T], y: &[T]) -> Partial {
    match level {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `supported()` confirmed AVX-512 F/DQ/VL, AVX2 and FMA on this CPU.
        SimdLevel::Avx512 => unsafe { simd_x86::block_avx512(terms, x, y) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `supported()` confirmed AVX2 and FMA on this CPU.
        SimdLevel::Avx2 => unsafe { simd_x86::block_avx2(terms, x, y) },
        #[cfg(target_arch = "aarch64")]
        _ => simd_neon::block_neon(terms, x, y),
        #[cfg(not(target_arch = "aarch64"))]
        _ => compensated::block::<T, false>(terms, x, y),
    }
}

/// A reduction over `x` (and `y`, same length, unless `terms` is [`Terms::Values`]), as a
/// partial. Blocks are reduced in parallel when allowed and worth it, combined in index order.
pub fn reduce_with<T: Element>(
    level: SimdLevel,
    terms: Terms,
    x: &[T],
    y: &[T],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<Partial, KernelError> {
    if terms != Terms::Values {
        check_lengths(x.len(), y.len(), "y")?;
    }
    let level = supported(level);
    let y = if terms == Terms::Values { x } else { y };
    abort.begin(x.len() as u64);
    #[cfg(feature = "parallel")]
    if crate::pool::parallel(threads, x.len(), PARALLEL_MIN_ELEMENTS) {
        // Each block's partial lands in its own slot, so the combination below runs in index
        // order whichever thread reduced which block: the same bits as one thread.
        let mut partials = vec![Partial::default(); x.len().div_ceil(BLOCK)];
        let parts: Vec<_> = x
            .chunks(BLOCK)
            .zip(y.chunks(BLOCK))
            .zip(partials.iter_mut())
            .collect();
        crate::pool::for_each_claimed(parts, |((xb, yb), slot)| -> Result<(), KernelError> {
            abort.check()?;
            *slot = block_partial(level, terms, xb, yb);
            abort.advance(xb.len() as u64);
            Ok(())
        })?;
        return Ok(partials
            .into_iter()
            .fold(Partial::default(), Partial::combine));
    }
    let _ = threads;
    let mut total = Partial::default();
    for (xb, yb) in x.chunks(BLOCK).zip(y.chunks(BLOCK)) {
        abort.check()?;
        total = total.combine(block_partial(level, terms, xb, yb));
        abort.advance(xb.len() as u64);
    }
    Ok(total)
}

fn reduce<T: Element>(
    terms: Terms,
    x: &[T],
    y: &[T],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<f64, KernelError> {
    Ok(reduce_with(SimdLevel::detect(), terms, x, y, threads, abort)?.value())
}

/// Σ x_i, compensated.
pub fn sum<T: Element>(x: &[T], threads: Threads, abort: &AbortFlag) -> Result<f64, KernelError> {
    reduce(Terms::Values, x, x, threads, abort)
}

/// Σ x_i², compensated.
pub fn sum_squares<T: Element>(
    x: &[T],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<f64, KernelError> {
    reduce(Terms::Products, x, x, threads, abort)
}

/// Σ x_i y_i, compensated (Dot2).
pub fn dot<T: Element>(
    x: &[T],
    y: &[T],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<f64, KernelError> {
    reduce(Terms::Products, x, y, threads, abort)
}

/// Σ (x_i - y_i)², compensated; each difference is rounded once.
pub fn sq_euclidean<T: Element>(
    x: &[T],
    y: &[T],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<f64, KernelError> {
    reduce(Terms::SquaredDifferences, x, y, threads, abort)
}

/// The Euclidean norm √(Σ x_i²). When the sum of squares overflows or underflows although the
/// norm itself is representable (|x| near 1e154 or 1e-154 and beyond), the vector is rescaled by
/// a power of two, exactly, and summed again, as BLAS `dnrm2` does.
pub fn norm<T: Element>(x: &[T], threads: Threads, abort: &AbortFlag) -> Result<f64, KernelError> {
    let squares = sum_squares(x, threads, abort)?;
    // 2^-969: below it, products of the largest elements were subnormal and lost bits.
    const SMALLEST_EXACT: f64 = f64::from_bits(54 << 52);
    if squares.is_finite() && squares >= SMALLEST_EXACT {
        return Ok(squares.sqrt());
    }
    if squares.is_nan() {
        return Ok(squares);
    }
    let largest = x.iter().map(|v| v.to_f64().abs()).fold(0.0f64, f64::max);
    if !largest.is_finite() || largest == 0.0 {
        return Ok(if largest == 0.0 { 0.0 } else { f64::INFINITY });
    }
    // A power of two near 1/largest, from the exponent bits (log2 could round differently in
    // the TS reference): scaling by it is exact for every normal value.
    let exponent = ((largest.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let factor = 2f64.powi(-exponent);
    let scaled: Vec<f64> = x.iter().map(|v| v.to_f64() * factor).collect();
    Ok(sum_squares(&scaled, threads, abort)?.sqrt() / factor)
}

pub use elementwise::{
    distances_from_origin, distances_from_origin_with, scale, scale_and_shift,
    scale_and_shift_with, scale_with,
};

#[cfg(test)]
mod tests;
