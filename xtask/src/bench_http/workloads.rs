//! The benchmarked workloads and how the REST servers (`metacore-app` and the baseline) are
//! asked for them: the path, the wrk script, and the one request that checks an answer's status
//! and shape before a server is measured.

use serde_json::{json, Value};

use super::fixture::{self, Seeded, FILTER_STATUS, SEARCH_WORD};
use super::wrk::{self, Request};
use super::{http, Server};

/// Rows per page of every list workload.
pub const PER_PAGE: usize = 20;
/// The page of the deep-paging workload.
pub const DEEP_PAGE: usize = 400;

/// A benchmarked request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `GET /api/data/tickets/{id}`.
    Get,
    /// `GET /api/data/tickets?per_page=20`: the newest page and the total.
    List,
    /// A status filter (a quarter of the rows), sorted by `number` ascending.
    FilterSort,
    /// A search for [`SEARCH_WORD`] (a few percent of the rows).
    Search,
    /// Page [`DEEP_PAGE`] of the newest-first list.
    DeepPage,
    /// `POST /api/data/tickets` with a fresh number per request.
    Create,
    /// `PATCH /api/data/tickets/{id}` of the title, rotating over [`fixture::UPDATE_IDS`] rows.
    Update,
}

/// Every workload in the order measured: the reads first, so they see exactly the seeded rows.
pub const ALL: [Workload; 7] = [
    Workload::Get,
    Workload::List,
    Workload::FilterSort,
    Workload::Search,
    Workload::DeepPage,
    Workload::Create,
    Workload::Update,
];

impl Workload {
    /// Whether it writes (and so logs events for metacore-app's consumers).
    pub fn writes(self) -> bool {
        matches!(self, Workload::Create | Workload::Update)
    }

    /// The workload `--workloads` names `key`.
    pub fn parse(key: &str) -> Result<Workload, String> {
        ALL.into_iter().find(|w| w.key() == key).ok_or_else(|| {
            let keys: Vec<&str> = ALL.iter().map(|w| w.key()).collect();
            format!("unknown workload `{key}` ({})", keys.join(", "))
        })
    }

    /// The workload's name on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Workload::Get => "get",
            Workload::List => "list",
            Workload::FilterSort => "filter-sort",
            Workload::Search => "search",
            Workload::DeepPage => "page-400",
            Workload::Create => "create",
            Workload::Update => "update",
        }
    }

    /// The name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Get => "get by id",
            Workload::List => "list page 1",
            Workload::FilterSort => "filter + sort",
            Workload::Search => "search",
            Workload::DeepPage => "page 400",
            Workload::Create => "create",
            Workload::Update => "update",
        }
    }

    /// The path wrk is pointed at (per-request paths come from the script).
    pub fn path(self, seeded: &Seeded) -> String {
        let list = format!("/api/data/tickets?per_page={PER_PAGE}");
        match self {
            Workload::Get => format!("/api/data/tickets/{}", seeded.sample_id),
            Workload::List => list,
            Workload::FilterSort => {
                format!("{list}&f_status={FILTER_STATUS}&sortBy=number&order=asc")
            }
            Workload::Search => format!("{list}&search={SEARCH_WORD}"),
            Workload::DeepPage => format!("{list}&page={DEEP_PAGE}"),
            Workload::Create | Workload::Update => "/api/data/tickets".into(),
        }
    }

    /// The wrk script: the bearer token, and per create a fresh ticket number, per update the
    /// next id; `tag` keeps numbers unique across runs.
    pub fn script(self, token: &str, tag: &str, seeded: &Seeded) -> String {
        let bearer = format!("Bearer {token}");
        let headers = [("Authorization", bearer.as_str())];
        let create = create_body(&format!("{tag}-@TID@-@N@"), "Benchmark ticket @N@");
        let update = json!({"title": format!("Renamed by wrk {tag} @TID@-@N@")}).to_string();
        let request = match self {
            Workload::Create => Request::Template {
                method: "POST",
                path: "/api/data/tickets",
                body: &create,
                ids: &[],
            },
            Workload::Update => Request::Template {
                method: "PATCH",
                path: "/api/data/tickets/@ID@",
                body: &update,
                ids: &seeded.update_ids,
            },
            _ => Request::Get,
        };
        wrk::script(&headers, &request)
    }
}

/// The JSON body of a create.
fn create_body(number: &str, title: &str) -> String {
    json!({
        "number": number, "title": title, "description": "Created by wrk.",
        "priority": "high", "reporter_id": fixture::USER, "tags": ["bench", "wrk"],
    })
    .to_string()
}

/// What a list answer must hold: its total, its rows' count and first `number`.
pub struct ListExpectation {
    /// `meta.total` / `totalCount`.
    pub total: usize,
    /// Rows on the page.
    pub len: usize,
    /// The first row's `number` (none when the page is empty).
    pub first: Option<String>,
}

