//! The typed Module Contract v3 manifest (`apiVersion: "asteby.com/v3"`).
//!
//! There is one Rust type per `$defs` entry of the upstream JSON Schema
//! (`manifest-v3.schema.json`), plus [`ManifestV3`] for the root object, named types for the
//! schema's anonymous nested objects (e.g. [`MetadataIcon`], [`ActionHandler`]) and one enum per
//! string `enum`. Field names are the JSON keys, renamed only where a key is not a snake_case
//! Rust identifier (`apiVersion`, `type`, `do`, `in`, `ref`, ...).
//!
//! Structural validation happens *before* deserialisation: the front end checks each manifest
//! against the upstream schema (with located diagnostics) and only a manifest that passes is
//! turned into these types with `serde_json::from_value`. So these types stay simple: patterns,
//! lengths, `const`s, `minItems`, `anyOf` and `if`/`then` rules are not re-encoded here, and
//! schema defaults are never filled in (an absent optional key is `None`; defaults are applied in
//! lowering). Closed schema objects deny unknown fields, and serialising a manifest back gives the
//! JSON that was read.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A Module Contract v3 manifest (`apiVersion: "asteby.com/v3"`): the declarative description of a
/// metacore addon, preset, theme or connector pack. The kernel honours only the behaviour declared
/// here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestV3 {
    /// Module Contract version; always `asteby.com/v3` (the constant is checked by the schema pass,
    /// not here).
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Top-level shape selector; each kind imposes extra constraints on which blocks may appear.
    pub kind: Kind,
    /// Identity, presentation and authorship of the module.
    pub metadata: Metadata,
    /// Versioned dependencies on the kernel and other addons.
    pub compatibility: Compatibility,
    /// Per-tenant data isolation strategy; absent means shared tables scoped by `organization_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenancy: Option<Tenancy>,
    /// Scoped permissions the addon requests; the org admin approves them at install and the
    /// runtime enforces them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<Capability>>,
    /// Data models the addon owns; the installer materialises each as a table with its columns,
    /// indices and RLS policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<Model>>,
    /// The federated UI bundle the host loads for this addon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontend: Option<Frontend>,
    /// What the addon contributes to the host shell and to other addons' extension points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contributions: Option<Contributions>,
    /// Events, slots and model extensions this addon publishes for others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_points: Option<ExtensionPoints>,
    /// Install/uninstall/enable/disable hooks and the upgrade ladder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// Translation bundles shipped with the addon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i18n: Option<I18n>,
    /// Roles and permissions the addon declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rbac: Option<Rbac>,
    /// Tenant-scoped settings the addon reads at runtime (via `secrets:read` or the kernel settings
    /// API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Vec<Setting>>,
    /// Marketplace billing surface (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<Billing>,
    /// Preset-specific block; required for and only allowed with `kind: Preset` (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    /// Theme-specific block; required for `kind: Theme` (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    /// ConnectorPack-specific block; required for `kind: ConnectorPack` (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_pack: Option<ConnectorPack>,
    /// Third-party credential providers this addon needs; the host stores their credentials per
    /// org, encrypted (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connectors: Option<Vec<Connector>>,
    /// Declarative cron jobs the kernel scheduler fires per org (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<Vec<Schedule>>,
    /// Inbound webhook routes the host mounts and routes after verifying their signature
    /// (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Vec<InboundWebhook>>,
    /// Local-network hardware the addon drives through a store-local agent (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge_devices: Option<Vec<EdgeDevice>>,
    /// Detached signature over the manifest (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// What a manifest describes. Only `Addon` generates code; the other kinds validate and build to
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Kind {
    /// An addon with models, contributions and handlers.
    Addon,
    /// A bundle of addons to install together, with defaults (requires `preset`).
    Preset,
    /// A purely visual contribution (requires `theme`).
    Theme,
    /// Third-party credential providers (requires `connector_pack`).
    ConnectorPack,
}

impl Kind {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Addon => "Addon",
            Self::Preset => "Preset",
            Self::Theme => "Theme",
            Self::ConnectorPack => "ConnectorPack",
        }
    }
}

/// Identity, presentation and authorship metadata for the module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Stable lowercase addon identifier (`^[a-z][a-z0-9_]{1,62}$`): the addon schema name and
    /// event namespace. Immutable after first publish.
    pub key: String,
    /// Human-readable display name shown in the marketplace and install UI.
    pub name: String,
    /// Short marketing-friendly description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Semver 2.0 version of this manifest payload; drives the `lifecycle.upgrade` dispatcher.
    pub version: String,
    /// Marketplace category, a free-form lowercase slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Icon the host renders as the addon avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<MetadataIcon>,
    /// Author or publishing organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Project website (format `uri`; checked as a warning only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// License identifier, e.g. an SPDX expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Path inside the bundle to the long-form README markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readme: Option<String>,
    /// Marketplace screenshots (URLs or bundle-relative paths).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screenshots: Option<Vec<String>>,
    /// Feature bullet points for the marketplace card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// ISO 3166-1 alpha-2 country codes the addon targets; empty means global.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    /// Marketplace card localisations keyed by locale (`es`, `en`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i18n: Option<BTreeMap<String, MetadataLocale>>,
}

/// The `(type, slug, color)` triple the host uses to render the addon avatar. With type `svg`,
/// `slug` is a bundle-relative path to an SVG asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetadataIcon {
    /// Where the icon comes from.
    #[serde(rename = "type")]
    pub icon_type: IconType,
    /// Icon name, URL or bundle-relative path, depending on `type`.
    pub slug: String,
    /// Optional accent colour for the icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// Source of an addon icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IconType {
    /// A brand icon (simple-icons slug).
    Brand,
    /// A Lucide icon name.
    Lucide,
    /// An absolute image URL.
    Url,
    /// A bundle-relative SVG asset, served under a sandboxed CSP.
    Svg,
}

impl IconType {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Brand => "brand",
            Self::Lucide => "lucide",
            Self::Url => "url",
            Self::Svg => "svg",
        }
    }
}

/// Versioned dependency declarations: a uniform list of requirements on the kernel and on other
/// addons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compatibility {
    /// Dependencies (at least one); key `kernel` targets the host contract version.
    pub requires: Vec<Requirement>,
    /// Other addon keys this package satisfies; the host then treats them as already installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provides: Option<Vec<String>>,
}

/// One versioned dependency on the kernel or on another addon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Dependency identifier: `kernel` for the host, otherwise another addon's `metadata.key`.
    pub key: String,
    /// Semver range the dependency must satisfy (non-empty).
    pub version: String,
    /// When true the install proceeds without the peer; the addon must detect its absence at
    /// runtime. Absent means false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// Human-readable justification surfaced in the install UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Per-tenant data isolation strategy. Absent fields fall back to shared tables scoped by
/// `organization_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tenancy {
    /// Isolation mode; absent means `shared`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation: Option<Isolation>,
    /// Tenancy column the kernel filters by; absent means `organization_id`. Must exist on every
    /// model table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rls_column: Option<String>,
}

/// How tenant data is separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Isolation {
    /// One table set for all organisations, every row scoped by the tenancy column (RLS).
    Shared,
    /// One Postgres schema per organisation upstream; treated like `shared` at our data layer.
    Schema,
    /// Reserved upstream; rejected at build.
    Database,
}

impl Isolation {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Shared => "shared",
            Self::Schema => "schema",
            Self::Database => "database",
        }
    }
}

/// A single scoped permission grant. Wildcards in `target` follow shell glob semantics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capability {
    /// What kind of access is requested.
    pub kind: CapabilityKind,
    /// What the grant covers; the grammar depends on `kind` (e.g. `schema.table` for `db:*`, a URL
    /// prefix for `http:fetch`, an event name for `event:*`).
    pub target: String,
    /// User-facing justification shown on the install consent screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The closed set of capability kinds (JSON spelling `area:verb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum CapabilityKind {
    /// Read rows of a table or schema.
    #[serde(rename = "db:read")]
    DbRead,
    /// Write rows of a table or schema.
    #[serde(rename = "db:write")]
    DbWrite,
    /// Outbound HTTP to a host or URL prefix.
    #[serde(rename = "http:fetch")]
    HttpFetch,
    /// Read the credentials of a connector declared by another addon.
    #[serde(rename = "connector:read")]
    ConnectorRead,
    /// Emit events matching a name or prefix glob.
    #[serde(rename = "event:emit")]
    EventEmit,
    /// Subscribe to events matching a name or prefix glob.
    #[serde(rename = "event:subscribe")]
    EventSubscribe,
    /// Read files under a path prefix.
    #[serde(rename = "fs:read")]
    FsRead,
    /// Read secrets matching a key glob.
    #[serde(rename = "secrets:read")]
    SecretsRead,
    /// Register a cron schedule.
    #[serde(rename = "cron:register")]
    CronRegister,
    /// Publish to a queue.
    #[serde(rename = "queue:produce")]
    QueueProduce,
    /// Consume from a queue.
    #[serde(rename = "queue:consume")]
    QueueConsume,
    /// Write files under a storage path prefix.
    #[serde(rename = "file-storage:write")]
    FileStorageWrite,
    /// Read the wall clock.
    #[serde(rename = "time:wallclock")]
    TimeWallclock,
}

