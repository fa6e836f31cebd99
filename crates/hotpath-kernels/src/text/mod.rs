//! The `text` family: a batch tokenizer. Pipeline per record:
//! normalize (NFKC | NFC | none) → case mapping (root lowercase | full case folding | none) →
//! normalize again (case mapping does not preserve normalization forms) → URL / e-mail detection
//! (see [`rules`]) → UAX #29 word segmentation keeping word-like segments → rules (length in code
//! points, stopwords, numbers).
//!
//! Records are UTF-8 bytes or UTF-16 units (see [`Record`]), invalid sequences and lone surrogates
//! decoding to U+FFFD as `TextDecoder` does. Batches run in parallel on the crate's pool.
mod case;
mod encode;
mod flat;
mod normalize;
mod prepare;
mod records;
pub mod rules;
mod runs;
mod segment;
mod vocabulary;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

pub use case::CaseMapping;
pub use encode::{Encoded, Encoding, fnv1a32, hash_id};
pub use flat::{FlatTokens, MAX_STRING_UNITS, utf16_len};
pub use normalize::Normalization;
pub use records::{Record, Utf16, split_records, utf16_records};
pub use rules::Special;
pub use segment::SegmenterKind;
pub use vocabulary::{UNKNOWN_ID, Vocabulary};

use crate::pool::Threads;
use crate::{AbortFlag, KernelError};

/// Records per parallel work item (and per abort check).
pub(crate) const CHUNK: usize = 256;

/// Tokenizer configuration. `Default` matches the JavaScript defaults.
#[derive(Clone, Debug)]
pub struct TokenizerOptions {
    pub normalize: Normalization,
    pub case: CaseMapping,
    pub segmenter: SegmenterKind,
    /// Minimum token length in code points (inclusive).
    pub min_length: usize,
    /// Maximum token length in code points (inclusive).
    pub max_length: Option<usize>,
    /// Tokens dropped after normalization and case mapping.
    pub stopwords: HashSet<String>,
    pub drop_numbers: bool,
    pub urls: Special,
    pub emails: Special,
}

impl Default for TokenizerOptions {
    fn default() -> Self {
        Self {
            normalize: Normalization::Nfkc,
            case: CaseMapping::Lower,
            segmenter: SegmenterKind::Uax29,
            min_length: 1,
            max_length: None,
            stopwords: HashSet::new(),
            drop_numbers: false,
            urls: Special::Off,
            emails: Special::Off,
        }
    }
}

/// An immutable tokenizer, cheap to share between threads.
pub struct Tokenizer {
    options: TokenizerOptions,
    segmenter: icu_segmenter::WordSegmenterBorrowed<'static>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("options", &self.options)
            .finish()
    }
}

impl Tokenizer {
    pub fn new(options: TokenizerOptions) -> Result<Self, KernelError> {
        if let Some(max) = options.max_length
            && max < options.min_length
        {
            return Err(KernelError::invalid(
                "options.maxLength",
                format!(">= options.minLength ({})", options.min_length),
                max.to_string(),
            ));
        }
        Ok(Self {
            segmenter: segment::segmenter(options.segmenter),
            options,
        })
    }

    pub fn options(&self) -> &TokenizerOptions {
        &self.options
    }

    /// Calls `f` with each token of `text`, in order.
    pub fn for_each_token(&self, text: &str, mut f: impl FnMut(&str)) {
        let o = &self.options;
        let prepared = prepare::prepare(o.normalize, o.case, text);
        let text: &str = &prepared;
        if o.urls == Special::Off && o.emails == Special::Off {
            segment::for_each_word(self.segmenter, text, |w| {
                if self.keep(w) {
                    f(w)
                }
            });
            return;
        }
        let bytes = text.as_bytes();
        let mut pending = 0;
        let mut i = 0;
        while i < bytes.len() {
            if rules::is_space(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && !rules::is_space(bytes[i]) {
                i += 1;
            }
            let (s, e) = rules::core(&text[start..i]);
            let (cs, ce) = (start + s, start + e);
            let core = &text[cs..ce];
            let action = if o.urls != Special::Off && rules::is_url(core) {
                &o.urls
            } else if o.emails != Special::Off && rules::is_email(core) {
                &o.emails
            } else {
                continue;
            };
            segment::for_each_word(self.segmenter, &text[pending..cs], |w| {
                if self.keep(w) {
                    f(w)
                }
            });
            pending = ce;
            // Detected tokens bypass the length, stopword and number rules.
            match action {
                Special::Keep => f(core),
                Special::Replace(p) => f(p),
                Special::Drop | Special::Off => {}
            }
        }
        segment::for_each_word(self.segmenter, &text[pending..], |w| {
            if self.keep(w) {
                f(w)
            }
        });
    }

    fn keep(&self, w: &str) -> bool {
        let o = &self.options;
        if o.min_length > 1 || o.max_length.is_some() {
            let n = w.chars().count();
            if n < o.min_length || o.max_length.is_some_and(|m| n > m) {
                return false;
            }
        }
        if o.drop_numbers && rules::is_number(w) {
            return false;
        }
        o.stopwords.is_empty() || !o.stopwords.contains(w)
    }

    pub fn tokenize(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_token(text, |t| out.push(t.to_owned()));
        out
    }

    /// Tokenizes each record.
    pub fn tokenize_batch<T: Record>(
        &self,
        records: &[T],
        threads: Threads,
        abort: &AbortFlag,
    ) -> Result<Vec<Vec<String>>, KernelError> {
        let parts = map_chunks(records, threads, abort, |chunk| {
            chunk
                .iter()
                .map(|r| self.tokenize(&r.text()))
                .collect::<Vec<_>>()
        })?;
        Ok(parts.into_iter().flatten().collect())
    }
}

/// Runs `f` over chunks of `CHUNK` records, in parallel when `threads` allows, checking `abort`
/// between chunks. Results are in record order.
pub(crate) fn map_chunks<T: Sync, R: Send>(
    records: &[T],
    threads: Threads,
    abort: &AbortFlag,
    f: impl Fn(&[T]) -> R + Sync,
) -> Result<Vec<R>, KernelError> {
    abort.begin(records.len() as u64);
    let run = |chunk: &[T]| -> Result<R, KernelError> {
        abort.check()?;
        let result = f(chunk);
        abort.advance(chunk.len() as u64);
        Ok(result)
    };
    #[cfg(feature = "parallel")]
    if crate::pool::parallel(threads, records.len(), CHUNK + 1) {
        let chunks: Vec<&[T]> = records.chunks(CHUNK).collect();
        return crate::pool::map_claimed(chunks.len(), |i| run(chunks[i]));
    }
    let _ = threads;
    records.chunks(CHUNK).map(run).collect()
}
