//! The runtime's Prometheus metrics (`runtime.md` §13), exposed by `GET /metrics`
//! ([`crate::api::server`]) when `METACORE_METRICS_TOKEN` is set.
//!
//! A [`Metrics`] is one registry and its metric families behind an `Arc`: cheap to clone and
//! handed to whatever records. Each [`crate::api::ApiState`] has its own (it lives in the
//! dispatcher's [`HostServices`](crate::sandbox::HostServices), which every host import and
//! the guarded outbound client reach), so servers sharing a process never mix their counts.
//!
//! Every registered metric is updated by the code path it describes:
//!
//! | Metric | Recorded by |
//! |---|---|
//! | `http_requests_total{method,route,status}`, `http_request_duration_seconds{method,route}` | the application's outermost middleware, once per request ([`crate::api::server`]) |
//! | `wasm_invocations_total{addon,result}`, `wasm_invocation_duration_seconds{addon}` | the dispatcher, once per WASM handler call that reached the sandbox ([`crate::dispatch`]) |
//! | `wasm_host_calls_total{import}` | every `metacore_host` import, on entry ([`crate::sandbox::host`]) |
//! | `capability_violations_total{addon,kind,mode}` | [`CapabilityPolicy::permit`](crate::policy::CapabilityPolicy::permit), for each violation it logs |
//! | `egress_refused_total{reason}` | the guarded outbound client, for each hop the egress guard refuses ([`crate::outbound`]) |
//! | `events_written_total` | every event published after its write committed: the API's canonical events and handlers' `event_emit` |
//! | `ws_connections`, `ws_messages_sent_total{type}`, `ws_slow_consumer_disconnects_total` | the WebSocket hub, as connections register and leave, frames are queued and slow consumers dropped ([`crate::hub`]) |
//! | `webhook_deliveries_total{result}`, `webhook_delivery_duration_seconds` | the outbound webhook deliveries, once per recorded attempt: `succeeded`, `failed` (to be retried) or `dead` ([`crate::webhooks`]) |
//!
//! Labels are bounded: route templates (never raw paths; `unmatched` when no route matched),
//! the standard HTTP methods (anything else is `other`), status codes, addon keys (bounded by
//! the build), capability kinds and modes, import names, and the fixed refusal kinds of
//! [`RefusalKind`]. No user, organisation or record id is ever a label.
//!
//! Not registered yet, because the subsystem it measures does not exist in this runtime:
//! the event log consumers' `event_consumer_lag` (§8). A registered metric that nothing updates would report a
//! misleading zero; each arrives with its subsystem.
//!
//! The exposition is the OpenMetrics text format (the standardised Prometheus text format,
//! which Prometheus scrapes natively), written by the Prometheus project's own
//! `prometheus-client` crate.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::egress::RefusalKind;

/// The `Content-Type` of [`Metrics::encode`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The `route` label of a request no route matched (unknown paths, requests refused before
/// routing).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Upper bounds of the HTTP request duration buckets, in seconds.
const HTTP_BUCKETS: [f64; 15] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Upper bounds of the WASM invocation duration buckets, in seconds (a fresh instance costs
/// tens of microseconds; the deadline is at most 60 s).
const WASM_BUCKETS: [f64; 18] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0, 30.0, 60.0,
];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: Arc<str>,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: Arc<str>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InvocationLabels {
    addon: String,
    result: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AddonLabels {
    addon: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ImportLabels {
    import: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ViolationLabels {
    addon: String,
    kind: String,
    mode: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

/// Upper bounds of the webhook delivery duration buckets, in seconds (up to the 60 s
/// timeout).
const WEBHOOK_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0,
];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FrameLabels {
    r#type: &'static str,
}

/// The frame types counted by name (`runtime.md` §7); every other type (canonical event
/// names) is counted as `event`, which keeps the label bounded.
const FRAME_TYPES: [&str; 8] = [
    "NOTIFICATION",
    "STATUS_UPDATE",
    "CUSTOM",
    "ADDON_MANIFEST_CHANGED",
    "pong",
    "subscribed",
    "unsubscribed",
    "error",
];

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn http_histogram() -> Histogram {
    Histogram::new(HTTP_BUCKETS)
}

fn wasm_histogram() -> Histogram {
    Histogram::new(WASM_BUCKETS)
}

/// How a WASM handler call ended (the `result` label of `wasm_invocations_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmResult {
    /// The handler succeeded.
    Ok,
    /// The handler answered with a refusal (`{"success": false, …}` or a flat error).
    Declined,
    /// Any failure but the deadline: a trap, a module that could not be instantiated, an
    /// answer that is not JSON (`addon_trap`, `addon_failed`, `bad_addon_response`).
    Trap,
    /// The deadline passed (`addon_timeout`).
    Timeout,
}

impl WasmResult {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            WasmResult::Ok => "ok",
            WasmResult::Declined => "declined",
            WasmResult::Trap => "trap",
            WasmResult::Timeout => "timeout",
        }
    }
}

