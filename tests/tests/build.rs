//! `metacore-gen build`: deterministic output, snapshots of emitted files, build-wide
//! conflicts, schema evolution (v1 → v2 on databases holding data; destructive changes
//! refused), and every buildable corpus manifest compiling as a crate.

use std::path::{Path, PathBuf};

use metacore_gen::build::{self, BuildOutcome, BuildRequest};
use metacore_gen::codegen::ddl::{self, Backend};
use metacore_gen::codegen::lock::Lock;
use metacore_gen::codegen::Tree;
use metacore_gen::diagnostics::FileReport;
use metacore_runtime::testing;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(testing::unique_name(name));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn request(paths: Vec<PathBuf>, out: &Path) -> BuildRequest {
    BuildRequest {
        paths,
        out: out.to_path_buf(),
        crate_name: "metacore-generated".into(),
        allow_destructive: false,
        runtime_path: Some(workspace().join("metacore-runtime")),
    }
}

fn built(request: &BuildRequest) -> Tree {
    match build::build(request).expect("inputs readable") {
        BuildOutcome::Built { tree, .. } => tree,
        BuildOutcome::Rejected { reports } => panic!("build rejected:\n{}", render(&reports)),
    }
}

fn rejected(request: &BuildRequest) -> Vec<FileReport> {
    match build::build(request).expect("inputs readable") {
        BuildOutcome::Rejected { reports } => reports,
        BuildOutcome::Built { .. } => panic!("the build was expected to stop"),
    }
}

fn render(reports: &[FileReport]) -> String {
    reports.iter().map(|r| r.render_human(false)).collect()
}

/// Builds `manifests/` the way `cargo xtask codegen` does (paths relative to the root).
fn demo_request(out: &Path) -> BuildRequest {
    request(vec![workspace().join("manifests")], out)
}

#[test]
fn two_builds_give_byte_identical_trees() {
    let (a, b) = (scratch("det-a"), scratch("det-b"));
    let first = built(&demo_request(&a));
    build::write_tree(&a, &first).unwrap();
    let second = built(&demo_request(&b));
    build::write_tree(&b, &second).unwrap();
    assert_eq!(first, second);
    assert!(build::compare_tree(&b, &first).is_empty());
    // A rebuild over its own output records nothing new.
    assert_eq!(built(&demo_request(&a)), first);
}

#[test]
fn checked_in_generated_crate_is_up_to_date() {
    // Run from the root so manifest paths read `manifests/...`, as in `cargo xtask codegen`.
    let root = std::fs::canonicalize(workspace()).unwrap();
    let mut request = request(vec![root.join("manifests")], &root.join("generated"));
    request.runtime_path = None;
    let tree = built(&request);
    let tree: Tree = tree
        .into_iter()
        .map(|(path, bytes)| match String::from_utf8(bytes) {
            Ok(text) => (
                path,
                text.replace(&format!("{}/", root.display()), "")
                    .into_bytes(),
            ),
            // The embedded backend modules.
            Err(binary) => (path, binary.into_bytes()),
        })
        .collect();
    let changes = build::compare_tree(&root.join("generated"), &tree);
    assert!(
        changes.is_empty(),
        "generated/ is stale, run `cargo xtask codegen`: {changes:?}"
    );
}

#[test]
fn emitted_files_snapshot() {
    let out = scratch("snap");
    for addon in ["showcase", "tickets-addon", "assets"] {
        let tree = built(&request(
            vec![workspace().join("manifests").join(addon)],
            &out,
        ));
        for (path, bytes) in &tree {
            let path = path.display().to_string();
            let keep = path.starts_with("src/migrations/m")
                || path.ends_with(".rs") && !path.starts_with("src/migrations");
            if keep && path != "src/lib.rs" {
                let text = String::from_utf8_lossy(bytes)
                    .replace(&format!("{}/", workspace().display()), "");
                insta::assert_snapshot!(format!("{addon}__{}", path.replace('/', "__")), text);
            }
        }
    }
}

