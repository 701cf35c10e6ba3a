//! The static description of a build: what `metacore-gen build` compiled, as plain Rust data.
//!
//! The generated crate's `registry()` returns one [`Registry`] built entirely from `'static`
//! items (no allocation, no parsing at start-up). The HTTP layer reads it to resolve route
//! names, gate capabilities and serve metadata; the dispatcher reads the actions, tools and
//! handlers, the sandbox the backend module embedded in the build. JSON documents
//! (table/modal metadata, navigation, tool input schemas) are kept as the exact JSON text
//! the contract serves, so the runtime hands them out without re-deriving anything. No
//! manifest is read at run time: a served binary carries everything it serves.

/// Every addon compiled into the build, sorted by key.
#[derive(Debug, Clone, Copy)]
pub struct Registry {
    /// The addons, sorted by key.
    pub addons: &'static [AddonDescriptor],
}

impl Registry {
    /// This registry and the addons of `extra` (hand-written ones beside a generated build),
    /// sorted by key. Meant for start-up: the merged list lives for the rest of the process.
    pub fn with_addons(self, extra: &'static [AddonDescriptor]) -> Registry {
        let mut addons: Vec<AddonDescriptor> = self.addons.iter().chain(extra).copied().collect();
        addons.sort_by_key(|a| a.key);
        Registry {
            addons: Box::leak(addons.into_boxed_slice()),
        }
    }

    /// The addon with `key`.
    pub fn addon(&self, key: &str) -> Option<&'static AddonDescriptor> {
        self.addons.iter().find(|a| a.key == key)
    }

    /// The model served under `route` (its table name), or whose key matches it
    /// case-insensitively, across all addons (`http-api.md` §1.6).
    pub fn model(
        &self,
        route: &str,
    ) -> Option<(&'static AddonDescriptor, &'static ModelDescriptor)> {
        let models = || {
            self.addons
                .iter()
                .flat_map(|a| a.models.iter().map(move |m| (a, m)))
        };
        models().find(|(_, m)| m.route == route).or_else(|| {
            models().find(|(_, m)| {
                m.route.eq_ignore_ascii_case(route) || m.key.eq_ignore_ascii_case(route)
            })
        })
    }
}

/// One compiled addon.
#[derive(Debug, Clone, Copy)]
pub struct AddonDescriptor {
    /// The addon key (`tickets`).
    pub key: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Semantic version of the manifest that was compiled.
    pub version: &'static str,
    /// The manifest file it was compiled from, relative to the build's working directory
    /// (`manifest.json` for an addon compiled at run time from a bundle).
    pub manifest: &'static str,
    /// Lowercase hex SHA-256 of the addon's canonical IR (`metacore_gen::canonical`): equal
    /// for two manifests that compile to the same addon, so an installer can tell whether a
    /// bundle is the addon this server was built with. Empty for hand-built descriptors.
    pub ir_sha256: &'static str,
    /// Its data models, in manifest order.
    pub models: &'static [ModelDescriptor],
    /// Capability strings no single model owns: tool capabilities (`<addon>.tools.<tool>`)
    /// and the manifest's `rbac.permissions` keys.
    pub permissions: &'static [&'static str],
    /// The manifest's roles with the capabilities each grants.
    pub roles: &'static [RoleGrants],
    /// What the addon declares it may do outside its own tables (`db:read users`, …).
    pub capabilities: &'static [DeclaredCapability],
    /// The addon's navigation contribution (`metacore_gen::ui::Contribution` as JSON), with
    /// the fields per-caller filtering needs.
    pub navigation_json: &'static str,
    /// The addon's permission catalogue entry (`metacore_gen::ui::PermissionTable` as JSON).
    pub permission_table_json: &'static str,
    /// The legacy flat projection `GET /api/metacore/manifests` serves.
    pub legacy_manifest_json: &'static str,
    /// Actions (buttons on records, tables or create forms), in manifest order.
    pub actions: &'static [ActionDescriptor],
    /// LLM tools, in manifest order.
    pub tools: &'static [ToolDescriptor],
    /// Event subscriptions, in manifest order.
    pub subscriptions: &'static [SubscriptionDescriptor],
    /// Notification rules (`contributions.notifications`), in manifest order.
    pub notifications: &'static [NotificationRule],
    /// Lifecycle hooks (`install`, `uninstall`, `enable`, `disable`, then upgrade steps).
    pub hooks: &'static [HookDescriptor],
    /// Installation settings with their defaults.
    pub settings: &'static [SettingDescriptor],
    /// The backend: limits, the handlers it must export, and the module itself.
    pub backend: BackendDescriptor,
}

