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
    /// The ungated `TableMetadata` (`http-api.md` §6.2), as JSON text.
    pub table_metadata_json: &'static str,
    /// The `ModalMetadata` (§6.4), as JSON text.
    pub modal_metadata_json: &'static str,
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
