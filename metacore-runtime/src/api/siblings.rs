//! Reference siblings (`http-api.md` §1.7): beside each reference column a served row carries
//! the referenced row's label, so a table cell or a picker shows a name instead of a UUID.
//!
//! * `customer_id` → `customer: {"value": "<uuid>", "label": "<display>"}`, or `null` when
//!   the value is null or the target row is not visible to the caller;
//! * a reference column not ending in `_id` → `<column>_label: "<display>"` (or `null`);
//! * no sibling when its name would collide with a declared column.
//!
//! Labels are read with one query per reference column per response, whatever the number of
//! rows (`WHERE id IN (…)`), scoped like every read: the caller's organisation, live rows
//! only. A referenced row of another organisation is therefore never labelled.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use uuid::Uuid;

use super::error::ApiError;
use super::sql::{quote, Sql};
use super::store::{scoped, Cells};
use super::value::{decode, Cell};
use crate::registry::{AddonDescriptor, ColumnDescriptor, ColumnRole, ModelDescriptor};

/// The siblings of one row, in the model's column order.
pub type Siblings = Vec<(&'static str, Value)>;

/// How a sibling is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `{"value": "<uuid>", "label": "<display>"}` (reference columns named `*_id`).
    Pair,
    /// `"<display>"` (other reference columns).
    Label,
}

/// One reference column's sibling.
#[derive(Debug, Clone)]
pub struct Sibling {
    /// The reference column.
    pub column: &'static ColumnDescriptor,
    /// The sibling's key in the row.
    pub key: &'static str,
    /// How its value is written.
    pub form: Form,
}

/// The siblings rows of `model` carry: one per reference column whose sibling name is free.
pub fn of(model: &ModelDescriptor) -> Vec<Sibling> {
    model
        .columns
        .iter()
        .filter(|c| c.reference.is_some() && c.role != ColumnRole::DeletedAt)
        .filter_map(|column| {
            let (key, form) = match column.name.strip_suffix("_id") {
                Some(stem) if !stem.is_empty() => (stem, Form::Pair),
                _ => (interned(format!("{}_label", column.name)), Form::Label),
            };
            let taken = model.columns.iter().any(|c| c.name == key);
            (!taken).then_some(Sibling { column, key, form })
        })
        .collect()
}

/// The siblings of each of `rows` (rows of `model`, read in organisation `org`); empty
/// lists when the model has no reference column.
pub async fn resolve(
    db: &impl ConnectionTrait,
    addon: &AddonDescriptor,
    model: &ModelDescriptor,
    org: Uuid,
    rows: &[Cells],
) -> Result<Vec<Siblings>, ApiError> {
    let mut resolved: Vec<Siblings> = vec![Vec::new(); rows.len()];
    for sibling in of(model) {
        let target = sibling
            .column
            .reference
            .and_then(|route| addon.model(route));
        let ids: Vec<Option<Uuid>> = rows
            .iter()
            .map(|row| reference_of(row, sibling.column.name))
            .collect();
        let labels = match target {
            Some(target) => labels(db, target, org, &ids).await?,
            None => HashMap::new(),
        };
        for (row, id) in resolved.iter_mut().zip(&ids) {
            let value = match id.and_then(|id| labels.get(&id).map(|label| (id, label))) {
                None => Value::Null,
                Some((id, label)) => match sibling.form {
                    Form::Pair => json!({"value": id.to_string(), "label": label}),
                    Form::Label => Value::String(label.clone()),
                },
            };
            row.push((sibling.key, value));
        }
    }
    Ok(resolved)
}

/// `key` as a `&'static str`, stored once per process whatever the number of rows, responses
/// and schema builds that name it (a row's keys and schema property names are static).
fn interned(key: String) -> &'static str {
    static KEYS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut keys = KEYS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match keys.get(key.as_str()) {
        Some(known) => known,
        None => {
            let leaked: &'static str = Box::leak(key.into_boxed_str());
            keys.insert(leaked);
            leaked
        }
    }
}

/// The UUID in column `name` of `row`, when it holds one.
fn reference_of(row: &Cells, name: &str) -> Option<Uuid> {
    row.iter()
        .find(|(k, _)| *k == name)
        .and_then(|(_, cell)| match cell {
            Cell::Text(text) => Uuid::parse_str(text).ok(),
            _ => None,
        })
}

/// The display labels of the visible rows of `target` among `ids`, by id: one statement.
pub(crate) async fn labels(
    db: &impl ConnectionTrait,
    target: &ModelDescriptor,
    org: Uuid,
    ids: &[Option<Uuid>],
) -> Result<HashMap<Uuid, String>, ApiError> {
    let mut wanted: Vec<Uuid> = ids.iter().flatten().copied().collect();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let id_column = target.id_column();
    let display = target.column(target.display_column).unwrap_or(id_column);
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT ")
        .ident(id_column.name)
        .push(", ")
        .ident(display.name)
        .push(" AS ")
        .push(&quote(LABEL))
        .push(" FROM ")
        .ident(target.physical_table);
    scoped(&mut sql, target, org);
    sql.push(" AND ").ident(id_column.name).push(" IN (");
    for (i, id) in wanted.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(id);
    }
    sql.push(")");
    let rows = db
        .query_all_raw(sql.statement())
        .await
        .map_err(ApiError::internal)?;
    let label_column = ColumnDescriptor {
        name: LABEL,
        ..*display
    };
    let mut found = HashMap::with_capacity(rows.len());
    for row in &rows {
        let id = row
            .try_get::<Uuid>("", id_column.name)
            .map_err(ApiError::internal)?;
        let label = decode(row, &label_column).map_err(ApiError::internal)?;
        found.insert(id, label.label());
    }
    Ok(found)
}

/// The alias the label is selected under (the display column may be the id column itself).
const LABEL: &str = "metacore_label";
