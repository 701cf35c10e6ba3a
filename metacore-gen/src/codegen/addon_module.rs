//! The module of one addon: `src/<addon>/mod.rs` with its registry descriptor, one entity
//! file per model (`entities/<table>.rs`), `permissions.rs`, and the JSON documents the server serves
//! (`metadata/<table>.table.json`, `metadata/<table>.modal.json`, `navigation.json`,
//! `permissions.json`, `legacy_manifest.json`), embedded with `include_str!`.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) use super::handlers::{embedded_backend, BACKEND_FILE};
use super::names::snake_ident;
use super::references::AddonReferences;
use super::{api, descriptor, entity, handlers, permissions, rust_file};
use crate::ir::{Addon, Model};
use crate::ui::{self, PermissionTable};

/// The files of `addon`'s module, relative to `src/<addon>/`.
pub fn emit(addon: &Addon, manifest: &str, backend: Option<&[u8]>) -> Vec<(PathBuf, String)> {
    let table = ui::permissions(addon);
    let references = AddonReferences::of(addon);
    let table_metadata: Vec<serde_json::Value> = addon
        .models
        .iter()
        .map(|m| ui::table_metadata(addon, m))
        .collect();
    let mut files = vec![
        (
            PathBuf::from("mod.rs"),
            module_file(&references, manifest, backend, &table, &table_metadata),
        ),
        (PathBuf::from("permissions.rs"), permissions::emit(&table)),
        (
            PathBuf::from("navigation.json"),
            json_text(&ui::navigation(addon)),
        ),
        (PathBuf::from("permissions.json"), json_text(&table)),
        (
            PathBuf::from("legacy_manifest.json"),
            json_text(&ui::legacy_manifest(addon)),
        ),
    ];
    if !addon.models.is_empty() {
        files.push((PathBuf::from("entities/mod.rs"), entities_file(addon)));
    }
    if let Some(api) = api::emit(addon, manifest) {
        files.push((PathBuf::from("api.rs"), api));
    }
    for (model, table_json) in addon.models.iter().zip(&table_metadata) {
        files.push((
            PathBuf::from(format!("entities/{}.rs", model.table)),
            entity::emit(&references, model, manifest),
        ));
        files.push((metadata_path(model, "table"), json_text(table_json)));
        files.push((
            metadata_path(model, "modal"),
            json_text(&ui::modal_metadata(addon, model)),
        ));
    }
    files
}

/// `metadata/<table>.<kind>.json` (`kind`: `table` or `modal`).
pub(crate) fn metadata_path(model: &Model, kind: &str) -> PathBuf {
    PathBuf::from(format!("metadata/{}.{kind}.json", model.table))
}

/// Pretty JSON with a final newline (keys sorted: serde_json maps are ordered).
fn json_text(value: &impl serde::Serialize) -> String {
    super::values::document_text(value)
}

