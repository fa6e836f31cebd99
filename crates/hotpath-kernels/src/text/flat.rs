//! Tokens of a batch as one string plus boundaries. Handing JavaScript one string and two integer
//! arrays costs a few conversions per batch; creating a JavaScript string per token from native
//! code costs ~100 ns each, more than tokenizing it. The facade slices the string (V8 slices
//! share the parent's storage).
use super::{Record, Tokenizer, map_chunks};
use crate::pool::Threads;
use crate::{AbortFlag, KernelError};

/// Every token of every record, concatenated. Token `k` ends at UTF-16 offset `ends[k]` of
/// `text` (JavaScript string positions) and starts where token `k - 1` ends; record `i` has
/// `counts[i]` tokens.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlatTokens {
    pub text: String,
    pub ends: Vec<u32>,
    pub counts: Vec<u32>,
}

/// Length of `s` in UTF-16 code units: one per code point, two for those above U+FFFF (the
/// four-byte UTF-8 sequences).
pub fn utf16_len(s: &str) -> usize {
    let mut n = 0;
    for &b in s.as_bytes() {
        // Continuation bytes add nothing; lead bytes of 4-byte sequences add two.
        n += match b {
            0x80..=0xbf => 0,
            0xf0..=0xff => 2,
            _ => 1,
        };
    }
    n
}

impl Tokenizer {
    pub fn tokenize_flat<T: Record>(
        &self,
        records: &[T],
        threads: Threads,
        abort: &AbortFlag,
    ) -> Result<FlatTokens, KernelError> {
        let parts = map_chunks(records, threads, abort, |chunk| {
            let mut part = FlatTokens {
                counts: Vec::with_capacity(chunk.len()),
                ..FlatTokens::default()
            };
            let mut at = 0usize;
            for r in chunk {
                let before = part.ends.len();
                self.for_each_token(&r.text(), |t| {
                    part.text.push_str(t);
                    at += utf16_len(t);
                    // Chunk-local; rebased below. A chunk's text is far below 4 G units.
                    part.ends.push(at as u32);
                });
                part.counts.push((part.ends.len() - before) as u32);
            }
            (part, at)
        })?;
        let units: usize = parts.iter().map(|p| p.1).sum();
        if units > MAX_STRING_UNITS {
            return Err(KernelError::invalid(
                "input",
                format!(
                    "at most {MAX_STRING_UNITS} UTF-16 code units of tokens in one call (split the batch)"
                ),
                units.to_string(),
            ));
        }
        let mut out = FlatTokens {
            text: String::with_capacity(parts.iter().map(|p| p.0.text.len()).sum()),
            ends: Vec::with_capacity(parts.iter().map(|p| p.0.ends.len()).sum()),
            counts: Vec::with_capacity(records.len()),
        };
        let mut base = 0u32;
        for (part, len) in parts {
            out.text.push_str(&part.text);
            out.ends.extend(part.ends.iter().map(|e| e + base));
            out.counts.extend_from_slice(&part.counts);
            base += len as u32;
        }
        Ok(out)
    }
}

/// The longest string V8 can create on 64-bit platforms (`v8::String::kMaxLength`), 2^29 - 24.
pub const MAX_STRING_UNITS: usize = (1 << 29) - 24;
