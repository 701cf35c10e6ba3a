//! Actions and tools (§2.8, §7.1–§7.5): unique and safe keys, modal slugs, handler
//! completeness, tool/action twins, webhook URL shape and targets, action forms.
//!
//! v2-only syntax (triggers, hooks, empty tool endpoints, relative tool endpoints, field names,
//! the model keys of the `actions` map) is judged while lowering (`v2::lower`), and lifecycle
//! handler references by `navigation`; this module skips what those already report. The URLs
//! of lifecycle webhooks are judged here with every other outbound URL.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde_json::Value as Json;

use super::capabilities::{classify_url, internal_host, outbound_urls, Owner, UrlForm};
use super::Context;
use crate::diagnostics::Diagnostic;
use crate::ir::{Action, ActionField, Addon, Dialect, Handler, HandlerKind, Tool};
use crate::suggest::{did_you_mean, is_snake_case, snake_case};

/// Action keys that would alias a CRUD capability or route (§2.8).
const CRUD_VERBS: [&str; 8] = [
    "index", "create", "update", "delete", "export", "import", "view", "edit",
];

/// Action field types known upstream (§2.8); others pass through with a note.
const KNOWN_FIELD_TYPES: [&str; 17] = [
    "text",
    "textarea",
    "number",
    "integer",
    "boolean",
    "date",
    "datetime",
    "email",
    "url",
    "select",
    "dynamic_select",
    "search",
    "user",
    "array",
    "upload",
    "image",
    "json",
];

/// Runs the actions and tools checks.
pub fn check(addon: &Addon, context: &Context, out: &mut Vec<Diagnostic>) {
    check_keys(addon, out);
    let frontend = if addon.actions.iter().any(|a| a.modal.is_some()) {
        FrontendSources::load(context)
    } else {
        None
    };
    for action in &addon.actions {
        check_modal(addon, action, frontend.as_ref(), out);
        check_handler(
            addon,
            &action.handler,
            &format!("action `{}`", action.key),
            Some(action),
            out,
        );
        check_target_model(addon, action, out);
        check_form(addon, action, out);
    }
    for tool in &addon.tools {
        check_tool(addon, tool, out);
    }
    for sub in &addon.subscriptions {
        check_handler(
            addon,
            &sub.handler,
            &format!("the subscription to `{}`", sub.event),
            None,
            out,
        );
    }
    check_twins(addon, out);
    check_webhook_urls(addon, out);
}

fn tool_key_pointer(addon: &Addon, tool: &Tool) -> String {
    match addon.dialect {
        Dialect::V3 => format!("{}/key", tool.src),
        Dialect::V2 => format!("{}/id", tool.src),
    }
}

fn field_key_pointer(addon: &Addon, field: &ActionField) -> String {
    match addon.dialect {
        Dialect::V3 => format!("{}/key", field.src),
        Dialect::V2 => format!("{}/name", field.src),
    }
}

// ----- keys (MC0401, MC0402, MC0419, MC0422) ------------------------------------------------

fn check_keys(addon: &Addon, out: &mut Vec<Diagnostic>) {
    let mut actions: BTreeMap<&str, &Action> = BTreeMap::new();
    for action in &addon.actions {
        let pointer = format!("{}/key", action.src);
        let duplicate = actions.contains_key(action.key.as_str());
        if let Some(first) = actions.get(action.key.as_str()) {
            out.push(
                Diagnostic::error("MC0401", format!("duplicate action key `{}`", action.key))
                    .at(&pointer)
                    .with_label("second declaration")
                    .with_related(format!("{}/key", first.src), "first declared")
                    .with_help("action keys name routes, modal slugs and capabilities across the whole addon; rename one of them"),
            );
        } else {
            actions.insert(&action.key, action);
        }
        let safe = action.key.len() <= 64
            && action
                .key
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && action
                .key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if CRUD_VERBS.contains(&action.key.as_str()) {
            out.push(
                Diagnostic::error(
                    "MC0419",
                    format!("action key `{}` is a CRUD verb", action.key),
                )
                .at(&pointer)
                .with_help(format!(
                    "its capability `<table>.{}` would alias the CRUD one; choose a specific name such as `{}_record`",
                    action.key, action.key
                )),
            );
        } else if !safe {
            out.push(
                Diagnostic::error(
                    "MC0419",
                    format!("action key `{}` is not a safe path segment", action.key),
                )
                .at(&pointer)
                .with_help("action keys appear in URLs: 1–64 characters of letters, digits, `_`, `.` and `-`, not starting with `.` or `-`"),
            );
        } else if !duplicate && !is_snake_case(&action.key) {
            out.push(
                Diagnostic::note(
                    "MC0422",
                    format!("action key `{}` is not snake_case", action.key),
                )
                .at(&pointer)
                .with_help(format!("prefer `{}`", snake_case(&action.key))),
            );
        }
    }
    let mut tools: BTreeMap<&str, &Tool> = BTreeMap::new();
    for tool in &addon.tools {
        let pointer = tool_key_pointer(addon, tool);
        if let Some(first) = tools.get(tool.key.as_str()) {
            let separator = if tool.key.contains('-') { "-" } else { "_" };
            out.push(
                Diagnostic::error("MC0402", format!("duplicate tool key `{}`", tool.key))
                    .at(&pointer)
                    .with_label("second declaration")
                    .with_related(tool_key_pointer(addon, first), "first declared")
                    .with_help(format!(
                        "tools are addressed by key; rename the second tool (e.g. `{}{separator}filtered`) or merge them",
                        tool.key
                    )),
            );
        } else {
            tools.insert(&tool.key, tool);
        }
        if !is_snake_case(&tool.key)
            && tools
                .get(tool.key.as_str())
                .is_some_and(|t| std::ptr::eq(*t, tool))
        {
            out.push(
                Diagnostic::note(
                    "MC0422",
                    format!("tool key `{}` is not snake_case", tool.key),
                )
                .at(&pointer)
                .with_help(format!("prefer `{}`", snake_case(&tool.key))),
            );
        }
    }
}

