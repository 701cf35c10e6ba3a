//! `src/<addon>/api.rs`: the addon's HTTP operations (`http-api.md` §3, §4).
//!
//! For every model: a marker type naming it to the runtime (`ModelSchema`: its typed row,
//! create and update schemas) and five poem-openapi operations under `/api/data/<route>` —
//! list, create, get, update (PUT and PATCH) and delete — each delegating to
//! `metacore_runtime::api::handlers`, which authenticates, checks the capability, scopes to
//! the caller's organisation and publishes the canonical event after the commit. A model
//! that actions target also gets `POST /api/data/<route>/:id/action/:key` (row actions) and
//! `POST /api/data/<route>/action/:key` (table and create actions), delegating to
//! `metacore_runtime::api::actions`. Every model also gets export, export template, import
//! validate, import, aggregate and facets (`http-api.md` §5.3–§5.6), delegating to
//! `metacore_runtime::api::{transfer, summary}`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{snake_ident, upper_camel};
use super::rust_file;
use crate::ir::{Action, Addon, ColumnType, Model, SystemRole};

/// The `api.rs` of `addon`, or `None` when it has no model.
pub fn emit(addon: &Addon, manifest: &str) -> Option<String> {
    if addon.models.is_empty() {
        return None;
    }
    let has_actions = addon.actions.iter().any(|a| target(addon, a).is_some());
    let module_doc = format!(
        " The HTTP operations of addon `{}` (from `{manifest}`): list, create, get, update, \
         delete, export, import, aggregate and facets for each model, under \
         `/api/data/<route>`{}.",
        addon.key,
        if has_actions {
            ", and the action routes of the models its actions target"
        } else {
            ""
        }
    );
    let markers = addon.models.iter().map(|model| marker(addon, model));
    let operations = addon.models.iter().map(operations);
    let actions = addon
        .models
        .iter()
        .map(|model| action_operations(addon, model));
    let action_imports = addon
        .actions
        .iter()
        .any(|a| target(addon, a).is_some())
        .then(|| {
            quote! { use metacore_runtime::api::actions::{self, ActionAnswer, InvocationBody}; }
        });
    let transfer_imports = transfer_imports();
    let tag_name = &addon.key;
    let tag_description = tag_description(addon);
    let tokens = quote! {
        #![doc = #module_doc]

        #action_imports
        use metacore_runtime::api::handlers::{self, ListParams};
        use metacore_runtime::api::{
            Call, CreateBody, CreatedAnswer, DeletedAnswer, ListAnswer, ModelEntity,
            ModelSchema, RowAnswer, Tag, UpdateBody,
        };
        use metacore_runtime::registry::ModelDescriptor;
        #transfer_imports
        use poem_openapi::param::{Path, Query};
        use poem_openapi::payload::Json;
        use poem_openapi::OpenApi;
        use sea_orm::prelude::Uuid;

        #(#markers)*

        /// The OpenAPI tag grouping this addon's operations: its key, and what it is.
        const TAG: Tag = Tag {
            name: #tag_name,
            description: #tag_description,
        };

        /// The operations of every model of this addon.
        pub struct Api;

        #[OpenApi(tag = "TAG")]
        impl Api {
            #(#operations)*
            #(#actions)*
        }
    };
    Some(rust_file(tokens))
}

/// What the addon's OpenAPI tag says: its name and version, and its description when the
/// manifest has one (`Tickets 1.0.0: Tickets with states and priorities.`).
pub(crate) fn tag_description(addon: &Addon) -> String {
    match &addon.info.description {
        Some(description) if !description.trim().is_empty() => {
            format!("{} {}: {}", addon.name, addon.version, description.trim())
        }
        _ => format!("{} {}", addon.name, addon.version),
    }
}

/// The marker type's name: the route in UpperCamelCase (`Customers`).
pub(crate) fn marker_ident(model: &Model) -> proc_macro2::Ident {
    format_ident!("{}", upper_camel(&model.table))
}

