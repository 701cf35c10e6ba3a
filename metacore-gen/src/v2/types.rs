//! Typed data model of the legacy v2 "flat" addon manifest (`manifest.md` §3).
//!
//! The v2 dialect has no version marker and no JSON Schema: the Go kernel's structs
//! (`asteby/metacore-kernel`, `manifest/manifest.go`) define it, and these types mirror them,
//! with the additions the spec names (§3.2–§3.6).
//!
//! Parsing is tolerant, like Go's `encoding/json`:
//!
//! * every field is an `Option`, so a missing key or a JSON `null` yields `None` (Go's zero
//!   value). This includes the keys the spec marks *required* (root `key`/`name`/`version`;
//!   model `table_name`/`model_key`/`columns`; column `name`/`type`; action `key`): their
//!   absence is never a deserialisation error. Those nine carry `#[schemars(required)]`, so
//!   the generated schema lists them in `required` with a non-null type: the structural pass
//!   reports a missing one as MC0104 (and a `null` one as MC0105). Emptiness (`""`, an empty
//!   `columns`) is left to the later checks. Their doc comments start with "Required";
//! * unknown keys are ignored (no `deny_unknown_fields`);
//! * a wrong JSON type for a known key (`"size": "20"`) is a deserialisation error, which the
//!   front end reports as MC0105 (the Go decoder fails the whole file).
//!
//! Reporting unknown keys (MC0111) and matching keys case-insensitively (MC0112) are done by the
//! front end on the span-preserving JSON tree *before* deserialisation; these types only define
//! the known keys. `schemars::schema_for!(ManifestV2)` lists every known key of every object in
//! its `properties`. Only the inline UI blocks (`table`, `modal` and their columns, filters,
//! fields and options), which are opaque upstream, keep unlisted keys in a flattened `extra`
//! map; their schemas therefore allow additional properties.
//!
//! Serialising a value writes only the keys that are `Some`, so a parsed manifest round-trips
//! every known key, except that a key whose value was `null` is dropped (null ≡ absent).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Root of a v2 flat manifest (§3.2): a top-level object with `key` and no `apiVersion`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ManifestV2 {
    /// Required. Addon key, `^[a-z][a-z0-9_]{1,63}$` (MC0201).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub key: Option<String>,
    /// Required. Display name, non-blank (MC0202).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub name: Option<String>,
    /// Addon description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Required. Lenient semver, normalised with MC0207 when not strict (§6.2.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub version: Option<String>,
    /// Marketplace category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Legacy icon: a lucide name or brand slug; `icon_slug` wins when both exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Icon kind: `brand` | `lucide` | `url` (others warn and are kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_type: Option<String>,
    /// Icon slug (lucide name, brand slug or URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_slug: Option<String>,
    /// Icon colour; may lack the leading `#` (the IR stores it with `#`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_color: Option<String>,
    /// Kernel version range, checked against `2.0.0` (§6.2.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// Required addons, without version (range `*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Vec<Requirement>>,
    /// Informational list of the addon's models; ignored (kept as an extra).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<Requirement>>,
    /// `shared` | `schema-per-tenant` | `database-per-tenant` (anything else → shared + warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_isolation: Option<String>,
    /// Sidebar groups contributed by the addon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation: Option<Vec<NavGroup>>,
    /// Extensions of core models (columns: advanced, MC0904; actions as §3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Vec<ExtensionV2>>,
    /// Per-installation settings (§3.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Vec<SettingDef>>,
    /// Webhook URL per action: `"<model>::<action>"` → URL (§3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hooks: Option<BTreeMap<String, String>>,
    /// Actions per model name (`table_name` or `model_key`) (§3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<BTreeMap<String, Vec<ActionDef>>>,
    /// LLM-facing tools (§3.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<ToolDef>>,
    /// Tables the addon installs (§3.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_definitions: Option<Vec<ModelDefinition>>,
    /// Published event names (MC0707 warning when not namespaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// Lifecycle hooks (map → `[HookDef]`); not supported (MC0904 note), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_hooks: Option<Value>,
    /// Inline catalogue: locale → key → text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i18n: Option<BTreeMap<String, BTreeMap<String, String>>>,
    /// Federated UI bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontend: Option<FrontendV2>,
    /// Backend execution model (§3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<BackendSpec>,
    /// Requested scoped permissions (`kind` must contain `:`, MC0502).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<Capability>>,
    /// Legacy model/scope permissions; kept as extras, grant nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<LegacyPermission>>,
    /// Marketplace provenance block; informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureV2>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Website URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Licence identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Readme text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readme: Option<String>,
    /// Screenshot URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screenshots: Option<Vec<String>>,
    /// Feature bullet points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// Price text; kept as an extra.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
}

