//! The intermediate representation: one description of an addon, whichever dialect it was
//! written in (`manifest.md` §5).
//!
//! Both front ends ([`crate::v3`], [`crate::v2`]) lower into these types; every later stage —
//! the semantic checks, code generation, the runtime registry — reads only the IR. Names are
//! canonical (v2 aliases are resolved), defaults are applied, and implicit columns exist. Every
//! node keeps `src`, the JSON pointer of what it was lowered from, so diagnostics raised on the
//! IR still point into the user's file.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::semver::{Range, Version};

/// A JSON pointer into the manifest the node came from.
pub type Src = String;

/// Which dialect a manifest was written in.
#[derive(serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Module Contract v3 (`apiVersion: asteby.com/v3`).
    V3,
    /// The legacy flat dialect.
    V2,
}

/// The `kind` of a v3 package (v2 manifests are always addons).
#[derive(serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    /// An addon: the only kind that generates code.
    Addon,
    /// A preset of other addons.
    Preset,
    /// A theme.
    Theme,
    /// A pack of connectors.
    ConnectorPack,
}

/// One addon.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Addon {
    /// Identity: schema `addon_<key>`, event namespace, route owner.
    pub key: String,
    /// Display name.
    pub name: String,
    /// The version, parsed.
    pub version: Version,
    /// The dialect it was written in.
    pub dialect: Dialect,
    /// Package kind.
    pub kind: PackageKind,
    /// Marketplace and display metadata.
    pub info: AddonInfo,
    /// The kernel (host contract) requirement.
    pub kernel: Option<Requirement>,
    /// Requirements on other addons.
    pub requires: Vec<Requirement>,
    /// Other addon keys this package satisfies.
    pub provides: Vec<String>,
    /// How rows are isolated between organisations.
    pub tenancy: Tenancy,
    /// Declared capabilities.
    pub capabilities: Vec<Capability>,
    /// Data models.
    pub models: Vec<Model>,
    /// The federated frontend, when any.
    pub frontend: Option<Frontend>,
    /// Navigation groups.
    pub navigation: Vec<NavGroup>,
    /// Actions (buttons on records, tables or create forms).
    pub actions: Vec<Action>,
    /// LLM tools.
    pub tools: Vec<Tool>,
    /// Event subscriptions.
    pub subscriptions: Vec<Subscription>,
    /// Notification rules.
    pub notifications: Vec<NotificationRule>,
    /// UI slot contributions.
    pub slots: Vec<SlotContribution>,
    /// Events this addon publishes.
    pub published_events: Vec<Published>,
    /// Slot kinds this addon publishes.
    pub slot_kinds: Vec<Published>,
    /// Own model keys that accept extensions from other addons.
    pub extensions_accepted: Vec<Named>,
    /// Lifecycle hooks.
    pub lifecycle: Lifecycle,
    /// Translations.
    pub i18n: I18n,
    /// Roles and permissions.
    pub rbac: Rbac,
    /// Installation settings.
    pub settings: Vec<Setting>,
    /// Backend limits and declared exports.
    pub backend: Backend,
    /// Blocks accepted but not acted upon yet, by name (v3 advanced blocks).
    pub advanced: BTreeMap<String, Json>,
    /// v2 leftovers kept for the legacy projection (`permissions`, `price`, …).
    pub extras: BTreeMap<String, Json>,
}

/// Marketplace and display metadata.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Default)]
pub struct AddonInfo {
    /// Description.
    pub description: Option<String>,
    /// Category slug.
    pub category: Option<String>,
    /// Icon.
    pub icon: Option<Icon>,
    /// Author.
    pub author: Option<String>,
    /// Website URL.
    pub website: Option<String>,
    /// Licence.
    pub license: Option<String>,
    /// Bundle-relative readme path.
    pub readme: Option<String>,
    /// Feature bullet points.
    pub features: Vec<String>,
    /// Screenshot URLs.
    pub screenshots: Vec<String>,
    /// ISO country codes.
    pub countries: Vec<String>,
}

/// An icon.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Icon {
    /// `brand`, `lucide`, `url` or `svg`.
    pub icon_type: String,
    /// The icon's slug, name or URL.
    pub slug: String,
    /// Colour, `#`-prefixed when it came from v2.
    pub color: Option<String>,
}

