//! Quick single-thread throughput check of every SIMD level of the score kernel:
//! `cargo run --release --example score_speed -p hotpath-kernels`.
use hotpath_kernels::AbortFlag;
use hotpath_kernels::score::{RiskModel, Threads};
use hotpath_kernels::simd::SimdLevel;
use std::time::Instant;

fn main() {
    let d = 20;
    let n: usize = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500_000);
    let weights: Vec<f64> = (0..d).map(|i| 0.05 + i as f64 * 0.01).collect();
    let model = RiskModel::new(&weights, 0.5).unwrap();
    let rows: Vec<f64> = (0..n * d)
        .map(|i| ((i * 7919 % 2000) as f64) / 1000.0 - 1.0)
        .collect();
    let rows32: Vec<f32> = rows.iter().map(|&x| x as f32).collect();
    let mut out = vec![0.0; n];
    for level in SimdLevel::available() {
        for (name, threads) in [("1 thread", Threads::Single), ("pool", Threads::Auto)] {
            let time = |f: &mut dyn FnMut()| {
                let mut best = f64::MAX;
                for _ in 0..300 {
                    let t = Instant::now();
                    f();
                    best = best.min(t.elapsed().as_secs_f64());
                }
                best
            };
            let t64 = time(&mut || {
                model
                    .score_batch_with(level, &rows, &mut out, threads, &AbortFlag::new())
                    .unwrap()
            });
            let t32 = time(&mut || {
                model
                    .score_batch_with(level, &rows32, &mut out, threads, &AbortFlag::new())
                    .unwrap()
            });
            println!(
                "{:>8} {name:>8}: f64 {:6.3} ms ({:6.1} M rows/s)  f32 {:6.3} ms ({:6.1} M rows/s)",
                level.name(),
                t64 * 1e3,
                n as f64 / t64 / 1e6,
                t32 * 1e3,
                n as f64 / t32 / 1e6
            );
        }
    }
}