/// `{key, label}` reference to another addon (`requires`) or to a model (`models`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Requirement {
    /// Addon (or model) key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Translatable label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A sidebar group (v3 NavGroup without `condition`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NavGroup {
    /// Group title (literal or i18n key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Group icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Core group to merge into (e.g. `sidebar.finance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Entries of the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<NavItem>>,
}

/// A sidebar entry (v3 NavItem without `condition`, `requires`, `view_type`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NavItem {
    /// Entry title (literal or i18n key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Link; `/m/<table>` of an own model binds that model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Entry icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Model the entry opens (key or table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Permission the caller needs to see the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Child entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<NavItem>>,
    /// Preset list filter: column → value (spec: as v3; not in the Go struct).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<BTreeMap<String, String>>,
    /// Grouping column (spec: as v3; not in the Go struct).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    /// Capabilities the caller must hold (spec: as v3; not in the Go struct).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_capabilities: Option<Vec<String>>,
}

/// Extension of an existing core model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExtensionV2 {
    /// Core model being extended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Added columns (advanced, MC0904 note; kept as extras).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<ColumnDef>>,
    /// Actions on the core model (as §3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionDef>>,
}

/// A per-installation setting (§3.6; type aliases §4.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SettingDef {
    /// Setting key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Display label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Setting type, v2 aliases allowed (`text`, `password`, `bool`, …; §4.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Default value (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<Value>,
    /// Alternative spelling of `default_value` (§4.4: `default_value` ≡ `default`; not in
    /// the Go struct).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Choices of a select setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<FieldOption>>,
    /// `true` makes the setting a secret whatever its base type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<bool>,
}

/// A `{value, label}` choice of a select setting or action field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldOption {
    /// Stored value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Display label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A declarative action on a model row (§3.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ActionDef {
    /// Required, non-empty (MC0104). Action key (MC0401, MC0419).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub key: Option<String>,
    /// Action name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Display label (literal or i18n key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Icon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Form fields (`name` non-empty and unique, MC0426).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<ActionField>>,
    /// Record states in which the action is offered (camelCase in v2).
    #[serde(
        default,
        rename = "requiresState",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_state: Option<Vec<String>>,
    /// Ask for confirmation before running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<bool>,
    /// Confirmation text (camelCase in v2).
    #[serde(
        default,
        rename = "confirmMessage",
        skip_serializing_if = "Option::is_none"
    )]
    pub confirm_message: Option<String>,
    /// Federated modal slug (gate §7.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modal: Option<String>,
    /// How the action is dispatched; absent → webhook via `hooks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<ActionTrigger>,
}

/// An input field of an action form (Go `FieldDef`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ActionField {
    /// Field name (becomes the IR field key); non-empty, unique (MC0426).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Display label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Input type (free-form: `text`, `select`, `boolean`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Whether a value is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Default value (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Static choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<FieldOption>>,
    /// Maximum length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
}

/// Dispatch of an action: `{type: wasm|webhook|noop, export?, run_in_tx?}` (MC0423).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ActionTrigger {
    /// `wasm` | `webhook` | `noop`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// WASM export (required for `wasm`, listed in `backend.exports`; forbidden otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<String>,
    /// Run the export in the request's DB transaction (`wasm` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_in_tx: Option<bool>,
}

/// Backend execution model: `{runtime, entry?, url?, exports?, memory_limit_mb?, timeout_ms?}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BackendSpec {
    /// `webhook` | `wasm` | `binary` (reserved, MC0409); required when the block is present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// Bundle path of the WASM module; non-blank for `wasm` (MC0424).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Base URL for relative hook and tool endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Function names the module exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exports: Option<Vec<String>>,
    /// Memory limit in MiB (default 64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit_mb: Option<i64>,
    /// Call timeout in milliseconds (default 10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<i64>,
}

