//! Addon `fiscal_mexico` (Facturación Electrónica México (CFDI 4.0)) version 1.0.0, compiled from `manifests/fiscal_mexico/manifest.json`.
//!
//! Emisión y cancelación de CFDI ante el SAT vía PAC (factura.com). Catálogos SAT, extensiones fiscales para facturas/clientes/productos y herramientas LLM para agentes conversacionales.

use metacore_runtime::registry::{AddonDescriptor, ModelDescriptor};

pub mod entities;
pub mod permissions;

/// This addon, for the registry.
pub const ADDON: AddonDescriptor = AddonDescriptor {
    key: "fiscal_mexico",
    name: "Facturación Electrónica México (CFDI 4.0)",
    version: "1.0.0",
    manifest: "manifests/fiscal_mexico/manifest.json",
    models: &[
        ModelDescriptor {
            key: "FiscalDocuments",
            route: "fiscal_documents",
            physical_table: "addon_fiscal_mexico__fiscal_documents",
            tenancy_column: Some("organization_id"),
            soft_delete: false,
            capabilities: permissions::fiscal_documents::ALL,
            table_metadata_json: include_str!("metadata/fiscal_documents.table.json"),
            modal_metadata_json: include_str!("metadata/fiscal_documents.modal.json"),
        },
    ],
    permissions: permissions::ADDON,
    roles: permissions::ROLES,
    capabilities: permissions::DECLARED,
    navigation_json: include_str!("navigation.json"),
    permission_table_json: include_str!("permissions.json"),
    legacy_manifest_json: include_str!("legacy_manifest.json"),
};
