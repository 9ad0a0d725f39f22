//! What a key's value arrives as, read off its type at compile time: the
//! catalogue's `kind` (a string, a list of integers, a JSON object ...).

use serde::{Deserialize, Serialize};

use super::Catalogue;
use crate::value::ScalarKind;

/// What a key's value arrives as at a collector.
///
/// Nested structs and maps are sent as JSON: over OTLP as a string holding
/// the JSON text, in [`Event::to_json`](crate::Event::to_json) as the JSON
/// itself.
///
/// ```
/// use crewtel::{Telemetry, catalogue::ValueKind};
///
/// #[derive(Telemetry)]
/// struct Crew {
///     /// The tools' names.
///     #[telemetry(always, free_text, len(always))]
///     tools: Vec<String>,
/// }
///
/// let keys = Crew::CATALOGUE.keys();
/// assert_eq!(keys[0].kind, ValueKind::StringList);
/// assert_eq!(keys[1].kind, ValueKind::Integer); // `tools_len`
/// assert_eq!(ValueKind::StringList.to_string(), "list of strings");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValueKind {
    /// A string.
    String,
    /// A (64-bit signed) integer.
    Integer,
    /// A boolean.
    Boolean,
    /// A (64-bit) float.
    Float,
    /// A string, integer, float or boolean, whichever the value is (a
    /// hand-written `TelemetryValue` without a `KIND`).
    Scalar,
    /// A list of strings.
    StringList,
    /// A list of integers.
    IntegerList,
    /// A list of booleans.
    BooleanList,
    /// A list of floats.
    FloatList,
    /// A list of strings, integers, floats or booleans, whichever its values
    /// are.
    ScalarList,
    /// A JSON object: a nested struct, or a map of scalars.
    JsonObject,
    /// A JSON object of entries by name: a map of nested structs.
    JsonMap,
    /// A JSON list of entries: a list of nested structs.
    JsonList,
}

impl ValueKind {
    /// How a document names it: `string`, `list of integers`, `JSON object`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ValueKind::String => "string",
            ValueKind::Integer => "integer",
            ValueKind::Boolean => "boolean",
            ValueKind::Float => "float",
            ValueKind::Scalar => "string, integer, float or boolean",
            ValueKind::StringList => "list of strings",
            ValueKind::IntegerList => "list of integers",
            ValueKind::BooleanList => "list of booleans",
            ValueKind::FloatList => "list of floats",
            ValueKind::ScalarList => "list of strings, integers, floats or booleans",
            ValueKind::JsonObject => "JSON object",
            ValueKind::JsonMap => "JSON object of entries",
            ValueKind::JsonList => "JSON list of entries",
        }
    }

    /// The kind of one scalar value of `kind` (`None`: it varies).
    pub const fn of_scalar(kind: Option<ScalarKind>) -> ValueKind {
        match kind {
            Some(ScalarKind::Text) => ValueKind::String,
            Some(ScalarKind::I64) => ValueKind::Integer,
            Some(ScalarKind::Bool) => ValueKind::Boolean,
            Some(ScalarKind::F64) => ValueKind::Float,
            None => ValueKind::Scalar,
        }
    }

    /// The kind of a list whose entries are each of this kind.
    const fn listed(self) -> ValueKind {
        match self {
            ValueKind::String => ValueKind::StringList,
            ValueKind::Integer => ValueKind::IntegerList,
            ValueKind::Boolean => ValueKind::BooleanList,
            ValueKind::Float => ValueKind::FloatList,
            ValueKind::JsonObject => ValueKind::JsonList,
            // Not an entry (lists do not nest): a list of anything.
            _ => ValueKind::ScalarList,
        }
    }
}

impl core::fmt::Display for ValueKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a type's values are sent as: their kind, whether one can be absent
/// (`None`), and the catalogue of the struct nested in them, if any. The
/// derive reads it off each field's type for the catalogue.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Shape {
    /// What a value arrives as.
    pub kind: ValueKind,
    /// Whether a value can send nothing (an `Option` that is `None`).
    pub optional: bool,
    /// Where the catalogue of the struct nested in the value is (a function,
    /// so that a recursive struct is fine).
    pub nested: Option<fn() -> &'static Catalogue>,
}

impl Shape {
    /// One scalar of `kind` (`None`: it varies).
    pub const fn scalar(kind: Option<ScalarKind>) -> Shape {
        Shape {
            kind: ValueKind::of_scalar(kind),
            optional: false,
            nested: None,
        }
    }

    /// A JSON object, a nested struct's (`nested`).
    pub const fn object(nested: Option<fn() -> &'static Catalogue>) -> Shape {
        Shape {
            kind: ValueKind::JsonObject,
            optional: false,
            nested,
        }
    }

    /// A JSON object of entries of this shape, by name (a map).
    pub const fn mapped(self) -> Shape {
        Shape {
            kind: match self.nested {
                Some(_) => ValueKind::JsonMap,
                None => ValueKind::JsonObject,
            },
            optional: false,
            nested: self.nested,
        }
    }

    /// The same, absent when it is `None`.
    pub const fn optional(self) -> Shape {
        Shape {
            optional: true,
            ..self
        }
    }

    /// Whether the struct nested in the value has expired: the value is
    /// then not sent at all.
    #[inline]
    pub fn has_expired(&self) -> bool {
        match self.nested {
            Some(catalogue) => catalogue().has_expired(),
            None => false,
        }
    }

    /// A list of entries of this shape.
    pub const fn listed(self) -> Shape {
        Shape {
            kind: self.kind.listed(),
            optional: false,
            nested: self.nested,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_each_kind() {
        let text = Shape::scalar(Some(ScalarKind::Text));
        assert_eq!(text.listed().kind, ValueKind::StringList);
        assert_eq!(Shape::object(None).listed().kind, ValueKind::JsonList);
        assert_eq!(Shape::scalar(None).listed().kind, ValueKind::ScalarList);
        assert!(text.optional().optional);
        assert!(
            !text.optional().listed().optional,
            "a list is sent even when empty"
        );
        assert_eq!(text.mapped().kind, ValueKind::JsonObject);
        let agents = Shape::object(Some(|| unreachable!()));
        assert_eq!(agents.mapped().kind, ValueKind::JsonMap);
    }
}
