//! Navigation (`http-api.md` §8 step 3): each addon's contribution, built from the IR. The
//! types, the merge and the per-caller filter are the contract's
//! ([`metacore_core::ui::navigation`]).

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::common::route_of;
use crate::ir::{Addon, NavItem};
pub use metacore_core::ui::navigation::*;

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
