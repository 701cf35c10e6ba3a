//! The attack classes of issue 11 and their variants, each judged "refused or confined".
//!
//! Templates name tables by placeholder: `{c}` customers and `{o}` orders (the addon's own
//! tables), `{t}` another addon's table, `{g}` the stored user grants, `{kv}` the key-value
//! store. With the parser they are written as an addon writes them (`customers`,
//! `addon_tickets.tickets`); with the database guard alone they are the physical names the
//! statement reaches unchanged (`addon_showcase__customers`).

use super::support::{uuid_arg, Fixture, Outcome, A_CUSTOMER, B_CUSTOMER, ORG_A, ORG_B};

/// One attack.
pub struct Case {
    pub name: &'static str,
    pub import: &'static str,
    pub sql: String,
    pub args: String,
}

fn render(template: &str, database_only: bool) -> String {
    let names: [(&str, &str); 5] = if database_only {
        [
            ("{c}", "addon_showcase__customers"),
            ("{o}", "addon_showcase__orders"),
            ("{t}", "addon_tickets__tickets"),
            ("{g}", "metacore_user_grants"),
            ("{kv}", "metacore_kv"),
        ]
    } else {
        [
            ("{c}", "customers"),
            ("{o}", "orders"),
            ("{t}", "addon_tickets.tickets"),
            ("{g}", "metacore_user_grants"),
            ("{kv}", "metacore_kv"),
        ]
    };
    names.iter().fold(template.to_string(), |sql, (from, to)| {
        sql.replace(from, to)
    })
}

