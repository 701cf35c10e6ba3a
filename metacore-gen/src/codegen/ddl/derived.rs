//! DDL of what the database keeps for list pages beside a table: the full-text search index of
//! its search columns and the per-organisation count of its live rows, each kept in step by
//! triggers so that every writer — the HTTP API, addon SQL, an operator's `psql` — keeps them
//! exact.
//!
//! * **Search.** PostgreSQL: a search document (`SEARCH_DOCUMENT_COLUMN`, a stored generated
//!   column: the search columns `lower`-cased and joined) with a `pg_trgm` GIN index; list
//!   `search` tests `document LIKE lower('%text%')`, which answers as an `ILIKE` per column
//!   does, lowering each row once when it is written instead of every value at every
//!   search. Migrations recorded before that form kept a GIN index per column, which served
//!   the `ILIKE` itself; a later build turns them into the document (`document_search`).
//!   SQLite: an FTS5 table with the trigram tokenizer over the table's own rows (external
//!   content, rowids shared), kept by insert, delete and update triggers; list `search`
//!   narrows to its matches before the exact `LIKE`. (SQLite's `VACUUM` may renumber the
//!   rowids of a table without an integer primary key; after one,
//!   `INSERT INTO "<t>__search"("<t>__search") VALUES ('rebuild')` re-syncs.)
//!   A second index, the search scan, holds the list's default order followed by the
//!   search columns joined into one document: a common text is found by walking that
//!   index in list order and testing each entry's document, without reading the rows.
//! * **Counts.** `metacore_row_counts(table_name, organization_id, live_rows, version)`,
//!   created when missing, filled from the rows there now and kept by row triggers (a
//!   `SECURITY DEFINER` function on PostgreSQL, so addon roles' writes count without any
//!   privilege on the table; there, a deferred constraint trigger that counts at commit, so
//!   the organisation's count row is locked only while the write commits). The function pins
//!   no `search_path` (a `SET` clause switched it in and out on every call, several per cent
//!   of a create's cost); it names the counts table with its schema and every operator as
//!   `pg_catalog`'s, so no name a caller could shadow is looked up.

use metacore_core::storage::{
    search_table, sqlite_search_document, ROW_COUNTS_TABLE, SEARCH_DOCUMENT_COLUMN,
    SEARCH_DOCUMENT_SEPARATOR,
};

use super::{create_index, quote, Backend};
use crate::codegen::schema::{constraint_name, IndexSchema, RowCount};

