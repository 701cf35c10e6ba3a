//! Fuzzes the SQL confinement of addon statements (`db_query` / `db_exec`, issue 11):
//! random SQL from a small grammar — and, for a fraction of inputs, raw bytes — is confined
//! for the showcase addon of organisation A with `metacore_runtime::sql::confine` and run with
//! `metacore_runtime::sql::run` on the demo app's SQLite database, which holds rows of two
//! organisations and of another addon. A refusal (any `Err`) is fine; the finding is a
//! statement after which
//!
//! * the answer contains protected data (organisation B's rows, the tickets addon's rows, the
//!   key-value store, the stored grants — every such value carries the marker),
//! * a protected row changed, or
//! * organisation A's own rows contain the marker (protected data copied over).
//!
//! Input layout: when the first byte is a multiple of 8 the rest is raw SQL (UTF-8 lossy)
//! and the second byte picks the import and the argument count ([`raw_case`]); otherwise the
//! rest drives [`grammar::Case`] through `arbitrary`.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use metacore_runtime::registry::AddonDescriptor;
use metacore_runtime::policy::{CapabilityMode, CapabilityPolicy};
use metacore_runtime::sql::{self, Catalog, Kind, Reach, Runner};
use metacore_runtime::{cli, testing};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, Statement,
    TransactionTrait, Value,
};
use uuid::Uuid;

/// The calling organisation.
const ORG_A: Uuid = Uuid::from_u128(0xa11c_e000_0000_4000_8000_0000_0000_000a);
/// The other organisation, whose rows must never be seen or changed.
const ORG_B: Uuid = Uuid::from_u128(0xb0b0_0000_0000_4000_8000_0000_0000_000b);
/// A customer of organisation A.
const A_CUSTOMER: Uuid = Uuid::from_u128(0xa11c_e000_0000_4000_8000_0000_0000_0c01);
/// A customer of organisation B.
const B_CUSTOMER: Uuid = Uuid::from_u128(0xb0b0_0000_0000_4000_8000_0000_0000_0c01);

/// The statement deadline (`Runner::timeout`; the SQLite guard interrupts past it).
const TIMEOUT: Duration = Duration::from_millis(200);

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (sql, kind, arg_count) = if selector % 8 == 0 {
        raw_case(rest)
    } else {
        match grammar::Case::arbitrary_take_rest(Unstructured::new(rest)) {
            Ok(case) => case.render(),
            Err(_) => return,
        }
    };
    harness().check(&sql, kind, arg_count);
});

/// Raw SQL: the byte after the selector picks the import (bit 0: `db_exec`) and the argument
/// count (`(b >> 1) % 4`), so the ASCII digit `d` means "`db_exec` when odd, `d / 2`
/// arguments"; the rest is the statement.
fn raw_case(data: &[u8]) -> (String, Kind, usize) {
    let Some((&mode, sql)) = data.split_first() else {
        return (String::new(), Kind::Query, 0);
    };
    let kind = if mode & 1 == 1 {
        Kind::Exec
    } else {
        Kind::Query
    };
    let arg_count = usize::from(mode >> 1) % 4;
    (String::from_utf8_lossy(sql).into_owned(), kind, arg_count)
}

/// The arguments bound to `$1 … $n`, cycling through values that name organisation B's
/// data: its id, its customer, A's own customer, and B's id as text.
fn arguments(count: usize) -> Vec<Value> {
    let pool: [Value; 4] = [
        ORG_B.into(),
        B_CUSTOMER.into(),
        A_CUSTOMER.into(),
        ORG_B.to_string().into(),
    ];
    (0..count).map(|i| pool[i % pool.len()].clone()).collect()
}

/// The database, the showcase addon and the marker, created once per fuzz process.
struct Harness {
    runtime: tokio::runtime::Runtime,
    db: DatabaseConnection,
    addon: &'static AddonDescriptor,
    policy: CapabilityPolicy,
    marker: Marker,
    /// Every table of the database with the query reading it for the state snapshots:
    /// every column as `hex()`, so that any value the fuzzer stores (invalid UTF-8 text
    /// too) can be read back.
    tables: Vec<(String, String)>,
    /// The protected state after seeding.
    baseline: String,
    /// `CONFINE_PRINT` is set: print every statement, its confined form and its result.
    verbose: bool,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(Harness::new)
}

impl Harness {
    fn new() -> Harness {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let addon = metacore_generated::registry()
            .addon("showcase")
            .expect("the build has the showcase addon");
        let policy = CapabilityPolicy::from_addon(addon, CapabilityMode::Enforce);
        let marker = Marker::new();
        let (db, tables) = runtime.block_on(async {
            let db = prepared_database(&marker).await;
            let mut tables = Vec::new();
            let names = host_query(
                &db,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                vec![],
            )
            .await;
            for name in names.iter().filter_map(|row| row["name"].as_str()) {
                let columns = host_query(
                    &db,
                    "SELECT name FROM pragma_table_info($1)",
                    vec![name.into()],
                )
                .await;
                let hexed: Vec<String> = columns
                    .iter()
                    .filter_map(|row| row["name"].as_str())
                    .map(|c| format!("hex(\"{c}\") AS \"{c}\""))
                    .collect();
                let query = format!("SELECT {} FROM \"{name}\"", hexed.join(", "));
                tables.push((name.to_string(), query));
            }
            (db, tables)
        });
        let mut harness = Harness {
            runtime,
            db,
            addon,
            policy,
            marker,
            tables,
            baseline: String::new(),
            verbose: std::env::var_os("CONFINE_PRINT").is_some(),
        };
        let (protected, own) = harness.runtime.block_on(harness.snapshot(&harness.db));
        assert!(
            !harness.marker.found_in(&own),
            "seeding put the marker in A's rows"
        );
        // The oracle must see the seeded secrets where they are.
        assert!(
            harness.marker.found_in(&protected),
            "the marker is not found in B's rows"
        );
        harness.baseline = protected;
        harness
    }

