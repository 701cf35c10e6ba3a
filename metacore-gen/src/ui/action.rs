//! `ActionDefinition` and `ActionFieldDef` (`http-api.md` §6.6): the buttons of a table view,
//! the explicit CRUD trio first, then the model's own actions in manifest order — all of them,
//! as a caller with every capability sees them. Which capability gates each entry is
//! [`action_capability`]; [`metacore_core::ui::gate::gate_table_metadata`] applies it per
//! caller.

use serde_json::Value as Json;

use super::common::{actions_of, humanise, options_config, served_options, whole, Object};
use crate::ir::{Action, ActionField, ActionStep, Addon, HandlerKind, Model};

pub use metacore_core::ui::gate::action_capability;
use metacore_core::ui::gate::CRUD_TRIO;

/// The `actions` of the model's TableMetadata: the trio, then the model's own actions.
pub(crate) fn actions(addon: &Addon, model: &Model) -> Vec<Json> {
    CRUD_TRIO
        .iter()
        .map(|entry| {
            Object::new()
                .with("key", entry.key)
                .with("name", entry.key)
                .with("label", entry.label)
                .with("icon", entry.icon)
                .with("class", "")
                .with("type", entry.key)
                .with("placement", "row")
                .build()
        })
        .chain(actions_of(addon, model).map(own_action))
        .collect()
}

/// True when dispatching the handler can run something.
fn is_executable(handler: &HandlerKind) -> bool {
    match handler {
        HandlerKind::Wasm { function } | HandlerKind::Compiled { function } => !function.is_empty(),
        HandlerKind::Webhook { url, .. } => !url.is_empty(),
        HandlerKind::Noop => true,
        HandlerKind::Connector { .. } | HandlerKind::None => false,
    }
}

fn own_action(action: &Action) -> Json {
    Object::new()
        .with("key", action.key.as_str())
        .with("name", action.key.as_str())
        .with(
            "label",
            action
                .label
                .clone()
                .unwrap_or_else(|| humanise(&action.key)),
        )
        .with("icon", action.icon.as_deref().unwrap_or("Zap"))
        .with("class", "")
        .with("type", "custom")
        .with("placement", action.placement.as_str())
        .with("executable", is_executable(&action.handler.kind))
        .with(
            "confirm",
            action.confirm || action.confirm_message.is_some(),
        )
        .with_opt("confirmMessage", action.confirm_message.clone())
        .with_list(
            "requiresState",
            action
                .requires_state
                .iter()
                .cloned()
                .map(Json::from)
                .collect(),
        )
        .with_list("fields", action.fields.iter().map(action_field).collect())
        .with_list("steps", action.steps.iter().map(step).collect())
        .with_opt("modal", action.modal.clone())
        .with_opt("modalWidth", action.modal_width.as_ref().map(whole))
        .with_opt(
            "condition",
            action.condition.as_ref().and_then(served_condition),
        )
        .build()
}

fn step(step: &ActionStep) -> Json {
    Object::new()
        .with("title", step.title.as_str())
        .with_opt("description", step.description.clone())
        .with(
            "fields",
            step.fields.iter().map(action_field).collect::<Vec<_>>(),
        )
        .build()
}

/// The manifest's ActionField with `default` → `defaultValue` (a `$prefillFromRecord` object
/// passes through), `search_endpoint` → `searchEndpoint`, DynamicOptions → `options_config`,
/// everything else in its manifest spelling.
fn action_field(field: &ActionField) -> Json {
    let mut served = Object::new()
        .with("key", field.key.as_str())
        .with(
            "label",
            field.label.clone().unwrap_or_else(|| humanise(&field.key)),
        )
        .with("type", field.field_type.as_str())
        .with("required", field.required)
        .with("nullable", !field.required)
        .with_opt("options", field.options.as_ref().and_then(served_options))
        .with_opt("options_config", options_config(field.options.as_ref()))
        .with_opt("options_source", field.options_source.clone())
        .with_opt("defaultValue", field.default.clone())
        .with_list(
            "item_fields",
            field.item_fields.iter().map(action_field).collect(),
        );
    for (key, value) in &field.ui {
        let key = if key == "search_endpoint" {
            "searchEndpoint"
        } else {
            key
        };
        served = served.with(key, value.clone());
    }
    served.build()
}

