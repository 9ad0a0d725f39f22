//! What a change of code changes in what is sent: the catalogue a host
//! committed (its JSON, [`json`](super::json)) against the one its code
//! generates now, key by key. A widening (a key added, a tier widened, a key
//! newly free text, a type changed, an expiry pushed back) is what a host's
//! CI refuses until the committed catalogue admits it.

use std::fmt;

use super::read::{CatalogueError, Document, Event, Key, subject};
use crate::catalogue::ValueKind;
use crate::consent::Tier;

/// The changes from one catalogue (JSON) to another.
///
/// ```
/// use crewtel::{document, Telemetry};
///
/// #[derive(Telemetry)]
/// struct Tool {
///     /// The tool's name.
///     #[telemetry(always, free_text)]
///     name: String,
/// }
///
/// #[derive(Telemetry)]
/// #[telemetry(event = "Tool")]
/// struct ToolNow {
///     /// The tool's name.
///     #[telemetry(always, free_text)]
///     name: String,
///     /// What it was asked.
///     #[telemetry(share_crew)]
///     input: String,
/// }
///
/// let committed = document::json(&[Tool::CATALOGUE], None);
/// let now = document::json(&[ToolNow::CATALOGUE], None);
/// let diff = document::Diff::between(&committed, &now).unwrap();
/// assert!(diff.widens());
/// assert_eq!(diff.to_string(), "widens: `Tool`: `input` is new, sent under share_crew\n");
/// assert!(document::Diff::between(&now, &committed).unwrap().narrows_only());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diff {
    /// Every change, in the order of the current catalogue.
    pub changes: Vec<Change>,
}

/// One change of what is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// An event that was not sent before.
    EventAdded {
        /// The event's name.
        event: String,
    },
    /// An event no longer sent.
    EventRemoved {
        /// The event's name.
        event: String,
    },
    /// A key not sent before (a nested one as `crew_agents[].goal`).
    KeyAdded {
        /// The event's name.
        event: String,
        /// The key's path.
        key: String,
        /// Its tier.
        tier: Tier,
    },
    /// A key no longer sent.
    KeyRemoved {
        /// The event's name.
        event: String,
        /// The key's path.
        key: String,
    },
    /// A key (or, with an empty key, the event itself) sent under another
    /// tier.
    TierChanged {
        /// The event's name.
        event: String,
        /// The key's path; empty for the event itself.
        key: String,
        /// The committed tier.
        from: Tier,
        /// The tier now.
        to: Tier,
    },
    /// A key sent as free text now, or no longer.
    FreeTextChanged {
        /// The event's name.
        event: String,
        /// The key's path.
        key: String,
        /// Whether it is free text now.
        now: bool,
    },
    /// A key whose value arrives as something else.
    KindChanged {
        /// The event's name.
        event: String,
        /// The key's path.
        key: String,
        /// The committed kind.
        from: ValueKind,
        /// The kind now.
        to: ValueKind,
    },
    /// A key whose expiry moved (`None`: it does not expire).
    ExpiryChanged {
        /// The event's name.
        event: String,
        /// The key's path; empty for the event itself.
        key: String,
        /// The committed expiry.
        from: Option<String>,
        /// The expiry now.
        to: Option<String>,
    },
    /// A resource key not sent before.
    ResourceKeyAdded {
        /// The key.
        key: String,
    },
    /// A resource key no longer sent.
    ResourceKeyRemoved {
        /// The key.
        key: String,
    },
}

