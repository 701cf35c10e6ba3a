//! Capabilities (§2.5, §4.2) and what they must cover: outbound webhook URLs (§7.6), their
//! `{{placeholder}}` templates (§7.7), subscriptions and published events (§7.11).
//!
//! This module also holds the small URL toolkit the action checks share (`split_url`,
//! `classify_url`, `internal_host`, `outbound_urls`): URLs here are templates written by
//! authors, so they are split as text, never normalised or decoded.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::Value as Json;

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::ir::{
    Action, Addon, Capability, HandlerKind, SettingType, Tool, UNENFORCED_CAPABILITY_KINDS,
};
use crate::suggest::did_you_mean;

/// Placeholder names every template may use (§7.7).
pub(crate) const RESERVED_PLACEHOLDERS: [&str; 4] =
    ["org_id", "user_id", "addon_key", "installation_id"];

/// Runs the capability checks.
pub fn check(addon: &Addon, _context: &Context, out: &mut Vec<Diagnostic>) {
    check_declared(addon, out);
    check_events(addon, out);
    check_outbound(addon, out);
}

// ---------------------------------------------------------------------------------------------
// URL toolkit (shared with `actions`)
// ---------------------------------------------------------------------------------------------

/// The parts of a URL as written: no decoding, no normalisation, placeholders left in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct UrlParts<'a> {
    /// `https` in `https://…`; `None` when the text has no scheme.
    pub scheme: Option<&'a str>,
    /// Everything between `//` and the path; `None` without `//`.
    pub authority: Option<&'a str>,
    /// `user:pass` before an `@` in the authority.
    pub userinfo: Option<&'a str>,
    /// The host (IPv6 literals keep their brackets); empty without an authority.
    pub host: &'a str,
    /// The port text after the host's `:`.
    pub port: Option<&'a str>,
    /// The path (may be empty).
    pub path: &'a str,
    /// The query, without `?`.
    pub query: Option<&'a str>,
    /// The fragment, without `#`.
    pub fragment: Option<&'a str>,
    /// Byte range of the authority in the input.
    pub authority_range: Option<(usize, usize)>,
}

/// Splits `url` into scheme, authority (userinfo, host, port), path, query and fragment.
/// Never fails: parts that are not there are `None` or empty.
pub(crate) fn split_url(url: &str) -> UrlParts<'_> {
    let mut parts = UrlParts::default();
    let mut rest_start = 0;
    if let Some(colon) = url.find(':') {
        let candidate = &url[..colon];
        let is_scheme = candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && candidate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            parts.scheme = Some(candidate);
            rest_start = colon + 1;
        }
    }
    let rest = &url[rest_start..];
    let mut path_start = rest_start;
    if rest.starts_with("//") {
        let start = rest_start + 2;
        let end = url[start..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| start + i);
        let authority = &url[start..end];
        parts.authority = Some(authority);
        parts.authority_range = Some((start, end));
        let hostport = match authority.rfind('@') {
            Some(at) => {
                parts.userinfo = Some(&authority[..at]);
                &authority[at + 1..]
            }
            None => authority,
        };
        let (host, port) = if hostport.starts_with('[') {
            match hostport.find(']') {
                Some(close) => {
                    let after = &hostport[close + 1..];
                    (&hostport[..=close], after.strip_prefix(':'))
                }
                None => (hostport, None),
            }
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        parts.host = host;
        parts.port = port;
        path_start = end;
    }
    let tail = &url[path_start..];
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    parts.path = path;
    parts.query = query;
    parts.fragment = fragment;
    parts
}

/// What kind of webhook URL a string is (§7.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlForm<'a> {
    /// `http(s)://host…`, host possibly templated.
    Absolute(UrlParts<'a>),
    /// `/path…`: needs a base URL.
    Relative(UrlParts<'a>),
    /// Starts with a placeholder that stands for scheme and host (`{{store_url}}/wp-json/…`);
    /// `head_len` bytes of it are the host position.
    TemplatedBase {
        /// Length of the leading part (up to the first `/`, `?` or `#`).
        head_len: usize,
        /// Path and query after it.
        parts: UrlParts<'a>,
    },
    /// Not a usable webhook URL; the reason, for the message.
    Invalid(String),
}

/// Classifies a webhook URL per §7.5.
pub(crate) fn classify_url(url: &str) -> UrlForm<'_> {
    if url.trim().is_empty() {
        return UrlForm::Invalid("it is empty".into());
    }
    if let Some(c) = strip_placeholders(url).chars().find(|c| c.is_whitespace()) {
        return UrlForm::Invalid(if c == ' ' {
            "it contains a space (percent-encode it as `%20`)".into()
        } else {
            "it contains whitespace".into()
        });
    }
    if url.starts_with("{{") {
        let head_len = url.find(['/', '?', '#']).unwrap_or(url.len());
        return UrlForm::TemplatedBase {
            head_len,
            parts: split_url(&url[head_len..]),
        };
    }
    let parts = split_url(url);
    match (parts.scheme, parts.authority) {
        (None, None) if url.starts_with('/') => UrlForm::Relative(parts),
        (None, Some(_)) => {
            UrlForm::Invalid("it is scheme-relative (`//host`); write `https://` in front".into())
        }
        (None, None) => UrlForm::Invalid(
            "it is neither an absolute `http(s)://` URL nor a path starting with `/`".into(),
        ),
        (Some(scheme), _)
            if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") =>
        {
            if parts.authority.is_none()
                && url[scheme.len() + 1..].starts_with(|c: char| c.is_ascii_digit())
            {
                UrlForm::Invalid(format!(
                    "it has no scheme (`{scheme}` is read as one); write `https://{url}`"
                ))
            } else {
                UrlForm::Invalid(format!(
                    "its scheme is `{scheme}`; webhooks are `http` or `https`"
                ))
            }
        }
        (Some(_), None) => UrlForm::Invalid("it has no `//host` after the scheme".into()),
        (Some(_), Some(_)) => {
            if parts.host.is_empty() {
                return UrlForm::Invalid("it has no host".into());
            }
            if parts.userinfo.is_some() {
                return UrlForm::Invalid(
                    "it carries credentials (`user@host`), which the egress guard refuses; send them in a header or body".into(),
                );
            }
            if let Some(port) = parts.port {
                if !port.contains("{{") && port.parse::<u16>().map_or(true, |p| p == 0) {
                    return UrlForm::Invalid(format!(
                        "its port `{port}` is not a number from 1 to 65535"
                    ));
                }
            }
            if !parts.host.contains("{{") && !host_syntax_ok(parts.host) {
                return UrlForm::Invalid(format!(
                    "its host `{}` is not a valid host name",
                    parts.host
                ));
            }
            UrlForm::Absolute(parts)
        }
    }
}

/// `s` with every `{{…}}` removed (unclosed ones kept).
fn strip_placeholders(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        match rest[open..].find("}}") {
            Some(close) => rest = &rest[open + close + 2..],
            None => {
                out.push_str(&rest[open..]);
                return out;
            }
        }
    }
    out.push_str(rest);
    out
}

