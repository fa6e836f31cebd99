//! Bindings for the risk-score kernel (`hotpath_kernels::score`).
use crate::cancel::CancelToken;
use crate::error::{Code, guard, guard_task, kernel_error, task_error};
use crate::tasks::ActiveTask;
use hotpath_kernels::score::{RiskModel, RowsAt, Threads};
use napi::Result;
use napi::bindgen_prelude::{AsyncTask, Either, Float32Array, Float64Array};
use napi::{Env, Task};
use napi_derive::napi;
use std::sync::Arc;

fn threads(single_thread: bool) -> Threads {
    if single_thread {
        Threads::Single
    } else {
        Threads::Auto
    }
}

/// A risk model held natively: weights and threshold are validated once and kept for the
/// object's life. The public `RiskModel` class of the facade wraps it. Sync scoring goes through
/// `fastCalls()` (see `fast.rs`); the methods here are the async ones.
#[napi]
pub struct NativeRiskModel {
    model: Arc<RiskModel>,
}

#[napi]
impl NativeRiskModel {
    /// Validates and keeps `weights` (length >= 1, finite) and a finite `threshold`.
    #[napi(constructor)]
    pub fn new(weights: &[f64], threshold: f64) -> Result<Self, Code> {
        guard(|| {
            Ok(Self {
                model: Arc::new(RiskModel::new(weights, threshold).map_err(kernel_error)?),
            })
        })
    }

    /// Number of features per vector (D).
    #[napi(getter)]
    pub fn features(&self) -> u32 {
        self.model.features() as u32
    }

    #[napi(getter)]
    pub fn threshold(&self) -> f64 {
        self.model.threshold()
    }

    /// Scores rows copied earlier by `prepareRowsF64`/`prepareRowsF32` on a libuv worker thread;
    /// resolves to a new Float64Array. Copying and scheduling are separate steps so that the
    /// facade can copy at call time (its snapshot) and still queue the work behind its own limit
    /// on libuv threads.
    #[napi(ts_return_type = "Promise<Float64Array>")]
    pub fn score_prepared_async(
        &self,
        prepared: &mut NativePreparedRows,
        single_thread: bool,
        cancel: &CancelToken,
    ) -> Result<AsyncTask<ScoreBatchTask>, Code> {
        let rows = prepared.rows.take().ok_or_else(|| {
            napi::Error::new(
                Code::InvalidArgValue,
                "The \"prepared\" argument was already scored once",
            )
        })?;
        Ok(self.task(rows, single_thread, cancel))
    }

    /// Zero-copy async batch: the task keeps a reference to `rows` and reads it in place on a
    /// worker thread. Only for memory JavaScript cannot detach or transfer while the task runs:
    /// the facade routes here arrays backed by a SharedArrayBuffer and arrays it allocated itself
    /// and never hands out. Values written concurrently give unspecified scores for the rows they
    /// touch, never a crash.
    #[napi(ts_return_type = "Promise<Float64Array>")]
    pub fn score_batch_f64_pinned_async(
        &self,
        rows: Float64Array,
        single_thread: bool,
        cancel: &CancelToken,
    ) -> AsyncTask<ScoreBatchTask> {
        self.task(Rows::PinnedF64(rows), single_thread, cancel)
    }

    /// `scoreBatchF64PinnedAsync` for Float32Array rows.
    #[napi(ts_return_type = "Promise<Float64Array>")]
    pub fn score_batch_f32_pinned_async(
        &self,
        rows: Float32Array,
        single_thread: bool,
        cancel: &CancelToken,
    ) -> AsyncTask<ScoreBatchTask> {
        self.task(Rows::PinnedF32(rows), single_thread, cancel)
    }

