//! A catalogue's JSON read back, as [`json`](super::json) writes it: what
//! the diff and the expiry report compare. Anything else in it is ignored,
//! and what an older crewtel did not write is optional, so that a catalogue
//! committed by an older crewtel still reads.

use std::fmt;

use serde::Deserialize;

use crate::catalogue::ValueKind;
use crate::consent::Tier;

/// A catalogue (JSON) that is not crewtel's.
#[derive(Debug)]
pub struct CatalogueError(serde_json::Error);

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a crewtel catalogue (its JSON): {}", self.0)
    }
}

impl std::error::Error for CatalogueError {}

#[derive(Deserialize)]
pub(super) struct Document {
    #[serde(default)]
    every_event: Option<Event>,
    #[serde(default)]
    events: Vec<Event>,
    #[serde(default)]
    pub(super) resource: Vec<ResourceKey>,
}

impl Document {
    pub(super) fn read(json: &str) -> Result<Document, CatalogueError> {
        serde_json::from_str(json).map_err(CatalogueError)
    }

    /// The events, the keys of every event as one named `Every event`.
    pub(super) fn events(&self) -> Vec<Event> {
        let mut events: Vec<Event> = self.every_event.iter().cloned().collect();
        if let Some(every) = events.first_mut() {
            every.event = "Every event".to_owned();
        }
        events.extend(self.events.iter().cloned());
        events
    }
}

#[derive(Clone, Deserialize)]
pub(super) struct Event {
    pub(super) event: String,
    #[serde(default)]
    pub(super) tier: Option<Tier>,
    #[serde(default)]
    pub(super) expires: Option<String>,
    #[serde(default)]
    pub(super) keys: Vec<Key>,
}

#[derive(Clone, Deserialize)]
pub(super) struct Key {
    pub(super) key: String,
    pub(super) tier: Tier,
    /// The variants it is sent with: a key of one variant is told apart
    /// from one of the same name in another.
    #[serde(default)]
    pub(super) variants: Vec<String>,
    #[serde(default)]
    pub(super) kind: Option<ValueKind>,
    #[serde(default)]
    pub(super) free_text: bool,
    #[serde(default)]
    pub(super) expires: Option<String>,
    #[serde(default)]
    pub(super) nested: Vec<Key>,
}

impl Key {
    /// What follows the key in the path of a key nested in its value.
    pub(super) fn marker(&self) -> &'static str {
        match self.kind {
            Some(ValueKind::JsonList) => "[].",
            Some(ValueKind::JsonMap) => "{}.",
            _ => ".",
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ResourceKey {
    pub(super) key: String,
}

/// How a change names a key: `` `crew_id` ``, or `the event` for none.
pub(super) fn subject(key: &str) -> String {
    match key.is_empty() {
        true => "the event".to_owned(),
        false => format!("`{key}`"),
    }
}