impl CapabilityKind {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::DbRead => "db:read",
            Self::DbWrite => "db:write",
            Self::HttpFetch => "http:fetch",
            Self::ConnectorRead => "connector:read",
            Self::EventEmit => "event:emit",
            Self::EventSubscribe => "event:subscribe",
            Self::FsRead => "fs:read",
            Self::SecretsRead => "secrets:read",
            Self::CronRegister => "cron:register",
            Self::QueueProduce => "queue:produce",
            Self::QueueConsume => "queue:consume",
            Self::FileStorageWrite => "file-storage:write",
            Self::TimeWallclock => "time:wallclock",
        }
    }
}

/// A data model the addon owns, materialised as a table by the installer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// PascalCase logical identifier the SDK exposes (e.g. `Product`).
    pub key: String,
    /// Physical SQL table name inside the addon schema.
    pub table: String,
    /// Human label, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The table's columns (at least one).
    pub columns: Vec<Column>,
    /// Secondary indices on the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indices: Option<Vec<Index>>,
    /// References from this model's columns to other models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_keys: Option<Vec<ForeignKey>>,
    /// Columns this addon attaches to another addon's model, which must opt in via
    /// `extension_points.model_extensions_accepted` (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Vec<ModelExtension>>,
    /// Inverse 1:N / N:M view edges projected into the served table metadata so a detail page can
    /// list child records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relations: Option<Vec<ModelRelation>>,
    /// Default rows the installer inserts on install, idempotent by a natural key column
    /// (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<Seed>,
    /// Computed columns evaluated before every create/update write (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formulas: Option<Vec<Formula>>,
    /// Row-locking strategy on update; absent means no extra locking (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locking: Option<Locking>,
    /// Atomic folio counters the kernel maintains per org or branch for this model (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequences: Option<Vec<Sequence>>,
    /// Grouping of the native create/edit form into sections or wizard steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_layout: Option<FormLayout>,
    /// Column carrying the model's pipeline stage; with `stages` it turns the model into a stage
    /// machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_field: Option<String>,
    /// Ordered lifecycle stages of `stage_field`, projected onto the column's status display
    /// (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<Vec<Stage>>,
    /// Allowed `(from, to)` stage moves; other moves are rejected when `stages` is non-empty
    /// (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitions: Option<Vec<Transition>>,
    /// Hooks fired after a valid stage move is persisted and before the canonical event (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_transition: Option<Vec<TransitionHook>>,
}

/// Row-locking strategy for updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Locking {
    /// Load the target row with `SELECT … FOR UPDATE` inside a transaction before checking column
    /// constraints.
    Row,
}

impl Locking {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Row => "row",
        }
    }
}

/// Declarative default data: rows inserted on install, idempotent by the `key` column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// The natural-key column used for idempotency; must name a declared column.
    pub key: String,
    /// The default records (at least one), each mapping column name to value.
    pub rows: Vec<BTreeMap<String, Value>>,
}

/// An inverse 1:N / N:M edge rooted at the owning model, projected into the served table metadata
/// so a detail page can list the owner's child records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelRelation {
    /// Relation identifier, unique within the owning model (e.g. `vehicles`).
    pub name: String,
    /// Cardinality of the edge.
    pub kind: RelationKind,
    /// Child or target model key (e.g. `Vehicle`).
    pub through: String,
    /// Child column pointing back at the owner (e.g. `customer_id`).
    pub foreign_key: String,
    /// Static equality filter (column → value) applied to the child query, e.g. a polymorphic
    /// `owner_model` discriminator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<BTreeMap<String, String>>,
    /// Human label or i18n key for the related-records panel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// When true the related-records panel offers no create/edit/delete of child rows (UI
    /// metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readonly: Option<bool>,
    /// When true the record modal renders the children inline as a sub-table, as for a document's
    /// lines (UI metadata; `one_to_many` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embed: Option<bool>,
    /// Parent aggregates computed over the child rows (advanced; `one_to_many` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollups: Option<Vec<Rollup>>,
}

/// Cardinality of a model relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// `foreign_key` is the column on `through` pointing back at the owner.
    OneToMany,
    /// `through` is the target model, joined via `foreign_key`.
    ManyToMany,
}

impl RelationKind {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::OneToMany => "one_to_many",
            Self::ManyToMany => "many_to_many",
        }
    }
}

/// One column of a model table, with its DDL properties and the UI metadata the host projects into
/// served column/field definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Column name (`^[a-z][a-z0-9_]+$`).
    pub name: String,
    /// Logical type (`uuid`, `text`, `numeric(p,s)`, `varchar(n)`, ...). Kept as a string: the
    /// schema pass and the type checker validate it.
    #[serde(rename = "type")]
    pub column_type: String,
    /// Whether the column is the primary key; absent means false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<bool>,
    /// Whether the column is `NOT NULL`; absent means false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_null: Option<bool>,
    /// Default value: a JSON literal or a recognised SQL expression token such as `now()`. A JSON
    /// `null` is kept as `Some(Value::Null)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_present"
    )]
    pub default: Option<Value>,
    /// Human label, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Column-level documentation string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Cell renderer the SDK applies to the column's values (e.g. `currency`, `badge`, `date`); UI
    /// metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// Form input the SDK renders for the column in the create/edit modal (e.g. `image`,
    /// `textarea`); UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widget: Option<String>,
    /// Renderer-specific options object (e.g. `currency`, `decimals`, `base_path`); UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_config: Option<Value>,
    /// Path to the text shown on hover (e.g. the creator's name); UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tooltip: Option<String>,
    /// Path to a subtitle (e.g. the creator's email); UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Relation-picker target: a model key, `<addon>.<ModelKey>` or a table name; UI metadata.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Select choices: a static list or a dynamic source declaration; UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsSpec>,
    /// Sibling column whose value scopes this column's dependent picker; UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<String>,
    /// Key of a host-registered option provider that supplies the choices at serve time; UI
    /// metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_source: Option<String>,
    /// Marks a system-generated column, excluded from the create form and read-only in edit; UI
    /// metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readonly: Option<bool>,
    /// Offers camera barcode scanning to fill the input; UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<bool>,
    /// Guard predicates evaluated inside the create/update transaction before writing (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Vec<Constraint>>,
    /// Key of one of the model's `sequences`; the kernel stamps the next folio on create when the
    /// column is empty (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
    /// Arithmetic expression over sibling columns, emitted as a Postgres
    /// `GENERATED ALWAYS AS (...) STORED` column. Incompatible with `default` and `not_null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// Shows the form input only when a sibling field matches; UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<VisibleWhen>,
    /// Key of the `form_layout` section or step the input is placed in; UI metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Write-time validation the kernel enforces on create/update and the SDK pre-flights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<FieldValidation>,
}

/// The `options` of a column or action field (schema `oneOf`): a static list of choices or a
/// dynamic source declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OptionsSpec {
    /// The array form: a plain select over fixed choices.
    Static(Vec<FieldOption>),
    /// The object form: a searchable picker whose candidates come from a table.
    Dynamic(DynamicOptions),
}

/// One block of a model's create/edit form: a collapsible section (mode `sections`) or a wizard
/// step (mode `steps`). Columns join it through `section`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSection {
    /// Section identifier, unique within the model; referenced by `Column::section`.
    pub key: String,
    /// Header of the section or step, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Secondary text under the title, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Render the section initially collapsed (mode `sections` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collapsed: Option<bool>,
    /// Hides the whole section unless a form field matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<VisibleWhen>,
}

/// Declarative grouping of a model's native create/edit form (UI metadata, ignored by the DDL and
/// write planes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormLayout {
    /// How the sections are rendered.
    pub mode: FormLayoutMode,
    /// Ordered sections (or steps).
    pub sections: Vec<FormSection>,
}

/// Rendering mode of a form layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormLayoutMode {
    /// Collapsible blocks in one scroll.
    Sections,
    /// A wizard with one section per step, validated step by step.
    Steps,
}

impl FormLayoutMode {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Sections => "sections",
            Self::Steps => "steps",
        }
    }
}

/// Conditional visibility of a form input: shown only while a sibling field's value matches. When
/// both `equals` and `in` are present, `in` wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisibleWhen {
    /// Sibling field whose current value drives the visibility.
    pub field: String,
    /// Show when the sibling value equals this string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    /// Show when the sibling value is one of these strings.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub in_values: Option<Vec<String>>,
}

/// An atomic folio counter the kernel maintains for the owning model, formatted through a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    /// Sequence identifier, unique within the model (e.g. `invoice`).
    pub key: String,
    /// Counter partitioning; absent means `org`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<SequenceScope>,
    /// Template with exactly one `{seq}` or `{seq:0N}` placeholder, e.g. `A-{seq:06}`.
    pub format: String,
}

/// Partitioning of a sequence counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SequenceScope {
    /// One series per organisation.
    Org,
    /// One series per branch.
    Branch,
}

