//! "Did you mean …?" — picking the closest known name for a misspelt one.

/// The candidate closest to `word`: a case-insensitive or snake_case match first, then the smallest
/// Levenshtein distance of at most 2 (ties broken alphabetically). `None` when nothing is close.
pub fn did_you_mean<'a, I, S>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a S>,
    S: AsRef<str> + ?Sized + 'a,
{
    let lower = word.to_lowercase();
    let snake = snake_case(word);
    let mut best: Option<(usize, String)> = None;
    for candidate in candidates {
        let candidate = candidate.as_ref();
        if candidate == word {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower || candidate == snake {
            0
        } else {
            strsim::levenshtein(word, candidate)
        };
        if distance > 2 || (distance * 2 >= word.chars().count().max(1) && distance > 0) {
            continue;
        }
        let better = match &best {
            None => true,
            Some((d, name)) => distance < *d || (distance == *d && candidate < name.as_str()),
        };
        if better {
            best = Some((distance, candidate.to_string()));
        }
    }
    best.map(|(_, name)| name)
}

pub use metacore_core::names::snake_case;

/// True when `name` is already `snake_case` (lowercase ASCII letters, digits, underscores).
pub fn is_snake_case(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let known = ["confirm_message", "requires_state", "label", "icon"];
        assert_eq!(
            did_you_mean("confirmMessage", &known).as_deref(),
            Some("confirm_message")
        );
        assert_eq!(
            did_you_mean("requiresState", &known).as_deref(),
            Some("requires_state")
        );
        assert_eq!(did_you_mean("lable", &known).as_deref(), Some("label"));
        assert_eq!(did_you_mean("ICON", &known).as_deref(), Some("icon"));
        assert_eq!(did_you_mean("backend", &known), None);
    }

    #[test]
    fn snake_cases_identifiers() {
        assert_eq!(snake_case("UpdateStock"), "update_stock");
        assert_eq!(snake_case("confirmMessage"), "confirm_message");
        assert_eq!(snake_case("getHTTPResponse"), "get_http_response");
        assert_eq!(snake_case("list-contacts"), "list_contacts");
        assert_eq!(snake_case("already_snake"), "already_snake");
        assert!(is_snake_case("update_stock"));
        assert!(!is_snake_case("UpdateStock"));
    }
}
