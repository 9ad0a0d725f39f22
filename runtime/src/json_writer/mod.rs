//! JSON written straight from the attribute walk: an event's attributes, and
//! nested structs as the JSON-encoded strings attributes carry, escaped as
//! they are written (never encoded, then escaped again). The bytes are
//! serde_json's (`tests/to_json.rs` holds every kind of value to them);
//! serde_json itself writes what is not a struct walk (a map), through a
//! formatter that escapes as it goes. The nesting bound of both paths is
//! here.

use core::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::event::{AttributeKey, Event, Telemetry, Visitor};
use crate::value::{Scalar, ScalarKind};

mod escape;
mod formatter;

use escape::{Quoting, text};
use formatter::Escaped;

/// How many structs deep a nested value is written: one nested deeper (a
/// recursive struct, a long chain of `Option<Box<Node>>`) is written as an
/// empty object and counted, never a stack overflow.
pub const MAX_NESTING: usize = 32;

thread_local! {
    /// How deep serde is in nested structs (the hand-written walk carries
    /// its depth itself, and hands it over where serde takes on).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

static CUT: AtomicU64 = AtomicU64::new(0);

/// Nested values cut at [`MAX_NESTING`] so far, in this process.
pub fn cut_at_depth() -> u64 {
    CUT.load(Ordering::Relaxed)
}

/// Whether a struct at `depth` is written (else `{}`, counted once).
#[inline]
pub(crate) fn within_nesting(depth: usize) -> bool {
    if depth < MAX_NESTING {
        return true;
    }
    CUT.fetch_add(1, Ordering::Relaxed);
    false
}

/// Puts the depth serde was at back when dropped: when the serialization
/// returns, or unwinds from a panic in host code it called.
struct Restore(usize);

impl Drop for Restore {
    #[inline]
    fn drop(&mut self) {
        DEPTH.set(self.0);
    }
}

/// Runs serde at `depth`, then returns to the depth it was at (a value
/// encoded within another's serialization, by a host function it called,
/// leaves the outer depth as it found it).
#[inline]
pub(crate) fn at_depth<R>(depth: usize, serialize: impl FnOnce() -> R) -> R {
    let _restore = Restore(DEPTH.replace(depth));
    serialize()
}

/// The depth serde is at; `serialize` runs one struct deeper.
#[inline]
pub(crate) fn one_deeper<R>(serialize: impl FnOnce(usize) -> R) -> R {
    let depth = DEPTH.get();
    let _restore = Restore(DEPTH.replace(depth + 1));
    serialize(depth)
}

/// Writes visited attributes as the entries of a JSON object: text
/// escaped twice when `TWICE` (inside an encoded value); nested structure
/// in place when `INLINE`, or, among an event's own attributes, as a
/// JSON-encoded string. (Constants, so that each walk is compiled for one
/// way of writing, without a branch per key.)
pub(crate) struct Writer<'o, const TWICE: bool = false, const INLINE: bool = false> {
    out: &'o mut String,
    /// How many structs deep the walk is.
    depth: usize,
    first: bool,
    /// Whether the first key opens the object, `{` before its quote.
    opens_object: bool,
    error: Option<serde_json::Error>,
}

impl<'o> Writer<'o> {
    /// A writer of an event's own attributes.
    pub(crate) fn event(out: &'o mut String) -> Self {
        Writer::at(out, 0)
    }
}

impl<'o, const TWICE: bool, const INLINE: bool> Writer<'o, TWICE, INLINE> {
    const QUOTING: Quoting = if TWICE { Quoting::Twice } else { Quoting::Once };

    fn at(out: &'o mut String, depth: usize) -> Self {
        Writer {
            out,
            depth,
            first: true,
            opens_object: false,
            error: None,
        }
    }

    /// What failed, if anything did (only serde_json can: a nested value's
    /// own `Serialize`).
    pub(crate) fn finish(self) -> serde_json::Result<()> {
        self.error.map_or(Ok(()), Err)
    }

    // Always inlined: in a derived walk the key is a constant, and its
    // pieces are copied whole (one store of known bytes).
    #[inline(always)]
    fn key(&mut self, key: AttributeKey) {
        let first = core::mem::replace(&mut self.first, false);
        if first && self.opens_object {
            self.out.push('{');
        }
        if let Some(piece) = key.rendered(!TWICE) {
            // `,"name":`, without its comma for the first key.
            self.out.push_str(if first { &piece[1..] } else { piece });
            return;
        }
        if !first {
            self.out.push(',');
        }
        text(self.out, key.name(), Self::QUOTING);
        self.out.push(':');
    }

    /// Opens a nested value: in place, or as a JSON-encoded string.
    #[inline(always)]
    fn open(&mut self) {
        if !INLINE {
            self.out.push('"');
        }
    }

    #[inline(always)]
    fn close(&mut self) {
        if !INLINE {
            self.out.push('"');
        }
    }

    /// Writes `object` as the JSON object of its attributes, at this
    /// writer's depth: in place, or escaped as an encoded string's contents.
    #[inline]
    fn nested<T: Telemetry + ?Sized>(&mut self, object: Event<'_, T>) {
        if INLINE {
            self.object_as::<TWICE, T>(object);
        } else {
            self.object_as::<true, T>(object);
        }
    }

