//! The slice kernel: moments of one chunk, block by block, over eight f64 lanes: explicit AVX-512
//! and AVX2 registers behind runtime detection, portable arrays elsewhere (LLVM's SLP vectorizer
//! turned plain lane loops into shuffles and ran 3x slower). Every implementation performs the
//! same IEEE operations in the same order (no FMA contraction), so every level gives the same
//! bits.
use super::{BLOCK, Moments, neumaier};
use crate::score::Sample;
use crate::simd::SimdLevel;

const LANES: usize = 8;

/// Eight f64 lanes and the few operations the kernel needs. Each implementation performs the same
/// IEEE operation per lane, so all give the same bits.
trait Lanes: Copy {
    /// # Safety
    /// Eight values of T must be readable at `ptr`, and the CPU must support the implementation.
    unsafe fn load<T: Sample>(ptr: *const T) -> Self;
    fn splat(x: f64) -> Self;
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// `if self < o { self } else { o }` per lane (MINPD's semantics).
    fn min(self, o: Self) -> Self;
    /// `if self > o { self } else { o }` per lane (MAXPD's semantics).
    fn max(self, o: Self) -> Self;
    fn to_array(self) -> [f64; LANES];
}

#[derive(Clone, Copy)]
struct Portable([f64; LANES]);

impl Lanes for Portable {
    #[inline(always)]
    unsafe fn load<T: Sample>(ptr: *const T) -> Self {
        // SAFETY: the caller guarantees eight readable values.
        Self(std::array::from_fn(|l| unsafe { *ptr.add(l) }.to_f64()))
    }
    #[inline(always)]
    fn splat(x: f64) -> Self {
        Self([x; LANES])
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Self(std::array::from_fn(|l| self.0[l] + o.0[l]))
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Self(std::array::from_fn(|l| self.0[l] - o.0[l]))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Self(std::array::from_fn(|l| self.0[l] * o.0[l]))
    }
    #[inline(always)]
    fn min(self, o: Self) -> Self {
        Self(std::array::from_fn(|l| {
            if self.0[l] < o.0[l] {
                self.0[l]
            } else {
                o.0[l]
            }
        }))
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        Self(std::array::from_fn(|l| {
            if self.0[l] > o.0[l] {
                self.0[l]
            } else {
                o.0[l]
            }
        }))
    }
    #[inline(always)]
    fn to_array(self) -> [f64; LANES] {
        self.0
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{LANES, Lanes, Sample};
    use std::any::TypeId;
    use std::arch::x86_64::*;

    /// Two AVX registers of four lanes.
    #[derive(Clone, Copy)]
    pub(super) struct Avx2(__m256d, __m256d);

    impl Lanes for Avx2 {
        #[inline(always)]
        unsafe fn load<T: Sample>(ptr: *const T) -> Self {
            // SAFETY: eight readable values of T (f64 or f32, the only Sample types) and AVX.
            unsafe {
                if TypeId::of::<T>() == TypeId::of::<f32>() {
                    let p = ptr.cast::<f32>();
                    Self(
                        _mm256_cvtps_pd(_mm_loadu_ps(p)),
                        _mm256_cvtps_pd(_mm_loadu_ps(p.add(4))),
                    )
                } else {
                    let p = ptr.cast::<f64>();
                    Self(_mm256_loadu_pd(p), _mm256_loadu_pd(p.add(4)))
                }
            }
        }
        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: only compiled into functions that enable AVX2.
            unsafe { Self(_mm256_set1_pd(x), _mm256_set1_pd(x)) }
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm256_add_pd(self.0, o.0), _mm256_add_pd(self.1, o.1)) }
        }
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm256_sub_pd(self.0, o.0), _mm256_sub_pd(self.1, o.1)) }
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm256_mul_pd(self.0, o.0), _mm256_mul_pd(self.1, o.1)) }
        }
        #[inline(always)]
        fn min(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm256_min_pd(self.0, o.0), _mm256_min_pd(self.1, o.1)) }
        }
        #[inline(always)]
        fn max(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm256_max_pd(self.0, o.0), _mm256_max_pd(self.1, o.1)) }
        }
        #[inline(always)]
        fn to_array(self) -> [f64; LANES] {
            let mut out = [0.0; LANES];
            // SAFETY: `out` has room for eight f64.
            unsafe {
                _mm256_storeu_pd(out.as_mut_ptr(), self.0);
                _mm256_storeu_pd(out.as_mut_ptr().add(4), self.1);
            }
            out
        }
    }

    /// One AVX-512 register of eight lanes.
    #[derive(Clone, Copy)]
    pub(super) struct Avx512(__m512d);

    impl Lanes for Avx512 {
        #[inline(always)]
        unsafe fn load<T: Sample>(ptr: *const T) -> Self {
            // SAFETY: eight readable values, AVX-512 F/VL.
            unsafe { Self(T::load8(ptr, 0xff)) }
        }
        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: only compiled into functions that enable AVX-512.
            unsafe { Self(_mm512_set1_pd(x)) }
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm512_add_pd(self.0, o.0)) }
        }
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm512_sub_pd(self.0, o.0)) }
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm512_mul_pd(self.0, o.0)) }
        }
        #[inline(always)]
        fn min(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm512_min_pd(self.0, o.0)) }
        }
        #[inline(always)]
        fn max(self, o: Self) -> Self {
            // SAFETY: as above.
            unsafe { Self(_mm512_max_pd(self.0, o.0)) }
        }
        #[inline(always)]
        fn to_array(self) -> [f64; LANES] {
            let mut out = [0.0; LANES];
            // SAFETY: `out` has room for eight f64.
            unsafe { _mm512_storeu_pd(out.as_mut_ptr(), self.0) };
            out
        }
    }
}

