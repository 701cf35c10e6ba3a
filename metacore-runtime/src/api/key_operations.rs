//! One operation per action and per tool, each with its own request body.
//!
//! poem-openapi declares the action routes once per model (`…/action/{key}`) and the tool
//! route once for every tool (`/api/metacore/tools/{addon}/{tool}`), so one request schema
//! would have to fit every form and every tool: a free object, which tells clients nothing
//! and lets test generators send forms the server refuses. This pass completes the document,
//! like [`super::links`], from the registry:
//!
//! * `/api/data/<route>/{id}/action/{key}` becomes `/api/data/<route>/{id}/action/<key>` for
//!   each row action of the model (operation `<route>.action.<key>`), and
//!   `/api/data/<route>/action/{key}` one path per table or create action
//!   (`<route>.collection_action.<key>`). The body declares the action's form as the server
//!   checks it (`actions::form_errors`): a required field takes a value (text not blank), a
//!   select one of its options, a boolean field a boolean, a number field a number;
//!   undeclared keys pass through to the handler.
//! * `/api/metacore/tools/{addon}/{tool}` becomes `/api/metacore/tools/<addon>/<tool>` per
//!   tool (`tools.<addon>.<tool>`), whose body is the tool's `input_schema` (what the
//!   dispatcher validates against), and the body of `/api/metacore/tools/execute` is one of the
//!   tools' `{addon_key, tool_id, parameters}`.
//!
//! The server's routes do not change: any other key still reaches the handler, which answers
//! 404 for an unknown one.

use serde_json::{json, Map, Value};

use crate::registry::{ActionDescriptor, FormField, FormValue, Registry, ToolDescriptor};

/// Splits the action and tool operations of `document` by key.
pub fn split_by_key(document: &mut Value, registry: &Registry) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let templated: Vec<String> = paths
        .keys()
        .filter(|path| path.ends_with("/action/{key}"))
        .cloned()
        .collect();
    for path in templated {
        let Some(actions) = actions_of(registry, &path) else {
            continue;
        };
        if actions.is_empty() {
            continue;
        }
        let Some(item) = paths.remove(&path) else {
            continue;
        };
        let prefix = path.trim_end_matches("{key}");
        for action in actions {
            paths.insert(
                format!("{prefix}{}", action.key),
                action_item(&item, action),
            );
        }
    }
    if let Some(item) = paths.remove("/api/metacore/tools/{addon}/{tool}") {
        for addon in registry.addons {
            for tool in addon.tools {
                paths.insert(
                    format!("/api/metacore/tools/{}/{}", addon.key, tool.key),
                    tool_item(&item, addon.key, tool),
                );
            }
        }
    }
    let execute = execute_schema(registry);
    if let Some(schema) = paths
        .get_mut("/api/metacore/tools/execute")
        .and_then(|item| item.pointer_mut("/post/requestBody/content/application~1json/schema"))
    {
        *schema = execute;
    }
}

/// The actions of an action path: the model's row actions for `…/{id}/action/{key}`, its
/// other actions for `…/action/{key}`.
fn actions_of(registry: &Registry, path: &str) -> Option<Vec<&'static ActionDescriptor>> {
    let rest = path
        .strip_prefix("/api/data/")?
        .strip_suffix("/action/{key}")?;
    let (route, row) = match rest.strip_suffix("/{id}") {
        Some(route) => (route, true),
        None => (rest, false),
    };
    let (addon, model) = registry.model(route)?;
    Some(
        addon
            .actions
            .iter()
            .filter(|a| a.model == Some(model.route) && (a.placement == "row") == row)
            .collect(),
    )
}

/// The path item of one action: the generic operation without its `key` parameter, named
/// for the action, with the action's form as its body.
fn action_item(generic: &Value, action: &ActionDescriptor) -> Value {
    keyed_item(generic, &["key"], |operation| {
        let base = operation["operationId"]
            .as_str()
            .unwrap_or("action")
            .to_string();
        let (route, kind) = base.split_once('.').unwrap_or(("", base.as_str()));
        operation["operationId"] = json!(format!("{route}.{kind}.{}", action.key));
        operation["summary"] = json!(format!("Runs the `{}` action.", action.key));
        let required = action.fields.iter().any(|f| f.required);
        let mut schema = form_schema(action.fields);
        if let Some(field) = action.idempotency_key {
            // What no schema keyword can say: a repeat of this value replays the first answer
            // (and another body under it is a 422), organisation-wide.
            if let Some(property) = schema["properties"].get_mut(field) {
                property[IDEMPOTENCY_KEY] = json!(true);
                property["description"] = json!(
                    "Idempotency key: a repeat with the same value in the organisation replays \
                     the first answer; another body with it is 422 `idempotency_key_reuse`."
                );
            }
        }
        set_body(operation, schema, required);
    })
}

/// The extension marking an action's `idempotency.key_field` property.
pub const IDEMPOTENCY_KEY: &str = "x-metacore-idempotency-key";

