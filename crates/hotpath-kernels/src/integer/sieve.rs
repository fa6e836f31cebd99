//! A segmented, multithreaded sieve of Eratosthenes on a mod-30 wheel.
//!
//! Layout: byte `k` of the sieve stands for the eight numbers `30k + w` with `w` in [`WHEEL`]
//! (the residues coprime to 30), one bit each; a set bit means "composite". Multiples of 2, 3
//! and 5 take no space, so a 64 KiB segment covers 1,966,080 numbers and the whole sieve for 1e8
//! is 3.3 MB.
//!
//! Per segment: the bits of the multiples of 7..=[`PRESIEVE_MAX`] are copied from precomputed
//! periodic patterns (pre-sieving); then each remaining sieving prime `p` crosses off its
//! multiples `p * q`, `q` coprime to 30. For a fixed residue of `q`, those multiples advance by
//! `30p`, which is exactly `p` bytes with the same bit, so one turn of the wheel (`q` from `30t+1`
//! to `30t+29`) writes eight bytes at offsets that depend only on `p`: the inner loop is unrolled
//! over those eight writes (as in primesieve's EratSmall), specialised per residue of `p` so the
//! bit masks are constants. Chunks of consecutive segments run in parallel on the crate's pool,
//! each with its own copy of the sieving state; the abort flag is polled between segments.
use crate::abort::{AbortFlag, Aborted};
use crate::score::Threads;
use std::sync::OnceLock;

/// Largest accepted limit: 2^32, so that every prime found fits in a `u32`.
pub const MAX_LIMIT: u64 = 1 << 32;

/// The residues modulo 30 that are coprime to 30, one per bit of a sieve byte.
pub const WHEEL: [u32; 8] = [1, 7, 11, 13, 17, 19, 23, 29];

/// Bytes per segment (1,966,080 numbers). On the reference machine (48 KiB L1d, 2 MiB L2 per
/// core) 64 KiB beat 32 KiB by 10-25% (fewer passes over the sieving primes per number) and
/// 128 KiB was slower (`examples/integer_speed.rs`).
const SEGMENT_BYTES: usize = 64 * 1024;

/// Primes up to this one are pre-sieved from patterns instead of being crossed off.
pub const PRESIEVE_MAX: u32 = 61;

/// Pre-sieved primes grouped so that each group's period (the product of its primes, in bytes)
/// stays small enough to be read from L1.
const PRESIEVE_GROUPS: [&[u32]; 7] = [
    &[7, 11, 13],
    &[17, 19],
    &[23, 29],
    &[31, 37],
    &[41, 43],
    &[47, 53],
    &[59, 61],
];

/// `BIT[r]` is the bit standing for residue `r` modulo 30, or 8 when `r` shares a factor with 30.
const BIT: [u8; 30] = {
    let mut bit = [8u8; 30];
    let mut j = 0;
    while j < 8 {
        bit[WHEEL[j] as usize] = j as u8;
        j += 1;
    }
    bit
};

/// For a prime `p = 30t + WHEEL[r]` and a multiplier `q = 30s + WHEEL[j]`, the multiple `p * q`
/// lies in byte `p*s + t*WHEEL[j] + CARRY[r][j]`, at bit `MASK[r][j]`.
const CARRY: [[u32; 8]; 8] = {
    let mut c = [[0u32; 8]; 8];
    let mut r = 0;
    while r < 8 {
        let mut j = 0;
        while j < 8 {
            c[r][j] = WHEEL[r] * WHEEL[j] / 30;
            j += 1;
        }
        r += 1;
    }
    c
};

const MASK: [[u8; 8]; 8] = {
    let mut m = [[0u8; 8]; 8];
    let mut r = 0;
    while r < 8 {
        let mut j = 0;
        while j < 8 {
            m[r][j] = 1 << BIT[(WHEEL[r] * WHEEL[j] % 30) as usize];
            j += 1;
        }
        r += 1;
    }
    m
};

