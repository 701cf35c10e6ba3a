//! Parsing and confining addon SQL (`runtime.md` §1.5 `db_*`, §4.5).
//!
//! The statement is parsed (PostgreSQL grammar, `$n` placeholders) — never keyword-grepped —
//! and rewritten before it runs:
//!
//! * exactly one statement; `db_query` takes a `SELECT` (with `WITH`, `UNION`, subqueries),
//!   `db_exec` an `INSERT` (with `ON CONFLICT`), `UPDATE` or `DELETE`, each with `RETURNING`;
//! * placeholders are `$1 … $n` and `n` must equal the number of arguments;
//! * every table reference is resolved ([`Catalog`]): unqualified names are the addon's own
//!   model tables, `addon_<own key>.<t>` too; any other qualified name needs a `db:read` /
//!   `db:write` capability and must be a known shared table; system catalogues and unknown
//!   tables are refused;
//! * functions come from an allow-list ([`super::functions`]); qualified function names,
//!   table functions, `TABLE x`, `SELECT … INTO`, locking clauses and data-modifying
//!   statements nested in a query are refused;
//! * CTEs are renamed to internal names, so a CTE named like a table can never leave a
//!   reference to the real table unconfined;
//! * reads of a table become an organisation-filtered derived table
//!   `(SELECT * FROM <physical> WHERE <tenancy> = $org AND deleted_at IS NULL) AS <name>`;
//!   `UPDATE`/`DELETE` get `AND <tenancy> = $org`; `INSERT` gets the tenancy column
//!   injected, and may not name it; `ON CONFLICT DO UPDATE` may not assign it, its values
//!   are confined reads and it only updates the organisation's own row; `INSERT OR
//!   REPLACE` is refused;
//! * the organisation is bound as parameter `n + 1`; on SQLite `$k` becomes `?k`.
//!
//! This is the first line, for clear errors; the database enforces the same bounds again
//! ([`super::pg_guard`], the SQLite authorizer).

use crate::api::sql::quote;
use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    visit_expressions_mut, AssignmentTarget, Delete, Expr, FromTable, Ident, Insert, ObjectName,
    OnConflictAction, OnInsert, Query, SelectItem, SetExpr, Statement, TableFactor, TableObject,
    Update, Value, VisitMut, VisitorMut,
};
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::catalog::{Catalog, Resolved};
use super::functions;
use super::SqlError;

/// Longest statement accepted.
const MAX_SQL_BYTES: usize = 16 * 1024;

/// Which import runs the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `db_query`: reads.
    Query,
    /// `db_exec`: writes.
    Exec,
}

/// The rewritten statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confined {
    /// SQL for the target database.
    pub sql: String,
    /// True when the statement returns rows (a query, or a write with `RETURNING`).
    pub returns_rows: bool,
    /// True when the organisation is bound as the parameter after the addon's arguments.
    pub binds_org: bool,
}

impl Confined {
    /// The addon's statement exactly as written, for the test-only mode that proves the
    /// database guard holds without the parser ([`crate::HostServices::sql_checks`]).
    pub fn unchecked(sql: &str, sqlite: bool) -> Confined {
        let sql = if sqlite {
            // `$n` placeholders become `?n`; any other `$` stays.
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars().peekable();
            while let Some(c) = chars.next() {
                let placeholder = c == '$' && chars.peek().is_some_and(char::is_ascii_digit);
                out.push(if placeholder { '?' } else { c });
            }
            out
        } else {
            sql.to_string()
        };
        Confined {
            sql,
            returns_rows: true,
            binds_org: false,
        }
    }
}

/// Marker replacing a write target while the read rewriter runs.
const TARGET_MARKER: &str = "__metacore_write_target__";

