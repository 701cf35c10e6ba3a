//! `ModalMetadata` (`http-api.md` §6.4): the create/edit form of a model.
//!
//! A v2 model's inline `modal` block is laid over the derived shape: its `fields` (when it
//! lists any) and its `title`, `createTitle`, `editTitle`, `deleteTitle` and `messages` are
//! served as written. Without one, those titles are omitted so the runtime uses its
//! localised defaults.

use serde_json::Value as Json;

use super::common::{overlay, title, Object};
use super::field::fields;
use crate::ir::{Addon, Model};

/// The ModalMetadata of `model`.
pub fn modal_metadata(addon: &Addon, model: &Model) -> Json {
    let derived = Object::new()
        .with("title", title(model))
        .with_opt("titleKey", title_key(model))
        .with("fields", fields(addon, model))
        .with_opt("form_layout", model.form_layout.clone())
        .build();
    overlay(derived, model.modal_ui.as_ref(), &["fields"])
}

/// The model label when it looks like an i18n key: it has a dot and no whitespace.
fn title_key(model: &Model) -> Option<String> {
    model
        .label
        .clone()
        .filter(|label| label.contains('.') && !label.chars().any(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::test_support::{model, v2, v3, v3_columns};

    #[test]
    fn a_v3_modal_has_title_key_fields_and_layout() {
        let addon = v3(json!({"models": [{"key": "Ticket", "table": "tickets",
            "label": "addons.tickets.models.ticket",
            "form_layout": {"mode": "sections", "sections": [{"key": "general", "title": "General"}]},
            "columns": v3_columns(json!([{"name": "title", "type": "text", "not_null": true, "section": "general"}]))}]}));
        assert_eq!(
            modal_metadata(&addon, model(&addon, "tickets")),
            json!({"title": "addons.tickets.models.ticket", "titleKey": "addons.tickets.models.ticket",
                   "fields": [{"key": "title", "label": "Title", "type": "text", "required": true,
                               "nullable": false, "readonly": false, "hidden": false, "section": "general"}],
                   "form_layout": {"mode": "sections", "sections": [{"key": "general", "title": "General"}]}})
        );
        let plain = v3(
            json!({"models": [{"key": "Ticket", "table": "fiscal_documents", "label": "Fiscal docs",
            "columns": v3_columns(json!([]))}]}),
        );
        let served = modal_metadata(&plain, model(&plain, "fiscal_documents"));
        assert_eq!(served["title"], "Fiscal docs");
        assert!(served.get("titleKey").is_none());
        assert!(served.get("createTitle").is_none());
    }

    #[test]
    fn a_v2_inline_modal_is_laid_over() {
        let addon = v2(
            json!({"model_definitions": [{"table_name": "assets", "model_key": "assets",
            "columns": [{"name": "name", "type": "string"}],
            "table": {"title": "Activos"},
            "modal": {"createTitle": "Crear", "messages": {"created": "Listo"}}}]}),
        );
        let served = modal_metadata(&addon, model(&addon, "assets"));
        assert_eq!(served["title"], "Activos", "as for the table");
        assert_eq!(served["createTitle"], "Crear");
        assert_eq!(served["messages"], json!({"created": "Listo"}));
        assert_eq!(
            served["fields"][0]["key"], "name",
            "no inline fields: derived"
        );
    }
}