fn module_file(
    references: &AddonReferences,
    manifest: &str,
    backend: Option<&[u8]>,
    table: &PermissionTable,
    table_metadata: &[serde_json::Value],
) -> String {
    let addon = references.addon();
    let mut doc = vec![format!(
        " Addon `{}` ({}) version {}, compiled from `{manifest}`.",
        addon.key, addon.name, addon.version
    )];
    if let Some(description) = &addon.info.description {
        doc.push(String::new());
        doc.push(format!(" {description}"));
    }
    let entities = (!addon.models.is_empty()).then(|| {
        quote!(
            pub mod api;
            pub mod entities;
        )
    });
    let model_consts = addon
        .models
        .iter()
        .zip(table_metadata)
        .map(|(m, table_json)| {
            let ident = descriptor::descriptor_ident(m);
            let doc = format!(" Model `{}`, served at `/api/data/{}`.", m.key, m.table);
            let value = descriptor::model_descriptor(
                references,
                m,
                table,
                table_json,
                &descriptor::Documents::Files,
            );
            quote! {
                #[doc = #doc]
                pub const #ident: ModelDescriptor = #value;
            }
        });
    let mut imports = vec![quote!(AddonDescriptor), quote!(BackendDescriptor)];
    if !addon.models.is_empty() {
        imports.extend([
            quote!(ColumnDescriptor),
            quote!(ColumnKind),
            quote!(ColumnRole),
            quote!(ModelDescriptor),
        ]);
    }
    let mut handler_used = false;
    let mut import_if = |used: bool, name: TokenStream| {
        if used {
            handler_used = true;
            imports.push(name);
        }
    };
    import_if(!addon.actions.is_empty(), quote!(ActionDescriptor));
    import_if(
        addon.lifecycle.hooks().next().is_some() || !addon.lifecycle.upgrade.is_empty(),
        quote!(HookDescriptor),
    );
    import_if(
        !addon.subscriptions.is_empty(),
        quote!(SubscriptionDescriptor),
    );
    import_if(!addon.tools.is_empty(), quote!(ToolDescriptor));
    if !addon.notifications.is_empty() {
        imports.extend([quote!(Audience), quote!(NotificationRule)]);
        if addon
            .notifications
            .iter()
            .any(|r| !r.when.is_empty() || r.entered.is_some())
        {
            imports.push(quote!(PayloadFilter));
        }
    }
    if handler_used {
        imports.push(quote!(Handler));
    }
    if addon
        .actions
        .iter()
        .any(|a| a.all_fields().next().is_some())
    {
        imports.extend([quote!(FormField), quote!(FormValue)]);
    }
    if !addon.settings.is_empty() {
        imports.push(quote!(SettingDescriptor));
    }
    if !addon.wasm_handlers().is_empty() {
        imports.push(quote!(WasmHandlerRef));
    }
    let addon_value = addon_descriptor(
        addon,
        manifest,
        backend,
        &AddonDocuments {
            navigation: quote!(include_str!("navigation.json")),
            permission_table: quote!(include_str!("permissions.json")),
            legacy_manifest: quote!(include_str!("legacy_manifest.json")),
        },
    );
    let tokens = quote! {
        #(#![doc = #doc])*

        use metacore_runtime::registry::{#(#imports),*};

        #entities
        pub mod permissions;

        #(#model_consts)*

        /// This addon, for the registry.
        pub const ADDON: AddonDescriptor = #addon_value;
    };
    rust_file(tokens)
}

/// The JSON documents of an addon descriptor, as `&'static str` expressions.
pub(crate) struct AddonDocuments {
    /// `navigation_json`.
    pub navigation: TokenStream,
    /// `permission_table_json`.
    pub permission_table: TokenStream,
    /// `legacy_manifest_json`.
    pub legacy_manifest: TokenStream,
}

/// `AddonDescriptor { … }` of `addon`. Its models are the `<TABLE>_MODEL` constants and its
/// capabilities the `permissions` module's, both beside it; the registry types it names
/// must be in scope.
pub(crate) fn addon_descriptor(
    addon: &Addon,
    manifest: &str,
    backend: Option<&[u8]>,
    documents: &AddonDocuments,
) -> TokenStream {
    let key = &addon.key;
    let name = &addon.name;
    let version = addon.version.to_string();
    let ir_sha256 = crate::canonical::ir_sha256(addon);
    let models = addon.models.iter().map(descriptor::descriptor_ident);
    let actions = handlers::actions(addon);
    let tools = handlers::tools(addon);
    let subscriptions = handlers::subscriptions(addon);
    let notifications = handlers::notifications(addon);
    let hooks = handlers::hooks(addon);
    let settings = handlers::settings(addon);
    let backend = handlers::backend(addon, backend);
    let AddonDocuments {
        navigation,
        permission_table,
        legacy_manifest,
    } = documents;
    quote! {
        AddonDescriptor {
            key: #key,
            name: #name,
            version: #version,
            manifest: #manifest,
            ir_sha256: #ir_sha256,
            models: &[#(#models),*],
            permissions: permissions::ADDON,
            roles: permissions::ROLES,
            capabilities: permissions::DECLARED,
            navigation_json: #navigation,
            permission_table_json: #permission_table,
            legacy_manifest_json: #legacy_manifest,
            actions: #actions,
            tools: #tools,
            subscriptions: #subscriptions,
            notifications: #notifications,
            hooks: #hooks,
            settings: #settings,
            backend: #backend,
        }
    }
}

fn entities_file(addon: &Addon) -> String {
    let mut doc = vec![format!(
        " The sea-orm entities of addon `{}`, one module per model:",
        addon.key
    )];
    doc.push(String::new());
    for model in &addon.models {
        doc.push(format!(" * [`{}`] — model `{}`", model.table, model.key));
    }
    let modules = addon.models.iter().map(|m| snake_ident(&m.table));
    rust_file(quote! {
        #(#![doc = #doc])*

        #(pub mod #modules;)*
    })
}