    /// `scoreBatchF64PinnedAsync` that writes the scores into `out` in place instead of a new
    /// array: for an `out` JavaScript cannot detach either (a NativeBuffer's or shared memory),
    /// not overlapping `rows` (the facade checks). Resolves to undefined.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn score_batch_f64_pinned_into_async(
        &self,
        rows: Float64Array,
        out: Float64Array,
        single_thread: bool,
        cancel: &CancelToken,
    ) -> AsyncTask<ScoreIntoTask> {
        let active = ActiveTask::new().hold(&rows).hold(&out);
        self.scoring_into_task(Either::A(rows), out, active, single_thread, cancel)
    }

    /// `scoreBatchF64PinnedIntoAsync` for Float32Array rows.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn score_batch_f32_pinned_into_async(
        &self,
        rows: Float32Array,
        out: Float64Array,
        single_thread: bool,
        cancel: &CancelToken,
    ) -> AsyncTask<ScoreIntoTask> {
        let active = ActiveTask::new().hold(&rows).hold(&out);
        self.scoring_into_task(Either::B(rows), out, active, single_thread, cancel)
    }

    fn scoring_into_task(
        &self,
        rows: Either<Float64Array, Float32Array>,
        out: Float64Array,
        active: ActiveTask,
        single_thread: bool,
        cancel: &CancelToken,
    ) -> AsyncTask<ScoreIntoTask> {
        AsyncTask::new(ScoreIntoTask {
            model: Arc::clone(&self.model),
            rows,
            out,
            threads: threads(single_thread),
            abort: cancel.flag.clone(),
            _active: active,
        })
    }

    pub(crate) fn model(&self) -> &Arc<RiskModel> {
        &self.model
    }

    fn task(
        &self,
        rows: Rows,
        single_thread: bool,
        cancel: &CancelToken,
    ) -> AsyncTask<ScoreBatchTask> {
        let active = match &rows {
            Rows::PinnedF64(view) => ActiveTask::new().hold(view),
            Rows::PinnedF32(view) => ActiveTask::new().hold(view),
            Rows::OwnedF64(_) | Rows::OwnedF32(_) => ActiveTask::new(),
        };
        AsyncTask::new(ScoreBatchTask {
            model: Arc::clone(&self.model),
            rows,
            threads: threads(single_thread),
            abort: cancel.flag.clone(),
            _active: active,
        })
    }
}

/// A copy of rows taken on the JS thread, waiting to be scored by `scoreBatchPreparedAsync`.
#[napi]
pub struct NativePreparedRows {
    rows: Option<Rows>,
}

/// Copies Float64Array rows now; JavaScript may then change or detach the original freely.
#[napi]
pub fn score_prepare_rows_f64(rows: &[f64]) -> NativePreparedRows {
    NativePreparedRows {
        rows: Some(Rows::OwnedF64(rows.to_vec())),
    }
}

/// Copies Float32Array rows now (as f32).
#[napi]
pub fn score_prepare_rows_f32(rows: &[f32]) -> NativePreparedRows {
    NativePreparedRows {
        rows: Some(Rows::OwnedF32(rows.to_vec())),
    }
}

pub enum Rows {
    OwnedF64(Vec<f64>),
    OwnedF32(Vec<f32>),
    PinnedF64(Float64Array),
    PinnedF32(Float32Array),
}

pub struct ScoreBatchTask {
    model: Arc<RiskModel>,
    rows: Rows,
    threads: Threads,
    abort: hotpath_kernels::AbortFlag,
    _active: ActiveTask,
}

impl ScoreBatchTask {
    fn run<T: hotpath_kernels::score::Sample>(&self, rows: &[T]) -> Result<Vec<f64>> {
        let n = rows.len() / self.model.features();
        let mut out = vec![0.0; n];
        self.model
            .score_batch(rows, &mut out, self.threads, &self.abort)
            .map_err(task_error)?;
        Ok(out)
    }
}

impl Task for ScoreBatchTask {
    type Output = Vec<f64>;
    type JsValue = Float64Array;