/// The sum of eight lanes, pairwise (the same order on every level).
#[inline(always)]
fn lane_sum(v: [f64; LANES]) -> f64 {
    ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
}

/// The moments of `block` (1..=BLOCK values), or the index of its first non-finite value.
///
/// Pass 1 keeps, per lane, a running sum with Knuth's TwoSum error terms summed apart (as exact
/// as Neumaier's, and branch-free) and the extremes. Pass 2 reads the block again from L1 for the
/// squared deviations from the block mean plus their plain sum, which corrects for the rounding
/// of the mean (the corrected two-pass algorithm). The tail (under eight values) has scalars.
///
/// # Safety
/// The CPU must support `V`.
#[inline(always)]
unsafe fn block_moments<V: Lanes, T: Sample>(block: &[T]) -> Result<Moments, usize> {
    let n = block.len();
    debug_assert!(n > 0 && n <= BLOCK);
    let body = n - n % LANES;
    let ptr = block.as_ptr();

    let (mut s, mut c) = (V::splat(0.0), V::splat(0.0));
    let (mut lo, mut hi) = (V::splat(f64::INFINITY), V::splat(f64::NEG_INFINITY));
    let mut i = 0;
    while i < body {
        // SAFETY: i + 8 <= body <= n values are in the block.
        let x = unsafe { V::load(ptr.add(i)) };
        let t = s.add(x);
        let b = t.sub(s);
        c = c.add(s.sub(t.sub(b)).add(x.sub(b)));
        s = t;
        lo = x.min(lo);
        hi = x.max(hi);
        i += LANES;
    }
    let (mut sum, mut compensation) = (0.0, 0.0);
    let (lo, hi) = (lo.to_array(), hi.to_array());
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for (l, &lane) in s.to_array().iter().enumerate() {
        neumaier(&mut sum, &mut compensation, lane);
        min = if lo[l] < min { lo[l] } else { min };
        max = if hi[l] > max { hi[l] } else { max };
    }
    compensation += lane_sum(c.to_array());
    for x in &block[body..] {
        let x = x.to_f64();
        neumaier(&mut sum, &mut compensation, x);
        min = if x < min { x } else { min };
        max = if x > max { x } else { max };
    }
    let total = sum + compensation;
    // A NaN or infinite value makes the sums NaN or infinite; so do finite values that overflow,
    // which the scan tells apart and lets through.
    if !total.is_finite()
        && let Some(i) = block.iter().position(|x| !x.to_f64().is_finite())
    {
        return Err(i);
    }
    let mean = total / n as f64;

    let m = V::splat(mean);
    let (mut q, mut e) = (V::splat(0.0), V::splat(0.0));
    let mut i = 0;
    while i < body {
        // SAFETY: as in pass 1.
        let d = unsafe { V::load(ptr.add(i)) }.sub(m);
        q = q.add(d.mul(d));
        e = e.add(d);
        i += LANES;
    }
    let mut squares = lane_sum(q.to_array());
    let mut deviations = lane_sum(e.to_array());
    for x in &block[body..] {
        let d = x.to_f64() - mean;
        squares += d * d;
        deviations += d;
    }
    let m2 = (squares - deviations * deviations / n as f64).max(0.0);
    Ok(Moments {
        count: n as u64,
        mean,
        m2,
        sum,
        compensation,
        min,
        max,
    })
}

/// # Safety
/// The CPU must support `V`.
#[inline(always)]
unsafe fn chunk_impl<V: Lanes, T: Sample>(chunk: &[T]) -> Result<Moments, usize> {
    let mut all = Moments::new();
    for (i, block) in chunk.chunks(BLOCK).enumerate() {
        // SAFETY: forwarded from the caller.
        let m = unsafe { block_moments::<V, T>(block) }.map_err(|index| i * BLOCK + index)?;
        all.merge(&m);
    }
    Ok(all)
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn chunk_avx2<T: Sample>(chunk: &[T]) -> Result<Moments, usize> {
    // SAFETY: AVX2 is enabled for this function.
    unsafe { chunk_impl::<x86::Avx2, T>(chunk) }
}

/// # Safety
/// The CPU must support AVX-512 F/DQ/VL, AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn chunk_avx512<T: Sample>(chunk: &[T]) -> Result<Moments, usize> {
    // SAFETY: AVX-512 is enabled for this function.
    unsafe { chunk_impl::<x86::Avx512, T>(chunk) }
}

/// The moments of `chunk` at `level` (which the caller checked is supported), or the index of
/// its first non-finite value.
pub(super) fn chunk_moments<T: Sample>(level: SimdLevel, chunk: &[T]) -> Result<Moments, usize> {
    match level {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `of_slice_with` only passes levels that `is_supported()` confirmed.
        SimdLevel::Avx512 => unsafe { chunk_avx512(chunk) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        SimdLevel::Avx2 => unsafe { chunk_avx2(chunk) },
        // SAFETY: portable lanes run anywhere.
        _ => unsafe { chunk_impl::<Portable, T>(chunk) },
    }
}
