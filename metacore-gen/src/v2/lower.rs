//! Lowering a v2 "flat" manifest into the IR (`manifest.md` §5.3), reporting the v2-only
//! syntax rules on the way.
//!
//! What lowering does, in short:
//!
//! * identity: key, name, lenient version (MC0207 when normalised), icon with a `#` colour,
//!   `kernel` range, `requires` with range `*`, tenant isolation;
//! * `model_definitions[]` → models keyed by PascalCase(`model_key`), with the implicit columns
//!   (`id`, the tenancy column, declared columns, `created_at`, `updated_at`, `deleted_at`), v2
//!   type aliases (§4.1), defaults (§6.3.1), derived indices, relations (`belongs_to` stamps the
//!   FK column's reference) and the inline `table`/`modal` UI blocks (bare `searchEndpoint`
//!   values normalised to `/options/<name>?field=id`);
//! * `actions{model: […]}` + `hooks` + `trigger` → actions with their handlers; `tools[]` →
//!   tools with a JSON Schema input; `settings[]` with §4.4 aliases; navigation, capabilities,
//!   events, i18n, frontend, backend; leftovers into `extras`.
//!
//! Dialect-independent rules (duplicates, FK targets, URLs and capability coverage, modal slugs,
//! …) are left to [`crate::checks`], which run on the IR. Lowering never panics: every field of
//! the typed manifest is optional and every absence has a meaning or a diagnostic.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use super::types::{
    ActionDef, ColumnDef, InlineModal, InlineTable, ManifestV2, ModelDefinition,
    NavItem as V2NavItem, RelationDef, ToolDef, ToolInputParam,
};
use crate::defaults::v2_default;
use crate::diagnostics::Diagnostic;
use crate::ir::{
    Action, ActionField, Addon, AddonInfo, Backend, Capability, Column, ColumnDefault, ColumnType,
    Dialect, ForeignKey, Frontend, Handler, HandlerKind, I18n, Icon, Index, Isolation, Lifecycle,
    Model, Named, NavGroup, NavItem, PackageKind, Published, Rbac, Relation, Requirement, Setting,
    SettingType, SystemRole, Tenancy, Tool, Validation, CAPABILITY_KINDS,
};
use crate::json::{pointer_push, Node};
use crate::semver::{Range, Version};
use crate::suggest::{did_you_mean, snake_case};

/// The tenancy column of every v2 model.
pub const TENANCY_COLUMN: &str = "organization_id";

/// Column names a v2 model gets implicitly and may not declare (MC0312).
const IMPLICIT_COLUMNS: [&str; 5] = [
    "id",
    TENANCY_COLUMN,
    "created_at",
    "updated_at",
    "deleted_at",
];

/// The v2 column type vocabulary (§4.1), for suggestions.
const V2_TYPES: [&str; 17] = [
    "string",
    "text",
    "uuid",
    "int",
    "integer",
    "bigint",
    "decimal",
    "numeric",
    "float",
    "double",
    "bool",
    "boolean",
    "timestamp",
    "datetime",
    "date",
    "json",
    "jsonb",
];

const VISIBILITIES: [&str; 4] = ["all", "table", "modal", "list"];

const WIDGETS: [&str; 19] = [
    "text",
    "textarea",
    "select",
    "multi_select",
    "search",
    "number",
    "date",
    "datetime",
    "email",
    "url",
    "boolean",
    "image",
    "file",
    "richtext",
    "json",
    "relation",
    "password",
    "slider",
    "rating",
];

const ISOLATIONS: [&str; 3] = ["shared", "schema-per-tenant", "database-per-tenant"];

const RELATION_KINDS: [&str; 3] = ["one_to_many", "many_to_many", "belongs_to"];

const HTTP_METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

/// The `phone` pattern of §5.3 (also the built-in `phone` validator of §6.4).
pub(crate) const PHONE_PATTERN: &str = r"^\+?[0-9\s\-()]{6,}$";

/// Lowers a typed v2 manifest into the IR. `root` is the same document as a span tree (after
/// key-case normalisation), used for exact number text and key order. Diagnostics go to `out`.
pub fn lower(manifest: &ManifestV2, root: &Node, out: &mut Vec<Diagnostic>) -> Addon {
    Lowerer {
        m: manifest,
        root,
        out,
        key: String::new(),
        exports: BTreeSet::new(),
        base_url: None,
    }
    .run()
}

struct Lowerer<'a> {
    m: &'a ManifestV2,
    root: &'a Node,
    out: &'a mut Vec<Diagnostic>,
    /// The addon key (possibly invalid; already reported).
    key: String,
    /// `backend.exports`.
    exports: BTreeSet<String>,
    /// `backend.url`.
    base_url: Option<String>,
}

/// `Some(s)` when `s` is present and not empty.
fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|s| !s.is_empty()).cloned()
}

/// True when `s` holds an unrendered `{{…}}` template placeholder.
fn is_placeholder(s: &str) -> bool {
    s.find("{{").is_some_and(|i| s[i + 2..].contains("}}"))
}

