//! The HTTP operations of addon `tickets` (from `manifests/tickets-addon/manifest.json`): list, create, get, update, delete, export, import, aggregate and facets for each model, under `/api/data/<route>`, and the action routes of the models its actions target.

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

/// Model `Ticket` (route `tickets`).
pub struct Tickets;

impl ModelSchema for Tickets {
    const NAME: &'static str = "TicketsTickets";
    fn model() -> &'static ModelDescriptor {
        &super::TICKETS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for Tickets {
    type Entity = super::entities::tickets::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `tickets`: one of its sortable columns, or empty."] pub
    TicketsSortBy =
    "^(id|organization_id|number|title|description|status|priority|assignee_id|reporter_id|due_at|resolved_at|created_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `tickets`: one of its sortable columns."] pub
    TicketsFacetField =
    "^(id|organization_id|number|title|description|status|priority|assignee_id|reporter_id|due_at|resolved_at|created_at)$"
);

/// Model `TicketComment` (route `ticket_comments`).
pub struct TicketComments;

impl ModelSchema for TicketComments {
    const NAME: &'static str = "TicketsTicketComments";
    fn model() -> &'static ModelDescriptor {
        &super::TICKET_COMMENTS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for TicketComments {
    type Entity = super::entities::ticket_comments::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `ticket_comments`: one of its sortable columns, or empty."] pub
    TicketCommentsSortBy = "^(id|organization_id|ticket_id|author_id|body|created_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `ticket_comments`: one of its sortable columns."] pub
    TicketCommentsFacetField =
    "^(id|organization_id|ticket_id|author_id|body|created_at)$"
);

/// The OpenAPI tag grouping this addon's operations: its key, and what it is.
const TAG: Tag = Tag {
    name: "tickets",
    description: "Tickets & Pedidos 1.0.0: Sistema de tickets y pedidos con estados, prioridades y asignación.",
};

/// The operations of every model of this addon.
pub struct Api;

