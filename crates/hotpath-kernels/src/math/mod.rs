//! Elementary functions written so that the compiler vectorizes them: branch-free, no libm calls,
//! integer tricks instead of conversions the baseline target lacks.
pub mod exp;
pub mod exp_avx512;