/// A requirement on the kernel or another addon.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Requirement {
    /// `kernel` or an addon key.
    pub key: String,
    /// The version range text as written (`*` when v2 gave none).
    pub range_text: String,
    /// The parsed range; `None` when it does not parse (already reported).
    pub range: Option<Range>,
    /// An optional dependency.
    pub optional: bool,
    /// Why it is required.
    pub reason: Option<String>,
    /// Where it was declared.
    pub src: Src,
}

/// Data isolation between organisations.
#[derive(serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// One table set scoped by the tenancy column.
    Shared,
    /// Upstream: a schema per organisation; served like `Shared` here (§2.4).
    Schema,
    /// A database per organisation; not buildable.
    Database,
}

/// Tenancy of the addon's models.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Tenancy {
    /// Isolation mode.
    pub isolation: Isolation,
    /// The tenancy column (`organization_id` unless `rls_column` says otherwise).
    pub column: String,
}

/// A declared capability.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    /// The kind, e.g. `http:fetch`.
    pub kind: String,
    /// The target, e.g. `api.stripe.com`.
    pub target: String,
    /// Why it is needed.
    pub reason: Option<String>,
    /// Where it was declared.
    pub src: Src,
}

/// The closed set of capability kinds (§4.2), in the order they are listed to authors (the
/// help of MC0512). The same set as the variants of [`crate::v3::types::CapabilityKind`]; v2
/// manifests, which spell kinds as free text, are checked against it.
pub const CAPABILITY_KINDS: [&str; 13] = [
    "db:read",
    "db:write",
    "http:fetch",
    "event:emit",
    "event:subscribe",
    "connector:read",
    "secrets:read",
    "fs:read",
    "file-storage:write",
    "cron:register",
    "queue:produce",
    "queue:consume",
    "time:wallclock",
];

/// The capability kinds accepted but not enforced by this version's runtime (§4.2; MC0509): a
/// subset of [`CAPABILITY_KINDS`].
pub const UNENFORCED_CAPABILITY_KINDS: [&str; 8] = [
    "connector:read",
    "secrets:read",
    "fs:read",
    "file-storage:write",
    "cron:register",
    "queue:produce",
    "queue:consume",
    "time:wallclock",
];

/// A data model: one table.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Model {
    /// PascalCase key (`Ticket`).
    pub key: String,
    /// Table name, also the route name (`tickets`).
    pub table: String,
    /// Display label.
    pub label: Option<String>,
    /// Columns, implicit ones included.
    pub columns: Vec<Column>,
    /// Indices, implicit ones included.
    pub indices: Vec<Index>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Relations.
    pub relations: Vec<Relation>,
    /// The v2 `model_key` when it differs from the table: an alias route name.
    pub alias: Option<String>,
    /// Inline v2 table metadata, served verbatim.
    pub table_ui: Option<Json>,
    /// Inline v2 modal metadata, served verbatim.
    pub modal_ui: Option<Json>,
    /// The v3 form layout.
    pub form_layout: Option<Json>,
    /// Advanced features kept for later (seed, formulas, stages, …), by key.
    pub advanced: BTreeMap<String, Json>,
    /// Where it was declared.
    pub src: Src,
}

impl Model {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The system column with `role`, when the model has one.
    pub fn column_with(&self, role: SystemRole) -> Option<&Column> {
        self.columns.iter().find(|c| c.role == role)
    }

    /// True when rows are soft-deleted (a `deleted_at` system column exists).
    pub fn soft_delete(&self) -> bool {
        self.column_with(SystemRole::DeletedAt).is_some()
    }

    /// The tenancy column, when the model has one.
    pub fn tenancy_column(&self) -> Option<&Column> {
        self.column_with(SystemRole::Tenancy)
    }
}

/// A canonical column type (§4.1).
#[derive(serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// `uuid`
    Uuid,
    /// `text`
    Text,
    /// `varchar(n)`
    Varchar(u32),
    /// `integer`
    Integer,
    /// `bigint`
    Bigint,
    /// `numeric` or `numeric(p,s)`
    Numeric(Option<(u32, u32)>),
    /// `boolean`
    Boolean,
    /// `timestamp` (no time zone)
    Timestamp,
    /// `timestamptz`
    Timestamptz,
    /// `date`
    Date,
    /// `json`
    Json,
    /// `jsonb`
    Jsonb,
    /// `vector` / `vector(n)` (validate-only)
    Vector(Option<u32>),
}

