//! `CREWTEL_DEBUG`: each event printed as one JSON line (for tools), or
//! with `CREWTEL_DEBUG=pretty` readably (for a person: `pretty`), nothing
//! sent. The printer is an end of the one pipeline (`export`), so what it
//! prints is what would be sent, after the same limits.

mod pretty;

pub(crate) use pretty::Pretty;

use std::io::Write;
use std::sync::Mutex;

use crewtel::Consent;
use crewtel::attribute::{Array, KeyValue, Value};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::spans::{End, Span};

/// Where debug lines go: stderr unless the host says otherwise.
pub(crate) struct DebugSink {
    /// The output, and the header line not yet written before the first event.
    out: Mutex<(Box<dyn Write + Send>, Option<String>)>,
}

impl DebugSink {
    /// Prints to `out`; `header` (the resource) goes before the first event.
    pub(crate) fn new(out: Box<dyn Write + Send>, header: String) -> Self {
        DebugSink {
            out: Mutex::new((out, Some(header))),
        }
    }

    /// Writes `line` and a newline. A write error is ignored: debug output
    /// must not fail the host, nor a host's writer that panics (it stops
    /// here; the lines after it are still written).
    pub(crate) fn write(&self, line: &str) {
        let mut guard = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (out, header) = &mut *guard;
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if let Some(header) = header.take() {
                let _ = writeln!(out, "{header}");
            }
            let _ = writeln!(out, "{line}");
        }));
        let _ = written.map_err(std::mem::forget);
    }
}

/// The debug printer as an end: each span, as it ends, one line.
#[derive(Debug)]
pub(crate) struct Exporter {
    out: DebugSink,
}

impl Exporter {
    pub(crate) fn new(out: DebugSink) -> Self {
        Exporter { out }
    }
}

impl core::fmt::Debug for DebugSink {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DebugSink")
    }
}

impl End for Exporter {
    fn export(&self, batch: Vec<Span>) {
        for span in batch {
            self.out.write(&line(&span));
        }
    }
}

/// `{"resource": {...}}`: the environment data every export carries.
pub(crate) fn resource_line(resource: &[KeyValue]) -> String {
    #[derive(serde::Serialize)]
    struct Resource<'a> {
        resource: Attributes<'a>,
    }
    serde_json::to_string(&Resource {
        resource: Attributes(resource),
    })
    .unwrap_or_default()
}

/// One event as a JSON line, the shape of an event's own JSON
/// (`Event::to_json`) with its place in its trace: `name`, `consent` (as
/// the reporter noted it), `trace_id`, `span_id`,
/// `parent_span_id` (hex, as OTLP/JSON writes them; the parent only for a
/// span inside another), exactly the `attributes` that would be sent, after
/// limits, in the order they are sent, and `"status": "error"` for a failed
/// span.
pub(crate) fn line(span: &Span) -> String {
    serde_json::to_string(&Line {
        name: span.name,
        consent: span.note.consent,
        trace_id: span.ids.trace_id,
        span_id: span.ids.span_id,
        parent: span.parent,
        attributes: &span.attributes,
        failed: span.error_type.is_some(),
    })
    .unwrap_or_default()
}

struct Line<'a> {
    name: &'a str,
    consent: Option<Consent>,
    trace_id: u128,
    span_id: u64,
    parent: Option<u64>,
    attributes: &'a [KeyValue],
    failed: bool,
}

impl Serialize for Line<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut line = serializer.serialize_struct("Event", 7)?;
        line.serialize_field("name", self.name)?;
        if let Some(consent) = self.consent {
            line.serialize_field("consent", &consent)?;
        }
        line.serialize_field("trace_id", &format_args!("{:032x}", self.trace_id))?;
        line.serialize_field("span_id", &format_args!("{:016x}", self.span_id))?;
        if let Some(parent) = self.parent {
            line.serialize_field("parent_span_id", &format_args!("{parent:016x}"))?;
        }
        line.serialize_field("attributes", &Attributes(self.attributes))?;
        if self.failed {
            line.serialize_field("status", "error")?;
        }
        line.end()
    }
}

struct Attributes<'a>(&'a [KeyValue]);

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|kv| (kv.key.as_str(), Json(&kv.value))))
    }
}

struct Json<'a>(&'a Value);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Bool(v) => serializer.serialize_bool(*v),
            Value::I64(v) => serializer.serialize_i64(*v),
            Value::F64(v) => serializer.serialize_f64(*v),
            Value::String(v) => serializer.serialize_str(v),
            Value::Array(Array::Bool(v)) => v.serialize(serializer),
            Value::Array(Array::I64(v)) => v.serialize(serializer),
            Value::Array(Array::F64(v)) => v.serialize(serializer),
            Value::Array(Array::String(v)) => v.serialize(serializer),
            other => serializer.collect_str(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_keeps_every_type() {
        let attributes = vec![
            KeyValue::new("no", false),
            KeyValue::new("zero", 0_i64),
            KeyValue::new("half", 0.5),
            KeyValue::new("empty", ""),
            KeyValue::new("list", Value::Array(Array::String(vec!["🦙".into()]))),
            KeyValue::new("agents", r#"[{"role":"r"}]"#),
        ];
        let line = |consent, parent, failed| {
            serde_json::to_string(&Line {
                name: "Crew Created",
                consent,
                trace_id: 0x0af7651916cd43dd8448eb211c80319c_u128,
                span_id: 0x00f067aa0ba902b7_u64,
                parent,
                attributes: &attributes,
                failed,
            })
            .unwrap()
        };
        assert_eq!(
            line(Some(Consent::Anonymous), None, false),
            r#"{"name":"Crew Created","consent":"anonymous","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00f067aa0ba902b7","attributes":{"no":false,"zero":0,"half":0.5,"empty":"","list":["🦙"],"agents":"[{\"role\":\"r\"}]"}}"#
        );
        let child = line(Some(Consent::ShareCrew), Some(1_u64), true);
        assert!(
            child.contains(r#""consent":"share_crew""#)
                && child.contains(r#""parent_span_id":"0000000000000001""#)
                && child.ends_with(r#","status":"error"}"#),
            "{child}"
        );
    }
}
