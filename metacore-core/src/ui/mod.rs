//! The UI metadata the server gates per caller: navigation contributions and their merge and
//! filter ([`navigation`]), and the per-caller view of a table's metadata ([`gate`]). The
//! compiler builds these values from its IR; the runtime only merges, filters and serves
//! them.

pub mod gate;
pub mod navigation;

use serde_json::{Map, Value as Json};

/// A JSON object under construction. Absent values (`None`) are skipped, so no key is ever
/// served as `null` by accident.
#[derive(Debug, Default)]
pub struct Object(Map<String, Json>);

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }

    /// Sets `key` to `value`.
    pub fn with(mut self, key: &str, value: impl Into<Json>) -> Object {
        self.0.insert(key.to_string(), value.into());
        self
    }

    /// Sets `key` to `value` when there is one.
    pub fn with_opt<T: Into<Json>>(self, key: &str, value: Option<T>) -> Object {
        match value {
            Some(value) => self.with(key, value),
            None => self,
        }
    }

    /// Sets `key` to the list when it is not empty.
    pub fn with_list(self, key: &str, items: Vec<Json>) -> Object {
        self.with_opt(key, (!items.is_empty()).then_some(items))
    }

    /// The object as JSON.
    pub fn build(self) -> Json {
        Json::Object(self.0)
    }
}