impl ColumnType {
    /// Parses a canonical v3 spelling (`varchar(40)`, `numeric(12,2)`, `timestamptz`, …).
    pub fn parse_canonical(s: &str) -> Option<ColumnType> {
        let simple = match s {
            "uuid" => Some(ColumnType::Uuid),
            "text" => Some(ColumnType::Text),
            "integer" => Some(ColumnType::Integer),
            "bigint" => Some(ColumnType::Bigint),
            "numeric" => Some(ColumnType::Numeric(None)),
            "boolean" => Some(ColumnType::Boolean),
            "timestamp" => Some(ColumnType::Timestamp),
            "timestamptz" => Some(ColumnType::Timestamptz),
            "date" => Some(ColumnType::Date),
            "json" => Some(ColumnType::Json),
            "jsonb" => Some(ColumnType::Jsonb),
            "vector" => Some(ColumnType::Vector(None)),
            _ => None,
        };
        if simple.is_some() {
            return simple;
        }
        let (name, args) = s.strip_suffix(')')?.split_once('(')?;
        let numbers: Vec<u32> = args
            .split(',')
            .map(|a| {
                (!a.is_empty() && a.len() <= 4 && a.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| a.parse().ok())
                    .flatten()
            })
            .collect::<Option<_>>()?;
        match (name, numbers.as_slice()) {
            ("varchar", [n]) => Some(ColumnType::Varchar(*n)),
            ("vector", [n]) => Some(ColumnType::Vector(Some(*n))),
            ("numeric", [p, s]) => Some(ColumnType::Numeric(Some((*p, *s)))),
            _ => None,
        }
    }

    /// The canonical spelling.
    pub fn canonical(&self) -> String {
        match self {
            ColumnType::Uuid => "uuid".into(),
            ColumnType::Text => "text".into(),
            ColumnType::Varchar(n) => format!("varchar({n})"),
            ColumnType::Integer => "integer".into(),
            ColumnType::Bigint => "bigint".into(),
            ColumnType::Numeric(None) => "numeric".into(),
            ColumnType::Numeric(Some((p, s))) => format!("numeric({p},{s})"),
            ColumnType::Boolean => "boolean".into(),
            ColumnType::Timestamp => "timestamp".into(),
            ColumnType::Timestamptz => "timestamptz".into(),
            ColumnType::Date => "date".into(),
            ColumnType::Json => "json".into(),
            ColumnType::Jsonb => "jsonb".into(),
            ColumnType::Vector(None) => "vector".into(),
            ColumnType::Vector(Some(n)) => format!("vector({n})"),
        }
    }

    /// True for `timestamp` and `timestamptz`.
    pub fn is_timestamp(&self) -> bool {
        matches!(self, ColumnType::Timestamp | ColumnType::Timestamptz)
    }

    /// True for integer, bigint and numeric types.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            ColumnType::Integer | ColumnType::Bigint | ColumnType::Numeric(_)
        )
    }

    /// True for text and varchar.
    pub fn is_text(&self) -> bool {
        matches!(self, ColumnType::Text | ColumnType::Varchar(_))
    }
}

/// The part a column plays for the server.
#[derive(serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemRole {
    /// An ordinary data column.
    None,
    /// The `id` primary key.
    Id,
    /// The tenancy column.
    Tenancy,
    /// `created_at`, maintained by the server.
    CreatedAt,
    /// `updated_at`, maintained by the server.
    UpdatedAt,
    /// `deleted_at`: soft delete.
    DeletedAt,
}

/// A column default (§6.3). Serialised (snake_case) in the schema lock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnDefault {
    /// A boolean literal.
    Bool(bool),
    /// A numeric literal, as its exact decimal text.
    Number(String),
    /// A text literal (also uuid/date/timestamp literals, in their text form).
    Text(String),
    /// `now()` / `current_timestamp`.
    Now,
    /// `current_date`.
    CurrentDate,
    /// `gen_random_uuid()` / `uuid_generate_v4()`.
    RandomUuid,
}

/// One column.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Canonical type.
    pub column_type: ColumnType,
    /// The type as the author wrote it (for messages).
    pub written_type: String,
    /// NULL allowed.
    pub nullable: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// Default value.
    pub default: Option<ColumnDefault>,
    /// STORED generated expression.
    pub generated: Option<String>,
    /// System role.
    pub role: SystemRole,
    /// Target of a picker / FK (model key, `<addon>.<Model>` or table name).
    pub reference: Option<String>,
    /// Display label.
    pub label: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Static or dynamic options (`FieldOption[]` or `DynamicOptions`), as declared.
    pub options: Option<Json>,
    /// Host option-provider key.
    pub options_source: Option<String>,
    /// Sibling column this one depends on.
    pub depends_on: Option<String>,
    /// Validation block.
    pub validation: Option<Validation>,
    /// Searchable (v2 `searchable`).
    pub searchable: bool,
    /// UI hints passed through to metadata (`widget`, `display`, `visibility`, …).
    pub ui: BTreeMap<String, Json>,
    /// True when the compiler added this column.
    pub implicit: bool,
    /// Where it was declared (for implicit columns: the model).
    pub src: Src,
}

