use super::*;
use proptest::prelude::*;

/// The oracle: a plain sieve of Eratosthenes over bools.
fn simple_primes(limit: u64) -> Vec<u32> {
    let n = limit as usize;
    let mut composite = vec![false; n + 1];
    let mut out = Vec::new();
    for i in 2..=n {
        if !composite[i] {
            out.push(i as u32);
            let mut m = i * i;
            while m <= n {
                composite[m] = true;
                m += i;
            }
        }
    }
    out
}

fn words_to_big(words: [u64; 3]) -> BigUint {
    BigUint::from_slice(&[
        words[0] as u32,
        (words[0] >> 32) as u32,
        words[1] as u32,
        (words[1] >> 32) as u32,
        words[2] as u32,
        (words[2] >> 32) as u32,
    ])
}

fn squares_by_formula(n: u64) -> BigUint {
    if n == 0 {
        return BigUint::ZERO;
    }
    let n = BigUint::from(n);
    let one = BigUint::from(1u32);
    (&n - &one) * &n * (&n * 2u32 - &one) / 6u32
}

fn fib_iterative(n: u64) -> BigUint {
    let (mut a, mut b) = (BigUint::ZERO, BigUint::from(1u32));
    for _ in 0..n {
        let c = &a + &b;
        a = std::mem::replace(&mut b, c);
    }
    a
}

/// An independent fast doubling (F(2k) = F(k)(2F(k+1) - F(k)), F(2k+1) = F(k)^2 + F(k+1)^2),
/// sequential, for n too large for the iterative oracle.
fn fib_other_doubling(n: u64) -> BigUint {
    let (mut a, mut b) = (BigUint::ZERO, BigUint::from(1u32));
    for i in (0..64 - n.leading_zeros()).rev() {
        let c = &a * ((&b << 1u32) - &a);
        let d = &a * &a + &b * &b;
        if (n >> i) & 1 == 1 {
            b = &c + &d;
            a = d;
        } else {
            a = c;
            b = d;
        }
    }
    a
}

#[test]
fn sum_of_squares_known_values() {
    assert_eq!(sum_of_squares(0), [0, 0, 0]);
    assert_eq!(sum_of_squares(1), [0, 0, 0]);
    assert_eq!(sum_of_squares(2), [1, 0, 0]);
    assert_eq!(sum_of_squares(4), [14, 0, 0]);
    assert_eq!(
        words_to_big(sum_of_squares(100_000_000)).to_string(),
        "333333328333333350000000"
    );
    let max_safe = (1u64 << 53) - 1;
    assert_eq!(
        words_to_big(sum_of_squares(max_safe)),
        squares_by_formula(max_safe)
    );
    assert_eq!(
        words_to_big(sum_of_squares(u64::MAX)),
        squares_by_formula(u64::MAX)
    );
}

#[test]
fn sum_of_squares_matches_a_loop() {
    let mut sum = 0u128;
    for n in 0..2000u64 {
        assert_eq!(
            words_to_big(sum_of_squares(n)),
            BigUint::from(sum),
            "n = {n}"
        );
        sum += u128::from(n) * u128::from(n);
    }
}

#[test]
fn fibonacci_small_and_known() {
    let abort = AbortFlag::new();
    let (mut a, mut b) = (0u128, 1u128);
    for n in 0..=186u64 {
        assert_eq!(
            fibonacci(n, Threads::Auto, &abort).unwrap(),
            BigUint::from(a),
            "n = {n}"
        );
        (a, b) = (b, a + b);
    }
    assert_eq!(
        fibonacci(1000, Threads::Auto, &abort).unwrap().to_string(),
        "43466557686937456435688527675040625802564660517371780402481729089536555417949051890403879840079255169295922593080322634775209689623239873322471161642996440906533187938298969649928516003704476137795166849228875"
    );
    let f = fibonacci(3000, Threads::Auto, &abort).unwrap();
    assert_eq!(f, fib_iterative(3000));
}

#[test]
fn fibonacci_large_matches_an_independent_doubling() {
    let abort = AbortFlag::new();
    // Above PARALLEL_MIN_BITS: exercises the parallel squarings and the split multiplication.
    for n in [199_999u64, 200_000, 400_001, 1_000_000] {
        assert_eq!(
            fibonacci(n, Threads::Auto, &abort).unwrap(),
            fib_other_doubling(n),
            "n = {n}"
        );
    }
    assert_eq!(
        fibonacci(1_000_000, Threads::Auto, &abort).unwrap().bits(),
        694_241
    );
    assert_eq!(
        fibonacci(20_000, Threads::Auto, &abort).unwrap(),
        fib_iterative(20_000)
    );
}

#[test]
fn fibonacci_rejects_large_n_and_stops_when_aborted() {
    let abort = AbortFlag::new();
    assert!(matches!(
        fibonacci(FIBONACCI_MAX_N + 1, Threads::Auto, &abort),
        Err(KernelError::InvalidValue { ref argument, .. }) if argument == "n"
    ));
    abort.abort();
    assert_eq!(
        fibonacci(1_000, Threads::Auto, &abort),
        Err(KernelError::Aborted)
    );
}