impl SequenceScope {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Org => "org",
            Self::Branch => "branch",
        }
    }
}

/// A guard predicate on a column (`<arith> <op> <arith>` over the row's columns), evaluated before
/// every create/update write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Constraint {
    /// The predicate, e.g. `quantity >= 0`.
    pub expr: String,
    /// i18n key or stable code returned (422) when the predicate is false.
    pub error_key: String,
    /// What happens when the predicate is false; absent means `reject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_violation: Option<ViolationAction>,
    /// Who may approve a violation; required with `on_violation: request_approval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalPolicy>,
}

/// Outcome of a failed column constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViolationAction {
    /// Abort the write with 422 and the error key.
    Reject,
    /// Store the mutation as a pending approval request instead of writing it (requires
    /// `approval`).
    RequestApproval,
}

impl ViolationAction {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Reject => "reject",
            Self::RequestApproval => "request_approval",
        }
    }
}

/// Who may approve a pending mutation and how; shared by `Constraint::approval` and
/// `Action::approval`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalPolicy {
    /// Org role keys allowed to approve (at least one).
    pub roles: Vec<String>,
    /// Require a non-empty reason on approve and reject; absent means false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_required: Option<bool>,
    /// Expire a pending request after this many hours; 0 or absent means never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_hours: Option<i64>,
    /// Title shown on the approval inbox card, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Only on actions: approval is required only when this arithmetic predicate holds (e.g.
    /// `discount_pct > 10`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

/// A secondary index on a model table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Index name; unique across the addon schema.
    pub name: String,
    /// Indexed columns, in order (at least one).
    pub columns: Vec<String>,
    /// Whether the index is unique; absent means false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    /// Index access method; absent means the Postgres default (`btree`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<IndexMethod>,
}

/// Postgres index access method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndexMethod {
    /// B-tree.
    Btree,
    /// Generalised inverted index.
    Gin,
    /// Generalised search tree.
    Gist,
    /// Hash index.
    Hash,
    /// pgvector IVFFlat (vector columns only).
    Ivfflat,
    /// pgvector HNSW (vector columns only).
    Hnsw,
}

impl IndexMethod {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Btree => "btree",
            Self::Gin => "gin",
            Self::Gist => "gist",
            Self::Hash => "hash",
            Self::Ivfflat => "ivfflat",
            Self::Hnsw => "hnsw",
        }
    }
}

/// A cross-model reference, either a physical SQL constraint or a link validated by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// Local columns (at least one).
    pub columns: Vec<String>,
    /// The referenced model and columns.
    pub references: ForeignKeyTarget,
    /// How the reference is enforced.
    pub policy: ForeignKeyPolicy,
    /// Behaviour when the referenced row is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<OnDelete>,
}

/// The target side of a foreign key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeyTarget {
    /// Referenced model as `<addon_key>.<ModelKey>` (this addon or another).
    pub model: String,
    /// Referenced columns, matching the local ones in count and type.
    pub columns: Vec<String>,
}

/// Enforcement of a foreign key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForeignKeyPolicy {
    /// Checked by the server at write time (works across schemas and addons).
    Logical,
    /// Emitted as an SQL foreign-key constraint.
    Physical,
}

impl ForeignKeyPolicy {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Logical => "logical",
            Self::Physical => "physical",
        }
    }
}

/// Referential action on delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnDelete {
    /// Refuse the delete.
    Restrict,
    /// Delete the referencing rows too.
    Cascade,
    /// Set the local columns to NULL.
    SetNull,
    /// Deferred check (SQL `NO ACTION`).
    NoAction,
}

impl OnDelete {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Restrict => "restrict",
            Self::Cascade => "cascade",
            Self::SetNull => "set_null",
            Self::NoAction => "no_action",
        }
    }
}

/// Columns this addon attaches to another addon's model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelExtension {
    /// Fully qualified `<addon_key>.<ModelKey>` of the extended model.
    pub target_model: String,
    /// The attached columns (at least one).
    pub columns: Vec<Column>,
}

/// What this addon contributes to the host shell and to extension points published by other addons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contributions {
    /// Sidebar navigation groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation: Option<Vec<NavGroup>>,
    /// Components rendered into slot kinds published by other addons or the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots: Option<Vec<SlotContribution>>,
    /// UI-triggered operations on models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<Action>>,
    /// LLM-facing tools registered into the host agent-tool registry on install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    /// AI capabilities exposed to the host copilot (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_capabilities: Option<Vec<AgentCapability>>,
    /// Event handlers; each must be backed by an `event:subscribe` capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriptions: Option<Vec<Subscription>>,
    /// Declarative in-app notifications fired on canonical CRUD events (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<Vec<NotificationRule>>,
    /// Widgets for the host's modular dashboard (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dashboard: Option<Vec<DashboardWidget>>,
    /// Printable per-record document templates (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentDef>>,
    /// Where the addon's configuration screen lives (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigEntry>,
    /// Entries for the host's declarative routing tables (advanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<Vec<Route>>,
}

/// An AI capability exposed to the host copilot; mutating capabilities declare their risk and
/// confirmation policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentCapability {
    /// Capability identifier (`^[a-z0-9][a-z0-9._-]{2,127}$`).
    pub id: String,
    /// Short title.
    pub title: String,
    /// What the capability does, for the copilot.
    pub description: String,
    /// What the capability does with the user.
    pub kind: AgentCapabilityKind,
    /// Risk level of invoking the capability.
    pub risk: RiskLevel,
    /// Permission the user needs to invoke it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// UI route the capability relates to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// JSON Schema object of the capability's input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<Value>,
    /// Whether the user must confirm before it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_confirmation: Option<bool>,
    /// Whether its effect can be undone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversible: Option<bool>,
    /// Free-form tags (unique).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Step-by-step UI guide, for `kind: guide`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<AgentGuide>,
}

/// Category of an agent capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentCapabilityKind {
    /// Answers a question.
    Answer,
    /// Walks the user through the UI.
    Guide,
    /// Performs an action.
    Act,
    /// Performs a transactional (e.g. financial) action.
    Transact,
}

impl AgentCapabilityKind {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Answer => "answer",
            Self::Guide => "guide",
            Self::Act => "act",
            Self::Transact => "transact",
        }
    }
}

/// Risk level of an agent capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// No risk.
    None,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
    /// Critical risk.
    Critical,
}

impl RiskLevel {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// A step-by-step guide the copilot plays through the federated UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentGuide {
    /// Guide identifier (same pattern as capability ids).
    pub id: String,
    /// Guide title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Guide description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// User intents (phrases) that trigger the guide; unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intents: Option<Vec<String>>,
    /// The guide's steps (at least one).
    pub steps: Vec<AgentGuideStep>,
}

/// One step of an agent guide: highlight a UI target and explain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentGuideStep {
    /// Step identifier.
    pub id: String,
    /// Route to navigate to before the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// UI target (selector or anchor) to highlight.
    pub target: String,
    /// Step title.
    pub title: String,
    /// Step explanation.
    pub description: String,
    /// User event on the target that advances to the next step.
    #[serde(rename = "advanceOn", default, skip_serializing_if = "Option::is_none")]
    pub advance_on: Option<AdvanceOn>,
}

/// When an agent guide step advances automatically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceOn {
    /// DOM event on the target that advances the guide.
    pub event: AdvanceEvent,
}

/// DOM event that advances an agent guide step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdvanceEvent {
    /// The target is clicked.
    Click,
    /// The target's value changes.
    Change,
    /// The user types into the target.
    Input,
}

impl AdvanceEvent {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Click => "click",
            Self::Change => "change",
            Self::Input => "input",
        }
    }
}

/// A printable document template bound to a model; the host renders it per record as a PDF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentDef {
    /// Identifier, unique within the addon; the `:key` segment of the PDF route.
    pub key: String,
    /// Model key (own or extended) whose records the document renders.
    pub model: String,
    /// Bundle-relative path to the HTML template (ends in `.html`).
    pub template: String,
    /// Page geometry.
    pub paper: PaperSize,
    /// Download filename without `.pdf`; may contain `{{record.<col>}}` tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Human title in the host's template catalog; absent means the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Record status values in which printing is available; empty or absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_state: Option<Vec<String>>,
    /// Field gate on the target record (e.g. `fiscal_uuid` must be set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<RecordFieldCondition>,
    /// Author note for the template catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Page geometry of a printable document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaperSize {
    /// ISO A4.
    #[serde(rename = "A4")]
    A4,
    /// US Letter.
    Letter,
    /// 80 mm receipt roll for POS printers.
    Ticket80,
}

impl PaperSize {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::A4 => "A4",
            Self::Letter => "letter",
            Self::Ticket80 => "ticket80",
        }
    }
}

/// Gates a row action or printable document on a field of the target record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordFieldCondition {
    /// Dot-path to a column of the target record.
    pub field: String,
    /// Comparison operator; absent means `eq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<ConditionOperator>,
    /// Right-hand value for `eq`/`neq`/`in`; omitted for truthy/falsy operators. A JSON `null` is
    /// kept as `Some(Value::Null)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_present"
    )]
    pub value: Option<Value>,
}

