//! Business rules applied after segmentation, and the URL / e-mail detection rule shared with the
//! TypeScript reference (src/text/reference.ts):
//!
//! The (normalized, case-mapped) text is split at ASCII whitespace (space, \t, \n, \v, \f, \r)
//! into chunks. From each chunk, leading characters in `([{<"'` and trailing characters in
//! `.,;:!?)]}>"'` are stripped. The rest is
//! - a URL when it starts with `http://`, `https://` or `www.` (ASCII, case-insensitive) and is
//!   longer than that prefix;
//! - an e-mail address when it is `local@domain` with `local` made of ASCII `[A-Za-z0-9._%+-]`
//!   (at least one), and `domain` of ASCII `[A-Za-z0-9-]` labels (at least one character each)
//!   joined by `.`, with at least two labels.
//!
//! A detected URL or e-mail is one token (`keep`), removed (`drop`) or replaced by the placeholder;
//! such tokens bypass the length, stopword and number rules. The stripped characters are
//! punctuation, which segmentation would not keep anyway. Text between detected chunks is
//! segmented normally.

/// What to do with a detected URL or e-mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Special {
    /// No detection: segmented like any other text.
    Off,
    Keep,
    Drop,
    Replace(String),
}

const LEAD: &[u8] = b"([{<\"'";
const TRAIL: &[u8] = b".,;:!?)]}>\"'";

pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Trims the lead/trail punctuation of a chunk: returns the byte range of the core.
pub(crate) fn core(chunk: &str) -> (usize, usize) {
    let b = chunk.as_bytes();
    let mut s = 0;
    let mut e = b.len();
    while s < e && LEAD.contains(&b[s]) {
        s += 1;
    }
    while e > s && TRAIL.contains(&b[e - 1]) {
        e -= 1;
    }
    (s, e)
}

pub(crate) fn is_url(s: &str) -> bool {
    let b = s.as_bytes();
    for p in [&b"http://"[..], b"https://", b"www."] {
        if b.len() > p.len() && b[..p.len()].eq_ignore_ascii_case(p) {
            return true;
        }
    }
    false
}

pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty()
        || !local
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"._%+-".contains(&c))
    {
        return false;
    }
    let mut labels = 0;
    for label in domain.split('.') {
        if label.is_empty()
            || !label
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-')
        {
            return false;
        }
        labels += 1;
    }
    labels >= 2
}

/// A token counts as a number when it has a numeric code point (general category N) and no
/// alphabetic one (`/\p{N}/u` and not `/\p{Alphabetic}/u` in the reference).
pub(crate) fn is_number(token: &str) -> bool {
    let mut numeric = false;
    for c in token.chars() {
        if c.is_alphabetic() {
            return false;
        }
        numeric |= c.is_numeric();
    }
    numeric
}
