//! `metacore-app`: the command line of every generated application.
//!
//! The generated crate's binary is one line, `metacore_runtime::cli::main(app())`; this
//! module owns the commands:
//!
//! * `serve [--bind ADDR] [--database-url URL] [--header-read-timeout SECS]
//!   [--idle-timeout SECS] [--shutdown-timeout SECS] [--log-format text|json]` — migrate,
//!   then serve the API until SIGTERM or Ctrl-C, which stop accepting and drain the
//!   requests in progress within the
//!   shutdown timeout before exiting 0 (Swagger UI at `/docs`, the spec
//!   at `/api/openapi.json`) over HTTP/1.1 and HTTP/2; actions, tools and their handlers,
//!   and the addons' backend modules, are the ones compiled into the binary (no manifest is
//!   read at run time), webhook calls are signed with the caller organisation's install
//!   secret (sealed at rest under `METACORE_MASTER_KEY`, see [`crate::installations`]), handlers'
//!   outbound calls pass the egress guard with the `METACORE_EGRESS_ALLOW` allow-list, and
//!   `METACORE_CAPABILITY_MODE` (`enforce`/`shadow`) decides what a capability violation does;
//!   `METACORE_METRICS_TOKEN` enables `GET /metrics` behind that bearer token;
//!   `METACORE_WEBHOOK_WORKERS` delivery workers (default 4) send the organisations'
//!   outbound webhooks until SIGTERM, which stops them claiming ([`crate::webhooks`]); every request
//!   is logged (one line, with its request id, in `text` or `json`) — see
//!   [`crate::api::observe`] and [`crate::metrics`];
//! * `migrate [--database-url URL]` — apply pending migrations and exit;
//! * `token --user UUID --org UUID [--role ROLE] [--grant CAP]... [--ttl-hours N]` — print a
//!   development JWT signed with `METACORE_JWT_SECRET`;
//! * `openapi` — print the OpenAPI document.
//!
//! The database is `--database-url`, else `DATABASE_URL`, else the SQLite file
//! `./metacore.db` (created when missing).

use std::future::Future;
use std::io::IsTerminal;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use poem_openapi::OpenApi;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use uuid::Uuid;

use crate::api::access::bootstrap_statements;
use crate::api::auth::{now, Claims, JwtKey};
use crate::api::observe::MetricsToken;
use crate::api::server::{application_with, spec_json, Info, Options};
use crate::api::{idempotency, ApiState, HandlerSettings};
use crate::connection::{Drained, Timeouts};
use crate::egress::EgressGuard;
use crate::events::EventBus;
use crate::installations::{MasterKey, MASTER_KEY_ENV};
use crate::policy::CapabilityMode;
use crate::registry::Registry;
use crate::sandbox::{Sandbox, SandboxConfig};
use crate::schema_lock::SchemaLock;

/// The log filter unless `RUST_LOG` is set (`RUST_LOG=info,sqlx=info` shows every statement).
pub const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn";

/// The environment variable that held one process-wide webhook signing secret. No longer
/// read: webhook calls are signed with each installation's own secret
/// ([`crate::installations`]); `serve` warns when it is still set.
pub const WEBHOOK_SECRET_ENV: &str = "METACORE_WEBHOOK_SECRET";

/// The environment variable holding the operator's egress allow-list (`runtime.md` §5:
/// comma-separated host names, `*.suffix` patterns, IP addresses or CIDRs; default empty).
pub const EGRESS_ALLOW_ENV: &str = "METACORE_EGRESS_ALLOW";

/// The environment variable choosing the capability mode, `enforce` (default) or `shadow`
/// (`runtime.md` §4.1).
pub const CAPABILITY_MODE_ENV: &str = "METACORE_CAPABILITY_MODE";

/// The environment variable holding the bearer token of `GET /metrics` (`runtime.md` §13);
/// unset or empty, the route is not served.
pub const METRICS_TOKEN_ENV: &str = "METACORE_METRICS_TOKEN";

/// The environment variable turning the auto-install of compiled addons off
/// (`runtime.md` §9; default `true`).
pub const AUTO_INSTALL_ENV: &str = "METACORE_AUTO_INSTALL";