/// An LLM-callable tool (§3.5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolDef {
    /// Tool key, unique within the addon (MC0402).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Display name (IR label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description shown to the LLM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `communication` | `query` | `action` | `integration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Parameters, lowered to a JSON Schema object (§5.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<Vec<ToolInputParam>>,
    /// Keywords hinting when to use the tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_keywords: Option<Vec<String>>,
    /// Intents hinting when to use the tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_intents: Option<Vec<String>>,
    /// Webhook URL, absolute or relative to `backend.url` (empty → MC0415).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// HTTP method (default `POST`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Host-specific record type to create (a string in Go and in real files; the spec says
    /// bool, so both are accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_create_record: Option<AutoCreateRecord>,
    /// Tool-specific settings object, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Value>,
    /// Timeout in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    /// Cache lifetime hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_ttl: Option<i64>,
    /// Priority hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
}

/// Value of `auto_create_record`: a record type (Go, corpus) or a flag (spec).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AutoCreateRecord {
    /// Boolean form of the spec.
    Flag(bool),
    /// Host record type, e.g. `"ticket"` (Go kernel and real manifests).
    RecordType(String),
}

/// One LLM-extractable tool argument (§3.5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolInputParam {
    /// Parameter name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `string` | `number` | `date` | `boolean` | `email` | `phone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Description for the LLM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Listed in the JSON Schema `required` when true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Example value (→ `examples`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Extraction hint (→ `x-extraction-hint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extraction_hint: Option<String>,
    /// Default value (→ `default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
    /// Regex (→ `pattern`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<String>,
    /// `uppercase` | `lowercase` | `trim` | `alphanumeric` | `order_id` (→ `x-normalize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<String>,
    /// Format pattern (→ `x-format-pattern`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_pattern: Option<String>,
}

/// A table the addon installs (§3.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelDefinition {
    /// Required. Table and route name, `^[a-z][a-z0-9_]{0,63}$` (MC0304).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub table_name: Option<String>,
    /// Required, non-empty. Model key (IR key = PascalCase of it); alias route when different.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub model_key: Option<String>,
    /// Display label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Adds the tenancy column (always under `shared` isolation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_scoped: Option<bool>,
    /// Adds `deleted_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete: Option<bool>,
    /// Required, at least one (MC0104). Declared columns, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub columns: Option<Vec<ColumnDef>>,
    /// Model-to-model relations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relations: Option<Vec<RelationDef>>,
    /// Inline table UI metadata, served verbatim (camelCase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<InlineTable>,
    /// Inline modal UI metadata, served verbatim (camelCase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modal: Option<InlineModal>,
}

/// A column of an addon table (§3.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ColumnDef {
    /// Required. Column name, `^[a-z][a-z0-9_]{0,62}$`, not an implicit column (MC0304, MC0312).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub name: Option<String>,
    /// Required. v2 type alias, case-insensitive (§4.1; unknown → MC0305).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub r#type: Option<String>,
    /// `varchar` length for `string` (0/absent → 255; negative → MC0108).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// NOT NULL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Non-unique index `idx_<table>_<col>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<bool>,
    /// Tenant-aware unique index `uidx_<table>_<col>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    /// Default: string (SQL literal), number or bool (§6.3.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// FK target for pickers (`orders`, `addon_tickets.comments`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#ref: Option<String>,
    /// `all` | `table` | `modal` | `list` | `""` (MC0106).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    /// Include the column in search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searchable: Option<bool>,
    /// Server-side validation (§6.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<ColumnValidation>,
    /// UI widget (closed list, MC0106).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widget: Option<String>,
}

/// Column validation `{regex?, min?, max?, custom?}` (§6.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ColumnValidation {
    /// Pattern (must compile, MC0318).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Inclusive lower bound (value or length); kept as the exact JSON number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<serde_json::Number>,
    /// Inclusive upper bound (value or length); kept as the exact JSON number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<serde_json::Number>,
    /// Named validator (`email`, `url`, `uuid`, `phone`, `$org.<key>`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<String>,
}

