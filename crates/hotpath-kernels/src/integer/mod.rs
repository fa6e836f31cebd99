//! Exact integer math: sums of squares, Fibonacci numbers and prime sieves.
//!
//! - [`sum_of_squares`]: `sum(i*i for i in 0..n)` for any `u64` n, in 192-bit arithmetic.
//! - [`fibonacci`]: F(n) for `n <= FIBONACCI_MAX_N`, by fast doubling on `num_bigint::BigUint`.
//! - [`count_primes`] and [`primes`]: the primes `<= limit` for `limit <= 2^32`, with a segmented
//!   mod-30 wheel bit sieve that runs on the crate's pool.
//!
//! The long kernels poll an [`AbortFlag`] between steps (Fibonacci) or segments (sieve).
use crate::abort::AbortFlag;
use crate::error::KernelError;
pub use crate::pool::Threads;
pub use num_bigint::BigUint;

mod fibonacci;
mod sieve;
mod squares;

pub use sieve::MAX_LIMIT as PRIMES_MAX_LIMIT;
pub use squares::sum_of_squares;

/// Largest n accepted by [`fibonacci`]: F(10,000,000) has 6,942,419 bits (2,089,877 decimal
/// digits) and takes about 0.3 s on the reference machine; beyond, results grow into megabytes
/// of BigInt that JavaScript handles slowly.
pub const FIBONACCI_MAX_N: u64 = 10_000_000;

/// F(n) exactly, with F(0) = 0 and F(1) = 1. `n` must be at most [`FIBONACCI_MAX_N`].
///
/// With [`Threads::Auto`], large n square and multiply on two threads of the crate's pool.
pub fn fibonacci(n: u64, threads: Threads, abort: &AbortFlag) -> Result<BigUint, KernelError> {
    if n > FIBONACCI_MAX_N {
        return Err(KernelError::invalid(
            "n",
            format!("an integer >= 0 and <= {FIBONACCI_MAX_N}"),
            n.to_string(),
        ));
    }
    Ok(fibonacci::fibonacci(n, threads, abort)?)
}

fn check_limit(limit: u64) -> Result<(), KernelError> {
    if limit > PRIMES_MAX_LIMIT {
        return Err(KernelError::invalid(
            "limit",
            format!("an integer >= 0 and <= {PRIMES_MAX_LIMIT}"),
            limit.to_string(),
        ));
    }
    Ok(())
}

/// π(limit): how many primes are `<= limit`. `limit` must be at most 2^32. With
/// [`Threads::Auto`] the segments are sieved on the crate's pool.
pub fn count_primes(limit: u64, threads: Threads, abort: &AbortFlag) -> Result<u64, KernelError> {
    check_limit(limit)?;
    Ok(sieve::count_primes(limit, threads, abort)?)
}

/// The primes `<= limit` in increasing order. `limit` must be at most 2^32 (so every prime fits
/// in a `u32`; π(2^32) = 203,280,221 of them, 813 MB).
pub fn primes(limit: u64, threads: Threads, abort: &AbortFlag) -> Result<Vec<u32>, KernelError> {
    check_limit(limit)?;
    Ok(sieve::primes(limit, threads, abort)?)
}

#[cfg(test)]
mod tests;
