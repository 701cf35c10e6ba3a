//! Revalidation of the per-caller documents (`http-api.md` §6.1): metadata, navigation and
//! manifests carry a strong `ETag`, `Cache-Control: private, no-cache` and
//! `Vary: Authorization, Accept-Language`; a request whose `If-None-Match` matches gets 304
//! with no body.
//!
//! The documents are gated per caller (capabilities, organisation, language), so the tag is
//! derived from the bytes actually served to this caller — never from the build alone — and
//! two callers who see different documents never share a tag.

use poem::http::header::{HeaderMap, IF_NONE_MATCH};
use sha2::{Digest, Sha256};

/// `Cache-Control` of a revalidated document: cached only by the caller's own client, and
/// always revalidated before use.
pub const CACHE_CONTROL: &str = "private, no-cache";

/// `Vary` of a revalidated document: what the served bytes depend on besides the path.
pub const VARY: &str = "Authorization, Accept-Language";

/// The strong entity tag of `body`: the first 128 bits of its SHA-256, quoted (`"…"`).
pub fn entity_tag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether the `If-None-Match` headers of `headers` match the current representation tagged
/// `tag` (RFC 9110 §13.1.2): `*` matches any, otherwise one of the listed entity tags must
/// equal it by the weak comparison (a `W/` prefix is ignored). No header, or one that cannot
/// be read, matches nothing.
pub fn none_match_matches(headers: &HeaderMap, tag: &str) -> bool {
    let opaque = tag.trim_start_matches("W/");
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| {
            let value = value.trim();
            value == "*" || listed_tags(value).any(|listed| listed == opaque)
        })
}

/// The entity tags of an `If-None-Match` list (`"a", W/"b"`), each with its quotes and
/// without its weakness prefix. An opaque tag may contain commas, so the list is read tag by
/// tag rather than split; reading stops at the first malformed member.
fn listed_tags(mut list: &str) -> impl Iterator<Item = &str> {
    std::iter::from_fn(move || {
        list = list.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        let rest = list.strip_prefix("W/").unwrap_or(list);
        let inner = rest.strip_prefix('"')?;
        let end = inner.find('"')?;
        let (tag, after) = rest.split_at(end + 2);
        list = after;
        Some(tag)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use poem::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                IF_NONE_MATCH,
                HeaderValue::from_str(value).expect("a value"),
            );
        }
        headers
    }

    #[test]
    fn tags_are_strong_quoted_and_depend_on_every_byte() {
        let tag = entity_tag(b"{\"a\":1}");
        assert_eq!(tag.len(), 34);
        assert!(tag.starts_with('"') && tag.ends_with('"'));
        assert_eq!(tag, entity_tag(b"{\"a\":1}"));
        assert_ne!(tag, entity_tag(b"{\"a\":2}"));
    }

    #[test]
    fn if_none_match_reads_lists_stars_and_weak_tags() {
        let tag = "\"abc\"";
        assert!(none_match_matches(&headers(&["\"abc\""]), tag));
        assert!(none_match_matches(&headers(&["*"]), tag));
        assert!(none_match_matches(&headers(&["\"x\", W/\"abc\""]), tag));
        assert!(none_match_matches(&headers(&["\"x,y\",\"abc\""]), tag));
        assert!(none_match_matches(&headers(&["\"x\"", "\"abc\""]), tag));
        assert!(!none_match_matches(&headers(&[]), tag));
        assert!(!none_match_matches(&headers(&["\"abcd\""]), tag));
        assert!(!none_match_matches(&headers(&["abc"]), tag));
        assert!(!none_match_matches(&headers(&["\"x\", abc"]), tag));
    }
}
