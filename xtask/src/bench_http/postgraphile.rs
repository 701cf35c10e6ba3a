//! PostGraphile 4 beside metacore on PostgreSQL: installed with npm into a cache directory
//! outside the repository, started against the same database, and asked for each workload by
//! the equivalent GraphQL query or mutation (`POST /graphql`).
//!
//! PostGraphile runs here without JWT verification or row-level security: the organisation is
//! a `condition` argument of the query, not a checked claim. It has no substring filter
//! without a plugin (`postgraphile-plugin-connection-filter`), so the search workload is not
//! measured on it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use uuid::Uuid;

use super::fixture::{self, Seeded, FILTER_STATUS};
use super::workloads::{self, clip, list_mismatch, Workload, DEEP_PAGE, PER_PAGE};
use super::wrk::{self, Request};
use super::{free_port, http, Server};

/// The server's name in the tables.
pub const NAME: &str = "PostGraphile";
/// The npm package installed.
const PACKAGE: &str = "postgraphile@4";
/// Why the search workload is not measured on PostGraphile.
pub const NO_SEARCH: &str = "PostGraphile 4 has no substring (ILIKE) filter without a plugin \
    (postgraphile-plugin-connection-filter), so it has no equivalent query";

/// Every column of a ticket, as PostGraphile names them.
const FIELDS: &str = "id organizationId number title description status priority assigneeId \
    reporterId dueAt resolvedAt tags createdAt";

/// The directory PostGraphile is installed into: `$XDG_CACHE_HOME/metacore-bench/postgraphile`
/// or `$HOME/.cache/metacore-bench/postgraphile`.
fn cache_dir() -> Result<PathBuf, String> {
    let cache = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(home) => PathBuf::from(home).join(".cache"),
            None => return Err("neither XDG_CACHE_HOME nor HOME is set".into()),
        },
    };
    Ok(cache.join("metacore-bench").join("postgraphile"))
}

