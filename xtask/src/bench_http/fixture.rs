//! The data both servers of `cargo xtask bench-http` answer from: one throw-away database per
//! backend (an SQLite file, or a PostgreSQL cluster from `.ci/postgres.sh`), migrated by
//! `metacore-app migrate`, seeded with N tickets of the benchmarked organisation (10,000 by
//! default; varied statuses, priorities and titles from a small vocabulary, so filters and
//! search select realistic fractions) and a few hundred of a second one, and the bearer token
//! of the benchmarked caller.

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
/// the tickets table as its first migration declares it. The fallback has no list index, row
/// counters or search tables (those come from `metacore-app migrate` alone), so the baseline's
/// list workloads then fail their check, naming the missing table.
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

/// Inserts [`ROWS`] tickets of [`ORG`] and a few hundred of a second organisation (see
/// [`seed_rows`]); returns the id of one ticket of [`ORG`] in the middle.
pub fn seed(url: &str) -> Result<Uuid, String> {
    seed_rows(url, ROWS).map(|seeded| seeded.sample_id)
}

/// The word the search workload looks for: in the titles of about 1 in 30 tickets.
pub const SEARCH_WORD: &str = "printer";
/// The status the filter workload asks for: about a quarter of the tickets.
pub const FILTER_STATUS: &str = "open";
/// How many tickets the update workload rotates over.
pub const UPDATE_IDS: usize = 1_000;

/// Title vocabulary: `<component> <problem> <place>`, picked independently per ticket, so
/// [`SEARCH_WORD`] (one component of 30) matches about 3 % of the rows.
const COMPONENTS: [&str; 30] = [
    "Printer",
    "Laptop",
    "Monitor",
    "Keyboard",
    "Router",
    "VPN",
    "Email",
    "Calendar",
    "Database",
    "Backup",
    "Firewall",
    "Badge reader",
    "Projector",
    "Desk phone",
    "Headset",
    "Wi-Fi",
    "Invoice",
    "Payroll",
    "Website",
    "Mobile app",
    "Scanner",
    "Server",
    "Storage",
    "License",
    "Account",
    "Password",
    "Dashboard",
    "Report",
    "Camera",
    "Elevator",
];
const PROBLEMS: [&str; 12] = [
    "is down",
    "keeps crashing",
    "is slow",
    "shows an error",
    "needs replacement",
    "cannot connect",
    "needs access",
    "is not syncing",
    "update failed",
    "makes noise",
    "lost its settings",
    "is out of stock",
];
const PLACES: [&str; 10] = [
    "on floor 1",
    "on floor 2",
    "on floor 3",
    "in building B",
    "for the sales team",
    "for the finance team",
    "in the warehouse",
    "at reception",
    "in meeting room 4",
    "for a new hire",
];
/// Description vocabulary (none of it contains [`SEARCH_WORD`]).
const CHANNELS: [&str; 5] = ["Phone", "Email", "Chat", "Walk-in", "Monitoring"];
const TEAMS: [&str; 6] = [
    "operations",
    "support",
    "engineering",
    "sales",
    "finance",
    "legal",
];

/// What [`seed_rows`] inserted, for the checks of every workload's answer.
pub struct Seeded {
    /// Tickets of [`ORG`].
    pub rows: usize,
    /// A ticket of [`ORG`] in the middle (the get-by-id workload).
    pub sample_id: Uuid,
    /// [`UPDATE_IDS`] tickets of [`ORG`], spread over the table (the update workload).
    pub update_ids: Vec<Uuid>,
    /// Tickets of [`ORG`] whose status is [`FILTER_STATUS`].
    pub filtered: usize,
    /// The smallest `number` among them (the first row of the filter + sort workload).
    pub first_filtered_number: String,
    /// Tickets of [`ORG`] with [`SEARCH_WORD`] in a search column (any case).
    pub search_hits: usize,
}