fn marker(addon: &Addon, model: &Model) -> TokenStream {
    let descriptor = super::descriptor::descriptor_ident(model);
    let module = super::names::snake_ident(&model.table);
    marker_type(
        addon,
        model,
        &marker_ident(model),
        &quote!(super::#descriptor),
        &quote!(super::ADDON.key),
        &quote!(super::entities::#module::Entity),
    )
}

/// The marker type `ident` naming `model` to the runtime: `impl ModelSchema` (in scope as
/// `ModelSchema`, with `ModelDescriptor`) returning `descriptor` (a `ModelDescriptor` place
/// expression) and `addon_key` (a `&'static str` expression), and `impl ModelEntity` (in
/// scope as `ModelEntity`) naming `entity`, the model's sea-orm entity type.
pub(crate) fn marker_type(
    addon: &Addon,
    model: &Model,
    ident: &proc_macro2::Ident,
    descriptor: &TokenStream,
    addon_key: &TokenStream,
    entity: &TokenStream,
) -> TokenStream {
    let doc = format!(" Model `{}` (route `{}`).", model.key, model.table);
    let name = format!("{}{}", upper_camel(&addon.key), upper_camel(&model.table));
    // Named after the route, as the operations name them (`ident` may be an alias's target).
    let (sort_ident, facet_ident) = pattern_idents(&marker_ident(model));
    let sort_doc = format!(
        " `sortBy` of `{}`: one of its sortable columns, or empty.",
        model.table
    );
    let facet_doc = format!(
        " A facet `field` of `{}`: one of its sortable columns.",
        model.table
    );
    let sortable = sortable_pattern(model);
    let facet_field = facet_pattern(model);
    quote! {
        #[doc = #doc]
        pub struct #ident;

        impl ModelSchema for #ident {
            const NAME: &'static str = #name;

            fn model() -> &'static ModelDescriptor {
                &#descriptor
            }

            fn addon() -> &'static str {
                #addon_key
            }
        }

        impl ModelEntity for #ident {
            type Entity = #entity;
        }

        metacore_runtime::query_pattern!(
            #[doc = #sort_doc]
            pub #sort_ident = #sortable
        );

        metacore_runtime::query_pattern!(
            #[doc = #facet_doc]
            pub #facet_ident = #facet_field
        );
    }
}

/// The pattern types ([`marker_type`]) of the marker type `ident`: its `sortBy` and its
/// facet `field`.
pub(crate) fn pattern_idents(
    ident: &proc_macro2::Ident,
) -> (proc_macro2::Ident, proc_macro2::Ident) {
    (
        format_ident!("{ident}SortBy"),
        format_ident!("{ident}FacetField"),
    )
}

