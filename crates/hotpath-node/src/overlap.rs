//! The one test for memory shared between two arrays of a call: a kernel must never read what it
//! writes, and two outputs must never alias.
use std::ops::Range;

/// The addresses of the bytes `values` occupies.
pub fn bytes_of<T>(values: &[T]) -> Range<usize> {
    let start = values.as_ptr() as usize;
    start..start + std::mem::size_of_val(values)
}

/// Whether two byte ranges share a byte; an empty range shares none.
pub fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    !a.is_empty() && !b.is_empty() && a.start < b.end && b.start < a.end
}

/// Whether any output shares a byte with an input or with another output, for calls with many
/// arrays (image batches): one sort and sweep instead of comparing every pair. Inputs may overlap
/// each other, since they are only read.
pub fn any_output_overlaps(
    inputs: impl Iterator<Item = Range<usize>>,
    outputs: impl Iterator<Item = Range<usize>>,
) -> bool {
    let mut ranges: Vec<(Range<usize>, bool)> = inputs
        .map(|r| (r, false))
        .chain(outputs.map(|r| (r, true)))
        .filter(|(r, _)| !r.is_empty())
        .collect();
    ranges.sort_by_key(|(r, _)| r.start);
    let (mut output_end, mut any_end) = (0, 0);
    for (r, is_output) in ranges {
        if r.start < output_end || (is_output && r.start < any_end) {
            return true;
        }
        any_end = any_end.max(r.end);
        if is_output {
            output_end = output_end.max(r.end);
        }
    }
    false
}
