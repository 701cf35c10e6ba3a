//! The module of one addon: `src/<addon>/mod.rs` with its registry descriptor, one entity
//! file per model (`entities/<table>.rs`), `permissions.rs`, and the JSON documents the server serves
//! (`metadata/<table>.table.json`, `metadata/<table>.modal.json`, `navigation.json`,
//! `permissions.json`, `legacy_manifest.json`), embedded with `include_str!`.

use std::path::PathBuf;

use quote::quote;

use super::names::snake_ident;
use super::references::AddonReferences;
use super::{api, descriptor, entity, permissions, rust_file};
use crate::ir::{Addon, Model};
use crate::ui::{self, PermissionTable};

/// The files of `addon`'s module, relative to `src/<addon>/`.
pub fn emit(addon: &Addon, manifest: &str) -> Vec<(PathBuf, String)> {
    let table = ui::permissions(addon);
    let mut files = vec![
        (
            PathBuf::from("mod.rs"),
            module_file(addon, manifest, &table),
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
    let references = AddonReferences::of(addon);
    for model in &addon.models {
        files.push((
            PathBuf::from(format!("entities/{}.rs", model.table)),
            entity::emit(&references, model, manifest),
        ));
        files.push((
            metadata_path(model, "table"),
            json_text(&ui::table_metadata(addon, model)),
        ));
        files.push((
            metadata_path(model, "modal"),
            json_text(&ui::modal_metadata(addon, model)),
        ));
    }
    files
}

fn metadata_path(model: &Model, kind: &str) -> PathBuf {
    PathBuf::from(format!("metadata/{}.{kind}.json", model.table))
}

/// Pretty JSON with a final newline (keys sorted: serde_json maps are ordered).
fn json_text(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("metadata serialises");
    text.push('\n');
    text
}

fn module_file(addon: &Addon, manifest: &str, table: &PermissionTable) -> String {
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
    let key = &addon.key;
    let name = &addon.name;
    let version = addon.version.to_string();
    let references = AddonReferences::of(addon);
    let models = addon.models.iter().map(|m| {
        let path = |kind: &str| metadata_path(m, kind).display().to_string();
        descriptor::model_descriptor(&references, m, table, &path)
    });
    let imports = if addon.models.is_empty() {
        quote!(AddonDescriptor)
    } else {
        quote!({ AddonDescriptor, ColumnDescriptor, ColumnKind, ColumnRole, ModelDescriptor })
    };
    let tokens = quote! {
        #(#![doc = #doc])*

        use metacore_runtime::registry::#imports;

        #entities
        pub mod permissions;

        /// This addon, for the registry.
        pub const ADDON: AddonDescriptor = AddonDescriptor {
            key: #key,
            name: #name,
            version: #version,
            manifest: #manifest,
            models: &[#(#models),*],
            permissions: permissions::ADDON,
            roles: permissions::ROLES,
            capabilities: permissions::DECLARED,
            navigation_json: include_str!("navigation.json"),
            permission_table_json: include_str!("permissions.json"),
            legacy_manifest_json: include_str!("legacy_manifest.json"),
        };
    };
    rust_file(tokens)
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