impl AddonDescriptor {
    /// An addon with nothing declared: a base for descriptors built in code
    /// (`AddonDescriptor { key: "x", ..AddonDescriptor::EMPTY }`).
    pub const EMPTY: AddonDescriptor = AddonDescriptor {
        key: "",
        name: "",
        version: "0.0.0",
        manifest: "",
        ir_sha256: "",
        models: &[],
        permissions: &[],
        roles: &[],
        capabilities: &[],
        navigation_json: "{\"addon_key\":\"\",\"groups\":[]}",
        permission_table_json: "{}",
        legacy_manifest_json: "{}",
        actions: &[],
        tools: &[],
        subscriptions: &[],
        notifications: &[],
        hooks: &[],
        settings: &[],
        backend: BackendDescriptor::DEFAULT,
    };

    /// The model whose key or route is `name`.
    pub fn model(&self, name: &str) -> Option<&'static ModelDescriptor> {
        self.models
            .iter()
            .find(|m| m.key == name || m.route == name)
    }

    /// The action `key` of the model served under `route`.
    pub fn model_action(&self, route: &str, key: &str) -> Option<&'static ActionDescriptor> {
        self.actions
            .iter()
            .find(|a| a.key == key && a.model == Some(route))
    }

    /// The action `key`.
    pub fn action(&self, key: &str) -> Option<&'static ActionDescriptor> {
        self.actions.iter().find(|a| a.key == key)
    }

    /// The tool `key`.
    pub fn tool(&self, key: &str) -> Option<&'static ToolDescriptor> {
        self.tools.iter().find(|t| t.key == key)
    }
}

/// One compiled data model.
#[derive(Debug, Clone, Copy)]
pub struct ModelDescriptor {
    /// PascalCase model key (`Ticket`), used in event names.
    pub key: &'static str,
    /// Route name: the table name as the manifest writes it (`tickets`).
    pub route: &'static str,
    /// The table in the database (`addon_tickets__tickets`).
    pub physical_table: &'static str,
    /// The tenancy column, when rows belong to an organisation.
    pub tenancy_column: Option<&'static str>,
    /// True when deletes only set `deleted_at`.
    pub soft_delete: bool,
    /// Every capability string of the model: the CRUD verbs, then its custom actions.
    pub capabilities: &'static [&'static str],
    /// Its columns, in declared order (implicit ones included).
    pub columns: &'static [ColumnDescriptor],
    /// The column labels, options and search resolve to (`http-api.md` §1.7).
    pub display_column: &'static str,
    /// The columns `search` matches by default (`TableMetadata.searchColumns`).
    pub search_columns: &'static [&'static str],
    /// The page size when the request gives none.
    pub default_per_page: u32,
    /// True when the migrations count its rows per organisation in
    /// [`crate::storage::ROW_COUNTS_TABLE`]: list totals read them there.
    pub row_counts: bool,
    /// The columns its migrations keep in a full-text search index (on SQLite the FTS5
    /// table [`crate::storage::search_table`]); empty: none.
    pub search_index: &'static [&'static str],
    /// True when, on PostgreSQL, its migrations keep the `search_index` columns in one
    /// [`crate::storage::SEARCH_DOCUMENT_COLUMN`] (older migrations indexed each column).
    pub search_document: bool,
    /// True when, on SQLite, its migrations keep an index of the list's default order
    /// followed by the search document of the `search_index` columns
    /// ([`crate::storage::sqlite_search_document`]): a search in that order reads the index
    /// alone.
    pub search_scan: bool,
    /// The column sets of its unique indices (for 409 `duplicate` field errors).
    pub unique: &'static [&'static [&'static str]],
    /// The ungated `TableMetadata` (`http-api.md` §6.2), as JSON text.
    pub table_metadata_json: &'static str,
    /// The `ModalMetadata` (§6.4), as JSON text.
    pub modal_metadata_json: &'static str,
    /// A rule written in Rust (hand-written models): run on every create and update, after
    /// the declarative validation passed.
    pub rule: Option<RowRule>,
}