impl Seeded {
    /// The `number` of the ticket at 0-based position `index` of the newest-first list.
    pub fn newest_number(&self, index: usize) -> Option<String> {
        (index < self.rows).then(|| number(self.rows - 1 - index))
    }
}

/// The `number` of the `i`-th seeded ticket of an organisation (oldest first).
fn number(i: usize) -> String {
    format!("T-{i:06}")
}

/// splitmix64: a fixed pseudo-random stream, so every run seeds the same data.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One seeded ticket's varied columns.
struct Ticket {
    id: Uuid,
    org: Uuid,
    number: String,
    title: String,
    description: String,
    status: &'static str,
    priority: &'static str,
    created_at: ChronoDateTimeUtc,
    assigned: bool,
    due: bool,
}

impl Ticket {
    /// The `i`-th ticket of `org`: statuses 25 % open, 20 % in progress, 30 % resolved, 25 %
    /// closed; priorities 30/40/20/10 % low/normal/high/urgent; one second apart.
    fn new(org: Uuid, i: usize, start: ChronoDateTimeUtc) -> Ticket {
        let h = mix(i as u64 ^ (org.as_u128() as u64).rotate_left(17));
        let pick = |shift: u32, n: usize| ((h >> shift) % n as u64) as usize;
        let status = match h % 100 {
            0..=24 => "open",
            25..=44 => "in_progress",
            45..=74 => "resolved",
            _ => "closed",
        };
        let priority = match (h >> 8) % 100 {
            0..=29 => "low",
            30..=69 => "normal",
            70..=89 => "high",
            _ => "urgent",
        };
        Ticket {
            id: Uuid::new_v4(),
            org,
            number: number(i),
            title: format!(
                "{} {} {}",
                COMPONENTS[pick(16, COMPONENTS.len())],
                PROBLEMS[pick(24, PROBLEMS.len())],
                PLACES[pick(32, PLACES.len())]
            ),
            description: format!(
                "{} report: affects {} people in {}. Reference {}.",
                CHANNELS[pick(40, CHANNELS.len())],
                1 + pick(44, 40),
                TEAMS[pick(52, TEAMS.len())],
                h % 1_000_000
            ),
            status,
            priority,
            created_at: start + std::time::Duration::from_secs(i as u64),
            assigned: i.is_multiple_of(3),
            due: i.is_multiple_of(2),
        }
    }

    /// Whether a search for [`SEARCH_WORD`] finds it (the model's search columns: number,
    /// title, description, status, priority).
    fn matches_search(&self) -> bool {
        [
            self.number.as_str(),
            &self.title,
            &self.description,
            self.status,
            self.priority,
        ]
        .iter()
        .any(|text| text.to_lowercase().contains(SEARCH_WORD))
    }
}

/// A due date's distance from its ticket's creation.
const DAY: std::time::Duration = std::time::Duration::from_secs(86_400);
/// Rows per multi-row `INSERT` (12 parameters each, within both backends' limits).
const INSERT_ROWS: usize = 1_000;
/// Rows per transaction (short transactions keep per-row counter triggers cheap).
const TRANSACTION_ROWS: usize = 5_000;

