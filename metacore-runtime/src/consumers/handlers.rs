//! In-process event handlers the application registers (`runtime.md` §8).
//!
//! A handler is a Rust function over committed events whose names match a pattern, run as a
//! [`Consumer`] with a cursor of its own (`handler:<name>`): at least once, in sequence order
//! per organisation, on a task of its own — a handler that panics is caught and logged like
//! one that returns an error, retried on its schedule, then skipped, and never affects the
//! requests or the other consumers (the kernel ran handlers inline in the request and did not
//! recover panics).

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use super::Consumer;
use crate::event_log::name_matches;
use crate::events::Event;

/// What a handler runs for one event.
pub type HandlerFn = Arc<dyn Fn(Event) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// An in-process handler.
pub struct Handler {
    name: String,
    pattern: String,
    run: HandlerFn,
    retries: Vec<Duration>,
}

impl Handler {
    /// The handler `name` (its cursor: keep it stable across releases) of the events matching
    /// `pattern` (an exact name, `*` or `prefix.*`), retried after 4 s and 16 s.
    pub fn new(name: &str, pattern: &str, run: HandlerFn) -> Handler {
        Handler {
            name: format!("handler:{name}"),
            pattern: pattern.to_string(),
            run,
            retries: super::subscriptions::RETRIES.to_vec(),
        }
    }

    /// The same handler, retried after `delays` instead.
    pub fn with_retries(mut self, delays: &[Duration]) -> Handler {
        self.retries = delays.to_vec();
        self
    }
}

impl Consumer for Handler {
    fn name(&self) -> &str {
        &self.name
    }

    fn wants(&self, event: &Event) -> bool {
        name_matches(&self.pattern, &event.topic)
    }

    fn topics(&self) -> Option<&[String]> {
        Some(std::slice::from_ref(&self.pattern))
    }

    fn handle<'a>(&'a self, event: &'a Event) -> BoxFuture<'a, Result<(), String>> {
        (self.run)(event.clone())
    }

    fn retries(&self) -> &[Duration] {
        &self.retries
    }
}
