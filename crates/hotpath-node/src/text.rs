//! Bindings for `hotpath_kernels::text`: the `NativeTokenizer` and `NativeVocabulary` classes.
//!
//! A batch arrives either as the records' JavaScript strings joined into one string plus each
//! record's length in UTF-16 units (one conversion per batch instead of one per record), or as
//! UTF-8 bytes of newline-separated records, read in place by sync calls. Tokens go back as one
//! string plus boundaries (see `hotpath_kernels::text::FlatTokens`), ids as two Uint32Arrays.
//! Tokenizers and vocabularies are shared with their async tasks through `Arc`s; async tasks copy
//! byte input on the JS thread, so nothing reads JavaScript memory off-thread.
use crate::cancel::CancelToken;
use crate::error::{Code, guard, guard_task, kernel_error, task_error};
use crate::raw::{RawValue, status_error, uint32_array};
use crate::tasks::{ActiveTask, sync_threads};
use hotpath_kernels::pool::Threads;
use hotpath_kernels::text::{
    self, CaseMapping, Encoded, Encoding, FlatTokens, Normalization, Record, SegmenterKind,
    Special, Tokenizer, TokenizerOptions, Utf16, Vocabulary,
};
use hotpath_kernels::{AbortFlag, KernelError};
use napi::bindgen_prelude::{
    AsyncTask, ClassInstance, Either, Uint8Array, Uint32Array, Utf16String,
};
use napi::{Env, Result, Task, sys};
use napi_derive::napi;
use std::borrow::Cow;
use std::sync::Arc;

/// Tokenizer options after the facade's validation and defaults.
#[napi(object)]
pub struct NativeTokenizerOptions {
    /// `'nfkc'`, `'nfc'` or `'none'`.
    pub normalize: String,
    /// `'lower'`, `'fold'` or `'none'`.
    pub case: String,
    /// `'uax29'` or `'auto'`.
    pub segmenter: String,
    pub min_length: u32,
    pub max_length: Option<u32>,
    pub stopwords: Vec<String>,
    pub drop_numbers: bool,
    /// Absent: no detection; `'keep'`, `'drop'`, or the placeholder token.
    pub urls: Option<String>,
    /// As `urls`.
    pub emails: Option<String>,
}

fn one_of<T: Copy>(
    name: &'static str,
    value: &str,
    choices: &[(&str, T)],
) -> std::result::Result<T, KernelError> {
    choices
        .iter()
        .find(|c| c.0 == value)
        .map(|c| c.1)
        .ok_or_else(|| {
            let names: Vec<String> = choices.iter().map(|c| format!("'{}'", c.0)).collect();
            KernelError::invalid(
                name,
                format!("one of {}", names.join(", ")),
                format!("{value:?}"),
            )
        })
}

fn special(value: Option<String>) -> Special {
    match value.as_deref() {
        None => Special::Off,
        Some("keep") => Special::Keep,
        Some("drop") => Special::Drop,
        Some(_) => Special::Replace(value.unwrap_or_default()),
    }
}

fn kernel_options(o: NativeTokenizerOptions) -> std::result::Result<TokenizerOptions, KernelError> {
    use Normalization as N;
    Ok(TokenizerOptions {
        normalize: one_of(
            "options.normalize",
            &o.normalize,
            &[("nfkc", N::Nfkc), ("nfc", N::Nfc), ("none", N::None)],
        )?,
        case: one_of(
            "options.case",
            &o.case,
            &[
                ("lower", CaseMapping::Lower),
                ("fold", CaseMapping::Fold),
                ("none", CaseMapping::None),
            ],
        )?,
        segmenter: one_of(
            "options.segmenter",
            &o.segmenter,
            &[
                ("uax29", SegmenterKind::Uax29),
                ("auto", SegmenterKind::Auto),
            ],
        )?,
        min_length: o.min_length as usize,
        max_length: o.max_length.map(|m| m as usize),
        stopwords: o.stopwords.into_iter().collect(),
        drop_numbers: o.drop_numbers,
        urls: special(o.urls),
        emails: special(o.emails),
    })
}

/// One record of either input form.
#[derive(Clone, Copy)]
enum AnyRecord<'a> {
    Utf16(Utf16<'a>),
    Utf8(&'a [u8]),
}

impl Record for AnyRecord<'_> {
    fn text(&self) -> Cow<'_, str> {
        match self {
            AnyRecord::Utf16(r) => r.text(),
            AnyRecord::Utf8(r) => String::from_utf8_lossy(r),
        }
    }
}

type Input = Either<Utf16String, Uint8Array>;

