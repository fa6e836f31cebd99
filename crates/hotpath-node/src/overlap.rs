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
