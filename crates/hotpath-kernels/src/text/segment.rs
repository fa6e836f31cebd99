//! UAX #29 word segmentation, keeping the word-like segments (`Intl.Segmenter`'s `isWordLike`).
use icu_segmenter::WordSegmenterBorrowed;
use icu_segmenter::options::WordBreakInvariantOptions;

use icu_properties::props::{ExtendedPictographic, Ideographic, Script, WordBreak};
use icu_properties::{CodePointMapData, CodePointSetData};

use super::runs::for_each_run;

/// Which word segmenter to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmenterKind {
    /// UAX #29 rules only.
    Uax29,
    /// UAX #29 plus dictionary segmentation for Chinese, Japanese, Thai, Lao, Khmer, Myanmar.
    Auto,
}

pub(crate) fn segmenter(kind: SegmenterKind) -> WordSegmenterBorrowed<'static> {
    match kind {
        SegmenterKind::Uax29 => icu_segmenter::WordSegmenter::new_for_non_complex_scripts(
            WordBreakInvariantOptions::default(),
        ),
        // Dictionaries for every complex script, as ICU4C (`Intl.Segmenter`) uses: ICU4X's
        // `new_auto` segments Thai, Lao, Khmer and Myanmar with LSTM models instead, which
        // agreed with `Intl.Segmenter` on about a third of CLDR's strings in those scripts (see
        // docs/text.md, scripts/text-auto-agreement.mjs).
        SegmenterKind::Auto => {
            icu_segmenter::WordSegmenter::new_dictionary(WordBreakInvariantOptions::default())
        }
    }
}

/// Calls `f` with each word-like segment of `text`. The text is cut where UAX #29 breaks whatever
/// surrounds the cut (see [`certain_break_before`]); all-ASCII pieces are segmented by
/// [`ascii_words`], the rest by ICU4X (see [`for_each_run`]). The cuts change no
/// word-like segment, only how long runs of spaces are split (never word-like).
pub(crate) fn for_each_word<'t>(
    seg: WordSegmenterBorrowed<'static>,
    text: &'t str,
    mut f: impl FnMut(&'t str),
) {
    for_each_run(text, certain_break_before, |piece, ascii| {
        if ascii {
            ascii_words(piece, &mut f)
        } else {
            icu_words(seg, piece, &mut f)
        }
    });
}

/// Whether UAX #29 breaks before `bytes[p]` whatever comes before and after: the character
/// before is an ASCII one that no rule joins to a following ASCII character (a space, or
/// punctuation that is not MidLetter, MidNum, MidNumLet, Single_Quote or ExtendNumLet; CR only
/// when no LF follows), and the character after is ASCII, so not an Extend or Format character
/// that rule WB4 would attach to the one before.
fn certain_break_before(bytes: &[u8], p: usize) -> bool {
    let (before, after) = (bytes[p - 1], bytes[p]);
    before.is_ascii()
        && after.is_ascii()
        && !before.is_ascii_alphanumeric()
        && !matches!(before, b'\'' | b',' | b'.' | b':' | b';' | b'_')
        && !(before == b'\r' && after == b'\n')
}

