//! Bindings for the exact integer kernels (`hotpath_kernels::integer`). The facade validates
//! arguments first; the checks here only keep bad values from reaching the kernels.
use crate::cancel::CancelToken;
use crate::error::{Code, guard, guard_task, kernel_error, task_error};
use crate::raw::{RawValue, uint32_array};
use crate::tasks::ActiveTask;
use hotpath_kernels::AbortFlag;
use hotpath_kernels::integer::{self, Threads};
use napi::bindgen_prelude::{AsyncTask, BigInt};
use napi::{Env, Result, Task};
use napi_derive::napi;

/// How a sync call may use the pool: not while any async task holds it (see `tasks`).
fn sync_threads() -> Threads {
    crate::tasks::sync_threads(false)
}

/// A non-negative kernel result as a JS BigInt (words little-endian, high zero words dropped).
fn to_bigint(mut words: Vec<u64>) -> BigInt {
    while words.len() > 1 && words.last() == Some(&0) {
        words.pop();
    }
    if words.is_empty() {
        words.push(0);
    }
    BigInt {
        sign_bit: false,
        words,
    }
}

/// The sum of i*i for i in 0..n, exactly. `n` is a BigInt in 0..=2^64-1.
#[napi]
pub fn integer_sum_of_squares(n: BigInt) -> Result<BigInt, Code> {
    guard(|| {
        let (negative, value, lossless) = n.get_u64();
        if negative || !lossless {
            return Err(napi::Error::new(
                Code::InvalidArgValue,
                "The \"n\" argument must be an integer >= 0 and <= 18446744073709551615",
            ));
        }
        Ok(to_bigint(integer::sum_of_squares(value).to_vec()))
    })
}

/// F(n), the n-th Fibonacci number (F(0) = 0, F(1) = 1), exactly; `n <= 10,000,000`.
/// Runs on the calling thread (with the hotpath pool for large n, unless async tasks hold it).
#[napi]
pub fn integer_fibonacci(n: u32) -> Result<BigInt, Code> {
    guard(|| {
        let f = integer::fibonacci(u64::from(n), sync_threads(), AbortFlag::never())
            .map_err(kernel_error)?;
        Ok(to_bigint(f.to_u64_digits()))
    })
}

/// `fibonacci` on a libuv worker thread; abortable between doubling steps through `cancel`.
#[napi(ts_return_type = "Promise<bigint>")]
pub fn integer_fibonacci_async(n: u32, cancel: &CancelToken) -> AsyncTask<FibonacciTask> {
    AsyncTask::new(FibonacciTask {
        n,
        abort: cancel.flag.clone(),
        _active: ActiveTask::new(),
    })
}

pub struct FibonacciTask {
    n: u32,
    abort: AbortFlag,
    _active: ActiveTask,
}

impl Task for FibonacciTask {
    type Output = Vec<u64>;
    type JsValue = BigInt;

    fn compute(&mut self) -> Result<Vec<u64>> {
        guard_task(|| {
            let f = integer::fibonacci(u64::from(self.n), Threads::Auto, &self.abort)
                .map_err(task_error)?;
            Ok(f.to_u64_digits())
        })
    }

    fn resolve(&mut self, _env: Env, output: Vec<u64>) -> Result<BigInt> {
        Ok(to_bigint(output))
    }
}

/// The primes `<= limit` in increasing order, as a Uint32Array (in V8's memory: see
/// `raw::uint32_array`). `limit` is an integer in 0..=2^32.
#[napi(ts_return_type = "Uint32Array")]
pub fn integer_primes(env: Env, limit: f64) -> Result<RawValue, Code> {
    guard(|| {
        let limit = sieve_limit(limit).map_err(kernel_error)?;
        let list =
            integer::primes(limit, sync_threads(), AbortFlag::never()).map_err(kernel_error)?;
        // SAFETY: napi-rs calls this on the JS thread with its live environment.
        let array = unsafe { uint32_array(env.raw(), &list) }
            .map_err(|e| napi::Error::new(Code::Internal, e.reason.clone()))?;
        Ok(RawValue(array))
    })
}

/// The number of primes `<= limit` (π(limit)); `limit` is an integer in 0..=2^32.
#[napi]
pub fn integer_count_primes(limit: f64) -> Result<f64, Code> {
    guard(|| {
        let limit = sieve_limit(limit).map_err(kernel_error)?;
        let count = integer::count_primes(limit, sync_threads(), AbortFlag::never())
            .map_err(kernel_error)?;
        Ok(count as f64)
    })
}

/// `primes` on a libuv worker thread; abortable between sieve segments through `cancel`.
#[napi(ts_return_type = "Promise<Uint32Array>")]
pub fn integer_primes_async(limit: f64, cancel: &CancelToken) -> AsyncTask<SieveTask> {
    AsyncTask::new(SieveTask {
        limit,
        list: true,
        abort: cancel.flag.clone(),
        _active: ActiveTask::new(),
    })
}

/// `countPrimes` on a libuv worker thread; abortable between sieve segments through `cancel`.
#[napi(ts_return_type = "Promise<number>")]
pub fn integer_count_primes_async(limit: f64, cancel: &CancelToken) -> AsyncTask<SieveTask> {
    AsyncTask::new(SieveTask {
        limit,
        list: false,
        abort: cancel.flag.clone(),
        _active: ActiveTask::new(),
    })
}

/// A limit as the sieve takes it: an integer in 0..=2^32 (as a JS number, which holds it exactly).
fn sieve_limit(limit: f64) -> std::result::Result<u64, hotpath_kernels::KernelError> {
    if limit >= 0.0 && limit <= integer::PRIMES_MAX_LIMIT as f64 && limit.fract() == 0.0 {
        Ok(limit as u64)
    } else {
        Err(hotpath_kernels::KernelError::invalid(
            "limit",
            format!("an integer >= 0 and <= {}", integer::PRIMES_MAX_LIMIT),
            limit.to_string(),
        ))
    }
}

pub struct SieveTask {
    limit: f64,
    list: bool,
    abort: AbortFlag,
    _active: ActiveTask,
}

pub enum Sieved {
    List(Vec<u32>),
    Count(u64),
}

impl Task for SieveTask {
    type Output = Sieved;
    type JsValue = napi::Either<RawValue, f64>;

    fn compute(&mut self) -> Result<Sieved> {
        guard_task(|| {
            let limit = sieve_limit(self.limit).map_err(task_error)?;
            Ok(if self.list {
                Sieved::List(
                    integer::primes(limit, Threads::Auto, &self.abort).map_err(task_error)?,
                )
            } else {
                Sieved::Count(
                    integer::count_primes(limit, Threads::Auto, &self.abort).map_err(task_error)?,
                )
            })
        })
    }

    fn resolve(&mut self, env: Env, output: Sieved) -> Result<Self::JsValue> {
        Ok(match output {
            // SAFETY: `resolve` runs on the JS thread with its live environment.
            Sieved::List(list) => {
                napi::Either::A(RawValue(unsafe { uint32_array(env.raw(), &list)? }))
            }
            Sieved::Count(count) => napi::Either::B(count as f64),
        })
    }
}
