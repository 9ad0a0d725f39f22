//! OTLP/HTTP requests, written by crewtel: each batch of spans becomes one
//! `ExportTraceServiceRequest` under crewtel's resource and scope, in
//! protobuf (prost) or the specification's JSON, gzipped when asked, and is
//! handed to the spool for the courier. A span of a protobuf pipeline comes
//! already written (`wire::span`, on the host's thread as it ends), and
//! goes in as it is. Written here rather than by
//! `opentelemetry-otlp`, whose features (`http-json`, `gzip-http`,
//! `http-proto`) would change the application's own OTLP exporter through
//! cargo's feature unification.

mod proto;
mod wire;

pub(super) use wire::span as wire_span;

use std::io::Write;
use std::sync::Arc;
use std::time::SystemTime;

use crewtel::attribute::{Array, KeyValue, Value};
use crewtel::sink::Sampling;
use prost::Message;

use super::outbox::Stored;
use super::sample::trace_state;
use super::spool::Spool;
use super::weight::{Form, requests};
use crate::config::Protocol;
use crate::spans::{End, Span};

/// The trace flags `sampled` and `random` (W3C Trace Context Level 2: the
/// trace id's low 56 bits are random, which consistent sampling reads), and
/// the span flag saying whether the parent is remote is known (it is not:
/// every parent is crewtel's own span).
const SPAN_FLAGS: u32 = 0x01 | 0x02 | 0x100;

/// How requests are written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Encoding {
    pub protocol: Protocol,
    pub gzip: bool,
    /// Whether each request keeps its spans' record lines, added to the
    /// local record once it is delivered.
    pub record: bool,
}

/// The exporter at the end of the OTLP pipeline: encodes each batch and
/// keeps it in the spool, which the courier sends from.
pub(crate) struct Encoder {
    resource: proto::Resource,
    scope: proto::InstrumentationScope,
    /// The two, encoded once, for every protobuf request.
    encoded: (Vec<u8>, Vec<u8>),
    encoding: Encoding,
    /// Where each request waits for the courier.
    spool: Arc<Spool>,
}

impl Encoder {
    pub(crate) fn new(resource: &[KeyValue], encoding: Encoding, spool: Arc<Spool>) -> Encoder {
        let resource = proto::Resource {
            attributes: resource.iter().map(key_value).collect(),
        };
        let scope = proto::InstrumentationScope {
            name: "crewtel".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        Encoder {
            encoded: (resource.encode_to_vec(), scope.encode_to_vec()),
            resource,
            scope,
            encoding,
            spool,
        }
    }

    /// The request for `batch`, as it goes on the wire.
    fn request(&self, batch: Vec<Span>) -> std::io::Result<Stored> {
        let lines = match self.encoding.record {
            true => batch.iter().map(crate::debug::line).collect(),
            false => Vec::new(),
        };
        let (content_type, body) = match self.encoding.protocol {
            Protocol::HttpProtobuf => {
                let mut body = self.spool.buffer();
                let (resource, scope) = &self.encoded;
                wire::request(resource, scope, &batch, &mut body);
                ("application/x-protobuf", body)
            }
            Protocol::HttpJson => (
                "application/json",
                serde_json::to_vec(&self.message(batch))?,
            ),
        };
        let (content_encoding, body) = match self.encoding.gzip {
            true => (Some("gzip".to_owned()), gzip(&body)?),
            false => (None, body),
        };
        Ok(Stored {
            content_type: content_type.to_owned(),
            content_encoding,
            body,
            lines,
        })
    }
}

impl Encoder {
    /// The request for `batch` as prost messages (what the JSON form is
    /// written from).
    fn message(&self, batch: Vec<Span>) -> proto::ExportTraceServiceRequest {
        proto::ExportTraceServiceRequest {
            resource_spans: vec![proto::ResourceSpans {
                resource: Some(self.resource.clone()),
                scope_spans: vec![proto::ScopeSpans {
                    scope: Some(self.scope.clone()),
                    spans: batch.into_iter().map(span).collect(),
                }],
            }],
        }
    }
}

impl core::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Encoder")
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

impl End for Encoder {
    /// Writes `batch` in requests every collector takes (see
    /// [`requests`]), and keeps each for the courier.
    fn export(&self, batch: Vec<Span>) {
        let form = match self.encoding.protocol {
            Protocol::HttpProtobuf => Form::Binary,
            Protocol::HttpJson => Form::Json,
        };
        for spans in requests(batch, form) {
            // Encoding into memory fails only where a host could not go on
            // either; the request is then dropped.
            if let Ok(request) = self.request(spans) {
                self.spool.keep(request);
            }
        }
    }
}

fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body)?;
    encoder.finish()
}

fn span(span: Span) -> proto::Span {
    let nanos = |at: SystemTime| {
        at.duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| {
                u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
            })
    };
    proto::Span {
        trace_id: span.ids.trace_id.to_be_bytes().to_vec(),
        span_id: span.ids.span_id.to_be_bytes().to_vec(),
        trace_state: match span.ids.sampling {
            Sampling::Kept { threshold } => trace_state(threshold),
            // Never built: a run left out is not sent.
            _ => String::new(),
        },
        parent_span_id: span
            .parent
            .map_or_else(Vec::new, |parent| parent.to_be_bytes().to_vec()),
        flags: SPAN_FLAGS,
        name: span.name.to_owned(),
        kind: proto::SPAN_KIND_INTERNAL,
        start_time_unix_nano: nanos(span.start),
        end_time_unix_nano: nanos(span.end),
        attributes: span.attributes.iter().map(key_value).collect(),
        dropped_attributes_count: span.dropped_attributes,
        status: span.error_type.map(|error_type| proto::Status {
            message: error_type.into_owned(),
            code: proto::STATUS_CODE_ERROR,
        }),
    }
}

