//! Runtime CPU-feature detection. The shipped binary is built for baseline x86_64 (no
//! `target-cpu`), so wider instruction sets are only used after the CPU says it has them.

/// An instruction-set level a kernel can be compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SimdLevel {
    /// Portable code for the baseline target (SSE2 on x86_64, NEON on aarch64).
    Baseline,
    /// x86_64 AVX2 + FMA.
    Avx2,
    /// x86_64 AVX-512 F/DQ/VL.
    Avx512,
}

impl SimdLevel {
    pub fn name(self) -> &'static str {
        match self {
            // Advanced SIMD (NEON) is part of every aarch64 CPU and of the baseline target, so the
            // portable bodies are compiled to NEON there: the name says which instructions run.
            Self::Baseline if cfg!(target_arch = "aarch64") => "neon",
            Self::Baseline => "baseline",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
        }
    }

    /// Whether this CPU can run code compiled for `self`.
    pub fn is_supported(self) -> bool {
        match self {
            Self::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Self::Avx2 => {
                std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
            }
            #[cfg(target_arch = "x86_64")]
            Self::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && Self::Avx2.is_supported()
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The best level this CPU supports, lowered by `HOTPATH_SIMD` (baseline, avx2 or avx512) when
    /// set, which benchmarks and bug reports use to compare paths. Detected once per process.
    pub fn detect() -> Self {
        use std::sync::OnceLock;
        static LEVEL: OnceLock<SimdLevel> = OnceLock::new();
        *LEVEL.get_or_init(|| {
            let best = Self::available()
                .into_iter()
                .max()
                .unwrap_or(Self::Baseline);
            match std::env::var("HOTPATH_SIMD").ok().as_deref().map(str::trim) {
                Some("baseline" | "neon") => Self::Baseline,
                Some("avx2") => best.min(Self::Avx2),
                _ => best,
            }
        })
    }

    /// Every level this CPU supports, lowest first.
    pub fn available() -> Vec<Self> {
        [Self::Baseline, Self::Avx2, Self::Avx512]
            .into_iter()
            .filter(|l| l.is_supported())
            .collect()
    }
}

/// `$vis fn $name<generics>(level, args...) -> $ret`: `$body(args...)` compiled for AVX-512, AVX2
/// and the baseline target, run at `level` lowered to what the CPU supports. The one way hotpath
/// compiles a portable body per level: since the level is an argument, tests run every level this
/// CPU has in-process. Bodies that use no FMA and no libm give the same bits at every level.
macro_rules! per_level {
    (
        $(#[$doc:meta])*
        $vis:vis fn $name:ident $(<$($g:ident: $bound:path),+>)? ($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? = $body:ident
    ) => {
        $(#[$doc])*
        $vis fn $name $(<$($g: $bound),+>)? (level: $crate::simd::SimdLevel, $($arg: $ty),*) $(-> $ret)? {
            let _ = level;
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                unsafe fn avx2 $(<$($g: $bound),+>)? ($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
                #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
                unsafe fn avx512 $(<$($g: $bound),+>)? ($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
                if level == $crate::simd::SimdLevel::Avx512 && level.is_supported() {
                    // SAFETY: the CPU reported AVX-512 F/DQ/VL, AVX2 and FMA.
                    return unsafe { avx512($($arg),*) };
                }
                if level >= $crate::simd::SimdLevel::Avx2 && $crate::simd::SimdLevel::Avx2.is_supported() {
                    // SAFETY: the CPU reported AVX2 and FMA.
                    return unsafe { avx2($($arg),*) };
                }
            }
            $body($($arg),*)
        }
    };
}
pub(crate) use per_level;

/// Hints the CPU to start loading the cache line at `address`. A hint only: it never faults, so
/// any address is allowed. Compiles to nothing where there is no prefetch instruction to use.
#[inline(always)]
pub fn prefetch(address: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is part of baseline x86_64 (SSE) and never faults.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(address.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

/// Prefetches `bytes` bytes starting `distance` bytes past `start`, clipped to `end`.
#[inline(always)]
pub fn prefetch_ahead(start: *const u8, distance: usize, bytes: usize, end: *const u8) {
    let from = (start as usize).saturating_add(distance);
    let to = from.saturating_add(bytes).min(end as usize);
    let mut line = from;
    while line < to {
        prefetch(line as *const u8);
        line += 64;
    }
}
