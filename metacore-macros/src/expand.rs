//! The expansion of `#[metacore::model]`: attributes → a v3 manifest → the compiler's front
//! end → the compiler's emitters.

use std::path::Path;

use metacore_gen::codegen::{self, model_module, names::snake_ident};
use metacore_gen::diagnostics::{Diagnostic, Severity};
use metacore_gen::frontend::{self, Options, API_VERSION_V3};
use metacore_gen::suggest::snake_case;
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use serde_json::{json, Map, Value as Json};
use syn::spanned::Spanned;
use syn::{Fields, Ident, Item, ItemStruct};

use crate::attrs::{self, Entries, Kind, Spec, Value};
use crate::types::{self, Base, FieldType};

/// The keys of `#[metacore::model(…)]`.
pub const MODEL_KEYS: &[(&str, Kind)] = &[
    ("addon", Kind::Str),
    ("table", Kind::Str),
    ("key", Kind::Str),
    ("label", Kind::Str),
    ("name", Kind::Str),
    ("version", Kind::Str),
    ("description", Kind::Str),
    ("soft_delete", Kind::Bool),
    ("timestamps", Kind::Bool),
];

/// The keys of `#[metacore(…)]` on a field: the manifest's column keys.
pub const FIELD_KEYS: &[(&str, Kind)] = &[
    ("name", Kind::Str),
    ("label", Kind::Str),
    ("comment", Kind::Str),
    ("display", Kind::Str),
    ("widget", Kind::Str),
    ("tooltip", Kind::Str),
    ("description", Kind::Str),
    ("section", Kind::Str),
    ("default", Kind::Literal),
    ("max_length", Kind::UInt),
    ("precision", Kind::UInt),
    ("scale", Kind::UInt),
    ("options", Kind::StrList),
    ("unique", Kind::Bool),
    ("index", Kind::Bool),
    ("readonly", Kind::Bool),
    ("scan", Kind::Bool),
];

const MODEL_SPEC: Spec = Spec {
    attribute: "#[metacore::model(…)]",
    keys: MODEL_KEYS,
    elsewhere: ("#[metacore(…)] on a field", FIELD_KEYS),
};

const FIELD_SPEC: Spec = Spec {
    attribute: "#[metacore(…)]",
    keys: FIELD_KEYS,
    elsewhere: ("#[metacore::model(…)]", MODEL_KEYS),
};

/// The tenancy column every model has (`shared` isolation).
const TENANCY: &str = "organization_id";

/// The kernel range the declared addon requires, as the demo manifests write it.
const KERNEL: &str = ">=3.0.0 <4.0.0";

/// Expands `#[metacore::model(attr)] item`. Errors become `compile_error!`s beside the
/// struct (without its `#[metacore]` attributes), so later uses of it do not cascade.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item: Item = match syn::parse2(item) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error(),
    };
    let mut item = match item {
        Item::Struct(item) => item,
        other => {
            let span = match &other {
                Item::Enum(e) => e.enum_token.span(),
                Item::Union(u) => u.union_token.span(),
                other => other.span(),
            };
            let error = syn::Error::new(
                span,
                "`#[metacore::model]` goes on a struct with named fields (one per column)",
            );
            let mut out = error.to_compile_error();
            out.extend(other.to_token_stream());
            return out;
        }
    };
    let field_attrs = strip_field_attributes(&mut item);
    match model(attr, &item, field_attrs) {
        Ok(expansion) => quote!(#item #expansion),
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#item #error)
        }
    }
}

/// Removes the `#[metacore(…)]` attributes of each field, returning their contents.
fn strip_field_attributes(item: &mut ItemStruct) -> Vec<Vec<syn::Attribute>> {
    item.fields
        .iter_mut()
        .map(|field| {
            let (ours, theirs) = std::mem::take(&mut field.attrs)
                .into_iter()
                .partition(|a| a.path().is_ident("metacore"));
            field.attrs = theirs;
            ours
        })
        .collect()
}

/// Collects errors to report together.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish(&mut self) -> Result<(), syn::Error> {
        self.0.take().map_or(Ok(()), Err)
    }
}

/// One field, checked.
struct Field {
    ident: Ident,
    ty_span: Span,
    field_type: FieldType,
    attrs: Entries,
    column: String,
}