#[test]
fn duplicate_addon_keys_and_routes_name_both_files() {
    let dir = scratch("dup");
    let corpus = metacore_tests::corpus_dir();
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    std::fs::copy(corpus.join("v3/tickets.json"), &a).unwrap();
    std::fs::copy(corpus.join("v3/tickets.json"), &b).unwrap();
    let reports = rejected(&request(vec![a.clone(), b.clone()], &dir.join("out")));
    let text = render(&reports);
    assert!(text.contains("MC0901"), "{text}");
    assert!(text.contains("a.json") && text.contains("b.json"), "{text}");
    assert!(!dir.join("out").exists(), "a rejected build writes nothing");
    // Another key, same tables: the routes clash.
    let text = std::fs::read_to_string(&b).unwrap();
    std::fs::write(
        &b,
        text.replacen("\"key\": \"tickets\"", "\"key\": \"tickets_copy\"", 1),
    )
    .unwrap();
    let text = render(&rejected(&request(vec![a, b], &dir.join("out"))));
    assert!(
        text.contains("MC0902") && !text.contains("MC0901"),
        "{text}"
    );
    assert!(text.contains("a.json") && text.contains("b.json"), "{text}");
}

const V1: &str = r#"{
  "apiVersion": "asteby.com/v3", "kind": "Addon",
  "metadata": {"key": "evo", "name": "Evolution", "version": "1.0.0"},
  "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]},
  "tenancy": {"isolation": "shared", "rls_column": "organization_id"},
  "models": [{"key": "Note", "table": "notes", "columns": [
    {"name": "id", "type": "uuid", "primary_key": true, "default": "gen_random_uuid()"},
    {"name": "organization_id", "type": "uuid", "not_null": true},
    {"name": "title", "type": "varchar(40)", "not_null": true},
    {"name": "amount", "type": "numeric(12,2)"}
  ]}]
}"#;

/// v1 + a column, a wider varchar, an index and a model with a foreign key to `notes`.
const V2: &str = r#"{
  "apiVersion": "asteby.com/v3", "kind": "Addon",
  "metadata": {"key": "evo", "name": "Evolution", "version": "1.1.0"},
  "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]},
  "tenancy": {"isolation": "shared", "rls_column": "organization_id"},
  "models": [
    {"key": "Note", "table": "notes", "columns": [
      {"name": "id", "type": "uuid", "primary_key": true, "default": "gen_random_uuid()"},
      {"name": "organization_id", "type": "uuid", "not_null": true},
      {"name": "title", "type": "varchar(80)", "not_null": true},
      {"name": "amount", "type": "numeric(12,2)"},
      {"name": "pinned", "type": "boolean", "not_null": true, "default": false}
    ], "indices": [{"name": "notes_title_idx", "columns": ["title"]}]},
    {"key": "Tag", "table": "tags", "columns": [
      {"name": "id", "type": "uuid", "primary_key": true},
      {"name": "organization_id", "type": "uuid", "not_null": true},
      {"name": "note_id", "type": "uuid", "not_null": true},
      {"name": "label", "type": "text", "not_null": true}
    ], "foreign_keys": [{"columns": ["note_id"], "references": {"model": "evo.Note", "columns": ["id"]}, "policy": "physical", "on_delete": "cascade"}]}
  ]
}"#;