/// True for a syntactically valid literal host: DNS labels (letters incl. non-ASCII, digits,
/// `-`, `_`), an optional trailing dot, or a bracketed IPv6 literal.
fn host_syntax_ok(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[') {
        return inner
            .strip_suffix(']')
            .is_some_and(|ip| ip.parse::<Ipv6Addr>().is_ok());
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

/// The host lowercased, without a trailing dot.
fn normalise_host(host: &str) -> String {
    host.strip_suffix('.').unwrap_or(host).to_lowercase()
}

/// Why a literal host is internal (§7.5, `runtime.md` §5), or `None` for a public host.
pub(crate) fn internal_host(host: &str) -> Option<&'static str> {
    let host = normalise_host(host);
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().ok().and_then(blocked_v6);
    }
    if let Some(ip) = parse_ipv4(&host) {
        return blocked_v4(ip);
    }
    if host == "localhost" || host.ends_with(".localhost") || host == "localhost.localdomain" {
        return Some("a loopback name");
    }
    if host == "metadata" || host == "metadata.google.internal" || host.ends_with(".internal") {
        return Some("an internal name");
    }
    if !host.contains('.') {
        return Some("a single-label name (no dot), resolved only inside a private network");
    }
    None
}

/// An IPv4 address as a WHATWG URL parser reads the host (`127.1`, `0x7f.0.0.1`, `2130706433`),
/// or `None` when the host is a domain name.
fn parse_ipv4(host: &str) -> Option<Ipv4Addr> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    if labels.is_empty() || labels.len() > 4 {
        return None;
    }
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() {
            return None;
        }
        let (digits, radix) =
            if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                (hex, 16)
            } else if s.len() > 1 && s.starts_with('0') {
                (&s[1..], 8)
            } else {
                (s, 10)
            };
        if digits.is_empty() {
            return Some(0);
        }
        u64::from_str_radix(digits, radix)
            .ok()
            .filter(|n| *n <= u64::from(u32::MAX))
    };
    number(labels.last()?)?;
    let numbers: Vec<u64> = labels.iter().map(|l| number(l)).collect::<Option<_>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|n| *n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut value = *last;
    for (i, n) in init.iter().enumerate() {
        value += n << (8 * (3 - i));
    }
    u32::try_from(value).ok().map(Ipv4Addr::from)
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], bits: u32) -> bool {
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    (u32::from(ip) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

fn blocked_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: [([u8; 4], u32, &str); 16] = [
        ([0, 0, 0, 0], 8, "a reserved address"),
        ([10, 0, 0, 0], 8, "a private address"),
        ([100, 64, 0, 0], 10, "a shared (carrier-grade NAT) address"),
        ([127, 0, 0, 0], 8, "a loopback address"),
        ([169, 254, 0, 0], 16, "a link-local address"),
        ([172, 16, 0, 0], 12, "a private address"),
        ([192, 0, 0, 0], 24, "a reserved address"),
        ([192, 0, 2, 0], 24, "a documentation address"),
        ([192, 88, 99, 0], 24, "a reserved address"),
        ([192, 168, 0, 0], 16, "a private address"),
        ([198, 18, 0, 0], 15, "a benchmarking address"),
        ([198, 51, 100, 0], 24, "a documentation address"),
        ([203, 0, 113, 0], 24, "a documentation address"),
        ([224, 0, 0, 0], 4, "a multicast address"),
        ([240, 0, 0, 0], 4, "a reserved address"),
        ([255, 255, 255, 255], 32, "the broadcast address"),
    ];
    RANGES
        .iter()
        .find(|(net, bits, _)| in_v4(ip, *net, *bits))
        .map(|(_, _, why)| *why)
}

fn blocked_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    let in_net = |net: u128, len: u32| {
        let mask = if len == 0 {
            0
        } else {
            u128::MAX << (128 - len)
        };
        bits & mask == net & mask
    };
    let embedded = |shift: u32| Ipv4Addr::from((bits >> shift) as u32);
    if bits == 0 {
        return Some("the unspecified address");
    }
    if bits == 1 {
        return Some("a loopback address");
    }
    if in_net(0xffff_0000_0000, 96) || in_net(0x0064_ff9b << 96, 96) {
        return blocked_v4(embedded(0)).or(None);
    }
    if in_net(0x0064_ff9b_0001 << 80, 48) {
        return Some("a translation address");
    }
    if in_net(0x2002 << 112, 16) {
        return blocked_v4(embedded(80));
    }
    const RANGES: [(u128, u32, &str); 7] = [
        (0x0100 << 112, 64, "a discard address"),
        (0x2001 << 112, 23, "a reserved address"),
        (0x2001_0db8 << 96, 32, "a documentation address"),
        (0xfc00 << 112, 7, "a unique-local address"),
        (0xfe80 << 112, 10, "a link-local address"),
        (0xfec0 << 112, 10, "a site-local address"),
        (0xff00 << 112, 8, "a multicast address"),
    ];
    RANGES
        .iter()
        .find(|(net, len, _)| in_net(*net, *len))
        .map(|(_, _, why)| *why)
}

/// One `{{name}}` found in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placeholder<'a> {
    /// The name, trimmed.
    pub name: &'a str,
    /// Byte offset of `{{`.
    pub start: usize,
}

/// The placeholders of `s`, and the malformed uses of `{{` (as messages).
pub(crate) fn placeholders(s: &str) -> (Vec<Placeholder<'_>>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut from = 0;
    while let Some(rel) = s[from..].find("{{") {
        let start = from + rel;
        let Some(close_rel) = s[start + 2..].find("}}") else {
            problems.push(format!(
                "`{{{{` at byte {start} is never closed with `}}}}`"
            ));
            break;
        };
        let close = start + 2 + close_rel;
        let inner = s[start + 2..close].trim_matches(' ');
        if is_placeholder_name(inner) {
            found.push(Placeholder { name: inner, start });
        } else {
            problems.push(format!(
                "`{}` is not a placeholder; write `{{{{name}}}}` with a name of letters, digits, `_` and `.`",
                &s[start..close + 2]
            ));
        }
        from = close + 2;
    }
    (found, problems)
}

fn is_placeholder_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// Who makes an outbound call.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'a> {
    /// An action's webhook.
    Action(&'a Action),
    /// A tool's webhook.
    Tool(&'a Tool),
    /// A subscription's webhook (the event name).
    Subscription(&'a str),
    /// A lifecycle hook or upgrade step (its name).
    Lifecycle(&'a str),
}

impl Owner<'_> {
    /// "tool `x`", "action `x`", … for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Owner::Action(a) => format!("action `{}`", a.key),
            Owner::Tool(t) => format!("tool `{}`", t.key),
            Owner::Subscription(e) => format!("the subscription to `{e}`"),
            Owner::Lifecycle(name) => format!("lifecycle hook `{name}`"),
        }
    }

    /// The argument names a template of this owner may use (§7.7): tool input properties or
    /// action field keys.
    pub(crate) fn arguments(&self) -> Vec<String> {
        match self {
            Owner::Tool(t) => t
                .input_schema
                .as_ref()
                .and_then(|s| s.get("properties"))
                .and_then(Json::as_object)
                .map(|props| props.keys().cloned().collect())
                .unwrap_or_default(),
            Owner::Action(a) => a.all_fields().map(|f| f.key.clone()).collect(),
            _ => Vec::new(),
        }
    }
}

