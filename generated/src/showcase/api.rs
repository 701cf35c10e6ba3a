//! The HTTP operations of addon `showcase` (from `manifests/showcase/manifest.json`): list, create, get, update, delete, export, import, aggregate and facets for each model, under `/api/data/<route>`, and the action routes of the models its actions target.

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

/// Model `Customer` (route `customers`).
pub struct Customers;

impl ModelSchema for Customers {
    const NAME: &'static str = "ShowcaseCustomers";
    fn model() -> &'static ModelDescriptor {
        &super::CUSTOMERS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for Customers {
    type Entity = super::entities::customers::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `customers`: one of its sortable columns, or empty."] pub
    CustomersSortBy =
    "^(id|organization_id|name|email|tier|credit_limit|active|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `customers`: one of its sortable columns."] pub
    CustomersFacetField =
    "^(id|organization_id|name|email|tier|credit_limit|active|created_at|updated_at)$"
);

/// Model `Order` (route `orders`).
pub struct Orders;

impl ModelSchema for Orders {
    const NAME: &'static str = "ShowcaseOrders";
    fn model() -> &'static ModelDescriptor {
        &super::ORDERS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for Orders {
    type Entity = super::entities::orders::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `orders`: one of its sortable columns, or empty."] pub
    OrdersSortBy =
    "^(id|organization_id|customer_id|number|quantity|total|discount|status|placed_on|ship_by|notes|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `orders`: one of its sortable columns."] pub
    OrdersFacetField =
    "^(id|organization_id|customer_id|number|quantity|total|discount|status|placed_on|ship_by|notes|created_at|updated_at)$"
);

/// The OpenAPI tag grouping this addon's operations: its key, and what it is.
const TAG: Tag = Tag {
    name: "showcase",
    description: "Showcase 1.0.0: A customer/order book that exercises every column type, select options, relations and soft delete.",
};

/// The operations of every model of this addon.
pub struct Api;