/// A condition as served: only when it tests a `field`, with the operator spelled the way the
/// runtime compares (`equals`/`==` → `eq`, `notequals`/`not_equals`/`!=` → `neq`, `notin` →
/// `not_in`; the others as declared). `addon_installed` is the server's concern, not served.
fn served_condition(condition: &Json) -> Option<Json> {
    let field = condition.get("field")?.as_str()?;
    let operator = condition
        .get("operator")
        .and_then(Json::as_str)
        .map(|op| match op {
            "equals" | "==" => "eq",
            "notequals" | "not_equals" | "!=" => "neq",
            "notin" => "not_in",
            other => other,
        });
    Some(
        Object::new()
            .with("field", field)
            .with_opt("operator", operator)
            .with_opt("value", condition.get("value").cloned())
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::test_support::{model, v2, v3, v3_columns};

    fn tickets(actions: serde_json::Value) -> Addon {
        v3(json!({
            "models": [{"key": "Ticket", "table": "tickets", "columns": v3_columns(json!([{"name": "status", "type": "text"}]))}],
            "contributions": {"actions": actions}
        }))
    }

    #[test]
    fn capabilities_of_the_trio_and_own_actions() {
        assert_eq!(action_capability("tickets", "view"), "tickets.index");
        assert_eq!(action_capability("tickets", "edit"), "tickets.update");
        assert_eq!(action_capability("tickets", "delete"), "tickets.delete");
        assert_eq!(action_capability("tickets", "resolve"), "tickets.resolve");
    }

    #[test]
    fn the_trio_comes_first_then_own_actions() {
        let addon = tickets(json!([
            {"key": "resolve", "target_model": "Ticket", "confirm_message": "Sure?",
             "handler": {"type": "webhook"}},
            {"key": "escalate", "target_model": "tickets", "label": "Escalate!", "icon": "Flame",
             "placement": "table", "requires_state": ["open"], "modal_width": 820,
             "handler": {"type": "wasm", "function": "escalate"}}
        ]));
        let actions = actions(&addon, model(&addon, "tickets"));
        let keys: Vec<&str> = actions.iter().filter_map(|a| a["key"].as_str()).collect();
        assert_eq!(keys, ["view", "edit", "delete", "resolve", "escalate"]);
        assert_eq!(
            actions[1],
            json!({"key": "edit", "name": "edit", "label": "datatable.edit", "icon": "Pencil",
                   "class": "", "type": "edit", "placement": "row"})
        );
        assert_eq!(
            actions[3],
            json!({"key": "resolve", "name": "resolve", "label": "Resolve", "icon": "Zap",
                   "class": "", "type": "custom", "placement": "row", "executable": false,
                   "confirm": true, "confirmMessage": "Sure?"}),
            "confirm is true when only confirm_message is given; a webhook without url cannot run"
        );
        assert_eq!(actions[4]["executable"], true);
        assert_eq!(actions[4]["requiresState"], json!(["open"]));
        assert_eq!(actions[4]["modalWidth"], 820);
        assert_eq!(actions[4]["placement"], "table");
        assert_eq!(actions[4]["confirm"], false);
    }

    #[test]
    fn conditions_map_their_operators() {
        let served = |condition: serde_json::Value| {
            let addon = tickets(json!([{"key": "go", "target_model": "Ticket",
                "handler": {"type": "wasm", "function": "go"}, "condition": condition}]));
            actions(&addon, model(&addon, "tickets"))[3]
                .get("condition")
                .cloned()
        };
        for (written, mapped) in [
            ("equals", "eq"),
            ("==", "eq"),
            ("eq", "eq"),
            ("notequals", "neq"),
            ("not_equals", "neq"),
            ("!=", "neq"),
            ("notin", "not_in"),
            ("in", "in"),
            ("truthy", "truthy"),
            ("blank", "blank"),
        ] {
            assert_eq!(
                served(json!({"field": "status", "operator": written, "value": "x"})),
                Some(json!({"field": "status", "operator": mapped, "value": "x"})),
                "{written}"
            );
        }
        assert_eq!(served(json!({"addon_installed": "crm"})), None);
        assert_eq!(
            served(json!({"addon_installed": "crm", "field": "status"})),
            Some(json!({"field": "status"}))
        );
    }

    #[test]
    fn action_fields_keep_their_manifest_spelling() {
        let addon = tickets(json!([{"key": "ship", "target_model": "Ticket",
        "handler": {"type": "wasm", "function": "ship"},
        "steps": [{"title": "Where", "description": "Pick", "fields": [
            {"key": "carrier", "type": "select", "options": [{"value": "dhl", "label": "DHL", "when": {"field": "x"}}],
             "default": {"$prefillFromRecord": "carrier"}},
            {"key": "product_id", "type": "dynamic_select", "required": true,
             "options": {"source": "products", "label_ref": "products"},
             "search_endpoint": "/options/products?field=id", "lock_rows": true},
            {"key": "lines", "type": "array", "item_fields": [{"key": "qty", "type": "number", "label": "Qty"}]}
        ]}]}]));
        let action = &actions(&addon, model(&addon, "tickets"))[3];
        assert!(action.get("fields").is_none());
        assert_eq!(
            action["steps"][0]["fields"],
            json!([
                {"key": "carrier", "label": "Carrier", "type": "select", "required": false, "nullable": true,
                 "options": [{"value": "dhl", "label": "DHL"}],
                 "defaultValue": {"$prefillFromRecord": "carrier"}},
                {"key": "product_id", "label": "Product id", "type": "dynamic_select", "required": true,
                 "nullable": false, "options_config": {"type": "dynamic", "source": "products", "label_ref": "products"},
                 "searchEndpoint": "/options/products?field=id", "lock_rows": true},
                {"key": "lines", "label": "Lines", "type": "array", "required": false, "nullable": true,
                 "item_fields": [{"key": "qty", "label": "Qty", "type": "number", "required": false, "nullable": true}]}
            ])
        );
        assert_eq!(action["steps"][0]["description"], "Pick");
    }

    #[test]
    fn v2_fields_map_name_to_key() {
        let addon = v2(json!({
            "model_definitions": [{"table_name": "orders", "model_key": "orders", "columns": [{"name": "note", "type": "text"}]}],
            "actions": {"orders": [{"key": "ship", "label": "Ship", "confirmMessage": "Ship it?",
                "requiresState": ["paid"], "trigger": {"type": "noop"},
                "fields": [{"name": "carrier", "type": "select", "size": 20, "options": [{"value": "dhl", "label": "DHL"}]}]}]}
        }));
        let action = &actions(&addon, model(&addon, "orders"))[3];
        assert_eq!(action["executable"], true);
        assert_eq!(action["confirm"], true);
        assert_eq!(action["requiresState"], json!(["paid"]));
        assert_eq!(
            action["fields"],
            json!([{"key": "carrier", "label": "Carrier", "type": "select", "required": false,
                    "nullable": true, "options": [{"value": "dhl", "label": "DHL"}], "size": 20}])
        );
    }
}
