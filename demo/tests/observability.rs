//! `serve --log-format json` and `METACORE_METRICS_TOKEN` through the real binary: every
//! request is one JSON log line naming the request id its response carried (in `span`),
//! with method, route template, status and duration, and no secret ever reaches stderr;
//! `GET /metrics` answers with the token and counts what was served. SQLite only: the log
//! format and the metrics route do not depend on the database (the HTTP tests cover both).

use std::process::Command;
use std::time::Duration;

use metacore::testing;
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_metacore-demo");
const SECRET: &str = "observability-jwt-secret";
const METRICS_TOKEN: &str = "observability-metrics-token";
const ORG: &str = "00000000-0000-4000-8000-0000000000aa";

/// A request's status, `X-Request-Id` and body.
async fn get(
    client: &reqwest::Client,
    url: String,
    headers: &[(&str, &str)],
) -> (u16, String, String) {
    let mut request = client.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let id = response
        .headers()
        .get("x-request-id")
        .expect("X-Request-Id on every response")
        .to_str()
        .expect("text")
        .to_string();
    (status, id, response.text().await.expect("a body"))
}

#[tokio::test]
async fn json_logs_name_each_request_id_and_metrics_need_the_token() {
    let dir = std::env::temp_dir().join(testing::unique_name("metacore-observability"));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let database = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
    let mut child = testing::serve_command(BINARY, &dir, &database, SECRET)
        .args(["--log-format", "json"])
        .env("METACORE_METRICS_TOKEN", METRICS_TOKEN)
        .env_remove("RUST_LOG")
        .spawn()
        .expect("metacore-demo starts");
    let (base, output) = testing::announced_base(&mut child, Duration::from_secs(120));
    let token = Command::new(BINARY)
        .args(["token", "--user", "00000000-0000-4000-8000-000000000001"])
        .args(["--org", ORG, "--role", "admin"])
        .env("METACORE_JWT_SECRET", SECRET)
        .output()
        .expect("token runs");
    assert!(token.status.success(), "{token:?}");
    let token = String::from_utf8(token.stdout)
        .expect("UTF-8")
        .trim()
        .to_string();
    let bearer = format!("Bearer {token}");
    let metrics_bearer = format!("Bearer {METRICS_TOKEN}");

    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    // (request id, method, route template, status) of each request, from the responses.
    let mut served = Vec::new();
    let (status, id, _) = get(
        &client,
        format!("{base}/api/health"),
        &[("X-Request-Id", "json-log-1")],
    )
    .await;
    assert_eq!((status, id.as_str()), (200, "json-log-1"));
    served.push((id, "/api/health", 200));
    let (status, id, body) = get(
        &client,
        format!("{base}/api/data/customers"),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    served.push((id, "/api/data/customers", 200));
    let (status, id, _) = get(
        &client,
        format!("{base}/api/data/customers/00000000-0000-4000-8000-00000000ffff"),
        &[("Authorization", &bearer), ("X-Request-Id", "not valid!")],
    )
    .await;
    assert_eq!(status, 404);
    assert_ne!(id, "not valid!", "an invalid id is replaced");
    served.push((id, "/api/data/customers/:param0", 404));
    let (status, id, _) = get(&client, format!("{base}/metrics"), &[]).await;
    assert_eq!(status, 401);
    served.push((id, "/metrics", 401));
    let (status, id, scrape) = get(
        &client,
        format!("{base}/metrics"),
        &[("Authorization", &metrics_bearer)],
    )
    .await;
    assert_eq!(status, 200, "{scrape}");
    assert!(
        scrape
            .lines()
            .any(|l| l == r#"http_requests_total{method="GET",route="/api/health",status="200"} 1"#),
        "{scrape}"
    );
    served.push((id, "/metrics", 200));

    let _ = child.kill();
    let _ = child.wait();
    let stderr = loop {
        match output.recv_timeout(Duration::from_secs(30)) {
            Ok(Ok(_)) => continue,
            Ok(Err(stderr)) => break stderr,
            Err(_) => panic!("no stderr after the process ended"),
        }
    };

    // Every structured line is a JSON object; the request lines are one per request.
    let events: Vec<Value> = stderr
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let requests: Vec<&Value> = events
        .iter()
        .filter(|e| e["target"] == "metacore::http" && e["message"] == "request")
        .collect();
    assert_eq!(requests.len(), served.len(), "{stderr}");
    for (id, route, status) in &served {
        let line = requests
            .iter()
            .find(|e| e["span"]["request_id"] == id.as_str())
            .unwrap_or_else(|| panic!("no request line for {id} in:\n{stderr}"));
        assert_eq!(line["span"]["name"], "request", "{line}");
        assert_eq!(line["method"], "GET", "{line}");
        assert_eq!(line["route"], *route, "{line}");
        assert_eq!(line["status"], *status, "{line}");
        assert!(line["duration_ms"].is_number(), "{line}");
        assert_eq!(line["level"], "INFO", "{line}");
        assert!(line["timestamp"].is_string(), "{line}");
    }
    for secret in [SECRET, METRICS_TOKEN, token.as_str()] {
        assert!(
            !stderr.contains(secret),
            "a secret reached stderr:\n{stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