fn model(
    attr: TokenStream,
    item: &ItemStruct,
    field_attrs: Vec<Vec<syn::Attribute>>,
) -> Result<TokenStream, syn::Error> {
    let mut errors = Errors::default();
    let model_attrs = match attrs::parse(attr).and_then(|e| Entries::check(&MODEL_SPEC, e)) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(e);
            Entries::default()
        }
    };
    if model_attrs.get("addon").is_none() && errors.0.is_none() {
        errors.push(syn::Error::new(
            Span::call_site(),
            "missing `addon = \"…\"`: the key of the addon this model belongs to\n  = help: write `#[metacore::model(addon = \"crm\")]`",
        ));
    }
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        errors.push(syn::Error::new(
            item.generics.span(),
            "a model cannot be generic: its columns are fixed by its declaration",
        ));
    }
    let named = match &item.fields {
        Fields::Named(named) => Some(named),
        Fields::Unnamed(fields) => {
            errors.push(syn::Error::new(
                fields.span(),
                format!(
                    "a model needs named fields (one per column), not a tuple struct\n  = help: write `struct {} {{ name: String, … }}`",
                    item.ident
                ),
            ));
            None
        }
        Fields::Unit => {
            errors.push(syn::Error::new(
                item.ident.span(),
                format!(
                    "a model needs named fields (one per column)\n  = help: write `struct {} {{ name: String, … }}`",
                    item.ident
                ),
            ));
            None
        }
    };
    let mut fields = Vec::new();
    for (field, attributes) in named
        .into_iter()
        .flat_map(|n| n.named.iter())
        .zip(field_attrs)
    {
        if let Some(field) = check_field(field, attributes, &mut errors) {
            fields.push(field);
        }
    }
    errors.finish()?;
    let declaration = Declaration::new(item, &model_attrs, &fields);
    let manifest_name = format!("#[metacore::model] {}", item.ident);
    let loaded = frontend::load(
        Path::new(&manifest_name),
        declaration.manifest.to_string().as_bytes(),
        &Options {
            detached: true,
            ..Options::default()
        },
    );
    let mut failures: Vec<Diagnostic> = loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    if failures.is_empty() {
        if let Some(addon) = &loaded.addon {
            failures.extend(
                codegen::check_buildable(addon)
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error),
            );
        }
    }
    for diagnostic in &failures {
        errors.push(declaration.error(diagnostic));
    }
    errors.finish()?;
    let Some(addon) = loaded.addon else {
        return Err(syn::Error::new(
            Span::call_site(),
            "the compiler could not lower this model",
        ));
    };
    let prelude = quote! {
        #[allow(unused_imports)]
        use ::metacore::__private::metacore_runtime;
        #[allow(unused_imports)]
        use ::metacore::__private::sea_orm;
    };
    let body = model_module::items(&addon, &manifest_name, &prelude)
        .expect("the declared addon has one model");
    let ident = &item.ident;
    let vis = &item.vis;
    let module = snake_ident(&snake_case(&ident.to_string()));
    let conversions = conversions(ident, &module, &fields);
    Ok(quote! {
        #vis mod #module {
            #body
        }

        #conversions
    })
}

fn check_field(
    field: &syn::Field,
    attributes: Vec<syn::Attribute>,
    errors: &mut Errors,
) -> Option<Field> {
    let ident = field.ident.clone()?;
    let mut entries = Vec::new();
    for attribute in attributes {
        match attribute
            .meta
            .require_list()
            .and_then(|list| attrs::parse(list.tokens.clone()))
        {
            Ok(more) => entries.extend(more),
            Err(e) => errors.push(e),
        }
    }
    let entries = match Entries::check(&FIELD_SPEC, entries) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let field_type = match types::classify(&field.ty) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let mut ok = true;
    let mut only = |keys: &[&str], base: Base, what: &str| {
        for key in keys {
            if let Some(entry) = entries.get(key) {
                if field_type.base != base {
                    ok = false;
                    errors.push(syn::Error::new(
                        entry.key_span,
                        format!("`{key}` applies to {what} fields only"),
                    ));
                }
            }
        }
    };
    only(&["max_length"], Base::Text, "`String`");
    only(
        &["precision", "scale"],
        Base::Numeric,
        "`Numeric` or `Decimal`",
    );
    if entries.get("scale").is_some() && entries.get("precision").is_none() {
        ok = false;
        errors.push(syn::Error::new(
            entries.get("scale").map_or(ident.span(), |e| e.key_span),
            "`scale` needs `precision`: write `precision = 12, scale = 2` (a `numeric(12,2)` column)",
        ));
    }
    let raw = ident.to_string();
    let column = entries
        .str("name")
        .map(String::from)
        .unwrap_or_else(|| raw.strip_prefix("r#").unwrap_or(&raw).to_string());
    ok.then(|| Field {
        ty_span: field.ty.span(),
        ident,
        field_type,
        attrs: entries,
        column,
    })
}

