//! IR → the runtime's registry values: the one place that decides what an addon's
//! `AddonDescriptor` holds.
//!
//! Both ways of getting a descriptor go through these functions: code generation renders the
//! values they return as Rust constants ([`super::tokens`]), and [`crate::dynamic`] hands
//! them to the runtime as they are. The registry types borrow `'static` data, so the values
//! are built from leaked copies of the IR's strings (see [`crate::dynamic`] for why that is
//! bounded); code generation leaks as much as the descriptors it writes hold, once per build
//! or macro expansion.

use metacore_core::registry::{
    ActionDescriptor, AddonDescriptor, Audience, BackendDescriptor, ColumnDescriptor, ColumnKind,
    ColumnRole, DeclaredCapability, FormField, FormValue, Handler, HookDescriptor, ModelDescriptor,
    NotificationRule, PayloadFilter, RoleGrants, SettingDescriptor, SubscriptionDescriptor,
    ToolDescriptor, WasmHandlerRef,
};
use sha2::{Digest, Sha256};

use super::references::AddonReferences;
use super::schema::physical_table;
use crate::ir::{self, Action, ActionField, Addon, Column, ColumnType, HandlerKind, SystemRole};
use crate::ui::{self, Grantable, PermissionTable};

/// A `'static` copy of `text`.
pub(crate) fn leak_str(text: &str) -> &'static str {
    String::leak(text.to_string())
}

/// A `'static` slice of `items`.
pub(crate) fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// `'static` copies of `texts`.
pub(crate) fn leak_strs<S: AsRef<str>>(
    texts: impl IntoIterator<Item = S>,
) -> &'static [&'static str] {
    leak_slice(texts.into_iter().map(|t| leak_str(t.as_ref())).collect())
}

fn leak_opt(text: Option<&str>) -> Option<&'static str> {
    text.map(leak_str)
}

/// Compact JSON text of a value (tool input schemas, setting defaults).
fn json_text(value: &serde_json::Value) -> String {
    serde_json::to_string(value).expect("JSON values serialise")
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The registry's [`Handler`] for an IR handler.
pub(crate) fn handler(kind: &HandlerKind) -> Handler {
    match kind {
        HandlerKind::Wasm { function } => Handler::Wasm {
            function: leak_str(function),
        },
        HandlerKind::Webhook { url, method } => Handler::Webhook {
            url: leak_str(url),
            method: leak_str(method),
        },
        HandlerKind::Compiled { function } => Handler::Compiled {
            function: leak_str(function),
        },
        HandlerKind::Connector { connector, export } => Handler::Connector {
            connector: leak_str(connector),
            export: leak_str(export),
        },
        HandlerKind::Noop => Handler::Noop,
        HandlerKind::None => Handler::None,
    }
}

/// The addon's actions, in manifest order.
pub(crate) fn actions(addon: &Addon) -> &'static [ActionDescriptor] {
    leak_slice(
        addon
            .actions
            .iter()
            .map(|action| action_descriptor(addon, action))
            .collect(),
    )
}

fn action_descriptor(addon: &Addon, action: &Action) -> ActionDescriptor {
    ActionDescriptor {
        key: leak_str(&action.key),
        model: leak_opt(
            action
                .target_model
                .as_deref()
                .and_then(|name| addon.find_model(name))
                .map(|m| m.table.as_str()),
        ),
        placement: leak_str(&action.placement),
        requires_state: leak_strs(&action.requires_state),
        fields: leak_slice(action.all_fields().map(form_field).collect()),
        idempotency_key: leak_opt(action.idempotency_key.as_deref()),
        handler: handler(&action.handler.kind),
    }
}

/// The `FormField` of an action field: its key, what it takes and whether it is required.
fn form_field(field: &ActionField) -> FormField {
    let options = static_options(field).map(leak_strs);
    FormField {
        key: leak_str(&field.key),
        value: FormValue::of(&field.field_type, options),
        required: field.required,
    }
}

