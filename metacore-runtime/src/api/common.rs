//! The operations every build serves whatever its addons: health, per-caller metadata,
//! navigation, manifests, installations, the caller's permissions and option lists
//! (`http-api.md` §5.1, §6, §8, §9.1, §9.3, §10.5, §13.1).

use std::collections::BTreeMap;

use metacore_core::ui::gate::gate_table_metadata;
use metacore_core::ui::navigation::{
    filter_navigation, merge_navigation, served_navigation, Contribution,
};
use poem::http::StatusCode;
use poem_openapi::param::{Path, Query};
use poem_openapi::OpenApi;
use serde_json::{json, Map, Value};

use super::access::Access;
use super::actions::{self, InvocationBody, ToolAnswer};
use super::answer::{document_kind, shape, Answer, Document, DocumentKind};
use super::error::{ApiError, FieldError};
use super::schema::table_metadata;
use super::sql::Sql;
use super::state::{ApiState, Call};
use super::store::scoped;
use super::tags::{METADATA, OPTIONS, PERMISSIONS, SYSTEM, TOOLS};
use super::value::decode;
use crate::registry::{AddonDescriptor, ColumnRole, ModelDescriptor};

document_kind!(
    /// `{"success": true, "data": {"status", "version"}}`.
    Health, "HealthEnvelope", "object", "The server is up.",
    data: object(&[("status", string()), ("version", string())]));
/// A readiness probe's database check gives up after this long (answering 503).
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// `{"success": true, "data": {"status": "ready"}}`; 503 `not_ready` otherwise.
pub struct Ready;

impl DocumentKind for Ready {
    const NAME: &'static str = "ReadyEnvelope";
    const DESCRIPTION: &'static str =
        "The server can take traffic: its database answers and its migrations are applied.";
    const UNAVAILABLE: Option<&'static str> =
        Some("Not ready (`not_ready`): the database did not answer in time.");

    fn data() -> poem_openapi::registry::MetaSchemaRef {
        shape::object(&[("status", shape::string())])
    }
}

document_kind!(
    /// `{"success": true, "data": TableMetadata}`.
    revalidated TableMetadata, "TableMetadataEnvelope", "object", "The model's table metadata, gated for the caller.");
document_kind!(
    /// `{"success": true, "data": ModalMetadata}`.
    revalidated ModalMetadata, "ModalMetadataEnvelope", "object", "The model's form metadata.");
document_kind!(
/// `{"success": true, "data": {"version", "tables", "modals"}}`.
revalidated AllMetadata, "AllMetadataEnvelope", "object", "Metadata of every model the caller may list.",
data: object(&[
    ("version", string()),
    ("tables", map(object(&[]))),
    ("modals", map(object(&[]))),
]));
document_kind!(
    /// The raw navigation array.
    revalidated Navigation, "NavigationGroups", "array", "The navigation groups the caller may see.");
document_kind!(
    /// The raw manifests array.
    revalidated Manifests, "LegacyManifests", "array", "The legacy projection of every enabled addon.");
document_kind!(
/// `{"success": true, "data": {user_id, organization_id, role, is_admin, permissions}}`.
Permissions, "PermissionsEnvelope", "object", "The caller's expanded capability set.",
data: object(&[
    ("user_id", formatted("uuid")),
    ("organization_id", nullable(formatted("uuid"))),
    ("role", string()),
    ("is_admin", boolean()),
    ("permissions", array(string())),
]));
document_kind!(
/// `{"success": true, "data": [{addon_key, key, id, name, description, input_schema, handler_type}]}`.
Tools, "ToolsEnvelope", "object", "The tools the caller may execute.",
data: array(object(&[
    ("addon_key", string()),
    ("key", string()),
    ("id", string()),
    ("name", string()),
    ("input_schema", any()),
    ("handler_type", string()),
])));
document_kind!(
    /// `{"success": true, "data": [Option], "meta": {"type", "count"}}`.
    Options, "OptionsEnvelope", "object", "Options of a field.",
    data: array(object(&[("value", any()), ("label", any())])));