#[OpenApi(tag = "TAG")]
impl Api {
    /// Lists `tickets` rows of the caller's organisation (`tickets.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(path = "/api/data/tickets", method = "get", operation_id = "tickets.list")]
    async fn tickets_list(
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
        sort_by: Query<Option<Matching<TicketsSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<Tickets> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<Tickets>(call, params).await
    }
    /// Creates a `tickets` row (`tickets.create`).
    #[oai(path = "/api/data/tickets", method = "post", operation_id = "tickets.create")]
    async fn tickets_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<Tickets>>,
    ) -> CreatedAnswer<Tickets> {
        handlers::create::<Tickets>(call, body.0).await
    }
    /// One `tickets` row by id (`tickets.index`).
    #[oai(path = "/api/data/tickets/:id", method = "get", operation_id = "tickets.get")]
    async fn tickets_get(&self, call: Call<'_>, id: Path<Uuid>) -> RowAnswer<Tickets> {
        handlers::get::<Tickets>(call, id.0).await
    }
    /// Changes the fields sent of a `tickets` row (`tickets.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/tickets/:id",
        method = "put",
        operation_id = "tickets.update"
    )]
    async fn tickets_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Tickets>>,
    ) -> RowAnswer<Tickets> {
        handlers::update::<Tickets>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`tickets.update`).
    #[oai(
        path = "/api/data/tickets/:id",
        method = "patch",
        operation_id = "tickets.patch"
    )]
    async fn tickets_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Tickets>>,
    ) -> RowAnswer<Tickets> {
        handlers::update::<Tickets>(call, id.0, body.0).await
    }
    /// Deletes a `tickets` row (`tickets.delete`).
    #[oai(
        path = "/api/data/tickets/:id",
        method = "delete",
        operation_id = "tickets.delete"
    )]
    async fn tickets_delete(&self, call: Call<'_>, id: Path<Uuid>) -> DeletedAnswer {
        handlers::delete::<Tickets>(call, id.0).await
    }
    /// Exports the `tickets` rows the list filters, search and sort select, as CSV, JSON or XLSX (`tickets.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/tickets/export",
        method = "get",
        operation_id = "tickets.export"
    )]
    async fn tickets_export(
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
        sort_by: Query<Option<Matching<TicketsSortBy>>>,
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
        transfer::export::<Tickets>(call, params).await
    }
    /// A CSV holding the header record of a `tickets` import (`tickets.import`).
    #[oai(
        path = "/api/data/tickets/export/template",
        method = "get",
        operation_id = "tickets.export_template"
    )]
    async fn tickets_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<Tickets>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `tickets` rows like creates, writing nothing (`tickets.import`).
    #[oai(
        path = "/api/data/tickets/import/validate",
        method = "post",
        operation_id = "tickets.import_validate"
    )]
    async fn tickets_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<Tickets>(call, body).await
    }
    /// Creates the `tickets` rows of a CSV, JSON or XLSX file (`tickets.import` and `tickets.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/tickets/import",
        method = "post",
        operation_id = "tickets.import"
    )]
    async fn tickets_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<Tickets>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `tickets` columns over the rows the list filters select (`tickets.index`).
    #[oai(
        path = "/api/data/tickets/aggregate",
        method = "get",
        operation_id = "tickets.aggregate"
    )]
    async fn tickets_aggregate(
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
        summary::aggregate::<Tickets>(call, params).await
    }
    /// The distinct values of a `tickets` column with their counts, under the other list filters (`tickets.index`).
    #[oai(
        path = "/api/data/tickets/facets",
        method = "get",
        operation_id = "tickets.facets"
    )]
    async fn tickets_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<TicketsFacetField>>,
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
        summary::facets::<Tickets>(call, params).await
    }
    /// Lists `ticket_comments` rows of the caller's organisation (`ticket_comments.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/ticket_comments",
        method = "get",
        operation_id = "ticket_comments.list"
    )]
    async fn ticket_comments_list(
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
        sort_by: Query<Option<Matching<TicketCommentsSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<TicketComments> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<TicketComments>(call, params).await
    }
    /// Creates a `ticket_comments` row (`ticket_comments.create`).
    #[oai(
        path = "/api/data/ticket_comments",
        method = "post",
        operation_id = "ticket_comments.create"
    )]
    async fn ticket_comments_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<TicketComments>>,
    ) -> CreatedAnswer<TicketComments> {
        handlers::create::<TicketComments>(call, body.0).await
    }
    /// One `ticket_comments` row by id (`ticket_comments.index`).
    #[oai(
        path = "/api/data/ticket_comments/:id",
        method = "get",
        operation_id = "ticket_comments.get"
    )]
    async fn ticket_comments_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<TicketComments> {
        handlers::get::<TicketComments>(call, id.0).await
    }
    /// Changes the fields sent of a `ticket_comments` row (`ticket_comments.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/ticket_comments/:id",
        method = "put",
        operation_id = "ticket_comments.update"
    )]
    async fn ticket_comments_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<TicketComments>>,
    ) -> RowAnswer<TicketComments> {
        handlers::update::<TicketComments>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`ticket_comments.update`).
    #[oai(
        path = "/api/data/ticket_comments/:id",
        method = "patch",
        operation_id = "ticket_comments.patch"
    )]
    async fn ticket_comments_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<TicketComments>>,
    ) -> RowAnswer<TicketComments> {
        handlers::update::<TicketComments>(call, id.0, body.0).await
    }
    /// Deletes a `ticket_comments` row (`ticket_comments.delete`).
    #[oai(
        path = "/api/data/ticket_comments/:id",
        method = "delete",
        operation_id = "ticket_comments.delete"
    )]
    async fn ticket_comments_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<TicketComments>(call, id.0).await
    }
    /// Exports the `ticket_comments` rows the list filters, search and sort select, as CSV, JSON or XLSX (`ticket_comments.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/ticket_comments/export",
        method = "get",
        operation_id = "ticket_comments.export"
    )]
    async fn ticket_comments_export(
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
        sort_by: Query<Option<Matching<TicketCommentsSortBy>>>,
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
        transfer::export::<TicketComments>(call, params).await
    }
    /// A CSV holding the header record of a `ticket_comments` import (`ticket_comments.import`).
    #[oai(
        path = "/api/data/ticket_comments/export/template",
        method = "get",
        operation_id = "ticket_comments.export_template"
    )]
    async fn ticket_comments_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<TicketComments>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `ticket_comments` rows like creates, writing nothing (`ticket_comments.import`).
    #[oai(
        path = "/api/data/ticket_comments/import/validate",
        method = "post",
        operation_id = "ticket_comments.import_validate"
    )]
    async fn ticket_comments_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<TicketComments>(call, body).await
    }
    /// Creates the `ticket_comments` rows of a CSV, JSON or XLSX file (`ticket_comments.import` and `ticket_comments.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/ticket_comments/import",
        method = "post",
        operation_id = "ticket_comments.import"
    )]
    async fn ticket_comments_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<TicketComments>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `ticket_comments` columns over the rows the list filters select (`ticket_comments.index`).
    #[oai(
        path = "/api/data/ticket_comments/aggregate",
        method = "get",
        operation_id = "ticket_comments.aggregate"
    )]
    async fn ticket_comments_aggregate(
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
        summary::aggregate::<TicketComments>(call, params).await
    }
    /// The distinct values of a `ticket_comments` column with their counts, under the other list filters (`ticket_comments.index`).
    #[oai(
        path = "/api/data/ticket_comments/facets",
        method = "get",
        operation_id = "ticket_comments.facets"
    )]
    async fn ticket_comments_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<TicketCommentsFacetField>>,
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
        summary::facets::<TicketComments>(call, params).await
    }
    /// Runs a row action of a `tickets` row (`tickets.<key>`): `resolve`, `reassign`. The body holds the form values.
    #[oai(
        path = "/api/data/tickets/:id/action/:key",
        method = "post",
        operation_id = "tickets.action"
    )]
    async fn tickets_action(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        /// The action key.
        key: Path<String>,
        body: InvocationBody,
    ) -> ActionAnswer {
        actions::action::<Tickets>(call, Some(id.0), &key.0, body).await
    }
}
