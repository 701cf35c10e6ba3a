//! The legacy flat projection of an addon (`manifest.md` §5.4), served by
//! `GET /api/metacore/manifests` for the React runtime's `LegacyManifest`: v2 spellings
//! (`varchar(n)` → `string` + `size`, `numeric` → `decimal`, single-quoted text defaults),
//! system columns left out, actions grouped by table, webhook URLs as `hooks`. Keys with no
//! value are omitted, except `key`, `name`, `version`, `description` and `category`.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::common::{actions_of, number_text, Object};
use super::navigation::{navigation, MenuItem};
use crate::ir::{
    Action, ActionField, Addon, Column, ColumnDefault, ColumnType, HandlerKind, Isolation, Model,
    Setting, SettingType, SystemRole, Tool,
};
use crate::v2::lower::PHONE_PATTERN;

/// The legacy flat manifest of `addon`.
pub fn legacy_manifest(addon: &Addon) -> Json {
    let info = &addon.info;
    let icon = info.icon.as_ref();
    let strings = |values: &[String]| values.iter().cloned().map(Json::from).collect();
    Object::new()
        .with("key", addon.key.as_str())
        .with("name", addon.name.as_str())
        .with("version", addon.version.to_string())
        .with("description", info.description.clone().unwrap_or_default())
        .with("category", info.category.clone().unwrap_or_default())
        .with_opt("author", info.author.clone())
        .with_opt("website", info.website.clone())
        .with_opt("license", info.license.clone())
        .with_opt("readme", info.readme.clone())
        .with_list("features", strings(&info.features))
        .with_list("screenshots", strings(&info.screenshots))
        .with_opt("icon", icon.map(|i| i.slug.clone()))
        .with_opt("icon_slug", icon.map(|i| i.slug.clone()))
        .with_opt("icon_type", icon.map(|i| i.icon_type.clone()))
        .with_opt(
            "icon_color",
            icon.and_then(|i| i.color.as_deref())
                .map(|c| c.trim_start_matches('#').to_string()),
        )
        .with_opt(
            "kernel",
            addon.kernel.as_ref().map(|k| k.range_text.clone()),
        )
        .with_list(
            "requires",
            addon
                .requires
                .iter()
                .map(|r| {
                    Object::new()
                        .with("key", r.key.as_str())
                        .with("label", r.key.as_str())
                        .build()
                })
                .collect(),
        )
        .with("tenant_isolation", isolation(addon.tenancy.isolation))
        .with_list(
            "model_definitions",
            addon
                .models
                .iter()
                .map(|m| model_definition(addon, m))
                .collect(),
        )
        .with_list(
            "navigation",
            navigation(addon)
                .groups
                .iter()
                .map(|group| {
                    Object::new()
                        .with("title", group.title.as_str())
                        .with_opt("icon", group.icon.clone())
                        .with(
                            "items",
                            group.items.iter().map(nav_item).collect::<Vec<_>>(),
                        )
                        .build()
                })
                .collect(),
        )
        .with_opt("actions", non_empty(actions(addon)))
        .with_opt("hooks", non_empty(hooks(addon)))
        .with_opt("backend", backend(addon))
        .with_list("tools", addon.tools.iter().map(tool).collect())
        .with_list(
            "events",
            addon
                .published_events
                .iter()
                .map(|e| Json::from(e.name.as_str()))
                .collect(),
        )
        .with_list(
            "capabilities",
            addon
                .capabilities
                .iter()
                .map(|c| {
                    Object::new()
                        .with("kind", c.kind.as_str())
                        .with("target", c.target.as_str())
                        .with_opt("reason", c.reason.clone())
                        .build()
                })
                .collect(),
        )
        .with_list("settings", addon.settings.iter().map(setting).collect())
        .with_opt(
            "i18n",
            (!addon.i18n.inline.is_empty())
                .then(|| serde_json::to_value(&addon.i18n.inline).ok())
                .flatten(),
        )
        .with_opt(
            "frontend",
            addon.frontend.as_ref().map(|f| {
                Object::new()
                    .with("entry", f.entry.as_str())
                    .with("format", f.format.as_str())
                    .with_opt("expose", f.expose.clone())
                    .with_opt("integrity", f.integrity.clone())
                    .with("container", f.container.as_str())
                    .with_opt("layout", f.layout.clone())
                    .build()
            }),
        )
        .build()
}

