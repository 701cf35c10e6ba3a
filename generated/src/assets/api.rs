//! The HTTP operations of addon `assets` (from `manifests/assets/manifest.json`): list, create, get, update, delete, export, import, aggregate and facets for each model, under `/api/data/<route>`.

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

/// Model `AssetCategories` (route `asset_categories`).
pub struct AssetCategories;

impl ModelSchema for AssetCategories {
    const NAME: &'static str = "AssetsAssetCategories";
    fn model() -> &'static ModelDescriptor {
        &super::ASSET_CATEGORIES_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for AssetCategories {
    type Entity = super::entities::asset_categories::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `asset_categories`: one of its sortable columns, or empty."]
    pub AssetCategoriesSortBy =
    "^(id|organization_id|name|code|depreciation_method|useful_life_months|salvage_rate|parent_id|is_active|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `asset_categories`: one of its sortable columns."] pub
    AssetCategoriesFacetField =
    "^(id|organization_id|name|code|depreciation_method|useful_life_months|salvage_rate|parent_id|is_active|created_at|updated_at)$"
);

/// Model `Assets` (route `assets`).
pub struct Assets;

impl ModelSchema for Assets {
    const NAME: &'static str = "AssetsAssets";
    fn model() -> &'static ModelDescriptor {
        &super::ASSETS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for Assets {
    type Entity = super::entities::assets::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `assets`: one of its sortable columns, or empty."] pub
    AssetsSortBy =
    "^(id|organization_id|category_id|name|code|serial_number|description|purchase_date|purchase_cost|current_value|salvage_value|useful_life_months|depreciation_method|location|custodian_id|status|warranty_expiry|notes|image_url|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `assets`: one of its sortable columns."] pub
    AssetsFacetField =
    "^(id|organization_id|category_id|name|code|serial_number|description|purchase_date|purchase_cost|current_value|salvage_value|useful_life_months|depreciation_method|location|custodian_id|status|warranty_expiry|notes|image_url|created_at|updated_at)$"
);

/// Model `DepreciationSchedules` (route `depreciation_schedules`).
pub struct DepreciationSchedules;

impl ModelSchema for DepreciationSchedules {
    const NAME: &'static str = "AssetsDepreciationSchedules";
    fn model() -> &'static ModelDescriptor {
        &super::DEPRECIATION_SCHEDULES_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for DepreciationSchedules {
    type Entity = super::entities::depreciation_schedules::Entity;
}

metacore_runtime::query_pattern!(
    #[doc =
    " `sortBy` of `depreciation_schedules`: one of its sortable columns, or empty."] pub
    DepreciationSchedulesSortBy =
    "^(id|organization_id|asset_id|period_date|depreciation_amount|accumulated_depreciation|book_value|journal_entry_id|is_posted|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `depreciation_schedules`: one of its sortable columns."]
    pub DepreciationSchedulesFacetField =
    "^(id|organization_id|asset_id|period_date|depreciation_amount|accumulated_depreciation|book_value|journal_entry_id|is_posted|created_at|updated_at)$"
);

/// Model `MaintenanceSchedules` (route `maintenance_schedules`).
pub struct MaintenanceSchedules;

impl ModelSchema for MaintenanceSchedules {
    const NAME: &'static str = "AssetsMaintenanceSchedules";
    fn model() -> &'static ModelDescriptor {
        &super::MAINTENANCE_SCHEDULES_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for MaintenanceSchedules {
    type Entity = super::entities::maintenance_schedules::Entity;
}

metacore_runtime::query_pattern!(
    #[doc =
    " `sortBy` of `maintenance_schedules`: one of its sortable columns, or empty."] pub
    MaintenanceSchedulesSortBy =
    "^(id|organization_id|asset_id|title|description|frequency|next_due_date|assigned_to_id|is_active|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `maintenance_schedules`: one of its sortable columns."]
    pub MaintenanceSchedulesFacetField =
    "^(id|organization_id|asset_id|title|description|frequency|next_due_date|assigned_to_id|is_active|created_at|updated_at)$"
);