/// A batch's records: a joined string split by `lengths` (without it the string is one record),
/// or bytes of newline-separated records.
fn split<'a>(
    input: Either<&'a [u16], &'a [u8]>,
    lengths: Option<&[u32]>,
) -> std::result::Result<Vec<AnyRecord<'a>>, KernelError> {
    Ok(match input {
        Either::A(units) => match lengths {
            Some(l) => text::utf16_records(units, l)?
                .into_iter()
                .map(AnyRecord::Utf16)
                .collect(),
            None => vec![AnyRecord::Utf16(Utf16(units))],
        },
        Either::B(bytes) => text::split_records(bytes)
            .into_iter()
            .map(AnyRecord::Utf8)
            .collect(),
    })
}

fn records<'a>(
    input: &'a Input,
    lengths: Option<&[u32]>,
) -> std::result::Result<Vec<AnyRecord<'a>>, KernelError> {
    match input {
        Either::A(units) => split(Either::A(units), lengths),
        Either::B(bytes) => split(Either::B(bytes), lengths),
    }
}

/// A batch owned by an async task.
enum OwnedInput {
    Utf16 {
        units: Utf16String,
        lengths: Option<Vec<u32>>,
    },
    Utf8(Vec<u8>),
}

impl OwnedInput {
    fn copy(input: Input, lengths: Option<Uint32Array>) -> Self {
        match input {
            Either::A(units) => OwnedInput::Utf16 {
                units,
                lengths: lengths.map(|l| l.to_vec()),
            },
            Either::B(bytes) => OwnedInput::Utf8(bytes.to_vec()),
        }
    }

    fn records(&self) -> std::result::Result<Vec<AnyRecord<'_>>, KernelError> {
        match self {
            OwnedInput::Utf16 { units, lengths } => split(Either::A(units), lengths.as_deref()),
            OwnedInput::Utf8(bytes) => split(Either::B(bytes), None),
        }
    }
}

fn internal(err: napi::Error) -> napi::Error<Code> {
    napi::Error::new(Code::Internal, err.reason.clone())
}

/// `{ text, ends, counts }` (see `FlatTokens`). Declares the result's type; the value is built
/// by `flat_object` with plain property stores, cheaper than `napi_define_properties`.
#[allow(dead_code)]
#[napi(object, object_from_js = false)]
pub struct NativeFlatTokens {
    pub text: String,
    #[napi(ts_type = "Uint32Array")]
    pub ends: RawValue,
    #[napi(ts_type = "Uint32Array")]
    pub counts: RawValue,
}

/// Record `i`'s ids are `ids.subarray(offsets[i], offsets[i + 1])`. Declares the result's type;
/// the value is built by `encoded_object`.
#[allow(dead_code)]
#[napi(object, object_from_js = false)]
pub struct NativeEncoded {
    #[napi(ts_type = "Uint32Array")]
    pub ids: RawValue,
    #[napi(ts_type = "Uint32Array")]
    pub offsets: RawValue,
}

/// # Safety
/// `env` must be live, on the JS thread.
unsafe fn set(
    env: sys::napi_env,
    object: sys::napi_value,
    name: &std::ffi::CStr,
    value: sys::napi_value,
) -> Result<()> {
    // SAFETY: forwarded from the caller; `name` is NUL-terminated.
    status_error(
        unsafe { sys::napi_set_named_property(env, object, name.as_ptr(), value) },
        "a result property",
    )
}

fn flat_object(env: &Env, flat: &FlatTokens) -> Result<RawValue> {
    let raw = env.raw();
    // SAFETY: called on the JS thread with its live environment (sync bodies and `resolve`);
    // the string's pointer and length describe valid UTF-8 owned by `flat`.
    unsafe {
        let mut object = std::ptr::null_mut();
        status_error(sys::napi_create_object(raw, &mut object), "a result object")?;
        let mut string = std::ptr::null_mut();
        status_error(
            sys::napi_create_string_utf8(
                raw,
                flat.text.as_ptr().cast(),
                flat.text.len() as isize,
                &mut string,
            ),
            "the tokens' string",
        )?;
        set(raw, object, c"text", string)?;
        set(raw, object, c"ends", uint32_array(raw, &flat.ends)?)?;
        set(raw, object, c"counts", uint32_array(raw, &flat.counts)?)?;
        Ok(RawValue(object))
    }
}

fn encoded_object(env: &Env, encoded: &Encoded) -> Result<RawValue> {
    let raw = env.raw();
    // SAFETY: called on the JS thread with its live environment (sync bodies and `resolve`).
    unsafe {
        let mut object = std::ptr::null_mut();
        status_error(sys::napi_create_object(raw, &mut object), "a result object")?;
        set(raw, object, c"ids", uint32_array(raw, &encoded.ids)?)?;
        set(
            raw,
            object,
            c"offsets",
            uint32_array(raw, &encoded.offsets)?,
        )?;
        Ok(RawValue(object))
    }
}

/// A tokenizer: immutable options, shared cheaply with async tasks.
#[napi]
pub struct NativeTokenizer {
    inner: Arc<Tokenizer>,
}

