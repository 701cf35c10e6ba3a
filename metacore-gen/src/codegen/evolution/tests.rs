use super::*;
use crate::codegen::lock::AddonLock;
use crate::codegen::schema::{AddonSchema, ColumnSchema, DefaultValue, TableSchema};

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
