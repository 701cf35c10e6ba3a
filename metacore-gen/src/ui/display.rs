//! The display column of a model (`http-api.md` §1.7): what labels its rows in relation
//! siblings, options and search results.

use crate::ir::Model;

/// Column names preferred as a row's label, in order of preference.
const PREFERRED: [&str; 10] = [
    "name",
    "title",
    "label",
    "display_name",
    "full_name",
    "code",
    "number",
    "folio",
    "sku",
    "email",
];

/// The first existing column among `name`, `title`, `label`, `display_name`, `full_name`,
/// `code`, `number`, `folio`, `sku`, `email`; otherwise the first `text`/`varchar` column;
/// otherwise `id`.
pub fn display_column(model: &Model) -> &str {
    PREFERRED
        .iter()
        .find_map(|name| model.column(name).map(|c| c.name.as_str()))
        .or_else(|| {
            model
                .columns
                .iter()
                .find(|c| c.column_type.is_text())
                .map(|c| c.name.as_str())
        })
        .unwrap_or("id")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::test_support::{model, v3, v3_columns};

    fn display_of(columns: serde_json::Value) -> String {
        let addon = v3(
            json!({"models": [{"key": "Item", "table": "items", "columns": v3_columns(columns)}]}),
        );
        display_column(model(&addon, "items")).to_string()
    }

    #[test]
    fn prefers_the_listed_names_in_order() {
        assert_eq!(
            display_of(json!([
                {"name": "email", "type": "text"},
                {"name": "code", "type": "text"},
                {"name": "title", "type": "text"}
            ])),
            "title"
        );
    }

    #[test]
    fn falls_back_to_the_first_text_column_then_id() {
        assert_eq!(
            display_of(json!([
                {"name": "qty", "type": "integer"},
                {"name": "memo", "type": "varchar(20)"},
                {"name": "note", "type": "text"}
            ])),
            "memo"
        );
        assert_eq!(
            display_of(json!([{"name": "qty", "type": "integer"}])),
            "id"
        );
    }
}
