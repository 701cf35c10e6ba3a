//! The hand-written `contacts` model (`#[metacore::model]`) served by the demo application
//! on a real socket, on SQLite and PostgreSQL, with the app's own migrations: CRUD, its Rust
//! rule (a cross-field check and a computed column), permissions × tenancy, events, the
//! typed data API, and its operations in the served OpenAPI document.

use std::net::SocketAddr;

mod support;

use metacore::api::{ApiState, Caller, Claims, JwtKey};
use metacore::{cli, testing, EventBus};
use metacore_demo::crm::contact::Contacts;
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};
use uuid::Uuid;

const ORG_A: Uuid = Uuid::from_u128(0xa);
const ORG_B: Uuid = Uuid::from_u128(0xb);

struct Served {
    base: String,
    key: JwtKey,
    state: ApiState,
    events: tokio::sync::broadcast::Receiver<std::sync::Arc<metacore::Event>>,
}

async fn serve(db: DatabaseConnection) -> Served {
    let app = metacore_demo::app();
    cli::prepare(&db, app.migrate, &app.registry)
        .await
        .expect("the demo app's migrations run");
    let key = JwtKey::new("demo-test");
    let bus = EventBus::default();
    let events = bus.subscribe();
    let state = ApiState::new(db, app.registry, key.clone(), bus, None).expect("state");
    let endpoint = cli::endpoint(&app, state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address: SocketAddr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        let _ = cli::serve_on(listener, endpoint).await;
    });
    Served {
        base: format!("http://{address}"),
        key,
        state,
        events,
    }
}

impl Served {
    fn token(&self, org: Uuid, role: &str) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("a clock")
            .as_secs() as i64;
        self.key.sign(&Claims {
            sub: Uuid::new_v4(),
            org: Some(org),
            role: Some(role.into()),
            email: None,
            grants: Vec::new(),
            exp: now + 3600,
            iat: Some(now),
            nbf: None,
        })
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        support::request(method, format!("{}{path}", self.base), token, body).await
    }
}

async fn contacts(served: &mut Served) {
    let admin_a = served.token(ORG_A, "admin");
    let admin_b = served.token(ORG_B, "admin");
    let guest_a = served.token(ORG_A, "guest");

    // Create: the rule computes `handle`; tenancy from the token.
    let (status, created) = served
        .send(
            "POST",
            "/api/data/contacts",
            &admin_a,
            Some(json!({"name": "Ada Lovelace", "email": "ada@example.com", "website": "https://www.example.com/about"})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["data"]["handle"], "ada-lovelace@example.com");
    assert_eq!(created["data"]["organization_id"], ORG_A.to_string());
    let id = created["data"]["id"].as_str().expect("an id").to_string();
    let event = served.events.try_recv().expect("a created event");
    assert_eq!(event.topic, "crm.Contact.created");
    assert_eq!(event.org_id, ORG_A);

    // The rule refuses a cross-field mismatch as a 422 field error; nothing is written.
    let (status, refused) = served
        .send(
            "POST",
            "/api/data/contacts",
            &admin_a,
            Some(
                json!({"name": "Eve", "email": "eve@evil.test", "website": "https://example.com"}),
            ),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        refused["errors"]["email"][0]["code"], "domain_mismatch",
        "{refused}"
    );
    // Declarative validation still applies first (varchar(120)).
    let (status, _) = served
        .send(
            "POST",
            "/api/data/contacts",
            &admin_a,
            Some(json!({"name": "x".repeat(121)})),
        )
        .await;
    assert_eq!(status, 422);

    // Update recomputes the handle.
    let path = format!("/api/data/contacts/{id}");
    let (status, updated) = served
        .send("PATCH", &path, &admin_a, Some(json!({"name": "Ada King"})))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["data"]["handle"], "ada-king@example.com");

    // Permissions × tenancy: another organisation sees nothing, a guest may do nothing.
    for (method, route) in [
        ("GET", path.as_str()),
        ("PATCH", path.as_str()),
        ("DELETE", path.as_str()),
    ] {
        let body = (method == "PATCH").then(|| json!({"name": "Mallory"}));
        let (status, _) = served.send(method, route, &admin_b, body).await;
        assert_eq!(status, 404, "{method} {route} from another organisation");
    }
    let (status, listed) = served
        .send("GET", "/api/data/contacts", &admin_b, None)
        .await;
    assert_eq!((status, listed["data"].clone()), (200, json!([])));
    for (method, route, body) in [
        ("GET", "/api/data/contacts", None),
        ("GET", path.as_str(), None),
        ("POST", "/api/data/contacts", Some(json!({"name": "G"}))),
        ("PATCH", path.as_str(), Some(json!({"name": "G"}))),
        ("DELETE", path.as_str(), None),
    ] {
        let (status, _) = served.send(method, route, &guest_a, body).await;
        assert_eq!(status, 403, "{method} {route} as a guest");
    }

    // The typed data API sees the same row and runs the same rule.
    let caller = Caller {
        user: Uuid::new_v4(),
        org: Some(ORG_A),
        role: "admin".into(),
        grants: Vec::new(),
    };
    let data = served.state.data(&caller).await.expect("org A");
    let row = data
        .get::<Contacts>(id.parse().expect("a uuid"))
        .await
        .expect("a typed get")
        .expect("the contact");
    assert_eq!(row.name, "Ada King");
    assert_eq!(row.handle.as_deref(), Some("ada-king@example.com"));

    // Metadata and the spec know the model.
    let (status, metadata) = served
        .send("GET", "/api/metadata/table/contacts", &admin_a, None)
        .await;
    assert_eq!(status, 200, "{metadata}");
    let (status, spec) = served
        .send("GET", "/api/openapi.json", &admin_a, None)
        .await;
    assert_eq!(status, 200);
    assert!(
        spec["paths"]["/api/data/contacts"]["post"].is_object(),
        "the spec has the model"
    );
    assert!(
        spec["paths"]["/api/data/customers"]["get"].is_object(),
        "and the generated ones"
    );

    // Delete (soft): gone for everyone.
    let (status, _) = served.send("DELETE", &path, &admin_a, None).await;
    assert_eq!(status, 200);
    let (status, _) = served.send("GET", &path, &admin_a, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_hand_written_model_is_served_on_sqlite() {
    let db = testing::sqlite_database("demo_contacts").await;
    contacts(&mut serve(db).await).await;
}

#[tokio::test]
async fn the_hand_written_model_is_served_on_postgres() {
    // Without a configured server this says so on stderr (and fails under CI=true).
    let Some(db) = testing::postgres_database("demo_contacts").await else {
        return;
    };
    contacts(&mut serve(db).await).await;
}