/// A boolean variable: `true|1|yes` or `false|0|no` (case-insensitive); `None` when unset or
/// empty; an error naming the variable otherwise.
pub fn flag(lookup: impl Fn(&str) -> Option<String>, name: &str) -> Result<Option<bool>, String> {
    let Some(value) = lookup(name).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(Some(true)),
        "false" | "0" | "no" => Ok(Some(false)),
        _ => Err(format!("{name}: `{value}` is neither true nor false")),
    }
}

/// How `serve` writes its log lines to stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines (`tracing`'s default format).
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `message`, the event's
    /// fields, and `span` with the request's `request_id`.
    Json,
}

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://metacore.db?mode=rwc";

/// Applies a build's migrations.
pub type Migrate = for<'a> fn(
    &'a DatabaseConnection,
) -> Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + 'a>>;

/// What a generated crate hands the CLI.
pub struct App<A> {
    /// The application's title (OpenAPI `info.title`).
    pub title: &'static str,
    /// Its version.
    pub version: &'static str,
    /// What it is (OpenAPI `info.description`, Markdown).
    pub description: &'static str,
    /// The compiled addons.
    pub registry: Registry,
    /// Builds the generated operations.
    pub api: fn() -> A,
    /// Applies the generated migrations.
    pub migrate: Migrate,
}

impl<A> App<A> {
    /// The OpenAPI `info` of the application.
    pub fn info(&self) -> Info<'static> {
        Info {
            title: self.title,
            version: self.version,
            description: self.description,
        }
    }
}

/// The environment variables the commands read (the end of `--help` and `serve --help`).
const ENVIRONMENT_HELP: &str = "Environment:\n  \
        DATABASE_URL               database when --database-url is not given\n  \
        METACORE_JWT_SECRET        HS256 secret of bearer tokens (unset: random per process)\n  \
        METACORE_MASTER_KEY        32-byte key (hex or base64) sealing install and webhook\n                             \
        secrets at rest (unset: stored unencrypted, with a warning)\n  \
        METACORE_EGRESS_ALLOW      egress allow-list of handlers' outbound calls: host names,\n                             \
        *.suffix, IP addresses or CIDRs, comma-separated (default: empty)\n  \
        METACORE_CAPABILITY_MODE   enforce (default: violations are refused) or shadow\n                             \
        (violations are logged and proceed)\n  \
        METACORE_TRUSTED_KEYS      Ed25519 public keys (hex, comma-separated) that may sign\n                             \
        addon bundles (MARKETPLACE_PUBKEYS is read too)\n  \
        METACORE_ALLOW_UNSIGNED_BUNDLES  true: install unsigned bundles when no key is\n                             \
        trusted (development only; default false)\n  \
        METACORE_DATA_DIR          staged and installed bundle files (default ./metacore-data)\n  \
        METACORE_AUTO_INSTALL      true (default): addons compiled into the build install\n                             \
        themselves for an organisation on its first request; false: only\n                             \
        POST /api/metacore/installations/{key} installs them\n  \
        METACORE_IDEMPOTENCY_TTL   how long answers to requests with an Idempotency-Key are\n                             \
        kept for replay, e.g. 24h (default), 30m, 90s\n  \
        METACORE_EVENT_RETENTION_DAYS  days the event log keeps events (default 30)\n  \
        METACORE_WEBHOOK_WORKERS   outbound webhook delivery workers of this process (default 4;\n                             \
        0: none)\n  \
        METACORE_WEBHOOK_POLL_MS   how often idle webhook workers look for due deliveries\n                             \
        (default 1000)\n  \
        METACORE_ALLOWED_ORIGINS   origins browsers may open /api/ws from, comma-separated\n                             \
        (default: the server's own)\n  \
        METACORE_METRICS_TOKEN     serve GET /metrics (Prometheus/OpenMetrics text) to requests\n                             \
        with Authorization: Bearer <token> (unset: /metrics is 404)\n  \
        RUST_LOG                   log filter (default: info,sqlx=warn); serve logs one line\n                             \
        per request with its X-Request-Id (--log-format text|json)\n\n\
        A malformed value stops `serve` with one line naming the variable.";

