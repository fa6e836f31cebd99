//! Image convolution: 2D and separable correlation over interleaved 8-bit, 16-bit and float32
//! images with 1 to 4 channels, under four border modes.
//!
//! Kernels are applied as written (correlation): out(x, y) = Σ_j Σ_i k[j][i] · in(x + i - rx,
//! y + j - ry). Everything is float32: weights, samples, each product and each sum, with the taps
//! of a sample added in row-major order (separable: rows with `ky` first, then that line with
//! `kx`). That order is the same at every SIMD level and thread count, and the same as the
//! TypeScript reference, so results match it bit for bit. See `band.rs` for the row loops and
//! `axis.rs` for the border modes.
mod axis;
mod band;
mod plan;
mod sample;
#[cfg(test)]
mod tests;

pub use axis::{Border, border_index};
pub use sample::{Rounding, Sample};

use crate::AbortFlag;
use crate::error::KernelError;
use crate::pool::Threads;
use crate::simd::SimdLevel;
use plan::Plan;

/// The largest kernel side: 63 taps (radius 31).
pub const MAX_KERNEL_SIZE: usize = 63;

/// Below this many multiply-adds an image stays on the calling thread (tens of µs of work, about
/// what waking the pool costs).
pub const PARALLEL_MIN_TAPS: usize = 1 << 20;

/// Width, height and channels (1 to 4) of an interleaved image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub width: usize,
    pub height: usize,
    pub channels: usize,
}

impl Shape {
    /// Samples in the image, or an error when the shape is empty, has 0 or more than 4 channels,
    /// or overflows.
    pub fn samples(&self) -> Result<usize, KernelError> {
        if self.width == 0 || self.height == 0 {
            return Err(KernelError::invalid(
                "image",
                "a width and height >= 1",
                format!("{} x {}", self.width, self.height),
            ));
        }
        if !(1..=4).contains(&self.channels) {
            return Err(KernelError::invalid(
                "image.channels",
                "an integer from 1 to 4",
                self.channels.to_string(),
            ));
        }
        self.width
            .checked_mul(self.height)
            .and_then(|p| p.checked_mul(self.channels))
            .ok_or_else(|| {
                KernelError::invalid(
                    "image",
                    "a width x height x channels that fits in memory",
                    format!("{} x {} x {}", self.width, self.height, self.channels),
                )
            })
    }
}

/// How a convolution treats borders, rounds, and which channels it filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub border: Border,
    pub rounding: Rounding,
    /// Bit c set: channel c is filtered; other channels are copied from the source.
    pub channel_mask: u8,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            border: Border::Renormalize,
            rounding: Rounding::Round,
            channel_mask: 0b1111,
        }
    }
}

/// A filter: a 2D kernel (odd width and height up to 63, row-major weights) or a separable one
/// (`x` across, `y` down, odd lengths up to 63).
#[derive(Clone, Copy, Debug)]
pub enum Filter<'a> {
    Full {
        width: usize,
        height: usize,
        weights: &'a [f32],
    },
    Separable {
        x: &'a [f32],
        y: &'a [f32],
    },
}

fn check_side(side: usize, name: &'static str) -> Result<(), KernelError> {
    if side % 2 == 1 && side <= MAX_KERNEL_SIZE {
        Ok(())
    } else {
        Err(KernelError::invalid(
            name,
            format!("an odd integer from 1 to {MAX_KERNEL_SIZE}"),
            side.to_string(),
        ))
    }
}

fn check_weights(weights: &[f32], name: &'static str) -> Result<(), KernelError> {
    match weights.iter().position(|w| !w.is_finite()) {
        None => Ok(()),
        Some(i) => Err(KernelError::invalid(
            name,
            "finite float32 weights",
            format!("{} at index {i}", weights[i]),
        )),
    }
}

impl Filter<'_> {
    /// Kernel width and height.
    pub fn size(&self) -> (usize, usize) {
        match self {
            Self::Full { width, height, .. } => (*width, *height),
            Self::Separable { x, y } => (x.len(), y.len()),
        }
    }

    /// Taps per output sample.
    pub fn taps(&self) -> usize {
        match self {
            Self::Full { width, height, .. } => width * height,
            Self::Separable { x, y } => x.len() + y.len(),
        }
    }

    pub fn check(&self) -> Result<(), KernelError> {
        match self {
            Self::Full {
                width,
                height,
                weights,
            } => {
                check_side(*width, "kernel.width")?;
                check_side(*height, "kernel.height")?;
                if weights.len() != width * height {
                    return Err(KernelError::invalid(
                        "kernel.data",
                        format!("width x height = {} weights", width * height),
                        format!("{} weights", weights.len()),
                    ));
                }
                check_weights(weights, "kernel.data")
            }
            Self::Separable { x, y } => {
                check_side(x.len(), "kx")?;
                check_side(y.len(), "ky")?;
                check_weights(x, "kx")?;
                check_weights(y, "ky")
            }
        }
    }
}

