//! `GET /metrics` and `X-Request-Id` on a served application (`runtime.md` §13).
//!
//! A scripted workload — creates, reads, a missing record, an unknown path, a WASM action
//! that succeeds and one the addon declines — then one scrape, parsed: exact counts per
//! (method, route template, status), histogram counts that match them, the WASM invocations
//! by addon and result, committed events equal to what the bus carried, and no id of any
//! kind in a label. Without the token (or with another) `/metrics` is a 401; on a server
//! configured without one it is a 404. Request ids: a valid client id is echoed, an absent
//! or invalid one replaced by a UUID v4, on successes and errors alike, and it is the id the
//! WASM handler is given.

use std::collections::BTreeMap;

use metacore_runtime::api::observe::MetricsToken;
use metacore_runtime::api::server::Options;
use metacore_runtime::api::HandlerSettings;
use serde_json::json;
use uuid::Uuid;

use super::support::{assert_error, databases, sandbox, Server, ORG_A};

const TOKEN: &str = "metrics-test-token";

/// One sample of the exposition: its metric name and labels.
type Series = (String, BTreeMap<String, String>);

/// The samples of an OpenMetrics text exposition, by (name, labels).
fn parse(text: &str) -> BTreeMap<Series, f64> {
    let mut samples = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').expect("`<series> <value>`");
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("a number in {line}"));
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.strip_suffix('}').expect("closing brace")),
            None => (series, ""),
        };
        samples.insert((name.to_string(), parse_labels(labels)), value);
    }
    samples
}

/// `k="v",…` with `\\`, `\"` and `\n` escapes in values.
fn parse_labels(mut text: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    while !text.is_empty() {
        let (key, rest) = text.split_once("=\"").expect("key=\"value\"");
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next().expect("a closing quote") {
                (i, '"') => break i,
                (_, '\\') => match chars.next().expect("an escape").1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                (_, c) => value.push(c),
            }
        };
        labels.insert(key.to_string(), value);
        text = rest[end + 1..].trim_start_matches(',');
    }
    labels
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The value of `name{pairs}`, 0 when absent.
fn sample(samples: &BTreeMap<Series, f64>, name: &str, pairs: &[(&str, &str)]) -> f64 {
    samples
        .get(&(name.to_string(), labels(pairs)))
        .copied()
        .unwrap_or(0.0)
}

/// True when `text` holds something shaped like a UUID (8-4-4-4-12 hex digits).
fn contains_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(35)).any(|start| {
        bytes[start..start + 36]
            .iter()
            .enumerate()
            .all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            })
    })
}

async fn metrics_server(db: sea_orm::DatabaseConnection) -> Server {
    Server::start_with_options(
        db,
        sandbox(),
        HandlerSettings::default(),
        None,
        Options {
            metrics_token: MetricsToken::new(TOKEN),
            ..Options::default()
        },
    )
    .await
}

#[tokio::test]
async fn metrics_count_a_scripted_workload_on_every_backend() {
    for (backend, db) in databases("http_metrics").await {
        eprintln!("backend: {backend}");
        let mut server = metrics_server(db).await;
        workload_is_counted(&mut server).await;
    }
}

