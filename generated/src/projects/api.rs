//! The HTTP operations of addon `projects` (from `manifests/projects/manifest.json`): list, create, get, update and delete for each model, under `/api/data/<route>`.

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
        #[oai(
            name = "sortBy",
            validator(
                pattern = "^(id|organization_id|manager_id|customer_id|code|name|description|status|priority|start_date|end_date|budget|currency_code|is_active|created_at|updated_at)?$"
            )
        )]
        sort_by: Query<Option<String>>,
        /// `asc` or `desc` (any case).
        #[oai(validator(pattern = "^([aA][sS][cC]|[dD][eE][sS][cC])?$"))]
        order: Query<Option<String>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<Projects> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0,
            order: order.0,
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
        #[oai(
            name = "sortBy",
            validator(
                pattern = "^(id|organization_id|project_id|parent_task_id|assignee_id|title|description|status|priority|due_date|estimated_hours|actual_hours|sort_order|is_active|created_at|updated_at)?$"
            )
        )]
        sort_by: Query<Option<String>>,
        /// `asc` or `desc` (any case).
        #[oai(validator(pattern = "^([aA][sS][cC]|[dD][eE][sS][cC])?$"))]
        order: Query<Option<String>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<ProjectTasks> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0,
            order: order.0,
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
        #[oai(
            name = "sortBy",
            validator(
                pattern = "^(id|organization_id|project_id|task_id|employee_id|date|hours|description|is_billable|is_active|created_at|updated_at)?$"
            )
        )]
        sort_by: Query<Option<String>>,
        /// `asc` or `desc` (any case).
        #[oai(validator(pattern = "^([aA][sS][cC]|[dD][eE][sS][cC])?$"))]
        order: Query<Option<String>>,
        /// Case-insensitive text searched in the search columns.
        search: Query<Option<String>>,
    ) -> ListAnswer<TimeEntries> {
        let params = ListParams {
            page: page.0,
            per_page: per_page.0,
            sort_by: sort_by.0,
            order: order.0,
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
}
