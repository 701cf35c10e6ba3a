//! Throw-away databases for tests of generated code and of the runtime itself, opened as the
//! app opens its own ([`crate::db::connect`]).
//!
//! SQLite: a fresh file in the temp directory. PostgreSQL: a fresh database on the server
//! named by `METACORE_TEST_POSTGRES_URL` (`.ci/postgres.sh` starts one). When that variable
//! is unset, PostgreSQL tests are skipped with a note — except under `CI=true`, where a
//! missing server is a failure, so CI can never pass without having run them.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// The environment variable naming the PostgreSQL server tests use.
pub const POSTGRES_URL_VAR: &str = "METACORE_TEST_POSTGRES_URL";

/// A name no other test of this or a concurrent process uses: `<prefix>_<pid>_<time>_<n>`.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}_{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh SQLite database file.
pub async fn sqlite_database(prefix: &str) -> DatabaseConnection {
    let path = std::env::temp_dir().join(format!("{}.db", unique_name(prefix)));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    crate::db::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot open SQLite database {url}: {e}"))
}

/// The PostgreSQL server tests use, or `None` (with a note on stderr) when none is
/// configured outside CI. Panics under `CI=true` without one.
pub fn postgres_server_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "{POSTGRES_URL_VAR} is not set under CI=true: PostgreSQL tests cannot be skipped"
            )
        }
        _ => {
            eprintln!(
                "note: {POSTGRES_URL_VAR} is not set; skipping the PostgreSQL half of this test"
            );
            None
        }
    }
}

/// A fresh PostgreSQL database, or `None` when no server is configured outside CI.
pub async fn postgres_database(prefix: &str) -> Option<DatabaseConnection> {
    let url = postgres_database_url(prefix).await?;
    Some(
        crate::db::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}")),
    )
}

/// The URL of a fresh, empty PostgreSQL database (for tests that start server processes),
/// or `None` when no server is configured outside CI.
pub async fn postgres_database_url(prefix: &str) -> Option<String> {
    let server = postgres_server_url()?;
    let admin = Database::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"));
    let name = unique_name(prefix).to_lowercase();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
    match server.rsplit_once('/') {
        Some((base, _)) => Some(format!("{base}/{name}")),
        None => panic!("{POSTGRES_URL_VAR} must end with a database name"),
    }
}

/// The WAT text of a guest whose handlers (exported under each name of `exports`, with the
/// `(ptr, len) -> i64` signature) make `calls` to host imports — each `(import, args)` with
/// string arguments placed in data segments — and return the last call's result.
///
/// Panics when an import is not in the host ABI (a test mistake).
pub fn calling_guest_wat(calls: &[(&str, Vec<String>)], exports: &[&str]) -> String {
    calling_guest_wat_then(calls, exports, "")
}

/// [`calling_guest_wat`] whose handlers run the WAT instructions `tail` after the calls
/// (e.g. `(loop br 0)` to spin until the deadline), then return the last call's result.
pub fn calling_guest_wat_then(
    calls: &[(&str, Vec<String>)],
    exports: &[&str],
    tail: &str,
) -> String {
    use metacore_core::wasm::allowed_host_import;
    let mut imports = std::collections::BTreeMap::new();
    let mut data = String::new();
    let mut body = String::new();
    let mut offset = 1024usize;
    for (index, (import, args)) in calls.iter().enumerate() {
        let sig = allowed_host_import(import)
            .unwrap_or_else(|| panic!("`{import}` is not a host import"));
        let params: Vec<String> = sig.params.iter().map(|p| p.to_string()).collect();
        let results: Vec<String> = sig.results.iter().map(|p| p.to_string()).collect();
        imports.insert(
            import.to_string(),
            format!(
                r#"(import "metacore_host" "{import}" (func ${import} (param {}) (result {})))"#,
                params.join(" "),
                results.join(" ")
            )
            .replace("(result )", ""),
        );
        for arg in args {
            let escaped: String = arg
                .bytes()
                .map(|b| match b {
                    b'"' | b'\\' => format!("\\{:02x}", b),
                    0x20..=0x7e => (b as char).to_string(),
                    _ => format!("\\{:02x}", b),
                })
                .collect();
            data.push_str(&format!("(data (i32.const {offset}) \"{escaped}\")\n"));
            body.push_str(&format!("i32.const {offset}\ni32.const {}\n", arg.len()));
            offset += arg.len() + 1;
        }
        body.push_str(&format!("call ${import}\n"));
        let last = index + 1 == calls.len();
        match (results.is_empty(), last) {
            (true, true) => body.push_str("i64.const 0\n"),
            (false, false) => body.push_str("drop\n"),
            _ => {}
        }
    }
    let imports: String = imports.into_values().collect::<Vec<_>>().join("\n");
    let pages = offset / 65536 + 4;
    let exports: String = exports
        .iter()
        .map(|name| format!("(export \"{name}\" (func $run))\n"))
        .collect();
    format!(
        r#"(module
             {imports}
             (memory (export "memory") {pages})
             {data}
             (global $bump (mut i32) (i32.const {bump}))
             (func (export "alloc") (param $n i32) (result i32)
               (local $p i32)
               global.get $bump
               local.set $p
               global.get $bump
               local.get $n
               i32.add
               global.set $bump
               local.get $p)
             (func $run (param i32 i32) (result i64)
               {body}
               {tail})
             {exports}
           )"#,
        bump = (offset / 65536 + 2) * 65536,
    )
}

/// The command `binary serve` on an ephemeral port of 127.0.0.1 over `database`, run in `dir`
/// with `METACORE_JWT_SECRET=secret` and no inherited `DATABASE_URL`, its stdout discarded and
/// its stderr piped (for [`announced_base`]). Add arguments or variables before spawning.
pub fn serve_command(
    binary: impl AsRef<std::ffi::OsStr>,
    dir: &std::path::Path,
    database: &str,
    secret: &str,
) -> std::process::Command {
    let mut command = std::process::Command::new(binary);
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", database])
        .current_dir(dir)
        .env("METACORE_JWT_SECRET", secret)
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    command
}

/// Waits for a `serve` process started with its stderr piped to announce its address
/// (`metacore-app listening on <base>`); returns the base URL and a receiver that gets the
/// process's whole stderr (as `Err`) once it exits. Panics with that output when the process
/// exits first, or after `within`.
pub fn announced_base(
    child: &mut std::process::Child,
    within: std::time::Duration,
) -> (String, std::sync::mpsc::Receiver<Result<String, String>>) {
    use std::io::BufRead;
    let stderr = child.stderr.take().expect("stderr is piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(base) = line.strip_prefix("metacore-app listening on ") {
                let _ = sender.send(Ok(base.trim().to_string()));
            }
            lines.push(line);
        }
        let _ = sender.send(Err(lines.join("\n")));
    });
    match receiver.recv_timeout(within) {
        Ok(Ok(base)) => (base, receiver),
        Ok(Err(output)) => panic!("serve exited before listening:\n{output}"),
        Err(_) => panic!("serve did not listen within {within:?}"),
    }
}
