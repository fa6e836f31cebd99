//! Streaming descriptive statistics: count, total, mean, variance, min and max of a stream of
//! numbers, mergeable across partial results.
//!
//! [`Moments`] keeps the count, the mean and `m2` (the sum of squared deviations from the mean,
//! Welford's formulation, numerically stable for data far from zero), the total as a compensated
//! (Neumaier) sum, and the extremes. Partial results combine with Chan, Golub and LeVeque's
//! pairwise formula, so moments computed in parallel merge into the moments of the whole.
//!
//! Slices are read in blocks of [`BLOCK`] values that stay in L1: a first pass over a block sums
//! it (Neumaier, eight independent lanes) and finds its extremes, a second pass sums the squared
//! deviations from the block mean with a correction term (the corrected two-pass algorithm);
//! blocks then merge pairwise. Blocks group into fixed chunks of [`CHUNK`] values, merged in
//! order, which run on the pool for large slices. The grouping depends only on the slice length,
//! so a result is bit-identical whatever the thread count or SIMD level.
//!
//! Non-finite values (NaN, +-Infinity) are rejected: [`Moments::add_slice`] reports the first one
//! and leaves the moments unchanged. Finite values whose sums overflow f64 (magnitudes near 1e308)
//! give infinite or NaN results, as plain arithmetic would.
mod block;

use crate::error::KernelError;
use crate::score::Sample;
use crate::simd::SimdLevel;

#[cfg(test)]
mod tests;

/// Values per block: 8 KiB of f64, read twice while in L1.
pub const BLOCK: usize = 1024;

/// Values per chunk, the unit of parallel work and of the fixed merge order (512 KiB of f64).
pub const CHUNK: usize = 64 * BLOCK;

/// Slices at least this long are split across the pool. Measured with
/// `cargo run --release --example stats_speed -p hotpath-kernels`: one thread reads ~1.5-2
/// G values/s from cache, so a chunk takes ~40 us, and below a few chunks the hand-off to pool
/// threads (several us each) costs more than the second thread saves.
pub const PARALLEL_MIN_VALUES: usize = 4 * CHUNK;

/// The first non-finite value of a slice given to [`Moments::add_slice`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NonFinite {
    /// Its index in the slice.
    pub index: usize,
    /// The value (NaN, Infinity or -Infinity).
    pub value: f64,
}

impl From<NonFinite> for KernelError {
    fn from(err: NonFinite) -> Self {
        KernelError::invalid(
            "values",
            "finite numbers",
            format!("values[{}] = {}", err.index, js_number(err.value)),
        )
    }
}

/// A number spelled as JavaScript prints it (`NaN`, `Infinity`, `-Infinity`, `1.5`).
fn js_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        x.to_string()
    }
}

/// Count, mean, `m2`, compensated total and extremes of the values seen so far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moments {
    count: u64,
    mean: f64,
    m2: f64,
    /// The total is `sum + compensation` (Neumaier): `compensation` holds the low-order bits
    /// that `sum` lost to rounding.
    sum: f64,
    compensation: f64,
    min: f64,
    max: f64,
}

impl Default for Moments {
    fn default() -> Self {
        Self::new()
    }
}

/// The raw state of [`Moments`], for serialization: [`Moments::from_parts`] restores it exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MomentsParts {
    pub count: u64,
    pub mean: f64,
    pub m2: f64,
    pub sum: f64,
    pub compensation: f64,
    pub min: f64,
    pub max: f64,
}

/// Adds `x` to the Neumaier pair `(sum, compensation)`.
#[inline(always)]
pub(crate) fn neumaier(sum: &mut f64, compensation: &mut f64, x: f64) {
    let t = *sum + x;
    *compensation += if sum.abs() >= x.abs() {
        (*sum - t) + x
    } else {
        (x - t) + *sum
    };
    *sum = t;
}

