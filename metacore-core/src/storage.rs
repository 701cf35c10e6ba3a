//! Names of the database objects the compiler's migrations create beside an addon's tables
//! and the runtime reads: the per-organisation row counts and the full-text search tables.
//! Both sides spell them from here, so a rename cannot split them.

/// The table of live-row counts per `(table_name, organization_id)`, kept by triggers on
/// every tenant table; `version` grows with every write to the table's rows of that
/// organisation (a cache key for filtered counts).
pub const ROW_COUNTS_TABLE: &str = "metacore_row_counts";

/// The SQLite FTS5 table (trigram tokenizer, external content) indexing the search columns
/// of the table `physical`; its rowids are the table's.
pub fn search_table(physical: &str) -> String {
    format!("{physical}__search")
}

/// The PostgreSQL column holding a table's search document: a stored generated column, the
/// `lower`-cased text of every search column joined by [`SEARCH_DOCUMENT_SEPARATOR`], with
/// one `pg_trgm` GIN index. `document LIKE lower('%text%')` answers exactly what
/// `c1 ILIKE '%text%' OR c2 ILIKE …` answers (PostgreSQL's `ILIKE` is `lower(a) LIKE
/// lower(b)`) when `text` holds no separator, without lowering every value of every row on
/// every search.
pub const SEARCH_DOCUMENT_COLUMN: &str = "metacore_search";

/// What joins the columns of a [`SEARCH_DOCUMENT_COLUMN`] (`chr(1)`): a text without it
/// cannot match across two columns.
pub const SEARCH_DOCUMENT_SEPARATOR: char = '\u{1}';

/// SQLite: the search document of `columns`, as an SQL expression over the table's row —
/// each column's text (`''` for NULL) joined by [`SEARCH_DOCUMENT_SEPARATOR`]. Migrations
/// index it after the list order's columns, and a search tests `<it> LIKE '%text%'`, which
/// SQLite then reads from that index instead of the table; the two spellings must be the
/// same expression for SQLite to match them, so both come from here. (SQLite's `LIKE`
/// folds case itself, so the document is not lowered.)
pub fn sqlite_search_document<S: AsRef<str>>(columns: &[S]) -> String {
    columns
        .iter()
        .map(|c| format!("coalesce(\"{}\", '')", c.as_ref().replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(&format!(
            " || char({}) || ",
            u32::from(SEARCH_DOCUMENT_SEPARATOR)
        ))
}