#[napi]
impl NativeTokenizer {
    #[napi(constructor)]
    pub fn new(options: NativeTokenizerOptions) -> Result<Self, Code> {
        guard(|| {
            let options = kernel_options(options).map_err(kernel_error)?;
            let inner = Tokenizer::new(options).map_err(kernel_error)?;
            Ok(Self {
                inner: Arc::new(inner),
            })
        })
    }

    /// Tokens of every record (see `NativeFlatTokens`). Uses the hotpath pool for large batches
    /// unless `singleThread` or async tasks hold the pool.
    #[napi(ts_return_type = "NativeFlatTokens")]
    pub fn tokenize(
        &self,
        env: Env,
        input: Either<Utf16String, Uint8Array>,
        lengths: Option<&[u32]>,
        single_thread: bool,
    ) -> Result<RawValue, Code> {
        guard(|| {
            let records = records(&input, lengths).map_err(kernel_error)?;
            let flat = self
                .inner
                .tokenize_flat(&records, sync_threads(single_thread), AbortFlag::never())
                .map_err(kernel_error)?;
            flat_object(&env, &flat).map_err(internal)
        })
    }

    /// Ids of every record's tokens: feature hashing with `hashBits` (1-32), or, when
    /// `hashBits` is 0, `vocabulary`'s ids.
    #[napi(ts_return_type = "NativeEncoded")]
    pub fn encode(
        &self,
        env: Env,
        input: Either<Utf16String, Uint8Array>,
        lengths: Option<&[u32]>,
        hash_bits: u32,
        vocabulary: Option<ClassInstance<NativeVocabulary>>,
        single_thread: bool,
    ) -> Result<RawValue, Code> {
        guard(|| {
            let records = records(&input, lengths).map_err(kernel_error)?;
            let vocabulary = vocabulary.map(|v| v.inner.clone());
            let encoding = encoding(hash_bits, vocabulary.as_deref()).map_err(kernel_error)?;
            let encoded = self
                .inner
                .encode_batch(
                    &records,
                    encoding,
                    sync_threads(single_thread),
                    AbortFlag::never(),
                )
                .map_err(kernel_error)?;
            encoded_object(&env, &encoded).map_err(internal)
        })
    }

    /// Counts the records' tokens and keeps those seen at least `minCount` times, the `maxSize`
    /// most frequent.
    #[napi]
    pub fn build_vocabulary(
        &self,
        input: Either<Utf16String, Uint8Array>,
        lengths: Option<&[u32]>,
        min_count: u32,
        max_size: Option<u32>,
        single_thread: bool,
    ) -> Result<NativeVocabulary, Code> {
        guard(|| {
            let records = records(&input, lengths).map_err(kernel_error)?;
            let v = self
                .inner
                .build_vocabulary(
                    &records,
                    u64::from(min_count),
                    max_size.map(|m| m as usize),
                    sync_threads(single_thread),
                    AbortFlag::never(),
                )
                .map_err(kernel_error)?;
            Ok(NativeVocabulary { inner: Arc::new(v) })
        })
    }

    /// `tokenize` on a libuv worker thread, in parallel on the pool; abortable between chunks of
    /// 256 records through `cancel`.
    #[napi(ts_return_type = "Promise<NativeFlatTokens>")]
    pub fn tokenize_async(
        &self,
        input: Either<Utf16String, Uint8Array>,
        lengths: Option<Uint32Array>,
        cancel: &CancelToken,
    ) -> AsyncTask<TextTask> {
        self.task(input, lengths, Job::Tokenize, cancel)
    }

    /// `encode` on a libuv worker thread; abortable through `cancel`.
    #[napi(ts_return_type = "Promise<NativeEncoded>")]
    pub fn encode_async(
        &self,
        input: Either<Utf16String, Uint8Array>,
        lengths: Option<Uint32Array>,
        hash_bits: u32,
        vocabulary: Option<ClassInstance<NativeVocabulary>>,
        cancel: &CancelToken,
    ) -> AsyncTask<TextTask> {
        let vocabulary = vocabulary.map(|v| v.inner.clone());
        self.task(
            input,
            lengths,
            Job::Encode {
                hash_bits,
                vocabulary,
            },
            cancel,
        )
    }

    /// `buildVocabulary` on a libuv worker thread; abortable through `cancel`.
    #[napi(ts_return_type = "Promise<NativeVocabulary>")]
    pub fn build_vocabulary_async(
        &self,
        input: Either<Utf16String, Uint8Array>,
        lengths: Option<Uint32Array>,
        min_count: u32,
        max_size: Option<u32>,
        cancel: &CancelToken,
    ) -> AsyncTask<TextTask> {
        self.task(
            input,
            lengths,
            Job::Vocabulary {
                min_count,
                max_size,
            },
            cancel,
        )
    }
}

