//! metacore-gen: the metacore compiler as a library.
//!
//! The pipeline has the shape of a compiler, one module per stage:
//!
//! 1. [`source`] / [`json`] — read a file into a span-preserving JSON tree (limits of §1).
//! 2. [`schema_check`] — the structural pass (for v3: the upstream JSON Schema itself).
//! 3. [`v3`] / [`v2`] — the two dialects, parsed into typed Rust structures.
//! 4. [`ir`] — one intermediate representation both dialects lower into.
//! 5. [`checks`] — the semantic gates of `manifest.md` over the IR.
//! 6. [`diagnostics`] — located, coded findings, printed for humans or as JSON.
//!
//! [`frontend`] ties the stages together; the `metacore-gen` binary is a thin clap front.

pub mod diagnostics;
pub mod json;
pub mod schema_check;
pub mod source;
