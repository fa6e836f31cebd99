//! Normalization and case mapping of a whole record, split where the result cannot depend on
//! the split: before every ASCII character that is neither cased nor case-ignorable (space,
//! digits, most punctuation). Before any ASCII character normalization has a boundary (ASCII is
//! never the second half of a composition and never reordered), and the Final_Sigma context of
//! lowercasing stops at a character that is neither cased nor case-ignorable, so each piece maps
//! as it would inside the whole text. All-ASCII pieces only need ASCII lowercasing (NFC and NFKC
//! leave ASCII alone); the rest go through ICU4X, consecutive ones in one call. In mixed text the
//! ASCII words then cost a byte loop instead of a normalization check, a case-mapping table
//! lookup per character and a second normalization check.
use std::borrow::Cow;

use super::case::{self, CaseMapping};
use super::normalize::{self, Normalization};
use super::runs::for_each_run;

/// `text` normalized, case-mapped, and normalized again (case mapping does not preserve
/// normalization forms), as one ICU4X pass over the whole text would give.
pub(crate) fn prepare(form: Normalization, case: CaseMapping, text: &str) -> Cow<'_, str> {
    if form == Normalization::None && case == CaseMapping::None {
        return Cow::Borrowed(text);
    }
    if text.is_ascii() {
        return ascii_case(case, text);
    }
    // One piece (the common case in mixed-script text) is returned as ICU4X gave it, uncopied.
    let mut whole: Option<Cow<'_, str>> = None;
    let mut out = String::new();
    for_each_run(
        text,
        |bytes, p| is_hard_boundary(bytes[p]),
        |piece, ascii| {
            let mapped = if ascii {
                ascii_case(case, piece)
            } else {
                full(form, case, piece)
            };
            if piece.len() == text.len() {
                whole = Some(mapped);
            } else {
                out.reserve(text.len() + text.len() / 8);
                out.push_str(&mapped);
            }
        },
    );
    whole.unwrap_or(Cow::Owned(out))
}

/// The ICU4X pipeline over `text` as one piece.
pub(crate) fn full(form: Normalization, case: CaseMapping, text: &str) -> Cow<'_, str> {
    let n1 = normalize::normalize(form, text);
    if case == CaseMapping::None {
        return n1;
    }
    let cased = match case::map_case(case, &n1) {
        // Nothing changed case: the text is still in normal form.
        Cow::Borrowed(_) => return n1,
        Cow::Owned(cased) => cased,
    };
    Cow::Owned(normalize::normalize(form, &cased).into_owned())
}

/// An ASCII character that is neither cased nor case-ignorable (`'`, `.`, `:`, `^` and `` ` ``
/// are case-ignorable).
fn is_hard_boundary(b: u8) -> bool {
    b.is_ascii() && !b.is_ascii_alphabetic() && !matches!(b, b'\'' | b'.' | b':' | b'^' | b'`')
}

/// Root lowercase and full case folding agree on ASCII: A-Z to a-z.
fn ascii_case(case: CaseMapping, text: &str) -> Cow<'_, str> {
    if case == CaseMapping::None || !text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Characters around which splitting could go wrong: every kind of ASCII (cased, case-ignorable,
    /// hard), sigmas (Final_Sigma context), combining marks that compose with ASCII letters and
    /// with `<`/`=` (`≮`, `≠`), compatibility characters that decompose to ASCII plus a mark
    /// (`´` is space + U+0301), characters whose lowercase or fold is not NFC (`İ`), `ß`, Hangul
    /// jamo that compose with each other, and case-ignorable non-ASCII (U+00B7, U+2019, U+00AD).
    const ALPHABET: &[char] = &[
        'a', 'Z', 'e', 'I', '\'', '.', ':', '^', '`', ' ', '1', ',', '-', '<', '=', '_', '\n', 'Σ',
        'σ', 'ς', 'Α', '\u{301}', '\u{308}', '\u{338}', '\u{345}', '´', '¨', 'ﬁ', 'Ｆ', '①', 'İ',
        'ß', 'ẞ', '\u{1100}', '\u{1161}', '\u{11A8}', '·', '’', '\u{AD}', 'ǅ', 'ﬃ', 'Ⅻ', 'й',
    ];

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET), 0..24)
            .prop_map(|cs| cs.into_iter().collect())
    }

    const FORMS: [Normalization; 3] =
        [Normalization::Nfkc, Normalization::Nfc, Normalization::None];
    const CASES: [CaseMapping; 3] = [CaseMapping::Lower, CaseMapping::Fold, CaseMapping::None];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn prepare_splits_where_the_result_cannot_change(s in text(), form in 0..3usize, case in 0..3usize) {
            let (form, case) = (FORMS[form], CASES[case]);
            let whole = if form == Normalization::None && case == CaseMapping::None { Cow::Borrowed(s.as_str()) } else { full(form, case, &s) };
            prop_assert_eq!(prepare(form, case, &s), whole);
        }
    }

    #[test]
    fn prepare_keeps_final_sigma_context_across_ascii() {
        for (input, want) in [
            ("ΑΣ a", "ας a"),
            ("ΑΣa", "ασa"),
            ("ΑΣ'a", "ασ'a"),
            ("a ΑΣ", "a ας"),
            ("ΑΣ.", "ας."),
        ] {
            assert_eq!(
                prepare(Normalization::Nfkc, CaseMapping::Lower, input),
                want,
                "{input}"
            );
        }
    }
}
