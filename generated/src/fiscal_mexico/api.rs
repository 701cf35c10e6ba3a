//! The HTTP operations of addon `fiscal_mexico` (from `manifests/fiscal_mexico/manifest.json`): list, create, get, update, delete, export, import, aggregate and facets for each model, under `/api/data/<route>`, and the action routes of the models its actions target.

use metacore_runtime::api::actions::{self, ActionAnswer, InvocationBody};
use metacore_runtime::api::handlers::{self, ListParams};
use metacore_runtime::api::{
    Call, CreateBody, CreatedAnswer, DeletedAnswer, ListAnswer, ModelEntity, ModelSchema,
    RowAnswer, Tag, UpdateBody,
};

use metacore_runtime::registry::ModelDescriptor;
use metacore_runtime::api::pattern::{Aggregate, ExportFormat, Matching, Order};
use metacore_runtime::api::summary::{
    self, AggregateAnswer, AggregateParams, FacetAnswer, FacetParams,
};

use metacore_runtime::api::transfer::{
    self, ExportParams, FileAnswer, ImportAnswer, ImportBody, ValidateAnswer,
};

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::OpenApi;
use sea_orm::prelude::Uuid;

/// Model `FiscalDocuments` (route `fiscal_documents`).
pub struct FiscalDocuments;

impl ModelSchema for FiscalDocuments {
    const NAME: &'static str = "FiscalMexicoFiscalDocuments";
    fn model() -> &'static ModelDescriptor {
        &super::FISCAL_DOCUMENTS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for FiscalDocuments {
    type Entity = super::entities::fiscal_documents::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `fiscal_documents`: one of its sortable columns, or empty."]
    pub FiscalDocumentsSortBy =
    "^(id|organization_id|invoice_id|fiscal_uuid|rfc_emisor|rfc_receptor|total|status|cfdi_usage|payment_form|payment_method|environment|xml_url|pdf_url|xml|stamped_at|cancelled_at|cancel_reason|replacement_uuid)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `fiscal_documents`: one of its sortable columns."] pub
    FiscalDocumentsFacetField =
    "^(id|organization_id|invoice_id|fiscal_uuid|rfc_emisor|rfc_receptor|total|status|cfdi_usage|payment_form|payment_method|environment|xml_url|pdf_url|xml|stamped_at|cancelled_at|cancel_reason|replacement_uuid)$"
);

/// The OpenAPI tag grouping this addon's operations: its key, and what it is.
const TAG: Tag = Tag {
    name: "fiscal_mexico",
    description: "Facturación Electrónica México (CFDI 4.0) 1.0.0: Emisión y cancelación de CFDI ante el SAT vía PAC (factura.com). Catálogos SAT, extensiones fiscales para facturas/clientes/productos y herramientas LLM para agentes conversacionales.",
};

/// The operations of every model of this addon.
pub struct Api;

