//! metacore for applications: one dependency for the runtime and `#[metacore::model]`.
//!
//! Everything of `metacore_runtime` is re-exported at the root (`metacore::api`,
//! `metacore::registry`, `metacore::types`, `metacore::cli`, …), with the
//! [`model`] attribute, which declares a data model in Rust exactly as a manifest's
//! `models[]` entry declares it (see [`macro@model`]).
//!
//! # sea-orm
//!
//! [`sea_orm`] is re-exported too, and code from `#[metacore::model]` reaches it only
//! through this crate, so an application needs no direct `sea-orm` dependency for its models
//! to compile. This works because sea-orm's derive macros (`DeriveEntityModel`,
//! `DeriveRelation`, `EnumIter`, …) write their paths as `sea_orm::…` — relative, not
//! `::sea_orm::…` — so the expansion's `use ::metacore::sea_orm;` inside each model module is
//! what they resolve to. (poem-openapi's `#[OpenApi]` is different: it looks its crate up in
//! the caller's `Cargo.toml`, so an application writing its own operations depends on
//! `poem-openapi` directly.) An application that also depends on `sea-orm` itself must use the
//! same version as this crate, or the entity types will not match its own.

pub use metacore_macros::model;
pub use metacore_runtime::*;
pub use sea_orm;

/// What `#[metacore::model]` expansions name; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use metacore_runtime;
    pub use sea_orm;
}
