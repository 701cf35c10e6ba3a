//! The egress (SSRF) guard (`runtime.md` §5).
//!
//! Every outbound connection made for an addon goes through an [`EgressGuard`]:
//!
//! 1. the URL must be `http`/`https` without userinfo; the `url` crate parses hosts the
//!    WHATWG way, so `http://2130706433/` or `http://0x7f.1/` are already IPv4 addresses;
//! 2. `localhost`, `*.localhost`, `metadata`, `*.internal`, single-label names… are refused;
//! 3. names are resolved and refused when **any** address is in a blocked range;
//! 4. the connection is made only to vetted addresses: [`GuardedResolver`] is the HTTP
//!    client's resolver and re-runs the check on the addresses it hands out, so DNS rebinding
//!    between check and connect cannot slip a private address through.
//!
//! An operator allow-list (`METACORE_EGRESS_ALLOW`: host names, `*.suffix`, IP addresses or
//! CIDRs) exempts matching targets from steps 2–4 — that is how tests reach 127.0.0.1. It
//! never grants a capability.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use url::{Host, Url};

/// Why the guard refused a target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("egress refused: {reason}")]
pub struct EgressRefusal {
    /// Which rule refused it (a bounded set: the `reason` label of `egress_refused_total`).
    pub kind: RefusalKind,
    /// A short human reason (`loopback address 127.0.0.1`).
    pub reason: String,
}

/// Which rule of the guard refused a target: a fixed set, unlike
/// [`EgressRefusal::reason`], which names hosts and addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// A scheme other than `http`/`https` (step 1).
    Scheme,
    /// A URL with user information (step 1).
    Userinfo,
    /// A URL without a host (step 1).
    NoHost,
    /// A host name refused outright: `localhost`, `*.internal`, single labels, … (step 2).
    RefusedName,
    /// An address, literal or resolved, in a blocked range (steps 3–4).
    BlockedAddress,
    /// The name could not be resolved, or resolved to no address (step 3).
    Unresolvable,
}

impl RefusalKind {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::Scheme => "scheme",
            RefusalKind::Userinfo => "userinfo",
            RefusalKind::NoHost => "no_host",
            RefusalKind::RefusedName => "refused_name",
            RefusalKind::BlockedAddress => "blocked_address",
            RefusalKind::Unresolvable => "unresolvable",
        }
    }
}

fn refuse(kind: RefusalKind, reason: impl Into<String>) -> EgressRefusal {
    EgressRefusal {
        kind,
        reason: reason.into(),
    }
}

/// One allow-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AllowEntry {
    Host(String),
    Suffix(String),
    Network(IpAddr, u8),
}

/// The guard, with its operator allow-list.
#[derive(Debug, Clone, Default)]
pub struct EgressGuard {
    allow: Vec<AllowEntry>,
}

impl EgressGuard {
    /// A guard with an empty allow-list (the production default).
    pub fn strict() -> EgressGuard {
        EgressGuard::default()
    }

