//! The values a path parameter can take, when the build knows them, as `enum`s.
//!
//! The common routes take a model or an addon by name, as strings: poem-openapi declares them
//! once for every model, so it cannot list the values.
//! This pass completes the document, like [`super::links`], from the registry:
//!
//! * `{model}` of `/api/metadata/table/…`, `/api/metadata/modal/…` and `/api/options/…`: the
//!   routes of every model;
//! * `{key}` of `/api/metacore/installations/{key}/rotate-secret`: the addon keys.
//!
//! (Action keys and tools have one operation each: [`super::key_operations`].) The server
//! still answers any other value (a model key in another case resolves too; an
//! unknown one is a 404), so the enum says which values name something, for clients and test
//! generators alike.

use serde_json::{json, Value};

use crate::registry::Registry;

/// Adds the enums to the path parameters of `document`.
pub fn add_path_enums(document: &mut Value, registry: &Registry) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let mut routes: Vec<&str> = registry
        .addons
        .iter()
        .flat_map(|a| a.models.iter().map(|m| m.route))
        .collect();
    routes.sort_unstable();
    let addons: Vec<&str> = registry.addons.iter().map(|a| a.key).collect();
    for (path, item) in paths.iter_mut() {
        let (parameter, values) = match path.as_str() {
            "/api/metadata/table/{model}"
            | "/api/metadata/modal/{model}"
            | "/api/options/{model}" => ("model", routes.clone()),
            "/api/metacore/installations/{key}/rotate-secret" => ("key", addons.clone()),
            _ => continue,
        };
        if values.is_empty() {
            continue;
        }
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            let Some(parameters) = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            for declared in parameters.iter_mut() {
                if declared["in"] == "path" && declared["name"] == parameter {
                    declared["schema"] = json!({"type": "string", "enum": values});
                }
            }
        }
    }
}