#[derive(Parser)]
#[command(
    name = "metacore-app",
    about = "Serve the addons compiled into this build",
    version,
    after_help = ENVIRONMENT_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve the HTTP API.
    #[command(after_help = ENVIRONMENT_HELP)]
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Database URL (`sqlite://FILE?mode=rwc` or `postgres://…`); default `DATABASE_URL`,
        /// else `./metacore.db`.
        #[arg(long)]
        database_url: Option<String>,
        /// Seconds an HTTP/1 request head may take to arrive before the connection is closed.
        #[arg(long, default_value_t = Timeouts::DEFAULT_HEADER_READ.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
        header_read_timeout: u64,
        /// Seconds a connection may sit without traffic and without a request in progress.
        #[arg(long, default_value_t = Timeouts::DEFAULT_IDLE.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
        idle_timeout: u64,
        /// On SIGTERM or Ctrl-C: stop accepting, then wait at most this many seconds for the
        /// requests in progress before exiting (0 when they all finished).
        #[arg(long, default_value_t = Timeouts::DEFAULT_DRAIN.as_secs())]
        shutdown_timeout: u64,
        /// Log lines on stderr: `text`, or `json` (one object per line, for log shippers).
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
    },
    /// Apply pending migrations and exit.
    Migrate {
        /// Database URL, as for `serve`.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Print a development token signed with `METACORE_JWT_SECRET`.
    Token {
        /// The user id (`sub`).
        #[arg(long)]
        user: Uuid,
        /// The organisation id (`org`).
        #[arg(long)]
        org: Uuid,
        /// The role (`owner` and `admin` bypass every check).
        #[arg(long)]
        role: Option<String>,
        /// An extra capability (repeatable), e.g. `tickets.index`.
        #[arg(long = "grant")]
        grants: Vec<String>,
        /// Hours until the token expires.
        #[arg(long, default_value_t = 24)]
        ttl_hours: i64,
    },
    /// Print the OpenAPI document.
    Openapi,
}

/// Runs the command line of `app`.
pub fn main<A: OpenApi + 'static>(app: App<A>) -> ExitCode {
    main_with(app, None)
}

/// [`main`] for an application that links the compiler's front end: `serve` installs signed
/// bundles with `compiler` checking their manifests (`runtime.md` §10.4) and restores the
/// installed ones at start. Without one, a bundle install answers 501.
pub fn main_with<A: OpenApi + 'static>(
    app: App<A>,
    compiler: Option<Arc<dyn crate::api::bundles::ManifestCompiler>>,
) -> ExitCode {
    let cli = Cli::parse();
    let log_format = match cli.command {
        Command::Serve { log_format, .. } => log_format,
        _ => LogFormat::Text,
    };
    init_logging(log_format);
    match cli.command {
        Command::Openapi => {
            println!("{}", spec_json((app.api)(), app.info(), &app.registry));
            ExitCode::SUCCESS
        }
        Command::Token {
            user,
            org,
            role,
            grants,
            ttl_hours,
        } => {
            let secret = std::env::var("METACORE_JWT_SECRET").unwrap_or_default();
            if secret.is_empty() {
                eprintln!("error: set METACORE_JWT_SECRET (the server must use the same secret)");
                return ExitCode::from(2);
            }
            let issued = now();
            let claims = Claims {
                sub: user,
                org: Some(org),
                role,
                email: None,
                grants,
                exp: issued.saturating_add(ttl_hours.max(1).saturating_mul(3600)),
                iat: Some(issued),
                nbf: None,
            };
            println!("{}", JwtKey::new(secret).sign(&claims));
            ExitCode::SUCCESS
        }
        Command::Migrate { database_url } => run(async move {
            let db = connect(database_url).await?;
            prepare(&db, app.migrate, &app.registry).await?;
            eprintln!("migrations applied");
            Ok(())
        }),
        Command::Serve {
            bind,
            database_url,
            header_read_timeout,
            idle_timeout,
            shutdown_timeout,
            log_format: _,
        } => run(async move {
            // Configuration errors stop the server before it touches the database.
            let config = serve_config(|name| std::env::var(name).ok())?;
            let timeouts = Timeouts {
                header_read: Duration::from_secs(header_read_timeout),
                idle: Duration::from_secs(idle_timeout),
                drain: Duration::from_secs(shutdown_timeout),
            };
            let db = connect(database_url).await?;
            prepare(&db, app.migrate, &app.registry).await?;
            serve(app, db, &bind, config, timeouts, compiler).await
        }),
    }
}

/// Installs the `tracing` subscriber writing to stderr in `format`. `RUST_LOG` overrides the
/// filter; by default sqlx's per-statement lines (sea-orm turns them on at `info`) stay off:
/// writing one per query to stderr costs more than the query.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    // Colours only on a terminal: a log file or pipe gets plain text (and each request's
    // line is cheaper to write).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        // The event's fields at the top level, and the enclosing span (the request's, with
        // `request_id`; the runtime opens no other) under `span`.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

