//! Shared fixtures: addons lowered from a small v3 manifest, WAT guests, a dispatcher with
//! real services, a one-shot local HTTP server, and the PostgreSQL URL helper.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use metacore_gen::ir::{self, HandlerKind};
use metacore_runtime::egress::EgressGuard;
use metacore_runtime::outbound::OutboundClient;
use metacore_runtime::{
    ActionCall, CallerContext, Dispatcher, DispatcherConfig, EventBus, HostServices, Installation,
    Sandbox, SandboxConfig, Secret,
};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use uuid::Uuid;

/// The installation secret of every test installation.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A v3 addon `key` with a tenant-scoped, soft-deleting `notes` model and one action per
/// WASM function in `functions` (action key = function name), plus tool `echo_tool`.
pub fn addon(key: &str, functions: &[&str]) -> ir::Addon {
    let actions: Vec<Value> = functions
        .iter()
        .map(|f| {
            serde_json::json!({"key": f, "label": f, "target_model": "Note",
                               "handler": {"type": "wasm", "function": f}})
        })
        .collect();
    let manifest = serde_json::json!({
        "apiVersion": "asteby.com/v3",
        "kind": "Addon",
        "metadata": {"key": key, "name": key, "version": "0.1.0"},
        "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]},
        "tenancy": {"isolation": "shared", "rls_column": "organization_id"},
        "models": [{
            "key": "Note", "table": "notes", "label": "Notes",
            "columns": [
                {"name": "id", "type": "uuid", "primary_key": true},
                {"name": "organization_id", "type": "uuid", "not_null": true},
                {"name": "title", "type": "text", "not_null": true},
                {"name": "deleted_at", "type": "timestamptz"}
            ]
        }],
        "contributions": {
            "actions": actions,
            "tools": [{
                "key": "echo_tool", "description": "echoes",
                "input_schema": {"type": "object", "required": ["text"],
                                 "properties": {"text": {"type": "string"}}},
                "handler": {"type": "wasm", "function": functions[0]}
            }]
        }
    });
    let bytes = serde_json::to_vec(&manifest).expect("manifest serialises");
    let loaded = metacore_gen::frontend::load(
        Path::new("/nonexistent/manifest.json"),
        &bytes,
        &Default::default(),
    );
    let Some(addon) = loaded.addon else {
        panic!(
            "the test manifest does not lower: {:#?}",
            loaded.report.diagnostics
        )
    };
    assert!(
        addon.models[0].tenancy_column().is_some(),
        "the notes model is tenant-scoped"
    );
    addon
}

/// Adds a capability to `addon`.
pub fn grant(addon: &mut ir::Addon, kind: &str, target: &str) {
    addon.capabilities.push(ir::Capability {
        kind: kind.into(),
        target: target.into(),
        reason: None,
        src: String::new(),
    });
}

/// Makes action `key` a webhook handler.
pub fn webhook_action(addon: &mut ir::Addon, key: &str, url: &str) {
    if let Some(action) = addon.actions.iter_mut().find(|a| a.key == key) {
        action.handler.kind = HandlerKind::Webhook {
            url: url.into(),
            method: "POST".into(),
        };
    }
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
    HostServices {
        database,
        events: EventBus::default(),
        outbound: OutboundClient::new(guard).expect("client builds"),
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
pub fn dispatcher(addon: ir::Addon, wasm: &[u8], services: HostServices) -> Dispatcher {
    dispatcher_on(&sandbox(), addon, wasm, services)
}

/// A dispatcher with `addon` loaded from `wasm` into `sandbox`.
pub fn dispatcher_on(
    sandbox: &Arc<Sandbox>,
    addon: ir::Addon,
    wasm: &[u8],
    services: HostServices,
) -> Dispatcher {
    let addon = Arc::new(addon);
    let module = sandbox.load(addon.clone(), wasm).expect("module loads");
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
