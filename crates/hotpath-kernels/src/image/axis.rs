//! Where each tap reads along one axis (the border modes), and the `renormalize` scales: which
//! in-image weights a position sees, and float32(1 / their float64 sum).
use std::collections::HashMap;

/// What a tap that falls outside the image reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Border {
    /// Nothing: the sum covers the in-image taps only and is divided by their weights' sum (the
    /// source sample is copied when that sum is 0).
    Renormalize,
    /// The nearest edge sample.
    Clamp,
    /// The image reflected about its edge samples, which are not repeated (…2 1 | 0 1 2 …).
    Mirror,
    /// Zero.
    Zero,
}

/// The source position read for position `p` of an axis of `n` samples, `None` when the tap
/// contributes nothing. Mirroring is periodic, so any offset is defined; a 1-sample axis reads
/// its only sample.
pub fn border_index(p: isize, n: usize, border: Border) -> Option<usize> {
    let last = n as isize - 1;
    if (0..=last).contains(&p) {
        return Some(p as usize);
    }
    match border {
        Border::Clamp => Some(p.clamp(0, last) as usize),
        Border::Mirror => {
            if n == 1 {
                return Some(0);
            }
            let period = 2 * last;
            let m = p.rem_euclid(period);
            Some(if m <= last { m } else { period - m } as usize)
        }
        Border::Renormalize | Border::Zero => None,
    }
}

/// `map[p + r]` = `border_index(p)` for p in -r..n+r.
pub fn axis_map(n: usize, r: usize, border: Border) -> Vec<Option<usize>> {
    (-(r as isize)..(n + r) as isize)
        .map(|p| border_index(p, n, border))
        .collect()
}

/// The taps `lo..=hi` of a kernel of radius `r` that fall inside an axis of `n` samples at `p`.
pub fn in_image_taps(p: usize, n: usize, r: usize, len: usize) -> (usize, usize) {
    (r.saturating_sub(p), (len - 1).min(n - 1 - p + r))
}

/// float32(1 / s), with 0 standing for "s is 0: copy the source".
fn reciprocal(s: f64) -> f32 {
    if s == 0.0 { 0.0 } else { (1.0 / s) as f32 }
}

/// Float64 sum of `weights`, in order: the order the reference uses.
fn sum(weights: &[f32]) -> f64 {
    weights.iter().fold(0.0, |s, &w| s + w as f64)
}

/// For each position of an axis, float32(1 / Σ in-image weights of a 1D kernel), 0 when that sum
/// is 0.
pub fn axis_scales(weights: &[f32], n: usize) -> Vec<f32> {
    let r = (weights.len() - 1) / 2;
    (0..n)
        .map(|p| {
            let (lo, hi) = in_image_taps(p, n, r, weights.len());
            reciprocal(sum(&weights[lo..=hi]))
        })
        .collect()
}

/// The `renormalize` scales of a 2D kernel: rows with the same in-image kernel rows share one
/// per-sample scale line (0 = copy the source); only rows near the top and bottom edges differ.
pub struct ScaleLines {
    /// Index into `lines` for each image row.
    pub line_of_row: Vec<usize>,
    /// Per-sample scales, `width * channels` each.
    pub lines: Vec<Vec<f32>>,
    /// Whether a line holds a 0 (some sample is copied).
    pub has_copy: Vec<bool>,
}

impl ScaleLines {
    pub fn new(
        weights: &[f32],
        kernel_width: usize,
        kernel_height: usize,
        width: usize,
        height: usize,
        channels: usize,
    ) -> Self {
        let (rx, ry) = ((kernel_width - 1) / 2, (kernel_height - 1) / 2);
        let mut keys: HashMap<(usize, usize), usize> = HashMap::new();
        let mut line_of_row = Vec::with_capacity(height);
        let mut lines: Vec<Vec<f32>> = Vec::new();
        for y in 0..height {
            let rows = in_image_taps(y, height, ry, kernel_height);
            let index = *keys.entry(rows).or_insert_with(|| {
                // Columns with the same in-image kernel columns share a sum.
                let mut by_columns: HashMap<(usize, usize), f32> = HashMap::new();
                let mut line = Vec::with_capacity(width * channels);
                for x in 0..width {
                    let cols = in_image_taps(x, width, rx, kernel_width);
                    let scale = *by_columns.entry(cols).or_insert_with(|| {
                        let mut s = 0.0f64;
                        for j in rows.0..=rows.1 {
                            let row = &weights[j * kernel_width..(j + 1) * kernel_width];
                            for &w in &row[cols.0..=cols.1] {
                                s += w as f64;
                            }
                        }
                        reciprocal(s)
                    });
                    line.extend(std::iter::repeat_n(scale, channels));
                }
                lines.push(line);
                lines.len() - 1
            });
            line_of_row.push(index);
        }
        let has_copy = lines.iter().map(|l| l.contains(&0.0)).collect();
        Self {
            line_of_row,
            lines,
            has_copy,
        }
    }
}
