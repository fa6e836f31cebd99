//! The straightforward per-row formula with libm `exp`: the oracle every faster path is tested
//! against, and the single-vector path (one row cannot use SIMD lanes across rows).
use super::Sample;

#[inline]
pub fn score_row<T: Sample>(features: &[T], weights: &[f64], threshold: f64) -> f64 {
    let mut sum = 0.0;
    for (f, w) in features.iter().zip(weights) {
        let p = f.to_f64() * w;
        sum += p * p;
    }
    1.0 / (1.0 + (threshold - sum.sqrt()).exp())
}
