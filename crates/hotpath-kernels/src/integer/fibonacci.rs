//! Exact Fibonacci numbers by fast doubling on `num_bigint::BigUint`, with the pair
//! `(F(k-1), F(k))` so that each doubling step costs two squarings (as GMP's `mpz_fib_ui`):
//!
//! ```text
//! F(2k-1) = F(k)^2 + F(k-1)^2
//! F(2k+1) = 4 F(k)^2 - F(k-1)^2 + 2 (-1)^k
//! F(2k)   = F(2k+1) - F(2k-1)
//! ```
//!
//! The last step computes only F(n), with one multiplication. On large operands the two squarings
//! run on two threads, and the last multiplication is split in two halves that run in parallel.
use crate::abort::{AbortFlag, Aborted};
use crate::score::Threads;
use num_bigint::BigUint;

/// Operands of at least this many bits are squared/multiplied in parallel; below, a rayon join
/// costs more than it saves (`examples/integer_speed.rs`).
#[cfg(feature = "parallel")]
const PARALLEL_MIN_BITS: u64 = 1 << 16;

/// F(n), exactly. Polls `abort` between doubling steps.
pub fn fibonacci(n: u64, threads: Threads, abort: &AbortFlag) -> Result<BigUint, Aborted> {
    #[cfg(feature = "parallel")]
    // F(n) has about 0.694 n bits; the top steps reach PARALLEL_MIN_BITS from n ~ 190,000.
    if crate::pool::parallel(
        threads,
        usize::try_from(n).unwrap_or(usize::MAX),
        2 * PARALLEL_MIN_BITS as usize,
    ) {
        return crate::pool::install(|| doubling(n, true, abort));
    }
    let _ = threads;
    doubling(n, false, abort)
}

fn doubling(n: u64, parallel: bool, abort: &AbortFlag) -> Result<BigUint, Aborted> {
    if n == 0 {
        return Ok(BigUint::ZERO);
    }
    // (a, b) = (F(k-1), F(k)) for k = the leading bits of n read so far; start at k = 1.
    let mut a = BigUint::ZERO;
    let mut b = BigUint::from(1u32);
    let mut k_odd = true;
    let top = 63 - n.leading_zeros();
    // Progress: each doubling step works on numbers of about k bits, k = n >> i the prefix read
    // so far, so a step counts k units (and the last multiply n).
    abort.begin((1..top).map(|i| n >> i).sum::<u64>() + n);
    for i in (1..top).rev() {
        abort.check()?;
        let (a2, b2) = squares(&a, &b, parallel);
        let f_2k_minus_1 = &a2 + &b2;
        let mut f_2k_plus_1 = (b2 << 2u32) - a2;
        // + 2(-1)^k
        if k_odd {
            f_2k_plus_1 -= 2u32;
        } else {
            f_2k_plus_1 += 2u32;
        }
        let f_2k = &f_2k_plus_1 - &f_2k_minus_1;
        if (n >> i) & 1 == 1 {
            (a, b) = (f_2k, f_2k_plus_1);
            k_odd = true;
        } else {
            (a, b) = (f_2k_minus_1, f_2k);
            k_odd = false;
        }
        abort.advance(n >> i);
    }
    abort.check()?;
    if n == 1 {
        abort.advance(n);
        return Ok(b);
    }
    let result = if n & 1 == 0 {
        // F(2k) = F(k) (F(k) + 2 F(k-1))
        let t = &b + (&a << 1u32);
        multiply(&b, &t, parallel)
    } else {
        // F(2k+1) = (2F(k) + F(k-1)) (2F(k) - F(k-1)) + 2(-1)^k
        let twice = &b << 1u32;
        let product = multiply(&(&twice + &a), &(&twice - &a), parallel);
        if k_odd {
            product - 2u32
        } else {
            product + 2u32
        }
    };
    abort.advance(n);
    Ok(result)
}

/// `(a*a, b*b)`; in parallel (inside the pool) when `parallel` and the operands are large.
fn squares(a: &BigUint, b: &BigUint, parallel: bool) -> (BigUint, BigUint) {
    #[cfg(feature = "parallel")]
    if parallel && b.bits() >= PARALLEL_MIN_BITS {
        return rayon::join(|| a * a, || b * b);
    }
    let _ = parallel;
    (a * a, b * b)
}

/// `x * y`; for large operands as `x * y_high << h + x * y_low` with both halves in parallel.
fn multiply(x: &BigUint, y: &BigUint, parallel: bool) -> BigUint {
    #[cfg(feature = "parallel")]
    if parallel && y.bits() >= PARALLEL_MIN_BITS {
        // Split at a word boundary so the shift is a plain word move.
        let half = (y.bits() / 2) & !63;
        let high = y >> half;
        let low = y - (&high << half);
        let (h, l) = rayon::join(|| x * &high, || x * &low);
        return (h << half) + l;
    }
    let _ = parallel;
    x * y
}
