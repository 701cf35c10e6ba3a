//! The SQL functions addon statements may call.
//!
//! One allow-list, shared by the parser (which refuses other calls with a good error) and
//! the SQLite authorizer of [`super::sqlite_guard`] (which refuses them again at prepare
//! time, so a parser bug cannot widen what an addon may do). It is an allow-list, not a
//! deny-list: a function is refused unless it is listed here. The list holds safe scalar,
//! aggregate and window functions common to PostgreSQL and SQLite (plus the SQLite
//! spellings of the same operations), and nothing that reaches outside the statement:
//! no `pg_*`, `lo_*` or `dblink*` functions, no `set_config`/`current_setting`, no
//! `*_to_xml*`/`xpath`, no `load_extension`/`readfile`/`writefile`, no `sqlite_*`, no
//! full-text or r-tree helpers, no `zeroblob`/`randomblob`, and none of the runtime's own
//! `metacore_*` functions.

/// Allowed function names, lowercase, sorted (binary-searched; a unit test keeps it sorted).
const ALLOWED: &[&str] = &[
    // `a -> b` and `a ->> b` reach the SQLite authorizer as functions of these names.
    "->",
    "->>",
    "abs",
    "age",
    "array_agg",
    "avg",
    "bool_and",
    "bool_or",
    "btrim",
    "ceil",
    "ceiling",
    "char_length",
    "coalesce",
    "concat",
    "concat_ws",
    "count",
    "cume_dist",
    "current_date",
    "current_time",
    "current_timestamp",
    "date",
    "date_part",
    "date_trunc",
    "datetime",
    "dense_rank",
    "every",
    "exp",
    "extract",
    "first_value",
    "floor",
    "format",
    "gen_random_uuid",
    // SQLite reports the GLOB operator as a call of `glob`.
    "glob",
    "greatest",
    "group_concat",
    "ifnull",
    "iif",
    "initcap",
    "instr",
    "json",
    "json_agg",
    "json_array",
    "json_array_length",
    "json_build_array",
    "json_build_object",
    "json_extract",
    "json_object",
    "json_object_agg",
    "json_type",
    "json_typeof",
    "json_valid",
    "jsonb_agg",
    "jsonb_array_length",
    "jsonb_build_array",
    "jsonb_build_object",
    "jsonb_set",
    "jsonb_typeof",
    "julianday",
    "lag",
    "last_value",
    "lead",
    "least",
    "left",
    "length",
    // SQLite reports the LIKE operator as a call of `like`.
    "like",
    "ln",
    "log",
    "lower",
    "lpad",
    "ltrim",
    "make_date",
    "max",
    "min",
    "mod",
    "now",
    "nth_value",
    "ntile",
    "nullif",
    "octet_length",
    "percent_rank",
    "position",
    "pow",
    "power",
    "printf",
    "random",
    "rank",
    "repeat",
    "replace",
    "reverse",
    "right",
    "round",
    "row_number",
    "rpad",
    "rtrim",
    "sign",
    "split_part",
    "sqrt",
    "strftime",
    "string_agg",
    "strpos",
    "substr",
    "substring",
    "sum",
    "time",
    "to_char",
    "to_date",
    "to_json",
    "to_jsonb",
    "to_timestamp",
    "total",
    "trim",
    "trunc",
    "typeof",
    "unixepoch",
    "upper",
];

/// SQL functions an addon may call (lowercase names), shared by the parser and the SQLite
/// authorizer. Names are compared exactly: pass them lowercased (SQL function names are
/// case-insensitive; `COUNT` is `count`).
pub fn is_allowed(name: &str) -> bool {
    ALLOWED.binary_search(&name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_unique_and_lowercase() {
        assert!(
            ALLOWED.windows(2).all(|w| w[0] < w[1]),
            "ALLOWED must stay sorted"
        );
        assert!(ALLOWED.iter().all(|n| n.to_lowercase() == *n));
    }

    #[test]
    fn common_functions_are_allowed() {
        for name in [
            "count",
            "sum",
            "coalesce",
            "lower",
            "json_extract",
            "jsonb_build_object",
            "row_number",
            "date_trunc",
            "strftime",
            "gen_random_uuid",
            "like",
            "glob",
            "->>",
        ] {
            assert!(is_allowed(name), "{name} should be allowed");
        }
    }

    #[test]
    fn dangerous_and_unknown_functions_are_refused() {
        for name in [
            "load_extension",
            "readfile",
            "writefile",
            "pg_sleep",
            "pg_read_file",
            "lo_import",
            "dblink",
            "set_config",
            "current_setting",
            "query_to_xml",
            "table_to_xml",
            "cursor_to_xml",
            "xpath",
            "sqlite_version",
            "sqlite_compileoption_get",
            "fts5",
            "highlight",
            "rtreecheck",
            "zeroblob",
            "randomblob",
            "quote",
            "metacore_guard_enter",
            "metacore_guard_leave",
            "metacore_guard_org",
            "no_such_function",
            "",
        ] {
            assert!(!is_allowed(name), "{name} must be refused");
        }
    }

    #[test]
    fn names_must_be_lowercased_by_the_caller() {
        assert!(!is_allowed("COUNT"));
        assert!(is_allowed(&"COUNT".to_ascii_lowercase()));
    }
}
