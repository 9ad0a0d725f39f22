//! `CREWTEL_DEBUG=pretty`: the events for a person in a terminal. Each run
//! is printed as a tree when its outermost span ends (what ran inside it
//! indented under it), each event with its consent and its keys and values
//! as a short table. What is printed is what would be sent, after the same
//! limits.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::Mutex;

use crewtel::Consent;
use crewtel::attribute::{Array, KeyValue, Value};

use crate::spans::{End, Span};

/// The most events held back waiting for the span they ran in to end;
/// past it they are printed as they are.
const MAX_WAITING: usize = 10_000;
/// The most characters of a value shown.
const SHOWN_CHARS: usize = 72;

/// One event, ready to print.
struct Item {
    name: &'static str,
    consent: Option<Consent>,
    error_type: Option<String>,
    attributes: Vec<KeyValue>,
    span_id: u64,
}

struct State {
    out: Box<dyn Write + Send>,
    /// The resource, printed before the first event.
    header: Option<Vec<KeyValue>>,
    /// Events whose parent has not ended yet, by the parent's span id.
    waiting: HashMap<u64, Vec<Item>>,
    count: usize,
}

/// The readable printer, as an end.
pub(crate) struct Pretty {
    state: Mutex<State>,
}

impl core::fmt::Debug for Pretty {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pretty").finish_non_exhaustive()
    }
}

impl Pretty {
    /// Prints to `out`, the resource first.
    pub(crate) fn new(out: Box<dyn Write + Send>, resource: &[KeyValue]) -> Pretty {
        Pretty {
            state: Mutex::new(State {
                out,
                header: Some(resource.to_vec()),
                waiting: HashMap::new(),
                count: 0,
            }),
        }
    }

    fn print(&self, text: &str) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let state = &mut *state;
        // A host's writer that panics stops here; output must not fail the
        // host.
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if let Some(resource) = state.header.take() {
                let _ = write!(state.out, "{}", header(&resource));
            }
            let _ = write!(state.out, "{text}");
        }));
        let _ = written.map_err(std::mem::forget);
    }

    /// Prints whatever still waits for a parent (one that never ended).
    fn flush(&self) {
        let waiting: Vec<Item> = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.count = 0;
            state.waiting.drain().flat_map(|(_, items)| items).collect()
        };
        let mut text = String::new();
        for item in waiting {
            render(&item, &mut HashMap::new(), 0, &mut text);
        }
        if !text.is_empty() {
            self.print(&text);
        }
    }
}

impl End for Pretty {
    fn export(&self, batch: Vec<Span>) {
        for span in batch {
            let item = Item {
                name: span.name,
                consent: span.note.consent,
                error_type: span.error_type.map(|error| error.into_owned()),
                attributes: span.attributes,
                span_id: span.ids.span_id,
            };
            let text = {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                match span.parent {
                    Some(parent) if state.count < MAX_WAITING => {
                        state.waiting.entry(parent).or_default().push(item);
                        state.count += 1;
                        None
                    }
                    _ => {
                        let mut text = String::new();
                        let before = waiting_under(&state.waiting, item.span_id);
                        render(&item, &mut state.waiting, 0, &mut text);
                        state.count -= before;
                        Some(text)
                    }
                }
            };
            if let Some(text) = text {
                self.print(&text);
            }
        }
    }

    fn shutdown(&self) {
        self.flush();
    }
}

/// How many events wait under `span_id`, at any depth.
fn waiting_under(waiting: &HashMap<u64, Vec<Item>>, span_id: u64) -> usize {
    waiting.get(&span_id).map_or(0, |items| {
        items
            .iter()
            .map(|item| 1 + waiting_under(waiting, item.span_id))
            .sum()
    })
}

/// `item` and, indented under it, what ran inside it (taken from
/// `waiting`), in the order they ended.
fn render(item: &Item, waiting: &mut HashMap<u64, Vec<Item>>, depth: usize, out: &mut String) {
    let indent = "    ".repeat(depth);
    let consent = match item.consent {
        Some(Consent::Anonymous) => " · anonymous",
        Some(Consent::ShareCrew) => " · shared by the crew",
        None => "",
    };
    let failed = item
        .error_type
        .as_deref()
        .map(|error| format!(" · failed: {error}"))
        .unwrap_or_default();
    let _ = writeln!(out, "{indent}● {}{consent}{failed}", item.name);
    let width = item
        .attributes
        .iter()
        .map(|kv| kv.key.as_str().chars().count())
        .max()
        .unwrap_or(0);
    for kv in &item.attributes {
        let _ = writeln!(
            out,
            "{indent}    {:width$}  {}",
            kv.key.as_str(),
            shown(&kv.value)
        );
    }
    for child in waiting.remove(&item.span_id).unwrap_or_default() {
        render(&child, waiting, depth + 1, out);
    }
}

/// A value as a person reads it: text as it is, cut to [`SHOWN_CHARS`].
fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(text) if text.is_empty() => "\"\"".to_owned(),
        Value::String(text) => text.to_string(),
        Value::Array(Array::String(items)) => format!("[{}]", items.join(", ")),
        other => other.to_string(),
    };
    let text = text.replace(['\n', '\r'], " ");
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// What every export would carry about this machine, before the first
/// event.
fn header(resource: &[KeyValue]) -> String {
    let mut out = String::from(
        "crewtel: printing each event; nothing leaves the process\n  sent with every export:",
    );
    for kv in resource {
        let _ = write!(out, " {}={}", kv.key.as_str(), shown(&kv.value));
    }
    out.push_str("\n\n");
    out
}
