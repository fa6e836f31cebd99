//! Bindings for `hotpath_kernels::image`: one convolution or a batch, sync or as an AsyncTask.
//!
//! The facade validates everything first and allocates the outputs; these functions check again
//! what memory safety depends on (sample types, lengths, overlap between inputs and outputs) and
//! write into the outputs. Async tasks only receive memory JavaScript cannot detach while they
//! run: copies the facade made, SharedArrayBuffer views, or outputs it has not handed out yet.
use crate::cancel::CancelToken;
use crate::error::{Code, guard, guard_task, kernel_error, task_error};
use crate::tasks::{ActiveTask, sync_threads};
use hotpath_kernels::image::{
    self, Border, Filter, Job, Options, Pixels, PixelsMut, Rounding, Shape,
};
use hotpath_kernels::pool::Threads;
use hotpath_kernels::{AbortFlag, KernelError};
use napi::bindgen_prelude::{
    AsyncTask, Float32Array, FromNapiValue, Uint8Array, Uint8ClampedArray, Uint16Array,
};
use napi::{Env, Result, Task, sys};
use napi_derive::napi;
use std::ops::Range;

use crate::overlap::bytes_of;

/// An image's samples: a Uint8Array (Buffer included), Uint8ClampedArray, Uint16Array or
/// Float32Array, told apart by the typed array's real element type.
pub enum ImageData {
    U8(Uint8Array),
    Clamped(Uint8ClampedArray),
    U16(Uint16Array),
    F32(Float32Array),
}

impl napi::bindgen_prelude::TypeName for ImageData {
    fn type_name() -> &'static str {
        "Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array"
    }
    fn value_type() -> napi::ValueType {
        napi::ValueType::Object
    }
}

impl FromNapiValue for ImageData {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut kind = -1;
        // SAFETY (whole block): N-API calls with the callback's live `env` and argument `value`;
        // null out-pointers are allowed for the parts not needed.
        unsafe {
            let status = sys::napi_get_typedarray_info(
                env,
                value,
                &mut kind,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            );
            match (status, kind) {
                (sys::Status::napi_ok, sys::TypedarrayType::uint8_array) => {
                    Uint8Array::from_napi_value(env, value).map(Self::U8)
                }
                (sys::Status::napi_ok, sys::TypedarrayType::uint8_clamped_array) => {
                    Uint8ClampedArray::from_napi_value(env, value).map(Self::Clamped)
                }
                (sys::Status::napi_ok, sys::TypedarrayType::uint16_array) => {
                    Uint16Array::from_napi_value(env, value).map(Self::U16)
                }
                (sys::Status::napi_ok, sys::TypedarrayType::float32_array) => {
                    Float32Array::from_napi_value(env, value).map(Self::F32)
                }
                _ => Err(napi::Error::new(
                    napi::Status::InvalidArg,
                    "The image data must be a Uint8Array, Uint8ClampedArray, Uint16Array or Float32Array",
                )),
            }
        }
    }
}

impl ImageData {
    fn bytes(&self) -> Range<usize> {
        match self {
            Self::U8(a) => bytes_of(a),
            Self::Clamped(a) => bytes_of(a),
            Self::U16(a) => bytes_of(a),
            Self::F32(a) => bytes_of(a),
        }
    }

    fn pixels(&self) -> Pixels<'_> {
        match self {
            Self::U8(a) => Pixels::U8(a),
            Self::Clamped(a) => Pixels::U8(a),
            Self::U16(a) => Pixels::U16(a),
            Self::F32(a) => Pixels::F32(a),
        }
    }

    /// # Safety
    /// No other reference to this memory may exist while the result lives (the caller checked
    /// that no input overlaps it), and JavaScript must not be able to detach it meanwhile.
    unsafe fn pixels_mut(&mut self) -> PixelsMut<'_> {
        // SAFETY: as the caller's contract.
        unsafe {
            match self {
                Self::U8(a) => PixelsMut::U8(a.as_mut()),
                Self::Clamped(a) => PixelsMut::U8(a.as_mut()),
                Self::U16(a) => PixelsMut::U16(a.as_mut()),
                Self::F32(a) => PixelsMut::F32(a.as_mut()),
            }
        }
    }
}

/// An image's samples as a job reads them: the JavaScript array itself, or a copy the binding
/// made on the JS thread so an async task never reads memory JavaScript could change or detach.
/// (Copying into Rust memory, which the allocator reuses from call to call, costs a plain memcpy;
/// a fresh JavaScript array of megabytes also pays a page fault per 4 KiB.)
enum Source {
    Js(ImageData),
    U8(Vec<u8>),
    U16(Vec<u16>),
    F32(Vec<f32>),
}