/// A model's rule written in Rust. It receives the row as it will be stored, as the API's
/// JSON (on create the submitted and server-set values, on update the current row with the
/// changes applied) and may refuse it, naming fields, or set columns computed from the
/// others (they are validated like client input).
pub type RowRule =
    fn(&mut serde_json::Map<String, serde_json::Value>) -> Result<(), Vec<RuleViolation>>;

/// Why a [`RowRule`] refused a row: a field error of the 422 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleViolation {
    /// The field at fault.
    pub field: &'static str,
    /// The error code (`invalid`, `mismatch`, …).
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

impl ModelDescriptor {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&'static ColumnDescriptor> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key column (`id`).
    pub fn id_column(&self) -> &'static ColumnDescriptor {
        self.column_with(ColumnRole::Id)
            .or_else(|| self.column("id"))
            .unwrap_or(&self.columns[0])
    }

    /// The column with `role`, when the model has one.
    pub fn column_with(&self, role: ColumnRole) -> Option<&'static ColumnDescriptor> {
        self.columns.iter().find(|c| c.role == role)
    }
}

/// One column of a compiled model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDescriptor {
    /// Column name (also its JSON key).
    pub name: &'static str,
    /// Value type.
    pub kind: ColumnKind,
    /// NULL allowed.
    pub nullable: bool,
    /// What the server maintains it for, if anything.
    pub role: ColumnRole,
    /// The database fills it when a create leaves it out (a default or a generated value).
    pub has_default: bool,
    /// Computed by the database (`generated`): never written.
    pub generated: bool,
    /// The static option values a write must use (empty: any value).
    pub options: &'static [&'static str],
    /// The route name of the model a value references, when it is a reference.
    pub reference: Option<&'static str>,
}

/// The value type of a column (`manifest.md` §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// `uuid`.
    Uuid,
    /// `text`.
    Text,
    /// `varchar(n)`: at most `n` characters.
    Varchar(u32),
    /// `integer` (32 bits).
    Integer,
    /// `bigint` (64 bits).
    Bigint,
    /// `numeric` / `numeric(p,s)`: an exact decimal, with its `(precision, scale)` when
    /// declared (values are rounded to the scale, as PostgreSQL does, so both backends store
    /// the same digits; a value with more than `precision - scale` integer digits is refused
    /// on both).
    Numeric(Option<(u32, u32)>),
    /// `boolean`.
    Boolean,
    /// `timestamp` without time zone.
    Timestamp,
    /// `timestamptz`.
    Timestamptz,
    /// `date`.
    Date,
    /// `json` / `jsonb`.
    Json,
}

/// Why the server, not the client, controls a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    /// An ordinary data column.
    Data,
    /// The `id` primary key.
    Id,
    /// The tenancy column.
    Tenancy,
    /// `created_at`.
    CreatedAt,
    /// `updated_at`.
    UpdatedAt,
    /// `deleted_at` (soft delete).
    DeletedAt,
    /// `created_by_id` / `created_by`: the user who created the row.
    CreatedBy,
    /// `updated_by_id` / `updated_by`: the user who last changed the row.
    UpdatedBy,
}

/// A role a manifest declares and the capabilities it grants.
#[derive(Debug, Clone, Copy)]
pub struct RoleGrants {
    /// Role key, compared after trim + lowercase.
    pub role: &'static str,
    /// Granted capability strings (`*` for all).
    pub grants: &'static [&'static str],
}

/// A capability an addon declares for its own code (`manifest.md` §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeclaredCapability {
    /// The kind (`db:read`, `http:fetch`, …).
    pub kind: &'static str,
    /// Its target as written (`users`, `https://api.slack.com/*`).
    pub target: &'static str,
}