/// One outbound webhook URL declared by the addon.
#[derive(Debug, Clone)]
pub(crate) struct Outbound<'a> {
    /// Who calls it.
    pub owner: Owner<'a>,
    /// The URL as written.
    pub url: &'a str,
    /// Pointer to the URL value.
    pub pointer: String,
}

/// Every non-empty webhook URL of actions, tools, subscriptions and lifecycle hooks/steps.
pub(crate) fn outbound_urls(addon: &Addon) -> Vec<Outbound<'_>> {
    let mut out = Vec::new();
    let mut items: Vec<(Owner<'_>, &HandlerKind, &str)> = Vec::new();
    for a in &addon.actions {
        items.push((Owner::Action(a), &a.handler.kind, &a.handler.target_src));
    }
    for t in &addon.tools {
        items.push((Owner::Tool(t), &t.handler.kind, &t.handler.target_src));
    }
    for s in &addon.subscriptions {
        items.push((
            Owner::Subscription(&s.event),
            &s.handler.kind,
            &s.handler.target_src,
        ));
    }
    for (name, hook) in addon.lifecycle.hooks() {
        items.push((Owner::Lifecycle(name), &hook.kind, &hook.src));
    }
    for (owner, kind, pointer) in items {
        if let HandlerKind::Webhook { url, .. } = kind {
            if !url.trim().is_empty() {
                out.push(Outbound {
                    owner,
                    url: url.as_str(),
                    pointer: pointer.to_string(),
                });
            }
        }
    }
    for step in &addon.lifecycle.upgrade {
        if step.step_type == "webhook" && !step.function.trim().is_empty() {
            out.push(Outbound {
                owner: Owner::Lifecycle("upgrade"),
                url: &step.function,
                pointer: format!("{}/function", step.src),
            });
        }
    }
    out
}

/// `url` resolved against the v2 `backend.url` when it is relative and a base exists.
pub(crate) fn effective_url(addon: &Addon, url: &str) -> String {
    match &addon.backend.base_url {
        Some(base) if url.starts_with('/') && !url.starts_with("//") && !base.trim().is_empty() => {
            format!("{}{}", base.trim_end_matches('/'), url)
        }
        _ => url.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// http:fetch targets
// ---------------------------------------------------------------------------------------------

/// A normalised `http:fetch` target (`runtime.md` §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FetchTarget {
    /// Required scheme, when the target is a URL prefix.
    pub scheme: Option<String>,
    /// The host, lowercased; for a wildcard, the suffix after `*.`.
    pub host: String,
    /// `*.suffix`.
    pub wildcard: bool,
    /// An explicit port.
    pub port: Option<u16>,
    /// A path prefix (`/v2/`), when there is one.
    pub path_prefix: Option<String>,
}

/// Why an `http:fetch` target is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TargetError {
    /// MC0501.
    TooBroad(String),
    /// MC0502.
    Malformed(String),
}

/// Parses an `http:fetch` target (§2.5): host, host with port, `*.suffix`, or URL prefix.
pub(crate) fn parse_fetch_target(target: &str) -> Result<FetchTarget, TargetError> {
    use TargetError::{Malformed, TooBroad};
    if target.trim().is_empty() {
        return Err(Malformed("the target is empty".into()));
    }
    if target.chars().any(char::is_whitespace) {
        return Err(Malformed("the target contains whitespace".into()));
    }
    if target == "*" || target == "*.*" {
        return Err(TooBroad("it allows every host".into()));
    }
    let (scheme, hostport, path_prefix) = if target.contains("://") {
        let parts = split_url(target);
        let scheme = parts.scheme.unwrap_or("");
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(TooBroad(format!(
                "scheme `{scheme}` is not allowed; only `http` and `https` are"
            )));
        }
        if parts.userinfo.is_some() {
            return Err(Malformed(
                "a target cannot carry credentials (`user@`)".into(),
            ));
        }
        if parts.query.is_some() || parts.fragment.is_some() {
            return Err(Malformed(
                "a URL prefix has no query or fragment; end it with `/*` or a path".into(),
            ));
        }
        let path = parts.path;
        let prefix = if path.is_empty() || path == "/" || path == "/*" {
            None
        } else if let Some(p) = path.strip_suffix('*') {
            if !p.ends_with('/') || p.contains('*') {
                return Err(TooBroad(
                    "a `*` may only be the leading `*.` of the host or the trailing `/*` of a URL prefix".into(),
                ));
            }
            Some(p.to_string())
        } else if path.contains('*') {
            return Err(TooBroad(
                "a `*` may only be the leading `*.` of the host or the trailing `/*` of a URL prefix".into(),
            ));
        } else {
            Some(path.to_string())
        };
        let authority = parts.authority.unwrap_or("");
        (Some(scheme.to_lowercase()), authority, prefix)
    } else {
        if target.contains(['/', '?', '#']) {
            return Err(Malformed(format!(
                "a host target has no path; write a URL prefix such as `https://{}`",
                target.trim_end_matches('*')
            )));
        }
        (None, target, None)
    };
    let (host, port) = if hostport.starts_with('[') {
        match hostport.find(']') {
            Some(close) => (&hostport[..=close], hostport[close + 1..].strip_prefix(':')),
            None => return Err(Malformed(format!("`{hostport}` is not a valid host"))),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return Err(Malformed(format!(
                    "port `{p}` is not a number from 1 to 65535"
                )))
            }
        },
    };
    let (wildcard, host) = match host.strip_prefix("*.") {
        Some(suffix) => (true, suffix),
        None => (false, host),
    };
    if host.contains('*') {
        return Err(TooBroad(
            "a `*` may only be the leading `*.` of the host or the trailing `/*` of a URL prefix"
                .into(),
        ));
    }
    if host.is_empty() || !host_syntax_ok(host) {
        return Err(Malformed(format!("`{host}` is not a valid host name")));
    }
    let host = normalise_host(host);
    if wildcard && !host.contains('.') {
        return Err(TooBroad(format!(
            "`*.{host}` allows every host under a top-level domain"
        )));
    }
    let is_ip = host.starts_with('[') || parse_ipv4(&host).is_some();
    if is_ip {
        if wildcard {
            return Err(Malformed("an IP address cannot have a wildcard".into()));
        }
        if let Some(why) = internal_host(&host) {
            return Err(TooBroad(format!("`{host}` is {why}")));
        }
    }
    Ok(FetchTarget {
        scheme,
        host,
        wildcard,
        port,
        path_prefix,
    })
}

fn default_port(scheme: &str) -> u16 {
    if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    }
}

impl FetchTarget {
    fn scheme_port_path_match(&self, scheme: &str, port: Option<&str>, path: &str) -> bool {
        if let Some(required) = &self.scheme {
            if !required.eq_ignore_ascii_case(scheme) {
                return false;
            }
        }
        let port_ok = match port {
            Some(p) if p.contains("{{") => true,
            Some(p) => p.parse::<u16>().ok() == Some(self.port.unwrap_or(default_port(scheme))),
            None => self.port.unwrap_or(default_port(scheme)) == default_port(scheme),
        };
        port_ok && path_matches(self.path_prefix.as_deref(), path)
    }