impl ImageData {
    /// `active` holding this data's NativeBuffer block, if it is in one.
    fn held_by(&self, active: ActiveTask) -> ActiveTask {
        match self {
            ImageData::U8(a) => active.hold(a),
            ImageData::Clamped(a) => active.hold(a),
            ImageData::U16(a) => active.hold(a),
            ImageData::F32(a) => active.hold(a),
        }
    }
}

impl Source {
    fn copied(data: ImageData) -> Self {
        match data {
            ImageData::U8(a) => Self::U8(a.to_vec()),
            ImageData::Clamped(a) => Self::U8(a.to_vec()),
            ImageData::U16(a) => Self::U16(a.to_vec()),
            ImageData::F32(a) => Self::F32(a.to_vec()),
        }
    }

    /// The JavaScript memory this source reads, if any.
    fn bytes(&self) -> Range<usize> {
        match self {
            Self::Js(data) => data.bytes(),
            _ => 0..0,
        }
    }

    fn pixels(&self) -> Pixels<'_> {
        match self {
            Self::Js(data) => data.pixels(),
            Self::U8(v) => Pixels::U8(v),
            Self::U16(v) => Pixels::U16(v),
            Self::F32(v) => Pixels::F32(v),
        }
    }
}

/// A filter and how to apply it. The facade has validated and normalized everything; the
/// kernel checks sizes and weights again.
#[napi(object, object_to_js = false)]
pub struct ImageFilter {
    /// Row-major weights of a 2D kernel, or the horizontal weights of a separable one.
    pub weights: Float32Array,
    /// Kernel width (odd, 1 to 63).
    pub width: u32,
    /// Kernel height (odd, 1 to 63); for a separable filter, the length of `vertical`.
    pub height: u32,
    /// The vertical weights, for a separable filter.
    pub vertical: Option<Float32Array>,
    /// `'renormalize'`, `'clamp'`, `'mirror'` or `'zero'`.
    pub border: String,
    /// `'round'` or `'truncate'`.
    pub rounding: String,
    /// Bit c set: channel c is filtered; others are copied.
    pub channel_mask: u32,
}

/// An [`ImageFilter`] the kernels can use, owned so an async task can keep it.
struct OwnedFilter {
    weights: Vec<f32>,
    width: usize,
    height: usize,
    vertical: Option<Vec<f32>>,
    options: Options,
}

impl OwnedFilter {
    fn new(filter: ImageFilter) -> std::result::Result<Self, KernelError> {
        let border = match filter.border.as_str() {
            "renormalize" => Border::Renormalize,
            "clamp" => Border::Clamp,
            "mirror" => Border::Mirror,
            "zero" => Border::Zero,
            other => {
                return Err(KernelError::invalid(
                    "options.border",
                    "one of 'renormalize', 'clamp', 'mirror', 'zero'",
                    format!("'{other}'"),
                ));
            }
        };
        let rounding = match filter.rounding.as_str() {
            "round" => Rounding::Round,
            "truncate" => Rounding::Truncate,
            other => {
                return Err(KernelError::invalid(
                    "options.rounding",
                    "'round' or 'truncate'",
                    format!("'{other}'"),
                ));
            }
        };
        Ok(Self {
            weights: filter.weights.to_vec(),
            width: filter.width as usize,
            height: filter.height as usize,
            vertical: filter.vertical.map(|v| v.to_vec()),
            options: Options {
                border,
                rounding,
                channel_mask: (filter.channel_mask & 0b1111) as u8,
            },
        })
    }

    fn filter(&self) -> Filter<'_> {
        match &self.vertical {
            Some(y) => Filter::Separable {
                x: &self.weights,
                y,
            },
            None => Filter::Full {
                width: self.width,
                height: self.height,
                weights: &self.weights,
            },
        }
    }
}

/// The image jobs of one call: sources, outputs and shapes (`width, height, channels` per image).
struct Jobs {
    sources: Vec<Source>,
    outputs: Vec<ImageData>,
    shapes: Vec<Shape>,
}

impl Jobs {
    fn new(
        sources: Vec<Source>,
        outputs: Vec<ImageData>,
        shapes: &[u32],
    ) -> std::result::Result<Self, KernelError> {
        if outputs.len() != sources.len() || shapes.len() != 3 * sources.len() {
            return Err(KernelError::invalid(
                "outputs",
                format!(
                    "{} outputs and {} shape numbers",
                    sources.len(),
                    3 * sources.len()
                ),
                format!(
                    "{} outputs and {} shape numbers",
                    outputs.len(),
                    shapes.len()
                ),
            ));
        }
        let jobs = Self {
            shapes: shapes
                .chunks_exact(3)
                .map(|s| Shape {
                    width: s[0] as usize,
                    height: s[1] as usize,
                    channels: s[2] as usize,
                })
                .collect(),
            sources,
            outputs,
        };
        jobs.check_overlap()?;
        Ok(jobs)
    }

