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
        if icu4c_word_like(segment, it.is_word_like()) {
            f(segment);
        }
        start = end;
    }
}

/// Whether a segment is word-like as ICU4C (`Intl.Segmenter`) decides, given ICU4X's answer.
/// ICU4X 2.4's word type goes wrong in several ways (icu4x#8321: a segment after a skin-tone emoji
/// or a flag takes the previous segment's type; `_`, non-Han ideographs and the six letters that
/// are also pictographs are typed differently), while its boundaries agree. So outside the
/// dictionary scripts, whose types come from the dictionaries, the type is derived as ICU4C's
/// rules assign it: a segment is a word when it holds an ALetter, Hebrew_Letter, Numeric or
/// Katakana character or an ideograph, or two ExtendNumLet characters (`__`; one alone is not).
fn icu4c_word_like(segment: &str, icu4x: bool) -> bool {
    let word_break = CodePointMapData::<WordBreak>::new();
    let script = CodePointMapData::<Script>::new();
    let ideographic = CodePointSetData::new::<Ideographic>();
    let mut extend_num_let = 0;
    // ICU4C's status is that of the rule that ends the segment: a pictograph joined by ZWJ
    // (WB3c) has none, whatever came before (`a\u{200d}👩`).
    if segment.contains('\u{200d}') {
        let pictographs = CodePointSetData::new::<ExtendedPictographic>();
        let mut after_zwj = false;
        for c in segment.chars() {
            if after_zwj && pictographs.contains(c) && word_break.get(c) != WordBreak::ALetter {
                return false;
            }
            after_zwj = c == '\u{200d}';
        }
    }
    // Nor does an ExtendNumLet character with Extend or Format characters attached, at the end
    // (`a_\u{ad}`; `a_` alone is a word). Read from the end: usually one character.
    let attached = |c: char| {
        matches!(
            word_break.get(c),
            WordBreak::Extend | WordBreak::Format | WordBreak::ZWJ
        )
    };
    let mut from_end = segment.chars().rev();
    if from_end.next().is_some_and(attached)
        && from_end
            .find(|&c| !attached(c))
            .is_some_and(|c| word_break.get(c) == WordBreak::ExtendNumLet)
    {
        return false;
    }
    for c in segment.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                return true;
            }
            extend_num_let += usize::from(c == '_');
            continue;
        }
        // Hangul syllables too: ICU4C hands them to its CJK dictionary (jamo it does not).
        if ('\u{ac00}'..='\u{d7a3}').contains(&c)
            || matches!(
                script.get(c),
                Script::Han
                    | Script::Hiragana
                    | Script::Katakana
                    | Script::Thai
                    | Script::Lao
                    | Script::Khmer
                    | Script::Myanmar
                    | Script::TaiLe
                    | Script::NewTaiLue
                    | Script::TaiTham
                    | Script::TaiViet
                    | Script::Ahom
            )
        {
            return icu4x;
        }
        match word_break.get(c) {
            WordBreak::ALetter
            | WordBreak::HebrewLetter
            | WordBreak::Numeric
            | WordBreak::Katakana => return true,
            WordBreak::ExtendNumLet => extend_num_let += 1,
            _ if ideographic.contains(c)
                || matches!(
                    script.get(c),
                    Script::Tangut | Script::Nushu | Script::KhitanSmallScript
                ) =>
            {
                return true;
            }
            _ => {}
        }
    }
    extend_num_let >= 2
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