/// Parses, checks and rewrites `sql` for `kind` with `arg_count` arguments.
pub fn confine(
    sql: &str,
    kind: Kind,
    arg_count: usize,
    catalog: &Catalog<'_>,
) -> Result<Confined, SqlError> {
    if sql.len() > MAX_SQL_BYTES {
        return Err(SqlError::Invalid(
            "the statement is longer than 16 KiB".into(),
        ));
    }
    let mut statements = Parser::parse_sql(&PostgreSqlDialect {}, sql)
        .map_err(|e| SqlError::Invalid(format!("cannot parse the statement: {e}")))?;
    if statements.len() != 1 {
        return Err(SqlError::Invalid("exactly one statement is allowed".into()));
    }
    let mut statement = statements.remove(0);
    check_placeholders(&mut statement, arg_count)?;
    let org = format!("${}", arg_count + 1);
    let returns_rows = match (&mut statement, kind) {
        (Statement::Query(query), Kind::Query) if is_plain_query(query) => {
            rewrite_reads(&mut statement, catalog, &org)?;
            true
        }
        (Statement::Insert(insert), Kind::Exec) => {
            let returns = insert.returning.is_some();
            confine_insert(insert, catalog, &org)?;
            returns
        }
        (Statement::Update(update), Kind::Exec) => {
            let returns = update.returning.is_some();
            confine_update(update, catalog, &org)?;
            returns
        }
        (Statement::Delete(delete), Kind::Exec) => {
            let returns = delete.returning.is_some();
            confine_delete(delete, catalog, &org)?;
            returns
        }
        (_, Kind::Query) => {
            return Err(SqlError::Invalid(
                "db_query runs SELECT statements only".into(),
            ))
        }
        (_, Kind::Exec) => {
            return Err(SqlError::Invalid(
                "db_exec runs INSERT, UPDATE and DELETE statements only".into(),
            ))
        }
    };
    if catalog.sqlite() {
        numbered_placeholders_for_sqlite(&mut statement);
        same_on_sqlite(&statement)?;
    }
    Ok(Confined {
        sql: statement.to_string(),
        returns_rows,
        binds_org: true,
    })
}

/// The statement is parsed with the PostgreSQL grammar, but SQLite tokenizes some literals
/// differently (`E'\''` escape strings, `[…]`, which SQLite reads as a quoted name): text
/// the rewriter took for a string could run as SQL there. The rewritten statement must read
/// back identically with the SQLite grammar, or it is refused.
fn same_on_sqlite(statement: &Statement) -> Result<(), SqlError> {
    let text = statement.to_string();
    let differs = || {
        SqlError::Invalid(
            "the statement uses syntax SQLite reads differently (escape strings, array \
             subscripts, dollar quoting)"
                .into(),
        )
    };
    let reparsed = Parser::parse_sql(&SQLiteDialect {}, &text).map_err(|_| differs())?;
    match reparsed.as_slice() {
        [again] if again.to_string() == text => Ok(()),
        _ => Err(differs()),
    }
}

/// A query whose body is a `SELECT`, set operation, `VALUES` or nested query — not a
/// data-modifying `WITH … INSERT`.
fn is_plain_query(query: &Query) -> bool {
    fn plain(body: &SetExpr) -> bool {
        match body {
            SetExpr::Select(_) | SetExpr::Values(_) => true,
            SetExpr::Query(q) => is_plain_query(q),
            SetExpr::SetOperation { left, right, .. } => plain(left) && plain(right),
            _ => false,
        }
    }
    plain(&query.body)
}

/// Every placeholder must be `$k` with `1 <= k`, and the highest must be `arg_count`.
fn check_placeholders(statement: &mut Statement, arg_count: usize) -> Result<(), SqlError> {
    let mut highest = 0usize;
    let flow = visit_expressions_mut(statement, |expr| {
        if let Expr::Value(value) = expr {
            if let Value::Placeholder(p) = &value.value {
                match p.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
                    Some(n) if n >= 1 => highest = highest.max(n),
                    _ => {
                        return ControlFlow::Break(SqlError::Invalid(format!(
                            "placeholder `{p}` is not of the form $1 … $n"
                        )))
                    }
                }
            }
        }
        ControlFlow::Continue(())
    });
    if let ControlFlow::Break(error) = flow {
        return Err(error);
    }
    if highest != arg_count {
        return Err(SqlError::ArgCountMismatch {
            placeholders: highest,
            args: arg_count,
        });
    }
    Ok(())
}