/// The CRUD operations of `model` inside an `#[OpenApi] impl`, for its marker type
/// ([`marker_ident`]) and the names the addon's `api.rs` imports.
pub(crate) fn operations(model: &Model) -> TokenStream {
    let marker = marker_ident(model);
    let route = &model.table;
    let collection = format!("/api/data/{route}");
    let item = format!("/api/data/{route}/:id");
    let fn_name = |verb: &str| snake_ident(&format!("{}_{verb}", model.table));
    let (list, create, get, update, patch, delete) = (
        fn_name("list"),
        fn_name("create"),
        fn_name("get"),
        fn_name("update"),
        fn_name("patch"),
        fn_name("delete"),
    );
    let id = |verb: &str| format!("{route}.{verb}");
    let (list_id, create_id, get_id, update_id, patch_id, delete_id) = (
        id("list"),
        id("create"),
        id("get"),
        id("update"),
        id("patch"),
        id("delete"),
    );
    let list_doc = format!(
        " Lists `{route}` rows of the caller's organisation (`{route}.index`): paging, \
         sorting, search and `f_<column>` filters."
    );
    let create_doc = format!(" Creates a `{route}` row (`{route}.create`).");
    let get_doc = format!(" One `{route}` row by id (`{route}.index`).");
    let update_doc = format!(
        " Changes the fields sent of a `{route}` row (`{route}.update`); `PUT` and `PATCH` \
         both merge."
    );
    let patch_doc = format!(" Same as `PUT`: changes the fields sent (`{route}.update`).");
    let delete_doc = format!(" Deletes a `{route}` row (`{route}.delete`).");
    let (sortable, _) = pattern_idents(&marker);
    let transfers = transfer_operations(model);
    // PUT and PATCH: the same merge, one operation each (operation ids must be unique).
    let updates = [
        ("put", update_id, update_doc, update),
        ("patch", patch_id, patch_doc, patch),
    ]
    .map(|(method, operation_id, doc, name)| {
        quote! {
            #[doc = #doc]
            #[oai(path = #item, method = #method, operation_id = #operation_id)]
            async fn #name(
                &self,
                call: Call<'_>,
                id: Path<Uuid>,
                body: Json<UpdateBody<#marker>>,
            ) -> RowAnswer<#marker> {
                handlers::update::<#marker>(call, id.0, body.0).await
            }
        }
    });
    quote! {
        #[doc = #list_doc]
        #[oai(path = #collection, method = "get", operation_id = #list_id)]
        async fn #list(
            &self,
            call: Call<'_>,
            /// 1-based page (default 1).
            #[oai(validator(minimum(value = "1"), maximum(value = "4294967295")))]
            page: Query<Option<u64>>,
            /// Rows per page (default the model's; more than 200 is served as 200).
            #[oai(validator(minimum(value = "1"), maximum(value = "4294967295")))]
            per_page: Query<Option<u64>>,
            /// Column to sort by (any column but JSON ones and `deleted_at`).
            #[oai(name = "sortBy")]
            sort_by: Query<Option<Matching<#sortable>>>,
            /// `asc` or `desc` (any case).
            order: Query<Option<Matching<Order>>>,
            /// Case-insensitive text searched in the search columns.
            search: Query<Option<String>>,
        ) -> ListAnswer<#marker> {
            let params = ListParams {
                page: page.0,
                per_page: per_page.0,
                sort_by: sort_by.0.map(Matching::into_inner),
                order: order.0.map(Matching::into_inner),
                search: search.0,
            };
            handlers::list::<#marker>(call, params).await
        }

        #[doc = #create_doc]
        #[oai(path = #collection, method = "post", operation_id = #create_id)]
        async fn #create(
            &self,
            call: Call<'_>,
            body: Json<CreateBody<#marker>>,
        ) -> CreatedAnswer<#marker> {
            handlers::create::<#marker>(call, body.0).await
        }

        #[doc = #get_doc]
        #[oai(path = #item, method = "get", operation_id = #get_id)]
        async fn #get(
            &self,
            call: Call<'_>,
            id: Path<Uuid>,
        ) -> RowAnswer<#marker> {
            handlers::get::<#marker>(call, id.0).await
        }

        #(#updates)*

        #[doc = #delete_doc]
        #[oai(path = #item, method = "delete", operation_id = #delete_id)]
        async fn #delete(
            &self,
            call: Call<'_>,
            id: Path<Uuid>,
        ) -> DeletedAnswer {
            handlers::delete::<#marker>(call, id.0).await
        }

        #transfers
    }
}

/// The imports [`operations`]' export, import, aggregate and facet operations need.
pub(crate) fn transfer_imports() -> TokenStream {
    quote! {
        use metacore_runtime::api::pattern::{Aggregate, ExportFormat, Matching, Order};
        use metacore_runtime::api::summary::{
            self, AggregateAnswer, AggregateParams, FacetAnswer, FacetParams,
        };
        use metacore_runtime::api::transfer::{
            self, ExportParams, FileAnswer, ImportAnswer, ImportBody, ValidateAnswer,
        };
    }
}

