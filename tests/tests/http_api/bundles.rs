//! Signed bundles over HTTP (`runtime.md` §10, `http-api.md` §9.3), on SQLite and
//! PostgreSQL: a model-less addon (a WASM tool) bundled, signed and installed with
//! `POST /api/metacore/installations/{key}` (multipart `bundle` + `signature`) runs for that
//! organisation and not another, and survives a restart; a suite of hostile uploads is
//! refused with the spec's codes, leaving no installation and no file outside staging (and
//! nothing in staging either).

use std::path::Path;
use std::sync::Arc;

use metacore_bundle::hostile::{archive, file, Compression, EntryType, Raw};
use metacore_bundle::signature::SecretKey;
use metacore_bundle::{write, Input};
use metacore_runtime::api::bundles::{BundleSettings, Installer};
use metacore_runtime::{testing, Sandbox, SandboxConfig};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::support::{assert_error, Server, ORG_A, ORG_B};

#[tokio::test]
async fn signed_bundles_install_per_organisation_on_sqlite() {
    let db = testing::sqlite_database("http_bundles").await;
    scenario(db).await;
}

#[tokio::test]
async fn signed_bundles_install_per_organisation_on_postgres() {
    let Some(db) = testing::postgres_database("http_bundles").await else {
        eprintln!("METACORE_TEST_POSTGRES_URL is not set: the PostgreSQL half is SKIPPED");
        return;
    };
    scenario(db).await;
}

const MIB: u64 = 1024 * 1024;

/// A hostile upload: its name, bytes, signature, and the expected status and error code.
type Case = (&'static str, Vec<u8>, Option<String>, u16, &'static str);
const INSTALL: &str = "/api/metacore/installations/toolbox";

/// A model-less v3 addon: one WASM tool that answers its invocation document.
const TOOLBOX: &str = r#"{
  "apiVersion": "asteby.com/v3",
  "kind": "Addon",
  "metadata": {"key": "toolbox", "name": "Toolbox", "version": "1.2.0", "description": "Tools without tables."},
  "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]},
  "contributions": {
    "tools": [
      {
        "key": "shout",
        "description": "Answers its invocation.",
        "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}},
        "handler": {"type": "wasm", "function": "echo"}
      }
    ]
  },
  "settings": [{"key": "greeting", "type": "string", "label": "Greeting", "default": "hello"}]
}"#;

/// The example addon's backend (`examples/toolbox`): one handler, `echo`, that answers
/// with its invocation document.
fn module() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/toolbox/backend/backend.wasm"),
    )
    .expect("the example's backend module")
}

fn bundle_of(manifest: &str) -> Vec<u8> {
    write(&[
        Input {
            path: "manifest.json".into(),
            bytes: manifest.as_bytes().to_vec(),
        },
        Input {
            path: "backend/backend.wasm".into(),
            bytes: module(),
        },
        Input {
            path: "README.md".into(),
            bytes: b"# Toolbox\n".to_vec(),
        },
    ])
    .expect("the bundle writes")
}