    /// Confines and runs one statement in a transaction, judges it and rolls back.
    fn check(&self, sql: &str, kind: Kind, arg_count: usize) {
        let import = match kind {
            Kind::Query => "db_query",
            Kind::Exec => "db_exec",
        };
        let org = ORG_A.to_string();
        let catalog = Catalog {
            addon: self.addon,
            shared: &[],
            policy: &self.policy,
            org: &org,
            import,
            sqlite: true,
        };
        let confined = match sql::confine(sql, kind, arg_count, &catalog) {
            Ok(confined) => confined,
            Err(error) => {
                if self.verbose {
                    eprintln!("{import} {sql}\n  refused: {error}");
                }
                return;
            }
        };
        // libFuzzer learns the token from the oracle's comparisons and may write it into a
        // literal; only a token the statement did not write itself is a leak.
        if self.marker.found_in(sql) {
            return;
        }
        self.runtime.block_on(async {
            let txn = self.db.begin().await.expect("a transaction");
            let before = total_changes(&txn).await;
            let reach = Reach::of(&catalog);
            let runner = Runner {
                addon_key: &self.addon.key,
                org_id: ORG_A,
                timeout: TIMEOUT,
                reach: &reach,
            };
            let result = sql::run(&txn, kind, &confined, arguments(arg_count), runner).await;
            if self.verbose {
                eprintln!("{import} {sql}\n  confined: {}\n  result: {result:?}", confined.sql);
            }
            if let Ok(data) = &result {
                let text = data.to_string();
                assert!(
                    !self.marker.found_in(&text),
                    "LEAK: {import} `{sql}` returned protected data\nconfined: {}\ndata: {text}",
                    confined.sql
                );
            }
            // Reads and refused writes change nothing; only then is a full snapshot needed.
            if total_changes(&txn).await != before {
                let (protected, own) = self.snapshot(&txn).await;
                assert!(
                    protected == self.baseline,
                    "WRITE: {import} `{sql}` changed protected rows\nconfined: {}\nbefore:\n{}\nafter:\n{protected}",
                    confined.sql,
                    self.baseline
                );
                assert!(
                    !self.marker.found_in(&own),
                    "COPY: {import} `{sql}` copied protected data into A's rows\nconfined: {}\nown rows:\n{own}",
                    confined.sql
                );
            }
            if txn.rollback().await.is_err() {
                // SQLite rolls the whole transaction back itself when it interrupts a
                // write; sqlx still counts it open, so the connection is replaced.
                let pool = self.db.get_sqlite_connection_pool();
                if let Ok(connection) = pool.acquire().await {
                    let _ = connection.close().await;
                }
            }
        });
    }

    /// The protected state (every row but organisation A's showcase rows) and A's showcase
    /// rows, each as sorted lines of `hex()`-encoded JSON rows, read as the host.
    async fn snapshot(&self, db: &impl ConnectionTrait) -> (String, String) {
        // `hex()` of the stored UUID blob.
        let org_a = serde_json::Value::String(ORG_A.simple().to_string().to_uppercase());
        let mut protected = Vec::new();
        let mut own = Vec::new();
        for (table, sql) in &self.tables {
            for row in host_query(db, sql, vec![]).await {
                let line = format!("{table}: {row}");
                if table.starts_with("addon_showcase__") && row["organization_id"] == org_a {
                    own.push(line);
                } else {
                    protected.push(line);
                }
            }
        }
        protected.sort();
        own.sort();
        (protected.join("\n"), own.join("\n"))
    }
}

/// The demo app's database as the app opens it (the SQLite guard on every connection, which
/// also interrupts a statement at its deadline), migrated by its own step and seeded with
/// both organisations.
async fn prepared_database(marker: &Marker) -> DatabaseConnection {
    let db = testing::sqlite_database("metacore_fuzz_confine").await;
    let app = metacore_generated::app();
    cli::prepare(&db, app.migrate, &app.registry)
        .await
        .expect("the database prepares");
    seed(&db, marker).await;
    db
}

