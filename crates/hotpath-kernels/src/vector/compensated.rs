//! Compensated reductions with a fixed evaluation order.
//!
//! Every reduction keeps `LANES` running pairs (s, c): `s` is a plain sum, `c` collects the exact
//! rounding errors of the additions into `s` (Knuth's TwoSum) and, for products, the exact error of
//! each multiplication (TwoProduct). This is Ogita, Rump and Oishi's Sum2/Dot2 ("Accurate Sum and
//! Dot Product", SIAM J. Sci. Comput. 26(6), 2005): the result is as accurate as if it were
//! computed in twice the working precision and then rounded,
//! `|result - exact| <= u|exact| + γ(n-1)² Σ|x_i y_i|` with `u = 2^-53` and
//! `γ(k) = k u / (1 - k u)`.
//!
//! The order of every floating-point operation is fixed by the data alone: element `i` of a
//! `BLOCK` goes to lane `i % LANES`, lanes are folded in lane order, blocks in block order. Rayon
//! splits work only at block boundaries and partials are combined in index order, so the result
//! is bitwise the same for any thread count and any SIMD level (TwoSum and TwoProduct are exact,
//! whether the product error comes from an FMA or from Dekker's splitting), and the pure-TS
//! reference (`src/reference/vector.ts`) reproduces it.
use super::Element;

/// Independent accumulators per block: two AVX-512 or four AVX2 registers, enough to hide the add
/// latency at memory speed, and the width the TS reference emulates.
pub const LANES: usize = 16;

/// Elements per block: the unit of parallel work and of the fixed evaluation order.
pub const BLOCK: usize = 16 * 1024;

/// A partial result: the rounded sum `s` and the accumulated error `c`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Partial {
    pub s: f64,
    pub c: f64,
}

impl Partial {
    /// Adds another partial: `s` by TwoSum, the errors into `c`.
    #[inline(always)]
    pub fn combine(self, other: Partial) -> Partial {
        let (s, e) = two_sum(self.s, other.s);
        Partial {
            s,
            c: self.c + (e + other.c),
        }
    }

    /// The compensated value. When the plain sum overflowed or met a NaN, the error terms are
    /// meaningless (inf - inf), so the plain sum is the answer, as a naive loop would give.
    #[inline(always)]
    pub fn value(self) -> f64 {
        if self.s.is_finite() {
            self.s + self.c
        } else {
            self.s
        }
    }
}

/// Knuth's TwoSum: `a + b = s + e` exactly, with `s = fl(a + b)`. Branch-free, any magnitudes.
#[inline(always)]
pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bp = s - a;
    let e = (a - (s - bp)) + (b - bp);
    (s, e)
}

/// The rounding error of `p = fl(a * b)`: `a * b = p + e` exactly (barring underflow).
#[inline(always)]
fn product_error<const FMA: bool>(a: f64, b: f64, p: f64) -> f64 {
    if FMA {
        a.mul_add(b, -p)
    } else {
        dekker_product_error(a, b, p)
    }
}

/// Dekker's TwoProduct without an FMA (Veltkamp splitting): the same bits as `a.mul_add(b, -p)`
/// whenever the error is not subnormal. Splitting would overflow for a factor above 2^995, so such
/// a factor is scaled by 2^-54 first, with `p` (exact: powers of two commute with rounding while
/// nothing underflows), and the error scaled back.
#[inline(always)]
pub fn dekker_product_error(a: f64, b: f64, p: f64) -> f64 {
    const SPLIT_MAX: f64 = f64::from_bits((1023 + 995) << 52);
    const SCALE_DOWN: f64 = f64::from_bits((1023 - 54) << 52);
    const SCALE_UP: f64 = f64::from_bits((1023 + 54) << 52);
    if a.abs() >= SPLIT_MAX {
        split_error(a * SCALE_DOWN, b, p * SCALE_DOWN) * SCALE_UP
    } else if b.abs() >= SPLIT_MAX {
        split_error(a, b * SCALE_DOWN, p * SCALE_DOWN) * SCALE_UP
    } else {
        split_error(a, b, p)
    }
}