impl Change {
    /// Whether the change widens what is sent: more keys, a wider tier, free
    /// text, another type, a later (or no) expiry.
    pub fn widens(&self) -> bool {
        match self {
            Change::EventAdded { .. }
            | Change::KeyAdded { .. }
            | Change::KindChanged { .. }
            | Change::ResourceKeyAdded { .. } => true,
            Change::EventRemoved { .. }
            | Change::KeyRemoved { .. }
            | Change::ResourceKeyRemoved { .. } => false,
            Change::TierChanged { to, .. } => *to == Tier::Always,
            Change::FreeTextChanged { now, .. } => *now,
            // ISO dates order as text.
            Change::ExpiryChanged { from, to, .. } => match (from, to) {
                (Some(from), Some(to)) => to > from,
                (Some(_), None) => true,
                (None, _) => false,
            },
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expiry = |date: &Option<String>| date.clone().unwrap_or_else(|| "never".to_owned());
        match self {
            Change::EventAdded { event } => write!(f, "`{event}` is a new event"),
            Change::EventRemoved { event } => write!(f, "`{event}` is no longer sent"),
            Change::KeyAdded { event, key, tier } => {
                write!(f, "`{event}`: `{key}` is new, sent under {}", tier.as_str())
            }
            Change::KeyRemoved { event, key } => {
                write!(f, "`{event}`: `{key}` is no longer sent")
            }
            Change::TierChanged {
                event,
                key,
                from,
                to,
            } => {
                let what = subject(key);
                write!(
                    f,
                    "`{event}`: {what} is sent under {} (was {})",
                    to.as_str(),
                    from.as_str()
                )
            }
            Change::FreeTextChanged { event, key, now } => match now {
                true => write!(f, "`{event}`: `{key}` is now free text, sent anonymously"),
                false => write!(f, "`{event}`: `{key}` is no longer free text"),
            },
            Change::KindChanged {
                event,
                key,
                from,
                to,
            } => write!(f, "`{event}`: `{key}` arrives as {to}, not {from}"),
            Change::ExpiryChanged {
                event,
                key,
                from,
                to,
            } => {
                let what = subject(key);
                match (from, to) {
                    (Some(from), None) => {
                        write!(f, "`{event}`: {what} no longer expires (was {from})")
                    }
                    (None, Some(to)) => write!(f, "`{event}`: {what} expires {to}"),
                    (from, to) => write!(
                        f,
                        "`{event}`: {what} expires {} (was {})",
                        expiry(to),
                        expiry(from)
                    ),
                }
            }
            Change::ResourceKeyAdded { key } => write!(f, "resource key `{key}` is new"),
            Change::ResourceKeyRemoved { key } => {
                write!(f, "resource key `{key}` is no longer sent")
            }
        }
    }
}

impl Diff {
    /// The changes from `committed` to `current`, both as
    /// [`json`](super::json) writes them.
    pub fn between(committed: &str, current: &str) -> Result<Diff, CatalogueError> {
        let committed = Document::read(committed)?;
        let current = Document::read(current)?;
        let mut changes = Vec::new();
        let before = committed.events();
        let now = current.events();
        for event in &now {
            match before.iter().find(|old| old.event == event.event) {
                None => changes.push(Change::EventAdded {
                    event: event.event.clone(),
                }),
                Some(old) => event.compare(old, &mut changes),
            }
        }
        for old in &before {
            if !now.iter().any(|event| event.event == old.event) {
                changes.push(Change::EventRemoved {
                    event: old.event.clone(),
                });
            }
        }
        for key in &current.resource {
            if !committed.resource.iter().any(|old| old.key == key.key) {
                changes.push(Change::ResourceKeyAdded {
                    key: key.key.clone(),
                });
            }
        }
        for old in &committed.resource {
            if !current.resource.iter().any(|key| key.key == old.key) {
                changes.push(Change::ResourceKeyRemoved {
                    key: old.key.clone(),
                });
            }
        }
        Ok(Diff { changes })
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether any change widens what is sent.
    pub fn widens(&self) -> bool {
        self.changes.iter().any(Change::widens)
    }

    /// Whether something changed, and each change narrows what is sent.
    pub fn narrows_only(&self) -> bool {
        !self.is_empty() && !self.widens()
    }

    /// The changes that widen what is sent.
    pub fn widenings(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| change.widens())
    }
}

/// One change a line, each marked `widens:` or `narrows:`.
impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            let how = if change.widens() { "widens" } else { "narrows" };
            writeln!(f, "{how}: {change}")?;
        }
        Ok(())
    }
}

impl Event {
    fn compare(&self, old: &Event, changes: &mut Vec<Change>) {
        if let (Some(from), Some(to)) = (old.tier, self.tier)
            && from != to
        {
            changes.push(Change::TierChanged {
                event: self.event.clone(),
                key: String::new(),
                from,
                to,
            });
        }
        if self.expires != old.expires {
            changes.push(Change::ExpiryChanged {
                event: self.event.clone(),
                key: String::new(),
                from: old.expires.clone(),
                to: self.expires.clone(),
            });
        }
        let expires = Expiries {
            old: old.expires.as_deref(),
            now: self.expires.as_deref(),
        };
        compare_keys(&self.event, "", &self.keys, &old.keys, expires, changes);
    }
}

/// An event's own expiry, before and now: a key whose expiry is its
/// event's is not reported again.
#[derive(Clone, Copy)]
struct Expiries<'a> {
    old: Option<&'a str>,
    now: Option<&'a str>,
}

/// The changes from `old` keys to `now`, nested ones under `prefix`.
fn compare_keys(
    event: &str,
    prefix: &str,
    now: &[Key],
    old: &[Key],
    event_expires: Expiries,
    changes: &mut Vec<Change>,
) {
    let named = |key: &Key| {
        let variants = match key.variants.as_slice() {
            [] => String::new(),
            variants => format!(" (with {})", variants.join(" and ")),
        };
        (event.to_owned(), format!("{prefix}{}{variants}", key.key))
    };
    let same = |a: &Key, b: &Key| a.key == b.key && a.variants == b.variants;
    for key in now {
        let (event, path) = named(key);
        let Some(was) = old.iter().find(|was| same(was, key)) else {
            changes.push(Change::KeyAdded {
                event,
                key: path.clone(),
                tier: key.tier,
            });
            // Its nested keys are new with it.
            continue;
        };
        if key.tier != was.tier {
            changes.push(Change::TierChanged {
                event: event.clone(),
                key: path.clone(),
                from: was.tier,
                to: key.tier,
            });
        }
        if key.free_text != was.free_text {
            changes.push(Change::FreeTextChanged {
                event: event.clone(),
                key: path.clone(),
                now: key.free_text,
            });
        }
        if let (Some(from), Some(to)) = (was.kind, key.kind)
            && from != to
        {
            changes.push(Change::KindChanged {
                event: event.clone(),
                key: path.clone(),
                from,
                to,
            });
        }
        let only_the_event_s = key.expires.as_deref() == event_expires.now
            && was.expires.as_deref() == event_expires.old;
        if key.expires != was.expires && !only_the_event_s {
            changes.push(Change::ExpiryChanged {
                event: event.clone(),
                key: path.clone(),
                from: was.expires.clone(),
                to: key.expires.clone(),
            });
        }
        let marker = match key.kind {
            Some(_) => key.marker(),
            None => was.marker(),
        };
        // Nested keys are named by the path of their parent's key.
        let parent = format!("{prefix}{}", key.key);
        compare_keys(
            &event,
            &format!("{parent}{marker}"),
            &key.nested,
            &was.nested,
            event_expires,
            changes,
        );
    }
    for was in old {
        if !now.iter().any(|key| same(key, was)) {
            let (event, key) = named(was);
            changes.push(Change::KeyRemoved { event, key });
        }
    }
}
