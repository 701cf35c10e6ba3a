//! The HTTP operations of addon `projects` (from `manifests/projects/manifest.json`): list, create, get, update, delete, export, import, aggregate and facets for each model, under `/api/data/<route>`.

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

/// Model `Projects` (route `projects`).
pub struct Projects;

impl ModelSchema for Projects {
    const NAME: &'static str = "ProjectsProjects";
    fn model() -> &'static ModelDescriptor {
        &super::PROJECTS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for Projects {
    type Entity = super::entities::projects::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `projects`: one of its sortable columns, or empty."] pub
    ProjectsSortBy =
    "^(id|organization_id|manager_id|customer_id|code|name|description|status|priority|start_date|end_date|budget|currency_code|is_active|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `projects`: one of its sortable columns."] pub
    ProjectsFacetField =
    "^(id|organization_id|manager_id|customer_id|code|name|description|status|priority|start_date|end_date|budget|currency_code|is_active|created_at|updated_at)$"
);

/// Model `ProjectTasks` (route `project_tasks`).
pub struct ProjectTasks;

impl ModelSchema for ProjectTasks {
    const NAME: &'static str = "ProjectsProjectTasks";
    fn model() -> &'static ModelDescriptor {
        &super::PROJECT_TASKS_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for ProjectTasks {
    type Entity = super::entities::project_tasks::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `project_tasks`: one of its sortable columns, or empty."] pub
    ProjectTasksSortBy =
    "^(id|organization_id|project_id|parent_task_id|assignee_id|title|description|status|priority|due_date|estimated_hours|actual_hours|sort_order|is_active|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `project_tasks`: one of its sortable columns."] pub
    ProjectTasksFacetField =
    "^(id|organization_id|project_id|parent_task_id|assignee_id|title|description|status|priority|due_date|estimated_hours|actual_hours|sort_order|is_active|created_at|updated_at)$"
);

/// Model `TimeEntries` (route `time_entries`).
pub struct TimeEntries;

impl ModelSchema for TimeEntries {
    const NAME: &'static str = "ProjectsTimeEntries";
    fn model() -> &'static ModelDescriptor {
        &super::TIME_ENTRIES_MODEL
    }
    fn addon() -> &'static str {
        super::ADDON.key
    }
}

impl ModelEntity for TimeEntries {
    type Entity = super::entities::time_entries::Entity;
}

metacore_runtime::query_pattern!(
    #[doc = " `sortBy` of `time_entries`: one of its sortable columns, or empty."] pub
    TimeEntriesSortBy =
    "^(id|organization_id|project_id|task_id|employee_id|date|hours|description|is_billable|is_active|created_at|updated_at)?$"
);

metacore_runtime::query_pattern!(
    #[doc = " A facet `field` of `time_entries`: one of its sortable columns."] pub
    TimeEntriesFacetField =
    "^(id|organization_id|project_id|task_id|employee_id|date|hours|description|is_billable|is_active|created_at|updated_at)$"
);

/// The OpenAPI tag grouping this addon's operations: its key, and what it is.
const TAG: Tag = Tag {
    name: "projects",
    description: "Gestión de Proyectos 1.0.0: Gestión de proyectos, tareas y registro de tiempo",
};

/// The operations of every model of this addon.
pub struct Api;

