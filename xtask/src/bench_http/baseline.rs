//! The baseline of `cargo xtask bench-http`: the least a server must do to answer the
//! benchmarked requests — poem 3 and sqlx (sea-orm's), the same as `metacore-app` — written
//! by hand, with the same query technique as metacore on the schema `metacore-app migrate`
//! creates (indexes, counter triggers, search tables).
//!
//! `cargo xtask bench-http-baseline --bind ADDR --database-url URL` (the harness starts it from
//! its own release binary). Every `/api/data/tickets` request verifies an HS256 bearer token
//! (secret from `METACORE_JWT_SECRET`, claims `sub`, `org`, `role`, `grants`, `exp`, `iat`) and
//! is confined to the token's organisation:
//!
//! * `GET /api/health` — 200;
//! * `GET /api/data/tickets?page=&per_page=&f_status=&sortBy=created_at|number&order=&search=`
//!   — one page (newest first by default) through a deferred join, `id IN (SELECT id … ORDER
//!   BY … LIMIT … OFFSET …)` (on SQLite the page's rowids joined back by rowid), and the
//!   total: the organisation's `live_rows` in `metacore_row_counts` when nothing else
//!   restricts the list, else an exact `COUNT(*)`. Search: when the page is expected within
//!   2,000 rows of the list order (the organisation's live rows over the matches, as metacore
//!   decides), each row is tested in that order — on PostgreSQL `strpos(metacore_search,
//!   (SELECT lower(text))) > 0` (lowered once, not per row) on the search document the
//!   migrations keep, on SQLite `LIKE '%text%'` on the document the scan index
//!   `addon_tickets__tickets__search__scan` holds;
//!   otherwise, and for the total, PostgreSQL tests `metacore_search LIKE lower('%text%')`
//!   (its GIN pg_trgm index serves rare texts) and SQLite narrows to the trigram FTS5 table
//!   `addon_tickets__tickets__search` (`MATCH '"text"'`) before `LIKE` on every search column.
//!   `{"success":true,"data":[..],"meta":{"total","page","current_page","per_page",
//!   "last_page","from","to"}}`;
//! * `GET /api/data/tickets/{id}` — `{"success":true,"data":{..}}`, 404 when absent;
//! * `POST /api/data/tickets` — inserts the JSON body's row; 201 with the row;
//! * `PATCH /api/data/tickets/{id}` — sets `title` (the only field it takes): in one
//!   transaction the row as it was (what the API's event and `If-Match` need), then
//!   `UPDATE … RETURNING`; the row, 404 when absent.
//!
//! Writes do the API's event-log work in their transaction (the `log_event!` macro): a baseline that
//! skipped it would measure a server without the durable event log, not a leaner one.
//!
//! The pool is the one `metacore-app` gets from sea-orm's defaults: one connection on SQLite,
//! sqlx's default (10) on PostgreSQL.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
// The search document (PostgreSQL: a generated column of the search columns, lowered and
// joined by the separator, with a GIN pg_trgm index; SQLite: the scan index's expression).
use metacore_core::storage::{
    sqlite_search_document, SEARCH_DOCUMENT_COLUMN, SEARCH_DOCUMENT_SEPARATOR,
};
use poem::http::StatusCode;
use poem::web::{Json, Path, Query};
use poem::{
    get, handler, EndpointExt, FromRequest, IntoResponse, Request, RequestBody, Response, Route,
};
use sea_orm::prelude::{ChronoDateTimeUtc, ChronoUtc};
use sea_orm::sqlx::{self, ColumnIndex, Decode, Row, Type};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Sha256;
use uuid::Uuid;

/// The environment variable holding the HS256 secret, as `metacore-app` reads it.
pub const SECRET_ENV: &str = "METACORE_JWT_SECRET";

/// Every column of `addon_tickets__tickets`, in the order [`ticket_json`] reads them (a macro,
/// so queries stay `&'static str`, as sqlx asks).
macro_rules! columns {
    () => {
        "id, organization_id, number, title, description, status, priority, assignee_id, \
         reporter_id, due_at, resolved_at, tags, created_at"
    };
}

/// A connection pool on either backend.
pub enum Pool {
    /// `sqlite:` URLs.
    Sqlite(sqlx::SqlitePool),
    /// `postgres:` URLs.
    Postgres(sqlx::PgPool),
}

