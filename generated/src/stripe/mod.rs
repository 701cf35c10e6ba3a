//! Addon `stripe` (Stripe) version 1.0.0, compiled from `manifests/stripe/manifest.json`.
//!
//! Consulta pagos y genera links de cobro con Stripe.

use metacore_runtime::registry::AddonDescriptor;

pub mod permissions;

/// This addon, for the registry.
pub const ADDON: AddonDescriptor = AddonDescriptor {
    key: "stripe",
    name: "Stripe",
    version: "1.0.0",
    manifest: "manifests/stripe/manifest.json",
    models: &[],
    permissions: permissions::ADDON,
    roles: permissions::ROLES,
    capabilities: permissions::DECLARED,
    navigation_json: include_str!("navigation.json"),
    permission_table_json: include_str!("permissions.json"),
    legacy_manifest_json: include_str!("legacy_manifest.json"),
};
