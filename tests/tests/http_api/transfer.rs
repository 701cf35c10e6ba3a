//! Export, import, aggregates and facets (`http-api.md` §5.3–§5.6) over the showcase
//! `customers` and `orders`, through the canonical routes and the React runtime's
//! `/api/dynamic/…` aliases. One test per backend; both set the same row caps
//! (`METACORE_EXPORT_MAX_ROWS=5`, `METACORE_IMPORT_MAX_ROWS=50`), read per request.

use std::io::Write;

use serde_json::{json, Value};

use super::support::{assert_error, Reply, Server, ORG_A, ORG_B};
use metacore_runtime::api::transfer::xlsx;
use metacore_runtime::api::value::Cell;
use metacore_runtime::testing;

#[tokio::test]
async fn transfer_on_sqlite() {
    transfer(testing::sqlite_database("http_transfer").await).await;
}

#[tokio::test]
async fn transfer_on_postgres() {
    match testing::postgres_database("http_transfer").await {
        Some(db) => transfer(db).await,
        None => {
            eprintln!("SKIPPED: the PostgreSQL half of the transfer tests (no server configured)")
        }
    }
}

/// The `meta.total` of a list reply.
fn count(reply: Reply) -> u64 {
    reply.body["meta"]["total"].as_u64().unwrap()
}

