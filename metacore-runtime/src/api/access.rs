//! What a caller may do (`http-api.md` §10): the capability set and the check.
//!
//! The set is the union of the manifests' role grants for the caller's role, the stored
//! role grants of the organisation (`metacore_role_grants`), the stored user grants
//! (`metacore_user_grants`) and the token's `grants`. `owner` and `admin` bypass every check.
//! Sets are cached per (organisation, user, role, token grants) for at most 60 s; on
//! PostgreSQL a change of the stored grants, by any process, reaches every process at once
//! ([`GRANTS_CHANNEL`], [`crate::coherence`]) and the TTL is only the fallback.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use uuid::Uuid;

use super::request::Caller;
use super::sql::Sql;
use crate::registry::Registry;

/// Roles that bypass every check.
pub const SUPER_ROLES: [&str; 2] = ["owner", "admin"];

/// How long a computed capability set is reused.
const CACHE_TTL: Duration = Duration::from_secs(60);

/// The tables the stored grants live in (created by [`bootstrap_statements`]).
pub const ROLE_GRANTS_TABLE: &str = "metacore_role_grants";
/// User-level grants.
pub const USER_GRANTS_TABLE: &str = "metacore_user_grants";

/// A caller's capabilities, checked against the capability catalogue of a build.
#[derive(Debug, Clone)]
pub struct Access {
    super_role: bool,
    grants: BTreeSet<String>,
    registry: Registry,
}

impl PartialEq for Access {
    fn eq(&self, other: &Self) -> bool {
        self.super_role == other.super_role && self.grants == other.grants
    }
}

impl Eq for Access {}

impl Access {
    /// The access of a super-role.
    pub fn super_role(registry: Registry) -> Self {
        Access {
            super_role: true,
            grants: BTreeSet::new(),
            registry,
        }
    }

    /// Access with exactly `grants`, in the build described by `registry` (which tells which
    /// model, if any, a capability belongs to).
    pub fn with_grants(registry: Registry, grants: impl IntoIterator<Item = String>) -> Self {
        Access {
            super_role: false,
            grants: grants.into_iter().collect(),
            registry,
        }
    }

    /// True for `owner`/`admin`.
    pub fn is_super(&self) -> bool {
        self.super_role
    }

    /// `Ok` when [`Access::allows`] `capability`, else 403 `permission_denied` naming it.
    pub fn require(&self, capability: &str) -> Result<(), super::ApiError> {
        if self.allows(capability) {
            Ok(())
        } else {
            Err(super::ApiError::permission_denied(capability))
        }
    }

    /// May the caller do `capability`? (`http-api.md` §10.3: `*`, the capability itself, its
    /// alias `<table>.read` for `<table>.index`, or `<table>.*` for a capability of model
    /// `<table>`.) Wildcards and aliases apply to model capabilities only — the CRUD verbs and
    /// actions of a model of this build —, never to tool capabilities
    /// (`<addon>.tools.<tool>`) or `rbac` permission keys, whose first segment merely looks
    /// like a table name.
    pub fn allows(&self, capability: &str) -> bool {
        if self.super_role || self.grants.contains("*") || self.grants.contains(capability) {
            return true;
        }
        let Some(route) = self.model_of(capability) else {
            return false;
        };
        let verb = &capability[route.len() + 1..];
        (verb == "index" && self.grants.contains(&format!("{route}.read")))
            || self.grants.contains(&format!("{route}.*"))
    }

    /// The route of the model `capability` is a capability of (one of its CRUD verbs or
    /// actions), if any.
    fn model_of(&self, capability: &str) -> Option<&'static str> {
        self.registry
            .addons
            .iter()
            .flat_map(|a| a.models.iter())
            .find(|m| {
                capability
                    .strip_prefix(m.route)
                    .is_some_and(|rest| rest.starts_with('.'))
                    && m.capabilities.contains(&capability)
            })
            .map(|m| m.route)
    }

    /// The set expanded to concrete capability strings of `registry`, sorted
    /// (`["*"]` for super-roles and `*` grants), for `GET /api/permissions/me`.
    pub fn expanded(&self, registry: &Registry) -> Vec<String> {
        if self.super_role || self.grants.contains("*") {
            return vec!["*".to_string()];
        }
        let mut out: BTreeSet<String> = self
            .grants
            .iter()
            .filter(|g| !g.ends_with(".*") && !g.ends_with(".read"))
            .cloned()
            .collect();
        let known = registry.addons.iter().flat_map(|a| {
            a.models
                .iter()
                .flat_map(|m| m.capabilities.iter())
                .chain(a.permissions.iter())
        });
        for capability in known {
            if self.allows(capability) {
                out.insert(capability.to_string());
            }
        }
        out.into_iter().collect()
    }
}