fn run(work: impl Future<Output = Result<(), String>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(work) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Everything `serve` reads from the environment, checked before it touches the database.
pub struct ServeConfig {
    /// The operator's handler settings ([`handler_settings`]).
    pub settings: HandlerSettings,
    /// The key sealing install secrets (`METACORE_MASTER_KEY`), when set.
    pub master_key: Option<MasterKey>,
    /// The WASM sandbox's limits (`METACORE_WASM_*`).
    pub sandbox: SandboxConfig,
    /// What the application serves beside the API (`/metrics` with
    /// `METACORE_METRICS_TOKEN`).
    pub options: Options,
    /// How many days the event log keeps events (`METACORE_EVENT_RETENTION_DAYS`).
    pub event_retention_days: u32,
    /// Trusted bundle keys, the unsigned flag and the data directory
    /// (`METACORE_TRUSTED_KEYS`, `METACORE_ALLOW_UNSIGNED_BUNDLES`, `METACORE_DATA_DIR`).
    pub bundles: crate::api::bundles::BundleSettings,
}

/// Variables read later, per request, that must hold a positive whole number when set.
const COUNT_VARS: [&str; 2] = ["METACORE_EXPORT_MAX_ROWS", "METACORE_IMPORT_MAX_ROWS"];

/// Reads and checks the configuration of `serve` from the environment `lookup` (the
/// sandbox's limits from the process environment): a malformed value is one line naming the
/// variable, so the server refuses to start instead of running on a default.
pub fn serve_config(lookup: impl Fn(&str) -> Option<String>) -> Result<ServeConfig, String> {
    let settings = handler_settings(&lookup)?;
    let master_key = MasterKey::from_lookup(&lookup)?;
    for name in COUNT_VARS {
        if let Some(value) = lookup(name).filter(|v| !v.trim().is_empty()) {
            if !value.trim().parse::<u64>().is_ok_and(|n| n > 0) {
                return Err(format!("{name}: `{value}` is not a positive whole number"));
            }
        }
    }
    let sandbox = SandboxConfig {
        capability_mode: settings.capability_mode,
        ..SandboxConfig::from_env()?
    };
    let options = Options {
        metrics_token: lookup(METRICS_TOKEN_ENV).and_then(|token| MetricsToken::new(&token)),
        allowed_origins: crate::api::ws::AllowedOrigins::from_lookup(&lookup)?,
        keepalive: crate::api::ws::Keepalive::default(),
    };
    Ok(ServeConfig {
        settings,
        master_key,
        sandbox,
        options,
        event_retention_days: crate::event_log::retention_from(&lookup)?,
        bundles: crate::api::bundles::BundleSettings::from_lookup(&lookup)?,
    })
}

/// The operator's handler settings from the environment `lookup`:
/// [`EGRESS_ALLOW_ENV`], [`CAPABILITY_MODE_ENV`], [`idempotency::TTL_ENV`] and the outbound
/// webhook variables ([`crate::webhooks::WebhookSettings::from_lookup`]) (unset or empty:
/// strict guard, `enforce`, 24 h, 4 workers). A malformed value is an error naming the
/// variable.
pub fn handler_settings(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<HandlerSettings, String> {
    let egress = match lookup(EGRESS_ALLOW_ENV) {
        Some(list) => {
            EgressGuard::with_allow_list(&list).map_err(|e| format!("{EGRESS_ALLOW_ENV}: {e}"))?
        }
        None => EgressGuard::strict(),
    };
    let capability_mode = match lookup(CAPABILITY_MODE_ENV).filter(|m| !m.trim().is_empty()) {
        Some(mode) => CapabilityMode::parse(&mode).ok_or_else(|| {
            format!("{CAPABILITY_MODE_ENV}: `{mode}` is neither `enforce` nor `shadow`")
        })?,
        None => CapabilityMode::Enforce,
    };
    Ok(HandlerSettings {
        egress,
        capability_mode,
        idempotency_ttl: idempotency::ttl_from(&lookup)?,
        webhooks: crate::webhooks::WebhookSettings::from_lookup(&lookup)?,
        auto_install: flag(&lookup, AUTO_INSTALL_ENV)?.unwrap_or(true),
    })
}

/// Connects to `url`, else `DATABASE_URL`, else the default SQLite file.
pub async fn connect(url: Option<String>) -> Result<DatabaseConnection, String> {
    let url = url
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
    crate::db::connect(&url).await.map_err(|e| e.to_string())
}

/// Applies the build's migrations, creates the runtime's own tables (grants, the addon
/// key-value store) and the database guard of addon SQL ([`crate::sql::install_guard`]), one
/// process at a time ([`SchemaLock`]): processes started together wait for the first.
/// A database migrated by a newer build (a migration this binary does not have) is refused.
pub async fn prepare(
    db: &DatabaseConnection,
    migrate: Migrate,
    registry: &Registry,
) -> Result<(), String> {
    let lock = SchemaLock::acquire(db).await?;
    let prepared = prepare_locked(db, migrate, registry).await;
    let released = lock.release().await;
    prepared.and(released)
}

async fn prepare_locked(
    db: &DatabaseConnection,
    migrate: Migrate,
    registry: &Registry,
) -> Result<(), String> {
    migrate(db).await.map_err(|e| migration_error(&e))?;
    runtime_tables(db).await?;
    crate::sql::install_guard(db, registry).await
}

/// What went wrong migrating, in one line; a schema newer than the binary says so.
fn migration_error(error: &DbErr) -> String {
    let text = error.to_string();
    if !text.contains("has been applied but its file is missing") {
        return format!("migration failed: {text}");
    }
    // sea-orm names each unknown migration as `… version '<name>' is missing …`.
    let unknown: Vec<&str> = text
        .split("version '")
        .skip(1)
        .filter_map(|rest| rest.split('\'').next())
        .collect();
    format!(
        "the database schema is newer than this binary: it has migration(s) {} that this \
         build does not know; serve it with the build that migrated it (or a newer one)",
        unknown.join(", ")
    )
}

/// Creates the runtime's own tables (stored grants, the addon key-value store) when missing;
/// part of [`prepare`].
pub async fn runtime_tables(db: &impl ConnectionTrait) -> Result<(), String> {
    for statement in bootstrap_statements(db.get_database_backend()) {
        db.execute_raw(statement)
            .await
            .map_err(|e| format!("cannot create the runtime tables: {e}"))?;
    }
    Ok(())
}

/// The application of `app` over `state` (for tests and embedding), without `/metrics`.
pub fn endpoint<A: OpenApi + 'static>(
    app: &App<A>,
    state: ApiState,
) -> impl poem::Endpoint<Output = poem::Response> {
    endpoint_with(app, state, Options::default())
}

/// The application of `app` over `state`, serving what `options` enable.
pub fn endpoint_with<A: OpenApi + 'static>(
    app: &App<A>,
    state: ApiState,
    options: Options,
) -> impl poem::Endpoint<Output = poem::Response> {
    application_with((app.api)(), app.info(), state, options)
}

