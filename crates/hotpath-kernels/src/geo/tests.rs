use super::*;
use proptest::prelude::*;

fn never() -> &'static AbortFlag {
    AbortFlag::never()
}

/// Deterministic pseudo-random points (xorshift), uniform in degrees.
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

/// The accuracy bound against libm: 1e-13 relative plus 1e-9 km, widened near antipodes by the
/// formula's own conditioning there: near a = 1 an absolute error `da` in `a` (a few ulp, in
/// either implementation) moves the distance by about 2R·da / (2 sqrt(1 - a)), at most
/// 2R·sqrt(2 da). For small `a` the error of `a` is relative and the plain bound applies.
fn assert_close(lat1: f64, lon1: f64, lat2: f64, lon2: f64, radius: f64) {
    let got = Origin::new(lat1, lon1, radius).distance(lat2, lon2);
    let want = haversine_reference(lat1, lon1, lat2, lon2, radius);
    let s = (want / (2.0 * radius)).sin();
    let a = s * s;
    let da = 1e-15;
    let conditioning = 2.0 * radius * (da / (2.0 * (1.0 - a).sqrt())).min((2.0 * da).sqrt());
    let allowed = 1e-13 * want + 1e-9 * radius / EARTH_RADIUS_KM + conditioning;
    assert!(
        (got - want).abs() <= allowed,
        "({lat1}, {lon1}) -> ({lat2}, {lon2}): {got} vs libm {want}, diff {:e} > {allowed:e}",
        (got - want).abs()
    );
}

#[test]
fn accuracy_on_random_pairs_and_edges() {
    let (lats, lons) = points(20_000, 7);
    for i in 0..lats.len() - 1 {
        assert_close(lats[i], lons[i], lats[i + 1], lons[i + 1], EARTH_RADIUS_KM);
        // Close pairs: small distances must be accurate relative to themselves.
        let eps = 10f64.powi(-((i % 12) as i32));
        let lat2 = (lats[i] + eps).min(90.0);
        assert_close(lats[i], lons[i], lat2, lons[i] - eps, EARTH_RADIUS_KM);
    }
    let edges: [f64; 10] = [
        -180.0,
        -179.999_999,
        -90.0,
        -45.0,
        0.0,
        1e-300,
        45.0,
        89.999_999,
        90.0,
        180.0,
    ];
    for &a in &edges {
        for &b in &edges {
            for &c in &edges {
                let lat1 = a.clamp(-90.0, 90.0);
                let lat2 = c.clamp(-90.0, 90.0);
                assert_close(lat1, b, lat2, -b, EARTH_RADIUS_KM);
                assert_close(lat1, b, lat2, c, 1.0);
                assert_close(
                    lat1,
                    b,
                    -lat1,
                    b + if b > 0.0 { -180.0 } else { 180.0 },
                    6371.0,
                );
            }
        }
    }
    // Identical points are exactly 0; antipodes exactly πR within rounding.
    assert_eq!(Origin::new(12.5, -77.0, 6371.0).distance(12.5, -77.0), 0.0);
    let antipode = Origin::new(0.0, 0.0, 1.0).distance(0.0, 180.0);
    assert!((antipode - std::f64::consts::PI).abs() < 1e-15);
}

#[test]
fn every_level_gives_the_same_bits() {
    let (lats, lons) = points(10_007, 11);
    let mut reference = vec![0.0; lats.len()];
    let origin = Origin::new(37.5, -122.25, EARTH_RADIUS_KM);
    for (o, (&a, &b)) in reference.iter_mut().zip(lats.iter().zip(&lons)) {
        *o = origin.distance(a, b);
    }
    for level in SimdLevel::available() {
        for threads in [Threads::Single, Threads::Auto] {
            let mut out = vec![0.0; lats.len()];
            haversine_many_with(
                level,
                37.5,
                -122.25,
                &lats,
                &lons,
                EARTH_RADIUS_KM,
                &mut out,
                threads,
                never(),
            )
            .unwrap();
            let same = out
                .iter()
                .zip(&reference)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(
                same,
                "{level:?} {threads:?} differs from the scalar function"
            );
        }
    }
}