/// A single-quoted SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn quoted_list(columns: &[String], prefix: &str) -> String {
    columns
        .iter()
        .map(|c| format!("{prefix}{}", quote(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The trigram index of `column` of `table` (PostgreSQL).
fn trigram_index(table: &str, column: &str) -> String {
    constraint_name(&format!("{table}__{column}__trgm"))
}

/// The name of one of the search triggers of `table` (SQLite).
fn search_trigger(table: &str, event: &str) -> String {
    format!("metacore_search__{table}__{event}")
}

/// The trigram index of the search document of `table` (PostgreSQL).
fn document_index(table: &str) -> String {
    constraint_name(&format!("{table}__search__trgm"))
}

/// A trigram index per column of `columns` (PostgreSQL, the form before search documents).
fn column_indexes(table: &str, columns: &[String]) -> Vec<String> {
    columns
        .iter()
        .map(|column| {
            format!(
                "CREATE INDEX {} ON {} USING gin ({} gin_trgm_ops)",
                quote(&trigram_index(table, column)),
                quote(table),
                quote(column)
            )
        })
        .collect()
}

fn drop_column_indexes(table: &str, columns: &[String]) -> Vec<String> {
    columns
        .iter()
        .map(|column| format!("DROP INDEX {}", quote(&trigram_index(table, column))))
        .collect()
}

/// The search document of `columns` and its trigram index (PostgreSQL): a stored generated
/// column, so every writer keeps it, filled from the rows there when added.
fn create_document(table: &str, columns: &[String]) -> Vec<String> {
    let parts = columns
        .iter()
        .map(|column| format!("lower(coalesce({}, ''))", quote(column)))
        .collect::<Vec<_>>()
        .join(&format!(
            " || chr({}) || ",
            u32::from(SEARCH_DOCUMENT_SEPARATOR)
        ));
    vec![
        format!(
            "ALTER TABLE {} ADD COLUMN {} text GENERATED ALWAYS AS ({parts}) STORED",
            quote(table),
            quote(SEARCH_DOCUMENT_COLUMN)
        ),
        format!(
            "CREATE INDEX {} ON {} USING gin ({} gin_trgm_ops)",
            quote(&document_index(table)),
            quote(table),
            quote(SEARCH_DOCUMENT_COLUMN)
        ),
    ]
}

fn drop_document(table: &str) -> Vec<String> {
    vec![
        format!("DROP INDEX {}", quote(&document_index(table))),
        format!(
            "ALTER TABLE {} DROP COLUMN {}",
            quote(table),
            quote(SEARCH_DOCUMENT_COLUMN)
        ),
    ]
}

/// The statements turning the trigram index per column of `table` into one search document
/// (PostgreSQL; nothing on SQLite, whose index is the same in both forms).
pub fn document_search(table: &str, columns: &[String], backend: Backend) -> Vec<String> {
    match backend {
        Backend::Postgres => {
            let mut out = drop_column_indexes(table, columns);
            out.extend(create_document(table, columns));
            out
        }
        Backend::Sqlite => Vec::new(),
    }
}

/// [`document_search`] undone.
pub fn undocument_search(table: &str, columns: &[String], backend: Backend) -> Vec<String> {
    match backend {
        Backend::Postgres => {
            let mut out = drop_document(table);
            out.extend(column_indexes(table, columns));
            out
        }
        Backend::Sqlite => Vec::new(),
    }
}

/// The statements creating the search index of `columns` of `table`, filled from its rows
/// (`document`: on PostgreSQL, the search document form).
pub fn create_search(
    table: &str,
    columns: &[String],
    document: bool,
    backend: Backend,
) -> Vec<String> {
    match backend {
        Backend::Postgres => {
            let mut out = vec!["CREATE EXTENSION IF NOT EXISTS pg_trgm".to_string()];
            if document {
                out.extend(create_document(table, columns));
            } else {
                out.extend(column_indexes(table, columns));
            }
            out
        }
        Backend::Sqlite => {
            let fts = search_table(table);
            let fts_q = quote(&fts);
            let names = quoted_list(columns, "");
            let new_values = quoted_list(columns, "new.");
            let old_values = quoted_list(columns, "old.");
            let insert_new =
                format!("INSERT INTO {fts_q}(rowid, {names}) VALUES (new.rowid, {new_values});");
            let delete_old = format!(
                "INSERT INTO {fts_q}({fts_q}, rowid, {names}) VALUES ('delete', old.rowid, {old_values});"
            );
            vec![
                format!(
                    "CREATE VIRTUAL TABLE {fts_q} USING fts5({names}, content={}, tokenize='trigram')",
                    literal(table)
                ),
                format!(
                    "CREATE TRIGGER {} AFTER INSERT ON {} BEGIN\n    {insert_new}\nEND",
                    quote(&search_trigger(table, "insert")),
                    quote(table)
                ),
                format!(
                    "CREATE TRIGGER {} AFTER DELETE ON {} BEGIN\n    {delete_old}\nEND",
                    quote(&search_trigger(table, "delete")),
                    quote(table)
                ),
                format!(
                    "CREATE TRIGGER {} AFTER UPDATE OF {names} ON {} BEGIN\n    {delete_old}\n    {insert_new}\nEND",
                    quote(&search_trigger(table, "update")),
                    quote(table)
                ),
                format!("INSERT INTO {fts_q}({fts_q}) VALUES ('rebuild')"),
            ]
        }
    }
}

/// The statements dropping the search index of `columns` of `table` (`document`: the search
/// document form on PostgreSQL).
pub fn drop_search(
    table: &str,
    columns: &[String],
    document: bool,
    backend: Backend,
) -> Vec<String> {
    match backend {
        Backend::Postgres if document => drop_document(table),
        Backend::Postgres => drop_column_indexes(table, columns),
        Backend::Sqlite => ["insert", "delete", "update"]
            .iter()
            .map(|event| format!("DROP TRIGGER {}", quote(&search_trigger(table, event))))
            .chain([format!("DROP TABLE {}", quote(&search_table(table)))])
            .collect(),
    }
}

/// The search scan index (SQLite): `index`'s columns — the list's default order — then the
/// search document of `columns`, the same expression list `search` tests, so that a search
/// in list order reads each entry's document from the index instead of the row. Nothing on
/// PostgreSQL, whose B-tree entries cannot hold a document of any length.
///
/// The table is analysed after, when it has rows. Where `ANALYZE` has run before, an index
/// without statistics beside indexes with them leads SQLite's planner to walk the wide new
/// index for plain deep pages; with statistics for all of the table's indexes, or for none,
/// it picks the list index for those and this one for searches. An empty table's analysis
/// records zero rows for its partial indexes, which misleads the planner once rows arrive
/// (a search then tests each row instead of the index), so those records are removed.
pub fn create_search_scan(
    table: &str,
    index: &IndexSchema,
    columns: &[String],
    backend: Backend,
) -> Vec<String> {
    match backend {
        Backend::Postgres => Vec::new(),
        Backend::Sqlite => vec![
            create_index(table, index, Some(&sqlite_search_document(columns))),
            format!("ANALYZE {}", quote(table)),
            format!(
                "DELETE FROM \"sqlite_stat1\" WHERE \"tbl\" = {} AND (\"stat\" = '0' OR \"stat\" LIKE '0 %')",
                literal(table)
            ),
        ],
    }
}

/// [`create_search_scan`] undone.
pub fn drop_search_scan(physical: &str, backend: Backend) -> Vec<String> {
    match backend {
        Backend::Postgres => Vec::new(),
        Backend::Sqlite => vec![format!("DROP INDEX {}", quote(physical))],
    }
}

/// `1` for a row that counts, as SQL over the trigger row `row` (`new`/`old`).
fn counts(count: &RowCount, row: &str) -> String {
    if count.live_only {
        format!("(CASE WHEN {row}.\"deleted_at\" IS NULL THEN 1 ELSE 0 END)")
    } else {
        "1".to_string()
    }
}

/// The counts table (SQLite: `uuid` affinity, the bytes sqlx binds a `Uuid` as).
fn create_counts_table() -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n    \"table_name\" text NOT NULL,\n    \
         \"organization_id\" uuid NOT NULL,\n    \"live_rows\" bigint NOT NULL DEFAULT 0,\n    \
         \"version\" bigint NOT NULL DEFAULT 0,\n    PRIMARY KEY (\"table_name\", \"organization_id\")\n)",
        quote(ROW_COUNTS_TABLE)
    )
}

fn count_function(table: &str) -> String {
    constraint_name(&format!("metacore_count__{table}"))
}

fn count_trigger(table: &str, event: &str) -> String {
    format!("metacore_count__{table}__{event}")
}

/// How an upsert into the counts names its target: ` AS c` and `c.` on PostgreSQL (an
/// unqualified column is ambiguous beside `EXCLUDED`); nothing on SQLite, which takes no
/// alias in a trigger and reads unqualified columns as the target's.
fn upsert_target(backend: Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Postgres => (" AS c", "c."),
        Backend::Sqlite => ("", ""),
    }
}

