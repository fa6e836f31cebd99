//! hotpath's compute kernels. Pure Rust: nothing here knows about Node.js, so the same code
//! serves the napi binding, the Rust tests and the Rust benchmarks.
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::all)]

pub mod abort;
pub mod elementary;
pub mod error;
pub mod geo;
pub mod image;
pub mod integer;
pub mod memory;
pub mod pool;
pub mod probe;
pub mod score;
pub mod simd;
pub mod stats;
pub mod text;
pub mod vector;

pub use abort::{AbortFlag, Aborted};
pub use error::KernelError;