impl Column {
    /// A column the compiler adds itself (`id`, the tenancy column, the timestamps): marked
    /// implicit, NOT NULL, part of the primary key exactly when `role` is [`SystemRole::Id`],
    /// without default, and with nothing else set. `src` is the model's pointer. Callers adjust
    /// what differs (a default, a nullable `deleted_at`).
    pub fn system(name: &str, column_type: ColumnType, role: SystemRole, src: &str) -> Column {
        Column {
            name: name.to_string(),
            column_type,
            written_type: column_type.canonical(),
            nullable: false,
            primary_key: role == SystemRole::Id,
            default: None,
            generated: None,
            role,
            reference: None,
            label: None,
            comment: None,
            options: None,
            options_source: None,
            depends_on: None,
            validation: None,
            searchable: false,
            ui: BTreeMap::new(),
            implicit: true,
            src: src.to_string(),
        }
    }

    /// The same column with `default`.
    pub fn with_default(mut self, default: ColumnDefault) -> Column {
        self.default = Some(default);
        self
    }
}

/// A field or column validation block (§6.4).
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Validation {
    /// Regular expression the value must match.
    pub regex: Option<String>,
    /// Lower bound (value, length or count).
    pub min: Option<f64>,
    /// Upper bound.
    pub max: Option<f64>,
    /// Named validator (`email`, `$org.rfc`, …).
    pub custom: Option<String>,
    /// Where it was declared.
    pub src: Src,
}

/// An index.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// Indexed columns, in order.
    pub columns: Vec<String>,
    /// UNIQUE.
    pub unique: bool,
    /// Access method (`btree`, `gin`, …), when given.
    pub method: Option<String>,
    /// Only rows that are not soft-deleted (v2 unique indices on soft-delete models).
    pub only_live_rows: bool,
    /// True when the compiler added this index.
    pub implicit: bool,
    /// Where it was declared.
    pub src: Src,
}

/// A foreign key.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Local columns.
    pub columns: Vec<String>,
    /// Target model as written (`addon.Model` or `Model`).
    pub target_model: String,
    /// Target columns.
    pub target_columns: Vec<String>,
    /// `physical` (SQL constraint) or logical (checked on write).
    pub physical: bool,
    /// `restrict`, `cascade`, `set_null` or `no_action`.
    pub on_delete: Option<String>,
    /// Where it was declared.
    pub src: Src,
}

/// A relation between models.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Relation {
    /// Relation name.
    pub name: String,
    /// `one_to_many`, `many_to_many` or `belongs_to`.
    pub kind: String,
    /// The related model (key or table).
    pub through: String,
    /// The foreign key column.
    pub foreign_key: String,
    /// v2 `references` column.
    pub references: Option<String>,
    /// v2 pivot table for many-to-many.
    pub pivot: Option<String>,
    /// Remaining options (scope, label, readonly, embed, rollups) as declared.
    pub options: BTreeMap<String, Json>,
    /// Where it was declared.
    pub src: Src,
}

/// The federated frontend.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Frontend {
    /// Entry URL.
    pub entry: String,
    /// `federation` or `script`.
    pub format: String,
    /// Exposed module.
    pub expose: Option<String>,
    /// SRI hash.
    pub integrity: Option<String>,
    /// Federation container name (`metacore_<key>` by default).
    pub container: String,
    /// `shell` or `immersive`.
    pub layout: Option<String>,
}

/// A navigation group.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct NavGroup {
    /// Title (literal or i18n key).
    pub title: String,
    /// Icon.
    pub icon: Option<String>,
    /// Where the group is mounted.
    pub target: Option<String>,
    /// Visibility condition, as declared.
    pub condition: Option<Json>,
    /// Items.
    pub items: Vec<NavItem>,
    /// Where it was declared.
    pub src: Src,
}

