//! Element-wise maps. Each output element is computed in f64 exactly as a JavaScript loop would
//! (two roundings for `x * scale + shift`, no FMA contraction) and rounded once to the element
//! type, so results equal the JS reference bit for bit at every SIMD level.
use super::{Element, MAP_CHUNK, PARALLEL_MIN_ELEMENTS, check_lengths};
use crate::AbortFlag;
use crate::error::KernelError;
use crate::pool::Threads;
use crate::simd::{SimdLevel, per_level};

#[inline(always)]
fn scale_and_shift_body<T: Element>(x: &[T], scale: f64, shift: f64, out: &mut [T]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = T::from_f64(v.to_f64() * scale + shift);
    }
}

#[inline(always)]
fn scale_body<T: Element>(x: &mut [T], factor: f64) {
    for v in x.iter_mut() {
        *v = T::from_f64(v.to_f64() * factor);
    }
}

#[inline(always)]
fn distances_body<T: Element>(points: &[T], out: &mut [f64]) {
    let (pairs, _) = points.as_chunks::<2>();
    for (o, &[x, y]) in out.iter_mut().zip(pairs) {
        let (x, y) = (x.to_f64(), y.to_f64());
        *o = (x * x + y * y).sqrt();
    }
}

per_level!(fn scale_and_shift_chunk<T: Element>(x: &[T], scale: f64, shift: f64, out: &mut [T]) = scale_and_shift_body);
per_level!(fn scale_chunk<T: Element>(x: &mut [T], factor: f64) = scale_body);
per_level!(fn distances_chunk<T: Element>(points: &[T], out: &mut [f64]) = distances_body);

fn parallel(threads: Threads, len: usize) -> bool {
    crate::pool::parallel(threads, len, PARALLEL_MIN_ELEMENTS)
}

/// `out[i] = x[i] * scale + shift`. `out` may not alias `x` (Rust's borrows guarantee it).
pub fn scale_and_shift<T: Element>(
    x: &[T],
    scale: f64,
    shift: f64,
    out: &mut [T],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    scale_and_shift_with(SimdLevel::detect(), x, scale, shift, out, threads, abort)
}

/// [`scale_and_shift`] with the code compiled for `level` (lowered to what the CPU supports): the same
/// bits at every level.
pub fn scale_and_shift_with<T: Element>(
    level: SimdLevel,
    x: &[T],
    scale: f64,
    shift: f64,
    out: &mut [T],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    check_lengths(x.len(), out.len(), "out")?;
    abort.begin(x.len() as u64);
    let run = |x: &[T], out: &mut [T]| -> Result<(), KernelError> {
        abort.check()?;
        scale_and_shift_chunk(level, x, scale, shift, out);
        abort.advance(x.len() as u64);
        Ok(())
    };
    #[cfg(feature = "parallel")]
    if parallel(threads, x.len()) {
        let parts: Vec<_> = x.chunks(MAP_CHUNK).zip(out.chunks_mut(MAP_CHUNK)).collect();
        return crate::pool::for_each_claimed(parts, |(x, o)| run(x, o));
    }
    let _ = threads;
    x.chunks(MAP_CHUNK)
        .zip(out.chunks_mut(MAP_CHUNK))
        .try_for_each(|(x, o)| run(x, o))
}

/// `x[i] = x[i] * factor`, in place.
pub fn scale<T: Element>(
    x: &mut [T],
    factor: f64,
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    scale_with(SimdLevel::detect(), x, factor, threads, abort)
}

/// [`scale`] with the code compiled for `level` (lowered to what the CPU supports): the same
/// bits at every level.
pub fn scale_with<T: Element>(
    level: SimdLevel,
    x: &mut [T],
    factor: f64,
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    abort.begin(x.len() as u64);
    let run = |x: &mut [T]| -> Result<(), KernelError> {
        abort.check()?;
        scale_chunk(level, x, factor);
        abort.advance(x.len() as u64);
        Ok(())
    };
    #[cfg(feature = "parallel")]
    if parallel(threads, x.len()) {
        return crate::pool::for_each_claimed(x.chunks_mut(MAP_CHUNK).collect(), run);
    }
    let _ = threads;
    x.chunks_mut(MAP_CHUNK).try_for_each(run)
}

/// `out[i] = sqrt(x_i² + y_i²)` for interleaved points `[x0, y0, x1, y1, ...]`, computed as
/// `Math.sqrt(x * x + y * y)` (so |coordinates| beyond ~1e154 overflow to Infinity, as in JS).
pub fn distances_from_origin<T: Element>(
    points: &[T],
    out: &mut [f64],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    distances_from_origin_with(SimdLevel::detect(), points, out, threads, abort)
}

/// [`distances_from_origin`] with the code compiled for `level` (lowered to what the CPU supports): the same
/// bits at every level.
pub fn distances_from_origin_with<T: Element>(
    level: SimdLevel,
    points: &[T],
    out: &mut [f64],
    threads: Threads,
    abort: &AbortFlag,
) -> Result<(), KernelError> {
    if !points.len().is_multiple_of(2) {
        return Err(KernelError::invalid(
            "points",
            "an even length (interleaved x, y pairs)",
            format!("length {}", points.len()),
        ));
    }
    check_lengths(points.len() / 2, out.len(), "out")?;
    abort.begin(out.len() as u64);
    let run = |p: &[T], out: &mut [f64]| -> Result<(), KernelError> {
        abort.check()?;
        distances_chunk(level, p, out);
        abort.advance(out.len() as u64);
        Ok(())
    };
    #[cfg(feature = "parallel")]
    if parallel(threads, points.len()) {
        let parts: Vec<_> = points
            .chunks(MAP_CHUNK)
            .zip(out.chunks_mut(MAP_CHUNK / 2))
            .collect();
        return crate::pool::for_each_claimed(parts, |(p, o)| run(p, o));
    }
    let _ = threads;
    points
        .chunks(MAP_CHUNK)
        .zip(out.chunks_mut(MAP_CHUNK / 2))
        .try_for_each(|(p, o)| run(p, o))
}
