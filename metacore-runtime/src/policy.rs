//! The per-addon capability policy (`runtime.md` §4).
//!
//! [`CapabilityPolicy::from_addon`] compiles the IR's declared capabilities once, at load:
//! `http:fetch` targets into [`HttpTarget`]s, `event:emit` names into [`EventPattern`]s and
//! `db:read` / `db:write` targets into `(schema, table | *)` pairs. Kinds this runtime does
//! not enforce yet are ignored. Host imports ask the policy, then call [`CapabilityPolicy::
//! permit`], which logs and counts every violation (`metacore.capability.violation`,
//! `capability_violations_total`) and decides by the mode: `enforce` (the default) refuses,
//! `shadow` lets the operation proceed.

use url::Url;

use metacore_core::registry::AddonDescriptor;

use crate::metrics::Metrics;

/// What happens to a capability violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CapabilityMode {
    /// Refuse the operation (`forbidden`).
    #[default]
    Enforce,
    /// Log the violation and let the operation proceed.
    Shadow,
}

impl CapabilityMode {
    /// The mode's configuration spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CapabilityMode::Enforce => "enforce",
            CapabilityMode::Shadow => "shadow",
        }
    }

    /// The mode spelled `text` (`enforce` or `shadow`, any case, surrounding blanks ignored).
    pub fn parse(text: &str) -> Option<CapabilityMode> {
        match text.trim().to_ascii_lowercase().as_str() {
            "enforce" => Some(CapabilityMode::Enforce),
            "shadow" => Some(CapabilityMode::Shadow),
            _ => None,
        }
    }
}

/// A normalised `http:fetch` target (§4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpTarget {
    scheme: Option<String>,
    host: String,
    wildcard: bool,
    port: Option<u16>,
    path_prefix: Option<String>,
}

impl HttpTarget {
    /// Parses a declared target: `api.stripe.com`, `*.sat.gob.mx`, `api.example.com:8443`,
    /// `https://api.slack.com/*`, `https://api.example.com/v2/`. `None` when malformed.
    pub fn parse(target: &str) -> Option<HttpTarget> {
        let (scheme, rest) = match target.split_once("://") {
            Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
            None => (None, target),
        };
        if scheme
            .as_deref()
            .is_some_and(|s| s != "http" && s != "https")
        {
            return None;
        }
        let (authority, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, ""),
        };
        let path_prefix = match path.strip_suffix('*').unwrap_or(path) {
            "" | "/" => None,
            prefix => Some(prefix.to_string()),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port.parse::<u16>().ok()?)),
            None => (authority, None),
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let (host, wildcard) = match host.strip_prefix("*.") {
            Some(suffix) => (suffix.to_string(), true),
            None => (host, false),
        };
        if host.is_empty() || host.contains('*') {
            return None;
        }
        Some(HttpTarget {
            scheme,
            host,
            wildcard,
            port,
            path_prefix,
        })
    }

    /// True when the request URL `url` (one hop) is covered by this target.
    pub fn matches(&self, url: &Url) -> bool {
        let scheme = url.scheme();
        if scheme != "http" && scheme != "https" {
            return false;
        }
        if self.scheme.as_deref().is_some_and(|s| s != scheme) {
            return false;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let host_ok = if self.wildcard {
            host.len() > self.host.len() + 1
                && host.ends_with(&self.host)
                && host.as_bytes()[host.len() - self.host.len() - 1] == b'.'
        } else {
            host == self.host
        };
        let default_port = if scheme == "https" { 443 } else { 80 };
        let port_ok = url.port_or_known_default() == Some(self.port.unwrap_or(default_port));
        let path_ok = self
            .path_prefix
            .as_deref()
            .is_none_or(|prefix| url.path().starts_with(prefix));
        host_ok && port_ok && path_ok
    }
}

/// An event name pattern: exact, or `prefix.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPattern(String);

impl EventPattern {
    /// A pattern as declared.
    pub fn new(pattern: &str) -> EventPattern {
        EventPattern(pattern.to_string())
    }

    /// True when `name` matches: equal, or starting with `prefix.` for `prefix.*`.
    pub fn matches(&self, name: &str) -> bool {
        match self.0.strip_suffix(".*") {
            Some(prefix) => name
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1),
            None => self.0 == "*" || self.0 == name,
        }
    }
}

/// A `db:*` target: `(schema, table)` where table `None` means `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DbTarget {
    schema: String,
    table: Option<String>,
}

impl DbTarget {
    fn parse(target: &str) -> DbTarget {
        let (schema, table) = target.split_once('.').unwrap_or(("public", target));
        DbTarget {
            schema: schema.to_ascii_lowercase(),
            table: (table != "*").then(|| table.to_ascii_lowercase()),
        }
    }

    fn matches(&self, schema: &str, table: &str) -> bool {
        self.schema == schema && self.table.as_deref().is_none_or(|t| t == table)
    }
}

/// The compiled capability policy of one addon.
#[derive(Debug, Clone)]
pub struct CapabilityPolicy {
    addon_key: String,
    mode: CapabilityMode,
    http: Vec<HttpTarget>,
    emit: Vec<EventPattern>,
    db_read: Vec<DbTarget>,
    db_write: Vec<DbTarget>,
}

