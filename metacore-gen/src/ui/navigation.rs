//! Navigation (`http-api.md` §8): each addon's contribution, the merge of all contributions
//! into one sidebar, and the per-caller filter.
//!
//! The three steps work on typed values rather than served JSON, because filtering needs what
//! is never served: an item's `requires`/`requires_capabilities` (as capability strings) and
//! the `condition.addon_installed` of items and groups. [`MenuGroup::to_served_json`] /
//! [`served_navigation`] produce the served shapes (`Group = {title, icon?, target?, items}`,
//! `Item = {title, url, icon?, model?, permission?, owner, view_type?, group_by?, filter?,
//! items?}`) and leave those internal fields out. The types also (de)serialise with serde in
//! their internal form, so a build can embed [`Contribution`]s and the server read them back.
//!
//! At run time the server calls [`merge_navigation`] with the contributions of the addons
//! enabled for the organisation (and an installed-addon check), then [`filter_navigation`]
//! with the caller's capability check, then serves [`served_navigation`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::common::{route_of, Object};
use crate::ir::{Addon, NavItem};

/// The title of the group collecting items of groups without a title.
pub const ORPHANS_TITLE: &str = "sidebar.addons";
/// Its icon.
pub const ORPHANS_ICON: &str = "Puzzle";

/// One addon's navigation, converted (§8 step 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The contributing addon's key (contributions merge in key order).
    pub addon_key: String,
    /// Its groups, in manifest order.
    pub groups: Vec<MenuGroup>,
}

/// A navigation group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MenuGroup {
    /// Title (literal or i18n key).
    pub title: String,
    /// Icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Merge id: a core group's id, or the core group a contributed group joins. Served for
    /// core groups only (a contributed group that joins none loses it in the merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Items.
    #[serde(default)]
    pub items: Vec<MenuItem>,
    /// Internal: shown only when this addon is installed (`condition.addon_installed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addon_installed: Option<String>,
}

/// A navigation item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MenuItem {
    /// Title.
    pub title: String,
    /// The declared URL, else `/m/<route>` for model items, else `""`; with the `filter`
    /// query parameters appended.
    pub url: String,
    /// Icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// The model's route name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Capability required to see the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// `addon:<key>` (core items: as configured, conventionally `core`).
    pub owner: String,
    /// `table` or `kanban`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_type: Option<String>,
    /// Kanban grouping column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    /// Column filters of the list (also encoded into `url`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// Children.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<MenuItem>,
    /// Internal: every capability the caller must hold — `requires[{model, actions}]`
    /// expanded to `<table>.<action>`, then `requires_capabilities`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_capabilities: Vec<String>,
    /// Internal: shown only when this addon is installed (`condition.addon_installed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addon_installed: Option<String>,
}

impl MenuGroup {
    /// The served `Group`.
    pub fn to_served_json(&self) -> Json {
        Object::new()
            .with("title", self.title.as_str())
            .with_opt("icon", self.icon.clone())
            .with_opt("target", self.target.clone())
            .with(
                "items",
                self.items
                    .iter()
                    .map(MenuItem::to_served_json)
                    .collect::<Vec<_>>(),
            )
            .build()
    }
}

impl MenuItem {
    /// The served `Item`.
    pub fn to_served_json(&self) -> Json {
        Object::new()
            .with("title", self.title.as_str())
            .with("url", self.url.as_str())
            .with_opt("icon", self.icon.clone())
            .with_opt("model", self.model.clone())
            .with_opt("permission", self.permission.clone())
            .with("owner", self.owner.as_str())
            .with_opt("view_type", self.view_type.clone())
            .with_opt("group_by", self.group_by.clone())
            .with_opt(
                "filter",
                (!self.filter.is_empty()).then(|| {
                    self.filter
                        .iter()
                        .map(|(k, v)| (k.clone(), Json::from(v.as_str())))
                        .collect::<serde_json::Map<_, _>>()
                }),
            )
            .with_list(
                "items",
                self.items.iter().map(MenuItem::to_served_json).collect(),
            )
            .build()
    }
}

/// The served navigation: a raw array of groups.
pub fn served_navigation(groups: &[MenuGroup]) -> Json {
    Json::Array(groups.iter().map(MenuGroup::to_served_json).collect())
}

