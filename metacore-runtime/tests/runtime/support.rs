//! Shared fixtures: addon descriptors as a build would carry them, WAT guests, a dispatcher with
//! real services, a one-shot local HTTP server, and the PostgreSQL URL helper.

use std::collections::BTreeMap;
use std::sync::Arc;

use metacore_runtime::egress::EgressGuard;
use metacore_runtime::outbound::OutboundClient;
use metacore_runtime::registry::{
    ActionDescriptor, AddonDescriptor, BackendDescriptor, ColumnDescriptor, ColumnKind, ColumnRole,
    DeclaredCapability, Handler, ModelDescriptor, ToolDescriptor, WasmHandlerRef,
};
use metacore_runtime::{
    ActionCall, CallerContext, Dispatcher, DispatcherConfig, EventBus, HostServices, Installation,
    Metrics, Sandbox, SandboxConfig, Secret,
};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use uuid::Uuid;

/// The installation secret of every test installation.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A test addon: key, the WASM functions its actions run, extra capabilities and webhook
/// actions, and backend limits; [`TestAddon::leak`] turns it into the `'static` descriptor
/// a build would carry.
#[derive(Debug, Clone)]
pub struct TestAddon {
    /// The addon key.
    pub key: String,
    /// One action per function (action key = function name); tool `echo_tool` runs the first.
    pub functions: Vec<String>,
    /// Declared capabilities `(kind, target)`.
    pub capabilities: Vec<(String, String)>,
    /// Actions turned into webhook handlers: action key → URL.
    pub webhooks: BTreeMap<String, String>,
    /// Backend limits.
    pub backend: BackendDescriptor,
}

fn leak_str(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

impl TestAddon {
    /// The descriptor, leaked: tests build a handful, and descriptors are `'static` by design.
    pub fn leak(&self) -> &'static AddonDescriptor {
        let key = leak_str(&self.key);
        let column = |name: &'static str, kind, role| ColumnDescriptor {
            name,
            kind,
            nullable: !matches!(role, ColumnRole::Id | ColumnRole::Tenancy),
            role,
            has_default: false,
            generated: false,
            options: &[],
            reference: None,
        };
        let notes = ModelDescriptor {
            key: "Note",
            route: "notes",
            physical_table: leak_str(&format!("addon_{key}__notes")),
            tenancy_column: Some("organization_id"),
            soft_delete: true,
            capabilities: &[],
            columns: leak_slice(vec![
                column("id", ColumnKind::Uuid, ColumnRole::Id),
                column("organization_id", ColumnKind::Uuid, ColumnRole::Tenancy),
                column("title", ColumnKind::Text, ColumnRole::Data),
                column("deleted_at", ColumnKind::Timestamptz, ColumnRole::DeletedAt),
            ]),
            display_column: "title",
            search_columns: &[],
            default_per_page: 15,
            unique: &[],
            table_metadata_json: "{}",
            modal_metadata_json: "{}",
            row_counts: false,
            search_index: &[],
            search_document: false,
            search_scan: false,
            rule: None,
        };
        let functions: Vec<&'static str> = self.functions.iter().map(|f| leak_str(f)).collect();
        let actions = functions
            .iter()
            .map(|&function| ActionDescriptor {
                key: function,
                model: Some("notes"),
                placement: "row",
                requires_state: &[],
                fields: &[],
                idempotency_key: None,
                handler: match self.webhooks.get(function) {
                    Some(url) => Handler::Webhook {
                        url: leak_str(url),
                        method: "POST",
                    },
                    None => Handler::Wasm { function },
                },
            })
            .collect();
        let tools = leak_slice(vec![ToolDescriptor {
            key: "echo_tool",
            name: "echo_tool",
            description: "echoes",
            input_schema_json: Some(
                r#"{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}"#,
            ),
            timeout_ms: None,
            handler: Handler::Wasm {
                function: functions[0],
            },
        }]);
        let wasm_handlers = functions
            .iter()
            .enumerate()
            .filter(|(_, f)| !self.webhooks.contains_key(**f))
            .map(|(i, &function)| WasmHandlerRef {
                function,
                pointer: leak_str(&format!("/contributions/actions/{i}/handler/function")),
            })
            .chain(std::iter::once(WasmHandlerRef {
                function: functions[0],
                pointer: "/contributions/tools/0/handler/function",
            }))
            .collect();
        let capabilities = self
            .capabilities
            .iter()
            .map(|(kind, target)| DeclaredCapability {
                kind: leak_str(kind),
                target: leak_str(target),
            })
            .collect();
        Box::leak(Box::new(AddonDescriptor {
            key,
            name: key,
            version: "0.1.0",
            models: leak_slice(vec![notes]),
            capabilities: leak_slice(capabilities),
            actions: leak_slice(actions),
            tools,
            backend: BackendDescriptor {
                wasm_handlers: leak_slice(wasm_handlers),
                ..self.backend
            },
            ..AddonDescriptor::EMPTY
        }))
    }
}

/// Addon `key` with a tenant-scoped, soft-deleting `notes` model and one action per WASM
/// function in `functions` (action key = function name), plus tool `echo_tool`.
pub fn addon(key: &str, functions: &[&str]) -> TestAddon {
    TestAddon {
        key: key.to_string(),
        functions: functions.iter().map(|f| f.to_string()).collect(),
        capabilities: Vec::new(),
        webhooks: BTreeMap::new(),
        backend: BackendDescriptor::DEFAULT,
    }
}

