//! The SQL functions addon statements may call: an allow-list shared by the parser and the
//! SQLite authorizer. Anything not listed — `set_config`, `current_setting`, the `pg_*`
//! administration functions, the `*_to_xml` family that runs SQL text, `load_extension`,
//! `dblink*` — is refused.

/// Functions an addon may call, lowercase.
const ALLOWED: &[&str] = &[
    // aggregates
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "total",
    "group_concat",
    "string_agg",
    "array_agg",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
    "bool_and",
    "bool_or",
    "every",
    // text
    "lower",
    "upper",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "substr",
    "substring",
    "trim",
    "ltrim",
    "rtrim",
    "btrim",
    "replace",
    "concat",
    "concat_ws",
    "left",
    "right",
    "position",
    "strpos",
    "instr",
    "split_part",
    "lpad",
    "rpad",
    "initcap",
    "reverse",
    "repeat",
    "like",
    "glob",
    "unicode",
    "char",
    "hex",
    // numbers
    "abs",
    "round",
    "ceil",
    "ceiling",
    "floor",
    "mod",
    "power",
    "pow",
    "sqrt",
    "exp",
    "ln",
    "log",
    "sign",
    "trunc",
    "greatest",
    "least",
    "random",
    // conditionals
    "coalesce",
    "nullif",
    "ifnull",
    "iif",
    // dates
    "now",
    "date_trunc",
    "date_part",
    "age",
    "to_char",
    "to_date",
    "to_timestamp",
    "make_date",
    "date",
    "time",
    "datetime",
    "julianday",
    "strftime",
    "unixepoch",
    // JSON
    "json",
    "json_extract",
    "json_array",
    "json_object",
    "json_array_length",
    "json_type",
    "json_valid",
    "json_build_object",
    "jsonb_build_object",
    "json_build_array",
    "jsonb_build_array",
    "to_json",
    "to_jsonb",
    "jsonb_set",
    "jsonb_array_length",
    "json_typeof",
    "jsonb_typeof",
    // identifiers
    "gen_random_uuid",
    // window functions
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "lag",
    "lead",
    "first_value",
    "last_value",
    "nth_value",
    "ntile",
    // types
    "typeof",
];

/// True when an addon may call the function `name` (compared case-insensitively).
pub fn is_allowed(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ALLOWED.contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::is_allowed;

    #[test]
    fn common_functions_are_allowed_and_dangerous_ones_are_not() {
        for name in ["count", "LOWER", "coalesce", "json_extract", "row_number"] {
            assert!(is_allowed(name), "{name}");
        }
        for name in [
            "set_config",
            "current_setting",
            "query_to_xml",
            "table_to_xml",
            "schema_to_xml",
            "database_to_xml",
            "pg_read_file",
            "pg_sleep",
            "lo_import",
            "dblink",
            "load_extension",
            "readfile",
            "metacore_guard_leave",
            "unknown_function",
        ] {
            assert!(!is_allowed(name), "{name}");
        }
    }
}