    /// Rejects an output sharing bytes with any other array of the call: a kernel must never
    /// read what it writes, and two outputs must never alias.
    fn check_overlap(&self) -> std::result::Result<(), KernelError> {
        let inputs = self.sources.iter().map(|s| s.bytes());
        let outputs = self.outputs.iter().map(|o| o.bytes());
        if crate::overlap::any_output_overlaps(inputs, outputs) {
            return Err(KernelError::invalid(
                "out",
                "memory that does not overlap an input or another output",
                "an overlapping view",
            ));
        }
        Ok(())
    }

    fn run(
        &mut self,
        filter: &OwnedFilter,
        threads: Threads,
        abort: &AbortFlag,
    ) -> std::result::Result<(), KernelError> {
        let jobs: Vec<Job<'_>> = self
            .sources
            .iter()
            .zip(self.outputs.iter_mut())
            .zip(&self.shapes)
            .map(|((src, out), &shape)| Job {
                src: src.pixels(),
                // SAFETY: outputs overlap no input and no other output (`check_overlap`), and
                // JavaScript cannot detach them: a sync call holds the JS thread, and async tasks
                // only get memory the facade keeps from JavaScript until they settle.
                out: unsafe { out.pixels_mut() },
                shape,
            })
            .collect();
        image::convolve_batch(jobs, &filter.filter(), filter.options, threads, abort)
    }
}

fn prepare(
    sources: Vec<Source>,
    outputs: Vec<ImageData>,
    shapes: &[u32],
    filter: ImageFilter,
) -> std::result::Result<(Jobs, OwnedFilter), KernelError> {
    let filter = OwnedFilter::new(filter)?;
    filter.filter().check()?;
    Ok((Jobs::new(sources, outputs, shapes)?, filter))
}

/// Convolves each `sources[i]` into `outputs[i]` (same shape and sample type; `shapes` holds
/// width, height and channels per image) with one filter, on the calling thread plus the hotpath
/// pool (unless async tasks hold it): across images, and across the rows of large ones.
#[napi(
    ts_args_type = "sources: Array<Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array>, outputs: Array<Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array>, shapes: Uint32Array, filter: ImageFilter"
)]
pub fn image_convolve(
    sources: Vec<ImageData>,
    outputs: Vec<ImageData>,
    shapes: &[u32],
    filter: ImageFilter,
) -> Result<(), Code> {
    guard(|| {
        let sources = sources.into_iter().map(Source::Js).collect();
        let (mut jobs, filter) = prepare(sources, outputs, shapes, filter).map_err(kernel_error)?;
        jobs.run(&filter, sync_threads(false), AbortFlag::never())
            .map_err(kernel_error)
    })
}

/// `imageConvolve` on a libuv worker thread, abortable between bands of rows through `cancel`.
/// With `copySources` the sources are copied now, on the JS thread; without it they must be
/// memory JavaScript cannot detach before the promise settles (SharedArrayBuffer views), as
/// must the outputs (see the module notes).
#[napi(
    ts_args_type = "sources: Array<Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array>, outputs: Array<Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array>, shapes: Uint32Array, filter: ImageFilter, cancel: CancelToken, copySources: boolean",
    ts_return_type = "Promise<void>"
)]
pub fn image_convolve_async(
    sources: Vec<ImageData>,
    outputs: Vec<ImageData>,
    shapes: &[u32],
    filter: ImageFilter,
    cancel: &CancelToken,
    copy_sources: bool,
) -> Result<AsyncTask<ImageTask>, Code> {
    guard(|| {
        let sources = sources
            .into_iter()
            .map(|data| {
                if copy_sources {
                    Source::copied(data)
                } else {
                    Source::Js(data)
                }
            })
            .collect();
        let (jobs, filter) = prepare(sources, outputs, shapes, filter).map_err(kernel_error)?;
        let in_place = jobs.sources.iter().filter_map(|source| match source {
            Source::Js(data) => Some(data),
            _ => None,
        });
        let active = in_place
            .chain(&jobs.outputs)
            .fold(ActiveTask::new(), |active, data| data.held_by(active));
        Ok(AsyncTask::new(ImageTask {
            jobs,
            filter,
            abort: cancel.flag.clone(),
            _active: active,
        }))
    })
}

pub struct ImageTask {
    jobs: Jobs,
    filter: OwnedFilter,
    abort: AbortFlag,
    _active: ActiveTask,
}

impl Task for ImageTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        guard_task(|| {
            self.jobs
                .run(&self.filter, Threads::Auto, &self.abort)
                .map_err(task_error)
        })
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}