/// Runs `$body` with `$p` bound to the backend's pool and `$db` naming its sqlx database type;
/// the body is type-checked once per backend.
macro_rules! with_pool {
    ($pool:expr, $p:ident: $db:ident => $body:expr) => {
        match $pool {
            $crate::bench_http::baseline::Pool::Sqlite($p) => {
                #[allow(dead_code)]
                type $db = ::sea_orm::sqlx::Sqlite;
                $body
            }
            $crate::bench_http::baseline::Pool::Postgres($p) => {
                #[allow(dead_code)]
                type $db = ::sea_orm::sqlx::Postgres;
                $body
            }
        }
    };
}
pub(crate) use with_pool;

/// A write transaction: `BEGIN IMMEDIATE` on SQLite, as the API's writes take the write lock
/// up front (a deferred one that read first fails with "database is locked" when another
/// writer got in between).
macro_rules! begin_write {
    ($db:ident, $pool:expr) => {
        if <$db as sqlx::Database>::NAME == "SQLite" {
            $pool.begin_with("BEGIN IMMEDIATE").await
        } else {
            $pool.begin().await
        }
        .map_err(database_error)?
    };
}

/// The same work as the API's durable event log (`metacore_runtime::event_log::append`) for
/// a ticket's `what` event in the write's transaction: the organisation's next gap-free
/// sequence, the event row (announced with `pg_notify` on PostgreSQL, in the same
/// statement), and the organisation's webhook subscriptions that might want it.
macro_rules! log_event {
    ($db:ident, $txn:expr, $org:expr, $what:expr, $payload:expr) => {{
        let org: Uuid = $org;
        let sequence: i64 = sqlx::query_scalar(
            "INSERT INTO metacore_event_seq (organization_id, last) VALUES ($1, 1) \
             ON CONFLICT (organization_id) DO UPDATE SET last = metacore_event_seq.last + 1 \
             RETURNING last",
        )
        .bind(org)
        .fetch_one(&mut **$txn)
        .await
        .map_err(database_error)?;
        let postgres = <$db as sqlx::Database>::NAME == "PostgreSQL";
        let sql = if postgres { NOTIFY_EVENT } else { INSERT_EVENT };
        let mut query = sqlx::query(sql)
            .bind(org)
            .bind(sequence)
            .bind(concat!("tickets.Ticket.", $what))
            .bind("tickets")
            .bind(None::<Uuid>)
            .bind(ChronoUtc::now())
            .bind($payload.to_string());
        if postgres {
            query = query.bind(format!("{org}:{sequence}:baseline"));
        }
        query.execute(&mut **$txn).await.map_err(database_error)?;
        sqlx::query(
            "SELECT id, events FROM metacore_webhooks WHERE organization_id = $1 \
             AND active = $2 AND deleted_at IS NULL",
        )
        .bind(org)
        .bind(true)
        .fetch_all(&mut **$txn)
        .await
        .map_err(database_error)?;
    }};
}

/// The event row of `log_event!`.
const INSERT_EVENT: &str = "INSERT INTO metacore_events (organization_id, sequence, name, \
    producer, actor_id, occurred_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// The event row of `log_event!` on PostgreSQL, announced at the commit in one statement.
const NOTIFY_EVENT: &str = "WITH logged AS (INSERT INTO metacore_events (organization_id, \
    sequence, name, producer, actor_id, occurred_at, payload) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING sequence) \
    SELECT pg_notify('metacore_events', $8) FROM logged";

impl Pool {
    /// Connects with the pool `metacore-app` gets from sea-orm's defaults: sqlx's (10
    /// connections) on PostgreSQL, one connection on SQLite.
    pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
        if url.starts_with("sqlite:") {
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .connect(url)
                .await?;
            Ok(Pool::Sqlite(pool))
        } else {
            Ok(Pool::Postgres(sqlx::PgPool::connect(url).await?))
        }
    }
}