fn brute(lat: f64, lon: f64, lats: &[f64], lons: &[f64]) -> Vec<(f64, u32)> {
    let origin = Origin::new(lat, lon, EARTH_RADIUS_KM);
    let mut all: Vec<(f64, u32)> = lats
        .iter()
        .zip(lons)
        .enumerate()
        .map(|(i, (&a, &b))| (origin.distance(a, b), i as u32))
        .collect();
    all.sort_by(by_distance);
    all
}

#[test]
fn nearest_k_sorts_and_breaks_ties_by_index() {
    let lats = [1.0, 0.0, 1.0, 0.0, 5.0];
    let lons = [0.0, 1.0, 0.0, 1.0, 5.0];
    let (ix, ds) = nearest_k(0.0, 0.0, &lats, &lons, 3, Threads::Single, never()).unwrap();
    assert_eq!(ix, vec![0, 1, 2]);
    assert_eq!(ds[0], ds[1]);
    let (ix, _) = nearest_k(0.0, 0.0, &lats, &lons, 99, Threads::Single, never()).unwrap();
    assert_eq!(ix, vec![0, 1, 2, 3, 4]);
    assert!(nearest_k(0.0, 0.0, &lats, &lons, 0, Threads::Single, never()).is_err());
    assert!(nearest_k(0.0, 0.0, &lats, &lons[..2], 1, Threads::Single, never()).is_err());
    let (ix, ds) = nearest_k(0.0, 0.0, &[], &[], 3, Threads::Single, never()).unwrap();
    assert!(ix.is_empty() && ds.is_empty());
}

#[test]
fn nearest_k_matches_a_full_sort_at_every_level_and_thread_count() {
    let (lats, lons) = points(100_003, 5);
    for k in [1, 7, 100] {
        let want = brute(-33.9, 151.2, &lats, &lons);
        let want = into_arrays(want[..k].to_vec());
        for level in SimdLevel::available() {
            for threads in [Threads::Single, Threads::Auto] {
                let got =
                    nearest_k_with(level, -33.9, 151.2, &lats, &lons, k, threads, never()).unwrap();
                assert_eq!(got.0, want.0);
                let same = got
                    .1
                    .iter()
                    .zip(&want.1)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same);
            }
        }
    }
}

#[test]
fn aborted_calls_stop() {
    let (lats, lons) = points(100_000, 3);
    let abort = AbortFlag::new();
    abort.abort();
    let mut out = vec![0.0; lats.len()];
    assert_eq!(
        haversine_many(0.0, 0.0, &lats, &lons, 1.0, &mut out, Threads::Auto, &abort),
        Err(KernelError::Aborted)
    );
    assert!(nearest_k(0.0, 0.0, &lats, &lons, 3, Threads::Auto, &abort).is_err());
    assert!(GeoIndex::build(&lats, &lons, Threads::Auto, &abort).is_err());
}

fn check_index(index: &GeoIndex, lats: &[f64], lons: &[f64], lat: f64, lon: f64, k: usize) {
    let all = brute(lat, lon, lats, lons);
    let got = index.nearest(lat, lon, k, None).unwrap();
    let want = into_arrays(all[..k.min(all.len())].to_vec());
    assert_eq!(got.0, want.0, "nearest({lat}, {lon}, {k})");
    assert!(
        got.1
            .iter()
            .zip(&want.1)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    );
    if let Some(&(d, _)) = all.get(k.min(all.len()).saturating_sub(1) / 2) {
        // A radius exactly at a point's distance includes it (and its ties).
        let got = index.within(lat, lon, d, never()).unwrap();
        let want = into_arrays(all.iter().copied().filter(|p| p.0 <= d).collect());
        assert_eq!(got.0, want.0, "within({lat}, {lon}, {d})");
        let got = index.nearest(lat, lon, k, Some(d)).unwrap();
        let want = into_arrays(all.iter().copied().filter(|p| p.0 <= d).take(k).collect());
        assert_eq!(got.0, want.0, "nearest({lat}, {lon}, {k}, {d})");
    }
}

