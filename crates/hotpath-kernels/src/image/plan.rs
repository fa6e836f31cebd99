//! Everything about one convolution that does not change from row to row: the border maps and
//! the `renormalize` scales, computed once per image.
use super::axis::{Border, ScaleLines, axis_map, axis_scales};
use super::{Filter, Options, Shape};

/// The `renormalize` scales, 0 meaning "copy the source sample".
pub enum Renormalize {
    /// Another border mode: no scaling.
    None,
    /// A 2D filter: one scale per sample, by row.
    Full(ScaleLines),
    /// A separable filter: sums are scaled by `columns[sample]`, then by `rows[y]`.
    Separable {
        columns: Vec<f32>,
        /// Whether some column scale is 0.
        columns_copy: bool,
        rows: Vec<f32>,
    },
}

pub struct Plan<'a> {
    pub filter: &'a Filter<'a>,
    pub shape: Shape,
    pub options: Options,
    /// Kernel radius across.
    pub rx: usize,
    /// `cols[x + rx]`: the source column tap position x reads (x in -rx..width+rx).
    pub cols: Vec<Option<usize>>,
    /// `rows[y + ry]`: the source row tap position y reads.
    pub rows: Vec<Option<usize>>,
    pub renormalize: Renormalize,
}

impl<'a> Plan<'a> {
    pub fn new(filter: &'a Filter<'a>, shape: Shape, options: Options) -> Self {
        let (kw, kh) = filter.size();
        let (rx, ry) = ((kw - 1) / 2, (kh - 1) / 2);
        let renormalize = match (options.border, filter) {
            (Border::Renormalize, Filter::Full { width, weights, .. }) => {
                Renormalize::Full(ScaleLines::new(
                    weights,
                    *width,
                    kh,
                    shape.width,
                    shape.height,
                    shape.channels,
                ))
            }
            (Border::Renormalize, Filter::Separable { x, y }) => {
                let columns: Vec<f32> = axis_scales(x, shape.width)
                    .into_iter()
                    .flat_map(|s| std::iter::repeat_n(s, shape.channels))
                    .collect();
                Renormalize::Separable {
                    columns_copy: columns.contains(&0.0),
                    columns,
                    rows: axis_scales(y, shape.height),
                }
            }
            _ => Renormalize::None,
        };
        Self {
            filter,
            shape,
            options,
            rx,
            cols: axis_map(shape.width, rx, options.border),
            rows: axis_map(shape.height, ry, options.border),
            renormalize,
        }
    }
}
