//! Testing a host's telemetry: capture what a block of code emits, typed,
//! and hold it to what the host promised.
//!
//! A [`Capture`] is a [`Sink`]: hand it to the code under test as its
//! [`Dispatch`](crate::Dispatch), or build a real reporter onto it with
//! `crewtel_reporter::ReporterBuilder::capture`, which puts
//! each event through the same pipeline as an export (limits, size cap,
//! every-event attributes, counters) and keeps it in memory: nothing leaves
//! the process.
//!
//! ```
//! use crewtel::testing::Capture;
//! use crewtel::{Dispatch, Secret, Telemetry};
//!
//! #[derive(Telemetry)]
//! #[telemetry(event = "Crew Created")]
//! struct Crew {
//!     /// How many agents.
//!     #[telemetry(always)]
//!     agents: u32,
//!     /// What the crew is for.
//!     #[telemetry(share_crew)]
//!     goal: String,
//!     #[telemetry(never)]
//!     api_key: Secret<String>,
//! }
//!
//! let capture = Capture::new();
//! let telemetry = Dispatch::new(capture.sink());
//! let crew = Crew { agents: 2, goal: "find the bug".into(), api_key: Secret::new("sk-1".into()) };
//! telemetry.emit(crew.telemetry_event());
//!
//! let events = capture.events();
//! assert_eq!(events[0].name, "Crew Created");
//! assert_eq!(events[0].get("agents").map(|v| v.as_str().into_owned()), Some("2".into()));
//! capture.assert_key_absent("goal");
//! capture.assert_never_sent("sk-1");
//! capture.check_catalogue(&[Crew::CATALOGUE], &[]).unwrap();
//! ```

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

mod committed;

pub use committed::{assert_catalogue_admits, assert_none_expire_within};

use crate::attribute::{KeyValue, Value};

use crate::attribute::ERROR_TYPE_KEY;
use crate::catalogue::{Catalogue, CatalogueKey};
use crate::consent::Consent;
use crate::event::Telemetry;
use crate::sink::{ActiveSpan, AnyEvent, EndSpan, Sink, SpanIds};

/// One event (or span) as it was sent.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Captured {
    /// The event's name.
    pub name: &'static str,
    /// The consent it was built under (`None` when a reporter sent it and
    /// nothing noted it: a span of the reporter's own).
    pub consent: Option<Consent>,
    /// Its attributes, in the order they are sent.
    pub attributes: Vec<KeyValue>,
    /// The error's type when it failed (a span ended with `fail`).
    pub error_type: Option<String>,
    /// Its place in its trace.
    pub ids: SpanIds,
    /// The span it was sent in, if any.
    pub parent: Option<SpanIds>,
    /// The catalogues of what built it: its own, and for a span the one of
    /// what ended it (`end_with`).
    pub catalogues: Vec<&'static Catalogue>,
}

impl Captured {
    /// An event named `name` at `ids`, with nothing else noted yet: what a
    /// reporter's pipeline builds for [`Capture::push`], setting the rest of
    /// the fields as it knows them. Until then it has no attributes, no
    /// parent, no catalogue, and a `consent` of `None`, which reads as a
    /// span of the reporter's own.
    pub fn new(name: &'static str, ids: SpanIds) -> Captured {
        Captured {
            name,
            consent: None,
            attributes: Vec::new(),
            error_type: None,
            ids,
            parent: None,
            catalogues: Vec::new(),
        }
    }

    /// The value sent under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
    }

    /// The keys sent, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.attributes.iter().map(|kv| kv.key.as_str()).collect()
    }
}

/// Captures what is emitted; cheap to clone (the clones share it).
#[derive(Clone, Default)]
pub struct Capture {
    log: Arc<Mutex<Log>>,
}

#[derive(Default)]
struct Log {
    events: Vec<Captured>,
    next_id: u64,
}

impl core::fmt::Debug for Capture {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Capture")
            .field("events", &self.lock().events.len())
            .finish()
    }
}

impl Capture {
    /// An empty capture.
    pub fn new() -> Capture {
        Capture::default()
    }

    /// The capture as a sink, for [`Dispatch::new`](crate::Dispatch::new).
    pub fn sink(&self) -> Arc<Capture> {
        Arc::new(self.clone())
    }

    fn lock(&self) -> MutexGuard<'_, Log> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Everything captured so far, in the order it was sent.
    pub fn events(&self) -> Vec<Captured> {
        self.lock().events.clone()
    }

    /// The events named `name`.
    pub fn named(&self, name: &str) -> Vec<Captured> {
        self.lock()
            .events
            .iter()
            .filter(|event| event.name == name)
            .cloned()
            .collect()
    }

    /// Forgets what was captured.
    pub fn clear(&self) {
        self.lock().events.clear();
    }

    /// Panics, naming the events, if any event carried `key`.
    #[track_caller]
    pub fn assert_key_absent(&self, key: &str) {
        let carriers: Vec<&str> = self
            .lock()
            .events
            .iter()
            .filter(|event| event.get(key).is_some())
            .map(|event| event.name)
            .collect();
        assert!(carriers.is_empty(), "`{key}` was sent, in {carriers:?}");
    }

    /// Panics, naming the event and key, if `text` appears in any value
    /// sent anywhere (in a string, a list's entry, or inside a JSON-encoded
    /// list or object).
    #[track_caller]
    pub fn assert_never_sent(&self, text: &str) {
        for event in &self.lock().events {
            for kv in &event.attributes {
                assert!(
                    !kv.value.as_str().contains(text),
                    "`{text}` was sent, in `{}` of {}",
                    kv.key,
                    event.name
                );
            }
        }
    }