    /// True when a request to `scheme://host:port/path` is allowed by this target.
    pub(crate) fn matches(&self, scheme: &str, host: &str, port: Option<&str>, path: &str) -> bool {
        let host = normalise_host(host);
        let host_ok = if self.wildcard {
            host.len() > self.host.len() + 1
                && host.ends_with(&self.host)
                && host[..host.len() - self.host.len()].ends_with('.')
        } else {
            host == self.host
        };
        host_ok && self.scheme_port_path_match(scheme, port, path)
    }

    /// True when every host `<anything>.<suffix>` is allowed by this target.
    fn covers_suffix(&self, scheme: &str, suffix: &str, port: Option<&str>, path: &str) -> bool {
        let suffix = normalise_host(suffix);
        self.wildcard
            && (suffix == self.host || suffix.ends_with(&format!(".{}", self.host)))
            && self.scheme_port_path_match(scheme, port, path)
    }
}

/// Path-prefix matching with placeholders: the literal text before the first placeholder must
/// agree with the prefix as far as both go.
fn path_matches(prefix: Option<&str>, path: &str) -> bool {
    let Some(prefix) = prefix else {
        return true;
    };
    let path = if path.is_empty() { "/" } else { path };
    match path.find("{{") {
        None => path.starts_with(prefix),
        Some(i) => {
            let literal = &path[..i];
            literal.starts_with(prefix) || prefix.starts_with(literal)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Declared capabilities
// ---------------------------------------------------------------------------------------------

fn check_declared(addon: &Addon, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(&str, &str), &Capability> = BTreeMap::new();
    for cap in &addon.capabilities {
        if let Some(first) = seen.insert((cap.kind.as_str(), cap.target.trim()), cap) {
            // Keep the first as the reference.
            seen.insert((first.kind.as_str(), first.target.trim()), first);
            out.push(
                Diagnostic::warning(
                    "MC0513",
                    format!("capability `{} {}` is declared twice", cap.kind, cap.target),
                )
                .at(&cap.src)
                .with_label("second declaration")
                .with_related(&first.src, "first declared")
                .with_help("remove the second declaration"),
            );
        }
        let target_ptr = format!("{}/target", cap.src);
        let target = cap.target.as_str();
        if target.trim().is_empty() {
            out.push(
                Diagnostic::error(
                    "MC0502",
                    format!("`{}` capability has an empty target", cap.kind),
                )
                .at(&target_ptr),
            );
            continue;
        }
        match cap.kind.as_str() {
            "db:read" | "db:write" => check_db_target(addon, cap, &target_ptr, out),
            "http:fetch" => match parse_fetch_target(target) {
                Ok(_) => {}
                Err(TargetError::TooBroad(why)) => out.push(
                    Diagnostic::error(
                        "MC0501",
                        format!("`http:fetch` target `{target}` is too broad: {why}"),
                    )
                    .at(&target_ptr)
                    .with_help("name the hosts the addon calls: `api.example.com`, `*.example.com` or `https://api.example.com/v2/`"),
                ),
                Err(TargetError::Malformed(why)) => out.push(
                    Diagnostic::error(
                        "MC0502",
                        format!("malformed `http:fetch` target `{target}`: {why}"),
                    )
                    .at(&target_ptr)
                    .with_help("write a host (`api.example.com`, `api.example.com:8443`), a leading-wildcard host (`*.example.com`) or a URL prefix (`https://api.example.com/*`)"),
                ),
            },
            "event:emit" | "event:subscribe" => {
                if target == "*" {
                    if cap.kind == "event:emit" {
                        out.push(
                            Diagnostic::error("MC0502", "`event:emit` cannot target every event (`*`)")
                                .at(&target_ptr)
                                .with_help(format!(
                                    "name the events, e.g. `{}.*`",
                                    addon.key
                                )),
                        );
                    } else {
                        out.push(
                            Diagnostic::warning(
                                "MC0502",
                                "`event:subscribe` on `*` receives every event of the organisation",
                            )
                            .at(&target_ptr)
                            .with_help("subscribe to the events the addon handles, e.g. `tickets.*`"),
                        );
                    }
                } else if !event_pattern_ok(target) {
                    out.push(
                        Diagnostic::error(
                            "MC0502",
                            format!("`{target}` is not an event name or `prefix.*` pattern"),
                        )
                        .at(&target_ptr)
                        .with_help("event names are dot-separated segments of letters, digits and `_`; `*` may only be the last segment"),
                    );
                }
            }
            "connector:read" if !is_lower_ident(target) => {
                out.push(
                    Diagnostic::error("MC0502", format!("`{target}` is not a connector key"))
                        .at(&target_ptr)
                        .with_help("connector keys match `^[a-z][a-z0-9_]*$`"),
                );
            }
            "secrets:read" => {
                let ok = target
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '*'));
                if !ok {
                    out.push(
                        Diagnostic::error("MC0502", format!("`{target}` is not a secret key glob"))
                            .at(&target_ptr)
                            .with_help("write a key or a glob such as `pac_*`"),
                    );
                }
            }
            "cron:register" => {
                if let Err(why) = check_cron(target) {
                    out.push(
                        Diagnostic::error(
                            "MC0502",
                            format!("`{target}` is not a 5-field cron expression: {why}"),
                        )
                        .at(&target_ptr)
                        .with_help("minute hour day-of-month month day-of-week, e.g. `0 * * * *`"),
                    );
                }
            }
            "queue:produce" | "queue:consume" => {
                let ok = target.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && target.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-')
                    });
                if !ok {
                    out.push(
                        Diagnostic::error("MC0502", format!("`{target}` is not a queue name"))
                            .at(&target_ptr)
                            .with_help("queue names match `^[a-z][a-z0-9_.-]*$`"),
                    );
                }
            }
            "fs:read" | "file-storage:write" if target.split(['/', '\\']).any(|seg| seg == "..") => {
                out.push(
                    Diagnostic::error(
                        "MC0502",
                        format!("path prefix `{target}` climbs out with `..`"),
                    )
                    .at(&target_ptr)
                    .with_help("name a path prefix inside the addon's storage, without `..`"),
                );
            }
            _ => {}
        }
        if UNENFORCED_CAPABILITY_KINDS.contains(&cap.kind.as_str()) {
            out.push(
                Diagnostic::note(
                    "MC0509",
                    format!(
                        "`{}` is accepted but not enforced by this version",
                        cap.kind
                    ),
                )
                .at(format!("{}/kind", cap.src)),
            );
        }
    }
}

