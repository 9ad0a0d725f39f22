//! `Event::to_json`: an event as JSON in one pass, the same bytes as
//! `serde_json::to_string(&event)`. Through serde, a nested list is encoded
//! into a string and then escaped again as the outer value (two passes, an
//! allocation and a copy, and two thirds of the time: measured with
//! callgrind, BENCHMARKS.md section 9); here the visitor writes straight into
//! one buffer, and serde_json writes each nested value into it through a
//! formatter that emits it already escaped as the outer string's contents.

use serde::Serialize;

use crate::consent::Consent;
use crate::telemetry::{Event, Telemetry};
use crate::value::{Scalar, ScalarKind};
use crate::visit::Visitor;

impl<T: Telemetry + ?Sized> Event<'_, T> {
    /// The event as JSON: `{"name": ..., "consent": ..., "attributes":
    /// {...}}`, the attributes exactly as they are sent (nested lists as
    /// JSON-encoded strings). The same bytes as `serde_json::to_string`,
    /// written in one pass. Fails only as that would (a nested value's own
    /// `Serialize` failing).
    ///
    /// ```
    /// use crewtel::Telemetry;
    ///
    /// #[derive(Telemetry)]
    /// #[telemetry(event = "Tool Usage")]
    /// struct ToolUsage {
    ///     /// The tool.
    ///     #[telemetry(always, free_text)]
    ///     tool_name: String,
    ///     /// The attempts.
    ///     #[telemetry(always)]
    ///     attempts: Vec<u32>,
    /// }
    /// let usage = ToolUsage { tool_name: "search".into(), attempts: vec![1, 2] };
    /// let event = usage.telemetry_event();
    /// assert_eq!(
    ///     event.to_json().unwrap(),
    ///     r#"{"name":"Tool Usage","consent":"anonymous","attributes":{"tool_name":"search","attempts":[1,2]}}"#
    /// );
    /// assert_eq!(event.to_json().unwrap(), serde_json::to_string(&event).unwrap());
    /// ```
    pub fn to_json(&self) -> serde_json::Result<String> {
        let mut writer = Writer {
            out: Vec::with_capacity(512),
            first: true,
            error: None,
        };
        writer.out.extend_from_slice(b"{\"name\":");
        text(&mut writer.out, T::EVENT);
        writer.out.extend_from_slice(match self.consent() {
            Consent::Anonymous => b",\"consent\":\"anonymous\",\"attributes\":{",
            Consent::ShareCrew => b",\"consent\":\"share_crew\",\"attributes\":{",
        });
        if self.consent().allows(T::TIER) {
            self.source.visit_attributes(self.consent(), &mut writer);
        }
        if let Some(error) = writer.error {
            return Err(error);
        }
        writer.out.extend_from_slice(b"}}");
        // Valid by construction (text is copied whole, escapes are ASCII):
        // checked once, at the end.
        String::from_utf8(writer.out).map_err(serde::ser::Error::custom)
    }
}

/// Writes visited attributes as the entries of a JSON object.
struct Writer {
    out: Vec<u8>,
    first: bool,
    error: Option<serde_json::Error>,
}

impl Writer {
    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        text(&mut self.out, key);
        self.out.push(b':');
    }
}

impl Visitor for Writer {
    #[inline]
    fn scalar(&mut self, key: &'static str, value: Scalar<'_>) {
        self.key(key);
        scalar(&mut self.out, &value);
    }

    fn list<'v, I>(&mut self, key: &'static str, _: Option<ScalarKind>, items: I)
    where
        I: Iterator<Item = Scalar<'v>> + Clone,
    {
        self.key(key);
        self.out.push(b'[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            scalar(&mut self.out, &item);
        }
        self.out.push(b']');
    }

    fn json<V: Serialize + ?Sized>(&mut self, key: &'static str, value: &V) {
        if self.error.is_some() {
            return;
        }
        self.key(key);
        self.out.push(b'"');
        let mut nested = serde_json::Serializer::with_formatter(&mut self.out, Escaped);
        if let Err(error) = crate::json::encode_with(&mut nested, value) {
            self.error = Some(error);
        }
        self.out.push(b'"');
    }
}

fn scalar(out: &mut Vec<u8>, value: &Scalar<'_>) {
    match value {
        Scalar::Bool(true) => out.extend_from_slice(b"true"),
        Scalar::Bool(false) => out.extend_from_slice(b"false"),
        Scalar::I64(v) => out.extend_from_slice(itoa::Buffer::new().format(*v).as_bytes()),
        // By serde_json itself: its own shortest form (`1e+300`), `null`
        // when not finite.
        Scalar::F64(v) => {
            let _ = serde_json::to_writer(&mut *out, v);
        }
        Scalar::Text(v) => text(out, v.as_str()),
    }
}

/// `s` as a JSON string literal, escaped as serde_json escapes it.
fn text(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape(out, s.as_bytes());
    out.push(b'"');
}

/// What a byte is written as in a JSON string: 0 as it is, `u` as
/// `\u00XX`, any other as a backslash and that letter (serde_json's table).
const ESCAPE: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// The contents of a JSON string literal holding `bytes` (UTF-8: only ASCII
/// is ever escaped, the rest passes through whole).
fn escape(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..at]);
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
        start = at + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// serde_json's compact JSON, written already escaped as the contents of a
/// JSON string: a quote as `\"`, an escape doubled. What needs no escaping
/// (structure, numbers, text between escapes) is written as it is.
struct Escaped;

impl serde_json::ser::Formatter for Escaped {
    #[inline]
    fn begin_string<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b"\\\"")
    }

    #[inline]
    fn end_string<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b"\\\"")
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        use serde_json::ser::CharEscape;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let twice: &[u8] = match escape {
            CharEscape::Quote => b"\\\\\\\"",
            CharEscape::ReverseSolidus => b"\\\\\\\\",
            CharEscape::Solidus => b"\\\\/",
            CharEscape::Backspace => b"\\\\b",
            CharEscape::FormFeed => b"\\\\f",
            CharEscape::LineFeed => b"\\\\n",
            CharEscape::CarriageReturn => b"\\\\r",
            CharEscape::Tab => b"\\\\t",
            CharEscape::AsciiControl(byte) => {
                out.write_all(b"\\\\u00")?;
                return out.write_all(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]]);
            }
        };
        out.write_all(twice)
    }
}
