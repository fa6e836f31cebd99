//! Cutting a record into ASCII and non-ASCII runs at places where a Unicode algorithm (case
//! mapping and normalization, or word segmentation) gives the same result on the pieces as on
//! the whole, so ASCII runs can take a byte loop and only the rest pays for ICU4X.

/// ASCII stretches shorter than this stay with the non-ASCII text around them: another ICU4X call
/// costs more than the byte loop saves on a word or two (mixed-script records measured 8% slower
/// when every ASCII word was cut out).
const MIN_ASCII_RUN: usize = 32;

/// Calls `run(piece, ascii)` for consecutive pieces of `text`, in order, cutting only before
/// positions `p` where `cut_before(bytes, p)` holds (it is only asked about positions inside ASCII
/// stretches). `ascii` says the piece is all ASCII: what lies between the first and the last cut
/// of an ASCII stretch, when that is at least `MIN_ASCII_RUN` long.
pub(crate) fn for_each_run<'t>(
    text: &'t str,
    cut_before: impl Fn(&[u8], usize) -> bool,
    mut run: impl FnMut(&'t str, bool),
) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    if bytes.is_ascii() {
        run(text, true);
        return;
    }
    // Mixed-script text switches between ASCII and not every few bytes; walking it stretch by
    // stretch cost 10% of the whole pipeline. Most of it has no long ASCII stretch at all.
    if !has_ascii_words(bytes, MIN_ASCII_RUN / 8 - 1) {
        run(text, false);
        return;
    }
    // Start of the text not yet passed to `run`.
    let mut done = 0;
    let mut a = 0;
    while a < n {
        // The ASCII stretch [a, b), then non-ASCII bytes up to the next stretch.
        let b = next_matching(bytes, a, false);
        if b - a >= MIN_ASCII_RUN {
            let from = if a == 0 {
                Some(0)
            } else {
                (a + 1..b).find(|&p| cut_before(bytes, p))
            };
            let to = if b == n {
                Some(n)
            } else {
                (a + 1..b).rev().find(|&p| cut_before(bytes, p))
            };
            if let (Some(from), Some(to)) = (from, to)
                && from < to
                && to - from >= MIN_ASCII_RUN
            {
                if from > done {
                    run(&text[done..from], false);
                }
                run(&text[from..to], true);
                done = to;
            }
        }
        a = if b == n {
            n
        } else {
            next_matching(bytes, b, true)
        };
    }
    if done < n {
        run(&text[done..], false);
    }
}

const HIGH: u64 = 0x8080_8080_8080_8080;

fn word_at(bytes: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(bytes[i..i + 8].try_into().expect("eight bytes"))
}

/// Whether `count` consecutive aligned eight-byte words of `bytes` are all ASCII: true for every
/// ASCII stretch of at least `8 * (count + 1)` bytes, whatever its alignment.
fn has_ascii_words(bytes: &[u8], count: usize) -> bool {
    let mut seen = 0;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        seen = if word_at(bytes, i) & HIGH == 0 {
            seen + 1
        } else {
            0
        };
        if seen == count {
            return true;
        }
        i += 8;
    }
    false
}

/// The first index from `from` whose byte is non-ASCII (`non_ascii == false`: skipping ASCII) or
/// ASCII (`non_ascii == true`: skipping the rest), or `bytes.len()`; eight bytes at a time.
fn next_matching(bytes: &[u8], from: usize, non_ascii: bool) -> usize {
    let skip_word = if non_ascii { HIGH } else { 0 };
    let mut i = from;
    while i + 8 <= bytes.len() && word_at(bytes, i) & HIGH == skip_word {
        i += 8;
    }
    while i < bytes.len() && (bytes[i] >= 0x80) == non_ascii {
        i += 1;
    }
    i
}
