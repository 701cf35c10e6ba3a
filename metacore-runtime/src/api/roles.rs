//! Role administration (`http-api.md` §10.6): the roles of the caller's organisation with
//! their grants, and replacing the stored grants of one role — both gated on
//! `metacore.roles.manage`.
//!
//! A role's grants are the manifests' (`rbac.roles[]`, fixed by the build) plus the stored
//! ones of the organisation (`metacore_role_grants`), which `PUT` replaces in one transaction.
//! Every capability must be one this build knows ([`known_capability`]), else 422 with the
//! offending entries. The change takes effect at once in this process (its cached capability
//! sets of the organisation are forgotten) and, on PostgreSQL, in every other process
//! through the grants tables' triggers ([`crate::coherence`]).

use std::collections::{BTreeMap, BTreeSet};

use poem::http::StatusCode;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use uuid::Uuid;

use super::access::{ROLE_GRANTS_TABLE, SUPER_ROLES};
use super::answer::{document_kind, Answer, Document};
use super::common::{answer, envelope};
use super::error::{ApiError, FieldError};
use super::sql::Sql;
use super::state::{ApiState, Call};
use super::tags::PERMISSIONS;
use crate::registry::Registry;

/// The capability of role administration (`http-api.md` §10.1).
pub const ROLES_MANAGE: &str = "metacore.roles.manage";

/// The administration capabilities every build knows (`http-api.md` §10.1).
pub const ADMIN_CAPABILITIES: [&str; 4] = [
    "metacore.installations.manage",
    ROLES_MANAGE,
    "metacore.webhooks.manage",
    "metacore.events.read",
];

/// The longest role name accepted.
const MAX_ROLE_LEN: usize = 64;

document_kind!(
/// `{"success": true, "data": [{role, source, permissions, stored}]}`.
Roles, "RolesEnvelope", "object", "The organisation's roles and their grants.",
data: array(role()));
document_kind!(
/// `{"success": true, "data": {role, source, permissions, stored}}`.
RoleGrants, "RoleEnvelope", "object", "The role and its grants after the change.",
data: role());

/// A role as the administration routes show it.
fn role() -> poem_openapi::registry::MetaSchemaRef {
    use crate::api::answer::shape::*;
    object(&[
        ("role", string()),
        ("source", string()),
        ("permissions", array(string())),
        ("stored", array(string())),
    ])
}

/// The body of `PUT /api/permissions/roles/{role}`.
#[derive(Debug, Object)]
pub struct RolePermissions {
    /// The role's stored grants after the change (replacing the previous ones): capability
    /// strings of this build, `<table>.read`/`<table>.*` aliases or `*`.
    pub permissions: Vec<String>,
}

/// The role administration operations.
pub struct RolesApi;

#[OpenApi]
impl RolesApi {
    /// The roles of the caller's organisation — those the manifests declare
    /// (`source: manifest`) and those with stored grants only (`source: stored`) — each with
    /// its whole grant list (`permissions`) and the stored part of it (`stored`), sorted
    /// (`metacore.roles.manage`).
    #[oai(
        path = "/api/permissions/roles",
        method = "get",
        operation_id = "permissions_roles",
        tag = "PERMISSIONS"
    )]
    async fn roles(&self, call: Call<'_>) -> Answer<Document<Roles>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = state.organisation_with(request, ROLES_MANAGE).await?;
                let stored = stored_roles(state, org, None).await?;
                let mut names: BTreeSet<String> = stored.keys().cloned().collect();
                names.extend(manifest_roles(state.registry()).into_keys());
                let roles = names
                    .iter()
                    .map(|name| shown(state.registry(), name, stored.get(name)))
                    .collect();
                Ok(envelope(Value::Array(roles)))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }

    /// Replaces the stored grants of `role` in the caller's organisation
    /// (`metacore.roles.manage`); an empty list revokes them all. 422 for a capability this
    /// build does not know, or for `owner`/`admin` (they have every capability).
    #[oai(
        path = "/api/permissions/roles/:role",
        method = "put",
        operation_id = "permissions_role_update",
        tag = "PERMISSIONS"
    )]
    async fn update(
        &self,
        call: Call<'_>,
        role: Path<String>,
        body: Json<RolePermissions>,
    ) -> Answer<Document<RoleGrants>> {
        let Call { state, request } = call;
        answer(
            async {
                let org = state.organisation_with(request, ROLES_MANAGE).await?;
                let role = checked_role(&role)?;
                let grants = checked_grants(state.registry(), &body.permissions)?;
                replace(state, org, &role, &grants).await?;
                let stored = stored_roles(state, org, Some(&role)).await?;
                Ok(envelope(shown(state.registry(), &role, stored.get(&role))))
            }
            .await,
        )
        .header(poem::http::header::CACHE_CONTROL, "no-store")
    }
}

/// The role name of a path: trimmed and lowercased (as tokens' roles are compared), 1 to
/// [`MAX_ROLE_LEN`] characters, not a super-role.
fn checked_role(role: &str) -> Result<String, ApiError> {
    let role = role.trim().to_lowercase();
    let refuse = |code: &'static str| {
        let mut fields = BTreeMap::new();
        fields.insert("role".to_string(), vec![FieldError::new(code)]);
        Err(ApiError::validation(fields))
    };
    if role.is_empty() || role.chars().count() > MAX_ROLE_LEN || role.chars().any(char::is_control)
    {
        return refuse("invalid");
    }
    if SUPER_ROLES.contains(&role.as_str()) {
        return refuse("super_role");
    }
    Ok(role)
}

