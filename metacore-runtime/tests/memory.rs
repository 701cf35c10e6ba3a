//! Memory of the sandbox over many calls. A test binary of its own: resident memory is
//! per process, and tests running beside it in one binary (databases, pools, other guests)
//! would be counted as its growth.

#[allow(dead_code)]
#[path = "runtime/support.rs"]
mod support;

use std::collections::BTreeMap;

use serde_json::json;
use uuid::Uuid;

use support::{action, addon, caller, dispatcher, guest, services};

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("resident pages");
    pages * 4096
}

#[tokio::test]
async fn ten_thousand_sequential_calls_keep_memory_flat() {
    let dispatcher = dispatcher(
        addon("echoer", &["echo"]),
        &guest(""),
        services(None, false),
    );
    let who = caller(Uuid::new_v4(), BTreeMap::new());
    let call = || dispatcher.action(action("echoer", "echo", json!({"n": 1}), &who));
    for _ in 0..500 {
        call().await.expect("warm-up call");
    }
    let before = resident_bytes();
    for _ in 0..10_000 {
        call().await.expect("call");
    }
    let after = resident_bytes();
    let growth = after.saturating_sub(before);
    assert!(
        growth < 16 * 1024 * 1024,
        "RSS grew by {growth} bytes ({before} → {after})"
    );
}
