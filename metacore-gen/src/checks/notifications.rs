//! Notification rules (`contributions.notifications`, `manifest.md` `NotificationRule`).
//!
//! The runtime turns the canonical events a rule names into per-user notifications, so
//! whatever it cannot resolve must fail the build instead:
//! * **MC0514** (error): `on` is not a canonical event (`<addon>.<Model>.<created|updated|deleted>`)
//!   of one of this addon's models;
//! * **MC0515** (error): `to` selects `roles` without roles, or `field` without a `path`;
//! * **MC0516** (error): `entered.field` is not a column of that model;
//! * **MC0517** (error): two rules share a key.

use std::collections::BTreeSet;

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::ir::{Addon, Audience, Model, NotificationRule};

/// Checks every notification rule of `addon`.
pub fn check(addon: &Addon, _context: &Context, out: &mut Vec<Diagnostic>) {
    let mut keys = BTreeSet::new();
    for rule in &addon.notifications {
        if !keys.insert(rule.key.as_str()) {
            out.push(
                Diagnostic::error(
                    "MC0517",
                    format!("notification rule `{}` is declared twice", rule.key),
                )
                .at(format!("{}/key", rule.src)),
            );
        }
        check_audience(rule, out);
        let Some(model) = event_model(addon, &rule.on) else {
            let models: Vec<&str> = addon.models.iter().map(|m| m.key.as_str()).collect();
            out.push(
                Diagnostic::error(
                    "MC0514",
                    format!(
                        "`{}` is not a canonical event of this addon's models",
                        rule.on
                    ),
                )
                .at(format!("{}/on", rule.src))
                .with_help(format!(
                    "write `{}.<Model>.<created|updated|deleted>` with one of: {}",
                    addon.key,
                    models.join(", ")
                )),
            );
            continue;
        };
        if let Some((field, _)) = &rule.entered {
            if !model.columns.iter().any(|c| &c.name == field) {
                out.push(
                    Diagnostic::error(
                        "MC0516",
                        format!("model `{}` has no column `{field}`", model.key),
                    )
                    .at(format!("{}/entered/field", rule.src)),
                );
            }
        }
    }
}

fn check_audience(rule: &NotificationRule, out: &mut Vec<Diagnostic>) {
    let missing = match &rule.to {
        Audience::Roles(roles) if roles.is_empty() => Some(("roles", "roles")),
        Audience::Field(path) if path.trim().is_empty() => Some(("field", "path")),
        _ => None,
    };
    if let Some((kind, member)) = missing {
        out.push(
            Diagnostic::error(
                "MC0515",
                format!(
                    "notification rule `{}` sends to `{kind}` but names no `{member}`",
                    rule.key
                ),
            )
            .at(format!("{}/to", rule.src)),
        );
    }
}

/// The own model whose canonical event `event` is.
fn event_model<'a>(addon: &'a Addon, event: &str) -> Option<&'a Model> {
    let parts: Vec<&str> = event.split('.').collect();
    let [owner, model, "created" | "updated" | "deleted"] = parts.as_slice() else {
        return None;
    };
    if *owner != addon.key {
        return None;
    }
    addon.models.iter().find(|m| m.key == *model)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{count, findings, has, Finding};
    use crate::diagnostics::Severity;

    fn run(rules: &str) -> Vec<Finding> {
        findings(&format!(
            r#"{{
  "apiVersion": "asteby.com/v3",
  "kind": "Addon",
  "metadata": {{"key": "shop", "name": "Shop", "version": "1.0.0"}},
  "compatibility": {{"requires": [{{"key": "kernel", "version": ">=3.0.0 <4.0.0"}}]}},
  "models": [{{"key": "Product", "table": "products", "columns": [
    {{"name": "id", "type": "uuid", "primary_key": true}},
    {{"name": "organization_id", "type": "uuid", "not_null": true}},
    {{"name": "status", "type": "text"}}]}}],
  "contributions": {{"notifications": [{rules}]}}
}}"#
        ))
    }

    #[test]
    fn a_sound_rule_passes_and_a_table_name_is_normalised() {
        let d = run(
            r#"{"key": "sold", "on": "shop.products.updated", "title": "Sold {{after.status}}",
                "to": {"type": "roles", "roles": ["clerk"]},
                "entered": {"field": "status", "values": ["sold"]}}"#,
        );
        for code in ["MC0514", "MC0515", "MC0516", "MC0517"] {
            assert_eq!(count(&d, code), 0, "{d:#?}");
        }
        assert!(
            has(
                &d,
                "MC0508",
                Severity::Note,
                "/contributions/notifications/0/on"
            ),
            "{d:#?}"
        );
        assert_eq!(count(&d, "MC0904"), 0, "rules are generated now: {d:#?}");
    }

    #[test]
    fn mc0514_unknown_event() {
        for on in [
            "shop.Order.created",
            "other.Product.created",
            "shop.Product.sold",
        ] {
            let d = run(&format!(r#"{{"key": "a", "on": "{on}", "title": "t"}}"#));
            assert!(
                has(
                    &d,
                    "MC0514",
                    Severity::Error,
                    "/contributions/notifications/0/on"
                ),
                "{on}: {d:#?}"
            );
        }
    }

    #[test]
    fn mc0515_audience_without_members() {
        let d = run(
            r#"{"key": "a", "on": "shop.Product.created", "title": "t", "to": {"type": "roles"}},
               {"key": "b", "on": "shop.Product.created", "title": "t", "to": {"type": "field"}}"#,
        );
        assert!(has(
            &d,
            "MC0515",
            Severity::Error,
            "/contributions/notifications/0/to"
        ));
        assert!(has(
            &d,
            "MC0515",
            Severity::Error,
            "/contributions/notifications/1/to"
        ));
    }

    #[test]
    fn mc0516_entered_unknown_column_and_mc0517_duplicate_key() {
        let d = run(r#"{"key": "a", "on": "shop.Product.updated", "title": "t",
                "entered": {"field": "state", "values": ["x"]}},
               {"key": "a", "on": "shop.Product.created", "title": "t"}"#);
        assert!(
            has(
                &d,
                "MC0516",
                Severity::Error,
                "/contributions/notifications/0/entered/field"
            ),
            "{d:#?}"
        );
        assert!(
            has(
                &d,
                "MC0517",
                Severity::Error,
                "/contributions/notifications/1/key"
            ),
            "{d:#?}"
        );
    }
}