/// Adds a capability to `addon`.
pub fn grant(addon: &mut TestAddon, kind: &str, target: &str) {
    addon.capabilities.push((kind.into(), target.into()));
}

/// Makes action `key` a webhook handler.
pub fn webhook_action(addon: &mut TestAddon, key: &str, url: &str) {
    addon.webhooks.insert(key.into(), url.into());
}

/// A bump allocator, echo handlers of both signatures, and `extra` module fields.
pub fn guest(extra: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
             (memory (export "memory") 2)
             (global $bump (mut i32) (i32.const 65536))
             (func $alloc (export "alloc") (param $n i32) (result i32)
               (local $p i32)
               global.get $bump
               local.set $p
               global.get $bump
               local.get $n
               i32.add
               global.set $bump
               local.get $p)
             (func (export "echo") (param $p i32) (param $l i32) (result i64)
               local.get $p
               i64.extend_i32_u
               i64.const 32
               i64.shl
               local.get $l
               i64.extend_i32_u
               i64.or)
             (func (export "echo_packed") (param $x i64) (result i64)
               local.get $x)
             {extra}
           )"#
    ))
    .expect("valid WAT")
}

/// A guest whose handler `run` makes `calls` to host imports — each `(import, args)` with
/// string arguments placed in data segments — and returns the last call's result.
pub fn calling_guest(calls: &[(&str, Vec<String>)]) -> Vec<u8> {
    wat::parse_str(metacore_runtime::testing::calling_guest_wat(
        calls,
        &["run"],
    ))
    .expect("valid WAT")
}

/// Services with `database`, a loopback-allowing egress guard when `allow_loopback`.
pub fn services(database: Option<DatabaseConnection>, allow_loopback: bool) -> HostServices {
    let guard = if allow_loopback {
        EgressGuard::with_allow_list("127.0.0.1").expect("valid allow-list")
    } else {
        EgressGuard::strict()
    };
    let metrics = Metrics::new();
    HostServices {
        database,
        events: EventBus::default(),
        outbound: OutboundClient::new(guard, metrics.clone()).expect("client builds"),
        metrics,
        shared_tables: Vec::new(),
        sql_checks: Default::default(),
    }
}

/// The process-wide sandbox for tests.
pub fn sandbox() -> Arc<Sandbox> {
    static SANDBOX: std::sync::OnceLock<Arc<Sandbox>> = std::sync::OnceLock::new();
    SANDBOX
        .get_or_init(|| Sandbox::new(SandboxConfig::default()).expect("sandbox starts"))
        .clone()
}

/// A dispatcher with `addon` loaded from `wasm`.
pub fn dispatcher(addon: TestAddon, wasm: &[u8], services: HostServices) -> Dispatcher {
    dispatcher_on(&sandbox(), addon, wasm, services)
}

/// A dispatcher with `addon` loaded from `wasm` into `sandbox`.
pub fn dispatcher_on(
    sandbox: &Arc<Sandbox>,
    addon: TestAddon,
    wasm: &[u8],
    services: HostServices,
) -> Dispatcher {
    let addon = addon.leak();
    let module = sandbox.load(addon, wasm).expect("module loads");
    let dispatcher = Dispatcher::new(DispatcherConfig {
        services,
        capability_mode: Default::default(),
    });
    dispatcher
        .register(addon, Some(module))
        .expect("addon registers");
    dispatcher
}

/// A caller in organisation `org` with `settings`.
pub fn caller(org: Uuid, settings: BTreeMap<String, Value>) -> CallerContext {
    CallerContext {
        installation: Arc::new(Installation {
            id: Uuid::new_v4(),
            org_id: org,
            settings,
            secret: Some(Secret::new(SECRET)),
            webhook_base_url: None,
        }),
        user_id: Some(Uuid::new_v4()),
        request_id: Uuid::new_v4(),
        locale: Some("es".into()),
    }
}

/// An action call of `action` on addon `addon_key` with `payload`.
pub fn action(addon_key: &str, action: &str, payload: Value, caller: &CallerContext) -> ActionCall {
    ActionCall {
        addon_key: addon_key.into(),
        action_key: action.into(),
        record_id: Some(Uuid::new_v4()),
        record: Some(serde_json::json!({"title": "t"})),
        payload,
        caller: caller.clone(),
    }
}

/// One HTTP request a [`serve`] server received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Lowercased header names and values.
    pub headers: BTreeMap<String, String>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Serves one request on 127.0.0.1 with `response` (status line and headers included);
/// returns the address and a handle resolving to what was received.
pub async fn serve(response: String) -> (std::net::SocketAddr, tokio::task::JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        let header_end = loop {
            let n = socket.read(&mut chunk).await.expect("read");
            buffer.extend_from_slice(&chunk[..n]);
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            assert!(n > 0, "connection closed before the headers ended");
        };
        let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default().to_string();
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        let headers: BTreeMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length: usize = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let mut body = buffer[header_end + 4..].to_vec();
        while body.len() < length {
            let n = socket.read(&mut chunk).await.expect("read body");
            assert!(n > 0, "connection closed before the body ended");
            body.extend_from_slice(&chunk[..n]);
        }
        socket.write_all(response.as_bytes()).await.expect("write");
        socket.shutdown().await.ok();
        Received {
            method,
            path,
            headers,
            body,
        }
    });
    (addr, handle)
}

/// A `200 OK` JSON response.
pub fn json_response(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}