/// Signs `claims` as an HS256 JWT (the harness's token when `metacore-app` is not built).
pub fn mint(secret: &[u8], claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// Checks an HS256 JWT's signature (constant time), `alg` and `exp`; returns its claims.
pub fn verify(secret: &[u8], token: &str) -> Option<Value> {
    let (signed, signature) = token.rsplit_once('.')?;
    let (header, payload) = signed.split_once('.')?;
    if payload.contains('.') {
        return None;
    }
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok();
    let header: Value = serde_json::from_slice(&decode(header)?).ok()?;
    if header.get("alg")? != "HS256" {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(signed.as_bytes());
    mac.verify_slice(&decode(signature)?).ok()?;
    let claims: Value = serde_json::from_slice(&decode(payload)?).ok()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    (claims.get("exp")?.as_u64()? > now).then_some(claims)
}

struct State {
    pool: Pool,
    secret: Vec<u8>,
    counts: CountCache,
}

/// Filtered totals by the `metacore_row_counts.version` they were counted at, as
/// `metacore-runtime` keeps them: a write bumps the version, so a cached total is exact.
#[derive(Default)]
struct CountCache {
    entries: Mutex<HashMap<(Uuid, String), (i64, u64)>>,
}

impl CountCache {
    /// Most entries kept (emptied when full).
    const MAX_ENTRIES: usize = 4096;

    fn get(&self, key: &(Uuid, String), version: i64) -> Option<u64> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| *at == version)
            .map(|(_, total)| *total)
    }

    fn put(&self, key: (Uuid, String), version: i64, total: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= Self::MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (version, total));
    }
}

/// The server's state, attached to every request.
fn state(req: &Request) -> poem::Result<&Arc<State>> {
    req.data::<Arc<State>>()
        .ok_or_else(|| failure(StatusCode::INTERNAL_SERVER_ERROR, "no server state"))
}

/// The organisation of a request's verified bearer token.
struct Caller {
    org: Uuid,
}

impl<'a> FromRequest<'a> for Caller {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = state(req)?;
        req.headers()
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .and_then(|token| verify(&state.secret, token))
            .and_then(|claims| claims.get("org")?.as_str()?.parse().ok())
            .map(|org| Caller { org })
            .ok_or_else(|| failure(StatusCode::UNAUTHORIZED, "a valid bearer token is required"))
    }
}

fn failure(status: StatusCode, message: &str) -> poem::Error {
    poem::Error::from_response(
        (status, Json(json!({"success": false, "message": message}))).into_response(),
    )
}

fn database_error(error: sqlx::Error) -> poem::Error {
    match &error {
        sqlx::Error::Database(e) if e.is_unique_violation() => {
            failure(StatusCode::CONFLICT, "a ticket with this number exists")
        }
        _ => failure(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string()),
    }
}

/// One row as the JSON the API serves (UUIDs as strings, timestamps RFC 3339, `tags` as JSON).
fn ticket_json<'r, R>(row: &'r R) -> Result<Value, sqlx::Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    Uuid: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    ChronoDateTimeUtc: Decode<'r, R::Database> + Type<R::Database>,
    sqlx::types::Json<Value>: Decode<'r, R::Database> + Type<R::Database>,
{
    let time = |t: Option<ChronoDateTimeUtc>| t.map(|t| t.to_rfc3339());
    Ok(json!({
        "id": row.try_get::<Uuid, _>(0)?,
        "organization_id": row.try_get::<Uuid, _>(1)?,
        "number": row.try_get::<String, _>(2)?,
        "title": row.try_get::<String, _>(3)?,
        "description": row.try_get::<Option<String>, _>(4)?,
        "status": row.try_get::<String, _>(5)?,
        "priority": row.try_get::<String, _>(6)?,
        "assignee_id": row.try_get::<Option<Uuid>, _>(7)?,
        "reporter_id": row.try_get::<Uuid, _>(8)?,
        "due_at": time(row.try_get(9)?),
        "resolved_at": time(row.try_get(10)?),
        "tags": row.try_get::<Option<sqlx::types::Json<Value>>, _>(11)?.map(|t| t.0),
        "created_at": row.try_get::<ChronoDateTimeUtc, _>(12)?.to_rfc3339(),
    }))
}

/// The physical table; also its name in `metacore_row_counts.table_name`.
const TABLE: &str = "addon_tickets__tickets";
/// The trigram FTS5 external-content table over the search columns (SQLite; rowid = the
/// ticket's rowid), created by `metacore-app migrate`.
const SEARCH_TABLE: &str = "addon_tickets__tickets__search";
/// The tickets model's `search_columns` (`generated/src/tickets/mod.rs`).
const SEARCH_COLUMNS: [&str; 5] = ["number", "title", "description", "status", "priority"];
/// Most rows a page may expect to walk in list order instead of narrowing to the full-text
/// matches first (as `metacore-runtime`).
const SCAN_BUDGET: u64 = 2_000;
/// Longest search text used (as `metacore-runtime`).
const MAX_SEARCH_CHARS: usize = 100;