/// Comparison operator of a condition, with every spelling the schema accepts (several are
/// synonyms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOperator {
    /// Equal.
    Eq,
    /// Equal (synonym of `eq`).
    Equals,
    /// Equal (synonym of `eq`).
    #[serde(rename = "==")]
    EqSymbol,
    /// Not equal.
    Neq,
    /// Not equal (synonym of `neq`).
    Notequals,
    /// Not equal (synonym of `neq`).
    NotEquals,
    /// Not equal (synonym of `neq`).
    #[serde(rename = "!=")]
    NeqSymbol,
    /// Member of the list in `value`.
    In,
    /// Not a member of the list in `value`.
    NotIn,
    /// Not a member (synonym of `not_in`).
    Notin,
    /// The field is truthy.
    Truthy,
    /// The field is present (synonym of `truthy`).
    Present,
    /// The field is set (synonym of `truthy`).
    Set,
    /// The field is falsy.
    Falsy,
    /// The field is blank (synonym of `falsy`).
    Blank,
    /// The field is empty (synonym of `falsy`).
    Empty,
}

impl ConditionOperator {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Equals => "equals",
            Self::EqSymbol => "==",
            Self::Neq => "neq",
            Self::Notequals => "notequals",
            Self::NotEquals => "not_equals",
            Self::NeqSymbol => "!=",
            Self::In => "in",
            Self::NotIn => "not_in",
            Self::Notin => "notin",
            Self::Truthy => "truthy",
            Self::Present => "present",
            Self::Set => "set",
            Self::Falsy => "falsy",
            Self::Blank => "blank",
            Self::Empty => "empty",
        }
    }
}

/// A widget for the host's modular dashboard: a declarative query the host aggregates, or a
/// federated custom component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DashboardWidget {
    /// Identifier, unique within the addon; the capability is `<addon>.dashboard.<key>`.
    pub key: String,
    /// i18n key of the heading.
    pub title: String,
    /// i18n key shown under the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Lucide icon slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Visualisation.
    pub kind: WidgetKind,
    /// Grid span on a 4-column grid; absent means `sm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<WidgetSize>,
    /// i18n key of the group the widget is bucketed under; absent means the addon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Order within the group; absent means 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    /// Accent colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent: Option<WidgetAccent>,
    /// Number format of the value and series points; absent means `number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<WidgetFormat>,
    /// Permission needed to see the widget; absent with a `query.model` means `<table>.index`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// i18n key of the empty state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty: Option<String>,
    /// The aggregation the host runs for declarative kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<WidgetQuery>,
    /// Comparison against another time window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<WidgetCompare>,
    /// Federation slot a `custom` widget mounts into; absent means `dashboard.widgets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    /// Federated module of the addon's frontend bundle (kind `custom`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose: Option<String>,
    /// Server-side gate: serve the widget only to organisations satisfying the predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// Visualisation of a dashboard widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetKind {
    /// A single figure.
    Stat,
    /// Bar chart.
    Bar,
    /// Line chart.
    Line,
    /// Area chart.
    Area,
    /// Pie chart.
    Pie,
    /// Donut chart.
    Donut,
    /// A list of rows.
    List,
    /// A progress bar.
    Progress,
    /// A federated component (`expose`) mounted into `slot`.
    Custom,
}

impl WidgetKind {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Stat => "stat",
            Self::Bar => "bar",
            Self::Line => "line",
            Self::Area => "area",
            Self::Pie => "pie",
            Self::Donut => "donut",
            Self::List => "list",
            Self::Progress => "progress",
            Self::Custom => "custom",
        }
    }
}

/// Grid span of a dashboard widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetSize {
    /// One column.
    Sm,
    /// Two columns.
    Md,
    /// Three columns.
    Lg,
    /// The full row.
    Full,
}

impl WidgetSize {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Sm => "sm",
            Self::Md => "md",
            Self::Lg => "lg",
            Self::Full => "full",
        }
    }
}

/// Accent colour of a dashboard widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetAccent {
    /// Emerald.
    Emerald,
    /// Sky.
    Sky,
    /// Violet.
    Violet,
    /// Amber.
    Amber,
    /// Rose.
    Rose,
    /// Slate.
    Slate,
}

impl WidgetAccent {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Emerald => "emerald",
            Self::Sky => "sky",
            Self::Violet => "violet",
            Self::Amber => "amber",
            Self::Rose => "rose",
            Self::Slate => "slate",
        }
    }
}

/// Number format of a dashboard widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetFormat {
    /// Plain number.
    Number,
    /// Currency amount.
    Currency,
    /// Percentage.
    Percent,
    /// Compact notation (e.g. 1.2k).
    Compact,
}

impl WidgetFormat {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::Currency => "currency",
            Self::Percent => "percent",
            Self::Compact => "compact",
        }
    }
}

/// The aggregation behind a declarative dashboard widget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetQuery {
    /// Model key of this addon to aggregate over.
    pub model: String,
    /// Aggregate function; absent means `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<Aggregate>,
    /// Column to aggregate; required unless the aggregate is `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Filter object: column → value (equality) or column → `{op: value}` with op
    /// `eq`/`neq`/`gt`/`gte`/`lt`/`lte`/`contains`.
    #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
    pub where_clause: Option<Value>,
    /// Column to group the series by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    /// Column supplying the label of each group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_field: Option<String>,
    /// Date column used for time series and ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_field: Option<String>,
    /// Time bucket of a time series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<WidgetInterval>,
    /// Time window of the query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<WidgetRange>,
    /// Sort direction of the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<SortOrder>,
    /// Maximum number of rows or groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// Aggregate function of a widget query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Row count (ignores `field`).
    Count,
    /// Sum of `field`.
    Sum,
    /// Average of `field`.
    Avg,
    /// Minimum of `field`.
    Min,
    /// Maximum of `field`.
    Max,
}

impl Aggregate {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
        }
    }
}

/// Time bucket of a widget time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetInterval {
    /// Daily buckets.
    Day,
    /// Weekly buckets.
    Week,
    /// Monthly buckets.
    Month,
}

impl WidgetInterval {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }
}

/// Time window of a widget query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetRange {
    /// The last 7 days.
    #[serde(rename = "last_7_days")]
    Last7Days,
    /// The last 30 days.
    #[serde(rename = "last_30_days")]
    Last30Days,
    /// The last 12 months.
    #[serde(rename = "last_12_months")]
    Last12Months,
    /// The current month.
    ThisMonth,
    /// The current year.
    ThisYear,
    /// Today.
    ThisDay,
    /// No time restriction.
    All,
}

impl WidgetRange {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Last7Days => "last_7_days",
            Self::Last30Days => "last_30_days",
            Self::Last12Months => "last_12_months",
            Self::ThisMonth => "this_month",
            Self::ThisYear => "this_year",
            Self::ThisDay => "this_day",
            Self::All => "all",
        }
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

impl SortOrder {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

/// Comparison of a widget's value against another time window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WidgetCompare {
    /// Comparison window, e.g. `previous_period`.
    pub to: String,
}

/// A group of sidebar navigation entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NavGroup {
    /// Group title, literal or i18n key.
    pub title: String,
    /// Icon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Existing host group to merge into (e.g. `sidebar.sales`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The group's entries.
    pub items: Vec<NavItem>,
    /// Server-side gate: serve the group only to organisations satisfying the predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// One sidebar navigation entry: a link, a model's CRUD screen, or a parent of nested entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    /// Entry title, literal or i18n key.
    pub title: String,
    /// Link target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Icon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Model whose dynamic CRUD screen the entry opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Permission needed to see the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Nested entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<NavItem>>,
    /// Static column → value filter applied to the entry's list view (e.g. one entry per status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<BTreeMap<String, String>>,
    /// Renderer for the model screen; absent means `table`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_type: Option<ViewType>,
    /// Column the kanban board groups by; required with `view_type: kanban`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    /// Model capabilities the federated screen needs when access is granted (preferred over
    /// `requires_capabilities`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Vec<NavRequirement>>,
    /// Flat host RBAC capability strings (escape hatch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_capabilities: Option<Vec<String>>,
    /// Server-side gate: serve the entry only to organisations satisfying the predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// Renderer of a model screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViewType {
    /// A data table.
    Table,
    /// A board grouped by `group_by`.
    Kanban,
}

impl ViewType {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Kanban => "kanban",
        }
    }
}

/// Model actions a navigation entry's screen needs, projected into `<model>.<action>` capability
/// strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NavRequirement {
    /// Model key (e.g. `SalesOrder`); an `<addon>.` prefix is stripped.
    pub model: String,
    /// Capability suffixes (at least one): `index`/`create`/`update`/`delete` or custom action
    /// keys.
    pub actions: Vec<String>,
}

/// One lifecycle stage of a model's `stage_field` column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Stored column value for this stage (e.g. `in_progress`).
    pub key: String,
    /// Label for the stage, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Colour token for the badge (e.g. `slate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Position on a board or in a status select.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    /// Marks a terminal stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_final: Option<bool>,
}