/// Model `MaintenanceLogs` (route `maintenance_logs`).
pub struct MaintenanceLogs;

impl ModelSchema for MaintenanceLogs {
    const NAME: &'static str = "AssetsMaintenanceLogs";
    fn model() -> &'static ModelDescriptor {
        &super::MAINTENANCE_LOGS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for MaintenanceLogs {
    type Entity = super::entities::maintenance_logs::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `maintenance_logs`: one of its sortable columns, or empty."]
    pub MaintenanceLogsSortBy =
    "^(id|organization_id|asset_id|schedule_id|maintenance_date|description|cost|performed_by|performed_by_id|notes|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `maintenance_logs`: one of its sortable columns."] pub
    MaintenanceLogsFacetField =
    "^(id|organization_id|asset_id|schedule_id|maintenance_date|description|cost|performed_by|performed_by_id|notes|created_at|updated_at)$"
);

/// Model `AssetDisposals` (route `asset_disposals`).
pub struct AssetDisposals;

impl ModelSchema for AssetDisposals {
    const NAME: &'static str = "AssetsAssetDisposals";
    fn model() -> &'static ModelDescriptor {
        &super::ASSET_DISPOSALS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for AssetDisposals {
    type Entity = super::entities::asset_disposals::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `asset_disposals`: one of its sortable columns, or empty."] pub
    AssetDisposalsSortBy =
    "^(id|organization_id|asset_id|disposal_date|disposal_method|proceeds|book_value_at_disposal|gain_loss|journal_entry_id|notes|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `asset_disposals`: one of its sortable columns."] pub
    AssetDisposalsFacetField =
    "^(id|organization_id|asset_id|disposal_date|disposal_method|proceeds|book_value_at_disposal|gain_loss|journal_entry_id|notes|created_at|updated_at)$"
);

/// The OpenAPI tag grouping this addon's operations: its key, and what it is.
const TAG: Tag = Tag {
    name: "assets",
    description: "Activos Fijos 1.0.0: Gestión de activos fijos, depreciación, mantenimiento y bajas",
};

/// The operations of every model of this addon.
pub struct Api;