/// The values of a field's static options (`[{value, …}]`), when every one is a string.
fn static_options(field: &ActionField) -> Option<Vec<String>> {
    let options = field.options.as_ref()?.as_array()?;
    options
        .iter()
        .map(|option| option.get("value")?.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .filter(|values| !values.is_empty())
}

/// The addon's tools, in manifest order.
pub(crate) fn tools(addon: &Addon) -> &'static [ToolDescriptor] {
    leak_slice(
        addon
            .tools
            .iter()
            .map(|tool| ToolDescriptor {
                key: leak_str(&tool.key),
                name: leak_str(tool.label.as_deref().unwrap_or(&tool.key)),
                description: leak_str(&tool.description),
                input_schema_json: tool
                    .input_schema
                    .as_ref()
                    .map(|schema| String::leak(json_text(schema)) as &'static str),
                timeout_ms: tool
                    .timeout_secs
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .map(|s| (s * 1000.0).round() as u64),
                handler: handler(&tool.handler.kind),
            })
            .collect(),
    )
}

/// The addon's event subscriptions, in manifest order.
pub(crate) fn subscriptions(addon: &Addon) -> &'static [SubscriptionDescriptor] {
    leak_slice(
        addon
            .subscriptions
            .iter()
            .map(|s| SubscriptionDescriptor {
                event: leak_str(&s.event),
                filter: leak_opt(s.filter.as_deref()),
                handler: handler(&s.handler.kind),
            })
            .collect(),
    )
}

/// The addon's notification rules, in manifest order.
pub(crate) fn notifications(addon: &Addon) -> &'static [NotificationRule] {
    let filter = |path: &str, values: &[String]| PayloadFilter {
        path: leak_str(path),
        values: leak_strs(values),
    };
    leak_slice(
        addon
            .notifications
            .iter()
            .map(|rule| NotificationRule {
                key: leak_str(&rule.key),
                on: leak_str(&rule.on),
                title: leak_str(&rule.title),
                body: leak_opt(rule.body.as_deref()),
                severity: leak_str(&rule.severity),
                icon: leak_opt(rule.icon.as_deref()),
                link: leak_opt(rule.link.as_deref()),
                to: match &rule.to {
                    ir::Audience::Org => Audience::Org,
                    ir::Audience::Roles(roles) => Audience::Roles(leak_strs(roles)),
                    ir::Audience::Actor => Audience::Actor,
                    ir::Audience::Field(path) => Audience::Field(leak_str(path)),
                },
                exclude_actor: rule.exclude_actor,
                when: leak_slice(
                    rule.when
                        .iter()
                        .map(|(path, values)| filter(path, values))
                        .collect(),
                ),
                entered: rule
                    .entered
                    .as_ref()
                    .map(|(field, values)| filter(field, values)),
            })
            .collect(),
    )
}

/// The addon's lifecycle hooks: the named hooks, then the upgrade steps that run a handler.
pub(crate) fn hooks(addon: &Addon) -> &'static [HookDescriptor] {
    let named = addon.lifecycle.hooks().map(|(name, hook)| HookDescriptor {
        hook: name,
        from: None,
        handler: handler(&hook.kind),
    });
    let upgrades = addon.lifecycle.upgrade.iter().filter_map(|step| {
        let kind = match step.step_type.as_str() {
            "wasm" => HandlerKind::Wasm {
                function: step.function.clone(),
            },
            "webhook" => HandlerKind::Webhook {
                url: step.function.clone(),
                method: "POST".into(),
            },
            _ => return None,
        };
        Some(HookDescriptor {
            hook: "upgrade",
            from: Some(leak_str(&step.from_text)),
            handler: handler(&kind),
        })
    });
    leak_slice(named.chain(upgrades).collect())
}

/// The addon's installation settings with their defaults.
pub(crate) fn settings(addon: &Addon) -> &'static [SettingDescriptor] {
    leak_slice(
        addon
            .settings
            .iter()
            .map(|setting| SettingDescriptor {
                key: leak_str(&setting.key),
                setting_type: setting.setting_type.as_str(),
                label: leak_opt(setting.label.as_deref()),
                default_json: setting
                    .default
                    .as_ref()
                    .map(|value| String::leak(json_text(value)) as &'static str),
                required: setting.required,
                options: leak_strs(setting.options.iter().map(|(value, _)| value)),
                validation: leak_opt(setting.validation.as_deref()),
            })
            .collect(),
    )
}

/// The module to embed: the one the checks read, when the addon names WASM handlers.
pub(crate) fn embedded_backend<'a>(addon: &Addon, backend: Option<&'a [u8]>) -> Option<&'a [u8]> {
    backend.filter(|_| !addon.wasm_handlers().is_empty())
}