/// The addon's navigation contribution (§8 step 3).
pub fn navigation(addon: &Addon) -> Contribution {
    let owner = format!("addon:{}", addon.key);
    Contribution {
        addon_key: addon.key.clone(),
        groups: addon
            .navigation
            .iter()
            .map(|group| MenuGroup {
                title: group.title.clone(),
                icon: group.icon.clone(),
                target: group.target.clone(),
                items: group
                    .items
                    .iter()
                    .map(|item| menu_item(addon, item, &owner))
                    .collect(),
                addon_installed: addon_installed(group.condition.as_ref()),
            })
            .collect(),
    }
}

fn addon_installed(condition: Option<&Json>) -> Option<String> {
    condition?
        .get("addon_installed")?
        .as_str()
        .map(str::to_string)
}

fn menu_item(addon: &Addon, item: &NavItem, owner: &str) -> MenuItem {
    let route = item.model.as_deref().map(|m| route_of(addon, m));
    let required_capabilities = item
        .requires
        .iter()
        .flat_map(|(model, actions)| {
            let table = route_of(addon, model);
            actions
                .iter()
                .map(move |action| format!("{table}.{action}"))
        })
        .chain(item.requires_capabilities.iter().cloned())
        .collect();
    MenuItem {
        title: item.title.clone(),
        url: item_url(item.url.as_deref(), route.as_deref(), &item.filter),
        icon: item.icon.clone(),
        model: route,
        permission: item.permission.clone(),
        owner: owner.to_string(),
        view_type: item.view_type.clone(),
        group_by: item.group_by.clone(),
        filter: item.filter.clone(),
        items: item
            .items
            .iter()
            .map(|child| menu_item(addon, child, owner))
            .collect(),
        required_capabilities,
        addon_installed: addon_installed(item.condition.as_ref()),
    }
}

