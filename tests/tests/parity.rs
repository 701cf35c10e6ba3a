//! Parity with the upstream JSON Schema (`manifest.md` §2): on every v3 corpus file and on
//! synthetic mutations of a valid manifest, our accept/reject verdict equals the verdict of
//! the `jsonschema` crate running the reference schema — except where our semantic checks go
//! further than the schema, which each such case states (with the code that rejects it).

use serde_json::{json, Value};

use metacore_tests::*;

fn upstream() -> jsonschema::Validator {
    let text = std::fs::read_to_string(corpus_dir().join("../reference/manifest-v3.schema.json"))
        .expect("reference schema");
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("reference schema compiles")
}

#[test]
fn embedded_schema_is_the_reference_schema() {
    let reference =
        std::fs::read_to_string(corpus_dir().join("../reference/manifest-v3.schema.json")).unwrap();
    assert_eq!(metacore_gen::v3::structure::UPSTREAM_SCHEMA, reference);
}

/// Corpus files the schema accepts but our semantic checks reject, with the reason.
const BEYOND_SCHEMA_CORPUS: &[(&str, &str)] = &[(
    "native-whatsapp_native.json",
    "MC0402: tool key `list-contacts` declared twice",
)];

#[test]
fn corpus_verdicts_agree_with_the_upstream_schema() {
    let schema = upstream();
    for path in corpus_files("v3") {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let theirs = schema.is_valid(&value);
        let ours = accepted(&validate_file(&path));
        match BEYOND_SCHEMA_CORPUS.iter().find(|(f, _)| *f == file) {
            Some((_, why)) => {
                assert!(
                    theirs && !ours,
                    "{file}: expected schema-accept, ours-reject ({why})"
                )
            }
            None => assert_eq!(ours, theirs, "{file}: ours={ours} upstream={theirs}"),
        }
    }
}

/// A valid manifest exercising most core blocks; every mutation starts from it.
fn base() -> Value {
    json!({
        "apiVersion": "asteby.com/v3",
        "kind": "Addon",
        "metadata": {"key": "helpdesk", "name": "Help desk", "version": "1.2.0",
                     "icon": {"type": "lucide", "slug": "Ticket"}},
        "compatibility": {"requires": [{"key": "kernel", "version": ">=3.0.0 <4.0.0"}]},
        "tenancy": {"isolation": "shared", "rls_column": "organization_id"},
        "capabilities": [{"kind": "event:emit", "target": "helpdesk.ticket_closed"}],
        "models": [{
            "key": "Ticket", "table": "tickets", "label": "Tickets",
            "columns": [
                {"name": "id", "type": "uuid", "primary_key": true, "default": "gen_random_uuid()"},
                {"name": "organization_id", "type": "uuid", "not_null": true},
                {"name": "title", "type": "varchar(200)", "not_null": true},
                {"name": "status", "type": "text", "not_null": true, "default": "open"},
                {"name": "points", "type": "integer", "default": 0}
            ],
            "indices": [{"name": "tickets_status_idx", "columns": ["status"]}]
        }],
        "contributions": {
            "navigation": [{"title": "Help desk", "items": [{"title": "Tickets", "model": "Ticket"}]}],
            "actions": [{
                "key": "close", "label": "Close", "target_model": "Ticket",
                "handler": {"type": "compiled", "function": "close_ticket"},
                "confirm": true
            }],
            "tools": [{
                "key": "find_ticket", "description": "Find a ticket",
                "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}},
                "handler": {"type": "compiled", "function": "find_ticket"}
            }]
        },
        "extension_points": {"events": [{"name": "helpdesk.ticket_closed"}]},
        "rbac": {"permissions": [{"key": "helpdesk.tickets.manage", "label": "Manage"}]},
        "settings": [{"key": "auto_close_days", "type": "integer", "default": 7}],
        "frontend": {"entry": "/remoteEntry.js", "format": "federation"}
    })
}

