//! The tags grouping operations in the OpenAPI document: one per addon (generated code
//! declares its addon's [`Tag`], named by the addon key) and a few for the operations every
//! build serves ([`CommonApi`](super::common::CommonApi)).
//!
//! A tag is a value rather than a `#[derive(Tags)]` enum so that generated code can name it
//! with the addon's key and describe it with the manifest's own words.

use poem_openapi::registry::{MetaTag, Registry};

/// A group of operations and what it is.
#[derive(Debug, Clone, Copy)]
pub struct Tag {
    /// The tag's name (an addon key, or one of the common names below).
    pub name: &'static str,
    /// What its operations are about.
    pub description: &'static str,
}

impl poem_openapi::Tags for Tag {
    fn register(&self, registry: &mut Registry) {
        registry.create_tag(MetaTag {
            name: self.name,
            description: Some(self.description),
            external_docs: None,
        });
    }

    fn name(&self) -> &'static str {
        self.name
    }
}

/// Health of the server.
pub const SYSTEM: Tag = Tag {
    name: "system",
    description: "The server itself: health (public).",
};

/// Per-caller documents the React runtime renders from.
pub const METADATA: Tag = Tag {
    name: "metadata",
    description: "Table and form metadata, navigation and addon manifests, gated for the \
                  caller and revalidated with `ETag` / `If-None-Match`.",
};

/// The caller's capabilities.
pub const PERMISSIONS: Tag = Tag {
    name: "permissions",
    description: "The caller's identity and expanded capability set.",
};

/// Option lists of fields.
pub const OPTIONS: Tag = Tag {
    name: "options",
    description: "Options of a field: static lists and rows of referenced models.",
};

/// Addon tools.
pub const TOOLS: Tag = Tag {
    name: "tools",
    description: "The addons' tools: listing and running them.",
};

/// Addon installations per organisation.
pub const INSTALLATIONS: Tag = Tag {
    name: "installations",
    description: "The caller's organisation's addon installations and their install secrets.",
};

/// The caller's notifications.
pub const NOTIFICATIONS: Tag = Tag {
    name: "notifications",
    description: "The caller's own notifications, made by the addons' notification rules.",
};

/// The organisation's event log.
pub const EVENTS: Tag = Tag {
    name: "events",
    description: "The caller's organisation's durable event log, by cursor.",
};

/// The organisation's outbound webhooks.
pub const WEBHOOKS: Tag = Tag {
    name: "webhooks",
    description: "The caller's organisation's outbound webhooks: signed, durable deliveries of \
                  its events, their log, tests and replays.",
};
