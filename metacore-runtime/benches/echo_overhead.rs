//! Per-call overhead of a trivial echo handler: load once, then per call a fresh instance
//! (what ships), the request copied in, the handler called, the response copied out — beside
//! a reused instance (the alternative policy, measured with raw wasmtime on the same engine
//! settings) and a native Rust function doing the same JSON echo. Prints p50/p99 and ratios.
//!
//! Run: `cargo bench -p metacore-runtime --bench echo_overhead`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use metacore_runtime::egress::EgressGuard;
use metacore_runtime::outbound::OutboundClient;
use metacore_runtime::registry::{
    AddonDescriptor, BackendDescriptor, Handler, ToolDescriptor, WasmHandlerRef,
};
use metacore_runtime::{
    CallerContext, EventBus, HostServices, Installation, Metrics, Sandbox, SandboxConfig,
};
use uuid::Uuid;

const CALLS: usize = 20_000;
const WARM_UP: usize = 1_000;

const ECHO: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "alloc") (param $n i32) (result i32)
    i32.const 1024)
  (func (export "echo") (param $p i32) (param $l i32) (result i64)
    local.get $p
    i64.extend_i32_u
    i64.const 32
    i64.shl
    local.get $l
    i64.extend_i32_u
    i64.or))"#;

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    (at(0.50), at(0.99))
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn native_echo(request: &[u8]) -> Vec<u8> {
    let value: serde_json::Value = serde_json::from_slice(request).unwrap_or_default();
    serde_json::to_vec(&value).unwrap_or_default()
}

/// One tool, `echo`, run by the WASM export `echo`.
static ADDON: AddonDescriptor = AddonDescriptor {
    key: "bench",
    name: "bench",
    version: "0.1.0",
    tools: &[ToolDescriptor {
        key: "echo",
        name: "echo",
        description: "echo",
        input_schema_json: None,
        timeout_ms: None,
        handler: Handler::Wasm { function: "echo" },
    }],
    backend: BackendDescriptor {
        wasm_handlers: &[WasmHandlerRef {
            function: "echo",
            pointer: "/contributions/tools/0/handler/function",
        }],
        ..BackendDescriptor::DEFAULT
    },
    ..AddonDescriptor::EMPTY
};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let wasm = wat::parse_str(ECHO).expect("valid WAT");
    let sandbox = Sandbox::new(SandboxConfig::default()).expect("sandbox");
    let module = sandbox.load(&ADDON, &wasm).expect("module loads");
    let metrics = Metrics::new();
    let services = Arc::new(HostServices {
        database: None,
        events: EventBus::default(),
        outbound: OutboundClient::new(EgressGuard::strict(), metrics.clone()).expect("client"),
        metrics,
        shared_tables: Vec::new(),
        sql_checks: Default::default(),
    });
    let caller = CallerContext {
        installation: Arc::new(Installation {
            id: Uuid::new_v4(),
            org_id: Uuid::new_v4(),
            settings: BTreeMap::new(),
            secret: None,
            webhook_base_url: None,
        }),
        user_id: None,
        request_id: Uuid::new_v4(),
        locale: None,
    };
    let request = serde_json::to_vec(&serde_json::json!({
        "invocation": "tool", "tool": "echo", "payload": {"text": "hello", "n": 42}
    }))
    .expect("request");

    let mut fresh = Vec::with_capacity(CALLS);
    for i in 0..WARM_UP + CALLS {
        let started = Instant::now();
        let done = module
            .call("echo", &request, caller.clone(), services.clone())
            .await
            .expect("echo call");
        let elapsed = started.elapsed();
        assert_eq!(done.response, request);
        if i >= WARM_UP {
            fresh.push(elapsed);
        }
    }

    let reused = reused_instance_samples(&wasm, &request);

    let mut native = Vec::with_capacity(CALLS);
    for i in 0..WARM_UP + CALLS {
        let started = Instant::now();
        let response = native_echo(std::hint::black_box(&request));
        let elapsed = started.elapsed();
        std::hint::black_box(response);
        if i >= WARM_UP {
            native.push(elapsed);
        }
    }

    let (fresh50, fresh99) = percentiles(fresh);
    let (reuse50, reuse99) = percentiles(reused);
    let (native50, native99) = percentiles(native);
    println!(
        "echo handler, {CALLS} calls each ({} byte request)",
        request.len()
    );
    println!(
        "  wasm, fresh instance per call (ships): p50 {:8.2} µs  p99 {:8.2} µs",
        micros(fresh50),
        micros(fresh99)
    );
    println!(
        "  wasm, reused instance (alternative):   p50 {:8.2} µs  p99 {:8.2} µs",
        micros(reuse50),
        micros(reuse99)
    );
    println!(
        "  native Rust JSON echo:                 p50 {:8.2} µs  p99 {:8.2} µs",
        micros(native50),
        micros(native99)
    );
    println!(
        "  ratio fresh/native p50 {:.1}x, reused/native p50 {:.1}x; target p50 < 50 µs: {}",
        micros(fresh50) / micros(native50).max(1e-3),
        micros(reuse50) / micros(native50).max(1e-3),
        if fresh50 < Duration::from_micros(50) {
            "met"
        } else {
            "MISSED"
        }
    );
}

/// One instance, reused for every call (what the reuse policy would cost at best: no
/// reset, no host imports, synchronous calls).
fn reused_instance_samples(wasm: &[u8], request: &[u8]) -> Vec<Duration> {
    use wasmtime::{Config, Engine, Instance, Module, Store};
    let mut config = Config::new();
    config
        .epoch_interruption(true)
        .wasm_backtrace_max_frames(None);
    let engine = Engine::new(&config).expect("engine");
    let module = Module::new(&engine, wasm).expect("module");
    let mut store = Store::new(&engine, ());
    store.set_epoch_deadline(u64::MAX / 2);
    let instance = Instance::new(&mut store, &module, &[]).expect("instance");
    let memory = instance.get_memory(&mut store, "memory").expect("memory");
    let alloc = instance
        .get_typed_func::<i32, i32>(&mut store, "alloc")
        .expect("alloc");
    let echo = instance
        .get_typed_func::<(i32, i32), i64>(&mut store, "echo")
        .expect("echo");
    let mut samples = Vec::with_capacity(CALLS);
    for i in 0..WARM_UP + CALLS {
        let started = Instant::now();
        let ptr = alloc.call(&mut store, request.len() as i32).expect("alloc") as usize;
        memory.data_mut(&mut store)[ptr..ptr + request.len()].copy_from_slice(request);
        let packed = echo
            .call(&mut store, (ptr as i32, request.len() as i32))
            .expect("echo") as u64;
        let (rp, rl) = ((packed >> 32) as usize, packed as u32 as usize);
        let response = memory.data(&store)[rp..rp + rl].to_vec();
        let elapsed = started.elapsed();
        std::hint::black_box(response);
        if i >= WARM_UP {
            samples.push(elapsed);
        }
    }
    samples
}