struct Inner {
    registry: Registry,
    http_requests: Family<RequestLabels, Counter>,
    http_duration: HistogramFamily<RouteLabels>,
    wasm_invocations: Family<InvocationLabels, Counter>,
    wasm_duration: HistogramFamily<AddonLabels>,
    host_calls: Family<ImportLabels, Counter>,
    violations: Family<ViolationLabels, Counter>,
    egress_refused: Family<ReasonLabels, Counter>,
    events_written: Counter,
    ws_connections: Gauge,
    ws_messages: Family<FrameLabels, Counter>,
    ws_slow: Counter,
    webhook_deliveries: Family<ResultLabels, Counter>,
    webhook_duration: Histogram,
}

/// One server's metrics: a registry and its families; clone freely (one `Arc`).
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A fresh registry with every metric of this runtime at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let http_requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests served, by method, route template and status",
            http_requests.clone(),
        );
        let http_duration: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(http_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by method and route template",
            Unit::Seconds,
            http_duration.clone(),
        );
        let wasm_invocations = Family::<InvocationLabels, Counter>::default();
        registry.register(
            "wasm_invocations",
            "WASM handler calls, by addon and result (ok, declined, trap, timeout)",
            wasm_invocations.clone(),
        );
        let wasm_duration: HistogramFamily<AddonLabels> =
            Family::new_with_constructor(wasm_histogram);
        registry.register_with_unit(
            "wasm_invocation_duration",
            "Time a WASM handler call took in the sandbox, by addon",
            Unit::Seconds,
            wasm_duration.clone(),
        );
        let host_calls = Family::<ImportLabels, Counter>::default();
        registry.register(
            "wasm_host_calls",
            "Calls of metacore_host imports by guests, by import",
            host_calls.clone(),
        );
        let violations = Family::<ViolationLabels, Counter>::default();
        registry.register(
            "capability_violations",
            "Operations not covered by the addon's capabilities, by addon, kind and mode",
            violations.clone(),
        );
        let egress_refused = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "egress_refused",
            "Outbound hops refused by the egress guard, by reason",
            egress_refused.clone(),
        );
        let events_written = Counter::default();
        registry.register(
            "events_written",
            "Events published after their write committed",
            events_written.clone(),
        );
        let ws_connections = Gauge::default();
        registry.register(
            "ws_connections",
            "WebSocket connections open",
            ws_connections.clone(),
        );
        let ws_messages = Family::<FrameLabels, Counter>::default();
        registry.register(
            "ws_messages_sent",
            "Frames queued to WebSocket connections, by type (event names as `event`)",
            ws_messages.clone(),
        );
        let ws_slow = Counter::default();
        registry.register(
            "ws_slow_consumer_disconnects",
            "WebSocket connections dropped because their outbound queue was full",
            ws_slow.clone(),
        );
        let webhook_deliveries = Family::<ResultLabels, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Outbound webhook delivery attempts, by result (succeeded, failed, dead)",
            webhook_deliveries.clone(),
        );
        let webhook_duration = Histogram::new(WEBHOOK_BUCKETS);
        registry.register_with_unit(
            "webhook_delivery_duration",
            "Time an outbound webhook delivery attempt took",
            Unit::Seconds,
            webhook_duration.clone(),
        );
        Metrics(Arc::new(Inner {
            registry,
            http_requests,
            http_duration,
            wasm_invocations,
            wasm_duration,
            host_calls,
            violations,
            egress_refused,
            events_written,
            ws_connections,
            ws_messages,
            ws_slow,
            webhook_deliveries,
            webhook_duration,
        }))
    }

    /// One HTTP request answered with `status` after `elapsed`; `route` is the matched
    /// route template ([`UNMATCHED_ROUTE`] when none matched), never the raw path.
    pub fn http_request(&self, method: &str, route: Arc<str>, status: u16, elapsed: Duration) {
        let method = method_label(method);
        self.0
            .http_requests
            .get_or_create(&RequestLabels {
                method,
                route: route.clone(),
                status,
            })
            .inc();
        self.0
            .http_duration
            .get_or_create(&RouteLabels { method, route })
            .observe(elapsed.as_secs_f64());
    }

    /// One WASM handler call of `addon` that ended with `result` after `elapsed`.
    pub fn wasm_invocation(&self, addon: &str, result: WasmResult, elapsed: Duration) {
        self.0
            .wasm_invocations
            .get_or_create(&InvocationLabels {
                addon: addon.to_string(),
                result: result.as_str(),
            })
            .inc();
        self.0
            .wasm_duration
            .get_or_create(&AddonLabels {
                addon: addon.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// One call of the host import `import`.
    pub fn host_call(&self, import: &'static str) {
        self.0
            .host_calls
            .get_or_create(&ImportLabels { import })
            .inc();
    }

    /// One capability violation of `addon` needing `kind`, under `mode`.
    pub fn capability_violation(&self, addon: &str, kind: &str, mode: &'static str) {
        self.0
            .violations
            .get_or_create(&ViolationLabels {
                addon: addon.to_string(),
                kind: kind.to_string(),
                mode,
            })
            .inc();
    }

    /// One outbound webhook delivery attempt recorded as `result` (`succeeded`, `failed` or
    /// `dead`) after `elapsed`.
    pub fn webhook_delivery(&self, result: &'static str, elapsed: Duration) {
        self.0
            .webhook_deliveries
            .get_or_create(&ResultLabels { result })
            .inc();
        self.0.webhook_duration.observe(elapsed.as_secs_f64());
    }

    /// One hop refused by the egress guard for `reason`.
    pub fn egress_refused(&self, reason: RefusalKind) {
        self.0
            .egress_refused
            .get_or_create(&ReasonLabels {
                reason: reason.as_str(),
            })
            .inc();
    }

    /// `count` events published after their write committed.
    pub fn events_written(&self, count: u64) {
        self.0.events_written.inc_by(count);
    }

    /// `delta` WebSocket connections opened (positive) or closed (negative).
    pub fn ws_connected(&self, delta: i64) {
        self.0.ws_connections.inc_by(delta);
    }

    /// One frame of type `kind` queued to a WebSocket connection.
    pub fn ws_message_sent(&self, kind: &str) {
        self.ws_messages_sent(kind, 1);
    }

    /// `count` WebSocket frames of type `kind` queued at once (one fan-out).
    pub fn ws_messages_sent(&self, kind: &str, count: u64) {
        if count == 0 {
            return;
        }
        let kind = FRAME_TYPES
            .iter()
            .find(|known| **known == kind)
            .copied()
            .unwrap_or("event");
        self.0
            .ws_messages
            .get_or_create(&FrameLabels { r#type: kind })
            .inc_by(count);
    }

    /// One WebSocket connection dropped as a slow consumer.
    pub fn ws_slow_consumer_disconnected(&self) {
        self.0.ws_slow.inc();
    }

    /// The exposition of every metric, in the OpenMetrics text format ([`CONTENT_TYPE`]).
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.0.registry);
        text
    }
}

/// The `method` label: the standard methods as they are, anything else `other` (a client
/// may send any token as a method; labels stay bounded).
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE",
    ];
    KNOWN
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or("other")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_is_exposed_with_its_labels() {
        let metrics = Metrics::new();
        metrics.http_request(
            "GET",
            "/api/data/customers/:id".into(),
            200,
            Duration::from_millis(3),
        );
        metrics.http_request("BREW", UNMATCHED_ROUTE.into(), 404, Duration::ZERO);
        metrics.wasm_invocation("showcase", WasmResult::Declined, Duration::from_micros(20));
        metrics.host_call("http_fetch");
        metrics.capability_violation("showcase", "http:fetch", "enforce");
        metrics.egress_refused(RefusalKind::BlockedAddress);
        metrics.events_written(2);
        metrics.webhook_delivery("dead", Duration::from_millis(5));
        let text = metrics.encode();
        for line in [
            r#"http_requests_total{method="GET",route="/api/data/customers/:id",status="200"} 1"#,
            r#"http_requests_total{method="other",route="unmatched",status="404"} 1"#,
            r#"http_request_duration_seconds_count{method="GET",route="/api/data/customers/:id"} 1"#,
            r#"wasm_invocations_total{addon="showcase",result="declined"} 1"#,
            r#"wasm_invocation_duration_seconds_count{addon="showcase"} 1"#,
            r#"wasm_host_calls_total{import="http_fetch"} 1"#,
            r#"capability_violations_total{addon="showcase",kind="http:fetch",mode="enforce"} 1"#,
            r#"egress_refused_total{reason="blocked_address"} 1"#,
            "events_written_total 2",
            r#"webhook_deliveries_total{result="dead"} 1"#,
            "webhook_delivery_duration_seconds_count 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing `{line}` in:\n{text}"
            );
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
        // Registries are per handle: another starts at zero.
        assert!(!Metrics::new().encode().contains("showcase"));
    }
}