/// An image's samples, read-only.
#[derive(Clone, Copy, Debug)]
pub enum Pixels<'a> {
    U8(&'a [u8]),
    U16(&'a [u16]),
    F32(&'a [f32]),
}

/// An image's samples, to write.
#[derive(Debug)]
pub enum PixelsMut<'a> {
    U8(&'a mut [u8]),
    U16(&'a mut [u16]),
    F32(&'a mut [f32]),
}

/// One image of a batch: its samples, where the result goes, its shape.
#[derive(Debug)]
pub struct Job<'a> {
    pub src: Pixels<'a>,
    pub out: PixelsMut<'a>,
    pub shape: Shape,
}

fn run<T: Sample>(
    level: SimdLevel,
    plan: &Plan<'_>,
    src: &[T],
    out: &mut [T],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    let n = plan.shape.width * plan.shape.channels;
    let height = plan.shape.height;
    #[cfg(feature = "parallel")]
    if crate::pool::parallel(
        threads,
        src.len().saturating_mul(plan.filter.taps()),
        PARALLEL_MIN_TAPS,
    ) {
        // A few bands per thread, so a thread that finishes early can take another; claimed one
        // by one, so the caller starts at once (see `for_each_claimed`).
        let bands = (crate::pool::threads() * 4).min(height);
        let rows = height.div_ceil(bands);
        let parts: Vec<_> = out.chunks_mut(rows * n).enumerate().collect();
        return crate::pool::for_each_claimed(parts, |(b, chunk)| {
            band::band(level, plan, src, chunk, b * rows, abort)
        })
        .map_err(KernelError::from);
    }
    let _ = (threads, height);
    // Bands on one thread too, so progress moves while a large image is filtered.
    out.chunks_mut(SEQUENTIAL_BAND_ROWS * n.max(1))
        .enumerate()
        .try_for_each(|(b, chunk)| {
            band::band(level, plan, src, chunk, b * SEQUENTIAL_BAND_ROWS, abort)
        })
        .map_err(KernelError::from)
}

fn mismatch(name: &'static str, expected: usize, received: usize) -> KernelError {
    KernelError::invalid(
        name,
        format!("width x height x channels = {expected} samples"),
        format!("{received} samples"),
    )
}

/// Rows per band when one thread filters an image: long enough that a band's warm-up rows
/// (a full kernel's line cache) cost little, short enough for progress to move.
const SEQUENTIAL_BAND_ROWS: usize = 256;

/// Convolves `src` into `out` (same shape, same sample type) with the code for `level`; its
/// rows are the units of progress on `abort`.
#[allow(clippy::too_many_arguments)]
pub fn convolve_with(
    level: SimdLevel,
    src: Pixels<'_>,
    out: PixelsMut<'_>,
    shape: Shape,
    filter: &Filter<'_>,
    options: Options,
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    abort.begin(shape.height as u64);
    convolve_announced(level, src, out, shape, filter, options, threads, abort)
}

/// `convolve_with` for rows whose progress units the caller already announced.
#[allow(clippy::too_many_arguments)]
fn convolve_announced(
    level: SimdLevel,
    src: Pixels<'_>,
    out: PixelsMut<'_>,
    shape: Shape,
    filter: &Filter<'_>,
    options: Options,
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    filter.check()?;
    let samples = shape.samples()?;
    let plan = Plan::new(filter, shape, options);
    macro_rules! typed {
        ($src:expr, $out:expr) => {{
            if $src.len() != samples {
                return Err(mismatch("image.data", samples, $src.len()));
            }
            if $out.len() != samples {
                return Err(mismatch("out.data", samples, $out.len()));
            }
            run(level, &plan, $src, $out, threads, abort)
        }};
    }
    match (src, out) {
        (Pixels::U8(s), PixelsMut::U8(o)) => typed!(s, o),
        (Pixels::U16(s), PixelsMut::U16(o)) => typed!(s, o),
        (Pixels::F32(s), PixelsMut::F32(o)) => typed!(s, o),
        _ => Err(KernelError::invalid(
            "out.data",
            "the same sample type as the image",
            "another type",
        )),
    }
}

/// Convolves `src` into `out` (same shape and sample type) with the best code this CPU runs.
/// Large images are split into bands of rows across the pool (unless `threads` is `Single`).
pub fn convolve(
    src: Pixels<'_>,
    out: PixelsMut<'_>,
    shape: Shape,
    filter: &Filter<'_>,
    options: Options,
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    convolve_with(
        SimdLevel::detect(),
        src,
        out,
        shape,
        filter,
        options,
        threads,
        abort,
    )
}

/// Convolves every job with one filter, in parallel across images (and across the rows of large
/// ones). Stops at the first failure; jobs not yet done are left unwritten.
pub fn convolve_batch(
    jobs: Vec<Job<'_>>,
    filter: &Filter<'_>,
    options: Options,
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    filter.check()?;
    abort.begin(jobs.iter().map(|job| job.shape.height as u64).sum());
    let level = SimdLevel::detect();
    let one = |job: Job<'_>| {
        convolve_announced(
            level, job.src, job.out, job.shape, filter, options, threads, abort,
        )
    };
    #[cfg(feature = "parallel")]
    if crate::pool::parallel(threads, jobs.len(), 2) {
        return crate::pool::for_each_claimed(jobs, one);
    }
    jobs.into_iter().try_for_each(one)
}
