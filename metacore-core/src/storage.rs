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
