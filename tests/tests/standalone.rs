//! The built `metacore-app` carries everything it serves (issue 12): copied alone into an
//! empty directory it serves every model, action and tool, and a manifest changed or deleted
//! on disk changes nothing, because none is read at run time.
//!
//! The binary is built here with `cargo build -p metacore-generated --bin metacore-app` (the
//! same target directory as the test run, so it is normally a no-op) and run as a child
//! process on a real socket with a SQLite file in the directory.
//!
//! The README's publish flow runs here too, command for command: `metacore-gen keygen`,
//! `bundle` and `sign` on `examples/toolbox`, then `curl` installs the signed bundle into a
//! served `metacore-app` whose tool then runs, before and after a restart.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use metacore_runtime::testing;
use serde_json::{json, Value};

const SECRET: &str = "standalone-secret";
const USER: &str = "00000000-0000-4000-8000-000000000001";
const ORG: &str = "00000000-0000-4000-8000-0000000000aa";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds `metacore-app` and returns its path.
fn built_binary() -> PathBuf {
    built("metacore-generated", "metacore-app")
}

/// Builds the binary `bin` of `package` and returns its path.
fn built(package: &str, bin: &str) -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace().join("target"));
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", package, "--bin", bin])
        .current_dir(workspace())
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "{bin} builds");
    target
        .join("debug")
        .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX))
}

