//! Geo kernel throughput: `haversine_many` per SIMD level against a scalar libm loop, brute-force
//! `nearest_k`, and `GeoIndex` build / `nearest` / `nearest_batch` on 100,000 random points.
//!
//! `cargo run --release --example geo_speed -p hotpath-kernels`
use hotpath_kernels::AbortFlag;
use hotpath_kernels::geo::{
    EARTH_RADIUS_KM, GeoIndex, haversine_many_with, haversine_reference, nearest_k,
};
use hotpath_kernels::pool::Threads;
use hotpath_kernels::simd::SimdLevel;
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

fn points(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut s = seed | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| (next() * 180.0 - 90.0, next() * 360.0 - 180.0))
        .unzip()
}

fn main() {
    let abort = AbortFlag::new();
    let n = 1_000_000;
    let (lats, lons) = points(n, 1);
    let mut out = vec![0.0; n];
    let scalar = median_secs(
        || {
            for ((o, &a), &b) in out.iter_mut().zip(&lats).zip(&lons) {
                *o = haversine_reference(48.85, 2.35, a, b, EARTH_RADIUS_KM);
            }
            black_box(&out);
        },
        7,
    );
    println!(
        "haversine scalar libm: {:.1} M points/s",
        n as f64 / scalar / 1e6
    );
    for level in SimdLevel::available() {
        for threads in [Threads::Single, Threads::Auto] {
            let t = median_secs(
                || {
                    haversine_many_with(
                        level,
                        48.85,
                        2.35,
                        &lats,
                        &lons,
                        EARTH_RADIUS_KM,
                        &mut out,
                        threads,
                        &abort,
                    )
                    .unwrap();
                    black_box(&out);
                },
                9,
            );
            println!(
                "haversine_many {:>8} {threads:?}: {:.1} M points/s",
                level.name(),
                n as f64 / t / 1e6
            );
        }
    }
    // The npm benchmark's size: 100,000 points (thread split and pool wake-up matter here).
    let small = 100_000;
    let best = SimdLevel::detect();
    for threads in [Threads::Single, Threads::Auto] {
        let t = median_secs(
            || {
                haversine_many_with(
                    best,
                    48.85,
                    2.35,
                    &lats[..small],
                    &lons[..small],
                    EARTH_RADIUS_KM,
                    &mut out[..small],
                    threads,
                    &abort,
                )
                .unwrap();
                black_box(&out);
            },
            51,
        );
        println!(
            "haversine_many {:>8} {threads:?} (100k points): {:.1} us",
            best.name(),
            t * 1e6
        );
        for k in [5, 100] {
            let t = median_secs(
                || {
                    black_box(
                        nearest_k(
                            48.85,
                            2.35,
                            &lats[..small],
                            &lons[..small],
                            k,
                            threads,
                            &abort,
                        )
                        .unwrap(),
                    );
                },
                51,
            );
            println!(
                "nearest_k k={k} {threads:?} (100k points): {:.1} us",
                t * 1e6
            );
        }
    }
    for threads in [Threads::Single, Threads::Auto] {
        for k in [10, 1000] {
            let t = median_secs(
                || {
                    black_box(nearest_k(48.85, 2.35, &lats, &lons, k, threads, &abort).unwrap());
                },
                9,
            );
            println!(
                "nearest_k k={k} {threads:?} (1M points): {:.2} ms ({:.1} M points/s)",
                t * 1e3,
                n as f64 / t / 1e6
            );
        }
    }

    let m = 100_000;
    let (lats, lons) = points(m, 2);
    let build = median_secs(
        || {
            black_box(GeoIndex::build(&lats, &lons, Threads::Auto, &abort).unwrap());
        },
        9,
    );
    println!("GeoIndex::build 100k: {:.2} ms", build * 1e3);
    let index = GeoIndex::build(&lats, &lons, Threads::Auto, &abort).unwrap();
    let (qlats, qlons) = points(20_000, 3);
    for k in [1, 5, 50] {
        let t = median_secs(
            || {
                for (&a, &b) in qlats.iter().zip(&qlons) {
                    black_box(index.nearest(a, b, k, None).unwrap());
                }
            },
            5,
        );
        println!(
            "GeoIndex::nearest k={k}: {:.2} us/query",
            t / qlats.len() as f64 * 1e6
        );
    }
    let t = median_secs(
        || {
            black_box(index.within(48.85, 2.35, 200.0, &abort).unwrap());
        },
        21,
    );
    println!("GeoIndex::within 200 km: {:.2} us", t * 1e6);
    for threads in [Threads::Single, Threads::Auto] {
        let t = median_secs(
            || {
                black_box(
                    index
                        .nearest_batch(&qlats, &qlons, 5, threads, &abort)
                        .unwrap(),
                );
            },
            5,
        );
        println!(
            "GeoIndex::nearest_batch k=5 {threads:?}: {:.2} M queries/s",
            qlats.len() as f64 / t / 1e6
        );
    }
}
