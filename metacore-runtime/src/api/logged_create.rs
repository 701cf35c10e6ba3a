//! A create on PostgreSQL as one autocommitted statement: the row, the next number of its
//! organisation's event sequence, the `created` event in the log and its announcement on
//! [`event_log::CHANNEL`] (while another process listens: [`coherence`]), all in one
//! `WITH … INSERT` ([`create`]).
//!
//! The general path ([`super::state::ApiState::write`]) takes four round trips for the same
//! work: `BEGIN`, the insert, the event's statement, `COMMIT`. Under load most of a create's
//! cost was those round trips, on both sides: measured with pgbench, 16 clients, on the
//! tickets table, the four statements committed about 4,400 creates per second and the one
//! statement about 7,600. It also holds the organisation's sequence row for one statement
//! rather than across three round trips, so concurrent creates of one organisation wait on
//! each other less.
//!
//! The event's payload (`{"id", "after"}`, the row as stored) is built by the statement,
//! since the stored row holds values only the database knows (defaults);
//! `value::served_json_sql` writes each column as [`decode`](super::value::decode) serves
//! it. The event published on the bus has the payload built from the served row, as on the
//! general path; debug builds (the tests) read the logged payload back and assert that the
//! two are equal, and the tests cover every column type.
//!
//! The row is inserted only where the statement does the whole write; when it inserted
//! nothing, the caller takes the general path, which does the same checks and answers
//! them:
//! * every reference names a visible row of its target (`store::reference_exists`, the
//!   checks the general path makes in its transaction, here in the insert's condition);
//! * the organisation has no webhook a `created` event could be queued for (its deliveries
//!   are queued in the event's transaction by [`crate::webhooks::queue`]).
//!
//! Values `value::served_json_sql` would not write as the row is served
//! (`value::plain_years`) take the general path from the start.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use serde_json::{Map, Value};

use super::error::ApiError;
use super::handlers::row_json;
use super::schema::served_columns;
use super::sql::{postgres_literal, quote, Sql};
use super::store::{self, Cells, Scope};
use super::value::{plain_years, served_json_sql};
use crate::coherence;
use crate::event_log::{self, EVENTS_TABLE, SEQUENCES_TABLE};
use crate::events::Event;
use crate::registry::{AddonDescriptor, ModelDescriptor};
use crate::webhooks::queue;

/// The columns the statement adds to the row's: the event's sequence and its stored payload.
const SEQUENCE: &str = "metacore_event_sequence";
const PAYLOAD: &str = "metacore_event_payload";

/// Most key-value pairs in one `json_build_object` call (PostgreSQL takes at most 100
/// arguments); wider rows are built in parts and concatenated as `jsonb`.
const PAIRS_PER_CALL: usize = 40;

/// True when creates on `db` may take [`create`]: on PostgreSQL.
pub fn applies(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DatabaseBackend::Postgres
}

