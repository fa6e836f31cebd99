//! Timings of the integer kernels: `cargo run --release --example integer_speed -p hotpath-kernels`
//! (set HOTPATH_THREADS=1 for one thread).
use hotpath_kernels::AbortFlag;
use hotpath_kernels::integer::{Threads, count_primes, fibonacci, primes, sum_of_squares};
use std::time::Instant;

fn median_ms(reps: usize, f: &mut dyn FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let abort = AbortFlag::new();
    let threads = hotpath_kernels::pool::threads();
    for limit in [1_000_000u64, 10_000_000, 100_000_000, 1_000_000_000] {
        let reps = if limit >= 1_000_000_000 { 3 } else { 15 };
        let ms = median_ms(reps, &mut || {
            std::hint::black_box(count_primes(limit, Threads::Auto, &abort).unwrap());
        });
        println!("countPrimes({limit:e}) {ms:.2} ms ({threads} threads)");
    }
    for limit in [10_000_000u64, 100_000_000] {
        let ms = median_ms(7, &mut || {
            std::hint::black_box(primes(limit, Threads::Auto, &abort).unwrap());
        });
        println!("primes({limit:e}) {ms:.2} ms");
    }
    for n in [10_000u64, 100_000, 1_000_000, 10_000_000] {
        let reps = if n >= 10_000_000 { 3 } else { 9 };
        let ms = median_ms(reps, &mut || {
            std::hint::black_box(fibonacci(n, Threads::Auto, &abort).unwrap());
        });
        println!("fibonacci({n:e}) {ms:.3} ms");
    }
    let ms = median_ms(9, &mut || {
        for n in 0..1_000_000u64 {
            std::hint::black_box(sum_of_squares(std::hint::black_box(n)));
        }
    });
    println!("sumOfSquares {:.1} ns/call", ms * 1e3 / 1e6 * 1e3);
}
