//! The sample types an image can hold, and how each converts to and from the float32 the
//! kernels compute in.

/// How integer outputs are made from float32 sums (float outputs store the sum as is).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Nearest integer, ties to even, saturated to the type's range.
    Round,
    /// Toward zero, saturated to the type's range.
    Truncate,
}

/// An image sample type: u8 (8-bit), u16 (12/16-bit, DICOM-style) or f32.
pub trait Sample: Copy + Send + Sync + 'static {
    fn to_f32(self) -> f32;
    /// The sample for float32 sum `v`: rounded (`ROUND`) or truncated, saturated, NaN to 0.
    fn from_f32<const ROUND: bool>(v: f32) -> Self;
}

/// 2^23: adding and subtracting it rounds a float32 in [0, 2^23) to an integer, ties to even,
/// in the default rounding mode, with plain adds that vectorize at every SIMD level (a
/// `round_ties_even` call is a libm call on baseline x86_64).
const ROUNDER: f32 = 8_388_608.0;

#[inline(always)]
fn saturate(v: f32, max: f32) -> f32 {
    // `!(v > 0)` also catches NaN.
    let v = if v > 0.0 { v } else { 0.0 };
    if v < max { v } else { max }
}

/// `v` (in [0, 65535], see `saturate`) as an integer: rounded, or truncated by the conversion
/// itself. An unchecked conversion, because a saturating `as` is not vectorized by LLVM: it became
/// one scalar conversion per sample, a third of a u8 blur's time.
#[inline(always)]
fn integral<const ROUND: bool>(v: f32) -> i32 {
    let v = if ROUND { (v + ROUNDER) - ROUNDER } else { v };
    debug_assert!((0.0..=65535.0).contains(&v));
    // SAFETY: `v` comes from `saturate`, so it is finite and in [0, 65535] (rounding keeps it
    // there), which i32 represents.
    unsafe { v.to_int_unchecked::<i32>() }
}

impl Sample for u8 {
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self as f32
    }
    #[inline(always)]
    fn from_f32<const ROUND: bool>(v: f32) -> Self {
        // In [0, 255] and integral, so the cast is exact.
        integral::<ROUND>(saturate(v, 255.0)) as u8
    }
}

impl Sample for u16 {
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self as f32
    }
    #[inline(always)]
    fn from_f32<const ROUND: bool>(v: f32) -> Self {
        integral::<ROUND>(saturate(v, 65535.0)) as u16
    }
}

impl Sample for f32 {
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self
    }
    #[inline(always)]
    fn from_f32<const ROUND: bool>(v: f32) -> Self {
        v
    }
}
