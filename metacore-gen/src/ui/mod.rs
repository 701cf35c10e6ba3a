//! The static JSON metadata the server serves, derived from the IR in the exact shapes of
//! the HTTP contract (`http-api.md`): table and modal metadata (§6), navigation (§8), the
//! permission catalogue (§10) and the legacy flat manifest projection (`manifest.md` §5.4).
//!
//! Every function is pure over the IR and deterministic: objects are `serde_json` maps (keys
//! sorted), arrays follow manifest order, and a key with no value is left out rather than
//! served as `null`. One file per shape:
//!
//! * [`table_metadata`] / [`gate_table_metadata`] (`table`), built from the columns
//!   (`column`), the CRUD trio and own actions (`action`, [`action_capability`]) and the
//!   import spec (`import`);
//! * [`modal_metadata`] (`modal`) with its form fields (`field`);
//! * [`display_column`] (`display`);
//! * [`navigation()`], [`merge_navigation`], [`filter_navigation`] (`navigation`);
//! * [`permissions()`] and [`catalog_json`] (`permissions`);
//! * [`legacy_manifest`] (`legacy`).
//!
//! What is served *ungated* here is what a caller holding every capability sees; the HTTP
//! layer narrows it per caller with [`gate_table_metadata`] and [`filter_navigation`], which
//! take the caller's capability check as a closure, so the server needs no IR at run time.

mod action;
mod column;
mod common;
mod display;
mod field;
mod import;
mod legacy;
mod modal;
mod navigation;
mod permissions;
#[cfg(test)]
mod snapshots;
mod table;
#[cfg(test)]
mod test_support;

pub use action::action_capability;
pub use common::{humanise, options_endpoint, route_of, static_option_values};
pub use display::display_column;

/// The model's search columns (the `searchColumns` of its table metadata) that it declares:
/// what list `search` reads by default and what the full-text index covers.
pub fn search_column_names(model: &crate::ir::Model) -> Vec<String> {
    column::search_columns(model)
        .iter()
        .filter_map(|c| c.as_str())
        .filter(|c| model.column(c).is_some())
        .map(str::to_string)
        .collect()
}
pub use import::MAX_IMPORT_ROWS;
pub use legacy::legacy_manifest;
pub use metacore_core::ui::gate::gate_table_metadata;
pub use modal::modal_metadata;
pub use navigation::{
    filter_navigation, merge_navigation, navigation, served_navigation, Contribution, MenuGroup,
    MenuItem, ORPHANS_ICON, ORPHANS_TITLE,
};
pub use permissions::{
    catalog_json, permissions, DeclaredCapability, DeclaredPermission, Grantable, ModelPermissions,
    PermissionTable, RoleGrants,
};
pub use table::table_metadata;
