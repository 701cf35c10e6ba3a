//! Addon `stripe` (Stripe) version 1.0.0, compiled from `manifests/stripe/manifest.json`.
//!
//! Consulta pagos y genera links de cobro con Stripe.

use metacore_runtime::registry::{
    AddonDescriptor, BackendDescriptor, ToolDescriptor, Handler, SettingDescriptor,
};

pub mod permissions;

/// This addon, for the registry.
pub const ADDON: AddonDescriptor = AddonDescriptor {
    key: "stripe",
    name: "Stripe",
    version: "1.0.0",
    manifest: "manifests/stripe/manifest.json",
    ir_sha256: "9746f827bfe549597fcb15e55ab231ba962af9337014423e81fb649401fafa5b",
    models: &[],
    permissions: permissions::ADDON,
    roles: permissions::ROLES,
    capabilities: permissions::DECLARED,
    navigation_json: include_str!("navigation.json"),
    permission_table_json: include_str!("permissions.json"),
    legacy_manifest_json: include_str!("legacy_manifest.json"),
    actions: &[],
    tools: &[
        ToolDescriptor {
            key: "get_payment",
            name: "get_payment",
            description: "Busca el estado de un pago/cargo en Stripe por su ID.",
            input_schema_json: Some(
                "{\"properties\":{\"charge_id\":{\"description\":\"ID del cargo (ch_...)\",\"type\":\"string\"}},\"required\":[\"charge_id\"],\"type\":\"object\"}",
            ),
            timeout_ms: None,
            handler: Handler::Webhook {
                url: "https://api.stripe.com/v1/charges/{{charge_id}}",
                method: "POST",
            },
        },
        ToolDescriptor {
            key: "create_payment_link",
            name: "create_payment_link",
            description: "Genera un link de pago para cobrar un monto específico.",
            input_schema_json: Some(
                "{\"properties\":{\"amount_cents\":{\"description\":\"Monto en centavos (ej: 50000 = $500.00 MXN)\",\"type\":\"number\"},\"product_name\":{\"description\":\"Nombre del producto o concepto de pago\",\"type\":\"string\"}},\"required\":[\"product_name\",\"amount_cents\"],\"type\":\"object\"}",
            ),
            timeout_ms: None,
            handler: Handler::Webhook {
                url: "https://api.stripe.com/v1/payment_links",
                method: "POST",
            },
        },
    ],
    subscriptions: &[],
    notifications: &[],
    hooks: &[],
    settings: &[
        SettingDescriptor {
            key: "stripe_secret_key",
            setting_type: "secret",
            label: Some("Secret Key"),
            default_json: None,
            required: false,
            options: &[],
            validation: None,
        },
    ],
    backend: BackendDescriptor {
        entry: "backend/backend.wasm",
        memory_limit_mb: 64,
        timeout_ms: 10000,
        base_url: None,
        wasm_handlers: &[],
        module: None,
        module_sha256: None,
    },
};
