//! `OTEL_ATTRIBUTE_COUNT_LIMIT` and `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, which
//! opentelemetry-rust does not implement: applied to each event's attributes
//! before they leave, in every mode.

use opentelemetry::{Array, KeyValue, StringValue, Value};

use crate::config::Limits;

/// Keeps the first `limits.count` attributes and truncates longer strings
/// (and string array entries) to `limits.value_length` characters, on a
/// character boundary.
pub(crate) fn apply(limits: Limits, attributes: &mut Vec<KeyValue>) {
    attributes.truncate(limits.count);
    apply_value_length(limits, attributes);
}

/// Truncates longer strings (and string array entries) to
/// `limits.value_length` characters, on a character boundary.
pub(crate) fn apply_value_length(limits: Limits, attributes: &mut [KeyValue]) {
    let Some(max) = limits.value_length else {
        return;
    };
    for attribute in attributes {
        match &mut attribute.value {
            Value::String(s) => {
                if let Some(short) = truncated(s.as_str(), max) {
                    *s = short;
                }
            }
            Value::Array(Array::String(items)) => {
                for item in items {
                    if let Some(short) = truncated(item.as_str(), max) {
                        *item = short;
                    }
                }
            }
            _ => {}
        }
    }
}

fn truncated(s: &str, max_chars: usize) -> Option<StringValue> {
    let (end, _) = s.char_indices().nth(max_chars)?;
    Some(StringValue::from(s[..end].to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(key: &'static str, value: impl Into<Value>) -> KeyValue {
        KeyValue::new(key, value)
    }

    #[test]
    fn count_keeps_the_first_attributes() {
        let mut attributes = vec![kv("a", 1), kv("b", 2), kv("c", 3)];
        apply(
            Limits {
                value_length: None,
                count: 2,
            },
            &mut attributes,
        );
        assert_eq!(attributes, vec![kv("a", 1), kv("b", 2)]);
    }

    #[test]
    fn strings_are_cut_on_a_character_boundary() {
        let mut attributes = vec![
            kv("ascii", "abcdef"),
            kv("unicode", "🦙🦙🦙ñ"),
            kv("short", "ab"),
            kv("number", 123456_i64),
            KeyValue::new(
                "list",
                Value::Array(Array::String(vec!["ñandú".into(), "x".into()])),
            ),
        ];
        apply(
            Limits {
                value_length: Some(3),
                count: 128,
            },
            &mut attributes,
        );
        assert_eq!(
            attributes,
            vec![
                kv("ascii", "abc"),
                kv("unicode", "🦙🦙🦙"),
                kv("short", "ab"),
                kv("number", 123456_i64),
                KeyValue::new(
                    "list",
                    Value::Array(Array::String(vec!["ñan".into(), "x".into()]))
                ),
            ]
        );
    }

    #[test]
    fn zero_length_empties_strings() {
        let mut attributes = vec![kv("s", "abc")];
        apply(
            Limits {
                value_length: Some(0),
                count: 128,
            },
            &mut attributes,
        );
        assert_eq!(attributes, vec![kv("s", "")]);
    }
}