fn key_value(kv: &KeyValue) -> proto::KeyValue {
    proto::KeyValue {
        key: kv.key.as_str().to_owned(),
        value: Some(any_value(&kv.value)),
    }
}

fn any_value(value: &Value) -> proto::AnyValue {
    use Value as V;
    use proto::Value as P;
    let list = |values: Vec<P>| {
        P::Array(proto::ArrayValue {
            values: values
                .into_iter()
                .map(|value| proto::AnyValue { value: Some(value) })
                .collect(),
        })
    };
    let value = match value {
        V::Bool(v) => P::Bool(*v),
        V::I64(v) => P::Int(*v),
        V::F64(v) => P::Double(*v),
        V::String(v) => P::String(v.to_string()),
        V::Array(Array::Bool(v)) => list(v.iter().copied().map(P::Bool).collect()),
        V::Array(Array::I64(v)) => list(v.iter().copied().map(P::Int).collect()),
        V::Array(Array::F64(v)) => list(v.iter().copied().map(P::Double).collect()),
        V::Array(Array::String(v)) => list(v.iter().map(|s| P::String(s.to_string())).collect()),
        // Values of kinds crewtel never builds: as text, never dropped silently.
        other => P::String(other.to_string()),
    };
    proto::AnyValue { value: Some(value) }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::time::{Duration, SystemTime};

    use crewtel::attribute::{Array, KeyValue, Value};
    use crewtel::sink::{Sampling, SpanIds};
    use prost::Message;

    use super::{key_value, proto, span, wire};
    use crate::spans::{Note, Span};

    fn spans() -> Vec<Span> {
        let at = SystemTime::UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
        let attributes = vec![
            KeyValue::new("text", "a \"quoted\" text, ünïcode"),
            KeyValue::new("empty", ""),
            KeyValue::new("count", 0_i64),
            KeyValue::new("negative", -42_i64),
            KeyValue::new("big", i64::MAX),
            KeyValue::new("ratio", 0.25_f64),
            KeyValue::new("nan", f64::NAN.abs()),
            KeyValue::new("flag", false),
            KeyValue::new("on", true),
            KeyValue::new(
                "names",
                Value::Array(Array::String(vec!["a".into(), "".into()])),
            ),
            KeyValue::new("numbers", Value::Array(Array::I64(vec![-1, 0, 300]))),
            KeyValue::new("floats", Value::Array(Array::F64(vec![1.5, -0.0]))),
            KeyValue::new("flags", Value::Array(Array::Bool(vec![true, false]))),
            KeyValue::new("none", Value::Array(Array::String(Vec::new()))),
        ];
        let root = Span {
            name: "Crew Execution",
            ids: SpanIds::new(u128::MAX - 5, 7),
            parent: None,
            start: at,
            end: at + Duration::from_millis(3),
            attributes: attributes.clone(),
            dropped_attributes: 3,
            error_type: Some(Cow::Borrowed("io::Error")),
            note: Note::default(),
            wire: None,
        };
        let child = Span {
            name: "Tool Usage",
            ids: SpanIds::new(u128::MAX - 5, 8).sampled(Sampling::Kept {
                threshold: 0xc << 52,
            }),
            parent: Some(7),
            start: at,
            end: at,
            attributes: Vec::new(),
            dropped_attributes: 0,
            error_type: None,
            note: Note::default(),
            wire: None,
        };
        let other = Span {
            ids: SpanIds::new(1, 9).sampled(Sampling::Kept { threshold: 1 }),
            ..child.clone()
        };
        vec![root, child, other]
    }

    /// The bytes written straight from crewtel's spans are those prost
    /// writes for the declared messages (which `tests/export.rs` holds to
    /// the official ones), whether each span is written in the request or
    /// first on its own (as the host's thread writes it as it ends, its
    /// attributes then gone).
    #[test]
    fn protobuf_written_directly_is_prost_s_byte_for_byte() {
        protobuf_is_prost_s(|spans| spans);
        protobuf_is_prost_s(|spans| {
            spans
                .into_iter()
                .map(|mut span| {
                    span.wire = Some(wire::span(&span));
                    span.attributes = Vec::new();
                    span
                })
                .collect()
        });
    }

    fn protobuf_is_prost_s(prepare: impl Fn(Vec<Span>) -> Vec<Span>) {
        let resource = proto::Resource {
            attributes: [
                KeyValue::new("service.name", "x"),
                KeyValue::new("n", 3_i64),
            ]
            .iter()
            .map(key_value)
            .collect(),
        };
        let scope = proto::InstrumentationScope {
            name: "crewtel".to_owned(),
            version: "1.2.3".to_owned(),
        };
        let mut direct = Vec::new();
        wire::request(
            &resource.encode_to_vec(),
            &scope.encode_to_vec(),
            &prepare(spans()),
            &mut direct,
        );
        let declared = proto::ExportTraceServiceRequest {
            resource_spans: vec![proto::ResourceSpans {
                resource: Some(resource),
                scope_spans: vec![proto::ScopeSpans {
                    scope: Some(scope),
                    spans: spans().into_iter().map(span).collect(),
                }],
            }],
        };
        assert_eq!(direct, declared.encode_to_vec());
    }
}