/// Computes and caches callers' access.
#[derive(Debug, Default)]
pub struct AccessResolver {
    cache: Mutex<HashMap<CacheKey, (Instant, Access)>>,
}

type CacheKey = (Option<Uuid>, Uuid, String, Vec<String>);

impl AccessResolver {
    /// Forgets the cached sets of `org`'s callers (its stored grants changed).
    pub fn forget_organisation(&self, org: Uuid) {
        self.cache
            .lock()
            .expect("cache lock")
            .retain(|(cached, ..), _| *cached != Some(org));
    }

    /// Forgets every cached set (changes may have been missed).
    pub fn forget_all(&self) {
        self.cache.lock().expect("cache lock").clear();
    }

    /// The access of `caller`.
    pub async fn resolve(
        &self,
        db: &DatabaseConnection,
        registry: &Registry,
        caller: &Caller,
    ) -> Result<Access, sea_orm::DbErr> {
        if SUPER_ROLES.contains(&caller.role.as_str()) {
            return Ok(Access::super_role(*registry));
        }
        let key = (
            caller.org,
            caller.user,
            caller.role.clone(),
            caller.grants.clone(),
        );
        if let Some((at, access)) = self.cache.lock().expect("cache lock").get(&key) {
            if at.elapsed() < CACHE_TTL {
                return Ok(access.clone());
            }
        }
        let mut grants: BTreeSet<String> = caller.grants.iter().cloned().collect();
        for addon in registry.addons {
            for role in addon
                .roles
                .iter()
                .filter(|r| r.role.eq_ignore_ascii_case(&caller.role))
            {
                grants.extend(role.grants.iter().map(|g| g.to_string()));
            }
        }
        if let Some(org) = caller.org {
            grants.extend(stored_grants(db, org, caller).await?);
        }
        let access = Access::with_grants(*registry, grants);
        self.cache
            .lock()
            .expect("cache lock")
            .insert(key, (Instant::now(), access.clone()));
        Ok(access)
    }
}

async fn stored_grants(
    db: &DatabaseConnection,
    org: Uuid,
    caller: &Caller,
) -> Result<Vec<String>, sea_orm::DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT capability FROM ")
        .ident(ROLE_GRANTS_TABLE)
        .push(" WHERE organization_id = ")
        .bind(org)
        .push(" AND role = ")
        .bind(caller.role.clone())
        .push(" UNION SELECT capability FROM ")
        .ident(USER_GRANTS_TABLE)
        .push(" WHERE organization_id = ")
        .bind(org)
        .push(" AND user_id = ")
        .bind(caller.user);
    let rows = db.query_all_raw(sql.statement()).await?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "capability"))
        .collect()
}

/// The statements creating the runtime's own tables (idempotent).
pub fn bootstrap_statements(backend: sea_orm::DatabaseBackend) -> Vec<Statement> {
    let uuid = match backend {
        sea_orm::DatabaseBackend::Postgres => "uuid",
        _ => "blob",
    };
    [
        format!(
            "CREATE TABLE IF NOT EXISTS {ROLE_GRANTS_TABLE} (organization_id {uuid} NOT NULL, \
             role text NOT NULL, capability text NOT NULL, \
             PRIMARY KEY (organization_id, role, capability))"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {USER_GRANTS_TABLE} (organization_id {uuid} NOT NULL, \
             user_id {uuid} NOT NULL, capability text NOT NULL, \
             PRIMARY KEY (organization_id, user_id, capability))"
        ),
    ]
    .into_iter()
    .chain(grant_change_notices(backend))
    .map(|sql| Statement::from_string(backend, sql))
    .chain([
        crate::kv::create_table(backend),
        crate::installations::create_table(backend),
    ])
    .chain(crate::installations::change_notices(backend))
    .chain(super::idempotency::create_table(backend))
    .chain(crate::event_log::create_tables(backend))
    .chain(crate::consumers::create_tables(backend))
    .chain(crate::notifications::create_tables(backend))
    .chain(crate::notifications::members::create_tables(backend))
    .chain(crate::webhooks::create_tables(backend))
    .chain(crate::coherence::create_tables(backend))
    .collect()
}

/// The PostgreSQL channel a change of stored grants is announced on; the payload is the
/// organisation's id. Every server process listens ([`crate::coherence`]) and forgets the
/// cached capability sets of that organisation.
pub const GRANTS_CHANNEL: &str = "metacore_grants";