/// What runs when an action, tool, subscription or lifecycle hook fires (`manifest.md` §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handler {
    /// An export of the addon's WASM backend.
    Wasm {
        /// Export name.
        function: &'static str,
    },
    /// A signed outbound request.
    Webhook {
        /// Absolute URL, or a path relative to the backend's base URL.
        url: &'static str,
        /// HTTP method.
        method: &'static str,
    },
    /// A Rust function registered by the application.
    Compiled {
        /// Registered name.
        function: &'static str,
    },
    /// A connector export (not executable in this version).
    Connector {
        /// Connector key.
        connector: &'static str,
        /// Export name.
        export: &'static str,
    },
    /// Succeeds without doing anything (v2 `noop`).
    Noop,
    /// No handler: 501 at run time.
    None,
}

impl Handler {
    /// The handler `type` as manifests write it (`wasm`, `webhook`, `compiled`, `connector`,
    /// `noop`; `none` when there is no handler), also the API's `trigger_type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Handler::Wasm { .. } => "wasm",
            Handler::Webhook { .. } => "webhook",
            Handler::Compiled { .. } => "compiled",
            Handler::Connector { .. } => "connector",
            Handler::Noop => "noop",
            Handler::None => "none",
        }
    }
}

/// One action of an addon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionDescriptor {
    /// Key; the capability is `<route>.<key>`.
    pub key: &'static str,
    /// The route name of the model it targets, when it targets one of the addon's models.
    pub model: Option<&'static str>,
    /// `row`, `table` or `create`.
    pub placement: &'static str,
    /// States (`status`, else `state`) the record must be in; empty: any.
    pub requires_state: &'static [&'static str],
    /// The form fields (of every step), in declared order: what the server checks of the
    /// payload before the handler runs.
    pub fields: &'static [FormField],
    /// The payload field whose value keys a stored response (`idempotency.key_field`): a
    /// repeat with the same value in the organisation replays the first answer.
    pub idempotency_key: Option<&'static str>,
    /// What runs.
    pub handler: Handler,
}

/// One form field of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormField {
    /// Key in the payload.
    pub key: &'static str,
    /// The values it takes.
    pub value: FormValue,
    /// True when a value must be given: not `null`, not blank text, not an empty list.
    pub required: bool,
}

/// The values a form field takes, from its declared `type` (and `options`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormValue {
    /// Text (`text`, `textarea`, `email`, `user`, `date`, …).
    Text,
    /// `true` or `false` (`boolean`, `checkbox`, `switch`).
    Boolean,
    /// A JSON number (`number`, `decimal`, `currency`).
    Number,
    /// A whole JSON number (`integer`).
    Integer,
    /// One of the listed texts (`select` or `radio` with static string options).
    OneOf(&'static [&'static str]),
    /// Anything (lists, objects, files, options the server looks up): no check but `required`.
    Any,
}

impl FormValue {
    /// The value a form field of declared `field_type` takes, given its static option values
    /// (`None` when it has none, or when one is not a string).
    pub fn of(field_type: &str, options: Option<&'static [&'static str]>) -> FormValue {
        match field_type {
            "select" | "radio" => options.map_or(FormValue::Any, FormValue::OneOf),
            "boolean" | "bool" | "checkbox" | "switch" | "toggle" => FormValue::Boolean,
            "number" | "decimal" | "currency" | "float" => FormValue::Number,
            "integer" | "int" => FormValue::Integer,
            "text" | "textarea" | "string" | "email" | "url" | "phone" | "password" | "user"
            | "date" | "datetime" | "time" | "color" => FormValue::Text,
            _ => FormValue::Any,
        }
    }
}

/// One LLM tool of an addon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolDescriptor {
    /// Key; the capability is `<addon>.tools.<key>`.
    pub key: &'static str,
    /// Display name (the key when none is declared).
    pub name: &'static str,
    /// Description for the model.
    pub description: &'static str,
    /// JSON Schema of the input, as JSON text.
    pub input_schema_json: Option<&'static str>,
    /// Deadline of a webhook handler in milliseconds, when the manifest sets one.
    pub timeout_ms: Option<u64>,
    /// What runs.
    pub handler: Handler,
}

impl ToolDescriptor {
    /// The JSON Schema of the input, `{"type": "object"}` when the tool declares none.
    pub fn input_schema(&self) -> serde_json::Value {
        self.input_schema_json
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_else(|| serde_json::json!({"type": "object"}))
    }
}