/// A navigation item.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct NavItem {
    /// Title.
    pub title: String,
    /// URL (for model items: `/m/<table>` when not given).
    pub url: Option<String>,
    /// Icon.
    pub icon: Option<String>,
    /// The model as written.
    pub model: Option<String>,
    /// Required capability.
    pub permission: Option<String>,
    /// Children.
    pub items: Vec<NavItem>,
    /// Column filters applied to the list.
    pub filter: BTreeMap<String, String>,
    /// `table` or `kanban`.
    pub view_type: Option<String>,
    /// Kanban grouping column.
    pub group_by: Option<String>,
    /// `requires[{model, actions}]` as declared.
    pub requires: Vec<(String, Vec<String>)>,
    /// Capabilities required to see the item.
    pub requires_capabilities: Vec<String>,
    /// Visibility condition.
    pub condition: Option<Json>,
    /// Where it was declared.
    pub src: Src,
}

/// What runs when an action, tool, subscription or hook fires (§4.3).
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub enum HandlerKind {
    /// A WASM export.
    Wasm {
        /// Export name.
        function: String,
    },
    /// A signed outbound POST.
    Webhook {
        /// Absolute or relative URL (may be templated).
        url: String,
        /// HTTP method.
        method: String,
    },
    /// A Rust function registered by the application.
    Compiled {
        /// Registered name.
        function: String,
    },
    /// A connector export (not executable in this version).
    Connector {
        /// Connector key.
        connector: String,
        /// Export name.
        export: String,
    },
    /// Succeeds without doing anything (v2 `noop`).
    Noop,
    /// No handler: 501 at run time.
    None,
}

impl HandlerKind {
    /// The handler `type` as manifests write it (`wasm`, `webhook`, `compiled`, `connector`,
    /// `noop`; `none` when there is no handler) — also the API's `trigger_type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            HandlerKind::Wasm { .. } => "wasm",
            HandlerKind::Webhook { .. } => "webhook",
            HandlerKind::Compiled { .. } => "compiled",
            HandlerKind::Connector { .. } => "connector",
            HandlerKind::Noop => "noop",
            HandlerKind::None => "none",
        }
    }
}

/// A handler with its declaration site.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    /// What runs.
    pub kind: HandlerKind,
    /// The handler object (or v2 trigger/hook) it was lowered from.
    pub src: Src,
    /// The value naming the function or URL (the object itself when there is none).
    pub target_src: Src,
}

/// An action.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Action {
    /// Key.
    pub key: String,
    /// Label.
    pub label: Option<String>,
    /// Icon.
    pub icon: Option<String>,
    /// Target model as written.
    pub target_model: Option<String>,
    /// Handler.
    pub handler: Handler,
    /// `row`, `table` or `create`.
    pub placement: String,
    /// Form fields.
    pub fields: Vec<ActionField>,
    /// Wizard steps.
    pub steps: Vec<ActionStep>,
    /// Federated modal slug.
    pub modal: Option<String>,
    /// Ask for confirmation.
    pub confirm: bool,
    /// Confirmation message.
    pub confirm_message: Option<String>,
    /// States the record must be in.
    pub requires_state: Vec<String>,
    /// Modal width.
    pub modal_width: Option<Json>,
    /// Idempotency key field.
    pub idempotency_key: Option<String>,
    /// Run the handler inside the write transaction (v2).
    pub run_in_tx: bool,
    /// Visibility condition.
    pub condition: Option<Json>,
    /// Approval policy (advanced).
    pub approval: Option<Json>,
    /// Where it was declared.
    pub src: Src,
}

impl Action {
    /// Confirm-only: confirmation but no modal and no form (§2.8).
    pub fn is_confirm_only(&self) -> bool {
        (self.confirm || self.confirm_message.is_some())
            && self.modal.is_none()
            && self.fields.is_empty()
            && self.steps.is_empty()
    }

    /// Every form field, steps included.
    pub fn all_fields(&self) -> impl Iterator<Item = &ActionField> {
        self.fields
            .iter()
            .chain(self.steps.iter().flat_map(|s| s.fields.iter()))
    }
}

/// A wizard step.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct ActionStep {
    /// Title.
    pub title: String,
    /// Helper text under the title.
    pub description: Option<String>,
    /// Fields.
    pub fields: Vec<ActionField>,
}

/// A form field of an action.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct ActionField {
    /// Key (v2 `name`).
    pub key: String,
    /// Free-form type (`text`, `select`, …).
    pub field_type: String,
    /// Label.
    pub label: Option<String>,
    /// Required.
    pub required: bool,
    /// Default value.
    pub default: Option<Json>,
    /// Static or dynamic options.
    pub options: Option<Json>,
    /// Host option-provider key.
    pub options_source: Option<String>,
    /// Nested fields for `array` fields.
    pub item_fields: Vec<ActionField>,
    /// Other UI hints, passed through.
    pub ui: BTreeMap<String, Json>,
    /// Where it was declared.
    pub src: Src,
}