/// One allowed move between two stages (by stage key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// Source stage key.
    pub from: String,
    /// Destination stage key.
    pub to: String,
}

/// A side effect fired when a record moves between stages: assign fields (`set`), dispatch a
/// handler (`do`), or both. At least one of the two is required (checked by the schema pass).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionHook {
    /// Source stage key, or `*` for any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Destination stage key, or `*` for any.
    pub to: String,
    /// Fields (column → value) assigned on the transitioning row before it is persisted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<Value>,
    /// Handler reference: `wasm:<export>`, `webhook:<key>` or `compiled:<fn>`.
    #[serde(rename = "do", default, skip_serializing_if = "Option::is_none")]
    pub handler_ref: Option<String>,
    /// When true a dispatch failure rolls back the transition (422); otherwise it is only logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// A component this addon renders into a slot kind published by another addon or the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotContribution {
    /// Fully qualified `<addon_key>.<slot_name>` of the slot.
    pub slot_kind: String,
    /// Bundle-relative path or federation expose of the React component.
    pub entry: String,
    /// Order among the slot's contributions; absent means 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    /// Permission needed to see the contribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Server-side gate: serve the contribution only to organisations satisfying the predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// The federated UI bundle the host loads at runtime for this addon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Frontend {
    /// URL or relative path of the `remoteEntry.js` or bundle.
    pub entry: String,
    /// Module loading strategy.
    pub format: FrontendFormat,
    /// Federation module to import (e.g. `./plugin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose: Option<String>,
    /// Subresource-integrity hash of the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
    /// Global name the remote entry assigns itself on `window`; absent means `metacore_<key>`
    /// (applied in lowering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// How the host frames the addon UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<FrontendLayout>,
}

/// Loading strategy of a frontend bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrontendFormat {
    /// A module-federation remote.
    Federation,
    /// A plain script bundle.
    Script,
}

impl FrontendFormat {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Federation => "federation",
            Self::Script => "script",
        }
    }
}

/// How the host frames an addon UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrontendLayout {
    /// Inside the host shell (sidebar and header).
    Shell,
    /// Full screen, without the shell.
    Immersive,
}

impl FrontendLayout {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Shell => "shell",
            Self::Immersive => "immersive",
        }
    }
}

/// A UI-triggered operation: a declarative modal form (`fields` or `steps`), a custom federated
/// modal (`modal`), or a plain confirmation, dispatched to a handler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Action identifier, unique within the addon.
    pub key: String,
    /// Button label, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Icon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Where the action is dispatched.
    pub handler: ActionHandler,
    /// Model the action applies to: model key, table or `<addon>.<ModelKey>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_model: Option<String>,
    /// Where the trigger appears; absent means `row`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// Declarative form shown in the action modal before dispatch; mutually exclusive with `steps`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<ActionField>>,
    /// Multi-step wizard, one page per step; mutually exclusive with `fields`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<ActionStep>>,
    /// Slot kind of a custom federated modal component (`<addon_key>.<action_key>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modal: Option<String>,
    /// Show a confirmation step before dispatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<bool>,
    /// Body of the confirmation step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_message: Option<String>,
    /// Record status values in which the action is valid; empty or absent means no gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_state: Option<Vec<String>>,
    /// Explicit modal width: a CSS length or a pixel number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modal_width: Option<ModalWidth>,
    /// Makes the action replay-safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency: Option<Idempotency>,
    /// Makes the action supervised: the invocation waits as a pending approval request until an
    /// approver accepts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalPolicy>,
    /// Server-side gate: serve the action only to organisations satisfying the predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// The handler object shared by actions, tools and subscriptions: which backend runs the operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionHandler {
    /// Kind of backend.
    #[serde(rename = "type")]
    pub handler_type: HandlerType,
    /// WASM export or compiled function name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Webhook URL or path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Connector key whose owning addon's export is invoked (with `type: connector`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<String>,
    /// WASM export of the connector-owning addon to invoke (with `type: connector`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<String>,
}

/// Where an action's trigger appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// A per-row table action.
    Row,
    /// A page toolbar button.
    Table,
    /// A toolbar button replacing the generic create button.
    Create,
}

impl Placement {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Row => "row",
            Self::Table => "table",
            Self::Create => "create",
        }
    }
}

/// Makes an action replay-safe: the kernel stores the response keyed by a payload field and replays
/// it on repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    /// Payload field whose value is the idempotency key (e.g. a client-generated request UUID).
    pub key_field: String,
}

/// Backend kind of a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HandlerType {
    /// An export of the addon's WASM module (`function`).
    Wasm,
    /// An outbound HTTP call (`url`).
    Webhook,
    /// A host-registered Rust function (`function`).
    Compiled,
    /// An export of the addon owning a connector (`connector` + `export`).
    Connector,
}

impl HandlerType {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Wasm => "wasm",
            Self::Webhook => "webhook",
            Self::Compiled => "compiled",
            Self::Connector => "connector",
        }
    }
}

/// The width of an action modal: a CSS length or a number of pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ModalWidth {
    /// A CSS length, e.g. `"720px"`.
    Css(String),
    /// A width in pixels.
    Pixels(f64),
}

/// One page of a multi-step action wizard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionStep {
    /// Step heading, literal or i18n key.
    pub title: String,
    /// Helper text under the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Fields rendered and validated on this page (at least one).
    pub fields: Vec<ActionField>,
}

/// One input of an action modal's declarative form (mirrors the SDK `ActionFieldDef`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionField {
    /// Field key in the submitted payload.
    pub key: String,
    /// Field label, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Input type (`text`, `select`, `array`, `upload`, ...); free-form upstream.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Whether a value is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Select choices: a static list or a dynamic source declaration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsSpec>,
    /// Another field of the same form whose value scopes this field's dependent picker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<String>,
    /// Initial value, any JSON. An object carrying `$prefillFromRecord` must have the
    /// [`PrefillFromRecord`] shape (checked by the schema pass). A JSON `null` is kept as
    /// `Some(Value::Null)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_present"
    )]
    pub default: Option<Value>,
    /// Placeholder text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Widget override for the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widget: Option<String>,
    /// Target model key for reference fields.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Endpoint backing an async-search widget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_endpoint: Option<String>,
    /// Offers camera barcode scanning to fill the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<bool>,
    /// Key of a host-registered option provider that supplies the choices at serve time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_source: Option<String>,
    /// Validation the kernel enforces on the action payload and the SDK pre-flights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<FieldValidation>,
    /// Columns of a repeatable line-items group (on a field of type `array`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_fields: Option<Vec<ActionField>>,
    /// On an `array` field: rows are fixed, only their cells can be edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_rows: Option<bool>,
    /// Shows the input only when a sibling field matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<VisibleWhen>,
    /// On an `item_fields` column: sum it in the line-items footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<bool>,
    /// On an `array` field: require two columns' totals to balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<FieldBalanceRule>,
    /// On an `upload` field: MIME/extension allow-list for the file picker (e.g. `image/*,.pdf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// On an `upload` field: maximum file size in bytes; 0 means the host default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<i64>,
    /// On an `upload` field: storage path prefix; empty means the host default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_path: Option<String>,
    /// Column of the remote model whose image URL is shown beside each option of a reference
    /// picker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_image: Option<String>,
    /// Column of the remote model whose icon is shown beside each option of a reference picker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_icon: Option<String>,
    /// Column of the remote model whose CSS colour accents each option of a reference picker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_color: Option<String>,
}

/// Balance constraint on a line-items field: the sum of `debit_column` must equal the sum of
/// `credit_column` before submit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldBalanceRule {
    /// Item field summed on the left side.
    pub debit_column: String,
    /// Item field summed on the right side.
    pub credit_column: String,
    /// Override of the out-of-balance message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Also require the totals to be greater than zero; absent means true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_nonzero: Option<bool>,
}

/// The `default` of an `array` line-items field that seeds its rows from a relation of the record
/// the modal opened against. Interpreted by the SDK; the host only passes it through.
/// [`ActionField::default`] stays a raw JSON value; this type documents (and can parse) that shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefillFromRecord {
    /// Relation or array field of the parent record whose rows seed the line items (e.g. `items`).
    #[serde(rename = "$prefillFromRecord")]
    pub prefill_from_record: String,
    /// Item column → source field of each related row; unmapped columns stay unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<BTreeMap<String, String>>,
    /// Derives one column per row as `of - minus`; rows whose result is ≤ 0 are dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<PrefillRemaining>,
    /// Item fields that are prefilled and read-only in every generated row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<Vec<String>>,
}

/// Derives one item column per prefilled row as the difference of two other columns (e.g. the
/// quantity still to receive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefillRemaining {
    /// Item field that receives the computed value.
    pub target: String,
    /// Item field of the minuend (the expected total).
    pub of: String,
    /// Item field of the subtrahend (already accounted for); absent reads as 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minus: Option<String>,
}

/// One static select choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldOption {
    /// Stored value.
    pub value: String,
    /// Display label, literal or i18n key.
    pub label: String,
    /// Icon (Lucide or simple-icons slug) shown before the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// CSS colour used as the option's accent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Image URL or bundle-relative path shown beside the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Offers the option only while a sibling field's value matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<FieldOptionWhen>,
}

