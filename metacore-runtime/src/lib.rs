//! metacore-runtime: what generated metacore code calls into.
//!
//! * [`registry`] — the static description of the addons a build compiled.
//! * [`types`] — column value types with the same exact behaviour on PostgreSQL and SQLite.
//! * [`testing`] — throw-away SQLite and PostgreSQL databases for tests.

pub mod registry;
pub mod testing;
pub mod types;