#[OpenApi(tag = "TAG")]
impl Api {
    /// Lists `customers` rows of the caller's organisation (`customers.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(path = "/api/data/customers", method = "get", operation_id = "customers.list")]
    async fn customers_list(
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
        sort_by: Query<Option<Matching<CustomersSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<Customers> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<Customers>(call, params).await
    }
    /// Creates a `customers` row (`customers.create`).
    #[oai(
        path = "/api/data/customers",
        method = "post",
        operation_id = "customers.create"
    )]
    async fn customers_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<Customers>>,
    ) -> CreatedAnswer<Customers> {
        handlers::create::<Customers>(call, body.0).await
    }
    /// One `customers` row by id (`customers.index`).
    #[oai(
        path = "/api/data/customers/:id",
        method = "get",
        operation_id = "customers.get"
    )]
    async fn customers_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<Customers> {
        handlers::get::<Customers>(call, id.0).await
    }
    /// Changes the fields sent of a `customers` row (`customers.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/customers/:id",
        method = "put",
        operation_id = "customers.update"
    )]
    async fn customers_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Customers>>,
    ) -> RowAnswer<Customers> {
        handlers::update::<Customers>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`customers.update`).
    #[oai(
        path = "/api/data/customers/:id",
        method = "patch",
        operation_id = "customers.patch"
    )]
    async fn customers_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Customers>>,
    ) -> RowAnswer<Customers> {
        handlers::update::<Customers>(call, id.0, body.0).await
    }
    /// Deletes a `customers` row (`customers.delete`).
    #[oai(
        path = "/api/data/customers/:id",
        method = "delete",
        operation_id = "customers.delete"
    )]
    async fn customers_delete(&self, call: Call<'_>, id: Path<Uuid>) -> DeletedAnswer {
        handlers::delete::<Customers>(call, id.0).await
    }
    /// Exports the `customers` rows the list filters, search and sort select, as CSV, JSON or XLSX (`customers.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/customers/export",
        method = "get",
        operation_id = "customers.export"
    )]
    async fn customers_export(
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
        sort_by: Query<Option<Matching<CustomersSortBy>>>,
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
        transfer::export::<Customers>(call, params).await
    }
    /// A CSV holding the header record of a `customers` import (`customers.import`).
    #[oai(
        path = "/api/data/customers/export/template",
        method = "get",
        operation_id = "customers.export_template"
    )]
    async fn customers_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<Customers>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `customers` rows like creates, writing nothing (`customers.import`).
    #[oai(
        path = "/api/data/customers/import/validate",
        method = "post",
        operation_id = "customers.import_validate"
    )]
    async fn customers_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<Customers>(call, body).await
    }
    /// Creates the `customers` rows of a CSV, JSON or XLSX file (`customers.import` and `customers.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/customers/import",
        method = "post",
        operation_id = "customers.import"
    )]
    async fn customers_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<Customers>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `customers` columns over the rows the list filters select (`customers.index`).
    #[oai(
        path = "/api/data/customers/aggregate",
        method = "get",
        operation_id = "customers.aggregate"
    )]
    async fn customers_aggregate(
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
        summary::aggregate::<Customers>(call, params).await
    }
    /// The distinct values of a `customers` column with their counts, under the other list filters (`customers.index`).
    #[oai(
        path = "/api/data/customers/facets",
        method = "get",
        operation_id = "customers.facets"
    )]
    async fn customers_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<CustomersFacetField>>,
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
        summary::facets::<Customers>(call, params).await
    }
    /// Lists `orders` rows of the caller's organisation (`orders.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(path = "/api/data/orders", method = "get", operation_id = "orders.list")]
    async fn orders_list(
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
        sort_by: Query<Option<Matching<OrdersSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<Orders> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<Orders>(call, params).await
    }
    /// Creates a `orders` row (`orders.create`).
    #[oai(path = "/api/data/orders", method = "post", operation_id = "orders.create")]
    async fn orders_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<Orders>>,
    ) -> CreatedAnswer<Orders> {
        handlers::create::<Orders>(call, body.0).await
    }
    /// One `orders` row by id (`orders.index`).
    #[oai(path = "/api/data/orders/:id", method = "get", operation_id = "orders.get")]
    async fn orders_get(&self, call: Call<'_>, id: Path<Uuid>) -> RowAnswer<Orders> {
        handlers::get::<Orders>(call, id.0).await
    }
    /// Changes the fields sent of a `orders` row (`orders.update`); `PUT` and `PATCH` both merge.
    #[oai(path = "/api/data/orders/:id", method = "put", operation_id = "orders.update")]
    async fn orders_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Orders>>,
    ) -> RowAnswer<Orders> {
        handlers::update::<Orders>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`orders.update`).
    #[oai(
        path = "/api/data/orders/:id",
        method = "patch",
        operation_id = "orders.patch"
    )]
    async fn orders_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Orders>>,
    ) -> RowAnswer<Orders> {
        handlers::update::<Orders>(call, id.0, body.0).await
    }
    /// Deletes a `orders` row (`orders.delete`).
    #[oai(
        path = "/api/data/orders/:id",
        method = "delete",
        operation_id = "orders.delete"
    )]
    async fn orders_delete(&self, call: Call<'_>, id: Path<Uuid>) -> DeletedAnswer {
        handlers::delete::<Orders>(call, id.0).await
    }
    /// Exports the `orders` rows the list filters, search and sort select, as CSV, JSON or XLSX (`orders.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/orders/export",
        method = "get",
        operation_id = "orders.export"
    )]
    async fn orders_export(
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
        sort_by: Query<Option<Matching<OrdersSortBy>>>,
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
        transfer::export::<Orders>(call, params).await
    }
    /// A CSV holding the header record of a `orders` import (`orders.import`).
    #[oai(
        path = "/api/data/orders/export/template",
        method = "get",
        operation_id = "orders.export_template"
    )]
    async fn orders_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<Orders>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `orders` rows like creates, writing nothing (`orders.import`).
    #[oai(
        path = "/api/data/orders/import/validate",
        method = "post",
        operation_id = "orders.import_validate"
    )]
    async fn orders_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<Orders>(call, body).await
    }
    /// Creates the `orders` rows of a CSV, JSON or XLSX file (`orders.import` and `orders.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/orders/import",
        method = "post",
        operation_id = "orders.import"
    )]
    async fn orders_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<Orders>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `orders` columns over the rows the list filters select (`orders.index`).
    #[oai(
        path = "/api/data/orders/aggregate",
        method = "get",
        operation_id = "orders.aggregate"
    )]
    async fn orders_aggregate(
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
        summary::aggregate::<Orders>(call, params).await
    }
    /// The distinct values of a `orders` column with their counts, under the other list filters (`orders.index`).
    #[oai(
        path = "/api/data/orders/facets",
        method = "get",
        operation_id = "orders.facets"
    )]
    async fn orders_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<OrdersFacetField>>,
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
        summary::facets::<Orders>(call, params).await
    }
    /// Runs a row action of a `customers` row (`customers.<key>`): `echo`, `ping`, `vet`. The body holds the form values.
    #[oai(
        path = "/api/data/customers/:id/action/:key",
        method = "post",
        operation_id = "customers.action"
    )]
    async fn customers_action(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        /// The action key.
        key: Path<String>,
        body: InvocationBody,
    ) -> ActionAnswer {
        actions::action::<Customers>(call, Some(id.0), &key.0, body).await
    }
    /// Runs a table or create action of `customers` (`customers.<key>`): `promote`, `echo_packed`. The body holds the form values.
    #[oai(
        path = "/api/data/customers/action/:key",
        method = "post",
        operation_id = "customers.collection_action"
    )]
    async fn customers_collection_action(
        &self,
        call: Call<'_>,
        /// The action key.
        key: Path<String>,
        body: InvocationBody,
    ) -> ActionAnswer {
        actions::action::<Customers>(call, None, &key.0, body).await
    }
}
