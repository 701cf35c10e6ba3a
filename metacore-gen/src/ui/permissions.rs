//! The addon's permission vocabulary (`http-api.md` §10, `manifest.md` §7.9) as a typed
//! [`PermissionTable`], and the catalogue `GET /api/permissions/catalog` serves (§10.6).
//!
//! A table lists, per model, the CRUD capabilities `<table>.index/create/update/delete/
//! export/import` and one `<table>.<key>` per action targeting it; one
//! `<addon_key>.tools.<tool_key>` per tool; the manifest's `rbac.permissions` and roles with
//! their grant lists; and the addon-level capabilities it declares (`db:read`, `http:fetch`, …
//! with their targets), which govern the addon's sandbox, not callers. It (de)serialises with
//! serde so a build can embed it and the server read it back.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::common::{actions_of, humanise, Object};
use crate::ir::Addon;

/// The CRUD verbs every model has, with the label the catalogue shows.
const CRUD_VERBS: [(&str, &str); 6] = [
    ("index", "List and view"),
    ("create", "Create"),
    ("update", "Update"),
    ("delete", "Delete"),
    ("export", "Export"),
    ("import", "Import"),
];

/// Everything one addon lets an administrator grant, and what it grants itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionTable {
    /// The addon's key.
    pub addon_key: String,
    /// The addon's display name (the catalogue group's title).
    pub addon_name: String,
    /// Per model, in manifest order.
    pub models: Vec<ModelPermissions>,
    /// `<addon_key>.tools.<tool_key>` per tool, in manifest order.
    pub tools: Vec<Grantable>,
    /// The manifest's `rbac.permissions`.
    pub permissions: Vec<DeclaredPermission>,
    /// The manifest's `rbac.roles` with their grants.
    pub roles: Vec<RoleGrants>,
    /// The addon-level capabilities the manifest declares for its own code.
    pub declared_capabilities: Vec<DeclaredCapability>,
}

/// The capabilities of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelPermissions {
    /// Route name.
    pub table: String,
    /// Model label, else the humanised table name.
    pub label: String,
    /// `index`, `create`, `update`, `delete`, `export`, `import`.
    pub crud: Vec<Grantable>,
    /// The actions targeting the model.
    pub actions: Vec<Grantable>,
}

/// One grantable capability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grantable {
    /// The verb, action key or tool key.
    pub key: String,
    /// What the administrator reads.
    pub label: String,
    /// The capability string.
    pub capability: String,
}

/// A permission of `rbac.permissions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclaredPermission {
    /// The permission key, itself a capability.
    pub key: String,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What it allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A role of `rbac.roles`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleGrants {
    /// Role key (compared with the token's `role`).
    pub key: String,
    /// Label.
    pub label: String,
    /// Granted capabilities and permission keys (`*` for all), as declared.
    pub grants: Vec<String>,
}

/// A capability of the manifest's `capabilities`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclaredCapability {
    /// Kind (`db:read`, `http:fetch`, …).
    pub kind: String,
    /// Target (`addon_tickets.*`, `api.stripe.com`, …).
    pub target: String,
    /// Why it is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl PermissionTable {
    /// Every capability string a caller can be granted for this addon: the model and tool
    /// capabilities, then the declared permission keys (the catalogue `/api/permissions/me`
    /// expands aliases and `<table>.*` against).
    pub fn capabilities(&self) -> Vec<String> {
        self.models
            .iter()
            .flat_map(|m| m.crud.iter().chain(&m.actions))
            .chain(&self.tools)
            .map(|g| g.capability.clone())
            .chain(self.permissions.iter().map(|p| p.key.clone()))
            .collect()
    }
}

/// The permission table of `addon`.
pub fn permissions(addon: &Addon) -> PermissionTable {
    PermissionTable {
        addon_key: addon.key.clone(),
        addon_name: addon.name.clone(),
        models: addon
            .models
            .iter()
            .map(|model| ModelPermissions {
                table: model.table.clone(),
                label: model
                    .label
                    .clone()
                    .unwrap_or_else(|| humanise(&model.table)),
                crud: CRUD_VERBS
                    .iter()
                    .map(|(verb, label)| Grantable {
                        key: verb.to_string(),
                        label: label.to_string(),
                        capability: format!("{}.{verb}", model.table),
                    })
                    .collect(),
                actions: actions_of(addon, model)
                    .map(|action| Grantable {
                        key: action.key.clone(),
                        label: action
                            .label
                            .clone()
                            .unwrap_or_else(|| humanise(&action.key)),
                        capability: format!("{}.{}", model.table, action.key),
                    })
                    .collect(),
            })
            .collect(),
        tools: addon
            .tools
            .iter()
            .map(|tool| Grantable {
                key: tool.key.clone(),
                label: tool.label.clone().unwrap_or_else(|| tool.key.clone()),
                capability: format!("{}.tools.{}", addon.key, tool.key),
            })
            .collect(),
        permissions: addon
            .rbac
            .permissions
            .iter()
            .map(|p| DeclaredPermission {
                key: p.key.clone(),
                label: p.label.clone(),
                description: p.description.clone(),
            })
            .collect(),
        roles: addon
            .rbac
            .roles
            .iter()
            .map(|role| RoleGrants {
                key: role.key.clone(),
                label: role.label.clone(),
                grants: role.permissions.iter().map(|p| p.name.clone()).collect(),
            })
            .collect(),
        declared_capabilities: addon
            .capabilities
            .iter()
            .map(|c| DeclaredCapability {
                kind: c.kind.clone(),
                target: c.target.clone(),
                reason: c.reason.clone(),
            })
            .collect(),
    }
}

