use super::*;
use proptest::prelude::*;

/// Double-double arithmetic (about 106 bits): the oracle's precision.
#[derive(Clone, Copy, Debug)]
struct Dd(f64, f64);

impl Dd {
    fn two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let bb = s - a;
        Dd(s, (a - (s - bb)) + (b - bb))
    }

    fn add(self, x: Dd) -> Dd {
        let s = Dd::two_sum(self.0, x.0);
        let lo = s.1 + self.1 + x.1;
        Dd::two_sum(s.0, lo)
    }

    fn mul(self, x: Dd) -> Dd {
        let p = self.0 * x.0;
        let e = self.0.mul_add(x.0, -p) + (self.0 * x.1 + self.1 * x.0);
        Dd::two_sum(p, e)
    }

    fn div_f64(self, n: f64) -> Dd {
        let q1 = self.0 / n;
        let r = self.add(Dd(q1, 0.0).mul(Dd(-n, 0.0)));
        let q2 = r.0 / n;
        Dd::two_sum(q1, q2)
    }

    fn value(self) -> f64 {
        self.0 + self.1
    }
}

/// Two-pass moments in double-double: (total, mean, m2).
fn oracle(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len() as f64;
    let total = values
        .iter()
        .fold(Dd(0.0, 0.0), |acc, &x| acc.add(Dd(x, 0.0)));
    let mean = total.div_f64(n);
    let m2 = values.iter().fold(Dd(0.0, 0.0), |acc, &x| {
        let d = Dd(x, 0.0).add(Dd(-mean.0, -mean.1));
        acc.add(d.mul(d))
    });
    (total.value(), mean.value(), m2.value())
}

/// Checks `m` against the oracle: mean and total to a few roundings of the largest magnitude,
/// m2 to 1e-12 relative plus the error the rounding of each value's deviation can cause. `slack`
/// widens the mean and m2 bounds: 1 for the block kernel, whose errors do not grow with the
/// length; n for Welford's sequential update, whose roundings add up along the stream.
fn assert_matches_oracle(m: &Moments, values: &[f64], slack: f64) -> Result<(), TestCaseError> {
    let (total, mean, m2) = oracle(values);
    let n = values.len() as f64;
    let max_abs = values.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    let spread = m.max() - m.min();
    let eps = f64::EPSILON;
    prop_assert_eq!(m.count(), values.len() as u64);
    prop_assert!(
        (m.total() - total).abs() <= 4.0 * eps * total.abs() + eps * eps * n * max_abs,
        "total {} vs {}",
        m.total(),
        total
    );
    prop_assert!(
        (m.mean() - mean).abs() <= 4.0 * slack * eps * max_abs,
        "mean {} vs {}",
        m.mean(),
        mean
    );
    prop_assert!(
        (m.m2() - m2).abs()
            <= slack * (1e-12 * m2 + 16.0 * n * eps * eps * max_abs * max_abs.max(spread)),
        "m2 {} vs {}",
        m.m2(),
        m2
    );
    Ok(())
}

fn welford(values: &[f64]) -> Moments {
    let mut m = Moments::new();
    for &x in values {
        m.add(x).unwrap();
    }
    m
}

#[test]
fn known_values() {
    let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
    for m in [
        welford(&values),
        Moments::of_slice(&values[..], false).unwrap(),
    ] {
        assert_eq!(m.count(), 8);
        assert_eq!(m.total(), 40.0);
        assert_eq!(m.mean(), 5.0);
        assert_eq!(m.variance(), 4.0);
        assert_eq!(m.std_dev(), 2.0);
        assert!((m.sample_variance() - 32.0 / 7.0).abs() < 1e-15);
        assert_eq!((m.min(), m.max()), (2.0, 9.0));
    }
}

#[test]
fn empty_and_single() {
    let m = Moments::new();
    assert_eq!((m.count(), m.total()), (0, 0.0));
    for v in [
        m.mean(),
        m.variance(),
        m.sample_variance(),
        m.std_dev(),
        m.min(),
        m.max(),
    ] {
        assert!(v.is_nan());
    }
    let m = Moments::of_slice::<f64>(&[], true).unwrap();
    assert_eq!(m, Moments::new());
    let m = Moments::of_slice(&[3.5f64], true).unwrap();
    assert_eq!(
        (m.mean(), m.variance(), m.min(), m.max()),
        (3.5, 0.0, 3.5, 3.5)
    );
    assert!(m.sample_variance().is_nan());
}