/// Registers every addon of `registry` with the dispatcher of `state`, loading the backend
/// module compiled into the build for each addon that declares WASM handlers. Nothing is
/// read from disk. Returns one note per addon whose handlers cannot run, saying why.
pub fn register_handlers(
    state: &ApiState,
    registry: &Registry,
    sandbox: &Arc<Sandbox>,
) -> Vec<String> {
    let mut notes = Vec::new();
    for addon in registry.addons {
        let module = if addon.backend.wasm_handlers.is_empty() {
            None
        } else {
            match sandbox.load_embedded(addon) {
                Ok(module) => Some(module),
                Err(e) => {
                    notes.push(format!(
                        "addon `{}`: backend not loaded ({e}); its WASM handlers answer 501",
                        addon.key
                    ));
                    None
                }
            }
        };
        if let Err(e) = state.dispatcher().register(addon, module) {
            notes.push(format!("addon `{}`: {e}", addon.key));
        }
    }
    notes
}

async fn serve<A: OpenApi + 'static>(
    app: App<A>,
    db: DatabaseConnection,
    bind: &str,
    config: ServeConfig,
    timeouts: Timeouts,
    compiler: Option<Arc<dyn crate::api::bundles::ManifestCompiler>>,
) -> Result<(), String> {
    let ServeConfig {
        settings,
        master_key,
        sandbox,
        options,
        event_retention_days,
        bundles,
    } = config;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    if master_key.is_none() {
        tracing::warn!(
            "{MASTER_KEY_ENV} is not set: install and webhook secrets are stored unencrypted"
        );
        eprintln!(
            "WARNING: {MASTER_KEY_ENV} is not set: install and webhook secrets are stored \
             UNENCRYPTED (development only; set a 32-byte key, hex or base64)"
        );
    }
    let webhook_settings = settings.webhooks;
    if std::env::var(WEBHOOK_SECRET_ENV).is_ok_and(|s| !s.is_empty()) {
        eprintln!(
            "warning: {WEBHOOK_SECRET_ENV} is ignored: webhook calls are signed with each \
             installation's own secret (POST /api/metacore/installations/{{key}}/rotate-secret)"
        );
    }
    let state = ApiState::with_settings(
        db,
        app.registry,
        JwtKey::from_env(),
        EventBus::default(),
        master_key,
        settings,
    )?;
    let sandbox = Sandbox::new(sandbox)?;
    for note in register_handlers(&state, &app.registry, &sandbox) {
        eprintln!("warning: {note}");
    }
    if let Some(compiler) = compiler {
        state.set_installer(crate::api::bundles::Installer::new(
            bundles,
            compiler,
            sandbox.clone(),
        ));
        for note in crate::api::bundles::restore_all(&state).await {
            eprintln!("warning: {note}");
        }
    }
    crate::coherence::listen(&state).await?;
    let consumers = crate::consumers::Settings::default();
    crate::consumers::start(
        &state,
        crate::consumers::of_build(&state, &consumers, Vec::new()),
        consumers,
    );
    housekeeping(&state, event_retention_days);
    // Outbound webhook deliveries (§6.2): claimed until SIGTERM, then the attempts in
    // flight get the drain bound to finish before they are released.
    let workers = crate::webhooks::Workers::start(
        state.webhook_context(),
        webhook_settings.workers,
        webhook_settings.poll,
        timeouts.drain,
        state.bus(),
    );
    let stop_workers = workers.stopper();
    let metrics = options.metrics_token.is_some();
    let db = state.db().clone();
    let endpoint = endpoint_with(&app, state, options);
    eprintln!("metacore-app listening on http://{address}");
    eprintln!("  API docs:  http://{address}/docs");
    eprintln!("  spec:      http://{address}/api/openapi.json");
    if metrics {
        eprintln!(
            "  metrics:   http://{address}/metrics (Authorization: Bearer ${METRICS_TOKEN_ENV})"
        );
    }
    eprintln!(
        "  token:     METACORE_JWT_SECRET=… metacore-app token --user <uuid> --org <uuid> --role admin"
    );
    let signal = async move {
        termination().await;
        // Stop claiming at once, while the requests in progress drain.
        let _ = stop_workers.send(true);
    };
    let drained = crate::connection::serve_until(listener, endpoint, timeouts, signal).await;
    let workers_done = workers
        .shutdown(timeouts.drain + Duration::from_secs(1))
        .await;
    if !workers_done {
        eprintln!("metacore-app: webhook workers did not stop in time; their leases will expire");
    }
    if let Err(error) = crate::coherence::deregister(&db, crate::event_log::process_id()).await {
        eprintln!("metacore-app: cannot withdraw this process's listening registration: {error}");
    }
    let drained = drained?;
    match drained {
        Drained::Completely => eprintln!("metacore-app stopped: every request finished"),
        Drained::TimedOut(open) => eprintln!(
            "metacore-app stopped after {} s with {open} connection(s) still open",
            timeouts.drain.as_secs()
        ),
    }
    Ok(())
}

