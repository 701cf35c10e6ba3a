//! The baseline of `cargo xtask bench-http`: the least a server must do to answer the three
//! benchmarked requests — poem 3 and sqlx (sea-orm's), the same as `metacore-app` — written
//! by hand.
//!
//! `cargo xtask bench-http-baseline --bind ADDR --database-url URL` (the harness starts it from
//! its own release binary). Every `/api/data/tickets` request verifies an HS256 bearer token
//! (secret from `METACORE_JWT_SECRET`, claims `sub`, `org`, `role`, `grants`, `exp`, `iat`) and
//! is confined to the token's organisation:
//!
//! * `GET /api/health` — 200;
//! * `GET /api/data/tickets?page=&per_page=` — one page, newest first, and the total count:
//!   `{"success":true,"data":[..],"meta":{"total","page","current_page","per_page","last_page","from","to"}}`;
//! * `GET /api/data/tickets/{id}` — `{"success":true,"data":{..}}`, 404 when absent;
//! * `POST /api/data/tickets` — inserts the JSON body's row; 201 with the row.
//!
//! The pool is the one `metacore-app` gets from sea-orm's defaults: one connection on SQLite,
//! sqlx's default (10) on PostgreSQL.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
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
}

/// The organisation of a request's verified bearer token.
struct Caller {
    org: Uuid,
}

impl<'a> FromRequest<'a> for Caller {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = req.data::<Arc<State>>().expect("state is attached");
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

#[derive(Deserialize)]
struct ListParams {
    page: Option<u64>,
    per_page: Option<u64>,
}

#[handler]
async fn list(
    req: &Request,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> poem::Result<Json<Value>> {
    let state = req.data::<Arc<State>>().expect("state is attached");
    let page = params.page.unwrap_or(1).max(1);
    let per_page = params.per_page.unwrap_or(20).clamp(1, 100);
    let offset = (page - 1) * per_page;
    let page_sql = concat!(
        "SELECT ",
        columns!(),
        " FROM addon_tickets__tickets WHERE organization_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    );
    let count_sql = "SELECT COUNT(*) FROM addon_tickets__tickets WHERE organization_id = $1";
    let (rows, total) = with_pool!(&state.pool, pool: Db => {
        let rows = sqlx::query(page_sql)
            .bind(caller.org)
            .bind(per_page as i64)
            .bind(offset as i64)
            .fetch_all(pool)
            .await
            .map_err(database_error)?;
        let total: i64 = sqlx::query_scalar(count_sql)
            .bind(caller.org)
            .fetch_one(pool)
            .await
            .map_err(database_error)?;
        let rows = rows.iter().map(ticket_json).collect::<Result<Vec<_>, _>>();
        (rows.map_err(database_error)?, total as u64)
    });
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

#[handler]
async fn one(req: &Request, caller: Caller, Path(id): Path<String>) -> poem::Result<Json<Value>> {
    let state = req.data::<Arc<State>>().expect("state is attached");
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
    let state = req.data::<Arc<State>>().expect("state is attached");
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
            .fetch_one(pool)
            .await
            .map_err(database_error)?;
        ticket_json(&row).map_err(database_error)?
    });
    Ok((
        StatusCode::CREATED,
        Json(json!({"success": true, "data": row})),
    )
        .into_response())
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let served = runtime.block_on(async {
        let pool = Pool::connect(&url).await.map_err(|e| e.to_string())?;
        let state = Arc::new(State {
            pool,
            secret: secret.into_bytes(),
        });
        let app = Route::new()
            .at("/api/health", get(health))
            .at("/api/data/tickets", get(list).post(create))
            .at("/api/data/tickets/:id", get(one))
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
