//! One addon as a single, self-contained module body: what `#[metacore::model]` expands to.
//!
//! `metacore-gen build` spreads an addon over files (`mod.rs`, `entities/<table>.rs`,
//! `permissions.rs`, `api.rs`, JSON documents beside them). An attribute macro has one
//! expansion, so [`items`] assembles the same pieces — through the same emitters, not copies
//! of them — into one token stream meant to be the body of a module:
//!
//! * the sea-orm entity of each model ([`super::entity`]): `Model`, `Entity`, `Column`,
//!   `ActiveModel`, `PrimaryKey`, `Relation` (with one model, directly in the module);
//! * `<TABLE>_MODEL`, each model's `ModelDescriptor` (`super::descriptor`), and `ADDON`,
//!   the `AddonDescriptor` ([`super::addon_module`]);
//! * `permissions`, the capability constants ([`super::permissions`]);
//! * `Schema`, the marker type implementing `ModelSchema` ([`super::api`]);
//! * the served JSON documents as string constants (`TABLE_METADATA_JSON`,
//!   `MODAL_METADATA_JSON`, `NAVIGATION_JSON`, `PERMISSIONS_JSON`, `LEGACY_MANIFEST_JSON`);
//! * `POSTGRES_DDL` / `SQLITE_DDL`, the statements creating the tables ([`super::ddl`]).
//!
//! The items name the runtime `metacore_runtime` and sea-orm `sea_orm`, as generated crates
//! do; the caller's `prelude` (items placed in the module and in its `permissions`
//! submodule) brings both names into scope — the macro imports them from the `metacore`
//! facade.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::addon_module::{addon_descriptor, AddonDocuments};
use super::ddl::{self, Backend};
use super::descriptor::{self, Documents};
use super::references::AddonReferences;
use super::{api, entity, permissions};
use crate::ir::Addon;
use crate::ui;

/// The name of the marker type implementing `ModelSchema` in a module from [`items`].
pub const MARKER: &str = "Schema";

