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
use super::references::AddonReferences;
use super::rust_file;
use super::schema::physical_table;
use crate::ir::{Column, ColumnType, Model, SystemRole};

/// The entity module of `model`, formatted. `manifest` names the file it came from.
pub(crate) fn emit(references: &AddonReferences, model: &Model, manifest: &str) -> String {
    rust_file(tokens(references, model, manifest))
}

/// The items of `model`'s entity module (`Model`, `Relation`, the derived `Entity`,
/// `Column`, `ActiveModel`, …), starting with the module's inner doc attribute. They name
/// `sea_orm` and `metacore_runtime` by relative paths, so a caller can bring either crate
/// into scope under that name (`#[metacore::model]` re-exports both through the facade).
pub(crate) fn tokens(references: &AddonReferences, model: &Model, manifest: &str) -> TokenStream {
    let addon = references.addon();
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
    let relations = relations_of(references, model);
    let variants = relations.iter().map(RelationVariant::tokens);
    let related = related_impls(&relations);
    quote! {
        #![doc = #module_doc]

        use sea_orm::entity::prelude::*;

        #[doc = #model_doc]
        #[derive(
            Clone,
            Debug,
            PartialEq,
            DeriveEntityModel,
            metacore_runtime::serde::Serialize,
            metacore_runtime::serde::Deserialize,
        )]
        #[serde(crate = "metacore_runtime::serde")]
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
    }
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
    let mut rename = None;
    if is_escaped(&column.name) {
        let column_name = &column.name;
        attrs.push(quote!(column_name = #column_name));
        rename = Some(quote!(#[serde(rename = #column_name)]));
    }
    if let Some(column_type) = column_type_attr(column.column_type) {
        attrs.push(quote!(column_type = #column_type));
    }
    let attr = (!attrs.is_empty()).then(|| quote!(#[sea_orm(#(#attrs),*)]));
    quote! {
        #[doc = #doc]
        #attr
        #rename
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

fn relations_of(references: &AddonReferences, model: &Model) -> Vec<RelationVariant> {
    let mut variants: Vec<RelationVariant> = Vec::new();
    let mut push = |mut variant: RelationVariant, disambiguator: &str| {
        if variants.iter().any(|v| v.name == variant.name) {
            variant.name = format!("{}_by_{disambiguator}", variant.name);
        }
        variants.push(variant);
    };
    for reference in references.from(model) {
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
    for (other, reference) in references.to(model) {
        push(
            RelationVariant {
                name: other.table.clone(),
                target_module: Some(other.table.clone()),
                kind: RelationKind::HasMany,
            },
            reference.column,
        );
    }
    variants
}

/// The models `model` belongs to through a `Related` impl (exactly one relation to them).
pub(crate) fn related_parents(references: &AddonReferences, model: &Model) -> Vec<String> {
    let relations = relations_of(references, model);
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
