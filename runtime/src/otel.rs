//! Event attributes as OpenTelemetry `KeyValue`s.

use opentelemetry::{Array, Key, KeyValue, StringValue, Value};
use serde::Serialize;

use crate::value::{Scalar, Text};
use crate::visit::Visitor;

/// Collects visited attributes as `KeyValue`s, keys without allocation.
pub(crate) struct KeyValues(Vec<KeyValue>);

impl KeyValues {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        KeyValues(Vec::with_capacity(capacity))
    }

    pub(crate) fn into_inner(self) -> Vec<KeyValue> {
        self.0
    }

    #[inline]
    fn push(&mut self, key: &'static str, value: Value) {
        self.0.push(KeyValue::new(Key::from_static_str(key), value));
    }
}

impl From<Text<'_>> for StringValue {
    #[inline]
    fn from(text: Text<'_>) -> Self {
        match text {
            Text::Static(s) => StringValue::from(s),
            Text::Borrowed(s) => StringValue::from(s.to_owned()),
            Text::Owned(s) => StringValue::from(s),
        }
    }
}

impl From<Scalar<'_>> for Value {
    #[inline]
    fn from(scalar: Scalar<'_>) -> Self {
        match scalar {
            Scalar::Bool(v) => Value::Bool(v),
            Scalar::I64(v) => Value::I64(v),
            Scalar::F64(v) => Value::F64(v),
            Scalar::Text(v) => Value::String(v.into()),
        }
    }
}

/// The element type an OpenTelemetry array of these scalars must have:
/// arrays are homogeneous, so mixed numbers widen to `f64` and anything else
/// mixed becomes text.
#[derive(Clone, Copy, PartialEq)]
enum ArrayKind {
    Bool,
    I64,
    F64,
    Text,
}

fn array_kind<'v>(items: impl Iterator<Item = Scalar<'v>>) -> ArrayKind {
    let mut kind = None;
    for item in items {
        let this = match item {
            Scalar::Bool(_) => ArrayKind::Bool,
            Scalar::I64(_) => ArrayKind::I64,
            Scalar::F64(_) => ArrayKind::F64,
            Scalar::Text(_) => return ArrayKind::Text,
        };
        kind = Some(match (kind, this) {
            (None, this) => this,
            (Some(a), b) if a == b => a,
            (Some(ArrayKind::I64 | ArrayKind::F64), ArrayKind::I64 | ArrayKind::F64) => {
                ArrayKind::F64
            }
            _ => return ArrayKind::Text,
        });
    }
    kind.unwrap_or(ArrayKind::Text)
}

fn to_array<'v>(items: impl Iterator<Item = Scalar<'v>> + Clone) -> Array {
    match array_kind(items.clone()) {
        ArrayKind::Bool => Array::Bool(
            items
                .map(|item| matches!(item, Scalar::Bool(true)))
                .collect(),
        ),
        ArrayKind::I64 => Array::I64(
            items
                .map(|item| match item {
                    Scalar::I64(v) => v,
                    _ => unreachable!("array_kind saw only integers"),
                })
                .collect(),
        ),
        ArrayKind::F64 => Array::F64(
            items
                .map(|item| match item {
                    Scalar::F64(v) => v,
                    Scalar::I64(v) => v as f64,
                    _ => unreachable!("array_kind saw only numbers"),
                })
                .collect(),
        ),
        ArrayKind::Text => Array::String(
            items
                .map(|item| match item {
                    Scalar::Text(text) => StringValue::from(text),
                    other => StringValue::from(other.to_string()),
                })
                .collect(),
        ),
    }
}

impl Visitor for KeyValues {
    #[inline]
    fn scalar(&mut self, key: &'static str, value: Scalar<'_>) {
        self.push(key, value.into());
    }

    fn list<'v, I>(&mut self, key: &'static str, items: I)
    where
        I: Iterator<Item = Scalar<'v>> + Clone,
    {
        self.push(key, Value::Array(to_array(items)));
    }

    fn json<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        // Serializing nested telemetry values cannot fail (string keys, no
        // foreign `Serialize` impls); should it ever, the key is left out
        // rather than sent half-written.
        if let Ok(encoded) = serde_json::to_string(value) {
            self.push(key, Value::String(encoded.into()));
        }
    }
}