/// `INSERT … ON CONFLICT` adding `amount` to the count of `(table, org)`.
fn add_to_count(table: &str, org: &str, amount: &str, backend: Backend) -> String {
    let (alias, current) = upsert_target(backend);
    format!(
        "INSERT INTO {counts}{alias} (\"table_name\", \"organization_id\", \"live_rows\", \"version\") \
         VALUES ({}, {org}, {amount}, 1) ON CONFLICT (\"table_name\", \"organization_id\") DO UPDATE \
         SET \"live_rows\" = {current}\"live_rows\" + excluded.\"live_rows\", \"version\" = {current}\"version\" + 1;",
        literal(table),
        counts = quote(ROW_COUNTS_TABLE),
    )
}

/// `UPDATE` adding `delta` to the count of `(table, org)`.
fn change_count(table: &str, org: &str, delta: &str) -> String {
    format!(
        "UPDATE {} SET \"live_rows\" = \"live_rows\" + {delta}, \"version\" = \"version\" + 1 \
         WHERE \"table_name\" = {} AND \"organization_id\" = {org};",
        quote(ROW_COUNTS_TABLE),
        literal(table)
    )
}

/// The PostgreSQL count function of `table` in the form recorded before
/// [`RowCount::qualified`]: unqualified names, resolved through the `search_path` the
/// function pins with `SET … FROM CURRENT`.
fn pinned_count_function(table: &str, count: &RowCount) -> String {
    let by = quote(&count.by);
    let function = quote(&count_function(table));
    let (new, old) = (counts(count, "NEW"), counts(count, "OLD"));
    let same_org = change_count(table, &format!("NEW.{by}"), &format!("{new} - {old}"));
    let leave = change_count(table, &format!("OLD.{by}"), &format!("-{old}"));
    let enter = add_to_count(table, &format!("NEW.{by}"), &new, Backend::Postgres);
    let body = count_function_body(&CountBody {
        by: &by,
        eq: "=",
        ne: "<>",
        same_org_test: &format!("NEW.{by} IS NOT DISTINCT FROM OLD.{by}"),
        same_org,
        leave,
        enter,
    });
    format!(
        "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql \
         SECURITY DEFINER SET search_path FROM CURRENT AS {body}"
    )
}