/// Static cascade guard of a select option, evaluated against a sibling field's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldOptionWhen {
    /// Sibling field to evaluate; absent means the container's `depends_on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The option applies when the sibling value is one of these.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub in_values: Option<Vec<String>>,
    /// The option applies when the sibling value is none of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in: Option<Vec<String>>,
}

/// Object form of `options`: a dependent-picker source declaration (an empty object is valid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DynamicOptions {
    /// Table the candidate rows come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Column of `source` compared with the `depends_on` field's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_by: Option<String>,
    /// Column of `source` that becomes each option's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Column of `source` used as each option's label; absent means `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Model whose row, looked up by the option's value, supplies the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_ref: Option<String>,
    /// Column of `source` projected onto each option's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Write-time and client-side validation of a column or action field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldValidation {
    /// Regular expression the value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Minimum (numeric value or length).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Maximum (numeric value or length).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Named validator slug (e.g. `email`) or a `$org.<key>` reference resolved by the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<String>,
}

/// An LLM-facing tool registered into the host agent-tool registry on install.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Tool identifier, unique within the addon.
    pub key: String,
    /// What the tool does, for the model.
    pub description: String,
    /// JSON Schema object of the tool's input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<Value>,
    /// Where the tool is dispatched; without one the tool is listed but not executable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<ActionHandler>,
}

/// An event handler, backed by an `event:subscribe` capability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// Event name to handle (as published by another addon).
    pub event: String,
    /// Where matching events are dispatched.
    pub handler: ActionHandler,
    /// CEL expression over the event payload; only matching events dispatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Author note; ignored by the runtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// What this addon publishes for others to extend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionPoints {
    /// Events the addon emits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<PublishedEvent>>,
    /// UI slots other addons can render into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_kinds: Option<Vec<PublishedSlot>>,
    /// Own model keys that accept column extensions from other addons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_extensions_accepted: Option<Vec<String>>,
}

/// An event this addon publishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedEvent {
    /// Dotted `<addon_key>.<event>` name.
    pub name: String,
    /// Bundle-relative path or HTTPS URL of the payload's JSON Schema (a string upstream, not an
    /// inline schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_schema: Option<String>,
    /// What the event means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A UI slot this addon publishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedSlot {
    /// Dotted `<addon_key>.<slot>` name.
    pub name: String,
    /// Reference to the JSON Schema of the slot's props (a string upstream, not an inline schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub props_schema: Option<String>,
    /// What the slot is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Lifecycle hooks and the upgrade ladder. Each hook is a handler reference string
/// (`wasm:<export>`, `webhook:<url>`, `compiled:<fn>`, a URL or path, or a bare export name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// Hook run on first install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install: Option<String>,
    /// Hook run on uninstall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uninstall: Option<String>,
    /// Hook run when the addon is enabled for an organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable: Option<String>,
    /// Hook run when the addon is disabled for an organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable: Option<String>,
    /// Upgrade steps; the first whose range matches the previous version runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<Vec<UpgradeStep>>,
}

/// One rung of the upgrade ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeStep {
    /// Semver range matched against the previously installed version.
    pub from: String,
    /// What `function` names.
    #[serde(rename = "type")]
    pub step_type: UpgradeType,
    /// Export name, bundle path or URL, depending on `type`.
    pub function: String,
}

/// Kind of an upgrade step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeType {
    /// An export of the addon's WASM backend.
    Wasm,
    /// A goose-compatible SQL file inside the bundle.
    Sql,
    /// A remote HTTP endpoint.
    Webhook,
}

impl UpgradeType {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Wasm => "wasm",
            Self::Sql => "sql",
            Self::Webhook => "webhook",
        }
    }
}

/// Translation bundles shipped with the addon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct I18n {
    /// Default locale (`xx` or `xx-YY`).
    pub default_locale: String,
    /// The bundles (at least one).
    pub bundles: Vec<I18nBundle>,
}

/// One translation bundle: a bundle-relative JSON file of key → text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct I18nBundle {
    /// Locale of the bundle (`xx` or `xx-YY`).
    pub locale: String,
    /// Bundle-relative path of the JSON file.
    pub path: String,
}

/// Roles and permissions declared by the addon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rbac {
    /// Roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
    /// Permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<PermissionDef>>,
}

/// A role the addon declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Role identifier (`^[a-z][a-z0-9_]+$`).
    pub key: String,
    /// Role label, literal or i18n key.
    pub label: String,
    /// What the role is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Lucide icon name (e.g. `Wrench`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Hex accent colour (`#rrggbb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Permission keys or capabilities granted to the role (`*` for all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
}

/// A permission the addon declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionDef {
    /// Dotted permission identifier, conventionally `<addon_key>.<resource>.<action>`.
    pub key: String,
    /// Permission label, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What the permission allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A tenant-scoped setting (also the shape of connector and edge-device credentials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    /// Setting identifier (`^[a-z][a-z0-9_]+$`).
    pub key: String,
    /// Value type.
    #[serde(rename = "type")]
    pub setting_type: SettingType,
    /// Setting label, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Human description of the setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Default value, any JSON (not applied here). A JSON `null` is kept as `Some(Value::Null)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_present"
    )]
    pub default: Option<Value>,
    /// Whether a value is required; absent means false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// With `dynamic_select`: WASM export the host calls to fetch the options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_source: Option<String>,
    /// Key of the `form_layout` section the setting is placed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// With `select`: the choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<SettingOption>>,
    /// Constraint hint (regex or named rule) applied when the value is collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<String>,
}

/// Value type of a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettingType {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// A secret string, stored encrypted.
    Secret,
    /// Any JSON value.
    Json,
    /// One of `options`.
    Select,
    /// One of the options returned by `options_source`.
    DynamicSelect,
}

impl SettingType {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Secret => "secret",
            Self::Json => "json",
            Self::Select => "select",
            Self::DynamicSelect => "dynamic_select",
        }
    }
}

/// One choice of a `select` setting. Not closed upstream: extra keys are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SettingOption {
    /// Stored value.
    pub value: String,
    /// Display label.
    pub label: String,
    /// Any other keys, kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A third-party credential provider; the host collects and encrypts its credentials per org.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Connector {
    /// Connector identifier (e.g. `github`), referenced by `connector_get` and `secret_ref`.
    pub key: String,
    /// Name shown in the authorisation UI, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Credential-acquisition flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<ConnectorAuth>,
    /// Fields the org supplies; `secret` fields are stored encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Vec<Setting>>,
    /// Groups the credentials into sections or wizard steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_layout: Option<FormLayout>,
    /// WASM export the host calls to test the credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_export: Option<String>,
}

/// Credential-acquisition flow of a connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectorAuth {
    /// OAuth 2 authorisation.
    Oauth2,
    /// A pasted token or key.
    Token,
}

impl ConnectorAuth {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Oauth2 => "oauth2",
            Self::Token => "token",
        }
    }
}

/// A declarative cron job: per installed org, every `every` the scheduler dispatches `do`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Schedule identifier within the addon.
    pub key: String,
    /// Go duration between fires (e.g. `5m`).
    pub every: String,
    /// Handler reference: `wasm:<export>`, `webhook:<key>` or `compiled:<fn>`.
    #[serde(rename = "do")]
    pub handler_ref: String,
}

/// A webhook route the host mounts under the addon and org namespace; verified requests are routed
/// to `do`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundWebhook {
    /// Webhook identifier within the addon.
    pub key: String,
    /// Route path (e.g. `/webhooks/github`).
    pub path: String,
    /// Signature scheme; absent means no verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<WebhookVerify>,
    /// Signing secret as `<connector>.<credential>`; required with `verify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<String>,
    /// Handler reference: `wasm:<export>`, `webhook:<key>` or `compiled:<fn>`.
    #[serde(rename = "do")]
    pub handler_ref: String,
}

/// Signature scheme of an inbound webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WebhookVerify {
    /// HMAC-SHA256 over the body.
    HmacSha256,
}

impl WebhookVerify {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::HmacSha256 => "hmac-sha256",
        }
    }
}

/// A class of local hardware the addon drives through a persistent channel a store-local agent
/// maintains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EdgeDevice {
    /// Device class identifier within the addon.
    pub key: String,
    /// Name shown in the pairing UI, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Hardware category.
    pub kind: EdgeDeviceKind,
    /// How the local agent reaches the host.
    pub transport: EdgeTransport,
    /// Fields an operator supplies to pair a device with an org and branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairing_credentials: Option<Vec<Setting>>,
    /// Groups the pairing credentials into sections or wizard steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_layout: Option<FormLayout>,
    /// Inbound events the device can push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EdgeDeviceEvent>>,
    /// Outbound commands the addon can send to the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<Vec<EdgeDeviceCommand>>,
    /// Maximum gap between agent heartbeats before the session is marked offline; 0 means the host
    /// default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_interval_seconds: Option<i64>,
}

