//! The static description of a build: what `metacore-gen build` compiled, as plain Rust data.
//!
//! The generated crate's `registry()` returns one [`Registry`] built entirely from `'static`
//! items (no allocation, no parsing at start-up). The HTTP layer reads it to resolve route
//! names, gate capabilities and serve metadata; JSON documents (table/modal metadata,
//! navigation) are kept as the exact JSON text the contract serves, so the runtime can hand
//! them out after per-caller gating without re-deriving anything.

/// Every addon compiled into the build, sorted by key.
#[derive(Debug, Clone, Copy)]
pub struct Registry {
    /// The addons, sorted by key.
    pub addons: &'static [AddonDescriptor],
}

impl Registry {
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
    /// The manifest file it was compiled from, relative to the build's working directory.
    pub manifest: &'static str,
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
    /// The column sets of its unique indices (for 409 `duplicate` field errors).
    pub unique: &'static [&'static [&'static str]],
    /// The ungated `TableMetadata` (`http-api.md` §6.2), as JSON text.
    pub table_metadata_json: &'static str,
    /// The `ModalMetadata` (§6.4), as JSON text.
    pub modal_metadata_json: &'static str,
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