impl Moments {
    /// No values: count 0, total 0, every other statistic NaN.
    pub const fn new() -> Self {
        Self {
            count: 0,
            mean: 0.0,
            m2: 0.0,
            sum: 0.0,
            compensation: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Restores moments saved with [`Self::parts`], checking that they could have come from it.
    pub fn from_parts(p: MomentsParts) -> Result<Self, KernelError> {
        let finite = [p.mean, p.m2, p.sum, p.compensation, p.min, p.max];
        if p.count == 0 {
            if p.m2 != 0.0 || p.sum != 0.0 || p.compensation != 0.0 {
                return Err(KernelError::invalid(
                    "state",
                    "m2 and total of 0 when count is 0",
                    format!("m2 {}, sum {}", js_number(p.m2), js_number(p.sum)),
                ));
            }
            return Ok(Self::new());
        }
        if finite.iter().any(|x| !x.is_finite()) {
            return Err(KernelError::invalid(
                "state",
                "finite mean, m2, sum, min and max when count > 0",
                format!("{p:?}"),
            ));
        }
        if p.m2 < 0.0 || p.min > p.max {
            return Err(KernelError::invalid(
                "state",
                "m2 >= 0 and min <= max",
                format!("m2 {}, min {}, max {}", p.m2, p.min, p.max),
            ));
        }
        Ok(Self {
            count: p.count,
            mean: p.mean,
            m2: p.m2,
            sum: p.sum,
            compensation: p.compensation,
            min: p.min,
            max: p.max,
        })
    }

    /// The exact state (see [`Self::from_parts`]). `mean`, `min` and `max` are 0, +Infinity and
    /// -Infinity when empty.
    pub fn parts(&self) -> MomentsParts {
        MomentsParts {
            count: self.count,
            mean: self.mean,
            m2: self.m2,
            sum: self.sum,
            compensation: self.compensation,
            min: self.min,
            max: self.max,
        }
    }

    /// Adds one value (Welford's update). A non-finite value is rejected and changes nothing.
    pub fn add(&mut self, x: f64) -> Result<(), NonFinite> {
        if !x.is_finite() {
            return Err(NonFinite { index: 0, value: x });
        }
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
        neumaier(&mut self.sum, &mut self.compensation, x);
        self.min = if x < self.min { x } else { self.min };
        self.max = if x > self.max { x } else { self.max };
        Ok(())
    }

    /// Adds every value of `values`, in parallel for long slices. If one is not finite, nothing
    /// is added and the first such value is reported.
    pub fn add_slice<T: Sample>(&mut self, values: &[T]) -> Result<(), NonFinite> {
        self.merge(&Self::of_slice(values, true)?);
        Ok(())
    }

    /// The moments of `values`. `parallel` allows the pool for long slices; the result is the
    /// same either way.
    pub fn of_slice<T: Sample>(values: &[T], parallel: bool) -> Result<Self, NonFinite> {
        Self::of_slice_with(SimdLevel::detect(), values, parallel)
    }

    /// [`Self::of_slice`] at a chosen SIMD level; levels the CPU lacks fall back to baseline.
    pub fn of_slice_with<T: Sample>(
        level: SimdLevel,
        values: &[T],
        parallel: bool,
    ) -> Result<Self, NonFinite> {
        let level = if level.is_supported() {
            level
        } else {
            SimdLevel::Baseline
        };
        let chunk_at = |i: usize, chunk: &[T]| {
            block::chunk_moments(level, chunk).map_err(|index| NonFinite {
                index: i * CHUNK + index,
                value: values[i * CHUNK + index].to_f64(),
            })
        };
        #[cfg(feature = "parallel")]
        if parallel && values.len() >= PARALLEL_MIN_VALUES && crate::pool::threads() > 1 {
            // Every chunk runs (an error is kept, not returned early), so the error reported is
            // the first bad value in index order, as on one thread.
            let parts: Vec<&[T]> = values.chunks(CHUNK).collect();
            let chunks = crate::pool::map_claimed(parts.len(), |i| {
                Ok::<_, std::convert::Infallible>(chunk_at(i, parts[i]))
            })
            .unwrap_or_else(|never| match never {});
            // Merged in chunk order, as the sequential path does: same bits either way.
            let mut all = Self::new();
            for chunk in chunks {
                all.merge(&chunk?);
            }
            return Ok(all);
        }
        let _ = parallel;
        let mut all = Self::new();
        for (i, chunk) in values.chunks(CHUNK).enumerate() {
            all.merge(&chunk_at(i, chunk)?);
        }
        Ok(all)
    }

    /// Combines `other` into `self`: afterwards `self` describes both sets of values (Chan et
    /// al.'s pairwise update).
    pub fn merge(&mut self, other: &Self) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * (nb / n);
        self.m2 += other.m2 + delta * delta * (na * (nb / n));
        self.count += other.count;
        neumaier(&mut self.sum, &mut self.compensation, other.sum);
        self.compensation += other.compensation;
        self.min = if other.min < self.min {
            other.min
        } else {
            self.min
        };
        self.max = if other.max > self.max {
            other.max
        } else {
            self.max
        };
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        *self = Self::new();
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sum of the values (compensated: accurate to about one rounding of the true sum); 0 when
    /// empty.
    pub fn total(&self) -> f64 {
        self.sum + self.compensation
    }

    /// NaN when empty.
    pub fn mean(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.mean }
    }

    /// Sum of squared deviations from the mean.
    pub fn m2(&self) -> f64 {
        self.m2
    }

    /// Population variance `m2 / n`; NaN when empty.
    pub fn variance(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            self.m2 / self.count as f64
        }
    }

    /// Sample variance `m2 / (n - 1)`; NaN with fewer than two values.
    pub fn sample_variance(&self) -> f64 {
        if self.count < 2 {
            f64::NAN
        } else {
            self.m2 / (self.count - 1) as f64
        }
    }

    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }

    pub fn sample_std_dev(&self) -> f64 {
        self.sample_variance().sqrt()
    }

    /// NaN when empty.
    pub fn min(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.min }
    }

    /// NaN when empty.
    pub fn max(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.max }
    }
}
