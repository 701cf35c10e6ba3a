//! The schema lock: what every previous build generated, per addon.
//!
//! `metacore.lock.json` sits in the generated crate. For each addon it lists the migrations
//! recorded so far — name, the manifest version that produced it, and its [`Step`]s. The
//! current schema of an addon is the fold of its steps ([`AddonLock::schema`]); a build diffs
//! it against the manifest and appends one migration when they differ. Recorded migrations
//! are never changed, so the code emitted for them stays the same from build to build.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::evolution::Step;
use super::schema::{AddonSchema, TableSchema};

/// The lock file's name inside the generated crate.
pub const LOCK_FILE: &str = "metacore.lock.json";

/// The format this version reads and writes.
pub const LOCK_FORMAT: u32 = 1;

/// The whole lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// Format version ([`LOCK_FORMAT`]).
    pub format: u32,
    /// Per addon key (sorted).
    pub addons: BTreeMap<String, AddonLock>,
}

impl Default for Lock {
    fn default() -> Self {
        Lock {
            format: LOCK_FORMAT,
            addons: BTreeMap::new(),
        }
    }
}

/// One addon's recorded migrations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonLock {
    /// In the order they were recorded (and are applied).
    pub migrations: Vec<RecordedMigration>,
}

/// One recorded migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedMigration {
    /// Module and ledger name (`m0002_tickets_v1_1_0`).
    pub name: String,
    /// The manifest version it was generated from.
    pub version: String,
    /// What it changes.
    pub steps: Vec<Step>,
}

impl Lock {
    /// Parses a lock file's text.
    pub fn parse(text: &str) -> Result<Lock, String> {
        let lock: Lock = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if lock.format != LOCK_FORMAT {
            return Err(format!(
                "lock format {} is not supported (this metacore-gen writes format {LOCK_FORMAT})",
                lock.format
            ));
        }
        Ok(lock)
    }

    /// The lock as the text written to disk: pretty JSON with sorted keys and a final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the lock serialises");
        text.push('\n');
        text
    }
}

impl AddonLock {
    /// The schema after every recorded migration.
    pub fn schema(&self) -> AddonSchema {
        let mut schema = AddonSchema::default();
        for step in self.migrations.iter().flat_map(|m| &m.steps) {
            apply(&mut schema, step);
        }
        schema
    }

    /// Records a migration for `version` with `steps`, named after its position.
    pub fn record(&mut self, addon_key: &str, version: &str, steps: Vec<Step>) {
        let name = format!(
            "m{:04}_{}_v{}",
            self.migrations.len() + 1,
            addon_key.replace('-', "_"),
            version
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        );
        self.migrations.push(RecordedMigration {
            name,
            version: version.to_string(),
            steps,
        });
    }
}

fn table<'s>(schema: &'s mut AddonSchema, name: &str) -> Option<&'s mut TableSchema> {
    schema.tables.get_mut(name)
}

/// Applies one step to a schema (steps naming a missing table or column change nothing).
pub fn apply(schema: &mut AddonSchema, step: &Step) {
    match step {
        Step::CreateTable {
            table: name,
            schema: t,
        } => {
            let mut created = t.clone();
            created.indices.clear();
            created.search.clear();
            created.search_document = false;
            created.search_scan = None;
            created.row_count = None;
            schema.tables.insert(name.clone(), created);
        }
        Step::DropTable { table: name, .. } => {
            schema.tables.remove(name);
        }
        Step::AddColumn {
            table: name,
            column,
        } => {
            if let Some(t) = table(schema, name) {
                t.columns.push(column.clone());
            }
        }
        Step::DropColumn {
            table: name,
            column,
        } => {
            if let Some(t) = table(schema, name) {
                t.columns.retain(|c| &c.name != column);
            }
        }
        Step::AlterColumn {
            table: name, to, ..
        } => {
            if let Some(c) =
                table(schema, name).and_then(|t| t.columns.iter_mut().find(|c| c.name == to.name))
            {
                *c = to.clone();
            }
        }
        Step::CreateIndex {
            table: name,
            name: index_name,
            index,
        } => {
            if let Some(t) = table(schema, name) {
                t.indices.insert(index_name.clone(), index.clone());
            }
        }
        Step::DropIndex {
            table: name,
            name: index_name,
            ..
        } => {
            if let Some(t) = table(schema, name) {
                t.indices.remove(index_name);
            }
        }
        Step::AddForeignKey {
            table: name,
            name: fk,
            foreign_key,
        } => {
            if let Some(t) = table(schema, name) {
                t.foreign_keys.insert(fk.clone(), foreign_key.clone());
            }
        }
        Step::DropForeignKey {
            table: name,
            name: fk,
        } => {
            if let Some(t) = table(schema, name) {
                t.foreign_keys.remove(fk);
            }
        }
        Step::CreateSearch {
            table: name,
            columns,
            document,
        } => {
            if let Some(t) = table(schema, name) {
                t.search = columns.clone();
                t.search_document = *document;
            }
        }
        Step::DropSearch { table: name, .. } => {
            if let Some(t) = table(schema, name) {
                t.search.clear();
                t.search_document = false;
            }
        }
        Step::DocumentSearch { table: name, .. } => {
            if let Some(t) = table(schema, name) {
                t.search_document = true;
            }
        }
        Step::CreateSearchScan {
            table: name, index, ..
        } => {
            if let Some(t) = table(schema, name) {
                t.search_scan = Some(index.clone());
            }
        }
        Step::DropSearchScan { table: name, .. } => {
            if let Some(t) = table(schema, name) {
                t.search_scan = None;
            }
        }
        Step::CountRows {
            table: name, count, ..
        } => {
            if let Some(t) = table(schema, name) {
                t.row_count = Some(count.clone());
            }
        }
        Step::StopCounting { table: name } => {
            if let Some(t) = table(schema, name) {
                t.row_count = None;
            }
        }
    }
}