#[OpenApi(tag = "TAG")]
impl Api {
    /// Lists `projects` rows of the caller's organisation (`projects.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(path = "/api/data/projects", method = "get", operation_id = "projects.list")]
    async fn projects_list(
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
        sort_by: Query<Option<Matching<ProjectsSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<Projects> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<Projects>(call, params).await
    }
    /// Creates a `projects` row (`projects.create`).
    #[oai(
        path = "/api/data/projects",
        method = "post",
        operation_id = "projects.create"
    )]
    async fn projects_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<Projects>>,
    ) -> CreatedAnswer<Projects> {
        handlers::create::<Projects>(call, body.0).await
    }
    /// One `projects` row by id (`projects.index`).
    #[oai(
        path = "/api/data/projects/:id",
        method = "get",
        operation_id = "projects.get"
    )]
    async fn projects_get(&self, call: Call<'_>, id: Path<Uuid>) -> RowAnswer<Projects> {
        handlers::get::<Projects>(call, id.0).await
    }
    /// Changes the fields sent of a `projects` row (`projects.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/projects/:id",
        method = "put",
        operation_id = "projects.update"
    )]
    async fn projects_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Projects>>,
    ) -> RowAnswer<Projects> {
        handlers::update::<Projects>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`projects.update`).
    #[oai(
        path = "/api/data/projects/:id",
        method = "patch",
        operation_id = "projects.patch"
    )]
    async fn projects_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<Projects>>,
    ) -> RowAnswer<Projects> {
        handlers::update::<Projects>(call, id.0, body.0).await
    }
    /// Deletes a `projects` row (`projects.delete`).
    #[oai(
        path = "/api/data/projects/:id",
        method = "delete",
        operation_id = "projects.delete"
    )]
    async fn projects_delete(&self, call: Call<'_>, id: Path<Uuid>) -> DeletedAnswer {
        handlers::delete::<Projects>(call, id.0).await
    }
    /// Exports the `projects` rows the list filters, search and sort select, as CSV, JSON or XLSX (`projects.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/projects/export",
        method = "get",
        operation_id = "projects.export"
    )]
    async fn projects_export(
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
        sort_by: Query<Option<Matching<ProjectsSortBy>>>,
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
        transfer::export::<Projects>(call, params).await
    }
    /// A CSV holding the header record of a `projects` import (`projects.import`).
    #[oai(
        path = "/api/data/projects/export/template",
        method = "get",
        operation_id = "projects.export_template"
    )]
    async fn projects_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<Projects>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `projects` rows like creates, writing nothing (`projects.import`).
    #[oai(
        path = "/api/data/projects/import/validate",
        method = "post",
        operation_id = "projects.import_validate"
    )]
    async fn projects_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<Projects>(call, body).await
    }
    /// Creates the `projects` rows of a CSV, JSON or XLSX file (`projects.import` and `projects.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/projects/import",
        method = "post",
        operation_id = "projects.import"
    )]
    async fn projects_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<Projects>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `projects` columns over the rows the list filters select (`projects.index`).
    #[oai(
        path = "/api/data/projects/aggregate",
        method = "get",
        operation_id = "projects.aggregate"
    )]
    async fn projects_aggregate(
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
        summary::aggregate::<Projects>(call, params).await
    }
    /// The distinct values of a `projects` column with their counts, under the other list filters (`projects.index`).
    #[oai(
        path = "/api/data/projects/facets",
        method = "get",
        operation_id = "projects.facets"
    )]
    async fn projects_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<ProjectsFacetField>>,
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
        summary::facets::<Projects>(call, params).await
    }
    /// Lists `project_tasks` rows of the caller's organisation (`project_tasks.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/project_tasks",
        method = "get",
        operation_id = "project_tasks.list"
    )]
    async fn project_tasks_list(
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
        sort_by: Query<Option<Matching<ProjectTasksSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<ProjectTasks> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<ProjectTasks>(call, params).await
    }
    /// Creates a `project_tasks` row (`project_tasks.create`).
    #[oai(
        path = "/api/data/project_tasks",
        method = "post",
        operation_id = "project_tasks.create"
    )]
    async fn project_tasks_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<ProjectTasks>>,
    ) -> CreatedAnswer<ProjectTasks> {
        handlers::create::<ProjectTasks>(call, body.0).await
    }
    /// One `project_tasks` row by id (`project_tasks.index`).
    #[oai(
        path = "/api/data/project_tasks/:id",
        method = "get",
        operation_id = "project_tasks.get"
    )]
    async fn project_tasks_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<ProjectTasks> {
        handlers::get::<ProjectTasks>(call, id.0).await
    }
    /// Changes the fields sent of a `project_tasks` row (`project_tasks.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/project_tasks/:id",
        method = "put",
        operation_id = "project_tasks.update"
    )]
    async fn project_tasks_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<ProjectTasks>>,
    ) -> RowAnswer<ProjectTasks> {
        handlers::update::<ProjectTasks>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`project_tasks.update`).
    #[oai(
        path = "/api/data/project_tasks/:id",
        method = "patch",
        operation_id = "project_tasks.patch"
    )]
    async fn project_tasks_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<ProjectTasks>>,
    ) -> RowAnswer<ProjectTasks> {
        handlers::update::<ProjectTasks>(call, id.0, body.0).await
    }
    /// Deletes a `project_tasks` row (`project_tasks.delete`).
    #[oai(
        path = "/api/data/project_tasks/:id",
        method = "delete",
        operation_id = "project_tasks.delete"
    )]
    async fn project_tasks_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<ProjectTasks>(call, id.0).await
    }
    /// Exports the `project_tasks` rows the list filters, search and sort select, as CSV, JSON or XLSX (`project_tasks.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/project_tasks/export",
        method = "get",
        operation_id = "project_tasks.export"
    )]
    async fn project_tasks_export(
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
        sort_by: Query<Option<Matching<ProjectTasksSortBy>>>,
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
        transfer::export::<ProjectTasks>(call, params).await
    }
    /// A CSV holding the header record of a `project_tasks` import (`project_tasks.import`).
    #[oai(
        path = "/api/data/project_tasks/export/template",
        method = "get",
        operation_id = "project_tasks.export_template"
    )]
    async fn project_tasks_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<ProjectTasks>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `project_tasks` rows like creates, writing nothing (`project_tasks.import`).
    #[oai(
        path = "/api/data/project_tasks/import/validate",
        method = "post",
        operation_id = "project_tasks.import_validate"
    )]
    async fn project_tasks_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<ProjectTasks>(call, body).await
    }
    /// Creates the `project_tasks` rows of a CSV, JSON or XLSX file (`project_tasks.import` and `project_tasks.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/project_tasks/import",
        method = "post",
        operation_id = "project_tasks.import"
    )]
    async fn project_tasks_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<ProjectTasks>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `project_tasks` columns over the rows the list filters select (`project_tasks.index`).
    #[oai(
        path = "/api/data/project_tasks/aggregate",
        method = "get",
        operation_id = "project_tasks.aggregate"
    )]
    async fn project_tasks_aggregate(
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
        summary::aggregate::<ProjectTasks>(call, params).await
    }
    /// The distinct values of a `project_tasks` column with their counts, under the other list filters (`project_tasks.index`).
    #[oai(
        path = "/api/data/project_tasks/facets",
        method = "get",
        operation_id = "project_tasks.facets"
    )]
    async fn project_tasks_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<ProjectTasksFacetField>>,
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
        summary::facets::<ProjectTasks>(call, params).await
    }
    /// Lists `time_entries` rows of the caller's organisation (`time_entries.index`): paging, sorting, search and `f_<column>` filters.
    #[oai(
        path = "/api/data/time_entries",
        method = "get",
        operation_id = "time_entries.list"
    )]
    async fn time_entries_list(
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
        sort_by: Query<Option<Matching<TimeEntriesSortBy>>>,
        /// `asc` or `desc` (any case).
        order: Query<Option<Matching<Order>>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<TimeEntries> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0.map(Matching::into_inner),
            order: order.0.map(Matching::into_inner),
            search: search.0,
        };
        handlers::list::<TimeEntries>(call, params).await
    }
    /// Creates a `time_entries` row (`time_entries.create`).
    #[oai(
        path = "/api/data/time_entries",
        method = "post",
        operation_id = "time_entries.create"
    )]
    async fn time_entries_create(
        &self,
        call: Call<'_>,
        body: Json<CreateBody<TimeEntries>>,
    ) -> CreatedAnswer<TimeEntries> {
        handlers::create::<TimeEntries>(call, body.0).await
    }
    /// One `time_entries` row by id (`time_entries.index`).
    #[oai(
        path = "/api/data/time_entries/:id",
        method = "get",
        operation_id = "time_entries.get"
    )]
    async fn time_entries_get(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> RowAnswer<TimeEntries> {
        handlers::get::<TimeEntries>(call, id.0).await
    }
    /// Changes the fields sent of a `time_entries` row (`time_entries.update`); `PUT` and `PATCH` both merge.
    #[oai(
        path = "/api/data/time_entries/:id",
        method = "put",
        operation_id = "time_entries.update"
    )]
    async fn time_entries_update(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<TimeEntries>>,
    ) -> RowAnswer<TimeEntries> {
        handlers::update::<TimeEntries>(call, id.0, body.0).await
    }
    /// Same as `PUT`: changes the fields sent (`time_entries.update`).
    #[oai(
        path = "/api/data/time_entries/:id",
        method = "patch",
        operation_id = "time_entries.patch"
    )]
    async fn time_entries_patch(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
        body: Json<UpdateBody<TimeEntries>>,
    ) -> RowAnswer<TimeEntries> {
        handlers::update::<TimeEntries>(call, id.0, body.0).await
    }
    /// Deletes a `time_entries` row (`time_entries.delete`).
    #[oai(
        path = "/api/data/time_entries/:id",
        method = "delete",
        operation_id = "time_entries.delete"
    )]
    async fn time_entries_delete(
        &self,
        call: Call<'_>,
        id: Path<Uuid>,
    ) -> DeletedAnswer {
        handlers::delete::<TimeEntries>(call, id.0).await
    }
    /// Exports the `time_entries` rows the list filters, search and sort select, as CSV, JSON or XLSX (`time_entries.export`); more than `METACORE_EXPORT_MAX_ROWS` is 422 `export_too_large`. `column_labels` (a JSON object of column → header text) names the headers.
    #[oai(
        path = "/api/data/time_entries/export",
        method = "get",
        operation_id = "time_entries.export"
    )]
    async fn time_entries_export(
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
        sort_by: Query<Option<Matching<TimeEntriesSortBy>>>,
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
        transfer::export::<TimeEntries>(call, params).await
    }
    /// A CSV holding the header record of a `time_entries` import (`time_entries.import`).
    #[oai(
        path = "/api/data/time_entries/export/template",
        method = "get",
        operation_id = "time_entries.export_template"
    )]
    async fn time_entries_export_template(&self, call: Call<'_>) -> FileAnswer {
        transfer::template::<TimeEntries>(call).await
    }
    /// Checks a CSV, JSON or XLSX file of `time_entries` rows like creates, writing nothing (`time_entries.import`).
    #[oai(
        path = "/api/data/time_entries/import/validate",
        method = "post",
        operation_id = "time_entries.import_validate"
    )]
    async fn time_entries_import_validate(
        &self,
        call: Call<'_>,
        body: ImportBody,
    ) -> ValidateAnswer {
        transfer::validate::<TimeEntries>(call, body).await
    }
    /// Creates the `time_entries` rows of a CSV, JSON or XLSX file (`time_entries.import` and `time_entries.create`): each row on its own, or all or none with `atomic=true`.
    #[oai(
        path = "/api/data/time_entries/import",
        method = "post",
        operation_id = "time_entries.import"
    )]
    async fn time_entries_import(
        &self,
        call: Call<'_>,
        /// Create all rows or none (default: each row on its own).
        atomic: Query<Option<bool>>,
        body: ImportBody,
    ) -> ImportAnswer {
        transfer::import::<TimeEntries>(call, atomic.0, body).await
    }
    /// Sums, averages, minima, maxima or counts of numeric `time_entries` columns over the rows the list filters select (`time_entries.index`).
    #[oai(
        path = "/api/data/time_entries/aggregate",
        method = "get",
        operation_id = "time_entries.aggregate"
    )]
    async fn time_entries_aggregate(
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
        summary::aggregate::<TimeEntries>(call, params).await
    }
    /// The distinct values of a `time_entries` column with their counts, under the other list filters (`time_entries.index`).
    #[oai(
        path = "/api/data/time_entries/facets",
        method = "get",
        operation_id = "time_entries.facets"
    )]
    async fn time_entries_facets(
        &self,
        call: Call<'_>,
        /// The column whose values are counted (any column but JSON ones and `deleted_at`).
        field: Query<Matching<TimeEntriesFacetField>>,
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
        summary::facets::<TimeEntries>(call, params).await
    }
}
