//! Navigation, RBAC, lifecycle, extension points and i18n: the dialect-independent checks of
//! `manifest.md` §2.8 (NavGroup/NavItem, SlotContribution), §2.9, §2.10, §2.11, §2.12, §7.9
//! and §7.11 over the IR.
//!
//! * Navigation (MC0701, MC0702, MC0709, MC0710, MC0713): nav items name known models, known
//!   filter and `group_by` columns, and capabilities of the catalogue; nested items are walked.
//! * The capability catalogue (§7.9, [`capability_catalogue`]) and RBAC (MC0703, MC0704).
//! * Lifecycle (MC0705, MC0418, MC0706): handler reference strings and the upgrade ladder.
//! * Events and slots (MC0707, MC0708, MC0712): namespacing and uniqueness of what the addon
//!   publishes, the slots it contributes to, and the models it opens to extensions.
//! * i18n (MC0711): bundle files beside the manifest, when validated from a directory.

use std::collections::{BTreeMap, BTreeSet};

use super::Context;
use crate::diagnostics::Diagnostic;
use crate::ir::{Addon, Dialect, HandlerRef, Model, NavItem, Published};
use crate::semver::Range;
use crate::suggest::did_you_mean;

/// The CRUD capability suffixes generated for every model (§7.9).
pub const CRUD_SUFFIXES: [&str; 6] = ["index", "create", "update", "delete", "export", "import"];

/// Role keys the host reserves for its super-roles (§2.12).
const RESERVED_ROLES: [&str; 2] = ["owner", "admin"];

/// Runs the navigation, RBAC, lifecycle, extension-point and i18n checks.
pub fn check(addon: &Addon, context: &Context, out: &mut Vec<Diagnostic>) {
    let catalogue = capability_catalogue(addon);
    for group in &addon.navigation {
        for item in &group.items {
            check_nav_item(addon, &catalogue, item, out);
        }
    }
    check_rbac(addon, &catalogue, out);
    check_lifecycle(addon, out);
    check_extension_points(addon, out);
    check_i18n(addon, context, out);
}

/// The addon's capability catalogue (§7.9): per model `<table>.index|create|update|delete|
/// export|import`; per action `<table>.<action_key>` (the table of the action's target model,
/// when it is a model of this addon); per tool `<addon_key>.tools.<tool_key>`; every
/// `rbac.permissions[].key`; and `*`.
pub fn capability_catalogue(addon: &Addon) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    out.insert("*".to_string());
    for model in &addon.models {
        for suffix in CRUD_SUFFIXES {
            out.insert(format!("{}.{suffix}", model.table));
        }
    }
    for action in &addon.actions {
        if let Some(model) = action
            .target_model
            .as_deref()
            .and_then(|target| addon.find_model(target))
        {
            out.insert(format!("{}.{}", model.table, action.key));
        }
    }
    for tool in &addon.tools {
        out.insert(format!("{}.tools.{}", addon.key, tool.key));
    }
    for permission in &addon.rbac.permissions {
        out.insert(permission.key.clone());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------------------------

/// How a nav item's `model` resolves.
enum ModelRef<'a> {
    /// A model of this addon.
    Own(&'a Model),
    /// A qualified `<other_addon>.<Model>`: not checkable here.
    Foreign,
    /// Unknown.
    Unknown,
}

fn resolve_model<'a>(addon: &'a Addon, name: &str) -> ModelRef<'a> {
    if let Some(model) = addon.find_model(name) {
        return ModelRef::Own(model);
    }
    match name.split_once('.') {
        Some((other, model)) if other != addon.key && !other.is_empty() && !model.is_empty() => {
            ModelRef::Foreign
        }
        _ => ModelRef::Unknown,
    }
}

/// Model keys and tables of this addon, for suggestions.
fn model_names(addon: &Addon) -> Vec<&str> {
    addon
        .models
        .iter()
        .flat_map(|m| [m.key.as_str(), m.table.as_str()])
        .collect()
}