fn is_ident(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_lower_ident(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_db_target(addon: &Addon, cap: &Capability, pointer: &str, out: &mut Vec<Diagnostic>) {
    let target = cap.target.as_str();
    let parts: Vec<&str> = target.split('.').collect();
    match parts.as_slice() {
        ["*"] => out.push(
            Diagnostic::error(
                "MC0506",
                format!("`{}` on `*` would reach every table of the host", cap.kind),
            )
            .at(pointer)
            .with_help(
                "name `schema.table` or `schema.*`; the addon's own schema needs no capability",
            ),
        ),
        [table] if is_ident(table) => out.push(
            Diagnostic::warning(
                "MC0507",
                format!("`{target}` is not schema-qualified; it is read as `public.{target}`"),
            )
            .at(pointer)
            .with_help(format!("write `public.{target}`")),
        ),
        [schema, table] if is_ident(schema) && (is_ident(table) || *table == "*") => {
            if *schema == format!("addon_{}", addon.key) {
                out.push(
                    Diagnostic::note(
                        "MC0510",
                        format!(
                            "`{} {target}` is implicit: an addon always reaches its own schema",
                            cap.kind
                        ),
                    )
                    .at(pointer)
                    .with_help("this capability can be removed"),
                );
            }
        }
        _ => out.push(
            Diagnostic::error(
                "MC0502",
                format!("`{target}` is not a `schema.table`, `schema.*` or `table` target"),
            )
            .at(pointer)
            .with_help("e.g. `public.users` or `addon_inventory.*`"),
        ),
    }
}

/// Validates a 5-field cron expression (numbers, `*`, ranges, steps, lists, month/day names).
fn check_cron(expr: &str) -> Result<(), String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("it has {} fields", fields.len()));
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let specs: [(&str, u32, u32, &[&str], u32); 5] = [
        ("minute", 0, 59, &[], 0),
        ("hour", 0, 23, &[], 0),
        ("day of month", 1, 31, &[], 0),
        ("month", 1, 12, &MONTHS, 1),
        ("day of week", 0, 7, &DAYS, 0),
    ];
    for (field, (name, min, max, names, name_base)) in fields.iter().zip(specs) {
        let value = |s: &str| -> Option<u32> {
            if let Ok(n) = s.parse::<u32>() {
                return (min..=max).contains(&n).then_some(n);
            }
            let lower = s.to_ascii_lowercase();
            names
                .iter()
                .position(|n| *n == lower)
                .map(|i| i as u32 + name_base)
        };
        for item in field.split(',') {
            let (range, step) = match item.split_once('/') {
                Some((r, s)) => (r, Some(s)),
                None => (item, None),
            };
            if let Some(step) = step {
                if step.parse::<u32>().map_or(true, |s| s == 0) {
                    return Err(format!(
                        "step `{step}` in the {name} field is not a positive number"
                    ));
                }
            }
            let ok = match range {
                "*" => true,
                "?" => name.starts_with("day"),
                _ => match range.split_once('-') {
                    Some((a, b)) => matches!((value(a), value(b)), (Some(a), Some(b)) if a <= b),
                    None => value(range).is_some(),
                },
            };
            if !ok {
                return Err(format!(
                    "`{item}` is not valid in the {name} field ({min}–{max})"
                ));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/// `^[A-Za-z0-9_]+(\.([A-Za-z0-9_]+|\*))*$`, `*` only as the last segment.
fn event_pattern_ok(s: &str) -> bool {
    let segments: Vec<&str> = s.split('.').collect();
    let last = segments.len() - 1;
    segments.iter().enumerate().all(|(i, seg)| {
        (i > 0 && i == last && *seg == "*")
            || (!seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// True when capability target `cap` covers event name or pattern `event`.
fn event_covers(cap: &str, event: &str) -> bool {
    if cap == "*" {
        return true;
    }
    match cap.strip_suffix('*') {
        Some(prefix) if prefix.ends_with('.') => event.starts_with(prefix),
        _ => cap == event,
    }
}

/// A capability event target in the model-key form the IR uses for own CRUD events.
fn normalise_cap_event(addon: &Addon, target: &str) -> String {
    let parts: Vec<&str> = target.split('.').collect();
    if let [owner, table, verb @ ("created" | "updated" | "deleted")] = parts.as_slice() {
        if *owner == addon.key {
            if let Some(model) = addon.models.iter().find(|m| m.table == *table) {
                return format!("{owner}.{}.{verb}", model.key);
            }
        }
    }
    target.to_string()
}

fn check_events(addon: &Addon, out: &mut Vec<Diagnostic>) {
    let targets = |kind: &str| -> Vec<String> {
        addon
            .capabilities
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| normalise_cap_event(addon, c.target.trim()))
            .collect()
    };
    let subscribe = targets("event:subscribe");
    for sub in &addon.subscriptions {
        let pointer = format!("{}/event", sub.src);
        if sub.event != "*" && !event_pattern_ok(&sub.event) {
            out.push(
                Diagnostic::error(
                    "MC0502",
                    format!("`{}` is not an event name or `prefix.*` pattern", sub.event),
                )
                .at(&pointer)
                .with_help("event names are dot-separated segments of letters, digits and `_`; `*` may only be the last segment"),
            );
            continue;
        }
        if !subscribe.iter().any(|t| event_covers(t, &sub.event)) {
            out.push(
                Diagnostic::error(
                    "MC0508",
                    format!(
                        "the subscription to `{}` is not covered by an `event:subscribe` capability",
                        sub.event
                    ),
                )
                .at(&pointer)
                .with_help(format!(
                    "add `{{\"kind\":\"event:subscribe\",\"target\":\"{}\"}}` to `capabilities`",
                    sub.event
                )),
            );
        }
    }
    let emit = targets("event:emit");
    for event in &addon.published_events {
        if !emit.iter().any(|t| event_covers(t, &event.name)) {
            out.push(
                Diagnostic::warning(
                    "MC0511",
                    format!(
                        "published event `{}` is not covered by an `event:emit` capability",
                        event.name
                    ),
                )
                .at(format!("{}/name", event.src))
                .with_help(format!(
                    "emitting it will be refused in enforce mode; add `{{\"kind\":\"event:emit\",\"target\":\"{}\"}}`",
                    event.name
                )),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Outbound URLs: coverage (§7.6) and templates (§7.7)
// ---------------------------------------------------------------------------------------------

/// Where in a URL a byte offset falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Host,
    PathOrQuery,
}

fn position_of(form: &UrlForm<'_>, offset: usize) -> Position {
    match form {
        UrlForm::Absolute(parts) => match parts.authority_range {
            Some((start, end)) if offset >= start && offset < end => Position::Host,
            _ => Position::PathOrQuery,
        },
        UrlForm::TemplatedBase { head_len, .. } if offset < *head_len => Position::Host,
        _ => Position::PathOrQuery,
    }
}

fn check_outbound(addon: &Addon, out: &mut Vec<Diagnostic>) {
    let fetch: Vec<FetchTarget> = addon
        .capabilities
        .iter()
        .filter(|c| c.kind == "http:fetch")
        .filter_map(|c| parse_fetch_target(c.target.trim()).ok())
        .collect();
    let any_fetch = addon.capabilities.iter().any(|c| c.kind == "http:fetch");
    let settings: BTreeMap<&str, SettingType> = addon
        .settings
        .iter()
        .map(|s| (s.key.as_str(), s.setting_type))
        .collect();
    // Uncovered hosts → (first pointer, count), reported once per host.
    let mut uncovered: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut uncovered_order: Vec<String> = Vec::new();
    let mut templated_hosts: Vec<String> = Vec::new();
    for outbound in outbound_urls(addon) {
        let form = classify_url(outbound.url);
        check_template(&outbound, &form, &settings, out);
        let effective = effective_url(addon, outbound.url);
        let form = classify_url(&effective);
        let UrlForm::Absolute(parts) = &form else {
            if matches!(form, UrlForm::TemplatedBase { .. }) {
                templated_hosts.push(outbound.pointer.clone());
            }
            continue;
        };
        let scheme = parts.scheme.unwrap_or("https");
        let host = parts.host;
        let (label, covered) = if host.contains("{{") {
            // Partly templated: the fixed text after the last placeholder, from its first dot.
            let after = host.rfind("}}").map_or("", |i| &host[i + 2..]);
            let suffix = after.find('.').map_or("", |dot| &after[dot + 1..]);
            let suffix = suffix.strip_suffix('.').unwrap_or(suffix);
            if !suffix.contains('.') {
                templated_hosts.push(outbound.pointer.clone());
                continue;
            }
            let covered = fetch
                .iter()
                .any(|t| t.covers_suffix(scheme, suffix, parts.port, parts.path));
            (format!("*.{}", normalise_host(suffix)), covered)
        } else {
            if internal_host(host).is_some() {
                continue; // MC0414 (actions) reports it.
            }
            let covered = fetch
                .iter()
                .any(|t| t.matches(scheme, host, parts.port, parts.path));
            let mut label = normalise_host(host);
            if let Some(port) = parts.port {
                if port.parse::<u16>().ok() != Some(default_port(scheme)) {
                    label = format!("{label}:{port}");
                }
            }
            (label, covered)
        };
        if !covered {
            match uncovered.get_mut(&label) {
                Some((_, count)) => *count += 1,
                None => {
                    uncovered.insert(label.clone(), (outbound.pointer.clone(), 1));
                    uncovered_order.push(label);
                }
            }
        }
    }
    for label in uncovered_order {
        let (pointer, count) = &uncovered[&label];
        let hosts = if label.starts_with("*.") {
            format!("hosts `{label}`")
        } else {
            format!("`{label}`")
        };
        let mut d = Diagnostic::warning(
            "MC0503",
            format!("calls to {hosts} are not covered by any `http:fetch` capability"),
        )
        .at(pointer)
        .with_help(format!(
            "calls to {hosts} will be refused in enforce mode; add `{{\"kind\":\"http:fetch\",\"target\":\"{label}\"}}`"
        ));
        if *count > 1 {
            d = d.with_label(format!("{count} URLs call this host"));
        }
        out.push(d);
    }
    if !any_fetch {
        if let Some(first) = templated_hosts.first() {
            let mut d = Diagnostic::warning(
                "MC0504",
                "outbound HTTP with no `http:fetch` capability: every call will be refused in enforce mode",
            )
            .at(first)
            .with_help("the host comes from a setting and is checked at run time; declare `http:fetch` for the expected hosts (self-hosted ones go in the operator allow-list)");
            if templated_hosts.len() > 1 {
                d = d.with_label(format!(
                    "{} URLs have a templated host",
                    templated_hosts.len()
                ));
            }
            out.push(d);
        }
    }
}

fn check_template(
    outbound: &Outbound<'_>,
    form: &UrlForm<'_>,
    settings: &BTreeMap<&str, SettingType>,
    out: &mut Vec<Diagnostic>,
) {
    let (found, problems) = placeholders(outbound.url);
    for problem in problems {
        out.push(
            Diagnostic::error(
                "MC0601",
                format!(
                    "bad placeholder in the URL of {}: {problem}",
                    outbound.owner.describe()
                ),
            )
            .at(&outbound.pointer),
        );
    }
    if matches!(form, UrlForm::Invalid(_)) || found.is_empty() {
        return;
    }
    let arguments = outbound.owner.arguments();
    let argument_word = match outbound.owner {
        Owner::Tool(_) => "tool argument (`input_schema` property)",
        _ => "action field",
    };
    let mut secrets: Vec<&str> = Vec::new();
    for placeholder in &found {
        let name = placeholder.name;
        let is_argument = arguments.iter().any(|a| a == name);
        let setting = settings.get(name).copied();
        let reserved = RESERVED_PLACEHOLDERS.contains(&name);
        match position_of(form, placeholder.start) {
            Position::Host => {
                if setting.is_some() {
                    continue;
                }
                let message = if is_argument {
                    format!(
                        "`{{{{{name}}}}}` chooses the host of {}'s URL but is a {argument_word}; only settings may choose the destination",
                        outbound.owner.describe()
                    )
                } else {
                    format!(
                        "`{{{{{name}}}}}` in the host of {}'s URL is not a declared setting",
                        outbound.owner.describe()
                    )
                };
                let mut d = Diagnostic::error("MC0601", message).at(&outbound.pointer);
                let suggestion =
                    did_you_mean(name, settings.keys().copied().collect::<Vec<_>>().iter());
                d = match suggestion {
                    Some(s) if !is_argument => d.with_help(format!("did you mean `{s}`?")),
                    _ => d.with_help(format!(
                        "declare a setting `{name}` (set by the installer) and use it here; model- or user-controlled values must not choose where requests go"
                    )),
                };
                out.push(d);
            }
            Position::PathOrQuery => {
                if is_argument || reserved {
                    continue;
                }
                match setting {
                    Some(SettingType::Secret) => secrets.push(name),
                    Some(_) => {}
                    None => {
                        let candidates: Vec<&str> = arguments
                            .iter()
                            .map(String::as_str)
                            .chain(settings.keys().copied())
                            .chain(RESERVED_PLACEHOLDERS)
                            .collect();
                        let help = match did_you_mean(name, candidates.iter()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!(
                                "declare a setting or {} `{name}`, or use one of {}",
                                if matches!(outbound.owner, Owner::Tool(_) | Owner::Action(_)) {
                                    format!("a {argument_word}")
                                } else {
                                    "an argument".to_string()
                                },
                                RESERVED_PLACEHOLDERS
                                    .iter()
                                    .map(|r| format!("`{r}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        out.push(
                            Diagnostic::error(
                                "MC0601",
                                format!(
                                    "`{{{{{name}}}}}` in the URL of {} is not a declared setting or argument",
                                    outbound.owner.describe()
                                ),
                            )
                            .at(&outbound.pointer)
                            .with_help(help),
                        );
                    }
                }
            }
        }
    }
    secrets.dedup();
    if !secrets.is_empty() {
        let names: Vec<String> = secrets.iter().map(|s| format!("`{s}`")).collect();
        let (noun, verb, it) = if secrets.len() == 1 {
            ("secret", "is", "it")
        } else {
            ("secrets", "are", "them")
        };
        out.push(
            Diagnostic::warning(
                "MC0505",
                format!(
                    "{noun} {} {verb} put into the URL of {}, where proxies and logs record {it}",
                    names.join(", "),
                    outbound.owner.describe()
                ),
            )
            .at(&outbound.pointer)
            .with_help("send credentials in a header or the body, not in the URL"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::{count, findings, has, Finding};
    use crate::diagnostics::Severity;

    fn run(extra: &str) -> Vec<Finding> {
        let text = format!(
            r#"{{
  "apiVersion": "asteby.com/v3",
  "kind": "Addon",
  "metadata": {{"key": "shop", "name": "Shop", "version": "1.0.0"}},
  "compatibility": {{"requires": [{{"key": "kernel", "version": ">=3.0.0 <4.0.0"}}]}},
  "models": [{{"key": "Product", "table": "products", "columns": [
    {{"name": "id", "type": "uuid", "primary_key": true}},
    {{"name": "organization_id", "type": "uuid", "not_null": true}},
    {{"name": "title", "type": "text"}}]}}]{extra}
}}"#
        );
        findings(&text)
    }

    fn tool(url: &str, props: &str) -> String {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!(
            r#"{{"key": "t{n}", "description": "d", "input_schema": {{"type": "object", "properties": {{{props}}}}}, "handler": {{"type": "webhook", "url": "{url}"}}}}"#
        )
    }

    #[test]
    fn splits_urls() {
        let p = split_url("https://user@api.example.com:8443/v2/x?a=1#f");
        assert_eq!(p.scheme, Some("https"));
        assert_eq!(p.userinfo, Some("user"));
        assert_eq!(p.host, "api.example.com");
        assert_eq!(p.port, Some("8443"));
        assert_eq!(p.path, "/v2/x");
        assert_eq!(p.query, Some("a=1"));
        assert_eq!(p.fragment, Some("f"));
        let p = split_url("http://[::1]:80/");
        assert_eq!((p.host, p.port, p.path), ("[::1]", Some("80"), "/"));
        let p = split_url("/webhooks/x?y=1");
        assert_eq!(
            (p.scheme, p.authority, p.path, p.query),
            (None, None, "/webhooks/x", Some("y=1"))
        );
        assert!(matches!(
            classify_url("{{base}}/x?y"),
            UrlForm::TemplatedBase { head_len: 8, .. }
        ));
        assert!(matches!(classify_url("ftp://x.com/"), UrlForm::Invalid(_)));
        assert!(matches!(
            classify_url("localhost:8080/x"),
            UrlForm::Invalid(_)
        ));
        assert!(matches!(classify_url("webhooks/x"), UrlForm::Invalid(_)));
        assert!(matches!(
            classify_url("https://a b.com/"),
            UrlForm::Invalid(_)
        ));
        assert!(matches!(
            classify_url("https://{{s}}.shop.com/{{ id }}"),
            UrlForm::Absolute(_)
        ));
    }

    #[test]
    fn classifies_internal_hosts() {
        for host in [
            "localhost",
            "api.localhost",
            "link-backend",
            "127.0.0.1",
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "10.1.2.3",
            "192.168.0.10",
            "169.254.169.254",
            "[::1]",
            "[fd00::1]",
            "[::ffff:10.0.0.1]",
            "metadata.google.internal",
            "LOCALHOST.",
        ] {
            assert!(internal_host(host).is_some(), "{host}");
        }
        for host in ["api.stripe.com", "8.8.8.8", "[2606:4700::1111]", "wttr.in"] {
            assert!(internal_host(host).is_none(), "{host}");
        }
    }

    #[test]
    fn parses_and_matches_fetch_targets() {
        let t = parse_fetch_target("api.stripe.com").unwrap();
        assert!(t.matches("https", "api.stripe.com", Some("443"), "/v1"));
        assert!(t.matches("http", "API.stripe.com.", None, ""));
        assert!(!t.matches("https", "api.stripe.com", Some("8443"), "/"));
        let t = parse_fetch_target("*.slack.com").unwrap();
        assert!(t.matches("https", "hooks.slack.com", None, "/"));
        assert!(!t.matches("https", "slack.com", None, "/"));
        let t = parse_fetch_target("https://api.example.com/v2/*").unwrap();
        assert!(t.matches("https", "api.example.com", None, "/v2/items"));
        assert!(!t.matches("https", "api.example.com", None, "/v1/items"));
        assert!(!t.matches("http", "api.example.com", None, "/v2/items"));
        assert!(t.matches("https", "api.example.com", None, "/{{version}}/x"));
        let t = parse_fetch_target("api.example.com:8443").unwrap();
        assert!(t.matches("https", "api.example.com", Some("8443"), "/"));
        assert!(!t.matches("https", "api.example.com", None, "/"));
        for broad in [
            "*",
            "*.*",
            "*.com",
            "api.*.com",
            "ftp://files.example.com/",
            "https://x.com/a*b",
            "10.0.0.1",
            "127.0.0.1:80",
        ] {
            assert!(
                matches!(parse_fetch_target(broad), Err(TargetError::TooBroad(_))),
                "{broad}"
            );
        }
        for bad in [
            "api.example.com/v2",
            "api..example.com",
            "host:99999",
            "https://x.com/?a=1",
        ] {
            assert!(
                matches!(parse_fetch_target(bad), Err(TargetError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn finds_placeholders() {
        let (found, problems) = placeholders("https://{{ host }}/a/{{b.c}}?{{}}&{{x");
        assert_eq!(
            found.iter().map(|p| p.name).collect::<Vec<_>>(),
            ["host", "b.c"]
        );
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for s in [
            "",
            ":",
            "//",
            "{{",
            "}}",
            "{{}}",
            "http://",
            "http://[",
            "http://[::1",
            "https://é.com/ü",
            "https://a@",
            "*.",
            "*.é",
            "0x",
            "0.0.0.0.0",
            "1.2.3.4294967296",
            "[",
            "[]:",
            "a:b:c",
            "https://{{a}}:{{b}}/",
            "{{a}}{{b}}",
            "ftp:",
            "https://x.com:0/",
            "https://x.com:99999/",
        ] {
            let _ = classify_url(s);
            let _ = parse_fetch_target(s);
            let _ = placeholders(s);
            let _ = internal_host(s);
            let _ = split_url(s);
            let _ = check_cron(s);
            let _ = event_pattern_ok(s);
        }
    }

    #[test]
    fn validates_cron() {
        assert!(check_cron("0 * * * *").is_ok());
        assert!(check_cron("*/15 9-17 * JAN-MAR mon,fri").is_ok());
        assert!(check_cron("0 * * *").is_err());
        assert!(check_cron("60 * * * *").is_err());
        assert!(check_cron("0 0 0 * *").is_err());
    }

    #[test]
    fn mc0501_too_broad_fetch_target() {
        let d = run(r#", "capabilities": [{"kind": "http:fetch", "target": "*.com"}]"#);
        assert!(
            has(&d, "MC0501", Severity::Error, "/capabilities/0/target"),
            "{d:#?}"
        );
    }

    #[test]
    fn mc0502_malformed_targets() {
        let d = run(r#", "capabilities": [
            {"kind": "http:fetch", "target": "api.example.com/v1"},
            {"kind": "event:emit", "target": "shop..x"},
            {"kind": "event:emit", "target": "*"},
            {"kind": "event:subscribe", "target": "*"},
            {"kind": "db:read", "target": "a.b.c"},
            {"kind": "cron:register", "target": "every hour"},
            {"kind": "queue:produce", "target": "Jobs"},
            {"kind": "fs:read", "target": "uploads/../etc"},
            {"kind": "connector:read", "target": "Factura"}]"#);
        for i in [0, 1, 2, 4, 5, 6, 7, 8] {
            assert!(
                has(
                    &d,
                    "MC0502",
                    Severity::Error,
                    &format!("/capabilities/{i}/target")
                ),
                "{i}: {d:#?}"
            );
        }
        assert!(has(
            &d,
            "MC0502",
            Severity::Warning,
            "/capabilities/3/target"
        ));
    }

    #[test]
    fn mc0503_uncovered_literal_host() {
        let tools = format!(
            r#", "capabilities": [{{"kind": "http:fetch", "target": "*.stripe.com"}}],
            "contributions": {{"tools": [{}, {}]}}"#,
            tool("https://api.stripe.com/v1/x", ""),
            tool("https://api.other.com/v1/x", "")
        );
        let d = run(&tools);
        assert_eq!(count(&d, "MC0503"), 1, "{d:#?}");
        assert!(has(
            &d,
            "MC0503",
            Severity::Warning,
            "/contributions/tools/1/handler/url"
        ));
    }

    #[test]
    fn mc0503_templated_host_suffix_and_internal_hosts_skipped() {
        let text = format!(
            r#", "capabilities": [{{"kind": "http:fetch", "target": "*.shopify.com"}}],
            "settings": [{{"key": "store", "type": "string"}}],
            "contributions": {{"tools": [{}, {}]}}"#,
            tool("https://{{store}}.myshopify.com/admin", ""),
            tool("http://localhost:7101/x", "")
        );
        let d = run(&text);
        assert_eq!(count(&d, "MC0503"), 1, "{d:#?}");
        assert!(d.iter().any(|(c, _, p, m)| c == "MC0503"
            && p == "/contributions/tools/0/handler/url"
            && m.contains("*.myshopify.com")));
        let covered = text.replace("*.shopify.com", "*.myshopify.com");
        assert_eq!(count(&run(&covered), "MC0503"), 0);
    }

    #[test]
    fn mc0504_templated_host_without_any_fetch() {
        let text = format!(
            r#", "settings": [{{"key": "store_url", "type": "string"}}],
            "contributions": {{"tools": [{}]}}"#,
            tool("{{store_url}}/wp-json/x", "")
        );
        let d = run(&text);
        assert!(
            has(
                &d,
                "MC0504",
                Severity::Warning,
                "/contributions/tools/0/handler/url"
            ),
            "{d:#?}"
        );
        assert_eq!(count(&d, "MC0601"), 0, "{d:#?}");
    }

    #[test]
    fn mc0505_secret_in_query_not_host() {
        let text = format!(
            r#", "settings": [{{"key": "store_url", "type": "secret"}}, {{"key": "api_secret", "type": "secret"}}],
            "capabilities": [{{"kind": "http:fetch", "target": "*.example.com"}}],
            "contributions": {{"tools": [{}, {}]}}"#,
            tool(
                "{{store_url}}/x?secret={{api_secret}}&q={{q}}",
                r#""q": {"type": "string"}"#
            ),
            tool("{{store_url}}", "")
        );
        let d = run(&text);
        assert_eq!(count(&d, "MC0505"), 1, "{d:#?}");
        assert!(has(
            &d,
            "MC0505",
            Severity::Warning,
            "/contributions/tools/0/handler/url"
        ));
    }

    #[test]
    fn mc0506_mc0507_mc0510_db_targets() {
        let d = run(r#", "capabilities": [
            {"kind": "db:read", "target": "*"},
            {"kind": "db:read", "target": "users"},
            {"kind": "db:write", "target": "addon_shop.*"},
            {"kind": "db:read", "target": "public.users"}]"#);
        assert!(
            has(&d, "MC0506", Severity::Error, "/capabilities/0/target"),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0507",
            Severity::Warning,
            "/capabilities/1/target"
        ));
        assert!(has(&d, "MC0510", Severity::Note, "/capabilities/2/target"));
        assert_eq!(
            d.iter()
                .filter(|(_, _, p, _)| p.starts_with("/capabilities/3"))
                .count(),
            0
        );
    }

    #[test]
    fn mc0508_subscription_needs_event_subscribe() {
        let sub = r#"{"event": "billing.invoice_paid", "handler": {"type": "wasm", "function": "on_paid"}}"#;
        let d = run(&format!(
            r#", "contributions": {{"subscriptions": [{sub}]}}"#
        ));
        assert!(
            has(
                &d,
                "MC0508",
                Severity::Error,
                "/contributions/subscriptions/0/event"
            ),
            "{d:#?}"
        );
        let d = run(&format!(
            r#", "capabilities": [{{"kind": "event:subscribe", "target": "billing.*"}}],
            "contributions": {{"subscriptions": [{sub}]}}"#
        ));
        assert_eq!(count(&d, "MC0508"), 0, "{d:#?}");
    }

    #[test]
    fn mc0509_unenforced_kind() {
        let d = run(r#", "capabilities": [{"kind": "time:wallclock", "target": "*"}]"#);
        assert!(
            has(&d, "MC0509", Severity::Note, "/capabilities/0/kind"),
            "{d:#?}"
        );
    }

    #[test]
    fn mc0511_published_event_needs_emit() {
        let events = r#", "extension_points": {"events": [{"name": "shop.sold"}, {"name": "shop.refunded"}]}"#;
        let d = run(&format!(
            r#", "capabilities": [{{"kind": "event:emit", "target": "shop.sold"}}]{events}"#
        ));
        assert_eq!(count(&d, "MC0511"), 1, "{d:#?}");
        assert!(has(
            &d,
            "MC0511",
            Severity::Warning,
            "/extension_points/events/1/name"
        ));
    }

    #[test]
    fn mc0513_duplicate_capability() {
        let d = run(
            r#", "capabilities": [{"kind": "http:fetch", "target": "api.x.com"}, {"kind": "http:fetch", "target": "api.x.com"}]"#,
        );
        assert!(
            has(&d, "MC0513", Severity::Warning, "/capabilities/1"),
            "{d:#?}"
        );
        assert_eq!(count(&d, "MC0513"), 1);
    }

    #[test]
    fn mc0601_placeholders() {
        let text = format!(
            r#", "capabilities": [{{"kind": "http:fetch", "target": "*.example.com"}}],
            "settings": [{{"key": "region", "type": "string"}}, {{"key": "wc_store_url", "type": "string"}}],
            "contributions": {{"tools": [{}, {}, {}, {}]}}"#,
            // argument in the host position
            tool(
                "https://{{tenant}}.example.com/x",
                r#""tenant": {"type": "string"}"#
            ),
            // unresolved, with a suggestion
            tool("https://api.example.com/{{wc_store}}", ""),
            // bad syntax
            tool("https://api.example.com/{{ a b }}", ""),
            // all fine: setting host, argument path, reserved name
            tool(
                "https://{{region}}.example.com/{{id}}/{{org_id}}",
                r#""id": {"type": "string"}"#
            )
        );
        let d = run(&text);
        assert!(
            has(
                &d,
                "MC0601",
                Severity::Error,
                "/contributions/tools/0/handler/url"
            ),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0601",
            Severity::Error,
            "/contributions/tools/1/handler/url"
        ));
        assert!(has(
            &d,
            "MC0601",
            Severity::Error,
            "/contributions/tools/2/handler/url"
        ));
        assert!(!d
            .iter()
            .any(|(c, _, p, _)| c == "MC0601" && p.starts_with("/contributions/tools/3")));
        let actions = r#", "contributions": {"actions": [{"key": "a1", "target_model": "Product",
            "fields": [{"key": "note", "type": "text"}],
            "handler": {"type": "webhook", "url": "https://api.example.com/{{note}}/{{record_id}}?o={{org_id}}"}}]},
            "capabilities": [{"kind": "http:fetch", "target": "api.example.com"}]"#;
        let d = run(actions);
        let found: Vec<_> = d.iter().filter(|(c, ..)| c == "MC0601").collect();
        assert_eq!(found.len(), 1, "{d:#?}");
        assert_eq!(found[0].2, "/contributions/actions/0/handler/url");
        assert!(found[0].3.contains("record_id"));
    }
}