/// One sieving prime and where its next multiple falls, relative to the current segment.
#[derive(Clone, Copy, Debug)]
struct Sieving {
    p: u32,
    /// Residue class of `p` (index into [`WHEEL`]).
    r: u8,
    /// Next wheel position (index into [`WHEEL`] of the multiplier's residue) to cross off.
    j: u8,
    /// Byte index of the current wheel turn (`p * s`), relative to the segment start. May be
    /// negative: the turn began in an earlier segment.
    base: i64,
}

impl Sieving {
    /// The state for `p` at the start of a chunk beginning at byte `start`: the first multiple
    /// `p * q` with `q >= p` (smaller ones were crossed off by smaller primes) and in the chunk.
    fn new(p: u32, start: u64) -> Self {
        let p64 = u64::from(p);
        let r = BIT[(p % 30) as usize];
        debug_assert!(r < 8, "sieving primes are coprime to 30");
        let first = (p64 * p64).max(30 * start);
        // Smallest multiplier q coprime to 30 with p * q >= first.
        let q_min = first.div_ceil(p64);
        let (mut s, rem) = (q_min / 30, (q_min % 30) as u32);
        let j = match WHEEL.iter().position(|&w| w >= rem) {
            Some(j) => j,
            None => {
                s += 1;
                0
            }
        };
        Sieving {
            p,
            r,
            j: j as u8,
            base: (p64 * s) as i64 - start as i64,
        }
    }
}

/// Crosses off the multiples of one prime (residue class `R`) inside `seg`, then moves its state
/// to the next segment.
#[inline(always)]
fn cross_off<const R: usize>(seg: &mut [u8], s: &mut Sieving) {
    let len = seg.len() as i64;
    let p = i64::from(s.p);
    let t = p / 30;
    let off: [i64; 8] = std::array::from_fn(|j| t * i64::from(WHEEL[j]) + i64::from(CARRY[R][j]));
    let mask = MASK[R];
    let mut i = s.base;
    let mut j = s.j as usize;
    if j != 0 {
        // Finish the wheel turn the previous segment started.
        while j < 8 {
            let k = i + off[j];
            if k >= len {
                s.base = i - len;
                s.j = j as u8;
                return;
            }
            seg[k as usize] |= mask[j];
            j += 1;
        }
        i += p;
    }
    // Whole turns: eight writes each. Offsets grow with j, so `i + off[7] < len` bounds them all,
    // and `i + off[0] >= 0` holds from here on (the state always points at a byte not yet behind
    // the segment start).
    debug_assert!(i + off[0] >= 0);
    let ptr = seg.as_mut_ptr();
    while i + off[7] < len {
        // SAFETY: 0 <= i + off[0] <= i + off[j] <= i + off[7] < len = seg.len() for every j
        // (offsets grow with j, and the state never points before the segment start), so each
        // write stays inside `seg`, which this function borrows mutably.
        unsafe {
            for j in 0..8 {
                *ptr.offset((i + off[j]) as isize) |= mask[j];
            }
        }
        i += p;
    }
    let mut j = 0;
    while i + off[j] < len {
        seg[(i + off[j]) as usize] |= mask[j];
        j += 1;
    }
    s.base = i - len;
    s.j = j as u8;
}

fn cross_off_all(seg: &mut [u8], primes: &mut [Sieving]) {
    for s in primes {
        match s.r {
            0 => cross_off::<0>(seg, s),
            1 => cross_off::<1>(seg, s),
            2 => cross_off::<2>(seg, s),
            3 => cross_off::<3>(seg, s),
            4 => cross_off::<4>(seg, s),
            5 => cross_off::<5>(seg, s),
            6 => cross_off::<6>(seg, s),
            _ => cross_off::<7>(seg, s),
        }
    }
}

/// The periodic bit patterns of the pre-sieved primes, one per group.
fn presieve_patterns() -> &'static [Vec<u8>] {
    static PATTERNS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        PRESIEVE_GROUPS
            .iter()
            .map(|group| {
                let period: u64 = group.iter().map(|&p| u64::from(p)).product();
                (0..period)
                    .map(|k| {
                        (0..8).fold(0u8, |byte, j| {
                            let n = 30 * k + u64::from(WHEEL[j]);
                            if group.iter().any(|&p| n.is_multiple_of(u64::from(p))) {
                                byte | 1 << j
                            } else {
                                byte
                            }
                        })
                    })
                    .collect()
            })
            .collect()
    })
}