/// The list parameters the baseline understands (others are ignored).
#[derive(Deserialize)]
struct ListParams {
    page: Option<u64>,
    per_page: Option<u64>,
    /// Equality on `status`.
    f_status: Option<String>,
    /// `created_at` (the default) or `number`.
    #[serde(rename = "sortBy")]
    sort_by: Option<String>,
    /// `asc` or `desc` (the default).
    order: Option<String>,
    /// Substring of any search column, any case.
    search: Option<String>,
}

/// A bound value of a list query.
#[derive(Debug)]
enum Bind {
    Uuid(Uuid),
    Text(String),
    Int(i64),
}

/// A `WHERE` condition with `$n` placeholders (both backends read them) and its values.
struct Condition {
    sql: String,
    binds: Vec<Bind>,
    /// Whether it restricts more than the organisation (the total is then counted).
    filtered: bool,
}

impl Condition {
    /// Adds `value`; its placeholder.
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    /// The caller's rows, narrowed by the status filter and the search (`scan`: tested row by
    /// row in list order, on SQLite on the scan index's search document).
    fn new(org: Uuid, params: &ListParams, sqlite: bool, scan: bool) -> Condition {
        let mut condition = Condition {
            sql: String::new(),
            binds: Vec::new(),
            filtered: false,
        };
        let org = condition.bind(Bind::Uuid(org));
        condition.sql = format!("organization_id = {org}");
        if let Some(status) = params.f_status.as_deref().filter(|s| !s.is_empty()) {
            let status = condition.bind(Bind::Text(status.to_string()));
            condition.sql.push_str(&format!(" AND status = {status}"));
            condition.filtered = true;
        }
        let search: String = params
            .search
            .as_deref()
            .unwrap_or_default()
            .trim()
            .chars()
            .take(MAX_SEARCH_CHARS)
            .collect();
        if !search.is_empty() {
            condition.push_search(&search, sqlite, scan);
            condition.filtered = true;
        }
        condition
    }

    /// PostgreSQL: the search document, its pattern written into the statement so that each
    /// search is planned for its text (`ILIKE` on every search column for a text holding the
    /// document's separator or a NUL); with `scan`, `strpos` on the document. SQLite: with
    /// `scan`, the search document of the scan index; else the FTS5 trigram table narrows
    /// the rows (texts of 3+ characters), `LIKE` confirms them.
    fn push_search(&mut self, text: &str, sqlite: bool, scan: bool) {
        let like = format!("%{}%", escape_like(text));
        if sqlite && scan && !text.contains(SEARCH_DOCUMENT_SEPARATOR) {
            let pattern = self.bind(Bind::Text(like));
            self.sql.push_str(&format!(
                " AND ({} LIKE {pattern} ESCAPE '\\')",
                sqlite_search_document(&SEARCH_COLUMNS)
            ));
            return;
        }
        if !sqlite && scan && !text.contains([SEARCH_DOCUMENT_SEPARATOR, '\0']) {
            let text = self.bind(Bind::Text(text.to_string()));
            self.sql.push_str(&format!(
                " AND strpos({SEARCH_DOCUMENT_COLUMN}, (SELECT lower({text}))) > 0"
            ));
            return;
        }
        if !sqlite && !text.contains([SEARCH_DOCUMENT_SEPARATOR, '\0']) {
            let literal = like.replace('\\', "\\\\").replace('\'', "''");
            self.sql.push_str(&format!(
                " AND {SEARCH_DOCUMENT_COLUMN} LIKE lower(E'{literal}') ESCAPE '\\'"
            ));
            return;
        }
        let pattern = self.bind(Bind::Text(like));
        let likes: Vec<String> = SEARCH_COLUMNS
            .iter()
            .map(|column| {
                if sqlite {
                    format!("lower({column}) LIKE lower({pattern}) ESCAPE '\\'")
                } else {
                    format!("{column} ILIKE {pattern} ESCAPE '\\'")
                }
            })
            .collect();
        let likes = likes.join(" OR ");
        if sqlite && text.chars().count() >= 3 {
            let phrase = self.bind(Bind::Text(format!("\"{}\"", text.replace('"', "\"\""))));
            self.sql.push_str(&format!(
                " AND rowid IN (SELECT rowid FROM \"{SEARCH_TABLE}\" \
                 WHERE \"{SEARCH_TABLE}\" MATCH {phrase}) AND ({likes})"
            ));
        } else {
            self.sql.push_str(&format!(" AND ({likes})"));
        }
    }
}

