use super::*;
use crate::codegen::lock::AddonLock;
use crate::codegen::schema::{
    AddonSchema, ColumnSchema, DefaultValue, IndexSchema, RowCount, TableSchema,
};

fn column(name: &str, ty: &str, nullable: bool) -> ColumnSchema {
    ColumnSchema {
        name: name.into(),
        column_type: ty.into(),
        nullable,
        primary_key: name == "id",
        default: None,
    }
}

fn table(columns: Vec<ColumnSchema>) -> TableSchema {
    TableSchema {
        physical: "addon_a__items".into(),
        columns,
        indices: Default::default(),
        foreign_keys: Default::default(),
        search: Vec::new(),
        search_document: false,
        search_scan: None,
        row_count: None,
    }
}

fn schema(columns: Vec<ColumnSchema>) -> AddonSchema {
    AddonSchema {
        tables: [("items".to_string(), table(columns))].into(),
    }
}

#[test]
fn identical_schemas_need_no_migration() {
    let s = schema(vec![
        column("id", "uuid", false),
        column("title", "text", false),
    ]);
    assert_eq!(diff(&s, &s), (vec![], vec![]));
}

#[test]
fn new_nullable_column_is_additive() {
    let old = schema(vec![column("id", "uuid", false)]);
    let new = schema(vec![
        column("id", "uuid", false),
        column("note", "text", true),
    ]);
    let (steps, destructive) = diff(&old, &new);
    assert!(destructive.is_empty());
    assert!(matches!(&steps[..], [Step::AddColumn { column, .. }] if column.name == "note"));
}

#[test]
fn new_not_null_column_needs_a_default() {
    let old = schema(vec![column("id", "uuid", false)]);
    let mut with_default = column("qty", "integer", false);
    let new = schema(vec![column("id", "uuid", false), with_default.clone()]);
    assert_eq!(
        diff(&old, &new).1.len(),
        1,
        "NOT NULL without default is destructive"
    );
    with_default.default = Some(DefaultValue::Number("0".into()));
    let new = schema(vec![column("id", "uuid", false), with_default]);
    assert!(diff(&old, &new).1.is_empty());
}

#[test]
fn widening_is_additive_and_narrowing_is_not() {
    let old = schema(vec![
        column("id", "uuid", false),
        column("code", "varchar(10)", false),
    ]);
    let wider = schema(vec![
        column("id", "uuid", false),
        column("code", "varchar(40)", false),
    ]);
    let (steps, destructive) = diff(&old, &wider);
    assert!(destructive.is_empty());
    assert!(matches!(&steps[..], [Step::AlterColumn { .. }]));
    let (_, destructive) = diff(&wider, &old);
    assert_eq!(destructive.len(), 1);
    assert!(destructive[0].message.contains("varchar(40)"));
    assert!(widens("integer", "bigint"));
    assert!(widens("varchar(5)", "text"));
    assert!(widens("numeric(10,2)", "numeric(12,4)"));
    assert!(!widens("numeric(10,2)", "numeric(10,4)"));
    assert!(!widens("text", "varchar(10)"));
    assert!(!widens("bigint", "integer"));
}

#[test]
fn dropping_and_renaming_are_destructive() {
    let old = schema(vec![
        column("id", "uuid", false),
        column("title", "text", false),
    ]);
    let renamed = schema(vec![
        column("id", "uuid", false),
        column("name", "text", true),
    ]);
    let (steps, destructive) = diff(&old, &renamed);
    assert_eq!(steps.len(), 2, "add + drop: {steps:?}");
    assert_eq!(destructive.len(), 1);
    assert!(
        destructive[0].message.contains("renamed"),
        "{}",
        destructive[0].message
    );
    let (_, destructive) = diff(&old, &AddonSchema::default());
    assert!(destructive[0].message.contains("table `items`"));
}

#[test]
fn nullable_to_not_null_needs_a_default() {
    let old = schema(vec![
        column("id", "uuid", false),
        column("status", "text", true),
    ]);
    let strict = schema(vec![
        column("id", "uuid", false),
        column("status", "text", false),
    ]);
    assert_eq!(diff(&old, &strict).1.len(), 1);
    let mut defaulted = column("status", "text", false);
    defaulted.default = Some(DefaultValue::Text("open".into()));
    let strict = schema(vec![column("id", "uuid", false), defaulted]);
    assert!(diff(&old, &strict).1.is_empty());
}

