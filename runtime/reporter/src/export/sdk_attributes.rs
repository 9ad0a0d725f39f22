//! crewtel's attributes and the OpenTelemetry SDK's, converted at the SDK's
//! boundary: here, with the reporter's own OpenTelemetry version, not
//! through crewtel's `opentelemetry` feature, so that the reporter takes a
//! new OpenTelemetry release without one of crewtel.

use std::borrow::Cow;

use crewtel::attribute::{Array, Key, KeyValue, Value};
use opentelemetry::{Array as SdkArray, StringValue, Value as SdkValue};

fn text(text: Cow<'static, str>) -> StringValue {
    match text {
        Cow::Borrowed(text) => text.into(),
        Cow::Owned(text) => text.into(),
    }
}

/// An attribute as the SDK's span carries it.
pub(crate) fn to_sdk(attribute: KeyValue) -> opentelemetry::KeyValue {
    let key = match attribute.key.into_cow() {
        Cow::Borrowed(key) => opentelemetry::Key::from_static_str(key),
        Cow::Owned(key) => opentelemetry::Key::new(key),
    };
    let value = match attribute.value {
        Value::Bool(v) => SdkValue::Bool(v),
        Value::I64(v) => SdkValue::I64(v),
        Value::F64(v) => SdkValue::F64(v),
        Value::String(v) => SdkValue::String(text(v)),
        Value::Array(Array::Bool(v)) => SdkValue::Array(SdkArray::Bool(v)),
        Value::Array(Array::I64(v)) => SdkValue::Array(SdkArray::I64(v)),
        Value::Array(Array::F64(v)) => SdkValue::Array(SdkArray::F64(v)),
        Value::Array(Array::String(v)) => {
            SdkValue::Array(SdkArray::String(v.into_iter().map(text).collect()))
        }
        // A kind of value crewtel does not send yet.
        other => SdkValue::String(other.to_string().into()),
    };
    opentelemetry::KeyValue::new(key, value)
}

/// An attribute of the SDK's span as crewtel's (a capture's view of what a
/// pipeline exported). A kind of value crewtel never sends is kept as its
/// text.
pub(crate) fn from_sdk(attribute: opentelemetry::KeyValue) -> KeyValue {
    let owned = |text: StringValue| Cow::Owned(String::from(text));
    let value = match attribute.value {
        SdkValue::Bool(v) => Value::Bool(v),
        SdkValue::I64(v) => Value::I64(v),
        SdkValue::F64(v) => Value::F64(v),
        SdkValue::String(v) => Value::String(owned(v)),
        SdkValue::Array(SdkArray::Bool(v)) => Value::Array(Array::Bool(v)),
        SdkValue::Array(SdkArray::I64(v)) => Value::Array(Array::I64(v)),
        SdkValue::Array(SdkArray::F64(v)) => Value::Array(Array::F64(v)),
        SdkValue::Array(SdkArray::String(v)) => {
            Value::Array(Array::String(v.into_iter().map(owned).collect()))
        }
        other => Value::String(Cow::Owned(other.to_string())),
    };
    KeyValue::new(Key::from(attribute.key.as_str().to_owned()), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of value crewtel sends comes back as it went.
    #[test]
    fn each_kind_of_value_goes_to_the_sdk_and_back() {
        let values = [
            Value::Bool(true),
            Value::I64(-3),
            Value::F64(0.5),
            Value::String("🦙".into()),
            Value::Array(Array::Bool(vec![true, false])),
            Value::Array(Array::I64(vec![1, 2])),
            Value::Array(Array::F64(vec![1.5])),
            Value::Array(Array::String(vec!["a".into(), "b".into()])),
        ];
        for value in values {
            let attribute = KeyValue::new("crew_key", value);
            let sdk = to_sdk(attribute.clone());
            assert_eq!(sdk.key.as_str(), "crew_key");
            assert_eq!(from_sdk(sdk), attribute);
        }
    }
}