#[OpenApi(tag = "TAG")]
impl Api {
    /// Lists `fiscal_documents` rows of the caller's organisation (`fiscal_documents.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/fiscal_documents",
        method = "get",
        operation_id = "fiscal_documents.list"
    )]
    async fn fiscal_documents_list(
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
        sort_by: Query<Option<Matching<FiscalDocumentsSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<FiscalDocuments> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<FiscalDocuments>(call, params).await
    }
    /// Creates a `fiscal_documents` row (`fiscal_documents.create`).
    #[oai(
        path = "/api/data/fiscal_documents",
        method = "post",
        operation_id = "fiscal_documents.create"
    )]
    async fn fiscal_documents_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<FiscalDocuments>>,
    ) -> CreatedAnswer<FiscalDocuments> {
        handlers::create::<FiscalDocuments>(call, body.0).await
    }
    /// One `fiscal_documents` row by id (`fiscal_documents.index`).
    #[oai(
        path = "/api/data/fiscal_documents/:id",
        method = "get",
        operation_id = "fiscal_documents.get"
    )]
    async fn fiscal_documents_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<FiscalDocuments> {
        handlers::get::<FiscalDocuments>(call, id.0).await
    }
    /// Changes the fields sent of a `fiscal_documents` row (`fiscal_documents.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/fiscal_documents/:id",
        method = "put",
        operation_id = "fiscal_documents.update"
    )]
    async fn fiscal_documents_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<FiscalDocuments>>,
    ) -> RowAnswer<FiscalDocuments> {
        handlers::update::<FiscalDocuments>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`fiscal_documents.update`).
    #[oai(
        path = "/api/data/fiscal_documents/:id",
        method = "patch",
        operation_id = "fiscal_documents.patch"
    )]
    async fn fiscal_documents_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<FiscalDocuments>>,
    ) -> RowAnswer<FiscalDocuments> {
        handlers::update::<FiscalDocuments>(call, id.0, body.0).await
    }
    /// Deletes a `fiscal_documents` row (`fiscal_documents.delete`).
    #[oai(
        path = "/api/data/fiscal_documents/:id",
        method = "delete",
        operation_id = "fiscal_documents.delete"
    )]
    async fn fiscal_documents_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<FiscalDocuments>(call, id.0).await
    }
    /// Exports the `fiscal_documents` rows the list filters, search and sort select, as CSV, JSON or XLSX (`fiscal_documents.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/fiscal_documents/export",
        method = "get",
        operation_id = "fiscal_documents.export"
    )]
    async fn fiscal_documents_export(
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
        sort_by: Query<Option<Matching<FiscalDocumentsSortBy>>>,
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
        transfer::export::<FiscalDocuments>(call, params).await
    }
    /// A CSV holding the header record of a `fiscal_documents` import (`fiscal_documents.import`).
    #[oai(
        path = "/api/data/fiscal_documents/export/template",
        method = "get",
        operation_id = "fiscal_documents.export_template"
    )]
    async fn fiscal_documents_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<FiscalDocuments>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `fiscal_documents` rows like creates, writing nothing (`fiscal_documents.import`).
    #[oai(
        path = "/api/data/fiscal_documents/import/validate",
        method = "post",
        operation_id = "fiscal_documents.import_validate"
    )]
    async fn fiscal_documents_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<FiscalDocuments>(call, body).await
    }
    /// Creates the `fiscal_documents` rows of a CSV, JSON or XLSX file (`fiscal_documents.import` and `fiscal_documents.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/fiscal_documents/import",
        method = "post",
        operation_id = "fiscal_documents.import"
    )]
    async fn fiscal_documents_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<FiscalDocuments>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `fiscal_documents` columns over the rows the list filters select (`fiscal_documents.index`).
    #[oai(
        path = "/api/data/fiscal_documents/aggregate",
        method = "get",
        operation_id = "fiscal_documents.aggregate"
    )]
    async fn fiscal_documents_aggregate(
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
        summary::aggregate::<FiscalDocuments>(call, params).await
    }
    /// The distinct values of a `fiscal_documents` column with their counts, under the other list filters (`fiscal_documents.index`).
    #[oai(
        path = "/api/data/fiscal_documents/facets",
        method = "get",
        operation_id = "fiscal_documents.facets"
    )]
    async fn fiscal_documents_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<FiscalDocumentsFacetField>>,
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
        summary::facets::<FiscalDocuments>(call, params).await
    }
    /// Runs a row action of a `fiscal_documents` row (`fiscal_documents.<key>`): `stamp_fiscal`, `cancel_fiscal`. The body holds the form values.
    #[oai(
        path = "/api/data/fiscal_documents/:id/action/:key",
        method = "post",
        operation_id = "fiscal_documents.action"
    )]
    async fn fiscal_documents_action(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        /// The action key.
        key: Path<String>,
        body: InvocationBody,
    ) -> ActionAnswer {
        actions::action::<FiscalDocuments>(call, Some(id.0), &key.0, body).await
    }
}
