//! The HTTP operations of addon `showcase` (from `manifests/showcase/manifest.json`): list, create, get, update and delete for each model, under `/api/data/<route>`, and the action routes of the models its actions target.

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
        #[oai(
            name = "sortBy",
            validator(
                pattern = "^(id|organization_id|name|email|tier|credit_limit|active|created_at|updated_at)?$"
            )
        )]
        sort_by: Query<Option<String>>,
        /// `asc` or `desc` (any case).
        #[oai(validator(pattern = "^([aA][sS][cC]|[dD][eE][sS][cC])?$"))]
        order: Query<Option<String>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<Customers> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0,
            order: order.0,
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
        #[oai(
            name = "sortBy",
            validator(
                pattern = "^(id|organization_id|customer_id|number|quantity|total|discount|status|placed_on|ship_by|notes|created_at|updated_at)?$"
            )
        )]
        sort_by: Query<Option<String>>,
        /// `asc` or `desc` (any case).
        #[oai(validator(pattern = "^([aA][sS][cC]|[dD][eE][sS][cC])?$"))]
        order: Query<Option<String>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<Orders> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0,
            order: order.0,
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
    /// Runs a row action of a `customers` row (`customers.<key>`): `echo`, `vet`. The body holds the form values.
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
    /// Runs a table or create action of `customers` (`customers.<key>`): `echo_packed`. The body holds the form values.
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