/// Rows of both organisations and of another addon, as the confinement fixture seeds them
/// (`tests/tests/confinement/support.rs`); every protected value carries the marker.
async fn seed(db: &DatabaseConnection, marker: &Marker) {
    let secret = |what: &str| marker.value(what);
    let customer =
        "INSERT INTO addon_showcase__customers (id, organization_id, name, email, deleted_at) \
                    VALUES ($1, $2, $3, $4, $5)";
    let order =
        "INSERT INTO addon_showcase__orders (id, organization_id, customer_id, number, notes) \
                 VALUES ($1, $2, $3, $4, $5)";
    let ticket =
        "INSERT INTO addon_tickets__tickets (id, organization_id, number, title, reporter_id) \
                  VALUES ($1, $2, $3, $4, $5)";
    let null = || Value::String(None);
    let rows: Vec<(&str, Vec<Value>)> = vec![
        (customer, vec![A_CUSTOMER.into(), ORG_A.into(), "alice".into(), "a@a".into(), null()]),
        (customer, vec![Uuid::new_v4().into(), ORG_A.into(), "anna".into(), "n@a".into(), null()]),
        (customer, vec![B_CUSTOMER.into(), ORG_B.into(), secret("bob").into(), secret("b@b").into(), null()]),
        (customer, vec![Uuid::new_v4().into(), ORG_B.into(), secret("deleted").into(), "d@b".into(), "2024-01-01T00:00:00Z".into()]),
        (order, vec![Uuid::new_v4().into(), ORG_A.into(), A_CUSTOMER.into(), 1i64.into(), "own order".into()]),
        (order, vec![Uuid::new_v4().into(), ORG_B.into(), B_CUSTOMER.into(), 1i64.into(), secret("order").into()]),
        (ticket, vec![Uuid::new_v4().into(), ORG_A.into(), "T-1".into(), secret("ticket").into(), Uuid::new_v4().into()]),
        (ticket, vec![Uuid::new_v4().into(), ORG_B.into(), "T-2".into(), secret("ticket-b").into(), Uuid::new_v4().into()]),
        (
            "INSERT INTO metacore_kv (addon_key, organization_id, key, value) VALUES ($1, $2, $3, $4)",
            vec!["other".into(), ORG_A.into(), "k".into(), format!("\"{}\"", secret("kv")).into()],
        ),
        (
            "INSERT INTO metacore_kv (addon_key, organization_id, key, value) VALUES ($1, $2, $3, $4)",
            vec!["showcase".into(), ORG_B.into(), "k".into(), format!("\"{}\"", secret("kv-b")).into()],
        ),
        (
            "INSERT INTO metacore_user_grants (organization_id, user_id, capability) VALUES ($1, $2, $3)",
            vec![ORG_B.into(), Uuid::new_v4().into(), secret("grant").into()],
        ),
        (
            "INSERT INTO metacore_role_grants (organization_id, role, capability) VALUES ($1, $2, $3)",
            vec![ORG_B.into(), "admin".into(), secret("role-grant").into()],
        ),
    ];
    for (sql, values) in rows {
        db.execute_raw(host_statement(sql, values))
            .await
            .unwrap_or_else(|e| panic!("seeding `{sql}` failed: {e}"));
    }
}

/// A host statement on SQLite (`$n` written as `?n`).
fn host_statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql.replace('$', "?"), values)
}

