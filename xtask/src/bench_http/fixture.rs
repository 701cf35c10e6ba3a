//! The data both servers of `cargo xtask bench-http` answer from: one throw-away database per
//! backend (an SQLite file, or a PostgreSQL cluster from `.ci/postgres.sh`), migrated by
//! `metacore-app migrate`, seeded with 10,000 tickets of the benchmarked organisation and a few
//! hundred of a second one, and the bearer token of the benchmarked caller.

use std::path::{Path, PathBuf};
use std::process::Command;

use sea_orm::prelude::{ChronoDateTimeUtc, ChronoUtc};
use sea_orm::sqlx;
use serde_json::json;
use uuid::Uuid;

use super::baseline::{self, with_pool, Pool, SECRET_ENV};
use crate::workspace_root;

/// The organisation every benchmarked request is made for.
pub const ORG: Uuid = Uuid::from_u128(0x0b3c_0000_0000_4000_8000_0000_0000_0001);
/// A second organisation, whose rows the queries must skip.
const OTHER_ORG: Uuid = Uuid::from_u128(0x0b3c_0000_0000_4000_8000_0000_0000_0002);
/// The caller, also every ticket's reporter.
pub const USER: Uuid = Uuid::from_u128(0x0b3c_0000_0000_4000_8000_0000_0000_0003);
/// Rows of [`ORG`].
pub const ROWS: usize = 10_000;
/// Rows of the second organisation.
const OTHER_ROWS: usize = 300;

/// A database backend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    /// A file under the scratch directory.
    Sqlite,
    /// A cluster under the scratch directory, started by `.ci/postgres.sh`.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A running, empty database; a PostgreSQL cluster is stopped and removed on drop.
pub struct Database {
    /// The URL both servers connect to.
    pub url: String,
    cluster: Option<PathBuf>,
}

impl Database {
    /// A fresh database of `backend` under `scratch`.
    pub fn start(backend: Backend, scratch: &Path) -> Result<Database, String> {
        match backend {
            Backend::Sqlite => Ok(Database {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    scratch.join("bench.sqlite").display()
                ),
                cluster: None,
            }),
            Backend::Postgres => {
                let dir = scratch.join("postgres");
                std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
                let output = postgres_script("start", &dir)
                    .output()
                    .map_err(|e| format!("cannot run .ci/postgres.sh: {e}"))?;
                if !output.status.success() {
                    return Err(format!(
                        ".ci/postgres.sh start failed: {}",
                        String::from_utf8_lossy(&output.stderr).trim()
                    ));
                }
                Ok(Database {
                    url: String::from_utf8_lossy(&output.stdout).trim().to_string(),
                    cluster: Some(dir),
                })
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(dir) = &self.cluster {
            let _ = postgres_script("stop", dir).output();
        }
    }
}

fn postgres_script(command: &str, dir: &Path) -> Command {
    let mut script = Command::new("bash");
    script
        .arg(workspace_root().join(".ci/postgres.sh"))
        .arg(command)
        .arg(dir);
    script
}

/// Creates the schema: `metacore-app migrate`, or — only when `metacore-app` is not built —
/// the tickets table as its migration declares it.
pub fn migrate(app: Option<&Path>, url: &str) -> Result<(), String> {
    if let Some(app) = app {
        let output = Command::new(app)
            .args(["migrate", "--database-url", url])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", app.display()))?;
        return if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "metacore-app migrate failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        };
    }
    block_on(async {
        let pool = Pool::connect(url).await?;
        let statements = match pool {
            Pool::Sqlite(_) => FALLBACK_SQLITE,
            Pool::Postgres(_) => FALLBACK_POSTGRES,
        };
        with_pool!(&pool, p: Db => {
            for &statement in statements {
                sqlx::query(statement).execute(p).await?;
            }
        });
        Ok(())
    })
}

/// The tickets table on PostgreSQL, as `generated/src/migrations/m0001_tickets_v1_0_0.rs`
/// creates it (used only when `metacore-app` is not built).
const FALLBACK_POSTGRES: &[&str] = &[
    r#"CREATE TABLE "addon_tickets__tickets" (
    "id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL,
    "number" text NOT NULL, "title" text NOT NULL, "description" text,
    "status" text NOT NULL DEFAULT 'open', "priority" text NOT NULL DEFAULT 'normal',
    "assignee_id" uuid, "reporter_id" uuid NOT NULL, "due_at" timestamptz,
    "resolved_at" timestamptz, "tags" jsonb,
    "created_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY ("id"))"#,
    r#"CREATE UNIQUE INDEX "addon_tickets__tickets_org_number_uq" ON "addon_tickets__tickets" ("organization_id", "number")"#,
];

/// The same on SQLite.
const FALLBACK_SQLITE: &[&str] = &[
    r#"CREATE TABLE "addon_tickets__tickets" (
    "id" uuid NOT NULL, "organization_id" uuid NOT NULL,
    "number" text NOT NULL, "title" text NOT NULL, "description" text,
    "status" text NOT NULL DEFAULT 'open', "priority" text NOT NULL DEFAULT 'normal',
    "assignee_id" uuid, "reporter_id" uuid NOT NULL, "due_at" timestamptz_text,
    "resolved_at" timestamptz_text, "tags" jsonb_text,
    "created_at" timestamptz_text NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY ("id"))"#,
    r#"CREATE UNIQUE INDEX "addon_tickets__tickets_org_number_uq" ON "addon_tickets__tickets" ("organization_id", "number")"#,
];