/// The shared operations.
pub struct CommonApi;

/// `{"success": true, "data": data}`.
pub(crate) fn envelope(data: Value) -> Value {
    json!({"success": true, "data": data})
}

fn resolve(
    state: &ApiState,
    model: &str,
) -> Result<(&'static AddonDescriptor, &'static ModelDescriptor), ApiError> {
    state
        .registry()
        .model(model)
        .ok_or_else(|| ApiError::not_found("model_not_found", format!("unknown model `{model}`")))
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn gated_table(model: &ModelDescriptor, access: &Access) -> Value {
    gate_table_metadata(
        model.route,
        &table_metadata(model),
        &|cap| access.allows(cap),
        access.is_super(),
    )
}

fn require_index(model: &ModelDescriptor, access: &Access) -> Result<(), ApiError> {
    access.require(&format!("{}.index", model.route))
}

/// The answer of a document operation from the envelope it built, or its error.
pub(crate) fn answer<K: DocumentKind>(result: Result<Value, ApiError>) -> Answer<Document<K>> {
    result.map(Document::new).into()
}

#[OpenApi]
impl CommonApi {
    /// Health check (public).
    #[oai(
        path = "/api/health",
        method = "get",
        operation_id = "health",
        tag = "SYSTEM"
    )]
    async fn health(&self) -> Answer<Document<Health>> {
        answer(Ok(envelope(
            json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
        )))
    }

    /// Readiness (public): 200 once the server can take traffic — it serves only after its
    /// migrations ran, and its database answers within 2 s — else 503 `not_ready`. For load
    /// balancers and rolling restarts; `/api/health` only says the process is up.
    #[oai(
        path = "/api/ready",
        method = "get",
        operation_id = "ready",
        tag = "SYSTEM"
    )]
    async fn ready(&self, state: poem::web::Data<&ApiState>) -> Answer<Document<Ready>> {
        let ping = tokio::time::timeout(READY_TIMEOUT, state.db().ping()).await;
        answer(match ping {
            Ok(Ok(())) => Ok(envelope(json!({"status": "ready"}))),
            Ok(Err(error)) => {
                tracing::warn!(%error, "readiness: the database does not answer");
                Err(not_ready())
            }
            Err(_) => Err(not_ready()),
        })
    }

    /// The table metadata of a model, gated for the caller (`<table>.index`).
    #[oai(
        path = "/api/metadata/table/:model",
        method = "get",
        operation_id = "metadata_table",
        tag = "METADATA"
    )]
    async fn table_metadata(
        &self,
        call: Call<'_>,
        model: Path<String>,
    ) -> Answer<Document<TableMetadata>> {
        answer(
            async {
                let (caller, access) = call.state.caller(call.request).await?;
                let (addon, model) = resolve(call.state, &model)?;
                call.state.enabled_for(&caller).await?.require(addon.key)?;
                require_index(model, &access)?;
                Ok(envelope(gated_table(model, &access)))
            }
            .await,
        )
        .revalidated(call.request)
    }

    /// The form metadata of a model (`<table>.index`).
    #[oai(
        path = "/api/metadata/modal/:model",
        method = "get",
        operation_id = "metadata_modal",
        tag = "METADATA"
    )]
    async fn modal_metadata(
        &self,
        call: Call<'_>,
        model: Path<String>,
    ) -> Answer<Document<ModalMetadata>> {
        answer(
            async {
                let (caller, access) = call.state.caller(call.request).await?;
                let (addon, model) = resolve(call.state, &model)?;
                call.state.enabled_for(&caller).await?.require(addon.key)?;
                require_index(model, &access)?;
                Ok(envelope(parse(model.modal_metadata_json)))
            }
            .await,
        )
        .revalidated(call.request)
    }

    /// Table and form metadata of every model the caller may list.
    #[oai(
        path = "/api/metadata/all",
        method = "get",
        operation_id = "metadata_all",
        tag = "METADATA"
    )]
    async fn all_metadata(&self, call: Call<'_>) -> Answer<Document<AllMetadata>> {
        answer(
            async {
                let (caller, access) = call.state.caller(call.request).await?;
                let enabled = call.state.enabled_for(&caller).await?;
                let mut tables = Map::new();
                let mut modals = Map::new();
                for addon in call.state.registry().addons {
                    if !enabled.allows(addon.key) {
                        continue;
                    }
                    for model in addon.models {
                        if require_index(model, &access).is_ok() {
                            tables.insert(model.route.into(), gated_table(model, &access));
                            modals.insert(model.route.into(), parse(model.modal_metadata_json));
                        }
                    }
                }
                let version = metadata_version(call.state.registry(), &tables, &modals);
                Ok(envelope(
                    json!({"version": version, "tables": tables, "modals": modals}),
                ))
            }
            .await,
        )
        .revalidated(call.request)
    }

    /// The navigation tree the caller may see (a raw array).
    #[oai(
        path = "/api/metacore/navigation",
        method = "get",
        operation_id = "navigation",
        tag = "METADATA"
    )]
    async fn navigation(&self, call: Call<'_>) -> Answer<Document<Navigation>> {
        answer(
            async {
                let (caller, access) = call.state.caller(call.request).await?;
                if caller.org.is_none() {
                    return Ok(json!([]));
                }
                let enabled = call.state.enabled_for(&caller).await?;
                let contributions: Vec<Contribution> = call
                    .state
                    .addons()
                    .into_iter()
                    .filter(|a| enabled.allows(a.key))
                    .filter_map(|a| serde_json::from_str(a.navigation_json).ok())
                    .collect();
                let merged = merge_navigation(Vec::new(), &contributions, &|_| true);
                let shown =
                    filter_navigation(&merged, &|cap| access.allows(cap), access.is_super());
                Ok(served_navigation(&shown))
            }
            .await,
        )
        .revalidated(call.request)
    }

    /// The legacy projection of every enabled addon, sorted by key (a raw array).
    #[oai(
        path = "/api/metacore/manifests",
        method = "get",
        operation_id = "manifests",
        tag = "METADATA"
    )]
    async fn manifests(&self, call: Call<'_>) -> Answer<Document<Manifests>> {
        answer(
            async {
                let (caller, _) = call.state.caller(call.request).await?;
                if caller.org.is_none() {
                    return Ok(json!([]));
                }
                let enabled = call.state.enabled_for(&caller).await?;
                Ok(Value::Array(
                    call.state
                        .addons()
                        .into_iter()
                        .filter(|a| enabled.allows(a.key))
                        .map(|a| parse(a.legacy_manifest_json))
                        .collect(),
                ))
            }
            .await,
        )
        .header(
            poem::http::HeaderName::from_static("x-metacore-kernel-version"),
            "3.0.0",
        )
        .revalidated(call.request)
    }

    /// The caller's identity and expanded capabilities.
    #[oai(
        path = "/api/permissions/me",
        method = "get",
        operation_id = "permissions_me",
        tag = "PERMISSIONS"
    )]
    async fn permissions_me(&self, call: Call<'_>) -> Answer<Document<Permissions>> {
        answer(
            async {
                let (caller, access) = call.state.caller(call.request).await?;
                Ok(envelope(json!({
                    "user_id": caller.user.to_string(),
                    "organization_id": caller.org.map(|o| o.to_string()),
                    "role": caller.role,
                    "is_admin": access.is_super(),
                    "permissions": access.expanded(call.state.registry()),
                })))
            }
            .await,
        )
    }

    /// Options of a field: the model's own rows (`field=id`), a static list, or the rows a
    /// reference column points at. Authenticated members only; tenant-scoped.
    #[oai(
        path = "/api/options/:model",
        method = "get",
        operation_id = "options",
        tag = "OPTIONS"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn options(
        &self,
        call: Call<'_>,
        model: Path<String>,
        /// The field whose options are listed (`id`: the model's own rows).
        field: Query<String>,
        q: Query<Option<String>>,
        search: Query<Option<String>>,
        limit: Query<Option<i64>>,
        /// Options skipped (dynamic options), at least 0.
        #[oai(validator(minimum(value = "0")))]
        offset: Query<Option<i64>>,
    ) -> Answer<Document<Options>> {
        answer(
            async {
                let (caller, _) = call.state.caller(call.request).await?;
                let org = caller.organization()?;
                let (addon, model) = resolve(call.state, &model)?;
                call.state.require_enabled(addon.key, org).await?;
                let field = Some(field.0)
                    .filter(|f| !f.trim().is_empty())
                    .ok_or_else(|| ApiError::bad_request("invalid_param", "`field` is required"))?;
                let text = q.0.or(search.0).unwrap_or_default();
                let limit = match limit.0 {
                    Some(n) if n >= 1 => n.min(200),
                    _ => 50,
                };
                let offset = offset.0.unwrap_or(0);
                if offset < 0 {
                    return Err(ApiError::bad_request("invalid_param", "`offset` must be ≥ 0"));
                }
                let column = model.column(&field).ok_or_else(|| {
                    ApiError::not_found("field_not_configured", format!("`{field}` has no options"))
                })?;
                if !column.options.is_empty() {
                    let needle = text.to_lowercase();
                    let items: Vec<Value> = column
                        .options
                        .iter()
                        .filter(|o| o.to_lowercase().contains(&needle))
                        .map(|o| option_json(o, o))
                        .collect();
                    let count = items.len();
                    return Ok(json!({"success": true, "data": items, "meta": {"type": "static", "count": count}}));
                }
                let target = if column.role == ColumnRole::Id {
                    model
                } else {
                    column
                        .reference
                        .and_then(|route| addon.models.iter().find(|m| m.route == route))
                        .ok_or_else(|| {
                            ApiError::not_found(
                                "field_not_configured",
                                format!("`{field}` has no options"),
                            )
                        })?
                };
                let items = dynamic_options(call.state, target, org, &text, limit, offset).await?;
                let count = items.len();
                Ok(json!({"success": true, "data": items, "meta": {"type": "dynamic", "count": count}}))
            }
            .await,
        )
    }

    /// The tools of every addon the caller may execute (`<addon>.tools.<tool>`);
    /// `addon_key` narrows to one addon.
    #[oai(
        path = "/api/metacore/tools",
        method = "get",
        operation_id = "tools_list",
        tag = "TOOLS"
    )]
    async fn tools(
        &self,
        call: Call<'_>,
        addon_key: Query<Option<String>>,
    ) -> Answer<Document<Tools>> {
        answer(
            async {
                let (caller, access) = call.state.caller(call.request).await?;
                let enabled = call.state.enabled_for(&caller).await?;
                Ok(actions::tool_list(
                    call.state,
                    &access,
                    addon_key.0.as_deref(),
                    &|key| enabled.allows(key),
                ))
            }
            .await,
        )
    }

    /// Runs a tool's handler (`<addon>.tools.<tool>`). The body is the arguments object (or
    /// `{"parameters": {…}}`), validated against the tool's `input_schema` (422).
    #[oai(
        path = "/api/metacore/tools/:addon/:tool",
        method = "post",
        operation_id = "tools_call",
        tag = "TOOLS"
    )]
    async fn tool_call(
        &self,
        call: Call<'_>,
        addon: Path<String>,
        tool: Path<String>,
        body: InvocationBody,
    ) -> ToolAnswer {
        actions::tool(call.state, call.request, &addon, &tool, body).await
    }

    /// The kernel-compatible form of a tool call:
    /// `{"addon_key", "tool_id", "parameters", "installation_id"?}`.
    #[oai(
        path = "/api/metacore/tools/execute",
        method = "post",
        operation_id = "tools_execute",
        tag = "TOOLS"
    )]
    async fn tool_execute(&self, call: Call<'_>, body: InvocationBody) -> ToolAnswer {
        let InvocationBody(mut fields) = body;
        if let Err(error) = execute_fields(&fields) {
            return ToolAnswer::err(error);
        }
        let text = |fields: &Map<String, Value>, key: &str| {
            fields
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (addon, tool) = (text(&fields, "addon_key"), text(&fields, "tool_id"));
        let parameters = match fields.remove("parameters") {
            Some(Value::Object(parameters)) => parameters,
            _ => Map::new(),
        };
        actions::tool(
            call.state,
            call.request,
            &addon,
            &tool,
            InvocationBody(parameters),
        )
        .await
    }
}