/// `text` with the `LIKE` wildcards and the escape character escaped by `\`.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The `ORDER BY` of a list (`id` last, in the same direction), or a 400.
fn order_by(params: &ListParams) -> poem::Result<&'static str> {
    let descending = match params.order.as_deref().map(str::to_ascii_lowercase) {
        None => true,
        Some(order) if order.is_empty() || order == "desc" => true,
        Some(order) if order == "asc" => false,
        Some(_) => {
            return Err(failure(
                StatusCode::BAD_REQUEST,
                "`order` must be `asc` or `desc`",
            ))
        }
    };
    match (
        params.sort_by.as_deref().unwrap_or("created_at"),
        descending,
    ) {
        ("created_at" | "", true) => Ok("created_at DESC, id DESC"),
        ("created_at" | "", false) => Ok("created_at ASC, id ASC"),
        ("number", true) => Ok("number DESC, id DESC"),
        ("number", false) => Ok("number ASC, id ASC"),
        (other, _) => Err(failure(
            StatusCode::BAD_REQUEST,
            &format!("cannot sort by `{other}`"),
        )),
    }
}

/// Binds `$binds` (a slice of [`Bind`]) to `$query`, in order.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Uuid(value) => query.bind(*value),
                Bind::Text(value) => query.bind(value.clone()),
                Bind::Int(value) => query.bind(*value),
            };
        }
        query
    }};
}