/// An event subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionDescriptor {
    /// Event name or pattern (`<addon>.<Model>.<verb>`, `*` segments allowed).
    pub event: &'static str,
    /// CEL filter, as written.
    pub filter: Option<&'static str>,
    /// What runs.
    pub handler: Handler,
}

/// A notification rule: which canonical events become in-app notifications, for whom
/// (`manifest.md`, `NotificationRule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationRule {
    /// Rule key, unique within the addon.
    pub key: &'static str,
    /// The canonical event name it fires on (`tickets.Ticket.updated`).
    pub on: &'static str,
    /// Title template (`{{after.title}}` tokens).
    pub title: &'static str,
    /// Body template.
    pub body: Option<&'static str>,
    /// `info`, `success`, `warning` or `error`.
    pub severity: &'static str,
    /// Icon key.
    pub icon: Option<&'static str>,
    /// Deep link template.
    pub link: Option<&'static str>,
    /// Who receives it.
    pub to: Audience,
    /// Leave out the user who caused the event.
    pub exclude_actor: bool,
    /// Equality filters over the event payload, all of which must hold.
    pub when: &'static [PayloadFilter],
    /// Fire only when `after.<field>` entered one of the values (the before value differs).
    pub entered: Option<PayloadFilter>,
}

/// A dotted path into an event payload and the values it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayloadFilter {
    /// Dotted path (`after.status`), or the field name for [`NotificationRule::entered`].
    pub path: &'static str,
    /// Accepted values, compared as text.
    pub values: &'static [&'static str],
}

/// The recipients of a notification rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every member of the organisation.
    Org,
    /// Members holding one of these roles.
    Roles(&'static [&'static str]),
    /// The user who caused the event.
    Actor,
    /// The user whose id is at this dotted path of the payload.
    Field(&'static str),
}

/// A lifecycle hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookDescriptor {
    /// `install`, `uninstall`, `enable`, `disable` or `upgrade`.
    pub hook: &'static str,
    /// For `upgrade`: the version range it upgrades from.
    pub from: Option<&'static str>,
    /// What runs.
    pub handler: Handler,
}

/// An installation setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingDescriptor {
    /// Key.
    pub key: &'static str,
    /// Canonical type (`string`, `number`, `boolean`, `select`, `secret`, …).
    pub setting_type: &'static str,
    /// Label.
    pub label: Option<&'static str>,
    /// Default value, as JSON text.
    pub default_json: Option<&'static str>,
    /// Must be set at install.
    pub required: bool,
    /// The values a `select` allows (empty: any).
    pub options: &'static [&'static str],
    /// Validation regex, as written.
    pub validation: Option<&'static str>,
}

/// The addon's backend: limits, handlers and the module compiled into the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackendDescriptor {
    /// The module's path in the addon bundle (`backend/backend.wasm`), for messages.
    pub entry: &'static str,
    /// Memory cap in MiB.
    pub memory_limit_mb: u32,
    /// Per-call deadline in milliseconds.
    pub timeout_ms: u64,
    /// Base URL of relative webhook handler URLs (v2 `backend.url`).
    pub base_url: Option<&'static str>,
    /// Every WASM export the manifest names, with the JSON pointer naming it.
    pub wasm_handlers: &'static [WasmHandlerRef],
    /// The module, embedded in the build, when the addon has WASM handlers.
    pub module: Option<&'static [u8]>,
    /// Lowercase hex SHA-256 of `module`, recorded at build time.
    pub module_sha256: Option<&'static str>,
}

impl BackendDescriptor {
    /// The defaults of `manifest.md` §4.4: `backend/backend.wasm`, 64 MiB, 10 s, no module.
    pub const DEFAULT: BackendDescriptor = BackendDescriptor {
        entry: "backend/backend.wasm",
        memory_limit_mb: 64,
        timeout_ms: 10_000,
        base_url: None,
        wasm_handlers: &[],
        module: None,
        module_sha256: None,
    };
}

/// A WASM export named by the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WasmHandlerRef {
    /// The export.
    pub function: &'static str,
    /// RFC 6901 pointer of the manifest value naming it.
    pub pointer: &'static str,
}