fn not_ready() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not_ready",
        "the database does not answer",
    )
}

/// The body of `tools/execute` refused when a field it reads has the wrong type: `addon_key`,
/// `tool_id` and `installation_id` are text, `parameters` an object (422 `invalid`). A
/// missing or unknown tool is a 404 later.
fn execute_fields(fields: &Map<String, Value>) -> Result<(), ApiError> {
    let expected = [
        ("addon_key", Value::is_string as fn(&Value) -> bool),
        ("tool_id", Value::is_string),
        ("installation_id", Value::is_string),
        ("parameters", Value::is_object),
    ];
    let refused: BTreeMap<String, Vec<FieldError>> = expected
        .into_iter()
        .filter(|(key, fits)| fields.get(*key).is_some_and(|value| !fits(value)))
        .map(|(key, _)| (key.to_string(), vec![FieldError::new("invalid")]))
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(refused))
    }
}

fn option_json(value: &str, label: &str) -> Value {
    json!({"id": value, "value": value, "label": label, "name": label})
}

async fn dynamic_options(
    state: &ApiState,
    model: &'static ModelDescriptor,
    org: uuid::Uuid,
    text: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Value>, ApiError> {
    let backend = state.db().get_database_backend();
    let id = model.id_column();
    let label = model.column(model.display_column).unwrap_or(id);
    let mut sql = Sql::new(backend);
    sql.push("SELECT ").ident(id.name);
    if label.name != id.name {
        sql.push(", ").ident(label.name);
    }
    sql.push(" FROM ").ident(model.physical_table);
    scoped(&mut sql, model, org);
    let text = text.trim();
    if !text.is_empty() && label.name != id.name {
        sql.push(" AND ");
        super::query::like_column(&mut sql, label, text);
    }
    sql.push(" ORDER BY ")
        .ident(label.name)
        .push(" ASC")
        .limit(limit)
        .push(" OFFSET ")
        .bind(offset);
    use sea_orm::ConnectionTrait;
    let rows = state
        .db()
        .query_all_raw(sql.statement())
        .await
        .map_err(|e| ApiError::from_db(e, StatusCode::BAD_REQUEST, "invalid_param"))?;
    rows.iter()
        .map(|row| {
            let value = decode(row, id).map_err(ApiError::internal)?.label();
            let shown = decode(row, label).map_err(ApiError::internal)?.label();
            Ok(option_json(&value, &shown))
        })
        .collect()
}

/// The `version` of `/metadata/all` (`http-api.md` §6.1): `<build-hash-8>.<caller-hash-8>`,
/// the first part from what was compiled, the second from the documents served to this
/// caller (so it changes with their capabilities, installed addons and language).
fn metadata_version(
    registry: &crate::registry::Registry,
    tables: &Map<String, Value>,
    modals: &Map<String, Value>,
) -> String {
    let served = serde_json::to_vec(&(tables, modals)).unwrap_or_default();
    let caller = metacore_core::fnv::fnv1a(&served) as u32;
    format!("{:08x}.{caller:08x}", build_hash(registry))
}

/// A stable hash of what was compiled (the first part of the metadata `version`).
fn build_hash(registry: &crate::registry::Registry) -> u32 {
    let mut hash = metacore_core::fnv::Fnv1a::default();
    for addon in registry.addons {
        hash = hash
            .update(addon.key.as_bytes())
            .update(addon.version.as_bytes());
        for model in addon.models {
            hash = hash.update(model.table_metadata_json.as_bytes());
        }
    }
    hash.finish() as u32
}
