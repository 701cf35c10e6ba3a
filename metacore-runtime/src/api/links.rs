//! OpenAPI `links` from each create response to the operations on the created record.
//!
//! poem-openapi cannot declare links, so the generated document is completed here, once,
//! before it is served or written (`server::spec_json`): the `201` response of every `POST /api/data/<route>`
//! gets one link per operation of `/api/data/<route>/{id}` (get, update, patch, delete) and
//! of its row actions (`/api/data/<route>/{id}/action/<key>`, see [`super::key_operations`]),
//! each passing the new record's id (`$response.body#/data/id`). Clients and stateful test tools
//! (schemathesis) follow them from a create to the item operations.
//!
//! The completed document is re-serialised from a `serde_json::Value`, whose objects keep
//! their keys sorted: the same document, in a stable order.

use serde_json::{json, Map, Value};

/// Adds the links to `document` in place.
pub fn add_create_links(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let collections: Vec<String> = paths
        .keys()
        .filter(|path| is_collection(path))
        .cloned()
        .collect();
    for collection in collections {
        let links = item_links(paths, &format!("{collection}/{{id}}"));
        if links.is_empty() {
            continue;
        }
        if let Some(created) = paths
            .get_mut(&collection)
            .and_then(|item| item.pointer_mut("/post/responses/201"))
            .and_then(Value::as_object_mut)
        {
            created.insert("links".to_string(), Value::Object(links));
        }
    }
}

/// `/api/data/<route>`: a model's collection.
fn is_collection(path: &str) -> bool {
    path.strip_prefix("/api/data/")
        .is_some_and(|route| !route.is_empty() && !route.contains('/'))
}

/// The links to the operations of the item path `item` and of the paths below it that take
/// no other parameter (its actions, `<item>/action/<key>`), by operation id.
fn item_links(paths: &Map<String, Value>, item: &str) -> Map<String, Value> {
    paths
        .iter()
        .filter(|(path, _)| {
            path.as_str() == item
                || path
                    .strip_prefix(item)
                    .is_some_and(|rest| rest.starts_with('/') && !rest.contains('{'))
        })
        .filter_map(|(_, operations)| operations.as_object())
        .flatten()
        .filter_map(|(method, operation)| {
            let id = operation.get("operationId")?.as_str()?;
            let link = json!({
                "operationId": id,
                "parameters": {"id": "$response.body#/data/id"},
                "description": format!("The `{method}` operation on the created record."),
            });
            Some((id.to_string(), link))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_responses_link_to_every_item_operation() {
        let mut document = json!({"paths": {
            "/api/data/tickets": {
                "get": {"operationId": "tickets.list", "responses": {"200": {}}},
                "post": {"operationId": "tickets.create", "responses": {"201": {"description": "x"}}}
            },
            "/api/data/tickets/{id}": {
                "get": {"operationId": "tickets.get"},
                "delete": {"operationId": "tickets.delete"}
            },
            "/api/data/tickets/{id}/action/resolve": {"post": {"operationId": "tickets.action.resolve"}},
            "/api/data/tickets/{id}/action/{key}": {"post": {"operationId": "tickets.action"}},
            "/api/data/tickets/action/echo": {"post": {"operationId": "tickets.collection_action.echo"}},
            "/api/health": {"get": {"operationId": "health"}}
        }});
        add_create_links(&mut document);
        let links = &document["paths"]["/api/data/tickets"]["post"]["responses"]["201"]["links"];
        assert_eq!(links["tickets.get"]["operationId"], "tickets.get");
        assert_eq!(
            links["tickets.delete"]["parameters"]["id"],
            "$response.body#/data/id"
        );
        assert_eq!(
            links["tickets.action.resolve"]["operationId"],
            "tickets.action.resolve"
        );
        assert_eq!(links.as_object().map(Map::len), Some(3));
        assert!(
            document["paths"]["/api/data/tickets"]["get"]["responses"]["200"]["links"].is_null()
        );
    }
}