/// `GET /api/data/tickets`: the total, then (unless the page lies beyond it) one page
/// through a deferred join: the page's ids from the `(organization_id, created_at, id)` index,
/// then their rows.
#[handler]
async fn list(
    req: &Request,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> poem::Result<Json<Value>> {
    let state = state(req)?;
    let page = params.page.unwrap_or(1).max(1);
    let per_page = params.per_page.unwrap_or(20).clamp(1, 200);
    let offset = (page - 1).saturating_mul(per_page);
    let order = order_by(&params)?;
    let sqlite = matches!(state.pool, Pool::Sqlite(_));
    let counted = Condition::new(caller.org, &params, sqlite, false);
    let (live, total) = total(state, caller.org, &counted).await?;
    // As metacore: a page expected within SCAN_BUDGET rows of the list order walks it.
    let expected = offset.saturating_add(per_page).saturating_mul(live) / total.max(1);
    let scan = order.starts_with("created_at") && expected <= SCAN_BUDGET;
    let mut condition = if scan {
        Condition::new(caller.org, &params, sqlite, true)
    } else {
        counted
    };
    let rows = if offset >= total {
        Vec::new()
    } else {
        // A literal (a validated integer): SQLite re-plans a statement whose bound LIMIT
        // changes, which `metacore-app` avoids the same way.
        let limit = per_page;
        let skip = condition.bind(Bind::Int(offset.min(i64::MAX as u64) as i64));
        let page_sql = if sqlite {
            // The page's rowids, then their rows by rowid (as metacore on SQLite).
            format!(
                "SELECT {} FROM (SELECT rowid AS page_rowid FROM {TABLE} WHERE {} \
                 ORDER BY {order} LIMIT {limit} OFFSET {skip}) AS page \
                 JOIN {TABLE} ON {TABLE}.rowid = page.page_rowid ORDER BY {order}",
                columns!(),
                condition.sql
            )
        } else {
            format!(
                "SELECT {} FROM {TABLE} WHERE id IN (SELECT id FROM {TABLE} WHERE {} \
                 ORDER BY {order} LIMIT {limit} OFFSET {skip}) ORDER BY {order}",
                columns!(),
                condition.sql
            )
        };
        with_pool!(&state.pool, pool: Db => {
            let query = sqlx::query::<Db>(sqlx::AssertSqlSafe(page_sql));
            let rows = bind_all!(query, &condition.binds)
                .fetch_all(pool)
                .await
                .map_err(database_error)?;
            let rows = rows.iter().map(ticket_json).collect::<Result<Vec<_>, _>>();
            rows.map_err(database_error)?
        })
    };
    let count = rows.len() as u64;
    Ok(Json(json!({
        "success": true,
        "data": rows,
        "meta": {
            "total": total,
            "page": page,
            "current_page": page,
            "per_page": per_page,
            "last_page": total.div_ceil(per_page).max(1),
            "from": (count > 0).then_some(offset + 1),
            "to": (count > 0).then_some(offset + count),
        },
    })))
}

/// The total of a list: the organisation's `live_rows` in `metacore_row_counts` (0 without a
/// row) when only the organisation restricts it; else an exact `COUNT(*)` with the same
/// condition, cached while the counter's `version` stays the same.
async fn total(state: &State, org: Uuid, condition: &Condition) -> poem::Result<(u64, u64)> {
    let counter = "SELECT live_rows, version FROM metacore_row_counts \
                   WHERE table_name = $1 AND organization_id = $2";
    let (live, version) = with_pool!(&state.pool, pool: Db => {
        sqlx::query_as::<Db, (i64, i64)>(counter)
            .bind(TABLE)
            .bind(org)
            .fetch_optional(pool)
            .await
            .map_err(database_error)?
            .unwrap_or((0, 0))
    });
    let live = live.max(0) as u64;
    if !condition.filtered || live == 0 {
        return Ok((live, live));
    }
    let key = (org, format!("{}|{:?}", condition.sql, condition.binds));
    if let Some(total) = state.counts.get(&key, version) {
        return Ok((live, total));
    }
    let count_sql = format!("SELECT COUNT(*) FROM {TABLE} WHERE {}", condition.sql);
    let total = with_pool!(&state.pool, pool: Db => {
        let query = sqlx::query_scalar::<Db, i64>(sqlx::AssertSqlSafe(count_sql));
        bind_all!(query, &condition.binds)
            .fetch_one(pool)
            .await
            .map_err(database_error)?
    });
    let total = total.max(0) as u64;
    state.counts.put(key, version, total);
    Ok((live, total))
}

#[handler]
async fn one(req: &Request, caller: Caller, Path(id): Path<String>) -> poem::Result<Json<Value>> {
    let state = state(req)?;
    let id: Uuid = id
        .parse()
        .map_err(|_| failure(StatusCode::NOT_FOUND, "no such ticket"))?;
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM addon_tickets__tickets WHERE id = $1 AND organization_id = $2"
    );
    let row = with_pool!(&state.pool, pool: Db => {
        let row = sqlx::query(sql)
            .bind(id)
            .bind(caller.org)
            .fetch_optional(pool)
            .await
            .map_err(database_error)?;
        row.as_ref().map(ticket_json).transpose().map_err(database_error)?
    });
    match row {
        Some(row) => Ok(Json(json!({"success": true, "data": row}))),
        None => Err(failure(StatusCode::NOT_FOUND, "no such ticket")),
    }
}

/// The body of a create.
#[derive(Deserialize)]
struct NewTicket {
    number: String,
    title: String,
    description: Option<String>,
    status: Option<String>,
    priority: Option<String>,
    assignee_id: Option<Uuid>,
    reporter_id: Uuid,
    due_at: Option<String>,
    tags: Option<Value>,
}

#[handler]
async fn create(req: &Request, caller: Caller, body: Json<Value>) -> poem::Result<Response> {
    let state = state(req)?;
    let new: NewTicket = serde_json::from_value(body.0)
        .map_err(|e| failure(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()))?;
    let due_at = match &new.due_at {
        Some(text) => Some(ChronoDateTimeUtc::from(
            sea_orm::prelude::ChronoDateTimeWithTimeZone::parse_from_rfc3339(text)
                .map_err(|e| failure(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()))?,
        )),
        None => None,
    };
    let sql = concat!(
        "INSERT INTO addon_tickets__tickets (id, organization_id, number, title, description, \
         status, priority, assignee_id, reporter_id, due_at, tags, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ",
        columns!()
    );
    let row = with_pool!(&state.pool, pool: Db => {
        let mut txn = begin_write!(Db, pool);
        let row = sqlx::query(sql)
            .bind(Uuid::new_v4())
            .bind(caller.org)
            .bind(&new.number)
            .bind(&new.title)
            .bind(&new.description)
            .bind(new.status.as_deref().unwrap_or("open"))
            .bind(new.priority.as_deref().unwrap_or("normal"))
            .bind(new.assignee_id)
            .bind(new.reporter_id)
            .bind(due_at)
            .bind(new.tags.as_ref().map(sqlx::types::Json))
            .bind(ChronoUtc::now())
            .fetch_one(&mut *txn)
            .await
            .map_err(database_error)?;
        let row = ticket_json(&row).map_err(database_error)?;
        let payload = json!({"id": row["id"], "after": row});
        log_event!(Db, &mut txn, caller.org, "created", payload);
        txn.commit().await.map_err(database_error)?;
        row
    });
    Ok((
        StatusCode::CREATED,
        Json(json!({"success": true, "data": row})),
    )
        .into_response())
}

