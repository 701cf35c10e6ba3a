//! Capability strings of addon `stripe` (`http-api.md` §10.1), the roles its manifest declares, and what it may do outside its own tables.

use metacore_runtime::registry::{DeclaredCapability, RoleGrants};

/// get_payment.
pub const TOOL_GET_PAYMENT: &str = "stripe.tools.get_payment";

/// create_payment_link.
pub const TOOL_CREATE_PAYMENT_LINK: &str = "stripe.tools.create_payment_link";

/// Capabilities of the addon that no single model owns: its tools and its
/// `rbac.permissions`.
pub const ADDON: &[&str] = &[TOOL_GET_PAYMENT, TOOL_CREATE_PAYMENT_LINK];

/// The roles the manifest declares, with what each grants.
pub const ROLES: &[RoleGrants] = &[];

/// What the addon declares it may do outside its own tables.
pub const DECLARED: &[DeclaredCapability] = &[
    DeclaredCapability {
        kind: "http:fetch",
        target: "*.stripe.com",
    },
];