/// A fresh directory holding nothing but a copy of the binary.
fn lone_copy(name: &str) -> (PathBuf, PathBuf) {
    let dir =
        std::env::temp_dir().join(format!("metacore-standalone-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let binary = dir.join(format!("metacore-app{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(built_binary(), &binary).expect("the binary copies");
    (dir, binary)
}

/// `metacore-app serve` in `dir`, and the base URL it announced.
struct Served {
    child: Child,
    base: String,
    /// Gets the process's whole stderr once it exits.
    log: std::sync::mpsc::Receiver<Result<String, String>>,
}

impl Served {
    /// Stops the process; its stderr.
    fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        loop {
            match self.log.recv_timeout(Duration::from_secs(10)) {
                Ok(Ok(_)) => continue,
                Ok(Err(output)) => return output,
                Err(error) => panic!("no stderr from the stopped server: {error}"),
            }
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, binary: &Path) -> Served {
    serve_with(dir, binary, &[])
}

fn serve_with(dir: &Path, binary: &Path, env: &[(&str, &str)]) -> Served {
    let database = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
    let mut command = testing::serve_command(binary, dir, &database, SECRET);
    command.envs(env.iter().copied());
    let mut child = command.spawn().expect("metacore-app starts");
    let (base, log) = testing::announced_base(&mut child, Duration::from_secs(60));
    Served { child, base, log }
}

fn token(dir: &Path, binary: &Path) -> String {
    let output = Command::new(binary)
        .args(["token", "--user", USER, "--org", ORG, "--role", "admin"])
        .current_dir(dir)
        .env("METACORE_JWT_SECRET", SECRET)
        .output()
        .expect("metacore-app token runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .trim()
        .to_string()
}

async fn post(base: &str, token: &str, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, body)
}

/// A model, a WASM action and a WASM tool of the showcase addon all answer.
async fn serves_everything(base: &str, token: &str) {
    let (status, created) = post(
        base,
        token,
        "/api/data/customers",
        json!({"name": "Ada", "email": "ada@example.com"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["data"]["id"].as_str().expect("an id").to_string();
    let (status, action) = post(
        base,
        token,
        &format!("/api/data/customers/{id}/action/echo"),
        json!({"n": 1}),
    )
    .await;
    assert_eq!(status, 200, "{action}");
    assert_eq!(action["data"]["action"], "echo");
    assert_eq!(action["data"]["record_id"], json!(id));
    let (status, tool) = post(
        base,
        token,
        "/api/metacore/tools/showcase/echo_tool",
        json!({"text": "hello"}),
    )
    .await;
    assert_eq!(status, 200, "{tool}");
    assert_eq!(tool["data"]["payload"], json!({"text": "hello"}));
    assert_eq!(tool["meta"]["trigger_type"], "wasm");
}

#[tokio::test]
async fn the_binary_alone_serves_models_actions_and_tools() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (dir, binary) = lone_copy("alone");
    let mut served = serve(&dir, &binary);
    serves_everything(&served.base, &token(&dir, &binary)).await;
    // Each request is logged; into a pipe, as plain text (no terminal colour codes).
    let log = served.stop();
    assert!(
        log.lines()
            .any(|line| line.contains("metacore::http") && line.contains("status=201")),
        "{log}"
    );
    assert!(
        !log.contains('\u{1b}'),
        "colour codes in a piped log:\n{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn manifests_on_disk_change_nothing() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (dir, binary) = lone_copy("tampered");
    // Where the build read the showcase addon from: now a broken manifest and module.
    let addon = dir.join("manifests/showcase");
    std::fs::create_dir_all(addon.join("backend")).expect("directories");
    std::fs::write(addon.join("manifest.json"), "{ not a manifest").expect("write");
    std::fs::write(addon.join("backend/backend.wasm"), b"not wasm").expect("write");
    let served = serve(&dir, &binary);
    serves_everything(&served.base, &token(&dir, &binary)).await;
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `command`, which must succeed; returns its standard output.
fn run(command: &mut Command) -> String {
    let output = command.output().expect("the command runs");
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The README's publish flow: keygen → bundle → sign → install with curl → the tool runs, and
/// still runs after a restart.
#[tokio::test]
async fn the_readme_publish_flow_installs_a_signed_bundle() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let example = workspace().join("examples/toolbox");
    let source = example.join("backend/backend.wat");
    let compiled = wat::parse_file(&source).expect("the example's WAT parses");
    let committed = std::fs::read(example.join("backend/backend.wasm")).expect("backend.wasm");
    assert_eq!(
        compiled, committed,
        "examples/toolbox/backend/backend.wasm is not backend.wat compiled"
    );

    let (dir, app) = lone_copy("publish");
    let gen = built("metacore-gen", "metacore-gen");
    let metacore_gen = || {
        let mut command = Command::new(&gen);
        command.current_dir(&dir);
        command
    };
    run(metacore_gen().args(["keygen", "--out", "keys/acme"]));
    let public = std::fs::read_to_string(dir.join("keys/acme.pub")).expect("the public key");
    run(metacore_gen().arg("bundle").arg(&example));
    run(metacore_gen().args(["sign", "--key", "keys/acme.key", "toolbox-1.0.0.tar.gz"]));

    let served = serve_with(&dir, &app, &[("METACORE_TRUSTED_KEYS", public.trim())]);
    let token = token(&dir, &app);
    let installed = run(Command::new("curl")
        .current_dir(&dir)
        .args(["-sS", "-X", "POST", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .args([
            "-F",
            "bundle=@toolbox-1.0.0.tar.gz",
            "-F",
            "signature=<toolbox-1.0.0.tar.gz.sig",
        ])
        .arg(format!(
            "{}/api/metacore/installations/toolbox",
            served.base
        )));
    let installed: Value = serde_json::from_str(&installed).expect("JSON");
    assert_eq!(
        installed["data"]["installation"]["source"], "bundle",
        "{installed}"
    );
    assert_eq!(
        installed["data"]["installation"]["version"], "1.0.0",
        "{installed}"
    );
    assert!(dir
        .join("metacore-data/addons/toolbox/1.0.0/backend/backend.wasm")
        .is_file());
    let echo = |base: String, token: String| async move {
        post(
            &base,
            &token,
            "/api/metacore/tools/toolbox/echo",
            json!({"text": "hi"}),
        )
        .await
    };
    let (status, answer) = echo(served.base.clone(), token.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["payload"], json!({"text": "hi"}), "{answer}");

    drop(served);
    let served = serve_with(&dir, &app, &[("METACORE_TRUSTED_KEYS", public.trim())]);
    let (status, answer) = echo(served.base.clone(), token).await;
    assert_eq!(status, 200, "after a restart: {answer}");
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}