fn check_nav_item(
    addon: &Addon,
    catalogue: &BTreeSet<String>,
    item: &NavItem,
    out: &mut Vec<Diagnostic>,
) {
    // MC0701: the model must resolve.
    let mut model = None;
    if let Some(name) = &item.model {
        match resolve_model(addon, name) {
            ModelRef::Own(m) => model = Some(m),
            ModelRef::Foreign => {}
            ModelRef::Unknown => {
                let mut d = Diagnostic::error(
                    "MC0701",
                    format!(
                        "navigation item `{}` names an unknown model `{name}`",
                        item.title
                    ),
                )
                .at(format!("{}/model", item.src));
                d = match did_you_mean(name, &model_names(addon)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!(
                        "name a model of this addon (key or table), or another addon's model as `<addon>.<Model>`{}",
                        known_list(addon.models.iter().map(|m| m.key.as_str()))
                    )),
                };
                out.push(d);
            }
        }
    } else if let Some(table) = item.url.as_deref().and_then(|u| u.strip_prefix("/m/")) {
        // An item pointing at `/m/<table>` of an own model lists that model.
        model = addon.models.iter().find(|m| m.table == table);
    }

    // MC0710: nothing to open.
    if item.url.is_none() && item.model.is_none() && item.items.is_empty() {
        out.push(
            Diagnostic::warning(
                "MC0710",
                format!(
                    "navigation item `{}` has no `url`, `model` or child items: it leads nowhere",
                    item.title
                ),
            )
            .at(&item.src)
            .with_help("give it a `url` or a `model`, or nest `items` under it"),
        );
    }

    // MC0702: permission in the catalogue.
    if let Some(permission) = &item.permission {
        if !catalogue.contains(permission) {
            out.push(unknown_capability(
                "MC0702",
                format!(
                    "navigation item `{}` requires `{permission}`, which is not in the addon's capability catalogue",
                    item.title
                ),
                permission,
                catalogue,
                format!("{}/permission", item.src),
            ));
        }
    }

    // MC0702: requires[{model, actions}].
    for (index, (name, actions)) in item.requires.iter().enumerate() {
        let pointer = format!("{}/requires/{index}", item.src);
        match resolve_model(addon, name) {
            ModelRef::Own(m) => {
                let table_prefix = format!("{}.", m.table);
                for (a, action) in actions.iter().enumerate() {
                    let capability = format!("{}.{action}", m.table);
                    if catalogue.contains(&capability) {
                        continue;
                    }
                    let suffixes: Vec<String> = catalogue
                        .iter()
                        .filter_map(|c| c.strip_prefix(table_prefix.as_str()))
                        .map(str::to_string)
                        .collect();
                    let help = match did_you_mean(action, &suffixes) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "use a CRUD suffix ({}) or the key of an action on `{}`",
                            CRUD_SUFFIXES.join(", "),
                            m.key
                        ),
                    };
                    out.push(
                        Diagnostic::warning(
                            "MC0702",
                            format!(
                                "navigation item `{}` requires `{capability}`, which is not in the addon's capability catalogue",
                                item.title
                            ),
                        )
                        .at(format!("{pointer}/actions/{a}"))
                        .with_help(help),
                    );
                }
            }
            ModelRef::Foreign => {}
            ModelRef::Unknown => {
                let mut d = Diagnostic::warning(
                    "MC0702",
                    format!(
                        "navigation item `{}` requires capabilities of an unknown model `{name}`",
                        item.title
                    ),
                )
                .at(format!("{pointer}/model"));
                if let Some(s) = did_you_mean(name, &model_names(addon)) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
        }
    }

    // MC0709: kanban needs a group_by column.
    if item.view_type.as_deref() == Some("kanban") {
        match &item.group_by {
            None => out.push(
                Diagnostic::error(
                    "MC0709",
                    format!(
                        "kanban navigation item `{}` has no `group_by` column",
                        item.title
                    ),
                )
                .at(format!("{}/view_type", item.src))
                .with_help(
                    "add `\"group_by\": \"<column>\"` naming the column the board groups by (typically the stage or status column)",
                ),
            ),
            Some(column) => {
                if let Some(m) = model {
                    if m.column(column).is_none() {
                        out.push(unknown_column(
                            "MC0709",
                            format!(
                                "kanban navigation item `{}` groups by `{column}`, which is not a column of `{}`",
                                item.title, m.key
                            ),
                            column,
                            m,
                            format!("{}/group_by", item.src),
                        ));
                    }
                }
            }
        }
    }

    // MC0713: filter keys are columns of the item's model.
    if let Some(m) = model {
        for key in item.filter.keys() {
            if m.column(key).is_none() {
                out.push(unknown_column(
                    "MC0713",
                    format!(
                        "navigation item `{}` filters on `{key}`, which is not a column of `{}`",
                        item.title, m.key
                    ),
                    key,
                    m,
                    format!("{}/filter/{}", item.src, escape_pointer(key)),
                ));
            }
        }
    }

    for child in &item.items {
        check_nav_item(addon, catalogue, child, out);
    }
}

fn unknown_column(
    code: &'static str,
    message: String,
    column: &str,
    model: &Model,
    pointer: String,
) -> Diagnostic {
    let names: Vec<&str> = model.columns.iter().map(|c| c.name.as_str()).collect();
    let help = match did_you_mean(column, &names) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("columns of `{}`: {}", model.key, short_list(&names)),
    };
    Diagnostic::error(code, message).at(pointer).with_help(help)
}

