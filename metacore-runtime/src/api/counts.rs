//! Exact list totals without counting the organisation's rows on every page.
//!
//! Tenant tables have their live rows counted per organisation in
//! [`ROW_COUNTS_TABLE`] by triggers the migrations install (`metacore-gen`'s
//! `codegen::ddl::derived`): every writer keeps the count, whichever process or addon it is.
//!
//! * An unfiltered list reads its total from there: one primary-key lookup, whatever the
//!   number of rows.
//! * A filtered or searched list counts its matches once per *version* of the organisation's
//!   rows — the row-counts `version` grows with every write — and keeps the result in a
//!   [`CountCache`] of the server: the next page, or the same list again, reads the version
//!   and reuses the count while no write happened. The version is read before the count, so a
//!   count can only be newer than its version, never older: a cached total is exact. A page
//!   reads the version and the live rows in its own statement (`store::list`), so a list
//!   whose total is cached is one round trip.
//! * Tables without counting (no organisation), and organisations without a count, are
//!   counted each time.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use metacore_core::storage::ROW_COUNTS_TABLE;
use sea_orm::{ConnectionTrait, DbErr, Value};
use uuid::Uuid;

use super::sql::{quote, Sql};
use crate::registry::ModelDescriptor;

/// Most filtered totals a server keeps (the cache is emptied when full).
const MAX_ENTRIES: usize = 4096;

/// `(table, organisation, condition)` of a filtered count.
pub(crate) type Key = (&'static str, Uuid, String);

/// The cache key of a list of `model` in `org` whose `WHERE` is `filter`.
pub(crate) fn key(model: &'static ModelDescriptor, org: Uuid, filter: &Sql) -> Key {
    (model.physical_table, org, filter.cache_key())
}

/// A filtered total and the organisation's live rows, counted at one row version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counted {
    /// The row-counts `version` the total was counted at (or after).
    pub version: i64,
    /// Rows matching the filter.
    pub matching: u64,
    /// The organisation's live rows at `version`.
    pub live: u64,
}

/// Filtered totals by the row version they were counted at, and where pages of a list start
/// (one per server).
#[derive(Debug, Default)]
pub struct CountCache {
    entries: Mutex<HashMap<Key, Counted>>,
    starts: Mutex<HashMap<Key, PageStarts>>,
}

/// Most lists whose page starts a server remembers (all are forgotten when full).
const MAX_LISTS: usize = 1024;
/// Most page starts remembered per list (they are forgotten when full).
const MAX_STARTS: usize = 64;

/// Rows of one list at known offsets, valid at one row version.
#[derive(Debug)]
struct PageStarts {
    version: i64,
    /// The id (in its served form) of the row at each offset.
    ids: BTreeMap<u64, String>,
}

/// A row of a list at a known offset, seen at a row version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageStart {
    /// The row version the row was at `offset`.
    pub version: i64,
    /// Its 0-based position in the list.
    pub offset: u64,
    /// Its id, as served.
    pub id: String,
}

impl CountCache {
    fn get(&self, key: &Key, version: i64) -> Option<u64> {
        self.latest(key)
            .filter(|counted| counted.version == version)
            .map(|counted| counted.matching)
    }

    /// The last total counted for `key`, whatever its version: usable only once a read of
    /// the row version in the same snapshot as the page shows it unchanged.
    pub(crate) fn latest(&self, key: &Key) -> Option<Counted> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).copied()
    }

    pub(crate) fn put(&self, key: Key, counted: Counted) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, counted);
    }

    /// The remembered row of list `key` nearest before (or at) `offset`.
    pub(crate) fn start_before(&self, key: &Key, offset: u64) -> Option<PageStart> {
        let starts = self.starts.lock().unwrap_or_else(|p| p.into_inner());
        let list = starts.get(key)?;
        let (&at, id) = list.ids.range(..=offset).next_back()?;
        Some(PageStart {
            version: list.version,
            offset: at,
            id: id.clone(),
        })
    }

    /// Remembers the rows of list `key` at `rows` (offset, id) as seen at `version`;
    /// forgets those of other versions.
    pub(crate) fn note_starts(&self, key: Key, version: i64, rows: &[(u64, String)]) {
        let mut starts = self.starts.lock().unwrap_or_else(|p| p.into_inner());
        if starts.len() >= MAX_LISTS && !starts.contains_key(&key) {
            starts.clear();
        }
        let list = starts.entry(key).or_insert_with(|| PageStarts {
            version,
            ids: BTreeMap::new(),
        });
        if list.version != version || list.ids.len() + rows.len() > MAX_STARTS {
            list.version = version;
            list.ids.clear();
        }
        list.ids.extend(rows.iter().cloned());
    }
}

