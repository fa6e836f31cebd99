//! Unicode normalization (ICU4X compiled data).
use std::borrow::Cow;

use icu_normalizer::ComposingNormalizerBorrowed;

/// Normalization form applied before and after case mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Normalization {
    Nfkc,
    Nfc,
    None,
}

pub(crate) fn normalize<'a>(form: Normalization, text: &'a str) -> Cow<'a, str> {
    match form {
        Normalization::Nfkc => ComposingNormalizerBorrowed::new_nfkc().normalize(text),
        Normalization::Nfc => ComposingNormalizerBorrowed::new_nfc().normalize(text),
        Normalization::None => Cow::Borrowed(text),
    }
}
