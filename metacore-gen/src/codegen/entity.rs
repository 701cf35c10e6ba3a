//! One sea-orm entity per model: `src/<addon>/entities/<table>.rs`.
//!
//! The entity is the typed view of a row: one field per column with the Rust type of
//! `manifest.md` §4.1 (nullable → `Option`), the primary key, and the relations the manifest
//! implies — `belongs_to` for every column that references another model of the addon (a
//! `ref`, a single-column foreign key, a v2 `*_id` picker), `has_many` on the other side, and
//! `Related` impls where the relation to a model is unambiguous.

use proc_macro2::TokenStream;
use quote::quote;

use super::names::{camel_ident, is_escaped, snake_ident, upper_camel};
use super::rust_file;
use super::schema::physical_table;
use crate::ir::{Addon, Column, ColumnType, Model, SystemRole};

/// The entity module of `model`, formatted. `manifest` names the file it came from.
pub fn emit(addon: &Addon, model: &Model, manifest: &str) -> String {
    let table = physical_table(&addon.key, &model.table);
    let module_doc = format!(
        " The `{}` table of addon `{}`: model `{}`, declared in `{manifest}`.",
        model.table, addon.key, model.key
    );
    let model_doc = match &model.label {
        Some(label) => format!(" A row of `{}` ({label}).", model.table),
        None => format!(" A row of `{}`.", model.table),
    };
    let fields = model.columns.iter().map(field);
    let relations = relations_of(addon, model);
    let variants = relations.iter().map(RelationVariant::tokens);
    let related = related_impls(&relations);
    let tokens = quote! {
        #![doc = #module_doc]

        use sea_orm::entity::prelude::*;

        #[doc = #model_doc]
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = #table)]
        pub struct Model {
            #(#fields)*
        }

        /// The relations of this model to the addon's other models.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {
            #(#variants)*
        }

        #(#related)*

        impl ActiveModelBehavior for ActiveModel {}
    };
    rust_file(tokens)
}

/// The Rust type of a column's values (non-null).
pub fn rust_type(column_type: ColumnType) -> TokenStream {
    match column_type {
        ColumnType::Uuid => quote!(Uuid),
        ColumnType::Text | ColumnType::Varchar(_) => quote!(String),
        ColumnType::Integer => quote!(i32),
        ColumnType::Bigint => quote!(i64),
        ColumnType::Numeric(_) => quote!(metacore_runtime::types::Numeric),
        ColumnType::Boolean => quote!(bool),
        ColumnType::Timestamp => quote!(DateTime),
        ColumnType::Timestamptz => quote!(DateTimeUtc),
        ColumnType::Date => quote!(Date),
        ColumnType::Json | ColumnType::Jsonb => quote!(Json),
        // Refused at build (MC0903) before emission; kept total for safety.
        ColumnType::Vector(_) => quote!(Json),
    }
}

/// The `column_type` attribute sea-orm needs where the Rust type alone is ambiguous.
fn column_type_attr(column_type: ColumnType) -> Option<String> {
    match column_type {
        ColumnType::Text => Some("Text".into()),
        ColumnType::Varchar(n) => Some(format!("String(StringLen::N({n}))")),
        ColumnType::Numeric(Some((p, s))) => Some(format!("Decimal(Some(({p}, {s})))")),
        ColumnType::Numeric(None) => Some("Decimal(None)".into()),
        ColumnType::Jsonb => Some("JsonBinary".into()),
        _ => None,
    }
}