/// A relation `{name, kind, through, foreign_key, references?, pivot?}` (MC0317).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RelationDef {
    /// Relation name, unique per model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `one_to_many` | `many_to_many` | `belongs_to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Target model/table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<String>,
    /// Column carrying the relation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_key: Option<String>,
    /// Owner column the FK targets (default `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<String>,
    /// Join table; required for `many_to_many`, forbidden otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pivot: Option<String>,
}

/// Inline `table` block: TableMetadata overrides (`http-api.md` §6.2), opaque upstream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InlineTable {
    /// Table title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Column definitions, used verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<InlineTableColumn>>,
    /// Whether the CRUD trio is shown.
    #[serde(
        default,
        rename = "enableCRUDActions",
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_crud_actions: Option<bool>,
    /// Searchable column keys (must be columns, MC0322).
    #[serde(
        default,
        rename = "searchColumns",
        skip_serializing_if = "Option::is_none"
    )]
    pub search_columns: Option<Vec<String>>,
    /// Search box placeholder.
    #[serde(
        default,
        rename = "searchPlaceholder",
        skip_serializing_if = "Option::is_none"
    )]
    pub search_placeholder: Option<String>,
    /// Filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<InlineTableFilter>>,
    /// Page-size choices.
    #[serde(
        default,
        rename = "perPageOptions",
        skip_serializing_if = "Option::is_none"
    )]
    pub per_page_options: Option<Vec<i64>>,
    /// Default page size.
    #[serde(
        default,
        rename = "defaultPerPage",
        skip_serializing_if = "Option::is_none"
    )]
    pub default_per_page: Option<i64>,
    /// Any other key, kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A column of an inline `table` block (ColumnDefinition, `http-api.md` §6.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InlineTableColumn {
    /// Column key (must be a model column, MC0322).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Header label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Display type (`text`, `number`, `select`, `boolean`, `date`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Sortable column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sortable: Option<bool>,
    /// Filterable column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filterable: Option<bool>,
    /// Filter widget kind (completed when missing).
    #[serde(
        default,
        rename = "filterType",
        skip_serializing_if = "Option::is_none"
    )]
    pub filter_type: Option<String>,
    /// Searchable column (completed when missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searchable: Option<bool>,
    /// Hidden column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Cell renderer (`badge`, `currency`, …).
    #[serde(default, rename = "cellStyle", skip_serializing_if = "Option::is_none")]
    pub cell_style: Option<String>,
    /// Static options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<InlineOption>>,
    /// Runtime option hook, kept verbatim.
    #[serde(
        default,
        rename = "useOptions",
        skip_serializing_if = "Option::is_none"
    )]
    pub use_options: Option<Value>,
    /// Field of the related record to display.
    #[serde(
        default,
        rename = "displayField",
        skip_serializing_if = "Option::is_none"
    )]
    pub display_field: Option<String>,
    /// Path of the related record (`customer.name`).
    #[serde(
        default,
        rename = "relationPath",
        skip_serializing_if = "Option::is_none"
    )]
    pub relation_path: Option<String>,
    /// Options endpoint; a bare name is normalised to `/options/<name>?field=id`.
    #[serde(
        default,
        rename = "searchEndpoint",
        skip_serializing_if = "Option::is_none"
    )]
    pub search_endpoint: Option<String>,
    /// Any other key, kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A filter of an inline `table` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InlineTableFilter {
    /// Filter key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Filter label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Filter widget kind (`select`, `search`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Filtered column (must be a model column, MC0322).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Static options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<InlineOption>>,
    /// Options endpoint; a bare name is normalised to `/options/<name>?field=id`.
    #[serde(
        default,
        rename = "searchEndpoint",
        skip_serializing_if = "Option::is_none"
    )]
    pub search_endpoint: Option<String>,
    /// Any other key, kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// Inline `modal` block: ModalMetadata overrides (`http-api.md` §6.4), opaque upstream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InlineModal {
    /// Modal title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Title when creating.
    #[serde(
        default,
        rename = "createTitle",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_title: Option<String>,
    /// Title when editing.
    #[serde(default, rename = "editTitle", skip_serializing_if = "Option::is_none")]
    pub edit_title: Option<String>,
    /// Title when deleting.
    #[serde(
        default,
        rename = "deleteTitle",
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_title: Option<String>,
    /// Form fields, used verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<InlineModalField>>,
    /// Toasts: `created`, `updated`, `deleted` → text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<BTreeMap<String, String>>,
    /// Any other key, kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A field of an inline `modal` block (FieldDef, `http-api.md` §6.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InlineModalField {
    /// Field key (must be a model column, MC0322).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Field label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Input type (`text`, `select`, `search`, `number`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Whether a value is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Initial value (any JSON; `null` reads as absent).
    #[serde(
        default,
        rename = "defaultValue",
        skip_serializing_if = "Option::is_none"
    )]
    pub default_value: Option<Value>,
    /// Static options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<InlineOption>>,
    /// Options endpoint; a bare name is normalised to `/options/<name>?field=id`.
    #[serde(
        default,
        rename = "searchEndpoint",
        skip_serializing_if = "Option::is_none"
    )]
    pub search_endpoint: Option<String>,
    /// Placeholder text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Any other key, kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A static option of an inline UI block: `{value, label, color?, icon?, …}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InlineOption {
    /// Option value (any JSON scalar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Option label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Badge colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Icon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Any other key, kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A requested capability `{kind, target, reason?}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Capability {
    /// Capability kind; must contain `:` (MC0502); outside the v3 set → MC0512, ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Target (table, URL prefix, host glob, event name; §2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Why the addon needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Legacy `{model, scope: read|write, reason?}` permission; kept, grants nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LegacyPermission {
    /// Model name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `read` | `write`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Why the addon needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Federated UI bundle `{entry, format, expose?, integrity?, container?, layout?}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FrontendV2 {
    /// URL or path of the remote entry / bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// `federation` | `script` | `""` (MC0106 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Federation module to import (e.g. `./plugin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose: Option<String>,
    /// SRI hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
    /// Global container name (default `metacore_<key>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// `shell` | `immersive` (Go struct field; projected back by §5.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
}

