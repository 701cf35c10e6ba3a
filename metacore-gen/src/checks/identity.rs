//! Addon identity and compatibility: key length, name, kernel and peer requirements, package
//! kind, and the notes for blocks accepted but not generated (§2.1–§2.4, §6.2).

use std::collections::BTreeMap;

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::ir::{Addon, Dialect, Isolation, PackageKind, Requirement};
use crate::semver::{Range, Version};

/// The host contract version v3 manifests are checked against (§6.2.3).
pub const KERNEL_V3: &str = "3.0.0";
/// The legacy contract version v2 `kernel` ranges are checked against.
pub const KERNEL_V2: &str = "2.0.0";

/// Runs the identity checks.
pub fn check(addon: &Addon, _context: &Context, out: &mut Vec<Diagnostic>) {
    let (key_pointer, name_pointer) = match addon.dialect {
        Dialect::V3 => ("/metadata/key", "/metadata/name"),
        Dialect::V2 => ("/key", "/name"),
    };
    if format!("addon_{}", addon.key).len() > 63 {
        out.push(
            Diagnostic::error(
                "MC0206",
                format!(
                    "addon key `{}` is too long: the schema name `addon_{}` would exceed 63 bytes",
                    addon.key, addon.key
                ),
            )
            .at(key_pointer)
            .with_help("use a key of at most 57 characters"),
        );
    }
    if addon.name.trim().is_empty() {
        out.push(
            Diagnostic::error("MC0202", "the addon name is blank")
                .at(name_pointer)
                .with_help("give the addon a display name"),
        );
    }
    if let Some(kernel) = &addon.kernel {
        check_kernel(addon, kernel, out);
    }
    let mut seen: BTreeMap<&str, &Requirement> = BTreeMap::new();
    for requirement in &addon.requires {
        check_range_parses(
            &requirement.range_text,
            requirement.range.as_ref(),
            &requirement.src,
            out,
        );
        if let Some(first) = seen.insert(&requirement.key, requirement) {
            out.push(
                Diagnostic::error(
                    "MC0209",
                    format!("requirement `{}` is declared twice", requirement.key),
                )
                .at(format!("{}/key", requirement.src))
                .with_label("second declaration")
                .with_related(format!("{}/key", first.src), "first declared")
                .with_help("merge the two requirements into one"),
            );
        }
    }
    match addon.kind {
        PackageKind::Addon => {}
        other => out.push(
            Diagnostic::note(
                "MC0905",
                format!("a {other:?} package generates no code; it is validated only"),
            )
            .at("/kind"),
        ),
    }
    match addon.tenancy.isolation {
        Isolation::Shared => {}
        Isolation::Schema => out.push(
            Diagnostic::note(
                "MC0904",
                format!(
                    "`schema` isolation is served like `shared`: one table set scoped by `{}`; no request can reach another organisation's rows",
                    addon.tenancy.column
                ),
            )
            .at(isolation_pointer(addon)),
        ),
        Isolation::Database => out.push(
            Diagnostic::note(
                "MC0903",
                "`database` isolation is accepted by validate but cannot be built yet",
            )
            .at(isolation_pointer(addon)),
        ),
    }
    for block in addon.advanced.keys() {
        out.push(
            Diagnostic::note(
                "MC0904",
                format!("`{block}` is accepted; this version does not generate it"),
            )
            .at_key(format!("/{block}")),
        );
    }
    for model in &addon.models {
        for feature in model.advanced.keys() {
            out.push(
                Diagnostic::note(
                    "MC0904",
                    format!(
                        "model `{}`: `{feature}` is accepted; this version does not generate it",
                        model.key
                    ),
                )
                .at_key(format!("{}/{feature}", model.src)),
            );
        }
    }
}

fn isolation_pointer(addon: &Addon) -> &'static str {
    match addon.dialect {
        Dialect::V3 => "/tenancy/isolation",
        Dialect::V2 => "/tenant_isolation",
    }
}

fn check_kernel(addon: &Addon, kernel: &Requirement, out: &mut Vec<Diagnostic>) {
    let Some(range) =
        check_range_parses(&kernel.range_text, kernel.range.as_ref(), &kernel.src, out)
    else {
        return;
    };
    let host = match addon.dialect {
        Dialect::V3 => KERNEL_V3,
        Dialect::V2 => KERNEL_V2,
    };
    let version = Version::parse_strict(host).expect("host version literal is valid");
    if !range.matches(&version) {
        out.push(
            Diagnostic::error(
                "MC0205",
                format!(
                    "the kernel requirement `{}` is not satisfied by this host's contract version {host}",
                    kernel.range_text
                ),
            )
            .at(range_pointer(addon, kernel))
            .with_help(match addon.dialect {
                Dialect::V3 => "v3 manifests target contract 3.x: write `>=3.0.0 <4.0.0`",
                Dialect::V2 => "v2 manifests target the legacy contract 2.x: write `>=2.0.0 <3.0.0`",
            }),
        );
    }
}

fn range_pointer(addon: &Addon, requirement: &Requirement) -> String {
    match addon.dialect {
        Dialect::V3 => format!("{}/version", requirement.src),
        Dialect::V2 => requirement.src.clone(),
    }
}

/// Reports MC0204 when a range did not parse; returns the parsed range otherwise.
fn check_range_parses<'r>(
    text: &str,
    range: Option<&'r Range>,
    src: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<&'r Range> {
    if range.is_none() {
        let reason = Range::parse(text)
            .err()
            .map(|e| e.message)
            .unwrap_or_else(|| "it cannot be read".into());
        let pointer = if src.ends_with("/kernel") {
            src.to_string()
        } else {
            format!("{src}/version")
        };
        out.push(
            Diagnostic::error(
                "MC0204",
                format!("invalid version range `{text}`: {reason}"),
            )
            .at(pointer)
            .with_help("ranges look like `>=1.2.0 <2.0.0`, `^1.2`, `~1.4.0` or `1.x`"),
        );
    }
    range
}
