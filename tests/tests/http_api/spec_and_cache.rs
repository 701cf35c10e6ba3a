//! Revalidation of the per-caller documents (`ETag`, `If-None-Match` → 304) and what the
//! served OpenAPI document says: the bearer security scheme, tags per addon, option sets as
//! named enums, create → item links, the application's own `info`.

use serde_json::Value;

use super::support::{assert_error, databases, Server, ORG_A};

/// The documents served with an `ETag` (`http-api.md` §6.1, §8, §9.1).
const REVALIDATED: [&str; 5] = [
    "/api/metadata/table/customers",
    "/api/metadata/modal/customers",
    "/api/metadata/all",
    "/api/metacore/navigation",
    "/api/metacore/manifests",
];

/// Status, `ETag`, body text and headers of `GET path` with `token` and, when given,
/// `If-None-Match: if_none_match`.
async fn get(
    server: &Server,
    path: &str,
    token: &str,
    if_none_match: Option<&str>,
) -> (u16, Option<String>, String, reqwest::header::HeaderMap) {
    let mut request = reqwest::Client::new()
        .get(format!("{}{path}", server.base))
        .bearer_auth(token);
    if let Some(tags) = if_none_match {
        request = request.header("If-None-Match", tags);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let tag = headers
        .get("etag")
        .map(|v| v.to_str().expect("an ASCII tag").to_string());
    (status, tag, response.text().await.expect("a body"), headers)
}

#[tokio::test]
async fn metadata_revalidates_per_caller_on_every_backend() {
    for (backend, db) in databases("http_spec_cache").await {
        let server = Server::start(db).await;
        let admin = server.token(Some(ORG_A), "admin", &[]);
        let clerk = server.token(Some(ORG_A), "clerk", &[]);
        for path in REVALIDATED {
            let (status, tag, body, headers) = get(&server, path, &admin, None).await;
            assert_eq!(status, 200, "{backend} {path}: {body}");
            let tag = tag.unwrap_or_else(|| panic!("{backend} {path}: an ETag"));
            assert!(
                tag.starts_with('"') && tag.ends_with('"') && tag.len() > 2,
                "{backend} {path}: a strong, quoted tag: {tag}"
            );
            assert_eq!(headers["cache-control"], "private, no-cache", "{path}");
            assert_eq!(headers["vary"], "Authorization, Accept-Language", "{path}");

            let (status, again, body, _) = get(&server, path, &admin, Some(&tag)).await;
            assert_eq!(status, 304, "{backend} {path}: the current tag revalidates");
            assert!(body.is_empty(), "{backend} {path}: a 304 has no body");
            assert_eq!(
                again.as_deref(),
                Some(tag.as_str()),
                "{path}: the 304 repeats it"
            );
            for listed in [
                format!("\"stale\", {tag}"),
                format!("W/{tag}"),
                "*".to_string(),
            ] {
                let (status, ..) = get(&server, path, &admin, Some(&listed)).await;
                assert_eq!(status, 304, "{backend} {path}: If-None-Match: {listed}");
            }
            let (status, _, body, _) = get(&server, path, &admin, Some("\"stale\"")).await;
            assert_eq!(
                status, 200,
                "{backend} {path}: another tag gets the document"
            );
            assert!(!body.is_empty());

            // Another caller is gated differently: their tag is their own, and the admin's
            // tag never revalidates their copy.
            let (status, clerk_tag, _, _) = get(&server, path, &clerk, Some(&tag)).await;
            if path.ends_with("/manifests") || path.contains("/modal/") {
                // Manifests and form metadata are the same for every member who may see them.
                assert_eq!(status, 304, "{backend} {path}");
                continue;
            }
            assert_eq!(
                status, 200,
                "{backend} {path}: the clerk's document differs"
            );
            assert_ne!(clerk_tag.as_deref(), Some(tag.as_str()), "{backend} {path}");
        }

        let all = server
            .send("GET", "/api/metadata/all", Some(&admin), None)
            .await;
        let clerk_all = server
            .send("GET", "/api/metadata/all", Some(&clerk), None)
            .await;
        let version = |reply: &super::support::Reply| {
            reply.body["data"]["version"]
                .as_str()
                .expect("a version")
                .to_string()
        };
        let (admin_version, clerk_version) = (version(&all), version(&clerk_all));
        assert_eq!(
            admin_version.len(),
            17,
            "<build-8>.<caller-8>: {admin_version}"
        );
        assert_eq!(
            admin_version[..8],
            clerk_version[..8],
            "{backend}: one build"
        );
        assert_ne!(admin_version, clerk_version, "{backend}: gated differently");

        // Failures stay errors in the envelope, never cached.
        let missing = server
            .send("GET", "/api/metadata/table/nothing", Some(&admin), None)
            .await;
        assert_error(&missing, 404, "model_not_found");
        assert!(missing.headers.get("etag").is_none());
        let anonymous = server.send("GET", "/api/metadata/all", None, None).await;
        assert_error(&anonymous, 401, "unauthorized");
        assert!(anonymous.headers.get("etag").is_none());
    }
}

/// Every operation of the served spec: `(path, method, operation)`.
fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            out.push((path.clone(), method.clone(), operation.clone()));
        }
    }
    out
}

