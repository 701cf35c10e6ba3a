//! The confinement fixture: the demo app's database (its own migrations, `cli::prepare`),
//! two organisations' rows, the showcase addon with a guest that runs one statement, and
//! the oracle every case is judged by.

use std::sync::{Arc, OnceLock};

use metacore_runtime::egress::EgressGuard;
use metacore_runtime::outbound::OutboundClient;
use metacore_runtime::registry::AddonDescriptor;
use metacore_runtime::{
    cli, testing, ActionCall, CallerContext, Dispatcher, DispatcherConfig, EventBus,
    HandlerOutcome, HostServices, Installation, Metrics, Sandbox, SandboxConfig, SqlChecks,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, Value};
use serde_json::json;
use uuid::Uuid;

/// The calling organisation.
pub const ORG_A: Uuid = Uuid::from_u128(0xa11c_e000_0000_4000_8000_0000_0000_000a);
/// The other organisation, whose rows must never be seen or changed.
pub const ORG_B: Uuid = Uuid::from_u128(0xb0b0_0000_0000_4000_8000_0000_0000_000b);
/// A customer of organisation B.
pub const B_CUSTOMER: Uuid = Uuid::from_u128(0xb0b0_0000_0000_4000_8000_0000_0000_0c01);
/// A customer of organisation A.
pub const A_CUSTOMER: Uuid = Uuid::from_u128(0xa11c_e000_0000_4000_8000_0000_0000_0c01);
/// Every value that must never reach the addon contains this marker.
pub const SECRET: &str = "SECRET";

/// What a case's statement returned.
#[derive(Debug)]
pub enum Outcome {
    /// The call succeeded with this data.
    Rows(serde_json::Value),
    /// The call was refused with this code and message.
    Refused(String),
}

/// One database with the demo app's schema and both organisations' rows.
pub struct Fixture {
    pub db: DatabaseConnection,
    pub checks: SqlChecks,
    dispatcher: Dispatcher,
    baseline: String,
}

fn sandbox() -> &'static Arc<Sandbox> {
    static SANDBOX: OnceLock<Arc<Sandbox>> = OnceLock::new();
    SANDBOX.get_or_init(|| Sandbox::new(SandboxConfig::default()).expect("the sandbox starts"))
}

/// The showcase addon as the built app serves it.
fn showcase() -> &'static AddonDescriptor {
    metacore_generated::registry()
        .addon("showcase")
        .expect("the build has the showcase addon")
}

