//! What a batch is made of. Records arrive as UTF-8 bytes (a file's contents, split at newlines)
//! or as UTF-16 code units (JavaScript strings, copied once); both decode lossily, invalid UTF-8
//! and lone surrogates becoming U+FFFD, as `TextDecoder` and `TextEncoder` do.
use std::borrow::Cow;

use crate::KernelError;

/// One record of a batch.
pub trait Record: Sync {
    fn text(&self) -> Cow<'_, str>;
}

impl Record for &[u8] {
    fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self)
    }
}

impl Record for Vec<u8> {
    fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self)
    }
}

impl Record for &str {
    fn text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl Record for String {
    fn text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

/// A record held as UTF-16 code units.
#[derive(Clone, Copy, Debug)]
pub struct Utf16<'a>(pub &'a [u16]);

impl Record for Utf16<'_> {
    fn text(&self) -> Cow<'_, str> {
        Cow::Owned(String::from_utf16_lossy(self.0))
    }
}

/// Splits `units` (records joined without separators) into records of the given lengths.
pub fn utf16_records<'a>(units: &'a [u16], lengths: &[u32]) -> Result<Vec<Utf16<'a>>, KernelError> {
    let total: u64 = lengths.iter().map(|&l| u64::from(l)).sum();
    if total != units.len() as u64 {
        return Err(KernelError::invalid(
            "lengths",
            format!("lengths adding up to the text's {} code units", units.len()),
            total.to_string(),
        ));
    }
    let mut out = Vec::with_capacity(lengths.len());
    let mut at = 0;
    for &l in lengths {
        let end = at + l as usize;
        out.push(Utf16(&units[at..end]));
        at = end;
    }
    Ok(out)
}

/// Splits newline-separated records: `\n` or `\r\n` ends a record; a final newline does not start
/// an empty record; empty input has no records.
pub fn split_records(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = Vec::new();
    if bytes.is_empty() {
        return out;
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    for line in body.split(|&b| b == b'\n') {
        out.push(line.strip_suffix(b"\r").unwrap_or(line));
    }
    out
}