/// The addon's backend with `module_sha256` set when `module` is embedded (see
/// [`embedded_backend`]) but `module` itself left `None`: the caller places the bytes (a
/// generated crate with `include_bytes!`, a dynamic install with a leaked copy).
pub(crate) fn backend(addon: &Addon, module: Option<&[u8]>) -> BackendDescriptor {
    BackendDescriptor {
        entry: leak_str(&addon.backend.entry),
        memory_limit_mb: addon.backend.memory_limit_mb,
        timeout_ms: addon.backend.timeout_ms,
        base_url: leak_opt(addon.backend.base_url.as_deref()),
        wasm_handlers: leak_slice(
            addon
                .wasm_handlers()
                .iter()
                .map(|(function, pointer)| WasmHandlerRef {
                    function: leak_str(function),
                    pointer: leak_str(pointer),
                })
                .collect(),
        ),
        module: None,
        module_sha256: embedded_backend(addon, module)
            .map(|bytes| String::leak(hex_sha256(bytes)) as &'static str),
    }
}

/// `grantables` without repeated capability strings (the first one stays), as the
/// permissions module declares them.
pub(crate) fn distinct_capabilities<'a>(
    grantables: impl IntoIterator<Item = &'a Grantable>,
) -> Vec<&'a Grantable> {
    let mut seen = std::collections::BTreeSet::new();
    grantables
        .into_iter()
        .filter(|g| seen.insert(g.capability.as_str()))
        .collect()
}

/// Every capability of the model served under `route`: its CRUD verbs, then its actions
/// (`permissions::<table>::ALL`); empty when the table lists no such model.
pub(crate) fn model_capabilities(table: &PermissionTable, route: &str) -> &'static [&'static str] {
    let Some(model) = table.models.iter().find(|m| m.table == route) else {
        return &[];
    };
    leak_strs(
        distinct_capabilities(model.crud.iter().chain(&model.actions))
            .into_iter()
            .map(|g| &g.capability),
    )
}

/// The `rbac.permissions` entries as grantables: key, label (else the key), capability.
pub(crate) fn declared_permissions(table: &PermissionTable) -> Vec<Grantable> {
    table
        .permissions
        .iter()
        .map(|p| Grantable {
            key: p.key.clone(),
            label: p.label.clone().unwrap_or_else(|| p.key.clone()),
            capability: p.key.clone(),
        })
        .collect()
}

/// The capabilities no single model owns (`permissions::ADDON`): the tools', then the
/// `rbac.permissions`, each list without repeats.
pub(crate) fn addon_permissions(table: &PermissionTable) -> &'static [&'static str] {
    let declared = declared_permissions(table);
    let tools = distinct_capabilities(&table.tools);
    let declared = distinct_capabilities(&declared);
    leak_strs(tools.into_iter().chain(declared).map(|g| &g.capability))
}

/// The manifest's roles with their grants (`permissions::ROLES`).
pub(crate) fn roles(table: &PermissionTable) -> &'static [RoleGrants] {
    leak_slice(
        table
            .roles
            .iter()
            .map(|role| RoleGrants {
                role: leak_str(&role.key),
                grants: leak_strs(&role.grants),
            })
            .collect(),
    )
}

/// What the addon declares it may do outside its own tables (`permissions::DECLARED`).
pub(crate) fn declared_capabilities(table: &PermissionTable) -> &'static [DeclaredCapability] {
    leak_slice(
        table
            .declared_capabilities
            .iter()
            .map(|c| DeclaredCapability {
                kind: leak_str(&c.kind),
                target: leak_str(&c.target),
            })
            .collect(),
    )
}