fn numbered_placeholders_for_sqlite(statement: &mut Statement) {
    let _ = visit_expressions_mut(statement, |expr| {
        if let Expr::Value(value) = expr {
            if let Value::Placeholder(p) = &mut value.value {
                if let Some(n) = p.strip_prefix('$') {
                    *p = format!("?{n}");
                }
            }
        }
        ControlFlow::<()>::Continue(())
    });
}

/// The lowercase identifiers of a name (`None` for function-valued parts).
fn name_parts(name: &ObjectName) -> Option<Vec<String>> {
    name.0
        .iter()
        .map(|part| part.as_ident().map(|i| i.value.to_ascii_lowercase()))
        .collect()
}

fn parse_query(sql: &str) -> Result<Query, SqlError> {
    let mut parser = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(sql)
        .map_err(|e| SqlError::Invalid(e.to_string()))?;
    parser
        .parse_query()
        .map(|q| *q)
        .map_err(|e| SqlError::Invalid(format!("internal rewrite failed: {e}")))
}

fn parse_expr(sql: &str) -> Result<Expr, SqlError> {
    let mut parser = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(sql)
        .map_err(|e| SqlError::Invalid(e.to_string()))?;
    parser
        .parse_expr()
        .map_err(|e| SqlError::Invalid(format!("internal rewrite failed: {e}")))
}

/// The first table factor of `SELECT * FROM <from>`.
fn parse_factor(from: &str) -> Result<TableFactor, SqlError> {
    let query = parse_query(&format!("SELECT * FROM {from}"))?;
    match *query.body {
        SetExpr::Select(select) => select
            .from
            .into_iter()
            .next()
            .map(|t| t.relation)
            .ok_or_else(|| SqlError::Invalid("internal rewrite failed".into())),
        _ => Err(SqlError::Invalid("internal rewrite failed".into())),
    }
}

/// The read rewriter: resolves table references, confines them, refuses bad functions,
/// nested writes, `TABLE x`, `SELECT … INTO` and locking clauses.
///
/// Common table expressions are renamed to internal names (`__mc_cte_<n>`) and every
/// reference the rewriter resolves to one is rewritten to that name: a reference left as
/// written can therefore never reach a real table of the same name (the CTE-shadowing
/// attack), whatever scoping rule the database applies. Scopes nest with the queries.
struct ReadRewriter<'c> {
    catalog: &'c Catalog<'c>,
    org: &'c str,
    /// Visible CTEs, innermost query last: original lowercase name → internal name.
    scopes: Vec<HashMap<String, String>>,
    /// CTEs renamed so far (for fresh internal names).
    renamed: usize,
}

/// Prefix of the internal CTE names; an addon's own CTE may not use it.
const CTE_PREFIX: &str = "__mc_cte_";

/// Refuses query bodies that are not reads: nested `INSERT`/`UPDATE`/`DELETE`/`MERGE`
/// (data-modifying CTEs) and `TABLE x`, which names a table outside any `FROM`.
fn check_body(body: &SetExpr) -> Result<(), SqlError> {
    match body {
        SetExpr::Select(select) => {
            if select.into.is_some() {
                return Err(SqlError::Invalid("SELECT … INTO is not allowed".into()));
            }
            Ok(())
        }
        SetExpr::Values(_) | SetExpr::Query(_) => Ok(()),
        SetExpr::SetOperation { left, right, .. } => {
            check_body(left)?;
            check_body(right)
        }
        SetExpr::Table(_) => Err(SqlError::Invalid(
            "`TABLE name` is not allowed; write SELECT * FROM name".into(),
        )),
        SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => Err(
            SqlError::Invalid("data-modifying statements may not be nested in a query".into()),
        ),
    }
}

