//! A small SQL text builder with positional parameters for either backend.
//!
//! Identifiers come only from compiled descriptors (never from the request) and are quoted;
//! every request value is a bound parameter (`$n` on PostgreSQL, `?` on SQLite).
//!
//! Hand-written rather than built with sea-query's statement builders: list queries are
//! mostly backend-specific fragments (FTS5 `MATCH`, `CAST` of SQLite's numeric text,
//! `json_each`, `ILIKE … ESCAPE`) that sea-query would take as custom expressions anyway, and
//! conditions are composed from parts whose placeholders must renumber on PostgreSQL
//! ([`Sql::append`]). Identifier quoting is sea-query's ([`quote`]).

use sea_orm::{DatabaseBackend, Statement, Value};

/// SQL text with its bound values.
#[derive(Debug, Clone)]
pub struct Sql {
    backend: DatabaseBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    /// Empty SQL for `backend`.
    pub fn new(backend: DatabaseBackend) -> Self {
        Sql {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    /// The backend.
    pub fn backend(&self) -> DatabaseBackend {
        self.backend
    }

    /// True on SQLite.
    pub fn sqlite(&self) -> bool {
        self.backend == DatabaseBackend::Sqlite
    }

    /// Appends raw SQL text (never request data).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a quoted identifier.
    pub fn ident(&mut self, name: &str) -> &mut Self {
        self.text.push_str(&quote(name));
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        if self.sqlite() {
            self.text.push('?');
        } else {
            self.text.push('$');
            self.text.push_str(&self.values.len().to_string());
        }
        self
    }

    /// PostgreSQL: binds `value` and returns its placeholder (`$n`) to write where it is
    /// used, as often as needed. (SQLite's `?` placeholders are positional: use [`Sql::bind`]
    /// there.)
    pub fn bind_reusable(&mut self, value: impl Into<Value>) -> String {
        debug_assert!(!self.sqlite(), "SQLite placeholders cannot be reused");
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    /// Appends ` LIMIT <n>` with `n` as an integer literal, not a parameter.
    ///
    /// SQLite (3.47 and later) reads a bound `LIMIT` while planning and marks the statement
    /// to be re-planned whenever that parameter is bound again: a cached list statement with
    /// `LIMIT ?` was parsed and planned anew on every request. A literal keeps one cached
    /// plan per page size (a handful), on PostgreSQL too, whose generic plans would otherwise
    /// guess the row count a `LIMIT $n` asks for.
    /// Callers pass a validated, positive page size.
    pub fn limit(&mut self, n: impl TryInto<i64>) -> &mut Self {
        let n: i64 = n.try_into().unwrap_or(i64::MAX);
        self.text.push_str(" LIMIT ");
        self.text.push_str(&n.to_string());
        self
    }

    /// Appends `other` (its placeholders renumbered).
    pub fn append(&mut self, other: &Sql) -> &mut Self {
        if self.sqlite() {
            self.text.push_str(&other.text);
            self.values.extend(other.values.iter().cloned());
            return self;
        }
        let offset = self.values.len();
        let mut chars = other.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                let n: usize = digits.parse().unwrap_or(0);
                self.text.push('$');
                self.text.push_str(&(n + offset).to_string());
            } else {
                self.text.push(c);
            }
        }
        self.values.extend(other.values.iter().cloned());
        self
    }

    /// Appends `text` as a quoted string literal (sea-query's PostgreSQL quoting, an `E'…'`
    /// string when it holds a quote or a backslash), for a value the planner must see: a
    /// statement prepared with a parameter gets a generic plan after a few runs, planned
    /// without the value. On SQLite, whose plans never depend on bound values
    /// (`db::sqlite`), the value is bound as usual.
    pub fn literal(&mut self, text: &str) -> &mut Self {
        if self.sqlite() {
            return self.bind(text.to_string());
        }
        self.text.push_str(&postgres_literal(text));
        self
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text and the values, as one string that tells statements apart (a cache key).
    pub fn cache_key(&self) -> String {
        format!("{}|{:?}", self.text, self.values)
    }

    /// The statement to run.
    pub fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text.clone(), self.values.clone())
    }
}

/// `text` as a PostgreSQL string literal (sea-query's quoting: an `E'…'` string when it
/// holds a quote or a backslash).
pub fn postgres_literal(text: &str) -> String {
    use sea_orm::sea_query::{PostgresQueryBuilder, QueryBuilder};
    PostgresQueryBuilder.value_to_string(&Value::from(text))
}

/// `"name"` with embedded quotes doubled, as sea-query quotes identifiers (PostgreSQL and
/// SQLite share the double-quote style). The one identifier quoting of the crate: the
/// sandbox's catalog and guards use it too.
pub fn quote(name: &str) -> String {
    use sea_orm::sea_query::{Alias, IntoIden, PostgresQueryBuilder, QuotedBuilder};
    let mut out = String::with_capacity(name.len() + 2);
    PostgresQueryBuilder.prepare_iden(&Alias::new(name).into_iden(), &mut out);
    out
}

/// The `LIKE` pattern (escape character `\`) of the values that contain `text`.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

/// `text` with LIKE wildcards (`%`, `_`) and the escape character `\` escaped.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_quoted_on_postgres_and_bound_on_sqlite() {
        let mut pg = Sql::new(DatabaseBackend::Postgres);
        pg.push("a LIKE ")
            .literal("%o'r\\_%")
            .push(" AND b = ")
            .bind(1);
        assert_eq!(pg.text, "a LIKE E'%o\\'r\\\\_%' AND b = $1");
        assert_eq!(pg.values.len(), 1);
        let mut plain = Sql::new(DatabaseBackend::Postgres);
        plain.literal("%printer%");
        assert_eq!(plain.text, "'%printer%'");
        let mut lite = Sql::new(DatabaseBackend::Sqlite);
        lite.push("a LIKE ").literal("%x%");
        assert_eq!(lite.text, "a LIKE ?");
        assert_eq!(lite.values, [Value::from("%x%")]);
    }

    #[test]
    fn placeholders_follow_the_backend_and_renumber_on_append() {
        let mut inner = Sql::new(DatabaseBackend::Postgres);
        inner.push("b = ").bind(2).push(" AND c = ").bind(3);
        let mut outer = Sql::new(DatabaseBackend::Postgres);
        outer.push("a = ").bind(1).push(" AND ").append(&inner);
        assert_eq!(outer.text, "a = $1 AND b = $2 AND c = $3");
        let mut lite = Sql::new(DatabaseBackend::Sqlite);
        lite.push("a = ").bind(1);
        assert_eq!(lite.text, "a = ?");
    }

    #[test]
    fn a_limit_is_a_literal_not_a_parameter() {
        for backend in [DatabaseBackend::Sqlite, DatabaseBackend::Postgres] {
            let mut sql = Sql::new(backend);
            sql.push("SELECT 1").limit(20u64).push(" OFFSET ").bind(40);
            let offset = if backend == DatabaseBackend::Sqlite {
                "?"
            } else {
                "$1"
            };
            assert_eq!(sql.text, format!("SELECT 1 LIMIT 20 OFFSET {offset}"));
            assert_eq!(sql.values.len(), 1, "only the offset is bound");
        }
        let mut huge = Sql::new(DatabaseBackend::Sqlite);
        huge.limit(u64::MAX);
        assert_eq!(huge.text, format!(" LIMIT {}", i64::MAX));
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
        assert_eq!(quote(r#"we"ird"#), r#""we""ird""#);
    }
}