fn non_empty(map: Map<String, Json>) -> Option<Json> {
    (!map.is_empty()).then_some(Json::Object(map))
}

fn isolation(isolation: Isolation) -> &'static str {
    match isolation {
        Isolation::Shared => "shared",
        Isolation::Schema => "schema-per-tenant",
        Isolation::Database => "database-per-tenant",
    }
}

fn model_definition(addon: &Addon, model: &Model) -> Json {
    Object::new()
        .with("table_name", model.table.as_str())
        .with("model_key", model.table.as_str())
        .with_opt("label", model.label.clone())
        .with("org_scoped", model.tenancy_column().is_some())
        .with("soft_delete", model.soft_delete())
        .with(
            "columns",
            model
                .columns
                .iter()
                .filter(|c| c.role == SystemRole::None)
                .map(|c| column(addon, model, c))
                .collect::<Vec<_>>(),
        )
        .build()
}

fn column(addon: &Addon, model: &Model, column: &Column) -> Json {
    let (type_name, size) = v2_type(column.column_type);
    Object::new()
        .with("name", column.name.as_str())
        .with("type", type_name)
        .with_opt("size", size)
        .with("required", !column.nullable)
        .with_opt("default", column.default.as_ref().map(v2_default))
        .with_opt("unique", indexed_alone(model, column, true).then_some(true))
        .with_opt("index", indexed_alone(model, column, false).then_some(true))
        .with_opt(
            "ref",
            column
                .reference
                .as_deref()
                .map(|r| super::route_of(addon, r)),
        )
        .build()
}

/// The v2 spelling of a canonical type, with the `size` of a `string`.
fn v2_type(column_type: ColumnType) -> (String, Option<u32>) {
    match column_type {
        ColumnType::Varchar(n) => ("string".into(), Some(n)),
        ColumnType::Numeric(_) => ("decimal".into(), None),
        ColumnType::Timestamp | ColumnType::Timestamptz => ("timestamp".into(), None),
        ColumnType::Json | ColumnType::Jsonb => ("jsonb".into(), None),
        other => (other.canonical(), None),
    }
}

/// The v2 literal form of a default: text single-quoted, numbers and booleans as JSON,
/// builtins as their SQL spelling.
fn v2_default(default: &ColumnDefault) -> Json {
    match default {
        ColumnDefault::Bool(b) => Json::Bool(*b),
        ColumnDefault::Number(text) => number_text(text),
        ColumnDefault::Text(text) => Json::String(format!("'{text}'")),
        ColumnDefault::Now => "now()".into(),
        ColumnDefault::CurrentDate => "current_date".into(),
        ColumnDefault::RandomUuid => "gen_random_uuid()".into(),
    }
}

/// True when an index of that uniqueness covers exactly this column (the tenancy column
/// aside, which v2 unique indices carry implicitly).
fn indexed_alone(model: &Model, column: &Column, unique: bool) -> bool {
    let tenancy = model.tenancy_column().map(|c| c.name.as_str());
    model.indices.iter().any(|index| {
        index.unique == unique
            && index
                .columns
                .iter()
                .filter(|c| !unique || Some(c.as_str()) != tenancy)
                .eq([&column.name])
    })
}

fn nav_item(item: &MenuItem) -> Json {
    Object::new()
        .with("title", item.title.as_str())
        .with("url", item.url.as_str())
        .with_opt("icon", item.icon.clone())
        .with_opt("model", item.model.clone())
        .with_opt("permission", item.permission.clone())
        .with_list("items", item.items.iter().map(nav_item).collect())
        .build()
}

