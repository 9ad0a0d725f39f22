//! Attributes as they are sent: a key and a typed, owned value (the
//! OpenTelemetry attribute model, in crewtel's own types, so that no
//! OpenTelemetry release is a breaking release of crewtel). What
//! [`Event::key_values`](crate::Event::key_values), a
//! [`Sink`](crate::Sink) and a captured event (`testing::Captured`)
//! hand out.
//!
//! ```
//! use crewtel::attribute::{KeyValue, Value};
//! use crewtel::Telemetry;
//!
//! #[derive(Telemetry)]
//! #[telemetry(event = "Crew Created")]
//! struct Crew {
//!     /// How many agents the crew has.
//!     #[telemetry(always)]
//!     agents: u32,
//! }
//!
//! let sent = Crew { agents: 3 }.telemetry_event().key_values();
//! assert_eq!(sent, [KeyValue::new("agents", Value::I64(3))]);
//! ```

use std::borrow::Cow;
use std::fmt;

mod collect;
#[cfg(feature = "opentelemetry")]
mod otel;

pub use crate::error_type::DYN_ERROR;
pub use crate::json_writer::MAX_NESTING;
pub use collect::append_new;

/// The key [`ActiveSpan::fail`](crate::ActiveSpan::fail) sends the error's type under.
pub const ERROR_TYPE_KEY: &str = "error_type";

/// An attribute's key: a semantic-convention or host name, static for every
/// key crewtel's derives write.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(Cow<'static, str>);

impl Key {
    /// A key of static text, without allocating.
    pub const fn from_static(key: &'static str) -> Key {
        Key(Cow::Borrowed(key))
    }

    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&'static str> for Key {
    fn from(key: &'static str) -> Key {
        Key::from_static(key)
    }
}

impl From<String> for Key {
    fn from(key: String) -> Key {
        Key(Cow::Owned(key))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One attribute: its key and its value.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct KeyValue {
    /// The key.
    pub key: Key,
    /// The value, with its exact type.
    pub value: Value,
}

impl KeyValue {
    /// An attribute of `key` and `value`.
    pub fn new(key: impl Into<Key>, value: impl Into<Value>) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// An attribute's value, with its exact type (`false` and `0` included).
/// Nested structure (a map, a nested struct) is sent as one JSON-encoded
/// string, because attributes cannot nest.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// A flag.
    Bool(bool),
    /// An integer.
    I64(i64),
    /// A floating-point number.
    F64(f64),
    /// Text.
    String(Cow<'static, str>),
    /// A list of values of one type.
    Array(Array),
}

/// A list attribute: its items all of one type (mixed numbers are sent as
/// `f64`, anything else mixed as text).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Array {
    /// Flags.
    Bool(Vec<bool>),
    /// Integers.
    I64(Vec<i64>),
    /// Floating-point numbers.
    F64(Vec<f64>),
    /// Texts.
    String(Vec<Cow<'static, str>>),
}

impl Value {
    /// The value as text: a string as it is, anything else as it is
    /// displayed.
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            Value::String(text) => Cow::Borrowed(text),
            other => Cow::Owned(other.to_string()),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
            f.write_str("[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                item.fmt(f)?;
            }
            f.write_str("]")
        }
        match self {
            Value::Bool(v) => v.fmt(f),
            Value::I64(v) => v.fmt(f),
            Value::F64(v) => v.fmt(f),
            Value::String(v) => f.write_str(v),
            Value::Array(Array::Bool(v)) => list(f, v),
            Value::Array(Array::I64(v)) => list(f, v),
            Value::Array(Array::F64(v)) => list(f, v),
            Value::Array(Array::String(v)) => list(f, v),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $variant:ident($convert:expr);)*) => {$(
        impl From<$t> for Value {
            #[inline]
            fn from(value: $t) -> Value {
                Value::$variant($convert(value))
            }
        }
    )*};
}

value_from! {
    bool => Bool(core::convert::identity);
    i64 => I64(core::convert::identity);
    f64 => F64(core::convert::identity);
    &'static str => String(Cow::Borrowed);
    String => String(Cow::Owned);
    Cow<'static, str> => String(core::convert::identity);
    Array => Array(core::convert::identity);
}
