//! `Idempotency-Key` (`runtime.md` §12, `http-api.md` §7 step 7 and §13.2): a client that
//! retries a create, an import, an action or a tool call after a dropped connection gets the
//! first answer again instead of a second row.
//!
//! * **Which requests**: `POST` create (`/api/data/{model}`), import
//!   (`/api/data/{model}/import`), the action routes and tool execution, when they carry an
//!   `Idempotency-Key` header (1–255 printable ASCII characters, else 400) — or, for an action
//!   that declares `idempotency.key_field`, a value in that payload field.
//! * **Scope**: a header key is the caller's own — SHA-256 of (organisation, user, method,
//!   path, key); a key field's value is the organisation's — SHA-256 of (organisation, model,
//!   action, value), whoever sends it. The **fingerprint** is SHA-256 of the query string and
//!   the body bytes.
//! * **Store**: [`TABLE`] in the database, so every server process sees the same entries.
//!   The first request inserts its scope as `in_flight` (the primary key makes exactly one
//!   of several concurrent requests, in any process, the owner); the others get 409
//!   `idempotency_in_flight`. The owner's 2xx answer (≤ [`MAX_STORED_BODY`]) is stored and
//!   the entry marked `done`; any other answer deletes the entry, so the client can retry.
//!   A repeat of a `done` entry with the same fingerprint replays the stored status,
//!   `Content-Type` and body with `Idempotent-Replay: true`; with another fingerprint it is
//!   422 `idempotency_key_reuse`.
//! * **Cancellation**: the owner's handler runs on a task of its own, so a client that hangs
//!   up does not cancel a write halfway: the answer is stored and its retry replays it. An
//!   entry left `in_flight` by a process that died is abandoned after [`ABANDONED_AFTER`]
//!   (twice the longest handler deadline) and replaced.
//! * **Expiry**: entries live [`DEFAULT_TTL`] (`METACORE_IDEMPOTENCY_TTL`); an expired entry
//!   counts as absent, and `serve` deletes expired entries hourly ([`prune`]).
//!
//! A request without a valid bearer token is passed on untouched (it is refused with 401
//! before anything runs), so nothing is stored for it.

use std::sync::Arc;
use std::time::Duration;

use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use super::error::ApiError;
use super::request::{authenticate, RawBody};
use super::state::ApiState;
use crate::db::statement;
use crate::registry::Registry;

/// The table of stored keys.
pub const TABLE: &str = "metacore_idempotency";

/// The request header carrying a key.
pub const KEY_HEADER: &str = "idempotency-key";

/// The response header marking a replayed answer.
pub const REPLAY_HEADER: &str = "idempotent-replay";

/// The environment variable setting how long entries live (`24h`, `30m`, `90s`, …).
pub const TTL_ENV: &str = "METACORE_IDEMPOTENCY_TTL";

/// How long entries live by default.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 3600);

/// The largest answer stored for replay; a larger 2xx answer is served once and not kept.
pub const MAX_STORED_BODY: usize = 1024 * 1024;

/// How old an `in_flight` entry must be to count as abandoned (its process died): twice the
/// longest deadline a handler may have ([`crate::sandbox::MAX_TIMEOUT`]).
pub const ABANDONED_AFTER: Duration =
    Duration::from_secs(2 * crate::sandbox::MAX_TIMEOUT.as_secs());

/// The longest key accepted.
const MAX_KEY_LEN: usize = 255;

/// The statements creating [`TABLE`] and its expiry index when missing; part of the
/// runtime's own tables ([`crate::api::access::bootstrap_statements`]).
pub fn create_table(backend: DatabaseBackend) -> Vec<Statement> {
    let blob = match backend {
        DatabaseBackend::Postgres => "BYTEA",
        _ => "BLOB",
    };
    [
        format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (\
             scope_hash TEXT PRIMARY KEY, \
             fingerprint TEXT NOT NULL, \
             state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')), \
             status INTEGER, \
             content_type TEXT, \
             body {blob}, \
             created_at BIGINT NOT NULL, \
             expires_at BIGINT NOT NULL)"
        ),
        format!("CREATE INDEX IF NOT EXISTS {TABLE}_expires_at ON {TABLE} (expires_at)"),
    ]
    .into_iter()
    .map(|sql| Statement::from_string(backend, sql))
    .collect()
}

