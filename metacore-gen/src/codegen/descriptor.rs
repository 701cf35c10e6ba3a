//! The `ModelDescriptor` of each model inside an addon's `ADDON` constant: what the runtime's
//! HTTP layer needs to serve the model without the manifest — its physical table, tenancy
//! column, columns with their types and server roles, display and search columns, unique
//! column sets, capabilities and the metadata documents.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::addon_module::metadata_path;
use super::names::snake_ident;
use super::references::AddonReferences;
use super::schema::physical_table;
use crate::ir::{Column, ColumnType, Model, SystemRole};
use crate::ui::{self, PermissionTable};

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

/// `ModelDescriptor { … }` for `model`, whose ungated table metadata is `table_json`. Its
/// capabilities are `permissions::<table>::ALL` when the model has any (a `permissions`
/// module beside the descriptor, as [`super::permissions`] writes it).
pub(crate) fn model_descriptor(
    references: &AddonReferences,
    model: &Model,
    table: &PermissionTable,
    table_json: &serde_json::Value,
    documents: &Documents,
) -> TokenStream {
    let addon = references.addon();
    let key = &model.key;
    let route = &model.table;
    let physical = physical_table(&addon.key, &model.table);
    let tenancy = option_str(model.tenancy_column().map(|c| c.name.as_str()));
    let soft_delete = model.soft_delete();
    let capabilities = if table.models.iter().any(|m| m.table == model.table) {
        let module = snake_ident(&model.table);
        quote!(permissions::#module::ALL)
    } else {
        quote!(&[])
    };
    let columns = model
        .columns
        .iter()
        .map(|column| column_descriptor(references, model, column));
    let display = ui::display_column(model);
    let search = ui::search_column_names(model);
    let stored = super::schema::table_of(addon, model);
    let row_counts = stored.row_count.is_some();
    let search_index = &stored.search;
    let per_page = table_json["defaultPerPage"]
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(15);
    let per_page = Literal::u32_unsuffixed(per_page);
    let unique = model.indices.iter().filter(|i| i.unique).map(|index| {
        let columns = &index.columns;
        quote!(&[#(#columns),*])
    });
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
            columns: &[#(#columns),*],
            display_column: #display,
            search_columns: &[#(#search),*],
            default_per_page: #per_page,
            unique: &[#(#unique),*],
            table_metadata_json: #table_document,
            modal_metadata_json: #modal_document,
            row_counts: #row_counts,
            search_index: &[#(#search_index),*],
            rule: None,
        }
    }
}

fn column_descriptor(references: &AddonReferences, model: &Model, column: &Column) -> TokenStream {
    let name = &column.name;
    let kind = column_kind(column.column_type);
    let nullable = column.nullable;
    let role = column_role(column);
    let has_default = column.default.is_some() || column.generated.is_some();
    let generated = column.generated.is_some();
    let options: Vec<String> = ui::static_option_values(column);
    let reference = option_str(
        references
            .from(model)
            .iter()
            .find(|r| r.column == column.name && r.target_column == "id")
            .map(|r| r.target.table.as_str()),
    );
    quote! {
        ColumnDescriptor {
            name: #name,
            kind: #kind,
            nullable: #nullable,
            role: #role,
            has_default: #has_default,
            generated: #generated,
            options: &[#(#options),*],
            reference: #reference,
        }
    }
}

fn column_kind(column_type: ColumnType) -> TokenStream {
    match column_type {
        ColumnType::Uuid => quote!(ColumnKind::Uuid),
        ColumnType::Text => quote!(ColumnKind::Text),
        ColumnType::Varchar(n) => {
            let n = Literal::u32_unsuffixed(n);
            quote!(ColumnKind::Varchar(#n))
        }
        ColumnType::Integer => quote!(ColumnKind::Integer),
        ColumnType::Bigint => quote!(ColumnKind::Bigint),
        ColumnType::Numeric(Some((precision, scale))) => {
            let (precision, scale) = (
                Literal::u32_unsuffixed(precision),
                Literal::u32_unsuffixed(scale),
            );
            quote!(ColumnKind::Numeric(Some((#precision, #scale))))
        }
        ColumnType::Numeric(None) => quote!(ColumnKind::Numeric(None)),
        ColumnType::Boolean => quote!(ColumnKind::Boolean),
        ColumnType::Timestamp => quote!(ColumnKind::Timestamp),
        ColumnType::Timestamptz => quote!(ColumnKind::Timestamptz),
        ColumnType::Date => quote!(ColumnKind::Date),
        // Vector columns never reach a build (MC0903).
        ColumnType::Json | ColumnType::Jsonb | ColumnType::Vector(_) => quote!(ColumnKind::Json),
    }
}

fn column_role(column: &Column) -> TokenStream {
    match column.role {
        SystemRole::Id => quote!(ColumnRole::Id),
        SystemRole::Tenancy => quote!(ColumnRole::Tenancy),
        SystemRole::CreatedAt => quote!(ColumnRole::CreatedAt),
        SystemRole::UpdatedAt => quote!(ColumnRole::UpdatedAt),
        SystemRole::DeletedAt => quote!(ColumnRole::DeletedAt),
        SystemRole::None if is_actor(column, "created_by") => quote!(ColumnRole::CreatedBy),
        SystemRole::None if is_actor(column, "updated_by") => quote!(ColumnRole::UpdatedBy),
        SystemRole::None => quote!(ColumnRole::Data),
    }
}

/// `created_by_id` / `created_by` declared as `uuid` (`http-api.md` §4.1 step 7).
fn is_actor(column: &Column, stem: &str) -> bool {
    column.column_type == ColumnType::Uuid
        && (column.name == stem || column.name == format!("{stem}_id"))
}

/// `Some("…")` or `None`.
pub(crate) fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}