/// Export, export template, import validate, import, aggregate and facets of `model`
/// (`http-api.md` §5.3–§5.6), delegating to `metacore_runtime::api::{transfer, summary}`.
fn transfer_operations(model: &Model) -> TokenStream {
    let marker = marker_ident(model);
    let route = &model.table;
    let path = |tail: &str| format!("/api/data/{route}/{tail}");
    let (export_path, template_path, validate_path, import_path, aggregate_path, facets_path) = (
        path("export"),
        path("export/template"),
        path("import/validate"),
        path("import"),
        path("aggregate"),
        path("facets"),
    );
    let fn_name = |verb: &str| snake_ident(&format!("{route}_{verb}"));
    let (export, template, validate, import, aggregate, facets) = (
        fn_name("export"),
        fn_name("export_template"),
        fn_name("import_validate"),
        fn_name("import"),
        fn_name("aggregate"),
        fn_name("facets"),
    );
    let id = |verb: &str| format!("{route}.{verb}");
    let (export_id, template_id, validate_id, import_id, aggregate_id, facets_id) = (
        id("export"),
        id("export_template"),
        id("import_validate"),
        id("import"),
        id("aggregate"),
        id("facets"),
    );
    let export_doc = format!(
        " Exports the `{route}` rows the list filters, search and sort select, as CSV, JSON or XLSX \
         (`{route}.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. \
         `column_labels` (a JSON object of column → header text) names the headers."
    );
    let template_doc =
        format!(" A CSV holding the header record of a `{route}` import (`{route}.import`).");
    let validate_doc = format!(
        " Checks a CSV, JSON or XLSX file of `{route}` rows like creates, writing nothing \
         (`{route}.import`)."
    );
    let import_doc = format!(
        " Creates the `{route}` rows of a CSV, JSON or XLSX file (`{route}.import` and \
         `{route}.create`): each row on its own, or all or none with `atomic=true`."
    );
    let aggregate_doc = format!(
        " Sums, averages, minima, maxima or counts of numeric `{route}` columns over the rows \
         the list filters select (`{route}.index`)."
    );
    let facets_doc = format!(
        " The distinct values of a `{route}` column with their counts, under the other list \
         filters (`{route}.index`)."
    );
    let (sortable, facet_field) = pattern_idents(&marker);
    quote! {
        #[doc = #export_doc]
        #[oai(path = #export_path, method = "get", operation_id = #export_id)]
        async fn #export(
            &self,
            call: Call<'_>,
            /// `csv` (default), `json` or `xlsx`.
            format: Query<Option<Matching<ExportFormat>>>,
            /// Comma-separated columns to write (default: the table's visible columns).
            columns: Query<Option<String>>,
            /// Case-insensitive text searched in the search columns.
            search: Query<Option<String>>,
            /// Column to sort by (any column but JSON ones and `deleted_at`).
            #[oai(name = "sortBy")]
            sort_by: Query<Option<Matching<#sortable>>>,
            /// `asc` or `desc` (any case).
            order: Query<Option<Matching<Order>>>,
        ) -> FileAnswer {
            let params = ExportParams {
                format: format.0.map(Matching::into_inner),
                columns: columns.0,
                search: search.0,
                sort_by: sort_by.0.map(Matching::into_inner),
                order: order.0.map(Matching::into_inner),
            };
            transfer::export::<#marker>(call, params).await
        }

        #[doc = #template_doc]
        #[oai(path = #template_path, method = "get", operation_id = #template_id)]
        async fn #template(&self, call: Call<'_>) -> FileAnswer {
            transfer::template::<#marker>(call).await
        }

        #[doc = #validate_doc]
        #[oai(path = #validate_path, method = "post", operation_id = #validate_id)]
        async fn #validate(&self, call: Call<'_>, body: ImportBody) -> ValidateAnswer {
            transfer::validate::<#marker>(call, body).await
        }

        #[doc = #import_doc]
        #[oai(path = #import_path, method = "post", operation_id = #import_id)]
        async fn #import(
            &self,
            call: Call<'_>,
            /// Create all rows or none (default: each row on its own).
            atomic: Query<Option<bool>>,
            body: ImportBody,
        ) -> ImportAnswer {
            transfer::import::<#marker>(call, atomic.0, body).await
        }

        #[doc = #aggregate_doc]
        #[oai(path = #aggregate_path, method = "get", operation_id = #aggregate_id)]
        async fn #aggregate(
            &self,
            call: Call<'_>,
            /// Comma-separated numeric columns (default: the table's aggregated columns).
            fields: Query<Option<String>>,
            /// `sum` (default), `avg`, `min`, `max` or `count`.
            #[oai(name = "fn")]
            function: Query<Option<Matching<Aggregate>>>,
            /// Case-insensitive text searched in the search columns.
            search: Query<Option<String>>,
        ) -> AggregateAnswer {
            let params = AggregateParams {
                fields: fields.0,
                function: function.0.map(Matching::into_inner),
                search: search.0,
            };
            summary::aggregate::<#marker>(call, params).await
        }

        #[doc = #facets_doc]
        #[oai(path = #facets_path, method = "get", operation_id = #facets_id)]
        async fn #facets(
            &self,
            call: Call<'_>,
            /// The column whose values are counted (any column but JSON ones and `deleted_at`).
            field: Query<Matching<#facet_field>>,
            /// Case-insensitive text the values' labels contain.
            q: Query<Option<String>>,
            /// At most this many values (default 50, at most 200).
            #[oai(validator(minimum(value = "1"), maximum(value = "200")))]
            limit: Query<Option<i64>>,
            /// Case-insensitive text searched in the search columns.
            search: Query<Option<String>>,
        ) -> FacetAnswer {
            let params = FacetParams {
                field: Some(field.0.into_inner()),
                q: q.0,
                limit: limit.0,
                search: search.0,
            };
            summary::facets::<#marker>(call, params).await
        }
    }
}