enum Edit {
    Remove(&'static str),
    Set(&'static str, Value),
}

fn apply(mut doc: Value, edit: &Edit) -> Value {
    let (pointer, value) = match edit {
        Edit::Remove(p) => (*p, None),
        Edit::Set(p, v) => (*p, Some(v.clone())),
    };
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent {parent}"));
    match (target, value) {
        (Value::Object(map), None) => {
            map.remove(last)
                .unwrap_or_else(|| panic!("nothing at {pointer}"));
        }
        (Value::Object(map), Some(v)) => {
            map.insert(last.to_string(), v);
        }
        (Value::Array(items), None) => {
            items.remove(last.parse::<usize>().unwrap());
        }
        (Value::Array(items), Some(v)) => {
            let i: usize = last.parse().unwrap();
            if i == items.len() {
                items.push(v)
            } else {
                items[i] = v
            }
        }
        _ => panic!("cannot edit {pointer}"),
    }
    doc
}

struct Case {
    what: &'static str,
    edits: Vec<Edit>,
    /// The code our validator must report (empty: accept).
    code: &'static str,
    /// Set when our semantic checks reject what the schema accepts: why.
    beyond_schema: Option<&'static str>,
}

fn case(what: &'static str, edits: Vec<Edit>, code: &'static str) -> Case {
    Case {
        what,
        edits,
        code,
        beyond_schema: None,
    }
}

fn beyond(what: &'static str, edits: Vec<Edit>, code: &'static str, why: &'static str) -> Case {
    Case {
        what,
        edits,
        code,
        beyond_schema: Some(why),
    }
}

fn cases() -> Vec<Case> {
    use Edit::*;
    vec![
        // The base itself.
        case("unchanged base manifest", vec![], ""),
        // Missing required fields.
        case("missing apiVersion", vec![Remove("/apiVersion")], "MC0104"),
        case("missing kind", vec![Remove("/kind")], "MC0104"),
        case(
            "missing metadata.name",
            vec![Remove("/metadata/name")],
            "MC0104",
        ),
        case(
            "missing metadata.version",
            vec![Remove("/metadata/version")],
            "MC0104",
        ),
        case(
            "missing compatibility",
            vec![Remove("/compatibility")],
            "MC0104",
        ),
        case(
            "missing compatibility.requires",
            vec![Remove("/compatibility/requires")],
            "MC0104",
        ),
        case(
            "missing model columns",
            vec![Remove("/models/0/columns")],
            "MC0104",
        ),
        case(
            "missing model table",
            vec![Remove("/models/0/table")],
            "MC0104",
        ),
        case(
            "missing column type",
            vec![Remove("/models/0/columns/2/type")],
            "MC0104",
        ),
        case(
            "missing action handler",
            vec![Remove("/contributions/actions/0/handler")],
            "MC0104",
        ),
        case(
            "missing handler type",
            vec![Remove("/contributions/actions/0/handler/type")],
            "MC0104",
        ),
        case(
            "missing tool description",
            vec![Remove("/contributions/tools/0/description")],
            "MC0104",
        ),
        case(
            "missing icon slug",
            vec![Remove("/metadata/icon/slug")],
            "MC0104",
        ),
        // Key patterns.
        case(
            "addon key with capitals",
            vec![Set("/metadata/key", json!("HelpDesk"))],
            "MC0201",
        ),
        case(
            "addon key of one char",
            vec![Set("/metadata/key", json!("h"))],
            "MC0201",
        ),
        case(
            "addon key of 64 chars",
            vec![Set("/metadata/key", json!("h".repeat(64)))],
            "MC0201",
        ),
        case(
            "model key not PascalCase",
            vec![Set("/models/0/key", json!("ticket"))],
            "MC0304",
        ),
        case(
            "table with capitals",
            vec![Set("/models/0/table", json!("Tickets"))],
            "MC0304",
        ),
        case(
            "column name with capitals",
            vec![Set("/models/0/columns/4/name", json!("Points"))],
            "MC0304",
        ),
        case(
            "setting key with capitals",
            vec![Set("/settings/0/key", json!("AutoClose"))],
            "MC0107",
        ),
        case(
            "permission key without a dot",
            vec![Set("/rbac/permissions/0/key", json!("manage"))],
            "MC0107",
        ),
        case(
            "template placeholder as key",
            vec![Set("/metadata/key", json!("{{ADDON_KEY}}"))],
            "MC0110",
        ),
        // Unknown fields at several depths.
        case(
            "unknown top-level backend block",
            vec![Set("/backend", json!({"runtime": "wasm"}))],
            "MC0103",
        ),
        case(
            "unknown metadata field",
            vec![Set("/metadata/slug", json!("x"))],
            "MC0103",
        ),
        case(
            "unknown model field (import)",
            vec![Set("/models/0/import", json!({}))],
            "MC0103",
        ),
        case(
            "unknown column field",
            vec![Set("/models/0/columns/0/primary", json!(true))],
            "MC0103",
        ),
        case(
            "camelCase action field",
            vec![Set(
                "/contributions/actions/0/confirmMessage",
                json!("Sure?"),
            )],
            "MC0103",
        ),
        case(
            "unknown handler field",
            vec![Set(
                "/contributions/actions/0/handler/method",
                json!("POST"),
            )],
            "MC0103",
        ),
        case(
            "unknown contributions block",
            vec![Set("/contributions/menus", json!([]))],
            "MC0103",
        ),
        case(
            "unknown index field",
            vec![Set("/models/0/indices/0/where", json!("x"))],
            "MC0103",
        ),
        case(
            "v2 key beside apiVersion",
            vec![Set("/key", json!("helpdesk"))],
            "MC0103",
        ),
        // Wrong enum / const values.
        case(
            "unknown kind",
            vec![Set("/kind", json!("Plugin"))],
            "MC0106",
        ),
        case(
            "unknown isolation",
            vec![Set("/tenancy/isolation", json!("tenant"))],
            "MC0106",
        ),
        case(
            "misspelt capability kind",
            vec![Set("/capabilities/0/kind", json!("secret:read"))],
            "MC0106",
        ),
        case(
            "unknown handler type",
            vec![Set(
                "/contributions/actions/0/handler/type",
                json!("lambda"),
            )],
            "MC0106",
        ),
        case(
            "unknown placement",
            vec![Set("/contributions/actions/0/placement", json!("sidebar"))],
            "MC0106",
        ),
        case(
            "unknown frontend format",
            vec![Set("/frontend/format", json!("esm"))],
            "MC0106",
        ),
        case(
            "unsupported apiVersion",
            vec![Set("/apiVersion", json!("asteby.com/v4"))],
            "MC0102",
        ),
        // Versions.
        case(
            "version without patch",
            vec![Set("/metadata/version", json!("1.0"))],
            "MC0203",
        ),
        case(
            "version with v prefix",
            vec![Set("/metadata/version", json!("v1.0.0"))],
            "MC0203",
        ),
        case(
            "version with empty pre-release",
            vec![Set("/metadata/version", json!("1.0.0-"))],
            "MC0203",
        ),
        case(
            "version with leading zeros",
            vec![Set("/metadata/version", json!("01.002.0"))],
            "",
        ),
        case(
            "version with pre-release and build",
            vec![Set("/metadata/version", json!("2.0.0-rc.1+b5"))],
            "",
        ),
        // Wrong JSON types.
        case(
            "models is an object",
            vec![Set("/models", json!({}))],
            "MC0105",
        ),
        case(
            "not_null is a string",
            vec![Set("/models/0/columns/2/not_null", json!("true"))],
            "MC0105",
        ),
        case(
            "name is a number",
            vec![Set("/metadata/name", json!(5))],
            "MC0105",
        ),
        case(
            "capabilities is a string",
            vec![Set("/capabilities", json!("db:read"))],
            "MC0105",
        ),
        case(
            "confirm is a number",
            vec![Set("/contributions/actions/0/confirm", json!(1))],
            "MC0105",
        ),
        case(
            "index columns is a string",
            vec![Set("/models/0/indices/0/columns", json!("status"))],
            "MC0105",
        ),
        case(
            "required is null",
            vec![Set("/settings/0/required", Value::Null)],
            "MC0105",
        ),
        // Column types and sizes.
        case(
            "varchar(n) column",
            vec![Set("/models/0/columns/2/type", json!("varchar(255)"))],
            "",
        ),
        case(
            "numeric(p,s) column",
            vec![Set("/models/0/columns/4/type", json!("numeric(12,2)"))],
            "",
        ),
        case(
            "v2 spelling `string`",
            vec![Set("/models/0/columns/2/type", json!("string"))],
            "MC0305",
        ),
        case(
            "varchar with 5 digits",
            vec![Set("/models/0/columns/2/type", json!("varchar(10000)"))],
            "MC0305",
        ),
        case(
            "empty columns",
            vec![Set("/models/0/columns", json!([]))],
            "MC0108",
        ),
        case(
            "empty requires",
            vec![Set("/compatibility/requires", json!([]))],
            "MC0108",
        ),
        case(
            "empty addon name",
            vec![Set("/metadata/name", json!(""))],
            "MC0108",
        ),
        // Combined rules.
        case(
            "Preset without preset block",
            vec![Set("/kind", json!("Preset"))],
            "MC0109",
        ),
        case(
            "Addon with a preset block",
            vec![Set(
                "/preset",
                json!({"addons": [{"key": "a", "version": "1.0.0"}]}),
            )],
            "MC0109",
        ),
        case(
            "empty nav condition",
            vec![Set("/contributions/navigation/0/condition", json!({}))],
            "MC0108",
        ),
        // Advanced blocks are accepted.
        case(
            "schedules block",
            vec![Set(
                "/schedules",
                json!([{"key": "nightly", "every": "24h", "do": "compiled:sweep"}]),
            )],
            "",
        ),
        case(
            "dashboard block",
            vec![Set(
                "/contributions/dashboard",
                json!([{"key": "open", "title": "Open", "kind": "stat"}]),
            )],
            "",
        ),
        // Beyond the schema: semantic gates.
        beyond(
            "duplicate tool key",
            vec![Set(
                "/contributions/tools/1",
                json!({"key": "find_ticket", "description": "again"}),
            )],
            "MC0402",
            "tools are addressed by key, so a duplicate is ambiguous",
        ),
        beyond(
            "action key is a CRUD verb",
            vec![Set("/contributions/actions/0/key", json!("delete"))],
            "MC0419",
            "the action capability `tickets.delete` would alias the CRUD capability",
        ),
        beyond(
            "modal slug for another action",
            vec![Set(
                "/contributions/actions/0/modal",
                json!("helpdesk.other"),
            )],
            "MC0403",
            "the federated modal must be registered as `helpdesk.close`",
        ),
        beyond(
            "default that does not fit the column",
            vec![Set("/models/0/columns/4/default", json!("many"))],
            "MC0307",
            "`many` is not an integer",
        ),
        beyond(
            "tenancy column missing",
            vec![Remove("/models/0/columns/1")],
            "MC0310",
            "shared isolation scopes every query by organization_id",
        ),
        beyond(
            "kernel range not satisfied",
            vec![Set("/compatibility/requires/0/version", json!(">=4.0.0"))],
            "MC0205",
            "this host implements contract 3.0.0",
        ),
        beyond(
            "nav item names an unknown model",
            vec![Set(
                "/contributions/navigation/0/items/0/model",
                json!("Tikcet"),
            )],
            "MC0701",
            "the item could not be routed",
        ),
    ]
}

#[test]
fn mutation_verdicts_agree_with_the_upstream_schema() {
    let schema = upstream();
    let cases = cases();
    assert!(cases.len() >= 41, "at least 40 mutations");
    let mut failures = Vec::new();
    for case in &cases {
        let doc = case.edits.iter().fold(base(), apply);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let manifest = validate_text("mutated.json", text.as_bytes());
        let ours = accepted(&manifest);
        let theirs = schema.is_valid(&doc);
        let codes = error_codes(&manifest);
        let expected_verdict = case.code.is_empty();
        match case.beyond_schema {
            None if ours != theirs => failures.push(format!(
                "{}: ours={ours} upstream={theirs} codes={codes:?}",
                case.what
            )),
            Some(why) if !theirs || ours => failures.push(format!(
                "{}: expected schema-accept + ours-reject ({why}); ours={ours} upstream={theirs}",
                case.what
            )),
            _ => {}
        }
        if case.beyond_schema.is_none() && ours != expected_verdict {
            failures.push(format!(
                "{}: expected accept={expected_verdict}, codes={codes:?}",
                case.what
            ));
        }
        if !case.code.is_empty() && !codes.contains(&case.code) {
            failures.push(format!(
                "{}: expected {} among {codes:?}",
                case.what, case.code
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
