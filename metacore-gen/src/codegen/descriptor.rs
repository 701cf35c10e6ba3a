//! The `ModelDescriptor` of each model inside an addon's `ADDON` constant: what the runtime's
//! HTTP layer needs to serve the model without the manifest — its physical table, tenancy
//! column, columns with their types and server roles, display and search columns, unique
//! column sets, capabilities and the metadata documents.

use proc_macro2::TokenStream;
use quote::quote;

use super::addon_module::metadata_path;
use super::names::snake_ident;
use super::references::AddonReferences;
use super::tokens::ToRust;
use super::values;
use crate::ir::Model;
use crate::ui::PermissionTable;

/// The name of the model's descriptor constant in its addon module (`CUSTOMERS_MODEL`).
pub(crate) fn descriptor_ident(model: &Model) -> proc_macro2::Ident {
    super::names::const_ident(&format!("{}_model", model.table))
}

/// Where a descriptor takes its metadata documents from.
pub(crate) enum Documents {
    /// `include_str!` of `metadata/<table>.{table,modal}.json` beside the addon module (the
    /// generated crate).
    Files,
    /// Expressions of type `&'static str` (the table document, then the modal one), such as
    /// constants holding the JSON text (`#[metacore::model]`).
    Inline(TokenStream, TokenStream),
}

/// `ModelDescriptor { … }` for `model`, whose ungated table metadata is `table_json`: the
/// value of [`values::model_descriptor`]. Its capabilities are `permissions::<table>::ALL`
/// when the model has any (a `permissions` module beside the descriptor, as
/// [`super::permissions`] writes it).
pub(crate) fn model_descriptor(
    references: &AddonReferences,
    model: &Model,
    table: &PermissionTable,
    table_json: &serde_json::Value,
    documents: &Documents,
) -> TokenStream {
    let value = values::model_descriptor(references, model, table, table_json, ("", ""));
    let key = value.key;
    let route = value.route;
    let physical = value.physical_table;
    let tenancy = value.tenancy_column.to_rust();
    let soft_delete = value.soft_delete;
    let capabilities = if table.models.iter().any(|m| m.table == model.table) {
        let module = snake_ident(&model.table);
        quote!(permissions::#module::ALL)
    } else {
        quote!(&[])
    };
    let columns = value.columns.to_rust();
    let display = value.display_column;
    let search = value.search_columns.to_rust();
    let row_counts = value.row_counts;
    let search_index = value.search_index.to_rust();
    let search_document = value.search_document;
    let search_scan = value.search_scan;
    let per_page = value.default_per_page.to_rust();
    let unique = value.unique.to_rust();
    let (table_document, modal_document) = match documents {
        Documents::Files => {
            let metadata = |kind: &str| metadata_path(model, kind).display().to_string();
            let (table_path, modal_path) = (metadata("table"), metadata("modal"));
            (
                quote!(include_str!(#table_path)),
                quote!(include_str!(#modal_path)),
            )
        }
        Documents::Inline(table, modal) => (table.clone(), modal.clone()),
    };
    quote! {
        ModelDescriptor {
            key: #key,
            route: #route,
            physical_table: #physical,
            tenancy_column: #tenancy,
            soft_delete: #soft_delete,
            capabilities: #capabilities,
            columns: #columns,
            display_column: #display,
            search_columns: #search,
            default_per_page: #per_page,
            unique: #unique,
            table_metadata_json: #table_document,
            modal_metadata_json: #modal_document,
            row_counts: #row_counts,
            search_index: #search_index,
            search_document: #search_document,
            search_scan: #search_scan,
            rule: None,
        }
    }
}
