//! Every route kind on a real socket, on SQLite and PostgreSQL.

use serde_json::json;

use super::support::{assert_error, databases, Server, ORG_A};

#[tokio::test]
async fn crud_list_options_and_events_on_every_backend() {
    for (backend, db) in databases("http_crud").await {
        let mut server = Server::start(db).await;
        crud_flow(&mut server).await;
        eprintln!("crud flow passed on {backend}");
    }
}

async fn crud_flow(server: &mut Server) {
    let admin = server.token(Some(ORG_A), "admin", &[]);
    let admin = Some(admin.as_str());

    // Create: 201 with the stored row (defaults filled, tenancy set, exact decimal).
    let created = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"name": "Ada", "email": "ada@example.com", "tier": "gold", "credit_limit": 1234.5})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let ada = created.body["data"].clone();
    assert_eq!(ada["organization_id"], ORG_A.to_string());
    assert_eq!(ada["tier"], "gold");
    assert_eq!(ada["active"], true, "the default applies: {}", created.text);
    assert!(
        created.text.contains("\"credit_limit\":1234.50"),
        "{}",
        created.text
    );
    assert!(ada.get("deleted_at").is_none());
    let ada_id = ada["id"].as_str().expect("an id").to_string();
    let events = server.drain_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].topic, "showcase.Customer.created");
    assert_eq!(events[0].org_id, ORG_A);
    assert_eq!(events[0].payload["id"], ada_id.as_str());

    for (name, tier) in [
        ("Grace", "silver"),
        ("Linus", "bronze"),
        ("Barbara", "gold"),
    ] {
        let reply = server
            .send(
                "POST",
                "/api/data/customers",
                admin,
                Some(&json!({"name": name, "tier": tier})),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }

    // Validation: every field error at once, never a 500.
    let invalid = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"tier": "platinum", "email": "x".repeat(121), "credit_limit": "lots", "active": "perhaps"})),
        )
        .await;
    assert_error(&invalid, 422, "validation_failed");
    let errors = &invalid.body["errors"];
    assert_eq!(errors["name"][0]["code"], "required");
    assert_eq!(errors["tier"][0]["code"], "invalid_option");
    assert_eq!(errors["email"][0]["code"], "max");
    assert_eq!(errors["email"][0]["params"]["kind"], "length");
    assert_eq!(errors["credit_limit"][0]["code"], "numeric");
    assert_eq!(errors["active"][0]["code"], "invalid_type");
    let foreign_org = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"name": "Mallory", "organization_id": super::support::ORG_B.to_string()})),
        )
        .await;
    assert_error(&foreign_org, 422, "validation_failed");
    assert_eq!(
        foreign_org.body["errors"]["organization_id"][0]["code"],
        "immutable"
    );
    let not_json = server
        .send("POST", "/api/data/customers", admin, Some(&json!([1, 2])))
        .await;
    assert_error(&not_json, 400, "invalid_json");
    let duplicate = server
        .send(
            "POST",
            "/api/data/customers",
            admin,
            Some(&json!({"id": ada_id, "name": "Ada again"})),
        )
        .await;
    assert_error(&duplicate, 409, "duplicate");
    assert!(
        server.drain_events().len() == 3,
        "only the three creates published"
    );

    // List: paging meta, filters, sort, search; unknown columns are 400.
    let page = server
        .send(
            "GET",
            "/api/data/customers?per_page=2&page=2&sortBy=name&order=asc",
            admin,
            None,
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let meta = &page.body["meta"];
    assert_eq!(meta["total"], 4);
    assert_eq!(meta["per_page"], 2);
    assert_eq!(meta["page"], 2);
    assert_eq!(meta["current_page"], 2);
    assert_eq!(meta["last_page"], 2);
    assert_eq!(meta["from"], 3);
    assert_eq!(meta["to"], 4);
    let names: Vec<&str> = page.body["data"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["Grace", "Linus"]);
    let gold = server
        .send(
            "GET",
            "/api/data/customers?f_tier=eq:gold&sortBy=name&order=desc",
            admin,
            None,
        )
        .await;
    let names: Vec<&str> = gold.body["data"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["Barbara", "Ada"], "{}", gold.text);
    let several = server
        .send(
            "GET",
            "/api/data/customers?f_tier=in:silver,bronze",
            admin,
            None,
        )
        .await;
    assert_eq!(several.body["meta"]["total"], 2);
    let searched = server
        .send("GET", "/api/data/customers?search=GRA", admin, None)
        .await;
    assert_eq!(searched.body["meta"]["total"], 1, "{}", searched.text);
    assert_eq!(searched.body["data"][0]["name"], "Grace");
    let wildcard = server
        .send("GET", "/api/data/customers?search=%25", admin, None)
        .await;
    assert_eq!(
        wildcard.body["meta"]["total"], 0,
        "LIKE wildcards are escaped"
    );
    let numeric = server
        .send(
            "GET",
            "/api/data/customers?f_credit_limit=gte:1000",
            admin,
            None,
        )
        .await;
    assert_eq!(numeric.body["meta"]["total"], 1, "{}", numeric.text);
    assert_error(
        &server
            .send("GET", "/api/data/customers?f_nope=1", admin, None)
            .await,
        400,
        "invalid_filter",
    );
    assert_error(
        &server
            .send("GET", "/api/data/customers?f_credit_limit=abc", admin, None)
            .await,
        400,
        "invalid_filter",
    );
    assert_error(
        &server
            .send("GET", "/api/data/customers?sortBy=nope", admin, None)
            .await,
        400,
        "invalid_sort",
    );
    // The other patterned parameters: 400 naming the parameter and its pattern, and a value
    // that matches (any case) is served.
    for (path, name) in [
        ("/api/data/customers?order=sideways", "order"),
        ("/api/data/customers/export?format=pdf", "format"),
        ("/api/data/customers/aggregate?fn=median", "fn"),
        ("/api/data/customers/facets?field=nope", "field"),
    ] {
        let refused = server.send("GET", path, admin, None).await;
        assert_error(&refused, 400, "invalid_param");
        let message = refused.body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("`{name}`")) && message.contains("pattern("),
            "{path}: {message}"
        );
    }
    for path in [
        "/api/data/customers?sortBy=name&order=DESC",
        "/api/data/customers/facets?field=name",
        "/api/data/customers/aggregate?fn=Count",
    ] {
        let served = server.send("GET", path, admin, None).await;
        assert_eq!(served.status, 200, "{path}: {}", served.text);
    }
    assert_error(
        &server
            .send("GET", "/api/data/customers?page=0", admin, None)
            .await,
        400,
        "invalid_param",
    );
    assert_error(
        &server
            .send("GET", "/api/data/customers?page=x", admin, None)
            .await,
        400,
        "invalid_param",
    );
    let past_end = server
        .send("GET", "/api/data/customers?page=9", admin, None)
        .await;
    assert_eq!(past_end.body["data"], json!([]));
    assert_eq!(past_end.body["meta"]["from"], 0);

    // Aliases resolve to the same operation.
    for alias in [
        "/api/dynamic/customers",
        "/api/data/Customer",
        "/api/data/customers/me",
    ] {
        let reply = server.send("GET", alias, admin, None).await;
        assert_eq!(reply.status, 200, "{alias}: {}", reply.text);
        assert_eq!(reply.body["meta"]["total"], 4, "{alias}");
    }
    assert_error(
        &server.send("GET", "/api/data/nothing", admin, None).await,
        404,
        "model_not_found",
    );

    // Get, update (merge; no change → no event), delete (soft), then gone everywhere.
    let path = format!("/api/data/customers/{ada_id}");
    let got = server.send("GET", &path, admin, None).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["data"]["name"], "Ada");
    assert!(got.headers.get("etag").is_some());
    assert_error(
        &server
            .send("GET", "/api/data/customers/not-a-uuid", admin, None)
            .await,
        400,
        "invalid_id",
    );
    let updated = server
        .send(
            "PUT",
            &path,
            admin,
            Some(&json!({"name": "Ada Lovelace", "id": ada_id})),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.body["data"]["name"], "Ada Lovelace");
    assert_eq!(
        updated.body["data"]["email"], "ada@example.com",
        "absent keys keep their value"
    );
    let events = server.drain_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].topic, "showcase.Customer.updated");
    assert_eq!(events[0].payload["before"]["name"], "Ada");
    assert_eq!(events[0].payload["after"]["name"], "Ada Lovelace");
    let unchanged = server
        .send(
            "PATCH",
            &path,
            admin,
            Some(&json!({"name": "Ada Lovelace"})),
        )
        .await;
    assert_eq!(unchanged.status, 200);
    assert!(server.drain_events().is_empty(), "no change, no event");
    let moved = server
        .send(
            "PATCH",
            &path,
            admin,
            Some(&json!({"organization_id": super::support::ORG_B.to_string()})),
        )
        .await;
    assert_error(&moved, 422, "validation_failed");
    assert_eq!(
        moved.body["errors"]["organization_id"][0]["code"],
        "immutable"
    );
    let nulled = server
        .send("PATCH", &path, admin, Some(&json!({"name": null})))
        .await;
    assert_eq!(nulled.body["errors"]["name"][0]["code"], "required");

    // An order referencing Ada; a reference to a missing customer is a field error.
    let order = server
        .send(
            "POST",
            "/api/data/orders",
            admin,
            Some(&json!({"customer_id": ada_id, "number": 1001, "total": "99.9900", "placed_on": "2026-11-30", "tags": ["a", "b"]})),
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.text);
    assert_eq!(order.body["data"]["status"], "draft");
    assert_eq!(order.body["data"]["placed_on"], "2026-11-30");
    assert_eq!(order.body["data"]["tags"], json!(["a", "b"]));
    let dangling = server
        .send(
            "POST",
            "/api/data/orders",
            admin,
            Some(&json!({"customer_id": uuid::Uuid::new_v4().to_string(), "number": 1002})),
        )
        .await;
    assert_error(&dangling, 422, "validation_failed");
    assert_eq!(
        dangling.body["errors"]["customer_id"][0]["code"],
        "not_found"
    );
    let tagged = server
        .send("GET", "/api/data/orders?f_tags=has:a", admin, None)
        .await;
    assert_eq!(tagged.body["meta"]["total"], 1, "{}", tagged.text);
    let by_day = server
        .send(
            "GET",
            "/api/data/orders?f_placed_on=2026-11-01_2026-11-30",
            admin,
            None,
        )
        .await;
    assert_eq!(by_day.body["meta"]["total"], 1, "{}", by_day.text);

    server.drain_events();
    let deleted = server.send("DELETE", &path, admin, None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.body, json!({"success": true, "data": null}));
    assert_eq!(server.drain_events()[0].topic, "showcase.Customer.deleted");
    assert_error(
        &server.send("GET", &path, admin, None).await,
        404,
        "record_not_found",
    );
    assert_error(
        &server.send("DELETE", &path, admin, None).await,
        404,
        "record_not_found",
    );
    let remaining = server.send("GET", "/api/data/customers", admin, None).await;
    assert_eq!(
        remaining.body["meta"]["total"], 3,
        "soft-deleted rows leave lists and totals"
    );

    // Options: static list, the model's own rows, a reference's target rows.
    let tiers = server
        .send("GET", "/api/options/customers?field=tier", admin, None)
        .await;
    assert_eq!(tiers.status, 200, "{}", tiers.text);
    assert_eq!(tiers.body["meta"]["type"], "static");
    assert_eq!(tiers.body["data"][0]["value"], "bronze");
    let own = server
        .send("GET", "/api/options/customers?field=id&q=gra", admin, None)
        .await;
    assert_eq!(own.body["meta"]["type"], "dynamic");
    assert_eq!(
        own.body["data"].as_array().map(Vec::len),
        Some(1),
        "{}",
        own.text
    );
    assert_eq!(own.body["data"][0]["label"], "Grace");
    // A model labelled by a number (orders: `number`) is searched on its digits.
    let numbered = server
        .send("GET", "/api/options/orders?field=id&q=100", admin, None)
        .await;
    assert_eq!(numbered.status, 200, "{}", numbered.text);
    let labels: Vec<&str> = numbered.body["data"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["label"].as_str())
        .collect();
    assert!(
        !labels.is_empty() && labels.iter().all(|l| l.contains("100")),
        "{}",
        numbered.text
    );
    let parents = server
        .send("GET", "/api/options/orders?field=customer_id", admin, None)
        .await;
    assert_eq!(
        parents.body["meta"]["count"], 3,
        "soft-deleted Ada is no option: {}",
        parents.text
    );
    assert_error(
        &server
            .send("GET", "/api/options/customers?field=notes", admin, None)
            .await,
        404,
        "field_not_configured",
    );
    assert_error(
        &server
            .send("GET", "/api/options/customers", admin, None)
            .await,
        400,
        "invalid_param",
    );
}
