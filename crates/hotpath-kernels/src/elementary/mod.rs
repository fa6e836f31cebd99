//! Elementary functions written so that the compiler vectorizes them: branch-free, no libm calls,
//! integer tricks instead of conversions the baseline target lacks. Their error bounds are tested
//! against the scalar libm functions.
pub mod exp;
pub mod exp_avx512;
pub mod trig;

/// Distance in units in the last place between two finite doubles of the same sign, for the
/// error-bound tests.
#[cfg(test)]
pub(crate) fn ulps(a: f64, b: f64) -> u64 {
    if a == b {
        return 0;
    }
    (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
}
