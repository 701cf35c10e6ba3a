//! What a caller may do (`http-api.md` §10): the capability set and the check.
//!
//! The set is the union of the manifests' role grants for the caller's role, the stored
//! role grants of the organisation (`metacore_role_grants`), the stored user grants
//! (`metacore_user_grants`) and the token's `grants`. `owner` and `admin` bypass every check.
//! Sets are cached per (organisation, user, role, token grants) for at most 60 s.

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

/// A caller's capabilities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    super_role: bool,
    grants: BTreeSet<String>,
}

impl Access {
    /// The access of a super-role.
    pub fn super_role() -> Self {
        Access {
            super_role: true,
            grants: BTreeSet::new(),
        }
    }

    /// Access with exactly `grants`.
    pub fn with_grants(grants: impl IntoIterator<Item = String>) -> Self {
        Access {
            super_role: false,
            grants: grants.into_iter().collect(),
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

    /// May the caller do `capability`? (`*`, the capability, its alias, or `<table>.*`.)
    pub fn allows(&self, capability: &str) -> bool {
        if self.super_role || self.grants.contains("*") || self.grants.contains(capability) {
            return true;
        }
        if let Some((model, verb)) = capability.rsplit_once('.') {
            if verb == "index" && self.grants.contains(&format!("{model}.read")) {
                return true;
            }
        }
        let model = capability.split('.').next().unwrap_or(capability);
        self.grants.contains(&format!("{model}.*"))
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
    /// The access of `caller`.
    pub async fn resolve(
        &self,
        db: &DatabaseConnection,
        registry: &Registry,
        caller: &Caller,
    ) -> Result<Access, sea_orm::DbErr> {
        if SUPER_ROLES.contains(&caller.role.as_str()) {
            return Ok(Access::super_role());
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
        let access = Access::with_grants(grants);
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
    .map(|sql| Statement::from_string(backend, sql))
    .chain([crate::kv::create_table(backend)])
    .collect()
}

#[cfg(test)]
mod tests {
    use super::Access;

    #[test]
    fn aliases_and_model_wildcards_grant() {
        let access = Access::with_grants(["tickets.read".to_string(), "assets.*".to_string()]);
        assert!(access.allows("tickets.index"));
        assert!(!access.allows("tickets.create"));
        assert!(access.allows("assets.delete"));
        assert!(!access.allows("projects.index"));
        assert!(Access::super_role().allows("anything.at_all"));
        assert!(Access::with_grants(["*".to_string()]).allows("x.y"));
    }
}
