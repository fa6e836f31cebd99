use super::*;
use proptest::prelude::*;

/// The definition, one sample and one tap at a time (as the TypeScript reference computes it).
fn oracle_full(
    src: &[f32],
    shape: Shape,
    k: &[f32],
    kw: usize,
    kh: usize,
    options: Options,
) -> Vec<f32> {
    let Shape {
        width: w,
        height: h,
        channels: c,
    } = shape;
    let (rx, ry) = ((kw - 1) / 2, (kh - 1) / 2);
    let mut out = vec![0.0; src.len()];
    for y in 0..h {
        for x in 0..w {
            for ch in 0..c {
                let at = (y * w + x) * c + ch;
                let mut acc = 0.0f32;
                let mut s = 0.0f64;
                for j in 0..kh {
                    let Some(sy) =
                        border_index(y as isize + j as isize - ry as isize, h, options.border)
                    else {
                        continue;
                    };
                    for i in 0..kw {
                        let Some(sx) =
                            border_index(x as isize + i as isize - rx as isize, w, options.border)
                        else {
                            continue;
                        };
                        acc += k[j * kw + i] * src[(sy * w + sx) * c + ch];
                        s += k[j * kw + i] as f64;
                    }
                }
                if options.border == Border::Renormalize {
                    if s == 0.0 {
                        out[at] = src[at];
                        continue;
                    }
                    acc *= (1.0 / s) as f32;
                }
                out[at] = if options.channel_mask & (1 << ch) == 0 {
                    src[at]
                } else {
                    acc
                };
            }
        }
    }
    out
}

fn oracle_separable(
    src: &[f32],
    shape: Shape,
    kx: &[f32],
    ky: &[f32],
    options: Options,
) -> Vec<f32> {
    let Shape {
        width: w,
        height: h,
        channels: c,
    } = shape;
    let (rx, ry) = ((kx.len() - 1) / 2, (ky.len() - 1) / 2);
    let mut out = vec![0.0; src.len()];
    for y in 0..h {
        let mut line = vec![0.0f32; w * c];
        let mut sy_sum = 0.0f64;
        for (j, &wy) in ky.iter().enumerate() {
            let Some(sy) = border_index(y as isize + j as isize - ry as isize, h, options.border)
            else {
                continue;
            };
            sy_sum += wy as f64;
            for s in 0..w * c {
                line[s] += wy * src[sy * w * c + s];
            }
        }
        for x in 0..w {
            let mut acc = vec![0.0f32; c];
            let mut sx_sum = 0.0f64;
            for (i, &wx) in kx.iter().enumerate() {
                let Some(sx) =
                    border_index(x as isize + i as isize - rx as isize, w, options.border)
                else {
                    continue;
                };
                sx_sum += wx as f64;
                for ch in 0..c {
                    acc[ch] += wx * line[sx * c + ch];
                }
            }
            for (ch, &sum) in acc.iter().enumerate() {
                let at = (y * w + x) * c + ch;
                let mut v = sum;
                if options.border == Border::Renormalize {
                    if sx_sum == 0.0 || sy_sum == 0.0 {
                        out[at] = src[at];
                        continue;
                    }
                    v = (v * (1.0 / sx_sum) as f32) * (1.0 / sy_sum) as f32;
                }
                out[at] = if options.channel_mask & (1 << ch) == 0 {
                    src[at]
                } else {
                    v
                };
            }
        }
    }
    out
}

fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

const BORDERS: [Border; 4] = [
    Border::Renormalize,
    Border::Clamp,
    Border::Mirror,
    Border::Zero,
];

fn pseudo_random(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 40) as f32 / (1u64 << 24) as f32
        })
        .collect()
}

fn run_f32(
    level: SimdLevel,
    src: &[f32],
    shape: Shape,
    filter: &Filter<'_>,
    options: Options,
    threads: Threads,
) -> Vec<f32> {
    let mut out = vec![f32::NAN; src.len()];
    convolve_with(
        level,
        Pixels::F32(src),
        PixelsMut::F32(&mut out),
        shape,
        filter,
        options,
        threads,
        AbortFlag::never(),
    )
    .unwrap();
    out
}