/// `{<table>: [action…]}` for the actions whose target is a model of the addon.
fn actions(addon: &Addon) -> Map<String, Json> {
    addon
        .models
        .iter()
        .filter_map(|model| {
            let actions: Vec<Json> = actions_of(addon, model).map(action).collect();
            (!actions.is_empty()).then(|| (model.table.clone(), Json::Array(actions)))
        })
        .collect()
}

fn action(action: &Action) -> Json {
    Object::new()
        .with("key", action.key.as_str())
        .with("name", action.key.as_str())
        .with_opt("label", action.label.clone())
        .with_opt("icon", action.icon.clone())
        .with_list("fields", action.all_fields().map(action_field).collect())
        .with_list(
            "requiresState",
            action
                .requires_state
                .iter()
                .cloned()
                .map(Json::from)
                .collect(),
        )
        .with(
            "confirm",
            action.confirm || action.confirm_message.is_some(),
        )
        .with_opt("confirmMessage", action.confirm_message.clone())
        .with_opt("modal", action.modal.clone())
        .build()
}

fn action_field(field: &ActionField) -> Json {
    Object::new()
        .with("name", field.key.as_str())
        .with_opt("label", field.label.clone())
        .with("type", field.field_type.as_str())
        .with("required", field.required)
        .with_opt("default", field.default.clone())
        .with_opt("options", field.options.clone())
        .build()
}

/// `{"<table>::<action>": url}` for the webhook actions.
fn hooks(addon: &Addon) -> Map<String, Json> {
    addon
        .models
        .iter()
        .flat_map(|model| {
            actions_of(addon, model).filter_map(|action| match &action.handler.kind {
                HandlerKind::Webhook { url, .. } if !url.is_empty() => Some((
                    format!("{}::{}", model.table, action.key),
                    Json::from(url.as_str()),
                )),
                _ => None,
            })
        })
        .collect()
}

/// `{runtime: "wasm", entry, exports}` when any WASM handler exists, else `{runtime:
/// "webhook"}` when any webhook handler exists, else nothing.
fn backend(addon: &Addon) -> Option<Json> {
    let mut exports: Vec<String> = Vec::new();
    for (function, _) in addon.wasm_handlers() {
        if !exports.contains(&function) {
            exports.push(function);
        }
    }
    if !exports.is_empty() {
        return Some(
            Object::new()
                .with("runtime", "wasm")
                .with("entry", addon.backend.entry.as_str())
                .with("exports", exports)
                .build(),
        );
    }
    let mut handlers = (addon.actions.iter().map(|a| &a.handler.kind))
        .chain(addon.tools.iter().map(|t| &t.handler.kind))
        .chain(addon.subscriptions.iter().map(|s| &s.handler.kind))
        .chain(addon.lifecycle.hooks().map(|(_, hook)| &hook.kind));
    handlers
        .any(|kind| matches!(kind, HandlerKind::Webhook { .. }))
        .then(|| Object::new().with("runtime", "webhook").build())
}

fn tool(tool: &Tool) -> Json {
    let (endpoint, method) = match &tool.handler.kind {
        HandlerKind::Webhook { url, method } => (Some(url.clone()), Some(method.clone())),
        _ => (None, None),
    };
    Object::new()
        .with("id", tool.key.as_str())
        .with("name", tool.label.as_deref().unwrap_or(&tool.key))
        .with("description", tool.description.as_str())
        .with_list(
            "input_schema",
            tool.input_schema
                .as_ref()
                .map(tool_params)
                .unwrap_or_default(),
        )
        .with_opt("endpoint", endpoint)
        .with_opt("method", method)
        .build()
}