/// On PostgreSQL, triggers announcing every change of a grants table on [`GRANTS_CHANNEL`],
/// whoever makes it (a process, a migration, an operator's `psql`). None on SQLite.
fn grant_change_notices(backend: sea_orm::DatabaseBackend) -> Vec<String> {
    if backend != sea_orm::DatabaseBackend::Postgres {
        return Vec::new();
    }
    let mut statements = vec![format!(
        "CREATE OR REPLACE FUNCTION metacore_grants_changed() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN \
           IF TG_OP = 'DELETE' THEN \
             PERFORM pg_notify('{GRANTS_CHANNEL}', OLD.organization_id::text); \
           ELSE \
             PERFORM pg_notify('{GRANTS_CHANNEL}', NEW.organization_id::text); \
             IF TG_OP = 'UPDATE' AND OLD.organization_id <> NEW.organization_id THEN \
               PERFORM pg_notify('{GRANTS_CHANNEL}', OLD.organization_id::text); \
             END IF; \
           END IF; \
           RETURN NULL; \
         END $$"
    )];
    for table in [ROLE_GRANTS_TABLE, USER_GRANTS_TABLE] {
        statements.push(format!("DROP TRIGGER IF EXISTS {table}_changed ON {table}"));
        statements.push(format!(
            "CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table} \
             FOR EACH ROW EXECUTE FUNCTION metacore_grants_changed()"
        ));
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::Access;
    use crate::registry::{AddonDescriptor, ModelDescriptor, Registry};

    const fn model(route: &'static str, capabilities: &'static [&'static str]) -> ModelDescriptor {
        ModelDescriptor {
            key: "Model",
            route,
            physical_table: route,
            tenancy_column: None,
            soft_delete: false,
            capabilities,
            columns: &[],
            display_column: "id",
            search_columns: &[],
            default_per_page: 20,
            unique: &[],
            table_metadata_json: "{}",
            modal_metadata_json: "{}",
            row_counts: false,
            search_index: &[],
            search_document: false,
            search_scan: false,
            rule: None,
        }
    }

    const fn addon(
        key: &'static str,
        models: &'static [ModelDescriptor],
        permissions: &'static [&'static str],
    ) -> AddonDescriptor {
        AddonDescriptor {
            key,
            name: key,
            version: "1.0.0",
            manifest: "manifest.json",
            models,
            permissions,
            navigation_json: "{}",
            ..AddonDescriptor::EMPTY
        }
    }

    /// Addon `assets` owns a model `assets` (so `assets.*` is a model wildcard) and a tool;
    /// addon `tickets` a model with a dotted action key and a dotted `rbac` permission.
    static ADDONS: [AddonDescriptor; 2] = [
        addon(
            "assets",
            &[model(
                "assets",
                &["assets.index", "assets.create", "assets.delete"],
            )],
            &["assets.tools.register", "assets.audit"],
        ),
        addon(
            "tickets",
            &[
                model(
                    "tickets",
                    &["tickets.index", "tickets.create", "tickets.close.now"],
                ),
                model("projects", &["projects.index"]),
            ],
            &["tickets.ticket.read", "tickets.tools.triage"],
        ),
    ];

    fn access(grants: &[&str]) -> Access {
        Access::with_grants(
            Registry { addons: &ADDONS },
            grants.iter().map(|g| g.to_string()),
        )
    }

    #[test]
    fn aliases_and_model_wildcards_grant() {
        let access = access(&["tickets.read", "assets.*"]);
        assert!(access.allows("tickets.index"));
        assert!(!access.allows("tickets.create"));
        assert!(access.allows("assets.delete"));
        assert!(!access.allows("projects.index"));
        assert!(Access::super_role(Registry { addons: &ADDONS }).allows("anything.at_all"));
        assert!(self::access(&["*"]).allows("x.y"));
    }

    #[test]
    fn a_model_wildcard_grants_its_dotted_actions() {
        assert!(access(&["tickets.*"]).allows("tickets.close.now"));
    }

    #[test]
    fn a_model_wildcard_grants_no_tool_or_rbac_permission_of_the_same_name() {
        let access = access(&["assets.*", "tickets.*"]);
        assert!(!access.allows("assets.tools.register"));
        assert!(!access.allows("assets.audit"));
        assert!(!access.allows("tickets.tools.triage"));
        assert!(!access.allows("tickets.ticket.read"));
        // Capabilities unknown to the build are only granted exactly.
        assert!(!access.allows("assets.tools.other"));
        assert!(!access.allows("tickets.anything"));
    }

    #[test]
    fn an_addon_wildcard_is_not_a_grant_of_its_tools() {
        let access = access(&["fiscal.*", "tickets.tools.*"]);
        assert!(!access.allows("tickets.tools.triage"));
        assert!(!access.allows("fiscal.tools.stamp"));
    }

    #[test]
    fn the_read_alias_is_index_only_and_only_for_models() {
        let access = access(&["tickets.ticket.read", "tickets.tools.read"]);
        assert!(access.allows("tickets.ticket.read"));
        assert!(!access.allows("tickets.ticket.index"));
        assert!(!access.allows("tickets.tools.index"));
        assert!(!access.allows("tickets.index"));
    }
}
