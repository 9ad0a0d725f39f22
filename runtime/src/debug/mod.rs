//! `CREWTEL_DEBUG`: each event printed as one JSON line (for tools), or
//! with `CREWTEL_DEBUG=pretty` readably (for a person: `pretty`), nothing
//! sent. The printer is an exporter at the end of the one pipeline
//! (`export`), so what it prints is what would be sent, after the same
//! limits.

mod pretty;

pub(crate) use pretty::Pretty;

use std::io::Write;
use std::sync::Mutex;

use opentelemetry::{Array, KeyValue, Value};
use serde::ser::{Serialize, SerializeStruct, Serializer};

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

    /// Writes `{"name": ..., "attributes": {...}}` (and `"status": "error"`
    /// for a failed span) and a newline. A write error is ignored: debug
    /// output must not fail the host, nor a host's writer that panics (it
    /// stops here; the lines after it are still written).
    pub(crate) fn write(&self, name: &str, attributes: &[KeyValue], failed: bool) {
        let line = line(name, attributes, failed);
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

/// The debug printer as an exporter: each span, as it ends, one line.
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

impl opentelemetry_sdk::trace::SpanExporter for Exporter {
    async fn export(
        &self,
        batch: Vec<opentelemetry_sdk::trace::SpanData>,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        for span in batch {
            let failed = matches!(span.status, opentelemetry::trace::Status::Error { .. });
            self.out.write(&span.name, &span.attributes, failed);
        }
        Ok(())
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

/// One event as a JSON line: exactly the attributes that would be sent,
/// after limits, in the order they are sent.
pub(crate) fn line(name: &str, attributes: &[KeyValue], failed: bool) -> String {
    serde_json::to_string(&Line {
        name,
        attributes,
        failed,
    })
    .unwrap_or_default()
}

struct Line<'a> {
    name: &'a str,
    attributes: &'a [KeyValue],
    failed: bool,
}

impl Serialize for Line<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut line = serializer.serialize_struct("Event", 3)?;
        line.serialize_field("name", self.name)?;
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
            Value::String(v) => serializer.serialize_str(v.as_str()),
            Value::Array(Array::Bool(v)) => v.serialize(serializer),
            Value::Array(Array::I64(v)) => v.serialize(serializer),
            Value::Array(Array::F64(v)) => v.serialize(serializer),
            Value::Array(Array::String(v)) => serializer.collect_seq(v.iter().map(|s| s.as_str())),
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
        assert_eq!(
            line("Crew Created", &attributes, false),
            r#"{"name":"Crew Created","attributes":{"no":false,"zero":0,"half":0.5,"empty":"","list":["🦙"],"agents":"[{\"role\":\"r\"}]"}}"#
        );
    }
}