/// An LLM tool.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Tool {
    /// Key (v2 `id`).
    pub key: String,
    /// Label (v2 `name`).
    pub label: Option<String>,
    /// Description for the model.
    pub description: String,
    /// JSON Schema of the input.
    pub input_schema: Option<Json>,
    /// Handler.
    pub handler: Handler,
    /// Timeout in seconds (v2).
    pub timeout_secs: Option<f64>,
    /// v2 hints (`trigger_keywords`, `category`, …), kept.
    pub hints: BTreeMap<String, Json>,
    /// Where it was declared.
    pub src: Src,
}

/// An event subscription.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Subscription {
    /// Event name or pattern (normalised to the model-key form).
    pub event: String,
    /// Handler.
    pub handler: Handler,
    /// CEL filter, kept.
    pub filter: Option<String>,
    /// Where it was declared.
    pub src: Src,
}

/// A notification rule: canonical events that become in-app notifications.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct NotificationRule {
    /// Rule key.
    pub key: String,
    /// The canonical event (normalised to the model-key form).
    pub on: String,
    /// Title template.
    pub title: String,
    /// Body template.
    pub body: Option<String>,
    /// `info`, `success`, `warning` or `error`.
    pub severity: String,
    /// Icon key.
    pub icon: Option<String>,
    /// Deep link template.
    pub link: Option<String>,
    /// Who receives it.
    pub to: Audience,
    /// Leave out the acting user.
    pub exclude_actor: bool,
    /// Payload path → accepted values.
    pub when: BTreeMap<String, Vec<String>>,
    /// Field → values it must enter.
    pub entered: Option<(String, Vec<String>)>,
    /// Where it was declared.
    pub src: Src,
}

/// The recipients of a notification rule.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub enum Audience {
    /// Every member of the organisation.
    Org,
    /// Members holding one of the roles.
    Roles(Vec<String>),
    /// The acting user.
    Actor,
    /// The user id at a dotted payload path.
    Field(String),
}

/// A UI slot contribution.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct SlotContribution {
    /// `<addon>.<slot>`.
    pub slot_kind: String,
    /// Entry module.
    pub entry: String,
    /// Order.
    pub order: i64,
    /// Required capability.
    pub permission: Option<String>,
    /// Where it was declared.
    pub src: Src,
}

/// A published event or slot kind.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Published {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Payload/props schema.
    pub schema: Option<Json>,
    /// Where it was declared.
    pub src: Src,
}

/// A string with its declaration site.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The string.
    pub name: String,
    /// Where it was declared.
    pub src: Src,
}

/// Lifecycle hooks.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Default)]
pub struct Lifecycle {
    /// After install.
    pub install: Option<HandlerRef>,
    /// Before uninstall.
    pub uninstall: Option<HandlerRef>,
    /// On enable.
    pub enable: Option<HandlerRef>,
    /// On disable.
    pub disable: Option<HandlerRef>,
    /// Upgrade steps, in order.
    pub upgrade: Vec<UpgradeStep>,
}

impl Lifecycle {
    /// The declared hooks with their names, in the order `install`, `uninstall`, `enable`,
    /// `disable` (upgrade steps are not included).
    pub fn hooks(&self) -> impl Iterator<Item = (&'static str, &HandlerRef)> {
        [
            ("install", &self.install),
            ("uninstall", &self.uninstall),
            ("enable", &self.enable),
            ("disable", &self.disable),
        ]
        .into_iter()
        .filter_map(|(name, hook)| hook.as_ref().map(|hook| (name, hook)))
    }
}

/// A handler reference string (`wasm:x`, `webhook:/p`, `compiled:f`, a URL, or an export).
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct HandlerRef {
    /// As written.
    pub raw: String,
    /// What it resolves to (`HandlerKind::None` when invalid).
    pub kind: HandlerKind,
    /// Where it was declared.
    pub src: Src,
}