/// The word-like segments of ASCII text by the UAX #29 rules that ASCII can meet: letters and
/// digits join (WB5, WB8-WB10), ExtendNumLet `_` joins both (WB13a, WB13b), and one MidLetter
/// (`:`), MidNum (`,` `;`), MidNumLet (`.`) or Single_Quote (`'`) between two letters, or one
/// MidNum, MidNumLet or Single_Quote between two digits, stays inside the word (WB6, WB7, WB11,
/// WB12). Every such segment is word-like except one `_` alone.
fn ascii_words<'t>(text: &'t str, f: &mut impl FnMut(&'t str)) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        if !is_word_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        loop {
            while i < n && is_word_byte(b[i]) {
                i += 1;
            }
            if i + 1 < n {
                let (l, m, r) = (b[i - 1], b[i], b[i + 1]);
                let letters = l.is_ascii_alphabetic()
                    && r.is_ascii_alphabetic()
                    && matches!(m, b':' | b'.' | b'\'');
                let digits = l.is_ascii_digit()
                    && r.is_ascii_digit()
                    && matches!(m, b',' | b';' | b'.' | b'\'');
                if letters || digits {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        // One `_` alone is not word-like (ICU4C; see `icu4c_word_like`); `__` is.
        if i - start > 1 || b[start] != b'_' {
            f(&text[start..i]);
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The word-like segments of `text` by ICU4X.
fn icu_words<'t>(seg: WordSegmenterBorrowed<'static>, text: &'t str, f: &mut impl FnMut(&'t str)) {
    let mut it = seg.segment_str(text);
    let mut start = match it.next() {
        Some(s) => s,
        None => return,
    };
    while let Some(end) = it.next() {
        let segment = &text[start..end];
        if icu4c_word_like(segment, it.is_word_like() || ends_like_a_word(seg, segment)) {
            f(segment);
        }
        start = end;
    }
}

/// ICU4X's word type where it differs from ICU4C's (`Intl.Segmenter`); the boundaries agree.
/// One ExtendNumLet character (`_`, `‿`, U+202F) alone is not word-like for ICU4C, which needs
/// two or a letter or digit beside it. An ideograph outside Han (Tangut, Nushu, Khitan Small
/// Script) alone is word-like (ideographic) for ICU4C, and so is any segment holding one of the
/// six letters that are also pictographs (`ℹ`, `Ⓜ`, `🅰`, `🅱`, `🅾`, `🅿`: ALetter for ICU4C,
/// which ICU4X 2.4 lets make the whole segment an emoji one: `a:Ⓜ`). Extend, Format and ZWJ
/// characters attached to a lone character do not change that; other segments keep `icu4x`.
fn icu4c_word_like(segment: &str, icu4x: bool) -> bool {
    let mut chars = segment.chars();
    let Some(first) = chars.next() else {
        return icu4x;
    };
    if icu4x && first.is_ascii_alphanumeric() {
        return true;
    }
    // Spaces and punctuation, the usual segments that are not words: nothing to correct.
    if !icu4x && segment.is_ascii() {
        return false;
    }
    let word_break = CodePointMapData::<WordBreak>::new();
    let attached = |c: char| {
        matches!(
            word_break.get(c),
            WordBreak::Extend | WordBreak::Format | WordBreak::ZWJ
        )
    };
    let pictograph_letter = |c: char| {
        word_break.get(c) == WordBreak::ALetter
            && CodePointSetData::new::<ExtendedPictographic>().contains(c)
    };
    let alone = chars.clone().all(attached);
    if icu4x {
        return !(alone && word_break.get(first) == WordBreak::ExtendNumLet);
    }
    if alone
        && (CodePointSetData::new::<Ideographic>().contains(first)
            || matches!(
                CodePointMapData::<Script>::new().get(first),
                Script::Tangut | Script::Nushu | Script::KhitanSmallScript
            ))
    {
        return true;
    }
    segment.chars().any(pictograph_letter)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn words(kind: SegmenterKind, text: &str, fast: bool) -> Vec<String> {
        let mut out = Vec::new();
        if fast {
            for_each_word(segmenter(kind), text, |w| out.push(w.to_owned()));
        } else {
            icu_words(segmenter(kind), text, &mut |w| out.push(w.to_owned()));
        }
        out
    }

    /// Every Word_Break class ASCII has, twice where runs matter, and non-ASCII characters that
    /// interact with ASCII: an accent (WB4), a letter, a digit, ZWJ, a pictograph, a soft hyphen,
    /// an ideograph and Thai (dictionary segmentation with the auto segmenter).
    const ALPHABET: &[char] = &[
        'a', 'B', 'z', '1', '0', ' ', ' ', '.', ',', ':', ';', '\'', '_', '-', '!', '"', '\n',
        '\r', '\t', '\u{b}', '\u{301}', 'é', '٣', '\u{200d}', '❤', '\u{ad}', '中', 'ก', 'ข',
        '\u{e31}', '🇯', '🇵',
    ];

    fn text(alphabet: &'static [char]) -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(alphabet), 0..28)
            .prop_map(|cs| cs.into_iter().collect())
    }

    /// Segments with something in them besides spaces, ASCII punctuation other than `_`, and the
    /// invisible characters: ICU4X 2.4 sometimes reports those as word-like when earlier text set
    /// a stale word type (`"é   \u{ad}a"` gave `"   \u{ad}"`), which a cut before them fixes.
    fn with_content(words: Vec<String>) -> Vec<String> {
        let invisible = |c: char| {
            c.is_whitespace()
                || matches!(c, '\u{ad}' | '\u{200d}' | '\u{301}')
                || (c.is_ascii_punctuation() && c != '_')
        };
        words
            .into_iter()
            .filter(|w| !w.chars().all(invisible))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6000))]
        #[test]
        fn ascii_rules_match_icu4x(s in text(&ALPHABET[..20]), auto in proptest::bool::ANY) {
            let kind = if auto { SegmenterKind::Auto } else { SegmenterKind::Uax29 };
            prop_assert_eq!(words(kind, &s, true), words(kind, &s, false), "{:?}", s);
        }

        #[test]
        fn cutting_at_certain_breaks_keeps_every_word(s in text(ALPHABET), auto in proptest::bool::ANY) {
            let kind = if auto { SegmenterKind::Auto } else { SegmenterKind::Uax29 };
            prop_assert_eq!(with_content(words(kind, &s, true)), with_content(words(kind, &s, false)), "{:?}", s);
        }
    }
}
