//! The organisations' members, as the host has seen them.
//!
//! Identity lives in the tokens, not in the host's database, so the recipients of a
//! notification rule addressed to an organisation or to roles are the users who have called
//! the API in that organisation: each authenticated request records its (organisation, user,
//! role) in [`TABLE`] — at most once an hour per process and user, or at once when the role
//! changed — on a task of its own, so requests never wait for it.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};
use uuid::Uuid;

use crate::api::ApiState;
use crate::db::statement;

/// The members, with their latest role.
pub const TABLE: &str = "metacore_members";

/// How long a recorded member is not recorded again by the same process.
const REFRESH: Duration = Duration::from_secs(3600);

/// The statements creating the table when missing.
pub fn create_tables(backend: DatabaseBackend) -> Vec<Statement> {
    let (uuid, time) = crate::db::column_types(backend);
    vec![Statement::from_string(
        backend,
        format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (\
             organization_id {uuid} NOT NULL, \
             user_id {uuid} NOT NULL, \
             role TEXT NOT NULL, \
             seen_at {time} NOT NULL, \
             PRIMARY KEY (organization_id, user_id))"
        ),
    )]
}

/// What this process recorded lately, so that a request costs a map lookup.
#[derive(Debug, Default)]
pub struct Seen(Mutex<HashMap<(Uuid, Uuid), (String, Instant)>>);

impl Seen {
    /// True when (`org`, `user`) must be recorded with `role` now (and notes that it is).
    fn due(&self, org: Uuid, user: Uuid, role: &str) -> bool {
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match seen.get(&(org, user)) {
            Some((known, at)) if known == role && at.elapsed() < REFRESH => false,
            _ => {
                seen.insert((org, user), (role.to_string(), Instant::now()));
                true
            }
        }
    }
}

/// Records that `user` acted in `org` as `role`, in the background when it is due.
pub fn seen(state: &ApiState, org: Uuid, user: Uuid, role: &str) {
    if !state.members_seen().due(org, user, role) {
        return;
    }
    let state = state.clone();
    let role = role.to_string();
    tokio::spawn(async move {
        if let Err(error) = record(&state, org, user, &role).await {
            tracing::warn!(%error, %org, "cannot record an organisation member");
        }
    });
}

async fn record(state: &ApiState, org: Uuid, user: Uuid, role: &str) -> Result<(), DbErr> {
    let sql = format!(
        "INSERT INTO {TABLE} (organization_id, user_id, role, seen_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organization_id, user_id) DO UPDATE SET role = $3, seen_at = $4"
    );
    let values: Vec<Value> = vec![org.into(), user.into(), role.into(), Utc::now().into()];
    let turn = state.write_turn().await;
    let db = turn.db();
    db.execute_raw(statement(db, &sql, values)).await?;
    Ok(())
}

/// The members of `org`; with `roles`, only those whose role is one of them.
pub async fn of(
    db: &impl ConnectionTrait,
    org: Uuid,
    roles: Option<&[&str]>,
) -> Result<BTreeSet<Uuid>, DbErr> {
    let mut sql = format!("SELECT user_id FROM {TABLE} WHERE organization_id = $1");
    let mut values: Vec<Value> = vec![org.into()];
    if let Some(roles) = roles {
        if roles.is_empty() {
            return Ok(BTreeSet::new());
        }
        let mut placeholders = Vec::new();
        for role in roles {
            values.push((*role).into());
            placeholders.push(format!("${}", values.len()));
        }
        sql.push_str(&format!(" AND role IN ({})", placeholders.join(", ")));
    }
    let rows = db.query_all_raw(statement(db, &sql, values)).await?;
    rows.iter().map(|row| row.try_get("", "user_id")).collect()
}
