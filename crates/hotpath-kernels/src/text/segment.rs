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
        let segment = &text[start..end];
        if it.is_word_like() || ends_like_a_word(seg, segment) {
            f(segment);
        }
        start = end;
    }
}

/// ICU4X 2.4 reports a segment ending in Extend, Format or ZWJ characters (a decomposed accent,
/// a Devanagari vowel sign or virama, a soft hyphen, a joiner) as not word-like when more text
/// follows (`"नमस्ते!"` gave no word), where UAX #29 and `Intl.Segmenter` give the status of the
/// character those attach to (rule WB4). Those characters are all non-ASCII, so only segments
/// ending in a non-ASCII character are asked again: without their last one to four characters,
/// alone, is the rest one word-like segment? (Bounded, so a run of a million combining marks
/// costs a few passes, not a million.)
fn ends_like_a_word(seg: WordSegmenterBorrowed<'static>, segment: &str) -> bool {
    let mut rest = segment;
    for _ in 0..4 {
        match rest.char_indices().next_back() {
            Some((i, c)) if !c.is_ascii() && i > 0 => rest = &segment[..i],
            _ => return false,
        }
        let mut it = seg.segment_str(rest);
        it.next();
        if it.next() == Some(rest.len()) && it.is_word_like() {
            return true;
        }
    }
    false
}