#[tokio::test]
async fn spec_documents_auth_tags_enums_and_the_application() {
    let (_, db) = databases("http_spec").await.remove(0);
    let server = Server::start(db).await;
    let spec = server.send("GET", "/api/openapi.json", None, None).await;
    assert_eq!(spec.status, 200);
    let spec = spec.body;

    assert_eq!(
        spec["components"]["securitySchemes"]["bearerAuth"],
        serde_json::json!({
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
        })
    );
    let operations = operations(&spec);
    let mut ids = std::collections::BTreeSet::new();
    for (path, method, operation) in &operations {
        let id = operation["operationId"].as_str().expect("an operation id");
        assert!(ids.insert(id.to_string()), "operation ids are unique: {id}");
        let security = &operation["security"];
        if path == "/api/health" || path == "/api/ready" {
            assert!(security.is_null(), "{path} is public: {security}");
        } else {
            assert_eq!(
                security,
                &serde_json::json!([{"bearerAuth": []}]),
                "{method} {path} needs a token"
            );
        }
        let tags = operation["tags"].as_array().expect("tags");
        assert_eq!(tags.len(), 1, "{method} {path}: one tag");
    }
    assert_eq!(
        spec["paths"]["/api/health"]["get"]["tags"],
        serde_json::json!(["system"])
    );
    for (path, tag) in [
        ("/api/data/tickets", "tickets"),
        ("/api/data/customers", "showcase"),
        ("/api/metadata/all", "metadata"),
        ("/api/permissions/me", "permissions"),
        ("/api/options/{model}", "options"),
        ("/api/metacore/tools", "tools"),
    ] {
        assert_eq!(
            spec["paths"][path]["get"]["tags"],
            serde_json::json!([tag]),
            "{path}"
        );
    }
    let declared: Vec<&str> = spec["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| {
            assert!(t["description"].is_string(), "every tag is described: {t}");
            t["name"].as_str().expect("a name")
        })
        .collect();
    for tag in ["tickets", "showcase", "assets", "metadata", "system"] {
        assert!(declared.contains(&tag), "{tag} in {declared:?}");
    }

    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["ShowcaseOrderStatus"],
        serde_json::json!({"type": "string", "enum": ["draft", "placed", "shipped"]})
    );
    let reference = serde_json::json!({"$ref": "#/components/schemas/ShowcaseOrderStatus"});
    assert_eq!(
        schemas["ShowcaseOrdersRow"]["properties"]["status"],
        reference
    );
    // A create's `null` is the column's default: `status` has one. The server sets the tenancy
    // column, so it is not offered.
    let create = &schemas["ShowcaseOrdersCreate"]["properties"];
    assert_eq!(
        create["status"],
        serde_json::json!({"allOf": [reference], "nullable": true})
    );
    assert!(create.get("organization_id").is_none(), "{create}");
    // Required text refuses blanks, as the server does.
    let name = &schemas["ShowcaseCustomersCreate"]["properties"]["name"];
    assert_eq!(
        (&name["minLength"], &name["pattern"]),
        (&1.into(), &"\\S".into())
    );
    // An update may leave out any column but may not null a NOT NULL one, and cannot change
    // the id or the tenancy column: neither is offered.
    let update = &schemas["ShowcaseOrdersUpdate"]["properties"];
    assert_eq!(update["status"], reference);
    assert_eq!(update["notes"]["nullable"], true, "{update}");
    assert!(update["quantity"].get("nullable").is_none(), "{update}");
    assert!(update.get("id").is_none() && update.get("organization_id").is_none());
    // A nullable column that is not plain text takes `""` (a form's empty field) as null.
    assert_eq!(
        update["placed_on"],
        serde_json::json!({
            "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}],
            "nullable": true,
        })
    );

    // Path parameters list the values the build knows.
    let path_schema = |path: &str, method: &str, name: &str| {
        spec["paths"][path][method]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path}: {name}"))["schema"]
            .clone()
    };
    let models = path_schema("/api/metadata/table/{model}", "get", "model");
    assert!(models["enum"]
        .as_array()
        .unwrap()
        .contains(&"tickets".into()));
    // Reference properties name the model whose rows they take.
    for body in ["ShowcaseOrdersCreate", "ShowcaseOrdersUpdate"] {
        assert_eq!(
            schemas[body]["properties"]["customer_id"]["x-metacore-ref"], "customers",
            "{body}"
        );
    }
    assert!(schemas["ShowcaseOrdersCreate"]["properties"]["number"]["x-metacore-ref"].is_null());
    assert_eq!(
        schemas["ProjectsProjectsCreate"]["properties"]["code"]["x-metacore-unique"],
        true
    );
    assert!(schemas["ProjectsProjectsCreate"]["properties"]["name"]["x-metacore-unique"].is_null());
    // An action's idempotency key field says so.
    let ping = &spec["paths"]["/api/data/customers/{id}/action/ping"]["post"]["requestBody"]
        ["content"]["application/json"]["schema"]["properties"];
    assert_eq!(
        ping["request_id"]["x-metacore-idempotency-key"], true,
        "{ping}"
    );
    assert!(
        ping["note"]["x-metacore-idempotency-key"].is_null(),
        "{ping}"
    );
    // One operation per action and per tool, each with its own body.
    let paths = spec["paths"].as_object().unwrap();
    assert!(!paths
        .keys()
        .any(|p| p.ends_with("/{key}") && p.contains("/action/")));
    let vet = &spec["paths"]["/api/data/customers/{id}/action/vet"]["post"];
    assert_eq!(vet["operationId"], "customers.action.vet");
    let form = &vet["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(form["required"], serde_json::json!(["reason"]));
    assert_eq!(form["properties"]["reason"]["pattern"], r"\S");
    let stamp = &spec["paths"]["/api/data/fiscal_documents/{id}/action/stamp_fiscal"]["post"]
        ["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(
        stamp["properties"]["payment_method"]["enum"],
        serde_json::json!(["PUE", "PPD"]),
        "a select takes one of its options"
    );
    assert_eq!(
        stamp["properties"]["test_mode"],
        serde_json::json!({"type": "boolean", "nullable": true})
    );
    assert_eq!(
        spec["paths"]["/api/data/customers/action/echo_packed"]["post"]["operationId"],
        "customers.collection_action.echo_packed"
    );
    let links = &spec["paths"]["/api/data/customers"]["post"]["responses"]["201"]["links"];
    assert_eq!(
        links["customers.action.vet"]["parameters"]["id"],
        "$response.body#/data/id"
    );
    let stamp = &spec["paths"]["/api/metacore/tools/fiscal_mexico/stamp_fiscal"]["post"];
    assert_eq!(stamp["operationId"], "tools.fiscal_mexico.stamp_fiscal");
    assert_eq!(
        stamp["requestBody"]["content"]["application/json"]["schema"]["required"],
        serde_json::json!(["invoice_id"])
    );
    assert!(spec["paths"]["/api/metacore/tools/{addon}/{tool}"].is_null());
    let execute = &spec["paths"]["/api/metacore/tools/execute"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["oneOf"];
    assert!(execute
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["properties"]["tool_id"]["enum"] == serde_json::json!(["spin"])));
    let rotate = path_schema(
        "/api/metacore/installations/{key}/rotate-secret",
        "post",
        "key",
    );
    assert!(rotate["enum"]
        .as_array()
        .unwrap()
        .contains(&"showcase".into()));
    assert_eq!(
        path_schema("/api/data/customers/facets", "get", "field")["pattern"],
        "^(id|organization_id|name|email|tier|credit_limit|active|created_at|updated_at)$"
    );
    // Operations that run addon handlers document their failures.
    let action = &spec["paths"]["/api/data/customers/{id}/action/echo"]["post"]["responses"];
    for status in ["501", "502", "503", "504"] {
        assert!(action[status].is_object(), "{status}");
    }
    assert!(spec["paths"]["/api/data/customers"]["post"]["responses"]["502"].is_null());
    // Envelopes say what `data` holds.
    assert_eq!(
        schemas["HealthEnvelope"]["properties"]["data"]["properties"]["status"],
        serde_json::json!({"type": "string"})
    );
    let tier = &schemas["ShowcaseCustomerTier"];
    assert_eq!(
        tier["maxLength"], 10,
        "the option set keeps the length limit"
    );
    let order = &schemas["ShowcaseOrdersRow"]["properties"];
    assert_eq!(
        order["quantity"]["maximum"],
        f64::from(i32::MAX),
        "integer is 32-bit"
    );
    assert_eq!(
        order["total"]["maximum"], 1e14,
        "numeric(18, 4): below 10^14"
    );
    assert_eq!(order["total"]["exclusiveMaximum"], true);
    let ticket = &schemas["TicketsTicketsRow"]["properties"];
    assert_eq!(ticket["id"]["format"], "uuid");
    assert_eq!(ticket["created_at"]["format"], "date-time");

    // The list filters are declared on every operation that takes them.
    for path in [
        "/api/data/tickets",
        "/api/data/tickets/export",
        "/api/data/tickets/aggregate",
        "/api/data/tickets/facets",
    ] {
        let parameters = spec["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        let named = |name: &str| parameters.iter().find(|p| p["name"] == name);
        let status = named("f_status").unwrap_or_else(|| panic!("{path}: f_status"));
        assert_eq!(status["in"], "query");
        assert_eq!(status["required"], false);
        assert_eq!(status["schema"], serde_json::json!({"type": "string"}));
        let text = status["description"].as_str().unwrap();
        assert!(
            text.contains("`in_progress`") && text.contains("TicketsTicketStatus"),
            "{text}"
        );
        assert!(named("f_due_at").is_some(), "{path}");
    }
    let customers: Vec<&str> = spec["paths"]["/api/data/customers"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(customers.contains(&"f_tier"), "{customers:?}");
    assert!(
        !customers.contains(&"f_deleted_at"),
        "not a filter: {customers:?}"
    );
    assert!(spec["paths"]["/api/data/tickets/{id}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| !p["name"].as_str().unwrap().starts_with("f_")));

    let created = &spec["paths"]["/api/data/tickets"]["post"]["responses"]["201"];
    for operation in [
        "tickets.get",
        "tickets.update",
        "tickets.patch",
        "tickets.delete",
    ] {
        assert_eq!(
            created["links"][operation],
            serde_json::json!({
                "operationId": operation,
                "parameters": {"id": "$response.body#/data/id"},
                "description": created["links"][operation]["description"],
            }),
            "the create links to {operation}"
        );
    }
    let revalidated = &spec["paths"]["/api/metadata/all"]["get"]["responses"];
    assert!(revalidated["304"].is_object(), "304 is documented");
    assert!(revalidated["200"]["headers"]["ETag"].is_object());

    assert_ne!(spec["info"]["title"], "metacore-generated");
    assert!(
        spec["info"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("Bearer")),
        "{}",
        spec["info"]
    );
}