/// Where one part of the declared manifest came from.
struct Origin {
    pointer: String,
    span: Span,
    /// The name of a column the macro adds (not a field), whose clashes are the field's.
    added_column: Option<String>,
    /// How messages call it (`field `email``).
    what: Option<String>,
}

/// The v3 manifest a `#[metacore::model]` declares, and where each part came from.
struct Declaration {
    manifest: Json,
    origins: Vec<Origin>,
}

impl Declaration {
    fn new(item: &ItemStruct, model: &Entries, fields: &[Field]) -> Self {
        let ident = &item.ident;
        let mut origins = Vec::new();
        let attr_span = |key: &str| model.get(key).map(|e| e.value_span);
        let addon_key = model.str("addon").unwrap_or_default().to_string();
        let table = model
            .str("table")
            .map(String::from)
            .unwrap_or_else(|| snake_case(&ident.to_string()));
        let key = model
            .str("key")
            .map(String::from)
            .unwrap_or_else(|| ident.to_string());
        let version = model
            .str("version")
            .map(String::from)
            .or_else(|| std::env::var("CARGO_PKG_VERSION").ok())
            .unwrap_or_else(|| "0.1.0".into());
        plain(&mut origins, String::new(), Span::call_site());
        plain(&mut origins, "/models/0".into(), ident.span());
        for (pointer, key) in [
            ("/metadata/key", "addon"),
            ("/metadata/name", "name"),
            ("/metadata/version", "version"),
            ("/metadata/description", "description"),
            ("/models/0/key", "key"),
            ("/models/0/table", "table"),
            ("/models/0/label", "label"),
        ] {
            plain(
                &mut origins,
                pointer.into(),
                attr_span(key)
                    .or(if key == "addon" || key == "version" {
                        None
                    } else {
                        Some(ident.span())
                    })
                    .unwrap_or_else(Span::call_site),
            );
        }
        let mut metadata = Map::new();
        metadata.insert("key".into(), json!(addon_key));
        metadata.insert(
            "name".into(),
            json!(model.str("name").unwrap_or(&addon_key)),
        );
        metadata.insert("version".into(), json!(version));
        if let Some(description) = model.str("description") {
            metadata.insert("description".into(), json!(description));
        }
        let mut columns = vec![
            json!({"name": "id", "type": "uuid", "primary_key": true, "default": "gen_random_uuid()"}),
            json!({"name": TENANCY, "type": "uuid", "not_null": true}),
        ];
        let mut added = vec!["id".to_string(), TENANCY.to_string()];
        let mut indices = Vec::new();
        let first_field = columns.len();
        for (i, field) in fields.iter().enumerate() {
            let (column, index) = column_of(field, &table);
            let src = format!("/models/0/columns/{}", first_field + i);
            let what = format!("field `{}`", field.ident);
            origins.push(Origin {
                pointer: src.clone(),
                span: field.ident.span(),
                added_column: None,
                what: Some(what),
            });
            let name_span = field
                .attrs
                .get("name")
                .map_or(field.ident.span(), |e| e.value_span);
            plain(&mut origins, format!("{src}/name"), name_span);
            let type_span = ["max_length", "precision", "scale"]
                .iter()
                .find_map(|k| field.attrs.get(k).map(|e| e.value_span))
                .unwrap_or(field.ty_span);
            plain(&mut origins, format!("{src}/type"), type_span);
            plain(&mut origins, format!("{src}/not_null"), field.ty_span);
            for entry in field.attrs.iter() {
                plain(
                    &mut origins,
                    format!("{src}/{}", entry.key),
                    entry.value_span,
                );
            }
            if let Some((entry, index)) = index {
                plain(
                    &mut origins,
                    format!("/models/0/indices/{}", indices.len()),
                    entry,
                );
                indices.push(index);
            }
            columns.push(column);
        }
        let timestamps = model.bool("timestamps").unwrap_or(true);
        if timestamps {
            for name in ["created_at", "updated_at"] {
                columns.push(json!({"name": name, "type": "timestamptz", "not_null": true, "default": "now()"}));
                added.push(name.into());
            }
        }
        if model.bool("soft_delete").unwrap_or(false) {
            columns.push(json!({"name": "deleted_at", "type": "timestamptz"}));
            added.push("deleted_at".into());
        }
        for (i, name) in added.into_iter().enumerate() {
            let index = if i < first_field { i } else { i + fields.len() };
            origins.push(Origin {
                pointer: format!("/models/0/columns/{index}"),
                span: ident.span(),
                added_column: Some(name),
                what: None,
            });
        }
        let mut model_json = Map::new();
        model_json.insert("key".into(), json!(key));
        model_json.insert("table".into(), json!(table));
        if let Some(label) = model.str("label") {
            model_json.insert("label".into(), json!(label));
        }
        model_json.insert("columns".into(), Json::Array(columns));
        if !indices.is_empty() {
            model_json.insert("indices".into(), Json::Array(indices));
        }
        let manifest = json!({
            "apiVersion": API_VERSION_V3,
            "kind": "Addon",
            "metadata": metadata,
            "compatibility": {"requires": [{"key": "kernel", "version": KERNEL}]},
            "tenancy": {"isolation": "shared", "rls_column": TENANCY},
            "models": [model_json],
        });
        Declaration { manifest, origins }
    }