#[test]
fn non_finite_values_are_rejected_and_change_nothing() {
    let n = PARALLEL_MIN_VALUES + 3 * CHUNK + 77;
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for at in [0, 5, BLOCK + 3, CHUNK + 1, n - 1] {
            let mut values: Vec<f64> = (0..n).map(|i| (i % 17) as f64).collect();
            values[at] = bad;
            // A second bad value later on: the first is the one reported.
            if at < n - 1 {
                values[n - 1] = f64::NAN;
            }
            let mut m = Moments::of_slice(&[1.0f64, 2.0], false).unwrap();
            let before = m;
            let err = m.add_slice(&values).unwrap_err();
            assert_eq!(err.index, at, "bad {bad} at {at}");
            assert_eq!(m, before);
            let f32s: Vec<f32> = values.iter().map(|&x| x as f32).collect();
            assert_eq!(m.add_slice(&f32s).unwrap_err().index, err.index);
            assert_eq!(m.add(bad).unwrap_err().value.to_bits(), bad.to_bits());
            assert_eq!(m, before);
        }
    }
    let message = KernelError::from(NonFinite {
        index: 3,
        value: f64::NEG_INFINITY,
    })
    .to_string();
    assert!(message.contains("values[3] = -Infinity"), "{message}");
}

#[test]
fn finite_overflow_is_not_mistaken_for_a_bad_value() {
    let m = Moments::of_slice(&[1e308f64, 1e308, 1e308], false).unwrap();
    assert_eq!(m.count(), 3);
    assert!(!m.total().is_finite());
}

#[test]
fn every_level_and_thread_count_gives_the_same_bits() {
    let n = PARALLEL_MIN_VALUES * 2 + 12_345;
    let values: Vec<f64> = (0..n)
        .map(|i| ((i * 7919) % 10007) as f64 * 0.37 - 1500.0)
        .collect();
    let f32s: Vec<f32> = values.iter().map(|&x| x as f32).collect();
    let want = Moments::of_slice_with(SimdLevel::Baseline, &values, false).unwrap();
    let want32 = Moments::of_slice_with(SimdLevel::Baseline, &f32s, false).unwrap();
    for level in SimdLevel::available() {
        for parallel in [false, true] {
            assert_eq!(
                Moments::of_slice_with(level, &values, parallel).unwrap(),
                want
            );
            assert_eq!(
                Moments::of_slice_with(level, &f32s, parallel).unwrap(),
                want32
            );
        }
    }
    let widened: Vec<f64> = f32s.iter().map(|&x| x as f64).collect();
    assert_eq!(Moments::of_slice(&widened, true).unwrap(), want32);
    assert_matches_oracle(&want, &values, 1.0).unwrap();
}

#[test]
fn ill_conditioned_data_keeps_its_variance() {
    // 1e9 plus k/1024: exactly representable, and the variance of the offsets is known exactly.
    let offsets: Vec<f64> = (0..100_000)
        .map(|i| ((i * 7919) % 1024) as f64 / 1024.0)
        .collect();
    let values: Vec<f64> = offsets.iter().map(|&y| 1e9 + y).collect();
    let (_, _, exact_m2) = oracle(&offsets);
    let n = values.len() as f64;
    let exact = exact_m2 / n;
    // Welford's update loses about n * eps * |mean| / stddev in relative terms (~1e-8 here); the
    // block kernel stays near eps * |mean| / stddev.
    for (name, m, bound) in [
        ("welford", welford(&values), 1e-7),
        ("slice", Moments::of_slice(&values, true).unwrap(), 1e-9),
    ] {
        let relative = (m.variance() - exact).abs() / exact;
        assert!(
            relative < bound,
            "{name}: variance {} vs {exact}",
            m.variance()
        );
    }
    // The textbook sum-of-squares formula loses every digit here.
    let (s, s2) = values
        .iter()
        .fold((0.0, 0.0), |(s, s2), &x| (s + x, s2 + x * x));
    let naive = (s2 - s * s / n) / n;
    assert!((naive - exact).abs() / exact > 1.0, "naive {naive}");
}