/// Marketplace provenance; informational, never used for verification (§2.14).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SignatureV2 {
    /// Developer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_id: Option<String>,
    /// Developer name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_name: Option<String>,
    /// Whether the marketplace verified the developer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Signing time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<String>,
    /// Signature algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Digest of the signed content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Signature value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Per-file checksums: path → digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksums: Option<BTreeMap<String, String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    fn corpus() -> Vec<(String, Value)> {
        crate::checks::test_support::corpus_files("v2")
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("read corpus file");
                let value: Value = serde_json::from_str(&text).expect("corpus file is JSON");
                (p.file_name().unwrap().to_string_lossy().into_owned(), value)
            })
            .collect()
    }

    fn load(name: &str) -> ManifestV2 {
        let (_, v) = corpus()
            .into_iter()
            .find(|(n, _)| n == name)
            .expect("corpus file");
        serde_json::from_value(v).expect("deserialises")
    }

    fn schema() -> Value {
        schemars::schema_for!(ManifestV2).as_value().clone()
    }

    /// Follows `$ref` and the `anyOf`/`oneOf` of `Option<T>` down to the object (or map)
    /// schema, if any.
    fn object_schema<'a>(root: &'a Value, mut s: &'a Value) -> Option<&'a Value> {
        loop {
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                let name = r.strip_prefix("#/$defs/").expect("local $ref");
                s = &root["$defs"][name];
                continue;
            }
            if let Some(alts) = s
                .get("anyOf")
                .or_else(|| s.get("oneOf"))
                .and_then(Value::as_array)
            {
                let alt = alts.iter().find_map(|a| object_schema(root, a));
                if alt.is_some() {
                    return alt;
                }
            }
            if s.get("properties").is_some() || s.get("additionalProperties").is_some() {
                return Some(s);
            }
            return None;
        }
    }

    fn items_schema<'a>(root: &'a Value, mut s: &'a Value) -> Option<&'a Value> {
        loop {
            if let Some(r) = s.get("$ref").and_then(Value::as_str) {
                s = &root["$defs"][r.strip_prefix("#/$defs/").unwrap()];
                continue;
            }
            if let Some(items) = s.get("items") {
                return Some(items);
            }
            return s
                .get("anyOf")
                .and_then(Value::as_array)
                .and_then(|alts| alts.iter().find_map(|a| items_schema(root, a)));
        }
    }

    /// Removes keys the schema does not know, and every `null` member (null ≡ absent).
    fn prune(root: &Value, s: &Value, v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let Some(os) = object_schema(root, s) else {
                    return strip_nulls(v);
                };
                let props = os.get("properties").and_then(Value::as_object);
                let additional = os.get("additionalProperties");
                let mut out = Map::new();
                for (k, x) in map {
                    if x.is_null() {
                        continue;
                    }
                    if let Some(ps) = props.and_then(|p| p.get(k)) {
                        out.insert(k.clone(), prune(root, ps, x));
                    } else {
                        match additional {
                            Some(Value::Bool(true)) => {
                                out.insert(k.clone(), strip_nulls(x));
                            }
                            Some(a @ Value::Object(_)) => {
                                out.insert(k.clone(), prune(root, a, x));
                            }
                            _ => {}
                        }
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => match items_schema(root, s) {
                Some(is) => Value::Array(items.iter().map(|x| prune(root, is, x)).collect()),
                None => strip_nulls(v),
            },
            _ => v.clone(),
        }
    }

    fn strip_nulls(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(_, x)| !x.is_null())
                    .map(|(k, x)| (k.clone(), strip_nulls(x)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
            _ => v.clone(),
        }
    }

    #[test]
    fn corpus_round_trips_every_known_key() {
        let root = schema();
        let files = corpus();
        assert_eq!(files.len(), 49, "v2 corpus size");
        for (name, input) in files {
            let parsed: ManifestV2 = serde_json::from_value(input.clone())
                .unwrap_or_else(|e| panic!("{name}: does not deserialise: {e}"));
            let output = serde_json::to_value(&parsed).expect("serialises");
            let known_in = prune(&root, &root, &input);
            let known_out = prune(&root, &root, &output);
            assert_eq!(known_in, known_out, "{name}: known data lost in round trip");
            // Nothing the types emit is unknown to the schema.
            assert_eq!(
                known_out,
                strip_nulls(&output),
                "{name}: schema misses keys"
            );
            // Serialising again is stable.
            let again: ManifestV2 = serde_json::from_value(output).expect("re-parses");
            assert_eq!(again, parsed, "{name}: unstable round trip");
        }
    }

    #[test]
    fn pruning_finds_nested_unknown_keys() {
        // Guards the two corpus tests above against a vacuous pruner.
        let root = schema();
        let input = json!({
            "key": "x", "bogus": 1,
            "actions": {"m": [{"key": "a", "bogus": 1, "trigger": {"type": "noop", "bogus": 1}}]},
            "model_definitions": [{"columns": [{"name": "c", "bogus": 1}],
                                   "table": {"title": "t", "free": 1}}],
            "tools": [{"id": "t", "input_schema": [{"name": "p", "bogus": 1}]}],
            "i18n": {"en": {"k": "v"}}
        });
        let expected = json!({
            "key": "x",
            "actions": {"m": [{"key": "a", "trigger": {"type": "noop"}}]},
            "model_definitions": [{"columns": [{"name": "c"}],
                                   "table": {"title": "t", "free": 1}}],
            "tools": [{"id": "t", "input_schema": [{"name": "p"}]}],
            "i18n": {"en": {"k": "v"}}
        });
        assert_eq!(prune(&root, &root, &input), expected);
    }

    #[test]
    fn corpus_has_no_unknown_keys() {
        // Every key in the real corpus is a known key (pruning changes nothing).
        let root = schema();
        for (name, input) in corpus() {
            assert_eq!(
                prune(&root, &root, &input),
                strip_nulls(&input),
                "{name}: has keys unknown to the v2 types"
            );
        }
    }

    #[test]
    fn spot_checks() {
        let assets = load("assets.json");
        let defs = assets
            .model_definitions
            .as_ref()
            .expect("model_definitions");
        assert_eq!(defs.len(), 6);
        assert_eq!(assets.key.as_deref(), Some("assets"));
        assert_eq!(defs[0].table_name.as_deref(), Some("asset_categories"));
        let modal = defs[0].modal.as_ref().expect("inline modal");
        let parent = modal
            .fields
            .as_ref()
            .unwrap()
            .iter()
            .find(|f| f.key.as_deref() == Some("parent_id"))
            .unwrap();
        assert_eq!(parent.search_endpoint.as_deref(), Some("asset_categories"));
        let salvage = defs[0]
            .columns
            .as_ref()
            .unwrap()
            .iter()
            .find(|c| c.name.as_deref() == Some("salvage_rate"))
            .unwrap();
        assert_eq!(salvage.default, Some(json!(0.1)));

        let projects = load("projects.json");
        let first = &projects.model_definitions.as_ref().unwrap()[0];
        assert_eq!(first.table_name.as_deref(), Some("projects"));
        assert!(!first.columns.as_ref().unwrap().is_empty());

        let wa = load("whatsapp_native.json");
        let tools = wa.tools.as_ref().unwrap();
        let dup = tools
            .iter()
            .filter(|t| t.id.as_deref() == Some("list-contacts"))
            .count();
        assert_eq!(dup, 2);
        let send = &tools[0];
        let params = send.input_schema.as_ref().unwrap();
        assert_eq!(params[0].name.as_deref(), Some("phone"));
        assert_eq!(params[0].r#type.as_deref(), Some("phone"));
        assert_eq!(params[0].required, Some(true));
        assert_eq!(params[1].required, Some(true));
        assert_eq!(send.timeout, Some(20));
        let limit = &tools[2].input_schema.as_ref().unwrap()[1];
        assert_eq!(limit.required, None);
        assert_eq!(limit.default_value.as_deref(), Some("20"));

        let fiscal = load("fiscal_mexico.json");
        let actions = &fiscal.actions.as_ref().unwrap()["fiscal_documents"];
        assert_eq!(actions[0].key.as_deref(), Some("stamp_fiscal"));
        assert_eq!(
            actions[0].requires_state.as_deref(),
            Some(&["draft".to_string()][..])
        );
        assert_eq!(
            actions[0].fields.as_ref().unwrap()[3].default,
            Some(json!(false))
        );
        assert_eq!(
            fiscal.hooks.as_ref().unwrap()["fiscal_documents::stamp_fiscal"],
            "http://localhost:7103/webhooks/stamp_fiscal"
        );
        assert_eq!(
            fiscal.frontend.as_ref().unwrap().format.as_deref(),
            Some("federation")
        );
        assert_eq!(fiscal.i18n.as_ref().unwrap()["es"].len(), 4);

        let tickets = load("tickets.json");
        assert!(tickets.tools.as_ref().unwrap().iter().any(|t| matches!(
            &t.auto_create_record,
            Some(AutoCreateRecord::RecordType(r)) if r == "ticket"
        )));
    }

    #[test]
    fn wrong_type_for_known_key_fails() {
        let bad = json!({
            "key": "x",
            "model_definitions": [{
                "table_name": "t", "model_key": "t",
                "columns": [{"name": "c", "type": "string", "size": "20"}]
            }]
        });
        assert!(serde_json::from_value::<ManifestV2>(bad).is_err());
        let bad_bool = json!({"key": "x", "settings": [{"key": "k", "secret": "yes"}]});
        assert!(serde_json::from_value::<ManifestV2>(bad_bool).is_err());
        let bad_float = json!({"key": "x", "tools": [{"id": "t", "timeout": 1.5}]});
        assert!(serde_json::from_value::<ManifestV2>(bad_float).is_err());
        // Inside the flattened UI blocks, typed keys are still checked.
        let bad_ui = json!({"key": "x", "model_definitions": [
            {"table": {"columns": [{"key": "a", "sortable": "yes"}]}}
        ]});
        assert!(serde_json::from_value::<ManifestV2>(bad_ui).is_err());
    }

    #[test]
    fn nulls_missing_and_unknown_keys_are_tolerated() {
        let v = json!({
            "key": null, "name": null, "version": null, "no_such_key": {"a": 1},
            "model_definitions": [{"columns": null, "table": null, "modal": null}],
            "actions": {"orders": [{"requiresState": null, "trigger": null}]},
            "tools": [{"id": "t", "input_schema": null, "auto_create_record": true}],
            "settings": [{"key": "s", "default_value": null, "default": 3}]
        });
        // Serde stays tolerant even for the required keys (the schema pass reports them).
        let m: ManifestV2 = serde_json::from_value(v).expect("tolerant parse");
        assert_eq!(m.key, None);
        assert_eq!(m.model_definitions.as_ref().unwrap()[0].columns, None);
        assert_eq!(
            m.tools.as_ref().unwrap()[0].auto_create_record,
            Some(AutoCreateRecord::Flag(true))
        );
        assert_eq!(m.settings.as_ref().unwrap()[0].default, Some(json!(3)));
        let empty: ManifestV2 = serde_json::from_value(json!({})).unwrap();
        assert_eq!(empty, ManifestV2::default());
        assert_eq!(serde_json::to_value(&empty).unwrap(), json!({}));
        // Negative sizes parse; they are rejected later (MC0108).
        let c: ColumnDef = serde_json::from_value(json!({"name": "a", "size": -1})).unwrap();
        assert_eq!(c.size, Some(-1));
    }

    #[test]
    fn inline_ui_blocks_keep_unlisted_keys() {
        let table = json!({
            "title": "T", "enableCRUDActions": false, "perPageOptions": [10, 20],
            "columns": [{"key": "a", "label": "A", "type": "text", "tooltip": "x",
                         "options": [{"value": 1, "label": "one", "image": "i.png"}]}],
            "filters": [{"key": "f", "column": "a", "type": "select", "multi": true}],
            "hasActions": true, "group_by": "stage"
        });
        let t: InlineTable = serde_json::from_value(table.clone()).unwrap();
        assert_eq!(t.extra["hasActions"], json!(true));
        assert_eq!(t.columns.as_ref().unwrap()[0].extra["tooltip"], json!("x"));
        assert_eq!(serde_json::to_value(&t).unwrap(), table);
        let modal = json!({"title": "M", "deleteTitle": "D", "messages": {"created": "ok"},
                           "form_layout": {"mode": "sections"},
                           "fields": [{"key": "a", "defaultValue": [1], "widget": "w"}]});
        let m: InlineModal = serde_json::from_value(modal.clone()).unwrap();
        assert_eq!(m.extra["form_layout"], json!({"mode": "sections"}));
        assert_eq!(serde_json::to_value(&m).unwrap(), modal);
    }

    #[test]
    fn schema_lists_known_keys() {
        let root = schema();
        let props = |def: &str| -> Vec<String> {
            let s = if def == "ManifestV2" {
                &root
            } else {
                &root["$defs"][def]
            };
            s["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{def} has properties"))
                .keys()
                .cloned()
                .collect()
        };
        assert!(props("ManifestV2").contains(&"model_definitions".to_string()));
        assert!(props("ManifestV2").contains(&"lifecycle_hooks".to_string()));
        assert!(props("ActionDef").contains(&"requiresState".to_string()));
        assert!(props("ActionDef").contains(&"confirmMessage".to_string()));
        assert!(props("ColumnDef").contains(&"type".to_string()));
        assert!(props("ColumnDef").contains(&"ref".to_string()));
        assert!(props("InlineTable").contains(&"enableCRUDActions".to_string()));
        assert!(props("InlineModalField").contains(&"defaultValue".to_string()));
        assert!(!props("InlineModal").contains(&"extra".to_string()));
        // The nine required keys are listed as required, with a non-null type.
        let required = |s: &Value| -> Vec<String> {
            let mut r: Vec<String> = s["required"]
                .as_array()
                .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            r.sort();
            r
        };
        assert_eq!(required(&root), ["key", "name", "version"]);
        assert_eq!(
            required(&root["$defs"]["ModelDefinition"]),
            ["columns", "model_key", "table_name"]
        );
        assert_eq!(required(&root["$defs"]["ColumnDef"]), ["name", "type"]);
        assert_eq!(required(&root["$defs"]["ActionDef"]), ["key"]);
        for def in [
            "ActionField",
            "ToolDef",
            "SettingDef",
            "InlineTable",
            "NavItem",
        ] {
            assert!(required(&root["$defs"][def]).is_empty(), "{def}");
        }
        assert_eq!(root["properties"]["key"]["type"], json!("string"));
        assert_eq!(
            root["properties"]["icon"]["type"],
            json!(["string", "null"])
        );
        // Closed (Go-shaped) objects do not declare additional properties.
        assert!(root["$defs"]["ColumnDef"]
            .get("additionalProperties")
            .is_none());
    }
}