    /// Writes `objects` as a JSON list of their objects.
    fn list_of<'a, T, I>(&mut self, objects: I)
    where
        T: Telemetry + ?Sized + 'a,
        I: Iterator<Item = Event<'a, T>>,
    {
        self.out.push('[');
        for (i, object) in objects.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.nested(object);
        }
        self.out.push(']');
    }

    fn object_as<const Q: bool, T: Telemetry + ?Sized>(&mut self, object: Event<'_, T>) {
        if !object.is_allowed() || !within_nesting(self.depth) {
            self.out.push_str("{}");
            return;
        }
        // The first key opens the object (one piece: `{"key":`).
        let mut nested = Writer::<Q, true>::at(&mut *self.out, self.depth + 1);
        nested.opens_object = true;
        object.visit(&mut nested);
        let (error, empty) = (nested.error, nested.first);
        self.out.push_str(if empty { "{}" } else { "}" });
        if self.error.is_none() {
            self.error = error;
        }
    }
}

/// About the bytes one nested `T` takes, to reserve once: most structs'
/// keys and values are short (a wrong guess costs a reallocation).
fn object_size<T: Telemetry + ?Sized>() -> usize {
    2 + T::max_attributes() * 24
}

/// `objects` as the JSON list a nested list attribute carries.
pub(crate) fn encode_objects<'a, T, I>(objects: I) -> serde_json::Result<String>
where
    T: Telemetry + ?Sized + 'a,
    I: Iterator<Item = Event<'a, T>>,
{
    // Reserved once (bounded: a guess never reserves more than a megabyte).
    let guess = objects.size_hint().0.saturating_mul(object_size::<T>());
    let mut out = String::with_capacity(guess.saturating_add(2).min(1 << 20));
    let mut writer = Writer::<false, true>::at(&mut out, 0);
    writer.list_of(objects);
    writer.finish()?;
    Ok(out)
}

/// `object` as the JSON object a nested struct attribute carries.
pub(crate) fn encode_object<T: Telemetry + ?Sized>(
    object: Event<'_, T>,
) -> serde_json::Result<String> {
    let mut out = String::with_capacity(object_size::<T>());
    let mut writer = Writer::<false, true>::at(&mut out, 0);
    writer.nested(object);
    writer.finish()?;
    Ok(out)
}

impl<const TWICE: bool, const INLINE: bool> Visitor for Writer<'_, TWICE, INLINE> {
    #[inline(always)]
    fn scalar(&mut self, key: AttributeKey, value: Scalar<'_>) {
        self.key(key);
        scalar(self.out, &value, Self::QUOTING);
    }

    fn list<'v, I>(&mut self, key: AttributeKey, _: Option<ScalarKind>, items: I)
    where
        I: Iterator<Item = Scalar<'v>> + Clone,
    {
        self.key(key);
        self.out.push('[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            scalar(self.out, &item, Self::QUOTING);
        }
        self.out.push(']');
    }

    fn json<V: Serialize + ?Sized>(&mut self, key: AttributeKey, value: &V) {
        if self.error.is_some() {
            return;
        }
        self.key(key);
        self.open();
        // serde_json writes bytes: into a buffer of its own, checked as
        // UTF-8 once (what it writes is, by construction).
        let mut bytes = Vec::with_capacity(64);
        let written = at_depth(self.depth, || {
            if TWICE || !INLINE {
                value.serialize(&mut serde_json::Serializer::with_formatter(
                    &mut bytes, Escaped,
                ))
            } else {
                value.serialize(&mut serde_json::Serializer::new(&mut bytes))
            }
        });
        match written.and_then(|()| String::from_utf8(bytes).map_err(serde::ser::Error::custom)) {
            Ok(json) => self.out.push_str(&json),
            Err(error) => self.error = Some(error),
        }
        self.close();
    }

    fn object<T: Telemetry + ?Sized>(&mut self, key: AttributeKey, object: Event<'_, T>) {
        self.key(key);
        self.open();
        self.nested(object);
        self.close();
    }

    fn objects<'a, T, I>(&mut self, key: AttributeKey, objects: I)
    where
        T: Telemetry + ?Sized + 'a,
        I: Iterator<Item = Event<'a, T>> + Clone,
    {
        self.key(key);
        self.open();
        self.list_of(objects);
        self.close();
    }
}

// Always inlined: where a value is made its variant is known, and the
// match folds away.
#[inline(always)]
fn scalar(out: &mut String, value: &Scalar<'_>, quoting: Quoting) {
    match value {
        Scalar::Bool(true) => out.push_str("true"),
        Scalar::Bool(false) => out.push_str("false"),
        Scalar::I64(v) => out.push_str(itoa::Buffer::new().format(*v)),
        // As serde_json writes a float: its shortest form (`1e300`), `null`
        // when not finite.
        Scalar::F64(v) if v.is_finite() => out.push_str(zmij::Buffer::new().format_finite(*v)),
        Scalar::F64(_) => out.push_str("null"),
        Scalar::Text(v) => text(out, v.as_str(), quoting),
    }
}

/// `s` as a JSON string literal.
pub(crate) fn json_string(out: &mut String, s: &str) {
    text(out, s, Quoting::Once);
}

#[cfg(test)]
mod tests {
    use super::escape::{ESCAPE, any_escaped};

    #[test]
    fn the_word_test_finds_each_escaped_byte_in_each_place() {
        for place in 0..8 {
            for byte in 0..=255u8 {
                let mut word = *b"abcdefgh";
                word[place] = byte;
                assert_eq!(
                    any_escaped(u64::from_ne_bytes(word)),
                    ESCAPE[usize::from(byte)] != 0,
                    "byte {byte:#x} at {place}"
                );
            }
        }
    }
}
