//! Conversions to and from the OpenTelemetry API's attributes, for a host
//! that puts crewtel's attributes on spans of its own (the `opentelemetry`
//! feature: they name a 0.x crate, so they are opt-in).

use std::borrow::Cow;

use super::{Array, Key, KeyValue, Value};

#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
impl From<Key> for opentelemetry::Key {
    fn from(key: Key) -> Self {
        match key.0 {
            Cow::Borrowed(key) => opentelemetry::Key::from_static_str(key),
            Cow::Owned(key) => opentelemetry::Key::new(key),
        }
    }
}

fn string(text: Cow<'static, str>) -> opentelemetry::StringValue {
    match text {
        Cow::Borrowed(text) => text.into(),
        Cow::Owned(text) => text.into(),
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
impl From<Value> for opentelemetry::Value {
    fn from(value: Value) -> Self {
        use opentelemetry::{Array as A, Value as V};
        match value {
            Value::Bool(v) => V::Bool(v),
            Value::I64(v) => V::I64(v),
            Value::F64(v) => V::F64(v),
            Value::String(v) => V::String(string(v)),
            Value::Array(Array::Bool(v)) => V::Array(A::Bool(v)),
            Value::Array(Array::I64(v)) => V::Array(A::I64(v)),
            Value::Array(Array::F64(v)) => V::Array(A::F64(v)),
            Value::Array(Array::String(v)) => {
                V::Array(A::String(v.into_iter().map(string).collect()))
            }
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
impl From<opentelemetry::Value> for Value {
    /// A value of a type crewtel never sends itself is kept as its text.
    fn from(value: opentelemetry::Value) -> Self {
        use opentelemetry::{Array as A, Value as V};
        let text = |s: opentelemetry::StringValue| Cow::Owned(String::from(s));
        match value {
            V::Bool(v) => Value::Bool(v),
            V::I64(v) => Value::I64(v),
            V::F64(v) => Value::F64(v),
            V::String(v) => Value::String(text(v)),
            V::Array(A::Bool(v)) => Value::Array(Array::Bool(v)),
            V::Array(A::I64(v)) => Value::Array(Array::I64(v)),
            V::Array(A::F64(v)) => Value::Array(Array::F64(v)),
            V::Array(A::String(v)) => {
                Value::Array(Array::String(v.into_iter().map(text).collect()))
            }
            other => Value::String(Cow::Owned(other.to_string())),
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
impl From<opentelemetry::KeyValue> for KeyValue {
    fn from(kv: opentelemetry::KeyValue) -> Self {
        KeyValue {
            key: Key::from(String::from(kv.key.as_str())),
            value: kv.value.into(),
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
impl From<KeyValue> for opentelemetry::KeyValue {
    fn from(kv: KeyValue) -> Self {
        opentelemetry::KeyValue::new(kv.key, kv.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_keeps_its_type() {
        let cases = [
            (Value::Bool(false), opentelemetry::Value::Bool(false)),
            (Value::I64(0), opentelemetry::Value::I64(0)),
            (Value::F64(1.5), opentelemetry::Value::F64(1.5)),
            (Value::from("a"), opentelemetry::Value::from("a")),
            (
                Value::Array(Array::String(vec!["a".into(), String::from("b").into()])),
                opentelemetry::Value::Array(opentelemetry::Array::String(vec![
                    "a".into(),
                    "b".into(),
                ])),
            ),
            (
                Value::Array(Array::I64(vec![1, 2])),
                opentelemetry::Value::Array(vec![1_i64, 2].into()),
            ),
        ];
        for (ours, theirs) in cases {
            assert_eq!(Value::from(theirs.clone()), ours);
            assert_eq!(opentelemetry::Value::from(ours), theirs);
        }
        let kv = opentelemetry::KeyValue::from(KeyValue::new("agents", 3_i64));
        assert_eq!(kv.key.as_str(), "agents");
    }
}