impl HandlerRef {
    /// Reads a handler reference string (§2.10): `wasm:<export>`, `webhook:<url-or-path>`,
    /// `compiled:<fn>`, a URL or `/path` (webhook), or a bare export name (WASM). Empty
    /// strings and unknown `prefix:` forms resolve to [`HandlerKind::None`].
    pub fn parse(raw: &str, src: impl Into<Src>) -> HandlerRef {
        let kind = if raw.trim().is_empty() {
            HandlerKind::None
        } else if let Some(export) = raw.strip_prefix("wasm:") {
            HandlerKind::Wasm {
                function: export.to_string(),
            }
        } else if let Some(url) = raw.strip_prefix("webhook:") {
            HandlerKind::Webhook {
                url: url.to_string(),
                method: "POST".into(),
            }
        } else if let Some(function) = raw.strip_prefix("compiled:") {
            HandlerKind::Compiled {
                function: function.to_string(),
            }
        } else if raw.starts_with("http://") || raw.starts_with("https://") || raw.starts_with('/')
        {
            HandlerKind::Webhook {
                url: raw.to_string(),
                method: "POST".into(),
            }
        } else if raw.contains(':') {
            HandlerKind::None
        } else {
            HandlerKind::Wasm {
                function: raw.to_string(),
            }
        };
        HandlerRef {
            raw: raw.to_string(),
            kind,
            src: src.into(),
        }
    }
}

/// One upgrade step.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct UpgradeStep {
    /// Version range the step upgrades from.
    pub from_text: String,
    /// Parsed range (None when invalid; already reported).
    pub from: Option<Range>,
    /// `wasm`, `sql` or `webhook`.
    pub step_type: String,
    /// Function, path or URL.
    pub function: String,
    /// Where it was declared.
    pub src: Src,
}

/// Translations.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Default)]
pub struct I18n {
    /// Default locale.
    pub default_locale: Option<String>,
    /// Bundle files: locale → bundle-relative path.
    pub bundles: Vec<(String, String)>,
    /// Inline catalogue (v2): locale → key → text.
    pub inline: BTreeMap<String, BTreeMap<String, String>>,
    /// Where the block was declared.
    pub src: Src,
}

/// Roles and permissions.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Default)]
pub struct Rbac {
    /// Roles.
    pub roles: Vec<Role>,
    /// Declared permissions.
    pub permissions: Vec<PermissionDef>,
}

/// A role.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Granted permissions (`*` for all).
    pub permissions: Vec<Named>,
    /// Where it was declared.
    pub src: Src,
}

/// A declared permission.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
pub struct PermissionDef {
    /// Key.
    pub key: String,
    /// Label.
    pub label: Option<String>,
    /// What the permission allows.
    pub description: Option<String>,
    /// Where it was declared.
    pub src: Src,
}

/// A canonical setting type (§4.4).
#[derive(serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingType {
    /// Text.
    String,
    /// Whole number.
    Integer,
    /// Number.
    Number,
    /// true/false.
    Boolean,
    /// Secret text: never logged or returned.
    Secret,
    /// Any JSON.
    Json,
    /// One of `options`.
    Select,
    /// Options from a provider.
    DynamicSelect,
}

impl SettingType {
    /// The canonical spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingType::String => "string",
            SettingType::Integer => "integer",
            SettingType::Number => "number",
            SettingType::Boolean => "boolean",
            SettingType::Secret => "secret",
            SettingType::Json => "json",
            SettingType::Select => "select",
            SettingType::DynamicSelect => "dynamic_select",
        }
    }
}

/// An installation setting.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Setting {
    /// Key.
    pub key: String,
    /// Canonical type.
    pub setting_type: SettingType,
    /// Label.
    pub label: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Default value.
    pub default: Option<Json>,
    /// Must be set at install.
    pub required: bool,
    /// Options of a `select`: (value, label).
    pub options: Vec<(String, String)>,
    /// Provider of a `dynamic_select`.
    pub options_source: Option<String>,
    /// Form section.
    pub section: Option<String>,
    /// Validation regex.
    pub validation: Option<String>,
    /// Where it was declared.
    pub src: Src,
}

/// Backend module limits and declarations.
#[derive(serde::Serialize, Debug, Clone, PartialEq)]
pub struct Backend {
    /// Module path, bundle-relative.
    pub entry: String,
    /// Memory cap in MiB.
    pub memory_limit_mb: u32,
    /// Per-call deadline in milliseconds.
    pub timeout_ms: u64,
    /// v2 `backend.exports`.
    pub declared_exports: Vec<Named>,
    /// v2 `backend.url`: base for relative webhook URLs.
    pub base_url: Option<String>,
}

impl Default for Backend {
    fn default() -> Self {
        Backend {
            entry: "backend/backend.wasm".into(),
            memory_limit_mb: 64,
            timeout_ms: 10_000,
            declared_exports: Vec::new(),
            base_url: None,
        }
    }
}