#[test]
fn primes_small_limits() {
    let abort = AbortFlag::new();
    for limit in 0..2000u64 {
        let want = simple_primes(limit);
        assert_eq!(
            primes(limit, Threads::Auto, &abort).unwrap(),
            want,
            "limit = {limit}"
        );
        assert_eq!(
            count_primes(limit, Threads::Auto, &abort).unwrap(),
            want.len() as u64,
            "limit = {limit}"
        );
    }
}

#[test]
fn primes_around_segment_boundaries() {
    let abort = AbortFlag::new();
    let oracle = simple_primes(3 * 1_966_080 + 100);
    for k in 1..=3u64 {
        let edge = 30 * 65_536 * k;
        for limit in [
            edge - 31,
            edge - 30,
            edge - 1,
            edge,
            edge + 1,
            edge + 29,
            edge + 30,
        ] {
            let want: Vec<u32> = oracle
                .iter()
                .copied()
                .filter(|&p| u64::from(p) <= limit)
                .collect();
            assert_eq!(
                primes(limit, Threads::Auto, &abort).unwrap(),
                want,
                "limit = {limit}"
            );
            assert_eq!(
                count_primes(limit, Threads::Auto, &abort).unwrap(),
                want.len() as u64
            );
        }
    }
}

#[test]
fn single_thread_matches_the_pool() {
    let abort = AbortFlag::new();
    for limit in [0u64, 7, 1_000, 2_000_003, 30 * 65_536 * 5 + 7] {
        assert_eq!(
            primes(limit, Threads::Single, &abort).unwrap(),
            primes(limit, Threads::Auto, &abort).unwrap()
        );
        assert_eq!(
            count_primes(limit, Threads::Single, &abort).unwrap(),
            count_primes(limit, Threads::Auto, &abort).unwrap()
        );
    }
    for n in [0u64, 90, 300_001] {
        assert_eq!(
            fibonacci(n, Threads::Single, &abort).unwrap(),
            fibonacci(n, Threads::Auto, &abort).unwrap()
        );
    }
}

#[test]
fn known_prime_counts() {
    let abort = AbortFlag::new();
    assert_eq!(
        count_primes(1_000_000, Threads::Auto, &abort).unwrap(),
        78_498
    );
    assert_eq!(
        count_primes(100_000_000, Threads::Auto, &abort).unwrap(),
        5_761_455
    );
    assert_eq!(
        count_primes(1_000_000_000, Threads::Auto, &abort).unwrap(),
        50_847_534
    );
    assert_eq!(
        count_primes(1 << 32, Threads::Auto, &abort).unwrap(),
        203_280_221
    );
    assert_eq!(
        count_primes((1 << 32) - 5, Threads::Single, &abort).unwrap(),
        203_280_221
    );
    assert_eq!(
        count_primes((1 << 32) - 6, Threads::Single, &abort).unwrap(),
        203_280_220
    );
    let list = primes(100_000_000, Threads::Auto, &abort).unwrap();
    assert_eq!(list.len(), 5_761_455);
    assert_eq!(list.last(), Some(&99_999_989));
}

#[test]
fn primes_reject_large_limits_and_stop_when_aborted() {
    let abort = AbortFlag::new();
    assert!(matches!(
        count_primes((1 << 32) + 1, Threads::Auto, &abort),
        Err(KernelError::InvalidValue { ref argument, .. }) if argument == "limit"
    ));
    assert!(primes(u64::MAX, Threads::Auto, &abort).is_err());
    abort.abort();
    assert_eq!(
        count_primes(1_000_000, Threads::Auto, &abort),
        Err(KernelError::Aborted)
    );
    assert_eq!(
        primes(1_000_000, Threads::Auto, &abort),
        Err(KernelError::Aborted)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sum_of_squares_matches_the_formula(n in any::<u64>()) {
        prop_assert_eq!(words_to_big(sum_of_squares(n)), squares_by_formula(n));
    }

    #[test]
    fn fibonacci_matches_iteration(n in 0u64..5_000) {
        prop_assert_eq!(fibonacci(n, Threads::Auto, &AbortFlag::new()).unwrap(), fib_iterative(n));
    }

    #[test]
    fn tiny_segments_match_a_simple_sieve(limit in 0u64..300_000, segment in 1usize..200) {
        // Primes far larger than a segment, wheel turns spanning several segments, chunk starts.
        prop_assert_eq!(sieve::primes_with_segment(limit, segment), simple_primes(limit));
    }

    #[test]
    fn primes_match_a_simple_sieve(limit in 0u64..4_000_000) {
        let want = simple_primes(limit);
        let abort = AbortFlag::new();
        prop_assert_eq!(count_primes(limit, Threads::Auto, &abort).unwrap(), want.len() as u64);
        prop_assert_eq!(primes(limit, Threads::Auto, &abort).unwrap(), want);
    }
}

#[test]
fn top_window_matches_trial_division() {
    let abort = AbortFlag::new();
    let (lo, hi) = ((1u64 << 32) - 20_000, 1u64 << 32);
    let expected: Vec<u32> = (lo + 1..=hi)
        .filter(|&n| is_prime(n))
        .map(|n| n as u32)
        .collect();
    let list = primes(hi, Threads::Auto, &abort).unwrap();
    assert_eq!(&list[list.len() - expected.len()..], &expected[..]);
    assert!(u64::from(list[list.len() - expected.len() - 1]) <= lo);
}

fn is_prime(n: u64) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}