/// v2 without `amount`: destructive.
fn v3_dropping_a_column() -> String {
    V2.replace(r#"{"name": "amount", "type": "numeric(12,2)"},"#, "")
        .replace("1.1.0", "1.2.0")
}

fn write_manifest(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("manifest.json");
    std::fs::write(&path, text).unwrap();
    path
}

/// Applies the lock's migrations from number `from` on, as the generated migrations do
/// (they carry exactly these statements).
async fn migrate(db: &DatabaseConnection, lock: &Lock, from: usize) {
    let backend = match db.get_database_backend() {
        DbBackend::Postgres => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let entry = &lock.addons["evo"];
    for migration in &entry.migrations[from..] {
        let physical = |t: &str| metacore_gen::codegen::schema::physical_table("evo", t);
        for statement in ddl::up(&migration.steps, backend, &physical) {
            db.execute_unprepared(&statement)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
    }
}

fn read_lock(out: &Path) -> Lock {
    Lock::parse(&std::fs::read_to_string(out.join("metacore.lock.json")).unwrap()).unwrap()
}

async fn evolution_keeps_data(db: DatabaseConnection) {
    let dir = scratch("evo");
    let out = dir.join("out");
    let manifest = write_manifest(&dir, V1);
    let tree = built(&request(vec![manifest.clone()], &out));
    build::write_tree(&out, &tree).unwrap();
    migrate(&db, &read_lock(&out), 0).await;
    let backend = db.get_database_backend();
    let insert = Statement::from_string(
        backend,
        "INSERT INTO \"addon_evo__notes\" (\"id\", \"organization_id\", \"title\", \"amount\") VALUES \
         ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000aa', 'kept', '1234567890.12')",
    );
    db.execute_raw(insert).await.unwrap();

    write_manifest(&dir, V2);
    let tree = built(&request(vec![manifest.clone()], &out));
    build::write_tree(&out, &tree).unwrap();
    let lock = read_lock(&out);
    let names: Vec<&str> = lock.addons["evo"]
        .migrations
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["m0001_evo_v1_0_0", "m0002_evo_v1_1_0"]);
    assert!(tree.contains_key(Path::new("src/migrations/m0002_evo_v1_1_0.rs")));
    migrate(&db, &lock, 1).await;

    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT CAST(\"title\" AS TEXT) AS title, CAST(\"amount\" AS TEXT) AS amount, \"pinned\" FROM \"addon_evo__notes\"",
        ))
        .await
        .unwrap()
        .expect("the v1 row survives");
    assert_eq!(row.try_get::<String>("", "title").unwrap(), "kept");
    assert_eq!(
        row.try_get::<String>("", "amount").unwrap(),
        "1234567890.12"
    );
    assert!(
        !row.try_get::<bool>("", "pinned").unwrap(),
        "the new column took its default"
    );
    // The new model and its foreign key work.
    db.execute_unprepared(
        "INSERT INTO \"addon_evo__tags\" (\"id\", \"organization_id\", \"note_id\", \"label\") VALUES \
         ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-0000000000aa', '00000000-0000-0000-0000-000000000001', 'x')",
    )
    .await
    .unwrap();
    let orphan = db
        .execute_unprepared(
            "INSERT INTO \"addon_evo__tags\" (\"id\", \"organization_id\", \"note_id\", \"label\") VALUES \
             ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-0000000000aa', '00000000-0000-0000-0000-000000000099', 'y')",
        )
        .await;
    assert!(orphan.is_err(), "the foreign key refuses a missing note");

    // Dropping a column is refused, names the model, and writes nothing; allowed, it is recorded.
    write_manifest(&dir, &v3_dropping_a_column());
    let reports = rejected(&request(vec![manifest.clone()], &out));
    let text = render(&reports);
    assert!(
        text.contains("MC0907") && text.contains("notes.amount"),
        "{text}"
    );
    assert_eq!(
        read_lock(&out),
        lock,
        "a refused change leaves the lock alone"
    );
    let mut allowed = request(vec![manifest], &out);
    allowed.allow_destructive = true;
    let tree = built(&allowed);
    build::write_tree(&out, &tree).unwrap();
    let lock = read_lock(&out);
    assert_eq!(lock.addons["evo"].migrations.len(), 3);
    migrate(&db, &lock, 2).await;
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM \"addon_evo__notes\"",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1);
}

#[tokio::test]
async fn v1_to_v2_migration_keeps_data_on_sqlite() {
    evolution_keeps_data(testing::sqlite_database("evo").await).await;
}

#[tokio::test]
async fn v1_to_v2_migration_keeps_data_on_postgres() {
    if let Some(db) = testing::postgres_database("evo").await {
        evolution_keeps_data(db).await;
    }
}

/// Every corpus manifest that validates also builds; all of them, in conflict-free groups,
/// compile as the members of one workspace (`cargo check`).
#[test]
fn every_buildable_corpus_manifest_compiles() {
    let groups = metacore_tests::buildable_groups(&metacore_tests::all_corpus_files());
    let accepted: usize = groups.iter().map(Vec::len).sum();
    assert!(
        accepted >= 80,
        "expected most of the corpus to be accepted, got {accepted}"
    );
    let root = scratch("corpus-crates");
    let mut members = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let name = format!("group_{i:02}");
        let out = root.join(&name);
        let mut request = request(group.clone(), &out);
        request.crate_name = format!("corpus-{name}").replace('_', "-");
        let tree = built(&request);
        // One workspace for all groups: drop each crate's own `[workspace]` table.
        let tree: Tree = tree
            .into_iter()
            .map(|(path, text)| {
                let text = if path == Path::new("Cargo.toml") {
                    String::from_utf8_lossy(&text)
                        .replace("\n[workspace]\n", "\n")
                        .into_bytes()
                } else {
                    text
                };
                (path, text)
            })
            .collect();
        build::write_tree(&out, &tree).unwrap();
        members.push(name);
    }
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members
                .iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace().join("target"))
        .join("corpus-check");
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "check",
            "--offline",
            "--workspace",
            "--tests",
            "--message-format=short",
        ])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo check of {} generated crates ({accepted} manifests) failed:\n{}",
        members.len(),
        String::from_utf8_lossy(&output.stderr)
    );
}