/// Veltkamp splitting and Dekker's product. Infinite inputs give NaN, replaced by 0: the plain sum
/// is then infinite or NaN and the error terms are not used.
#[inline(always)]
fn split_error(a: f64, b: f64, p: f64) -> f64 {
    const SPLITTER: f64 = 134_217_729.0; // 2^27 + 1
    let ta = SPLITTER * a;
    let ah = ta - (ta - a);
    let al = a - ah;
    let tb = SPLITTER * b;
    let bh = tb - (tb - b);
    let bl = b - bh;
    let e = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
    if e.is_nan() { 0.0 } else { e }
}

/// What a reduction adds for each element (or pair of elements).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Terms {
    /// `x_i`
    Values = VALUES,
    /// `x_i * y_i` (`y` = `x` for the sum of squares)
    Products = PRODUCTS,
    /// `(x_i - y_i)^2`, the difference rounded once
    SquaredDifferences = SQUARED_DIFFERENCES,
}

// The kernels take the term kind as a const parameter: a runtime match in the lane loop kept
// LLVM from vectorizing it.
pub(super) const VALUES: u8 = 0;
pub(super) const PRODUCTS: u8 = 1;
pub(super) const SQUARED_DIFFERENCES: u8 = 2;

/// Folds the lanes of one block into a partial, in lane order.
#[inline(always)]
pub(super) fn fold(s: &[f64; LANES], c: &[f64; LANES]) -> Partial {
    let mut total = Partial::default();
    for lane in 0..LANES {
        total = total.combine(Partial {
            s: s[lane],
            c: c[lane],
        });
    }
    total
}

/// One lane step: adds `term` (with its product error `error`) to lane `(s, c)`.
#[inline(always)]
pub(super) fn accumulate(s: &mut f64, c: &mut f64, term: f64, error: f64) {
    let (sum, e) = two_sum(*s, term);
    *s = sum;
    *c += e + error;
}

/// The term of element `i` and its exact product error.
#[inline(always)]
pub(super) fn term<T: Element, const FMA: bool, const TERMS: u8>(x: T, y: T) -> (f64, f64) {
    let (x, y) = (x.to_f64(), y.to_f64());
    match TERMS {
        VALUES => (x, 0.0),
        PRODUCTS => {
            let p = x * y;
            // Products of two f32 values are exact in f64.
            let e = if T::IS_F64 {
                product_error::<FMA>(x, y, p)
            } else {
                0.0
            };
            (p, e)
        }
        _ => {
            let d = x - y;
            let p = d * d;
            (p, product_error::<FMA>(d, d, p))
        }
    }
}

/// The partial of one block (at most `BLOCK` elements). `y` is ignored for [`Terms::Values`] and
/// must have `x`'s length otherwise.
#[inline(always)]
pub fn block<T: Element, const FMA: bool>(terms: Terms, x: &[T], y: &[T]) -> Partial {
    match terms {
        Terms::Values => block_of::<T, FMA, VALUES>(x, x),
        Terms::Products => block_of::<T, FMA, PRODUCTS>(x, y),
        Terms::SquaredDifferences => block_of::<T, FMA, SQUARED_DIFFERENCES>(x, y),
    }
}

#[inline(always)]
fn block_of<T: Element, const FMA: bool, const TERMS: u8>(x: &[T], y: &[T]) -> Partial {
    debug_assert!(x.len() <= BLOCK);
    debug_assert_eq!(x.len(), y.len());
    let mut s = [0.0f64; LANES];
    let mut c = [0.0f64; LANES];
    let (xs, xt) = x.as_chunks::<LANES>();
    let (ys, yt) = y.as_chunks::<LANES>();
    for (xc, yc) in xs.iter().zip(ys) {
        for lane in 0..LANES {
            let (t, e) = term::<T, FMA, TERMS>(xc[lane], yc[lane]);
            accumulate(&mut s[lane], &mut c[lane], t, e);
        }
    }
    for (lane, (&xv, &yv)) in xt.iter().zip(yt).enumerate() {
        let (t, e) = term::<T, FMA, TERMS>(xv, yv);
        accumulate(&mut s[lane], &mut c[lane], t, e);
    }
    fold(&s, &c)
}