impl VisitorMut for ReadRewriter<'_> {
    type Break = SqlError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<SqlError> {
        if let Err(error) = self.enter_query(query) {
            return ControlFlow::Break(error);
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut Query) -> ControlFlow<SqlError> {
        self.scopes.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<SqlError> {
        if let Expr::Function(function) = expr {
            let parts = name_parts(&function.name);
            let allowed = match parts.as_deref() {
                Some([name]) => functions::is_allowed(name),
                _ => false,
            };
            if !allowed {
                return ControlFlow::Break(SqlError::Invalid(format!(
                    "function `{}` is not allowed",
                    function.name
                )));
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<SqlError> {
        match self.confine_factor(factor) {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => ControlFlow::Break(error),
        }
    }
}

impl ReadRewriter<'_> {
    /// Checks a query's shape and opens its CTE scope, renaming its CTEs.
    fn enter_query(&mut self, query: &mut Query) -> Result<(), SqlError> {
        check_body(&query.body)?;
        if !query.locks.is_empty() || query.for_clause.is_some() {
            return Err(SqlError::Invalid(
                "locking and FOR clauses are not allowed".into(),
            ));
        }
        let mut scope = HashMap::new();
        if let Some(with) = &mut query.with {
            for cte in &mut with.cte_tables {
                let name = cte.alias.name.value.to_ascii_lowercase();
                if name.starts_with(CTE_PREFIX) {
                    return Err(SqlError::Invalid(format!(
                        "CTE names starting with `{CTE_PREFIX}` are reserved"
                    )));
                }
                self.renamed += 1;
                let internal = format!("{CTE_PREFIX}{}", self.renamed);
                cte.alias.name = Ident::new(internal.clone());
                scope.insert(name, internal);
            }
        }
        self.scopes.push(scope);
        Ok(())
    }

    /// The internal name of a visible CTE called `name`.
    fn cte(&self, name: &str) -> Option<&str> {
        self.scopes
            .iter()
            .rev()
            .find_map(|scope| scope.get(name))
            .map(String::as_str)
    }

    fn confine_factor(&mut self, factor: &mut TableFactor) -> Result<(), SqlError> {
        let TableFactor::Table {
            name, alias, args, ..
        } = factor
        else {
            return match factor {
                TableFactor::Derived { .. } | TableFactor::NestedJoin { .. } => Ok(()),
                _ => Err(SqlError::Invalid(
                    "only tables and subqueries may appear in FROM".into(),
                )),
            };
        };
        if args.is_some() {
            return Err(SqlError::Invalid("table functions are not allowed".into()));
        }
        let parts = name_parts(name)
            .ok_or_else(|| SqlError::Invalid(format!("`{name}` is not a table name")))?;
        let alias_text = |fallback: &str| match alias.as_ref() {
            Some(alias) => {
                // Printed without its own `AS`: the rewrite writes one.
                let mut alias = alias.clone();
                alias.explicit = false;
                alias.to_string()
            }
            None => quote(fallback),
        };
        if let [single] = parts.as_slice() {
            if single == TARGET_MARKER {
                return Ok(());
            }
            if let Some(internal) = self.cte(single) {
                let text = format!("{} AS {}", quote(internal), alias_text(single));
                *factor = parse_factor(&text)?;
                return Ok(());
            }
        }
        let resolved = self.catalog.resolve(&parts, false)?;
        let text = format!(
            "({}) AS {}",
            confined_select(&resolved, self.org),
            alias_text(&resolved.table)
        );
        *factor = parse_factor(&text)?;
        Ok(())
    }
}

/// `SELECT * FROM <physical> WHERE <tenancy> = $org AND deleted_at IS NULL`, with only
/// the filters the table has.
fn confined_select(table: &Resolved, org: &str) -> String {
    let mut filters = Vec::new();
    if let Some(column) = &table.tenancy_column {
        filters.push(format!("{} = {org}", quote(column)));
    }
    if table.soft_delete {
        filters.push("\"deleted_at\" IS NULL".to_string());
    }
    let mut sql = format!("SELECT * FROM {}", table.read_from);
    if !filters.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&filters.join(" AND "));
    }
    sql
}

fn rewrite_reads<V: VisitMut>(
    node: &mut V,
    catalog: &Catalog<'_>,
    org: &str,
) -> Result<(), SqlError> {
    let mut rewriter = ReadRewriter {
        catalog,
        org,
        scopes: Vec::new(),
        renamed: 0,
    };
    match node.visit(&mut rewriter) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(error) => Err(error),
    }
}