async fn workload_is_counted(server: &mut Server) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let mut ids = Vec::new();
    for name in ["Ada", "Grace", "Edsger"] {
        let created = server
            .send(
                "POST",
                "/api/data/customers",
                Some(&admin),
                Some(&json!({"name": name})),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        ids.push(
            created.body["data"]["id"]
                .as_str()
                .expect("an id")
                .to_string(),
        );
    }
    for id in &ids[..2] {
        let read = server
            .send(
                "GET",
                &format!("/api/data/customers/{id}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(read.status, 200, "{}", read.text);
    }
    let missing = Uuid::new_v4();
    assert_error(
        &server
            .send(
                "GET",
                &format!("/api/data/customers/{missing}"),
                Some(&admin),
                None,
            )
            .await,
        404,
        "record_not_found",
    );
    assert_error(
        &server.send("GET", "/no/such/path", None, None).await,
        404,
        "not_found",
    );
    // The showcase backend: `echo` succeeds, `vet` declines a reason mentioning fraud.
    let echoed = server
        .send(
            "POST",
            &format!("/api/data/customers/{}/action/echo", ids[0]),
            Some(&admin),
            Some(&json!({"note": "hi"})),
        )
        .await;
    assert_eq!(echoed.status, 200, "{}", echoed.text);
    assert_error(
        &server
            .send(
                "POST",
                &format!("/api/data/customers/{}/action/vet", ids[0]),
                Some(&admin),
                Some(&json!({"reason": "suspected fraud"})),
            )
            .await,
        422,
        "not_vetted",
    );

    let scrape = server
        .send_with_headers(
            "GET",
            "/metrics",
            None,
            None,
            &[("Authorization", &format!("Bearer {TOKEN}"))],
        )
        .await;
    assert_eq!(scrape.status, 200, "{}", scrape.text);
    assert!(
        scrape.headers["content-type"]
            .to_str()
            .expect("text")
            .starts_with("application/openmetrics-text"),
        "{:?}",
        scrape.headers
    );
    let text = &scrape.text;
    let samples = parse(text);

    // Requests, by method, route template and status: the nine of the workload (the scrape
    // is counted once it has been answered).
    let requests = "http_requests_total";
    let action = "/api/data/customers/:param0/action/:param1";
    let expected = [
        (("POST", "/api/data/customers", "201"), 3.0),
        (("GET", "/api/data/customers/:param0", "200"), 2.0),
        (("GET", "/api/data/customers/:param0", "404"), 1.0),
        (("GET", "unmatched", "404"), 1.0),
        (("POST", action, "200"), 1.0),
        (("POST", action, "422"), 1.0),
    ];
    for ((method, route, status), count) in expected {
        let pairs = [("method", method), ("route", route), ("status", status)];
        assert_eq!(
            sample(&samples, requests, &pairs),
            count,
            "{requests}{pairs:?} in:\n{text}"
        );
    }
    let counted: Vec<_> = samples
        .iter()
        .filter(|((name, _), _)| name == requests)
        .collect();
    assert_eq!(
        counted.iter().map(|(_, v)| **v).sum::<f64>(),
        9.0,
        "only the workload's requests: {counted:#?}"
    );
    // The histogram counts each (method, route) as often as the counter does.
    for ((_, series), _) in &counted {
        let pairs = [
            ("method", series["method"].as_str()),
            ("route", series["route"].as_str()),
        ];
        let total: f64 = counted
            .iter()
            .filter(|((_, s), _)| s["method"] == pairs[0].1 && s["route"] == pairs[1].1)
            .map(|(_, v)| **v)
            .sum();
        assert_eq!(
            sample(&samples, "http_request_duration_seconds_count", &pairs),
            total,
            "{pairs:?}"
        );
        let mut infinite = pairs.to_vec();
        infinite.push(("le", "+Inf"));
        assert_eq!(
            sample(&samples, "http_request_duration_seconds_bucket", &infinite),
            total,
            "{pairs:?}"
        );
    }

    // The two WASM handler calls, by addon and result, and their durations, plus the
    // showcase's `install` and `enable` lifecycle hooks of its auto-install in the one
    // organisation.
    let wasm = "wasm_invocations_total";
    for (result, count) in [
        ("ok", 3.0),
        ("declined", 1.0),
        ("trap", 0.0),
        ("timeout", 0.0),
    ] {
        assert_eq!(
            sample(&samples, wasm, &[("addon", "showcase"), ("result", result)]),
            count,
            "{result} in:\n{text}"
        );
    }
    assert_eq!(
        sample(
            &samples,
            "wasm_invocation_duration_seconds_count",
            &[("addon", "showcase")]
        ),
        4.0
    );
    // Committed events: exactly what the bus carried (the three creates' canonical events).
    let published = server.drain_events().len() as f64;
    assert!(published >= 3.0, "{published}");
    assert_eq!(
        sample(&samples, "events_written_total", &[]),
        published,
        "{text}"
    );

    // The families this workload fed are exposed (a family without samples is not; host
    // calls, violations and egress refusals are counted by the runtime's own tests, which
    // run guests that make them); that of the subsystem that does not exist yet never is.
    for name in [
        "http_requests",
        "http_request_duration_seconds",
        "wasm_invocations",
        "wasm_invocation_duration_seconds",
        "events_written",
        "ws_connections",
        "ws_slow_consumer_disconnects",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("# TYPE {name} "))),
            "{name} is registered:\n{text}"
        );
    }
    assert!(
        !text.contains("event_consumer_lag"),
        "event_consumer_lag is not registered:\n{text}"
    );

    // Bounded labels: no id of any kind, not the records', not the organisation's.
    for (name, series) in samples.keys() {
        for (key, value) in series {
            assert!(!contains_uuid(value), "{name}: {key}={value:?}");
        }
    }
    for id in ids
        .iter()
        .map(String::as_str)
        .chain([missing.to_string().as_str(), ORG_A.to_string().as_str()])
    {
        assert!(!text.contains(id), "{id} in:\n{text}");
    }

    // No token, another token, another scheme: 401 in the envelope; then they are counted.
    assert_error(
        &server.send("GET", "/metrics", None, None).await,
        401,
        "unauthorized",
    );
    assert_error(
        &server
            .send_with_headers(
                "GET",
                "/metrics",
                None,
                None,
                &[("Authorization", "Bearer metrics-test-tokem")],
            )
            .await,
        401,
        "unauthorized",
    );
    assert_error(
        &server.send("GET", "/metrics", Some(&admin), None).await,
        401,
        "unauthorized",
    );
    let again = server
        .send_with_headers(
            "GET",
            "/metrics",
            None,
            None,
            &[("Authorization", &format!("Bearer {TOKEN}"))],
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    let samples = parse(&again.text);
    for (status, count) in [("200", 1.0), ("401", 3.0)] {
        let pairs = [("method", "GET"), ("route", "/metrics"), ("status", status)];
        assert_eq!(sample(&samples, requests, &pairs), count, "{}", again.text);
    }
}