fn shape_strategy() -> impl Strategy<Value = (Shape, usize, usize)> {
    (1usize..40, 1usize..24, 1usize..=4, 0usize..6, 0usize..6).prop_map(|(w, h, c, rx, ry)| {
        (
            Shape {
                width: w,
                height: h,
                channels: c,
            },
            2 * rx + 1,
            2 * ry + 1,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn full_matches_the_definition_bitwise_at_every_level((shape, kw, kh) in shape_strategy(), seed in any::<u64>(), b in 0usize..4, mask in 1u8..16) {
        let src: Vec<f32> = pseudo_random(shape.width * shape.height * shape.channels, seed).iter().map(|v| v * 255.0).collect();
        let k: Vec<f32> = pseudo_random(kw * kh, seed ^ 0x9e37).iter().map(|v| v - 0.25).collect();
        let options = Options { border: BORDERS[b], rounding: Rounding::Round, channel_mask: mask };
        let filter = Filter::Full { width: kw, height: kh, weights: &k };
        let want = oracle_full(&src, shape, &k, kw, kh, options);
        for level in SimdLevel::available() {
            for threads in [Threads::Single, Threads::Auto] {
                let got = run_f32(level, &src, shape, &filter, options, threads);
                prop_assert!(same_bits(&got, &want), "level {level:?} {threads:?}");
            }
        }
    }

    #[test]
    fn separable_matches_the_definition_bitwise_at_every_level((shape, kw, kh) in shape_strategy(), seed in any::<u64>(), b in 0usize..4, mask in 1u8..16) {
        let src: Vec<f32> = pseudo_random(shape.width * shape.height * shape.channels, seed).iter().map(|v| v * 4000.0).collect();
        let kx: Vec<f32> = pseudo_random(kw, seed ^ 1).iter().map(|v| v - 0.2).collect();
        let ky: Vec<f32> = pseudo_random(kh, seed ^ 2).iter().map(|v| v - 0.2).collect();
        let options = Options { border: BORDERS[b], rounding: Rounding::Round, channel_mask: mask };
        let want = oracle_separable(&src, shape, &kx, &ky, options);
        for level in SimdLevel::available() {
            let got = run_f32(level, &src, shape, &Filter::Separable { x: &kx, y: &ky }, options, Threads::Single);
            prop_assert!(same_bits(&got, &want), "level {level:?}");
        }
    }

    #[test]
    fn integer_outputs_round_the_float_result((shape, kw, kh) in shape_strategy(), seed in any::<u64>(), b in 0usize..4, truncate in any::<bool>()) {
        let n = shape.width * shape.height * shape.channels;
        let src8: Vec<u8> = pseudo_random(n, seed).iter().map(|v| (v * 256.0) as u8).collect();
        let src16: Vec<u16> = src8.iter().map(|&v| v as u16 * 257).collect();
        let k: Vec<f32> = pseudo_random(kw * kh, seed ^ 3).iter().map(|v| v * 2.0 - 0.5).collect();
        let rounding = if truncate { Rounding::Truncate } else { Rounding::Round };
        let options = Options { border: BORDERS[b], rounding, channel_mask: 0b1111 };
        let filter = Filter::Full { width: kw, height: kh, weights: &k };
        for level in SimdLevel::available() {
            let mut out8 = vec![0u8; n];
            convolve_with(level, Pixels::U8(&src8), PixelsMut::U8(&mut out8), shape, &filter, options, Threads::Auto, AbortFlag::never()).unwrap();
            let want = run_f32(level, &src8.iter().map(|&v| v as f32).collect::<Vec<_>>(), shape, &filter, options, Threads::Single);
            for (g, w) in out8.iter().zip(&want) {
                prop_assert_eq!(*g, if truncate { *w as u8 } else { w.round_ties_even() as u8 });
            }
            let mut out16 = vec![0u16; n];
            convolve_with(level, Pixels::U16(&src16), PixelsMut::U16(&mut out16), shape, &filter, options, Threads::Single, AbortFlag::never()).unwrap();
            let want = run_f32(level, &src16.iter().map(|&v| v as f32).collect::<Vec<_>>(), shape, &filter, options, Threads::Single);
            for (g, w) in out16.iter().zip(&want) {
                prop_assert_eq!(*g, if truncate { *w as u16 } else { w.round_ties_even() as u16 });
            }
        }
    }
}

#[test]
fn rounding_is_to_nearest_even_and_saturates() {
    for (v, r, t) in [
        (0.5f32, 0u8, 0u8),
        (1.5, 2, 1),
        (2.5, 2, 2),
        (254.5, 254, 254),
        (255.49, 255, 255),
        (300.0, 255, 255),
        (-3.0, 0, 0),
        (f32::NAN, 0, 0),
        (f32::INFINITY, 255, 255),
    ] {
        assert_eq!(u8::from_f32::<true>(v), r, "round {v}");
        assert_eq!(u8::from_f32::<false>(v), t, "truncate {v}");
    }
    assert_eq!(u16::from_f32::<true>(65534.5), 65534);
    assert_eq!(u16::from_f32::<true>(1e9), 65535);
}

#[test]
fn mirror_reflects_without_repeating_the_edge() {
    let got: Vec<usize> = (-5..9)
        .map(|p| border_index(p, 4, Border::Mirror).unwrap())
        .collect();
    assert_eq!(got, [1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2]);
    assert_eq!(border_index(-7, 1, Border::Mirror), Some(0));
    assert_eq!(border_index(-1, 4, Border::Clamp), Some(0));
    assert_eq!(border_index(4, 4, Border::Zero), None);
}

#[test]
fn large_images_split_across_threads_give_the_same_bits() {
    let shape = Shape {
        width: 333,
        height: 517,
        channels: 3,
    };
    let src = pseudo_random(shape.width * shape.height * 3, 11);
    let k = pseudo_random(49, 5);
    for b in BORDERS {
        let options = Options {
            border: b,
            ..Options::default()
        };
        for filter in [
            Filter::Full {
                width: 7,
                height: 7,
                weights: &k,
            },
            Filter::Separable {
                x: &k[..7],
                y: &k[7..14],
            },
        ] {
            let one = run_f32(
                SimdLevel::detect(),
                &src,
                shape,
                &filter,
                options,
                Threads::Single,
            );
            let many = run_f32(
                SimdLevel::detect(),
                &src,
                shape,
                &filter,
                options,
                Threads::Auto,
            );
            assert!(same_bits(&one, &many));
        }
    }
}

#[test]
fn zero_sum_kernels_copy_the_source_under_renormalize() {
    let shape = Shape {
        width: 5,
        height: 4,
        channels: 1,
    };
    let src: Vec<f32> = (0..20).map(|v| v as f32).collect();
    let laplacian = [0.0, 1.0, 0.0, 1.0, -4.0, 1.0, 0.0, 1.0, 0.0];
    let out = run_f32(
        SimdLevel::detect(),
        &src,
        shape,
        &Filter::Full {
            width: 3,
            height: 3,
            weights: &laplacian,
        },
        Options::default(),
        Threads::Single,
    );
    // The in-image weights sum to 0 only away from the borders.
    assert_eq!(out[6], src[6]);
    assert_eq!(
        out,
        oracle_full(&src, shape, &laplacian, 3, 3, Options::default())
    );
}

#[test]
fn bad_arguments_are_rejected() {
    let src = [0u8; 12];
    let mut out = [0u8; 12];
    let shape = Shape {
        width: 2,
        height: 2,
        channels: 3,
    };
    let call = |filter: Filter<'_>, shape: Shape, out: &mut [u8]| {
        convolve(
            Pixels::U8(&src),
            PixelsMut::U8(out),
            shape,
            &filter,
            Options::default(),
            Threads::Single,
            AbortFlag::never(),
        )
    };
    let even = [1.0; 4];
    assert!(
        call(
            Filter::Full {
                width: 2,
                height: 2,
                weights: &even
            },
            shape,
            &mut out
        )
        .is_err()
    );
    let big = vec![1.0; 65];
    assert!(call(Filter::Separable { x: &big, y: &[1.0] }, shape, &mut out).is_err());
    assert!(
        call(
            Filter::Separable {
                x: &[f32::NAN],
                y: &[1.0]
            },
            shape,
            &mut out
        )
        .is_err()
    );
    assert!(
        call(
            Filter::Full {
                width: 3,
                height: 1,
                weights: &[1.0]
            },
            shape,
            &mut out
        )
        .is_err()
    );
    assert!(
        call(
            Filter::Separable {
                x: &[1.0],
                y: &[1.0]
            },
            Shape {
                width: 2,
                height: 2,
                channels: 5
            },
            &mut out
        )
        .is_err()
    );
    assert!(
        call(
            Filter::Separable {
                x: &[1.0],
                y: &[1.0]
            },
            Shape {
                width: 3,
                height: 2,
                channels: 3
            },
            &mut out
        )
        .is_err()
    );
    assert!(
        call(
            Filter::Separable {
                x: &[1.0],
                y: &[1.0]
            },
            Shape {
                width: usize::MAX,
                height: 2,
                channels: 3
            },
            &mut out
        )
        .is_err()
    );
    assert!(
        call(
            Filter::Separable {
                x: &[1.0],
                y: &[1.0]
            },
            shape,
            &mut out[..11]
        )
        .is_err()
    );
    let aborted = AbortFlag::new();
    aborted.abort();
    let r = convolve(
        Pixels::U8(&src),
        PixelsMut::U8(&mut out),
        shape,
        &Filter::Separable {
            x: &[1.0],
            y: &[1.0],
        },
        Options::default(),
        Threads::Single,
        &aborted,
    );
    assert_eq!(r, Err(KernelError::Aborted));
}
