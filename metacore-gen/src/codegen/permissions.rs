//! `src/<addon>/permissions.rs`: the addon's capability strings as typed constants.
//!
//! One module per model with a constant per capability (`tickets::INDEX`,
//! `tickets::RESOLVE`, …) and `ALL`; constants for tool capabilities and the manifest's
//! `rbac.permissions`; the manifest's roles with their grants; and the capabilities the
//! addon declares for its own code (`db:read users`, `http:fetch api.stripe.com`, …).

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::names::{const_ident, snake_ident};
use super::rust_file;
use super::tokens::ToRust;
use super::values;
use crate::ui::{Grantable, PermissionTable};

/// The permissions module of one addon, formatted.
pub fn emit(table: &PermissionTable) -> String {
    rust_file(tokens(table))
}

/// The items of the permissions module of one addon, starting with its inner doc attribute.
/// The runtime is named `metacore_runtime` (a relative path the caller brings into scope).
pub fn tokens(table: &PermissionTable) -> TokenStream {
    let doc = format!(
        " Capability strings of addon `{}` (`http-api.md` §10.1), the roles its manifest declares, and what it may do outside its own tables.",
        table.addon_key
    );
    let models = table.models.iter().map(|model| {
        let module = snake_ident(&model.table);
        let doc = format!(" Capabilities of `{}` ({}).", model.table, model.label);
        let grantables: Vec<&Grantable> = model.crud.iter().chain(&model.actions).collect();
        let consts = constants(&grantables, |g| g.key.clone());
        let names = consts.iter().map(|(name, _)| name);
        let items = consts.iter().map(|(_, item)| item);
        quote! {
            #[doc = #doc]
            pub mod #module {
                #(#items)*

                /// Every capability of the model.
                pub const ALL: &[&str] = &[#(#names),*];
            }
        }
    });
    let tools = constants(&table.tools.iter().collect::<Vec<_>>(), |g| {
        format!("tool_{}", g.key)
    });
    let declared = values::declared_permissions(table);
    let declared = constants(&declared.iter().collect::<Vec<_>>(), |g| {
        format!("permission_{}", g.key)
    });
    let addon_level = tools.iter().chain(&declared).map(|(name, _)| name);
    let items = tools.iter().chain(&declared).map(|(_, item)| item);
    let roles = values::roles(table).to_rust();
    let capabilities = values::declared_capabilities(table).to_rust();
    quote! {
        #![doc = #doc]

        use metacore_runtime::registry::{DeclaredCapability, RoleGrants};

        #(#models)*

        #(#items)*

        /// Capabilities of the addon that no single model owns: its tools and its
        /// `rbac.permissions`.
        pub const ADDON: &[&str] = &[#(#addon_level),*];

        /// The roles the manifest declares, with what each grants.
        pub const ROLES: &[RoleGrants] = #roles;

        /// What the addon declares it may do outside its own tables.
        pub const DECLARED: &[DeclaredCapability] = #capabilities;
    }
}

/// One documented `pub const NAME: &str = "<capability>";` per grantable, named by `name`
/// (made unique), with duplicate capability strings dropped.
fn constants(
    grantables: &[&Grantable],
    name: impl Fn(&Grantable) -> String,
) -> Vec<(Ident, TokenStream)> {
    let mut seen_names = BTreeSet::new();
    let mut out = Vec::new();
    for grantable in values::distinct_capabilities(grantables.iter().copied()) {
        let base = const_ident(&name(grantable)).to_string();
        let mut unique = base.clone();
        let mut n = 2;
        while !seen_names.insert(unique.clone()) {
            unique = format!("{base}_{n}");
            n += 1;
        }
        let ident = const_ident(&unique);
        let doc = format!(" {}.", grantable.label.trim_end_matches('.'));
        let capability = &grantable.capability;
        out.push((
            ident.clone(),
            quote! {
                #[doc = #doc]
                pub const #ident: &str = #capability;
            },
        ));
    }
    out
}