#[tokio::test]
async fn metrics_are_not_served_without_a_token_on_every_backend() {
    for (backend, db) in databases("http_metrics_off").await {
        eprintln!("backend: {backend}");
        let server = Server::start(db).await;
        for authorization in [None, Some(format!("Bearer {TOKEN}"))] {
            let headers: Vec<(&str, &str)> = authorization
                .iter()
                .map(|value| ("Authorization", value.as_str()))
                .collect();
            let reply = server
                .send_with_headers("GET", "/metrics", None, None, &headers)
                .await;
            assert_error(&reply, 404, "not_found");
        }
    }
}

/// The `X-Request-Id` of `reply`.
fn request_id(reply: &super::support::Reply) -> String {
    reply
        .headers
        .get("x-request-id")
        .unwrap_or_else(|| panic!("X-Request-Id on {} {}", reply.status, reply.text))
        .to_str()
        .expect("text")
        .to_string()
}

fn assert_generated(id: &str) {
    let uuid = Uuid::parse_str(id).unwrap_or_else(|_| panic!("{id} is a UUID"));
    assert_eq!(uuid.get_version_num(), 4, "{id}");
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated_on_every_backend() {
    for (backend, db) in databases("http_request_id").await {
        eprintln!("backend: {backend}");
        let server = Server::start(db).await;
        let admin = server.token(Some(ORG_A), "admin", &[]);

        // A valid id is echoed, on a success and on every kind of error.
        let valid = "client-req.42_A";
        let health = server
            .send_with_headers("GET", "/api/health", None, None, &[("X-Request-Id", valid)])
            .await;
        assert_eq!(health.status, 200, "{}", health.text);
        assert_eq!(request_id(&health), valid);
        let longest = "r".repeat(128);
        for (path, token, status, code) in [
            ("/no/such/path", None, 404, "not_found"),
            (
                "/api/data/customers/00000000-0000-4000-8000-000000000000",
                Some(admin.as_str()),
                404,
                "record_not_found",
            ),
            ("/api/data/customers", None, 401, "unauthorized"),
        ] {
            for id in [valid, longest.as_str()] {
                let reply = server
                    .send_with_headers("GET", path, token, None, &[("X-Request-Id", id)])
                    .await;
                assert_error(&reply, status, code);
                assert_eq!(request_id(&reply), id, "{path}");
            }
        }

        // Absent, empty, too long, or with characters outside [A-Za-z0-9._-]: a new UUID v4.
        let absent = server.send("GET", "/no/such/path", None, None).await;
        assert_error(&absent, 404, "not_found");
        assert_generated(&request_id(&absent));
        let too_long = "r".repeat(129);
        for invalid in ["", too_long.as_str(), "two words", "semi;colon", "a/b"] {
            let reply = server
                .send_with_headers(
                    "GET",
                    "/api/health",
                    None,
                    None,
                    &[("X-Request-Id", invalid)],
                )
                .await;
            let id = request_id(&reply);
            assert_ne!(id, invalid);
            assert_generated(&id);
        }
        let first = request_id(&server.send("GET", "/api/health", None, None).await);
        let second = request_id(&server.send("GET", "/api/health", None, None).await);
        assert_ne!(first, second, "one id per request");

        // The WASM handler is given the request's id (the echo action returns its document).
        let id = server.create_customer(&admin, "Ada").await;
        let echoed = server
            .send(
                "POST",
                &format!("/api/data/customers/{id}/action/echo"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(echoed.status, 200, "{}", echoed.text);
        assert_eq!(echoed.body["data"]["request_id"], request_id(&echoed));
    }
}
