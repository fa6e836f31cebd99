//! Calibrates the vector kernels: throughput of each reduction per SIMD level on 10M f64, and the
//! size above which the pool beats one thread (`PARALLEL_MIN_ELEMENTS`).
//!
//! `cargo run --release --example vector_speed -p hotpath-kernels`
use hotpath_kernels::AbortFlag;
use hotpath_kernels::pool::Threads;
use hotpath_kernels::simd::SimdLevel;
use hotpath_kernels::vector::{Terms, reduce_with, sum};
use std::hint::black_box;
use std::time::Instant;

fn median_secs(mut f: impl FnMut(), reps: usize) -> f64 {
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[reps / 2]
}

fn main() {
    let abort = AbortFlag::new();
    let n = 10_000_000;
    let x: Vec<f64> = (0..n).map(|i| (i % 1000) as f64 * 0.001).collect();
    let y: Vec<f64> = (0..n).map(|i| (i % 777) as f64 * 0.002).collect();
    let naive = median_secs(
        || {
            black_box(x.iter().sum::<f64>());
        },
        15,
    );
    println!(
        "naive one-accumulator sum: {:.2} ms ({:.1} GB/s)",
        naive * 1e3,
        n as f64 * 8.0 / naive / 1e9
    );
    for level in SimdLevel::available() {
        for threads in [Threads::Single, Threads::Auto] {
            for (name, terms, bytes) in [
                ("sum", Terms::Values, 8.0),
                ("dot", Terms::Products, 16.0),
                ("sqEuclidean", Terms::SquaredDifferences, 16.0),
            ] {
                let t = median_secs(
                    || {
                        black_box(reduce_with(level, terms, &x, &y, threads, &abort).unwrap());
                    },
                    15,
                );
                println!(
                    "{:>9} {:?} {name:>12}: {:.2} ms ({:.1} GB/s)",
                    level.name(),
                    threads,
                    t * 1e3,
                    n as f64 * bytes / t / 1e9
                );
            }
        }
    }
    println!("\nin cache (16,384 f64, one thread, per element):");
    for level in SimdLevel::available() {
        for (name, terms) in [("sum", Terms::Values), ("dot", Terms::Products)] {
            let (xs, ys) = (&x[..16384], &y[..16384]);
            let t = median_secs(
                || {
                    for _ in 0..100 {
                        black_box(
                            reduce_with(level, terms, black_box(xs), ys, Threads::Single, &abort)
                                .unwrap(),
                        );
                    }
                },
                21,
            );
            println!(
                "{:>9} {name:>4}: {:.3} ns/element",
                level.name(),
                t / 100.0 / 16384.0 * 1e9
            );
        }
    }
    println!("\npool vs one thread (sum, f64):");
    for size in [
        1 << 13,
        1 << 14,
        1 << 15,
        1 << 16,
        1 << 17,
        1 << 18,
        1 << 19,
        1 << 20,
    ] {
        let v = &x[..size];
        let single = median_secs(
            || {
                black_box(sum(v, Threads::Single, &abort).unwrap());
            },
            301,
        );
        let pooled = median_secs(
            || {
                black_box(hotpath_kernels::pool::install(|| {
                    use rayon::prelude::*;
                    v.par_chunks(hotpath_kernels::vector::BLOCK)
                        .map(|b| sum(b, Threads::Single, &abort).unwrap())
                        .sum::<f64>()
                }));
            },
            301,
        );
        println!(
            "{size:>8}: single {:.1} us, pool {:.1} us ({:.2}x)",
            single * 1e6,
            pooled * 1e6,
            single / pooled
        );
    }
}
