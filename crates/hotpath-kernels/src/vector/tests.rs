use super::*;
use proptest::prelude::*;

/// Shewchuk's exact summation (Python's `math.fsum`): the correctly rounded sum of `values`.
fn exact_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for mut x in values {
        let mut kept = 0;
        for i in 0..partials.len() {
            let mut y = partials[i];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        partials.push(x);
    }
    // Sum the non-overlapping partials from the top, stopping where the rest cannot matter.
    let mut total = 0.0;
    while let Some(p) = partials.pop() {
        let (s, e) = compensated::two_sum(total, p);
        total = s;
        if e != 0.0 {
            total += e + partials.iter().sum::<f64>();
            break;
        }
    }
    total
}

/// Every product split into its exact rounded part and error, for an exact dot product.
fn exact_dot(x: &[f64], y: &[f64]) -> f64 {
    exact_sum(x.iter().zip(y).flat_map(|(&a, &b)| {
        let p = a * b;
        [p, a.mul_add(b, -p)]
    }))
}

/// The Dot2 bound of `compensated`: u|s| + γ(n-1)² Σ|x_i y_i|, plus one ulp of slack for the
/// final rounding.
fn bound(exact: f64, abs_sum: f64, n: usize) -> f64 {
    let u = f64::EPSILON / 2.0;
    let k = n.saturating_sub(1) as f64;
    let gamma = k * u / (1.0 - k * u);
    2.0 * u * exact.abs() + gamma * gamma * abs_sum + f64::MIN_POSITIVE
}

fn values(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![-1e6..1e6f64, -1.0..1.0f64, (-1e15..1e15f64)],
        0..max_len,
    )
}

fn levels() -> Vec<SimdLevel> {
    SimdLevel::available()
}

static NO_ABORT_FLAG: std::sync::LazyLock<AbortFlag> = std::sync::LazyLock::new(AbortFlag::new);

