//! OTLP/HTTP requests, written by crewtel: each batch of spans becomes one
//! `ExportTraceServiceRequest` under crewtel's resource and scope, in
//! protobuf (prost) or the specification's JSON, gzipped when asked, and is
//! handed to the spool for the courier. Written here rather than by
//! `opentelemetry-otlp`, whose features (`http-json`, `gzip-http`,
//! `http-proto`) would change the application's own OTLP exporter through
//! cargo's feature unification.

mod proto;

use std::io::Write;
use std::time::SystemTime;

use crewtel::attribute::{Array, KeyValue, Value};
use crewtel::sink::Sampling;
use prost::Message;

use super::courier::Handoff;
use super::outbox::Stored;
use super::sample::trace_state;
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
    encoding: Encoding,
    handoff: Handoff,
}

impl Encoder {
    pub(crate) fn new(resource: &[KeyValue], encoding: Encoding, handoff: Handoff) -> Encoder {
        Encoder {
            resource: proto::Resource {
                attributes: resource.iter().map(key_value).collect(),
            },
            scope: proto::InstrumentationScope {
                name: "crewtel".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            encoding,
            handoff,
        }
    }

    /// The request for `batch`, as it goes on the wire.
    fn request(&self, batch: Vec<Span>) -> std::io::Result<Stored> {
        let lines = match self.encoding.record {
            true => batch.iter().map(crate::debug::line).collect(),
            false => Vec::new(),
        };
        let request = proto::ExportTraceServiceRequest {
            resource_spans: vec![proto::ResourceSpans {
                resource: Some(self.resource.clone()),
                scope_spans: vec![proto::ScopeSpans {
                    scope: Some(self.scope.clone()),
                    spans: batch.into_iter().map(span).collect(),
                }],
            }],
        };
        let (content_type, body) = match self.encoding.protocol {
            Protocol::HttpProtobuf => ("application/x-protobuf", request.encode_to_vec()),
            Protocol::HttpJson => ("application/json", serde_json::to_vec(&request)?),
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
                self.handoff.keep(request);
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