/// The live rows and version of `model`'s rows in `org`, when counted. There is no count
/// before the organisation's first row, and none when the table's counting triggers are
/// missing (a hand-written model's table created before it was counted): both are counted
/// directly, which for an organisation without rows is an empty index range.
async fn counted(
    db: &impl ConnectionTrait,
    model: &ModelDescriptor,
    org: Uuid,
) -> Result<Option<(u64, i64)>, DbErr> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT \"live_rows\", \"version\" FROM ")
        .push(&quote(ROW_COUNTS_TABLE))
        .push(" WHERE \"table_name\" = ")
        .bind(Value::from(model.physical_table))
        .push(" AND \"organization_id\" = ")
        .bind(org);
    let Some(row) = db.query_one_raw(sql.statement()).await? else {
        return Ok(None);
    };
    let live: i64 = row.try_get("", "live_rows")?;
    let version: i64 = row.try_get("", "version")?;
    Ok(Some((live.max(0) as u64, version)))
}

/// `SELECT COUNT(*)` of `model`'s rows matching `filter` (a `WHERE …`).
pub(crate) async fn count_all(
    db: &impl ConnectionTrait,
    model: &ModelDescriptor,
    filter: &Sql,
) -> Result<u64, DbErr> {
    let mut count = Sql::new(db.get_database_backend());
    count
        .push("SELECT COUNT(*) AS n FROM ")
        .ident(model.physical_table)
        .append(filter);
    let n = db
        .query_one_raw(count.statement())
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok(n.max(0) as u64)
}

/// True when the migrations count `model`'s rows per organisation.
pub(crate) fn is_counted(model: &ModelDescriptor) -> bool {
    model.row_counts && model.tenancy_column.is_some()
}

/// A list's total, and the organisation's live rows when they are counted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Totals {
    /// Rows matching the list's condition.
    pub matching: u64,
    /// The organisation's live rows, if known without counting.
    pub live: Option<u64>,
}

/// The total of a list of `model` in `org` whose `WHERE` is `filter`; `filtered` when it
/// narrows the organisation's live rows (filters or search).
pub(crate) async fn total(
    db: &impl ConnectionTrait,
    cache: &CountCache,
    model: &'static ModelDescriptor,
    org: Uuid,
    filter: &Sql,
    filtered: bool,
) -> Result<Totals, DbErr> {
    let counted_directly = |matching| Totals {
        matching,
        live: None,
    };
    if !is_counted(model) {
        return count_all(db, model, filter).await.map(counted_directly);
    }
    let Some((live, version)) = counted(db, model, org).await? else {
        return count_all(db, model, filter).await.map(counted_directly);
    };
    let totals = |matching| Totals {
        matching,
        live: Some(live),
    };
    if !filtered || live == 0 {
        return Ok(totals(live));
    }
    let key = key(model, org, filter);
    if let Some(total) = cache.get(&key, version) {
        return Ok(totals(total));
    }
    let total = count_all(db, model, filter).await?;
    cache.put(
        key,
        Counted {
            version,
            matching: total,
            live,
        },
    );
    Ok(totals(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(version: i64, matching: u64) -> Counted {
        Counted {
            version,
            matching,
            live: 100,
        }
    }

    #[test]
    fn a_cached_total_serves_only_its_version() {
        let cache = CountCache::default();
        let key = ("t", Uuid::nil(), "WHERE x = $1|[1]".to_string());
        cache.put(key.clone(), counted(7, 42));
        assert_eq!(cache.get(&key, 7), Some(42));
        assert_eq!(cache.get(&key, 8), None, "a write since makes it stale");
        let other = ("t", Uuid::nil(), "WHERE x = $1|[2]".to_string());
        assert_eq!(cache.get(&other, 7), None, "values are part of the key");
    }

    #[test]
    fn a_page_starts_from_the_nearest_row_of_its_version() {
        let cache = CountCache::default();
        let key = ("t", Uuid::nil(), String::new());
        assert_eq!(cache.start_before(&key, 10), None);
        cache.note_starts(key.clone(), 3, &[(20, "a".into()), (39, "b".into())]);
        let start = |offset| cache.start_before(&key, offset).map(|s| (s.offset, s.id));
        assert_eq!(start(19), None);
        assert_eq!(start(20), Some((20, "a".into())));
        assert_eq!(start(38), Some((20, "a".into())));
        assert_eq!(start(7980), Some((39, "b".into())));
        assert_eq!(cache.start_before(&key, 20).unwrap().version, 3);
        cache.note_starts(key.clone(), 4, &[(60, "c".into())]);
        assert_eq!(start(59), None, "rows of an older version are forgotten");
        assert_eq!(start(60), Some((60, "c".into())));
    }

    #[test]
    fn a_full_cache_starts_over() {
        let cache = CountCache::default();
        for i in 0..MAX_ENTRIES {
            cache.put(("t", Uuid::nil(), i.to_string()), counted(1, 1));
        }
        cache.put(("t", Uuid::nil(), "new".into()), counted(1, 5));
        let entries = cache.entries.lock().unwrap();
        assert_eq!(entries.len(), 1);
    }
}