fn all_paths(terms: Terms, x: &[f64], y: &[f64]) -> Vec<Partial> {
    let mut out = Vec::new();
    for level in levels() {
        for threads in [Threads::Single, Threads::Auto] {
            out.push(reduce_with(level, terms, x, y, threads, &NO_ABORT_FLAG).unwrap());
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_level_and_thread_count_gives_the_same_bits(x in values(3 * BLOCK), seed in any::<u64>()) {
        let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v * 0.5 + (i as u64 ^ seed) as f64 * 1e-3).collect();
        for terms in [Terms::Values, Terms::Products, Terms::SquaredDifferences] {
            let paths = all_paths(terms, &x, &y);
            for p in &paths {
                prop_assert_eq!(p.value().to_bits(), paths[0].value().to_bits());
            }
        }
    }

    #[test]
    fn maps_give_the_same_bits_at_every_level(x in values(3 * MAP_CHUNK), s in -1e3..1e3f64, t in -1e3..1e3f64) {
        let x = &x[..x.len() & !1];
        let mut first: Option<(Vec<f64>, Vec<f64>, Vec<f64>)> = None;
        for level in levels() {
            let mut shifted = vec![0.0; x.len()];
            scale_and_shift_with(level, x, s, t, &mut shifted, Threads::Auto, &NO_ABORT_FLAG).unwrap();
            let mut scaled = x.to_vec();
            scale_with(level, &mut scaled, s, Threads::Auto, &NO_ABORT_FLAG).unwrap();
            let mut distances = vec![0.0; x.len() / 2];
            distances_from_origin_with(level, x, &mut distances, Threads::Auto, &NO_ABORT_FLAG).unwrap();
            for (i, &v) in x.iter().enumerate() {
                prop_assert_eq!(shifted[i].to_bits(), (v * s + t).to_bits(), "level {:?}", level);
            }
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            match &first {
                None => first = Some((shifted, scaled, distances)),
                Some((a, b, c)) => {
                    prop_assert_eq!(bits(&shifted), bits(a), "scaleAndShift at {:?}", level);
                    prop_assert_eq!(bits(&scaled), bits(b), "scale at {:?}", level);
                    prop_assert_eq!(bits(&distances), bits(c), "distancesFromOrigin at {:?}", level);
                }
            }
        }
    }

    #[test]
    fn sums_and_dots_are_within_the_dot2_bound(x in values(2000), y in values(2000)) {
        let n = x.len().min(y.len());
        let (x, y) = (&x[..n], &y[..n]);
        let s = sum(x, Threads::Single, &NO_ABORT_FLAG).unwrap();
        let exact = exact_sum(x.iter().copied());
        prop_assert!((s - exact).abs() <= bound(exact, x.iter().map(|v| v.abs()).sum(), n));
        let d = dot(x, y, Threads::Single, &NO_ABORT_FLAG).unwrap();
        let exact = exact_dot(x, y);
        let abs: f64 = x.iter().zip(y).map(|(a, b)| (a * b).abs()).sum();
        prop_assert!((d - exact).abs() <= bound(exact, abs, n), "dot {} exact {}", d, exact);
    }

    #[test]
    fn f32_inputs_reduce_in_f64(x in prop::collection::vec(-1e4..1e4f32, 0..3000)) {
        let wide: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        prop_assert_eq!(
            sum(&x, Threads::Single, &NO_ABORT_FLAG).unwrap().to_bits(),
            sum(&wide, Threads::Single, &NO_ABORT_FLAG).unwrap().to_bits()
        );
        prop_assert_eq!(
            sum_squares(&x, Threads::Auto, &NO_ABORT_FLAG).unwrap().to_bits(),
            sum_squares(&wide, Threads::Auto, &NO_ABORT_FLAG).unwrap().to_bits()
        );
    }

    #[test]
    fn maps_match_the_js_formula(x in values(5000), scale_by in -1e3..1e3f64, shift in -1e3..1e3f64) {
        let mut out = vec![0.0; x.len()];
        scale_and_shift(&x, scale_by, shift, &mut out, Threads::Auto, &NO_ABORT_FLAG).unwrap();
        for (o, v) in out.iter().zip(&x) {
            prop_assert_eq!(o.to_bits(), (v * scale_by + shift).to_bits());
        }
        let mut scaled = x.clone();
        scale(&mut scaled, scale_by, Threads::Auto, &NO_ABORT_FLAG).unwrap();
        for (o, v) in scaled.iter().zip(&x) {
            prop_assert_eq!(o.to_bits(), (v * scale_by).to_bits());
        }
        let points = &x[..x.len() & !1];
        let mut distances = vec![0.0; points.len() / 2];
        distances_from_origin(points, &mut distances, Threads::Auto, &NO_ABORT_FLAG).unwrap();
        for (o, p) in distances.iter().zip(points.chunks_exact(2)) {
            prop_assert_eq!(o.to_bits(), (p[0] * p[0] + p[1] * p[1]).sqrt().to_bits());
        }
    }

    #[test]
    fn f32_maps_round_once_from_f64(x in prop::collection::vec(-1e4..1e4f32, 0..3000), s in -10.0..10.0f64) {
        let mut out = vec![0.0f32; x.len()];
        scale_and_shift(&x, s, 0.1, &mut out, Threads::Auto, &NO_ABORT_FLAG).unwrap();
        for (o, &v) in out.iter().zip(&x) {
            prop_assert_eq!(o.to_bits(), ((v as f64 * s + 0.1) as f32).to_bits());
        }
    }
}

#[test]
fn ill_conditioned_sums_are_exact_where_a_naive_loop_is_not() {
    let x = [1e16, 1.0, -1e16, 1.0];
    assert_eq!(x.iter().sum::<f64>(), 1.0);
    assert_eq!(sum(&x, Threads::Single, &NO_ABORT_FLAG).unwrap(), 2.0);
    // Condition number ~1e32: the naive loop returns 0, the exact answer is 2 * 1e-16 * 3.
    let a = [1e16, 1e-16, -1e16, 1.0];
    let b = [1.0, 3.0, 1.0, 3e-32];
    let naive: f64 = a.iter().zip(&b).map(|(p, q)| p * q).sum();
    let exact = exact_dot(&a, &b);
    let ours = dot(&a, &b, Threads::Single, &NO_ABORT_FLAG).unwrap();
    assert_ne!(naive, exact);
    assert_eq!(ours, exact);
    // Many small values after a large one: every one is lost by the naive loop.
    let mut v = vec![1.0; 1_000_001];
    v[0] = 1e16;
    assert_eq!(v.iter().sum::<f64>(), 1e16);
    assert_eq!(sum(&v, Threads::Auto, &NO_ABORT_FLAG).unwrap(), 1e16 + 1e6);
}

#[test]
fn non_finite_values_propagate_like_a_loop() {
    assert!(
        sum(&[1.0, f64::NAN], Threads::Single, &NO_ABORT_FLAG)
            .unwrap()
            .is_nan()
    );
    assert_eq!(
        sum(&[1.0, f64::INFINITY], Threads::Single, &NO_ABORT_FLAG).unwrap(),
        f64::INFINITY
    );
    assert!(
        sum(
            &[f64::INFINITY, f64::NEG_INFINITY],
            Threads::Single,
            &NO_ABORT_FLAG
        )
        .unwrap()
        .is_nan()
    );
    assert_eq!(
        dot(&[1e300], &[1e300], Threads::Single, &NO_ABORT_FLAG).unwrap(),
        f64::INFINITY
    );
    assert_eq!(
        sum::<f64>(&[], Threads::Single, &NO_ABORT_FLAG).unwrap(),
        0.0
    );
}

#[test]
fn norm_rescales_instead_of_overflowing_or_underflowing() {
    let big = [3e200, 4e200];
    let n = norm(&big, Threads::Single, &NO_ABORT_FLAG).unwrap();
    assert!((n - 5e200).abs() <= 5e200 * 2.0 * f64::EPSILON, "{n}");
    let tiny = [3e-200, 4e-200];
    let n = norm(&tiny, Threads::Single, &NO_ABORT_FLAG).unwrap();
    assert!((n - 5e-200).abs() <= 5e-200 * 4.0 * f64::EPSILON, "{n}");
    assert_eq!(
        norm(&[3.0, 4.0], Threads::Single, &NO_ABORT_FLAG).unwrap(),
        5.0
    );
    assert_eq!(
        norm(&[0.0, -0.0], Threads::Single, &NO_ABORT_FLAG).unwrap(),
        0.0
    );
    assert_eq!(
        norm(&[f64::INFINITY, 1.0], Threads::Single, &NO_ABORT_FLAG).unwrap(),
        f64::INFINITY
    );
    assert!(
        norm(&[f64::NAN, 1.0], Threads::Single, &NO_ABORT_FLAG)
            .unwrap()
            .is_nan()
    );
}

#[test]
fn length_mismatches_and_aborts_are_errors() {
    let err = dot(&[1.0, 2.0], &[1.0], Threads::Single, &NO_ABORT_FLAG).unwrap_err();
    assert!(err.to_string().contains("\"y\""), "{err}");
    let mut out = vec![0.0; 1];
    assert!(
        scale_and_shift(
            &[1.0, 2.0],
            1.0,
            0.0,
            &mut out,
            Threads::Single,
            &NO_ABORT_FLAG
        )
        .is_err()
    );
    assert!(
        distances_from_origin(&[1.0, 2.0, 3.0], &mut out, Threads::Single, &NO_ABORT_FLAG).is_err()
    );
    let abort = AbortFlag::new();
    abort.abort();
    let big = vec![1.0; PARALLEL_MIN_ELEMENTS * 2];
    assert_eq!(sum(&big, Threads::Auto, &abort), Err(KernelError::Aborted));
    assert_eq!(
        sum(&big, Threads::Single, &abort),
        Err(KernelError::Aborted)
    );
}

#[test]
fn dekker_matches_the_fma_even_for_factors_beyond_the_split_range() {
    let cases = [
        (
            (1.0 + 2f64.powi(-30)) * 2f64.powi(1000),
            (1.0 + 2f64.powi(-30)) * 2f64.powi(-1000),
        ),
        (
            (1.0 + 2f64.powi(-30)) * 2f64.powi(-1000),
            (1.0 + 2f64.powi(-30)) * 2f64.powi(1000),
        ),
        (1.7e308, 0.3),
        (-3.3e300, 1.0 / 3.0),
    ];
    for (a, b) in cases {
        let p = a * b;
        assert_eq!(
            compensated::dekker_product_error(a, b, p).to_bits(),
            a.mul_add(b, -p).to_bits(),
            "{a} * {b}"
        );
    }
}

#[cfg(target_arch = "aarch64")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn neon_gives_the_portable_bits(x in values(2 * LANES + 5), seed in any::<u64>()) {
        let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v * 0.25 - (i as u64 ^ seed) as f64 * 1e-3).collect();
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let y32: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        for terms in [Terms::Values, Terms::Products, Terms::SquaredDifferences] {
            let neon = simd_neon::block_neon(terms, &x, &y);
            let portable = compensated::block::<f64, false>(terms, &x, &y);
            prop_assert_eq!(neon, portable, "{:?}", terms);
            let neon = simd_neon::block_neon(terms, &x32, &y32);
            let portable = compensated::block::<f32, false>(terms, &x32, &y32);
            prop_assert_eq!(neon, portable, "f32 {:?}", terms);
        }
    }
}