/// The grants of a body, deduplicated and sorted; 422 naming every unknown one
/// (`permissions.<index>`: `unknown_capability`).
fn checked_grants(registry: &Registry, grants: &[String]) -> Result<BTreeSet<String>, ApiError> {
    let mut refused = BTreeMap::new();
    let mut out = BTreeSet::new();
    for (index, grant) in grants.iter().enumerate() {
        let grant = grant.trim();
        if known_capability(registry, grant) {
            out.insert(grant.to_string());
        } else {
            refused.insert(
                format!("permissions.{index}"),
                vec![FieldError::new("unknown_capability")],
            );
        }
    }
    if refused.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::validation(refused))
    }
}

/// Is `capability` one this build knows (`http-api.md` §10.1)? `*`, the administration
/// capabilities, a model's capabilities and their `<table>.read`/`<table>.*` aliases, a
/// tool's `<addon>.tools.<tool>`, or an addon's `rbac` permission key.
pub fn known_capability(registry: &Registry, capability: &str) -> bool {
    if capability == "*" || ADMIN_CAPABILITIES.contains(&capability) {
        return true;
    }
    registry.addons.iter().any(|addon| {
        addon.permissions.contains(&capability)
            || addon
                .tools
                .iter()
                .any(|tool| capability == format!("{}.tools.{}", addon.key, tool.key))
            || addon.models.iter().any(|model| {
                model.capabilities.contains(&capability)
                    || capability
                        .strip_prefix(model.route)
                        .is_some_and(|verb| verb == ".read" || verb == ".*")
            })
    })
}

/// The manifests' grants by role (lowercased), across the build's addons.
fn manifest_roles(registry: &Registry) -> BTreeMap<String, BTreeSet<String>> {
    let mut roles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for addon in registry.addons {
        for role in addon.roles {
            roles
                .entry(role.role.to_lowercase())
                .or_default()
                .extend(role.grants.iter().map(|g| g.to_string()));
        }
    }
    roles
}

/// A role as the routes show it.
fn shown(registry: &Registry, role: &str, stored: Option<&BTreeSet<String>>) -> Value {
    let declared = manifest_roles(registry).remove(role);
    let source = if declared.is_some() {
        "manifest"
    } else {
        "stored"
    };
    let stored = stored.cloned().unwrap_or_default();
    let all: BTreeSet<&String> = declared.iter().flatten().chain(stored.iter()).collect();
    json!({"role": role, "source": source, "permissions": all, "stored": stored})
}

/// The stored grants of `org` by role (only `role`'s when given).
async fn stored_roles(
    state: &ApiState,
    org: Uuid,
    role: Option<&str>,
) -> Result<BTreeMap<String, BTreeSet<String>>, ApiError> {
    let db = state.db();
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT role, capability FROM ")
        .ident(ROLE_GRANTS_TABLE)
        .push(" WHERE organization_id = ")
        .bind(org);
    if let Some(role) = role {
        sql.push(" AND role = ").bind(role.to_string());
    }
    let rows = db
        .query_all_raw(sql.statement())
        .await
        .map_err(ApiError::internal)?;
    let mut roles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        let role: String = row.try_get("", "role").map_err(ApiError::internal)?;
        let capability: String = row.try_get("", "capability").map_err(ApiError::internal)?;
        roles.entry(role).or_default().insert(capability);
    }
    Ok(roles)
}

/// Replaces the stored grants of `role` in `org` with `grants`, in one transaction, and
/// forgets this process's cached capability sets of `org`.
async fn replace(
    state: &ApiState,
    org: Uuid,
    role: &str,
    grants: &BTreeSet<String>,
) -> Result<(), ApiError> {
    let backend = state.db().get_database_backend();
    let role = role.to_string();
    let grants = grants.clone();
    state
        .write(move |txn| {
            Box::pin(async move {
                let mut delete = Sql::new(backend);
                delete
                    .push("DELETE FROM ")
                    .ident(ROLE_GRANTS_TABLE)
                    .push(" WHERE organization_id = ")
                    .bind(org)
                    .push(" AND role = ")
                    .bind(role.clone());
                txn.execute_raw(delete.statement())
                    .await
                    .map_err(ApiError::internal)?;
                for grant in grants {
                    let mut insert = Sql::new(backend);
                    insert
                        .push("INSERT INTO ")
                        .ident(ROLE_GRANTS_TABLE)
                        .push(" (organization_id, role, capability) VALUES (")
                        .bind(org)
                        .push(", ")
                        .bind(role.clone())
                        .push(", ")
                        .bind(grant)
                        .push(")");
                    txn.execute_raw(insert.statement())
                        .await
                        .map_err(|e| ApiError::from_db(e, StatusCode::CONFLICT, "duplicate"))?;
                }
                Ok(((), Vec::new()))
            })
        })
        .await?;
    state.access_resolver().forget_organisation(org);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_trimmed_lowercased_and_never_super_roles() {
        assert_eq!(checked_role(" Auditor ").expect("valid"), "auditor");
        assert!(checked_role("").is_err());
        assert!(checked_role("Admin").is_err());
        assert!(checked_role("owner").is_err());
        assert!(checked_role(&"r".repeat(65)).is_err());
        assert!(checked_role("a\u{0}b").is_err());
    }
}
