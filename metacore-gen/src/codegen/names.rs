//! Rust names for manifest names: modules, types, fields and sea-orm column variants.
//!
//! Manifest identifiers are already snake_case ASCII (`^[a-z][a-z0-9_]*$` for tables and
//! columns; addon keys may contain `-`). Keywords become raw identifiers (`r#type`); the few
//! keywords that cannot be raw (`self`, `super`, `crate`, `Self`) get a trailing underscore.

use proc_macro2::{Ident, Span};

const STRICT_AND_RESERVED: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

const NEVER_RAW: &[&str] = &["self", "super", "crate", "Self", "_"];

/// A snake_case name as a Rust identifier (module, field).
pub fn snake_ident(name: &str) -> Ident {
    ident(&sanitize(name))
}

/// The snake_case text of a name (`custom-webhook` → `custom_webhook`), prefixed with `m_`
/// when it would not start with a letter.
pub fn sanitize(name: &str) -> String {
    let text: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        text
    } else {
        format!("m_{text}")
    }
}

/// `ticket_comments` → `TicketComments` (the sea-orm `DeriveEntityModel` rule for column
/// variants, which is also how `Column::…` paths are spelled).
pub fn upper_camel(name: &str) -> String {
    name.split(['_', '-'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A PascalCase identifier for a type or enum variant.
pub fn camel_ident(name: &str) -> Ident {
    ident(&upper_camel(name))
}

/// `SCREAMING_SNAKE` for a constant (`tickets.index` → `TICKETS_INDEX`).
pub fn const_ident(name: &str) -> Ident {
    let text: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        ident(&text)
    } else {
        ident(&format!("C_{text}"))
    }
}

/// True when `name` had to be written as a raw identifier or changed to be one.
pub fn is_escaped(name: &str) -> bool {
    STRICT_AND_RESERVED.contains(&name) || NEVER_RAW.contains(&name)
}

fn ident(text: &str) -> Ident {
    if NEVER_RAW.contains(&text) {
        Ident::new(&format!("{text}_"), Span::call_site())
    } else if STRICT_AND_RESERVED.contains(&text) {
        Ident::new_raw(text, Span::call_site())
    } else {
        Ident::new(text, Span::call_site())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(snake_ident("type").to_string(), "r#type");
        assert_eq!(snake_ident("self").to_string(), "self_");
        assert_eq!(snake_ident("title").to_string(), "title");
        assert_eq!(snake_ident("custom-webhook").to_string(), "custom_webhook");
        assert_eq!(snake_ident("3d").to_string(), "m_3d");
    }

    #[test]
    fn camel_case_matches_sea_orm() {
        assert_eq!(upper_camel("ticket_comments"), "TicketComments");
        assert_eq!(upper_camel("address_line2"), "AddressLine2");
        assert_eq!(upper_camel("id"), "Id");
        assert_eq!(const_ident("tickets.index").to_string(), "TICKETS_INDEX");
    }
}