/// The body of an update: the title only.
#[derive(Deserialize)]
struct TicketPatch {
    title: String,
}

/// `PATCH /api/data/tickets/{id}`: sets the title; the row as it is now, 404 when absent.
#[handler]
async fn update(
    req: &Request,
    caller: Caller,
    Path(id): Path<String>,
    body: Json<Value>,
) -> poem::Result<Json<Value>> {
    let state = state(req)?;
    let id: Uuid = id
        .parse()
        .map_err(|_| failure(StatusCode::NOT_FOUND, "no such ticket"))?;
    let patch: TicketPatch = serde_json::from_value(body.0)
        .map_err(|e| failure(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()))?;
    // The same work as the API's update: in one transaction, the row as it was (the API's
    // `updated` event carries it, and `If-Match` compares against it), then the change.
    let before = concat!(
        "SELECT ",
        columns!(),
        " FROM addon_tickets__tickets WHERE id = $1 AND organization_id = $2"
    );
    let sql = concat!(
        "UPDATE addon_tickets__tickets SET title = $1 WHERE id = $2 AND organization_id = $3 \
         RETURNING ",
        columns!()
    );
    let row = with_pool!(&state.pool, pool: Db => {
        let mut txn = begin_write!(Db, pool);
        let found = sqlx::query(before)
            .bind(id)
            .bind(caller.org)
            .fetch_optional(&mut *txn)
            .await
            .map_err(database_error)?;
        let found = found.as_ref().map(ticket_json).transpose().map_err(database_error)?;
        match found {
            None => None,
            Some(before) => {
                let row = sqlx::query(sql)
                    .bind(&patch.title)
                    .bind(id)
                    .bind(caller.org)
                    .fetch_optional(&mut *txn)
                    .await
                    .map_err(database_error)?;
                let row = row.as_ref().map(ticket_json).transpose().map_err(database_error)?;
                if let Some(after) = &row {
                    let payload = json!({"id": id.to_string(), "before": before, "after": after});
                    log_event!(Db, &mut txn, caller.org, "updated", payload);
                }
                txn.commit().await.map_err(database_error)?;
                row
            }
        }
    });
    match row {
        Some(row) => Ok(Json(json!({"success": true, "data": row}))),
        None => Err(failure(StatusCode::NOT_FOUND, "no such ticket")),
    }
}

#[handler]
fn health() -> Json<Value> {
    Json(json!({"success": true}))
}

/// `cargo xtask bench-http-baseline --bind ADDR --database-url URL`.
pub fn run(args: &[String]) -> ExitCode {
    let (bind, url) = match args {
        [b, bind, d, url] if b == "--bind" && d == "--database-url" => (bind.clone(), url.clone()),
        _ => {
            eprintln!("usage: cargo xtask bench-http-baseline --bind ADDR --database-url URL");
            return ExitCode::from(2);
        }
    };
    let Ok(secret) = std::env::var(SECRET_ENV) else {
        eprintln!("error: {SECRET_ENV} is not set");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start a tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(async {
        let pool = Pool::connect(&url).await.map_err(|e| e.to_string())?;
        let state = Arc::new(State {
            pool,
            secret: secret.into_bytes(),
            counts: CountCache::default(),
        });
        let app = Route::new()
            .at("/api/health", get(health))
            .at("/api/data/tickets", get(list).post(create))
            .at("/api/data/tickets/:id", get(one).patch(update))
            .data(state);
        poem::Server::new(poem::listener::TcpListener::bind(bind))
            .run(app)
            .await
            .map_err(|e| e.to_string())
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