/// Every case, rendered for the fixture's mode.
pub fn all(database_only: bool) -> Vec<Case> {
    let b = uuid_arg(ORG_B);
    let a = uuid_arg(ORG_A);
    let bc = uuid_arg(B_CUSTOMER);
    let ac = uuid_arg(A_CUSTOMER);
    let fresh = uuid_arg(uuid::Uuid::new_v4());
    // An INSERT names the tenancy column only when nothing injects it.
    let (org_col, org_val) = if database_only {
        ("organization_id, ", "$2, ")
    } else {
        ("", "")
    };
    let with_org = |first: &str| {
        if database_only {
            format!("[{first}, {a}]")
        } else {
            format!("[{first}]")
        }
    };
    let q = "db_query";
    let x = "db_exec";
    let cases: Vec<(&'static str, &'static str, String, String)> = vec![
        // CTE shadowing: a CTE named like a table, in a nested scope or over itself.
        ("cte shadow nested", q, "SELECT (WITH {c} AS (SELECT 1) SELECT 1) AS x, c.name FROM {c} c".into(), String::new()),
        ("cte shadow physical", q, "SELECT (WITH addon_showcase__customers AS (SELECT 1) SELECT 1) AS x, c.* FROM addon_showcase__customers c".into(), String::new()),
        ("cte over itself", q, "WITH addon_showcase__customers AS (SELECT * FROM addon_showcase__customers) SELECT * FROM addon_showcase__customers".into(), String::new()),
        ("cte named like own table", q, "WITH {c} AS (SELECT * FROM {c}) SELECT name FROM {c}".into(), String::new()),
        ("cte shadowing grants", q, "WITH metacore_user_grants AS (SELECT 1 AS x) SELECT * FROM (SELECT * FROM metacore_user_grants) g".into(), String::new()),
        ("recursive cte shadow", q, "WITH RECURSIVE addon_showcase__orders(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM addon_showcase__orders WHERE n < 3) SELECT o.* FROM addon_showcase__orders o".into(), String::new()),
        // Nested reads, `TABLE`, set operations, lateral joins.
        ("scalar subquery of other org", q, "SELECT (SELECT name FROM {c} WHERE organization_id = $1 LIMIT 1) AS n".into(), format!("[{b}]")),
        ("in subquery", q, "SELECT name FROM {c} WHERE id IN (SELECT id FROM {c} WHERE organization_id = $1)".into(), format!("[{b}]")),
        ("exists", q, "SELECT 1 AS one FROM {c} c WHERE EXISTS (SELECT 1 FROM {o} o WHERE o.customer_id = c.id)".into(), String::new()),
        ("union", q, "SELECT name FROM {c} UNION ALL SELECT notes FROM {o}".into(), String::new()),
        ("lateral", q, "SELECT x.name FROM {o} o, LATERAL (SELECT name FROM {c} c2 WHERE c2.id = o.customer_id) x".into(), String::new()),
        ("join other org by id", q, "SELECT c.name FROM {o} o JOIN {c} c ON c.id = o.customer_id".into(), String::new()),
        ("order by subquery", q, "SELECT name FROM {c} ORDER BY (SELECT max(notes) FROM {o})".into(), String::new()),
        ("TABLE in cte", q, "WITH x AS (TABLE {c}) SELECT * FROM x".into(), String::new()),
        ("TABLE in subquery", q, "SELECT * FROM (TABLE addon_tickets__tickets) t".into(), String::new()),
        ("TABLE grants", q, "SELECT * FROM (TABLE metacore_user_grants) g".into(), String::new()),
        // Literals SQLite tokenizes differently from the PostgreSQL grammar (found by the
        // confinement fuzzer).
        ("escape string", q, "SELECT E'\\' FROM (SELECT 1 AS e) UNION ALL SELECT name FROM addon_showcase__customers --'".into(), String::new()),
        ("array subscript", q, "SELECT 1['] UNION ALL SELECT name FROM addon_showcase__customers --']".into(), String::new()),
        ("escape string own table", q, "SELECT E'\\' FROM {c} UNION ALL SELECT name FROM addon_showcase__customers --'".into(), String::new()),
        // SQL-text and administrative functions.
        ("query_to_xml", q, "SELECT query_to_xml('SELECT * FROM addon_showcase__customers', true, true, '') AS x".into(), String::new()),
        ("table_to_xml", q, "SELECT table_to_xml('addon_showcase__customers', true, true, '') AS x".into(), String::new()),
        ("schema_to_xml", q, "SELECT schema_to_xml('public', true, true, '') AS x".into(), String::new()),
        ("database_to_xml", q, "SELECT database_to_xml(true, true, '') AS x".into(), String::new()),
        ("qualified function", q, "SELECT pg_catalog.query_to_xml('SELECT * FROM metacore_kv', true, true, '') AS x".into(), String::new()),
        ("set_config org then read", q, "SELECT set_config('app.current_org', $1, true) AS s, (SELECT string_agg(name, ',') FROM {c}) AS names".into(), format!("[\"{ORG_B}\"]")),
        ("set_config role then xml", q, "SELECT set_config('role', 'none', true) || query_to_xml('SELECT * FROM metacore_kv', true, true, '')::text AS x".into(), String::new()),
        ("pg_read_file", q, "SELECT pg_read_file('/etc/passwd') AS f".into(), String::new()),
        ("load_extension", q, "SELECT load_extension('/tmp/x') AS f".into(), String::new()),
        ("sqlite readfile", q, "SELECT readfile('/etc/passwd') AS f".into(), String::new()),
        ("table function", q, "SELECT * FROM json_each('[1]')".into(), String::new()),
        ("pragma table function", q, "SELECT * FROM pragma_table_info('metacore_kv')".into(), String::new()),
        ("org view, other org", q, "SELECT name FROM \"addon_showcase__customers$org\" WHERE organization_id = $1".into(), format!("[{b}]")),
        ("org view joined to base", q, "SELECT c.name FROM \"addon_showcase__customers$org\" v JOIN addon_showcase__customers c ON c.id <> v.id".into(), String::new()),
        ("write through org view", x, "UPDATE \"addon_showcase__customers$org\" SET name = 'x'".into(), String::new()),
        // Other addons' tables and the host's tables.
        ("other addon table", q, "SELECT * FROM {t}".into(), String::new()),
        ("other addon physical", q, "SELECT * FROM addon_tickets__tickets".into(), String::new()),
        ("grants table", q, "SELECT * FROM {g}".into(), String::new()),
        ("kv table", q, "SELECT * FROM {kv}".into(), String::new()),
        ("public schema kv", q, "SELECT * FROM public.metacore_kv".into(), String::new()),
        // Catalogues.
        ("pg_tables", q, "SELECT * FROM pg_catalog.pg_tables".into(), String::new()),
        ("pg_stats", q, "SELECT most_common_vals::text AS v FROM pg_stats".into(), String::new()),
        ("information_schema", q, "SELECT * FROM information_schema.tables".into(), String::new()),
        ("sqlite_master", q, "SELECT * FROM sqlite_master".into(), String::new()),
        ("sqlite_schema in subquery", q, "SELECT (SELECT group_concat(sql) FROM sqlite_schema) AS s".into(), String::new()),
        // Data-modifying statements where reads are expected.
        ("dml cte in query", q, "WITH x AS (INSERT INTO {g} (organization_id, user_id, capability) VALUES ($1, $2, '*') RETURNING 1) SELECT * FROM x".into(), format!("[{b}, {bc}]")),
        ("delete cte in query", q, "WITH x AS (DELETE FROM {c} RETURNING *) SELECT * FROM x".into(), String::new()),
        ("update in nested query", q, "SELECT * FROM (WITH u AS (UPDATE {c} SET name = 'x' RETURNING id) SELECT * FROM u) s".into(), String::new()),
        ("delete via db_query", q, "DELETE FROM {c}".into(), String::new()),
        ("select into", q, "SELECT * INTO stolen FROM {c}".into(), String::new()),
        ("for update", q, "SELECT * FROM {c} FOR UPDATE".into(), String::new()),
        // Writes across organisations.
        ("on conflict overwrite", x, format!("INSERT INTO {{c}} (id, {org_col}name) VALUES ($1, {org_val}'pwned') ON CONFLICT (id) DO UPDATE SET name = 'pwned'"), with_org(&bc)),
        ("on conflict exfiltrate", x, format!("INSERT INTO {{c}} (id, {org_col}name) VALUES ($1, {org_val}'x') ON CONFLICT (id) DO UPDATE SET name = (SELECT string_agg(name, ',') FROM {{c}})"), with_org(&ac)),
        ("on conflict assign org", x, format!("INSERT INTO {{c}} (id, {org_col}name) VALUES ($1, {org_val}'x') ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id"), with_org(&bc)),
        ("insert or replace", x, format!("INSERT OR REPLACE INTO {{c}} (id, {org_col}name) VALUES ($1, {org_val}'pwned')"), with_org(&bc)),
        ("replace into", x, format!("REPLACE INTO {{c}} (id, {org_col}name) VALUES ($1, {org_val}'pwned')"), with_org(&bc)),
        ("insert for other org", x, "INSERT INTO {c} (id, organization_id, name) VALUES ($1, $2, 'forged')".into(), format!("[{fresh}, {b}]")),
        ("update other org", x, "UPDATE {c} SET name = 'pwned' WHERE organization_id = $1".into(), format!("[{b}]")),
        ("update by id", x, "UPDATE {c} SET name = 'pwned' WHERE id = $1".into(), format!("[{bc}]")),
        ("move row to other org", x, "UPDATE {c} SET organization_id = $1 WHERE id = $2".into(), format!("[{b}, {ac}]")),
        ("delete other org", x, "DELETE FROM {c} WHERE id = $1".into(), format!("[{bc}]")),
        ("delete cascade", x, "DELETE FROM {c} WHERE organization_id = $1".into(), format!("[{b}]")),
        ("update from other", x, "UPDATE {c} SET name = o.notes FROM {o} o WHERE o.customer_id = {c}.id".into(), String::new()),
        ("returning subquery", x, "UPDATE {c} SET name = name WHERE id = $1 RETURNING (SELECT string_agg(notes, ',') FROM {o}) AS leak".into(), format!("[{ac}]")),
        ("insert select other org", x, format!("INSERT INTO {{c}} (id, {org_col}name, email) SELECT $1, {org_val}name, 'copy@x' FROM {{c}} WHERE email = 'b@b'"), with_org(&fresh)),
        ("grant escalation", x, "INSERT INTO {g} (organization_id, user_id, capability) VALUES ($1, $2, '*')".into(), format!("[{b}, {bc}]")),
        ("dml cte in exec", x, "WITH d AS (DELETE FROM addon_tickets__tickets RETURNING id) INSERT INTO {o} (id, customer_id, number) SELECT id, id, 7 FROM d".into(), String::new()),
        ("kv write", x, "UPDATE {kv} SET value = '1'".into(), String::new()),
        ("other addon write", x, "DELETE FROM {t}".into(), String::new()),
        // Statements that are not reads or writes of rows.
        ("drop table", x, "DROP TABLE {c}".into(), String::new()),
        ("alter table", x, "ALTER TABLE {c} DISABLE ROW LEVEL SECURITY".into(), String::new()),
        ("reset role", x, "RESET ROLE".into(), String::new()),
        ("set role", x, "SET ROLE NONE".into(), String::new()),
        ("pragma", x, "PRAGMA writable_schema = 1".into(), String::new()),
        ("attach", x, "ATTACH DATABASE '/tmp/metacore-attack.db' AS x".into(), String::new()),
        ("create table", x, "CREATE TABLE stolen AS SELECT * FROM {c}".into(), String::new()),
        ("grant", x, "GRANT ALL ON metacore_kv TO PUBLIC".into(), String::new()),
        ("copy", q, "COPY metacore_kv TO STDOUT".into(), String::new()),
        ("commit", x, "COMMIT".into(), String::new()),
    ];
    cases
        .into_iter()
        .map(|(name, import, sql, args)| Case {
            name,
            import,
            sql: render(&sql, database_only),
            args,
        })
        .collect()
}

/// Runs every case on `fixture`; returns the failures (empty when all held). Cases named in
/// `unenforced` are reported loudly and not judged.
pub async fn run_all(fixture: &Fixture, unenforced: &[&str]) -> Vec<String> {
    let mut failures = Vec::new();
    for case in all(fixture.database_only()) {
        if unenforced.contains(&case.name) {
            eprintln!(
                "NOT JUDGED on this backend without the parser: `{}` ({})",
                case.name, case.sql
            );
            continue;
        }
        match fixture
            .judge(case.name, case.import, &case.sql, &case.args)
            .await
        {
            Ok(Outcome::Refused(code)) => eprintln!("refused   {:<28} {code}", case.name),
            Ok(Outcome::Rows(data)) => eprintln!(
                "confined  {:<28} {}",
                case.name,
                data.to_string().chars().take(100).collect::<String>()
            ),
            Err(failure) => failures.push(failure),
        }
    }
    failures
}