/// A multipart body with the `bundle` part and, when given, the `signature` part.
fn multipart(bundle: &[u8], signature: Option<&str>) -> (String, Vec<u8>) {
    let boundary = "metacore-test-boundary-7f3a";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"bundle\"; \
             filename=\"toolbox.tar.gz\"\r\nContent-Type: application/gzip\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bundle);
    body.extend_from_slice(b"\r\n");
    if let Some(signature) = signature {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"signature\"\r\n\r\n\
                 {signature}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    server: &Server,
    token: &str,
    bundle: &[u8],
    signature: Option<&str>,
) -> super::support::Reply {
    post_bundle(server, INSTALL, token, bundle, signature).await
}

/// The bundle's tool `shout`, called by `token`'s organisation.
async fn shout(server: &Server, token: &str) -> super::support::Reply {
    let input = json!({"text": "hi"});
    server
        .send(
            "POST",
            "/api/metacore/tools/toolbox/shout",
            Some(token),
            Some(&input),
        )
        .await
}

async fn post_bundle(
    server: &Server,
    path: &str,
    token: &str,
    bundle: &[u8],
    signature: Option<&str>,
) -> super::support::Reply {
    let (content_type, body) = multipart(bundle, signature);
    server
        .send_raw("POST", path, Some(token), &content_type, body)
        .await
}

/// The toolbox manifest followed by `entries` (zeros), gzip-compressed at `level`.
fn hostile(entries: &[Raw], level: Compression) -> Vec<u8> {
    archive(Some(TOOLBOX.as_bytes()), entries, level)
}

/// Every file under `dir`, relative, sorted (empty directories are not files).
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(
                    path.strip_prefix(root)
                        .expect("under the root")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

async fn start(db: DatabaseConnection, data_dir: &Path, key: &SecretKey) -> Server {
    let sandbox = Sandbox::new(SandboxConfig::default()).expect("the sandbox starts");
    let server = Server::start_on(db, &sandbox).await;
    let settings = BundleSettings {
        trusted_keys: vec![key.public_key()],
        allow_unsigned: false,
        data_dir: data_dir.to_path_buf(),
    };
    server.state.set_installer(Installer::new(
        settings,
        Arc::new(metacore_gen::dynamic::Compiler),
        sandbox,
    ));
    let notes = metacore_runtime::api::bundles::restore_all(&server.state).await;
    assert!(notes.is_empty(), "{notes:?}");
    server
}

async fn scenario(db: DatabaseConnection) {
    let data = tempdir();
    let key = SecretKey::generate().expect("a key");
    let other_key = SecretKey::generate().expect("a key");
    let server = start(db.clone(), &data, &key).await;
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let admin_b = server.token(Some(ORG_B), "admin", &[]);

    // The writer is deterministic: same inputs, same bytes.
    let bundle = bundle_of(TOOLBOX);
    assert_eq!(bundle, bundle_of(TOOLBOX), "byte-identical bundles");
    let signature = key.sign(&bundle).to_hex();

    // Hostile uploads: each refused with its code, nothing installed, no file left.
    let mut tampered = bundle.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    let wrong_key = other_key.sign(&bundle).to_hex();
    let signed = |bytes: &[u8]| key.sign(bytes).to_hex();
    let truncated = bundle[..bundle.len() - 10].to_vec();
    let mut trailing = bundle.clone();
    trailing.extend_from_slice(b"junk");
    let many_names: Vec<String> = (0..10_000).map(|i| format!("assets/{i}")).collect();
    let many: Vec<Raw> = many_names.iter().map(|n| file(n.as_bytes(), 0)).collect();
    let bomb_names: Vec<String> = (0..5).map(|i| format!("assets/{i}.bin")).collect();
    let bomb: Vec<Raw> = bomb_names
        .iter()
        .map(|n| file(n.as_bytes(), 15 * MIB))
        .collect();
    let link = |kind| Raw {
        path: b"frontend/app.js",
        kind,
        size: 0,
        link: Some(b"/etc/passwd"),
    };
    let mut cases: Vec<Case> = vec![
        (
            "tampered byte",
            tampered,
            Some(signature.clone()),
            422,
            "signature_invalid",
        ),
        (
            "wrong key",
            bundle.clone(),
            Some(wrong_key),
            422,
            "signature_invalid",
        ),
        ("unsigned", bundle.clone(), None, 422, "signature_required"),
    ];
    let archives: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("truncated gzip", truncated, 422, "bundle_invalid"),
        ("trailing bytes", trailing, 422, "bundle_invalid"),
        (
            "../ path",
            hostile(&[file(b"../evil", 1)], Compression::default()),
            422,
            "bundle_invalid",
        ),
        (
            "absolute path",
            hostile(&[file(b"/etc/evil", 1)], Compression::default()),
            422,
            "bundle_invalid",
        ),
        (
            "symlink",
            hostile(&[link(EntryType::Symlink)], Compression::default()),
            422,
            "bundle_invalid",
        ),
        (
            "hardlink",
            hostile(&[link(EntryType::Link)], Compression::default()),
            422,
            "bundle_invalid",
        ),
        (
            "names differing in case",
            hostile(
                &[file(b"frontend/App.js", 1), file(b"FRONTEND/app.JS", 1)],
                Compression::default(),
            ),
            422,
            "bundle_invalid",
        ),
        (
            "10,001 entries",
            hostile(&many, Compression::fast()),
            422,
            "bundle_invalid",
        ),
        (
            "decompression bomb",
            hostile(&bomb, Compression::best()),
            422,
            "bundle_invalid",
        ),
        (
            "manifest with errors",
            bundle_of(&TOOLBOX.replace(
                r#""type": "wasm", "function": "echo""#,
                r#""type": "teleport""#,
            )),
            422,
            "manifest_invalid",
        ),
        (
            "key mismatch",
            bundle_of(&TOOLBOX.replace(r#""key": "toolbox""#, r#""key": "hammer""#)),
            400,
            "key_mismatch",
        ),
    ];
    for (name, bytes, status, code) in archives {
        let signature = signed(&bytes);
        cases.push((name, bytes, Some(signature), status, code));
    }
    for (name, bytes, signature, status, code) in &cases {
        let reply = upload(&server, &admin, bytes, signature.as_deref()).await;
        assert_eq!(reply.status, *status, "{name}: {}", reply.text);
        assert_eq!(reply.body["error"]["code"], *code, "{name}: {}", reply.text);
        assert_eq!(
            files_under(&data),
            Vec::<String>::new(),
            "{name}: nothing written"
        );
    }
    // The manifest's diagnostics come back located.
    let broken = bundle_of(&TOOLBOX.replace(
        r#""type": "wasm", "function": "echo""#,
        r#""type": "teleport""#,
    ));
    let reply = upload(&server, &admin, &broken, Some(&signed(&broken))).await;
    assert!(
        reply.body["meta"]["errors"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{}",
        reply.text
    );
    // An oversize upload is refused while streaming.
    let oversize_names: Vec<String> = (0..5).map(|i| format!("assets/{i}.bin")).collect();
    let oversize: Vec<Raw> = oversize_names
        .iter()
        .map(|n| file(n.as_bytes(), 7 * MIB))
        .collect();
    let oversize = hostile(&oversize, Compression::none());
    let reply = upload(&server, &admin, &oversize, Some(&signed(&oversize))).await;
    assert_error(&reply, 413, "payload_too_large");
    // A bundle that declares models needs a rebuild.
    let showcase = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests/fiscal_mexico/manifest.json"),
    )
    .expect("a manifest with models");
    let with_models = write(&[Input {
        path: "manifest.json".into(),
        bytes: String::from_utf8(showcase)
            .expect("UTF-8")
            .replace("\"version\": \"1.0.0\"", "\"version\": \"1.0.1\"")
            .into_bytes(),
    }])
    .expect("writes");
    let reply = server
        .send_raw(
            "POST",
            "/api/metacore/installations/fiscal_mexico",
            Some(&admin),
            &multipart(&with_models, Some(&signed(&with_models))).0,
            multipart(&with_models, Some(&signed(&with_models))).1,
        )
        .await;
    assert_eq!(
        reply.body["error"]["code"], "rebuild_required",
        "{}",
        reply.text
    );
    // The very addon compiled into the server is not replaced by a bundle.
    let compiled = write(&[Input {
        path: "manifest.json".into(),
        bytes: std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests/fiscal_mexico/manifest.json"),
        )
        .expect("a manifest with models"),
    }])
    .expect("writes");
    let reply = post_bundle(
        &server,
        "/api/metacore/installations/fiscal_mexico",
        &admin,
        &compiled,
        Some(&signed(&compiled)),
    )
    .await;
    assert_error(&reply, 409, "version_conflict");
    let listed = server
        .send("GET", "/api/metacore/installations", Some(&admin), None)
        .await;
    assert!(!listed.text.contains("toolbox"), "{}", listed.text);

    // The real thing: installed for A, its tool runs for A and not for B.
    let installed = upload(&server, &admin, &bundle, Some(&signature)).await;
    assert_eq!(installed.status, 201, "{}", installed.text);
    assert_eq!(installed.body["data"]["installation"]["source"], "bundle");
    assert_eq!(installed.body["data"]["installation"]["version"], "1.2.0");
    assert_eq!(
        files_under(&data),
        [
            "addons/toolbox/1.2.0/README.md",
            "addons/toolbox/1.2.0/backend/backend.wasm",
            "addons/toolbox/1.2.0/manifest.json"
        ]
    );
    let ran = shout(&server, &admin).await;
    assert_eq!(ran.status, 200, "{}", ran.text);
    assert_eq!(ran.body["data"]["invocation"], "tool", "{}", ran.text);
    assert_eq!(ran.body["data"]["org_id"], ORG_A.to_string());
    let refused = shout(&server, &admin_b).await;
    assert_error(&refused, 404, "addon_not_installed");
    let tools_b = server
        .send("GET", "/api/metacore/tools", Some(&admin_b), None)
        .await;
    assert!(!tools_b.text.contains("shout"), "{}", tools_b.text);
    let tools_a = server
        .send("GET", "/api/metacore/tools", Some(&admin), None)
        .await;
    assert!(tools_a.text.contains("shout"), "{}", tools_a.text);

    // An upgrade from a newer signed bundle: 1.3.0 goes live, the settings merge.
    const UPGRADE: &str = "/api/metacore/installations/toolbox/upgrade";
    let newer_manifest = TOOLBOX.replace(r#""version": "1.2.0""#, r#""version": "1.3.0""#).replace(
        r#""default": "hello"}]"#,
        r#""default": "hello"}, {"key": "tone", "type": "string", "label": "Tone", "default": "loud"}]"#,
    );
    let newer = bundle_of(&newer_manifest);
    let upgraded = post_bundle(&server, UPGRADE, &admin, &newer, Some(&signed(&newer))).await;
    assert_eq!(upgraded.status, 200, "{}", upgraded.text);
    let installation = &upgraded.body["data"]["installation"];
    assert_eq!(installation["version"], "1.3.0", "{}", upgraded.text);
    assert_eq!(installation["source"], "bundle", "{}", upgraded.text);
    assert_eq!(
        installation["settings"],
        json!({"greeting": "hello", "tone": "loud"}),
        "{}",
        upgraded.text
    );
    assert!(files_under(&data).contains(&"addons/toolbox/1.3.0/manifest.json".to_string()));
    let ran = shout(&server, &admin).await;
    assert_eq!(ran.status, 200, "after the upgrade: {}", ran.text);
    // Another version than the live one is not installed, a live version is not rebuilt,
    // and a downgrade needs allow_downgrade.
    let older = upload(&server, &admin_b, &bundle, Some(&signature)).await;
    assert_error(&older, 409, "version_conflict");
    let rebuilt = write(&[
        Input {
            path: "manifest.json".into(),
            bytes: newer_manifest.as_bytes().to_vec(),
        },
        Input {
            path: "backend/backend.wasm".into(),
            bytes: module(),
        },
        Input {
            path: "README.md".into(),
            bytes: b"# Toolbox, rebuilt\n".to_vec(),
        },
    ])
    .expect("the bundle writes");
    let reply = upload(&server, &admin_b, &rebuilt, Some(&signed(&rebuilt))).await;
    assert_error(&reply, 409, "version_conflict");
    let downgrade = post_bundle(&server, UPGRADE, &admin, &bundle, Some(&signature)).await;
    assert_error(&downgrade, 409, "version_conflict");
    let ran = shout(&server, &admin).await;
    assert_eq!(
        ran.status, 200,
        "the refusals changed nothing: {}",
        ran.text
    );
    // The live build installs for B as well.
    let installed_b = upload(&server, &admin_b, &newer, Some(&signed(&newer))).await;
    assert_eq!(installed_b.status, 201, "{}", installed_b.text);
    assert_eq!(installed_b.body["data"]["installation"]["version"], "1.3.0");

    // A restore takes the same checks as an upload: files left under the key of an addon
    // compiled into this server are not registered over it.
    let stray = data.join("addons/fiscal_mexico/1.0.0");
    std::fs::create_dir_all(&stray).expect("a directory");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests/fiscal_mexico/manifest.json"),
        stray.join("manifest.json"),
    )
    .expect("copies");
    let installer = server.state.installer().expect("an installer");
    let refused = match installer.restore("fiscal_mexico", "1.0.0", server.state.registry()) {
        Ok(_) => panic!("a compiled addon must not be restored from a bundle"),
        Err(refused) => refused,
    };
    assert!(refused.contains("compiled into this server"), "{refused}");
    std::fs::remove_dir_all(data.join("addons/fiscal_mexico")).expect("removes");

    // A restart keeps it: a new server on the same database and data directory.
    let restarted = start(db, &data, &key).await;
    let admin = restarted.token(Some(ORG_A), "admin", &[]);
    let ran = shout(&restarted, &admin).await;
    assert_eq!(ran.status, 200, "after a restart: {}", ran.text);
    let listed = restarted
        .send("GET", "/api/metacore/installations", Some(&admin), None)
        .await;
    assert!(
        listed.text.contains(r#""version":"1.3.0""#),
        "{}",
        listed.text
    );
    let _ = std::fs::remove_dir_all(&data);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("metacore-bundles-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}