/// v2 `input_schema` parameters from a JSON Schema's `properties` (the inverse of the v2
/// lowering, `manifest.md` §5.3).
fn tool_params(schema: &Json) -> Vec<Json> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    let properties: BTreeMap<&String, &Json> = schema
        .get("properties")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .collect();
    properties
        .into_iter()
        .map(|(name, property)| {
            let text = |key: &str| property.get(key).and_then(Json::as_str);
            let pattern = text("pattern");
            let is_phone = pattern == Some(PHONE_PATTERN);
            let param_type = match (text("type"), text("format")) {
                (Some("string"), Some(format @ ("date" | "email"))) => format,
                (Some("string"), _) if is_phone => "phone",
                (Some("number" | "integer"), _) => "number",
                (Some("boolean"), _) => "boolean",
                _ => "string",
            };
            Object::new()
                .with("name", name.as_str())
                .with("type", param_type)
                .with("description", text("description").unwrap_or_default())
                .with_opt(
                    "required",
                    required.contains(&name.as_str()).then_some(true),
                )
                .with_opt("default_value", property.get("default").cloned())
                .with_opt(
                    "example",
                    property
                        .get("examples")
                        .and_then(Json::as_array)
                        .and_then(|e| e.first())
                        .cloned(),
                )
                .with_opt("validation", pattern.filter(|_| !is_phone))
                .with_opt(
                    "extraction_hint",
                    property.get("x-extraction-hint").cloned(),
                )
                .with_opt("normalize", property.get("x-normalize").cloned())
                .with_opt("format_pattern", property.get("x-format-pattern").cloned())
                .build()
        })
        .collect()
}