/// `^[a-z][a-z0-9_]{min_rest,max_rest}$`.
fn is_ident(s: &str, min_rest: usize, max_rest: usize) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && (min_rest..=max_rest).contains(&(s.len() - 1))
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `^[A-Za-z_][A-Za-z0-9_]{0,127}$`, the WASM export symbol pattern.
fn is_export_symbol(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `fiscal_documents` → `FiscalDocuments`.
pub fn pascal_case(s: &str) -> String {
    s.split(['_', '-', ' ', '.'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The canonical type of a v2 type alias (§4.1, case-insensitive); `None` when unknown.
pub fn v2_column_type(written: &str, size: i64) -> Option<ColumnType> {
    Some(match written.to_ascii_lowercase().as_str() {
        "string" => ColumnType::Varchar(if size <= 0 {
            255
        } else {
            u32::try_from(size).unwrap_or(u32::MAX)
        }),
        "text" => ColumnType::Text,
        "uuid" => ColumnType::Uuid,
        "int" | "integer" => ColumnType::Integer,
        "bigint" => ColumnType::Bigint,
        "decimal" | "numeric" | "float" | "double" => ColumnType::Numeric(Some((18, 4))),
        "bool" | "boolean" => ColumnType::Boolean,
        "timestamp" | "datetime" => ColumnType::Timestamptz,
        "date" => ColumnType::Date,
        "json" | "jsonb" => ColumnType::Jsonb,
        _ => return None,
    })
}

/// The largest `varchar(n)` PostgreSQL accepts.
const MAX_VARCHAR: i64 = 10_485_760;

/// The `*_id` columns an inline UI block picks from a model by id — a modal field, table
/// column or filter whose normalised `searchEndpoint` is `/options/<model>?field=id` — with
/// that model's name. Such a picker is the v2 spelling of a reference: the caller makes the
/// column one, so rows serve its label (`http-api.md` §1.7) and writes check the row exists.
fn picker_references(ui: &Json) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for list in ["fields", "columns", "filters"] {
        for item in ui.get(list).and_then(Json::as_array).into_iter().flatten() {
            let name = item
                .get("column")
                .or_else(|| item.get("key"))
                .and_then(Json::as_str);
            let target = item
                .get("searchEndpoint")
                .and_then(Json::as_str)
                .and_then(|e| e.strip_prefix("/options/"))
                .and_then(|e| e.strip_suffix("?field=id"));
            if let (Some(name), Some(target)) = (name, target) {
                if name.ends_with("_id") && !target.is_empty() {
                    found.push((name.to_string(), target.to_string()));
                }
            }
        }
    }
    found
}

fn to_json<T: Serialize>(value: &T) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

/// A declared column's index flags, kept until the model's columns are all known.
struct IndexRequest {
    column: String,
    index: bool,
    unique: bool,
    src: String,
}

impl Lowerer<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.out.push(diagnostic);
    }

    /// Checks an identifier against `^[a-z][a-z0-9_]{0,max_rest}$` (and `max_bytes`), with
    /// MC0110 for template placeholders. Returns true when it is valid.
    fn check_ident(
        &mut self,
        value: &str,
        pointer: &str,
        code: &'static str,
        what: &str,
        max_rest: usize,
        max_bytes: usize,
    ) -> bool {
        if is_placeholder(value) {
            self.push(
                Diagnostic::error(
                    "MC0110",
                    format!("{what} `{value}` is an unrendered template placeholder"),
                )
                .at(pointer)
                .with_help("this looks like a scaffolding template: substitute the `{{…}}` placeholders before validating"),
            );
            return false;
        }
        if value.len() > max_bytes && is_ident(value, 0, usize::MAX) {
            self.push(
                Diagnostic::error(
                    code,
                    format!(
                        "{what} `{value}` is {} bytes long; at most {max_bytes} are allowed",
                        value.len()
                    ),
                )
                .at(pointer)
                .with_help("PostgreSQL truncates identifiers beyond 63 bytes; use a shorter name"),
            );
            return false;
        }
        if !is_ident(value, 0, max_rest) {
            let suggestion = snake_case(value)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
                .to_ascii_lowercase();
            let mut help = format!(
                "{what}s are lowercase letters, digits and `_`, start with a letter and have at most {} characters",
                max_rest + 1
            );
            if is_ident(&suggestion, 0, max_rest) && suggestion != value {
                help.push_str(&format!(": did you mean `{suggestion}`?"));
            }
            self.push(
                Diagnostic::error(code, format!("{what} `{value}` is not a valid identifier"))
                    .at(pointer)
                    .with_help(help),
            );
            return false;
        }
        true
    }

    /// The member keys of the object at `pointer`, in source order.
    fn source_keys(&self, pointer: &str) -> Vec<String> {
        self.root
            .lookup(pointer)
            .and_then(Node::as_object)
            .map(|members| members.iter().map(|m| m.key.clone()).collect())
            .unwrap_or_default()
    }

    /// The keys of `map` in source order (keys missing from the tree follow in map order).
    fn ordered_keys<V>(&self, pointer: &str, map: &BTreeMap<String, V>) -> Vec<String> {
        let mut keys: Vec<String> = self
            .source_keys(pointer)
            .into_iter()
            .filter(|k| map.contains_key(k))
            .collect();
        for k in map.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        keys
    }

    fn run(mut self) -> Addon {
        let m = self.m;
        self.key = self.addon_key();
        let version = self.version();
        let info = self.info();
        let kernel = m
            .kernel
            .as_ref()
            .filter(|k| !k.trim().is_empty())
            .map(|k| Requirement {
                key: "kernel".into(),
                range_text: k.clone(),
                range: Range::parse(k).ok(),
                optional: false,
                reason: None,
                src: "/kernel".into(),
            });
        let requires = self.requires();
        let tenancy = Tenancy {
            isolation: self.isolation(),
            column: TENANCY_COLUMN.into(),
        };
        let capabilities = self.capabilities();
        let backend = self.backend();
        let models: Vec<Model> = m
            .model_definitions
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, def)| self.model(i, def, tenancy.isolation))
            .collect();
        let mut declared_actions = BTreeSet::new();
        let mut actions = self.actions(&mut declared_actions);
        actions.extend(self.extension_actions(&mut declared_actions));
        self.check_hooks(&declared_actions, &backend);
        let tools = self.tools();
        let settings = self.settings();
        let navigation = m
            .navigation
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, group)| {
                let src = format!("/navigation/{i}");
                NavGroup {
                    title: group.title.clone().unwrap_or_default(),
                    icon: nonempty(&group.icon),
                    target: nonempty(&group.target),
                    condition: None,
                    items: self.nav_items(group.items.as_deref(), &src),
                    src,
                }
            })
            .collect();
        let published_events = m
            .events
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, name)| Published {
                name: name.clone(),
                description: None,
                schema: None,
                src: format!("/events/{i}"),
            })
            .collect();
        let i18n = I18n {
            default_locale: None,
            bundles: Vec::new(),
            inline: m.i18n.clone().unwrap_or_default(),
            src: if m.i18n.is_some() {
                "/i18n".into()
            } else {
                String::new()
            },
        };
        let frontend = self.frontend();
        let extras = self.extras();
        Addon {
            key: self.key.clone(),
            name: m.name.clone().unwrap_or_default(),
            version,
            dialect: Dialect::V2,
            kind: PackageKind::Addon,
            info,
            kernel,
            requires,
            provides: Vec::new(),
            tenancy,
            capabilities,
            models,
            frontend,
            navigation,
            actions,
            tools,
            subscriptions: Vec::new(),
            notifications: Vec::new(),
            slots: Vec::new(),
            published_events,
            slot_kinds: Vec::new(),
            extensions_accepted: Vec::new(),
            lifecycle: Lifecycle::default(),
            i18n,
            rbac: Rbac::default(),
            settings,
            backend,
            advanced: BTreeMap::new(),
            extras,
        }
    }

    // ----- identity -------------------------------------------------------------------------

    fn addon_key(&mut self) -> String {
        let key = self.m.key.clone().unwrap_or_default();
        if key.is_empty() {
            self.push(
                Diagnostic::error("MC0104", "the addon `key` is missing or empty")
                    .at("/key")
                    .with_help("give the addon a key such as `fiscal_mexico`: lowercase letters, digits and `_`"),
            );
        } else if is_placeholder(&key) {
            self.check_ident(&key, "/key", "MC0201", "addon key", 63, 64);
        } else if !is_ident(&key, 1, 63) {
            let suggestion =
                snake_case(&key).replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_");
            let mut help = "addon keys match `^[a-z][a-z0-9_]{1,63}$`: 2 to 64 lowercase letters, digits and `_`, starting with a letter".to_string();
            if is_ident(&suggestion, 1, 63) {
                help.push_str(&format!("; did you mean `{suggestion}`?"));
            }
            self.push(
                Diagnostic::error("MC0201", format!("invalid addon key `{key}`"))
                    .at("/key")
                    .with_help(help),
            );
        }
        key
    }

    fn version(&mut self) -> Version {
        let Some(text) = &self.m.version else {
            self.push(
                Diagnostic::error("MC0104", "the addon `version` is missing")
                    .at("/version")
                    .with_help("add `\"version\": \"1.0.0\"`"),
            );
            return Version::new(0, 0, 0);
        };
        match Version::parse_lenient(text) {
            Some((version, normalised)) => {
                if normalised {
                    self.push(
                        Diagnostic::warning(
                            "MC0207",
                            format!("version `{text}` read as `{version}`"),
                        )
                        .at("/version")
                        .with_help(format!(
                            "write the full `MAJOR.MINOR.PATCH` form: `{version}`"
                        )),
                    );
                }
                version
            }
            None => {
                self.push(
                    Diagnostic::error("MC0203", format!("`{text}` is not a semantic version"))
                        .at("/version")
                        .with_help("write `MAJOR.MINOR.PATCH`, e.g. `1.0.0` (v2 also accepts `1.2` and `v1.2.3`)"),
                );
                Version::new(0, 0, 0)
            }
        }
    }

    fn info(&mut self) -> AddonInfo {
        let m = self.m;
        let slug = nonempty(&m.icon_slug).or_else(|| nonempty(&m.icon));
        let icon_type = nonempty(&m.icon_type);
        if let Some(t) = &icon_type {
            if !["brand", "lucide", "url"].contains(&t.as_str()) {
                self.push(
                    Diagnostic::warning(
                        "MC0106",
                        format!("unknown icon type `{t}`; it is kept as written"),
                    )
                    .at("/icon_type")
                    .with_help("v2 icon types are `brand`, `lucide` and `url`"),
                );
            }
        }
        let icon = slug.map(|slug| Icon {
            icon_type: icon_type.unwrap_or_else(|| "lucide".into()),
            slug,
            color: nonempty(&m.icon_color).map(|c| {
                if c.starts_with('#') {
                    c
                } else {
                    format!("#{c}")
                }
            }),
        });
        AddonInfo {
            description: nonempty(&m.description),
            category: nonempty(&m.category),
            icon,
            author: nonempty(&m.author),
            website: nonempty(&m.website),
            license: nonempty(&m.license),
            readme: nonempty(&m.readme),
            features: m.features.clone().unwrap_or_default(),
            screenshots: m.screenshots.clone().unwrap_or_default(),
            countries: Vec::new(),
        }
    }

    fn requires(&mut self) -> Vec<Requirement> {
        let mut out = Vec::new();
        for (i, r) in self.m.requires.iter().flatten().enumerate() {
            let src = format!("/requires/{i}");
            let Some(key) = nonempty(&r.key) else {
                self.push(
                    Diagnostic::error("MC0104", "a requirement without a `key`")
                        .at(pointer_push(&src, "key"))
                        .with_help("name the required addon: `{\"key\": \"finance\"}`"),
                );
                continue;
            };
            out.push(Requirement {
                key,
                range_text: "*".into(),
                range: Range::parse("*").ok(),
                optional: false,
                reason: None,
                src,
            });
        }
        out
    }

    fn isolation(&mut self) -> Isolation {
        match self.m.tenant_isolation.as_deref() {
            None | Some("") | Some("shared") => Isolation::Shared,
            Some("schema-per-tenant") => Isolation::Schema,
            Some("database-per-tenant") => Isolation::Database,
            Some(other) => {
                let suggestion = ISOLATIONS
                    .iter()
                    .find(|known| !other.is_empty() && known.starts_with(other))
                    .map(|s| s.to_string())
                    .or_else(|| did_you_mean(other, &ISOLATIONS));
                let help = match suggestion {
                    Some(s) => format!("did you mean `{s}`? v2 accepts `shared`, `schema-per-tenant` and `database-per-tenant`"),
                    None => "v2 accepts `shared`, `schema-per-tenant` and `database-per-tenant`".into(),
                };
                self.push(
                    Diagnostic::warning(
                        "MC0106",
                        format!("unknown tenant isolation `{other}`; it is treated as `shared`, as the kernel does"),
                    )
                    .at("/tenant_isolation")
                    .with_help(help),
                );
                Isolation::Shared
            }
        }
    }

    fn capabilities(&mut self) -> Vec<Capability> {
        let mut out = Vec::new();
        for (i, cap) in self.m.capabilities.iter().flatten().enumerate() {
            let src = format!("/capabilities/{i}");
            let kind = cap.kind.clone().unwrap_or_default();
            let suggestion = match kind.as_str() {
                "secret:read" => Some("secrets:read".to_string()),
                "storage:write" => Some("file-storage:write".to_string()),
                "storage:read" => Some("fs:read".to_string()),
                "tool:invoke" => None,
                other => did_you_mean(other, &CAPABILITY_KINDS),
            };
            if !kind.contains(':') {
                self.push(
                    Diagnostic::error("MC0502", format!("capability kind `{kind}` has no `:`"))
                        .at(pointer_push(&src, "kind"))
                        .with_help(match &suggestion {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => {
                                "kinds are `<area>:<verb>`, e.g. `http:fetch` or `db:read`".into()
                            }
                        }),
                );
                continue;
            }
            if !CAPABILITY_KINDS.contains(&kind.as_str()) {
                self.push(
                    Diagnostic::warning(
                        "MC0512",
                        format!("capability kind `{kind}` is unknown; the capability is ignored"),
                    )
                    .at(pointer_push(&src, "kind"))
                    .with_help(match &suggestion {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("known kinds: {}", CAPABILITY_KINDS.join(", ")),
                    }),
                );
                continue;
            }
            out.push(Capability {
                kind,
                target: cap.target.clone().unwrap_or_default(),
                reason: nonempty(&cap.reason),
                src,
            });
        }
        out
    }

    fn backend(&mut self) -> Backend {
        let mut backend = Backend::default();
        let Some(spec) = &self.m.backend else {
            return backend;
        };
        match spec.runtime.as_deref().unwrap_or("") {
            "webhook" => {}
            "wasm" => {
                if spec.entry.as_deref().is_none_or(|e| e.trim().is_empty()) {
                    self.push(
                        Diagnostic::error("MC0424", "`backend.runtime` is `wasm` but `entry` is blank")
                            .at("/backend/entry")
                            .with_help("name the module inside the bundle: `\"entry\": \"backend/backend.wasm\"`"),
                    );
                }
            }
            "binary" => self.push(
                Diagnostic::warning(
                    "MC0409",
                    "the `binary` backend runtime is reserved; this version cannot execute it",
                )
                .at("/backend/runtime")
                .with_help("use `wasm` (a WASM module in the bundle) or `webhook`"),
            ),
            "" => self.push(
                Diagnostic::error("MC0424", "the `backend` block has no `runtime`")
                    .at("/backend/runtime")
                    .with_help("set `\"runtime\"` to `webhook` or `wasm`, or remove the block"),
            ),
            other => {
                let help = match did_you_mean(other, &["webhook", "wasm", "binary"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "the runtime is `webhook` or `wasm`".into(),
                };
                self.push(
                    Diagnostic::error("MC0106", format!("unknown backend runtime `{other}`"))
                        .at("/backend/runtime")
                        .with_help(help),
                );
            }
        }
        if let Some(entry) = spec.entry.as_ref().filter(|e| !e.trim().is_empty()) {
            backend.entry = entry.clone();
        }
        match spec.memory_limit_mb {
            Some(v) if v < 0 || v > i64::from(u32::MAX) => self.push(
                Diagnostic::error("MC0108", format!("`memory_limit_mb` {v} is out of range"))
                    .at("/backend/memory_limit_mb")
                    .with_help("give a positive number of MiB (default 64)"),
            ),
            Some(v) if v > 0 => backend.memory_limit_mb = v as u32,
            _ => {}
        }
        match spec.timeout_ms {
            Some(v) if v < 0 => self.push(
                Diagnostic::error("MC0108", format!("`timeout_ms` {v} is negative"))
                    .at("/backend/timeout_ms")
                    .with_help("give a positive number of milliseconds (default 10000)"),
            ),
            Some(v) if v > 0 => backend.timeout_ms = v as u64,
            _ => {}
        }
        backend.declared_exports = spec
            .exports
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, name)| Named {
                name: name.clone(),
                src: format!("/backend/exports/{i}"),
            })
            .collect();
        self.exports = backend
            .declared_exports
            .iter()
            .map(|e| e.name.clone())
            .collect();
        backend.base_url = spec.url.as_ref().filter(|u| !u.trim().is_empty()).cloned();
        self.base_url = backend.base_url.clone();
        backend
    }

    // ----- models ---------------------------------------------------------------------------

    /// True when `name` is the `table_name` or `model_key` of a model of this addon.
    fn is_own_model(&self, name: &str) -> bool {
        self.m
            .model_definitions
            .iter()
            .flatten()
            .any(|d| d.table_name.as_deref() == Some(name) || d.model_key.as_deref() == Some(name))
    }

    fn own_model_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for d in self.m.model_definitions.iter().flatten() {
            for n in [&d.table_name, &d.model_key].into_iter().flatten() {
                if !n.is_empty() && !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
        names
    }

    fn model(&mut self, i: usize, def: &ModelDefinition, isolation: Isolation) -> Model {
        let src = format!("/model_definitions/{i}");
        let table = def.table_name.clone().unwrap_or_default();
        if table.is_empty() {
            self.push(
                Diagnostic::error("MC0104", "the model has no `table_name`")
                    .at(pointer_push(&src, "table_name"))
                    .with_help("name the table, e.g. `\"table_name\": \"fiscal_documents\"`; it is also the route name"),
            );
        } else {
            self.check_ident(
                &table,
                &pointer_push(&src, "table_name"),
                "MC0304",
                "table name",
                63,
                63,
            );
        }
        let model_key = def.model_key.clone().unwrap_or_default();
        if model_key.is_empty() {
            self.push(
                Diagnostic::error("MC0104", "the model has no `model_key`")
                    .at(pointer_push(&src, "model_key"))
                    .with_help(format!(
                        "add `\"model_key\"`, conventionally equal to the table name{}",
                        if table.is_empty() {
                            String::new()
                        } else {
                            format!(" (`{table}`)")
                        }
                    )),
            );
        } else if is_placeholder(&model_key) {
            self.check_ident(
                &model_key,
                &pointer_push(&src, "model_key"),
                "MC0304",
                "model key",
                63,
                63,
            );
        }
        let key = pascal_case(if model_key.is_empty() {
            &table
        } else {
            &model_key
        });
        let alias = (!model_key.is_empty() && model_key != table).then(|| model_key.clone());
        let soft_delete = def.soft_delete == Some(true);
        let tenancy = match isolation {
            // `schema` isolation is served like `shared` (§2.4): rows are scoped by the column.
            Isolation::Shared | Isolation::Schema => true,
            Isolation::Database => def.org_scoped == Some(true),
        };

        let mut columns = vec![Column::system("id", ColumnType::Uuid, SystemRole::Id, &src)
            .with_default(ColumnDefault::RandomUuid)];
        if tenancy {
            columns.push(Column::system(
                TENANCY_COLUMN,
                ColumnType::Uuid,
                SystemRole::Tenancy,
                &src,
            ));
        }
        let mut index_requests = Vec::new();
        let declared = def.columns.as_deref().unwrap_or_default();
        if declared.is_empty() {
            self.push(
                Diagnostic::error("MC0104", format!("model `{}` declares no columns", if table.is_empty() { &key } else { &table }))
                    .at(pointer_push(&src, "columns"))
                    .with_help("declare at least one column: `\"columns\": [{\"name\": \"name\", \"type\": \"string\"}]`"),
            );
        }
        for (j, column) in declared.iter().enumerate() {
            let col_src = format!("{src}/columns/{j}");
            if let Some(c) = self.column(column, &col_src, soft_delete, &mut index_requests) {
                columns.push(c);
            }
        }
        for (name, role) in [
            ("created_at", SystemRole::CreatedAt),
            ("updated_at", SystemRole::UpdatedAt),
        ] {
            columns.push(
                Column::system(name, ColumnType::Timestamptz, role, &src)
                    .with_default(ColumnDefault::Now),
            );
        }
        if soft_delete {
            let mut deleted_at = Column::system(
                "deleted_at",
                ColumnType::Timestamptz,
                SystemRole::DeletedAt,
                &src,
            );
            deleted_at.nullable = true;
            columns.push(deleted_at);
        }

        let mut indices = Vec::new();
        for request in index_requests {
            if request.unique {
                let mut index_columns = Vec::new();
                if tenancy {
                    index_columns.push(TENANCY_COLUMN.to_string());
                }
                index_columns.push(request.column.clone());
                indices.push(Index {
                    name: format!("uidx_{table}_{}", request.column),
                    columns: index_columns,
                    unique: true,
                    method: None,
                    only_live_rows: soft_delete,
                    implicit: false,
                    src: request.src,
                });
            } else if request.index {
                indices.push(Index {
                    name: format!("idx_{table}_{}", request.column),
                    columns: vec![request.column],
                    unique: false,
                    method: None,
                    only_live_rows: false,
                    implicit: false,
                    src: request.src,
                });
            }
        }
        if tenancy {
            indices.push(Index {
                name: format!("idx_{table}_org"),
                columns: vec![TENANCY_COLUMN.to_string()],
                unique: false,
                method: None,
                only_live_rows: false,
                implicit: true,
                src: src.clone(),
            });
        }

        let mut relations = Vec::new();
        let mut foreign_keys = Vec::new();
        for (k, relation) in def.relations.iter().flatten().enumerate() {
            let rel_src = format!("{src}/relations/{k}");
            let lowered = self.relation(relation, &rel_src);
            if lowered.kind == "belongs_to" && !lowered.foreign_key.is_empty() {
                match columns.iter_mut().find(|c| c.name == lowered.foreign_key) {
                    Some(column) => {
                        if column.reference.is_none() && !lowered.through.is_empty() {
                            column.reference = Some(lowered.through.clone());
                        }
                        if !lowered.through.is_empty() {
                            foreign_keys.push(ForeignKey {
                                columns: vec![lowered.foreign_key.clone()],
                                target_model: lowered.through.clone(),
                                target_columns: vec![lowered
                                    .references
                                    .clone()
                                    .unwrap_or_else(|| "id".into())],
                                physical: false,
                                on_delete: None,
                                src: rel_src.clone(),
                            });
                        }
                    }
                    None => {
                        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                        let help = match did_you_mean(&lowered.foreign_key, &names) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "a `belongs_to` relation's `foreign_key` is a column of this model holding the related row's id".into(),
                        };
                        self.push(
                            Diagnostic::error(
                                "MC0313",
                                format!(
                                    "relation `{}`: `foreign_key` `{}` is not a column of this model",
                                    lowered.name, lowered.foreign_key
                                ),
                            )
                            .at(pointer_push(&rel_src, "foreign_key"))
                            .with_help(help),
                        );
                    }
                }
            }
            relations.push(lowered);
        }

        let column_names: BTreeSet<String> = columns.iter().map(|c| c.name.clone()).collect();
        let table_ui = def
            .table
            .as_ref()
            .map(|t| self.inline_table(t, &pointer_push(&src, "table"), &column_names));
        let modal_ui = def
            .modal
            .as_ref()
            .map(|m| self.inline_modal(m, &pointer_push(&src, "modal"), &column_names));
        for ui in table_ui.iter().chain(&modal_ui) {
            for (name, target) in picker_references(ui) {
                if !self.is_own_model(&target) {
                    continue;
                }
                if let Some(column) = columns.iter_mut().find(|c| {
                    c.name == name && c.reference.is_none() && c.column_type == ColumnType::Uuid
                }) {
                    column.reference = Some(target);
                }
            }
        }

        Model {
            key,
            table,
            label: nonempty(&def.label),
            columns,
            indices,
            foreign_keys,
            relations,
            alias,
            table_ui,
            modal_ui,
            form_layout: None,
            advanced: BTreeMap::new(),
            src,
        }
    }

    fn column(
        &mut self,
        def: &ColumnDef,
        src: &str,
        soft_delete: bool,
        index_requests: &mut Vec<IndexRequest>,
    ) -> Option<Column> {
        let name = def.name.clone().unwrap_or_default();
        let name_ptr = pointer_push(src, "name");
        if name.is_empty() {
            self.push(
                Diagnostic::error("MC0104", "a column without a `name`")
                    .at(&name_ptr)
                    .with_help("give the column a name such as `status`"),
            );
            return None;
        }
        if IMPLICIT_COLUMNS.contains(&name.as_str()) {
            let help = match name.as_str() {
                "deleted_at" if !soft_delete => "remove it and set `\"soft_delete\": true` on the model instead".to_string(),
                _ => format!(
                    "remove it: every v2 model gets `id`, `{TENANCY_COLUMN}`, `created_at` and `updated_at` (and `deleted_at` with `soft_delete`)"
                ),
            };
            self.push(
                Diagnostic::error(
                    "MC0312",
                    format!("column `{name}` is added implicitly; a v2 model cannot declare it"),
                )
                .at(&name_ptr)
                .with_help(help),
            );
            return None;
        }
        self.check_ident(&name, &name_ptr, "MC0304", "column name", 62, 63);

        let type_ptr = pointer_push(src, "type");
        let written = def.r#type.clone().unwrap_or_default();
        let size = def.size.unwrap_or(0);
        if size < 0 {
            self.push(
                Diagnostic::error(
                    "MC0108",
                    format!("column `{name}` has a negative `size` ({size})"),
                )
                .at(pointer_push(src, "size"))
                .with_help(
                    "use a positive length, or 0 (or nothing) for the default `varchar(255)`",
                ),
            );
        } else if size > MAX_VARCHAR && written.eq_ignore_ascii_case("string") {
            self.push(
                Diagnostic::error(
                    "MC0108",
                    format!("column `{name}` has `size` {size}, above PostgreSQL's varchar limit of {MAX_VARCHAR}"),
                )
                .at(pointer_push(src, "size"))
                .with_help("use `\"type\": \"text\"` for unbounded text"),
            );
        }
        let column_type = if written.is_empty() {
            self.push(
                Diagnostic::error("MC0104", format!("column `{name}` has no `type`"))
                    .at(&type_ptr)
                    .with_help(format!("v2 types: {}", V2_TYPES.join(", "))),
            );
            None
        } else {
            let t = v2_column_type(&written, size);
            if t.is_none() {
                self.unknown_type(&written, &type_ptr);
            }
            t
        };

        let default = match (column_type, self.root.lookup(&pointer_push(src, "default"))) {
            (Some(t), Some(node)) => {
                let outcome = v2_default(node, &t, &pointer_push(src, "default"));
                self.out.extend(outcome.diagnostics);
                outcome.value
            }
            _ => None,
        };

        let mut ui = BTreeMap::new();
        if let Some(visibility) = nonempty(&def.visibility) {
            if VISIBILITIES.contains(&visibility.as_str()) {
                ui.insert("visibility".to_string(), Json::String(visibility));
            } else {
                self.enum_error(
                    &visibility,
                    &pointer_push(src, "visibility"),
                    "visibility",
                    &VISIBILITIES,
                );
            }
        }
        if let Some(widget) = nonempty(&def.widget) {
            if WIDGETS.contains(&widget.as_str()) {
                ui.insert("widget".to_string(), Json::String(widget));
            } else {
                self.enum_error(&widget, &pointer_push(src, "widget"), "widget", &WIDGETS);
            }
        }
        let validation = def.validation.as_ref().and_then(|v| {
            let lowered = Validation {
                regex: v.regex.clone(),
                min: v.min.as_ref().and_then(serde_json::Number::as_f64),
                max: v.max.as_ref().and_then(serde_json::Number::as_f64),
                custom: nonempty(&v.custom),
                src: pointer_push(src, "validation"),
            };
            (lowered.regex.is_some()
                || lowered.min.is_some()
                || lowered.max.is_some()
                || lowered.custom.is_some())
            .then_some(lowered)
        });

        let unique = def.unique == Some(true);
        let index = def.index == Some(true);
        if unique || index {
            index_requests.push(IndexRequest {
                column: name.clone(),
                index,
                unique,
                src: src.to_string(),
            });
        }
        Some(Column {
            name,
            column_type: column_type.unwrap_or(ColumnType::Text),
            written_type: written,
            nullable: def.required != Some(true),
            primary_key: false,
            default,
            generated: None,
            role: SystemRole::None,
            reference: nonempty(&def.r#ref),
            label: None,
            comment: None,
            options: None,
            options_source: None,
            depends_on: None,
            validation,
            searchable: def.searchable == Some(true),
            ui,
            implicit: false,
            src: src.to_string(),
        })
    }

    fn unknown_type(&mut self, written: &str, pointer: &str) {
        let lower = written.to_ascii_lowercase();
        let help = match ColumnType::parse_canonical(&lower) {
            Some(ColumnType::Varchar(n)) => format!(
                "`{written}` is a v3 spelling; v2 writes `\"type\": \"string\", \"size\": {n}`"
            ),
            Some(ColumnType::Numeric(_)) => {
                "`numeric(p,s)` is a v3 spelling; v2 writes `decimal` (always numeric(18,4))".into()
            }
            Some(ColumnType::Timestamptz) => "v2 writes `timestamp` (time-zone aware)".into(),
            Some(ColumnType::Vector(_)) => "vector columns exist only in v3 manifests".into(),
            _ => match did_you_mean(&lower, &V2_TYPES) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("v2 types: {}", V2_TYPES.join(", ")),
            },
        };
        self.push(
            Diagnostic::error("MC0305", format!("unknown column type `{written}`"))
                .at(pointer)
                .with_help(help),
        );
    }

    fn enum_error(&mut self, value: &str, pointer: &str, what: &str, allowed: &[&str]) {
        let help = match did_you_mean(value, allowed) {
            Some(s) => format!("did you mean `{s}`? allowed: {}", allowed.join(", ")),
            None => format!("allowed: {}", allowed.join(", ")),
        };
        self.push(
            Diagnostic::error("MC0106", format!("`{value}` is not a valid {what}"))
                .at(pointer)
                .with_help(help),
        );
    }

    fn relation(&mut self, def: &RelationDef, src: &str) -> Relation {
        let name = def.name.clone().unwrap_or_default();
        let kind = def.kind.clone().unwrap_or_default();
        let through = def.through.clone().unwrap_or_default();
        let foreign_key = def.foreign_key.clone().unwrap_or_default();
        let label = if name.is_empty() {
            "a relation".to_string()
        } else {
            format!("relation `{name}`")
        };
        for (field, value, max_rest) in [
            ("name", &name, 62),
            ("through", &through, 63),
            ("foreign_key", &foreign_key, 62),
        ] {
            let pointer = pointer_push(src, field);
            if value.is_empty() {
                self.push(
                    Diagnostic::error("MC0317", format!("{label} has no `{field}`"))
                        .at(&pointer)
                        .with_help("relations are `{name, kind, through, foreign_key}`"),
                );
            } else {
                let what = format!("relation {field}");
                self.check_ident(value, &pointer, "MC0317", &what, max_rest, 63);
            }
        }
        if let Some(references) = nonempty(&def.references) {
            self.check_ident(
                &references,
                &pointer_push(src, "references"),
                "MC0317",
                "relation references",
                62,
                63,
            );
        }
        if !RELATION_KINDS.contains(&kind.as_str()) {
            let help = match did_you_mean(&kind, &RELATION_KINDS) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "kinds: one_to_many, many_to_many, belongs_to".into(),
            };
            self.push(
                Diagnostic::error(
                    "MC0317",
                    if kind.is_empty() {
                        format!("{label} has no `kind`")
                    } else {
                        format!("{label} has unknown kind `{kind}`")
                    },
                )
                .at(pointer_push(src, "kind"))
                .with_help(help),
            );
        }
        let pivot = nonempty(&def.pivot);
        match (&pivot, kind.as_str()) {
            (None, "many_to_many") => self.push(
                Diagnostic::error(
                    "MC0317",
                    format!("{label} is `many_to_many` but has no `pivot`"),
                )
                .at(src)
                .with_help("name the join table in `\"pivot\"`"),
            ),
            (Some(_), k) if k != "many_to_many" && RELATION_KINDS.contains(&k) => self.push(
                Diagnostic::error(
                    "MC0317",
                    format!("{label} is `{k}` and cannot have a `pivot`"),
                )
                .at(pointer_push(src, "pivot"))
                .with_help("only `many_to_many` relations go through a pivot table; remove it"),
            ),
            (Some(p), _) => {
                self.check_ident(
                    p,
                    &pointer_push(src, "pivot"),
                    "MC0317",
                    "relation pivot",
                    63,
                    63,
                );
            }
            _ => {}
        }
        Relation {
            name,
            kind,
            through,
            foreign_key,
            references: nonempty(&def.references),
            pivot,
            options: BTreeMap::new(),
            src: src.to_string(),
        }
    }

    /// Normalises a bare `searchEndpoint` (`asset_categories` → `/options/asset_categories?field=id`),
    /// warning when it names no model of this addon.
    fn search_endpoint(&mut self, object: &mut Map<String, Json>, src: &str) {
        let Some(Json::String(endpoint)) = object.get("searchEndpoint") else {
            return;
        };
        let mut chars = endpoint.chars();
        let bare = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !bare {
            return;
        }
        let endpoint = endpoint.clone();
        if !self.is_own_model(&endpoint) {
            let names = self.own_model_names();
            let help = match did_you_mean(&endpoint, &names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "`/options/{endpoint}` answers 404 unless another installed addon serves `{endpoint}`; check the name"
                ),
            };
            self.push(
                Diagnostic::warning(
                    "MC0321",
                    format!("searchEndpoint `{endpoint}` names no model of this addon"),
                )
                .at(pointer_push(src, "searchEndpoint"))
                .with_help(help),
            );
        }
        object.insert(
            "searchEndpoint".into(),
            Json::String(format!("/options/{endpoint}?field=id")),
        );
    }

    fn not_a_column(&mut self, value: &str, pointer: &str, columns: &BTreeSet<String>, what: &str) {
        if columns.contains(value) {
            return;
        }
        let help = match did_you_mean(value, columns.iter()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "inline UI blocks can only name the model's columns".into(),
        };
        self.push(
            Diagnostic::warning(
                "MC0322",
                format!("{what} `{value}` is not a column of this model"),
            )
            .at(pointer)
            .with_help(help),
        );
    }

    /// Checks the objects of the array `object[list]` of an inline UI block: the column each
    /// names under `name_key` (MC0322, called a `what`) and its `searchEndpoint` (MC0321,
    /// normalised in place).
    fn inline_items(
        &mut self,
        object: &mut Map<String, Json>,
        list: &str,
        name_key: &str,
        what: &str,
        src: &str,
        columns: &BTreeSet<String>,
    ) {
        let Some(Json::Array(items)) = object.get_mut(list) else {
            return;
        };
        for (j, item) in items.iter_mut().enumerate() {
            let item_src = format!("{src}/{list}/{j}");
            if let Some(obj) = item.as_object_mut() {
                if let Some(name) = obj.get(name_key).and_then(Json::as_str) {
                    let name = name.to_string();
                    self.not_a_column(&name, &pointer_push(&item_src, name_key), columns, what);
                }
                self.search_endpoint(obj, &item_src);
            }
        }
    }

    fn inline_table(&mut self, table: &InlineTable, src: &str, columns: &BTreeSet<String>) -> Json {
        let mut value = to_json(table);
        let Some(object) = value.as_object_mut() else {
            return value;
        };
        self.inline_items(object, "columns", "key", "table column", src, columns);
        if let Some(Json::Array(items)) = object.get("searchColumns") {
            let names: Vec<(usize, String)> = items
                .iter()
                .enumerate()
                .filter_map(|(j, v)| v.as_str().map(|s| (j, s.to_string())))
                .collect();
            for (j, name) in names {
                self.not_a_column(
                    &name,
                    &format!("{src}/searchColumns/{j}"),
                    columns,
                    "search column",
                );
            }
        }
        self.inline_items(object, "filters", "column", "filter column", src, columns);
        value
    }

    fn inline_modal(&mut self, modal: &InlineModal, src: &str, columns: &BTreeSet<String>) -> Json {
        let mut value = to_json(modal);
        if let Some(object) = value.as_object_mut() {
            self.inline_items(object, "fields", "key", "modal field", src, columns);
        }
        value
    }

    // ----- actions --------------------------------------------------------------------------

    /// The names a model's hooks may use: the actions map key, its table and model key.
    fn model_names_for(&self, map_key: &str) -> Option<Vec<String>> {
        let def = self.m.model_definitions.iter().flatten().find(|d| {
            d.table_name.as_deref() == Some(map_key) || d.model_key.as_deref() == Some(map_key)
        })?;
        let mut names = vec![map_key.to_string()];
        for n in [&def.table_name, &def.model_key].into_iter().flatten() {
            if !n.is_empty() && !names.contains(n) {
                names.push(n.clone());
            }
        }
        Some(names)
    }

    fn actions(&mut self, declared: &mut BTreeSet<(String, String)>) -> Vec<Action> {
        let Some(map) = &self.m.actions else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for map_key in self.ordered_keys("/actions", map) {
            let list_src = pointer_push("/actions", &map_key);
            let names = match self.model_names_for(&map_key) {
                Some(names) => names,
                None => {
                    let candidates = self.own_model_names();
                    let help = match did_you_mean(&map_key, &candidates) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "the key of `actions` must be the `table_name` or `model_key` of one of `model_definitions`".into(),
                    };
                    self.push(
                        Diagnostic::error(
                            "MC0410",
                            format!("actions are declared for `{map_key}`, which is not a model of this addon"),
                        )
                        .at_key(&list_src)
                        .with_help(help),
                    );
                    vec![map_key.clone()]
                }
            };
            for (j, def) in map[&map_key].iter().enumerate() {
                let src = format!("{list_src}/{j}");
                if let Some(action) = self.action(def, &src, &map_key, &names) {
                    for n in &names {
                        declared.insert((n.clone(), action.key.clone()));
                    }
                    out.push(action);
                }
            }
        }
        out
    }

    /// Actions of `extensions[]`, on core models (§3.2).
    fn extension_actions(&mut self, declared: &mut BTreeSet<(String, String)>) -> Vec<Action> {
        let mut out = Vec::new();
        for (i, ext) in self.m.extensions.iter().flatten().enumerate() {
            let Some(model) = nonempty(&ext.model) else {
                if ext.actions.as_ref().is_some_and(|a| !a.is_empty()) {
                    self.push(
                        Diagnostic::error("MC0104", "an extension with actions names no `model`")
                            .at(format!("/extensions/{i}/model"))
                            .with_help("name the core model the actions belong to"),
                    );
                }
                continue;
            };
            let names = vec![model.clone()];
            for (j, def) in ext.actions.iter().flatten().enumerate() {
                let src = format!("/extensions/{i}/actions/{j}");
                if let Some(action) = self.action(def, &src, &model, &names) {
                    declared.insert((model.clone(), action.key.clone()));
                    out.push(action);
                }
            }
        }
        out
    }

    fn action(
        &mut self,
        def: &ActionDef,
        src: &str,
        model: &str,
        names: &[String],
    ) -> Option<Action> {
        let Some(key) = nonempty(&def.key) else {
            self.push(
                Diagnostic::error("MC0104", "an action without a `key`")
                    .at(pointer_push(src, "key"))
                    .with_help("give the action a key such as `stamp_fiscal`; it names its route and capability"),
            );
            return None;
        };
        let mut fields: Vec<ActionField> = Vec::new();
        for (f, field) in def.fields.iter().flatten().enumerate() {
            let field_src = format!("{src}/fields/{f}");
            let Some(name) = nonempty(&field.name) else {
                self.push(
                    Diagnostic::error("MC0426", format!("a field of action `{key}` has no `name`"))
                        .at(pointer_push(&field_src, "name"))
                        .with_help(
                            "every field needs a unique `name`: it is the key the handler receives",
                        ),
                );
                continue;
            };
            if fields.iter().any(|existing| existing.key == name) {
                self.push(
                    Diagnostic::error(
                        "MC0426",
                        format!("action `{key}` declares the field `{name}` twice"),
                    )
                    .at(pointer_push(&field_src, "name"))
                    .with_help(
                        "field names are the keys of the submitted form; rename or remove one",
                    ),
                );
                continue;
            }
            let mut ui = BTreeMap::new();
            if let Some(size) = field.size {
                ui.insert("size".to_string(), json!(size));
            }
            fields.push(ActionField {
                key: name,
                field_type: nonempty(&field.r#type).unwrap_or_else(|| "text".into()),
                label: nonempty(&field.label),
                required: field.required == Some(true),
                default: field.default.clone().filter(|d| !d.is_null()),
                options: field.options.as_ref().map(to_json),
                options_source: None,
                item_fields: Vec::new(),
                ui,
                src: field_src,
            });
        }
        let (handler, run_in_tx) = self.action_handler(def, &key, src, model, names);
        Some(Action {
            key,
            label: nonempty(&def.label).or_else(|| nonempty(&def.name)),
            icon: nonempty(&def.icon),
            target_model: Some(model.to_string()),
            handler,
            placement: "row".into(),
            fields,
            steps: Vec::new(),
            modal: nonempty(&def.modal),
            confirm: def.confirm == Some(true),
            confirm_message: nonempty(&def.confirm_message),
            requires_state: def.requires_state.clone().unwrap_or_default(),
            modal_width: None,
            idempotency_key: None,
            run_in_tx,
            condition: None,
            approval: None,
            src: src.to_string(),
        })
    }

    /// The handler of an action from its `trigger` and the `hooks` map (§3.4), and `run_in_tx`.
    fn action_handler(
        &mut self,
        def: &ActionDef,
        key: &str,
        src: &str,
        model: &str,
        names: &[String],
    ) -> (Handler, bool) {
        let trigger_src = pointer_push(src, "trigger");
        let none = |at: &str| Handler {
            kind: HandlerKind::None,
            src: at.to_string(),
            target_src: at.to_string(),
        };
        let Some(trigger) = &def.trigger else {
            return (self.hook_handler(key, src, src, model, names), false);
        };
        let export = nonempty(&trigger.export);
        let export_ptr = pointer_push(&trigger_src, "export");
        match trigger.r#type.as_deref().unwrap_or("") {
            "wasm" => {
                let Some(export) = export else {
                    self.push(
                        Diagnostic::error(
                            "MC0423",
                            format!("action `{key}`: a `wasm` trigger needs an `export`"),
                        )
                        .at(&trigger_src)
                        .with_help(format!(
                            "name the WASM export that runs the action, e.g. `\"export\": \"{}\"`",
                            snake_case(key)
                        )),
                    );
                    return (none(&trigger_src), false);
                };
                if !is_export_symbol(&export) {
                    self.push(
                        Diagnostic::error(
                            "MC0423",
                            format!("`{export}` is not a valid WASM export name"),
                        )
                        .at(&export_ptr)
                        .with_help("export names match `^[A-Za-z_][A-Za-z0-9_]{0,127}$`"),
                    );
                    return (none(&trigger_src), false);
                }
                if !self.exports.contains(&export) {
                    let help = match did_you_mean(&export, self.exports.iter()) {
                        Some(s) => format!(
                            "did you mean `{s}`? otherwise add `{export}` to `backend.exports`"
                        ),
                        None => format!(
                            "add `{export}` to `backend.exports` (and export it from the module)"
                        ),
                    };
                    self.push(
                        Diagnostic::error(
                            "MC0423",
                            format!("trigger export `{export}` is not listed in `backend.exports`"),
                        )
                        .at(&export_ptr)
                        .with_help(help),
                    );
                }
                let handler = Handler {
                    kind: HandlerKind::Wasm { function: export },
                    src: trigger_src,
                    target_src: export_ptr,
                };
                (handler, trigger.run_in_tx == Some(true))
            }
            kind @ ("noop" | "webhook") => {
                if export.is_some() {
                    self.push(
                        Diagnostic::error(
                            "MC0423",
                            format!("a `{kind}` trigger cannot name an `export`"),
                        )
                        .at(&export_ptr)
                        .with_help("remove `export`, or use `\"type\": \"wasm\"`"),
                    );
                }
                if trigger.run_in_tx == Some(true) {
                    self.push(
                        Diagnostic::error("MC0423", format!("a `{kind}` trigger cannot set `run_in_tx`"))
                            .at(pointer_push(&trigger_src, "run_in_tx"))
                            .with_help("only `wasm` triggers run inside the request's transaction; remove `run_in_tx`"),
                    );
                }
                if kind == "noop" {
                    let handler = Handler {
                        kind: HandlerKind::Noop,
                        src: trigger_src.clone(),
                        target_src: trigger_src,
                    };
                    (handler, false)
                } else {
                    (
                        self.hook_handler(key, src, &trigger_src, model, names),
                        false,
                    )
                }
            }
            other => {
                let help = match did_you_mean(other, &["wasm", "webhook", "noop"]) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "the trigger type is `wasm`, `webhook` or `noop`".into(),
                };
                self.push(
                    Diagnostic::error(
                        "MC0423",
                        if other.is_empty() {
                            format!("action `{key}`: the trigger has no `type`")
                        } else {
                            format!("action `{key}`: unknown trigger type `{other}`")
                        },
                    )
                    .at(pointer_push(&trigger_src, "type"))
                    .with_help(help),
                );
                (none(&trigger_src), false)
            }
        }
    }

    /// A webhook handler from `hooks["<model>::<key>"]`, or none (MC0406).
    fn hook_handler(
        &mut self,
        key: &str,
        src: &str,
        none_src: &str,
        model: &str,
        names: &[String],
    ) -> Handler {
        let hooks = self.m.hooks.as_ref();
        let found = names.iter().find_map(|n| {
            let hook_key = format!("{n}::{key}");
            hooks
                .and_then(|h| h.get(&hook_key))
                .filter(|url| !url.trim().is_empty())
                .map(|url| (hook_key, url.clone()))
        });
        match found {
            Some((hook_key, url)) => {
                let pointer = pointer_push("/hooks", hook_key);
                Handler {
                    kind: HandlerKind::Webhook {
                        url,
                        method: "POST".into(),
                    },
                    src: pointer.clone(),
                    target_src: pointer,
                }
            }
            None => {
                self.push(
                    Diagnostic::warning(
                        "MC0406",
                        format!("action `{key}` has no handler: no trigger and no hook URL"),
                    )
                    .at(pointer_push(src, "key"))
                    .with_help(format!(
                        "add `\"hooks\": {{\"{model}::{key}\": \"https://…\"}}`, or a `trigger` (`wasm` with an export, or `noop`); until then the button does nothing and the route answers 501"
                    )),
                );
                Handler {
                    kind: HandlerKind::None,
                    src: none_src.to_string(),
                    target_src: none_src.to_string(),
                }
            }
        }
    }

    fn check_hooks(&mut self, declared: &BTreeSet<(String, String)>, backend_spec: &Backend) {
        let Some(hooks) = &self.m.hooks else {
            return;
        };
        let wasm = self
            .m
            .backend
            .as_ref()
            .is_some_and(|b| b.runtime.as_deref() == Some("wasm"));
        let declared_names: Vec<String> =
            declared.iter().map(|(m, a)| format!("{m}::{a}")).collect();
        for hook_key in self.ordered_keys("/hooks", hooks) {
            let pointer = pointer_push("/hooks", &hook_key);
            let Some((model, action)) = hook_key.split_once("::") else {
                self.push(
                    Diagnostic::warning(
                        "MC0410",
                        format!("hook key `{hook_key}` is not `<model>::<action>`"),
                    )
                    .at_key(&pointer)
                    .with_help("write the key as `<model>::<action>`, e.g. `tickets::resolve`"),
                );
                continue;
            };
            if !declared.contains(&(model.to_string(), action.to_string())) {
                let help = match did_you_mean(&hook_key, &declared_names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        format!("declare the action under `actions.{model}`, or remove the hook")
                    }
                };
                self.push(
                    Diagnostic::warning(
                        "MC0410",
                        format!("hook `{hook_key}` names no declared action"),
                    )
                    .at_key(&pointer)
                    .with_help(help),
                );
            }
            if wasm
                && !backend_spec
                    .declared_exports
                    .iter()
                    .any(|e| e.name == action)
            {
                self.push(
                    Diagnostic::error(
                        "MC0424",
                        format!("with `backend.runtime: wasm`, hook action `{action}` must be listed in `backend.exports`"),
                    )
                    .at_key(&pointer)
                    .with_help(format!("add `{action}` to `backend.exports`, or remove the hook")),
                );
            }
        }
    }

    // ----- tools ----------------------------------------------------------------------------

    fn tools(&mut self) -> Vec<Tool> {
        let mut out = Vec::new();
        for (i, def) in self.m.tools.iter().flatten().enumerate() {
            if let Some(tool) = self.tool(def, &format!("/tools/{i}")) {
                out.push(tool);
            }
        }
        out
    }

    fn tool(&mut self, def: &ToolDef, src: &str) -> Option<Tool> {
        let Some(key) = nonempty(&def.id) else {
            self.push(
                Diagnostic::error("MC0104", "a tool without an `id`")
                    .at(pointer_push(src, "id"))
                    .with_help(
                        "give the tool an id such as `create_order`; tools are addressed by it",
                    ),
            );
            return None;
        };
        let endpoint_ptr = pointer_push(src, "endpoint");
        let endpoint = def.endpoint.clone().unwrap_or_default();
        let method = def
            .method
            .as_ref()
            .filter(|m| !m.trim().is_empty())
            .map(|m| m.to_ascii_uppercase())
            .unwrap_or_else(|| "POST".into());
        if !HTTP_METHODS.contains(&method.as_str()) {
            self.enum_error(
                &method,
                &pointer_push(src, "method"),
                "HTTP method",
                &HTTP_METHODS,
            );
        }
        let kind = if endpoint.trim().is_empty() {
            self.push(
                Diagnostic::warning(
                    "MC0415",
                    format!("tool `{key}` has an empty `endpoint`; it is listed but cannot run"),
                )
                .at(&endpoint_ptr)
                .with_help("give the endpoint URL, or remove the tool"),
            );
            HandlerKind::None
        } else {
            if endpoint.starts_with('/') && self.base_url.is_none() {
                let name = endpoint.rsplit('/').next().unwrap_or_default();
                self.push(
                    Diagnostic::warning(
                        "MC0413",
                        format!("relative endpoint `{endpoint}` has no base URL"),
                    )
                    .at(&endpoint_ptr)
                    .with_help(format!(
                        "set `backend.url` to the server that serves it, or write an absolute URL; if your WASM backend exports `{name}`, call it through a `wasm` action instead"
                    )),
                );
            }
            HandlerKind::Webhook {
                url: endpoint,
                method,
            }
        };
        let handler = Handler {
            kind,
            src: src.to_string(),
            target_src: endpoint_ptr,
        };
        let input_schema = def
            .input_schema
            .as_ref()
            .map(|params| self.tool_schema(params, &pointer_push(src, "input_schema")));
        let timeout_secs = match def.timeout {
            Some(t) if t < 0 => {
                self.push(
                    Diagnostic::error(
                        "MC0108",
                        format!("tool `{key}` has a negative `timeout` ({t})"),
                    )
                    .at(pointer_push(src, "timeout"))
                    .with_help("give the timeout in seconds, or leave it out for the default"),
                );
                None
            }
            Some(t) if t > 0 => Some(t as f64),
            _ => None,
        };
        let mut hints = BTreeMap::new();
        let mut hint = |name: &str, value: Option<Json>| {
            if let Some(v) = value.filter(|v| !v.is_null()) {
                hints.insert(name.to_string(), v);
            }
        };
        hint("category", nonempty(&def.category).map(Json::String));
        hint(
            "trigger_keywords",
            def.trigger_keywords.as_ref().map(to_json),
        );
        hint("trigger_intents", def.trigger_intents.as_ref().map(to_json));
        hint(
            "auto_create_record",
            def.auto_create_record.as_ref().map(to_json),
        );
        hint("settings", def.settings.clone());
        hint("cache_ttl", def.cache_ttl.map(|v| json!(v)));
        hint("priority", def.priority.map(|v| json!(v)));
        Some(Tool {
            key,
            label: nonempty(&def.name),
            description: def.description.clone().unwrap_or_default(),
            input_schema,
            handler,
            timeout_secs,
            hints,
            src: src.to_string(),
        })
    }

    /// Tool parameters → a JSON Schema object (§5.3, "Tool parameter → JSON Schema").
    fn tool_schema(&mut self, params: &[ToolInputParam], src: &str) -> Json {
        let mut properties = Map::new();
        let mut required: Vec<Json> = Vec::new();
        for (j, param) in params.iter().enumerate() {
            let param_src = format!("{src}/{j}");
            let Some(name) = nonempty(&param.name) else {
                self.push(
                    Diagnostic::error("MC0104", "a tool parameter without a `name`")
                        .at(pointer_push(&param_src, "name"))
                        .with_help(
                            "name the parameter; it becomes the property name of the tool's input",
                        ),
                );
                continue;
            };
            let written = param.r#type.clone().unwrap_or_default();
            let kind = written.to_ascii_lowercase();
            let mut prop = match kind.as_str() {
                "" | "string" => json!({"type": "string"}),
                "number" => json!({"type": "number"}),
                "boolean" => json!({"type": "boolean"}),
                "date" => json!({"type": "string", "format": "date"}),
                "email" => json!({"type": "string", "format": "email"}),
                "phone" => json!({"type": "string", "pattern": PHONE_PATTERN}),
                _ => {
                    let allowed = ["string", "number", "date", "boolean", "email", "phone"];
                    let help = match did_you_mean(&kind, &allowed) {
                        Some(s) => format!(
                            "did you mean `{s}`? parameter types: {}",
                            allowed.join(", ")
                        ),
                        None => format!("parameter types: {}", allowed.join(", ")),
                    };
                    self.push(
                        Diagnostic::warning(
                            "MC0106",
                            format!("unknown parameter type `{written}`; it is read as `string`"),
                        )
                        .at(pointer_push(&param_src, "type"))
                        .with_help(help),
                    );
                    json!({"type": "string"})
                }
            };
            let object = prop.as_object_mut().expect("built as an object");
            let typed = |text: &str| -> Json {
                match kind.as_str() {
                    "number" => serde_json::from_str::<serde_json::Number>(text.trim())
                        .map(Json::Number)
                        .unwrap_or_else(|_| Json::String(text.to_string())),
                    "boolean" => match text {
                        "true" => Json::Bool(true),
                        "false" => Json::Bool(false),
                        _ => Json::String(text.to_string()),
                    },
                    _ => Json::String(text.to_string()),
                }
            };
            if let Some(description) = nonempty(&param.description) {
                object.insert("description".into(), Json::String(description));
            }
            if let Some(default) = &param.default_value {
                object.insert("default".into(), typed(default));
            }
            if let Some(example) = &param.example {
                object.insert("examples".into(), json!([typed(example)]));
            }
            if let Some(pattern) = nonempty(&param.validation) {
                object.insert("pattern".into(), Json::String(pattern));
            }
            if let Some(hint) = nonempty(&param.extraction_hint) {
                object.insert("x-extraction-hint".into(), Json::String(hint));
            }
            if let Some(normalize) = nonempty(&param.normalize) {
                object.insert("x-normalize".into(), Json::String(normalize));
            }
            if let Some(format) = nonempty(&param.format_pattern) {
                object.insert("x-format-pattern".into(), Json::String(format));
            }
            let name_json = Json::String(name.clone());
            if param.required == Some(true) && !required.contains(&name_json) {
                required.push(name_json);
            }
            properties.insert(name, prop);
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Json::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Json::Array(required));
        }
        Json::Object(schema)
    }

    // ----- settings, navigation, frontend, extras --------------------------------------------

    fn settings(&mut self) -> Vec<Setting> {
        let mut out = Vec::new();
        for (i, def) in self.m.settings.iter().flatten().enumerate() {
            let src = format!("/settings/{i}");
            let Some(key) = nonempty(&def.key) else {
                self.push(
                    Diagnostic::error("MC0104", "a setting without a `key`")
                        .at(pointer_push(&src, "key"))
                        .with_help("give the setting a key such as `api_key`"),
                );
                continue;
            };
            let type_ptr = pointer_push(&src, "type");
            let written = def.r#type.clone().unwrap_or_default();
            let lower = written.to_ascii_lowercase();
            let (base, legacy) = match lower.as_str() {
                "string" => (SettingType::String, false),
                "integer" => (SettingType::Integer, false),
                "number" => (SettingType::Number, false),
                "boolean" => (SettingType::Boolean, false),
                "secret" => (SettingType::Secret, false),
                "json" => (SettingType::Json, false),
                "select" => (SettingType::Select, false),
                "dynamic_select" => (SettingType::DynamicSelect, false),
                "text" | "textarea" | "url" | "email" => (SettingType::String, true),
                "password" => (SettingType::Secret, true),
                "int" => (SettingType::Integer, true),
                "float" | "decimal" => (SettingType::Number, true),
                "bool" => (SettingType::Boolean, true),
                "multiselect" => {
                    self.push(
                        Diagnostic::warning(
                            "MC0605",
                            format!("setting `{key}`: `multiselect` is read as `json` (a list of the chosen values)"),
                        )
                        .at(&type_ptr)
                        .with_help("there is no multi-select setting type; the value is stored as a JSON array"),
                    );
                    (SettingType::Json, false)
                }
                other => {
                    let known = [
                        "string",
                        "integer",
                        "number",
                        "boolean",
                        "secret",
                        "json",
                        "select",
                        "dynamic_select",
                        "text",
                        "textarea",
                        "url",
                        "email",
                        "password",
                        "int",
                        "float",
                        "decimal",
                        "bool",
                    ];
                    let help = match did_you_mean(other, &known) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "setting types: string, integer, number, boolean, secret, json, select, dynamic_select".into(),
                    };
                    self.push(
                        Diagnostic::warning(
                            "MC0605",
                            if other.is_empty() {
                                format!("setting `{key}` has no `type`; it is read as `string`")
                            } else {
                                format!("setting `{key}` has the unknown type `{written}`; it is read as `string`")
                            },
                        )
                        .at(&type_ptr)
                        .with_help(help),
                    );
                    (SettingType::String, false)
                }
            };
            if legacy {
                self.push(
                    Diagnostic::note(
                        "MC0605",
                        format!(
                            "setting type `{written}` is the legacy spelling of `{}`",
                            base.as_str()
                        ),
                    )
                    .at(&type_ptr)
                    .with_help(format!(
                        "both spellings are accepted; the canonical one is `{}`",
                        base.as_str()
                    )),
                );
            }
            let setting_type = if def.secret == Some(true) {
                SettingType::Secret
            } else {
                base
            };
            let default_value = def.default_value.clone().filter(|v| !v.is_null());
            let default_alt = def.default.clone().filter(|v| !v.is_null());
            if default_value.is_some() && default_alt.is_some() {
                self.push(
                    Diagnostic::note(
                        "MC0605",
                        format!("setting `{key}` gives both `default_value` and `default`; `default_value` is used"),
                    )
                    .at(pointer_push(&src, "default")),
                );
            }
            out.push(Setting {
                key,
                setting_type,
                label: nonempty(&def.label),
                description: None,
                default: default_value.or(default_alt),
                required: false,
                options: def
                    .options
                    .iter()
                    .flatten()
                    .filter_map(|o| {
                        let value = o.value.clone()?;
                        let label = nonempty(&o.label).unwrap_or_else(|| value.clone());
                        Some((value, label))
                    })
                    .collect(),
                options_source: None,
                section: None,
                validation: None,
                src,
            });
        }
        out
    }

    fn nav_items(&mut self, items: Option<&[V2NavItem]>, src: &str) -> Vec<NavItem> {
        items
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(k, item)| {
                let item_src = format!("{src}/items/{k}");
                let url = nonempty(&item.url);
                let model = nonempty(&item.model).or_else(|| {
                    let rest = url.as_deref()?.strip_prefix("/m/")?;
                    let name = rest.split(['?', '#', '/']).next().unwrap_or_default();
                    self.is_own_model(name).then(|| name.to_string())
                });
                NavItem {
                    title: item.title.clone().unwrap_or_default(),
                    url,
                    icon: nonempty(&item.icon),
                    model,
                    permission: nonempty(&item.permission),
                    items: self.nav_items(item.items.as_deref(), &item_src),
                    filter: item.filter.clone().unwrap_or_default(),
                    view_type: None,
                    group_by: nonempty(&item.group_by),
                    requires: Vec::new(),
                    requires_capabilities: item.requires_capabilities.clone().unwrap_or_default(),
                    condition: None,
                    src: item_src,
                }
            })
            .collect()
    }

    fn frontend(&mut self) -> Option<Frontend> {
        let f = self.m.frontend.as_ref()?;
        let format = match f.format.as_deref().unwrap_or("") {
            "" => "federation".to_string(),
            known @ ("federation" | "script") => known.to_string(),
            other => {
                self.enum_error(
                    other,
                    "/frontend/format",
                    "frontend format",
                    &["federation", "script"],
                );
                other.to_string()
            }
        };
        Some(Frontend {
            entry: f.entry.clone().unwrap_or_default(),
            format,
            expose: nonempty(&f.expose),
            integrity: nonempty(&f.integrity),
            container: nonempty(&f.container).unwrap_or_else(|| format!("metacore_{}", self.key)),
            layout: nonempty(&f.layout),
        })
    }

    fn extras(&mut self) -> BTreeMap<String, Json> {
        let m = self.m;
        let mut extras = BTreeMap::new();
        if let Some(permissions) = &m.permissions {
            extras.insert("permissions".to_string(), to_json(permissions));
            if !permissions.is_empty() {
                self.push(
                    Diagnostic::note("MC0904", "legacy `permissions` are kept but grant nothing")
                        .at_key("/permissions")
                        .with_help("an addon always reaches its own tables; declare `capabilities` (`db:read`, `db:write`) for anything else"),
                );
            }
        }
        if let Some(models) = &m.models {
            extras.insert("models".to_string(), to_json(models));
        }
        if let Some(price) = nonempty(&m.price) {
            extras.insert("price".to_string(), Json::String(price));
        }
        if let Some(hooks) = m.lifecycle_hooks.as_ref().filter(|v| !v.is_null()) {
            extras.insert("lifecycle_hooks".to_string(), hooks.clone());
            self.push(
                Diagnostic::note(
                    "MC0904",
                    "`lifecycle_hooks` are accepted but never run (the kernel never ran them either)",
                )
                .at_key("/lifecycle_hooks"),
            );
        }
        let mut extension_columns = Vec::new();
        for (i, ext) in m.extensions.iter().flatten().enumerate() {
            if let Some(columns) = ext.columns.as_ref().filter(|c| !c.is_empty()) {
                extension_columns.push(json!({
                    "model": ext.model.clone().unwrap_or_default(),
                    "columns": to_json(columns),
                }));
                self.push(
                    Diagnostic::note(
                        "MC0904",
                        format!(
                            "columns added to the core model `{}` are accepted; this version does not generate them",
                            ext.model.as_deref().unwrap_or_default()
                        ),
                    )
                    .at_key(format!("/extensions/{i}/columns")),
                );
            }
        }
        if !extension_columns.is_empty() {
            extras.insert("extensions".to_string(), Json::Array(extension_columns));
        }
        if let Some(signature) = &m.signature {
            extras.insert("signature".to_string(), to_json(signature));
        }
        extras
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn lower_text(text: &str) -> (Addon, Vec<Diagnostic>) {
        let root = crate::json::parse(text).expect("test JSON").root;
        let manifest: ManifestV2 =
            serde_json::from_value(root.to_serde()).expect("test manifest deserialises");
        let mut out = Vec::new();
        let addon = lower(&manifest, &root, &mut out);
        (addon, out)
    }

    fn lower_json(value: Json) -> (Addon, Vec<Diagnostic>) {
        lower_text(&value.to_string())
    }

    /// A minimal valid manifest with `extra` merged in at the top level.
    fn manifest(extra: Json) -> Json {
        let mut base = json!({
            "key": "shop", "name": "Shop", "version": "1.0.0",
            "model_definitions": [{
                "table_name": "orders", "model_key": "orders",
                "columns": [{"name": "number", "type": "string"}]
            }]
        });
        for (k, v) in extra.as_object().expect("object").iter() {
            base[k] = v.clone();
        }
        base
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = diagnostics.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes
    }

    fn find<'d>(diagnostics: &'d [Diagnostic], code: &str) -> &'d Diagnostic {
        diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
    }

    fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
        diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    #[test]
    fn minimal_manifest_lowers_cleanly() {
        let (addon, out) = lower_json(manifest(json!({})));
        assert!(out.is_empty(), "{out:#?}");
        assert_eq!(addon.key, "shop");
        assert_eq!(addon.dialect, Dialect::V2);
        assert_eq!(addon.version, Version::new(1, 0, 0));
        assert_eq!(addon.tenancy.isolation, Isolation::Shared);
        assert_eq!(addon.tenancy.column, "organization_id");
        assert_eq!(addon.models.len(), 1);
    }

    #[test]
    fn implicit_columns_in_order_with_canonical_types() {
        let (addon, out) = lower_json(manifest(json!({"model_definitions": [{
            "table_name": "fiscal_documents", "model_key": "fiscal_documents",
            "org_scoped": true, "soft_delete": true,
            "columns": [
                {"name": "code", "type": "string", "size": 20, "required": true},
                {"name": "title", "type": "STRING"},
                {"name": "total", "type": "Decimal", "size": 3},
                {"name": "rate", "type": "float"},
                {"name": "qty", "type": "int"},
                {"name": "big", "type": "bigint"},
                {"name": "done", "type": "bool"},
                {"name": "due", "type": "datetime"},
                {"name": "stamped", "type": "timestamp"},
                {"name": "day", "type": "date"},
                {"name": "data", "type": "json"},
                {"name": "ref_id", "type": "uuid"},
                {"name": "notes", "type": "text"}
            ]
        }]})));
        assert!(out.is_empty(), "{out:#?}");
        let model = &addon.models[0];
        assert_eq!(model.key, "FiscalDocuments");
        assert_eq!(model.table, "fiscal_documents");
        assert_eq!(model.alias, None);
        assert_eq!(model.src, "/model_definitions/0");
        let summary: Vec<(&str, String, bool, bool)> = model
            .columns
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.column_type.canonical(),
                    c.nullable,
                    c.implicit,
                )
            })
            .collect();
        let expected: Vec<(&str, &str, bool, bool)> = vec![
            ("id", "uuid", false, true),
            ("organization_id", "uuid", false, true),
            ("code", "varchar(20)", false, false),
            ("title", "varchar(255)", true, false),
            ("total", "numeric(18,4)", true, false),
            ("rate", "numeric(18,4)", true, false),
            ("qty", "integer", true, false),
            ("big", "bigint", true, false),
            ("done", "boolean", true, false),
            ("due", "timestamptz", true, false),
            ("stamped", "timestamptz", true, false),
            ("day", "date", true, false),
            ("data", "jsonb", true, false),
            ("ref_id", "uuid", true, false),
            ("notes", "text", true, false),
            ("created_at", "timestamptz", false, true),
            ("updated_at", "timestamptz", false, true),
            ("deleted_at", "timestamptz", true, true),
        ];
        let expected: Vec<(&str, String, bool, bool)> = expected
            .into_iter()
            .map(|(n, t, nl, i)| (n, t.to_string(), nl, i))
            .collect();
        assert_eq!(summary, expected);
        let id = model.column("id").unwrap();
        assert!(id.primary_key);
        assert_eq!(id.role, SystemRole::Id);
        assert_eq!(id.default, Some(ColumnDefault::RandomUuid));
        assert_eq!(id.src, "/model_definitions/0");
        assert_eq!(model.tenancy_column().unwrap().role, SystemRole::Tenancy);
        assert_eq!(
            model.column("created_at").unwrap().default,
            Some(ColumnDefault::Now)
        );
        assert_eq!(
            model.column("updated_at").unwrap().role,
            SystemRole::UpdatedAt
        );
        assert!(model.soft_delete());
        let code = model.column("code").unwrap();
        assert_eq!(code.src, "/model_definitions/0/columns/0");
        assert_eq!(code.written_type, "string");
        assert_eq!(code.role, SystemRole::None);
    }

    #[test]
    fn model_key_alias_and_no_soft_delete() {
        let (addon, _) = lower_json(manifest(json!({"model_definitions": [{
            "table_name": "order_lines", "model_key": "lines",
            "columns": [{"name": "qty", "type": "integer"}]
        }]})));
        let model = &addon.models[0];
        assert_eq!(model.key, "Lines");
        assert_eq!(model.alias.as_deref(), Some("lines"));
        assert!(!model.soft_delete());
        assert_eq!(model.columns.last().unwrap().name, "updated_at");
        assert!(addon.find_model("lines").is_some());
        assert_eq!(pascal_case("fiscal_documents"), "FiscalDocuments");
        assert_eq!(pascal_case("v2-items"), "V2Items");
    }

    #[test]
    fn derived_indices() {
        let (addon, out) = lower_json(manifest(json!({"model_definitions": [{
            "table_name": "projects", "model_key": "projects", "soft_delete": true,
            "columns": [
                {"name": "manager_id", "type": "uuid", "index": true},
                {"name": "code", "type": "string", "unique": true, "index": true},
                {"name": "name", "type": "string"}
            ]
        }]})));
        assert!(out.is_empty(), "{out:#?}");
        let indices: Vec<(&str, Vec<&str>, bool, bool, bool)> = addon.models[0]
            .indices
            .iter()
            .map(|i| {
                (
                    i.name.as_str(),
                    i.columns.iter().map(String::as_str).collect(),
                    i.unique,
                    i.only_live_rows,
                    i.implicit,
                )
            })
            .collect();
        assert_eq!(
            indices,
            vec![
                (
                    "idx_projects_manager_id",
                    vec!["manager_id"],
                    false,
                    false,
                    false
                ),
                (
                    "uidx_projects_code",
                    vec!["organization_id", "code"],
                    true,
                    true,
                    false
                ),
                (
                    "idx_projects_org",
                    vec!["organization_id"],
                    false,
                    false,
                    true
                ),
            ]
        );
        assert_eq!(
            addon.models[0].indices[0].src,
            "/model_definitions/0/columns/0"
        );
        assert_eq!(addon.models[0].indices[2].src, "/model_definitions/0");
    }

    #[test]
    fn tenancy_column_follows_isolation() {
        let defs = json!([
            {"table_name": "a_rows", "model_key": "a_rows", "org_scoped": false,
             "columns": [{"name": "code", "type": "string", "unique": true}]},
            {"table_name": "b_rows", "model_key": "b_rows", "org_scoped": true,
             "columns": [{"name": "code", "type": "string"}]}
        ]);
        let (addon, _) = lower_json(manifest(
            json!({"tenant_isolation": "database-per-tenant", "model_definitions": defs}),
        ));
        assert_eq!(addon.tenancy.isolation, Isolation::Database);
        let a = &addon.models[0];
        assert!(a.tenancy_column().is_none());
        assert_eq!(a.indices.len(), 1);
        assert_eq!(a.indices[0].columns, ["code"]);
        assert!(addon.models[1].tenancy_column().is_some());
        // Shared and schema isolation always add it, whatever `org_scoped` says.
        for isolation in ["shared", "schema-per-tenant"] {
            let (addon, _) = lower_json(manifest(
                json!({"tenant_isolation": isolation, "model_definitions": defs}),
            ));
            assert!(addon.models[0].tenancy_column().is_some(), "{isolation}");
        }
        let (addon, _) = lower_json(manifest(json!({"tenant_isolation": "schema-per-tenant"})));
        assert_eq!(addon.tenancy.isolation, Isolation::Schema);
        let (addon, out) = lower_json(manifest(json!({"tenant_isolation": "schema"})));
        assert_eq!(addon.tenancy.isolation, Isolation::Shared);
        let d = find(&out, "MC0106");
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.pointer(), Some("/tenant_isolation"));
        assert!(d.help.as_deref().unwrap().contains("schema-per-tenant"));
    }

    #[test]
    fn column_syntax_rules() {
        let (addon, out) = lower_json(manifest(json!({"model_definitions": [{
            "table_name": "Bad-Table", "model_key": "",
            "columns": [
                {"name": "id", "type": "uuid"},
                {"name": "created_at", "type": "timestamp"},
                {"name": "Amount", "type": "money"},
                {"name": "code", "type": "varchar(20)"},
                {"name": "short", "type": "string", "size": -1},
                {"name": "{{FIELD}}", "type": "text"},
                {"name": "", "type": "text"},
                {"name": "nothing", "type": ""},
                {"name": "vis", "type": "text", "visibility": "hidden", "widget": "dropdown"},
                {"name": "ok", "type": "text", "visibility": "table", "widget": "textarea",
                 "searchable": true, "validation": {"regex": "^[a-z]+$", "min": 1, "max": 2.5}}
            ]
        }]})));
        let p = |i: usize, f: &str| format!("/model_definitions/0/columns/{i}/{f}");
        let at = |code: &str, pointer: &str| {
            assert!(
                out.iter()
                    .any(|d| d.code == code && d.pointer() == Some(pointer)),
                "{code} at {pointer}: {out:#?}"
            )
        };
        at("MC0304", "/model_definitions/0/table_name");
        at("MC0104", "/model_definitions/0/model_key");
        at("MC0312", &p(0, "name"));
        at("MC0312", &p(1, "name"));
        at("MC0304", &p(2, "name"));
        at("MC0305", &p(2, "type"));
        at("MC0305", &p(3, "type"));
        at("MC0108", &p(4, "size"));
        at("MC0110", &p(5, "name"));
        at("MC0104", &p(6, "name"));
        at("MC0104", &p(7, "type"));
        at("MC0106", &p(8, "visibility"));
        at("MC0106", &p(8, "widget"));
        let varchar = out
            .iter()
            .find(|d| d.code == "MC0305" && d.pointer() == Some(p(3, "type").as_str()))
            .unwrap();
        assert!(varchar.help.as_deref().unwrap().contains("\"size\": 20"));
        let model = &addon.models[0];
        assert_eq!(model.key, "BadTable");
        // Implicit names are not duplicated and nameless columns are dropped.
        assert_eq!(model.columns.iter().filter(|c| c.name == "id").count(), 1);
        assert!(model.columns.iter().all(|c| !c.name.is_empty()));
        let ok = model.column("ok").unwrap();
        assert!(ok.searchable);
        assert_eq!(ok.ui["visibility"], json!("table"));
        assert_eq!(ok.ui["widget"], json!("textarea"));
        let v = ok.validation.as_ref().unwrap();
        assert_eq!(
            (v.regex.as_deref(), v.min, v.max),
            (Some("^[a-z]+$"), Some(1.0), Some(2.5))
        );
        assert_eq!(v.src, "/model_definitions/0/columns/9/validation");
        assert!(model.column("vis").unwrap().ui.is_empty());
        let (_, out) = lower_json(manifest(json!({"model_definitions": [
            {"table_name": "t_one", "model_key": "t_one", "columns": []}
        ]})));
        assert_eq!(codes(&out), ["MC0104"]);
        assert_eq!(out[0].pointer(), Some("/model_definitions/0/columns"));
    }

    #[test]
    fn column_defaults_use_exact_text() {
        let (addon, out) = lower_json(manifest(json!({"model_definitions": [{
            "table_name": "assets", "model_key": "assets",
            "columns": [
                {"name": "rate", "type": "float", "default": 0.1},
                {"name": "months", "type": "integer", "default": 60},
                {"name": "status", "type": "string", "size": 20, "default": "'draft'"},
                {"name": "active", "type": "boolean", "default": true},
                {"name": "stamp", "type": "datetime", "default": "now()"},
                {"name": "bad", "type": "string", "default": "open"},
                {"name": "none", "type": "string", "default": ""}
            ]
        }]})));
        let model = &addon.models[0];
        let default = |n: &str| model.column(n).unwrap().default.clone();
        assert_eq!(default("rate"), Some(ColumnDefault::Number("0.1".into())));
        assert_eq!(default("months"), Some(ColumnDefault::Number("60".into())));
        assert_eq!(default("status"), Some(ColumnDefault::Text("draft".into())));
        assert_eq!(default("active"), Some(ColumnDefault::Bool(true)));
        assert_eq!(default("stamp"), Some(ColumnDefault::Now));
        assert_eq!(default("bad"), None);
        assert_eq!(default("none"), None);
        assert_eq!(codes(&out), ["MC0306"]);
        assert_eq!(
            out[0].pointer(),
            Some("/model_definitions/0/columns/5/default")
        );
    }

    #[test]
    fn relations_and_belongs_to() {
        let (addon, out) = lower_json(manifest(json!({"model_definitions": [{
            "table_name": "lines", "model_key": "lines",
            "columns": [
                {"name": "order_id", "type": "uuid"},
                {"name": "product_id", "type": "uuid", "ref": "catalog.products"}
            ],
            "relations": [
                {"name": "order", "kind": "belongs_to", "through": "orders", "foreign_key": "order_id"},
                {"name": "order_again", "kind": "belongs_to", "through": "archived_orders", "foreign_key": "order_id"},
                {"name": "product", "kind": "belongs_to", "through": "products", "foreign_key": "product_id", "references": "id"},
                {"name": "tags", "kind": "many_to_many", "through": "tags", "foreign_key": "line_id"},
                {"name": "notes", "kind": "one_to_many", "through": "notes", "foreign_key": "line_id", "pivot": "x"},
                {"name": "Bad", "kind": "has_many", "through": "x", "foreign_key": "y"},
                {"name": "ghost", "kind": "belongs_to", "through": "orders", "foreign_key": "ghost_id"}
            ]
        }]})));
        let model = &addon.models[0];
        assert_eq!(
            model.column("order_id").unwrap().reference.as_deref(),
            Some("orders")
        );
        assert_eq!(
            model.column("product_id").unwrap().reference.as_deref(),
            Some("catalog.products")
        );
        assert_eq!(model.relations.len(), 7);
        assert_eq!(model.relations[0].src, "/model_definitions/0/relations/0");
        let fk = &model.foreign_keys[0];
        assert_eq!(
            (
                fk.columns.clone(),
                fk.target_model.as_str(),
                fk.target_columns.clone(),
                fk.physical
            ),
            (
                vec!["order_id".to_string()],
                "orders",
                vec!["id".to_string()],
                false
            )
        );
        assert_eq!(model.foreign_keys.len(), 3);
        let p = |k: usize| format!("/model_definitions/0/relations/{k}");
        let at = |code: &str, pointer: &str| {
            assert!(
                out.iter()
                    .any(|d| d.code == code && d.pointer() == Some(pointer)),
                "{code} at {pointer}: {out:#?}"
            )
        };
        at("MC0317", &p(3));
        at("MC0317", &format!("{}/pivot", p(4)));
        at("MC0317", &format!("{}/name", p(5)));
        at("MC0317", &format!("{}/kind", p(5)));
        at("MC0313", &format!("{}/foreign_key", p(6)));
        assert_eq!(
            codes(&out),
            ["MC0313", "MC0317", "MC0317", "MC0317", "MC0317"]
        );
    }

    #[test]
    fn inline_ui_is_normalised_and_checked() {
        let (addon, out) = lower_json(manifest(json!({"model_definitions": [
            {"table_name": "asset_categories", "model_key": "asset_categories",
             "columns": [{"name": "name", "type": "string"}, {"name": "parent_id", "type": "uuid"}],
             "table": {"title": "Cats", "columns": [{"key": "name", "label": "N", "type": "text"},
                                        {"key": "nam", "label": "typo"}],
                       "searchColumns": ["name", "created_at", "code"],
                       "filters": [{"key": "p", "column": "parent_id", "searchEndpoint": "asset_categories"},
                                   {"key": "q", "column": "missing"}]},
             "modal": {"title": "Cat", "fields": [
                 {"key": "parent_id", "type": "search", "searchEndpoint": "asset_categories"},
                 {"key": "owner_id", "type": "search", "searchEndpoint": "employees"},
                 {"key": "name", "searchEndpoint": "/options/asset_categories?field=name"}]}}
        ]})));
        let model = &addon.models[0];
        // The picker of an own model by id makes `parent_id` a reference; `owner_id` picks
        // from no model of this addon and stays a plain column.
        assert_eq!(
            model.column("parent_id").unwrap().reference.as_deref(),
            Some("asset_categories")
        );
        let table = model.table_ui.as_ref().unwrap();
        assert_eq!(table["title"], json!("Cats"));
        assert_eq!(
            table["filters"][0]["searchEndpoint"],
            json!("/options/asset_categories?field=id")
        );
        let modal = model.modal_ui.as_ref().unwrap();
        assert_eq!(
            modal["fields"][0]["searchEndpoint"],
            json!("/options/asset_categories?field=id")
        );
        assert_eq!(
            modal["fields"][1]["searchEndpoint"],
            json!("/options/employees?field=id")
        );
        assert_eq!(
            modal["fields"][2]["searchEndpoint"],
            json!("/options/asset_categories?field=name")
        );
        let base = "/model_definitions/0";
        let at = |code: &str, pointer: String| {
            assert!(
                out.iter().any(|d| d.code == code
                    && d.pointer() == Some(pointer.as_str())
                    && d.severity == Severity::Warning),
                "{code} at {pointer}: {out:#?}"
            )
        };
        at("MC0322", format!("{base}/table/columns/1/key"));
        at("MC0322", format!("{base}/table/searchColumns/2"));
        at("MC0322", format!("{base}/table/filters/1/column"));
        at("MC0322", format!("{base}/modal/fields/1/key"));
        at("MC0321", format!("{base}/modal/fields/1/searchEndpoint"));
        assert_eq!(
            codes(&out),
            ["MC0321", "MC0322", "MC0322", "MC0322", "MC0322"],
            "created_at is an implicit column: {out:#?}"
        );
        assert!(find(&out, "MC0322")
            .help
            .as_deref()
            .unwrap()
            .contains("`name`"));
    }

    fn action_manifest(actions: Json, hooks: Json, backend: Json) -> Json {
        manifest(json!({
            "model_definitions": [{"table_name": "tickets", "model_key": "ticket",
                                   "columns": [{"name": "status", "type": "string"}]}],
            "actions": actions, "hooks": hooks, "backend": backend
        }))
    }

    #[test]
    fn action_handlers() {
        let (addon, out) = lower_json(action_manifest(
            json!({"tickets": [
                {"key": "resolve", "label": "Resolve", "trigger": {"type": "wasm", "export": "resolve", "run_in_tx": true},
                 "requiresState": ["open"], "confirm": true, "confirmMessage": "Sure?"},
                {"key": "ping", "name": "Ping", "trigger": {"type": "noop"}},
                {"key": "escalate", "fields": [{"name": "reason", "label": "Why", "type": "select", "required": true,
                                                "options": [{"value": "a", "label": "A"}], "size": 40}]},
                {"key": "assign", "trigger": {"type": "webhook"}},
                {"key": "nothing", "modal": "shop.nothing"}
            ]}),
            json!({"tickets::escalate": "https://hooks.example.com/escalate",
                   "ticket::assign": "/hooks/assign"}),
            json!({"runtime": "webhook", "exports": ["resolve"]}),
        ));
        let keys: Vec<&str> = addon.actions.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["resolve", "ping", "escalate", "assign", "nothing"]);
        let resolve = &addon.actions[0];
        assert_eq!(resolve.src, "/actions/tickets/0");
        assert_eq!(resolve.target_model.as_deref(), Some("tickets"));
        assert_eq!(resolve.placement, "row");
        assert_eq!(
            resolve.handler.kind,
            HandlerKind::Wasm {
                function: "resolve".into()
            }
        );
        assert_eq!(resolve.handler.src, "/actions/tickets/0/trigger");
        assert_eq!(
            resolve.handler.target_src,
            "/actions/tickets/0/trigger/export"
        );
        assert!(resolve.run_in_tx);
        assert_eq!(resolve.requires_state, ["open"]);
        assert!(resolve.confirm);
        assert_eq!(resolve.confirm_message.as_deref(), Some("Sure?"));
        assert_eq!(resolve.label.as_deref(), Some("Resolve"));
        let ping = &addon.actions[1];
        assert_eq!(ping.handler.kind, HandlerKind::Noop);
        assert_eq!(ping.label.as_deref(), Some("Ping"));
        let escalate = &addon.actions[2];
        assert_eq!(
            escalate.handler.kind,
            HandlerKind::Webhook {
                url: "https://hooks.example.com/escalate".into(),
                method: "POST".into()
            }
        );
        assert_eq!(escalate.handler.src, "/hooks/tickets::escalate");
        assert_eq!(escalate.handler.target_src, "/hooks/tickets::escalate");
        let field = &escalate.fields[0];
        assert_eq!(
            (
                field.key.as_str(),
                field.field_type.as_str(),
                field.required
            ),
            ("reason", "select", true)
        );
        assert_eq!(field.options, Some(json!([{"value": "a", "label": "A"}])));
        assert_eq!(field.ui["size"], json!(40));
        assert_eq!(field.src, "/actions/tickets/2/fields/0");
        // The hook may use the model key as well as the table name.
        let assign = &addon.actions[3];
        assert_eq!(
            assign.handler.kind,
            HandlerKind::Webhook {
                url: "/hooks/assign".into(),
                method: "POST".into()
            }
        );
        let nothing = &addon.actions[4];
        assert_eq!(nothing.handler.kind, HandlerKind::None);
        assert_eq!(nothing.modal.as_deref(), Some("shop.nothing"));
        assert_eq!(codes(&out), ["MC0406"]);
        assert_eq!(out[0].severity, Severity::Warning);
        assert_eq!(out[0].pointer(), Some("/actions/tickets/4/key"));
        assert_eq!(addon.backend.declared_exports[0].src, "/backend/exports/0");
    }

    #[test]
    fn trigger_rules() {
        let (addon, out) = lower_json(action_manifest(
            json!({"tickets": [
                {"key": "a", "trigger": {"type": "wasm"}},
                {"key": "b", "trigger": {"type": "wasm", "export": "not_listed"}},
                {"key": "c", "trigger": {"type": "wasm", "export": "bad-name"}},
                {"key": "d", "trigger": {"type": "noop", "export": "x"}},
                {"key": "e", "trigger": {"type": "webhook", "run_in_tx": true}},
                {"key": "f", "trigger": {"type": "lambda"}}
            ]}),
            json!({"tickets::e": "https://h.example.com/e"}),
            json!({"runtime": "webhook", "exports": ["resolve"]}),
        ));
        let p = |i: usize, f: &str| format!("/actions/tickets/{i}/trigger{f}");
        for (code, pointer) in [
            ("MC0423", p(0, "")),
            ("MC0423", p(1, "/export")),
            ("MC0423", p(2, "/export")),
            ("MC0423", p(3, "/export")),
            ("MC0423", p(4, "/run_in_tx")),
            ("MC0423", p(5, "/type")),
        ] {
            assert!(
                out.iter()
                    .any(|d| d.code == code && d.pointer() == Some(pointer.as_str())),
                "{code} at {pointer}: {out:#?}"
            );
        }
        assert_eq!(codes(&out), ["MC0423"; 6]);
        assert_eq!(addon.actions[0].handler.kind, HandlerKind::None);
        assert_eq!(
            addon.actions[1].handler.kind,
            HandlerKind::Wasm {
                function: "not_listed".into()
            }
        );
        assert_eq!(addon.actions[2].handler.kind, HandlerKind::None);
        assert_eq!(addon.actions[3].handler.kind, HandlerKind::Noop);
        assert!(!addon.actions[4].run_in_tx);
        assert_eq!(addon.actions[5].handler.kind, HandlerKind::None);
    }

    #[test]
    fn action_fields_keys_and_map_keys() {
        let (addon, out) = lower_json(action_manifest(
            json!({
                "tickets": [
                    {"key": "", "trigger": {"type": "noop"}},
                    {"key": "close", "trigger": {"type": "noop"},
                     "fields": [{"name": "why"}, {"name": ""}, {"name": "why"}, {"label": "no name"}]}
                ],
                "tikets": [{"key": "lost", "trigger": {"type": "noop"}}]
            }),
            json!({"tickets::gone": "https://h.example.com/gone", "nonsense": "https://h.example.com"}),
            json!({"runtime": "webhook"}),
        ));
        let keys: Vec<&str> = addon.actions.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["close", "lost"]);
        assert_eq!(addon.actions[0].fields.len(), 1);
        let at = |code: &str, pointer: &str, severity: Severity| {
            assert!(
                out.iter().any(|d| d.code == code
                    && d.pointer() == Some(pointer)
                    && d.severity == severity),
                "{code} at {pointer}: {out:#?}"
            )
        };
        at("MC0104", "/actions/tickets/0/key", Severity::Error);
        at(
            "MC0426",
            "/actions/tickets/1/fields/1/name",
            Severity::Error,
        );
        at(
            "MC0426",
            "/actions/tickets/1/fields/2/name",
            Severity::Error,
        );
        at(
            "MC0426",
            "/actions/tickets/1/fields/3/name",
            Severity::Error,
        );
        at("MC0410", "/actions/tikets", Severity::Error);
        at("MC0410", "/hooks/tickets::gone", Severity::Warning);
        at("MC0410", "/hooks/nonsense", Severity::Warning);
        assert!(find(&out, "MC0410")
            .help
            .as_deref()
            .unwrap()
            .contains("`tickets`"));
        assert_eq!(
            codes(&out),
            ["MC0104", "MC0410", "MC0410", "MC0410", "MC0426", "MC0426", "MC0426"]
        );
    }

    #[test]
    fn backend_rules() {
        let (addon, out) = lower_json(action_manifest(
            json!({"tickets": [{"key": "resolve", "trigger": {"type": "wasm", "export": "resolve"}},
                               {"key": "notify"}]}),
            json!({"tickets::notify": "https://h.example.com/notify"}),
            json!({"runtime": "wasm", "entry": " ", "exports": ["resolve"],
                   "memory_limit_mb": 128, "timeout_ms": 5000, "url": "https://api.example.com"}),
        ));
        assert_eq!(codes(&out), ["MC0424", "MC0424"]);
        assert_eq!(find(&out, "MC0424").pointer(), Some("/backend/entry"));
        assert!(out
            .iter()
            .any(|d| d.pointer() == Some("/hooks/tickets::notify")));
        assert_eq!(addon.backend.entry, "backend/backend.wasm");
        assert_eq!(addon.backend.memory_limit_mb, 128);
        assert_eq!(addon.backend.timeout_ms, 5000);
        assert_eq!(
            addon.backend.base_url.as_deref(),
            Some("https://api.example.com")
        );

        let (_, out) = lower_json(manifest(json!({"backend": {"runtime": "binary"}})));
        assert_eq!(codes(&out), ["MC0409"]);
        assert_eq!(out[0].severity, Severity::Warning);
        let (_, out) = lower_json(manifest(json!({"backend": {"entry": "x.wasm"}})));
        assert_eq!(codes(&out), ["MC0424"]);
        let (_, out) = lower_json(manifest(
            json!({"backend": {"runtime": "wasn", "entry": "x"}}),
        ));
        assert_eq!(codes(&out), ["MC0106"]);
        let (addon, out) = lower_json(manifest(
            json!({"backend": {"runtime": "webhook", "memory_limit_mb": -1}}),
        ));
        assert_eq!(codes(&out), ["MC0108"]);
        assert_eq!(addon.backend.memory_limit_mb, 64);
    }

    #[test]
    fn tools_lower_to_json_schema() {
        let (addon, out) = lower_json(manifest(json!({"tools": [
            {"id": "send_message", "name": "Send", "description": "Sends a message",
             "category": "communication", "trigger_keywords": ["send"], "trigger_intents": ["msg.send"],
             "auto_create_record": "ticket", "settings": {"a": 1}, "cache_ttl": 60, "priority": 2,
             "endpoint": "https://api.example.com/send", "method": "get", "timeout": 20,
             "input_schema": [
                {"name": "phone", "type": "phone", "description": "Phone", "required": true,
                 "example": "+5215555555555", "extraction_hint": "digits", "normalize": "trim"},
                {"name": "body", "type": "string", "description": "", "required": true,
                 "format_pattern": "^.+$"},
                {"name": "limit", "type": "number", "default_value": "20", "example": "5"},
                {"name": "when", "type": "date", "validation": "^\\d{4}-\\d{2}-\\d{2}$"},
                {"name": "email", "type": "email"},
                {"name": "urgent", "type": "boolean", "default_value": "false"}
             ]},
            {"id": "empty", "description": "x", "endpoint": ""},
            {"id": "relative", "description": "x", "endpoint": "/webhooks/relative"}
        ]})));
        let tool = &addon.tools[0];
        assert_eq!(tool.key, "send_message");
        assert_eq!(tool.label.as_deref(), Some("Send"));
        assert_eq!(tool.description, "Sends a message");
        assert_eq!(tool.src, "/tools/0");
        assert_eq!(
            tool.handler.kind,
            HandlerKind::Webhook {
                url: "https://api.example.com/send".into(),
                method: "GET".into()
            }
        );
        assert_eq!(tool.handler.src, "/tools/0");
        assert_eq!(tool.handler.target_src, "/tools/0/endpoint");
        assert_eq!(tool.timeout_secs, Some(20.0));
        assert_eq!(
            tool.input_schema,
            Some(json!({
                "type": "object",
                "properties": {
                    "phone": {"type": "string", "pattern": PHONE_PATTERN, "description": "Phone",
                              "examples": ["+5215555555555"], "x-extraction-hint": "digits",
                              "x-normalize": "trim"},
                    "body": {"type": "string", "x-format-pattern": "^.+$"},
                    "limit": {"type": "number", "default": 20, "examples": [5]},
                    "when": {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
                    "email": {"type": "string", "format": "email"},
                    "urgent": {"type": "boolean", "default": false}
                },
                "required": ["phone", "body"]
            }))
        );
        let hints: Vec<&str> = tool.hints.keys().map(String::as_str).collect();
        assert_eq!(
            hints,
            [
                "auto_create_record",
                "cache_ttl",
                "category",
                "priority",
                "settings",
                "trigger_intents",
                "trigger_keywords"
            ]
        );
        assert_eq!(tool.hints["auto_create_record"], json!("ticket"));
        assert_eq!(addon.tools[1].handler.kind, HandlerKind::None);
        assert_eq!(
            addon.tools[2].handler.kind,
            HandlerKind::Webhook {
                url: "/webhooks/relative".into(),
                method: "POST".into()
            }
        );
        assert_eq!(codes(&out), ["MC0413", "MC0415"]);
        assert!(out.iter().all(|d| d.severity == Severity::Warning));
        assert_eq!(find(&out, "MC0415").pointer(), Some("/tools/1/endpoint"));
        assert_eq!(find(&out, "MC0413").pointer(), Some("/tools/2/endpoint"));
        // With a base URL, a relative endpoint is fine.
        let (_, out) = lower_json(manifest(json!({
            "backend": {"runtime": "webhook", "url": "https://api.example.com"},
            "tools": [{"id": "relative", "endpoint": "/webhooks/relative"}]
        })));
        assert!(out.is_empty(), "{out:#?}");
        // An empty parameter list is still an object schema; parameters without a type are strings.
        let (addon, out) = lower_json(manifest(json!({"tools": [
            {"id": "t", "endpoint": "https://x.example.com", "input_schema": []},
            {"id": "u", "endpoint": "https://x.example.com",
             "input_schema": [{"name": "a"}, {"name": "b", "type": "money"}, {"type": "string"}]}
        ]})));
        assert_eq!(
            addon.tools[0].input_schema,
            Some(json!({"type": "object", "properties": {}}))
        );
        assert_eq!(
            addon.tools[1].input_schema,
            Some(
                json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}})
            )
        );
        assert_eq!(codes(&out), ["MC0104", "MC0106"]);
        assert_eq!(find(&out, "MC0106").severity, Severity::Warning);
    }

    #[test]
    fn settings_with_aliases() {
        let (addon, out) = lower_json(manifest(json!({"settings": [
            {"key": "api_key", "label": "API key", "type": "text", "secret": true},
            {"key": "token", "type": "password"},
            {"key": "env", "type": "select", "default_value": "sandbox",
             "options": [{"value": "sandbox", "label": "Sandbox"}, {"value": "live"}]},
            {"key": "count", "type": "int", "default": 3},
            {"key": "rate", "type": "decimal"},
            {"key": "flag", "type": "bool", "default_value": false},
            {"key": "tags", "type": "multiselect"},
            {"key": "odd", "type": "colour"},
            {"key": "plain", "type": "string"}
        ]})));
        let types: Vec<SettingType> = addon.settings.iter().map(|s| s.setting_type).collect();
        assert_eq!(
            types,
            [
                SettingType::Secret,
                SettingType::Secret,
                SettingType::Select,
                SettingType::Integer,
                SettingType::Number,
                SettingType::Boolean,
                SettingType::Json,
                SettingType::String,
                SettingType::String
            ]
        );
        let env = &addon.settings[2];
        assert_eq!(env.default, Some(json!("sandbox")));
        assert_eq!(
            env.options,
            [
                ("sandbox".to_string(), "Sandbox".to_string()),
                ("live".to_string(), "live".to_string())
            ]
        );
        assert_eq!(env.src, "/settings/2");
        assert_eq!(addon.settings[3].default, Some(json!(3)));
        assert_eq!(addon.settings[5].default, Some(json!(false)));
        assert_eq!(addon.settings[0].label.as_deref(), Some("API key"));
        let notes = out.iter().filter(|d| d.severity == Severity::Note).count();
        assert_eq!(notes, 5, "text, password, int, decimal, bool: {out:#?}");
        let warnings: Vec<&str> = out
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| d.pointer().unwrap())
            .collect();
        assert_eq!(warnings, ["/settings/6/type", "/settings/7/type"]);
        assert!(out.iter().all(|d| d.code == "MC0605"));
    }

    #[test]
    fn identity_and_metadata() {
        let (addon, out) = lower_json(json!({
            "key": "assets", "name": "Assets", "version": "v1.2",
            "description": "Fixed assets", "category": "operations", "author": "Asteby",
            "website": "https://asteby.com", "license": "MIT", "price": "free",
            "icon": "HardDrive", "icon_type": "lucide", "icon_slug": "Package", "icon_color": "64748B",
            "kernel": ">=2.0.0 <3.0.0",
            "requires": [{"key": "finance", "label": "Finanzas"}],
            "models": [{"key": "assets", "label": "Assets"}],
            "permissions": [{"model": "assets", "scope": "read"}],
            "lifecycle_hooks": {"install": [{"url": "x"}]},
            "extensions": [{"model": "invoices", "columns": [{"name": "asset_id", "type": "uuid"}]}],
            "events": ["assets.created"],
            "i18n": {"en": {"a.b": "A"}},
            "features": ["one"],
            "frontend": {"entry": "/remote.js", "format": "federation"},
            "capabilities": [
                {"kind": "http:fetch", "target": "api.example.com", "reason": "calls"},
                {"kind": "http", "target": "x"},
                {"kind": "secret:read", "target": "pac_*"}
            ]
        }));
        assert_eq!(addon.version, Version::new(1, 2, 0));
        let icon = addon.info.icon.as_ref().unwrap();
        assert_eq!(
            (
                icon.icon_type.as_str(),
                icon.slug.as_str(),
                icon.color.as_deref()
            ),
            ("lucide", "Package", Some("#64748B"))
        );
        assert_eq!(addon.info.author.as_deref(), Some("Asteby"));
        assert_eq!(addon.info.features, ["one"]);
        let kernel = addon.kernel.as_ref().unwrap();
        assert_eq!(
            (kernel.key.as_str(), kernel.src.as_str()),
            ("kernel", "/kernel")
        );
        assert_eq!(kernel.range_text, ">=2.0.0 <3.0.0");
        assert!(kernel
            .range
            .as_ref()
            .unwrap()
            .matches(&Version::new(2, 0, 0)));
        let finance = &addon.requires[0];
        assert_eq!(
            (
                finance.key.as_str(),
                finance.range_text.as_str(),
                finance.src.as_str()
            ),
            ("finance", "*", "/requires/0")
        );
        assert!(finance.range.is_some());
        assert_eq!(addon.capabilities.len(), 1);
        assert_eq!(addon.capabilities[0].src, "/capabilities/0");
        assert_eq!(addon.capabilities[0].reason.as_deref(), Some("calls"));
        assert_eq!(addon.published_events[0].name, "assets.created");
        assert_eq!(addon.published_events[0].src, "/events/0");
        assert_eq!(addon.i18n.inline["en"]["a.b"], "A");
        let frontend = addon.frontend.as_ref().unwrap();
        assert_eq!(frontend.container, "metacore_assets");
        for key in [
            "extensions",
            "lifecycle_hooks",
            "models",
            "permissions",
            "price",
        ] {
            assert!(addon.extras.contains_key(key), "{key}");
        }
        assert_eq!(addon.extras["price"], json!("free"));
        let summary: Vec<(&str, Severity, &str)> = {
            let mut s: Vec<_> = out
                .iter()
                .map(|d| (d.code, d.severity, d.pointer().unwrap_or("")))
                .collect();
            s.sort();
            s
        };
        assert_eq!(
            summary,
            [
                ("MC0207", Severity::Warning, "/version"),
                ("MC0502", Severity::Error, "/capabilities/1/kind"),
                ("MC0512", Severity::Warning, "/capabilities/2/kind"),
                ("MC0904", Severity::Note, "/extensions/0/columns"),
                ("MC0904", Severity::Note, "/lifecycle_hooks"),
                ("MC0904", Severity::Note, "/permissions"),
            ]
        );
        assert!(find(&out, "MC0207")
            .message
            .contains("`v1.2` read as `1.2.0`"));
        assert!(find(&out, "MC0512")
            .help
            .as_deref()
            .unwrap()
            .contains("secrets:read"));
    }

    #[test]
    fn bad_identity_values() {
        let (addon, out) = lower_json(json!({"key": "My-Addon", "name": "x", "version": "1.x"}));
        assert_eq!(codes(&out), ["MC0201", "MC0203"]);
        assert_eq!(addon.version, Version::new(0, 0, 0));
        assert!(find(&out, "MC0201")
            .help
            .as_deref()
            .unwrap()
            .contains("my_addon"));
        let (_, out) = lower_json(json!({"key": "{{ADDON_KEY}}", "name": "x", "version": "1.0.0"}));
        assert_eq!(codes(&out), ["MC0110"]);
        let (_, out) = lower_json(json!({"key": "", "name": "x", "version": "1.0.0"}));
        assert_eq!(codes(&out), ["MC0104"]);
        let (addon, out) = lower_json(json!({"key": "ok", "name": "x", "version": "1.0.0",
            "icon": "Box", "icon_color": "#fff", "icon_type": "emoji", "kernel": "",
            "frontend": {"entry": "/e.js", "format": "esm", "container": "c"}}));
        assert_eq!(codes(&out), ["MC0106", "MC0106"]);
        assert_eq!(
            addon.info.icon.as_ref().unwrap().color.as_deref(),
            Some("#fff")
        );
        assert_eq!(addon.info.icon.as_ref().unwrap().icon_type, "emoji");
        assert!(addon.kernel.is_none());
        assert_eq!(addon.frontend.unwrap().container, "c");
    }

    #[test]
    fn navigation_binds_own_models() {
        let (addon, out) = lower_json(manifest(json!({"navigation": [{
            "title": "sidebar.shop", "icon": "Store", "target": "sidebar.sales",
            "items": [
                {"title": "Orders", "url": "/m/orders", "icon": "Box"},
                {"title": "Other", "url": "/m/customers"},
                {"title": "Explicit", "url": "/x", "model": "orders", "permission": "orders.index",
                 "items": [{"title": "Child", "url": "/m/orders?status=open"}]}
            ]
        }]})));
        assert!(out.is_empty(), "{out:#?}");
        let group = &addon.navigation[0];
        assert_eq!(group.src, "/navigation/0");
        assert_eq!(group.target.as_deref(), Some("sidebar.sales"));
        let items = &group.items;
        assert_eq!(items[0].model.as_deref(), Some("orders"));
        assert_eq!(items[0].src, "/navigation/0/items/0");
        assert_eq!(items[1].model, None);
        assert_eq!(items[2].model.as_deref(), Some("orders"));
        assert_eq!(items[2].permission.as_deref(), Some("orders.index"));
        assert_eq!(items[2].items[0].model.as_deref(), Some("orders"));
        assert_eq!(items[2].items[0].src, "/navigation/0/items/2/items/0");
    }

    #[test]
    fn extension_actions_use_their_core_model() {
        let (addon, out) = lower_json(manifest(json!({
            "extensions": [{"model": "invoices", "actions": [{"key": "stamp"}]}],
            "hooks": {"invoices::stamp": "https://h.example.com/stamp"}
        })));
        assert!(out.is_empty(), "{out:#?}");
        let action = &addon.actions[0];
        assert_eq!(action.target_model.as_deref(), Some("invoices"));
        assert_eq!(action.src, "/extensions/0/actions/0");
        assert!(matches!(action.handler.kind, HandlerKind::Webhook { .. }));
        assert!(!addon.extras.contains_key("extensions"));
    }

    #[test]
    fn never_panics_on_sparse_or_odd_input() {
        for text in [
            "{}",
            r#"{"key": null, "model_definitions": [{}], "tools": [{}], "settings": [{}],
                "actions": {"": [{}]}, "hooks": {"::": ""}, "navigation": [{"items": [{}]}],
                "capabilities": [{}], "requires": [{}], "extensions": [{}], "backend": {},
                "frontend": {}, "events": [], "i18n": {}}"#,
            r#"{"key": "x", "model_definitions": [{"table_name": "é", "model_key": "é",
                "columns": [{"name": "é", "type": "é", "default": "é"},
                            {"name": "a", "type": "string", "size": 99999999999, "default": 1e300}],
                "relations": [{}], "table": {"columns": [{}], "filters": [{}]},
                "modal": {"fields": [{"searchEndpoint": ""}]}}]}"#,
        ] {
            let (_, out) = lower_text(text);
            assert!(!out.is_empty());
        }
    }

    #[test]
    fn corpus_lowers_without_errors() {
        let files = crate::checks::test_support::corpus_files("v2");
        assert!(files.len() >= 40, "corpus has {} files", files.len());
        let mut seen_fiscal = false;
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("read corpus file");
            let mut root = crate::json::parse(&text).expect("corpus JSON").root;
            let structural = crate::v2::structure::check(&mut root);
            assert!(
                structural.iter().all(|d| d.severity != Severity::Error),
                "{name}: {structural:#?}"
            );
            let manifest: ManifestV2 =
                serde_json::from_value(root.to_serde()).expect("corpus deserialises");
            let mut out = Vec::new();
            let addon = lower(&manifest, &root, &mut out);
            // Every known defect of the v2 corpus (duplicate tool keys, internal hosts, …) is
            // found by the shared checks; lowering itself reports no error.
            assert!(errors(&out).is_empty(), "{name}: {:#?}", errors(&out));
            assert_eq!(addon.key, manifest.key.clone().unwrap());
            for model in &addon.models {
                assert_eq!(model.columns[0].name, "id", "{name}");
                assert!(model.tenancy_column().is_some(), "{name}");
            }
            if name == "fiscal_mexico.json" {
                seen_fiscal = true;
                let model = &addon.models[0];
                assert_eq!(model.key, "FiscalDocuments");
                assert_eq!(addon.tenancy.isolation, Isolation::Schema);
                assert_eq!(
                    model.column("status").unwrap().default,
                    Some(ColumnDefault::Text("draft".into()))
                );
                assert!(model.soft_delete());
                let stamp = &addon.actions[0];
                assert_eq!(stamp.key, "stamp_fiscal");
                assert_eq!(
                    stamp.handler.kind,
                    HandlerKind::Webhook {
                        url: "http://localhost:7103/webhooks/stamp_fiscal".into(),
                        method: "POST".into()
                    }
                );
                let relative: Vec<_> = out.iter().filter(|d| d.code == "MC0413").collect();
                assert_eq!(relative.len(), 2, "{out:#?}");
                assert_eq!(addon.settings[0].setting_type, SettingType::Secret);
                assert_eq!(
                    addon.navigation[0].items[0].model.as_deref(),
                    Some("fiscal_documents")
                );
                assert_eq!(
                    addon.info.icon.as_ref().unwrap().color.as_deref(),
                    Some("#F59E0B")
                );
            }
        }
        assert!(seen_fiscal);
    }
}