#[test]
fn parts_round_trip_and_bad_parts_are_rejected() {
    let m = Moments::of_slice(&[1.0f64, 2.5, -3.0, 1e10], false).unwrap();
    assert_eq!(Moments::from_parts(m.parts()).unwrap(), m);
    assert_eq!(
        Moments::from_parts(Moments::new().parts()).unwrap(),
        Moments::new()
    );
    let good = m.parts();
    for bad in [
        MomentsParts { m2: -1.0, ..good },
        MomentsParts {
            mean: f64::NAN,
            ..good
        },
        MomentsParts {
            min: 5.0,
            max: 4.0,
            ..good
        },
        MomentsParts {
            sum: f64::INFINITY,
            ..good
        },
        MomentsParts {
            count: 0,
            m2: 1.0,
            ..good
        },
    ] {
        assert!(Moments::from_parts(bad).is_err(), "{bad:?}");
    }
}

fn magnitude() -> impl Strategy<Value = f64> {
    prop_oneof![
        -10.0f64..10.0,
        -1e6f64..1e6,
        1e9f64..1e9 + 1.0,
        -1e100f64..1e100,
        -1e-100f64..1e-100,
        Just(0.0),
    ]
}

fn values(max: usize) -> impl Strategy<Value = Vec<f64>> {
    (
        prop::collection::vec(magnitude(), 1..64),
        0..max,
        any::<u32>(),
    )
        .prop_map(|(seed, n, salt)| {
            // Long vectors from a short seed: cases reach several blocks without a huge shrink
            // space.
            (0..n)
                .map(|i| {
                    seed[(i * 31 + salt as usize) % seed.len()] * (1.0 + (i % 7) as f64 * 1e-3)
                })
                .collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn slices_match_the_double_double_oracle(values in values(5000)) {
        prop_assume!(!values.is_empty());
        assert_matches_oracle(&Moments::of_slice(&values, false).unwrap(), &values, 1.0)?;
        assert_matches_oracle(&welford(&values), &values, values.len() as f64).map_err(|e| TestCaseError::fail(format!("welford: {e}")))?;
    }

    #[test]
    fn merge_of_splits_equals_sequential(values in values(5000), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        prop_assume!(!values.is_empty());
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(values.len() + 1)).collect();
        cuts.push(0);
        cuts.push(values.len());
        cuts.sort_unstable();
        let mut merged = Moments::new();
        for w in cuts.windows(2) {
            let part = &values[w[0]..w[1]];
            // Parts alternate between the slice kernel and Welford's update.
            let m = if w[0] % 2 == 0 { Moments::of_slice(part, false).unwrap() } else { welford(part) };
            merged.merge(&m);
        }
        let sequential = Moments::of_slice(&values, false).unwrap();
        prop_assert_eq!(merged.count(), sequential.count());
        prop_assert_eq!(merged.min(), sequential.min());
        prop_assert_eq!(merged.max(), sequential.max());
        // Welford parts carry their own, larger, rounding.
        assert_matches_oracle(&merged, &values, values.len() as f64)?;
        let blocks_only: Moments = cuts.windows(2).fold(Moments::new(), |mut all, w| {
            all.merge(&Moments::of_slice(&values[w[0]..w[1]], false).unwrap());
            all
        });
        assert_matches_oracle(&blocks_only, &values, 1.0)?;
        // Merges of kernel parts stay within a few ulp of one pass; Welford's running mean drifts
        // by up to about one rounding per value, so parts of it are held to n ulp, as above.
        let scale = values.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        prop_assert!((blocks_only.mean() - sequential.mean()).abs() <= 8.0 * f64::EPSILON * scale);
        prop_assert!((merged.mean() - sequential.mean()).abs() <= values.len() as f64 * f64::EPSILON * scale);
    }
}