#[test]
fn folding_recorded_steps_gives_back_the_schema() {
    let v1 = schema(vec![column("id", "uuid", false)]);
    let v2 = schema(vec![
        column("id", "uuid", false),
        column("note", "text", true),
    ]);
    let mut lock = AddonLock::default();
    lock.record("a", "1.0.0", diff(&AddonSchema::default(), &v1).0);
    assert_eq!(lock.schema(), v1);
    lock.record("a", "1.1.0", diff(&v1, &v2).0);
    assert_eq!(lock.schema(), v2);
    let names: Vec<&str> = lock.migrations.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["m0001_a_v1_0_0", "m0002_a_v1_1_0"]);
}

/// `items` with `title` and `body`, searched on `search`, in the document form or not.
fn searched(search: &[&str], document: bool) -> AddonSchema {
    let mut s = schema(vec![
        column("id", "uuid", false),
        column("title", "text", false),
        column("body", "text", true),
    ]);
    let items = s.tables.get_mut("items").unwrap();
    items.search = search.iter().map(|c| c.to_string()).collect();
    items.search_document = document && !search.is_empty();
    s
}

#[test]
fn a_recorded_index_per_column_becomes_a_search_document_once() {
    // A lock written before search documents: its `create_search` has no `document`.
    let recorded: AddonLock = serde_json::from_value(serde_json::json!({
        "migrations": [{
            "name": "m0001_a_v1_0_0",
            "version": "1.0.0",
            "steps": [
                { "op": "create_table", "table": "items",
                  "schema": serde_json::to_value(&searched(&[], false).tables["items"]).unwrap() },
                { "op": "create_search", "table": "items", "columns": ["title", "body"] }
            ]
        }]
    }))
    .unwrap();
    let mut lock = recorded.clone();
    assert_eq!(lock.schema(), searched(&["title", "body"], false));
    let now = searched(&["title", "body"], true);
    let (steps, destructive) = diff(&lock.schema(), &now);
    assert_eq!(
        steps,
        [Step::DocumentSearch {
            table: "items".into(),
            columns: vec!["title".into(), "body".into()],
        }]
    );
    assert!(destructive.is_empty());
    lock.record("a", "1.0.0", steps);
    assert_eq!(lock.schema(), now);
    assert_eq!(diff(&lock.schema(), &now).0, []);
    // The recorded step reads back as it was written (no `document` on it).
    let text = serde_json::to_string(&recorded).unwrap();
    assert!(!text.contains("document"), "{text}");
}

#[test]
fn new_search_columns_replace_the_old_form_with_a_document() {
    let (steps, _) = diff(
        &searched(&["title"], false),
        &searched(&["title", "body"], true),
    );
    assert_eq!(
        steps,
        [
            Step::DropSearch {
                table: "items".into(),
                columns: vec!["title".into()],
                document: false,
            },
            Step::CreateSearch {
                table: "items".into(),
                columns: vec!["title".into(), "body".into()],
                document: true,
            },
        ]
    );
    let (steps, _) = diff(&searched(&["title"], true), &searched(&[], true));
    assert_eq!(
        steps,
        [Step::DropSearch {
            table: "items".into(),
            columns: vec!["title".into()],
            document: true,
        }]
    );
}

#[test]
fn retyping_a_column_of_a_search_document_rebuilds_it_around_the_change() {
    let old = searched(&["title", "body"], true);
    let mut new = old.clone();
    let items = new.tables.get_mut("items").unwrap();
    items.columns[1].column_type = "varchar(80)".into();
    let (steps, _) = diff(&old, &new);
    let ops: Vec<&str> = steps
        .iter()
        .map(|s| match s {
            Step::DropSearch { .. } => "drop search",
            Step::AlterColumn { .. } => "alter",
            Step::CreateSearch { document: true, .. } => "create document",
            _ => "other",
        })
        .collect();
    assert_eq!(ops, ["drop search", "alter", "create document"]);
    // A column outside the search, or a change other than the type, leaves it alone.
    let mut nullable = old.clone();
    nullable.tables.get_mut("items").unwrap().columns[1].nullable = true;
    assert!(!diff(&old, &nullable)
        .0
        .iter()
        .any(|s| matches!(s, Step::DropSearch { .. })));
}

/// The search scan index of `items`: `(org, created_at, id)` then the document.
fn scan_index() -> IndexSchema {
    IndexSchema {
        physical: "addon_a__items__search__scan".into(),
        columns: vec!["org".into(), "created_at".into(), "id".into()],
        unique: false,
        only_live_rows: false,
    }
}

/// [`searched`] with the search scan index, on a table with an organisation and a
/// `created_at`.
fn scanned(search: &[&str]) -> AddonSchema {
    let mut s = searched(search, true);
    let items = s.tables.get_mut("items").unwrap();
    items.columns.push(column("org", "uuid", false));
    items
        .columns
        .push(column("created_at", "timestamptz", false));
    items.search_scan = (!search.is_empty()).then(scan_index);
    s
}

