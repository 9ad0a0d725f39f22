//! An event's attributes collected as [`KeyValue`]s, through its visitor.

use std::borrow::Cow;

use serde::Serialize;

use super::{Array, Key, KeyValue, Value};

use crate::event::Visitor;
use crate::event::{AttributeKey, Event, Telemetry};
use crate::value::{Scalar, ScalarKind, Text};

impl<T: ?Sized> Event<'_, T> {
    /// The attributes as key-values, each with its exact type (none when
    /// the event is not allowed).
    pub fn key_values(&self) -> Vec<KeyValue>
    where
        T: Telemetry,
    {
        self.key_values_and(&[])
    }

    /// The attributes followed by those of `extra` whose keys the event
    /// does not send itself, in one allocation.
    pub(crate) fn key_values_and(&self, extra: &[KeyValue]) -> Vec<KeyValue>
    where
        T: Telemetry,
    {
        let mut visitor = KeyValues::with_capacity(T::max_attributes() + extra.len());
        self.visit(&mut visitor);
        let mut attributes = visitor.into_inner();
        append_new(&mut attributes, extra);
        attributes
    }
}

/// Collects visited attributes as `KeyValue`s, keys without allocation.
struct KeyValues(Vec<KeyValue>);

impl KeyValues {
    fn with_capacity(capacity: usize) -> Self {
        KeyValues(Vec::with_capacity(capacity))
    }

    fn into_inner(self) -> Vec<KeyValue> {
        self.0
    }

    #[inline(always)]
    fn push(&mut self, key: &'static str, value: Value) {
        self.0.push(KeyValue {
            key: Key::from_static(key),
            value,
        });
    }
}

/// Appends the attributes of `more` whose keys `attributes` does not hold
/// yet: what the reporter adds (the every-event context, a span's end) never
/// repeats a key the event already sends; the event's own value wins.
///
/// ```
/// use crewtel::attribute::{KeyValue, append_new};
///
/// let mut sent = vec![KeyValue::new("agents", 3_i64)];
/// append_new(&mut sent, &[KeyValue::new("agents", 5_i64), KeyValue::new("tasks", 2_i64)]);
/// assert_eq!(sent, [KeyValue::new("agents", 3_i64), KeyValue::new("tasks", 2_i64)]);
/// ```
pub fn append_new<'m>(
    attributes: &mut Vec<KeyValue>,
    more: impl IntoIterator<Item = &'m KeyValue>,
) {
    for attribute in more {
        if !attributes.iter().any(|kv| kv.key == attribute.key) {
            attributes.push(attribute.clone());
        }
    }
}

/// Text as it is kept: static text borrowed, anything else owned.
#[inline(always)]
fn owned(text: Text<'_>) -> Cow<'static, str> {
    match text {
        Text::Static(s) => Cow::Borrowed(s),
        Text::Borrowed(s) => Cow::Owned(s.to_owned()),
        Text::Owned(s) => Cow::Owned(s),
    }
}

impl From<Scalar<'_>> for Value {
    #[inline(always)]
    fn from(scalar: Scalar<'_>) -> Self {
        match scalar {
            Scalar::Bool(v) => Value::Bool(v),
            Scalar::I64(v) => Value::I64(v),
            Scalar::F64(v) => Value::F64(v),
            Scalar::Text(v) => Value::String(owned(v)),
        }
    }
}

/// The element type an OpenTelemetry array of these scalars must have when
/// the value type does not say: arrays are homogeneous, so mixed numbers
/// widen to `f64` and anything else mixed becomes text.
fn infer_kind<'v>(items: impl Iterator<Item = Scalar<'v>>) -> ScalarKind {
    let mut kind = None;
    for item in items {
        let this = match item.kind() {
            ScalarKind::Text => return ScalarKind::Text,
            this => this,
        };
        kind = Some(match (kind, this) {
            (None, this) => this,
            (Some(a), b) if a == b => a,
            (Some(ScalarKind::I64 | ScalarKind::F64), ScalarKind::I64 | ScalarKind::F64) => {
                ScalarKind::F64
            }
            _ => return ScalarKind::Text,
        });
    }
    kind.unwrap_or(ScalarKind::Text)
}

fn to_array<'v>(
    kind: Option<ScalarKind>,
    items: impl Iterator<Item = Scalar<'v>> + Clone,
) -> Array {
    match kind.unwrap_or_else(|| infer_kind(items.clone())) {
        ScalarKind::Bool => Array::Bool(
            items
                .map(|item| matches!(item, Scalar::Bool(true)))
                .collect(),
        ),
        ScalarKind::I64 => Array::I64(
            items
                .map(|item| match item {
                    Scalar::I64(v) => v,
                    Scalar::Bool(v) => i64::from(v),
                    Scalar::F64(v) => v as i64,
                    Scalar::Text(_) => 0,
                })
                .collect(),
        ),
        ScalarKind::F64 => Array::F64(
            items
                .map(|item| match item {
                    Scalar::F64(v) => v,
                    Scalar::I64(v) => v as f64,
                    Scalar::Bool(v) => f64::from(u8::from(v)),
                    Scalar::Text(_) => f64::NAN,
                })
                .collect(),
        ),
        ScalarKind::Text => Array::String(
            items
                .map(|item| match item {
                    Scalar::Text(text) => owned(text),
                    other => Cow::Owned(other.to_string()),
                })
                .collect(),
        ),
    }
}

impl Visitor for KeyValues {
    // Always: a scalar's variant is known where it is made; inlined, the
    // conversion is what hand-written code does.
    #[inline(always)]
    fn scalar(&mut self, key: AttributeKey, value: Scalar<'_>) {
        self.push(key.name(), value.into());
    }

    fn list<'v, I>(&mut self, key: AttributeKey, kind: Option<ScalarKind>, items: I)
    where
        I: Iterator<Item = Scalar<'v>> + Clone,
    {
        self.push(key.name(), Value::Array(to_array(kind, items)));
    }

    fn json<T: Serialize + ?Sized>(&mut self, key: AttributeKey, value: &T) {
        // Serializing nested telemetry values cannot fail (string keys, no
        // foreign `Serialize` impls); should it ever, the key is left out
        // rather than sent half-written.
        if let Ok(encoded) = crate::json::encode(value) {
            self.push(key.name(), Value::String(Cow::Owned(encoded)));
        }
    }

    fn object<T: Telemetry + ?Sized>(&mut self, key: AttributeKey, object: Event<'_, T>) {
        if let Ok(encoded) = crate::json_writer::encode_object(object) {
            self.push(key.name(), Value::String(Cow::Owned(encoded)));
        }
    }

    fn objects<'a, T, I>(&mut self, key: AttributeKey, objects: I)
    where
        T: Telemetry + ?Sized + 'a,
        I: Iterator<Item = Event<'a, T>> + Clone,
    {
        if let Ok(encoded) = crate::json_writer::encode_objects(objects) {
            self.push(key.name(), Value::String(Cow::Owned(encoded)));
        }
    }
}