    /// A guard from the `METACORE_EGRESS_ALLOW` syntax: comma-separated host names, `*.suffix`
    /// patterns, IP addresses or CIDRs. A malformed entry is an error naming it.
    pub fn with_allow_list(list: &str) -> Result<EgressGuard, String> {
        let mut allow = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let parsed = if let Some(suffix) = entry.strip_prefix("*.") {
                AllowEntry::Suffix(suffix.to_ascii_lowercase())
            } else if let Some((addr, bits)) = entry.split_once('/') {
                let addr: IpAddr = addr
                    .parse()
                    .map_err(|_| format!("`{entry}` is not a valid CIDR"))?;
                let max = if addr.is_ipv4() { 32 } else { 128 };
                let bits: u8 = bits
                    .parse()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("`{entry}` has an invalid prefix length"))?;
                AllowEntry::Network(addr, bits)
            } else if let Ok(addr) = entry.parse::<IpAddr>() {
                AllowEntry::Network(addr, if addr.is_ipv4() { 32 } else { 128 })
            } else {
                AllowEntry::Host(entry.trim_end_matches('.').to_ascii_lowercase())
            };
            allow.push(parsed);
        }
        Ok(EgressGuard { allow })
    }

    fn name_allowed(&self, host: &str) -> bool {
        self.allow.iter().any(|entry| match entry {
            AllowEntry::Host(h) => h == host,
            AllowEntry::Suffix(s) => host.len() > s.len() + 1 && host.ends_with(&format!(".{s}")),
            AllowEntry::Network(..) => false,
        })
    }

    fn address_allowed(&self, ip: IpAddr) -> bool {
        self.allow.iter().any(|entry| match entry {
            AllowEntry::Network(net, bits) => in_network(ip, *net, *bits),
            _ => false,
        })
    }

    /// Checks one resolved address: allowed when allow-listed or outside every blocked range.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), EgressRefusal> {
        if self.address_allowed(ip) || !is_blocked(ip) {
            Ok(())
        } else {
            Err(refuse(
                RefusalKind::BlockedAddress,
                format!("{ip} is in a blocked address range"),
            ))
        }
    }

    /// Steps 1–3 for one URL (one redirect hop): scheme, userinfo, names, resolution.
    pub async fn check_url(&self, url: &Url) -> Result<(), EgressRefusal> {
        self.check_literal(url)?;
        let Some(Host::Domain(name)) = url.host() else {
            return Ok(());
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if self.name_allowed(&name) {
            return Ok(());
        }
        let port = url.port_or_known_default().unwrap_or(80);
        self.resolve_vetted(&name, port).await.map(drop)
    }

    /// Steps 1–2 without resolving: scheme, userinfo, refused names, and a literal IP host
    /// in a blocked range — what can be decided about a URL when it is stored (outbound
    /// webhooks at create and update); [`EgressGuard::check_url`] still runs at each
    /// connection.
    pub fn check_literal(&self, url: &Url) -> Result<(), EgressRefusal> {
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(refuse(
                RefusalKind::Scheme,
                format!("scheme `{}` is not allowed", url.scheme()),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse(
                RefusalKind::Userinfo,
                "URLs with user information are not allowed",
            ));
        }
        match url.host() {
            None => Err(refuse(RefusalKind::NoHost, "the URL has no host")),
            Some(Host::Ipv4(ip)) => self.check_address(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.check_address(IpAddr::V6(ip)),
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if !self.name_allowed(&name) && is_refused_name(&name) {
                    return Err(refuse(
                        RefusalKind::RefusedName,
                        format!("host name `{name}` is not allowed"),
                    ));
                }
                Ok(())
            }
        }
    }

    /// Resolves `name` and vets every address: refused when **any** is blocked.
    async fn resolve_vetted(
        &self,
        name: &str,
        port: u16,
    ) -> Result<Vec<SocketAddr>, EgressRefusal> {
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| {
                refuse(
                    RefusalKind::Unresolvable,
                    format!("cannot resolve `{name}`: {e}"),
                )
            })?
            .collect();
        if addrs.is_empty() {
            return Err(refuse(
                RefusalKind::Unresolvable,
                format!("`{name}` has no addresses"),
            ));
        }
        for addr in &addrs {
            self.check_address(addr.ip())?;
        }
        Ok(addrs)
    }
}

/// Names refused before any resolution (step 2).
fn is_refused_name(name: &str) -> bool {
    const EXACT: [&str; 4] = [
        "localhost",
        "localhost.localdomain",
        "metadata",
        "metadata.google.internal",
    ];
    EXACT.contains(&name)
        || name.ends_with(".localhost")
        || name.ends_with(".internal")
        || !name.contains('.')
}

/// The resolver the guarded HTTP client dials through: vetted addresses only (step 4).
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    guard: Arc<EgressGuard>,
}