/// Hardware category of an edge device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EdgeDeviceKind {
    /// Cash recycler.
    CashRecycler,
    /// Card payment terminal.
    CardTerminal,
    /// Weighing scale.
    Scale,
    /// Fiscal printer.
    FiscalPrinter,
}

impl EdgeDeviceKind {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::CashRecycler => "cash_recycler",
            Self::CardTerminal => "card_terminal",
            Self::Scale => "scale",
            Self::FiscalPrinter => "fiscal_printer",
        }
    }
}

/// Transport between a store-local agent and the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EdgeTransport {
    /// Agent-initiated WebSocket.
    Ws,
}

impl EdgeTransport {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Ws => "ws",
        }
    }
}

/// An inbound event type an edge device can push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EdgeDeviceEvent {
    /// Event name (e.g. `cash.deposited`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// Handler reference: `wasm:<export>`, `webhook:<key>` or `compiled:<fn>`.
    #[serde(rename = "do")]
    pub handler_ref: String,
    /// Whether the event is safe to redeliver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent: Option<bool>,
}

/// An outbound command the addon can send to an edge device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EdgeDeviceCommand {
    /// Command name (e.g. `dispense_change`).
    #[serde(rename = "type")]
    pub command_type: String,
    /// Maximum wait for the agent's acknowledgement; 0 means the host default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
}

/// Marketplace billing surface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Billing {
    /// Events the host meters for billing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metered_events: Option<Vec<MeteredEvent>>,
}

/// An event metered for billing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeteredEvent {
    /// Event name.
    pub event: String,
    /// What one event counts as (e.g. `invoice`).
    pub unit: String,
    /// Author's share as a fraction in `0..=1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_share: Option<f64>,
}

/// Preset block: which addons to install, in which order, with which defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// The addons (at least one).
    pub addons: Vec<PresetAddon>,
    /// Default values keyed by `<addon_key>.<setting_key>`, applied at install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<Value>,
}

/// One addon of a preset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PresetAddon {
    /// Addon key.
    pub key: String,
    /// Version range to install.
    pub version: String,
    /// Whether the addon may be skipped; absent means false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// Keys of other addons of the preset that must install first (unique).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Vec<String>>,
}

/// Theme block: a purely visual contribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Bundle-relative path of a JSON design-token file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<String>,
    /// Font families or font file paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fonts: Option<Vec<String>>,
    /// Icon name → replacement icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_overrides: Option<BTreeMap<String, String>>,
}

/// ConnectorPack block: third-party API credential providers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorPack {
    /// The providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<Vec<ConnectorPackProvider>>,
}

/// One credential provider of a connector pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorPackProvider {
    /// Provider identifier.
    pub key: String,
    /// Provider label, literal or i18n key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Credential fields the org supplies.
    pub credentials: Vec<Setting>,
}

/// Detached signature over the canonical JSON of the manifest without this block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Signature algorithm; always `ed25519` (the constant is checked by the schema pass).
    pub algorithm: String,
    /// Identifier of the public key in the marketplace key registry.
    pub key_id: String,
    /// Base64-encoded signature bytes.
    pub value: String,
    /// Signing time (format `date-time`).
    pub signed_at: String,
}

/// Localised marketplace card text for one locale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetadataLocale {
    /// Localised name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Localised description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Localised feature bullet points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
}

/// A parent aggregate over a relation's child rows, written into a parent column. `from` or `expr`
/// supplies the aggregated value; `count` ignores both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rollup {
    /// Parent column the aggregate is written to.
    pub target: String,
    /// Aggregate function; absent means `sum`.
    #[serde(rename = "fn", default, skip_serializing_if = "Option::is_none")]
    pub function: Option<RollupFn>,
    /// Child column to aggregate; exclusive with `expr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Child arithmetic expression to aggregate; exclusive with `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
}

/// Aggregate function of a rollup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RollupFn {
    /// Sum.
    Sum,
    /// Row count.
    Count,
    /// Average.
    Avg,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
}

impl RollupFn {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Count => "count",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
        }
    }
}

/// A computed column: tier 2 evaluates an arithmetic expression over the row before each write;
/// tier 3 delegates to a WASM handler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Formula {
    /// Column the formula writes.
    pub target: String,
    /// Arithmetic expression (tier 2); omitted for tier 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// Compute engine, 2 or 3 (the schema pass checks the value); absent means 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<i64>,
    /// Tier-3 backend as `wasm:<export>`; only with tier 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
}

/// Where the addon's configuration lives: a model's CRUD page or an addon-owned URL (one of the
/// two).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigEntry {
    /// Model key whose CRUD page is the configuration surface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Host-relative or `addon://` URL of a custom configuration screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// i18n key of the affordance label; absent means a generic "Configure".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A declarative in-app notification fired on a canonical CRUD event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationRule {
    /// Rule identifier, unique within the addon.
    pub key: String,
    /// Canonical CRUD event name (e.g. `inventory.InventoryMovement.created`).
    pub on: String,
    /// Title; may use `{{id}}` / `{{after.<col>}}` tokens.
    pub title: String,
    /// Body; same tokens as the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Visual severity; absent means `info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<NotificationSeverity>,
    /// Lucide-style icon key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Deep link; may contain tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Who receives the notification; absent means the whole organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NotificationAudience>,
    /// Leave out the user who triggered the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_actor: Option<bool>,
    /// Equality filters over the event payload: dotted path → a value or a list of values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<BTreeMap<String, NotificationWhen>>,
    /// Fire only when a field transitions into one of the given values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered: Option<NotificationEntered>,
    /// Author note; ignored by the runtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Visual severity of a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationSeverity {
    /// Informational.
    Info,
    /// Success.
    Success,
    /// Warning.
    Warning,
    /// Error.
    Error,
}

impl NotificationSeverity {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Success => "success",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// The expected value(s) of one `NotificationRule::when` filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NotificationWhen {
    /// The payload value must equal this string.
    One(String),
    /// The payload value must be one of these strings (at least one).
    Any(Vec<String>),
}

/// Recipient selector of a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationAudience {
    /// Who is selected; absent means `org`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub audience_type: Option<AudienceType>,
    /// With `roles`: the role keys that receive it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// With `field`: dotted path to a user id in the event payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Recipient selection of a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceType {
    /// Everyone in the organisation.
    Org,
    /// Holders of `roles`.
    Roles,
    /// The user who triggered the event.
    Actor,
    /// The user whose id is at `path` in the event payload.
    Field,
}

impl AudienceType {
    /// The JSON spelling of this value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Org => "org",
            Self::Roles => "roles",
            Self::Actor => "actor",
            Self::Field => "field",
        }
    }
}

/// Gates a notification on a before → after transition of a field into one of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationEntered {
    /// Record field name (e.g. `state`).
    pub field: String,
    /// After-values that trigger the rule (at least one); the before-value must differ.
    pub values: Vec<String>,
}

/// Server-side visibility predicate of a contribution: the host serves it only to organisations
/// where the predicate holds. Must have at least one property (checked by the schema pass).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Addon key that must be installed in the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addon_installed: Option<String>,
    /// Field of the target record to test (row actions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Comparison operator when `field` is set; absent means `eq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<ConditionOperator>,
    /// Right-hand value for `eq`/`neq`/`in`. A JSON `null` is kept as `Some(Value::Null)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_present"
    )]
    pub value: Option<Value>,
}

/// One entry of a declarative routing table: in this domain, when the record matches, this named
/// handler wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Routing table the entry belongs to.
    pub domain: String,
    /// Attribute predicate (attribute → value); absent or empty is the domain's catch-all.
    #[serde(rename = "match", default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<BTreeMap<String, String>>,
    /// Opaque handler name the route resolves to.
    pub handler: String,
    /// Highest priority wins; absent means 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Server-side gate: serve the route only to organisations satisfying the predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// Deserialises a present optional any-JSON value as `Some`, even when it is `null`, so an
