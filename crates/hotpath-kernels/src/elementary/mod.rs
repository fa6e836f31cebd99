//! Elementary functions written so that the compiler vectorizes them: branch-free, no libm calls,
//! integer tricks instead of conversions the baseline target lacks. Their error bounds are tested
//! against the scalar libm functions.
pub mod exp;
pub mod exp_avx512;
pub mod trig;