fn field(column: &Column) -> TokenStream {
    let name = snake_ident(&column.name);
    let mut ty = rust_type(column.column_type);
    let nullable = column.nullable && !matches!(column.role, SystemRole::Id | SystemRole::Tenancy);
    if nullable {
        ty = quote!(Option<#ty>);
    }
    let doc = column_doc(column, nullable);
    let mut attrs = Vec::new();
    if column.primary_key {
        attrs.push(quote!(primary_key, auto_increment = false));
    }
    if is_escaped(&column.name) {
        let column_name = &column.name;
        attrs.push(quote!(column_name = #column_name));
    }
    if let Some(column_type) = column_type_attr(column.column_type) {
        attrs.push(quote!(column_type = #column_type));
    }
    let attr = (!attrs.is_empty()).then(|| quote!(#[sea_orm(#(#attrs),*)]));
    quote! {
        #[doc = #doc]
        #attr
        pub #name: #ty,
    }
}

fn column_doc(column: &Column, nullable: bool) -> String {
    let mut doc = format!(" `{}`", column.column_type.canonical());
    if !nullable {
        doc.push_str(" NOT NULL");
    }
    let role = match column.role {
        SystemRole::Id => " — the primary key.",
        SystemRole::Tenancy => " — the organisation that owns the row (tenancy column).",
        SystemRole::CreatedAt => " — set by the server on create.",
        SystemRole::UpdatedAt => " — set by the server on every write.",
        SystemRole::DeletedAt => " — set when the row is soft-deleted.",
        SystemRole::None => "",
    };
    doc.push_str(role);
    if let Some(label) = column.label.as_ref().or(column.comment.as_ref()) {
        if role.is_empty() {
            doc.push_str(": ");
        } else {
            doc.push(' ');
        }
        doc.push_str(label);
        if !label.ends_with('.') {
            doc.push('.');
        }
    } else if role.is_empty() {
        doc.push('.');
    }
    if let Some(reference) = &column.reference {
        doc.push_str(&format!(" References `{reference}`."));
    }
    doc
}

/// One variant of the `Relation` enum.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RelationVariant {
    name: String,
    /// Module of the related model (`None` for the model itself).
    target_module: Option<String>,
    kind: RelationKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RelationKind {
    /// This model's `from` column references the target's `to` column.
    BelongsTo { from: String, to: String },
    /// The target references this model.
    HasMany,
}

impl RelationVariant {
    fn entity_path(&self) -> String {
        match &self.target_module {
            Some(module) => format!("super::{}::Entity", snake_ident(module)),
            None => "Entity".into(),
        }
    }

    fn tokens(&self) -> TokenStream {
        let name = camel_ident(&self.name);
        let entity = self.entity_path();
        match &self.kind {
            RelationKind::BelongsTo { from, to } => {
                let from = format!("Column::{}", upper_camel(from));
                let to = match &self.target_module {
                    Some(module) => format!(
                        "super::{}::Column::{}",
                        snake_ident(module),
                        upper_camel(to)
                    ),
                    None => format!("Column::{}", upper_camel(to)),
                };
                let doc = format!(" The row `{}` points at.", self.source_column());
                quote! {
                    #[doc = #doc]
                    #[sea_orm(belongs_to = #entity, from = #from, to = #to)]
                    #name,
                }
            }
            RelationKind::HasMany => {
                let doc = format!(
                    " The `{}` rows that point at this row.",
                    self.target_module.as_deref().unwrap_or("self")
                );
                quote! {
                    #[doc = #doc]
                    #[sea_orm(has_many = #entity)]
                    #name,
                }
            }
        }
    }

    fn source_column(&self) -> &str {
        match &self.kind {
            RelationKind::BelongsTo { from, .. } => from,
            RelationKind::HasMany => "",
        }
    }
}

/// A single-column reference from `model` to a model of the same addon.
pub(crate) struct Reference<'a> {
    /// The referencing column.
    pub column: &'a str,
    /// The referenced model.
    pub target: &'a Model,
    /// The referenced column (`id` unless a foreign key says otherwise).
    pub target_column: String,
}

/// The references the entity turns into `belongs_to` relations.
pub(crate) fn references_of<'a>(addon: &'a Addon, model: &'a Model) -> Vec<Reference<'a>> {
    let mut out: Vec<Reference<'a>> = Vec::new();
    for fk in &model.foreign_keys {
        if let ([column], Some(target)) = (
            fk.columns.as_slice(),
            addon.find_model_ref(&fk.target_model),
        ) {
            let target_column = fk
                .target_columns
                .first()
                .cloned()
                .unwrap_or_else(|| "id".into());
            if target.column(&target_column).is_some() && model.column(column).is_some() {
                out.push(Reference {
                    column,
                    target,
                    target_column,
                });
            }
        }
    }
    for column in &model.columns {
        let declared = column
            .reference
            .as_deref()
            .and_then(|r| addon.find_model_ref(r));
        let Some(target) = declared.or_else(|| picker_target(addon, model, column)) else {
            continue;
        };
        if target.column("id").is_some() && !out.iter().any(|r| r.column == column.name) {
            out.push(Reference {
                column: &column.name,
                target,
                target_column: "id".into(),
            });
        }
    }
    // A relation needs both ends of the same Rust type.
    out.retain(|r| {
        let from = model.column(r.column).map(|c| c.column_type);
        let to = r.target.column(&r.target_column).map(|c| c.column_type);
        from.is_some() && from == to
    });
    out
}

/// The model a v2 `*_id` picker column selects from: the `searchEndpoint` its inline table
/// or modal metadata gives it (`asset_categories`, `/options/asset_categories?field=id`), or
/// else a model whose table or key is the column's stem (`project_id` → `projects`).
fn picker_target<'a>(addon: &'a Addon, model: &Model, column: &Column) -> Option<&'a Model> {
    let stem = column.name.strip_suffix("_id")?;
    if column.column_type != ColumnType::Uuid {
        return None;
    }
    let endpoint = [&model.table_ui, &model.modal_ui]
        .into_iter()
        .flatten()
        .find_map(|ui| search_endpoint_for(ui, &column.name));
    if let Some(endpoint) = endpoint {
        let table = endpoint
            .trim_start_matches("/options/")
            .split(['?', '/'])
            .next()
            .unwrap_or_default();
        return addon.find_model(table);
    }
    addon.models.iter().find(|m| {
        m.table == stem || m.table == format!("{stem}s") || m.key.eq_ignore_ascii_case(stem)
    })
}

/// The `searchEndpoint` of the entry describing `column` anywhere in inline UI metadata.
fn search_endpoint_for<'j>(ui: &'j serde_json::Value, column: &str) -> Option<&'j str> {
    match ui {
        serde_json::Value::Object(map) => {
            let names_column = ["key", "column", "name"]
                .iter()
                .any(|k| map.get(*k).and_then(|v| v.as_str()) == Some(column));
            let own = map.get("searchEndpoint").and_then(|v| v.as_str());
            match (names_column, own) {
                (true, Some(endpoint)) => Some(endpoint),
                _ => map.values().find_map(|v| search_endpoint_for(v, column)),
            }
        }
        serde_json::Value::Array(items) => {
            items.iter().find_map(|v| search_endpoint_for(v, column))
        }
        _ => None,
    }
}

fn relations_of(addon: &Addon, model: &Model) -> Vec<RelationVariant> {
    let mut variants: Vec<RelationVariant> = Vec::new();
    let mut push = |mut variant: RelationVariant, disambiguator: &str| {
        if variants.iter().any(|v| v.name == variant.name) {
            variant.name = format!("{}_by_{disambiguator}", variant.name);
        }
        variants.push(variant);
    };
    for reference in references_of(addon, model) {
        let base = reference
            .column
            .strip_suffix("_id")
            .unwrap_or(reference.column);
        let same = reference.target.table == model.table;
        push(
            RelationVariant {
                name: base.to_string(),
                target_module: (!same).then(|| reference.target.table.clone()),
                kind: RelationKind::BelongsTo {
                    from: reference.column.to_string(),
                    to: reference.target_column.clone(),
                },
            },
            reference.column,
        );
    }
    for other in &addon.models {
        if other.table == model.table {
            continue;
        }
        for reference in references_of(addon, other) {
            if reference.target.table == model.table {
                push(
                    RelationVariant {
                        name: other.table.clone(),
                        target_module: Some(other.table.clone()),
                        kind: RelationKind::HasMany,
                    },
                    reference.column,
                );
            }
        }
    }
    variants
}

/// The models `model` belongs to through a `Related` impl (exactly one relation to them).
pub(crate) fn related_parents(addon: &Addon, model: &Model) -> Vec<String> {
    let relations = relations_of(addon, model);
    relations
        .iter()
        .filter(|v| matches!(v.kind, RelationKind::BelongsTo { .. }))
        .filter_map(|v| v.target_module.clone())
        .filter(|module| {
            relations
                .iter()
                .filter(|v| v.target_module.as_ref() == Some(module))
                .count()
                == 1
        })
        .collect()
}

fn related_impls(relations: &[RelationVariant]) -> Vec<TokenStream> {
    relations
        .iter()
        .filter_map(|variant| {
            let module = variant.target_module.as_ref()?;
            let unique = relations
                .iter()
                .filter(|v| v.target_module.as_ref() == Some(module))
                .count()
                == 1;
            unique.then(|| {
                let module = snake_ident(module);
                let name = camel_ident(&variant.name);
                quote! {
                    impl Related<super::#module::Entity> for Entity {
                        fn to() -> RelationDef {
                            Relation::#name.def()
                        }
                    }
                }
            })
        })
        .collect()
}