fn statement(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_string(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

async fn exec(db: &DatabaseConnection, sql: &str, values: Vec<Value>) {
    db.execute_raw(statement(db, sql, values))
        .await
        .unwrap_or_else(|e| panic!("seeding `{sql}` failed: {e}"));
}

impl Fixture {
    /// Migrates `db` as the app does, seeds it and registers the showcase addon.
    pub async fn new(db: DatabaseConnection, checks: SqlChecks) -> Fixture {
        let app = metacore_generated::app();
        cli::prepare(&db, app.migrate, &app.registry)
            .await
            .expect("the database prepares");
        let customer = "INSERT INTO addon_showcase__customers \
                        (id, organization_id, name, email, deleted_at) VALUES ($1, $2, $3, $4, NULL)";
        exec(
            &db,
            customer,
            vec![
                A_CUSTOMER.into(),
                ORG_A.into(),
                "alice".into(),
                "a@a".into(),
            ],
        )
        .await;
        exec(
            &db,
            customer,
            vec![
                Uuid::new_v4().into(),
                ORG_A.into(),
                "anna".into(),
                "n@a".into(),
            ],
        )
        .await;
        exec(
            &db,
            customer,
            vec![
                B_CUSTOMER.into(),
                ORG_B.into(),
                "SECRET-bob".into(),
                "b@b".into(),
            ],
        )
        .await;
        exec(
            &db,
            "INSERT INTO addon_showcase__orders (id, organization_id, customer_id, number, notes) \
             VALUES ($1, $2, $3, 1, $4)",
            vec![
                Uuid::new_v4().into(),
                ORG_B.into(),
                B_CUSTOMER.into(),
                "SECRET-order".into(),
            ],
        )
        .await;
        exec(
            &db,
            "INSERT INTO addon_tickets__tickets (id, organization_id, number, title, reporter_id) \
             VALUES ($1, $2, 'T-1', 'SECRET-ticket', $3)",
            vec![Uuid::new_v4().into(), ORG_A.into(), Uuid::new_v4().into()],
        )
        .await;
        exec(
            &db,
            "INSERT INTO metacore_kv (addon_key, organization_id, key, value) VALUES ('other', $1, 'k', '\"SECRET-kv\"')",
            vec![ORG_A.into()],
        )
        .await;
        let metrics = Metrics::new();
        let services = HostServices {
            database: Some(db.clone()),
            events: EventBus::default(),
            outbound: OutboundClient::new(EgressGuard::strict(), metrics.clone())
                .expect("a client"),
            metrics,
            shared_tables: Vec::new(),
            sql_checks: checks,
        };
        let dispatcher = Dispatcher::new(DispatcherConfig {
            services,
            capability_mode: Default::default(),
        });
        let mut fixture = Fixture {
            db,
            checks,
            dispatcher,
            baseline: String::new(),
        };
        fixture.baseline = fixture.protected_state().await;
        fixture
    }

    /// True on SQLite.
    pub fn sqlite(&self) -> bool {
        self.db.get_database_backend() == DatabaseBackend::Sqlite
    }

    /// True when statements reach the database exactly as written.
    pub fn database_only(&self) -> bool {
        self.checks == SqlChecks::DatabaseOnly
    }

    /// Everything no addon call of organisation A may change: organisation B's rows, the
    /// other addon's rows, the stored grants and the key-value store.
    pub async fn protected_state(&self) -> String {
        let queries = [
            "SELECT id, name, email, tier, deleted_at FROM addon_showcase__customers \
             WHERE organization_id = $1 ORDER BY id",
            "SELECT id, customer_id, number, notes, deleted_at FROM addon_showcase__orders \
             WHERE organization_id = $1 ORDER BY id",
        ];
        let mut state = String::new();
        for sql in queries {
            for row in self
                .db
                .query_all_raw(statement(&self.db, sql, vec![ORG_B.into()]))
                .await
                .expect("a host query")
            {
                state.push_str(&format!("{row:?}\n"));
            }
        }
        for sql in [
            "SELECT id, organization_id, title FROM addon_tickets__tickets ORDER BY id",
            "SELECT * FROM metacore_user_grants",
            "SELECT * FROM metacore_role_grants",
            "SELECT addon_key, key, value FROM metacore_kv ORDER BY addon_key, key",
        ] {
            for row in self
                .db
                .query_all_raw(statement(&self.db, sql, vec![]))
                .await
                .expect("a host query")
            {
                state.push_str(&format!("{row:?}\n"));
            }
        }
        state
    }

    /// Organisation A's rows, as text: protected data copied there is a leak too.
    async fn own_rows(&self) -> String {
        let mut text = String::new();
        for sql in [
            "SELECT name, email FROM addon_showcase__customers WHERE organization_id = $1",
            "SELECT notes FROM addon_showcase__orders WHERE organization_id = $1",
        ] {
            for row in self
                .db
                .query_all_raw(statement(&self.db, sql, vec![ORG_A.into()]))
                .await
                .expect("a host query")
            {
                text.push_str(&format!("{row:?}\n"));
            }
        }
        text
    }

    /// Runs `sql` with `args` (JSON text) through `import` as the showcase addon in
    /// organisation A.
    pub async fn call(&self, import: &str, sql: &str, args: &str) -> Outcome {
        let addon = showcase();
        // Every handler the manifest declares runs the statement.
        let mut handlers: Vec<&str> = addon
            .backend
            .wasm_handlers
            .iter()
            .map(|h| h.function)
            .collect();
        handlers.sort();
        handlers.dedup();
        let wat = testing::calling_guest_wat(
            &[(import, vec![sql.to_string(), args.to_string()])],
            &handlers,
        );
        let wasm = wat::parse_str(wat).expect("valid WAT");
        let module = sandbox().load(addon, &wasm).expect("the guest loads");
        self.dispatcher
            .register(addon, Some(module))
            .expect("the addon registers");
        let caller = CallerContext {
            installation: Arc::new(Installation {
                id: Uuid::new_v4(),
                org_id: ORG_A,
                settings: Default::default(),
                secret: None,
                webhook_base_url: None,
            }),
            user_id: Some(Uuid::new_v4()),
            request_id: Uuid::new_v4(),
            locale: None,
        };
        let call = ActionCall {
            addon_key: "showcase".into(),
            action_key: "echo".into(),
            record_id: Some(A_CUSTOMER),
            record: Some(json!({"name": "alice"})),
            payload: json!({}),
            caller,
        };
        match self.dispatcher.action(call).await {
            Ok(HandlerOutcome::Success { data, .. }) => Outcome::Rows(data),
            Ok(HandlerOutcome::Declined(error)) => {
                Outcome::Refused(format!("{}: {}", error.code, error.message))
            }
            Err(error) => Outcome::Refused(error.code.as_str().to_string()),
        }
    }

    /// Judges one case: refused, or confined — nothing of another organisation, another
    /// addon, the grants or the key-value store in the answer, and nothing protected changed.
    pub async fn judge(
        &self,
        name: &str,
        import: &str,
        sql: &str,
        args: &str,
    ) -> Result<Outcome, String> {
        let outcome = self.call(import, sql, args).await;
        if let Outcome::Rows(data) = &outcome {
            let text = data.to_string();
            if text.contains(SECRET) {
                return Err(format!("{name}: `{sql}` returned protected data: {text}"));
            }
        }
        let own = self.own_rows().await;
        if own.contains(SECRET) {
            return Err(format!(
                "{name}: `{sql}` copied protected data into organisation A's rows: {own}"
            ));
        }
        let state = self.protected_state().await;
        if state != self.baseline {
            return Err(format!(
                "{name}: `{sql}` changed protected rows:\nbefore:\n{}\nafter:\n{state}",
                self.baseline
            ));
        }
        Ok(outcome)
    }
}

/// The organisations' UUIDs as the `$uuid` argument encoding.
pub fn uuid_arg(id: Uuid) -> String {
    format!(r#"{{"$uuid": "{id}"}}"#)
}