// ----- modal slugs (MC0403) -------------------------------------------------------------------

/// The `.ts`/`.tsx` sources under `frontend/src` beside the manifest.
struct FrontendSources {
    texts: Vec<String>,
}

impl FrontendSources {
    const MAX_FILES: usize = 5_000;
    const MAX_BYTES: u64 = 2 * 1024 * 1024;

    fn load(context: &Context) -> Option<Self> {
        if !context.has_bundle_dir {
            return None;
        }
        let root = context.manifest_dir.join("frontend").join("src");
        if !root.is_dir() {
            return None;
        }
        let mut texts = Vec::new();
        let mut stack = vec![root];
        let mut seen = 0usize;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut entries: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            entries.sort();
            for path in entries {
                seen += 1;
                if seen > Self::MAX_FILES {
                    return Some(FrontendSources { texts });
                }
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if path.is_dir() {
                    if name != "node_modules" && !name.starts_with('.') {
                        stack.push(path);
                    }
                } else if Self::is_source(&path) {
                    let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= Self::MAX_BYTES);
                    if small {
                        if let Ok(text) = std::fs::read_to_string(&path) {
                            texts.push(text);
                        }
                    }
                }
            }
        }
        Some(FrontendSources { texts })
    }

    fn is_source(path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e == "ts" || e == "tsx")
    }

    /// True when some source registers `slug` with `registerModal`, or the action with the
    /// legacy `registerActionComponent("<model>", "<action>")`.
    fn registers(&self, slug: &str, models: &[&str], action: &str) -> bool {
        let q = r#"["'`]"#;
        let Ok(modal_call) = Regex::new(r"registerModal\s*\(") else {
            return true;
        };
        let Ok(slug_re) = Regex::new(&format!(
            r"(?:slug\s*:\s*|^\s*){q}{}{q}",
            regex::escape(slug)
        )) else {
            return true;
        };
        let legacy = models.iter().filter_map(|m| {
            Regex::new(&format!(
                r"registerActionComponent\s*\(\s*{q}{}{q}\s*,\s*{q}{}{q}",
                regex::escape(m),
                regex::escape(action)
            ))
            .ok()
        });
        let legacy: Vec<Regex> = legacy.collect();
        self.texts.iter().any(|text| {
            let calls: Vec<usize> = modal_call.find_iter(text).map(|m| m.end()).collect();
            let by_modal = calls.iter().enumerate().any(|(i, start)| {
                let end = calls
                    .get(i + 1)
                    .copied()
                    .unwrap_or(text.len())
                    .min(start + 4_000);
                let mut end = end.min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let window = &text[*start..end];
                slug_re.is_match(window)
            });
            by_modal || legacy.iter().any(|re| re.is_match(text))
        })
    }
}

fn check_modal(
    addon: &Addon,
    action: &Action,
    frontend: Option<&FrontendSources>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(modal) = &action.modal else {
        return;
    };
    let expected = format!("{}.{}", addon.key, action.key);
    let pointer = format!("{}/modal", action.src);
    if *modal != expected {
        out.push(
            Diagnostic::error(
                "MC0403",
                format!(
                    "modal `{modal}` of action `{}` must be `{expected}`",
                    action.key
                ),
            )
            .at(&pointer)
            .with_help(format!(
                "the federated modal for this action must be registered as `{expected}`"
            )),
        );
        return;
    }
    let Some(frontend) = frontend else {
        return;
    };
    let mut models: Vec<&str> = Vec::new();
    if let Some(target) = &action.target_model {
        models.push(target);
        if let Some(model) = addon.find_model(target) {
            models.push(&model.table);
            models.push(&model.key);
        }
    }
    if !frontend.registers(modal, &models, &action.key) {
        out.push(
            Diagnostic::warning(
                "MC0403",
                format!("modal `{modal}` is not registered by any frontend source"),
            )
            .at(&pointer)
            .with_help(format!(
                "call `registerModal({{ slug: \"{modal}\", … }})` in a `.ts`/`.tsx` file under `frontend/src`; until then the host has no modal to open"
            )),
        );
    }
}

// ----- handlers (MC0404, MC0405, MC0409, MC0418) ---------------------------------------------