/// Fills `seg` (starting at byte `start`) with the multiples of the pre-sieved primes.
fn presieve(seg: &mut [u8], start: u64) {
    for (g, pattern) in presieve_patterns().iter().enumerate() {
        let period = pattern.len();
        let mut from = (start % period as u64) as usize;
        let mut pos = 0;
        while pos < seg.len() {
            let n = (period - from).min(seg.len() - pos);
            let (dst, src) = (&mut seg[pos..pos + n], &pattern[from..from + n]);
            if g == 0 {
                dst.copy_from_slice(src);
            } else {
                dst.iter_mut().zip(src).for_each(|(d, s)| *d |= s);
            }
            pos += n;
            from = 0;
        }
    }
}

/// Primes `7 <= p <= sqrt(limit)` that are not pre-sieved, by a plain sieve (at most 65,536).
fn sieving_primes(limit: u64) -> Vec<u32> {
    let root = isqrt(limit) as usize;
    let mut composite = vec![false; root + 1];
    let mut out = Vec::new();
    for n in 2..=root {
        if !composite[n] {
            if n as u32 > PRESIEVE_MAX {
                out.push(n as u32);
            }
            let mut m = n * n;
            while m <= root {
                composite[m] = true;
                m += n;
            }
        }
    }
    out
}

/// Integer square root (floor) of `n <= 2^32`.
pub(crate) fn isqrt(n: u64) -> u64 {
    let mut r = (n as f64).sqrt() as u64;
    while r * r > n {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= n {
        r += 1;
    }
    r
}

/// Sieves the numbers coprime to 30 in `1..=limit` segment by segment, in parallel chunks, and
/// calls `visit(acc, segment, first_byte)` for each finished segment, where a clear bit marks a
/// prime (1 and everything above `limit` are marked). Each chunk's accumulator comes from
/// `make(first_byte, end_byte)`; they are returned in order.
fn sieve<T, M, V>(
    limit: u64,
    threads: Threads,
    abort: &AbortFlag,
    make: M,
    visit: V,
) -> Result<Vec<T>, Aborted>
where
    T: Send,
    M: Fn(u64, u64) -> T + Sync,
    V: Fn(&mut T, &[u8], u64) + Sync,
{
    sieve_in_segments(limit, SEGMENT_BYTES, threads, abort, make, visit)
}

/// [`sieve`] with a given segment size (tests use tiny ones to reach every boundary case).
fn sieve_in_segments<T, M, V>(
    limit: u64,
    segment_bytes: usize,
    threads: Threads,
    abort: &AbortFlag,
    make: M,
    visit: V,
) -> Result<Vec<T>, Aborted>
where
    T: Send,
    M: Fn(u64, u64) -> T + Sync,
    V: Fn(&mut T, &[u8], u64) + Sync,
{
    debug_assert!(limit <= MAX_LIMIT);
    if limit < 7 {
        return Ok(Vec::new());
    }
    let bytes = limit / 30 + 1;
    let primes = sieving_primes(limit);
    let segments = bytes.div_ceil(segment_bytes as u64);
    // Progress in sieve bytes (30 numbers each).
    abort.begin(bytes);
    let parallel = crate::pool::parallel(threads, 1, 1);
    let threads = if parallel {
        crate::pool::threads() as u64
    } else {
        1
    };
    // Several chunks per thread so rayon can balance them, each of whole segments.
    let per_chunk = segments.div_ceil(threads * 8).max(1);
    let chunks = segments.div_ceil(per_chunk);
    let run_chunk = |c: u64| -> Result<T, Aborted> {
        let first = c * per_chunk * segment_bytes as u64;
        let last = ((c + 1) * per_chunk * segment_bytes as u64).min(bytes);
        let mut acc = make(first, last);
        let mut state: Vec<Sieving> = primes.iter().map(|&p| Sieving::new(p, first)).collect();
        let mut seg = vec![0u8; segment_bytes];
        let mut start = first;
        while start < last {
            abort.check()?;
            let len = (last - start).min(segment_bytes as u64) as usize;
            let seg = &mut seg[..len];
            presieve(seg, start);
            cross_off_all(seg, &mut state);
            if start == 0 {
                // 1 is not prime.
                seg[0] |= 1;
            }
            if start < PRESIEVED_BYTES {
                // The pre-sieved primes are, though their patterns mark them.
                for &p in presieved_primes() {
                    let k = u64::from(p / 30);
                    if k >= start && k < start + len as u64 && u64::from(p) <= limit {
                        seg[(k - start) as usize] &= !(1 << BIT[(p % 30) as usize]);
                    }
                }
            }
            if start + len as u64 == bytes {
                // Numbers above the limit in the last byte.
                let k = bytes - 1;
                for (j, &w) in WHEEL.iter().enumerate() {
                    if 30 * k + u64::from(w) > limit {
                        seg[len - 1] |= 1 << j;
                    }
                }
            }
            visit(&mut acc, seg, start);
            abort.advance(len as u64);
            start += len as u64;
        }
        Ok(acc)
    };
    #[cfg(feature = "parallel")]
    if parallel && chunks > 1 {
        return crate::pool::map_claimed(chunks as usize, |c| run_chunk(c as u64));
    }
    (0..chunks).map(run_chunk).collect()
}

/// Bytes holding the pre-sieved primes.
const PRESIEVED_BYTES: u64 = PRESIEVE_MAX as u64 / 30 + 1;

fn presieved_primes() -> impl Iterator<Item = &'static u32> {
    PRESIEVE_GROUPS.iter().flat_map(|group| group.iter())
}