/// The records of a CSV reply (header first).
fn records(reply: &Reply) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(reply.text.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// A multipart body with `content` as the part `file` named `name`.
fn multipart(name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "metacore-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(server: &Server, token: &str, path: &str, name: &str, content: &str) -> Reply {
    let (content_type, body) = multipart(name, content.as_bytes());
    server
        .send_raw("POST", path, Some(token), &content_type, body)
        .await
}

async fn transfer(db: sea_orm::DatabaseConnection) {
    std::env::set_var("METACORE_EXPORT_MAX_ROWS", "5");
    std::env::set_var("METACORE_IMPORT_MAX_ROWS", "50");
    let server = Server::start(db).await;
    let a = server.token(Some(ORG_A), "admin", &[]);
    let b = server.token(Some(ORG_B), "admin", &[]);
    let viewer = server.token(Some(ORG_A), "member", &["customers.index"]);
    let customers = [
        ("Ada", "gold", "1500.50"),
        ("=HYPERLINK(\"http://evil\")", "gold", "10.00"),
        ("Grace, \"Amazing\"", "gold", "99.99"),
        ("Linus", "silver", "0.01"),
        ("Barbara", "bronze", "250.00"),
        ("-2+3", "silver", "7.00"),
    ];
    for (name, tier, limit) in customers {
        let body = json!({"name": name, "tier": tier, "credit_limit": limit});
        let reply = server
            .send("POST", "/api/data/customers", Some(&a), Some(&body))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let body = json!({"name": "Secret B", "tier": "gold"});
    let reply = server
        .send("POST", "/api/data/customers", Some(&b), Some(&body))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);

    // Export: the caller's filtered, sorted rows; parsed back, they equal the list's.
    let labels = "%7B%22name%22%3A%22Customer%22%7D";
    let path = format!(
        "/api/dynamic/customers/export?format=csv&columns=name,tier,credit_limit&column_labels={labels}&f_tier=gold&sortBy=name&order=asc"
    );
    let exported = server.send("GET", &path, Some(&a), None).await;
    assert_eq!(exported.status, 200, "{}", exported.text);
    assert_eq!(exported.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        exported.headers["content-disposition"],
        "attachment; filename=\"customers.csv\""
    );
    assert!(exported.text.ends_with("\r\n"), "CRLF line ends");
    let listed = server
        .send(
            "GET",
            "/api/data/customers?f_tier=gold&sortBy=name&order=asc&per_page=50",
            Some(&a),
            None,
        )
        .await;
    let rows = records(&exported);
    assert_eq!(rows[0], ["Customer", "tier", "credit_limit"]);
    let expected: Vec<Vec<String>> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let name = row["name"].as_str().unwrap();
            let name = if name.starts_with(['=', '+', '-', '@']) {
                format!("'{name}")
            } else {
                name.to_string()
            };
            // The exact digits of numeric(12, 2) (the JSON reply parses to a float here).
            let limit = format!("{:.2}", row["credit_limit"].as_f64().unwrap());
            vec![name, row["tier"].as_str().unwrap().into(), limit]
        })
        .collect();
    assert_eq!(rows[1..], expected[..]);
    assert_eq!(rows.len(), 4, "three gold customers of organisation A");
    assert!(
        rows.iter().any(|r| r[0] == "'=HYPERLINK(\"http://evil\")"),
        "{rows:?}"
    );
    assert!(!exported.text.contains("Secret B"));

    let json_export = server
        .send(
            "GET",
            "/api/data/customers/export?format=json&columns=name,active&f_tier=silver&sortBy=name&order=asc",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(json_export.status, 200, "{}", json_export.text);
    // Not `application/json`: the React runtime's export dialog would read it as a status.
    assert_eq!(
        json_export.headers["content-type"],
        "application/vnd.metacore.export+json"
    );
    assert_eq!(
        json_export.body,
        json!([{"name": "-2+3", "active": true}, {"name": "Linus", "active": true}])
    );
    // Six rows is past the cap of five: nothing is sent but the total.
    let too_large = server
        .send("GET", "/api/data/customers/export", Some(&a), None)
        .await;
    assert_error(&too_large, 422, "export_too_large");
    assert_eq!(too_large.body["meta"]["total"], 6);
    for bad in ["columns=nope", "column_labels=%5B1%5D", "format=xml"] {
        let reply = server
            .send(
                "GET",
                &format!("/api/data/customers/export?{bad}"),
                Some(&a),
                None,
            )
            .await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text);
    }
    let denied = server
        .send(
            "GET",
            "/api/data/customers/export?f_tier=gold",
            Some(&viewer),
            None,
        )
        .await;
    assert_error(&denied, 403, "permission_denied");

    // The template holds the import spec's headers.
    let template = server
        .send(
            "GET",
            "/api/dynamic/customers/export/template",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(template.status, 200, "{}", template.text);
    assert_eq!(
        template.headers["content-disposition"],
        "attachment; filename=\"customers-template.csv\""
    );
    assert_eq!(template.text, "Name,Email,Tier,Credit limit,Active\r\n");

    // Validate: every row checked like a create, nothing written.
    let file = "Name,EMAIL,tier,Credit limit,ignored\r\n\
                Edsger,e@x.io,gold,12.5,zzz\r\n\
                ,,,,\r\n\
                Bad tier,b@x.io,platinum,1,\r\n\
                ,nameless@x.io,gold,1,\r\n\
                Twin,e@x.io,silver,1,\r\n\
                Niklaus,n@x.io,bronze,3,\r\n";
    let checked = upload(
        &server,
        &a,
        "/api/dynamic/customers/import/validate",
        "c.csv",
        file,
    )
    .await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    let data = &checked.body["data"];
    assert_eq!(data["total"], 6, "{data}");
    assert_eq!(data["skipped"], 1, "{data}");
    assert_eq!(data["valid"], 2, "{data}");
    assert_eq!(data["rowCount"], 2, "{data}");
    let errors = data["errors"].as_array().unwrap();
    let at = |row: u64| errors.iter().find(|e| e["row"] == row).cloned();
    assert_eq!(at(3).unwrap()["column"], "tier", "{errors:?}");
    assert_eq!(at(4).unwrap()["column"], "name", "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e["row"] == 5 && e["column"] == "email"),
        "a duplicate within the file: {errors:?}"
    );
    assert!(at(1).is_none() && at(6).is_none(), "{errors:?}");
    assert_eq!(data["sample"][0]["name"], "Edsger");
    let before = count(
        server
            .send("GET", "/api/data/customers", Some(&a), None)
            .await,
    );
    assert_eq!(before, 6, "validate wrote nothing");

    // Atomic import with failing rows creates nothing.
    let atomic = upload(
        &server,
        &a,
        "/api/data/customers/import?atomic=true",
        "c.csv",
        file,
    )
    .await;
    assert_error(&atomic, 422, "import_failed");
    assert_eq!(atomic.body["data"]["created"], 0);
    assert_eq!(
        count(
            server
                .send("GET", "/api/data/customers", Some(&a), None)
                .await
        ),
        6
    );

    // Row by row: the good rows are created, the others reported with their input.
    let imported = upload(&server, &a, "/api/data/customers/import", "c.csv", file).await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    let data = &imported.body["data"];
    assert_eq!(imported.body["success"], false);
    assert_eq!(
        (data["created"].as_u64(), data["failed"].as_u64()),
        (Some(2), Some(3)),
        "{data}"
    );
    let failure = data["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["row"] == 3)
        .unwrap();
    assert_eq!(failure["input"]["tier"], "platinum");
    assert_eq!(
        count(
            server
                .send("GET", "/api/data/customers", Some(&a), None)
                .await
        ),
        8
    );
    let other = server
        .send("GET", "/api/data/customers", Some(&b), None)
        .await;
    assert_eq!(
        count(other),
        1,
        "imports land in the caller's organisation only"
    );

    // JSON files and raw bodies.
    let raw = server
        .send_raw(
            "POST",
            "/api/data/customers/import",
            Some(&a),
            "application/json",
            br#"{"data": [{"name": "Json One", "tier": "gold"}]}"#.to_vec(),
        )
        .await;
    assert_eq!(raw.status, 200, "{}", raw.text);
    assert_eq!(raw.body["data"]["created"], 1);

    // Hostile files: a clear error, nothing written.
    let unnamed = upload(
        &server,
        &a,
        "/api/data/customers/import/validate",
        "rows",
        "name\nSniffed\n",
    )
    .await;
    assert_eq!(unnamed.body["data"]["valid"], 1, "{}", unnamed.text);
    let exe = upload(&server, &a, "/api/data/customers/import", "x.exe", "MZ").await;
    assert_error(&exe, 415, "unsupported_file");
    let broken = upload(&server, &a, "/api/data/customers/import", "x.json", "[{").await;
    assert_error(&broken, 422, "invalid_file");
    let mut many = String::from("name\n");
    for i in 0..51 {
        many.push_str(&format!("Row {i}\n"));
    }
    let capped = upload(&server, &a, "/api/data/customers/import", "m.csv", &many).await;
    assert_error(&capped, 422, "too_many_rows");
    let huge = vec![b'a'; 21 * 1024 * 1024];
    let huge = server
        .send_raw(
            "POST",
            "/api/data/customers/import",
            Some(&a),
            "text/csv",
            huge,
        )
        .await;
    assert_eq!(huge.status, 413, "{}", huge.text);
    assert_eq!(
        count(
            server
                .send("GET", "/api/data/customers", Some(&a), None)
                .await
        ),
        9
    );

    // Aggregates over the filtered rows of the caller's organisation.
    let sums = server
        .send(
            "GET",
            "/api/data/customers/me/aggregate?fields=credit_limit&f_tier=gold",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(sums.status, 200, "{}", sums.text);
    // 1500.50 + 10.00 + 99.99 and the imported 12.5.
    let sum = sums.body["data"]["credit_limit"].as_f64().unwrap();
    assert!((sum - 1622.99).abs() < 1e-9, "{}", sums.text);
    let none = server
        .send(
            "GET",
            "/api/data/customers/aggregate?fields=credit_limit&fn=avg&f_tier=gold&search=nobody",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(
        none.body["data"]["credit_limit"],
        Value::Null,
        "{}",
        none.text
    );
    let zero = server
        .send(
            "GET",
            "/api/data/customers/aggregate?fields=credit_limit&search=nobody",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(zero.body["data"]["credit_limit"], 0, "{}", zero.text);
    let not_numeric = server
        .send(
            "GET",
            "/api/data/customers/aggregate?fields=name",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(not_numeric.status, 400, "{}", not_numeric.text);

    // Facets: counts under the other filters, never the field's own.
    let facets = server
        .send(
            "GET",
            "/api/data/customers/facets?field=tier&f_tier=gold",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(facets.status, 200, "{}", facets.text);
    assert_eq!(
        facets.body["data"],
        json!([
            {"value": "gold", "label": "gold", "count": 5},
            {"value": "bronze", "label": "bronze", "count": 2},
            {"value": "silver", "label": "silver", "count": 2},
        ])
    );
    let missing = server
        .send("GET", "/api/data/customers/facets", Some(&a), None)
        .await;
    assert_eq!(missing.status, 400, "{}", missing.text);

    // Facets of a reference are labelled with the referenced rows' display values.
    let ada = server
        .send("GET", "/api/data/customers?search=Ada", Some(&a), None)
        .await;
    let ada_id = ada.body["data"][0]["id"].as_str().unwrap().to_string();
    for number in [1, 2] {
        let body = json!({"customer_id": ada_id, "number": number, "total": "10.00"});
        let reply = server
            .send("POST", "/api/data/orders", Some(&a), Some(&body))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let by_customer = server
        .send(
            "GET",
            "/api/data/orders/facets?field=customer_id&q=ad",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(
        by_customer.body["data"],
        json!([{"value": ada_id, "label": "Ada", "count": 2}]),
        "{}",
        by_customer.text
    );
    let orders = server
        .send(
            "GET",
            "/api/data/orders/aggregate?fields=total,number",
            Some(&a),
            None,
        )
        .await;
    assert_eq!(orders.body["data"]["number"], 3, "{}", orders.text);
    assert_eq!(
        orders.body["data"]["total"].as_f64(),
        Some(20.0),
        "{}",
        orders.text
    );
    let foreign = server
        .send(
            "GET",
            "/api/data/orders/aggregate?fields=total",
            Some(&b),
            None,
        )
        .await;
    assert_eq!(foreign.body["data"]["total"], 0, "{}", foreign.text);

    xlsx_files(&server, &a).await;
}

/// XLSX export and import: the sheet read back equals the list; an uploaded workbook's rows
/// are created with per-row errors; a ZIP bomb is refused and writes nothing.
async fn xlsx_files(server: &Server, a: &str) {
    let exported = server
        .send(
            "GET",
            "/api/dynamic/customers/export?format=xlsx&columns=name,tier,credit_limit&f_tier=gold&sortBy=name&order=asc",
            Some(a),
            None,
        )
        .await;
    assert_eq!(exported.status, 200, "{}", exported.text);
    assert_eq!(exported.headers["content-type"], xlsx::XLSX);
    assert_eq!(
        exported.headers["content-disposition"],
        "attachment; filename=\"customers.xlsx\""
    );
    let (sheet, records) = xlsx::read(&exported.bytes, 100).expect("a workbook");
    let headers: Vec<&str> = sheet.headers.values().map(String::as_str).collect();
    assert_eq!(headers, ["name", "tier", "credit_limit"]);
    let listed = server
        .send(
            "GET",
            "/api/data/customers?f_tier=gold&sortBy=name&order=asc&per_page=50",
            Some(a),
            None,
        )
        .await;
    // Text cells are never formulas: no guard, the value as it is; null is an empty cell.
    let expected: Vec<Vec<(u32, String)>> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let mut cells = vec![
                (0, row["name"].as_str().unwrap().to_string()),
                (1, row["tier"].as_str().unwrap().to_string()),
            ];
            if let Some(limit) = row["credit_limit"].as_f64() {
                cells.push((2, limit.to_string()));
            }
            cells
        })
        .collect();
    let got: Vec<Vec<(u32, String)>> = sheet
        .rows
        .iter()
        .map(|row| row.clone().unwrap().into_iter().collect())
        .collect();
    assert_eq!(records, expected.len());
    assert_eq!(got, expected);
    assert!(got.iter().any(|r| r[0].1 == "=HYPERLINK(\"http://evil\")"));

    let before = count(
        server
            .send("GET", "/api/data/customers", Some(a), None)
            .await,
    );
    let mut workbook = xlsx::Sheet::new(
        ["Name", "Email", "Tier", "Credit limit", "Active"]
            .map(String::from)
            .to_vec(),
    )
    .unwrap();
    let text = |s: &str| Cell::Text(s.to_string());
    for row in [
        vec![
            text("Xavier"),
            text("xa@x.io"),
            text("bronze"),
            Cell::Decimal("1.25".into()),
            text("no"),
        ],
        vec![
            text("Bad tier"),
            text("bt@x.io"),
            text("platinum"),
            Cell::Int(1),
            Cell::Null,
        ],
        vec![Cell::Null, Cell::Null, Cell::Null, Cell::Null, Cell::Null],
        vec![
            text("Yara"),
            text("ya@x.io"),
            text("silver"),
            Cell::Int(3),
            Cell::Bool(false),
        ],
    ] {
        workbook.append(row.iter()).unwrap();
    }
    let bytes = workbook.finish().await.unwrap();
    let checked = server
        .send_raw(
            "POST",
            "/api/data/customers/import/validate",
            Some(a),
            xlsx::XLSX,
            bytes.clone(),
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.text);
    assert_eq!(checked.body["data"]["valid"], 2, "{}", checked.text);
    let (content_type, body) = multipart("new customers.xlsx", &bytes);
    let imported = server
        .send_raw(
            "POST",
            "/api/dynamic/customers/import",
            Some(a),
            &content_type,
            body,
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    let data = &imported.body["data"];
    assert_eq!(
        (&data["created"], &data["skipped"], &data["failed"]),
        (&json!(2), &json!(1), &json!(1)),
        "{}",
        imported.text
    );
    assert_eq!(data["failures"][0]["row"], 2, "{}", imported.text);
    assert_eq!(data["failures"][0]["column"], "tier", "{}", imported.text);
    let xavier = server
        .send("GET", "/api/data/customers?search=Xavier", Some(a), None)
        .await;
    assert_eq!(xavier.body["data"][0]["credit_limit"].as_f64(), Some(1.25));
    // A file's text becomes the typed values a JSON create needs: "no" and FALSE are false.
    assert_eq!(xavier.body["data"][0]["active"], false, "{}", xavier.text);
    let yara = server
        .send("GET", "/api/data/customers?search=Yara", Some(a), None)
        .await;
    assert_eq!(yara.body["data"][0]["active"], false, "{}", yara.text);

    // A ZIP bomb: a few hundred KiB that inflate past the limit. Refused, nothing written.
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    bomb.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default().large_file(true),
    )
    .unwrap();
    let zeros = vec![b'0'; 1024 * 1024];
    for _ in 0..=(xlsx::MAX_EXPANDED_BYTES / (1024 * 1024)) {
        bomb.write_all(&zeros).unwrap();
    }
    let bomb = bomb.finish().unwrap().into_inner();
    let (content_type, body) = multipart("bomb.xlsx", &bomb);
    let refused = server
        .send_raw(
            "POST",
            "/api/data/customers/import",
            Some(a),
            &content_type,
            body,
        )
        .await;
    assert_error(&refused, 413, "payload_too_large");
    let broken = upload(
        server,
        a,
        "/api/data/customers/import",
        "x.xlsx",
        "PK\x03\x04",
    )
    .await;
    assert_error(&broken, 422, "invalid_file");
    assert_eq!(
        count(
            server
                .send("GET", "/api/data/customers", Some(a), None)
                .await
        ),
        before + 2
    );
}