    /// Holds what was captured to the host's catalogue: every event sent is
    /// one of `catalogues`, every key sent is catalogued (in the event's
    /// catalogues, or in `every_event`, the catalogues of what the reporter
    /// adds to each event), and every catalogued event was sent at least
    /// once. Each difference is one line of the error.
    pub fn check_catalogue(
        &self,
        catalogues: &[&'static Catalogue],
        every_event: &[&'static Catalogue],
    ) -> Result<(), Vec<String>> {
        fn keys(catalogue: &Catalogue) -> Vec<&'static str> {
            catalogue
                .keys()
                .iter()
                .map(|key: &CatalogueKey| key.key)
                .collect()
        }
        let listed =
            |catalogue: &Catalogue| catalogues.iter().any(|c| c.path() == catalogue.path());
        let common: BTreeSet<&str> = every_event.iter().flat_map(|c| keys(c)).collect();
        let mut problems = Vec::new();
        let mut exercised = BTreeSet::new();
        for event in &self.lock().events {
            let mut allowed = common.clone();
            allowed.insert(ERROR_TYPE_KEY);
            for catalogue in &event.catalogues {
                exercised.insert(catalogue.path());
                if !listed(catalogue) {
                    problems.push(format!(
                        "{} ({}) was sent but is not in the catalogue",
                        event.name,
                        catalogue.path()
                    ));
                }
                allowed.extend(keys(catalogue));
            }
            for key in event.keys() {
                if !allowed.contains(key) {
                    let problem = format!("`{key}` of {} is not catalogued", event.name);
                    if !problems.contains(&problem) {
                        problems.push(problem);
                    }
                }
            }
        }
        for catalogue in catalogues {
            if !exercised.contains(catalogue.path()) {
                problems.push(format!(
                    "{} ({}) is catalogued but was never sent",
                    catalogue.event(),
                    catalogue.path()
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn fresh_ids(&self, parent: Option<SpanIds>) -> SpanIds {
        let mut log = self.lock();
        log.next_id += 1;
        let span_id = log.next_id;
        match parent {
            Some(parent) => parent.child(span_id),
            None => SpanIds::new(u128::from(span_id), span_id),
        }
    }

    /// Keeps an event sent some other way than through this capture's
    /// [`Sink`]: what a reporter's pipeline exported, when the reporter was
    /// built onto this capture. Not a way to emit: its ids are the
    /// pipeline's own, not drawn from this capture's (a capture a reporter
    /// is built onto receives every event this way, none through its
    /// `Sink`), and what it holds is kept as it is, unchecked.
    pub fn push(&self, event: Captured) {
        self.lock().events.push(event);
    }
}

impl Sink for Capture {
    fn emit(&self, event: &dyn AnyEvent) {
        self.emit_at(None, event);
    }

    fn start(&self, event: &dyn AnyEvent) -> ActiveSpan {
        self.start_at(None, event)
    }

    fn emit_in(&self, parent: SpanIds, event: &dyn AnyEvent) {
        self.emit_at(Some(parent), event);
    }

    fn start_in(&self, parent: SpanIds, event: &dyn AnyEvent) -> ActiveSpan {
        self.start_at(Some(parent), event)
    }
}

impl Capture {
    fn emit_at(&self, parent: Option<SpanIds>, event: &dyn AnyEvent) {
        if !event.is_allowed() {
            return;
        }
        let captured = self.captured(parent, event);
        self.push(captured);
    }

    fn start_at(&self, parent: Option<SpanIds>, event: &dyn AnyEvent) -> ActiveSpan {
        if !event.is_allowed() {
            return ActiveSpan::none();
        }
        ActiveSpan::new(Open {
            capture: self.clone(),
            event: self.captured(parent, event),
        })
    }

    /// `event` as sent, inside `parent`, with fresh ids.
    fn captured(&self, parent: Option<SpanIds>, event: &dyn AnyEvent) -> Captured {
        Captured {
            name: event.name(),
            consent: Some(event.consent()),
            attributes: event.key_values(),
            error_type: None,
            ids: self.fresh_ids(parent),
            parent,
            catalogues: vec![event.catalogue()],
        }
    }
}

/// A span the capture opened.
struct Open {
    capture: Capture,
    event: Captured,
}

impl EndSpan for Open {
    fn consent(&self) -> Consent {
        self.event.consent.unwrap_or_default()
    }

    fn end(self: Box<Self>, end: Option<&dyn AnyEvent>, error_type: Option<&str>) {
        let Open { capture, mut event } = *self;
        if let Some(end) = end {
            let mut more = end.key_values();
            more.retain(|kv| event.get(kv.key.as_str()).is_none());
            event.attributes.extend(more);
            event.catalogues.push(end.catalogue());
        }
        if let Some(error_type) = error_type {
            event
                .attributes
                .push(KeyValue::new(ERROR_TYPE_KEY, error_type.to_owned()));
            event.error_type = Some(error_type.to_owned());
        }
        capture.push(event);
    }

    fn ids(&self) -> Option<SpanIds> {
        Some(self.event.ids)
    }
}

/// Builds `value`'s event and captures it: a one-line check of what one
/// struct sends.
///
/// ```
/// use crewtel::Telemetry;
///
/// #[derive(Telemetry)]
/// struct Ping {
///     /// How many.
///     #[telemetry(always)]
///     n: u8,
/// }
/// let sent = crewtel::testing::capture_one(&Ping { n: 3 }).unwrap();
/// assert_eq!(sent.keys(), ["n"]);
/// ```
pub fn capture_one<T: Telemetry + ?Sized>(value: &T) -> Option<Captured> {
    let capture = Capture::new();
    capture.emit(&value.telemetry_event());
    capture.events().pop()
}