fn marker_name() -> Result<ObjectName, SqlError> {
    match parse_factor(TARGET_MARKER)? {
        TableFactor::Table { name, .. } => Ok(name),
        _ => Err(SqlError::Invalid("internal rewrite failed".into())),
    }
}

/// Resolves a write target; returns it with the name its columns are qualified by.
fn resolve_target(name: &ObjectName, catalog: &Catalog<'_>) -> Result<Resolved, SqlError> {
    let parts = name_parts(name)
        .ok_or_else(|| SqlError::Invalid(format!("`{name}` is not a table name")))?;
    catalog.resolve(&parts, true)
}

fn assigns(target: &AssignmentTarget, column: &str) -> bool {
    let names: Vec<&ObjectName> = match target {
        AssignmentTarget::ColumnName(name) => vec![name],
        AssignmentTarget::Tuple(names) => names.iter().collect(),
    };
    names
        .iter()
        .any(|name| name_parts(name).and_then(|p| p.last().cloned()).as_deref() == Some(column))
}

fn forbid_tenancy_assignment<'a>(
    mut targets: impl Iterator<Item = &'a AssignmentTarget>,
    table: &Resolved,
) -> Result<(), SqlError> {
    match &table.tenancy_column {
        Some(column) if targets.any(|t| assigns(t, column)) => Err(SqlError::Forbidden(format!(
            "the tenancy column `{column}` cannot be assigned"
        ))),
        _ => Ok(()),
    }
}

/// Takes the single target table of an UPDATE/DELETE out of `factor`, leaving the marker.
fn take_target(factor: &mut TableFactor) -> Result<(ObjectName, Option<String>), SqlError> {
    let TableFactor::Table {
        name,
        alias,
        args: None,
        ..
    } = factor
    else {
        return Err(SqlError::Invalid("the target must be a table".into()));
    };
    let taken = std::mem::replace(name, marker_name()?);
    Ok((taken, alias.as_ref().map(|a| a.name.value.clone())))
}

/// Puts the physical target back, aliased by its logical name, and returns the qualifier
/// its columns are referred to by.
fn restore_target(
    factor: &mut TableFactor,
    resolved: &Resolved,
    alias: Option<String>,
) -> Result<String, SqlError> {
    let qualifier = quote(&alias.unwrap_or_else(|| resolved.table.clone()));
    *factor = parse_factor(&format!("{} AS {qualifier}", resolved.physical))?;
    Ok(qualifier)
}

fn tenancy_predicate(
    selection: &mut Option<Expr>,
    resolved: &Resolved,
    qualifier: &str,
    org: &str,
) -> Result<(), SqlError> {
    if let Some(column) = &resolved.tenancy_column {
        let predicate = format!("{qualifier}.{} = {org}", quote(column));
        *selection = Some(match selection.take() {
            Some(existing) => parse_expr(&format!("({existing}) AND {predicate}"))?,
            None => parse_expr(&predicate)?,
        });
    }
    Ok(())
}

fn confine_update(update: &mut Update, catalog: &Catalog<'_>, org: &str) -> Result<(), SqlError> {
    if !update.table.joins.is_empty() {
        return Err(SqlError::Invalid("UPDATE targets exactly one table".into()));
    }
    let (target, alias) = take_target(&mut update.table.relation)?;
    let resolved = resolve_target(&target, catalog)?;
    forbid_tenancy_assignment(update.assignments.iter().map(|a| &a.target), &resolved)?;
    rewrite_reads(update, catalog, org)?;
    let qualifier = restore_target(&mut update.table.relation, &resolved, alias)?;
    tenancy_predicate(&mut update.selection, &resolved, &qualifier, org)
}