/// explicit `null` survives a round trip (a plain `Option<Value>` would read it as `None`).
fn deserialize_present<'de, D>(deserializer: D) -> Result<Option<Value>, D::Error>
where
    D: Deserializer<'de>,
{
    Value::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");

    /// Corpus files the upstream schema rejects (see `corpus/README.md`).
    const SCHEMA_INVALID: [&str; 4] = [
        "cli-v3_invalid.json",
        "template-crud-model.json",
        "template-full-page.json",
        "template-minimal.json",
    ];

    fn read_json(path: &Path) -> Value {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
    }

    fn upstream_validator() -> jsonschema::Validator {
        let schema = read_json(&Path::new(SHARED).join("reference/manifest-v3.schema.json"));
        jsonschema::draft202012::new(&schema).expect("upstream schema compiles")
    }

    /// Every v3 corpus file, as `(file name, JSON)`, sorted by name.
    fn corpus() -> Vec<(String, Value)> {
        crate::checks::test_support::corpus_files("v3")
            .iter()
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, read_json(path))
            })
            .collect()
    }

    /// The corpus files that pass the upstream schema; checks the expected split on the way.
    fn schema_valid_corpus() -> Vec<(String, Value)> {
        let validator = upstream_validator();
        let (valid, invalid): (Vec<_>, Vec<_>) = corpus()
            .into_iter()
            .partition(|(_, json)| validator.is_valid(json));
        let invalid_names: Vec<&str> = invalid.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            invalid_names, SCHEMA_INVALID,
            "files rejected by the upstream schema"
        );
        assert_eq!(valid.len(), 37, "number of schema-valid v3 corpus files");
        valid
    }

    /// JSON pointer of the first place where `a` and `b` differ, if any.
    fn first_difference(a: &Value, b: &Value, path: String) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter()
                    .find_map(|key| match (x.get(key), y.get(key)) {
                        (Some(u), Some(v)) => first_difference(u, v, format!("{path}/{key}")),
                        _ => Some(format!("{path}/{key}")),
                    })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (u, v))| first_difference(u, v, format!("{path}/{i}"))),
            _ => (a != b).then_some(path),
        }
    }

    #[test]
    fn schema_valid_corpus_round_trips_losslessly() {
        let mut failures = Vec::new();
        for (name, json) in schema_valid_corpus() {
            match serde_json::from_value::<ManifestV3>(json.clone()) {
                Err(e) => failures.push(format!("{name}: does not deserialise: {e}")),
                Ok(manifest) => {
                    let back = serde_json::to_value(&manifest).expect("serialises");
                    if let Some(path) = first_difference(&json, &back, String::new()) {
                        failures.push(format!("{name}: round trip changed the JSON at {path:?}"));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn generated_schema_accepts_schema_valid_corpus() {
        let schema = serde_json::to_value(schemars::schema_for!(ManifestV3)).unwrap();
        let validator = jsonschema::draft202012::new(&schema).expect("generated schema compiles");
        let mut failures = Vec::new();
        for (name, json) in schema_valid_corpus() {
            for error in validator.iter_errors(&json) {
                failures.push(format!("{name}: {} at {}", error, error.instance_path()));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn closed_objects_reject_unknown_fields() {
        let column = json!({ "name": "id", "type": "uuid", "primary": true });
        let err = serde_json::from_value::<Column>(column).unwrap_err();
        assert!(err.to_string().contains("unknown field `primary`"), "{err}");

        let handler = json!({ "type": "wasm", "function": "run", "fn": "run" });
        assert!(serde_json::from_value::<ActionHandler>(handler).is_err());

        let manifest = json!({
            "apiVersion": "asteby.com/v3",
            "kind": "Addon",
            "metadata": { "key": "demo", "name": "Demo", "version": "1.0.0" },
            "compatibility": { "requires": [{ "key": "kernel", "version": ">=1.0.0" }] },
            "backend": { "runtime": "wasm" }
        });
        let err = serde_json::from_value::<ManifestV3>(manifest).unwrap_err();
        assert!(err.to_string().contains("unknown field `backend`"), "{err}");
    }

    #[test]
    fn open_setting_options_keep_extra_keys() {
        let option = json!({ "value": "mx", "label": "Mexico", "flag": "🇲🇽", "order": 2 });
        let parsed: SettingOption = serde_json::from_value(option.clone()).unwrap();
        assert_eq!(parsed.extra.len(), 2);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), option);
    }

    #[test]
    fn absent_and_null_any_values_stay_distinct() {
        let absent: Column =
            serde_json::from_value(json!({ "name": "note", "type": "text" })).unwrap();
        assert_eq!(absent.default, None);
        assert_eq!(
            absent.primary_key, None,
            "schema defaults are not filled in"
        );

        let null = json!({ "name": "note", "type": "text", "default": null });
        let parsed: Column = serde_json::from_value(null.clone()).unwrap();
        assert_eq!(parsed.default, Some(Value::Null));
        assert_eq!(serde_json::to_value(&parsed).unwrap(), null);
    }

    #[test]
    fn untagged_unions_pick_the_right_form() {
        let field = json!({
            "key": "lines",
            "type": "array",
            "options": [{ "value": "a", "label": "A", "when": { "field": "kind", "in": ["x"] } }],
            "default": { "$prefillFromRecord": "items", "map": { "product_id": "product_id" } }
        });
        let parsed: ActionField = serde_json::from_value(field.clone()).unwrap();
        assert!(matches!(parsed.options, Some(OptionsSpec::Static(ref v)) if v.len() == 1));
        let prefill: PrefillFromRecord =
            serde_json::from_value(parsed.default.clone().unwrap()).unwrap();
        assert_eq!(prefill.prefill_from_record, "items");
        assert_eq!(serde_json::to_value(&parsed).unwrap(), field);

        let dynamic: OptionsSpec = serde_json::from_value(json!({})).unwrap();
        let empty = DynamicOptions {
            source: None,
            filter_by: None,
            value: None,
            label: None,
            label_ref: None,
            description: None,
        };
        assert_eq!(dynamic, OptionsSpec::Dynamic(empty));

        let width: ModalWidth = serde_json::from_value(json!("720px")).unwrap();
        assert_eq!(width, ModalWidth::Css("720px".into()));
        let when: NotificationWhen = serde_json::from_value(json!(["done"])).unwrap();
        assert_eq!(when, NotificationWhen::Any(vec!["done".into()]));
    }

    /// Checks that `as_str` returns the serde spelling of every listed variant.
    macro_rules! spelling {
        ($ty:ident: $($variant:ident),+ $(,)?) => {
            $(
                let value = $ty::$variant;
                let json = serde_json::to_value(value).unwrap();
                assert_eq!(json, Value::String(value.as_str().to_owned()));
                assert_eq!(serde_json::from_value::<$ty>(json).unwrap(), value);
            )+
        };
    }

    #[test]
    fn enum_as_str_matches_json_spelling() {
        spelling!(Kind: Addon, Preset, Theme, ConnectorPack);
        spelling!(IconType: Brand, Lucide, Url, Svg);
        spelling!(Isolation: Shared, Schema, Database);
        spelling!(CapabilityKind: DbRead, DbWrite, HttpFetch, ConnectorRead, EventEmit, EventSubscribe, FsRead, SecretsRead, CronRegister, QueueProduce, QueueConsume, FileStorageWrite, TimeWallclock);
        spelling!(Locking: Row);
        spelling!(RelationKind: OneToMany, ManyToMany);
        spelling!(FormLayoutMode: Sections, Steps);
        spelling!(SequenceScope: Org, Branch);
        spelling!(ViolationAction: Reject, RequestApproval);
        spelling!(IndexMethod: Btree, Gin, Gist, Hash, Ivfflat, Hnsw);
        spelling!(ForeignKeyPolicy: Logical, Physical);
        spelling!(OnDelete: Restrict, Cascade, SetNull, NoAction);
        spelling!(AgentCapabilityKind: Answer, Guide, Act, Transact);
        spelling!(RiskLevel: None, Low, Medium, High, Critical);
        spelling!(AdvanceEvent: Click, Change, Input);
        spelling!(PaperSize: A4, Letter, Ticket80);
        spelling!(ConditionOperator: Eq, Equals, EqSymbol, Neq, Notequals, NotEquals, NeqSymbol, In, NotIn, Notin, Truthy, Present, Set, Falsy, Blank, Empty);
        spelling!(WidgetKind: Stat, Bar, Line, Area, Pie, Donut, List, Progress, Custom);
        spelling!(WidgetSize: Sm, Md, Lg, Full);
        spelling!(WidgetAccent: Emerald, Sky, Violet, Amber, Rose, Slate);
        spelling!(WidgetFormat: Number, Currency, Percent, Compact);
        spelling!(Aggregate: Count, Sum, Avg, Min, Max);
        spelling!(WidgetInterval: Day, Week, Month);
        spelling!(WidgetRange: Last7Days, Last30Days, Last12Months, ThisMonth, ThisYear, ThisDay, All);
        spelling!(SortOrder: Asc, Desc);
        spelling!(ViewType: Table, Kanban);
        spelling!(FrontendFormat: Federation, Script);
        spelling!(FrontendLayout: Shell, Immersive);
        spelling!(Placement: Row, Table, Create);
        spelling!(HandlerType: Wasm, Webhook, Compiled, Connector);
        spelling!(UpgradeType: Wasm, Sql, Webhook);
        spelling!(SettingType: String, Integer, Number, Boolean, Secret, Json, Select, DynamicSelect);
        spelling!(ConnectorAuth: Oauth2, Token);
        spelling!(WebhookVerify: HmacSha256);
        spelling!(EdgeDeviceKind: CashRecycler, CardTerminal, Scale, FiscalPrinter);
        spelling!(EdgeTransport: Ws);
        spelling!(RollupFn: Sum, Count, Avg, Min, Max);
        spelling!(NotificationSeverity: Info, Success, Warning, Error);
        spelling!(AudienceType: Org, Roles, Actor, Field);
        assert_eq!(
            CapabilityKind::FileStorageWrite.as_str(),
            "file-storage:write"
        );
        assert_eq!(ConditionOperator::NeqSymbol.as_str(), "!=");
        assert_eq!(PaperSize::A4.as_str(), "A4");
    }
}
