//! A served application and an HTTP client for the tests.

use std::net::SocketAddr;
use std::sync::Arc;

use metacore_runtime::api::auth::{now, Claims, JwtKey};
use metacore_runtime::api::server::Options;
use metacore_runtime::api::{ApiState, HandlerSettings};
use metacore_runtime::cli;
use metacore_runtime::events::{Event, EventBus};
use metacore_runtime::installations::MasterKey;
use metacore_runtime::testing;
use metacore_runtime::{Sandbox, SandboxConfig};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use tokio::sync::broadcast;
use uuid::Uuid;

/// The two organisations of every test.
pub const ORG_A: Uuid = Uuid::from_u128(0xa000_0000_0000_0000_0000_0000_0000_000a);
pub const ORG_B: Uuid = Uuid::from_u128(0xb000_0000_0000_0000_0000_0000_0000_000b);

/// The process-wide WASM sandbox of the served applications.
pub fn sandbox() -> &'static std::sync::Arc<Sandbox> {
    static SANDBOX: std::sync::OnceLock<std::sync::Arc<Sandbox>> = std::sync::OnceLock::new();
    SANDBOX.get_or_init(|| Sandbox::new(SandboxConfig::default()).expect("the sandbox starts"))
}

/// A running server.
pub struct Server {
    pub base: String,
    /// The served application's state (its typed data API).
    pub state: ApiState,
    key: JwtKey,
    pub events: broadcast::Receiver<Arc<Event>>,
    client: reqwest::Client,
}

/// A response: status, headers and JSON body (`Value::Null` when empty or not JSON).
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
    /// The body's bytes (`text` is their lossy UTF-8 reading).
    pub bytes: Vec<u8>,
}

impl Reply {
    async fn from(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body").to_vec();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
            bytes,
        }
    }
}

impl Server {
    /// Migrates `db` and serves the generated application on an ephemeral port.
    pub async fn start(db: DatabaseConnection) -> Server {
        Server::start_on(db, sandbox()).await
    }

    /// As [`Server::start`], with the addons' WASM handlers loaded into `sandbox`.
    pub async fn start_on(db: DatabaseConnection, sandbox: &std::sync::Arc<Sandbox>) -> Server {
        Server::start_configured(db, sandbox, HandlerSettings::default(), None).await
    }

    /// As [`Server::start_on`], with the operator's handler `settings` (egress allow-list,
    /// capability mode) and `METACORE_MASTER_KEY`.
    pub async fn start_configured(
        db: DatabaseConnection,
        sandbox: &std::sync::Arc<Sandbox>,
        settings: HandlerSettings,
        master_key: Option<MasterKey>,
    ) -> Server {
        Server::start_with_options(db, sandbox, settings, master_key, Options::default()).await
    }

    /// As [`Server::start_configured`], serving what the application `options` enable
    /// (`/metrics`).
    pub async fn start_with_options(
        db: DatabaseConnection,
        sandbox: &std::sync::Arc<Sandbox>,
        settings: HandlerSettings,
        master_key: Option<MasterKey>,
        options: Options,
    ) -> Server {
        let app = metacore_generated::app();
        cli::prepare(&db, app.migrate, &app.registry)
            .await
            .expect("the database prepares");
        let key = JwtKey::new("test-secret");
        let bus = EventBus::default();
        let events = bus.subscribe();
        let state =
            ApiState::with_settings(db, app.registry, key.clone(), bus, master_key, settings)
                .expect("the API state builds");
        // The addons' handlers and backend modules, compiled into the build.
        let notes = cli::register_handlers(&state, &app.registry, sandbox);
        let handle = state.clone();
        // fiscal_mexico declares WASM handlers without shipping a backend; showcase has one.
        assert!(
            notes.iter().all(|n| !n.contains("`showcase`")),
            "the showcase backend loads: {notes:#?}"
        );
        let endpoint = cli::endpoint_with(&app, state.clone(), options);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address: SocketAddr = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            let _ = cli::serve_on(listener, endpoint).await;
        });
        Server {
            base: format!("http://{address}"),
            state: handle,
            key,
            events,
            client: {
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::new()
            },
        }
    }

    /// A token for a new user in `org` with `role` and extra `grants`.
    pub fn token(&self, org: Option<Uuid>, role: &str, grants: &[&str]) -> String {
        self.token_for(Uuid::new_v4(), org, role, grants)
    }

    /// A token for `user` in `org` with `role` and extra `grants`.
    pub fn token_for(&self, user: Uuid, org: Option<Uuid>, role: &str, grants: &[&str]) -> String {
        self.key.sign(&Claims {
            sub: user,
            org,
            role: Some(role.to_string()),
            email: None,
            grants: grants.iter().map(|g| g.to_string()).collect(),
            exp: now() + 3600,
            iat: Some(now()),
            nbf: None,
        })
    }

    /// Sends `method path` with an optional bearer `token` and JSON `body`.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let body = body.map(Value::to_string);
        self.send_text(method, path, token, body.as_deref()).await
    }

    /// Sends `method path` with an optional bearer `token` and a JSON body written as `body`
    /// (byte for byte: numbers keep every digit).
    pub async fn send_text(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        self.request(method, path, token, body, &[]).await
    }

    /// As [`Server::send`], with extra request `headers`.
    pub async fn send_with_headers(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let body = body.map(Value::to_string);
        self.request(method, path, token, body.as_deref(), headers)
            .await
    }

    /// Sends `method path` with an optional bearer `token` and `bytes` as a body of
    /// `content_type`.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Content-Type", content_type)
            .body(bytes);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        Reply::from(request.send().await.expect("the server answers")).await
    }

    async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        Reply::from(request.send().await.expect("the server answers")).await
    }

    /// Creates a showcase customer named `name` in the organisation of `token`; its id.
    /// Panics unless the create answers 201.
    pub async fn create_customer(&self, token: &str, name: &str) -> String {
        let created = self
            .send(
                "POST",
                "/api/data/customers",
                Some(token),
                Some(&serde_json::json!({"name": name})),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.body["data"]["id"]
            .as_str()
            .expect("an id")
            .to_string()
    }

    /// The server's socket address.
    pub fn address(&self) -> SocketAddr {
        self.base
            .trim_start_matches("http://")
            .parse()
            .expect("the base is http://<address>")
    }

    /// The events published so far.
    pub fn drain_events(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            out.push(Arc::unwrap_or_clone(event));
        }
        out
    }
}

/// Asserts `reply` is an error envelope with `status` and `code`.
pub fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "status of {}", reply.text);
    assert_eq!(reply.body["success"], false, "{}", reply.text);
    assert_eq!(reply.body["error"]["code"], code, "{}", reply.text);
    assert!(reply.body["message"].is_string(), "{}", reply.text);
}

/// The SQLite database, and the PostgreSQL one when a server is configured.
pub async fn databases(prefix: &str) -> Vec<(&'static str, DatabaseConnection)> {
    let mut out = vec![("sqlite", testing::sqlite_database(prefix).await)];
    if let Some(db) = testing::postgres_database(prefix).await {
        out.push(("postgres", db));
    }
    out
}
