//! metacore procedural macros: `#[metacore::model]` (use it through the `metacore` crate).
//!
//! # What it does
//!
//! `#[metacore::model]` declares a data model in Rust **exactly as a manifest does**. From the
//! struct it builds the equivalent Module Contract v3 manifest — one addon holding this one
//! model, `shared` tenancy on `organization_id`, and the columns a manifest declares besides
//! the fields: `id uuid` (primary key, default `gen_random_uuid()`), `organization_id uuid
//! NOT NULL`, `created_at`/`updated_at timestamptz NOT NULL DEFAULT now()` (unless
//! `timestamps = false`) and `deleted_at timestamptz` with `soft_delete` — and runs it through
//! the compiler's own front end (`metacore_gen::frontend::load`: structural pass, lowering,
//! every semantic check, then the build-only checks). The IR it gets back goes through the
//! same emitters `metacore-gen build` uses (`metacore_gen::codegen::model_module`). There is
//! no second lowering: a model is valid here exactly when the manifest would be.
//!
//! ```ignore
//! use metacore::sea_orm::prelude::DateTimeUtc;
//!
//! #[metacore::model(addon = "crm", table = "contacts", key = "Contact", label = "Contacts")]
//! #[derive(Clone, Debug)]
//! pub struct Contact {
//!     #[metacore(max_length = 120, label = "Name")]
//!     pub name: String,
//!     #[metacore(unique)]
//!     pub email: Option<String>,
//!     #[metacore(options = ["lead", "customer"], default = "lead")]
//!     pub stage: String,
//!     pub score: i32,
//! }
//! ```
//!
//! # Attributes
//!
//! `#[metacore::model(…)]`: `addon` (required: the addon key), `table` (default: the struct
//! name in snake_case), `key` (default: the struct name), `label`, `name` (the addon's display
//! name; default the key), `version` (default the crate's `CARGO_PKG_VERSION`),
//! `description`, `soft_delete`, `timestamps = false`.
//!
//! `#[metacore(…)]` on a field, named as the manifest's column keys: `name` (the column, default
//! the field name), `label`, `comment`, `display`, `widget`, `tooltip`, `description`,
//! `section`, `default` (a literal, or a SQL token such as `"now()"`), `options = ["a", "b"]`
//! (static choices, each its own label), `readonly`, `scan`; `max_length = n` (`String` →
//! `varchar(n)`), `precision`/`scale` (`numeric(p,s)`); `unique` (a unique index on
//! `(organization_id, column)`: uniqueness is per organisation) and `index`.
//!
//! Types: `Uuid` → `uuid`, `String` → `text`, `i32` → `integer`, `i64` → `bigint`, `bool` →
//! `boolean`, `Numeric`/`Decimal` → `numeric`, `DateTime<Utc>`/`DateTimeUtc` → `timestamptz`,
//! `NaiveDateTime` → `timestamp`, `NaiveDate`/`Date` → `date`, `serde_json::Value`/`Json` →
//! `jsonb`; `Option<T>` is nullable, anything else NOT NULL. Types are recognised by their last
//! path segment, so any import of them works.
//!
//! # What it produces
//!
//! The struct stays as written (minus its `#[metacore]` attributes): it is the model's data
//! without the server-managed columns, usable with any derive. Beside it, a module named
//! after it in snake_case (`contact`), with the struct's visibility, holding:
//!
//! * the sea-orm entity, as `metacore-gen build` writes `entities/<table>.rs`: `Model` (every
//!   column, the added ones included), `Entity`, `Column`, `ActiveModel`, `PrimaryKey`,
//!   `Relation`;
//! * `<TABLE>_MODEL: ModelDescriptor` (`CONTACTS_MODEL`) and `ADDON: AddonDescriptor` (the
//!   addon with this model alone);
//! * `permissions` (`permissions::contacts::{INDEX, CREATE, UPDATE, DELETE, ALL}`, `ADDON`,
//!   `ROLES`, `DECLARED`);
//! * `Schema`, the marker type implementing `metacore::api::ModelSchema`;
//! * `TABLE_METADATA_JSON`, `MODAL_METADATA_JSON`, `NAVIGATION_JSON`, `PERMISSIONS_JSON`,
//!   `LEGACY_MANIFEST_JSON`: the served documents as string constants;
//! * `POSTGRES_DDL` and `SQLITE_DDL`: the `CREATE TABLE` and `CREATE INDEX` statements.
//!
//! and `From<contact::Model> for Contact` (a row, minus the added columns) and
//! `From<Contact> for contact::ActiveModel` (the fields `Set`, the added columns `NotSet`).
//!
//! Every path in the expansion goes through `::metacore` (the runtime and sea-orm are
//! re-exported there), so an application depends on `metacore` alone.
//!
//! # Errors
//!
//! Problems are `compile_error!`s at the attribute key, value, field or type they concern:
//! unknown keys (with a "did you mean"), wrong value kinds, unsupported types, generics, tuple
//! structs, enums; and every error the compiler reports on the declared manifest, its JSON
//! pointer mapped back to what produced it (`/models/0/columns/3/type` → that field's
//! `max_length`, or its type), with the compiler's code and help. Compiler warnings and
//! notes are not shown (stable proc macros cannot emit warnings).
//!
//! # Limits
//!
//! Each `#[metacore::model]` is an addon of one model: models cannot reference each other
//! (no `ref`, foreign keys or relations), and two models with the same `addon` give two
//! `ADDON` descriptors the application merges itself (`AddonDescriptor { models: &[a, b],
//! .. }`). The expansion names the facade `::metacore`; a renamed dependency breaks it.

mod attrs;
mod expand;
mod types;

use proc_macro::TokenStream;

/// Declares a metacore data model; see the crate documentation.
#[proc_macro_attribute]
pub fn model(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(attr.into(), item.into()).into()
}

#[cfg(test)]
mod tests;
