//! Addon `stripe` (Stripe) version 1.0.0, compiled from `manifests/stripe/manifest.json`.
//!
//! Consulta pagos y genera links de cobro con Stripe.

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

/// This addon, for the registry.
pub const ADDON: AddonDescriptor = AddonDescriptor {
    key: "stripe",
    name: "Stripe",
    version: "1.0.0",
    manifest: "manifests/stripe/manifest.json",
    models: &[],
};