/// The PL/pgSQL of a count function ([`count_function_body`]): how it compares, and the
/// statements it runs when a row stays in, leaves or enters an organisation.
struct CountBody<'a> {
    /// The organisation column, quoted.
    by: &'a str,
    /// The equality and inequality operators.
    eq: &'a str,
    ne: &'a str,
    /// True when an update keeps the row's organisation.
    same_org_test: &'a str,
    same_org: String,
    leave: String,
    enter: String,
}

/// The dollar-quoted body of a count function: both forms share it, so the pinned form
/// (restored when `m0006` is undone) stays the text earlier migrations recorded.
fn count_function_body(b: &CountBody) -> String {
    let CountBody {
        by,
        eq,
        ne,
        same_org_test,
        same_org,
        leave,
        enter,
    } = b;
    format!(
        "$metacore$\nBEGIN\n    \
         IF TG_OP {eq} 'UPDATE' AND {same_org_test} THEN\n        \
         IF NEW.{by} IS NOT NULL THEN\n            {same_org}\n        END IF;\n        \
         RETURN NULL;\n    END IF;\n    \
         IF TG_OP {ne} 'INSERT' AND OLD.{by} IS NOT NULL THEN\n        {leave}\n    END IF;\n    \
         IF TG_OP {ne} 'DELETE' AND NEW.{by} IS NOT NULL THEN\n        {enter}\n    END IF;\n    \
         RETURN NULL;\nEND\n$metacore$"
    )
}

/// The PostgreSQL count function of `table` ([`RowCount::qualified`]): a `SECURITY DEFINER`
/// function that pins no `search_path` and so must not resolve a name through the caller's.
/// The counts table is named with the schema the migration creates it in (the block
/// formats it in with `current_schema()`), each operator as `OPERATOR(pg_catalog.…)`; a
/// caller's temporary table or operator of the same name is never used.
fn qualified_count_function(table: &str, count: &RowCount) -> String {
    // Stands for the schema until the body is escaped for `format`.
    const SCHEMA: &str = "\u{1}schema\u{1}";
    let op = |o: &str| format!("OPERATOR(pg_catalog.{o})");
    let (eq, plus, minus) = (op("="), op("+"), op("-"));
    let by = quote(&count.by);
    let counts_q = format!("{SCHEMA}.{}", quote(ROW_COUNTS_TABLE));
    let (new, old) = (counts(count, "NEW"), counts(count, "OLD"));
    let change = |org: &str, rows: &str| {
        format!(
            "UPDATE {counts_q} SET \"live_rows\" = {rows}, \"version\" = \"version\" {plus} 1 \
             WHERE \"table_name\" {eq} {} AND \"organization_id\" {eq} {org};",
            literal(table)
        )
    };
    let same_org = change(
        &format!("NEW.{by}"),
        &format!("\"live_rows\" {plus} ({new} {minus} {old})"),
    );
    let leave = change(
        &format!("OLD.{by}"),
        &format!("\"live_rows\" {minus} {old}"),
    );
    let enter = format!(
        "INSERT INTO {counts_q} AS c (\"table_name\", \"organization_id\", \"live_rows\", \"version\") \
         VALUES ({}, NEW.{by}, {new}, 1) ON CONFLICT (\"table_name\", \"organization_id\") DO UPDATE \
         SET \"live_rows\" = c.\"live_rows\" {plus} excluded.\"live_rows\", \"version\" = c.\"version\" {plus} 1;",
        literal(table)
    );
    let body = count_function_body(&CountBody {
        by: &by,
        eq: &eq,
        ne: &op("<>"),
        same_org_test: &format!(
            "(NEW.{by} {eq} OLD.{by} OR (NEW.{by} IS NULL AND OLD.{by} IS NULL))"
        ),
        same_org,
        leave,
        enter,
    });
    let create = format!(
        "CREATE OR REPLACE FUNCTION {SCHEMA}.{}() RETURNS trigger LANGUAGE plpgsql \
         SECURITY DEFINER AS {body}",
        quote(&count_function(table))
    )
    .replace('%', "%%")
    .replace(SCHEMA, "%1$I");
    format!(
        "DO $metacore_do$ BEGIN EXECUTE pg_catalog.format($metacore_fn${create}$metacore_fn$, \
         pg_catalog.current_schema()); END $metacore_do$"
    )
}