/// The `data` of `GET /api/permissions/catalog`: one group per addon (sorted by key) with a
/// `model` module per model — its CRUD verbs (`kind: crud`) then its actions (`kind:
/// custom`) — and, when the addon has tools, a `tools` module keyed `<addon_key>.tools`
/// (`kind: tool` entries); `general` lists every declared permission. `addons` are the tables
/// of the addons enabled for the caller's organisation.
pub fn catalog_json(addons: &[PermissionTable]) -> Json {
    let mut ordered: Vec<&PermissionTable> = addons.iter().collect();
    ordered.sort_by(|a, b| a.addon_key.cmp(&b.addon_key));
    let groups: Vec<Json> = ordered
        .iter()
        .map(|addon| {
            let models = addon.models.iter().map(|model| {
                let entries = (model.crud.iter().map(|g| entry(g, "crud")))
                    .chain(model.actions.iter().map(|g| entry(g, "custom")))
                    .collect::<Vec<_>>();
                module(&model.table, &model.label, "model", entries)
            });
            let tools = (!addon.tools.is_empty()).then(|| {
                let entries = addon.tools.iter().map(|g| entry(g, "tool")).collect();
                module(
                    &format!("{}.tools", addon.addon_key),
                    "Tools",
                    "tools",
                    entries,
                )
            });
            Object::new()
                .with("title", addon.addon_name.as_str())
                .with("modules", models.chain(tools).collect::<Vec<_>>())
                .build()
        })
        .collect();
    let general: Vec<Json> = ordered
        .iter()
        .flat_map(|addon| &addon.permissions)
        .map(|p| {
            Object::new()
                .with("key", p.key.as_str())
                .with("label", p.label.as_deref().unwrap_or(&p.key))
                .with_opt("description", p.description.clone())
                .build()
        })
        .collect();
    Object::new()
        .with("groups", groups)
        .with("general", general)
        .build()
}

fn module(key: &str, label: &str, kind: &str, actions: Vec<Json>) -> Json {
    Object::new()
        .with("key", key)
        .with("label", label)
        .with("kind", kind)
        .with("actions", actions)
        .build()
}

fn entry(grantable: &Grantable, kind: &str) -> Json {
    Object::new()
        .with("key", grantable.key.as_str())
        .with("label", grantable.label.as_str())
        .with("kind", kind)
        .with("capability", grantable.capability.as_str())
        .build()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::test_support::{v3, v3_columns};

    fn helpdesk() -> Addon {
        v3(json!({
            "capabilities": [{"kind": "http:fetch", "target": "api.slack.com", "reason": "notify"}],
            "models": [{"key": "Ticket", "table": "tickets", "label": "Tickets", "columns": v3_columns(json!([]))}],
            "contributions": {
                "actions": [{"key": "resolve", "label": "Resolve it", "target_model": "Ticket", "handler": {"type": "wasm", "function": "resolve"}}],
                "tools": [{"key": "create_ticket", "description": "d", "handler": {"type": "wasm", "function": "create"}}]
            },
            "rbac": {
                "permissions": [{"key": "shop.reports.read", "label": "Reports", "description": "See reports"}],
                "roles": [{"key": "agent", "label": "Agent", "permissions": ["tickets.index", "shop.reports.read"]}]
            }
        }))
    }

    #[test]
    fn the_table_lists_every_capability() {
        let table = permissions(&helpdesk());
        assert_eq!(
            table.capabilities(),
            [
                "tickets.index",
                "tickets.create",
                "tickets.update",
                "tickets.delete",
                "tickets.export",
                "tickets.import",
                "tickets.resolve",
                "shop.tools.create_ticket",
                "shop.reports.read"
            ]
        );
        assert_eq!(
            table.roles,
            [RoleGrants {
                key: "agent".into(),
                label: "Agent".into(),
                grants: vec!["tickets.index".into(), "shop.reports.read".into()],
            }]
        );
        assert_eq!(
            table.declared_capabilities,
            [DeclaredCapability {
                kind: "http:fetch".into(),
                target: "api.slack.com".into(),
                reason: Some("notify".into()),
            }]
        );
    }

    #[test]
    fn the_catalogue_has_the_runtime_shape() {
        let catalog = catalog_json(&[permissions(&helpdesk())]);
        let module = &catalog["groups"][0]["modules"][0];
        assert_eq!(catalog["groups"][0]["title"], "Shop");
        assert_eq!(module["key"], "tickets");
        assert_eq!(module["label"], "Tickets");
        assert_eq!(module["kind"], "model");
        assert_eq!(
            module["actions"][0],
            json!({"key": "index", "label": "List and view", "kind": "crud", "capability": "tickets.index"})
        );
        assert_eq!(
            module["actions"][6],
            json!({"key": "resolve", "label": "Resolve it", "kind": "custom", "capability": "tickets.resolve"})
        );
        assert_eq!(
            catalog["groups"][0]["modules"][1],
            json!({"key": "shop.tools", "label": "Tools", "kind": "tools", "actions": [
                {"key": "create_ticket", "label": "create_ticket", "kind": "tool", "capability": "shop.tools.create_ticket"}]})
        );
        assert_eq!(
            catalog["general"],
            json!([{"key": "shop.reports.read", "label": "Reports", "description": "See reports"}])
        );
    }
}
