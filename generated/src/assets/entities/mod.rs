//! The sea-orm entities of addon `assets`, one module per model:
//!
//! * [`asset_categories`] — model `AssetCategories`
//! * [`assets`] — model `Assets`
//! * [`depreciation_schedules`] — model `DepreciationSchedules`
//! * [`maintenance_schedules`] — model `MaintenanceSchedules`
//! * [`maintenance_logs`] — model `MaintenanceLogs`
//! * [`asset_disposals`] — model `AssetDisposals`

pub mod asset_categories;
pub mod assets;
pub mod depreciation_schedules;
pub mod maintenance_schedules;
pub mod maintenance_logs;
pub mod asset_disposals;