fn ops(steps: &[Step]) -> Vec<&'static str> {
    steps
        .iter()
        .map(|s| match s {
            Step::CreateTable { .. } => "create table",
            Step::AddColumn { .. } => "add column",
            Step::DropColumn { .. } => "drop column",
            Step::CreateSearch { .. } => "create search",
            Step::DropSearch { .. } => "drop search",
            Step::CreateSearchScan { .. } => "create scan",
            Step::DropSearchScan { .. } => "drop scan",
            _ => "other",
        })
        .collect()
}

#[test]
fn a_new_table_gets_its_search_scan_after_its_search() {
    let now = scanned(&["title", "body"]);
    let (steps, _) = diff(&AddonSchema::default(), &now);
    assert_eq!(
        ops(&steps),
        ["create table", "create search", "create scan"]
    );
    assert_eq!(
        steps[2],
        Step::CreateSearchScan {
            table: "items".into(),
            index: scan_index(),
            columns: vec!["title".into(), "body".into()],
        }
    );
    let mut lock = AddonLock::default();
    lock.record("a", "1.0.0", steps);
    assert_eq!(
        lock.schema(),
        now,
        "the recorded steps fold back to the schema"
    );
}

#[test]
fn a_lock_from_before_search_scans_gets_one_once() {
    // Recorded before the scan existed: no `search_scan` on the table.
    let before = scanned(&["title", "body"]);
    let mut recorded = before.clone();
    recorded.tables.get_mut("items").unwrap().search_scan = None;
    let text = serde_json::to_string(&recorded.tables["items"]).unwrap();
    assert!(!text.contains("search_scan"), "{text}");
    let (steps, destructive) = diff(&recorded, &before);
    assert_eq!(ops(&steps), ["create scan"]);
    assert!(destructive.is_empty());
    let mut lock = AddonLock::default();
    lock.record("a", "1.0.0", diff(&AddonSchema::default(), &recorded).0);
    lock.record("a", "1.0.0", steps);
    assert_eq!(lock.schema(), before);
    assert_eq!(diff(&lock.schema(), &before).0, []);
}

#[test]
fn changing_the_search_columns_rebuilds_the_scan_around_them() {
    // The old document reads `body`: its index goes before the column does.
    let old = scanned(&["title", "body"]);
    let mut new = scanned(&["title"]);
    new.tables
        .get_mut("items")
        .unwrap()
        .columns
        .retain(|c| c.name != "body");
    let (steps, _) = diff(&old, &new);
    assert_eq!(
        ops(&steps),
        [
            "drop scan",
            "drop search",
            "drop column",
            "create search",
            "create scan"
        ]
    );
    // No search columns left: no scan either.
    let (steps, _) = diff(&old, &scanned(&[]));
    assert_eq!(ops(&steps), ["drop scan", "drop search"]);
}

#[test]
fn the_search_scan_is_an_sqlite_index_of_the_list_order_and_the_document() {
    use crate::codegen::ddl::{self, Backend};
    let (steps, _) = diff(&AddonSchema::default(), &scanned(&["title", "body"]));
    let physical = |_: &str| "addon_a__items".to_string();
    let sqlite = ddl::up(&steps, Backend::Sqlite, &physical);
    assert!(
        sqlite.contains(
            &"CREATE INDEX \"addon_a__items__search__scan\" ON \"addon_a__items\" (\"org\", \
              \"created_at\", \"id\", (coalesce(\"title\", '') || char(1) || coalesce(\"body\", '')))"
                .to_string()
        ),
        "{sqlite:#?}"
    );
    assert_eq!(
        sqlite[sqlite.len() - 2..],
        [
            "ANALYZE \"addon_a__items\"",
            "DELETE FROM \"sqlite_stat1\" WHERE \"tbl\" = 'addon_a__items' AND (\"stat\" = '0' OR \"stat\" LIKE '0 %')"
        ]
    );
    let postgres = ddl::up(&steps, Backend::Postgres, &physical);
    assert!(
        !postgres.iter().any(|s| s.contains("__scan")),
        "{postgres:#?}"
    );
    let down = ddl::down(&steps[2..], Backend::Sqlite, &physical).unwrap();
    assert_eq!(down, ["DROP INDEX \"addon_a__items__search__scan\""]);
    assert_eq!(
        ddl::down(&steps[2..], Backend::Postgres, &physical),
        Some(vec![])
    );
}

fn counted(at_commit: bool) -> AddonSchema {
    counted_by(at_commit, false)
}