/// The body of a module holding `addon`, which has exactly one model (`None` otherwise).
/// `manifest` says where it was declared (shown in docs and `AddonDescriptor::manifest`);
/// `prelude` goes into the module and each submodule, after their inner attributes.
/// `rule`, when given, is the path of the model's [`RowRule`](metacore_core::registry::RowRule)
/// function, set in its descriptor.
pub fn items(
    addon: &Addon,
    manifest: &str,
    prelude: &TokenStream,
    rule: Option<&TokenStream>,
) -> Option<TokenStream> {
    let [model] = addon.models.as_slice() else {
        return None;
    };
    let references = AddonReferences::of(addon);
    let table = ui::permissions(addon);
    let table_json = ui::table_metadata(addon, model);
    let modal_json = ui::modal_metadata(addon, model);
    let text = |value: &serde_json::Value| value.to_string();
    let (table_text, modal_text) = (text(&table_json), text(&modal_json));
    let navigation = serde_json::to_string(&ui::navigation(addon)).expect("serialises");
    let permission_table = serde_json::to_string(&table).expect("serialises");
    let legacy = ui::legacy_manifest(addon).to_string();
    let entity = entity::tokens(&references, model, manifest);
    let permissions = permissions::tokens(&table);
    let descriptor_ident = descriptor::descriptor_ident(model);
    let descriptor = descriptor::model_descriptor(
        &references,
        model,
        &table,
        &table_json,
        &Documents::Inline(quote!(TABLE_METADATA_JSON), quote!(MODAL_METADATA_JSON)),
    );
    let addon_value = addon_descriptor(
        addon,
        manifest,
        None,
        &AddonDocuments {
            navigation: quote!(NAVIGATION_JSON),
            permission_table: quote!(PERMISSIONS_JSON),
            legacy_manifest: quote!(LEGACY_MANIFEST_JSON),
        },
    );
    let marker = api::marker_type(
        addon,
        model,
        &format_ident!("{MARKER}"),
        &quote!(#descriptor_ident),
        &quote!(ADDON.key),
        &quote!(Entity),
    );
    let marker_name = format_ident!("{MARKER}");
    let route_alias = api::marker_ident(model);
    let route_alias_doc = format!(" `{MARKER}` under the name the operations use.");
    let operations = api::operations(model);
    let (route_sort, route_facet) = api::pattern_idents(&route_alias);
    let transfer_imports = api::transfer_imports();
    let descriptor_value = match rule {
        Some(rule) => quote!(ModelDescriptor { rule: Some(#rule), ..#descriptor }),
        None => descriptor.clone(),
    };
    let postgres = ddl::create_addon(addon, Backend::Postgres);
    let sqlite = ddl::create_addon(addon, Backend::Sqlite);
    let descriptor_doc = format!(
        " Model `{}`, served at `/api/data/{}`.",
        model.key, model.table
    );
    let addon_doc = format!(
        " Addon `{}` with this model alone, for the registry (`Registry {{ addons: &[ADDON] }}`).",
        addon.key
    );
    let tag_name = &addon.key;
    let tag_description = api::tag_description(addon);
    Some(quote! {
        #entity

        #prelude
        use metacore_runtime::api::{ModelEntity, ModelSchema};
        use metacore_runtime::registry::{
            AddonDescriptor, BackendDescriptor, ColumnDescriptor, ColumnKind, ColumnRole,
            ModelDescriptor,
        };

        #[doc = #descriptor_doc]
        pub const #descriptor_ident: ModelDescriptor = #descriptor_value;

        #[doc = #addon_doc]
        pub const ADDON: AddonDescriptor = #addon_value;

        pub mod permissions {
            #permissions

            #prelude
        }

        #marker

        #[doc = #route_alias_doc]
        pub type #route_alias = #marker_name;

        pub use operations::Api;

        /// The model's HTTP operations, in a module of their own so that their imports never
        /// shadow the entity's names (`Json` above all).
        pub mod operations {
            #prelude
            use metacore_runtime::api::handlers::{self, ListParams};
            use metacore_runtime::api::{
                Call, CreateBody, CreatedAnswer, DeletedAnswer, ListAnswer, RowAnswer, UpdateBody,
            };
            #transfer_imports
            use metacore_runtime::poem_openapi::param::{Path, Query};
            use metacore_runtime::poem_openapi::payload::Json;
            use metacore_runtime::poem_openapi::OpenApi;
            use sea_orm::prelude::Uuid;

            use metacore_runtime::api::Tag;

            use super::{#route_alias, #route_sort, #route_facet};

            /// The OpenAPI tag grouping the model's operations: its addon's key, and what it is.
            const TAG: Tag = Tag {
                name: #tag_name,
                description: #tag_description,
            };

            /// The model's HTTP operations (list, create, get, update, delete under
            /// `/api/data/<route>`), as the generated crate serves a manifest model's.
            pub struct Api;

            #[OpenApi(tag = "TAG")]
            impl Api {
                #operations
            }
        }

        /// The ungated `TableMetadata` of the model (`http-api.md` §6.2), as served.
        pub const TABLE_METADATA_JSON: &str = #table_text;
        /// The `ModalMetadata` of the model (§6.4), as served.
        pub const MODAL_METADATA_JSON: &str = #modal_text;
        /// The addon's navigation contribution.
        pub const NAVIGATION_JSON: &str = #navigation;
        /// The addon's permission catalogue entry.
        pub const PERMISSIONS_JSON: &str = #permission_table;
        /// The legacy flat projection of the addon.
        pub const LEGACY_MANIFEST_JSON: &str = #legacy;

        /// The statements creating the model's table and indices on PostgreSQL, in order.
        pub const POSTGRES_DDL: &[&str] = &[#(#postgres),*];
        /// The statements creating the model's table and indices on SQLite, in order.
        pub const SQLITE_DDL: &[&str] = &[#(#sqlite),*];
    })
}