impl Addon {
    /// The model whose key, table or v2 alias is `name`, or whose qualified `<addon>.<Key>`
    /// names this addon.
    pub fn find_model(&self, name: &str) -> Option<&Model> {
        let local = match name.split_once('.') {
            Some((addon, model)) if addon == self.key => model,
            Some(_) => return None,
            None => name,
        };
        self.models
            .iter()
            .find(|m| m.key == local || m.table == local || m.alias.as_deref() == Some(local))
    }

    /// The own model a reference names: anything [`Addon::find_model`] accepts, or the
    /// schema-qualified `addon_<key>.<table>` spelling v2 refs use.
    pub fn find_model_ref(&self, name: &str) -> Option<&Model> {
        self.find_model(name).or_else(|| {
            let (prefix, local) = name.split_once('.')?;
            (prefix.strip_prefix("addon_") == Some(self.key.as_str()))
                .then(|| self.find_model(local))
                .flatten()
        })
    }

    /// Every WASM handler the manifest names, with where it is named (§8 handler set).
    pub fn wasm_handlers(&self) -> Vec<(String, Src)> {
        let mut out = Vec::new();
        let mut push = |kind: &HandlerKind, src: &str| {
            if let HandlerKind::Wasm { function } = kind {
                out.push((function.clone(), src.to_string()));
            }
        };
        for a in &self.actions {
            push(&a.handler.kind, &a.handler.target_src);
        }
        for t in &self.tools {
            push(&t.handler.kind, &t.handler.target_src);
        }
        for s in &self.subscriptions {
            push(&s.handler.kind, &s.handler.target_src);
        }
        for (_, hook) in self.lifecycle.hooks() {
            push(&hook.kind, &hook.src);
        }
        for step in &self.lifecycle.upgrade {
            if step.step_type == "wasm" {
                out.push((step.function.clone(), format!("{}/function", step.src)));
            }
        }
        for export in &self.backend.declared_exports {
            out.push((export.name.clone(), export.src.clone()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_types_parse_and_print() {
        for spelling in [
            "uuid",
            "varchar(40)",
            "numeric(12,2)",
            "numeric",
            "vector(1536)",
            "timestamptz",
        ] {
            let t = ColumnType::parse_canonical(spelling).unwrap();
            assert_eq!(t.canonical(), spelling);
        }
        for bad in [
            "string",
            "varchar()",
            "varchar(12345)",
            "numeric(1)",
            "int",
            "varchar(a)",
        ] {
            assert_eq!(ColumnType::parse_canonical(bad), None, "{bad}");
        }
    }

    /// `CAPABILITY_KINDS` is exactly the `as_str()` of every `v3::types::CapabilityKind`
    /// variant (the variants are read from the type's derived JSON Schema, so a new variant
    /// shows up here), and the unenforced kinds are among them.
    #[test]
    fn capability_kinds_match_the_v3_enum() {
        use crate::v3::types::CapabilityKind;

        let schema = serde_json::to_value(schemars::schema_for!(CapabilityKind)).unwrap();
        let spellings: Vec<String> = match schema.get("enum").and_then(Json::as_array) {
            Some(values) => values.clone(),
            None => schema["oneOf"]
                .as_array()
                .expect("an enum schema: `enum` or `oneOf`")
                .iter()
                .flat_map(|branch| match branch.get("enum").and_then(Json::as_array) {
                    Some(values) => values.clone(),
                    None => vec![branch["const"].clone()],
                })
                .collect(),
        }
        .into_iter()
        .map(|v| v.as_str().expect("string variant").to_string())
        .collect();
        let mut variants: Vec<&str> = spellings
            .iter()
            .map(|s| {
                let kind: CapabilityKind = serde_json::from_value(Json::String(s.clone()))
                    .unwrap_or_else(|e| panic!("{s}: {e}"));
                kind.as_str()
            })
            .collect();
        variants.sort_unstable();
        let mut listed = CAPABILITY_KINDS.to_vec();
        listed.sort_unstable();
        listed.dedup();
        assert_eq!(
            listed.len(),
            CAPABILITY_KINDS.len(),
            "duplicates in CAPABILITY_KINDS"
        );
        assert_eq!(listed, variants);
        for kind in UNENFORCED_CAPABILITY_KINDS {
            assert!(CAPABILITY_KINDS.contains(&kind), "{kind}");
        }
    }
}
