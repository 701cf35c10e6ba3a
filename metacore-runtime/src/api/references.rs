//! Extensions on body properties for what the server checks against stored rows.
//!
//! No JSON Schema keyword can say "an id that exists" or "a value no other row has", so the
//! completed document says it on the property of every create and update body:
//!
//! * `x-metacore-ref: <route>` — a reference column (`customer_id` → `customers`) takes the
//!   id of a row of that model in the caller's organisation; any other id is refused (422
//!   `not_found`). Clients use it to offer a picker (`GET /api/options/<route>`).
//! * `x-metacore-unique: true` — the column is unique within the organisation (a unique
//!   index over it and the tenancy column, or over it alone): a value another row holds is a
//!   409 `duplicate`.
//!
//! Test generators use both to draw live ids and fresh values (the conformance run's
//! `.ci/schemathesis_hooks.py`).

use serde_json::{json, Value};

use crate::registry::Registry;

/// The extension naming the referenced model.
pub const REFERENCE: &str = "x-metacore-ref";

/// The extension marking a column unique within the organisation.
pub const UNIQUE: &str = "x-metacore-unique";

/// Marks the reference and unique properties of every model's create and update bodies.
pub fn add_references(document: &mut Value, registry: &Registry) {
    let mut marks: Vec<(String, &'static str, &'static str, Value)> = Vec::new();
    for addon in registry.addons {
        for model in addon.models {
            let collection = format!("/api/data/{}", model.route);
            let item = format!("{collection}/{{id}}");
            let bodies = [(&collection, "post"), (&item, "put"), (&item, "patch")];
            for (path, method) in bodies {
                let Some(name) = body_schema_name(document, path, method) else {
                    continue;
                };
                for column in model.columns {
                    if let Some(target) = column.reference {
                        marks.push((name.clone(), column.name, REFERENCE, json!(target)));
                    }
                }
                for set in model.unique {
                    let mut rest = set.iter().filter(|c| Some(**c) != model.tenancy_column);
                    if let (Some(column), None) = (rest.next(), rest.next()) {
                        marks.push((name.clone(), column, UNIQUE, json!(true)));
                    }
                }
            }
        }
    }
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, column, extension, value) in marks {
        if let Some(property) = schemas
            .get_mut(&name)
            .and_then(|schema| schema.get_mut("properties"))
            .and_then(|properties| properties.get_mut(column))
            .and_then(Value::as_object_mut)
        {
            property.insert(extension.into(), value);
        }
    }
}

/// The component name of the JSON body of `method path`, when it is a `$ref`.
fn body_schema_name(document: &Value, path: &str, method: &str) -> Option<String> {
    let content = document
        .get("paths")?
        .get(path)?
        .get(method)?
        .pointer("/requestBody/content")?
        .as_object()?;
    let reference = content
        .iter()
        .find(|(media, _)| media.starts_with("application/json"))?
        .1
        .pointer("/schema/$ref")?
        .as_str()?;
    reference
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}