fn setting(setting: &Setting) -> Json {
    let secret = setting.setting_type == SettingType::Secret;
    let type_name = match setting.setting_type {
        SettingType::Secret => "text",
        SettingType::Number | SettingType::Integer => "number",
        other => other.as_str(),
    };
    Object::new()
        .with("key", setting.key.as_str())
        .with_opt("label", setting.label.clone())
        .with("type", type_name)
        .with_opt("default_value", setting.default.clone())
        .with_list(
            "options",
            setting
                .options
                .iter()
                .map(|(value, label)| {
                    Object::new()
                        .with("value", value.as_str())
                        .with("label", label.as_str())
                        .build()
                })
                .collect(),
        )
        .with_opt("secret", secret.then_some(true))
        .build()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::test_support::{v2, v3, v3_columns};

    #[test]
    fn v3_columns_get_v2_spellings_and_literal_defaults() {
        let addon = v3(json!({
            "metadata": {"key": "shop", "name": "Shop", "version": "1.2.3", "icon": {"type": "lucide", "slug": "Store", "color": "#FF0000"}},
            "tenancy": {"isolation": "schema"},
            "models": [{"key": "Product", "table": "products", "label": "Products",
                "indices": [{"name": "products_sku_uq", "columns": ["organization_id", "sku"], "unique": true},
                            {"name": "products_name_idx", "columns": ["name"]}],
                "columns": v3_columns(json!([
                    {"name": "sku", "type": "varchar(40)", "not_null": true},
                    {"name": "name", "type": "text", "default": "unnamed"},
                    {"name": "price", "type": "numeric(12,2)", "default": 9.5},
                    {"name": "stocked", "type": "boolean", "default": true},
                    {"name": "seen_at", "type": "timestamptz", "default": "now()"},
                    {"name": "meta", "type": "json"},
                    {"name": "qty", "type": "integer"},
                    {"name": "deleted_at", "type": "timestamptz"}
                ]))}]
        }));
        let legacy = legacy_manifest(&addon);
        assert_eq!(legacy["version"], "1.2.3");
        assert_eq!(legacy["description"], "");
        assert_eq!(legacy["category"], "");
        assert_eq!(legacy["icon"], "Store");
        assert_eq!(legacy["icon_type"], "lucide");
        assert_eq!(legacy["icon_color"], "FF0000");
        assert_eq!(legacy["kernel"], ">=3.0.0 <4.0.0");
        assert_eq!(legacy["tenant_isolation"], "schema-per-tenant");
        let model = &legacy["model_definitions"][0];
        assert_eq!(model["model_key"], "products");
        assert_eq!(model["org_scoped"], true);
        assert_eq!(model["soft_delete"], true);
        assert_eq!(
            model["columns"],
            json!([
                {"name": "sku", "type": "string", "size": 40, "required": true, "unique": true},
                {"name": "name", "type": "text", "required": false, "default": "'unnamed'", "index": true},
                {"name": "price", "type": "decimal", "required": false, "default": 9.5},
                {"name": "stocked", "type": "boolean", "required": false, "default": true},
                {"name": "seen_at", "type": "timestamp", "required": false, "default": "now()"},
                {"name": "meta", "type": "jsonb", "required": false},
                {"name": "qty", "type": "integer", "required": false}
            ])
        );
        assert!(legacy.get("backend").is_none() && legacy.get("actions").is_none());
    }

    #[test]
    fn actions_hooks_backend_tools_and_settings() {
        let addon = v2(json!({
            "backend": {"runtime": "wasm", "entry": "backend/backend.wasm", "exports": ["ship"]},
            "model_definitions": [{"table_name": "orders", "model_key": "orders", "columns": [{"name": "note", "type": "text"}]}],
            "actions": {"orders": [
                {"key": "ship", "label": "Ship", "trigger": {"type": "wasm", "export": "ship"},
                 "fields": [{"name": "carrier", "type": "select", "required": true, "options": [{"value": "dhl", "label": "DHL"}]}]},
                {"key": "notify", "confirmMessage": "Sure?", "requiresState": ["paid"]}
            ]},
            "hooks": {"orders::notify": "https://hooks.example.com/notify"},
            "tools": [{"id": "track", "name": "Track", "description": "Track a parcel", "endpoint": "https://api.example.com/track",
                       "input_schema": [{"name": "phone", "type": "phone", "description": "Phone", "required": true},
                                        {"name": "when", "type": "date", "description": "Day", "example": "2024-01-01"}]}],
            "settings": [{"key": "api_key", "label": "API key", "type": "password"},
                         {"key": "retries", "label": "Retries", "type": "int", "default_value": 3},
                         {"key": "mode", "label": "Mode", "type": "select", "options": [{"value": "a", "label": "A"}], "default_value": "a"}],
            "i18n": {"en": {"a.b": "A"}},
            "frontend": {"entry": "/remote.js", "format": "federation"}
        }));
        let legacy = legacy_manifest(&addon);
        assert_eq!(
            legacy["actions"],
            json!({"orders": [
                {"key": "ship", "name": "ship", "label": "Ship", "confirm": false,
                 "fields": [{"name": "carrier", "type": "select", "required": true, "options": [{"value": "dhl", "label": "DHL"}]}]},
                {"key": "notify", "name": "notify", "confirm": true, "confirmMessage": "Sure?", "requiresState": ["paid"]}
            ]})
        );
        assert_eq!(
            legacy["hooks"],
            json!({"orders::notify": "https://hooks.example.com/notify"})
        );
        assert_eq!(
            legacy["backend"],
            json!({"runtime": "wasm", "entry": "backend/backend.wasm", "exports": ["ship"]})
        );
        assert_eq!(
            legacy["tools"],
            json!([{"id": "track", "name": "Track", "description": "Track a parcel",
                    "endpoint": "https://api.example.com/track", "method": "POST",
                    "input_schema": [
                        {"name": "phone", "type": "phone", "description": "Phone", "required": true},
                        {"name": "when", "type": "date", "description": "Day", "example": "2024-01-01"}]}])
        );
        assert_eq!(
            legacy["settings"],
            json!([{"key": "api_key", "label": "API key", "type": "text", "secret": true},
                   {"key": "retries", "label": "Retries", "type": "number", "default_value": 3},
                   {"key": "mode", "label": "Mode", "type": "select", "default_value": "a", "options": [{"value": "a", "label": "A"}]}])
        );
        assert_eq!(legacy["i18n"], json!({"en": {"a.b": "A"}}));
        assert_eq!(
            legacy["frontend"],
            json!({"entry": "/remote.js", "format": "federation", "container": "metacore_shop"})
        );
        assert_eq!(legacy["tenant_isolation"], "shared");
    }
}