fn confine_delete(delete: &mut Delete, catalog: &Catalog<'_>, org: &str) -> Result<(), SqlError> {
    let tables = match &mut delete.from {
        FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
    };
    let [table] = tables.as_mut_slice() else {
        return Err(SqlError::Invalid("DELETE targets exactly one table".into()));
    };
    if !table.joins.is_empty() || !delete.tables.is_empty() {
        return Err(SqlError::Invalid("DELETE targets exactly one table".into()));
    }
    let (target, alias) = take_target(&mut table.relation)?;
    let resolved = resolve_target(&target, catalog)?;
    rewrite_reads(delete, catalog, org)?;
    let tables = match &mut delete.from {
        FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
    };
    let relation = tables
        .first_mut()
        .map(|t| &mut t.relation)
        .ok_or_else(|| SqlError::Invalid("DELETE targets exactly one table".into()))?;
    let qualifier = restore_target(relation, &resolved, alias)?;
    tenancy_predicate(&mut delete.selection, &resolved, &qualifier, org)
}

fn confine_insert(insert: &mut Insert, catalog: &Catalog<'_>, org: &str) -> Result<(), SqlError> {
    let TableObject::TableName(target) = &insert.table else {
        return Err(SqlError::Invalid(
            "the INSERT target must be a table".into(),
        ));
    };
    let resolved = resolve_target(target, catalog)?;
    if insert.or.is_some() || insert.replace_into || !insert.assignments.is_empty() {
        // `INSERT OR REPLACE` deletes the conflicting row, whoever owns it.
        return Err(SqlError::Invalid(
            "INSERT OR … / REPLACE are not allowed; use ON CONFLICT".into(),
        ));
    }
    let qualifier = match &insert.table_alias {
        Some(alias) => quote(&alias.alias.value),
        None => resolved.physical.clone(),
    };
    match &mut insert.on {
        None => {}
        Some(OnInsert::OnConflict(conflict)) => {
            if let OnConflictAction::DoUpdate(update) = &mut conflict.action {
                forbid_tenancy_assignment(update.assignments.iter().map(|a| &a.target), &resolved)?;
                // The SET values and the WHERE are reads like any other …
                rewrite_reads(update, catalog, org)?;
                // … and the row updated must be the organisation's own: a conflict with
                // another organisation's row updates nothing.
                tenancy_predicate(&mut update.selection, &resolved, &qualifier, org)?;
            }
        }
        Some(_) => return Err(SqlError::Invalid("only ON CONFLICT is supported".into())),
    }
    if let Some(source) = &mut insert.source {
        rewrite_reads(source.as_mut(), catalog, org)?;
    }
    rewrite_reads(&mut insert.returning, catalog, org)?;
    let physical = parse_factor(&resolved.physical)?;
    if let TableFactor::Table { name, .. } = physical {
        insert.table = TableObject::TableName(name);
    }
    let Some(column) = &resolved.tenancy_column else {
        return Ok(());
    };
    if insert.columns.is_empty() {
        return Err(SqlError::Invalid(
            "INSERT must list its columns (the tenancy column is added by the host)".into(),
        ));
    }
    if insert
        .columns
        .iter()
        .any(|c| name_parts(c).and_then(|p| p.last().cloned()).as_deref() == Some(column.as_str()))
    {
        return Err(SqlError::Forbidden(format!(
            "the tenancy column `{column}` is set by the host"
        )));
    }
    let org_expr = parse_expr(org)?;
    let source = insert
        .source
        .as_mut()
        .ok_or_else(|| SqlError::Invalid("INSERT needs VALUES or a SELECT".into()))?;
    match source.body.as_mut() {
        SetExpr::Values(values) => {
            for row in &mut values.rows {
                row.content.push(org_expr.clone());
            }
        }
        SetExpr::Select(select) => select.projection.push(SelectItem::UnnamedExpr(org_expr)),
        _ => {
            return Err(SqlError::Invalid(
                "INSERT takes VALUES or a simple SELECT".into(),
            ))
        }
    }
    let column_name = match parse_factor(&quote(column))? {
        TableFactor::Table { name, .. } => name,
        _ => return Err(SqlError::Invalid("internal rewrite failed".into())),
    };
    insert.columns.push(column_name);
    Ok(())
}