/// Inserts [`ROWS`] tickets of [`ORG`] (one second apart, newest last) and a few hundred of a
/// second organisation; returns the id of one ticket of [`ORG`] in the middle.
pub fn seed(url: &str) -> Result<Uuid, String> {
    block_on(async {
        let pool = Pool::connect(url).await?;
        let start: ChronoDateTimeUtc = "2026-01-01T00:00:00Z".parse().expect("a valid timestamp");
        let rows: Vec<(Uuid, Uuid, usize)> = (0..ROWS)
            .map(|i| (Uuid::new_v4(), ORG, i))
            .chain((0..OTHER_ROWS).map(|i| (Uuid::new_v4(), OTHER_ORG, i)))
            .collect();
        let priorities = ["low", "normal", "high", "urgent"];
        let statuses = ["open", "in_progress", "resolved", "closed"];
        with_pool!(&pool, p: Db => {
            let mut tx = p.begin().await?;
            for chunk in rows.chunks(500) {
                let mut insert = sqlx::QueryBuilder::<Db>::new(
                    "INSERT INTO addon_tickets__tickets (id, organization_id, number, title, \
                     description, status, priority, assignee_id, reporter_id, due_at, tags, \
                     created_at) ",
                );
                insert.push_values(chunk, |mut row, &(id, org, i)| {
                    let created_at = start + std::time::Duration::from_secs(i as u64);
                    row.push_bind(id)
                        .push_bind(org)
                        .push_bind(format!("T-{i:05}"))
                        .push_bind(format!("Ticket {i}: printer on floor {} is jammed", i % 7))
                        .push_bind(Some(format!("Reported by the benchmark seed, row {i}.")))
                        .push_bind(statuses[i % statuses.len()])
                        .push_bind(priorities[i % priorities.len()])
                        .push_bind((i % 3 == 0).then_some(USER))
                        .push_bind(USER)
                        .push_bind((i % 2 == 0).then_some(created_at + std::time::Duration::from_secs(86_400)))
                        .push_bind(Some(sqlx::types::Json(json!(["seed", priorities[i % 4]]))))
                        .push_bind(created_at);
                });
                insert.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(rows[ROWS / 2].0)
    })
}

/// The caller's bearer token: `metacore-app token --role admin`, or — only when it is not
/// built — the same claims signed by the harness.
pub fn token(app: Option<&Path>, secret: &str) -> Result<String, String> {
    token_for(app, secret, ORG)
}

/// As [`token`], for an admin of organisation `org`.
pub fn token_for(app: Option<&Path>, secret: &str, org: Uuid) -> Result<String, String> {
    let Some(app) = app else {
        let now = ChronoUtc::now().timestamp();
        let claims = json!({
            "sub": USER, "org": org, "role": "admin", "grants": [],
            "iat": now, "exp": now + 24 * 3600,
        });
        return Ok(baseline::mint(secret.as_bytes(), &claims));
    };
    let output = Command::new(app)
        .args([
            "token",
            "--user",
            &USER.to_string(),
            "--org",
            &org.to_string(),
        ])
        .args(["--role", "admin"])
        .env(SECRET_ENV, secret)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", app.display()))?;
    let token = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if !output.status.success() || token.is_empty() {
        return Err(format!(
            "metacore-app token failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(token)
}

fn block_on<T>(
    work: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(work)
        .map_err(|e| e.to_string())
}
