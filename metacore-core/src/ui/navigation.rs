//! Navigation (`http-api.md` §8): the types of each addon's contribution, the merge of all
//! contributions into one sidebar, and the per-caller filter.
//!
//! The steps work on typed values rather than served JSON, because filtering needs what is
//! never served: an item's `requires`/`requires_capabilities` (as capability strings) and the
//! `condition.addon_installed` of items and groups. [`MenuGroup::to_served_json`] /
//! [`served_navigation`] produce the served shapes (`Group = {title, icon?, target?, items}`,
//! `Item = {title, url, icon?, model?, permission?, owner, view_type?, group_by?, filter?,
//! items?}`) and leave those internal fields out. The types also (de)serialise with serde in
//! their internal form, so a build embeds [`Contribution`]s and the server reads them back.
//!
//! At run time the server calls [`merge_navigation`] with the contributions of the addons
//! enabled for the organisation (and an installed-addon check), then [`filter_navigation`]
//! with the caller's capability check, then serves [`served_navigation`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::Object;

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