/// Reads [`TTL_ENV`] through `lookup` (unset or empty: [`DEFAULT_TTL`]); a value that is
/// not a positive duration is an error naming the variable.
pub fn ttl_from(lookup: impl Fn(&str) -> Option<String>) -> Result<Duration, String> {
    let Some(text) = lookup(TTL_ENV).filter(|t| !t.trim().is_empty()) else {
        return Ok(DEFAULT_TTL);
    };
    let text = text.trim();
    let parsed = match text.parse::<u64>() {
        Ok(seconds) => Ok(Duration::from_secs(seconds)),
        Err(_) => humantime::parse_duration(text).map_err(|e| e.to_string()),
    };
    match parsed {
        Ok(ttl) if ttl >= Duration::from_secs(1) => Ok(ttl),
        Ok(_) => Err(format!("{TTL_ENV}: `{text}` is shorter than one second")),
        Err(error) => Err(format!(
            "{TTL_ENV}: `{text}` is not a duration such as `24h`, `30m` or `90s` ({error})"
        )),
    }
}

/// What a keyed request is stored under.
struct Keyed {
    scope: String,
    fingerprint: String,
}

/// What the store holds for a scope.
struct Entry {
    fingerprint: String,
    done: bool,
    status: Option<i32>,
    content_type: Option<String>,
    body: Option<Vec<u8>>,
    created_at: i64,
    expires_at: i64,
}

/// Serves `request` through `endpoint`, keyed when it is one of the routes above and carries
/// a key; every other request goes straight through.
pub(crate) async fn serve<E>(
    endpoint: Arc<E>,
    state: &ApiState,
    request: Request,
) -> poem::Result<Response>
where
    E: Endpoint + 'static,
{
    let keyed = match keyed(state, &request) {
        Ok(Some(keyed)) => keyed,
        Ok(None) => {
            return endpoint
                .call(request)
                .await
                .map(IntoResponse::into_response)
        }
        Err(error) => return Ok(error.into_response()),
    };
    match claim(state, &keyed).await {
        Ok(Claim::Owner) => {}
        Ok(Claim::Answer(response)) => return Ok(response),
        Err(error) => return Ok(ApiError::internal(error).into_response()),
    }
    // The handler runs to its end, and its answer is settled, even if the client hangs up
    // meanwhile: the retry that follows then gets the stored answer.
    let owner = state.clone();
    let work = tokio::spawn(
        async move {
            let response = match endpoint.call(request).await {
                Ok(response) => response.into_response(),
                Err(error) => error.into_response(),
            };
            settle(&owner, &keyed, response).await
        }
        .in_current_span(),
    );
    Ok(work.await.unwrap_or_else(|error| {
        // Only a panic gets here; its entry stays `in_flight` until abandoned.
        ApiError::internal(format!("the request's task failed: {error}")).into_response()
    }))
}