/// Count of 2, 3 and 5 that are `<= limit`.
fn wheel_primes(limit: u64) -> impl Iterator<Item = u32> {
    [2u32, 3, 5]
        .into_iter()
        .filter(move |&p| u64::from(p) <= limit)
}

/// Number of primes `<= limit` (`limit <= 2^32`).
pub fn count_primes(limit: u64, threads: Threads, abort: &AbortFlag) -> Result<u64, Aborted> {
    let counts = sieve(
        limit,
        threads,
        abort,
        |_, _| 0u64,
        |acc, seg, _| *acc += count_clear_bits(seg),
    )?;
    Ok(wheel_primes(limit).count() as u64 + counts.iter().sum::<u64>())
}

/// Clear bits in `seg` (primes), eight bytes at a time.
fn count_clear_bits(seg: &[u8]) -> u64 {
    let words = seg.chunks_exact(8);
    let tail: u64 = words
        .remainder()
        .iter()
        .map(|b| u64::from(b.count_zeros()))
        .sum();
    tail + words
        .map(|w| u64::from(u64::from_le_bytes(w.try_into().expect("8 bytes")).count_zeros()))
        .sum::<u64>()
}

/// The primes `<= limit` (`limit <= 2^32`) in increasing order.
///
/// Two passes, so the output is allocated once at its exact size and written in parallel: the
/// chunks sieve and keep their bits (one byte per 30 numbers: 3.3 MB for 1e8) with their prime
/// counts; then each chunk decodes its bits into its own slice of the output.
pub fn primes(limit: u64, threads: Threads, abort: &AbortFlag) -> Result<Vec<u32>, Aborted> {
    struct Chunk {
        first: u64,
        bits: Vec<u8>,
        count: usize,
    }
    // Progress counts the sieve's bytes twice: sieved (in `sieve`), then decoded below, which is
    // most of the time for large limits.
    if limit >= 7 {
        abort.begin(limit / 30 + 1);
    }
    let chunks = sieve(
        limit,
        threads,
        abort,
        |first, end| Chunk {
            first,
            bits: Vec::with_capacity((end - first) as usize),
            count: 0,
        },
        |chunk, seg, _| {
            chunk.bits.extend_from_slice(seg);
            chunk.count += count_clear_bits(seg) as usize;
        },
    )?;
    let small: Vec<u32> = wheel_primes(limit).collect();
    let total = small.len() + chunks.iter().map(|c| c.count).sum::<usize>();
    let mut out = vec![0u32; total];
    let (head, mut rest) = out.split_at_mut(small.len());
    head.copy_from_slice(&small);
    let mut jobs = Vec::with_capacity(chunks.len());
    for chunk in &chunks {
        let (part, tail) = rest.split_at_mut(chunk.count);
        jobs.push((chunk, part));
        rest = tail;
    }
    let decode = |(chunk, part): (&Chunk, &mut [u32])| -> Result<(), Aborted> {
        abort.check()?;
        write_primes(&chunk.bits, chunk.first, part);
        abort.advance(chunk.bits.len() as u64);
        Ok(())
    };
    #[cfg(feature = "parallel")]
    if crate::pool::parallel(threads, jobs.len(), 2) {
        crate::pool::for_each_claimed(jobs, decode)?;
        return Ok(out);
    }
    jobs.into_iter().try_for_each(decode)?;
    Ok(out)
}

