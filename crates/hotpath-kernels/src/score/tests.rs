use super::*;
use crate::simd::SimdLevel;
use proptest::prelude::*;

fn relative_error(got: f64, want: f64) -> f64 {
    if got == want || (got.is_nan() && want.is_nan()) {
        0.0
    } else {
        ((got - want) / want).abs()
    }
}

fn reference(model: &RiskModel, rows: &[f64]) -> Vec<f64> {
    rows.chunks_exact(model.features())
        .map(|r| score_row_scalar(r, model.weights(), model.threshold()))
        .collect()
}

#[test]
fn rejects_bad_models() {
    assert!(RiskModel::new(&[], 0.5).is_err());
    assert!(RiskModel::new(&[1.0, f64::NAN], 0.5).is_err());
    assert!(RiskModel::new(&[1.0, f64::INFINITY], 0.5).is_err());
    assert!(RiskModel::new(&[1.0], f64::NAN).is_err());
    assert!(RiskModel::new(&[1.0], f64::NEG_INFINITY).is_err());
}

#[test]
fn rejects_bad_shapes_without_panicking() {
    let model = RiskModel::new(&[1.0; 3], 0.5).unwrap();
    let abort = AbortFlag::new();
    let mut out = vec![0.0; 2];
    assert!(
        model
            .score_batch(&[0.0f64; 7], &mut out, Threads::Auto, &abort)
            .is_err()
    );
    assert!(
        model
            .score_batch(&[0.0f64; 9], &mut out, Threads::Auto, &abort)
            .is_err()
    );
    assert!(model.score(&[0.0f64; 2]).is_err());
}

#[test]
fn known_value() {
    let model = RiskModel::new(&[3.0, 4.0], 0.5).unwrap();
    // sqrt(3^2 + 4^2) = 5, score = 1 / (1 + e^(0.5 - 5))
    let want = 1.0 / (1.0 + (-4.5f64).exp());
    assert!(relative_error(model.score(&[1.0f64, 1.0]).unwrap(), want) < 1e-15);
}

#[test]
fn nan_poisons_only_its_row() {
    let model = RiskModel::new(&[0.5; 3], 0.5).unwrap();
    let rows = [1.0, 2.0, 3.0, f64::NAN, 1.0, 1.0, 4.0, 5.0, 6.0];
    for level in SimdLevel::available() {
        let mut out = vec![0.0; 3];
        model
            .score_batch_with(level, &rows, &mut out, Threads::Single, &AbortFlag::new())
            .unwrap();
        assert!(
            !out[0].is_nan() && out[1].is_nan() && !out[2].is_nan(),
            "{level:?}: {out:?}"
        );
    }
}

#[test]
fn abort_stops_a_running_batch() {
    let model = RiskModel::new(&[1.0; 4], 0.5).unwrap();
    let rows = vec![1.0f64; 4 * CHUNK_ROWS * 4];
    let mut out = vec![0.0; CHUNK_ROWS * 4];
    let abort = AbortFlag::new();
    abort.abort();
    assert_eq!(
        model.score_batch(&rows, &mut out, Threads::Auto, &abort),
        Err(KernelError::Aborted)
    );
}

#[test]
fn parallel_equals_single_thread() {
    let d = 20;
    let n = PARALLEL_MIN_ROWS * 3 + 17;
    let model = RiskModel::new(
        &(0..d).map(|i| 0.1 + i as f64 * 0.01).collect::<Vec<_>>(),
        0.5,
    )
    .unwrap();
    let rows: Vec<f64> = (0..n * d)
        .map(|i| ((i * 7919) % 1000) as f64 / 100.0 - 5.0)
        .collect();
    let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
    model
        .score_batch(&rows, &mut a, Threads::Auto, &AbortFlag::new())
        .unwrap();
    model
        .score_batch(&rows, &mut b, Threads::Single, &AbortFlag::new())
        .unwrap();
    assert_eq!(a, b);
}

fn magnitude() -> impl Strategy<Value = f64> {
    prop_oneof![
        -10.0f64..10.0,
        -1e150f64..1e150,
        -1e-150f64..1e-150,
        Just(0.0)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_level_matches_the_scalar_oracle(
        d in 1usize..40,
        n in 0usize..70,
        threshold in -20.0f64..20.0,
        seed in prop::collection::vec(magnitude(), 1..200),
    ) {
        let weights: Vec<f64> = (0..d).map(|i| seed[i % seed.len()].clamp(-1e3, 1e3)).collect();
        let rows: Vec<f64> = (0..n * d).map(|i| seed[(i * 31 + 7) % seed.len()]).collect();
        let model = RiskModel::new(&weights, threshold).unwrap();
        let want = reference(&model, &rows);
        let rows32: Vec<f32> = rows.iter().map(|&x| x as f32).collect();
        let want32: Vec<f64> = rows32.chunks_exact(d).map(|r| score_row_scalar(r, &weights, threshold)).collect();
        for level in SimdLevel::available() {
            let mut out = vec![0.0; n];
            model.score_batch_with(level, &rows, &mut out, Threads::Single, &AbortFlag::new()).unwrap();
            for (g, w) in out.iter().zip(&want) {
                prop_assert!(relative_error(*g, *w) <= 1e-12, "{:?}: {} vs {}", level, g, w);
            }
            model.score_batch_with(level, &rows32, &mut out, Threads::Single, &AbortFlag::new()).unwrap();
            for (g, w) in out.iter().zip(&want32) {
                prop_assert!(relative_error(*g, *w) <= 1e-12, "{:?} f32: {} vs {}", level, g, w);
            }
        }
    }
}

#[test]
fn special_sums_match_the_oracle_on_every_level() {
    // Zero, subnormal, huge and infinite sums and scores near 0 and 1 take the exact fallbacks.
    let model = RiskModel::new(&[1.0, 1.0], 0.5).unwrap();
    let tiny = f64::MIN_POSITIVE / 4.0;
    let values = [
        0.0,
        0.0,
        tiny,
        0.0,
        1e-160,
        1e-170,
        1e154,
        1e154,
        1e200,
        1.0,
        f64::INFINITY,
        0.0,
        3.0,
        4.0,
        -1e3,
        2e3,
    ];
    let model_hi = RiskModel::new(&[1.0, 1.0], 700.0).unwrap();
    for m in [&model, &model_hi] {
        let want = reference(m, &values);
        for level in SimdLevel::available() {
            // 16 rows = two 8-row blocks, so every block mixes special and ordinary lanes.
            let rows: Vec<f64> = values.iter().chain(values.iter()).copied().collect();
            let mut out = vec![0.0; 16];
            m.score_batch_with(level, &rows, &mut out, Threads::Single, &AbortFlag::new())
                .unwrap();
            for (i, (g, w)) in out.iter().zip(want.iter().chain(want.iter())).enumerate() {
                assert!(
                    relative_error(*g, *w) <= 1e-12,
                    "{level:?} row {i}: {g} vs {w}"
                );
            }
        }
    }
}