/// The PostGraphile command line program, installed with `npm install postgraphile@4` into
/// [`cache_dir`] when it is not there yet.
pub fn install() -> Result<PathBuf, String> {
    let dir = cache_dir()?;
    let cli = dir.join("node_modules/.bin/postgraphile");
    if cli.exists() {
        return Ok(cli);
    }
    for tool in ["node", "npm"] {
        let found = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !found {
            return Err(format!(
                "`{tool}` is not installed (PostGraphile needs Node.js)"
            ));
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let manifest = dir.join("package.json");
    if !manifest.exists() {
        std::fs::write(&manifest, "{\"private\": true}\n")
            .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    }
    eprintln!("installing {PACKAGE} with npm into {}", dir.display());
    let output = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", PACKAGE])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !output.status.success() || !cli.exists() {
        return Err(format!(
            "`npm install {PACKAGE}` failed: {}",
            clip(String::from_utf8_lossy(&output.stderr).trim())
        ));
    }
    eprintln!("installed {PACKAGE}");
    Ok(cli)
}

/// Starts PostGraphile on the `public` schema of `url` (no watch, no query log, no GraphiQL,
/// JSON columns as JSON, the default pool of 10 connections) and waits until it answers.
pub fn start(cli: &Path, url: &str, log: PathBuf) -> Result<Server, String> {
    let port = free_port()?;
    let mut command = Command::new(cli);
    command
        .args([
            "--connection",
            url,
            "--schema",
            "public",
            "--host",
            "127.0.0.1",
        ])
        .args(["--port", &port.to_string()])
        .args([
            "--disable-query-log",
            "--dynamic-json",
            "--disable-graphiql",
        ]);
    Server::spawn(NAME, command, port, log, |port| {
        let probe = json!({"query": "{__typename}"}).to_string();
        matches!(http(port, "POST", "/graphql", None, Some(&probe)), Ok((200, answer))
            if answer["data"]["__typename"] == "Query")
    })
}

/// A GraphQL request: the document and its variables.
fn request(query: &str, variables: Value) -> String {
    json!({"query": query, "variables": variables}).to_string()
}

/// The list query: the organisation's rows by `order`, optionally of one status.
fn list_query(order: &str, status: bool) -> String {
    let (declare, condition) = if status {
        (", $status: String!", ", status: $status")
    } else {
        ("", "")
    };
    format!(
        "query($org: UUID!, $first: Int!, $offset: Int!{declare}) {{ \
         allAddonTicketsTickets(condition: {{organizationId: $org{condition}}}, \
         orderBy: [{order}], first: $first, offset: $offset) {{ totalCount nodes {{ {FIELDS} }} }} }}"
    )
}

/// The body of `workload` (`@TID@`, `@N@` and `@ID@` are filled in per request by wrk), or
/// why it has no equivalent; `number`, `title` are the created or renamed values.
fn body(workload: Workload, seeded: &Seeded, number: &str, title: &str) -> Result<String, String> {
    let org = fixture::ORG;
    let list = |order: &str, offset: usize| {
        request(
            &list_query(order, false),
            json!({"org": org, "first": PER_PAGE, "offset": offset}),
        )
    };
    Ok(match workload {
        Workload::Get => request(
            &format!("query($id: UUID!) {{ addonTicketsTicketById(id: $id) {{ {FIELDS} }} }}"),
            json!({"id": seeded.sample_id}),
        ),
        Workload::List => list("CREATED_AT_DESC, ID_DESC", 0),
        Workload::DeepPage => list("CREATED_AT_DESC, ID_DESC", (DEEP_PAGE - 1) * PER_PAGE),
        Workload::FilterSort => request(
            &list_query("NUMBER_ASC, ID_ASC", true),
            json!({"org": org, "first": PER_PAGE, "offset": 0, "status": FILTER_STATUS}),
        ),
        Workload::Search => return Err(NO_SEARCH.into()),
        Workload::Create => request(
            &format!(
                "mutation($ticket: AddonTicketsTicketInput!) {{ createAddonTicketsTicket(\
                 input: {{addonTicketsTicket: $ticket}}) {{ addonTicketsTicket {{ {FIELDS} }} }} }}"
            ),
            json!({"ticket": {
                "organizationId": org, "number": number, "title": title,
                "description": "Created by wrk.", "priority": "high",
                "reporterId": fixture::USER, "tags": ["bench", "wrk"],
            }}),
        ),
        Workload::Update => request(
            &format!(
                "mutation($id: UUID!, $title: String!) {{ updateAddonTicketsTicketById(\
                 input: {{id: $id, addonTicketsTicketPatch: {{title: $title}}}}) \
                 {{ addonTicketsTicket {{ {FIELDS} }} }} }}"
            ),
            json!({"id": "@ID@", "title": title}),
        ),
    })
}

/// The wrk script of `workload`, or why it has no equivalent.
pub fn script(workload: Workload, seeded: &Seeded, tag: &str) -> Result<String, String> {
    let number = format!("{tag}-@TID@-@N@");
    let title = match workload {
        Workload::Update => format!("Renamed by wrk {tag} @TID@-@N@"),
        _ => "Benchmark ticket @N@".to_string(),
    };
    let body = body(workload, seeded, &number, &title)?;
    let request = match workload {
        Workload::Create | Workload::Update => Request::Template {
            method: "POST",
            path: "/graphql",
            body: &body,
            ids: &seeded.update_ids,
        },
        _ => Request::Post(&body),
    };
    Ok(wrk::script(&[], &request))
}

/// One request of `workload`: a 200 without `errors` carrying the row or page expected.
pub fn check(
    server: &Server,
    workload: Workload,
    seeded: &Seeded,
    tag: &str,
) -> Result<(), String> {
    let number = format!("{tag}-check");
    let title = format!("{tag} check");
    let mut body = body(workload, seeded, &number, &title)?;
    if workload == Workload::Update {
        let id: Uuid = workloads::first_update_id(seeded)?;
        body = body.replace("@ID@", &id.to_string());
    }
    let (status, answer) = http(server.port, "POST", "/graphql", None, Some(&body))?;
    let data = &answer["data"];
    let mismatch = match workload {
        Workload::Get => (data["addonTicketsTicketById"]["id"] != seeded.sample_id.to_string())
            .then(|| "wrong row".to_string()),
        Workload::Create => (data["createAddonTicketsTicket"]["addonTicketsTicket"]["number"]
            != number)
            .then(|| "wrong row".into()),
        Workload::Update => (data["updateAddonTicketsTicketById"]["addonTicketsTicket"]["title"]
            != title)
            .then(|| "not renamed".into()),
        _ => {
            let connection = &data["allAddonTicketsTickets"];
            match connection["nodes"].as_array() {
                Some(rows) => list_mismatch(workload, seeded, &connection["totalCount"], rows),
                None => Some("no rows".into()),
            }
        }
    };
    match mismatch {
        None if status == 200 && answer.get("errors").is_none() => Ok(()),
        mismatch => Err(format!(
            "check failed ({}): POST /graphql answered {status} {}",
            mismatch.unwrap_or_else(|| "errors".into()),
            clip(&answer.to_string())
        )),
    }
}