/// Creates a row of `model` from `body` and logs `created` (its topic, producer, actor and
/// time; the payload is the stored row) in one statement on `db` ([module docs](self)).
/// Returns the row and the event as logged, or `None` when the statement does not apply
/// (nothing was written: take the general path).
pub async fn create(
    db: &DatabaseConnection,
    addon: &AddonDescriptor,
    model: &'static ModelDescriptor,
    scope: Scope,
    body: &Map<String, Value>,
    mut created: Event,
) -> Result<Option<(Cells, Event)>, ApiError> {
    let values = store::create_values(db, addon, model, scope, body, false).await?;
    if !values.iter().all(|(_, parsed)| plain_years(&parsed.value)) {
        return Ok(None);
    }
    let references: Vec<_> = store::references(addon, &values)
        .map(|(_, target, id)| (target, id))
        .collect();
    let mut sql = Sql::new(DatabaseBackend::Postgres);
    let org = sql.bind_reusable(created.org_id);
    let me = sql.bind_reusable(event_log::process_id());
    sql.push("WITH made AS (");
    store::insert_into(&mut sql, model, values, true);
    sql.push(" WHERE ").push(&queue::none_subscribed(&org));
    for (target, id) in references {
        sql.push(" AND ");
        store::reference_exists(&mut sql, target, created.org_id, id);
    }
    sql.push(" RETURNING ").push(&store::select_columns(model));
    let (before, after) = event_log::notice_parts(created.org_id);
    let notice = format!(
        "{} || sequence || {}",
        sql.bind_reusable(before),
        sql.bind_reusable(after)
    );
    sql.push(&format!(
        "), next AS (INSERT INTO {SEQUENCES_TABLE} (organization_id, last) SELECT {org}, 1 FROM made \
         ON CONFLICT (organization_id) DO UPDATE SET last = {SEQUENCES_TABLE}.last + 1 \
         RETURNING last), logged AS (INSERT INTO {EVENTS_TABLE} ({}) SELECT {org}, next.last, ",
        event_log::LOGGED_COLUMNS
    ));
    sql.bind(created.topic.clone())
        .push(", ")
        .bind(created.producer.clone())
        .push(", ")
        .bind(created.actor_id)
        .push(", ")
        .bind(created.occurred_at)
        .push(", ")
        .push(&payload_sql(model))
        .push(" FROM made, next RETURNING sequence, payload), announced AS (SELECT sequence, ")
        .push("payload, ")
        .push(&coherence::announce(event_log::CHANNEL, &notice, &me))
        .push(&format!(
            " AS sent FROM logged) SELECT made.*, announced.sequence AS {SEQUENCE}, \
             announced.payload AS {PAYLOAD} FROM made, announced"
        ));
    let Some(row) = db
        .query_one_raw(sql.statement())
        .await
        .map_err(|e| store::write_error(model, e))?
    else {
        return Ok(None);
    };
    let cells = store::decode_row(model, &row).map_err(ApiError::internal)?;
    created.sequence = Some(row.try_get("", SEQUENCE).map_err(ApiError::internal)?);
    created.payload = json_payload(model, &cells);
    if cfg!(debug_assertions) {
        // The tests' check that the statement logged the payload served.
        let stored: String = row.try_get("", PAYLOAD).map_err(ApiError::internal)?;
        let logged: Value = serde_json::from_str(&stored).map_err(ApiError::internal)?;
        assert_eq!(
            logged, created.payload,
            "the logged payload of a {}",
            model.key
        );
    }
    Ok(Some((cells, created)))
}

/// The `created` payload of a row as served: `{"id", "after"}`.
pub fn json_payload(model: &ModelDescriptor, cells: &Cells) -> Value {
    serde_json::json!({
        "id": store::id_label(model, cells).unwrap_or_default(),
        "after": row_json(cells),
    })
}

/// The SQL of [`json_payload`] for the row `made`, as text: built once per model (by its
/// table, which names one model).
fn payload_sql(model: &'static ModelDescriptor) -> Arc<str> {
    static BUILT: LazyLock<RwLock<HashMap<&'static str, Arc<str>>>> =
        LazyLock::new(Default::default);
    let key = model.physical_table;
    if let Some(sql) = BUILT.read().unwrap_or_else(|e| e.into_inner()).get(key) {
        return sql.clone();
    }
    let sql: Arc<str> = build_payload_sql(model).into();
    BUILT
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, sql.clone());
    sql
}

/// [`payload_sql`], built.
fn build_payload_sql(model: &ModelDescriptor) -> String {
    let pairs: Vec<String> = served_columns(model)
        .map(|c| {
            let expr = format!("made.{}", quote(c.name));
            format!(
                "{}, {}",
                postgres_literal(c.name),
                served_json_sql(c, &expr)
            )
        })
        .collect();
    let after = if pairs.len() <= PAIRS_PER_CALL {
        format!("json_build_object({})", pairs.join(", "))
    } else {
        let parts: Vec<String> = pairs
            .chunks(PAIRS_PER_CALL)
            .map(|chunk| format!("jsonb_build_object({})", chunk.join(", ")))
            .collect();
        format!("({})", parts.join(" || "))
    };
    let id = quote(model.id_column().name);
    format!("json_build_object('id', made.{id}::text, 'after', {after})::text")
}