fn unknown_capability(
    code: &'static str,
    message: String,
    permission: &str,
    catalogue: &BTreeSet<String>,
    pointer: String,
) -> Diagnostic {
    let help = match did_you_mean(permission, catalogue) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "declare it in `rbac.permissions`, or use a generated capability such as `<table>.index`, `<table>.<action_key>` or `<addon>.tools.<tool_key>`".to_string(),
    };
    Diagnostic::warning(code, message)
        .at(pointer)
        .with_help(help)
}

fn short_list(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(12).map(|n| format!("`{n}`")).collect();
    let more = if names.len() > 12 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

fn known_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("; known models: {}", short_list(&names))
    }
}

/// Escapes a JSON pointer reference token (RFC 6901).
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

// ---------------------------------------------------------------------------------------------
// RBAC
// ---------------------------------------------------------------------------------------------

fn check_rbac(addon: &Addon, catalogue: &BTreeSet<String>, out: &mut Vec<Diagnostic>) {
    let mut roles: BTreeMap<&str, &str> = BTreeMap::new();
    for role in &addon.rbac.roles {
        let pointer = format!("{}/key", role.src);
        if RESERVED_ROLES.contains(&role.key.as_str()) {
            out.push(
                Diagnostic::error(
                    "MC0704",
                    format!("role key `{}` is reserved for the host's super-role", role.key),
                )
                .at(&pointer)
                .with_help(format!(
                    "`owner` and `admin` already hold every permission; name this role differently (e.g. `{}_{}`)",
                    addon.key, role.key
                )),
            );
        }
        if let Some(first) = roles.insert(&role.key, &role.src) {
            out.push(
                Diagnostic::error("MC0704", format!("role `{}` is declared twice", role.key))
                    .at(&pointer)
                    .with_help(format!("merge it with the first declaration at {first}")),
            );
        }
        for granted in &role.permissions {
            if catalogue.contains(&granted.name) {
                continue;
            }
            out.push(unknown_capability(
                "MC0703",
                format!(
                    "role `{}` grants `{}`, which is neither a declared permission nor a generated capability",
                    role.key, granted.name
                ),
                &granted.name,
                catalogue,
                granted.src.clone(),
            ));
        }
    }
    let mut permissions: BTreeMap<&str, &str> = BTreeMap::new();
    for permission in &addon.rbac.permissions {
        if let Some(first) = permissions.insert(&permission.key, &permission.src) {
            out.push(
                Diagnostic::error(
                    "MC0704",
                    format!("permission `{}` is declared twice", permission.key),
                )
                .at(format!("{}/key", permission.src))
                .with_help(format!("remove one; the first is at {first}")),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

/// True when `name` matches the WASM export-symbol pattern `^[A-Za-z_][A-Za-z0-9_]{0,127}$`.
fn is_wasm_symbol(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn invalid_symbol(name: &str, pointer: String) -> Diagnostic {
    Diagnostic::error(
        "MC0418",
        format!("`{name}` is not a valid WASM export name"),
    )
    .at(pointer)
    .with_help(format!(
        "export names match `^[A-Za-z_][A-Za-z0-9_]{{0,127}}$`{}",
        match crate::suggest::snake_case(name) {
            s if is_wasm_symbol(&s) && s != name => format!(" (e.g. `{s}`)"),
            _ => String::new(),
        }
    ))
}

fn check_lifecycle(addon: &Addon, out: &mut Vec<Diagnostic>) {
    for (hook, reference) in addon.lifecycle.hooks() {
        check_handler_ref(hook, reference, out);
    }

    let mut parsed: Vec<(usize, Range)> = Vec::new();
    for (index, step) in addon.lifecycle.upgrade.iter().enumerate() {
        let from_pointer = format!("{}/from", step.src);
        match Range::parse(&step.from_text) {
            Err(e) => out.push(
                Diagnostic::error(
                    "MC0706",
                    format!(
                        "upgrade step `from: \"{}\"` is not a version range: {e}",
                        step.from_text
                    ),
                )
                .at(&from_pointer)
                .with_help("write a range such as `>=1.0.0 <1.3.0` or `1.2.x`"),
            ),
            Ok(range) => {
                if let Some((first, earlier)) = parsed.iter().find(|(_, r)| r.overlaps(&range)) {
                    out.push(
                        Diagnostic::warning(
                            "MC0706",
                            format!(
                                "upgrade step `from: \"{}\"` overlaps step {first} (`{}`)",
                                step.from_text,
                                earlier.as_str()
                            ),
                        )
                        .at(&from_pointer)
                        .with_help(
                            "the first matching step wins at run time, so versions in the overlap never reach this step; make the ranges disjoint",
                        ),
                    );
                }
                parsed.push((index, range));
            }
        }

        let function_pointer = format!("{}/function", step.src);
        let function = step.function.as_str();
        if function.trim().is_empty() {
            out.push(
                Diagnostic::error(
                    "MC0705",
                    format!("upgrade step {index} has an empty `function`"),
                )
                .at(&function_pointer)
                .with_help(match step.step_type.as_str() {
                    "sql" => "name a bundle-relative `.sql` file, e.g. `migrations/1_3_to_2_0.sql`",
                    "webhook" => "give the URL to call",
                    _ => "name the WASM export to run",
                }),
            );
            continue;
        }
        match step.step_type.as_str() {
            "wasm" if !is_wasm_symbol(function) => {
                out.push(invalid_symbol(function, function_pointer));
            }
            "sql" if !function.ends_with(".sql") => out.push(
                Diagnostic::error(
                    "MC0705",
                    format!("sql upgrade step names `{function}`, which is not a `.sql` file"),
                )
                .at(&function_pointer)
                .with_help(
                    "a `type: sql` step names a bundle-relative migration file ending in `.sql`",
                ),
            ),
            _ => {}
        }
    }
}

/// Checks a lifecycle handler reference string against the §2.10 table.
fn check_handler_ref(hook: &str, reference: &HandlerRef, out: &mut Vec<Diagnostic>) {
    const FORMS: &str = "name a WASM export (`on_install` or `wasm:on_install`), a webhook \
        (`webhook:/hooks/install` or a URL) or `compiled:<fn>`";
    let raw = reference.raw.as_str();
    let pointer = reference.src.clone();
    if raw.trim().is_empty() {
        out.push(
            Diagnostic::error("MC0705", format!("lifecycle `{hook}` handler is empty"))
                .at(pointer)
                .with_help(format!("{FORMS}; or remove the hook")),
        );
        return;
    }
    if raw.starts_with("http://") || raw.starts_with("https://") || raw.starts_with('/') {
        return;
    }
    // Like `HandlerRef::parse`: a `prefix:` form other than the three known ones resolves to
    // no handler; anything without a colon is a WASM export name.
    let Some((prefix, rest)) = raw.split_once(':') else {
        if !is_wasm_symbol(raw) {
            out.push(invalid_symbol(raw, pointer));
        }
        return;
    };
    match prefix {
        "wasm" | "webhook" | "compiled" if rest.trim().is_empty() => {
            let message =
                format!("lifecycle `{hook}` handler `{raw}` names nothing after `{prefix}:`");
            let help = match prefix {
                "wasm" => "write `wasm:<export>`",
                "webhook" => "write `webhook:<url-or-path>`",
                _ => "write `compiled:<function>`",
            };
            out.push(
                Diagnostic::error("MC0705", message)
                    .at(pointer)
                    .with_help(help),
            );
        }
        "wasm" => {
            if !is_wasm_symbol(rest) {
                out.push(invalid_symbol(rest, pointer));
            }
        }
        "webhook" | "compiled" => {}
        _ => {
            let message =
                format!("lifecycle `{hook}` handler `{raw}` has an unknown prefix `{prefix}:`");
            let help = match did_you_mean(prefix, &["wasm", "webhook", "compiled"]) {
                Some(s) => format!("did you mean `{s}:{rest}`?"),
                None => {
                    format!("the known prefixes are `wasm:`, `webhook:` and `compiled:`; {FORMS}")
                }
            };
            out.push(
                Diagnostic::error("MC0705", message)
                    .at(pointer)
                    .with_help(help),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Extension points and slots
// ---------------------------------------------------------------------------------------------

fn check_extension_points(addon: &Addon, out: &mut Vec<Diagnostic>) {
    check_published(addon, &addon.published_events, "event", out);
    check_published(addon, &addon.slot_kinds, "slot kind", out);

    let published: BTreeSet<&str> = addon.slot_kinds.iter().map(|s| s.name.as_str()).collect();
    for slot in &addon.slots {
        if published.contains(slot.slot_kind.as_str()) {
            continue;
        }
        let owner = slot.slot_kind.split_once('.').map(|(a, _)| a);
        let (message, help) = if owner == Some(addon.key.as_str()) {
            (
                format!(
                    "slot kind `{}` is not published by this addon",
                    slot.slot_kind
                ),
                match did_you_mean(&slot.slot_kind, &published) {
                    Some(s) => format!(
                        "did you mean `{s}`? otherwise publish it in `extension_points.slot_kinds`"
                    ),
                    None => {
                        "publish it in `extension_points.slot_kinds`, or check the name".to_string()
                    }
                },
            )
        } else {
            (
                format!(
                    "slot kind `{}` is not published by this addon; another addon in the build must publish it",
                    slot.slot_kind
                ),
                match owner {
                    Some(owner) => format!(
                        "the contribution renders only when `{owner}` is installed and publishes this slot kind"
                    ),
                    None => "slot kinds are named `<addon>.<slot>`".to_string(),
                },
            )
        };
        out.push(
            Diagnostic::note("MC0708", message)
                .at(format!("{}/slot_kind", slot.src))
                .with_help(help),
        );
    }

    for accepted in &addon.extensions_accepted {
        let own = match accepted.name.split_once('.') {
            Some((owner, _)) if owner != addon.key => false,
            _ => addon.find_model(&accepted.name).is_some(),
        };
        if own {
            continue;
        }
        let keys: Vec<&str> = addon.models.iter().map(|m| m.key.as_str()).collect();
        let help = match did_you_mean(&accepted.name, &keys) {
            Some(s) => format!("did you mean `{s}`?"),
            None if keys.is_empty() => "this addon declares no models".to_string(),
            None => format!("own models: {}", short_list(&keys)),
        };
        out.push(
            Diagnostic::warning(
                "MC0712",
                format!(
                    "`model_extensions_accepted` names `{}`, which is not a model of this addon",
                    accepted.name
                ),
            )
            .at(&accepted.src)
            .with_help(help),
        );
    }
}

fn check_published(addon: &Addon, items: &[Published], what: &str, out: &mut Vec<Diagnostic>) {
    let prefix = format!("{}.", addon.key);
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for item in items {
        // v2 publishes bare strings; v3 objects with a `name`.
        let pointer = match addon.dialect {
            Dialect::V2 => item.src.clone(),
            Dialect::V3 => format!("{}/name", item.src),
        };
        if let Some(first) = seen.insert(&item.name, &item.src) {
            out.push(
                Diagnostic::warning(
                    "MC0707",
                    format!("published {what} `{}` is declared twice", item.name),
                )
                .at(&pointer)
                .with_help(format!("remove one; the first is at {first}")),
            );
            continue;
        }
        if !item.name.starts_with(&prefix) {
            let suggestion = format!("{prefix}{}", item.name.replace(['.', '-'], "_"));
            out.push(
                Diagnostic::warning(
                    "MC0707",
                    format!(
                        "published {what} `{}` is not namespaced under the addon key `{}`",
                        item.name, addon.key
                    ),
                )
                .at(&pointer)
                .with_help(format!(
                    "name it `{prefix}<name>`, e.g. `{suggestion}`, so it cannot clash with another addon's"
                )),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// i18n
// ---------------------------------------------------------------------------------------------

fn check_i18n(addon: &Addon, context: &Context, out: &mut Vec<Diagnostic>) {
    if !context.has_bundle_dir {
        return;
    }
    let i18n = &addon.i18n;
    for (index, (locale, path)) in i18n.bundles.iter().enumerate() {
        if !context.manifest_dir.join(path).is_file() {
            out.push(
                Diagnostic::warning(
                    "MC0711",
                    format!("i18n bundle `{path}` for locale `{locale}` is missing"),
                )
                .at(format!("{}/bundles/{index}/path", i18n.src))
                .with_help(format!(
                    "add `{path}` beside the manifest: a JSON object of `{{\"<key>\": \"<text>\"}}`"
                )),
            );
        }
    }
    if let Some(default) = &i18n.default_locale {
        if !i18n.bundles.iter().any(|(locale, _)| locale == default) {
            out.push(
                Diagnostic::warning(
                    "MC0711",
                    format!("default locale `{default}` has no bundle"),
                )
                .at(format!("{}/default_locale", i18n.src))
                .with_help(format!(
                    "add `{{\"locale\": \"{default}\", \"path\": \"i18n/{default}.json\"}}` to `bundles`"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::{load_at, load_ok, load_text};
    use crate::diagnostics::Severity;
    use crate::frontend::Manifest;

    const MODELS: &str = r#"[
      {"key": "Ticket", "table": "tickets", "columns": [
        {"name": "id", "type": "uuid", "primary_key": true},
        {"name": "organization_id", "type": "uuid", "not_null": true},
        {"name": "title", "type": "text"},
        {"name": "status", "type": "text"}
      ]}
    ]"#;

    /// A v3 manifest of addon `tickets` with one model `Ticket` and `extra` spliced in at the
    /// top level (`extra` starts with a comma when not empty).
    fn manifest(extra: &str) -> String {
        format!(
            r#"{{
  "apiVersion": "asteby.com/v3",
  "kind": "Addon",
  "metadata": {{"key": "tickets", "name": "Tickets", "version": "1.0.0"}},
  "compatibility": {{"requires": [{{"key": "kernel", "version": ">=3.0.0 <4.0.0"}}]}},
  "tenancy": {{"isolation": "shared", "rls_column": "organization_id"}},
  "models": {MODELS}{extra}
}}"#
        )
    }

    fn run(extra: &str) -> Manifest {
        load_ok(&manifest(extra))
    }

    /// `(code, severity, pointer)` of every diagnostic with one of our codes.
    fn ours(m: &Manifest) -> Vec<(&'static str, Severity, String)> {
        const CODES: [&str; 14] = [
            "MC0418", "MC0701", "MC0702", "MC0703", "MC0704", "MC0705", "MC0706", "MC0707",
            "MC0708", "MC0709", "MC0710", "MC0711", "MC0712", "MC0713",
        ];
        let mut v: Vec<_> = m
            .report
            .diagnostics
            .iter()
            .filter(|d| CODES.contains(&d.code))
            .map(|d| (d.code, d.severity, d.pointer().unwrap_or("").to_string()))
            .collect();
        v.sort();
        v
    }

    fn nav(items: &str) -> String {
        format!(r#", "contributions": {{"navigation": [{{"title": "G", "items": {items}}}]}}"#)
    }

    const ITEM0: &str = "/contributions/navigation/0/items/0";

    #[test]
    fn valid_navigation_is_quiet() {
        let m = run(&nav(r#"[
              {"title": "a", "model": "Ticket", "permission": "tickets.index",
               "filter": {"status": "open"}, "view_type": "kanban", "group_by": "status",
               "requires": [{"model": "Ticket", "actions": ["index", "create"]}]},
              {"title": "b", "model": "tickets"},
              {"title": "c", "model": "crm.Contact", "filter": {"anything": "x"}},
              {"title": "d", "url": "/somewhere"},
              {"title": "e", "items": [{"title": "f", "model": "tickets.Ticket"}]}
            ]"#));
        assert_eq!(ours(&m), vec![]);
    }

    #[test]
    fn unknown_nav_model_is_an_error() {
        let m = run(&nav(r#"[{"title": "a", "model": "Tiket"}]"#));
        assert_eq!(
            ours(&m),
            vec![("MC0701", Severity::Error, format!("{ITEM0}/model"))]
        );
        let d = m
            .report
            .diagnostics
            .iter()
            .find(|d| d.code == "MC0701")
            .unwrap();
        assert_eq!(d.help.as_deref(), Some("did you mean `Ticket`?"));
        // Qualified with the addon's own key, the model must exist here.
        let m = run(&nav(r#"[{"title": "a", "model": "tickets.Nope"}]"#));
        assert_eq!(
            ours(&m),
            vec![("MC0701", Severity::Error, format!("{ITEM0}/model"))]
        );
    }

    #[test]
    fn nested_items_are_walked() {
        let m = run(&nav(
            r#"[{"title": "a", "items": [{"title": "b", "items": [{"title": "c", "model": "Nope"}]}]}]"#,
        ));
        assert_eq!(
            ours(&m),
            vec![(
                "MC0701",
                Severity::Error,
                format!("{ITEM0}/items/0/items/0/model")
            )]
        );
    }

    #[test]
    fn nav_permission_outside_the_catalogue_warns() {
        let m = run(&nav(
            r#"[{"title": "a", "model": "Ticket", "permission": "tickets.indx",
                 "requires": [{"model": "Ticket", "actions": ["index", "frobnicate"]},
                              {"model": "Nope", "actions": ["index"]},
                              {"model": "crm.Contact", "actions": ["whatever"]}]}]"#,
        ));
        assert_eq!(
            ours(&m),
            vec![
                ("MC0702", Severity::Warning, format!("{ITEM0}/permission")),
                (
                    "MC0702",
                    Severity::Warning,
                    format!("{ITEM0}/requires/0/actions/1")
                ),
                (
                    "MC0702",
                    Severity::Warning,
                    format!("{ITEM0}/requires/1/model")
                ),
            ]
        );
        let d = m
            .report
            .diagnostics
            .iter()
            .find(|d| {
                d.code == "MC0702" && d.pointer() == Some(format!("{ITEM0}/permission").as_str())
            })
            .unwrap();
        assert_eq!(d.help.as_deref(), Some("did you mean `tickets.index`?"));
    }

    #[test]
    fn declared_rbac_permissions_satisfy_nav_items() {
        let m = run(&format!(
            "{}{}",
            nav(r#"[{"title": "a", "model": "Ticket", "permission": "tickets.ticket.read"}]"#),
            r#", "rbac": {"permissions": [{"key": "tickets.ticket.read"}]}"#
        ));
        assert_eq!(ours(&m), vec![]);
    }

    #[test]
    fn kanban_needs_a_group_by_column() {
        let m = run(&nav(
            r#"[{"title": "a", "model": "Ticket", "view_type": "kanban"},
                {"title": "b", "model": "Ticket", "view_type": "kanban", "group_by": "stage"}]"#,
        ));
        assert_eq!(
            ours(&m),
            vec![
                ("MC0709", Severity::Error, format!("{ITEM0}/view_type")),
                (
                    "MC0709",
                    Severity::Error,
                    "/contributions/navigation/0/items/1/group_by".to_string()
                ),
            ]
        );
    }

    #[test]
    fn item_leading_nowhere_warns() {
        let m = run(&nav(r#"[{"title": "a", "icon": "X"}]"#));
        assert_eq!(
            ours(&m),
            vec![("MC0710", Severity::Warning, ITEM0.to_string())]
        );
    }

    #[test]
    fn filter_keys_must_be_columns() {
        let m = run(&nav(
            r#"[{"title": "a", "model": "Ticket", "filter": {"status": "open", "statuz": "x"}}]"#,
        ));
        assert_eq!(
            ours(&m),
            vec![("MC0713", Severity::Error, format!("{ITEM0}/filter/statuz"))]
        );
        let d = m
            .report
            .diagnostics
            .iter()
            .find(|d| d.code == "MC0713")
            .unwrap();
        assert_eq!(d.help.as_deref(), Some("did you mean `status`?"));
    }

    #[test]
    fn catalogue_holds_generated_and_declared_capabilities() {
        let m = run(r#", "contributions": {
                "actions": [{"key": "resolve", "target_model": "Ticket",
                             "handler": {"type": "wasm", "function": "resolve"}}],
                "tools": [{"key": "find_ticket", "description": "d"}]
              },
              "rbac": {"permissions": [{"key": "tickets.ticket.read"}]}"#);
        let catalogue = capability_catalogue(m.addon.as_ref().unwrap());
        let expected: BTreeSet<String> = [
            "*",
            "tickets.index",
            "tickets.create",
            "tickets.update",
            "tickets.delete",
            "tickets.export",
            "tickets.import",
            "tickets.resolve",
            "tickets.tools.find_ticket",
            "tickets.ticket.read",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(catalogue, expected);
    }

    #[test]
    fn roles_grant_known_permissions() {
        let m = run(r#", "rbac": {
                "roles": [{"key": "agent", "label": "Agent",
                           "permissions": ["*", "tickets.index", "tickets.ticket.read", "tickets.ticket.raed"]}],
                "permissions": [{"key": "tickets.ticket.read"}]
              }"#);
        assert_eq!(
            ours(&m),
            vec![(
                "MC0703",
                Severity::Warning,
                "/rbac/roles/0/permissions/3".to_string()
            )]
        );
        let d = m
            .report
            .diagnostics
            .iter()
            .find(|d| d.code == "MC0703")
            .unwrap();
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `tickets.ticket.read`?")
        );
    }

    #[test]
    fn duplicate_and_reserved_rbac_keys_are_errors() {
        let m = run(r#", "rbac": {
                "roles": [{"key": "agent", "label": "A"}, {"key": "agent", "label": "B"},
                          {"key": "admin", "label": "C"}],
                "permissions": [{"key": "tickets.x.read"}, {"key": "tickets.x.read"}]
              }"#);
        assert_eq!(
            ours(&m),
            vec![
                (
                    "MC0704",
                    Severity::Error,
                    "/rbac/permissions/1/key".to_string()
                ),
                ("MC0704", Severity::Error, "/rbac/roles/1/key".to_string()),
                ("MC0704", Severity::Error, "/rbac/roles/2/key".to_string()),
            ]
        );
    }

    #[test]
    fn lifecycle_handler_references() {
        let m = run(r#", "lifecycle": {
                "install": "wasm:on_install",
                "uninstall": "lambda:cleanup",
                "enable": "",
                "disable": "on-disable"
              }"#);
        assert_eq!(
            ours(&m),
            vec![
                ("MC0418", Severity::Error, "/lifecycle/disable".to_string()),
                ("MC0705", Severity::Error, "/lifecycle/enable".to_string()),
                (
                    "MC0705",
                    Severity::Error,
                    "/lifecycle/uninstall".to_string()
                ),
            ]
        );
        let m = run(r#", "lifecycle": {
                "install": "https://hooks.example.com/install",
                "uninstall": "/hooks/uninstall",
                "enable": "compiled:enable_tickets",
                "disable": "wasm:bad name"
              }"#);
        assert_eq!(
            ours(&m),
            vec![("MC0418", Severity::Error, "/lifecycle/disable".to_string())]
        );
    }

    #[test]
    fn upgrade_steps() {
        let m = run(r#", "lifecycle": {"upgrade": [
                {"from": ">=1.0.0 <1.3.0", "type": "wasm", "function": "migrate_1_3"},
                {"from": "1.2.x", "type": "sql", "function": "migrations/1_2.sql"},
                {"from": "soon", "type": "wasm", "function": "migrate"},
                {"from": "2.x", "type": "sql", "function": "migrations/2.txt"},
                {"from": "3.x", "type": "wasm", "function": "Migrate-3"}
              ]}"#);
        assert_eq!(
            ours(&m),
            vec![
                (
                    "MC0418",
                    Severity::Error,
                    "/lifecycle/upgrade/4/function".to_string()
                ),
                (
                    "MC0705",
                    Severity::Error,
                    "/lifecycle/upgrade/3/function".to_string()
                ),
                (
                    "MC0706",
                    Severity::Error,
                    "/lifecycle/upgrade/2/from".to_string()
                ),
                (
                    "MC0706",
                    Severity::Warning,
                    "/lifecycle/upgrade/1/from".to_string()
                ),
            ]
        );
    }

    #[test]
    fn published_names_are_namespaced_and_unique() {
        let m = run(r#", "extension_points": {
                "events": [{"name": "tickets.ticket_created"}, {"name": "ticket.created"},
                           {"name": "tickets.ticket_created"}],
                "slot_kinds": [{"name": "ticket.sidebar"}]
              }"#);
        assert_eq!(
            ours(&m),
            vec![
                (
                    "MC0707",
                    Severity::Warning,
                    "/extension_points/events/1/name".to_string()
                ),
                (
                    "MC0707",
                    Severity::Warning,
                    "/extension_points/events/2/name".to_string()
                ),
                (
                    "MC0707",
                    Severity::Warning,
                    "/extension_points/slot_kinds/0/name".to_string()
                ),
            ]
        );
        let d = m
            .report
            .diagnostics
            .iter()
            .find(|d| d.code == "MC0707" && d.pointer() == Some("/extension_points/events/1/name"))
            .unwrap();
        assert!(d
            .help
            .as_deref()
            .unwrap()
            .contains("`tickets.ticket_created`"));
    }

    #[test]
    fn v2_published_events_point_at_the_string() {
        let text = r#"{"key": "shop", "name": "Shop", "version": "1.0.0",
                       "events": ["shop.order_paid", "orders.paid"]}"#;
        let m = load_text(text);
        assert!(m.addon.is_some(), "{:#?}", m.report.diagnostics);
        assert_eq!(
            ours(&m),
            vec![("MC0707", Severity::Warning, "/events/1".to_string())]
        );
    }

    #[test]
    fn slot_contributions_to_unpublished_kinds_are_notes() {
        let m = run(r#", "contributions": {"slots": [
                {"slot_kind": "tickets.detail_panel", "entry": "./Panel"},
                {"slot_kind": "crm.contact_panel", "entry": "./Contact"},
                {"slot_kind": "tickets.side", "entry": "./Side"}
              ]},
              "extension_points": {"slot_kinds": [{"name": "tickets.detail_panel"}]}"#);
        assert_eq!(
            ours(&m),
            vec![
                (
                    "MC0708",
                    Severity::Note,
                    "/contributions/slots/1/slot_kind".to_string()
                ),
                (
                    "MC0708",
                    Severity::Note,
                    "/contributions/slots/2/slot_kind".to_string()
                ),
            ]
        );
    }

    #[test]
    fn extensions_accepted_must_be_own_models() {
        let m = run(
            r#", "extension_points": {"model_extensions_accepted": ["Ticket", "Tickt", "crm.Contact"]}"#,
        );
        assert_eq!(
            ours(&m),
            vec![
                (
                    "MC0712",
                    Severity::Warning,
                    "/extension_points/model_extensions_accepted/1".to_string()
                ),
                (
                    "MC0712",
                    Severity::Warning,
                    "/extension_points/model_extensions_accepted/2".to_string()
                ),
            ]
        );
    }

    #[test]
    fn i18n_bundles_are_checked_beside_the_manifest() {
        let text = manifest(
            r#", "i18n": {"default_locale": "es-MX", "bundles": [
                {"locale": "en", "path": "i18n/en.json"},
                {"locale": "fr", "path": "i18n/fr.json"}
              ]}"#,
        );
        let dir = std::env::temp_dir().join(format!(
            "metacore-nav-i18n-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(dir.join("i18n")).unwrap();
        std::fs::write(dir.join("manifest.json"), &text).unwrap();
        std::fs::write(dir.join("i18n/en.json"), "{}").unwrap();
        let m = load_at(&dir.join("manifest.json"), &text);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            ours(&m),
            vec![
                (
                    "MC0711",
                    Severity::Warning,
                    "/i18n/bundles/1/path".to_string()
                ),
                (
                    "MC0711",
                    Severity::Warning,
                    "/i18n/default_locale".to_string()
                ),
            ]
        );
        // A lone manifest (no bundle directory) is not checked.
        let m = load_text(&text);
        assert_eq!(ours(&m), vec![]);
    }
}
