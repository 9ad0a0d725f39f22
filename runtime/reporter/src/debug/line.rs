//! One event as a JSON line, for `CREWTEL_DEBUG` and the local record,
//! written straight into one buffer: the same bytes serde_json writes, at
//! the record's pace (BENCHMARKS.md section 16).

use std::io::Write as _;

use crewtel::attribute::{Array, KeyValue, Value};
use serde::ser::{Serialize, Serializer};

use super::escape::string;
use crate::spans::Span;

/// One event as a JSON line, the shape of an event's own JSON
/// (`Event::to_json`) with its place in its trace: `name`, `consent` (as
/// the reporter noted it), `trace_id`, `span_id`,
/// `parent_span_id` (hex, as OTLP/JSON writes them; the parent only for a
/// span inside another), exactly the `attributes` that would be sent, after
/// limits, in the order they are sent, and `"status": "error"` for a failed
/// span.
pub(crate) fn line(span: &Span) -> String {
    // Room for it all at once: text takes at most twice its length while
    // it is escaped, less once written.
    let room = span
        .attributes
        .iter()
        .map(|kv| kv.key.as_str().len() + 2 * text_len(&kv.value) + 24)
        .sum::<usize>();
    let mut out = Vec::with_capacity(room + 192);
    out.extend_from_slice(b"{\"name\":");
    string(&mut out, span.name);
    if let Some(consent) = span.note.consent {
        out.extend_from_slice(b",\"consent\":");
        let _ = serde_json::to_writer(&mut out, &consent);
    }
    let _ = write!(
        out,
        ",\"trace_id\":\"{:032x}\",\"span_id\":\"{:016x}\"",
        span.ids.trace_id, span.ids.span_id
    );
    if let Some(parent) = span.parent {
        let _ = write!(out, ",\"parent_span_id\":\"{parent:016x}\"");
    }
    out.extend_from_slice(b",\"attributes\":");
    attributes(&mut out, &span.attributes);
    if span.error_type.is_some() {
        out.extend_from_slice(b",\"status\":\"error\"");
    }
    out.push(b'}');
    text(out)
}

/// `attributes` as one JSON object, in order.
pub(super) fn attributes(out: &mut Vec<u8>, attributes: &[KeyValue]) {
    out.push(b'{');
    for (i, kv) in attributes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, kv.key.as_str());
        out.push(b':');
        match &kv.value {
            Value::String(v) => string(out, v),
            Value::Array(Array::String(items)) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    string(out, item);
                }
                out.push(b']');
            }
            other => {
                let _ = serde_json::to_writer(&mut *out, &Plain(other));
            }
        }
    }
    out.push(b'}');
}

/// The line as text. Every byte written is either copied from text or
/// ASCII, so it is always UTF-8; were it not, the bytes that are not are
/// replaced rather than the line lost.
pub(super) fn text(out: Vec<u8>) -> String {
    String::from_utf8(out)
        .unwrap_or_else(|not| String::from_utf8_lossy(not.as_bytes()).into_owned())
}

/// The length of a value's text, if it is text.
fn text_len(value: &Value) -> usize {
    match value {
        Value::String(v) => v.len(),
        Value::Array(Array::String(items)) => items.iter().map(|item| item.len() + 3).sum(),
        _ => 0,
    }
}

/// A value that is not text, as serde_json writes it.
struct Plain<'a>(&'a Value);

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Bool(v) => serializer.serialize_bool(*v),
            Value::I64(v) => serializer.serialize_i64(*v),
            Value::F64(v) => serializer.serialize_f64(*v),
            Value::Array(Array::Bool(v)) => v.serialize(serializer),
            Value::Array(Array::I64(v)) => v.serialize(serializer),
            Value::Array(Array::F64(v)) => v.serialize(serializer),
            // Text is written by `attributes`; a kind crewtel adds later,
            // as its text.
            other => serializer.collect_str(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::time::SystemTime;

    use crewtel::Consent;
    use crewtel::sink::SpanIds;

    use super::*;
    use crate::spans::Note;

    fn span(attributes: Vec<KeyValue>) -> Span {
        Span {
            name: "Crew Created",
            ids: SpanIds::new(0x0af7651916cd43dd8448eb211c80319c, 0x00f067aa0ba902b7),
            parent: None,
            start: SystemTime::now(),
            end: SystemTime::now(),
            attributes,
            dropped_attributes: 0,
            error_type: None,
            note: Note::default(),
            wire: None,
        }
    }

    #[test]
    fn a_line_keeps_every_type() {
        let mut event = span(vec![
            KeyValue::new("no", false),
            KeyValue::new("zero", 0_i64),
            KeyValue::new("half", 0.5),
            KeyValue::new("not a number", f64::NAN),
            KeyValue::new("empty", ""),
            KeyValue::new("list", Value::Array(Array::String(vec!["🦙".into()]))),
            KeyValue::new("counts", Value::Array(Array::I64(vec![1, -2]))),
            KeyValue::new("agents", r#"[{"role":"r"}]"#),
        ]);
        event.note.consent = Some(Consent::Anonymous);
        assert_eq!(
            line(&event),
            r#"{"name":"Crew Created","consent":"anonymous","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00f067aa0ba902b7","attributes":{"no":false,"zero":0,"half":0.5,"not a number":null,"empty":"","list":["🦙"],"counts":[1,-2],"agents":"[{\"role\":\"r\"}]"}}"#
        );
        event.note.consent = Some(Consent::ShareCrew);
        event.parent = Some(1);
        event.error_type = Some(Cow::Borrowed("Timeout"));
        let child = line(&event);
        assert!(
            child.contains(r#""consent":"share_crew""#)
                && child.contains(r#""parent_span_id":"0000000000000001""#)
                && child.ends_with(r#","status":"error"}"#),
            "{child}"
        );
    }

    #[test]
    fn a_line_without_consent_or_attributes_is_still_one_object() {
        let line = line(&span(Vec::new()));
        let parsed: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(parsed["attributes"], serde_json::json!({}));
        assert!(parsed.get("consent").is_none(), "{line}");
    }
}