#[test]
fn index_equals_brute_force_on_hard_cases() {
    // Clusters at the poles and across the antimeridian, exact duplicates, and a ring at equal
    // distance from the north pole (ties everywhere).
    let mut lats = vec![];
    let mut lons = vec![];
    for i in 0..400 {
        let t = i as f64;
        lats.push(89.999 + (t % 7.0) * 1e-4);
        lons.push(-180.0 + t * 0.9);
        lats.push(-90.0 + (t % 5.0) * 1e-6);
        lons.push(t * 0.9 - 180.0);
        lats.push((t % 11.0) - 5.0);
        lons.push(if i % 2 == 0 {
            179.9999 + (t % 3.0) * 1e-5
        } else {
            -180.0 + (t % 3.0) * 1e-5
        });
        lats.push(10.0);
        lons.push(20.0);
        lats.push(80.0);
        lons.push(-180.0 + t * 0.9);
    }
    let index = GeoIndex::build(&lats, &lons, Threads::Auto, never()).unwrap();
    assert_eq!(index.len(), lats.len());
    for &(lat, lon) in &[
        (90.0, 0.0),
        (-90.0, 45.0),
        (0.0, 180.0),
        (0.0, -180.0),
        (3.0, 179.99999),
        (10.0, 20.0),
        (80.0, 0.3),
        (-10.0, 20.0 - 180.0),
    ] {
        for k in [1, 2, 5, 33, 450, 5000] {
            check_index(&index, &lats, &lons, lat, lon, k);
        }
    }
}

#[test]
fn nearest_batch_equals_single_queries() {
    let (lats, lons) = points(5_000, 9);
    let (qlats, qlons) = points(300, 10);
    let index = GeoIndex::build(&lats, &lons, Threads::Auto, never()).unwrap();
    for threads in [Threads::Single, Threads::Auto] {
        let (ix, ds) = index
            .nearest_batch(&qlats, &qlons, 4, threads, never())
            .unwrap();
        assert_eq!(ix.len(), 300 * 4);
        for q in 0..300 {
            let (i, d) = index.nearest(qlats[q], qlons[q], 4, None).unwrap();
            assert_eq!(&ix[q * 4..q * 4 + 4], &i[..]);
            assert_eq!(&ds[q * 4..q * 4 + 4], &d[..]);
        }
    }
    let small = GeoIndex::build(&lats[..3], &lons[..3], Threads::Single, never()).unwrap();
    let (ix, _) = small
        .nearest_batch(&qlats, &qlons, 10, Threads::Auto, never())
        .unwrap();
    assert_eq!(ix.len(), 300 * 3);
    let empty = GeoIndex::build(&[], &[], Threads::Single, never()).unwrap();
    assert!(empty.nearest(0.0, 0.0, 3, None).unwrap().0.is_empty());
    assert!(
        empty
            .nearest_batch(&qlats, &qlons, 3, Threads::Auto, never())
            .unwrap()
            .0
            .is_empty()
    );
}

#[test]
fn index_rejects_bad_input_without_panicking() {
    assert!(GeoIndex::build(&[91.0], &[0.0], Threads::Single, never()).is_err());
    assert!(GeoIndex::build(&[f64::NAN], &[0.0], Threads::Single, never()).is_err());
    assert!(GeoIndex::build(&[0.0], &[0.0, 1.0], Threads::Single, never()).is_err());
    let index = GeoIndex::build(&[0.0], &[0.0], Threads::Single, never()).unwrap();
    assert!(index.nearest(f64::NAN, 0.0, 1, None).is_err());
    assert!(index.nearest(0.0, 0.0, 0, None).is_err());
    assert!(index.nearest(0.0, 0.0, 1, Some(f64::NAN)).is_err());
    assert!(index.nearest(0.0, 0.0, 1, Some(-1.0)).unwrap().0.is_empty());
    assert!(index.within(0.0, 0.0, f64::INFINITY, never()).unwrap().0 == vec![0]);
    assert!(
        index
            .nearest_batch(&[0.0], &[], 1, Threads::Single, never())
            .is_err()
    );
}