/// The scope and fingerprint of `request`, when it is keyed; 400 for a malformed key.
fn keyed(state: &ApiState, request: &Request) -> Result<Option<Keyed>, ApiError> {
    if request.method() != Method::POST {
        return Ok(None);
    }
    let Some(route) = KeyedRoute::of(request.uri().path()) else {
        return Ok(None);
    };
    let header = match request.headers().get(KEY_HEADER) {
        Some(value) => Some(header_key(value)?),
        None => None,
    };
    let body = request
        .extensions()
        .get::<RawBody>()
        .map(|raw| raw.0.clone())
        .unwrap_or_default();
    let field = match route {
        KeyedRoute::Action { model, action } => {
            key_field_value(state.registry(), model, action, &body)
        }
        _ => None,
    };
    if header.is_none() && field.is_none() {
        return Ok(None);
    }
    // Unauthenticated: the operation refuses it with 401 before anything runs.
    let Ok(caller) = authenticate(state.jwt_key(), request) else {
        return Ok(None);
    };
    let Some(org) = caller.org else {
        return Ok(None);
    };
    let path = request.uri().path();
    let scope = match (&field, route) {
        (Some(value), KeyedRoute::Action { model, action }) => digest(&[
            b"field",
            org.as_bytes(),
            model.as_bytes(),
            action.as_bytes(),
            value.as_bytes(),
        ]),
        _ => digest(&[
            b"header",
            org.as_bytes(),
            caller.user.as_bytes(),
            b"POST",
            path.as_bytes(),
            header.as_deref().unwrap_or_default().as_bytes(),
        ]),
    };
    let query = request.uri().query().unwrap_or_default();
    Ok(Some(Keyed {
        scope,
        fingerprint: digest(&[query.as_bytes(), &body]),
    }))
}

/// The routes keys apply to (paths as [`super::server`] made them canonical).
#[derive(Clone, Copy)]
enum KeyedRoute<'a> {
    Create,
    Import,
    Action { model: &'a str, action: &'a str },
    Tool,
}

impl<'a> KeyedRoute<'a> {
    fn of(path: &'a str) -> Option<KeyedRoute<'a>> {
        if let Some(rest) = path.strip_prefix("/api/metacore/tools/") {
            return (!rest.is_empty()).then_some(KeyedRoute::Tool);
        }
        let rest = path.strip_prefix("/api/data/")?;
        let segments: Vec<&'a str> = rest.split('/').collect();
        match segments[..] {
            [_] => Some(KeyedRoute::Create),
            [_, "import"] => Some(KeyedRoute::Import),
            [model, "action", action] | [model, _, "action", action] => {
                Some(KeyedRoute::Action { model, action })
            }
            _ => None,
        }
    }
}

/// The key of an `Idempotency-Key` header: 1–255 printable ASCII characters.
fn header_key(value: &HeaderValue) -> Result<String, ApiError> {
    let bytes = value.as_bytes();
    let printable = bytes.iter().all(|b| (0x20..=0x7e).contains(b));
    if bytes.is_empty() || bytes.len() > MAX_KEY_LEN || !printable {
        return Err(ApiError::bad_request(
            "invalid_param",
            format!("`Idempotency-Key` must be 1 to {MAX_KEY_LEN} printable ASCII characters"),
        ));
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// The value of the action's `idempotency.key_field` in the JSON object `body`, as JSON
/// text; `None` when the action declares none or the body carries no value in it.
fn key_field_value(registry: &Registry, model: &str, action: &str, body: &[u8]) -> Option<String> {
    let field = registry
        .addons
        .iter()
        .find_map(|addon| addon.model_action(model, action))?
        .idempotency_key?;
    let body: serde_json::Value = serde_json::from_slice(body).ok()?;
    let value = body.get(field)?;
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) if text.trim().is_empty() => None,
        value => Some(value.to_string()),
    }
}

/// SHA-256 of `parts`, each length-prefixed (no two lists of parts give the same input).
fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// What the store says about a keyed request.
enum Claim {
    /// This request runs; its answer settles the entry.
    Owner,
    /// Answered from the store: a replay, 409 or 422.
    Answer(Response),
}

/// Makes this request the owner of its scope, or answers it from the entry already there.
async fn claim(state: &ApiState, keyed: &Keyed) -> Result<Claim, DbErr> {
    let ttl = state.idempotency_ttl();
    // An expired or abandoned entry is removed and the insert tried again; a third round
    // only happens when other requests keep racing for the same scope.
    for _ in 0..3 {
        let now = now_ms();
        let expires = now.saturating_add(ttl.as_millis() as i64);
        let inserted = {
            let turn = state.write_turn().await;
            let db = turn.db();
            let sql = format!(
                "INSERT INTO {TABLE} (scope_hash, fingerprint, state, created_at, expires_at) \
                 VALUES ($1, $2, 'in_flight', $3, $4) ON CONFLICT (scope_hash) DO NOTHING"
            );
            let values: Vec<Value> = vec![
                keyed.scope.clone().into(),
                keyed.fingerprint.clone().into(),
                now.into(),
                expires.into(),
            ];
            db.execute_raw(statement(db, &sql, values))
                .await?
                .rows_affected()
                > 0
        };
        if inserted {
            return Ok(Claim::Owner);
        }
        let Some(entry) = load(state, &keyed.scope).await? else {
            continue;
        };
        let abandoned = !entry.done
            && entry
                .created_at
                .saturating_add(ABANDONED_AFTER.as_millis() as i64)
                <= now;
        if entry.expires_at <= now || abandoned {
            let turn = state.write_turn().await;
            let db = turn.db();
            let sql = format!("DELETE FROM {TABLE} WHERE scope_hash = $1 AND created_at = $2");
            db.execute_raw(statement(
                db,
                &sql,
                vec![keyed.scope.clone().into(), entry.created_at.into()],
            ))
            .await?;
            continue;
        }
        return Ok(Claim::Answer(answer_from(entry, &keyed.fingerprint)));
    }
    Ok(Claim::Answer(in_flight()))
}

/// The answer a repeat gets from a live `entry`.
fn answer_from(entry: Entry, fingerprint: &str) -> Response {
    if !entry.done {
        return in_flight();
    }
    if entry.fingerprint != fingerprint {
        return ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reuse",
            "this idempotency key was used with another request body",
        )
        .into_response();
    }
    let status = entry
        .status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = Response::builder()
        .status(status)
        .header(REPLAY_HEADER, "true");
    if let Some(content_type) = entry.content_type {
        response = response.content_type(content_type);
    }
    response.body(entry.body.unwrap_or_default())
}

