//! Vocabulary: token → id with counts. Ids start at 1 in order of descending count, ties broken by
//! the tokens' code points (UTF-8 byte order is code point order), so a build is reproducible.
//! Id 0 ([`UNKNOWN_ID`]) is every token the vocabulary does not hold.
use std::collections::HashMap;

use super::{Record, Tokenizer, map_chunks};
use crate::pool::Threads;
use crate::{AbortFlag, KernelError};

pub const UNKNOWN_ID: u32 = 0;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vocabulary {
    /// `tokens[k]` has id `k + 1`.
    tokens: Vec<String>,
    counts: Vec<u64>,
    ids: HashMap<String, u32>,
}

impl Vocabulary {
    /// From tokens in id order (id 1 first) and their counts. Duplicates are an error.
    pub fn from_parts(tokens: Vec<String>, counts: Vec<u64>) -> Result<Self, KernelError> {
        if tokens.len() != counts.len() {
            return Err(KernelError::invalid(
                "counts",
                format!("as many counts as tokens ({})", tokens.len()),
                counts.len().to_string(),
            ));
        }
        if tokens.len() >= u32::MAX as usize {
            return Err(KernelError::invalid(
                "tokens",
                "fewer than 2^32 - 1 tokens",
                tokens.len().to_string(),
            ));
        }
        let mut ids = HashMap::with_capacity(tokens.len());
        for (k, t) in tokens.iter().enumerate() {
            if ids.insert(t.clone(), k as u32 + 1).is_some() {
                return Err(KernelError::invalid(
                    "tokens",
                    "distinct tokens",
                    format!("{t:?} twice"),
                ));
            }
        }
        Ok(Self {
            tokens,
            counts,
            ids,
        })
    }

    /// Number of tokens (the unknown id is not counted).
    pub fn size(&self) -> usize {
        self.tokens.len()
    }

    pub fn id(&self, token: &str) -> u32 {
        self.ids.get(token).copied().unwrap_or(UNKNOWN_ID)
    }

    pub fn token(&self, id: u32) -> Option<&str> {
        if id == UNKNOWN_ID {
            return None;
        }
        self.tokens.get(id as usize - 1).map(String::as_str)
    }

    pub fn count(&self, token: &str) -> u64 {
        self.ids
            .get(token)
            .map_or(0, |&id| self.counts[id as usize - 1])
    }

    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Keeps tokens counted at least `min_count` times, the `max_size` most frequent.
    pub fn from_counts(
        counts: HashMap<String, u64>,
        min_count: u64,
        max_size: Option<usize>,
    ) -> Self {
        let mut entries: Vec<(String, u64)> =
            counts.into_iter().filter(|e| e.1 >= min_count).collect();
        entries.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if let Some(m) = max_size {
            entries.truncate(m);
        }
        let (tokens, counts): (Vec<_>, Vec<_>) = entries.into_iter().unzip();
        // Tokens are distinct (they were map keys) and fewer than 2^32 in practice.
        let mut ids = HashMap::with_capacity(tokens.len());
        for (k, t) in tokens.iter().enumerate() {
            ids.insert(t.clone(), k as u32 + 1);
        }
        Self {
            tokens,
            counts,
            ids,
        }
    }
}

impl Tokenizer {
    /// Counts tokens over the records (in parallel) and builds a vocabulary.
    pub fn build_vocabulary<T: Record>(
        &self,
        records: &[T],
        min_count: u64,
        max_size: Option<usize>,
        threads: Threads,
        abort: &AbortFlag,
    ) -> Result<Vocabulary, KernelError> {
        let parts = map_chunks(records, threads, abort, |chunk| {
            let mut m: HashMap<String, u64> = HashMap::new();
            for r in chunk {
                let text = r.text();
                self.for_each_token(&text, |t| {
                    if let Some(c) = m.get_mut(t) {
                        *c += 1;
                    } else {
                        m.insert(t.to_owned(), 1);
                    }
                });
            }
            m
        })?;
        let mut total: HashMap<String, u64> = HashMap::new();
        for m in parts {
            abort.check()?;
            if total.is_empty() {
                total = m;
                continue;
            }
            for (t, c) in m {
                *total.entry(t).or_insert(0) += c;
            }
        }
        Ok(Vocabulary::from_counts(total, min_count.max(1), max_size))
    }
}