/// The `sortBy` values the server accepts, exactly: a column name that is not JSON nor the
/// soft-delete marker, or nothing.
fn sortable_pattern(model: &Model) -> String {
    format!("^({})?$", scalar_columns(model).join("|"))
}

/// The `field` pattern of facets: one of the same columns as `sortBy`, never empty.
fn facet_pattern(model: &Model) -> String {
    format!("^({})$", scalar_columns(model).join("|"))
}

/// The columns a list sorts by and facets count: all but JSON ones and `deleted_at`.
fn scalar_columns(model: &Model) -> Vec<&str> {
    model
        .columns
        .iter()
        .filter(|c| {
            !matches!(
                c.column_type,
                ColumnType::Json | ColumnType::Jsonb | ColumnType::Vector(_)
            ) && c.role != SystemRole::DeletedAt
        })
        .map(|c| c.name.as_str())
        .collect()
}

/// The model `action` targets.
fn target<'a>(addon: &'a Addon, action: &Action) -> Option<&'a Model> {
    action
        .target_model
        .as_deref()
        .and_then(|name| addon.find_model(name))
}

/// The action routes of `model`: one for its row actions, one for its table/create actions.
fn action_operations(addon: &Addon, model: &Model) -> TokenStream {
    let own: Vec<&Action> = addon
        .actions
        .iter()
        .filter(|a| target(addon, a).is_some_and(|m| m.table == model.table))
        .collect();
    let keys = |row: bool| {
        own.iter()
            .filter(|a| (a.placement == "row") == row)
            .map(|a| format!("`{}`", a.key))
            .collect::<Vec<_>>()
    };
    let (row_keys, collection_keys) = (keys(true), keys(false));
    let marker = marker_ident(model);
    let route = &model.table;
    let mut tokens = TokenStream::new();
    if !row_keys.is_empty() {
        let path = format!("/api/data/{route}/:id/action/:key");
        let operation_id = format!("{route}.action");
        let name = snake_ident(&format!("{route}_action"));
        let doc = format!(
            " Runs a row action of a `{route}` row (`{route}.<key>`): {}. The body holds the \
             form values.",
            row_keys.join(", ")
        );
        tokens.extend(quote! {
            #[doc = #doc]
            #[oai(path = #path, method = "post", operation_id = #operation_id)]
            async fn #name(
                &self,
                call: Call<'_>,
                id: Path<Uuid>,
                /// The action key.
                key: Path<String>,
                body: InvocationBody,
            ) -> ActionAnswer {
                actions::action::<#marker>(call, Some(id.0), &key.0, body).await
            }
        });
    }
    if !collection_keys.is_empty() {
        let path = format!("/api/data/{route}/action/:key");
        let operation_id = format!("{route}.collection_action");
        let name = snake_ident(&format!("{route}_collection_action"));
        let doc = format!(
            " Runs a table or create action of `{route}` (`{route}.<key>`): {}. The body \
             holds the form values.",
            collection_keys.join(", ")
        );
        tokens.extend(quote! {
            #[doc = #doc]
            #[oai(path = #path, method = "post", operation_id = #operation_id)]
            async fn #name(
                &self,
                call: Call<'_>,
                /// The action key.
                key: Path<String>,
                body: InvocationBody,
            ) -> ActionAnswer {
                actions::action::<#marker>(call, None, &key.0, body).await
            }
        });
    }
    tokens
}