/// The expected answer of a list workload (`None` for the others).
pub fn expected_list(workload: Workload, seeded: &Seeded) -> Option<ListExpectation> {
    let page = |total: usize, offset: usize| total.saturating_sub(offset).min(PER_PAGE);
    match workload {
        Workload::List => Some(ListExpectation {
            total: seeded.rows,
            len: page(seeded.rows, 0),
            first: seeded.newest_number(0),
        }),
        Workload::DeepPage => {
            let offset = (DEEP_PAGE - 1) * PER_PAGE;
            Some(ListExpectation {
                total: seeded.rows,
                len: page(seeded.rows, offset),
                first: seeded.newest_number(offset),
            })
        }
        Workload::FilterSort => Some(ListExpectation {
            total: seeded.filtered,
            len: page(seeded.filtered, 0),
            first: Some(seeded.first_filtered_number.clone()),
        }),
        Workload::Search => Some(ListExpectation {
            total: seeded.search_hits,
            len: page(seeded.search_hits, 0),
            first: None,
        }),
        _ => None,
    }
}

/// Whether `rows` (ticket objects, in either API's spelling) fit `workload`: the filter's
/// status and ascending numbers, or the search word in a search column.
pub fn rows_fit(workload: Workload, rows: &[Value]) -> bool {
    let text = |row: &Value, field: &str| row[field].as_str().unwrap_or_default().to_lowercase();
    match workload {
        Workload::FilterSort => {
            rows.iter().all(|row| row["status"] == FILTER_STATUS)
                && rows
                    .windows(2)
                    .all(|pair| text(&pair[0], "number") <= text(&pair[1], "number"))
        }
        Workload::Search => rows.iter().all(|row| {
            ["number", "title", "description", "status", "priority"]
                .iter()
                .any(|field| text(row, field).contains(SEARCH_WORD))
        }),
        _ => true,
    }
}

/// Checks a list page against [`expected_list`]: `None` when it fits, else what differs.
pub fn list_mismatch(
    workload: Workload,
    seeded: &Seeded,
    total: &Value,
    rows: &[Value],
) -> Option<String> {
    let expected = expected_list(workload, seeded)?;
    let first = rows.first().map(|row| row["number"].clone());
    if total.as_u64() != Some(expected.total as u64) {
        return Some(format!("total {total}, expected {}", expected.total));
    }
    if rows.len() != expected.len {
        return Some(format!("{} rows, expected {}", rows.len(), expected.len));
    }
    if let Some(want) = &expected.first {
        if first.as_ref().and_then(Value::as_str) != Some(want) {
            return Some(format!("first row {first:?}, expected {want}"));
        }
    }
    (!rows_fit(workload, rows)).then(|| "rows do not fit the filter or search".into())
}

/// One request of `workload` against a REST server: a 2xx answer with `success: true` and the
/// row or page expected.
pub fn check(
    server: &Server,
    workload: Workload,
    token: &str,
    tag: &str,
    seeded: &Seeded,
) -> Result<(), String> {
    let (method, path, body) = match workload {
        Workload::Create => (
            "POST",
            "/api/data/tickets".to_string(),
            Some(create_body(&format!("{tag}-check"), "Benchmark check")),
        ),
        Workload::Update => (
            "PATCH",
            format!("/api/data/tickets/{}", first_update_id(seeded)?),
            Some(json!({ "title": format!("{tag} check") }).to_string()),
        ),
        _ => ("GET", workload.path(seeded), None),
    };
    let (status, answer) = http(server.port, method, &path, Some(token), body.as_deref())?;
    let data = &answer["data"];
    let mismatch = match workload {
        Workload::Get => (data["id"] != seeded.sample_id.to_string()).then(|| "wrong row".into()),
        Workload::Create => (data["number"] != format!("{tag}-check")).then(|| "wrong row".into()),
        Workload::Update => (data["title"] != format!("{tag} check")).then(|| "not renamed".into()),
        _ => match data.as_array() {
            Some(rows) => list_mismatch(workload, seeded, &answer["meta"]["total"], rows),
            None => Some("no rows".into()),
        },
    };
    match mismatch {
        None if (200..300).contains(&status) && answer["success"] == true => Ok(()),
        mismatch => Err(format!(
            "check failed ({}): {method} {path} answered {status} {}",
            mismatch.unwrap_or_else(|| "status".into()),
            clip(&answer.to_string())
        )),
    }
}

/// The row the update check renames.
pub fn first_update_id(seeded: &Seeded) -> Result<uuid::Uuid, String> {
    seeded
        .update_ids
        .first()
        .copied()
        .ok_or_else(|| "the fixture has no rows to update".to_string())
}

/// At most 300 characters of `text`, for error messages.
pub fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(300).collect();
    if clipped.len() < text.len() {
        clipped.push('…');
    }
    clipped
}
