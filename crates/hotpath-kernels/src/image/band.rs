//! The row loops: one band of output rows at a time, all in float32, vectorized across samples.
//!
//! Each output sample's taps are added in the reference's order (kernel rows top to bottom, each
//! row left to right, from +0, a rounded multiply then a rounded add: no FMA), and lanes are
//! independent samples, so every SIMD level gives the reference's bits. Taps that fall outside
//! the image read padding: mapped samples for `clamp`/`mirror`, zeros otherwise (adding w·0 = ±0
//! to a sum that started at +0 changes nothing).
use super::axis::Border;
use super::plan::{Plan, Renormalize};
use super::sample::{Rounding, Sample};
use crate::simd::per_level;
use crate::{AbortFlag, Aborted};

/// Samples computed together: four AVX-512 registers of independent sums, enough to hide the
/// latency of adding one tap after another.
const LANES: usize = 64;

/// Rows between two polls of the abort flag.
const POLL_ROWS: usize = 16;

/// One weighted row: the samples a tap reads, and the weights of its taps, tap `i` reading
/// `stride * i` samples further on.
type Taps<'a, T> = (&'a [T], &'a [f32]);

/// The sums of samples `s..s + L`: Σ over `rows`, then over each row's taps, of w · x. The `L`
/// sums stay in registers across all taps.
#[inline(always)]
fn block_sums<const L: usize, T: Sample>(
    rows: &[Taps<'_, T>],
    stride: usize,
    s: usize,
) -> [f32; L] {
    let mut acc = [0.0f32; L];
    for &(row, weights) in rows {
        for (i, &w) in weights.iter().enumerate() {
            let at = s + i * stride;
            let x = &row[at..at + L];
            for l in 0..L {
                acc[l] += w * x[l].to_f32();
            }
        }
    }
    acc
}

/// Samples `s..s + L` of `out` from their sums, scaled by `scale[s]` and then the row's scale
/// when renormalizing.
#[inline(always)]
fn store_block<const L: usize, U: Sample, const ROUND: bool>(
    mut acc: [f32; L],
    scale: Option<(&[f32], Option<f32>)>,
    s: usize,
    out: &mut [U],
) {
    if let Some((line, row)) = scale {
        let line = &line[s..s + L];
        for l in 0..L {
            acc[l] *= line[l];
        }
        if let Some(r) = row {
            for v in &mut acc {
                *v *= r;
            }
        }
    }
    let out = &mut out[s..s + L];
    for l in 0..L {
        out[l] = U::from_f32::<ROUND>(acc[l]);
    }
}

/// `out[s]` = the sums of `rows` for sample `s`, scaled when renormalizing, stored as `U`.
#[inline(always)]
fn filter_line<T: Sample, U: Sample, const ROUND: bool>(
    rows: &[Taps<'_, T>],
    stride: usize,
    scale: Option<(&[f32], Option<f32>)>,
    out: &mut [U],
) {
    let n = out.len();
    let mut s = 0;
    while s + LANES <= n {
        store_block::<LANES, U, ROUND>(block_sums::<LANES, T>(rows, stride, s), scale, s, out);
        s += LANES;
    }
    // Narrow images and row ends: one vector, then a few lanes, then one at a time.
    while s + 16 <= n {
        store_block::<16, U, ROUND>(block_sums::<16, T>(rows, stride, s), scale, s, out);
        s += 16;
    }
    while s + 4 <= n {
        store_block::<4, U, ROUND>(block_sums::<4, T>(rows, stride, s), scale, s, out);
        s += 4;
    }
    while s < n {
        store_block::<1, U, ROUND>(block_sums::<1, T>(rows, stride, s), scale, s, out);
        s += 1;
    }
}

/// Fills the `pad` samples either side of `line[pad..pad + width * channels]` from the row
/// itself (`clamp`, `mirror`); zero modes leave the zeros the buffer was made with.
#[inline(always)]
fn pad_line(line: &mut [f32], plan: &Plan<'_>) {
    if !matches!(plan.options.border, Border::Clamp | Border::Mirror) {
        return;
    }
    let (c, w, rx) = (plan.shape.channels, plan.shape.width, plan.rx);
    let pad = rx * c;
    for p in (0..rx).chain(rx + w..w + 2 * rx) {
        let from = plan.cols[p].expect("clamp and mirror map every position");
        line.copy_within(pad + from * c..pad + (from + 1) * c, p * c);
    }
}

/// Copies the samples the filter leaves alone: channels outside the mask, and with
/// `renormalize` the samples whose in-image weights sum to 0 (`scale` 0).
#[inline(always)]
fn copy_untouched<T: Sample>(
    plan: &Plan<'_>,
    src_row: &[T],
    out_row: &mut [T],
    scale: Option<&[f32]>,
) {
    let c = plan.shape.channels;
    let mask = plan.options.channel_mask;
    let all = (1u8 << c) - 1;
    if mask & all != all {
        for (s, (o, &x)) in out_row.iter_mut().zip(src_row).enumerate() {
            if mask & (1 << (s % c)) == 0 {
                *o = x;
            }
        }
    }
    if let Some(scale) = scale {
        for ((o, &x), &k) in out_row.iter_mut().zip(src_row).zip(scale) {
            if k == 0.0 {
                *o = x;
            }
        }
    }
}

/// Output rows `y0..` (as many as `out` holds) of a separable filter: each row combines the
/// source rows with `ky` into a padded float32 line, then the line's samples with `kx`.
#[inline(always)]
fn separable_band<T: Sample, const ROUND: bool>(
    plan: &Plan<'_>,
    kx: &[f32],
    ky: &[f32],
    src: &[T],
    out: &mut [T],
    y0: usize,
    abort: &AbortFlag,
) -> Result<(), Aborted> {
    let n = plan.shape.width * plan.shape.channels;
    let pad = plan.rx * plan.shape.channels;
    let mut line = vec![0.0f32; n + 2 * pad];
    let mut rows: Vec<Taps<'_, T>> = Vec::with_capacity(ky.len());
    for (k, out_row) in out.chunks_exact_mut(n).enumerate() {
        if k % POLL_ROWS == 0 {
            abort.check()?;
        }
        let y = y0 + k;
        let src_row = &src[y * n..(y + 1) * n];
        let scale = match &plan.renormalize {
            Renormalize::Separable { rows, .. } if rows[y] == 0.0 => {
                // No in-image vertical weight: every sample of the row is copied.
                out_row.copy_from_slice(src_row);
                continue;
            }
            Renormalize::Separable {
                columns,
                rows: row_scales,
                ..
            } => Some((columns.as_slice(), Some(row_scales[y]))),
            _ => None,
        };
        rows.clear();
        for (j, w) in ky.iter().enumerate() {
            if let Some(sy) = plan.rows[y + j] {
                rows.push((&src[sy * n..(sy + 1) * n], std::slice::from_ref(w)));
            }
        }
        filter_line::<T, f32, false>(&rows, 0, None, &mut line[pad..pad + n]);
        pad_line(&mut line, plan);
        filter_line::<f32, T, ROUND>(
            &[(line.as_slice(), kx)],
            plan.shape.channels,
            scale,
            out_row,
        );
        let copies = match &plan.renormalize {
            Renormalize::Separable {
                columns,
                columns_copy: true,
                ..
            } => Some(columns.as_slice()),
            _ => None,
        };
        copy_untouched(plan, src_row, out_row, copies);
    }
    Ok(())
}

/// Source rows widened to padded float32 lines, kept while nearby output rows still need them:
/// each source row is converted once per band instead of once per kernel row.
struct LineCache {
    /// (source row, the output row that last used it, its padded line).
    slots: Vec<(Option<usize>, usize, Vec<f32>)>,
}

impl LineCache {
    fn new(slots: usize, len: usize) -> Self {
        Self {
            slots: (0..slots).map(|_| (None, 0, vec![0.0; len])).collect(),
        }
    }

    /// The slot holding source row `sy`, filled if needed, marked used by output row `y`.
    #[inline(always)]
    fn slot<T: Sample>(&mut self, sy: usize, y: usize, src: &[T], plan: &Plan<'_>) -> usize {
        if let Some(i) = self.slots.iter().position(|s| s.0 == Some(sy)) {
            self.slots[i].1 = y;
            return i;
        }
        // Least recently used; never one this output row uses, since a row needs at most as
        // many distinct source rows as there are slots.
        let i = (0..self.slots.len())
            .min_by_key(|&i| (self.slots[i].0.is_some(), self.slots[i].1))
            .expect("at least one slot");
        let n = plan.shape.width * plan.shape.channels;
        let pad = plan.rx * plan.shape.channels;
        let line = &mut self.slots[i].2;
        for (d, x) in line[pad..pad + n]
            .iter_mut()
            .zip(&src[sy * n..(sy + 1) * n])
        {
            *d = x.to_f32();
        }
        pad_line(line, plan);
        self.slots[i].0 = Some(sy);
        self.slots[i].1 = y;
        i
    }
}

/// Output rows `y0..` of a 2D filter (`weights` row-major, `kw` wide).
#[inline(always)]
fn full_band<T: Sample, const ROUND: bool>(
    plan: &Plan<'_>,
    weights: &[f32],
    kw: usize,
    src: &[T],
    out: &mut [T],
    y0: usize,
    abort: &AbortFlag,
) -> Result<(), Aborted> {
    let kh = weights.len() / kw;
    let n = plan.shape.width * plan.shape.channels;
    let pad = plan.rx * plan.shape.channels;
    let mut cache = LineCache::new(kh, n + 2 * pad);
    let mut slot_of_tap_row = Vec::with_capacity(kh);
    for (k, out_row) in out.chunks_exact_mut(n).enumerate() {
        if k % POLL_ROWS == 0 {
            abort.check()?;
        }
        let y = y0 + k;
        slot_of_tap_row.clear();
        for j in 0..kh {
            if let Some(sy) = plan.rows[y + j] {
                slot_of_tap_row.push((j, cache.slot(sy, y, src, plan)));
            }
        }
        let rows: Vec<Taps<'_, f32>> = slot_of_tap_row
            .iter()
            .map(|&(j, slot)| {
                (
                    cache.slots[slot].2.as_slice(),
                    &weights[j * kw..(j + 1) * kw],
                )
            })
            .collect();
        let scale = match &plan.renormalize {
            Renormalize::Full(lines) => {
                let line = lines.line_of_row[y];
                Some((lines.lines[line].as_slice(), lines.has_copy[line]))
            }
            _ => None,
        };
        filter_line::<f32, T, ROUND>(
            &rows,
            plan.shape.channels,
            scale.map(|(line, _)| (line, None)),
            out_row,
        );
        let copies = scale.filter(|&(_, copy)| copy).map(|(line, _)| line);
        copy_untouched(plan, &src[y * n..(y + 1) * n], out_row, copies);
    }
    Ok(())
}

#[inline(always)]
fn band_body<T: Sample>(
    plan: &Plan<'_>,
    src: &[T],
    out: &mut [T],
    y0: usize,
    abort: &AbortFlag,
) -> Result<(), Aborted> {
    use super::Filter;
    let round = plan.options.rounding == Rounding::Round;
    let rows = out.len() / (plan.shape.width * plan.shape.channels).max(1);
    match (plan.filter, round) {
        (Filter::Separable { x, y }, true) => {
            separable_band::<T, true>(plan, x, y, src, out, y0, abort)
        }
        (Filter::Separable { x, y }, false) => {
            separable_band::<T, false>(plan, x, y, src, out, y0, abort)
        }
        (Filter::Full { width, weights, .. }, true) => {
            full_band::<T, true>(plan, weights, *width, src, out, y0, abort)
        }
        (Filter::Full { width, weights, .. }, false) => {
            full_band::<T, false>(plan, weights, *width, src, out, y0, abort)
        }
    }?;
    abort.advance(rows as u64);
    Ok(())
}

per_level!(
    /// Computes output rows `y0..y0 + out.len() / (width * channels)` with the code compiled for
    /// `level` (lowered to what the CPU supports). Every level gives the same bits.
    pub fn band<T: Sample>(plan: &Plan<'_>, src: &[T], out: &mut [T], y0: usize, abort: &AbortFlag) -> Result<(), Aborted> = band_body
);