impl GuardedResolver {
    /// A resolver applying `guard`.
    pub fn new(guard: Arc<EgressGuard>) -> GuardedResolver {
        GuardedResolver { guard }
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = self.guard.clone();
        Box::pin(async move {
            let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
            let addrs = if guard.name_allowed(&host) {
                tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map_err(|e| {
                        refuse(
                            RefusalKind::Unresolvable,
                            format!("cannot resolve `{host}`: {e}"),
                        )
                    })?
                    .collect()
            } else if is_refused_name(&host) {
                return Err(refuse(
                    RefusalKind::RefusedName,
                    format!("host name `{host}` is not allowed"),
                )
                .into());
            } else {
                guard.resolve_vetted(&host, 0).await?
            };
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// True when `ip` is in one of the blocked ranges of §5.4 (embedded IPv4 checked).
pub fn is_blocked(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_blocked_v4(v4),
        IpAddr::V6(v6) => is_blocked_v6(v6),
    }
}

fn is_blocked_v4(ip: Ipv4Addr) -> bool {
    const RANGES: [([u8; 4], u8); 15] = [
        ([0, 0, 0, 0], 8),
        ([10, 0, 0, 0], 8),
        ([100, 64, 0, 0], 10),
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16),
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 24),
        ([192, 0, 2, 0], 24),
        ([192, 88, 99, 0], 24),
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15),
        ([198, 51, 100, 0], 24),
        ([203, 0, 113, 0], 24),
        ([224, 0, 0, 0], 4),
        ([240, 0, 0, 0], 4),
    ];
    RANGES
        .iter()
        .any(|(net, bits)| in_network(IpAddr::V4(ip), IpAddr::V4(Ipv4Addr::from(*net)), *bits))
}

fn is_blocked_v6(ip: Ipv6Addr) -> bool {
    // The ranges that embed an IPv4 address (`::ffff:0:0/96`, NAT64, 6to4) are blocked as a
    // whole, which covers every embedded private address too.
    const RANGES: [(u128, u8); 13] = [
        (0, 128),
        (1, 128),
        (0xffff_0000_0000, 96),
        (0x0064_ff9b << 96, 96),
        (0x0064_ff9b_0001 << 80, 48),
        (0x0100 << 112, 64),
        (0x2001 << 112, 23),
        (0x2001_0db8 << 96, 32),
        (0x2002 << 112, 16),
        (0xfc00 << 112, 7),
        (0xfe80 << 112, 10),
        (0xfec0 << 112, 10),
        (0xff00 << 112, 8),
    ];
    RANGES
        .iter()
        .any(|(net, bits)| in_network(IpAddr::V6(ip), IpAddr::V6(Ipv6Addr::from(*net)), *bits))
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let shift = 32 - u32::from(bits.min(32));
            shift == 32 || (u32::from(ip) ^ u32::from(net)) >> shift == 0
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let shift = 128 - u32::from(bits.min(128));
            shift == 128 || (u128::from(ip) ^ u128::from(net)) >> shift == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(s: &str) -> bool {
        is_blocked(s.parse().expect("test address"))
    }

    #[test]
    fn private_and_special_ranges_are_blocked() {
        for addr in [
            "127.0.0.1",
            "10.1.2.3",
            "169.254.169.254",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "fc00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "2002:7f00:1::1",
        ] {
            assert!(blocked(addr), "{addr} should be blocked");
        }
        for addr in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(!blocked(addr), "{addr} should be allowed");
        }
    }

    #[tokio::test]
    async fn numeric_shorthands_and_names_are_refused() {
        let guard = EgressGuard::strict();
        for url in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://localhost/",
            "http://api.localhost/",
            "http://metadata.google.internal/",
            "http://link-backend/",
            "http://user:pw@example.com/",
            "ftp://example.com/",
            "http://[::1]:8080/",
        ] {
            let url = Url::parse(url).expect("test URL");
            assert!(
                guard.check_url(&url).await.is_err(),
                "{url} should be refused"
            );
        }
    }

    #[tokio::test]
    async fn the_allow_list_exempts_loopback() {
        let guard = EgressGuard::with_allow_list("127.0.0.1, *.test.example, 10.0.0.0/8")
            .expect("valid list");
        let url = Url::parse("http://127.0.0.1:9/").expect("test URL");
        assert!(guard.check_url(&url).await.is_ok());
        assert!(guard.check_address("10.9.9.9".parse().expect("ip")).is_ok());
        assert!(guard
            .check_address("192.168.0.1".parse().expect("ip"))
            .is_err());
        assert!(EgressGuard::with_allow_list("10.0.0.0/99").is_err());
    }
}
