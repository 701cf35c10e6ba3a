//! Addon `crm`, written in Rust: its `contacts` model is declared with `#[metacore::model]`
//! and served at `/api/data/contacts` like a manifest model (CRUD, tenancy, permissions,
//! validation, metadata, OpenAPI schemas, events).
//!
//! Why Rust: [`contact_rule`] checks one field against another and computes a column, which
//! no manifest can express — a contact's email must be at its website's domain, and its
//! `handle` (`ada-lovelace@example.com`) is derived from the name and that domain.

use metacore::registry::RuleViolation;
use serde_json::{Map, Value};

/// A person the organisation deals with.
#[metacore::model(
    addon = "crm",
    table = "contacts",
    key = "Contact",
    label = "Contacts",
    name = "CRM",
    soft_delete,
    rule = "contact_rule"
)]
#[derive(Clone, Debug)]
pub struct Contact {
    /// Full name.
    #[metacore(max_length = 120, label = "Name")]
    pub name: String,
    /// Email address: at the website's domain when both are given.
    #[metacore(max_length = 160, label = "Email", unique)]
    pub email: Option<String>,
    /// Website (`https://example.com`).
    #[metacore(max_length = 200, label = "Website")]
    pub website: Option<String>,
    /// Computed by the server: the name as a slug at the contact's domain.
    #[metacore(max_length = 400, label = "Handle", readonly)]
    pub handle: Option<String>,
}

/// The domain of an email address or a website URL, lowercased.
fn domain_of(text: &str) -> Option<String> {
    let text = text.trim();
    let host = match text.split_once('@') {
        Some((_, domain)) => domain,
        None => {
            let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
            rest.split(['/', ':', '?', '#']).next().unwrap_or_default()
        }
    };
    let host = host.trim().trim_start_matches("www.").to_lowercase();
    (!host.is_empty()).then_some(host)
}

fn text<'a>(row: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    row.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// The `contacts` rule: the email's domain must be the website's, and `handle` is computed
/// from the name and the domain (cleared when there is no domain).
pub fn contact_rule(row: &mut Map<String, Value>) -> Result<(), Vec<RuleViolation>> {
    let email = text(row, "email").and_then(domain_of);
    let website = text(row, "website").and_then(domain_of);
    if let (Some(email), Some(website)) = (&email, &website) {
        if email != website {
            return Err(vec![RuleViolation {
                field: "email",
                code: "domain_mismatch",
                message: format!("the email is at `{email}`, the website at `{website}`"),
            }]);
        }
    }
    let slug: String = text(row, "name")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-");
    let handle = match website.or(email) {
        Some(domain) if !slug.is_empty() => Value::String(format!("{slug}@{domain}")),
        _ => Value::Null,
    };
    row.insert("handle".into(), handle);
    Ok(())
}