#[test]
fn kernels_report_the_first_point_out_of_range() {
    let (lats, lons) = points(100_000, 9);
    let bad_cases: [(usize, bool, f64); 6] = [
        (0, true, 90.000_001),
        (17, false, 180.5),
        (4_321, true, f64::NAN),
        (50_000, false, f64::NEG_INFINITY),
        (99_999, true, -1e300),
        (70_001, false, f64::NAN),
    ];
    for (at, is_lat, value) in bad_cases {
        let (mut la, mut lo) = (lats.clone(), lons.clone());
        if is_lat {
            la[at] = value;
        } else {
            lo[at] = value;
        }
        // A second bad point later on: the first one is named, whichever chunk finds one first.
        if at + 30_000 < la.len() {
            la[at + 30_000] = 1000.0;
        }
        let (name, expected) = if is_lat {
            ("lats", "finite latitudes in [-90, 90]")
        } else {
            ("lons", "finite longitudes in [-180, 180]")
        };
        let want = KernelError::invalid(name, expected, format!("{value:?} at index {at}"));
        for level in SimdLevel::available() {
            for threads in [Threads::Single, Threads::Auto] {
                let mut out = vec![0.0; la.len()];
                let got = haversine_many_with(
                    level,
                    1.0,
                    2.0,
                    &la,
                    &lo,
                    6371.0,
                    &mut out,
                    threads,
                    never(),
                );
                assert_eq!(
                    got,
                    Err(want.clone()),
                    "haversine_many {level:?} {threads:?}"
                );
                for k in [1, 5, 500] {
                    let got = nearest_k_with(level, 1.0, 2.0, &la, &lo, k, threads, never());
                    assert_eq!(
                        got,
                        Err(want.clone()),
                        "nearest_k {level:?} {threads:?} {k}"
                    );
                }
            }
        }
        let got = GeoIndex::build(&la, &lo, Threads::Auto, never()).map(|_| ());
        assert_eq!(got, Err(want));
    }
    // The edges themselves are in range.
    let (la, lo) = ([90.0, -90.0, 0.0, 0.0], [0.0, 0.0, 180.0, -180.0]);
    assert!(nearest_k(0.0, 0.0, &la, &lo, 2, Threads::Single, never()).is_ok());
    let mut out = [0.0; 4];
    assert!(haversine_many(0.0, 0.0, &la, &lo, 1.0, &mut out, Threads::Single, never()).is_ok());
}

