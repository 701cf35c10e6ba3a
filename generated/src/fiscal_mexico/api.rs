//! The HTTP operations of addon `fiscal_mexico` (from `manifests/fiscal_mexico/manifest.json`): list, create, get, update and delete for each model, under `/api/data/<route>`, and the action routes of the models its actions target.

use metacore_runtime::api::actions::{self, ActionAnswer, InvocationBody};
use metacore_runtime::api::handlers::{self, ListParams};
use metacore_runtime::api::{
    Call, CreateBody, CreatedAnswer, DeletedAnswer, ListAnswer, ModelEntity, ModelSchema,
    RowAnswer, Tag, UpdateBody,
};

use metacore_runtime::registry::ModelDescriptor;
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
        #[oai(
            name = "sortBy",
            validator(
                pattern = "^(id|organization_id|invoice_id|fiscal_uuid|rfc_emisor|rfc_receptor|total|status|cfdi_usage|payment_form|payment_method|environment|xml_url|pdf_url|xml|stamped_at|cancelled_at|cancel_reason|replacement_uuid)?$"
            )
        )]
        sort_by: Query<Option<String>>,
        /// `asc` or `desc` (any case).
        #[oai(validator(pattern = "^([aA][sS][cC]|[dD][eE][sS][cC])?$"))]
        order: Query<Option<String>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<FiscalDocuments> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0,
            order: order.0,
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