    /// The `compile_error!` of a compiler diagnostic, at the attribute or field it is about.
    fn error(&self, diagnostic: &Diagnostic) -> syn::Error {
        let pointer = diagnostic.pointer().unwrap_or("");
        let covers = |o: &&Origin| {
            pointer == o.pointer
                || o.pointer.is_empty()
                || pointer.starts_with(&format!("{}/", o.pointer))
        };
        let best = self
            .origins
            .iter()
            .filter(covers)
            .max_by_key(|o| o.pointer.len());
        let span = match best {
            // A column the macro adds clashes with a field: the field is to blame.
            Some(Origin {
                added_column: Some(name),
                ..
            }) => self.field_named(name).map_or(Span::call_site(), |o| o.span),
            Some(origin) => origin.span,
            None => Span::call_site(),
        };
        let mut message = format!(
            "{} [{}]",
            self.readable(&diagnostic.message),
            diagnostic.code
        );
        if let Some(help) = &diagnostic.help {
            message.push_str(&format!("\n  = help: {}", self.readable(help)));
        }
        syn::Error::new(span, message)
    }

    /// The origin of the field whose column is `name`.
    fn field_named(&self, name: &str) -> Option<&Origin> {
        let columns = self.manifest["models"][0]["columns"].as_array()?;
        let index = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c["name"] == name)
            .map(|(i, _)| format!("/models/0/columns/{i}"))
            .find(|pointer| {
                self.origins
                    .iter()
                    .any(|o| &o.pointer == pointer && o.what.is_some())
            })?;
        self.origins
            .iter()
            .find(|o| o.pointer == index && o.what.is_some())
    }

    /// `text` with manifest pointers to fields replaced by the fields' names.
    fn readable(&self, text: &str) -> String {
        let mut out = text.to_string();
        let mut named: Vec<&Origin> = self.origins.iter().filter(|o| o.what.is_some()).collect();
        // Longer pointers first, so `/columns/1` does not rewrite part of `/columns/12`.
        named.sort_by_key(|o| std::cmp::Reverse(o.pointer.len()));
        for origin in named {
            if let Some(what) = &origin.what {
                out = out.replace(&origin.pointer, what);
            }
        }
        out
    }
}

fn plain(origins: &mut Vec<Origin>, pointer: String, span: Span) {
    origins.push(Origin {
        pointer,
        span,
        added_column: None,
        what: None,
    });
}