impl NativeTokenizer {
    fn task(
        &self,
        input: Either<Utf16String, Uint8Array>,
        lengths: Option<Uint32Array>,
        job: Job,
        cancel: &CancelToken,
    ) -> AsyncTask<TextTask> {
        AsyncTask::new(TextTask {
            tokenizer: self.inner.clone(),
            input: OwnedInput::copy(input, lengths),
            job,
            abort: cancel.flag.clone(),
            _active: ActiveTask::new(),
        })
    }
}

fn encoding(
    hash_bits: u32,
    vocabulary: Option<&Vocabulary>,
) -> std::result::Result<Encoding<'_>, KernelError> {
    match (hash_bits, vocabulary) {
        (0, Some(v)) => Ok(Encoding::Vocabulary(v)),
        (0, None) => Err(KernelError::invalid(
            "options",
            "hashBits or a vocabulary",
            "neither",
        )),
        (bits, _) => Ok(Encoding::Hash(bits)),
    }
}

enum Job {
    Tokenize,
    Encode {
        hash_bits: u32,
        vocabulary: Option<Arc<Vocabulary>>,
    },
    Vocabulary {
        min_count: u32,
        max_size: Option<u32>,
    },
}

pub enum TextOutput {
    Tokens(FlatTokens),
    Ids(Encoded),
    Vocabulary(Vocabulary),
}

pub struct TextTask {
    tokenizer: Arc<Tokenizer>,
    input: OwnedInput,
    job: Job,
    abort: AbortFlag,
    _active: ActiveTask,
}

impl Task for TextTask {
    type Output = TextOutput;
    type JsValue = RawValue;

    fn compute(&mut self) -> Result<TextOutput> {
        guard_task(|| {
            let records = self.input.records().map_err(task_error)?;
            let (t, abort) = (&self.tokenizer, &self.abort);
            match &self.job {
                Job::Tokenize => t
                    .tokenize_flat(&records, Threads::Auto, abort)
                    .map(TextOutput::Tokens),
                Job::Encode {
                    hash_bits,
                    vocabulary,
                } => encoding(*hash_bits, vocabulary.as_deref()).and_then(|e| {
                    t.encode_batch(&records, e, Threads::Auto, abort)
                        .map(TextOutput::Ids)
                }),
                Job::Vocabulary {
                    min_count,
                    max_size,
                } => t
                    .build_vocabulary(
                        &records,
                        u64::from(*min_count),
                        max_size.map(|m| m as usize),
                        Threads::Auto,
                        abort,
                    )
                    .map(TextOutput::Vocabulary),
            }
            .map_err(task_error)
        })
    }

    fn resolve(&mut self, env: Env, output: TextOutput) -> Result<RawValue> {
        match output {
            TextOutput::Tokens(flat) => flat_object(&env, &flat),
            TextOutput::Ids(encoded) => encoded_object(&env, &encoded),
            TextOutput::Vocabulary(v) => {
                let vocabulary = NativeVocabulary { inner: Arc::new(v) };
                // SAFETY: called by napi-rs on the JS thread with its live environment.
                let value = unsafe {
                    <NativeVocabulary as napi::bindgen_prelude::ToNapiValue>::to_napi_value(
                        env.raw(),
                        vocabulary,
                    )?
                };
                Ok(RawValue(value))
            }
        }
    }
}

/// Tokens and their counts; ids start at 1 (0 is every unknown token).
#[napi]
pub struct NativeVocabulary {
    inner: Arc<Vocabulary>,
}

#[napi]
impl NativeVocabulary {
    /// From tokens in id order (id 1 first) and their counts; duplicates are an error.
    #[napi(factory)]
    pub fn from_parts(tokens: Vec<String>, counts: Vec<f64>) -> Result<Self, Code> {
        guard(|| {
            let counts = counts.into_iter().map(|c| c as u64).collect();
            let v = Vocabulary::from_parts(tokens, counts).map_err(kernel_error)?;
            Ok(Self { inner: Arc::new(v) })
        })
    }

    #[napi(getter)]
    pub fn size(&self) -> u32 {
        self.inner.size() as u32
    }

    #[napi]
    pub fn id(&self, token: String) -> u32 {
        self.inner.id(&token)
    }

    #[napi]
    pub fn token(&self, id: u32) -> Option<String> {
        self.inner.token(id).map(str::to_owned)
    }

    #[napi]
    pub fn count(&self, token: String) -> f64 {
        self.inner.count(&token) as f64
    }

    /// Tokens in id order (id 1 first).
    #[napi]
    pub fn tokens(&self) -> Vec<String> {
        self.inner.tokens().to_vec()
    }

    /// Counts in id order.
    #[napi]
    pub fn counts(&self) -> Vec<f64> {
        self.inner.counts().iter().map(|&c| c as f64).collect()
    }
}