/// 409 `idempotency_in_flight`.
fn in_flight() -> Response {
    ApiError::new(
        StatusCode::CONFLICT,
        "idempotency_in_flight",
        "a request with this idempotency key is still running; retry when it has finished",
    )
    .into_response()
}

/// The entry of `scope`, when there is one.
async fn load(state: &ApiState, scope: &str) -> Result<Option<Entry>, DbErr> {
    let db = state.db();
    let sql = format!(
        "SELECT fingerprint, state, status, content_type, body, created_at, expires_at \
         FROM {TABLE} WHERE scope_hash = $1"
    );
    let Some(row) = db
        .query_one_raw(statement(db, &sql, vec![scope.into()]))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Entry {
        fingerprint: row.try_get("", "fingerprint")?,
        done: row.try_get::<String>("", "state")? == "done",
        status: row.try_get("", "status")?,
        content_type: row.try_get("", "content_type")?,
        body: row.try_get("", "body")?,
        created_at: row.try_get("", "created_at")?,
        expires_at: row.try_get("", "expires_at")?,
    }))
}

/// Stores the owner's 2xx `response` for replay (or forgets the entry for any other answer)
/// and hands the response on.
async fn settle(state: &ApiState, keyed: &Keyed, response: Response) -> Response {
    if !response.status().is_success() {
        forget(state, keyed).await;
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match body.into_bytes().await {
        Ok(bytes) => bytes,
        Err(error) => {
            forget(state, keyed).await;
            return ApiError::internal(format!("cannot read the answer: {error}")).into_response();
        }
    };
    if bytes.len() > MAX_STORED_BODY {
        forget(state, keyed).await;
    } else {
        let content_type = parts
            .headers
            .get(poem::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let stored = {
            let turn = state.write_turn().await;
            let db = turn.db();
            let sql = format!(
                "UPDATE {TABLE} SET state = 'done', status = $1, content_type = $2, body = $3 \
                 WHERE scope_hash = $4"
            );
            let values: Vec<Value> = vec![
                i32::from(parts.status.as_u16()).into(),
                content_type.into(),
                bytes.to_vec().into(),
                keyed.scope.clone().into(),
            ];
            db.execute_raw(statement(db, &sql, values)).await
        };
        if let Err(error) = stored {
            tracing::warn!(%error, "cannot store an idempotent answer; a retry will run again");
            forget(state, keyed).await;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Deletes the entry of `keyed` (best effort: a leftover `in_flight` entry is abandoned
/// after [`ABANDONED_AFTER`]).
async fn forget(state: &ApiState, keyed: &Keyed) {
    let turn = state.write_turn().await;
    let db = turn.db();
    let sql = format!("DELETE FROM {TABLE} WHERE scope_hash = $1");
    if let Err(error) = db
        .execute_raw(statement(db, &sql, vec![keyed.scope.clone().into()]))
        .await
    {
        tracing::warn!(%error, "cannot delete an idempotency entry");
    }
}

/// Deletes the expired entries (an expired entry already counts as absent; this only frees
/// its space); returns how many. `serve` runs it hourly.
pub async fn prune(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let sql = format!("DELETE FROM {TABLE} WHERE expires_at <= $1");
    let done = db
        .execute_raw(statement(db, &sql, vec![now_ms().into()]))
        .await?;
    Ok(done.rows_affected())
}

/// Milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_routes_are_creates_imports_actions_and_tools() {
        assert!(matches!(
            KeyedRoute::of("/api/data/tickets"),
            Some(KeyedRoute::Create)
        ));
        assert!(matches!(
            KeyedRoute::of("/api/data/tickets/import"),
            Some(KeyedRoute::Import)
        ));
        assert!(matches!(
            KeyedRoute::of("/api/data/customers/7/action/ping"),
            Some(KeyedRoute::Action {
                model: "customers",
                action: "ping"
            })
        ));
        assert!(matches!(
            KeyedRoute::of("/api/data/customers/action/ping"),
            Some(KeyedRoute::Action {
                model: "customers",
                action: "ping"
            })
        ));
        assert!(matches!(
            KeyedRoute::of("/api/metacore/tools/execute"),
            Some(KeyedRoute::Tool)
        ));
        assert!(KeyedRoute::of("/api/data/tickets/import/validate").is_none());
        assert!(KeyedRoute::of("/api/data/tickets/7").is_none());
        assert!(KeyedRoute::of("/api/metacore/installations").is_none());
    }

    #[test]
    fn header_keys_are_printable_ascii_up_to_255() {
        let key = |text: &[u8]| header_key(&HeaderValue::from_bytes(text).expect("a value"));
        assert_eq!(key(b"retry-1 of 3").expect("valid"), "retry-1 of 3");
        assert!(key(&[b'k'; 255]).is_ok());
        assert!(key(&[b'k'; 256]).is_err());
        assert!(key(b"").is_err());
        assert!(key("clé".as_bytes()).is_err());
    }

    #[test]
    fn ttl_reads_durations_and_refuses_nonsense() {
        let ttl = |value: &str| ttl_from(|_| Some(value.to_string()));
        assert_eq!(ttl_from(|_| None), Ok(DEFAULT_TTL));
        assert_eq!(ttl(""), Ok(DEFAULT_TTL));
        assert_eq!(ttl("90"), Ok(Duration::from_secs(90)));
        assert_eq!(ttl("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(ttl("2h 30m"), Ok(Duration::from_secs(9000)));
        assert!(ttl("soon").expect_err("nonsense").contains(TTL_ENV));
        assert!(ttl("0").expect_err("zero").contains(TTL_ENV));
    }

    #[test]
    fn digests_separate_their_parts() {
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        assert_eq!(digest(&[b"x"]), digest(&[b"x"]));
    }
}