/// The `ModelDescriptor` of `model`, whose ungated table metadata is `table_json`; its
/// documents are `documents` (the table's, then the modal's JSON text as served).
pub(crate) fn model_descriptor(
    references: &AddonReferences,
    model: &ir::Model,
    table: &PermissionTable,
    table_json: &serde_json::Value,
    documents: (&'static str, &'static str),
) -> ModelDescriptor {
    let addon = references.addon();
    let stored = super::schema::table_of(addon, model);
    ModelDescriptor {
        key: leak_str(&model.key),
        route: leak_str(&model.table),
        physical_table: String::leak(physical_table(&addon.key, &model.table)),
        tenancy_column: leak_opt(model.tenancy_column().map(|c| c.name.as_str())),
        soft_delete: model.soft_delete(),
        capabilities: model_capabilities(table, &model.table),
        columns: leak_slice(
            model
                .columns
                .iter()
                .map(|column| column_descriptor(references, model, column))
                .collect(),
        ),
        display_column: leak_str(ui::display_column(model)),
        search_columns: leak_strs(ui::search_column_names(model)),
        default_per_page: table_json["defaultPerPage"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(15),
        row_counts: stored.row_count.is_some(),
        search_index: leak_strs(&stored.search),
        search_document: stored.search_document,
        search_scan: stored.search_scan.is_some(),
        unique: leak_slice(
            model
                .indices
                .iter()
                .filter(|i| i.unique)
                .map(|index| leak_strs(&index.columns))
                .collect(),
        ),
        table_metadata_json: documents.0,
        modal_metadata_json: documents.1,
        rule: None,
    }
}

fn column_descriptor(
    references: &AddonReferences,
    model: &ir::Model,
    column: &Column,
) -> ColumnDescriptor {
    ColumnDescriptor {
        name: leak_str(&column.name),
        kind: column_kind(column.column_type),
        nullable: column.nullable,
        role: column_role(column),
        has_default: column.default.is_some() || column.generated.is_some(),
        generated: column.generated.is_some(),
        options: leak_strs(ui::static_option_values(column)),
        reference: leak_opt(
            references
                .from(model)
                .iter()
                .find(|r| r.column == column.name && r.target_column == "id")
                .map(|r| r.target.table.as_str()),
        ),
    }
}

fn column_kind(column_type: ColumnType) -> ColumnKind {
    match column_type {
        ColumnType::Uuid => ColumnKind::Uuid,
        ColumnType::Text => ColumnKind::Text,
        ColumnType::Varchar(n) => ColumnKind::Varchar(n),
        ColumnType::Integer => ColumnKind::Integer,
        ColumnType::Bigint => ColumnKind::Bigint,
        ColumnType::Numeric(declared) => ColumnKind::Numeric(declared),
        ColumnType::Boolean => ColumnKind::Boolean,
        ColumnType::Timestamp => ColumnKind::Timestamp,
        ColumnType::Timestamptz => ColumnKind::Timestamptz,
        ColumnType::Date => ColumnKind::Date,
        // Vector columns never reach a build (MC0903).
        ColumnType::Json | ColumnType::Jsonb | ColumnType::Vector(_) => ColumnKind::Json,
    }
}

fn column_role(column: &Column) -> ColumnRole {
    match column.role {
        SystemRole::Id => ColumnRole::Id,
        SystemRole::Tenancy => ColumnRole::Tenancy,
        SystemRole::CreatedAt => ColumnRole::CreatedAt,
        SystemRole::UpdatedAt => ColumnRole::UpdatedAt,
        SystemRole::DeletedAt => ColumnRole::DeletedAt,
        SystemRole::None if is_actor(column, "created_by") => ColumnRole::CreatedBy,
        SystemRole::None if is_actor(column, "updated_by") => ColumnRole::UpdatedBy,
        SystemRole::None => ColumnRole::Data,
    }
}

/// `created_by_id` / `created_by` declared as `uuid` (`http-api.md` §4.1 step 7).
fn is_actor(column: &Column, stem: &str) -> bool {
    column.column_type == ColumnType::Uuid
        && (column.name == stem || column.name == format!("{stem}_id"))
}

/// The whole `AddonDescriptor` of `addon`, compiled from `manifest` with its backend module
/// `module` (embedded when the addon names WASM handlers): what a generated crate's `ADDON`
/// constant holds, its JSON documents as the files beside it hold them.
pub(crate) fn addon_descriptor(
    addon: &Addon,
    manifest: &str,
    module: Option<&[u8]>,
) -> AddonDescriptor {
    let table = ui::permissions(addon);
    let references = AddonReferences::of(addon);
    let models = addon
        .models
        .iter()
        .map(|model| {
            let table_json = ui::table_metadata(addon, model);
            let documents = (
                document(&table_json),
                document(&ui::modal_metadata(addon, model)),
            );
            model_descriptor(&references, model, &table, &table_json, documents)
        })
        .collect();
    let mut backend = backend(addon, module);
    backend.module = embedded_backend(addon, module).map(|bytes| leak_slice(bytes.to_vec()));
    AddonDescriptor {
        key: leak_str(&addon.key),
        name: leak_str(&addon.name),
        version: String::leak(addon.version.to_string()),
        manifest: leak_str(manifest),
        ir_sha256: String::leak(crate::canonical::ir_sha256(addon)),
        models: leak_slice(models),
        permissions: addon_permissions(&table),
        roles: roles(&table),
        capabilities: declared_capabilities(&table),
        navigation_json: document(&ui::navigation(addon)),
        permission_table_json: document(&table),
        legacy_manifest_json: document(&ui::legacy_manifest(addon)),
        actions: actions(addon),
        tools: tools(addon),
        subscriptions: subscriptions(addon),
        notifications: notifications(addon),
        hooks: hooks(addon),
        settings: settings(addon),
        backend,
    }
}

/// A served JSON document as a generated crate stores it: pretty, with a final newline
/// (members in the order `serde_json` keeps them).
pub(crate) fn document_text(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("metadata serialises");
    text.push('\n');
    text
}

/// A `'static` copy of [`document_text`].
fn document(value: &impl serde::Serialize) -> &'static str {
    String::leak(document_text(value))
}
