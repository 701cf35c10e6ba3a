//! `ImportSpec` (`http-api.md` §6.5): which columns a CSV/JSON import accepts, derived from
//! the form — one column per modal field that is not read-only.

use serde_json::Value as Json;

use super::common::Object;

/// The most rows one import may hold (`METACORE_IMPORT_MAX_ROWS` default).
pub const MAX_IMPORT_ROWS: u32 = 10_000;

/// `{"columns": [{key, header, required?, type?}], "maxRows": 10000}` from the served modal
/// `fields`; `None` when no field is importable.
pub(crate) fn import_spec(fields: &[Json]) -> Option<Json> {
    let columns: Vec<Json> = fields.iter().filter_map(import_column).collect();
    (!columns.is_empty()).then(|| {
        Object::new()
            .with("columns", columns)
            .with("maxRows", MAX_IMPORT_ROWS)
            .build()
    })
}

fn import_column(field: &Json) -> Option<Json> {
    let is = |key: &str| field.get(key) == Some(&Json::Bool(true));
    if is("readonly") {
        return None;
    }
    let key = field.get("key")?.as_str()?;
    Some(
        Object::new()
            .with("key", key)
            .with(
                "header",
                field.get("label").cloned().unwrap_or_else(|| key.into()),
            )
            .with_opt("required", is("required").then_some(true))
            .with_opt("type", field.get("type").cloned())
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn one_column_per_writable_field() {
        let fields = [
            json!({"key": "title", "label": "Title", "type": "text", "required": true}),
            json!({"key": "folio", "label": "Folio", "type": "text", "readonly": true}),
            json!({"key": "qty", "type": "number", "required": false}),
            json!("not a field"),
        ];
        assert_eq!(
            import_spec(&fields),
            Some(json!({"columns": [
                {"key": "title", "header": "Title", "required": true, "type": "text"},
                {"key": "qty", "header": "qty", "type": "number"}
            ], "maxRows": 10000}))
        );
        assert_eq!(import_spec(&fields[1..2]), None);
    }
}