fn counted_by(at_commit: bool, qualified: bool) -> AddonSchema {
    let mut s = schema(vec![
        column("id", "uuid", false),
        column("org", "uuid", false),
    ]);
    s.tables.get_mut("items").unwrap().row_count = Some(RowCount {
        by: "org".into(),
        live_only: false,
        at_commit,
        qualified,
    });
    s
}

#[test]
fn a_lock_counting_at_once_counts_at_commit_on_postgres_only() {
    use crate::codegen::ddl::{self, Backend};
    // Recorded before `at_commit`: the field is absent from the lock.
    let recorded = counted(false);
    let text = serde_json::to_string(&recorded.tables["items"]).unwrap();
    assert!(!text.contains("at_commit"), "{text}");
    let (steps, destructive) = diff(&recorded, &counted(true));
    assert!(destructive.is_empty());
    assert!(
        matches!(&steps[..], [Step::CountRows { count, replaces: Some(before), .. }]
            if count.at_commit && !before.at_commit),
        "{steps:#?}"
    );
    let physical = |_: &str| "addon_a__items".to_string();
    let postgres = ddl::up(&steps, Backend::Postgres, &physical);
    let trigger = |statements: &[String]| {
        statements
            .iter()
            .find(|s| s.contains("TRIGGER \"metacore_count\" AFTER"))
            .cloned()
            .unwrap_or_default()
    };
    assert!(
        trigger(&postgres).starts_with("CREATE CONSTRAINT TRIGGER")
            && trigger(&postgres).contains("DEFERRABLE INITIALLY DEFERRED"),
        "{postgres:#?}"
    );
    // Undone, PostgreSQL counts at once again; SQLite's triggers count at once either way.
    let down = ddl::down(&steps, Backend::Postgres, &physical).unwrap();
    assert!(
        trigger(&down).starts_with("CREATE TRIGGER") && !trigger(&down).contains("DEFERRABLE"),
        "{down:#?}"
    );
    sqlite_unchanged_and_folded(steps, &recorded, &counted(true));
}

/// `steps` (a change of how rows are counted that SQLite's triggers do not see) emit nothing
/// on SQLite either way, and a lock of `recorded` plus them folds to `counted`, which needs
/// nothing more.
fn sqlite_unchanged_and_folded(steps: Vec<Step>, recorded: &AddonSchema, counted: &AddonSchema) {
    use crate::codegen::ddl::{self, Backend};
    let physical = |_: &str| "addon_a__items".to_string();
    assert_eq!(
        ddl::up(&steps, Backend::Sqlite, &physical),
        Vec::<String>::new()
    );
    assert_eq!(ddl::down(&steps, Backend::Sqlite, &physical), Some(vec![]));
    let mut lock = AddonLock::default();
    lock.record("a", "1.0.0", diff(&AddonSchema::default(), recorded).0);
    lock.record("a", "1.0.0", steps);
    assert_eq!(lock.schema(), *counted);
    assert_eq!(diff(&lock.schema(), counted).0, []);
}

#[test]
fn a_lock_counting_with_a_pinned_search_path_gets_the_qualified_function() {
    use crate::codegen::ddl::{self, Backend};
    // Recorded before `qualified`: the field is absent from the lock.
    let recorded = counted_by(true, false);
    let text = serde_json::to_string(&recorded.tables["items"]).unwrap();
    assert!(!text.contains("qualified"), "{text}");
    let (steps, destructive) = diff(&recorded, &counted_by(true, true));
    assert!(destructive.is_empty());
    assert!(
        matches!(&steps[..], [Step::CountRows { count, replaces: Some(before), .. }]
            if count.qualified && !before.qualified),
        "{steps:#?}"
    );
    let physical = |_: &str| "addon_a__items".to_string();
    let function = |statements: &[String]| {
        statements
            .iter()
            .find(|s| s.contains("FUNCTION"))
            .cloned()
            .unwrap_or_default()
    };
    let postgres = ddl::up(&steps, Backend::Postgres, &physical);
    let made = function(&postgres);
    assert!(
        made.starts_with("DO $metacore_do$")
            && made.contains("%1$I.\"metacore_row_counts\"")
            && made.contains("pg_catalog.current_schema()")
            && !made.contains("search_path")
            && !made.contains(" = NEW.")
            && !made.contains("IS NOT DISTINCT FROM"),
        "{made}"
    );
    // Undone, the function pins its search_path again.
    let down = ddl::down(&steps, Backend::Postgres, &physical).unwrap();
    assert!(
        function(&down).contains("SET search_path FROM CURRENT"),
        "{down:#?}"
    );
    // SQLite's triggers name no function: nothing to do either way.
    sqlite_unchanged_and_folded(steps, &recorded, &counted_by(true, true));
}
