//! Permission × tenancy: callers of two organisations with different roles hit every route
//! of one model. Every denial is 401/403/404 with the envelope; no response carries another
//! organisation's row.

use serde_json::json;

use super::support::{assert_error, databases, Reply, Server, ORG_A, ORG_B};

/// What a caller may do on `customers`.
struct Caller {
    name: &'static str,
    token: Option<String>,
    org: Option<uuid::Uuid>,
    read: bool,
    write: bool,
}

#[tokio::test]
async fn permission_and_tenancy_matrix_on_every_backend() {
    for (backend, db) in databases("http_matrix").await {
        let server = Server::start(db).await;
        matrix(&server).await;
        eprintln!("matrix passed on {backend}");
    }
}

fn row_of(server_reply: &Reply) -> String {
    server_reply.body["data"]["id"]
        .as_str()
        .expect("a created id")
        .to_string()
}

async fn matrix(server: &Server) {
    let admin_a = server.token(Some(ORG_A), "admin", &[]);
    let admin_b = server.token(Some(ORG_B), "owner", &[]);
    let body = json!({"name": "Row of A", "email": "a@example.com"});
    let a_row = row_of(
        &server
            .send("POST", "/api/data/customers", Some(&admin_a), Some(&body))
            .await,
    );
    let b_body = json!({"name": "Row of B"});
    let b_row = row_of(
        &server
            .send("POST", "/api/data/customers", Some(&admin_b), Some(&b_body))
            .await,
    );

    let callers = [
        Caller {
            name: "anonymous",
            token: None,
            org: None,
            read: false,
            write: false,
        },
        Caller {
            name: "garbage token",
            token: Some("not.a.jwt".into()),
            org: None,
            read: false,
            write: false,
        },
        Caller {
            name: "no organisation",
            token: Some(server.token(None, "admin", &[])),
            org: None,
            read: false,
            write: false,
        },
        Caller {
            name: "guest of A",
            token: Some(server.token(Some(ORG_A), "guest", &[])),
            org: Some(ORG_A),
            read: false,
            write: false,
        },
        Caller {
            name: "clerk of A (manifest role)",
            token: Some(server.token(Some(ORG_A), "Clerk ", &[])),
            org: Some(ORG_A),
            read: true,
            write: false,
        },
        Caller {
            name: "token grant customers.* in B",
            token: Some(server.token(Some(ORG_B), "guest", &["customers.*"])),
            org: Some(ORG_B),
            read: true,
            write: true,
        },
        Caller {
            name: "admin of A",
            token: Some(admin_a.clone()),
            org: Some(ORG_A),
            read: true,
            write: true,
        },
        Caller {
            name: "owner of B",
            token: Some(admin_b.clone()),
            org: Some(ORG_B),
            read: true,
            write: true,
        },
    ];

    for caller in &callers {
        let token = caller.token.as_deref();
        let (own, foreign) = match caller.org {
            Some(org) if org == ORG_A => (Some(a_row.as_str()), Some(b_row.as_str())),
            Some(_) => (Some(b_row.as_str()), Some(a_row.as_str())),
            None => (None, None),
        };
        let denial = |reply: &Reply, what: &str| {
            let status = reply.status;
            assert!(
                [401, 403, 404].contains(&status),
                "{}: {what} denied with {status}: {}",
                caller.name,
                reply.text
            );
            assert_eq!(reply.body["success"], false, "{}: {what}", caller.name);
            assert!(
                reply.body["error"]["code"].is_string(),
                "{}: {what}",
                caller.name
            );
            if caller.token.is_none() || caller.name == "garbage token" {
                assert_error(reply, 401, "unauthorized");
                assert!(reply.headers.get("www-authenticate").is_some());
            } else if caller.org.is_none() {
                assert_error(reply, 403, "no_organization");
            }
        };
        let never_foreign = |reply: &Reply| {
            let foreign_org = match caller.org {
                Some(org) if org == ORG_A => ORG_B,
                _ => ORG_A,
            };
            if caller.org.is_some() {
                assert!(
                    !reply.text.contains(&foreign_org.to_string()),
                    "{} saw the other organisation: {}",
                    caller.name,
                    reply.text
                );
                if let Some(foreign) = foreign {
                    assert!(
                        !reply.text.contains(foreign),
                        "{} saw a foreign row",
                        caller.name
                    );
                }
            }
        };

        let list = server.send("GET", "/api/data/customers", token, None).await;
        never_foreign(&list);
        if caller.read {
            assert_eq!(list.status, 200, "{}: {}", caller.name, list.text);
            let rows = list.body["data"].as_array().expect("rows");
            assert!(rows
                .iter()
                .all(|r| r["organization_id"] == caller.org.expect("org").to_string()));
            assert!(!rows.is_empty(), "{} sees its own rows", caller.name);
        } else {
            denial(&list, "list");
        }
        for path in [
            "/api/metadata/table/customers",
            "/api/metadata/modal/customers",
        ] {
            let reply = server.send("GET", path, token, None).await;
            if caller.read {
                assert_eq!(reply.status, 200, "{}: {path}", caller.name);
            } else if caller.token.is_none() || caller.name == "garbage token" {
                denial(&reply, path);
            } else if caller.org.is_some() {
                assert_error(&reply, 403, "permission_denied");
                assert_eq!(reply.body["error"]["capability"], "customers.index");
            }
        }

        // The other organisation's row does not exist for this caller.
        if let Some(foreign) = foreign {
            let path = format!("/api/data/customers/{foreign}");
            for (method, body) in [
                ("GET", None),
                ("PUT", Some(json!({"name": "taken over"}))),
                ("PATCH", Some(json!({"name": "taken over"}))),
                ("DELETE", None),
            ] {
                let reply = server.send(method, &path, token, body.as_ref()).await;
                never_foreign(&reply);
                let allowed = if method == "GET" {
                    caller.read
                } else {
                    caller.write
                };
                if allowed {
                    assert_error(&reply, 404, "record_not_found");
                } else {
                    denial(&reply, method);
                }
            }
        }

        // Its own row: read, write, per capability.
        if let Some(own) = own {
            let path = format!("/api/data/customers/{own}");
            let got = server.send("GET", &path, token, None).await;
            never_foreign(&got);
            if caller.read {
                assert_eq!(got.status, 200, "{}", caller.name);
            } else {
                denial(&got, "get");
            }
            let patch = json!({"notes_unknown_key": 1, "email": format!("{}@example.com", caller.org.expect("org").simple())});
            let patched = server.send("PATCH", &path, token, Some(&patch)).await;
            never_foreign(&patched);
            if caller.write {
                assert_eq!(patched.status, 200, "{}: {}", caller.name, patched.text);
            } else {
                denial(&patched, "patch");
                if caller.read {
                    assert_error(&patched, 403, "permission_denied");
                    assert_eq!(patched.body["error"]["capability"], "customers.update");
                }
            }
        }
        let created = server
            .send(
                "POST",
                "/api/data/customers",
                token,
                Some(&json!({"name": caller.name})),
            )
            .await;
        never_foreign(&created);
        if caller.write {
            assert_eq!(created.status, 201, "{}: {}", caller.name, created.text);
            assert_eq!(
                created.body["data"]["organization_id"],
                caller.org.expect("org").to_string()
            );
            let path = format!("/api/data/customers/{}", row_of(&created));
            assert_eq!(server.send("DELETE", &path, token, None).await.status, 200);
        } else {
            denial(&created, "create");
        }
        let options = server
            .send("GET", "/api/options/customers?field=id", token, None)
            .await;
        never_foreign(&options);
        if caller.org.is_some() {
            assert_eq!(
                options.status, 200,
                "options need membership only: {}",
                options.text
            );
        } else {
            denial(&options, "options");
        }
    }

    // Both rows survived everything above untouched by the other organisation.
    let a = server
        .send(
            "GET",
            &format!("/api/data/customers/{a_row}"),
            Some(&admin_a),
            None,
        )
        .await;
    assert_eq!(a.body["data"]["name"], "Row of A");
    let b = server
        .send(
            "GET",
            &format!("/api/data/customers/{b_row}"),
            Some(&admin_b),
            None,
        )
        .await;
    assert_eq!(b.body["data"]["name"], "Row of B");
}
