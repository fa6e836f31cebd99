//! Image convolution throughput on a 1024 x 1024 x 3 u8 image with a 5-tap Gaussian (sigma 1):
//! separable and 2D, per SIMD level, one thread and the pool; plus 512 x 512 u16 and f32.
//!
//! `cargo run --release --example image_speed -p hotpath-kernels`
use hotpath_kernels::AbortFlag;
use hotpath_kernels::image::{Filter, Options, Pixels, PixelsMut, Shape, convolve_with};
use hotpath_kernels::pool::Threads;
use hotpath_kernels::simd::SimdLevel;
use std::time::Instant;

/// The fastest of `reps` runs: on a shared machine the minimum is the least disturbed figure.
fn fastest_secs(mut f: impl FnMut(), reps: usize) -> f64 {
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[0]
}

fn gaussian(sigma: f64, radius: i32) -> Vec<f32> {
    let raw: Vec<f64> = (-radius..=radius)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f64 = raw.iter().sum();
    raw.iter().map(|w| (w / total) as f32).collect()
}

fn main() {
    let g = gaussian(1.0, 2);
    let full: Vec<f32> = g
        .iter()
        .flat_map(|a| g.iter().map(move |b| a * b))
        .collect();
    let shape = Shape {
        width: 1024,
        height: 1024,
        channels: 3,
    };
    let src: Vec<u8> = (0..shape.width * shape.height * 3)
        .map(|i| ((i * 2_654_435_761usize) >> 13) as u8)
        .collect();
    let mut out = vec![0u8; src.len()];
    let mpx = (shape.width * shape.height) as f64 / 1e6;
    for level in SimdLevel::available() {
        for threads in [Threads::Single, Threads::Auto] {
            for (name, filter) in [
                ("separable", Filter::Separable { x: &g, y: &g }),
                (
                    "2D",
                    Filter::Full {
                        width: 5,
                        height: 5,
                        weights: &full,
                    },
                ),
            ] {
                let t = fastest_secs(
                    || {
                        convolve_with(
                            level,
                            Pixels::U8(&src),
                            PixelsMut::U8(&mut out),
                            shape,
                            &filter,
                            Options::default(),
                            threads,
                            AbortFlag::never(),
                        )
                        .unwrap()
                    },
                    21,
                );
                println!(
                    "u8 1024x1024x3 {name:9} {:8} {threads:?}: {:.3} ms = {:.0} Mpx/s",
                    level.name(),
                    t * 1e3,
                    mpx / t
                );
            }
        }
    }
    let shape = Shape {
        width: 512,
        height: 512,
        channels: 1,
    };
    let src16: Vec<u16> = (0..512 * 512)
        .map(|i| ((i * 2_654_435_761usize) >> 13) as u16 & 0x0fff)
        .collect();
    let mut out16 = vec![0u16; src16.len()];
    let srcf: Vec<f32> = src16.iter().map(|&v| v as f32).collect();
    let mut outf = vec![0f32; srcf.len()];
    let filter = Filter::Separable { x: &g, y: &g };
    let level = SimdLevel::detect();
    let t = fastest_secs(
        || {
            convolve_with(
                level,
                Pixels::U16(&src16),
                PixelsMut::U16(&mut out16),
                shape,
                &filter,
                Options::default(),
                Threads::Single,
                AbortFlag::never(),
            )
            .unwrap()
        },
        51,
    );
    println!(
        "u16 512x512 separable, one thread: {:.3} ms = {:.0} images/s",
        t * 1e3,
        1.0 / t
    );
    let t = fastest_secs(
        || {
            convolve_with(
                level,
                Pixels::F32(&srcf),
                PixelsMut::F32(&mut outf),
                shape,
                &filter,
                Options::default(),
                Threads::Single,
                AbortFlag::never(),
            )
            .unwrap()
        },
        51,
    );
    println!(
        "f32 512x512 separable, one thread: {:.3} ms = {:.0} images/s",
        t * 1e3,
        1.0 / t
    );
}
