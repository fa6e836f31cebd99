//! Throughput of the moments kernel by SIMD level, slice length and threading, to calibrate
//! `stats::PARALLEL_MIN_VALUES`: `cargo run --release --example stats_speed -p hotpath-kernels
//! [lengths...]`.
use hotpath_kernels::simd::SimdLevel;
use hotpath_kernels::stats::Moments;
use std::time::Instant;

fn best_seconds(reps: usize, f: &mut dyn FnMut()) -> f64 {
    f();
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![
            64, 1_024, 16_384, 131_072, 262_144, 524_288, 1_000_000, 10_000_000,
        ]
    } else {
        sizes
    };
    println!(
        "{:>10} {:>8} {:>12} {:>12} {:>12} {:>12}",
        "values", "simd", "f64 1t", "f64 pool", "f32 1t", "f32 pool"
    );
    for n in sizes {
        let values: Vec<f64> = (0..n)
            .map(|i| ((i * 7919 % 2000) as f64) / 1000.0 - 1.0)
            .collect();
        let values32: Vec<f32> = values.iter().map(|&x| x as f32).collect();
        let reps = (50_000_000 / n).clamp(5, 20_000);
        for level in SimdLevel::available() {
            let rate = |parallel: bool, f32_values: bool| {
                let secs = best_seconds(reps, &mut || {
                    let m = if f32_values {
                        Moments::of_slice_with(level, &values32, parallel)
                    } else {
                        Moments::of_slice_with(level, &values, parallel)
                    };
                    std::hint::black_box(m.unwrap());
                });
                format!(
                    "{:.2} GB/s",
                    (n * if f32_values { 4 } else { 8 }) as f64 / secs / 1e9
                )
            };
            println!(
                "{n:>10} {:>8} {:>12} {:>12} {:>12} {:>12}",
                level.name(),
                rate(false, false),
                rate(true, false),
                rate(false, true),
                rate(true, true)
            );
        }
    }
}
