//! Throughput of the score kernel by SIMD level, batch size and threading, to calibrate
//! `PARALLEL_MIN_ROWS`: `cargo run --release --example score_speed -p hotpath-kernels [rows...]`.
use hotpath_kernels::AbortFlag;
use hotpath_kernels::score::{RiskModel, Threads};
use hotpath_kernels::simd::SimdLevel;
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
    let d = 20;
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 2_000, 4_096, 8_192, 16_384, 100_000, 500_000]
    } else {
        sizes
    };
    let weights: Vec<f64> = (0..d).map(|i| 0.05 + i as f64 * 0.01).collect();
    let model = RiskModel::new(&weights, 0.5).unwrap();
    println!(
        "{:>9} {:>8} {:>10} {:>10} {:>10} {:>10}",
        "rows", "simd", "f64 1t", "f64 pool", "f32 1t", "f32 pool"
    );
    for n in sizes {
        let rows: Vec<f64> = (0..n * d)
            .map(|i| ((i * 7919 % 2000) as f64) / 1000.0 - 1.0)
            .collect();
        let rows32: Vec<f32> = rows.iter().map(|&x| x as f32).collect();
        let mut out = vec![0.0; n];
        let reps = (20_000_000 / (n * d)).clamp(5, 2000);
        for level in SimdLevel::available() {
            let mut rate = |threads: Threads, f32_rows: bool| {
                let abort = AbortFlag::new();
                let secs = best_seconds(reps, &mut || {
                    if f32_rows {
                        model
                            .score_batch_with(level, &rows32, &mut out, threads, &abort)
                            .unwrap()
                    } else {
                        model
                            .score_batch_with(level, &rows, &mut out, threads, &abort)
                            .unwrap()
                    }
                });
                format!("{:.1}M/s", n as f64 / secs / 1e6)
            };
            println!(
                "{n:>9} {:>8} {:>10} {:>10} {:>10} {:>10}",
                level.name(),
                rate(Threads::Single, false),
                rate(Threads::Auto, false),
                rate(Threads::Single, true),
                rate(Threads::Auto, true)
            );
        }
    }
}
