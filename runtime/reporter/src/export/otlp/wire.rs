//! Protobuf written straight from crewtel's spans: the bytes prost writes
//! for the messages of `proto` (a test holds the two together), without
//! first copying every key and value into those messages. The resource and
//! the scope, the same in every request, are encoded once.

use std::time::SystemTime;

use crewtel::attribute::{Array, KeyValue, Value};
use crewtel::sink::Sampling;
use prost::encoding::{WireType, encode_key, encode_varint, encoded_len_varint, key_len};

use super::SPAN_FLAGS;
use super::proto::{SPAN_KIND_INTERNAL, STATUS_CODE_ERROR};
use crate::export::sample;
use crate::spans::Span;

/// `ExportTraceServiceRequest` of `spans`, under the encoded `resource`
/// and `scope` messages, into `out`.
pub(super) fn request(resource: &[u8], scope: &[u8], spans: &[Span], out: &mut Vec<u8>) {
    let lengths: Vec<usize> = spans
        .iter()
        .map(|s| s.wire.as_ref().map_or_else(|| span_len(s), Vec::len))
        .collect();
    let scope_spans =
        delimited(1, scope.len()) + lengths.iter().map(|len| delimited(2, *len)).sum::<usize>();
    let resource_spans = delimited(1, resource.len()) + delimited(2, scope_spans);
    out.reserve(delimited(1, resource_spans));

    // ExportTraceServiceRequest.resource_spans
    header(1, resource_spans, out);
    // ResourceSpans.resource, .scope_spans
    header(1, resource.len(), out);
    out.extend_from_slice(resource);
    header(2, scope_spans, out);
    // ScopeSpans.scope, .spans
    header(1, scope.len(), out);
    out.extend_from_slice(scope);
    for (span, len) in spans.iter().zip(lengths) {
        header(2, len, out);
        match &span.wire {
            Some(written) => out.extend_from_slice(written),
            None => write_span(span, out),
        }
    }
}

/// `span` as an OTLP protobuf `Span` message, on its own.
pub(in crate::export) fn span(span: &Span) -> Vec<u8> {
    let mut out = Vec::with_capacity(span_len(span));
    write_span(span, &mut out);
    out
}

/// A length-delimited field of `len` bytes, with its key and length.
fn delimited(tag: u32, len: usize) -> usize {
    key_len(tag) + encoded_len_varint(len as u64) + len
}

fn header(tag: u32, len: usize, out: &mut Vec<u8>) {
    encode_key(tag, WireType::LengthDelimited, out);
    encode_varint(len as u64, out);
}

/// A string or bytes field, left out when empty (proto3's default).
fn bytes_len(tag: u32, bytes: &[u8]) -> usize {
    match bytes.len() {
        0 => 0,
        len => delimited(tag, len),
    }
}

fn write_bytes(tag: u32, bytes: &[u8], out: &mut Vec<u8>) {
    if !bytes.is_empty() {
        header(tag, bytes.len(), out);
        out.extend_from_slice(bytes);
    }
}

/// A varint field, left out when zero.
fn varint_len(tag: u32, n: u64) -> usize {
    match n {
        0 => 0,
        n => key_len(tag) + encoded_len_varint(n),
    }
}

fn write_varint(tag: u32, n: u64, out: &mut Vec<u8>) {
    if n != 0 {
        encode_key(tag, WireType::Varint, out);
        encode_varint(n, out);
    }
}

fn fixed64_len(tag: u32, n: u64) -> usize {
    match n {
        0 => 0,
        _ => key_len(tag) + 8,
    }
}

fn write_fixed64(tag: u32, n: u64, out: &mut Vec<u8>) {
    if n != 0 {
        encode_key(tag, WireType::SixtyFourBit, out);
        out.extend_from_slice(&n.to_le_bytes());
    }
}

fn nanos(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
        })
}

/// The threshold of a span's run; `None` for a span not sent (a run left
/// out is never built).
fn threshold(span: &Span) -> Option<u64> {
    match span.ids.sampling {
        Sampling::Kept { threshold } => Some(threshold),
        _ => None,
    }
}