/// Point sets that stress `nearest_k`'s box filter: everything on the query's latitude (the
/// latitude band rejects nothing), near a pole (no longitude band), across the antimeridian,
/// exact duplicates of the query (a bound of ~0), and a dense cluster followed by far points.
#[test]
fn nearest_k_box_filter_is_exact_on_hard_cases() {
    let (ulats, ulons) = points(40_000, 21);
    let mut cases: Vec<(f64, f64, Vec<f64>, Vec<f64>)> = Vec::new();
    // One latitude, longitudes all around.
    let lons: Vec<f64> = ulons.clone();
    cases.push((12.5, 179.9, vec![12.5; lons.len()], lons));
    // Near the north pole.
    let lats: Vec<f64> = ulats.iter().map(|&a| 89.0 + (a + 90.0) / 180.0).collect();
    cases.push((89.99, -10.0, lats, ulons.clone()));
    // Across the antimeridian, tightly packed.
    let lats: Vec<f64> = ulats.iter().map(|&a| a / 1e4).collect();
    let lons: Vec<f64> = ulons
        .iter()
        .map(|&b| {
            if b < 0.0 {
                -180.0 + b.abs() / 1e4
            } else {
                180.0 - b / 1e4
            }
        })
        .collect();
    cases.push((0.0, -180.0, lats.clone(), lons.clone()));
    cases.push((0.0, 180.0, lats, lons));
    // Duplicates of the query everywhere, among uniform points.
    let (mut lats, mut lons) = (ulats.clone(), ulons.clone());
    for i in (0..lats.len()).step_by(997) {
        lats[i] = -41.3;
        lons[i] = 174.8;
    }
    cases.push((-41.3, 174.8, lats, lons));
    // A dense cluster first, then the rest far away; and a query at the south pole.
    let lats: Vec<f64> = (0..40_000)
        .map(|i| {
            if i < 20_000 {
                45.0 + (i % 100) as f64 * 1e-7
            } else {
                -45.0
            }
        })
        .collect();
    let lons: Vec<f64> = (0..40_000)
        .map(|i| ((i * 37) % 360) as f64 - 180.0)
        .collect();
    cases.push((45.0, 0.0, lats.clone(), lons.clone()));
    cases.push((-90.0, 0.0, ulats.clone(), ulons.clone()));
    for (lat, lon, lats, lons) in &cases {
        let all = brute(*lat, *lon, lats, lons);
        for k in [1, 3, 50, 1000] {
            let want = into_arrays(all[..k].to_vec());
            for level in SimdLevel::available() {
                for threads in [Threads::Single, Threads::Auto] {
                    let got =
                        nearest_k_with(level, *lat, *lon, lats, lons, k, threads, never()).unwrap();
                    assert_eq!(got.0, want.0, "({lat}, {lon}) k={k} {level:?} {threads:?}");
                    assert!(
                        got.1
                            .iter()
                            .zip(&want.1)
                            .all(|(a, b)| a.to_bits() == b.to_bits())
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn index_equals_brute_force(
        seed in 1u64..u64::MAX,
        n in 1usize..3000,
        lat in -90.0f64..=90.0,
        lon in -180.0f64..=180.0,
        k in 1usize..40,
        grid in proptest::bool::ANY,
    ) {
        let (mut lats, mut lons) = points(n, seed);
        if grid {
            // Coarse grid: many exact duplicates and equal distances.
            for v in lats.iter_mut().chain(lons.iter_mut()) {
                *v = (*v / 10.0).round() * 10.0;
            }
        }
        let index = GeoIndex::build(&lats, &lons, Threads::Single, never()).unwrap();
        check_index(&index, &lats, &lons, lat, lon, k);
        let all = brute(lat, lon, &lats, &lons);
        let want = into_arrays(all[..k.min(n)].to_vec());
        for level in SimdLevel::available() {
            let got = nearest_k_with(level, lat, lon, &lats, &lons, k, Threads::Single, never())
                .unwrap();
            prop_assert_eq!(&got.0, &want.0);
            prop_assert!(got.1.iter().zip(&want.1).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }

    #[test]
    fn levels_agree_bitwise(
        lat in -90.0f64..=90.0,
        lon in -180.0f64..=180.0,
        seed in 1u64..u64::MAX,
    ) {
        let (lats, lons) = points(97, seed);
        let mut first: Option<Vec<f64>> = None;
        for level in SimdLevel::available() {
            let mut out = vec![0.0; lats.len()];
            distances_with(level, &Origin::new(lat, lon, 6371.0), &lats, &lons, &mut out);
            let bits: Vec<u64> = out.iter().map(|d| d.to_bits()).collect();
            if let Some(f) = &first {
                let f: Vec<u64> = f.iter().map(|d| d.to_bits()).collect();
                prop_assert_eq!(&f, &bits);
            } else {
                first = Some(out);
            }
        }
    }

    #[test]
    fn accurate_against_libm(
        lat1 in -90.0f64..=90.0,
        lon1 in -180.0f64..=180.0,
        lat2 in -90.0f64..=90.0,
        lon2 in -180.0f64..=180.0,
    ) {
        assert_close(lat1, lon1, lat2, lon2, EARTH_RADIUS_KM);
    }
}
