//! The HTTP API of a generated application (`http-api.md`).
//!
//! Generated code declares one poem-openapi operation per model route and delegates to
//! [`handlers`]; everything the routes share lives here, one module each:
//!
//! * [`auth`] — HS256 bearer tokens; [`request`] — the caller, query pairs, parse errors;
//!   [`access`] — capability sets and checks.
//! * [`schema`] — typed OpenAPI schemas per model; [`answer`] — response types and
//!   envelopes; [`error`] — the error envelope; [`tags`] — the spec's operation groups;
//!   [`links`] — its create → item links; [`cache`] — `ETag` revalidation of the per-caller
//!   documents.
//! * [`value`] — column values between JSON and the database; [`sql`] — statement text;
//!   [`query`] — list parameters and filters; [`store`] — scoped reads and writes;
//!   [`counts`] — list totals from the row counts; [`siblings`] — reference labels in rows.
//! * [`actions`] — actions and tools through the dispatcher; [`idempotency`] — stored
//!   answers replayed for retried creates, imports, actions and tool calls.
//! * [`state`] — shared state and transactions with after-commit events; [`common`] — the
//!   operations every build serves; [`roles`] — role administration; [`events`] — the event
//!   log by cursor; [`webhooks`] — the organisation's outbound webhooks; [`ws`] — the WebSocket endpoint of the hub; [`server`] — the
//!   assembled application; [`observe`] — request ids, request logs, HTTP metrics and
//!   `GET /metrics`.
//! * [`transfer`] — export and import files; [`summary`] — aggregates and facets.
//! * [`data`] — the same store from Rust, with typed entity models in and out.

pub mod access;
pub mod actions;
pub mod answer;
pub mod auth;
pub mod bundles;
pub mod cache;
pub mod common;
pub mod counts;
pub mod data;
pub mod error;
pub mod events;
pub mod filter_params;
pub mod handlers;
pub mod idempotency;
pub mod installations;
pub mod key_operations;
pub mod lifecycle;
pub mod links;
pub mod logged_create;
pub mod notifications;
pub mod observe;
pub mod path_enums;
pub mod pattern;
pub mod query;
pub mod references;
pub mod request;
pub mod roles;
pub mod schema;
pub mod server;
pub mod siblings;
pub mod sql;
pub mod state;
pub mod store;
pub mod summary;
pub mod tags;
pub mod transfer;
pub mod value;
pub mod webhooks;
pub(crate) mod writes;
pub mod ws;

pub use access::Access;
pub use actions::{ActionAnswer, InvocationBody, ToolAnswer};
pub use answer::{Answer, CreatedAnswer, DeletedAnswer, ListAnswer, RowAnswer};
pub use auth::{Claims, JwtKey};
pub use data::{Data, ModelEntity, ModelOf};
pub use error::ApiError;
pub use request::Caller;
pub use schema::{CreateBody, ModelSchema, Row, UpdateBody};
pub use state::{ApiState, Call, HandlerSettings, BEARER_SCHEME};
pub use tags::Tag;
