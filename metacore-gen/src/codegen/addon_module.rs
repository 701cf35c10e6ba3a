//! The module of one addon: `src/<addon>/mod.rs` with its descriptor, and one entity file per
//! model.

use std::path::PathBuf;

use quote::quote;

use super::names::snake_ident;
use super::schema::physical_table;
use super::{entity, rust_file};
use crate::ir::{Addon, Model};

/// The files of `addon`'s module, relative to `src/<addon>/`.
pub fn emit(addon: &Addon, manifest: &str) -> Vec<(PathBuf, String)> {
    let mut files = vec![(PathBuf::from("mod.rs"), module_file(addon, manifest))];
    for model in &addon.models {
        files.push((
            PathBuf::from(format!("{}.rs", model.table)),
            entity::emit(addon, model, manifest),
        ));
    }
    files
}

fn module_file(addon: &Addon, manifest: &str) -> String {
    let mut doc = vec![format!(
        " Addon `{}` ({}) version {}, compiled from `{manifest}`.",
        addon.key, addon.name, addon.version
    )];
    if let Some(description) = &addon.info.description {
        doc.push(String::new());
        doc.push(format!(" {description}"));
    }
    if !addon.models.is_empty() {
        doc.push(String::new());
        doc.push(" Entities:".into());
        for model in &addon.models {
            doc.push(format!(" * [`{}`] — model `{}`", model.table, model.key));
        }
    }
    let modules = addon.models.iter().map(|m| snake_ident(&m.table));
    let key = &addon.key;
    let name = &addon.name;
    let version = addon.version.to_string();
    let models = addon.models.iter().map(|m| model_descriptor(addon, m));
    let imports = if addon.models.is_empty() {
        quote!(AddonDescriptor)
    } else {
        quote!({ AddonDescriptor, ModelDescriptor })
    };
    let tokens = quote! {
        #(#![doc = #doc])*

        use metacore_runtime::registry::#imports;

        #(pub mod #modules;)*

        /// This addon, for the registry.
        pub const ADDON: AddonDescriptor = AddonDescriptor {
            key: #key,
            name: #name,
            version: #version,
            manifest: #manifest,
            models: &[#(#models),*],
        };
    };
    rust_file(tokens)
}

fn model_descriptor(addon: &Addon, model: &Model) -> proc_macro2::TokenStream {
    let key = &model.key;
    let route = &model.table;
    let physical = physical_table(&addon.key, &model.table);
    let tenancy = match model.tenancy_column() {
        Some(column) => {
            let name = &column.name;
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    let soft_delete = model.soft_delete();
    quote! {
        ModelDescriptor {
            key: #key,
            route: #route,
            physical_table: #physical,
            tenancy_column: #tenancy,
            soft_delete: #soft_delete,
        }
    }
}