/// The length of `trace_state` as [`write_trace_state`] writes it.
fn trace_state_len(span: &Span) -> usize {
    threshold(span).map_or(0, sample::trace_state_len)
}

/// `trace_state` (`sample::trace_state`), written in place.
fn write_trace_state(span: &Span, out: &mut Vec<u8>) {
    if let Some(threshold) = threshold(span) {
        header(3, sample::trace_state_len(threshold), out);
        sample::write_trace_state(threshold, out);
    }
}

/// `Span`'s length, field by field as [`write_span`] writes them.
fn span_len(span: &Span) -> usize {
    let parent = span.parent.map(u64::to_be_bytes);
    delimited(1, 16)
        + delimited(2, 8)
        + match trace_state_len(span) {
            0 => 0,
            len => delimited(3, len),
        }
        + parent.map_or(0, |p| bytes_len(4, &p))
        + bytes_len(5, span.name.as_bytes())
        + varint_len(6, SPAN_KIND_INTERNAL as u64)
        + fixed64_len(7, nanos(span.start))
        + fixed64_len(8, nanos(span.end))
        + span
            .attributes
            .iter()
            .map(|kv| delimited(9, key_value_len(kv)))
            .sum::<usize>()
        + varint_len(10, u64::from(span.dropped_attributes))
        + span
            .error_type
            .as_deref()
            .map_or(0, |message| delimited(15, status_len(message)))
        + key_len(16)
        + 4
}

fn write_span(span: &Span, out: &mut Vec<u8>) {
    write_bytes(1, &span.ids.trace_id.to_be_bytes(), out);
    write_bytes(2, &span.ids.span_id.to_be_bytes(), out);
    write_trace_state(span, out);
    if let Some(parent) = span.parent {
        write_bytes(4, &parent.to_be_bytes(), out);
    }
    write_bytes(5, span.name.as_bytes(), out);
    write_varint(6, SPAN_KIND_INTERNAL as u64, out);
    write_fixed64(7, nanos(span.start), out);
    write_fixed64(8, nanos(span.end), out);
    for kv in &span.attributes {
        header(9, key_value_len(kv), out);
        write_key_value(kv, out);
    }
    write_varint(10, u64::from(span.dropped_attributes), out);
    if let Some(message) = span.error_type.as_deref() {
        header(15, status_len(message), out);
        write_bytes(2, message.as_bytes(), out);
        write_varint(3, STATUS_CODE_ERROR as u64, out);
    }
    encode_key(16, WireType::ThirtyTwoBit, out);
    out.extend_from_slice(&SPAN_FLAGS.to_le_bytes());
}

fn status_len(message: &str) -> usize {
    bytes_len(2, message.as_bytes()) + varint_len(3, STATUS_CODE_ERROR as u64)
}

/// `KeyValue`: its key, and its value (a message, written even when empty).
fn key_value_len(kv: &KeyValue) -> usize {
    bytes_len(1, kv.key.as_str().as_bytes()) + delimited(2, any_value_len(&kv.value))
}

fn write_key_value(kv: &KeyValue, out: &mut Vec<u8>) {
    write_bytes(1, kv.key.as_str().as_bytes(), out);
    header(2, any_value_len(&kv.value), out);
    write_any_value(&kv.value, out);
}

/// One entry of `AnyValue`'s oneof, which is written whatever its value.
enum One<'a> {
    Text(&'a [u8]),
    Bool(bool),
    Int(i64),
    Double(f64),
}

fn one_len(one: &One<'_>) -> usize {
    match one {
        One::Text(text) => delimited(1, text.len()),
        One::Bool(_) => key_len(2) + 1,
        One::Int(n) => key_len(3) + encoded_len_varint(*n as u64),
        One::Double(_) => key_len(4) + 8,
    }
}

fn write_one(one: &One<'_>, out: &mut Vec<u8>) {
    match one {
        One::Text(text) => {
            header(1, text.len(), out);
            out.extend_from_slice(text);
        }
        One::Bool(b) => {
            encode_key(2, WireType::Varint, out);
            encode_varint(u64::from(*b), out);
        }
        One::Int(n) => {
            encode_key(3, WireType::Varint, out);
            encode_varint(*n as u64, out);
        }
        One::Double(d) => {
            encode_key(4, WireType::SixtyFourBit, out);
            out.extend_from_slice(&d.to_bits().to_le_bytes());
        }
    }
}

