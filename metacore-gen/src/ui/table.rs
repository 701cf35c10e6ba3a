//! `TableMetadata` (`http-api.md` §6.2) and its per-caller gating (§6.7).
//!
//! [`table_metadata`] is what a caller holding every capability sees: the CRUD trio and every
//! own action, `canCreate` false only when an action with placement `create` replaces the
//! create button, `canImport` false only when nothing is importable. [`gate_table_metadata`]
//! narrows that to one caller at run time. A v2 inline `table` block is laid over the derived
//! shape (title, paging, placeholder, `enableCRUDActions`, `filters`, any other key), except
//! for what the server computes (endpoint, actions, the `can*` flags, import, relations,
//! stages) and the completed columns and search columns.

use serde_json::{json, Value as Json};

use super::action::actions;
use super::column::{columns, search_columns};
use super::common::{actions_of, humanise, overlay, route_of, stage_field, title, Object};
use super::field::fields;
use super::import::import_spec;
use crate::ir::{Addon, Model, Relation};

/// Keys of TableMetadata the server derives even when a v2 inline block has them.
const DERIVED_KEYS: [&str; 14] = [
    "endpoint",
    "columns",
    "actions",
    "hasActions",
    "searchColumns",
    "filters",
    "canCreate",
    "canExport",
    "canImport",
    "import",
    "relations",
    "group_by",
    "stages",
    "transitions",
];

/// The ungated TableMetadata of `model`.
pub fn table_metadata(addon: &Addon, model: &Model) -> Json {
    let actions = actions(addon, model);
    let import = import_spec(&fields(addon, model));
    let replaces_create = actions_of(addon, model).any(|a| a.placement == "create");
    let filters = model
        .table_ui
        .as_ref()
        .and_then(|t| t.get("filters"))
        .and_then(Json::as_array)
        .filter(|f| !f.is_empty())
        .cloned();
    let mut derived = Object::new()
        .with("title", title(model))
        .with("endpoint", format!("/data/{}", model.table))
        .with("columns", columns(addon, model))
        .with("hasActions", !actions.is_empty())
        .with("actions", actions)
        .with_opt("filters", filters)
        .with("searchColumns", search_columns(model))
        .with("perPageOptions", json!([10, 15, 25, 50, 100]))
        .with("defaultPerPage", 15)
        .with("searchPlaceholder", "Search…")
        .with("enableCRUDActions", true)
        .with("canCreate", !replaces_create)
        .with("canExport", true)
        .with("canImport", import.is_some())
        .with_opt("import", import)
        .with_list(
            "relations",
            model.relations.iter().map(|r| relation(addon, r)).collect(),
        );
    if let (Some(field), Some(stages)) = (stage_field(model), stages(model)) {
        derived = derived
            .with("group_by", field)
            .with("stages", stages)
            .with_opt("transitions", model.advanced.get("transitions").cloned());
    }
    overlay(derived.build(), model.table_ui.as_ref(), &DERIVED_KEYS)
}

/// `{"name", "kind", "through": <target route>, "foreign_key", "scope"?, "label"?,
/// "readonly"?, "embed"?}`.
fn relation(addon: &Addon, relation: &Relation) -> Json {
    let mut served = Object::new()
        .with("name", relation.name.as_str())
        .with("kind", relation.kind.as_str())
        .with("through", route_of(addon, &relation.through))
        .with("foreign_key", relation.foreign_key.as_str());
    for key in ["scope", "label", "readonly", "embed"] {
        served = served.with_opt(key, relation.options.get(key).cloned());
    }
    served.build()
}