/// `^[A-Za-z_][A-Za-z0-9_]{0,127}$`
pub(crate) fn is_export_symbol(name: &str) -> bool {
    name.len() <= 128
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn export_symbol_error(function: &str, what: &str, pointer: &str) -> Diagnostic {
    let cleaned: String = snake_case(function)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let cleaned = cleaned.trim_matches('_');
    let mut d = Diagnostic::error(
        "MC0418",
        format!("`{function}` ({what}) is not a valid WASM export name"),
    )
    .at(pointer);
    d = if is_export_symbol(cleaned) {
        d.with_help(format!(
            "export names match `^[A-Za-z_][A-Za-z0-9_]{{0,127}}$`; did you mean `{cleaned}`?"
        ))
    } else {
        d.with_help("export names match `^[A-Za-z_][A-Za-z0-9_]{0,127}$`")
    };
    d
}

/// Completeness of one handler object. `action` is set for action handlers (confirm-only
/// actions may omit a webhook URL).
fn check_handler(
    addon: &Addon,
    handler: &Handler,
    what: &str,
    action: Option<&Action>,
    out: &mut Vec<Diagnostic>,
) {
    match &handler.kind {
        HandlerKind::Wasm { function } | HandlerKind::Compiled { function } => {
            let type_name = if matches!(handler.kind, HandlerKind::Wasm { .. }) {
                "wasm"
            } else {
                "compiled"
            };
            if function.trim().is_empty() {
                let example =
                    action.map_or_else(|| "handle_event".to_string(), |a| snake_case(&a.key));
                out.push(
                    Diagnostic::error(
                        "MC0404",
                        format!("the `{type_name}` handler of {what} names no `function`"),
                    )
                    .at(&handler.target_src)
                    .with_help(format!(
                        "name the function to run, e.g. `{{\"type\":\"{type_name}\",\"function\":\"{example}\"}}`"
                    )),
                );
            } else if type_name == "wasm" && !is_export_symbol(function) {
                out.push(export_symbol_error(
                    function,
                    &format!("the handler of {what}"),
                    &handler.target_src,
                ));
            }
        }
        HandlerKind::Webhook { url, .. } => {
            if url.trim().is_empty() {
                if action.is_some_and(Action::is_confirm_only) {
                    return;
                }
                if addon.dialect == Dialect::V2 {
                    return; // v2 lowering turns empty endpoints into no handler (MC0415/MC0406).
                }
                out.push(
                    Diagnostic::error(
                        "MC0405",
                        format!("the `webhook` handler of {what} has no `url`"),
                    )
                    .at(&handler.target_src)
                    .with_help("give an absolute `https://` URL or a path starting with `/`; only confirm-only actions may omit it"),
                );
            }
            // Non-empty URLs are judged with every outbound URL (check_webhook_urls).
        }
        HandlerKind::Connector { connector, export } => {
            let missing: Vec<&str> = [("connector", connector), ("export", export)]
                .into_iter()
                .filter(|(_, v)| v.trim().is_empty())
                .map(|(n, _)| n)
                .collect();
            if missing.is_empty() {
                out.push(
                    Diagnostic::warning(
                        "MC0409",
                        format!(
                            "the `connector` handler of {what} (`{connector}`/`{export}`) is not executable by this version"
                        ),
                    )
                    .at(&handler.src)
                    .with_help("dispatching it answers 501 `handler_missing`; use a `wasm` or `webhook` handler to make it run"),
                );
            } else {
                out.push(
                    Diagnostic::error(
                        "MC0409",
                        format!(
                            "the `connector` handler of {what} has no `{}`",
                            missing.join("` and no `")
                        ),
                    )
                    .at(&handler.src)
                    .with_help("a connector handler names both `connector` (the connector key) and `export` (its WASM export)"),
                );
            }
        }
        HandlerKind::Noop | HandlerKind::None => {}
    }
}

// ----- target model, forms (MC0410, MC0417, MC0420, MC0421) ----------------------------------

fn check_target_model(addon: &Addon, action: &Action, out: &mut Vec<Diagnostic>) {
    if addon.dialect == Dialect::V2 {
        return; // The `actions` map key is checked while lowering.
    }
    let Some(target) = &action.target_model else {
        out.push(
            Diagnostic::warning(
                "MC0410",
                format!(
                    "action `{}` has no `target_model`; it cannot be routed",
                    action.key
                ),
            )
            .at(format!("{}/key", action.src))
            .with_help(match addon.models.first() {
                Some(m) => format!(
                    "add `\"target_model\": \"{}\"` (a model key, table or `<addon>.<ModelKey>`)",
                    m.key
                ),
                None => {
                    "add `target_model` naming a model key, table or `<addon>.<ModelKey>`".into()
                }
            }),
        );
        return;
    };
    if addon.find_model(target).is_some() {
        return;
    }
    let pointer = format!("{}/target_model", action.src);
    if let Some((owner, _)) = target.split_once('.') {
        if owner != addon.key {
            out.push(
                Diagnostic::warning(
                    "MC0410",
                    format!(
                        "action `{}` targets `{target}`, a model of addon `{owner}`, which cannot be checked here",
                        action.key
                    ),
                )
                .at(&pointer)
                .with_help("actions are routed on this addon's models; make sure the other addon accepts it"),
            );
            return;
        }
    }
    let candidates: Vec<&str> = addon
        .models
        .iter()
        .flat_map(|m| [m.key.as_str(), m.table.as_str()])
        .collect();
    let local = target.rsplit('.').next().unwrap_or(target);
    let help = match did_you_mean(local, candidates.iter()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if addon.models.is_empty() => "this addon declares no models".to_string(),
        None => format!(
            "known models: {}",
            addon
                .models
                .iter()
                .map(|m| format!("`{}`", m.key))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    out.push(
        Diagnostic::error(
            "MC0410",
            format!("action `{}` targets unknown model `{target}`", action.key),
        )
        .at(&pointer)
        .with_help(help),
    );
}

fn check_form(addon: &Addon, action: &Action, out: &mut Vec<Diagnostic>) {
    if !action.fields.is_empty() && !action.steps.is_empty() {
        out.push(
            Diagnostic::error(
                "MC0417",
                format!("action `{}` declares both `fields` and `steps`", action.key),
            )
            .at(format!("{}/steps", action.src))
            .with_help("use `fields` for a single form or `steps` for a wizard, not both"),
        );
    }
    let top: Vec<&ActionField> = action.all_fields().collect();
    check_field_list(addon, &top, out);
    if let Some(key_field) = &action.idempotency_key {
        if !top.iter().any(|f| f.key == *key_field) {
            let keys: Vec<&str> = top.iter().map(|f| f.key.as_str()).collect();
            let help = match did_you_mean(key_field, keys.iter()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name one of the action's form fields".to_string(),
            };
            out.push(
                Diagnostic::warning(
                    "MC0420",
                    format!(
                        "idempotency `key_field` `{key_field}` is not a field of action `{}`",
                        action.key
                    ),
                )
                .at(format!("{}/idempotency/key_field", action.src))
                .with_help(help),
            );
        }
    }
    if !action.requires_state.is_empty() {
        check_requires_state(addon, action, out);
    }
}

/// One form namespace: empty/duplicate keys (v3; v2 reports MC0426), select options,
/// `item_fields` misuse, unknown types; recursing into each field's `item_fields`.
fn check_field_list(addon: &Addon, fields: &[&ActionField], out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &ActionField> = BTreeMap::new();
    for field in fields {
        let key_ptr = field_key_pointer(addon, field);
        if addon.dialect == Dialect::V3 {
            if field.key.trim().is_empty() {
                out.push(
                    Diagnostic::error("MC0420", "an action field has an empty `key`")
                        .at(&key_ptr)
                        .with_help("the key is the name the handler receives the value under"),
                );
            } else if let Some(first) = seen.get(field.key.as_str()) {
                out.push(
                    Diagnostic::error(
                        "MC0420",
                        format!("field `{}` is declared twice in one form", field.key),
                    )
                    .at(&key_ptr)
                    .with_label("second declaration")
                    .with_related(field_key_pointer(addon, first), "first declared")
                    .with_help(
                        "fields of one form (all steps included) share one namespace; rename one",
                    ),
                );
            } else {
                seen.insert(&field.key, field);
            }
            if !KNOWN_FIELD_TYPES.contains(&field.field_type.as_str()) {
                let help = match did_you_mean(&field.field_type, KNOWN_FIELD_TYPES.iter()) {
                    Some(s) => format!(
                        "did you mean `{s}`? Unknown types are passed to the client as written"
                    ),
                    None => "unknown types are passed to the client as written".to_string(),
                };
                out.push(
                    Diagnostic::note(
                        "MC0420",
                        format!(
                            "field type `{}` is not one the client knows",
                            field.field_type
                        ),
                    )
                    .at(format!("{}/type", field.src))
                    .with_help(help),
                );
            }
        }
        let no_options = match &field.options {
            None | Some(Json::Null) => true,
            Some(Json::Array(items)) => items.is_empty(),
            Some(_) => false,
        };
        if field.field_type == "select" && no_options && field.options_source.is_none() {
            out.push(
                Diagnostic::warning(
                    "MC0420",
                    format!(
                        "select field `{}` has no `options` or `options_source`",
                        field.key
                    ),
                )
                .at(format!("{}/type", field.src))
                .with_help("list the choices in `options`, or name a provider in `options_source`"),
            );
        }
        if !field.item_fields.is_empty() {
            if field.field_type != "array" {
                out.push(
                    Diagnostic::warning(
                        "MC0420",
                        format!(
                            "field `{}` has `item_fields` but its type is `{}`, not `array`",
                            field.key, field.field_type
                        ),
                    )
                    .at(format!("{}/item_fields", field.src))
                    .with_help("`item_fields` describe the rows of an `array` field; they are ignored here"),
                );
            }
            let items: Vec<&ActionField> = field.item_fields.iter().collect();
            check_field_list(addon, &items, out);
        }
    }
}

fn check_requires_state(addon: &Addon, action: &Action, out: &mut Vec<Diagnostic>) {
    let Some(model) = action
        .target_model
        .as_deref()
        .and_then(|t| addon.find_model(t))
    else {
        return;
    };
    let stage = model
        .advanced
        .get("stage_field")
        .and_then(Json::as_str)
        .filter(|c| model.column(c).is_some());
    if stage.is_some() || model.column("status").is_some() || model.column("state").is_some() {
        return;
    }
    let field = match addon.dialect {
        Dialect::V3 => "requires_state",
        Dialect::V2 => "requiresState",
    };
    out.push(
        Diagnostic::warning(
            "MC0421",
            format!(
                "action `{}` requires states, but model `{}` has no stage field, `status` or `state` column",
                action.key, model.key
            ),
        )
        .at(format!("{}/{field}", action.src))
        .with_help("add a `status` column (or declare `stage_field`); until then the state gate cannot be checked"),
    );
}

// ----- tools (MC0415, MC0425) -----------------------------------------------------------------

fn check_tool(addon: &Addon, tool: &Tool, out: &mut Vec<Diagnostic>) {
    if addon.dialect == Dialect::V3 && tool.handler.kind == HandlerKind::None {
        out.push(
            Diagnostic::warning(
                "MC0415",
                format!(
                    "tool `{}` has no handler; it is listed but not executable",
                    tool.key
                ),
            )
            .at(format!("{}/key", tool.src))
            .with_help(format!(
                "add a handler, e.g. `\"handler\": {{\"type\":\"wasm\",\"function\":\"{}\"}}`",
                snake_case(&tool.key)
            )),
        );
    }
    check_handler(
        addon,
        &tool.handler,
        &format!("tool `{}`", tool.key),
        None,
        out,
    );
    if let Some(schema) = &tool.input_schema {
        let is_object = schema
            .get("type")
            .and_then(Json::as_str)
            .is_some_and(|t| t == "object");
        if !is_object {
            let got = match schema.get("type") {
                Some(t) => format!("its `type` is {t}"),
                None => "it has no `\"type\": \"object\"`".to_string(),
            };
            out.push(
                Diagnostic::warning(
                    "MC0425",
                    format!("the `input_schema` of tool `{}` is not a JSON Schema object: {got}", tool.key),
                )
                .at(format!("{}/input_schema", tool.src))
                .with_help("write `{\"type\":\"object\",\"properties\":{…},\"required\":[…]}`: the model passes the arguments as one object"),
            );
        }
    }
}

// ----- twins (MC0407, MC0416) -----------------------------------------------------------------

/// The path of a webhook URL (after scheme and authority, query excluded).
fn webhook_path(url: &str) -> Option<String> {
    let path = match classify_url(url) {
        UrlForm::Absolute(parts) | UrlForm::Relative(parts) => parts.path,
        UrlForm::TemplatedBase { parts, .. } => parts.path,
        UrlForm::Invalid(_) => return None,
    };
    Some(if path.is_empty() {
        "/".into()
    } else {
        path.to_string()
    })
}

fn handler_json(kind: &HandlerKind) -> Option<String> {
    match kind {
        HandlerKind::Wasm { function } => Some(format!(
            "{{\"type\":\"wasm\",\"function\":\"{}\"}}",
            snake_case(function)
        )),
        HandlerKind::Compiled { function } => Some(format!(
            "{{\"type\":\"compiled\",\"function\":\"{function}\"}}"
        )),
        HandlerKind::Webhook { url, .. } => {
            Some(format!("{{\"type\":\"webhook\",\"url\":\"{url}\"}}"))
        }
        HandlerKind::Connector { connector, export } => Some(format!(
            "{{\"type\":\"connector\",\"connector\":\"{connector}\",\"export\":\"{export}\"}}"
        )),
        HandlerKind::Noop | HandlerKind::None => None,
    }
}

fn check_twins(addon: &Addon, out: &mut Vec<Diagnostic>) {
    let mut actions: BTreeMap<&str, &Action> = BTreeMap::new();
    for action in &addon.actions {
        actions.entry(&action.key).or_insert(action);
    }
    let mut tools_seen: BTreeMap<&str, ()> = BTreeMap::new();
    for tool in &addon.tools {
        if tools_seen.insert(&tool.key, ()).is_some() {
            continue; // Duplicates are MC0402.
        }
        let Some(action) = actions.get(tool.key.as_str()) else {
            continue;
        };
        let (tk, ak) = (&tool.handler.kind, &action.handler.kind);
        if matches!(tk, HandlerKind::None | HandlerKind::Noop)
            || matches!(ak, HandlerKind::None | HandlerKind::Noop)
        {
            continue;
        }
        match (tk, ak) {
            (HandlerKind::Webhook { url: tu, .. }, HandlerKind::Webhook { url: au, .. }) => {
                let (Some(tp), Some(ap)) = (webhook_path(tu), webhook_path(au)) else {
                    continue;
                };
                if tp != ap {
                    out.push(
                        Diagnostic::error(
                            "MC0407",
                            format!(
                                "tool `{}` posts to `{tp}` but its action twin posts to `{ap}`",
                                tool.key
                            ),
                        )
                        .at(&tool.handler.target_src)
                        .with_help(format!(
                            "a tool and an action sharing a key run the same operation; use the same path (`{ap}`) for both (action URL at {})",
                            action.handler.target_src
                        )),
                    );
                }
            }
            _ if tk.type_name() != ak.type_name() => {
                let help = match (ak, handler_json(ak)) {
                    (HandlerKind::Wasm { .. }, Some(json)) => {
                        format!("the backend is WASM; did you mean `{json}` for the tool?")
                    }
                    (_, Some(json)) => {
                        format!("did you mean `{json}` for the tool, as the action does?")
                    }
                    (_, None) => "use the same handler for both".to_string(),
                };
                out.push(
                    Diagnostic::warning(
                        "MC0416",
                        format!(
                            "tool `{}` uses a `{}` handler but its action twin uses `{}`",
                            tool.key,
                            tk.type_name(),
                            ak.type_name()
                        ),
                    )
                    .at(&tool.handler.target_src)
                    .with_help(help),
                );
            }
            _ => {}
        }
    }
}

// ----- webhook URLs (MC0405, MC0413, MC0414) --------------------------------------------------

fn check_webhook_urls(addon: &Addon, out: &mut Vec<Diagnostic>) {
    // Internal origins → (first pointer, count, reason), reported once per origin.
    let mut internal: Vec<(String, String, usize, &'static str)> = Vec::new();
    for outbound in outbound_urls(addon) {
        let url = outbound.url;
        let what = outbound.owner.describe();
        match classify_url(url) {
            UrlForm::Invalid(why) => out.push(
                Diagnostic::error(
                    "MC0405",
                    format!("the webhook URL `{url}` of {what} is not usable: {why}"),
                )
                .at(&outbound.pointer)
                .with_help(
                    "a webhook URL is an absolute `http`/`https` URL or a path starting with `/`",
                ),
            ),
            UrlForm::Relative(parts) => {
                let v2_tool =
                    addon.dialect == Dialect::V2 && matches!(outbound.owner, Owner::Tool(_));
                let has_base = addon
                    .backend
                    .base_url
                    .as_deref()
                    .is_some_and(|b| !b.trim().is_empty());
                if v2_tool || has_base {
                    continue; // v2 tools: reported while lowering; with a base: resolved.
                }
                let name = parts
                    .path
                    .rsplit('/')
                    .find(|s| !s.is_empty() && !s.contains("{{"))
                    .map(snake_case)
                    .filter(|s| is_export_symbol(s));
                let advice = match &name {
                    Some(name) => format!(
                        "; if your WASM backend exports `{name}`, use a `wasm` handler instead: `{{\"type\":\"wasm\",\"function\":\"{name}\"}}`"
                    ),
                    None => String::new(),
                };
                let (message, help) = match addon.dialect {
                    Dialect::V3 => (
                        format!("relative webhook URL `{url}` needs a base URL configured at install"),
                        format!("v3 has no place to declare a base URL, so the operator must set the installation's `webhook_base_url`{advice}"),
                    ),
                    Dialect::V2 => (
                        format!("relative webhook URL `{url}` has no base URL"),
                        format!("set `backend.url` to the server that serves it, or write an absolute URL{advice}"),
                    ),
                };
                out.push(
                    Diagnostic::warning("MC0413", message)
                        .at(&outbound.pointer)
                        .with_help(help),
                );
            }
            UrlForm::Absolute(parts) => {
                if parts.host.contains("{{") {
                    continue;
                }
                if let Some(why) = internal_host(parts.host) {
                    let origin = format!(
                        "{}://{}",
                        parts.scheme.unwrap_or("http"),
                        parts.authority.unwrap_or(parts.host)
                    );
                    match internal.iter_mut().find(|(o, ..)| *o == origin) {
                        Some((_, _, count, _)) => *count += 1,
                        None => internal.push((origin, outbound.pointer.clone(), 1, why)),
                    }
                }
            }
            UrlForm::TemplatedBase { .. } => {}
        }
    }
    for (origin, pointer, count, why) in internal {
        let label = if count > 1 {
            format!("{why}; {count} URLs use this host")
        } else {
            why.to_string()
        };
        out.push(
            Diagnostic::warning(
                "MC0414",
                format!(
                    "webhook target `{origin}` is internal; the egress guard refuses it unless the operator allow-lists it"
                ),
            )
            .at(pointer)
            .with_label(label)
            .with_help("use a public URL, or have the operator add the host to `METACORE_EGRESS_ALLOW`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::{
        count, findings, findings_at, has, load_text, with_code, Finding,
    };
    use crate::diagnostics::Severity;

    fn manifest(contributions: &str, extra: &str) -> String {
        format!(
            r#"{{
  "apiVersion": "asteby.com/v3",
  "kind": "Addon",
  "metadata": {{"key": "shop", "name": "Shop", "version": "1.0.0"}},
  "compatibility": {{"requires": [{{"key": "kernel", "version": ">=3.0.0 <4.0.0"}}]}},
  "capabilities": [{{"kind": "http:fetch", "target": "*.example.com"}}],
  "models": [
    {{"key": "Product", "table": "products", "columns": [
      {{"name": "id", "type": "uuid", "primary_key": true}},
      {{"name": "organization_id", "type": "uuid", "not_null": true}},
      {{"name": "title", "type": "text"}}]}},
    {{"key": "Order", "table": "orders", "columns": [
      {{"name": "id", "type": "uuid", "primary_key": true}},
      {{"name": "organization_id", "type": "uuid", "not_null": true}},
      {{"name": "status", "type": "text"}}]}}],
  "contributions": {contributions}{extra}
}}"#
        )
    }

    fn run(contributions: &str) -> Vec<Finding> {
        findings(&manifest(contributions, ""))
    }

    const OK_HANDLER: &str = r#"{"type": "webhook", "url": "https://api.example.com/hook"}"#;

    fn action(key: &str, more: &str) -> String {
        format!(r#"{{"key": "{key}", "target_model": "Product", "handler": {OK_HANDLER}{more}}}"#)
    }

    #[test]
    fn a_clean_manifest_has_no_action_diagnostics() {
        let d = run(&format!(
            r#"{{"actions": [{}], "tools": [{{"key": "find", "description": "d", "input_schema": {{"type": "object"}}, "handler": {OK_HANDLER}}}]}}"#,
            action(
                "publish",
                r#", "modal": "shop.publish", "fields": [{"key": "note", "type": "text"}]"#
            )
        ));
        assert!(
            d.iter()
                .all(|(c, ..)| !c.starts_with("MC04") && !c.starts_with("MC05") && c != "MC0601"),
            "{d:#?}"
        );
    }

    #[test]
    fn mc0401_duplicate_action_key() {
        let d = run(&format!(
            r#"{{"actions": [{}, {}]}}"#,
            action("publish", ""),
            action("publish", "")
        ));
        assert!(
            has(
                &d,
                "MC0401",
                Severity::Error,
                "/contributions/actions/1/key"
            ),
            "{d:#?}"
        );
        assert_eq!(count(&d, "MC0401"), 1);
    }

    #[test]
    fn mc0402_duplicate_tool_key() {
        let tool =
            format!(r#"{{"key": "list-contacts", "description": "d", "handler": {OK_HANDLER}}}"#);
        let text = manifest(&format!(r#"{{"tools": [{tool}, {tool}]}}"#), "");
        let m = load_text(&text);
        let d = with_code(&m, "MC0402");
        assert_eq!(d.len(), 1, "{:#?}", m.report.diagnostics);
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(d[0].pointer(), Some("/contributions/tools/1/key"));
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .contains("`list-contacts-filtered`"));
        assert_eq!(
            d[0].related.as_ref().map(|r| r.pointer.as_str()),
            Some("/contributions/tools/0/key")
        );
        let located = m.report.located(false);
        let rendered = m.report.render_human(false);
        assert!(located.iter().any(|l| l.code == "MC0402"));
        assert!(
            rendered.contains("second declaration (first declared at line "),
            "{rendered}"
        );
    }

    #[test]
    fn mc0403_modal_slug_and_frontend_registration() {
        let d = run(&format!(
            r#"{{"actions": [{}]}}"#,
            action("publish", r#", "modal": "other.publish""#)
        ));
        assert!(
            has(
                &d,
                "MC0403",
                Severity::Error,
                "/contributions/actions/0/modal"
            ),
            "{d:#?}"
        );

        let dir = std::env::temp_dir().join(format!("mc-actions-{}", std::process::id()));
        let src = dir.join("frontend/src/modals");
        std::fs::create_dir_all(&src).unwrap();
        let text = manifest(
            &format!(
                r#"{{"actions": [{}, {}, {}]}}"#,
                action("publish", r#", "modal": "shop.publish""#),
                action("archive", r#", "modal": "shop.archive""#),
                action("legacy", r#", "modal": "shop.legacy""#)
            ),
            "",
        );
        std::fs::write(dir.join("manifest.json"), &text).unwrap();
        std::fs::write(
            src.join("index.tsx"),
            "registerModal({ slug: 'shop.publish', component: () => import('./P') });\nregisterActionComponent(\"products\", \"legacy\", X);\n",
        )
        .unwrap();
        let d = findings_at(&dir.join("manifest.json"), &text);
        std::fs::remove_dir_all(&dir).ok();
        assert!(
            has(
                &d,
                "MC0403",
                Severity::Warning,
                "/contributions/actions/1/modal"
            ),
            "{d:#?}"
        );
        assert_eq!(count(&d, "MC0403"), 1, "{d:#?}");
    }

    #[test]
    fn mc0404_handler_without_function() {
        let d = run(
            r#"{"actions": [{"key": "publish", "target_model": "Product", "handler": {"type": "wasm"}}, {"key": "archive", "target_model": "Product", "handler": {"type": "compiled", "function": ""}}]}"#,
        );
        assert!(
            has(
                &d,
                "MC0404",
                Severity::Error,
                "/contributions/actions/0/handler"
            ),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0404",
            Severity::Error,
            "/contributions/actions/1/handler/function"
        ));
    }

    #[test]
    fn mc0405_webhook_without_usable_url() {
        let d = run(&format!(
            r#"{{"actions": [
            {{"key": "a1", "target_model": "Product", "handler": {{"type": "webhook"}}}},
            {{"key": "a2", "target_model": "Product", "confirm": true, "handler": {{"type": "webhook"}}}},
            {{"key": "a3", "target_model": "Product", "handler": {{"type": "webhook", "url": "ftp://files.example.com/x"}}}},
            {{"key": "a4", "target_model": "Product", "handler": {{"type": "webhook", "url": "hooks/x"}}}},
            {}]}}"#,
            action("a5", "")
        ));
        assert!(
            has(
                &d,
                "MC0405",
                Severity::Error,
                "/contributions/actions/0/handler"
            ),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0405",
            Severity::Error,
            "/contributions/actions/2/handler/url"
        ));
        assert!(has(
            &d,
            "MC0405",
            Severity::Error,
            "/contributions/actions/3/handler/url"
        ));
        assert_eq!(count(&d, "MC0405"), 3, "{d:#?}");
    }

    #[test]
    fn mc0407_twins_with_different_paths() {
        let d = run(&format!(
            r#"{{"actions": [{}], "tools": [{{"key": "publish", "description": "d", "handler": {{"type": "webhook", "url": "https://api.example.com/other?x=1"}}}}]}}"#,
            action("publish", "")
        ));
        assert!(
            has(
                &d,
                "MC0407",
                Severity::Error,
                "/contributions/tools/0/handler/url"
            ),
            "{d:#?}"
        );
        let same = run(&format!(
            r#"{{"actions": [{}], "tools": [{{"key": "publish", "description": "d", "handler": {{"type": "webhook", "url": "https://api.example.com/hook?x=1"}}}}]}}"#,
            action("publish", "")
        ));
        assert_eq!(count(&same, "MC0407"), 0, "{same:#?}");
    }

    #[test]
    fn mc0409_connector_handlers() {
        let d = run(r#"{"actions": [
            {"key": "a1", "target_model": "Product", "handler": {"type": "connector", "connector": "link"}},
            {"key": "a2", "target_model": "Product", "handler": {"type": "connector", "connector": "link", "export": "send"}}]}"#);
        assert!(
            has(
                &d,
                "MC0409",
                Severity::Error,
                "/contributions/actions/0/handler"
            ),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0409",
            Severity::Warning,
            "/contributions/actions/1/handler"
        ));
    }

    #[test]
    fn mc0410_target_model() {
        let d = run(&format!(
            r#"{{"actions": [{}, {{"key": "a2", "handler": {OK_HANDLER}}}, {{"key": "a3", "target_model": "shop.Order", "handler": {OK_HANDLER}}}, {{"key": "a4", "target_model": "orders", "handler": {OK_HANDLER}}}]}}"#,
            r#"{"key": "a1", "target_model": "Prodcut", "handler": {"type": "webhook", "url": "https://api.example.com/x"}}"#
        ));
        assert!(
            has(
                &d,
                "MC0410",
                Severity::Error,
                "/contributions/actions/0/target_model"
            ),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0410",
            Severity::Warning,
            "/contributions/actions/1/key"
        ));
        assert_eq!(count(&d, "MC0410"), 2);
    }

    #[test]
    fn mc0413_relative_url_in_v3() {
        let d = run(
            r#"{"tools": [{"key": "search_products", "description": "d", "handler": {"type": "webhook", "url": "/webhooks/search_products"}}]}"#,
        );
        assert!(
            has(
                &d,
                "MC0413",
                Severity::Warning,
                "/contributions/tools/0/handler/url"
            ),
            "{d:#?}"
        );
        assert_eq!(count(&d, "MC0503"), 0);
    }

    #[test]
    fn mc0414_internal_hosts_once_per_origin() {
        let d = run(&format!(
            r#"{{"actions": [{}, {}], "tools": [{{"key": "t", "description": "d", "handler": {{"type": "webhook", "url": "http://link-backend:8080/x"}}}}]}}"#,
            r#"{"key": "a1", "target_model": "Product", "handler": {"type": "webhook", "url": "http://localhost:7101/webhooks/a1"}}"#,
            r#"{"key": "a2", "target_model": "Product", "handler": {"type": "webhook", "url": "http://localhost:7101/webhooks/a2"}}"#
        ));
        assert!(
            has(
                &d,
                "MC0414",
                Severity::Warning,
                "/contributions/actions/0/handler/url"
            ),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0414",
            Severity::Warning,
            "/contributions/tools/0/handler/url"
        ));
        assert_eq!(count(&d, "MC0414"), 2);
        assert_eq!(count(&d, "MC0503"), 0, "{d:#?}");
    }

    #[test]
    fn mc0415_tool_without_handler() {
        let d = run(r#"{"tools": [{"key": "find", "description": "d"}]}"#);
        assert!(
            has(
                &d,
                "MC0415",
                Severity::Warning,
                "/contributions/tools/0/key"
            ),
            "{d:#?}"
        );
    }

    #[test]
    fn mc0416_twins_with_different_types() {
        let text = manifest(
            r#"{"actions": [{"key": "stamp_fiscal", "target_model": "Product", "handler": {"type": "wasm", "function": "StampFiscal"}}],
                "tools": [{"key": "stamp_fiscal", "description": "d", "handler": {"type": "webhook", "url": "/webhooks/stamp_fiscal"}}]}"#,
            "",
        );
        let m = load_text(&text);
        let d = with_code(&m, "MC0416");
        assert_eq!(d.len(), 1, "{:#?}", m.report.diagnostics);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].pointer(), Some("/contributions/tools/0/handler/url"));
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                r#"the backend is WASM; did you mean `{"type":"wasm","function":"stamp_fiscal"}` for the tool?"#
            )
        );
    }

    #[test]
    fn mc0417_fields_and_steps() {
        let d = run(&format!(
            r#"{{"actions": [{}]}}"#,
            action(
                "publish",
                r#", "fields": [{"key": "a", "type": "text"}], "steps": [{"title": "S", "fields": [{"key": "b", "type": "text"}]}]"#
            )
        ));
        assert!(
            has(
                &d,
                "MC0417",
                Severity::Error,
                "/contributions/actions/0/steps"
            ),
            "{d:#?}"
        );
    }

    #[test]
    fn mc0418_invalid_export_symbol() {
        let d = run(
            r#"{"actions": [{"key": "publish", "target_model": "Product", "handler": {"type": "wasm", "function": "do-publish"}}]}"#,
        );
        assert!(
            has(
                &d,
                "MC0418",
                Severity::Error,
                "/contributions/actions/0/handler/function"
            ),
            "{d:#?}"
        );
    }

    #[test]
    fn mc0419_crud_verbs_and_unsafe_keys() {
        let d = run(&format!(
            r#"{{"actions": [{}, {}, {}]}}"#,
            action("export", ""),
            action("../x", ""),
            action("mark.done-now", "")
        ));
        assert!(
            has(
                &d,
                "MC0419",
                Severity::Error,
                "/contributions/actions/0/key"
            ),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0419",
            Severity::Error,
            "/contributions/actions/1/key"
        ));
        assert_eq!(count(&d, "MC0419"), 2);
    }

    #[test]
    fn mc0420_action_fields() {
        let d = run(&format!(
            r#"{{"actions": [{}, {}]}}"#,
            action(
                "a1",
                r#", "idempotency": {"key_field": "ref"}, "steps": [
                {"title": "one", "fields": [{"key": "x", "type": "select"}, {"key": "", "type": "text"}]},
                {"title": "two", "fields": [{"key": "x", "type": "text", "item_fields": [{"key": "y", "type": "text"}]}]}]"#
            ),
            action(
                "a2",
                r#", "fields": [{"key": "rows", "type": "array", "item_fields": [{"key": "k", "type": "select", "options_source": "skus"}, {"key": "k", "type": "colour"}]}]"#
            )
        ));
        let p = "/contributions/actions/0";
        assert!(
            has(
                &d,
                "MC0420",
                Severity::Warning,
                &format!("{p}/steps/0/fields/0/type")
            ),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0420",
            Severity::Error,
            &format!("{p}/steps/0/fields/1/key")
        ));
        assert!(has(
            &d,
            "MC0420",
            Severity::Error,
            &format!("{p}/steps/1/fields/0/key")
        ));
        assert!(has(
            &d,
            "MC0420",
            Severity::Warning,
            &format!("{p}/steps/1/fields/0/item_fields")
        ));
        assert!(has(
            &d,
            "MC0420",
            Severity::Warning,
            &format!("{p}/idempotency/key_field")
        ));
        let q = "/contributions/actions/1/fields/0/item_fields";
        assert!(has(&d, "MC0420", Severity::Error, &format!("{q}/1/key")));
        assert!(has(&d, "MC0420", Severity::Note, &format!("{q}/1/type")));
        assert!(!has(
            &d,
            "MC0420",
            Severity::Warning,
            &format!("{q}/0/type")
        ));
    }

    #[test]
    fn mc0421_requires_state_needs_a_state_column() {
        let d = run(&format!(
            r#"{{"actions": [{}, {}]}}"#,
            action("publish", r#", "requires_state": ["draft"]"#),
            r#"{"key": "ship", "target_model": "Order", "requires_state": ["paid"], "handler": {"type": "webhook", "url": "https://api.example.com/x"}}"#
        ));
        assert!(
            has(
                &d,
                "MC0421",
                Severity::Warning,
                "/contributions/actions/0/requires_state"
            ),
            "{d:#?}"
        );
        assert_eq!(count(&d, "MC0421"), 1);
    }

    #[test]
    fn mc0422_non_snake_keys() {
        let d = run(&format!(
            r#"{{"actions": [{}], "tools": [{{"key": "create-order", "description": "d", "handler": {OK_HANDLER}}}]}}"#,
            action("MarkDone", "")
        ));
        assert!(
            has(&d, "MC0422", Severity::Note, "/contributions/actions/0/key"),
            "{d:#?}"
        );
        assert!(has(
            &d,
            "MC0422",
            Severity::Note,
            "/contributions/tools/0/key"
        ));
    }

    #[test]
    fn mc0425_input_schema_not_object() {
        let d = run(&format!(
            r#"{{"tools": [{{"key": "find", "description": "d", "input_schema": {{"type": "array"}}, "handler": {OK_HANDLER}}}]}}"#
        ));
        assert!(
            has(
                &d,
                "MC0425",
                Severity::Warning,
                "/contributions/tools/0/input_schema"
            ),
            "{d:#?}"
        );
    }
}
