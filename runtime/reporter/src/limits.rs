//! `CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`: applied to each event's
//! attributes by the one pipeline (`export`), whichever end it goes to.
//! (`CREWTEL_ATTRIBUTE_COUNT_LIMIT` is applied there too: the first
//! attributes are kept, the rest counted in the span's dropped-attribute
//! count.) A JSON-encoded value (a
//! list of agents, a map of inputs) is never cut into broken JSON: it is
//! whole, cut after its last entry that fits, or absent.

use std::borrow::Cow;

use crewtel::attribute::{Array, KeyValue, Value};

use crate::config::Limits;

/// Truncates longer strings (and string array entries) to
/// `limits.value_length` characters, on a character boundary; a JSON-encoded
/// list or object after its last whole entry that fits, or, when not even
/// one fits, removes the attribute. Returns how many it removed.
pub(crate) fn apply_value_length(limits: Limits, attributes: &mut Vec<KeyValue>) -> usize {
    let Some(max) = limits.value_length else {
        return 0;
    };
    let before = attributes.len();
    attributes.retain_mut(|attribute| match &mut attribute.value {
        Value::String(s) => match shortened(s, max) {
            Shortened::Whole => true,
            Shortened::To(short) => {
                *s = short;
                true
            }
            Shortened::Absent => false,
        },
        Value::Array(Array::String(items)) => {
            for item in items {
                if let Some(short) = truncated(item, max) {
                    *item = short;
                }
            }
            true
        }
        _ => true,
    });
    before - attributes.len()
}

enum Shortened {
    Whole,
    To(Cow<'static, str>),
    Absent,
}

fn shortened(s: &str, max_chars: usize) -> Shortened {
    if s.chars().nth(max_chars).is_none() {
        return Shortened::Whole;
    }
    match json_prefix(s, max_chars) {
        Some(Some(prefix)) => Shortened::To(Cow::Owned(prefix)),
        Some(None) => Shortened::Absent,
        None => truncated(s, max_chars).map_or(Shortened::Whole, Shortened::To),
    }
}

/// For JSON text (a list or an object): `Some` of its longest prefix of
/// whole entries, closed again, within `max_chars`, or `Some(None)` when
/// not one entry fits. `None` for text that is not a JSON list or object.
fn json_prefix(s: &str, max_chars: usize) -> Option<Option<String>> {
    let (open, close, entries) = top_level_entries(s)?;
    let mut out = String::from(open);
    let mut chars = 2;
    for entry in entries {
        let more = entry.chars().count() + usize::from(out.len() > 1);
        if chars + more > max_chars {
            break;
        }
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(entry);
        chars += more;
    }
    if out.len() == 1 && s.len() > 2 {
        // Not one entry fits: an empty list would say there were none.
        return Some(None);
    }
    out.push(close);
    Some(Some(out))
}

/// The top-level entries of a JSON list or object as written (an object's
/// as `"key":value`), with its brackets; `None` unless `s` is one valid JSON
/// list or object. (serde_json's `RawValue` would do it, but its feature
/// changes how the application's own serde_json reads a `Value`.)
fn top_level_entries(s: &str) -> Option<(char, char, Vec<&str>)> {
    let (open, close) = match s.as_bytes().first()? {
        b'[' => ('[', ']'),
        b'{' => ('{', '}'),
        _ => return None,
    };
    serde_json::from_str::<serde::de::IgnoredAny>(s).ok()?;
    let inner = s.trim_end().strip_suffix(close)?.strip_prefix(open)?;
    let mut entries = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0_usize, false, false, 0);
    for (at, byte) in inner.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            // Valid JSON: never below the top level.
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                entries.push(inner[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    let last = inner[start..].trim();
    if !last.is_empty() {
        entries.push(last);
    }
    Some((open, close, entries))
}

fn truncated(s: &str, max_chars: usize) -> Option<Cow<'static, str>> {
    let (end, _) = s.char_indices().nth(max_chars)?;
    Some(Cow::Owned(s[..end].to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(key: &'static str, value: impl Into<Value>) -> KeyValue {
        KeyValue::new(key, value)
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
        apply_value_length(
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
    fn entries_are_split_at_the_top_level_only() {
        let list = r#"[{"a":"x,]\"y"}, [1,{"b":[2,3]}] ,"z\\",null]"#;
        assert_eq!(
            top_level_entries(list),
            Some((
                '[',
                ']',
                vec![
                    r#"{"a":"x,]\"y"}"#,
                    r#"[1,{"b":[2,3]}]"#,
                    r#""z\\""#,
                    "null"
                ]
            ))
        );
        let map = r#"{"k,1":{"n":[1,{"m":"}"}]},"s":"\u00e9,"}"#;
        assert_eq!(
            top_level_entries(map),
            Some((
                '{',
                '}',
                vec![r#""k,1":{"n":[1,{"m":"}"}]}"#, r#""s":"\u00e9,""#]
            ))
        );
        assert_eq!(top_level_entries("[]"), Some(('[', ']', vec![])));
        for not_one in ["[1,2", "{\"a\"}", "[1] [2]", "\"text\"", "12"] {
            assert_eq!(top_level_entries(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn json_values_are_cut_between_entries_never_inside_one() {
        let list = r#"[{"role":"researcher"},{"role":"writer"},{"role":"editor"}]"#;
        let map = r#"{"topic":"llamas","tone":"dry","length":"short"}"#;
        let mut attributes = vec![
            kv("crew_agents", list),
            kv("crew_inputs", map),
            kv("one_big", r#"[{"role":"a very long role indeed"}]"#),
            kv("plain", "[not json, just text that is long"),
        ];
        let removed = apply_value_length(
            Limits {
                value_length: Some(30),
                count: 128,
            },
            &mut attributes,
        );
        assert_eq!(removed, 1, "the list whose one entry does not fit");
        assert_eq!(
            attributes,
            vec![
                kv("crew_agents", r#"[{"role":"researcher"}]"#),
                kv("crew_inputs", r#"{"topic":"llamas"}"#),
                kv("plain", "[not json, just text that is l"),
            ]
        );
        for attribute in &attributes[..2] {
            let Value::String(s) = &attribute.value else {
                panic!()
            };
            assert!(serde_json::from_str::<serde_json::Value>(s).is_ok());
            assert!(s.chars().count() <= 30);
        }
    }

    #[test]
    fn zero_length_empties_strings() {
        let mut attributes = vec![kv("s", "abc")];
        apply_value_length(
            Limits {
                value_length: Some(0),
                count: 128,
            },
            &mut attributes,
        );
        assert_eq!(attributes, vec![kv("s", "")]);
    }
}