/// The statements that start counting `table`'s rows by `count` (replacing any previous
/// counting of it) from a count of its rows now.
pub fn count_rows(table: &str, count: &RowCount, backend: Backend) -> Vec<String> {
    let by = quote(&count.by);
    let table_q = quote(table);
    let counts_q = quote(ROW_COUNTS_TABLE);
    let live_rows = if count.live_only {
        "sum(CASE WHEN \"deleted_at\" IS NULL THEN 1 ELSE 0 END)"
    } else {
        "count(*)"
    };
    let (alias, current) = upsert_target(backend);
    let recount = [
        format!(
            "UPDATE {counts_q} SET \"live_rows\" = 0, \"version\" = \"version\" + 1 WHERE \"table_name\" = {}",
            literal(table)
        ),
        // The WHERE also keeps SQLite's grammar from reading ON CONFLICT as a join's ON.
        format!(
            "INSERT INTO {counts_q}{alias} (\"table_name\", \"organization_id\", \"live_rows\", \"version\") \
             SELECT {}, {by}, {live_rows}, 1 FROM {table_q} WHERE {by} IS NOT NULL GROUP BY {by} \
             ON CONFLICT (\"table_name\", \"organization_id\") DO UPDATE \
             SET \"live_rows\" = excluded.\"live_rows\", \"version\" = {current}\"version\" + 1",
            literal(table)
        ),
    ];
    let mut out = vec![create_counts_table()];
    match backend {
        Backend::Postgres => {
            let function = quote(&count_function(table));
            out.push(if count.qualified {
                qualified_count_function(table, count)
            } else {
                pinned_count_function(table, count)
            });
            out.push(format!(
                "DROP TRIGGER IF EXISTS \"metacore_count\" ON {table_q}"
            ));
            // At commit: a deferred constraint trigger (see `RowCount::at_commit`).
            let (kind, when) = if count.at_commit {
                ("CONSTRAINT TRIGGER", " DEFERRABLE INITIALLY DEFERRED")
            } else {
                ("TRIGGER", "")
            };
            out.push(format!(
                "CREATE {kind} \"metacore_count\" AFTER INSERT OR UPDATE OR DELETE ON {table_q}{when} \
                 FOR EACH ROW EXECUTE FUNCTION {function}()"
            ));
        }
        Backend::Sqlite => {
            let (live_new, live_old) = (counts(count, "new"), counts(count, "old"));
            for event in ["insert", "delete", "update", "move"] {
                out.push(format!(
                    "DROP TRIGGER IF EXISTS {}",
                    quote(&count_trigger(table, event))
                ));
            }
            out.push(format!(
                "CREATE TRIGGER {} AFTER INSERT ON {table_q} WHEN new.{by} IS NOT NULL BEGIN\n    {}\nEND",
                quote(&count_trigger(table, "insert")),
                add_to_count(table, &format!("new.{by}"), &live_new, backend),
            ));
            out.push(format!(
                "CREATE TRIGGER {} AFTER DELETE ON {table_q} WHEN old.{by} IS NOT NULL BEGIN\n    {}\nEND",
                quote(&count_trigger(table, "delete")),
                change_count(table, &format!("old.{by}"), &format!("-{live_old}")),
            ));
            out.push(format!(
                "CREATE TRIGGER {} AFTER UPDATE ON {table_q} WHEN new.{by} IS old.{by} AND new.{by} IS NOT NULL BEGIN\n    {}\nEND",
                quote(&count_trigger(table, "update")),
                change_count(table, &format!("new.{by}"), &format!("{live_new} - {live_old}")),
            ));
            out.push(format!(
                "CREATE TRIGGER {} AFTER UPDATE ON {table_q} WHEN new.{by} IS NOT old.{by} BEGIN\n    {}\n    {}\nEND",
                quote(&count_trigger(table, "move")),
                change_count(table, &format!("old.{by}"), &format!("-{live_old}")),
                add_to_count(table, &format!("new.{by}"), &live_new, backend),
            ));
        }
    }
    out.extend(recount);
    out
}

/// The statements that stop counting `table`'s rows.
pub fn stop_counting(table: &str, backend: Backend) -> Vec<String> {
    let mut out: Vec<String> = match backend {
        Backend::Postgres => vec![
            format!(
                "DROP TRIGGER IF EXISTS \"metacore_count\" ON {}",
                quote(table)
            ),
            format!(
                "DROP FUNCTION IF EXISTS {}()",
                quote(&count_function(table))
            ),
        ],
        Backend::Sqlite => ["insert", "delete", "update", "move"]
            .iter()
            .map(|event| {
                format!(
                    "DROP TRIGGER IF EXISTS {}",
                    quote(&count_trigger(table, event))
                )
            })
            .collect(),
    };
    out.push(format!(
        "DELETE FROM {} WHERE \"table_name\" = {}",
        quote(ROW_COUNTS_TABLE),
        literal(table)
    ));
    out
}