/// `NUMBER[b]`: the offset from a word's first number of the number that bit `b` of a 64-bit word
/// stands for (`NUMBER[64]` is a placeholder read by the branch-free decoder for empty words).
const NUMBER: [u32; 65] = {
    let mut t = [0u32; 65];
    let mut b = 0;
    while b < 64 {
        t[b] = 30 * (b as u32 / 8) + WHEEL[b % 8];
        b += 1;
    }
    t
};

/// Writes the numbers whose bits are clear in `bits` (which starts at byte `start`) into `out`,
/// which has exactly one slot per clear bit.
///
/// Most words are decoded eight numbers at a time without a data-dependent branch per number:
/// the loop runs popcount rounded up to 8 times and the surplus writes land beyond this word's
/// numbers, where the next word overwrites them (kept at least 64 slots from the end of `out`).
fn write_primes(bits: &[u8], start: u64, out: &mut [u32]) {
    let mut n = 0;
    let mut base = 30 * start;
    let words = bits.chunks_exact(8);
    let tail = words.remainder();
    for w in words {
        let mut set = !u64::from_le_bytes(w.try_into().expect("8 bytes"));
        let count = set.count_ones() as usize;
        // Values fit in u32: every number is <= limit <= 2^32, and the surplus values are never
        // kept (they may wrap, harmlessly).
        let word_base = base as u32;
        if let Some(dst) = out.get_mut(n..n + 64) {
            let dst: &mut [u32; 64] = dst.try_into().expect("64 slots");
            let mut k = 0;
            while k < count {
                for _ in 0..8 {
                    dst[k & 63] = word_base.wrapping_add(NUMBER[set.trailing_zeros() as usize]);
                    set &= set.wrapping_sub(1);
                    k += 1;
                }
            }
        } else {
            while set != 0 {
                out[n + (count - set.count_ones() as usize)] =
                    word_base.wrapping_add(NUMBER[set.trailing_zeros() as usize]);
                set &= set - 1;
            }
        }
        n += count;
        base += 240;
    }
    for &byte in tail {
        let mut set = !byte;
        while set != 0 {
            let b = set.trailing_zeros();
            out[n] = (base + u64::from(WHEEL[b as usize])) as u32;
            n += 1;
            set &= set - 1;
        }
        base += 30;
    }
    debug_assert_eq!(n, out.len());
}

/// [`primes`] with a given segment size, for tests.
#[cfg(test)]
pub(crate) fn primes_with_segment(limit: u64, segment_bytes: usize) -> Vec<u32> {
    let parts = sieve_in_segments(
        limit,
        segment_bytes,
        Threads::Auto,
        &AbortFlag::new(),
        |_, _| Vec::new(),
        |out: &mut Vec<u32>, seg, start| {
            let mut part = vec![0; count_clear_bits(seg) as usize];
            write_primes(seg, start, &mut part);
            out.extend(part);
        },
    )
    .unwrap();
    wheel_primes(limit)
        .chain(parts.into_iter().flatten())
        .collect()
}