/// The declared URL, else `/m/<route>`, else `""`, followed by one `f_<col>=eq:<value>`
/// parameter per filter (keys sorted, percent-encoded; `&` when the URL has a query).
pub(crate) fn item_url(
    declared: Option<&str>,
    route: Option<&str>,
    filter: &BTreeMap<String, String>,
) -> String {
    let mut url = match (declared, route) {
        (Some(url), _) => url.to_string(),
        (None, Some(route)) => format!("/m/{route}"),
        (None, None) => String::new(),
    };
    for (i, (column, value)) in filter.iter().enumerate() {
        let separator = match (i, url.contains('?')) {
            (0, false) => '?',
            _ => '&',
        };
        url.push(separator);
        url.push_str(&format!(
            "f_{}={}",
            percent_encode(column),
            percent_encode(&format!("eq:{value}"))
        ));
    }
    url
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Builds the sidebar (§8 steps 2 and 4): contributions in addon-key order, groups and items
/// whose `condition.addon_installed` is not installed skipped; a group whose `target` names a
/// core group appends its items there, a group with a blank title gives its items to the
/// orphans, any other group is appended as `{title, icon, items}`. Orphans end up in a final
/// `sidebar.addons` group. `core` is the application's configuration (none by default).
pub fn merge_navigation(
    core: Vec<MenuGroup>,
    contributions: &[Contribution],
    is_installed: &dyn Fn(&str) -> bool,
) -> Vec<MenuGroup> {
    let shown = |condition: &Option<String>| condition.as_deref().is_none_or(is_installed);
    let mut ordered: Vec<&Contribution> = contributions.iter().collect();
    ordered.sort_by(|a, b| a.addon_key.cmp(&b.addon_key));
    let core_count = core.len();
    let mut groups = core;
    let mut orphans = Vec::new();
    for group in ordered.iter().flat_map(|c| &c.groups) {
        if !shown(&group.addon_installed) {
            continue;
        }
        let items = installed_items(&group.items, &shown);
        let core_group = group.target.as_ref().and_then(|target| {
            groups[..core_count]
                .iter_mut()
                .find(|g| g.target.as_ref() == Some(target))
        });
        match core_group {
            Some(core_group) => core_group.items.extend(items),
            None if group.title.trim().is_empty() => orphans.extend(items),
            None => groups.push(MenuGroup {
                title: group.title.clone(),
                icon: group.icon.clone(),
                target: None,
                items,
                addon_installed: None,
            }),
        }
    }
    if !orphans.is_empty() {
        groups.push(MenuGroup {
            title: ORPHANS_TITLE.into(),
            icon: Some(ORPHANS_ICON.into()),
            target: None,
            items: orphans,
            addon_installed: None,
        });
    }
    groups
}

fn installed_items(items: &[MenuItem], shown: &dyn Fn(&Option<String>) -> bool) -> Vec<MenuItem> {
    items
        .iter()
        .filter(|item| shown(&item.addon_installed))
        .map(|item| MenuItem {
            items: installed_items(&item.items, shown),
            ..item.clone()
        })
        .collect()
}

/// The sidebar one caller sees (§8 step 5): an item goes when the caller lacks its
/// `permission`, `<model>.index` for its model, or any of its required capabilities, or when
/// all its children went and it has neither a URL nor a model of its own; then groups left
/// without items go. Super-roles see everything.
pub fn filter_navigation(
    groups: &[MenuGroup],
    can: &dyn Fn(&str) -> bool,
    is_super: bool,
) -> Vec<MenuGroup> {
    if is_super {
        return groups.to_vec();
    }
    groups
        .iter()
        .filter_map(|group| {
            let items: Vec<MenuItem> = group
                .items
                .iter()
                .filter_map(|item| visible_item(item, can))
                .collect();
            (!items.is_empty()).then(|| MenuGroup {
                items,
                ..group.clone()
            })
        })
        .collect()
}

fn visible_item(item: &MenuItem, can: &dyn Fn(&str) -> bool) -> Option<MenuItem> {
    let allowed = item.permission.as_deref().is_none_or(can)
        && item
            .model
            .as_deref()
            .is_none_or(|table| can(&format!("{table}.index")))
        && item.required_capabilities.iter().all(|c| can(c));
    if !allowed {
        return None;
    }
    let children: Vec<MenuItem> = item
        .items
        .iter()
        .filter_map(|child| visible_item(child, can))
        .collect();
    let emptied = !item.items.is_empty() && children.is_empty();
    if emptied && item.url.is_empty() && item.model.is_none() {
        return None;
    }
    Some(MenuItem {
        items: children,
        ..item.clone()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ui::test_support::{v2, v3, v3_columns};

    fn support() -> Addon {
        v3(json!({
            "models": [{"key": "Ticket", "table": "tickets", "columns": v3_columns(json!([{"name": "status", "type": "text"}, {"name": "kind", "type": "text"}]))}],
            "contributions": {"navigation": [
                {"title": "Support", "icon": "LifeBuoy", "target": "sidebar.operations", "items": [
                    {"title": "All", "model": "Ticket", "icon": "Ticket", "permission": "shop.ticket.read"},
                    {"title": "Open", "model": "Ticket", "filter": {"status": "open", "kind": "a b&c"},
                     "view_type": "kanban", "group_by": "status"},
                    {"title": "Reports", "url": "/reports?x=1", "filter": {"status": "open"},
                     "requires": [{"model": "Ticket", "actions": ["export"]}], "requires_capabilities": ["shop.reports"]},
                    {"title": "More", "items": [{"title": "CRM", "url": "/crm", "permission": "crm.view", "condition": {"addon_installed": "crm"}}]}
                ]},
                {"title": "", "items": [{"title": "Loose", "url": "/loose"}]},
                {"title": "CRM only", "condition": {"addon_installed": "crm"}, "items": [{"title": "Leads", "url": "/leads"}]}
            ]}
        }))
    }

    #[test]
    fn items_are_converted_with_routes_urls_and_owner() {
        let contribution = navigation(&support());
        assert_eq!(contribution.addon_key, "shop");
        let items = &contribution.groups[0].items;
        assert_eq!(
            items[0].to_served_json(),
            json!({"title": "All", "url": "/m/tickets", "icon": "Ticket", "model": "tickets",
                   "permission": "shop.ticket.read", "owner": "addon:shop"})
        );
        assert_eq!(
            items[1].to_served_json(),
            json!({"title": "Open", "url": "/m/tickets?f_kind=eq%3Aa%20b%26c&f_status=eq%3Aopen",
                   "model": "tickets", "owner": "addon:shop", "view_type": "kanban", "group_by": "status",
                   "filter": {"kind": "a b&c", "status": "open"}})
        );
        assert_eq!(items[2].url, "/reports?x=1&f_status=eq%3Aopen");
        assert_eq!(
            items[2].required_capabilities,
            ["tickets.export", "shop.reports"]
        );
        assert!(items[2]
            .to_served_json()
            .get("required_capabilities")
            .is_none());
        assert_eq!(items[3].url, "");
        assert_eq!(items[3].items[0].addon_installed.as_deref(), Some("crm"));
        assert_eq!(
            contribution.groups[2].addon_installed.as_deref(),
            Some("crm")
        );
    }

    #[test]
    fn v2_items_keep_their_url_and_gain_their_model() {
        let addon = v2(json!({
            "model_definitions": [{"table_name": "assets", "model_key": "assets", "columns": [{"name": "name", "type": "string"}]}],
            "navigation": [{"title": "Assets", "items": [{"title": "All", "url": "/m/assets"}]}]
        }));
        let served = served_navigation(&navigation(&addon).groups);
        assert_eq!(
            served,
            json!([{"title": "Assets", "items": [{"title": "All", "url": "/m/assets", "model": "assets", "owner": "addon:shop"}]}])
        );
    }

    fn group(title: &str, target: Option<&str>, item: &str) -> MenuGroup {
        MenuGroup {
            title: title.into(),
            target: target.map(Into::into),
            items: vec![MenuItem {
                title: item.into(),
                url: format!("/{item}"),
                owner: "core".into(),
                ..MenuItem::default()
            }],
            ..MenuGroup::default()
        }
    }

    #[test]
    fn merging_joins_core_targets_and_collects_orphans() {
        let shop = navigation(&support());
        let other = Contribution {
            addon_key: "alpha".into(),
            groups: vec![group("Alpha", Some("nowhere"), "a")],
        };
        let merged = merge_navigation(Vec::new(), &[shop.clone(), other.clone()], &|_| false);
        let titles: Vec<&str> = merged.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Alpha", "Support", "sidebar.addons"],
            "by addon key; CRM-only skipped"
        );
        assert_eq!(merged[0].target, None, "an unmatched target is dropped");
        assert_eq!(merged[2].icon.as_deref(), Some("Puzzle"));
        assert_eq!(merged[2].items[0].title, "Loose");
        assert!(
            merged[1].items[3].items.is_empty(),
            "the CRM child is skipped"
        );

        let core = vec![group(
            "sidebar.operations",
            Some("sidebar.operations"),
            "home",
        )];
        let merged = merge_navigation(core, &[shop, other], &|key| key == "crm");
        let titles: Vec<&str> = merged.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(
            titles,
            ["sidebar.operations", "Alpha", "CRM only", "sidebar.addons"]
        );
        assert_eq!(
            merged[0].items.len(),
            5,
            "the core item, then Support's four"
        );
        assert_eq!(merged[0].to_served_json()["target"], "sidebar.operations");
        assert_eq!(merged[0].items[4].items.len(), 1, "crm is installed");
    }

    #[test]
    fn filtering_per_caller() {
        let merged = merge_navigation(Vec::new(), &[navigation(&support())], &|_| true);
        let titles = |groups: &[MenuGroup]| -> Vec<Vec<String>> {
            groups
                .iter()
                .map(|g| g.items.iter().map(|i| i.title.clone()).collect())
                .collect()
        };
        assert_eq!(filter_navigation(&merged, &|_| false, true), merged);
        assert_eq!(
            titles(&filter_navigation(&merged, &|_| false, false)),
            vec![vec!["Leads"], vec!["Loose"]],
            "More lost its only child and has no url or model; Support emptied"
        );
        let agent = |cap: &str| ["tickets.index", "tickets.export", "shop.reports"].contains(&cap);
        assert_eq!(
            titles(&filter_navigation(&merged, &agent, false)),
            vec![vec!["Open", "Reports"], vec!["Leads"], vec!["Loose"]]
        );
    }
}
