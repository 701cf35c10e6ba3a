//! The generated HTTP API end to end: `metacore-app`'s application served on a real socket
//! on 127.0.0.1, over SQLite and PostgreSQL, driven with HTTP requests.
//!
//! * every route kind: create → list (filter, sort, search, paging meta) → get → update →
//!   delete, options, metadata, navigation, manifests, permissions;
//! * writes: 201, 422 with per-field codes, 409 on unique violations, soft delete, events on
//!   the bus only after commit;
//! * the permission × tenancy matrix: two organisations, several roles, every route of one
//!   model; every denial is 401/403/404 with the JSON envelope and no response ever carries
//!   another organisation's row;
//! * actions and tools through the showcase addon's WASM backend;
//! * installations: install secrets signing the tickets addon's webhook action, verified by
//!   a real receiver; rotation, tenancy, secrets at rest and out of listings and logs;
//! * `Idempotency-Key`: replays, reuse, in-flight, expiry, concurrent duplicates across two
//!   servers on one database, and actions' `idempotency.key_field`;
//! * the durable event log: every committed write logged in its transaction, gap-free
//!   sequences under concurrency, `GET /api/events` paging, filters and tenancy;
//! * the WebSocket hub: refusals before the upgrade, channels, events to `model:` members of
//!   their organisation, the inbound cap, slow consumers dropped;
//! * role administration: stored grants replaced through the API, in effect at once;
//! * the typed Rust data API against HTTP, both ways, with tenancy and events;
//! * lists on the migrations' indexes: row-count totals, full-text search, deep pages;
//! * reference siblings: labels beside reference columns, never across organisations;
//! * export, import, aggregates and facets, with hostile files;
//! * hardening: the body limit over HTTP/2 cleartext, client input that must never be a 500
//!   on PostgreSQL, exact decimals, capability wildcards;
//! * revalidation of metadata, navigation and manifests (`ETag`, 304) and what the OpenAPI
//!   document declares: bearer security, tags per addon, option sets as enums.
//! * outbound webhooks: signed deliveries of the API's events to a real receiver, the retry
//!   schedule, `dead`, replays, tests, rotation, the log, secrets never readable, and every
//!   route across two organisations;
//! * observability: `GET /metrics` counts a scripted workload exactly, behind its token, with
//!   bounded labels; `X-Request-Id` echoed or generated on every response.

#[path = "http_api/support.rs"]
mod support;

#[path = "http_api/crud.rs"]
mod crud;

#[path = "http_api/matrix.rs"]
mod matrix;

#[path = "http_api/documents.rs"]
mod documents;

#[path = "http_api/actions.rs"]
mod actions;

#[path = "http_api/installations.rs"]
mod installations;

#[path = "http_api/lifecycle.rs"]
mod lifecycle;

#[path = "http_api/bundles.rs"]
mod bundles;

#[path = "http_api/idempotency.rs"]
mod idempotency;

#[path = "http_api/roles.rs"]
mod roles;

#[path = "http_api/events.rs"]
mod events;

#[path = "http_api/created_events.rs"]
mod created_events;

#[path = "http_api/ws.rs"]
mod ws;

#[path = "http_api/notifications.rs"]
mod notifications;

#[path = "http_api/consumers.rs"]
mod consumers;

#[path = "http_api/typed.rs"]
mod typed;

#[path = "http_api/hardening.rs"]
mod hardening;

#[path = "http_api/lists.rs"]
mod lists;

#[path = "http_api/siblings.rs"]
mod siblings;

#[path = "http_api/transfer.rs"]
mod transfer;

#[path = "http_api/spec_and_cache.rs"]
mod spec_and_cache;

#[path = "http_api/metrics.rs"]
mod metrics;

#[path = "http_api/webhooks.rs"]
mod webhooks;