/// The path item of one tool: the generic operation without its `addon` and `tool`
/// parameters, with the tool's input schema as its body.
fn tool_item(generic: &Value, addon: &str, tool: &ToolDescriptor) -> Value {
    keyed_item(generic, &["addon", "tool"], |operation| {
        operation["operationId"] = json!(format!("tools.{addon}.{}", tool.key));
        operation["summary"] = json!(format!("Runs the `{}` tool of `{addon}`.", tool.key));
        let schema = tool.input_schema();
        let required = requires_fields(&schema);
        set_body(operation, schema, required);
    })
}

/// `generic` with the path parameters `names` removed from each operation, then `edit`ed.
fn keyed_item(generic: &Value, names: &[&str], edit: impl Fn(&mut Value)) -> Value {
    let mut item = generic.clone();
    if let Some(operations) = item.as_object_mut() {
        for operation in operations.values_mut() {
            if let Some(parameters) = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
            {
                parameters.retain(|p| {
                    !(p["in"] == "path" && p["name"].as_str().is_some_and(|n| names.contains(&n)))
                });
            }
            edit(operation);
        }
    }
    item
}

fn set_body(operation: &mut Value, schema: Value, required: bool) {
    if let Some(body) = operation
        .get_mut("requestBody")
        .and_then(Value::as_object_mut)
    {
        body.insert("required".into(), json!(required));
        body.insert(
            "content".into(),
            json!({"application/json": {"schema": schema}}),
        );
    }
}

/// The schema of an action's form (`actions::form_errors` checks the same).
fn form_schema(fields: &[FormField]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|field| (field.key.to_string(), field_schema(field)))
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    let mut schema =
        json!({"type": "object", "properties": properties, "additionalProperties": {}});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn field_schema(field: &FormField) -> Value {
    let mut schema = match field.value {
        FormValue::Text if field.required => {
            json!({"type": "string", "minLength": 1, "pattern": r"\S"})
        }
        FormValue::Text => json!({"type": "string"}),
        FormValue::Boolean => json!({"type": "boolean"}),
        FormValue::Number => json!({"type": "number"}),
        FormValue::Integer => json!({"type": "integer"}),
        FormValue::OneOf(options) if field.required => {
            json!({"type": "string", "enum": options})
        }
        FormValue::OneOf(options) => {
            let mut values: Vec<Value> = options.iter().map(|o| json!(o)).collect();
            values.push(Value::Null);
            json!({"type": "string", "enum": values})
        }
        FormValue::Any => json!({}),
    };
    if !field.required && field.value != FormValue::Any {
        schema["nullable"] = json!(true);
    }
    schema
}

/// Whether an object schema lists required properties.
fn requires_fields(schema: &Value) -> bool {
    schema["required"]
        .as_array()
        .is_some_and(|fields| !fields.is_empty())
}

/// The body of `/api/metacore/tools/execute`: one of the tools, named by `addon_key` and
/// `tool_id`, with its `parameters`.
fn execute_schema(registry: &Registry) -> Value {
    let variants: Vec<Value> = registry
        .addons
        .iter()
        .flat_map(|addon| addon.tools.iter().map(move |tool| (addon.key, tool)))
        .map(|(addon, tool)| {
            let parameters = tool.input_schema();
            let mut required = vec!["addon_key", "tool_id"];
            if requires_fields(&parameters) {
                required.push("parameters");
            }
            json!({
                "type": "object",
                "properties": {
                    "addon_key": {"type": "string", "enum": [addon]},
                    "tool_id": {"type": "string", "enum": [tool.key]},
                    "parameters": parameters,
                    "installation_id": {"type": "string"},
                },
                "required": required,
            })
        })
        .collect();
    match variants.len() {
        0 => json!({"type": "object", "additionalProperties": {}}),
        1 => variants.into_iter().next().unwrap_or_default(),
        _ => json!({"oneOf": variants}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &'static str, value: FormValue, required: bool) -> FormField {
        FormField {
            key,
            value,
            required,
        }
    }

    #[test]
    fn forms_declare_what_the_server_checks() {
        let schema = form_schema(&[
            field("reason", FormValue::Text, true),
            field("note", FormValue::Text, false),
            field("usage", FormValue::OneOf(&["G01", "G03"]), true),
            field("mode", FormValue::OneOf(&["a"]), false),
            field("test", FormValue::Boolean, false),
            field("count", FormValue::Integer, true),
        ]);
        assert_eq!(schema["required"], json!(["reason", "usage", "count"]));
        let p = &schema["properties"];
        assert_eq!(p["reason"]["pattern"], r"\S");
        assert_eq!(p["note"], json!({"type": "string", "nullable": true}));
        assert_eq!(p["usage"]["enum"], json!(["G01", "G03"]));
        assert_eq!(p["mode"]["enum"], json!(["a", null]));
        assert_eq!(p["test"], json!({"type": "boolean", "nullable": true}));
        assert_eq!(p["count"], json!({"type": "integer"}));
        assert_eq!(form_schema(&[])["required"], Value::Null);
    }
}
