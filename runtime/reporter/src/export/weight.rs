//! What spans weigh on the wire, estimated from their attributes (arrays
//! by their content): the cap on one event, checked on the host's thread,
//! and the split of a batch into requests of a size every collector takes.

use crewtel::attribute::{Array, KeyValue, Value};

use crate::spans::Span;

/// The largest event sent, in bytes on the wire as JSON (the larger form):
/// a larger one is dropped before it is queued, and counted.
pub(super) const MAX_EVENT_BYTES: usize = 1 << 20;

/// The most one export request carries, in the same estimate (or, for
/// spans written as they ended, their exact protobuf length): a batch is
/// split into requests below it, so that a collector's request limit (4 MiB
/// is common) never refuses small events for the company of large ones.
pub(super) const MAX_REQUEST_BYTES: usize = 2 * MAX_EVENT_BYTES;

/// How a request's spans are written, for their weight.
#[derive(Clone, Copy, Debug)]
pub(super) enum Form {
    /// Protobuf: text as it is.
    Binary,
    /// JSON: text escaped.
    Json,
}

/// What an event's attributes weigh on the wire, at most: every key, every
/// value, every entry of an array (a number as its longest JSON form), and
/// each byte of text JSON would escape as six.
fn wire_bytes(attributes: &[KeyValue]) -> usize {
    weight(attributes, |s| s.len() + 5 * escapes(s.as_bytes()) + 4)
}

/// How many bytes of `text` JSON escapes (control characters, `"`, `\`),
/// counted 255 at a time in bytes, which the compiler turns into wide
/// vector compares (a count in `usize` gets four bytes a step).
fn escapes(text: &[u8]) -> usize {
    text.chunks(255)
        .map(|chunk| {
            let escaped = chunk.iter().fold(0_u8, |count, &b| {
                count + u8::from(b < 0x20 || b == b'"' || b == b'\\')
            });
            usize::from(escaped)
        })
        .sum()
}

/// Whether an event weighs more than [`MAX_EVENT_BYTES`]: first by a bound
/// that reads no text (every byte as if escaped), under which nearly every
/// event is by far, then, near the cap only, by [`wire_bytes`].
pub(super) fn too_large(attributes: &[KeyValue]) -> bool {
    weight(attributes, |s| 6 * s.len() + 4) > MAX_EVENT_BYTES
        && wire_bytes(attributes) > MAX_EVENT_BYTES
}

/// The weight of `attributes`, `text` giving the weight of one text.
fn weight(attributes: &[KeyValue], text: impl Fn(&str) -> usize) -> usize {
    const NUMBER: usize = 24;
    attributes
        .iter()
        .map(|kv| {
            let value = match &kv.value {
                Value::String(s) => text(s),
                Value::Array(Array::String(items)) => items.iter().map(|s| text(s)).sum(),
                Value::Array(Array::I64(items)) => items.len() * NUMBER,
                Value::Array(Array::F64(items)) => items.len() * NUMBER,
                Value::Array(Array::Bool(items)) => items.len() * 6,
                _ => NUMBER,
            };
            text(kv.key.as_str()) + value + 16
        })
        .sum()
}

/// `batch` in requests of at most [`MAX_REQUEST_BYTES`] each (one span at
/// least), in order, written in `form`.
pub(super) fn requests(batch: Vec<Span>, form: Form) -> Vec<Vec<Span>> {
    // One span is one request, unweighed.
    if batch.len() < 2 {
        return vec![batch];
    }
    let mut requests = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0;
    for span in batch {
        let weight = match (form, &span.wire) {
            // Written as it ended: its attributes are not walked here.
            (Form::Binary, Some(written)) => written.len(),
            (Form::Binary, None) => {
                weight(&span.attributes, |s| s.len() + 4) + span.name.len() + 64
            }
            (Form::Json, _) => wire_bytes(&span.attributes) + span.name.len() + 64,
        };
        if !current.is_empty() && bytes + weight > MAX_REQUEST_BYTES {
            requests.push(std::mem::take(&mut current));
            bytes = 0;
        }
        bytes += weight;
        current.push(span);
    }
    if !current.is_empty() {
        requests.push(current);
    }
    requests
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick bound never says "too large" of what is not, and the cap
    /// is the escaped weight's: text that escapes to more than the cap is
    /// too large, the same length of plain text is not.
    #[test]
    fn the_size_cap_is_the_escaped_weight_s() {
        let plain = "a".repeat(MAX_EVENT_BYTES / 2);
        let quoted = "\"".repeat(MAX_EVENT_BYTES / 2);
        assert!(!too_large(&[KeyValue::new("text", plain)]));
        assert!(too_large(&[KeyValue::new("text", quoted)]));
        assert!(!too_large(&[KeyValue::new("small", "\"".repeat(100))]));
    }

    #[test]
    fn escapes_are_counted_across_chunks() {
        let text = format!(
            "{}\n{}\\{}",
            "\"".repeat(600),
            "a".repeat(300),
            "\u{1}".repeat(254)
        );
        let slow = text
            .bytes()
            .filter(|b| *b < 0x20 || *b == b'"' || *b == b'\\')
            .count();
        assert_eq!(escapes(text.as_bytes()), slow);
        assert_eq!(slow, 600 + 1 + 1 + 254);
    }
}
