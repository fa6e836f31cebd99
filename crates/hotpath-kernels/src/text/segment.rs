//! UAX #29 word segmentation, keeping the word-like segments (`Intl.Segmenter`'s `isWordLike`).
use icu_segmenter::WordSegmenterBorrowed;
use icu_segmenter::options::WordBreakInvariantOptions;

/// Which word segmenter to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmenterKind {
    /// UAX #29 rules only.
    Uax29,
    /// UAX #29 plus dictionary/LSTM segmentation for Chinese, Japanese, Thai, Lao, Khmer, Myanmar.
    Auto,
}

pub(crate) fn segmenter(kind: SegmenterKind) -> WordSegmenterBorrowed<'static> {
    match kind {
        SegmenterKind::Uax29 => icu_segmenter::WordSegmenter::new_for_non_complex_scripts(
            WordBreakInvariantOptions::default(),
        ),
        SegmenterKind::Auto => {
            icu_segmenter::WordSegmenter::new_auto(WordBreakInvariantOptions::default())
        }
    }
}

/// Calls `f` with each word-like segment of `text`.
pub(crate) fn for_each_word<'t>(
    seg: WordSegmenterBorrowed<'static>,
    text: &'t str,
    mut f: impl FnMut(&'t str),
) {
    let mut it = seg.segment_str(text);
    let mut start = match it.next() {
        Some(s) => s,
        None => return,
    };
    while let Some(end) = it.next() {
        if it.is_word_like() {
            f(&text[start..end]);
        }
        start = end;
    }
}