/// `StageMeta = {"key", "label", "color"?, "order"?, "is_final"?}` sorted by `order` (stages
/// without one keep their place after the ordered ones); `None` without stages.
fn stages(model: &Model) -> Option<Vec<Json>> {
    let declared = model.advanced.get("stages")?.as_array()?;
    let mut stages: Vec<Json> = declared
        .iter()
        .filter_map(|stage| {
            let key = stage.get("key")?.as_str()?;
            let mut served = Object::new().with("key", key).with(
                "label",
                stage
                    .get("label")
                    .cloned()
                    .unwrap_or_else(|| humanise(key).into()),
            );
            for optional in ["color", "order", "is_final"] {
                served = served.with_opt(optional, stage.get(optional).cloned());
            }
            Some(served.build())
        })
        .collect();
    stages.sort_by_key(|s| s.get("order").and_then(Json::as_i64).unwrap_or(i64::MAX));
    (!stages.is_empty()).then_some(stages)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::gate_table_metadata;
    use crate::ui::test_support::{model, v2, v3, v3_columns};

    fn tickets() -> Addon {
        v3(json!({
            "models": [
                {"key": "Ticket", "table": "tickets", "stage_field": "status",
                 "stages": [{"key": "closed", "order": 2, "is_final": true}, {"key": "open", "label": "Abierto", "order": 1, "color": "green"}],
                 "transitions": [{"from": "*", "to": "closed"}],
                 "relations": [{"name": "comments", "kind": "one_to_many", "through": "Comment", "foreign_key": "ticket_id", "embed": true}],
                 "columns": v3_columns(json!([
                    {"name": "title", "type": "text", "not_null": true},
                    {"name": "number", "type": "text", "readonly": true},
                    {"name": "status", "type": "text"}
                 ]))},
                {"key": "Comment", "table": "ticket_comments", "columns": v3_columns(json!([{"name": "ticket_id", "type": "uuid"}]))}
            ],
            "contributions": {"actions": [
                {"key": "resolve", "target_model": "Ticket", "handler": {"type": "wasm", "function": "resolve"}},
                {"key": "quick_add", "target_model": "Ticket", "placement": "create", "handler": {"type": "wasm", "function": "quick_add"}}
            ]}
        }))
    }

    #[test]
    fn ungated_table_metadata() {
        let addon = tickets();
        let served = table_metadata(&addon, model(&addon, "tickets"));
        assert_eq!(served["title"], "Tickets");
        assert_eq!(served["endpoint"], "/data/tickets");
        assert_eq!(
            served["searchColumns"],
            json!(["title", "number", "status"])
        );
        assert_eq!(served["perPageOptions"], json!([10, 15, 25, 50, 100]));
        assert_eq!(served["defaultPerPage"], 15);
        assert_eq!(served["searchPlaceholder"], "Search…");
        assert_eq!(served["enableCRUDActions"], true);
        assert_eq!(served["hasActions"], true);
        assert_eq!(
            served["canCreate"], false,
            "quick_add replaces the create button"
        );
        assert_eq!(served["canExport"], true);
        assert_eq!(served["canImport"], true);
        assert_eq!(
            served["import"],
            json!({"columns": [{"key": "title", "header": "Title", "required": true, "type": "text"},
                               {"key": "status", "header": "Status", "type": "text"}], "maxRows": 10000})
        );
        assert!(served.get("filters").is_none());
        assert_eq!(
            served["relations"],
            json!([{"name": "comments", "kind": "one_to_many", "through": "ticket_comments",
                    "foreign_key": "ticket_id", "embed": true}])
        );
        assert_eq!(served["group_by"], "status");
        assert_eq!(
            served["stages"],
            json!([{"key": "open", "label": "Abierto", "order": 1, "color": "green"},
                   {"key": "closed", "label": "Closed", "order": 2, "is_final": true}])
        );
        assert_eq!(
            served["transitions"],
            json!([{"from": "*", "to": "closed"}])
        );
        let plain = table_metadata(&addon, model(&addon, "ticket_comments"));
        assert_eq!(plain["title"], "Ticket comments");
        assert_eq!(plain["canCreate"], true);
        assert!(plain.get("stages").is_none() && plain.get("relations").is_none());
    }

    #[test]
    fn gating_follows_the_callers_capabilities() {
        let addon = tickets();
        let served = table_metadata(&addon, model(&addon, "tickets"));
        let keys = |m: &Json| -> Vec<String> {
            m["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["key"].as_str().unwrap().to_string())
                .collect()
        };
        let agent =
            |cap: &str| ["tickets.index", "tickets.resolve", "tickets.export"].contains(&cap);
        let gated = gate_table_metadata("tickets", &served, &agent, false);
        assert_eq!(keys(&gated), ["view", "resolve"]);
        assert_eq!(gated["enableCRUDActions"], true);
        assert_eq!(gated["canExport"], true);
        assert_eq!(gated["canImport"], false);
        assert_eq!(gated["canCreate"], false);
        let nobody = gate_table_metadata("tickets", &served, &|_| false, false);
        assert_eq!(nobody["actions"], json!([]));
        assert_eq!(nobody["hasActions"], false);
        assert_eq!(nobody["enableCRUDActions"], false);
        assert_eq!(
            gate_table_metadata("tickets", &served, &|_| false, true),
            served
        );
    }

    #[test]
    fn a_v2_inline_table_is_laid_over() {
        let addon = v2(
            json!({"model_definitions": [{"table_name": "assets", "model_key": "assets",
            "columns": [{"name": "name", "type": "string"}, {"name": "code", "type": "string"}],
            "table": {"title": "Activos", "searchPlaceholder": "Buscar…", "perPageOptions": [20, 50],
                      "defaultPerPage": 20, "enableCRUDActions": false, "searchColumns": ["code"],
                      "filters": [{"key": "code", "label": "Code", "type": "search", "column": "code", "searchEndpoint": "assets"}],
                      "canCreate": false}}]}),
        );
        let served = table_metadata(&addon, model(&addon, "assets"));
        assert_eq!(served["title"], "Activos");
        assert_eq!(served["searchPlaceholder"], "Buscar…");
        assert_eq!(served["perPageOptions"], json!([20, 50]));
        assert_eq!(served["defaultPerPage"], 20);
        assert_eq!(served["enableCRUDActions"], false);
        assert_eq!(served["searchColumns"], json!(["code"]));
        assert_eq!(
            served["filters"][0]["searchEndpoint"],
            "/options/assets?field=id"
        );
        assert_eq!(served["canCreate"], true, "the server decides canCreate");
        assert_eq!(
            served["columns"][1]["key"], "name",
            "no inline columns: derived"
        );
        assert_eq!(served["columns"][1]["searchable"], true);
    }
}
