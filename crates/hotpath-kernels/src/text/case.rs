//! Case mapping: root-locale full lowercase (what `String.prototype.toLowerCase` does, including
//! final sigma) or full case folding (`ß` → `ss`).
use std::borrow::Cow;

use icu_casemap::CaseMapperBorrowed;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseMapping {
    None,
    Lower,
    Fold,
}

pub(crate) fn map_case(mapping: CaseMapping, text: &str) -> Cow<'_, str> {
    let cm = CaseMapperBorrowed::new();
    match mapping {
        CaseMapping::None => Cow::Borrowed(text),
        CaseMapping::Lower => {
            cm.lowercase_to_string(text, &icu_locale_core::LanguageIdentifier::UNKNOWN)
        }
        CaseMapping::Fold => cm.fold_string(text),
    }
}