/// Inserts `rows` tickets of [`ORG`] (one second apart, newest last) and 300 of a second
/// organisation with multi-row `INSERT`s, then refreshes the planner statistics (`VACUUM
/// ANALYZE` on PostgreSQL, `ANALYZE` on SQLite), as a database in service would have them.
pub fn seed_rows(url: &str, rows: usize) -> Result<Seeded, String> {
    if rows == 0 {
        return Err("the fixture needs at least one row".into());
    }
    let start: ChronoDateTimeUtc = "2026-01-01T00:00:00Z"
        .parse()
        .map_err(|e| format!("bad start timestamp: {e}"))?;
    let tickets: Vec<Ticket> = (0..rows)
        .map(|i| Ticket::new(ORG, i, start))
        .chain((0..OTHER_ROWS).map(|i| Ticket::new(OTHER_ORG, i, start)))
        .collect();
    let ours = &tickets[..rows];
    let filtered: Vec<&Ticket> = ours.iter().filter(|t| t.status == FILTER_STATUS).collect();
    let seeded = Seeded {
        rows,
        sample_id: ours[rows / 2].id,
        update_ids: ours
            .iter()
            .step_by(rows.div_ceil(UPDATE_IDS))
            .map(|t| t.id)
            .collect(),
        filtered: filtered.len(),
        first_filtered_number: filtered
            .iter()
            .map(|t| t.number.clone())
            .min()
            .unwrap_or_default(),
        search_hits: ours.iter().filter(|t| t.matches_search()).count(),
    };
    block_on(async {
        let pool = Pool::connect(url).await?;
        with_pool!(&pool, p: Db => {
            for batch in tickets.chunks(TRANSACTION_ROWS) {
                let mut tx = p.begin().await?;
                for chunk in batch.chunks(INSERT_ROWS) {
                    let mut insert = sqlx::QueryBuilder::<Db>::new(
                        "INSERT INTO addon_tickets__tickets (id, organization_id, number, \
                         title, description, status, priority, assignee_id, reporter_id, \
                         due_at, tags, created_at) ",
                    );
                    insert.push_values(chunk, |mut row, t| {
                        let due_at = t.due.then(|| t.created_at + DAY);
                        row.push_bind(t.id)
                            .push_bind(t.org)
                            .push_bind(t.number.as_str())
                            .push_bind(t.title.as_str())
                            .push_bind(Some(t.description.as_str()))
                            .push_bind(t.status)
                            .push_bind(t.priority)
                            .push_bind(t.assigned.then_some(USER))
                            .push_bind(USER)
                            .push_bind(due_at)
                            .push_bind(Some(sqlx::types::Json(json!(["seed", t.priority]))))
                            .push_bind(t.created_at);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
        });
        let statistics = match pool {
            Pool::Sqlite(_) => "ANALYZE",
            Pool::Postgres(_) => "VACUUM ANALYZE",
        };
        with_pool!(&pool, p: Db => { sqlx::query(statistics).execute(p).await?; });
        Ok(())
    })?;
    Ok(seeded)
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

/// How far metacore-app's event consumers trail the log: at the end of a write run, the
/// events they had not reached, and how long they took to reach the end.
#[derive(Debug, Clone, Copy)]
pub struct Backlog {
    /// Events of the benchmarked organisation past the furthest-behind cursor.
    pub behind: i64,
    /// From the end of the run until no cursor trailed; `None` when they still trailed at
    /// the limit.
    pub caught_up: Option<std::time::Duration>,
}

/// Waits (up to `limit`) until every event consumer's cursor of [`ORG`] is at the end of its
/// log, so that a run's deferred work (notifications) neither slows the next server's run
/// nor is left out of sight. A cursor trails by skipped events until the consumers' next
/// one-second poll, so this takes about a second even when nothing was wanted.
pub fn settle(url: &str, limit: std::time::Duration) -> Result<Backlog, String> {
    let started = std::time::Instant::now();
    let sql = "SELECT CAST(COALESCE(MAX(s.last - c.last_sequence), 0) AS BIGINT) \
               FROM metacore_event_cursors c \
               JOIN metacore_event_seq s ON s.organization_id = c.organization_id \
               WHERE c.organization_id = $1";
    block_on(async {
        let pool = Pool::connect(url).await?;
        let mut at_end = None;
        loop {
            let behind: i64 = with_pool!(&pool, p: Db => {
                sqlx::query_scalar::<Db, i64>(sql).bind(ORG).fetch_one(p).await?
            });
            let behind_at_end = *at_end.get_or_insert(behind);
            let waited = started.elapsed();
            if behind <= 0 || waited >= limit {
                return Ok(Backlog {
                    behind: behind_at_end,
                    caught_up: (behind <= 0).then_some(waited),
                });
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
}

fn block_on<T>(
    work: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime: {e}"))?
        .block_on(work)
        .map_err(|e| e.to_string())
}