/// The manifest column of `field`, and the index its `unique` / `index` key asks for (with
/// where that key is written).
fn column_of(field: &Field, table: &str) -> (Json, Option<(Span, Json)>) {
    let attrs = &field.attrs;
    let column_type = match field.field_type.base {
        Base::Uuid => "uuid".to_string(),
        Base::Text => match attrs.uint("max_length") {
            Some(n) => format!("varchar({n})"),
            None => "text".into(),
        },
        Base::Integer => "integer".into(),
        Base::Bigint => "bigint".into(),
        Base::Boolean => "boolean".into(),
        Base::Numeric => match attrs.uint("precision") {
            Some(p) => format!("numeric({p},{})", attrs.uint("scale").unwrap_or(0)),
            None => "numeric".into(),
        },
        Base::Timestamptz => "timestamptz".into(),
        Base::Timestamp => "timestamp".into(),
        Base::Date => "date".into(),
        Base::Jsonb => "jsonb".into(),
    };
    let mut column = Map::new();
    column.insert("name".into(), json!(field.column));
    column.insert("type".into(), json!(column_type));
    if !field.field_type.nullable {
        column.insert("not_null".into(), json!(true));
    }
    for entry in attrs.iter() {
        let value = match (entry.key.as_str(), &entry.value) {
            ("name" | "max_length" | "precision" | "scale" | "unique" | "index", _) => continue,
            ("options", Value::List(items)) => Json::Array(
                items
                    .iter()
                    .filter_map(|i| match i {
                        Value::Str(s) => Some(json!({"value": s, "label": s})),
                        _ => None,
                    })
                    .collect(),
            ),
            (_, Value::Flag) => json!(true),
            (_, Value::Bool(b)) => json!(b),
            (_, Value::Str(s)) => json!(s),
            (_, Value::Number(n)) => Json::Number(n.clone()),
            (_, Value::List(_)) => continue,
        };
        column.insert(entry.key.clone(), value);
    }
    let index = if attrs.bool("unique") == Some(true) {
        attrs.get("unique").map(|e| {
            (
                e.key_span,
                json!({
                    "name": format!("{table}_{}_key", field.column),
                    "columns": [TENANCY, field.column],
                    "unique": true,
                }),
            )
        })
    } else if attrs.bool("index") == Some(true) {
        attrs.get("index").map(|e| {
            (
                e.key_span,
                json!({
                    "name": format!("{table}_{}_idx", field.column),
                    "columns": [field.column],
                }),
            )
        })
    } else {
        None
    };
    (Json::Object(column), index)
}

/// `From<module::Model> for Struct` (a row without the columns the macro adds) and
/// `From<Struct> for module::ActiveModel` (the fields set, the rest left to the server).
fn conversions(ident: &Ident, module: &Ident, fields: &[Field]) -> TokenStream {
    let numeric = quote!(::metacore::__private::metacore_runtime::types::Numeric);
    let from_row = fields.iter().map(|f| {
        let name = &f.ident;
        let column = snake_ident(&f.column);
        match (f.field_type.decimal, f.field_type.nullable) {
            (true, true) => quote!(#name: row.#column.map(|n| n.0)),
            (true, false) => quote!(#name: row.#column.0),
            (false, _) => quote!(#name: row.#column),
        }
    });
    let to_active = fields.iter().map(|f| {
        let name = &f.ident;
        let column = snake_ident(&f.column);
        let value = match (f.field_type.decimal, f.field_type.nullable) {
            (true, true) => quote!(value.#name.map(#numeric)),
            (true, false) => quote!(#numeric(value.#name)),
            (false, _) => quote!(value.#name),
        };
        quote!(active.#column = ::metacore::__private::sea_orm::ActiveValue::Set(#value);)
    });
    quote! {
        impl ::core::convert::From<#module::Model> for #ident {
            fn from(row: #module::Model) -> Self {
                #ident { #(#from_row),* }
            }
        }

        impl ::core::convert::From<#ident> for #module::ActiveModel {
            fn from(value: #ident) -> Self {
                let mut active =
                    <#module::ActiveModel as ::metacore::__private::sea_orm::ActiveModelTrait>::default();
                #(#to_active)*
                active
            }
        }
    }
}
