//! metacore-core: the contract between the metacore compiler and its runtime.
//!
//! `metacore-gen` emits a crate whose statics are built from these types, and
//! `metacore-runtime` serves them; neither side re-derives what the other decided, and the
//! runtime never links the compiler.
//!
//! * [`registry`] — the descriptors of a build: addons, models, columns, actions, tools,
//!   handlers, capabilities, settings, lifecycle hooks, subscriptions and backend modules.
//! * [`ui`] — the navigation and metadata types the server gates per caller.
//! * [`storage`] — names of the row-count and search objects migrations create.
//! * [`wasm`] — the WASM host ABI and the backend module checks both sides run.
//! * [`finding`], [`names`], [`fnv`] — what those share.

pub mod compiler;
pub mod finding;
pub mod fnv;
pub mod names;
pub mod registry;
pub mod semver;
pub mod storage;
pub mod ui;
pub mod wasm;

pub use finding::{Finding, Severity};
