//! Node.js bindings for hotpath-kernels. This crate converts arguments, schedules async work and
//! maps errors; every computation lives in `hotpath-kernels`.
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::all)]

mod cancel;
mod diagnostics;
mod error;
mod fast;
mod geo;
mod image;
mod integer;
mod memory;
mod overlap;
mod raw;
mod score;
mod stats;
mod tasks;
mod text;
mod vector;

/// Runs once, when the process first loads the addon (workers share the loaded library).
#[napi_derive::module_init]
fn init() {
    error::install_panic_hook();
}
