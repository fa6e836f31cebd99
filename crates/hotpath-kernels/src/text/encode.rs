//! Token ids: feature hashing or vocabulary lookup, flat `ids` + `offsets` output.
use super::{Record, Tokenizer, Vocabulary, map_chunks};
use crate::pool::Threads;
use crate::{AbortFlag, KernelError};

/// FNV-1a, 32 bits, over the token's UTF-8 bytes (offset basis 0x811c9dc5, prime 0x01000193).
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The feature-hashing id: the low `bits` bits of FNV-1a 32 (`bits` in 1..=32).
pub fn hash_id(token: &str, bits: u32) -> u32 {
    let h = fnv1a32(token.as_bytes());
    if bits >= 32 {
        h
    } else {
        h & ((1u32 << bits) - 1)
    }
}

/// How tokens become ids.
#[derive(Clone, Copy, Debug)]
pub enum Encoding<'v> {
    Hash(u32),
    Vocabulary(&'v Vocabulary),
}

/// Record `i`'s ids are `ids[offsets[i]..offsets[i + 1]]`; `offsets.len() == records + 1`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    pub offsets: Vec<u32>,
}

impl Tokenizer {
    pub fn encode_batch<T: Record>(
        &self,
        records: &[T],
        encoding: Encoding<'_>,
        threads: Threads,
        abort: &AbortFlag,
    ) -> Result<Encoded, KernelError> {
        if let Encoding::Hash(bits) = encoding
            && !(1..=32).contains(&bits)
        {
            return Err(KernelError::invalid(
                "hashBits",
                "an integer from 1 to 32",
                bits.to_string(),
            ));
        }
        let parts = map_chunks(records, threads, abort, |chunk| {
            let mut ids = Vec::new();
            let mut lens = Vec::with_capacity(chunk.len());
            for r in chunk {
                let before = ids.len();
                let text = r.text();
                self.for_each_token(&text, |t| {
                    ids.push(match encoding {
                        Encoding::Hash(bits) => hash_id(t, bits),
                        Encoding::Vocabulary(v) => v.id(t),
                    })
                });
                lens.push(ids.len() - before);
            }
            (ids, lens)
        })?;
        let total: usize = parts.iter().map(|p| p.0.len()).sum();
        if u32::try_from(total).is_err() {
            return Err(KernelError::invalid(
                "input",
                "at most 2^32 - 1 tokens in one call",
                total.to_string(),
            ));
        }
        let mut out = Encoded {
            ids: Vec::with_capacity(total),
            offsets: Vec::with_capacity(records.len() + 1),
        };
        out.offsets.push(0);
        for (ids, lens) in parts {
            out.ids.extend_from_slice(&ids);
            let mut at = *out.offsets.last().unwrap_or(&0);
            for l in lens {
                at += l as u32;
                out.offsets.push(at);
            }
        }
        Ok(out)
    }
}