    fn compute(&mut self) -> Result<Vec<f64>> {
        guard_task(|| match &self.rows {
            Rows::OwnedF64(rows) => self.run(rows),
            Rows::OwnedF32(rows) => self.run(rows),
            // Pinned memory cannot be detached (see `score_batch_f64_pinned_async`), and the held
            // reference keeps it alive until the task is dropped on the JS thread. Other threads
            // may still write a SharedArrayBuffer meanwhile: a data race on plain f64/f32 values,
            // which can only give those rows unspecified scores (every bit pattern is a valid
            // float), never touch memory outside the buffer.
            Rows::PinnedF64(rows) => self.run(rows),
            Rows::PinnedF32(rows) => self.run(rows),
        })
    }

    fn resolve(&mut self, _env: Env, output: Vec<f64>) -> Result<Float64Array> {
        Ok(Float64Array::new(output))
    }
}

pub struct ScoreIntoTask {
    model: Arc<RiskModel>,
    rows: Either<Float64Array, Float32Array>,
    out: Float64Array,
    threads: Threads,
    abort: hotpath_kernels::AbortFlag,
    _active: ActiveTask,
}

impl Task for ScoreIntoTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        guard_task(|| {
            // SAFETY: `out` is memory JavaScript cannot detach while the task runs (see
            // `score_batch_f64_pinned_into_async`), kept alive by the task's reference (and its
            // NativeBuffer block by `_active`); it does not overlap `rows`, and nothing else in
            // this process writes it meanwhile except JavaScript racing on plain f64 values,
            // which can only leave those scores unspecified.
            let out = unsafe { self.out.as_mut() };
            let result = match &self.rows {
                Either::A(rows) => self.model.score_batch(rows, out, self.threads, &self.abort),
                Either::B(rows) => self.model.score_batch(rows, out, self.threads, &self.abort),
            };
            result.map_err(task_error)
        })
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}

/// Reads JSON feature rows from UTF-8 bytes: the document is the array of rows, or (with `key`)
/// an object holding it under that key. Returns the rows as one row-major Float64Array of
/// `features`-wide rows; shape errors name the element (`transactions[3][7]`), syntax errors the
/// byte.
#[napi]
pub fn score_parse_json_rows(
    json: &[u8],
    features: u32,
    key: Option<String>,
) -> Result<Float64Array, Code> {
    guard(|| {
        parse_json_rows(json, features, key.as_deref())
            .map(Float64Array::new)
            .map_err(kernel_error)
    })
}

fn parse_json_rows(
    json: &[u8],
    features: u32,
    key: Option<&str>,
) -> std::result::Result<Vec<f64>, hotpath_kernels::KernelError> {
    let at = key.map_or(RowsAt::Root, RowsAt::Key);
    hotpath_kernels::score::parse_json_rows(json, at, features as usize, "json")
}

/// The async twin of `scoreParseJsonRows`: the bytes are copied at the call (JavaScript may
/// reuse the buffer at once) and parsed on a libuv worker thread.
#[napi(ts_return_type = "Promise<Float64Array>")]
pub fn score_parse_json_rows_async(
    json: &[u8],
    features: u32,
    key: Option<String>,
) -> AsyncTask<ParseJsonRowsTask> {
    AsyncTask::new(ParseJsonRowsTask {
        json: json.to_vec(),
        features,
        key,
    })
}

pub struct ParseJsonRowsTask {
    json: Vec<u8>,
    features: u32,
    key: Option<String>,
}

impl Task for ParseJsonRowsTask {
    type Output = Vec<f64>;
    type JsValue = Float64Array;

    fn compute(&mut self) -> Result<Vec<f64>> {
        guard_task(|| {
            parse_json_rows(&self.json, self.features, self.key.as_deref()).map_err(task_error)
        })
    }

    fn resolve(&mut self, _env: Env, output: Vec<f64>) -> Result<Float64Array> {
        Ok(Float64Array::new(output))
    }
}