/// An array of a kind crewtel builds, whose entries are each an `AnyValue`
/// of their own: walked in place, never collected.
#[derive(Clone, Copy)]
enum Entries<'a> {
    Bool(&'a [bool]),
    Int(&'a [i64]),
    Double(&'a [f64]),
    Text(&'a [std::borrow::Cow<'static, str>]),
}

impl<'a> Entries<'a> {
    fn of(array: &'a Array) -> Option<Entries<'a>> {
        Some(match array {
            Array::Bool(v) => Entries::Bool(v),
            Array::I64(v) => Entries::Int(v),
            Array::F64(v) => Entries::Double(v),
            Array::String(v) => Entries::Text(v),
            _ => return None,
        })
    }

    fn for_each(self, mut each: impl FnMut(One<'a>)) {
        match self {
            Entries::Bool(v) => v.iter().for_each(|b| each(One::Bool(*b))),
            Entries::Int(v) => v.iter().for_each(|n| each(One::Int(*n))),
            Entries::Double(v) => v.iter().for_each(|d| each(One::Double(*d))),
            Entries::Text(v) => v.iter().for_each(|s| each(One::Text(s.as_bytes()))),
        }
    }

    /// `ArrayValue`'s length.
    fn len(self) -> usize {
        let mut len = 0;
        self.for_each(|one| len += delimited(1, one_len(&one)));
        len
    }
}

/// A value of a kind crewtel never builds (an array's included), as text
/// (never dropped silently), as `proto` writes it too.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Bool(_) | Value::I64(_) | Value::F64(_) | Value::String(_) => None,
        Value::Array(array) if Entries::of(array).is_some() => None,
        other => Some(other.to_string()),
    }
}

fn any_value_len(value: &Value) -> usize {
    match value {
        Value::Bool(b) => one_len(&One::Bool(*b)),
        Value::I64(n) => one_len(&One::Int(*n)),
        Value::F64(d) => one_len(&One::Double(*d)),
        Value::String(s) => one_len(&One::Text(s.as_bytes())),
        Value::Array(array) if let Some(entries) = Entries::of(array) => {
            delimited(5, entries.len())
        }
        other => as_text(other).map_or(0, |text| delimited(1, text.len())),
    }
}

fn write_any_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Bool(b) => write_one(&One::Bool(*b), out),
        Value::I64(n) => write_one(&One::Int(*n), out),
        Value::F64(d) => write_one(&One::Double(*d), out),
        Value::String(s) => write_one(&One::Text(s.as_bytes()), out),
        Value::Array(array) if let Some(entries) = Entries::of(array) => {
            header(5, entries.len(), out);
            entries.for_each(|one| {
                header(1, one_len(&one), out);
                write_one(&one, out);
            });
        }
        other => {
            if let Some(text) = as_text(other) {
                write_one(&One::Text(text.as_bytes()), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crewtel::sink::SpanIds;

    /// `trace_state` written in place is the one `sample` formats, for
    /// thresholds of every number of digits.
    #[test]
    fn trace_state_is_written_as_sampling_formats_it() {
        let at = SystemTime::now();
        for threshold in [
            0,
            1,
            0xc << 52,
            (1 << 56) - 1,
            0x123 << 40,
            0x00fe_dcba_9876_5432,
        ] {
            let span = Span {
                name: "x",
                ids: SpanIds::new(1, 2).sampled(Sampling::Kept { threshold }),
                parent: None,
                start: at,
                end: at,
                attributes: Vec::new(),
                dropped_attributes: 0,
                error_type: None,
                note: crate::spans::Note::default(),
                wire: None,
            };
            let mut written = Vec::new();
            write_trace_state(&span, &mut written);
            let formatted = sample::trace_state(threshold);
            let mut expected = Vec::new();
            write_bytes(3, formatted.as_bytes(), &mut expected);
            assert_eq!(written, expected, "{formatted}");
            assert_eq!(trace_state_len(&span), formatted.len());
        }
    }
}
