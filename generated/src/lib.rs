//! The addons compiled by `metacore-gen build`: typed sea-orm entities, migrations,
//! capability tables, navigation and UI metadata, and the [`registry`] the runtime serves.
//!
//! * [`assets`] — addon `assets` 1.0.0, from `manifests/assets/manifest.json`
//! * [`fiscal_mexico`] — addon `fiscal_mexico` 1.0.0, from `manifests/fiscal_mexico/manifest.json`
//! * [`projects`] — addon `projects` 1.0.0, from `manifests/projects/manifest.json`
//! * [`showcase`] — addon `showcase` 1.0.0, from `manifests/showcase/manifest.json`
//! * [`stripe`] — addon `stripe` 1.0.0, from `manifests/stripe/manifest.json`
//! * [`tickets`] — addon `tickets` 1.0.0, from `manifests/tickets-addon/manifest.json`
//!
//! Generated code: do not edit. Rebuild with `cargo xtask codegen` (or `metacore-gen build`).

pub mod assets;
pub mod fiscal_mexico;
pub mod projects;
pub mod showcase;
pub mod stripe;
pub mod tickets;
pub mod migrations;

use std::future::Future;
use std::pin::Pin;
use metacore_runtime::cli::App;
use metacore_runtime::registry::{AddonDescriptor, Registry};
use sea_orm::{DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// Every addon of this build, sorted by key.
pub static ADDONS: [AddonDescriptor; 6] = [
    assets::ADDON,
    fiscal_mexico::ADDON,
    projects::ADDON,
    showcase::ADDON,
    stripe::ADDON,
    tickets::ADDON,
];

/// What this build compiled, for the runtime: addons, models, capabilities, navigation and
/// metadata.
pub fn registry() -> Registry {
    Registry { addons: &ADDONS }
}

/// The HTTP operations of every addon with models.
pub type Api = (
    assets::api::Api,
    fiscal_mexico::api::Api,
    projects::api::Api,
    showcase::api::Api,
    tickets::api::Api,
);

/// The HTTP operations of every addon with models.
pub fn api() -> Api {
    (
        assets::api::Api,
        fiscal_mexico::api::Api,
        projects::api::Api,
        showcase::api::Api,
        tickets::api::Api,
    )
}

/// Applies every migration of this build.
pub fn migrate(
    db: &DatabaseConnection,
) -> Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + '_>> {
    Box::pin(migrations::Migrator::up(db, None))
}

/// This build as an application: what the `metacore-app` binary runs.
pub fn app() -> App<Api> {
    App {
        title: "Metacore API: assets, fiscal_mexico, projects, showcase, stripe, tickets",
        version: env!("CARGO_PKG_VERSION"),
        description: "The HTTP API of the addons compiled by `metacore-gen`, served by the metacore runtime. Every operation but `GET /api/health` needs an HS256 JWT in `Authorization: Bearer <token>`.\n\nAddons:\n\n* `assets` — Activos Fijos 1.0.0: Gestión de activos fijos, depreciación, mantenimiento y bajas\n* `fiscal_mexico` — Facturación Electrónica México (CFDI 4.0) 1.0.0: Emisión y cancelación de CFDI ante el SAT vía PAC (factura.com). Catálogos SAT, extensiones fiscales para facturas/clientes/productos y herramientas LLM para agentes conversacionales.\n* `projects` — Gestión de Proyectos 1.0.0: Gestión de proyectos, tareas y registro de tiempo\n* `showcase` — Showcase 1.0.0: A customer/order book that exercises every column type, select options, relations and soft delete.\n* `stripe` — Stripe 1.0.0: Consulta pagos y genera links de cobro con Stripe.\n* `tickets` — Tickets & Pedidos 1.0.0: Sistema de tickets y pedidos con estados, prioridades y asignación.",
        registry: registry(),
        api,
        migrate,
    }
}
