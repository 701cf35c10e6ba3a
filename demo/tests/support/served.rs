//! What the tests that run `metacore-demo serve` processes share: tokens from the binary's
//! `token` command, requests, scratch directories.

use std::path::{Path, PathBuf};
use std::process::Command;

use metacore::testing;
use serde_json::Value;

/// A token of user `…0001` in `org` with `role`, from `binary token` signed with `secret`.
pub fn token(binary: &str, dir: &Path, secret: &str, org: &str, role: &str) -> String {
    let output = Command::new(binary)
        .args([
            "token",
            "--user",
            "00000000-0000-4000-8000-000000000001",
            "--org",
            org,
            "--role",
            role,
        ])
        .current_dir(dir)
        .env("METACORE_JWT_SECRET", secret)
        .output()
        .expect("token runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .trim()
        .to_string()
}

/// [`super::support::request`] with the TLS provider reqwest wants installed (plain HTTP
/// here, but the client needs one).
pub async fn call(method: &str, url: String, token: &str, body: Option<Value>) -> (u16, Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    super::support::request(method, url, token, body).await
}

/// A fresh scratch directory named after `name`.
pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(testing::unique_name(&format!("metacore-{name}")));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}