/// One operation checked against the policy, for the violation log.
#[derive(Debug, Clone, Copy)]
pub struct Check<'a> {
    /// Capability kind needed (`http:fetch`).
    pub kind: &'a str,
    /// What was asked for (the URL, event name, table).
    pub target: &'a str,
    /// The host import asking.
    pub import: &'a str,
    /// The invocation's organisation.
    pub org: &'a str,
}

impl CapabilityPolicy {
    /// Compiles the addon's declared capabilities (malformed targets grant nothing).
    pub fn from_addon(addon: &AddonDescriptor, mode: CapabilityMode) -> CapabilityPolicy {
        fn of_kind<'a>(
            addon: &'a AddonDescriptor,
            kind: &'a str,
        ) -> impl Iterator<Item = &'static str> + 'a {
            addon
                .capabilities
                .iter()
                .filter(move |c| c.kind == kind)
                .map(|c| c.target)
        }
        CapabilityPolicy {
            addon_key: addon.key.to_string(),
            mode,
            http: of_kind(addon, "http:fetch")
                .filter_map(HttpTarget::parse)
                .collect(),
            emit: of_kind(addon, "event:emit")
                .map(EventPattern::new)
                .collect(),
            db_read: of_kind(addon, "db:read").map(DbTarget::parse).collect(),
            db_write: of_kind(addon, "db:write").map(DbTarget::parse).collect(),
        }
    }

    /// The addon the policy belongs to.
    pub fn addon_key(&self) -> &str {
        &self.addon_key
    }

    /// The enforcement mode.
    pub fn mode(&self) -> CapabilityMode {
        self.mode
    }

    /// True when a declared `http:fetch` target covers `url`.
    pub fn allows_fetch(&self, url: &Url) -> bool {
        self.http.iter().any(|t| t.matches(url))
    }

    /// True when a declared `event:emit` pattern covers `name`.
    pub fn allows_emit(&self, name: &str) -> bool {
        self.emit.iter().any(|p| p.matches(name))
    }

    /// True when a `db:*` capability covers `schema.table` (`db:write` also grants read).
    pub fn allows_table(&self, schema: &str, table: &str, write: bool) -> bool {
        let covered = |targets: &[DbTarget]| targets.iter().any(|t| t.matches(schema, table));
        covered(&self.db_write) || (!write && covered(&self.db_read))
    }

    /// Logs a violation when `allowed` is false, counts it in `metrics`, and says whether the
    /// operation may proceed: always when allowed, in shadow mode also when not.
    pub fn permit(&self, allowed: bool, check: Check<'_>, metrics: &Metrics) -> bool {
        if allowed {
            return true;
        }
        metrics.capability_violation(&self.addon_key, check.kind, self.mode.as_str());
        tracing::warn!(
            target: "metacore.capability.violation",
            addon = %self.addon_key,
            org = %check.org,
            kind = %check.kind,
            target = %check.target,
            import = %check.import,
            mode = %self.mode.as_str(),
            "capability violation"
        );
        self.mode == CapabilityMode::Shadow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    fn target(s: &str) -> HttpTarget {
        HttpTarget::parse(s).expect("test target")
    }

    #[test]
    fn host_targets_match_any_scheme_on_the_default_port() {
        let t = target("api.stripe.com");
        assert!(t.matches(&url("https://api.stripe.com/v1/charges")));
        assert!(t.matches(&url("https://api.stripe.com:443/")));
        assert!(t.matches(&url("http://API.stripe.com./")));
        assert!(!t.matches(&url("https://api.stripe.com:8443/")));
        assert!(!t.matches(&url("https://evil-api.stripe.com/")));
    }

    #[test]
    fn wildcards_need_one_more_label() {
        let t = target("*.slack.com");
        assert!(t.matches(&url("https://hooks.slack.com/x")));
        assert!(!t.matches(&url("https://slack.com/")));
        assert!(!t.matches(&url("https://evilslack.com/")));
    }

    #[test]
    fn ports_schemes_and_path_prefixes_are_honoured() {
        assert!(target("api.example.com:8443").matches(&url("https://api.example.com:8443/")));
        let slack = target("https://api.slack.com/*");
        assert!(slack.matches(&url("https://api.slack.com/any")));
        assert!(!slack.matches(&url("http://api.slack.com/any")));
        let v2 = target("https://api.example.com/v2/");
        assert!(v2.matches(&url("https://api.example.com/v2/items")));
        assert!(!v2.matches(&url("https://api.example.com/v1/items")));
        assert!(HttpTarget::parse("ftp://x.com").is_none());
        assert!(HttpTarget::parse("a.*.com").is_none());
    }

    #[test]
    fn event_patterns() {
        assert!(EventPattern::new("tickets.*").matches("tickets.escalated"));
        assert!(!EventPattern::new("tickets.*").matches("tickets"));
        assert!(!EventPattern::new("tickets.*").matches("ticketsx.a"));
        assert!(EventPattern::new("a.b").matches("a.b"));
        assert!(!EventPattern::new("a.b").matches("a.bc"));
    }

    #[test]
    fn db_targets() {
        let t = DbTarget::parse("users");
        assert!(t.matches("public", "users"));
        let all = DbTarget::parse("addon_inventory.*");
        assert!(all.matches("addon_inventory", "items"));
        assert!(!all.matches("addon_other", "items"));
    }
}