#[OpenApi(tag = "TAG")]
impl Api {
    /// Lists `asset_categories` rows of the caller's organisation (`asset_categories.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/asset_categories",
        method = "get",
        operation_id = "asset_categories.list"
    )]
    async fn asset_categories_list(
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
        sort_by: Query<Option<Matching<AssetCategoriesSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<AssetCategories> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<AssetCategories>(call, params).await
    }
    /// Creates a `asset_categories` row (`asset_categories.create`).
    #[oai(
        path = "/api/data/asset_categories",
        method = "post",
        operation_id = "asset_categories.create"
    )]
    async fn asset_categories_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<AssetCategories>>,
    ) -> CreatedAnswer<AssetCategories> {
        handlers::create::<AssetCategories>(call, body.0).await
    }
    /// One `asset_categories` row by id (`asset_categories.index`).
    #[oai(
        path = "/api/data/asset_categories/:id",
        method = "get",
        operation_id = "asset_categories.get"
    )]
    async fn asset_categories_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<AssetCategories> {
        handlers::get::<AssetCategories>(call, id.0).await
    }
    /// Changes the fields sent of a `asset_categories` row (`asset_categories.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/asset_categories/:id",
        method = "put",
        operation_id = "asset_categories.update"
    )]
    async fn asset_categories_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<AssetCategories>>,
    ) -> RowAnswer<AssetCategories> {
        handlers::update::<AssetCategories>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`asset_categories.update`).
    #[oai(
        path = "/api/data/asset_categories/:id",
        method = "patch",
        operation_id = "asset_categories.patch"
    )]
    async fn asset_categories_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<AssetCategories>>,
    ) -> RowAnswer<AssetCategories> {
        handlers::update::<AssetCategories>(call, id.0, body.0).await
    }
    /// Deletes a `asset_categories` row (`asset_categories.delete`).
    #[oai(
        path = "/api/data/asset_categories/:id",
        method = "delete",
        operation_id = "asset_categories.delete"
    )]
    async fn asset_categories_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<AssetCategories>(call, id.0).await
    }
    /// Exports the `asset_categories` rows the list filters, search and sort select, as CSV, JSON or XLSX (`asset_categories.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/asset_categories/export",
        method = "get",
        operation_id = "asset_categories.export"
    )]
    async fn asset_categories_export(
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
        sort_by: Query<Option<Matching<AssetCategoriesSortBy>>>,
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
        transfer::export::<AssetCategories>(call, params).await
    }
    /// A CSV holding the header record of a `asset_categories` import (`asset_categories.import`).
    #[oai(
        path = "/api/data/asset_categories/export/template",
        method = "get",
        operation_id = "asset_categories.export_template"
    )]
    async fn asset_categories_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<AssetCategories>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `asset_categories` rows like creates, writing nothing (`asset_categories.import`).
    #[oai(
        path = "/api/data/asset_categories/import/validate",
        method = "post",
        operation_id = "asset_categories.import_validate"
    )]
    async fn asset_categories_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<AssetCategories>(call, body).await
    }
    /// Creates the `asset_categories` rows of a CSV, JSON or XLSX file (`asset_categories.import` and `asset_categories.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/asset_categories/import",
        method = "post",
        operation_id = "asset_categories.import"
    )]
    async fn asset_categories_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<AssetCategories>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `asset_categories` columns over the rows the list filters select (`asset_categories.index`).
    #[oai(
        path = "/api/data/asset_categories/aggregate",
        method = "get",
        operation_id = "asset_categories.aggregate"
    )]
    async fn asset_categories_aggregate(
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
        summary::aggregate::<AssetCategories>(call, params).await
    }
    /// The distinct values of a `asset_categories` column with their counts, under the other list filters (`asset_categories.index`).
    #[oai(
        path = "/api/data/asset_categories/facets",
        method = "get",
        operation_id = "asset_categories.facets"
    )]
    async fn asset_categories_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<AssetCategoriesFacetField>>,
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
        summary::facets::<AssetCategories>(call, params).await
    }
    /// Lists `assets` rows of the caller's organisation (`assets.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(path = "/api/data/assets", method = "get", operation_id = "assets.list")]
    async fn assets_list(
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
        sort_by: Query<Option<Matching<AssetsSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<Assets> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<Assets>(call, params).await
    }
    /// Creates a `assets` row (`assets.create`).
    #[oai(path = "/api/data/assets", method = "post", operation_id = "assets.create")]
    async fn assets_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<Assets>>,
    ) -> CreatedAnswer<Assets> {
        handlers::create::<Assets>(call, body.0).await
    }
    /// One `assets` row by id (`assets.index`).
    #[oai(path = "/api/data/assets/:id", method = "get", operation_id = "assets.get")]
    async fn assets_get(&self, call: Call<'_>, id: Path<Uuid>) -> RowAnswer<Assets> {
        handlers::get::<Assets>(call, id.0).await
    }
    /// Changes the fields sent of a `assets` row (`assets.update`); `PUT` and `PATCH` both merge.
    #[oai(path = "/api/data/assets/:id", method = "put", operation_id = "assets.update")]
    async fn assets_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Assets>>,
    ) -> RowAnswer<Assets> {
        handlers::update::<Assets>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`assets.update`).
    #[oai(
        path = "/api/data/assets/:id",
        method = "patch",
        operation_id = "assets.patch"
    )]
    async fn assets_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Assets>>,
    ) -> RowAnswer<Assets> {
        handlers::update::<Assets>(call, id.0, body.0).await
    }
    /// Deletes a `assets` row (`assets.delete`).
    #[oai(
        path = "/api/data/assets/:id",
        method = "delete",
        operation_id = "assets.delete"
    )]
    async fn assets_delete(&self, call: Call<'_>, id: Path<Uuid>) -> DeletedAnswer {
        handlers::delete::<Assets>(call, id.0).await
    }
    /// Exports the `assets` rows the list filters, search and sort select, as CSV, JSON or XLSX (`assets.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/assets/export",
        method = "get",
        operation_id = "assets.export"
    )]
    async fn assets_export(
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
        sort_by: Query<Option<Matching<AssetsSortBy>>>,
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
        transfer::export::<Assets>(call, params).await
    }
    /// A CSV holding the header record of a `assets` import (`assets.import`).
    #[oai(
        path = "/api/data/assets/export/template",
        method = "get",
        operation_id = "assets.export_template"
    )]
    async fn assets_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<Assets>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `assets` rows like creates, writing nothing (`assets.import`).
    #[oai(
        path = "/api/data/assets/import/validate",
        method = "post",
        operation_id = "assets.import_validate"
    )]
    async fn assets_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<Assets>(call, body).await
    }
    /// Creates the `assets` rows of a CSV, JSON or XLSX file (`assets.import` and `assets.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/assets/import",
        method = "post",
        operation_id = "assets.import"
    )]
    async fn assets_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<Assets>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `assets` columns over the rows the list filters select (`assets.index`).
    #[oai(
        path = "/api/data/assets/aggregate",
        method = "get",
        operation_id = "assets.aggregate"
    )]
    async fn assets_aggregate(
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
        summary::aggregate::<Assets>(call, params).await
    }
    /// The distinct values of a `assets` column with their counts, under the other list filters (`assets.index`).
    #[oai(
        path = "/api/data/assets/facets",
        method = "get",
        operation_id = "assets.facets"
    )]
    async fn assets_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<AssetsFacetField>>,
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
        summary::facets::<Assets>(call, params).await
    }
    /// Lists `depreciation_schedules` rows of the caller's organisation (`depreciation_schedules.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/depreciation_schedules",
        method = "get",
        operation_id = "depreciation_schedules.list"
    )]
    async fn depreciation_schedules_list(
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
        sort_by: Query<Option<Matching<DepreciationSchedulesSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<DepreciationSchedules> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<DepreciationSchedules>(call, params).await
    }
    /// Creates a `depreciation_schedules` row (`depreciation_schedules.create`).
    #[oai(
        path = "/api/data/depreciation_schedules",
        method = "post",
        operation_id = "depreciation_schedules.create"
    )]
    async fn depreciation_schedules_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<DepreciationSchedules>>,
    ) -> CreatedAnswer<DepreciationSchedules> {
        handlers::create::<DepreciationSchedules>(call, body.0).await
    }
    /// One `depreciation_schedules` row by id (`depreciation_schedules.index`).
    #[oai(
        path = "/api/data/depreciation_schedules/:id",
        method = "get",
        operation_id = "depreciation_schedules.get"
    )]
    async fn depreciation_schedules_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<DepreciationSchedules> {
        handlers::get::<DepreciationSchedules>(call, id.0).await
    }
    /// Changes the fields sent of a `depreciation_schedules` row (`depreciation_schedules.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/depreciation_schedules/:id",
        method = "put",
        operation_id = "depreciation_schedules.update"
    )]
    async fn depreciation_schedules_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<DepreciationSchedules>>,
    ) -> RowAnswer<DepreciationSchedules> {
        handlers::update::<DepreciationSchedules>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`depreciation_schedules.update`).
    #[oai(
        path = "/api/data/depreciation_schedules/:id",
        method = "patch",
        operation_id = "depreciation_schedules.patch"
    )]
    async fn depreciation_schedules_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<DepreciationSchedules>>,
    ) -> RowAnswer<DepreciationSchedules> {
        handlers::update::<DepreciationSchedules>(call, id.0, body.0).await
    }
    /// Deletes a `depreciation_schedules` row (`depreciation_schedules.delete`).
    #[oai(
        path = "/api/data/depreciation_schedules/:id",
        method = "delete",
        operation_id = "depreciation_schedules.delete"
    )]
    async fn depreciation_schedules_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<DepreciationSchedules>(call, id.0).await
    }
    /// Exports the `depreciation_schedules` rows the list filters, search and sort select, as CSV, JSON or XLSX (`depreciation_schedules.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/depreciation_schedules/export",
        method = "get",
        operation_id = "depreciation_schedules.export"
    )]
    async fn depreciation_schedules_export(
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
        sort_by: Query<Option<Matching<DepreciationSchedulesSortBy>>>,
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
        transfer::export::<DepreciationSchedules>(call, params).await
    }
    /// A CSV holding the header record of a `depreciation_schedules` import (`depreciation_schedules.import`).
    #[oai(
        path = "/api/data/depreciation_schedules/export/template",
        method = "get",
        operation_id = "depreciation_schedules.export_template"
    )]
    async fn depreciation_schedules_export_template(
        &self,
        call: Call<'_>,
    ) -> FileAnswer {
        transfer::template::<DepreciationSchedules>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `depreciation_schedules` rows like creates, writing nothing (`depreciation_schedules.import`).
    #[oai(
        path = "/api/data/depreciation_schedules/import/validate",
        method = "post",
        operation_id = "depreciation_schedules.import_validate"
    )]
    async fn depreciation_schedules_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<DepreciationSchedules>(call, body).await
    }
    /// Creates the `depreciation_schedules` rows of a CSV, JSON or XLSX file (`depreciation_schedules.import` and `depreciation_schedules.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/depreciation_schedules/import",
        method = "post",
        operation_id = "depreciation_schedules.import"
    )]
    async fn depreciation_schedules_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<DepreciationSchedules>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `depreciation_schedules` columns over the rows the list filters select (`depreciation_schedules.index`).
    #[oai(
        path = "/api/data/depreciation_schedules/aggregate",
        method = "get",
        operation_id = "depreciation_schedules.aggregate"
    )]
    async fn depreciation_schedules_aggregate(
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
        summary::aggregate::<DepreciationSchedules>(call, params).await
    }
    /// The distinct values of a `depreciation_schedules` column with their counts, under the other list filters (`depreciation_schedules.index`).
    #[oai(
        path = "/api/data/depreciation_schedules/facets",
        method = "get",
        operation_id = "depreciation_schedules.facets"
    )]
    async fn depreciation_schedules_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<DepreciationSchedulesFacetField>>,
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
        summary::facets::<DepreciationSchedules>(call, params).await
    }
    /// Lists `maintenance_schedules` rows of the caller's organisation (`maintenance_schedules.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/maintenance_schedules",
        method = "get",
        operation_id = "maintenance_schedules.list"
    )]
    async fn maintenance_schedules_list(
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
        sort_by: Query<Option<Matching<MaintenanceSchedulesSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<MaintenanceSchedules> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<MaintenanceSchedules>(call, params).await
    }
    /// Creates a `maintenance_schedules` row (`maintenance_schedules.create`).
    #[oai(
        path = "/api/data/maintenance_schedules",
        method = "post",
        operation_id = "maintenance_schedules.create"
    )]
    async fn maintenance_schedules_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<MaintenanceSchedules>>,
    ) -> CreatedAnswer<MaintenanceSchedules> {
        handlers::create::<MaintenanceSchedules>(call, body.0).await
    }
    /// One `maintenance_schedules` row by id (`maintenance_schedules.index`).
    #[oai(
        path = "/api/data/maintenance_schedules/:id",
        method = "get",
        operation_id = "maintenance_schedules.get"
    )]
    async fn maintenance_schedules_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<MaintenanceSchedules> {
        handlers::get::<MaintenanceSchedules>(call, id.0).await
    }
    /// Changes the fields sent of a `maintenance_schedules` row (`maintenance_schedules.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/maintenance_schedules/:id",
        method = "put",
        operation_id = "maintenance_schedules.update"
    )]
    async fn maintenance_schedules_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<MaintenanceSchedules>>,
    ) -> RowAnswer<MaintenanceSchedules> {
        handlers::update::<MaintenanceSchedules>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`maintenance_schedules.update`).
    #[oai(
        path = "/api/data/maintenance_schedules/:id",
        method = "patch",
        operation_id = "maintenance_schedules.patch"
    )]
    async fn maintenance_schedules_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<MaintenanceSchedules>>,
    ) -> RowAnswer<MaintenanceSchedules> {
        handlers::update::<MaintenanceSchedules>(call, id.0, body.0).await
    }
    /// Deletes a `maintenance_schedules` row (`maintenance_schedules.delete`).
    #[oai(
        path = "/api/data/maintenance_schedules/:id",
        method = "delete",
        operation_id = "maintenance_schedules.delete"
    )]
    async fn maintenance_schedules_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<MaintenanceSchedules>(call, id.0).await
    }
    /// Exports the `maintenance_schedules` rows the list filters, search and sort select, as CSV, JSON or XLSX (`maintenance_schedules.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/maintenance_schedules/export",
        method = "get",
        operation_id = "maintenance_schedules.export"
    )]
    async fn maintenance_schedules_export(
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
        sort_by: Query<Option<Matching<MaintenanceSchedulesSortBy>>>,
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
        transfer::export::<MaintenanceSchedules>(call, params).await
    }
    /// A CSV holding the header record of a `maintenance_schedules` import (`maintenance_schedules.import`).
    #[oai(
        path = "/api/data/maintenance_schedules/export/template",
        method = "get",
        operation_id = "maintenance_schedules.export_template"
    )]
    async fn maintenance_schedules_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<MaintenanceSchedules>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `maintenance_schedules` rows like creates, writing nothing (`maintenance_schedules.import`).
    #[oai(
        path = "/api/data/maintenance_schedules/import/validate",
        method = "post",
        operation_id = "maintenance_schedules.import_validate"
    )]
    async fn maintenance_schedules_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<MaintenanceSchedules>(call, body).await
    }
    /// Creates the `maintenance_schedules` rows of a CSV, JSON or XLSX file (`maintenance_schedules.import` and `maintenance_schedules.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/maintenance_schedules/import",
        method = "post",
        operation_id = "maintenance_schedules.import"
    )]
    async fn maintenance_schedules_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<MaintenanceSchedules>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `maintenance_schedules` columns over the rows the list filters select (`maintenance_schedules.index`).
    #[oai(
        path = "/api/data/maintenance_schedules/aggregate",
        method = "get",
        operation_id = "maintenance_schedules.aggregate"
    )]
    async fn maintenance_schedules_aggregate(
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
        summary::aggregate::<MaintenanceSchedules>(call, params).await
    }
    /// The distinct values of a `maintenance_schedules` column with their counts, under the other list filters (`maintenance_schedules.index`).
    #[oai(
        path = "/api/data/maintenance_schedules/facets",
        method = "get",
        operation_id = "maintenance_schedules.facets"
    )]
    async fn maintenance_schedules_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<MaintenanceSchedulesFacetField>>,
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
        summary::facets::<MaintenanceSchedules>(call, params).await
    }
    /// Lists `maintenance_logs` rows of the caller's organisation (`maintenance_logs.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/maintenance_logs",
        method = "get",
        operation_id = "maintenance_logs.list"
    )]
    async fn maintenance_logs_list(
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
        sort_by: Query<Option<Matching<MaintenanceLogsSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<MaintenanceLogs> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<MaintenanceLogs>(call, params).await
    }
    /// Creates a `maintenance_logs` row (`maintenance_logs.create`).
    #[oai(
        path = "/api/data/maintenance_logs",
        method = "post",
        operation_id = "maintenance_logs.create"
    )]
    async fn maintenance_logs_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<MaintenanceLogs>>,
    ) -> CreatedAnswer<MaintenanceLogs> {
        handlers::create::<MaintenanceLogs>(call, body.0).await
    }
    /// One `maintenance_logs` row by id (`maintenance_logs.index`).
    #[oai(
        path = "/api/data/maintenance_logs/:id",
        method = "get",
        operation_id = "maintenance_logs.get"
    )]
    async fn maintenance_logs_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<MaintenanceLogs> {
        handlers::get::<MaintenanceLogs>(call, id.0).await
    }
    /// Changes the fields sent of a `maintenance_logs` row (`maintenance_logs.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/maintenance_logs/:id",
        method = "put",
        operation_id = "maintenance_logs.update"
    )]
    async fn maintenance_logs_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<MaintenanceLogs>>,
    ) -> RowAnswer<MaintenanceLogs> {
        handlers::update::<MaintenanceLogs>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`maintenance_logs.update`).
    #[oai(
        path = "/api/data/maintenance_logs/:id",
        method = "patch",
        operation_id = "maintenance_logs.patch"
    )]
    async fn maintenance_logs_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<MaintenanceLogs>>,
    ) -> RowAnswer<MaintenanceLogs> {
        handlers::update::<MaintenanceLogs>(call, id.0, body.0).await
    }
    /// Deletes a `maintenance_logs` row (`maintenance_logs.delete`).
    #[oai(
        path = "/api/data/maintenance_logs/:id",
        method = "delete",
        operation_id = "maintenance_logs.delete"
    )]
    async fn maintenance_logs_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<MaintenanceLogs>(call, id.0).await
    }
    /// Exports the `maintenance_logs` rows the list filters, search and sort select, as CSV, JSON or XLSX (`maintenance_logs.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/maintenance_logs/export",
        method = "get",
        operation_id = "maintenance_logs.export"
    )]
    async fn maintenance_logs_export(
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
        sort_by: Query<Option<Matching<MaintenanceLogsSortBy>>>,
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
        transfer::export::<MaintenanceLogs>(call, params).await
    }
    /// A CSV holding the header record of a `maintenance_logs` import (`maintenance_logs.import`).
    #[oai(
        path = "/api/data/maintenance_logs/export/template",
        method = "get",
        operation_id = "maintenance_logs.export_template"
    )]
    async fn maintenance_logs_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<MaintenanceLogs>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `maintenance_logs` rows like creates, writing nothing (`maintenance_logs.import`).
    #[oai(
        path = "/api/data/maintenance_logs/import/validate",
        method = "post",
        operation_id = "maintenance_logs.import_validate"
    )]
    async fn maintenance_logs_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<MaintenanceLogs>(call, body).await
    }
    /// Creates the `maintenance_logs` rows of a CSV, JSON or XLSX file (`maintenance_logs.import` and `maintenance_logs.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/maintenance_logs/import",
        method = "post",
        operation_id = "maintenance_logs.import"
    )]
    async fn maintenance_logs_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<MaintenanceLogs>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `maintenance_logs` columns over the rows the list filters select (`maintenance_logs.index`).
    #[oai(
        path = "/api/data/maintenance_logs/aggregate",
        method = "get",
        operation_id = "maintenance_logs.aggregate"
    )]
    async fn maintenance_logs_aggregate(
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
        summary::aggregate::<MaintenanceLogs>(call, params).await
    }
    /// The distinct values of a `maintenance_logs` column with their counts, under the other list filters (`maintenance_logs.index`).
    #[oai(
        path = "/api/data/maintenance_logs/facets",
        method = "get",
        operation_id = "maintenance_logs.facets"
    )]
    async fn maintenance_logs_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<MaintenanceLogsFacetField>>,
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
        summary::facets::<MaintenanceLogs>(call, params).await
    }
    /// Lists `asset_disposals` rows of the caller's organisation (`asset_disposals.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/asset_disposals",
        method = "get",
        operation_id = "asset_disposals.list"
    )]
    async fn asset_disposals_list(
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
        sort_by: Query<Option<Matching<AssetDisposalsSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<AssetDisposals> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<AssetDisposals>(call, params).await
    }
    /// Creates a `asset_disposals` row (`asset_disposals.create`).
    #[oai(
        path = "/api/data/asset_disposals",
        method = "post",
        operation_id = "asset_disposals.create"
    )]
    async fn asset_disposals_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<AssetDisposals>>,
    ) -> CreatedAnswer<AssetDisposals> {
        handlers::create::<AssetDisposals>(call, body.0).await
    }
    /// One `asset_disposals` row by id (`asset_disposals.index`).
    #[oai(
        path = "/api/data/asset_disposals/:id",
        method = "get",
        operation_id = "asset_disposals.get"
    )]
    async fn asset_disposals_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<AssetDisposals> {
        handlers::get::<AssetDisposals>(call, id.0).await
    }
    /// Changes the fields sent of a `asset_disposals` row (`asset_disposals.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/asset_disposals/:id",
        method = "put",
        operation_id = "asset_disposals.update"
    )]
    async fn asset_disposals_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<AssetDisposals>>,
    ) -> RowAnswer<AssetDisposals> {
        handlers::update::<AssetDisposals>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`asset_disposals.update`).
    #[oai(
        path = "/api/data/asset_disposals/:id",
        method = "patch",
        operation_id = "asset_disposals.patch"
    )]
    async fn asset_disposals_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<AssetDisposals>>,
    ) -> RowAnswer<AssetDisposals> {
        handlers::update::<AssetDisposals>(call, id.0, body.0).await
    }
    /// Deletes a `asset_disposals` row (`asset_disposals.delete`).
    #[oai(
        path = "/api/data/asset_disposals/:id",
        method = "delete",
        operation_id = "asset_disposals.delete"
    )]
    async fn asset_disposals_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<AssetDisposals>(call, id.0).await
    }
    /// Exports the `asset_disposals` rows the list filters, search and sort select, as CSV, JSON or XLSX (`asset_disposals.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/asset_disposals/export",
        method = "get",
        operation_id = "asset_disposals.export"
    )]
    async fn asset_disposals_export(
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
        sort_by: Query<Option<Matching<AssetDisposalsSortBy>>>,
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
        transfer::export::<AssetDisposals>(call, params).await
    }
    /// A CSV holding the header record of a `asset_disposals` import (`asset_disposals.import`).
    #[oai(
        path = "/api/data/asset_disposals/export/template",
        method = "get",
        operation_id = "asset_disposals.export_template"
    )]
    async fn asset_disposals_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<AssetDisposals>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `asset_disposals` rows like creates, writing nothing (`asset_disposals.import`).
    #[oai(
        path = "/api/data/asset_disposals/import/validate",
        method = "post",
        operation_id = "asset_disposals.import_validate"
    )]
    async fn asset_disposals_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<AssetDisposals>(call, body).await
    }
    /// Creates the `asset_disposals` rows of a CSV, JSON or XLSX file (`asset_disposals.import` and `asset_disposals.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/asset_disposals/import",
        method = "post",
        operation_id = "asset_disposals.import"
    )]
    async fn asset_disposals_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<AssetDisposals>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `asset_disposals` columns over the rows the list filters select (`asset_disposals.index`).
    #[oai(
        path = "/api/data/asset_disposals/aggregate",
        method = "get",
        operation_id = "asset_disposals.aggregate"
    )]
    async fn asset_disposals_aggregate(
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
        summary::aggregate::<AssetDisposals>(call, params).await
    }
    /// The distinct values of a `asset_disposals` column with their counts, under the other list filters (`asset_disposals.index`).
    #[oai(
        path = "/api/data/asset_disposals/facets",
        method = "get",
        operation_id = "asset_disposals.facets"
    )]
    async fn asset_disposals_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<AssetDisposalsFacetField>>,
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
        summary::facets::<AssetDisposals>(call, params).await
    }
}