/// A host query's rows as JSON objects, encoded as addons see them.
async fn host_query(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Vec<serde_json::Value> {
    db.query_all_raw(host_statement(sql, values))
        .await
        .unwrap_or_else(|e| panic!("host query `{sql}` failed: {e}"))
        .iter()
        .map(|row| sql::rows::to_json(row).expect("a host row encodes"))
        .collect()
}

/// Rows changed on the connection so far (SQLite's `total_changes()`).
async fn total_changes(txn: &DatabaseTransaction) -> i64 {
    host_query(txn, "SELECT total_changes() AS n", vec![]).await[0]["n"]
        .as_i64()
        .expect("total_changes() is an integer")
}

/// The marker every protected value carries: `SECRET-<what>-<token>`, with a token fresh in
/// each fuzz process so that the fuzzer cannot learn to write it (a real leak reproduces in
/// any process; a forged marker does not).
struct Marker {
    /// Lowercase hex.
    token: String,
    /// Lowercase forms the token may come back in: itself, reversed, `hex()` of either case.
    forms: Vec<String>,
}

impl Marker {
    fn new() -> Marker {
        let token = Uuid::new_v4().simple().to_string()[..12].to_string();
        let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
        let forms = vec![
            token.clone(),
            token.chars().rev().collect(),
            hex(&token),
            hex(&token.to_uppercase()),
        ];
        Marker { token, forms }
    }

    /// A protected value.
    fn value(&self, what: &str) -> String {
        format!("SECRET-{what}-{}", self.token)
    }

    /// True when `text` (JSON, or rows as text) holds the token in any form, also inside
    /// base64-encoded `{"$bytes": …}` values.
    fn found_in(&self, text: &str) -> bool {
        let lower = text.to_ascii_lowercase();
        if self.forms.iter().any(|form| lower.contains(form.as_str())) {
            return true;
        }
        text.split("\"$bytes\":\"").skip(1).any(|tail| {
            let encoded = tail.split('"').next().unwrap_or_default();
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .is_ok_and(|bytes: Vec<u8>| self.found_in(&String::from_utf8_lossy(&bytes)))
        })
    }
}

/// The grammar: a small SQL AST the fuzzer builds through `arbitrary`, rendered to text.
///
/// Names are drawn from fixed pools mixing what the showcase addon may name (its logical
/// tables, `addon_showcase.<t>`), what it may not (physical names, another addon's table,
/// host tables, `main.` / `public.` / `temp.` schemas, catalogues, the rewriter's internal
/// names) and CTE names colliding with all of them. Each enum's first variant is a leaf, so
/// exhausted input ends the recursion.
mod grammar {
    use std::fmt::{self, Display, Formatter, Write};

    use arbitrary::Arbitrary;
    use metacore_runtime::sql::Kind;

    /// One statement and the import it is sent through.
    #[derive(Arbitrary, Debug)]
    pub struct Case {
        /// Above 240 the statement goes through the other import.
        other_import: u8,
        statement: Statement,
    }

    impl Case {
        /// The SQL, its import and its argument count (the highest `$n` written).
        pub fn render(&self) -> (String, Kind, usize) {
            let sql = self.statement.to_string();
            let exec = !matches!(self.statement, Statement::Query(_));
            let kind = if exec != (self.other_import > 240) {
                Kind::Exec
            } else {
                Kind::Query
            };
            (sql.clone(), kind, highest_placeholder(&sql))
        }
    }

    /// The highest `$n` in `sql` (placeholders are the only `$` followed by a digit the
    /// grammar writes).
    fn highest_placeholder(sql: &str) -> usize {
        sql.split('$')
            .skip(1)
            .filter_map(|tail| {
                let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
                digits.parse::<usize>().ok()
            })
            .max()
            .unwrap_or(0)
    }

    /// Writes `items` separated by `, `.
    fn list<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }

    /// Declares a fieldless enum rendered as fixed text.
    macro_rules! words {
        ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:expr,)+ }) => {
            $(#[$doc])*
            #[derive(Arbitrary, Debug, Clone, Copy)]
            pub enum $name { $($variant,)+ }
            impl Display for $name {
                fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                    f.write_str(match self { $(Self::$variant => $text,)+ })
                }
            }
        };
    }

    words!(
        /// Table references, reachable or not.
        Table {
            Customers => "customers",
            Orders => "orders",
            CustomersUpper => "CUSTOMERS",
            CustomersQuoted => "\"customers\"",
            OwnCustomers => "addon_showcase.customers",
            OwnOrders => "addon_showcase.orders",
            OwnQuoted => "\"addon_showcase\".\"orders\"",
            OwnPhysical => "addon_showcase.addon_showcase__customers",
            PhysicalCustomers => "addon_showcase__customers",
            PhysicalOrders => "addon_showcase__orders",
            MainPhysical => "main.addon_showcase__customers",
            PublicPhysical => "public.addon_showcase__orders",
            ThreePart => "main.addon_showcase.customers",
            Tickets => "addon_tickets.tickets",
            TicketsPhysical => "addon_tickets__tickets",
            TicketsBare => "tickets",
            Kv => "metacore_kv",
            UserGrants => "metacore_user_grants",
            RoleGrants => "metacore_role_grants",
            PublicKv => "public.metacore_kv",
            MainKv => "main.metacore_kv",
            TempKv => "temp.metacore_kv",
            SqliteMaster => "sqlite_master",
            SqliteSchema => "sqlite_schema",
            MainSqliteMaster => "main.sqlite_master",
            SqliteTempMaster => "sqlite_temp_master",
            SqliteSequence => "sqlite_sequence",
            PgTables => "pg_tables",
            PgCatalogTables => "pg_catalog.pg_tables",
            PgStats => "pg_stats",
            InformationSchema => "information_schema.tables",
            Marker => "__metacore_write_target__",
            Internal => "__mc_cte_1",
            CteX => "x",
            CteY => "y",
        }
    );

    words!(
        /// CTE names: plain ones and ones colliding with real or internal tables.
        CteName {
            X => "x",
            Y => "y",
            Customers => "customers",
            Orders => "orders",
            CustomersUpper => "CUSTOMERS",
            Physical => "addon_showcase__customers",
            PhysicalOrders => "addon_showcase__orders",
            Tickets => "addon_tickets__tickets",
            TicketsBare => "tickets",
            Kv => "metacore_kv",
            Grants => "metacore_user_grants",
            SqliteMaster => "sqlite_master",
            Marker => "__metacore_write_target__",
            Internal => "__mc_cte_1",
            Quoted => "\"orders\"",
        }
    );

    words!(
        /// Table and column aliases, some named like tables.
        Alias {
            A => "a",
            C => "c",
            O => "o",
            T => "t",
            X => "x",
            Customers => "customers",
            Orders => "orders",
            Physical => "addon_showcase__customers",
            Kv => "metacore_kv",
            Marker => "__metacore_write_target__",
            Spaced => "\"c x\"",
        }
    );

    words!(
        /// Column names of the tables above.
        Column {
            Id => "id",
            OrganizationId => "organization_id",
            Name => "name",
            Email => "email",
            Tier => "tier",
            Notes => "notes",
            CustomerId => "customer_id",
            Number => "number",
            DeletedAt => "deleted_at",
            Title => "title",
            Value => "value",
            Key => "key",
            AddonKey => "addon_key",
            Capability => "capability",
            Sql => "sql",
            N => "n",
            Rowid => "rowid",
        }
    );

    words!(
        /// Functions: allowed, denied, qualified, quoted, SQLite- and PostgreSQL-specific.
        Function {
            Count => "count",
            Lower => "lower",
            Upper => "upper",
            Coalesce => "coalesce",
            Length => "length",
            Max => "max",
            Min => "min",
            Sum => "sum",
            GroupConcat => "group_concat",
            StringAgg => "string_agg",
            JsonExtract => "json_extract",
            JsonObject => "json_object",
            JsonGroupArray => "json_group_array",
            Typeof => "typeof",
            Substr => "substr",
            Replace => "replace",
            Hex => "hex",
            Iif => "iif",
            Nullif => "nullif",
            Concat => "concat",
            Reverse => "reverse",
            RowNumber => "row_number",
            Lag => "lag",
            Printf => "printf",
            Quote => "quote",
            QueryToXml => "query_to_xml",
            TableToXml => "table_to_xml",
            SetConfig => "set_config",
            CurrentSetting => "current_setting",
            PgReadFile => "pg_read_file",
            PgSleep => "pg_sleep",
            LoadExtension => "load_extension",
            Readfile => "readfile",
            Writefile => "writefile",
            SqliteVersion => "sqlite_version",
            Randomblob => "randomblob",
            Unlikely => "unlikely",
            Dblink => "dblink",
            PgCatalogLower => "pg_catalog.lower",
            PgCatalogQueryToXml => "pg_catalog.query_to_xml",
            MainLower => "main.lower",
            QuotedLower => "\"lower\"",
            UpperCount => "COUNT",
            GuardLeave => "metacore_guard_leave",
        }
    );

    words!(
        /// Table-valued functions in `FROM` (all refused).
        TableFunction {
            JsonEach => "json_each('[1]')",
            JsonTree => "json_tree('{\"a\":1}')",
            PragmaTableInfo => "pragma_table_info('metacore_kv')",
            GenerateSeries => "generate_series(1, 3)",
            Unnest => "unnest(ARRAY[1, 2])",
        }
    );

    words!(
        /// Literals.
        Literal {
            One => "1",
            Zero => "0",
            Null => "NULL",
            True => "TRUE",
            Text => "'x'",
            Bob => "'bob'",
            Alice => "'alice'",
            Pwned => "'pwned'",
            Email => "'b@b'",
            Escaped => "'it''s'",
            Sql => "'SELECT * FROM metacore_kv'",
            Path => "'/etc/passwd'",
            Setting => "'app.current_org'",
            Role => "'role'",
            JsonPath => "'$.a'",
            NewId => "'00000000-0000-4000-8000-00000000f00d'",
            Blob => "X'00ff'",
            Float => "1.5e3",
            Negative => "-1",
            Dollar => "$$text$$",
            Escape => "E'\\x41'",
        }
    );

    words!(
        /// Placeholders: `$1 … $4` bound to B's id, B's customer, A's customer, B's id as
        /// text; and malformed ones.
        Param {
            P1 => "$1",
            P2 => "$2",
            P3 => "$3",
            P4 => "$4",
            P1Again => "$1",
            Zero => "$0",
            Question => "?",
            Named => ":org",
            Far => "$9",
        }
    );

    words!(
        /// Binary operators.
        BinaryOp {
            Eq => "=",
            Ne => "<>",
            Lt => "<",
            Gt => ">",
            And => "AND",
            Or => "OR",
            Concat => "||",
            Plus => "+",
            Like => "LIKE",
            Is => "IS",
            IsNot => "IS NOT",
            Arrow => "->",
            LongArrow => "->>",
            Glob => "GLOB",
        }
    );

    words!(
        /// Types for `CAST`.
        Type {
            Text => "TEXT",
            Blob => "BLOB",
            Integer => "INTEGER",
            Uuid => "UUID",
            Json => "JSON",
            Regclass => "regclass",
        }
    );

    words!(
        /// Set operations.
        SetOp {
            UnionAll => "UNION ALL",
            Union => "UNION",
            Except => "EXCEPT",
            Intersect => "INTERSECT",
        }
    );

    words!(
        /// Join operators.
        JoinKind {
            Comma => ",",
            Inner => "JOIN",
            Left => "LEFT JOIN",
            Cross => "CROSS JOIN",
            Natural => "NATURAL JOIN",
            Right => "RIGHT JOIN",
            Full => "FULL JOIN",
        }
    );

    /// `db_query` or `db_exec` statements.
    #[derive(Arbitrary, Debug)]
    pub enum Statement {
        Query(Query),
        Insert(Insert),
        Update(Update),
        Delete(Delete),
    }

    impl Display for Statement {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            match self {
                Statement::Query(q) => write!(f, "{q}"),
                Statement::Insert(i) => write!(f, "{i}"),
                Statement::Update(u) => write!(f, "{u}"),
                Statement::Delete(d) => write!(f, "{d}"),
            }
        }
    }

    /// A query: `[WITH …] body [ORDER BY …] [LIMIT n]`.
    #[derive(Arbitrary, Debug)]
    pub struct Query {
        with: Option<With>,
        body: Body,
        order_by: Vec<Expr>,
        limit: Option<u8>,
    }

    impl Display for Query {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            if let Some(with) = &self.with {
                write!(f, "{with}")?;
            }
            write!(f, "{}", self.body)?;
            if !self.order_by.is_empty() {
                f.write_str(" ORDER BY ")?;
                list(f, &self.order_by)?;
            }
            if let Some(limit) = self.limit {
                write!(f, " LIMIT {limit}")?;
            }
            Ok(())
        }
    }

    /// `WITH [RECURSIVE] cte, … ` (nothing when empty).
    #[derive(Arbitrary, Debug)]
    pub struct With {
        recursive: bool,
        ctes: Vec<Cte>,
    }

    impl Display for With {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            if self.ctes.is_empty() {
                return Ok(());
            }
            f.write_str(if self.recursive {
                "WITH RECURSIVE "
            } else {
                "WITH "
            })?;
            list(f, &self.ctes)?;
            f.write_char(' ')
        }
    }

    /// One common table expression.
    #[derive(Arbitrary, Debug)]
    pub struct Cte {
        name: CteName,
        body: CteBody,
    }

    /// What a CTE holds.
    #[derive(Arbitrary, Debug)]
    pub enum CteBody {
        /// `TABLE t`.
        Table(Table),
        /// A bounded recursive counter over itself, optionally joined with a table:
        /// `name(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM name[, t] WHERE n < k)`.
        Counter { limit: u8, join: Option<Table> },
        /// Any query.
        Query(Box<Query>),
    }

    impl Display for Cte {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            let name = self.name;
            match &self.body {
                CteBody::Table(table) => write!(f, "{name} AS (TABLE {table})"),
                CteBody::Counter { limit, join } => {
                    write!(
                        f,
                        "{name}(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM {name}"
                    )?;
                    if let Some(table) = join {
                        write!(f, ", {table}")?;
                    }
                    write!(f, " WHERE n < {})", limit % 8)
                }
                CteBody::Query(query) => write!(f, "{name} AS ({query})"),
            }
        }
    }

    /// A query body.
    #[derive(Arbitrary, Debug)]
    pub enum Body {
        /// `TABLE t`.
        Table(Table),
        Select(Box<Select>),
        /// One-column `VALUES (e), …`.
        Values(Vec<Expr>),
        SetOp(Box<Body>, SetOp, Box<Body>),
        /// `(query)`.
        Nested(Box<Query>),
    }

    impl Display for Body {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            match self {
                Body::Table(table) => write!(f, "TABLE {table}"),
                Body::Select(select) => write!(f, "{select}"),
                Body::Values(rows) if rows.is_empty() => f.write_str("VALUES (1)"),
                Body::Values(rows) => {
                    f.write_str("VALUES ")?;
                    for (i, row) in rows.iter().enumerate() {
                        write!(f, "{}({row})", if i > 0 { ", " } else { "" })?;
                    }
                    Ok(())
                }
                Body::SetOp(left, op, right) => write!(f, "{left} {op} {right}"),
                Body::Nested(query) => write!(f, "({query})"),
            }
        }
    }

    /// `SELECT [DISTINCT] items [FROM …] [WHERE …] [GROUP BY … [HAVING …]]`.
    #[derive(Arbitrary, Debug)]
    pub struct Select {
        distinct: bool,
        items: Vec<SelectItem>,
        from: Vec<FromItem>,
        filter: Option<Expr>,
        group_by: Option<Expr>,
        having: Option<Expr>,
    }

    impl Display for Select {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            f.write_str(if self.distinct {
                "SELECT DISTINCT "
            } else {
                "SELECT "
            })?;
            if self.items.is_empty() {
                f.write_str("*")?;
            } else {
                list(f, &self.items)?;
            }
            if !self.from.is_empty() {
                f.write_str(" FROM ")?;
                list(f, &self.from)?;
            }
            if let Some(filter) = &self.filter {
                write!(f, " WHERE {filter}")?;
            }
            if let Some(group) = &self.group_by {
                write!(f, " GROUP BY {group}")?;
                if let Some(having) = &self.having {
                    write!(f, " HAVING {having}")?;
                }
            }
            Ok(())
        }
    }

    /// A projection or `RETURNING` item.
    #[derive(Arbitrary, Debug)]
    pub enum SelectItem {
        Star,
        Expr(Expr),
        Aliased(Expr, Alias),
        QualifiedStar(Alias),
    }

    impl Display for SelectItem {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            match self {
                SelectItem::Star => f.write_str("*"),
                SelectItem::Expr(e) => write!(f, "{e}"),
                SelectItem::Aliased(e, alias) => write!(f, "{e} AS {alias}"),
                SelectItem::QualifiedStar(alias) => write!(f, "{alias}.*"),
            }
        }
    }

    /// A `FROM` entry: a factor and its joins.
    #[derive(Arbitrary, Debug)]
    pub struct FromItem {
        factor: Factor,
        joins: Vec<Join>,
    }

    impl Display for FromItem {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.factor)?;
            for join in &self.joins {
                write!(f, " {join}")?;
            }
            Ok(())
        }
    }

    /// A table factor.
    #[derive(Arbitrary, Debug)]
    pub enum Factor {
        Table(Table, Option<Alias>),
        /// `[LATERAL] (query) AS alias`.
        Derived {
            lateral: bool,
            query: Box<Query>,
            alias: Alias,
        },
        Function(TableFunction, Option<Alias>),
        /// A parenthesised join.
        Nested(Box<FromItem>),
    }

    impl Display for Factor {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            match self {
                Factor::Table(table, None) => write!(f, "{table}"),
                Factor::Table(table, Some(alias)) => write!(f, "{table} AS {alias}"),
                Factor::Derived {
                    lateral,
                    query,
                    alias,
                } => write!(
                    f,
                    "{}({query}) AS {alias}",
                    if *lateral { "LATERAL " } else { "" }
                ),
                Factor::Function(function, None) => write!(f, "{function}"),
                Factor::Function(function, Some(alias)) => write!(f, "{function} AS {alias}"),
                Factor::Nested(item) => write!(f, "({item})"),
            }
        }
    }

    /// A join and its constraint.
    #[derive(Arbitrary, Debug)]
    pub struct Join {
        kind: JoinKind,
        factor: Factor,
        on: Option<Expr>,
    }

    impl Display for Join {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            let kind = self.kind;
            let factor = &self.factor;
            match (&self.on, kind) {
                (Some(on), JoinKind::Inner | JoinKind::Left | JoinKind::Right | JoinKind::Full) => {
                    write!(f, "{kind} {factor} ON {on}")
                }
                (None, JoinKind::Inner | JoinKind::Left) => {
                    write!(f, "{kind} {factor} USING (id)")
                }
                _ => write!(f, "{kind} {factor}"),
            }
        }
    }

    /// Expressions.
    #[derive(Arbitrary, Debug)]
    pub enum Expr {
        Literal(Literal),
        Column(Option<Qualifier>, Column),
        Param(Param),
        /// `[q.]organization_id = $1`: organisation B.
        OtherOrg(Option<Alias>),
        Binary(Box<Expr>, BinaryOp, Box<Expr>),
        Not(Box<Expr>),
        IsNull(Box<Expr>),
        Call {
            function: Function,
            distinct: bool,
            args: Vec<Expr>,
        },
        CountStar,
        /// `function(args) OVER (PARTITION BY … ORDER BY …)`.
        Window {
            function: Function,
            args: Vec<Expr>,
            partition: Option<Box<Expr>>,
            order: Option<Box<Expr>>,
        },
        Subquery(Box<Query>),
        Exists(Box<Query>),
        In(Box<Expr>, Box<Query>),
        InList(Box<Expr>, Vec<Expr>),
        Case(Box<Expr>, Box<Expr>, Box<Expr>),
        Cast(Box<Expr>, Type),
        /// A string literal whose text is SQL: `<op> <body> [--]` in one of PostgreSQL's
        /// quoting styles. What the parser reads as data must stay data for SQLite too.
        QuotedSql {
            quoting: Quoting,
            op: SetOp,
            body: Box<Body>,
            comment: bool,
        },
        /// `base[index]` (PostgreSQL arrays).
        Subscript(Box<Expr>, Box<Expr>),
    }

    /// PostgreSQL's ways of writing a string literal.
    #[derive(Arbitrary, Debug, Clone, Copy)]
    pub enum Quoting {
        /// `'…'`, quotes doubled.
        Standard,
        /// `E'…'`, backslash escapes.
        Escape,
        /// `$$…$$`.
        Dollar,
        /// `$q$…$q$`.
        TaggedDollar,
        /// `U&'…'`.
        Unicode,
        /// `N'…'`.
        National,
    }

    impl Quoting {
        /// `text` as a literal in this style.
        fn quote(self, text: &str) -> String {
            let doubled = || text.replace('\'', "''");
            match self {
                Quoting::Standard => format!("'{}'", doubled()),
                Quoting::Escape => {
                    format!("E'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
                }
                Quoting::Dollar => format!("$${text}$$"),
                Quoting::TaggedDollar => format!("$q${text}$q$"),
                Quoting::Unicode => format!("U&'{}'", doubled()),
                Quoting::National => format!("N'{}'", doubled()),
            }
        }
    }

    /// What a column is qualified by.
    #[derive(Arbitrary, Debug)]
    pub enum Qualifier {
        Alias(Alias),
        Table(Table),
        /// `excluded` (the row proposed for insertion).
        Excluded,
    }

    impl Display for Qualifier {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            match self {
                Qualifier::Alias(alias) => write!(f, "{alias}"),
                Qualifier::Table(table) => write!(f, "{table}"),
                Qualifier::Excluded => f.write_str("excluded"),
            }
        }
    }

    impl Display for Expr {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            match self {
                Expr::Literal(literal) => write!(f, "{literal}"),
                Expr::Column(None, column) => write!(f, "{column}"),
                Expr::Column(Some(qualifier), column) => write!(f, "{qualifier}.{column}"),
                Expr::Param(param) => write!(f, "{param}"),
                Expr::OtherOrg(None) => f.write_str("organization_id = $1"),
                Expr::OtherOrg(Some(alias)) => write!(f, "{alias}.organization_id = $1"),
                Expr::Binary(left, op, right) => write!(f, "({left} {op} {right})"),
                Expr::Not(e) => write!(f, "NOT ({e})"),
                Expr::IsNull(e) => write!(f, "({e}) IS NULL"),
                Expr::Call {
                    function,
                    distinct,
                    args,
                } => {
                    write!(f, "{function}({}", if *distinct { "DISTINCT " } else { "" })?;
                    list(f, args)?;
                    f.write_char(')')
                }
                Expr::CountStar => f.write_str("count(*)"),
                Expr::Window {
                    function,
                    args,
                    partition,
                    order,
                } => {
                    write!(f, "{function}(")?;
                    list(f, args)?;
                    f.write_str(") OVER (")?;
                    if let Some(partition) = partition {
                        write!(f, "PARTITION BY {partition} ")?;
                    }
                    if let Some(order) = order {
                        write!(f, "ORDER BY {order}")?;
                    }
                    f.write_char(')')
                }
                Expr::Subquery(query) => write!(f, "({query})"),
                Expr::Exists(query) => write!(f, "EXISTS ({query})"),
                Expr::In(e, query) => write!(f, "({e}) IN ({query})"),
                Expr::InList(e, items) if items.is_empty() => write!(f, "({e}) IN (NULL)"),
                Expr::InList(e, items) => {
                    write!(f, "({e}) IN (")?;
                    list(f, items)?;
                    f.write_char(')')
                }
                Expr::Case(when, then, otherwise) => {
                    write!(f, "CASE WHEN {when} THEN {then} ELSE {otherwise} END")
                }
                Expr::Cast(e, ty) => write!(f, "CAST({e} AS {ty})"),
                Expr::QuotedSql {
                    quoting,
                    op,
                    body,
                    comment,
                } => {
                    let text = format!(" {op} {body}{}", if *comment { " --" } else { "" });
                    f.write_str(&quoting.quote(&text))
                }
                Expr::Subscript(base, index) => write!(f, "{base}[{index}]"),
            }
        }
    }

    /// `INSERT INTO t [AS a] (cols) source [ON CONFLICT …] [RETURNING …]`.
    #[derive(Arbitrary, Debug)]
    pub struct Insert {
        table: Table,
        alias: Option<Alias>,
        columns: Vec<Column>,
        source: InsertSource,
        on_conflict: Option<OnConflict>,
        returning: Vec<SelectItem>,
    }

    /// Where inserted rows come from.
    #[derive(Arbitrary, Debug)]
    pub enum InsertSource {
        /// `VALUES` rows, each padded or cut to the column count.
        Values(Vec<Vec<Expr>>),
        Select(Box<Query>),
        DefaultValues,
    }

    /// `ON CONFLICT [(target)] DO NOTHING | DO UPDATE SET … [WHERE …]`.
    #[derive(Arbitrary, Debug)]
    pub struct OnConflict {
        target: Option<ConflictTarget>,
        update: Option<(Vec<(Column, Expr)>, Option<Expr>)>,
    }

    words!(
        /// Conflict targets of the showcase tables.
        ConflictTarget {
            Id => "(id)",
            OrgEmail => "(organization_id, email)",
            Email => "(email)",
        }
    );

    impl Display for Insert {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            write!(f, "INSERT INTO {}", self.table)?;
            if let Some(alias) = self.alias {
                write!(f, " AS {alias}")?;
            }
            if !self.columns.is_empty() {
                f.write_str(" (")?;
                list(f, &self.columns)?;
                f.write_char(')')?;
            }
            match &self.source {
                InsertSource::DefaultValues => f.write_str(" DEFAULT VALUES")?,
                InsertSource::Select(query) => write!(f, " {query}")?,
                InsertSource::Values(rows) => {
                    let width = self.columns.len().max(1);
                    f.write_str(" VALUES ")?;
                    let rows: &[Vec<Expr>] = if rows.is_empty() { &[vec![]] } else { rows };
                    for (i, row) in rows.iter().enumerate() {
                        f.write_str(if i > 0 { ", (" } else { "(" })?;
                        for column in 0..width {
                            if column > 0 {
                                f.write_str(", ")?;
                            }
                            match row.get(column) {
                                Some(e) => write!(f, "{e}")?,
                                None => f.write_str("'x'")?,
                            }
                        }
                        f.write_char(')')?;
                    }
                }
            }
            if let Some(conflict) = &self.on_conflict {
                f.write_str(" ON CONFLICT")?;
                if let Some(target) = conflict.target {
                    write!(f, " {target}")?;
                }
                match &conflict.update {
                    None => f.write_str(" DO NOTHING")?,
                    Some((sets, filter)) => {
                        f.write_str(" DO UPDATE SET ")?;
                        assignments(f, sets)?;
                        if let Some(filter) = filter {
                            write!(f, " WHERE {filter}")?;
                        }
                    }
                }
            }
            returning(f, &self.returning)
        }
    }

    /// `col = e, …` (`name = name` when empty).
    fn assignments(f: &mut Formatter<'_>, sets: &[(Column, Expr)]) -> fmt::Result {
        if sets.is_empty() {
            return f.write_str("name = name");
        }
        for (i, (column, value)) in sets.iter().enumerate() {
            write!(f, "{}{column} = {value}", if i > 0 { ", " } else { "" })?;
        }
        Ok(())
    }

    /// ` RETURNING items` (nothing when empty).
    fn returning(f: &mut Formatter<'_>, items: &[SelectItem]) -> fmt::Result {
        if items.is_empty() {
            return Ok(());
        }
        f.write_str(" RETURNING ")?;
        list(f, items)
    }

    /// `UPDATE t [AS a] SET … [FROM …] [WHERE …] [RETURNING …]`.
    #[derive(Arbitrary, Debug)]
    pub struct Update {
        table: Table,
        alias: Option<Alias>,
        sets: Vec<(Column, Expr)>,
        from: Vec<FromItem>,
        filter: Option<Expr>,
        returning: Vec<SelectItem>,
    }

    impl Display for Update {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            write!(f, "UPDATE {}", self.table)?;
            if let Some(alias) = self.alias {
                write!(f, " AS {alias}")?;
            }
            f.write_str(" SET ")?;
            assignments(f, &self.sets)?;
            if !self.from.is_empty() {
                f.write_str(" FROM ")?;
                list(f, &self.from)?;
            }
            if let Some(filter) = &self.filter {
                write!(f, " WHERE {filter}")?;
            }
            returning(f, &self.returning)
        }
    }

    /// `DELETE FROM t [AS a] [USING …] [WHERE …] [RETURNING …]`.
    #[derive(Arbitrary, Debug)]
    pub struct Delete {
        table: Table,
        alias: Option<Alias>,
        using: Vec<FromItem>,
        filter: Option<Expr>,
        returning: Vec<SelectItem>,
    }

    impl Display for Delete {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            write!(f, "DELETE FROM {}", self.table)?;
            if let Some(alias) = self.alias {
                write!(f, " AS {alias}")?;
            }
            if !self.using.is_empty() {
                f.write_str(" USING ")?;
                list(f, &self.using)?;
            }
            if let Some(filter) = &self.filter {
                write!(f, " WHERE {filter}")?;
            }
            returning(f, &self.returning)
        }
    }
}