/// How often `serve` deletes what has outlived its retention.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(3600);

/// Deletes, now and every [`HOUSEKEEPING_EVERY`] on a task of its own, the event log's events
/// older than `event_days` days and the expired idempotency entries.
fn housekeeping(state: &ApiState, event_days: u32) {
    let db = state.db().clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
        loop {
            every.tick().await;
            match crate::event_log::prune(&db, event_days).await {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, event_days, "pruned old events"),
                Err(error) => tracing::warn!(%error, "cannot prune old events"),
            }
            if let Err(error) = idempotency::prune(&db).await {
                tracing::warn!(%error, "cannot prune expired idempotency entries");
            }
        }
    });
}

/// Completes on SIGTERM (what process managers and rolling restarts send) or Ctrl-C.
async fn termination() {
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                eprintln!("warning: cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = terminate => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    eprintln!("metacore-app stopping: no new connections; finishing requests in progress");
}

/// Serves `endpoint` on an already bound `listener` until the process ends, with the default
/// [`Timeouts`] (HTTP/1.1 and HTTP/2; see [`crate::connection`]).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    endpoint: impl poem::Endpoint<Output = poem::Response> + 'static,
) -> Result<(), String> {
    crate::connection::serve(listener, endpoint, Timeouts::default()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<HandlerSettings, String> {
        handler_settings(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn serve_takes_a_log_format_and_its_help_documents_metrics_and_logs() {
        use clap::CommandFactory;
        let format = |args: &[&str]| match Cli::try_parse_from(args).map(|cli| cli.command) {
            Ok(Command::Serve { log_format, .. }) => Ok(log_format),
            Ok(_) => panic!("not serve"),
            Err(error) => Err(error.kind()),
        };
        assert_eq!(format(&["metacore-app", "serve"]), Ok(LogFormat::Text));
        assert_eq!(
            format(&["metacore-app", "serve", "--log-format", "json"]),
            Ok(LogFormat::Json)
        );
        assert_eq!(
            format(&["metacore-app", "serve", "--log-format", "xml"]),
            Err(clap::error::ErrorKind::InvalidValue)
        );
        let mut cli = Cli::command();
        let help = cli
            .find_subcommand_mut("serve")
            .expect("serve")
            .render_long_help()
            .to_string();
        for documented in [
            METRICS_TOKEN_ENV,
            "/metrics",
            "--log-format",
            "json",
            "X-Request-Id",
        ] {
            assert!(help.contains(documented), "{documented} in:\n{help}");
        }
    }

    #[tokio::test]
    async fn egress_allow_lets_the_guard_reach_an_allow_listed_loopback() {
        let url = url::Url::parse("http://127.0.0.1:9/").expect("a URL");
        let strict = settings(&[]).expect("defaults");
        assert!(strict.egress.check_url(&url).await.is_err());
        let allowed =
            settings(&[(EGRESS_ALLOW_ENV, "127.0.0.1, *.internal.test")]).expect("a valid list");
        assert!(allowed.egress.check_url(&url).await.is_ok());
        let other = url::Url::parse("http://10.0.0.1/").expect("a URL");
        assert!(allowed.egress.check_url(&other).await.is_err());
        let error = settings(&[(EGRESS_ALLOW_ENV, "10.0.0.0/99")]).expect_err("a bad CIDR");
        assert!(error.contains(EGRESS_ALLOW_ENV), "{error}");
    }

    #[test]
    fn capability_mode_switches_violations_from_refused_to_logged() {
        use crate::policy::CapabilityPolicy;
        use crate::registry::{AddonDescriptor, DeclaredCapability};
        let addon = AddonDescriptor {
            key: "shop",
            capabilities: &[DeclaredCapability {
                kind: "http:fetch",
                target: "https://api.example.com/*",
            }],
            ..AddonDescriptor::EMPTY
        };
        let check = || crate::policy::Check {
            kind: "http:fetch",
            target: "https://undeclared.example.com/",
            import: "http_fetch",
            org: "",
        };
        let mode = |vars: &[(&str, &str)]| settings(vars).expect("valid").capability_mode;
        assert_eq!(mode(&[]), CapabilityMode::Enforce);
        assert_eq!(mode(&[(CAPABILITY_MODE_ENV, "")]), CapabilityMode::Enforce);
        let metrics = crate::metrics::Metrics::new();
        let enforce = CapabilityPolicy::from_addon(&addon, mode(&[]));
        assert!(!enforce.permit(false, check(), &metrics));
        let shadow =
            CapabilityPolicy::from_addon(&addon, mode(&[(CAPABILITY_MODE_ENV, " Shadow ")]));
        assert!(shadow.permit(false, check(), &metrics));
        let text = metrics.encode();
        for mode in ["enforce", "shadow"] {
            let line = format!(
                r#"capability_violations_total{{addon="shop",kind="http:fetch",mode="{mode}"}} 1"#
            );
            assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
        }
        let error = settings(&[(CAPABILITY_MODE_ENV, "off")]).expect_err("not a mode");
        assert!(error.contains(CAPABILITY_MODE_ENV), "{error}");
    }
}
